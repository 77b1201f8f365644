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
from components.figures import style
from components.figures import timeline as tl
from components.map import mapping
from components.pack import alternatives
from components.pack.schema import split_ids
from components.pack.values import is_blank
from components.text import UNKNOWN, clean, count_text, plural, web_url  # noqa: F401 (re-exported)
from components.text import date_short as short_date
from components.views import summary

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


_CACHE: list[tuple[object, tuple, Briefing]] = []


def briefing_content(pack, filters: flt.Filters, today: date, view_url: str = "") -> Briefing:
    """The content of the briefing pack for this view. The last few results are kept (keyed on the pack object and
    the arguments), so that building the deck and the PDF of one view renders the images once."""
    key = (filters, today, view_url)
    for cached_pack, cached_key, briefing in _CACHE:
        if cached_pack is pack and cached_key == key:
            return briefing
    briefing = _build_content(pack, filters, today, view_url)
    _CACHE.insert(0, (pack, key, briefing))
    del _CACHE[4:]
    return briefing


def _build_content(pack, filters: flt.Filters, today: date, view_url: str) -> Briefing:
    tables = pack.tables
    meta = pack.metadata
    if not filters.vocab:  # the vocabulary lets describe() name a partial choice of kinds or classifications
        filters = dataclasses.replace(filters, vocab=flt.vocabulary(tables["events"], tables["regions"], meta))
    # not sorted: only the listed incidents are (see LIST_LIMIT); without the long texts that the pack never shows
    events = filters.apply(tables["events"].drop(columns=[c for c in flt.RECORD_ONLY_COLUMNS
                                                          if c in tables["events"]]))
    years = filters.years
    n = len(events)
    filter_text = clean(filters.describe(n))
    citation = clean(meta.get("citation"))
    view_url = clean(view_url)
    sources = pack.sources_by_id()
    policies = filters.apply_years(tables["policies"])
    bans = filters.apply_years(tables["banned_organisations"], "decision_date")
    phases = tables["phases"]
    phases = phases[(phases["end_year"] >= years[0]) & (phases["start_year"] <= years[1])]
    stats = sc.chartable(tables["statistics"])  # rows flagged as errors in their document are never charted
    boundaries_attr = clean(meta.get("boundaries", {}).get("attribution"))
    boundaries_licence = clean(meta.get("boundaries", {}).get("license"), "ODbL 1.0")
    attribution = f"{boundaries_attr} ({boundaries_licence})" if boundaries_attr else ""
    empty = n == 0

    title_page = Page("title", TITLES["title"],
                      f"Source: {clean(meta.get('title'), 'data pack')} (version {clean(meta.get('version'), '?')}); "
                      "the sources of every row are listed at the end of this pack.",
                      body={"lines": [filter_text, f"Exported {today.day} {today.strftime('%B %Y')}"],
                            "url": view_url, "citation": citation})
    licences = _licences_page(meta, attribution, citation, view_url)

    if empty:
        pages = [title_page,
                 Page("empty", TITLES["empty"], "Source: data pack, events table: no row matches these filters.",
                      filter_text, {"lines": [f"{NO_MATCH}: {clean(filters.describe())}.",
                                              "This is not a count of zero: it means that the data pack records no "
                                              "incident for this selection.",
                                              "Widen the years or clear a filter on the dashboard, then export "
                                              "again."]}),
                 licences]
        return Briefing(DECK_TITLE, filter_text, today, view_url, citation, pages, {}, [], True)

    # Which sources the included rows cite, numbered in id order (easy to look up in the list).
    stat_ids = [i for i in sc.AGE_IDS + sc.PROSECUTION_IDS + sc.FIGHTERS_IDS]
    shown_stats = stats[stats["stat_id"].isin(stat_ids)]
    drawn_regions = tables["regions"]
    shown_alts = _alternatives_in_view(tables.get("alternatives"), events, policies)
    cited: list[str] = []
    for frame in (events, policies, bans, phases, shown_stats, drawn_regions, shown_alts):
        for cell in _distinct(frame["source_ids"]):  # distinct cells: a million rows cite a handful of lists
            cited.extend(split_ids(cell))
    ref_ids = sorted(set(cited))
    refs = {sid: i for i, sid in enumerate(ref_ids, 1)}

    def ref(cell: object) -> str:
        nums = sorted({refs[s] for s in split_ids(cell) if s in refs})
        return "[" + ", ".join(str(k) for k in nums) + "]" if nums else ""

    def ref_ids_text(ids: Iterable[str], where: str = "") -> str:
        """'[3, 7, 12]'; with ``where``, a long list is replaced by a pointer to the rows that number them."""
        nums = sorted({refs[s] for s in ids if s in refs})
        if where and len(nums) > MAX_REFS_IN_LINE:
            return f"numbered row by row in '{where}'"
        return "[" + ", ".join(str(k) for k in nums) + "]" if nums else ""

    # ---------------------------------------------------------------- images (rendered once, used by both formats)
    per_year = summary.per_year(events, years)
    milestones = _milestones(policies)
    ban_counts = {str(k): int(v) for k, v in bans.groupby("policy_id").size().items()} if not bans.empty else {}
    age_rows = sc.rows_by_id(stats, sc.AGE_IDS)
    u20, b3039, tot = (age_rows.get(i, {}).get("value") for i in (sc.AGE_UNDER_20, sc.AGE_30_39, sc.AGE_UNDER_40))
    u20, b3039, tot = (None if is_blank(v) else float(v) for v in (u20, b3039, tot))
    pros_rows = _prosecution_rows(stats)
    images = {
        "per_year": img.per_year_png(per_year),
        "map": img.map_png(events, pack.boundaries, filters.regions),
        "timeline": img.timeline_png(policies, phases, events, ban_counts, years),
        "age": img.age_png(u20, b3039, tot),
        "prosecution": img.prosecution_png(pros_rows),
    }

    pages: list[Page] = [title_page]
    event_refs = ref_ids_text((s for c in _distinct(events["source_ids"]) for s in split_ids(c)),
                              TITLES["incidents"])

    # ---------------------------------------------------------------- headline figures
    figs = summary.headline(events)
    disputed = summary.disputed_count(events)
    tiles = [(t.label, t.value, clean(t.note)) for t in summary.tiles(events)]
    classes = events["classification"].value_counts()
    classes = classes[classes > 0]  # a categorical column also counts its unused categories
    class_text = "; ".join(f"{clean(k)}: {int(v)}" for k, v in classes.items())
    headline_notes = [
        (("The sources disagree on this incident" if n == 1 else
          f"Sources disagree on {disputed} of these {plural(n, 'incident')}")
         + " (casualties, dates or classification). The figures use the data pack's values; the alternatives are in "
           "the slides 'Where sources disagree', with their sources.") if disputed else
        "No disagreement between sources is recorded for the incidents in this view.",
        f"Classification: {class_text}.",
        "Victims killed exclude perpetrators. Sums count only the figures the sources give; an incident with no "
        "figure is counted apart, never as 0.",
    ]
    pages.append(Page("headline", TITLES["headline"],
                      f"Source: data pack, events table ({plural(n, 'incident')}); incident sources {event_refs}; "
                      "all listed under 'Sources cited'.", filter_text, {"tiles": tiles, "notes": headline_notes}))

    # ---------------------------------------------------------------- per year
    k_unknown = int(per_year["killed_unknown"].sum())
    per_year_notes = [
        "Victims killed: known figures only, excluding perpetrators.",
        ("Grey hatched bars count the incidents with no victim figure: in those years the victims are at least the "
         f"red bar. In this view: {figs['killed'].sentence()}.") if k_unknown else
        f"Every incident in this view has a victim figure: {figs['killed'].sentence()}.",
        f"Policy milestones in these years: {len(milestones)}, listed next and drawn on the policy timeline.",
        "In the PowerPoint version the chart is editable (Edit Data).",
    ]
    pages.append(Page("per_year", TITLES["per_year"],
                      "Source: data pack, events table (incidents; victims killed, excluding perpetrators); "
                      f"incident sources {event_refs}.", filter_text,
                      {"per_year": per_year[["year", "incidents", "killed_known", "killed_unknown"]]
                       .to_dict("list"), "notes": per_year_notes}))

    # ---------------------------------------------------------------- milestones (paginated)
    m_rows = [[short_date(r["date"], r["date_precision"]), clean(r["category"]).capitalize(), clean(r["title"]),
               ref(r["source_ids"])] for r in milestones.to_dict("records")]
    m_source = ("Source: data pack, policies table (context rows left out; they are on the timeline); the numbers "
                "in brackets refer to 'Sources cited'.")
    if m_rows:
        pages += _table_pages("milestones", f"{TITLES['milestones']}, {_span(years)}", MILESTONE_COLUMNS, m_rows,
                              m_source, filter_text, "", CONTENT_BOTTOM - CONTENT_TOP)
    else:
        pages.append(Page("milestones", f"{TITLES['milestones']}, {_span(years)}", m_source, filter_text,
                          {"columns": [c for c, _ in MILESTONE_COLUMNS], "widths": [w for _, w in MILESTONE_COLUMNS],
                           "rows": [], "note": "No policy milestone in these years."}))

    # ---------------------------------------------------------------- map
    located = mapping.located_mask(events)
    settlement = int((events.loc[located, "coord_precision"] != "site").sum())
    n_located = int(located.sum())
    cells = mapping.grid_cells(events) if n_located > mapping.POINT_LIMIT else None
    if cells is not None:
        map_notes = [f"{n_located:,} incidents are too many to draw one by one: they are summed into "
                     f"{len(cells):,} grid cells of {mapping.CELL_DEG:g}\u00b0, each drawn as a circle at the cell's "
                     "centre (not at an incident's place) whose area is proportional to its incidents; the bigger "
                     "cells carry their count."
                     + ("" if n_located == n else f" {n - n_located:,} incidents have no coordinates.")]
    else:
        map_notes = [f"All {plural(n, 'incident')} of this view are drawn." if n_located == n and n > 1 else
                     "The incident of this view is drawn." if n_located == n else
                     f"{n_located} of the {plural(n, 'incident')} of this view are drawn."]
    missing = events[~located]
    if not missing.empty and cells is None:
        shown = missing.head(MISSING_LISTED).to_dict("records")
        more = len(missing) - len(shown)
        map_notes.append("Not on the map (no coordinates): " + "; ".join(
            f"{clean(r['place'])} ({short_date(r['date'], r['date_precision'])})" for r in shown)
                         + (f"; and {more:,} more." if more else "."))
    groups = [g for g in img.label_groups(events[located]) if g["n"] > 1] if cells is None else []
    overlap = "; ".join(f"{img.group_label(g)} at " + ("one point" if g["points"] == 1 else f"{g['points']} points")
                        for g in groups)
    if overlap:
        map_notes.append(f"Points that overlap: {clean(overlap)}.")
    if settlement and cells is not None:
        map_notes.append(f"The coordinates of {settlement:,} of the {n_located:,} incidents mark the centre of the "
                         "named settlement or area, not the incident site.")
    elif settlement:
        map_notes.append(("The point marks" if n_located == 1 else f"{settlement} of the {n_located} points mark")
                         + " the centre of the named settlement or area, not the incident site.")
    map_notes.append("Albers equal-area projection; no basemap.")
    if pack.boundaries is None:
        map_notes.insert(0, "The region boundaries could not be loaded: only the incidents are drawn.")
    region_refs = ref_ids_text(s for c in drawn_regions["source_ids"] for s in split_ids(c))
    pages.append(Page("map", TITLES["map"],
                      f"Source: data pack, events table (points at the table's coordinates) {event_refs}; regions "
                      f"{region_refs}. {attribution}", filter_text,
                      {"notes": map_notes, "attribution": attribution}))

    # ---------------------------------------------------------------- timeline
    timeline_refs = ref_ids_text((s for frame in (policies, phases, bans) for c in frame["source_ids"]
                                  for s in split_ids(c)), "Policy milestones")
    pages.append(Page("timeline", f"{TITLES['timeline']}, {_span(years)}",
                      "Source: data pack, policies, phases, banned organisations and events tables; policy sources "
                      f"{timeline_refs}.", filter_text,
                      {"note": ", ".join(t for t in (plural(len(milestones), "milestone"), plural(
                          len(policies) - len(milestones), "context event") if len(policies) > len(milestones)
                                                      else "") if t)
                               + f" and {plural(n, 'incident')}. "
                               + (f"The incidents are too many to draw one by one: one circle per "
                                  f"{tl.bin_unit(years)}, its area proportional to their number. "
                                  if n > tl.INCIDENT_LIMIT else "")
                               + "Phases: approximate readings of the 2018 Karaganda article."}))

    # ---------------------------------------------------------------- statistics
    def stat_source(ids: Sequence[str], comparators: bool = False) -> str:
        line = clean(sc.chart_source_line(stats, ids, sources, comparators=comparators))
        nums = ref_ids_text(s for r in sc.rows_by_id(stats, ids).values()
                            if bool(r.get("comparator")) == comparators for s in split_ids(r.get("source_ids")))
        text = f"{line} {nums}".strip()
        return text if text or comparators else "data pack, statistics table (these rows are missing)"

    caveat = next((clean(r.get("caveat")) for r in age_rows.values() if not is_blank(r.get("caveat"))), "")
    pages.append(Page("age", TITLES["age"], f"Source: {stat_source(sc.AGE_IDS)}", NATIONAL_NOTE, {
        "categories": list(AGE_CATEGORIES), "values": [u20, None, b3039, tot],
        "caveat_title": "Caveat: the age shares do not add up" if len(age_rows) == len(sc.AGE_IDS) else
                        "Not in the data pack",
        "caveat": caveat or clean(sc.age_arithmetic(stats)),
        "arithmetic": clean(sc.age_arithmetic(stats)),
        "quote": clean(age_rows.get(sc.AGE_UNDER_40, {}).get("quote")),
        "missing": [i for i in sc.AGE_IDS if i not in age_rows],
    }))
    pros_caveats = [f"{r['metric']} ({r['value_text']}): {r['caveat']}" for r in pros_rows if r["caveat"]]
    pages.append(Page("prosecution", TITLES["prosecution"], f"Source: {stat_source(sc.PROSECUTION_IDS)}",
                      NATIONAL_NOTE, {
                          "rows": pros_rows,
                          "caveat_title": "The periods differ",
                          "caveats": ["Each bar covers its own period (in its label), so the bars are not a series "
                                      "and must not be added up."] + pros_caveats,
                      }))
    pages.append(_fighters_page(stats, sources, stat_source))

    # ---------------------------------------------------------------- incidents (paginated; the latest LIST_LIMIT)
    listed = events if n <= LIST_LIMIT else events.loc[events["date"].nlargest(LIST_LIMIT, keep="first").index]
    listed = listed.sort_values(["date", "event_id"], kind="stable")
    i_rows = [[short_date(r["date"], r["date_precision"]), clean(r["place"]), clean(r["region"]),
               f"{clean(r['attack_type'])} ({clean(r['event_type'])})", count_text(r["killed"]),
               count_text(r["injured"]), clean(r["classification"]), ref(r["source_ids"])]
              for r in listed.to_dict("records")]
    i_note = ("Killed: victims, excluding perpetrators. 'unknown': the sources give no figure (not zero). Numbers in "
              "brackets: 'Sources cited'.")
    if len(listed) < n:
        i_note = (f"The {len(listed):,} most recent of the {n:,} incidents in this view, in date order; "
                  f"{n - len(listed):,} more in the CSV export (dashboard, 'Sources and data'). " + i_note)
    pages += _table_pages("incidents", TITLES["incidents"], INCIDENT_COLUMNS, i_rows,
                          "Source: data pack, events table; the sources of each incident are the numbers in its "
                          "row (see 'Sources cited').", filter_text, i_note, CONTENT_BOTTOM - CONTENT_TOP - 0.45)

    # ---------------------------------------------------------------- where the sources disagree (paginated)
    # One row per record, its figures only (counts, dates, places, classifications); differences of wording are in
    # the dashboard's detail of the record.
    figure_alts = shown_alts[shown_alts["column"].isin(alternatives.FIGURE_COLUMNS)]
    if not figure_alts.empty:
        names = {**{r["event_id"]: f"{short_date(r['date'], r['date_precision'])}, {clean(r['place'])}"
                    for r in events.to_dict("records") if r["event_id"] in set(figure_alts["record_id"])},
                 **{r["policy_id"]: f"{short_date(r['date'], r['date_precision'])}, {clean(r['title'])}"
                    for r in policies.to_dict("records") if r["policy_id"] in set(figure_alts["record_id"])}}
        d_rows = [[names.get(rid, rid), _other_values(grp, ref)]
                  for rid, grp in figure_alts.groupby("record_id", sort=False)]
        pages += _table_pages("disagreements", TITLES["disagreements"], DISAGREEMENT_COLUMNS, d_rows,
                              "Source: data pack, alternatives table: every value a source gives that differs from "
                              "the one used, with the sources that give it.", filter_text,
                              "The other slides show the values used (the most recent credible official figure). "
                              "'error': wrong in its source, never charted. Differences of wording: dashboard detail.",
                              CONTENT_BOTTOM - CONTENT_TOP - 0.45)

    # ---------------------------------------------------------------- sources (paginated) and licences
    references = []
    for sid in ref_ids:
        src = sources.get(sid)
        if src is None:
            references.append({"n": refs[sid], "id": sid, "title": "", "url": "",
                               "text": "not in the sources table"})
            continue
        bits = [clean(src.get("author")), f"\u201c{clean(src.get('title'))}\u201d", clean(src.get("publisher")),
                clean(src.get("date_published"))]
        text = ", ".join(b for b in bits if b and b != "\u201c\u201d")
        if bool(src.get("core_document")) and not is_blank(src.get("core_document")):
            text += " (one of the five source documents)"
        references.append({"n": refs[sid], "id": sid, "title": clean(src.get("title")), "url": clean(src.get("url")),
                           "text": text})
    heights = [(_lines(f"[{r['n']}] {r['id']}: {r['text']}. {r['url']}", CONTENT_W, REF_PT) * REF_PT * 1.2
                + 3) / 72 for r in references]
    groups = _paginate(heights, CONTENT_BOTTOM - CONTENT_TOP)
    for i, idx in enumerate(groups, 1):
        pages.append(Page("sources", _numbered(TITLES["sources"], i, len(groups)),
                          "Source: data pack, sources table: every source cited by the incidents, policy milestones, "
                          "phases, bans, regions and statistics in this pack.",
                          f"{len(references)} sources, numbered as cited on the previous slides",
                          {"entries": [references[j] for j in idx]}))
    pages.append(licences)
    return Briefing(DECK_TITLE, filter_text, today, view_url, citation, pages, images, references, False)


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


def _span(years: tuple[int, int]) -> str:
    return str(years[0]) if years[0] == years[1] else f"{years[0]}{DASH}{years[1]}"


def _milestones(policies: pd.DataFrame) -> pd.DataFrame:
    rows = policies[policies["category"] != "context"]
    return rows.sort_values(["date", "policy_id"], kind="stable")


def _prosecution_rows(stats: pd.DataFrame) -> list[dict]:
    by_id = sc.rows_by_id(stats, sc.PROSECUTION_IDS)
    out: list[dict] = []
    previous = ""
    for sid in sc.PROSECUTION_IDS:
        r = by_id.get(sid)
        if r is None or is_blank(r.get("value")):
            continue
        period = clean(r.get("period"))
        if period.strip().lower() == "same as above" and previous:
            period = previous
        previous = period
        unit = clean(r.get("unit"))
        out.append({"id": sid, "metric": clean(r.get("metric")), "unit": unit, "period": period,
                    "value": float(r["value"]), "qualifier": clean(r.get("qualifier")),
                    "value_text": clean(f"{sc.value_text(r)} {unit}".strip()),
                    "label": clean(r.get("metric")) + (f" ({unit})" if unit else ""),
                    "caveat": clean(r.get("caveat"))})
    return out


def _fighters_page(stats: pd.DataFrame, sources: Mapping, stat_source) -> Page:
    by_id = sc.rows_by_id(stats, sc.FIGHTERS_IDS)
    rng = by_id.get(sc.FIGHTERS_RANGE)
    body: dict = {"range": None, "comparators": []}
    if rng is not None:
        body["range"] = {"value": clean(sc.value_text(rng)), "metric": clean(rng.get("metric")),
                         "unit": clean(rng.get("unit")), "period": clean(rng.get("period")),
                         "who": clean(sc.short_source(rng.get("source_ids"), sources)),
                         "quote": clean(rng.get("quote")), "caveat": clean(rng.get("caveat"))}
    for sid in sc.FIGHTERS_COMPARATORS:
        r = by_id.get(sid)
        if r is None:
            continue
        body["comparators"].append({"value": clean(sc.value_text(r)), "unit": clean(r.get("unit")),
                                    "who": clean(sc.COMPARATOR_LABELS.get(sid, "Comparator")),
                                    "metric": clean(r.get("metric")),
                                    "source": clean(sc.short_source(r.get("source_ids"), sources))})
    source = f"Source: {stat_source(sc.FIGHTERS_IDS)}"
    comp = stat_source(sc.FIGHTERS_IDS, comparators=True)
    if comp:
        source += f"; comparators: {comp}"
    return Page("fighters", TITLES["fighters"], source, NATIONAL_NOTE, body)


def _licences_page(meta: Mapping, attribution: str, citation: str, view_url: str) -> Page:
    items = [
        ("How to cite", citation, ""),
        ("Tables (incidents, policies, statistics, sources ...)", clean(meta.get("license")),
         clean(meta.get("license_url"))),
        ("Region boundaries (map)", attribution, clean(meta.get("boundaries", {}).get("license_url"))),
        ("Quotations", "Verbatim quotations remain their authors'; each source keeps its own terms.", ""),
    ]
    if view_url:
        items.append(("This view on the dashboard", view_url, view_url))
    return Page("licences", TITLES["licences"], f"Source: data pack metadata (metadata.json), version "
                f"{clean(meta.get('version'), '?')}.", "", {"items": items})


# ------------------------------------------------------------------------------------------------ shared look (both renderers)
INK = "#14171A"
MUTED = "#4A5058"
CAVEAT_FILL = "#FFF4D6"
CAVEAT_LINE = style.OKABE_ITO["orange"]
COMPARATOR_LINE = style.OKABE_ITO["vermillion"]

_safe_url = web_url  # a link target only for web addresses; any other scheme from the data stays plain text


def _value_runs(value: str, size: float = 44) -> list[dict]:
    """'at least 45' as a small 'at least' and a big '45' (the qualifier stays on the figure, legibly)."""
    if value == UNKNOWN:  # a word, not a number: smaller, so that it fits the tile
        return [{"text": value, "size": size * 0.62, "bold": True}]
    if value.startswith("at least "):
        return [{"text": "at least ", "size": size * 0.5, "bold": True},
                {"text": value.removeprefix("at least "), "size": size, "bold": True}]
    return [{"text": value, "size": size, "bold": True}]
