"""Briefing-pack export: the current filtered view as a PowerPoint deck and a PDF handout, every figure sourced.

Pure code: no Streamlit. ``briefing_content`` builds one content model (a ``Briefing``: its pages, their text and
the images, rendered once); ``build_pptx`` and ``build_pdf`` draw that model, one slide or one A4 page per page, so
the two formats always say the same thing. ``build_pack`` returns both from one content model.

Principles kept here:
- unknown is never zero: sums read "at least N; K incidents with no figure", unknown casualties read "unknown";
- caveats sit beside what they qualify (on the same slide, next to the chart);
- offline: images are drawn with matplotlib (no tiles, no CDN, no browser);
- text from the data is data: control characters are removed (they are not valid in a .pptx), the PDF escapes
  every piece of data text before reportlab's paragraph markup sees it, matplotlib's mathtext is off, and chart
  categories that a spreadsheet would run as a formula are neutralised (the deck's charts embed a workbook).
"""

from __future__ import annotations

import dataclasses
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from components import filters as flt
from components.briefing import images as img
from components.figures import statistics as sc
from components.map import clusters
from components.pack import alternatives
from components.pack.schema import split_ids
from components.pack.values import is_blank
from components.text import UNKNOWN, clean, count_text, plural, web_url  # noqa: F401 (re-exported)
from components.text import date_short as short_date
from components.views import base
from components.views import map as map_view
from components.views import overview as overview_view
from components.views import sources as sources_view
from components.views import statistics as stats_view
from components.views import timeline as timeline_view

# ------------------------------------------------------------------------------------------------ words
DECK_TITLE = "Terrorism and counter-terrorism in Kazakhstan"
NO_MATCH = "No incident matches these filters"
TITLES = {
    "title": DECK_TITLE,
    "headline": "Headline figures",
    "per_year": "Incidents and victims per year",
    "milestones": "Policy milestones",
    "map": "Map of incidents",
    "timeline": "Policy timeline",
    "age": "Statistics: perpetrators' ages",
    "prosecution": "Statistics: prosecution and prevention",
    "fighters": "Statistics: foreign fighters",
    "incidents": "Incidents in this view",
    "disagreements": "Where sources disagree",
    "sources": "Sources cited",
    "licences": "Licences and how to cite",
    "empty": NO_MATCH,
}
MISSING_STATS = "These figures are not in the data pack (the statistics table did not load or lacks these rows)."
NATIONAL_NOTE = "National figures as reported: the region and year filters do not apply to them."
LIST_LIMIT = 300  # the incident list holds at most this many (the most recent); the CSV export has them all
MISSING_LISTED = 20  # incidents without coordinates named on the map slide; beyond, counted
MAX_REFS_IN_LINE = 12  # a source line lists at most this many source numbers; beyond, it points to the rows
PER_YEAR_SERIES = ("Incidents", "Victims killed (known figures)", "Incidents with no victim figure")
AGE_CATEGORIES = ("Under 20", "20\u201329 (not reported)", "30\u201339", "Under 40 (reported total)")
DASH = "\u2013"

# ------------------------------------------------------------------------------------------------ slide geometry
# 16:9 slide, inches. The pagination of long lists is computed for the slide (the tighter of the two formats).
SLIDE_W, SLIDE_H = 13.333, 7.5
MARGIN = 0.5
CONTENT_W = SLIDE_W - 2 * MARGIN
CONTENT_TOP = 1.55
CONTENT_BOTTOM = 6.72
TITLE_PT, BODY_PT, TABLE_PT, SOURCE_PT = 30, 16, 14, 12
REF_PT = 12  # the list of sources, as small as the source lines: read after the briefing, not from across a room
FONT = "Arial"  # in every Office; LibreOffice maps it to the metric-compatible Liberation Sans
CHAR_EM = 0.48  # average character width of Arial text as a share of the font size, rounded up for safety

INCIDENT_COLUMNS = (("Date", 1.45), ("Place", 2.1), ("Region", 1.7), ("Type", 2.3), ("Killed", 0.85),
                    ("Injured", 0.92), ("Classification", 1.55), ("Sources", 1.46))
DISAGREEMENT_COLUMNS = (("Incident or milestone", 3.4), ("Other values the sources give, with their sources", 8.93))
MILESTONE_COLUMNS = (("Date", 1.6), ("Kind", 2.35), ("Milestone", 6.95), ("Sources", 1.43))


# ------------------------------------------------------------------------------------------------ text helpers


def _lines(text: str, width_in: float, pt: float) -> int:
    """Lines a text needs in a box of this width at this size (word wrap, estimated from the average width)."""
    chars = max(8, int((width_in - 0.2) * 72 / (pt * CHAR_EM)))
    return sum(max(1, len(textwrap.wrap(part, chars, break_long_words=True, break_on_hyphens=False)))
               for part in (text.split("\n") if text else [""]))


# ------------------------------------------------------------------------------------------------ content model
@dataclass(frozen=True)
class Page:
    """One slide of the deck and one page of the PDF."""

    kind: str
    title: str
    source: str  # the source line at the bottom, starting "Source:"
    subtitle: str = ""
    body: Mapping = field(default_factory=dict)


@dataclass
class Briefing:
    title: str
    filter_text: str
    today: date
    view_url: str
    citation: str
    pages: list[Page]
    images: dict[str, bytes]
    references: list[dict]  # numbered sources: n, id, title, text, url
    empty: bool

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def titles(self) -> list[str]:
        return [p.title for p in self.pages]


def _numbered(title: str, i: int, n: int) -> str:
    return title if n == 1 else f"{title} ({i} of {n})"


def _paginate(heights: Sequence[float], budget: float) -> list[list[int]]:
    """Indices grouped into pages whose heights fit the budget (an oversized item gets a page of its own)."""
    pages: list[list[int]] = [[]]
    used = 0.0
    for i, h in enumerate(heights):
        if pages[-1] and used + h > budget:
            pages.append([])
            used = 0.0
        pages[-1].append(i)
        used += h
    return pages if pages[0] else []


def _row_height(cells: Sequence[str], widths: Sequence[float], pt: float = TABLE_PT) -> float:
    lines = max(_lines(c, w, pt) for c, w in zip(cells, widths))
    return lines * pt * 1.2 / 72 + 0.1


def _table_pages(kind: str, title: str, columns: Sequence[tuple[str, float]], rows: list[list[str]], source: str,
                 subtitle: str, note: str, budget: float) -> list[Page]:
    widths = [w for _, w in columns]
    header = _row_height([c for c, _ in columns], widths)
    groups = _paginate([_row_height(r, widths) for r in rows], budget - header)
    out = []
    for i, idx in enumerate(groups, 1):
        out.append(Page(kind, _numbered(title, i, len(groups)), source, subtitle,
                        {"columns": [c for c, _ in columns], "widths": widths, "rows": [rows[j] for j in idx],
                         "note": note}))
    return out


def briefing_content(pack, filters: flt.Filters, today: date, view_url: str = "",
                     events: pd.DataFrame | None = None) -> Briefing:
    """The content of the briefing pack for this view, from the same view models as the pages (``events``: the
    incidents of the filter when the caller has them, as ``views.base.events_in`` gives them)."""
    if not filters.vocab:  # the vocabulary lets describe() name a partial choice of kinds or classifications
        t = pack.tables
        filters = dataclasses.replace(filters, vocab=flt.vocabulary(t["events"], t["regions"], pack.metadata))
    # not sorted: only the listed incidents are (see LIST_LIMIT)
    events = base.events_in(pack, filters) if events is None else events
    context = _Context.of(pack, filters, events, today, view_url)
    if events.empty:
        return _empty_briefing(context)
    ov = overview_view.build(pack, filters, events)
    mv = map_view.build(pack, filters, events)
    tv = timeline_view.build(pack, filters, events)
    shown_alts = _alternatives_in_view(pack.tables.get("alternatives"), events, tv.policies)
    refs = _References.of(pack, events, tv, shown_alts)
    pages = [context.title_page(), _headline_page(context, ov, refs), _per_year_page(context, ov, refs)]
    pages += _milestone_pages(context, tv, refs)
    groups = [g for g in img.label_groups(events[clusters.located_mask(events)]) if g["n"] > 1] \
        if not mv.aggregation.aggregated else []
    pages.append(_map_page(context, mv, refs, groups))
    pages.append(_timeline_page(context, tv, refs))
    pages += _statistics_pages(pack, refs)
    pages += _incident_pages(context, events, refs)
    pages += _disagreement_pages(context, events, tv, shown_alts, refs)
    pages += _source_pages(refs)
    pages.append(context.licences_page())
    ban_counts = {str(k): int(v) for k, v in tv.bans.groupby("policy_id").size().items()} if not tv.bans.empty else {}
    age = stats_view.age(pack)
    images = {
        "per_year": img.per_year_png(ov.per_year),
        "map": img.map_png(events, pack.boundaries, filters.regions),
        "timeline": img.timeline_png(tv.policies, tv.phases, events, ban_counts, filters.years),
        "age": img.age_png(age.under_20, age.aged_30_39, age.under_40),
        "prosecution": img.prosecution_png(stats_view.prosecution(pack)),
    }
    return Briefing(DECK_TITLE, context.filter_text, today, context.view_url, context.citation, pages, images,
                    refs.entries, False)


@dataclass(frozen=True)
class _Context:
    """What every page of one briefing pack shares: the filter in words, the citation, the address, licences."""

    pack: object  # the DataPack
    meta: Mapping
    filters: flt.Filters
    filter_text: str
    today: date
    view_url: str
    citation: str
    attribution: str

    @classmethod
    def of(cls, pack, filters: flt.Filters, events: pd.DataFrame, today: date, view_url: str) -> _Context:
        meta = pack.metadata
        boundaries = meta.get("boundaries", {})
        attr, licence = clean(boundaries.get("attribution")), clean(boundaries.get("license"), "ODbL 1.0")
        return cls(pack, meta, filters, clean(filters.describe(len(events))), today, clean(view_url),
                   clean(meta.get("citation")), f"{attr} ({licence})" if attr else "")

    def title_page(self) -> Page:
        meta, today = self.meta, self.today
        return Page("title", TITLES["title"],
                    f"Source: {clean(meta.get('title'), 'data pack')} (version {clean(meta.get('version'), '?')}); "
                    "the sources of every row are listed at the end of this pack.",
                    body={"lines": [self.filter_text, f"Exported {today.day} {today.strftime('%B %Y')}"],
                          "url": self.view_url, "citation": self.citation})

    def licences_page(self) -> Page:
        meta = self.meta
        items = [
            ("How to cite", self.citation, ""),
            ("Tables (incidents, policies, statistics, sources ...)", clean(meta.get("license")),
             clean(meta.get("license_url"))),
            ("Region boundaries (map)", self.attribution, clean(meta.get("boundaries", {}).get("license_url"))),
            ("Quotations", "Verbatim quotations remain their authors'; each source keeps its own terms.", ""),
        ]
        if self.view_url:
            items.append(("This view on the dashboard", self.view_url, self.view_url))
        return Page("licences", TITLES["licences"], f"Source: data pack metadata (metadata.json), version "
                    f"{clean(meta.get('version'), '?')}.", "", {"items": items})


def _empty_briefing(c: _Context) -> Briefing:
    pages = [c.title_page(),
             Page("empty", TITLES["empty"], "Source: data pack, events table: no row matches these filters.",
                  c.filter_text, {"lines": [f"{NO_MATCH}: {clean(c.filters.describe())}.",
                                            "This is not a count of zero: it means that the data pack records no "
                                            "incident for this selection.",
                                            "Widen the years or clear a filter on the dashboard, then export "
                                            "again."]}),
             c.licences_page()]
    return Briefing(DECK_TITLE, c.filter_text, c.today, c.view_url, c.citation, pages, {}, [], True)


@dataclass(frozen=True)
class _References:
    """The sources the included rows cite, numbered in id order (easy to look up in the list at the end)."""

    numbers: Mapping[str, int]
    entries: list[dict]
    event_refs: str  # the incidents' sources, as '[1, 2, 5]' or a pointer to the incident list

    @classmethod
    def of(cls, pack, events: pd.DataFrame, tv: timeline_view.Timeline, shown_alts: pd.DataFrame) -> _References:
        stats = sc.chartable(pack.tables["statistics"])
        shown_stats = stats[stats["stat_id"].isin(sc.AGE_IDS + sc.PROSECUTION_IDS + sc.FIGHTERS_IDS)]
        cited: list[str] = []
        for frame in (events, tv.policies, tv.bans, tv.phases, shown_stats, pack.tables["regions"], shown_alts):
            for cell in _distinct(frame["source_ids"]):  # distinct cells: a million rows cite a handful of lists
                cited.extend(split_ids(cell))
        entries = sources_view.references(pack, cited)
        numbers = {e["id"]: e["n"] for e in entries}
        event_ids = (s for c in _distinct(events["source_ids"]) for s in split_ids(c))
        return cls(numbers, entries, _numbers_text(numbers, event_ids, TITLES["incidents"]))

    def cell(self, cell: object) -> str:
        """'[3, 7]' for a cell of source ids."""
        return _numbers_text(self.numbers, split_ids(cell))

    def ids(self, ids: Iterable[str], where: str = "") -> str:
        return _numbers_text(self.numbers, ids, where)


def _numbers_text(numbers: Mapping[str, int], ids: Iterable[str], where: str = "") -> str:
    """'[3, 7, 12]'; with ``where``, a long list is replaced by a pointer to the rows that number them."""
    nums = sorted({numbers[s] for s in ids if s in numbers})
    if where and len(nums) > MAX_REFS_IN_LINE:
        return f"numbered row by row in '{where}'"
    return "[" + ", ".join(str(k) for k in nums) + "]" if nums else ""


def _headline_page(c: _Context, ov: overview_view.Overview, refs: _References) -> Page:
    n = ov.incidents
    tiles = [(t.label, t.value, clean(t.note)) for t in ov.tiles]
    notes = [
        (ov.disputed_sentence + ". The figures use the data pack's values; the alternatives are in the slides 'Where "
         "sources disagree', with their sources.") if ov.disputed else
        "No disagreement between sources is recorded for the incidents in this view.",
        f"Classification: {clean(ov.classification_text)}.",
        "Victims killed exclude perpetrators. Sums count only the figures the sources give; an incident with no "
        "figure is counted apart, never as 0.",
    ]
    return Page("headline", TITLES["headline"], f"Source: data pack, events table ({plural(n, 'incident')}); "
                f"incident sources {refs.event_refs}; all listed under 'Sources cited'.", c.filter_text,
                {"tiles": tiles, "notes": notes})


def _per_year_page(c: _Context, ov: overview_view.Overview, refs: _References) -> Page:
    killed = ov.headline["killed"]
    notes = [
        "Victims killed: known figures only, excluding perpetrators.",
        ("Grey hatched bars count the incidents with no victim figure: in those years the victims are at least the "
         f"red bar. In this view: {killed.sentence()}.") if int(ov.per_year["killed_unknown"].sum()) else
        f"Every incident in this view has a victim figure: {killed.sentence()}.",
        f"Policy milestones in these years: {len(ov.milestones)}, listed next and drawn on the policy timeline.",
        "In the PowerPoint version the chart is editable (Edit Data).",
    ]
    return Page("per_year", TITLES["per_year"], "Source: data pack, events table (incidents; victims killed, "
                f"excluding perpetrators); incident sources {refs.event_refs}.", c.filter_text,
                {"per_year": ov.per_year[["year", "incidents", "killed_known", "killed_unknown"]].to_dict("list"),
                 "notes": notes})


def _milestone_pages(c: _Context, tv: timeline_view.Timeline, refs: _References) -> list[Page]:
    rows = [[short_date(r["date"], r["date_precision"]), clean(r["category"]).capitalize(), clean(r["title"]),
             refs.cell(r["source_ids"])] for r in tv.milestones.to_dict("records")]
    title = f"{TITLES['milestones']}, {tv.span}"
    source = ("Source: data pack, policies table (context rows left out; they are on the timeline); the numbers "
              "in brackets refer to 'Sources cited'.")
    if rows:
        return _table_pages("milestones", title, MILESTONE_COLUMNS, rows, source, c.filter_text, "",
                            CONTENT_BOTTOM - CONTENT_TOP)
    return [Page("milestones", title, source, c.filter_text,
                 {"columns": [col for col, _ in MILESTONE_COLUMNS], "widths": [w for _, w in MILESTONE_COLUMNS],
                  "rows": [], "note": "No policy milestone in these years."})]


def _map_page(c: _Context, mv: map_view.MapView, refs: _References, groups: list[dict]) -> Page:
    overlap = "; ".join(f"{img.group_label(g)} at " + ("one point" if g["points"] == 1 else f"{g['points']} points")
                        for g in groups)
    notes = mv.print_notes(overlap)
    if c.pack.boundaries is None:
        notes.insert(0, "The region boundaries could not be loaded: only the incidents are drawn.")
    region_refs = refs.ids(s for cell in c.pack.tables["regions"]["source_ids"] for s in split_ids(cell))
    return Page("map", TITLES["map"], f"Source: data pack, events table (points at the table's coordinates) "
                f"{refs.event_refs}; regions {region_refs}. {c.attribution}", c.filter_text,
                {"notes": notes, "attribution": c.attribution})


def _timeline_page(c: _Context, tv: timeline_view.Timeline, refs: _References) -> Page:
    return Page("timeline", f"{TITLES['timeline']}, {tv.span}",
                "Source: data pack, policies, phases, banned organisations and events tables; policy sources "
                f"{refs.ids(tv.source_ids, 'Policy milestones')}.", c.filter_text, {"note": tv.print_note})


def _stat_source(pack, refs: _References, ids: Sequence[str], comparators: bool = False) -> str:
    """The source line of a statistics page: the sources' names and their numbers."""
    text = stats_view.chart_text(pack, tuple(ids))
    line = clean(text.comparators_line if comparators else text.line)
    out = f"{line} {refs.ids(stats_view.source_ids(pack, tuple(ids), comparators))}".strip()
    return out if out or comparators else "data pack, statistics table (these rows are missing)"


def _statistics_pages(pack, refs: _References) -> list[Page]:
    age = stats_view.age(pack)
    rows = stats_view.prosecution(pack)
    fighters = stats_view.fighters(pack)
    age_page = Page("age", TITLES["age"], f"Source: {_stat_source(pack, refs, sc.AGE_IDS)}", NATIONAL_NOTE, {
        "categories": list(AGE_CATEGORIES), "values": [age.under_20, None, age.aged_30_39, age.under_40],
        "caveat_title": "Caveat: the age shares do not add up" if age.complete else "Not in the data pack",
        "caveat": age.caveat, "arithmetic": age.arithmetic, "quote": age.quote, "missing": age.missing})
    caveats = [f"{r['metric']} ({r['value_text']}): {r['caveat']}" for r in rows if r["caveat"]]
    prosecution = Page("prosecution", TITLES["prosecution"], f"Source: {_stat_source(pack, refs, sc.PROSECUTION_IDS)}",
                       NATIONAL_NOTE, {"rows": rows, "caveat_title": "The periods differ", "caveats": [
                           "Each bar covers its own period (in its label), so the bars are not a series and must "
                           "not be added up."] + caveats})
    source = f"Source: {_stat_source(pack, refs, sc.FIGHTERS_IDS)}"
    comparators = _stat_source(pack, refs, sc.FIGHTERS_IDS, comparators=True)
    if comparators:
        source += f"; comparators: {comparators}"
    fighters_page = Page("fighters", TITLES["fighters"], source, NATIONAL_NOTE,
                         {"range": fighters.range, "comparators": fighters.comparators})
    return [age_page, prosecution, fighters_page]


def _incident_pages(c: _Context, events: pd.DataFrame, refs: _References) -> list[Page]:
    """The incidents, paginated: the latest LIST_LIMIT in date order."""
    n = len(events)
    listed = events if n <= LIST_LIMIT else events.loc[events["date"].nlargest(LIST_LIMIT, keep="first").index]
    listed = listed.sort_values(["date", "event_id"], kind="stable")
    rows = [[short_date(r["date"], r["date_precision"]), clean(r["place"]), clean(r["region"]),
             f"{clean(r['attack_type'])} ({clean(r['event_type'])})", count_text(r["killed"]),
             count_text(r["injured"]), clean(r["classification"]), refs.cell(r["source_ids"])]
            for r in listed.to_dict("records")]
    note = ("Killed: victims, excluding perpetrators. 'unknown': the sources give no figure (not zero). Numbers in "
            "brackets: 'Sources cited'.")
    if len(listed) < n:
        note = (f"The {len(listed):,} most recent of the {n:,} incidents in this view, in date order; "
                f"{n - len(listed):,} more in the CSV export (dashboard, 'Sources and data'). " + note)
    return _table_pages("incidents", TITLES["incidents"], INCIDENT_COLUMNS, rows,
                        "Source: data pack, events table; the sources of each incident are the numbers in its "
                        "row (see 'Sources cited').", c.filter_text, note, CONTENT_BOTTOM - CONTENT_TOP - 0.45)


def _disagreement_pages(c: _Context, events: pd.DataFrame, tv: timeline_view.Timeline, shown_alts: pd.DataFrame,
                        refs: _References) -> list[Page]:
    """One row per record, its figures only (counts, dates, places, classifications); differences of wording are
    in the dashboard's detail of the record."""
    figure_alts = shown_alts[shown_alts["column"].isin(alternatives.FIGURE_COLUMNS)]
    if figure_alts.empty:
        return []
    wanted = set(figure_alts["record_id"])
    names = {**{r["event_id"]: f"{short_date(r['date'], r['date_precision'])}, {clean(r['place'])}"
                for r in events[events["event_id"].isin(wanted)].to_dict("records")},
             **{r["policy_id"]: f"{short_date(r['date'], r['date_precision'])}, {clean(r['title'])}"
                for r in tv.policies[tv.policies["policy_id"].isin(wanted)].to_dict("records")}}
    rows = [[names.get(rid, rid), _other_values(grp, refs.cell)] for rid, grp in figure_alts.groupby("record_id",
                                                                                                     sort=False)]
    return _table_pages("disagreements", TITLES["disagreements"], DISAGREEMENT_COLUMNS, rows,
                        "Source: data pack, alternatives table: every value a source gives that differs from "
                        "the one used, with the sources that give it.", c.filter_text,
                        "The other slides show the values used (the most recent credible official figure). "
                        "'error': wrong in its source, never charted. Differences of wording: dashboard detail.",
                        CONTENT_BOTTOM - CONTENT_TOP - 0.45)


def _source_pages(refs: _References) -> list[Page]:
    entries = refs.entries
    heights = [(_lines(f"[{r['n']}] {r['id']}: {r['text']}. {r['url']}", CONTENT_W, REF_PT) * REF_PT * 1.2
                + 3) / 72 for r in entries]
    groups = _paginate(heights, CONTENT_BOTTOM - CONTENT_TOP)
    return [Page("sources", _numbered(TITLES["sources"], i, len(groups)),
                 "Source: data pack, sources table: every source cited by the incidents, policy milestones, "
                 "phases, bans, regions and statistics in this pack.",
                 f"{len(entries)} sources, numbered as cited on the previous slides",
                 {"entries": [entries[j] for j in idx]}) for i, idx in enumerate(groups, 1)]


def _other_values(alts: pd.DataFrame, ref) -> str:
    """'Victims killed: 4, 5 (earlier reports) [3, 12]; Date: 2011-06-30 (other figure) [7]' for one record."""
    parts = []
    for column, grp in alts.groupby("column", sort=False):
        bits = []
        for status, g2 in grp.groupby("status", sort=False):
            values = ", ".join(clean(alternatives.value_text(a)) for a in g2.to_dict("records"))
            refs = ref(";".join(g2["source_ids"]))
            bits.append(f"{values} ({alternatives.STATUS_WORDS.get(status, status)}) {refs}".strip())
        parts.append(f"{alternatives.column_label(column)}: " + "; ".join(bits))
    return ". ".join(parts)


def _alternatives_in_view(alts: pd.DataFrame | None, events: pd.DataFrame, policies: pd.DataFrame) -> pd.DataFrame:
    """The alternatives of the incidents and milestones in the view, in table order (empty frame when none)."""
    if alts is None or alts.empty:
        return pd.DataFrame(columns=["table", "record_id", "column", "source_ids"])
    ids = {"events": set(events["event_id"]), "policies": set(policies["policy_id"])}
    keep = [r in ids.get(t, ()) for t, r in zip(alts["table"], alts["record_id"])]
    return alts[keep]


def _distinct(column: pd.Series) -> list:
    """The distinct non-blank cells of a column (in first-seen order)."""
    return [c for c in pd.unique(column.dropna().astype(object)) if not is_blank(c)]
