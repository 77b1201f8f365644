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
import io
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from xml.sax.saxutils import escape

import pandas as pd

from components import filters as flt
from components.briefing import images as img
from components.exports import neutralise_cell
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




# ================================================================================================ PowerPoint
def _rgb(hex_colour: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_colour.lstrip("#").upper())


INK = "#14171A"
MUTED = "#4A5058"
CAVEAT_FILL = "#FFF4D6"
CAVEAT_LINE = style.OKABE_ITO["orange"]
COMPARATOR_LINE = style.OKABE_ITO["vermillion"]


_safe_url = web_url  # a link target only for web addresses; any other scheme from the data stays plain text


def _runs(paragraph, runs: Sequence[Mapping]) -> None:
    from pptx.util import Pt

    for spec in runs:
        run = paragraph.add_run()
        run.text = spec["text"]
        f = run.font
        f.name = FONT
        f.size = Pt(spec.get("size", BODY_PT))
        f.bold = spec.get("bold", False)
        f.italic = spec.get("italic", False)
        f.color.rgb = _rgb(spec.get("color", INK))
        if spec.get("url"):
            run.hyperlink.address = spec["url"]


def _text_frame(tf, paragraphs: Sequence, size: float = BODY_PT, space_after: float = 6, anchor=None) -> None:
    """Fill a text frame. Each paragraph: a string, a run dict, or a list of run dicts."""
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Pt

    tf.word_wrap = True
    if anchor is not None:
        tf.vertical_anchor = anchor
    first = True
    for para in paragraphs:
        p = tf.paragraphs[0] if first else tf.add_paragraph()
        first = False
        runs = [{"text": para}] if isinstance(para, str) else [para] if isinstance(para, Mapping) else list(para)
        runs = [{"size": size, **r} for r in runs]
        _runs(p, runs)
        p.space_after = Pt(space_after)
        p.alignment = PP_ALIGN.LEFT


def qn(tag: str) -> str:
    from pptx.oxml.ns import qn as _qn

    return _qn(tag)


def _box(slide, x: float, y: float, w: float, h: float, paragraphs: Sequence, name: str = "",
         size: float = BODY_PT, space_after: float = 6, fill: str | None = None, line: str | None = None,
         line_width: float = 1.5):
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.util import Inches, Pt

    if fill or line:
        shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(x), Inches(y), Inches(w), Inches(h))
        theme_style = shape._element.find(qn("p:style"))  # the theme's look (shadow, white text) is not wanted
        if theme_style is not None:
            shape._element.remove(theme_style)
        if fill:
            shape.fill.solid()
            shape.fill.fore_color.rgb = _rgb(fill)
        else:
            shape.fill.background()
        if line:
            shape.line.color.rgb = _rgb(line)
            shape.line.width = Pt(line_width)
        else:
            shape.line.fill.background()
        tf = shape.text_frame
        for side in ("left", "right", "top", "bottom"):
            setattr(tf, f"margin_{side}", Inches(0.12))
        from pptx.enum.text import MSO_ANCHOR

        _text_frame(tf, paragraphs, size, space_after, MSO_ANCHOR.TOP)
    else:
        shape = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
        _text_frame(shape.text_frame, paragraphs, size, space_after)
    if name:
        shape.name = name
    return shape


def _slide(prs, page: Page, number: int, total: int):
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Inches

    slide = prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only": the title stays a real title placeholder
    title = slide.shapes.title
    big = page.kind == "title"
    title.left, title.top, title.width = Inches(MARGIN), Inches(0.6 if big else 0.25), Inches(CONTENT_W)
    title.height = Inches(1.0 if big else 0.85)
    tf = title.text_frame
    tf.clear()
    tf.word_wrap = True
    tf.vertical_anchor = MSO_ANCHOR.BOTTOM
    p = tf.paragraphs[0]
    p.alignment = PP_ALIGN.LEFT
    _runs(p, [{"text": page.title, "size": 40 if big else TITLE_PT, "bold": True}])
    if page.subtitle:
        _box(slide, MARGIN, 1.1, CONTENT_W, 0.4, [{"text": page.subtitle, "color": MUTED}], name="Subtitle",
             size=TABLE_PT)
    _footer(slide, page.source, number, total)
    return slide


def _footer(slide, source: str, number: int, total: int) -> None:
    _box(slide, MARGIN, 6.85, CONTENT_W - 1.0, 0.6, [{"text": source, "color": MUTED}], name="Source line",
         size=SOURCE_PT, space_after=0)
    box = _box(slide, SLIDE_W - MARGIN - 0.95, 6.85, 0.95, 0.4, [{"text": f"{number} / {total}", "color": MUTED}],
               name="Slide number", size=SOURCE_PT, space_after=0)
    from pptx.enum.text import PP_ALIGN

    box.text_frame.paragraphs[0].alignment = PP_ALIGN.RIGHT


def _picture(slide, png: bytes, x: float, y: float, w: float, name: str, alt: str):
    from pptx.util import Inches

    pic = slide.shapes.add_picture(io.BytesIO(png), Inches(x), Inches(y), width=Inches(w))
    pic.name = name
    pic._element.nvPicPr.cNvPr.set("descr", alt)  # alternative text for screen readers
    return pic


def _table(slide, columns: Sequence[str], widths: Sequence[float], rows: Sequence[Sequence[str]], y: float,
           name: str, centre: Sequence[int] = ()):
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches

    shape = slide.shapes.add_table(len(rows) + 1, len(columns), Inches(MARGIN), Inches(y), Inches(sum(widths)),
                                   Inches(0.4 * (len(rows) + 1)))
    shape.name = name
    table = shape.table
    for i, w in enumerate(widths):
        table.columns[i].width = Inches(w)
    for r in range(len(rows) + 1):
        table.rows[r].height = Inches(0.36)
    for r, values in enumerate([list(columns)] + [list(v) for v in rows]):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.margin_left = cell.margin_right = Inches(0.06)
            cell.margin_top = cell.margin_bottom = Inches(0.04)
            tf = cell.text_frame
            tf.word_wrap = True
            p = tf.paragraphs[0]
            colour = "#FFFFFF" if r == 0 else (style.OKABE_ITO["vermillion"] if value == UNKNOWN else INK)
            _runs(p, [{"text": value, "size": TABLE_PT, "bold": r == 0, "color": colour,
                       "italic": value == UNKNOWN}])
            if c in centre:
                p.alignment = PP_ALIGN.CENTER
    return shape


def _chart_fonts(chart, size: float = TABLE_PT) -> None:
    from pptx.util import Pt

    chart.font.name = FONT
    chart.font.size = Pt(size)
    chart.font.color.rgb = _rgb(INK)
    chart.has_title = False


def _per_year_chart(slide, page: Page, x: float, y: float, w: float, h: float):
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
    from pptx.enum.dml import MSO_PATTERN
    from pptx.util import Inches, Pt

    data = page.body["per_year"]
    cd = CategoryChartData(number_format="0")
    cd.categories = [str(y_) for y_ in data["year"]]
    for name, col in zip(PER_YEAR_SERIES, ("incidents", "killed_known", "killed_unknown")):
        cd.add_series(name, [int(v) for v in data[col]])
    frame = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(x), Inches(y), Inches(w), Inches(h), cd)
    frame.name = "Per-year chart"
    chart = frame.chart
    _chart_fonts(chart)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.TOP
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(TABLE_PT)
    plot = chart.plots[0]
    plot.gap_width = 45
    plot.overlap = 0
    colours = (style.OKABE_ITO["blue"], style.OKABE_ITO["vermillion"], None)
    for series, colour in zip(plot.series, colours):
        fill = series.format.fill
        if colour:
            fill.solid()
            fill.fore_color.rgb = _rgb(colour)
        else:
            fill.patterned()
            fill.pattern = MSO_PATTERN.WIDE_UPWARD_DIAGONAL
            fill.fore_color.rgb = _rgb("#555555")
            fill.back_color.rgb = _rgb("#D9D9D9")
            series.format.line.color.rgb = _rgb("#555555")
    n_years = len(data["year"])
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = "0;-0;;"  # zeros carry no label
    labels.number_format_is_linked = False
    labels.font.size = Pt(TABLE_PT if n_years <= 13 else 11)
    chart.value_axis.has_major_gridlines = True
    chart.value_axis.major_gridlines.format.line.color.rgb = _rgb("#E3E6EA")
    chart.value_axis.tick_labels.font.size = Pt(TABLE_PT)
    chart.category_axis.tick_labels.font.size = Pt(TABLE_PT if n_years <= 13 else 12)
    if n_years > 13:
        _tick_label_skip(chart, 2)
    return frame


def _tick_label_skip(chart, every: int) -> None:
    from lxml import etree

    cat_ax = chart.category_axis._element
    ns = cat_ax.nsmap.get("c") or "http://schemas.openxmlformats.org/drawingml/2006/chart"
    skip = etree.SubElement(cat_ax, f"{{{ns}}}tickLblSkip")
    skip.set("val", str(every))
    following = cat_ax.find(f"{{{ns}}}noMultiLvlLbl")
    if following is not None:
        following.addprevious(skip)


def _age_chart(slide, page: Page, x: float, y: float, w: float, h: float):
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
    from pptx.enum.dml import MSO_PATTERN
    from pptx.util import Inches, Pt

    cd = CategoryChartData(number_format='0"%"')
    cd.categories = list(page.body["categories"])
    cd.add_series("Share of terrorists, as reported (%)", list(page.body["values"]))
    frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, Inches(x), Inches(y), Inches(w), Inches(h), cd)
    frame.name = "Age chart"
    chart = frame.chart
    _chart_fonts(chart)
    chart.has_legend = False
    plot = chart.plots[0]
    plot.gap_width = 60
    series = plot.series[0]
    series.format.fill.solid()
    series.format.fill.fore_color.rgb = _rgb(style.OKABE_ITO["blue"])
    if page.body["values"][3] is not None:  # the reported total: hatched, outlined, set apart from the bands
        point = series.points[3]
        point.format.fill.patterned()
        point.format.fill.pattern = MSO_PATTERN.WIDE_UPWARD_DIAGONAL
        point.format.fill.fore_color.rgb = _rgb(style.OKABE_ITO["orange"])
        point.format.fill.back_color.rgb = _rgb("#FFFFFF")
        point.format.line.color.rgb = _rgb(style.OKABE_ITO["orange"])
        point.format.line.width = Pt(2.5)
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = '0"%"'
    labels.number_format_is_linked = False
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    labels.font.size = Pt(BODY_PT)
    labels.font.bold = True
    chart.category_axis.reverse_order = True
    chart.category_axis.tick_labels.font.size = Pt(TABLE_PT)
    va = chart.value_axis
    va.minimum_scale, va.maximum_scale, va.major_unit = 0, 100, 20
    va.tick_labels.number_format = '0"%"'
    va.tick_labels.number_format_is_linked = False
    va.has_major_gridlines = True
    va.major_gridlines.format.line.color.rgb = _rgb("#E3E6EA")
    va.tick_labels.font.size = Pt(TABLE_PT)
    return frame


def _prosecution_chart(slide, page: Page, x: float, y: float, w: float, h: float):
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
    from pptx.util import Inches, Pt

    rows = page.body["rows"]
    cd = CategoryChartData(number_format="#,##0")
    cd.categories = [neutral_category(f"{r['label']} \u2014 period: {r['period']}") for r in rows]
    cd.add_series("Number as reported", [r["value"] for r in rows])
    frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, Inches(x), Inches(y), Inches(w), Inches(h), cd)
    frame.name = "Prosecution chart"
    chart = frame.chart
    _chart_fonts(chart, TABLE_PT)
    chart.has_legend = False
    plot = chart.plots[0]
    plot.gap_width = 50
    series = plot.series[0]
    series.format.fill.solid()
    series.format.fill.fore_color.rgb = _rgb(style.OKABE_ITO["blue"])
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = "#,##0"
    labels.number_format_is_linked = False
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    labels.font.size = Pt(BODY_PT)
    labels.font.bold = True
    for i, r in enumerate(rows):  # a qualified figure keeps its qualifier ("at least 2"), never a bare number
        if r["qualifier"] not in ("", "exact"):
            tf = series.points[i].data_label.text_frame
            tf.text = r["value_text"]
    chart.category_axis.reverse_order = True
    chart.category_axis.tick_labels.font.size = Pt(TABLE_PT)
    va = chart.value_axis
    va.minimum_scale = 0
    va.maximum_scale = max([r["value"] for r in rows] or [1]) * 1.25
    va.has_major_gridlines = True
    va.major_gridlines.format.line.color.rgb = _rgb("#E3E6EA")
    va.tick_labels.font.size = Pt(12)
    return frame


def _render_pptx(b: Briefing) -> bytes:
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    prs.core_properties.title = f"{b.title}: {b.filter_text}"
    prs.core_properties.subject = "Briefing pack"
    total = len(b.pages)
    for number, page in enumerate(b.pages, 1):
        slide = _slide(prs, page, number, total)
        _PPTX_PAGES[page.kind](slide, page, b)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def _pptx_title(slide, page: Page, b: Briefing) -> None:
    lines = page.body["lines"]
    paras = [{"text": "Briefing pack", "size": 22, "color": MUTED},
             {"text": lines[0], "size": 24, "bold": True}, {"text": lines[1], "size": 18}]
    _box(slide, MARGIN, 1.8, CONTENT_W, 2.3, paras, name="Filter", space_after=10)
    cite = [{"text": "Cite as: ", "bold": True, "size": BODY_PT}, {"text": page.body["citation"], "size": BODY_PT}]
    paras = [cite]
    if page.body["url"]:
        paras.append([{"text": "This view: ", "bold": True, "size": BODY_PT},
                      {"text": page.body["url"], "size": BODY_PT, "url": _safe_url(page.body["url"]),
                       "color": style.OKABE_ITO["blue"]}])
    paras.append({"text": "Unknown is never zero: sums read \u201cat least N\u201d with the incidents that have no "
                          "figure counted apart. Caveats sit beside the figures they qualify.", "size": TABLE_PT,
                  "color": MUTED})
    _box(slide, MARGIN, 4.1, CONTENT_W, 2.6, paras, name="Citation", space_after=10)


def _pptx_empty(slide, page: Page, b: Briefing) -> None:
    lines = page.body["lines"]
    _box(slide, MARGIN, CONTENT_TOP + 0.3, CONTENT_W, 3.5,
         [{"text": lines[0], "size": 24, "bold": True}] + [{"text": t, "size": 18} for t in lines[1:]],
         name="No match", space_after=14)


def _pptx_headline(slide, page: Page, b: Briefing) -> None:
    tiles = page.body["tiles"]
    w = (CONTENT_W - 0.3 * (len(tiles) - 1)) / len(tiles)
    for i, (label, value, note) in enumerate(tiles):
        x = MARGIN + i * (w + 0.3)
        _box(slide, x, CONTENT_TOP + 0.1, w, 2.5,
             [{"text": label, "size": 18, "color": MUTED}, _value_runs(value),
              {"text": note, "size": TABLE_PT, "color": MUTED}], name=f"Figure: {label}", line="#C8CDD3",
             line_width=1.0, fill="#F7F8FA", space_after=4)
    _box(slide, MARGIN, CONTENT_TOP + 2.85, CONTENT_W, 2.3, list(page.body["notes"]), name="Notes", size=BODY_PT,
         space_after=8)


def _value_runs(value: str, size: float = 44) -> list[dict]:
    """'at least 45' as a small 'at least' and a big '45' (the qualifier stays on the figure, legibly)."""
    if value == UNKNOWN:  # a word, not a number: smaller, so that it fits the tile
        return [{"text": value, "size": size * 0.62, "bold": True}]
    if value.startswith("at least "):
        return [{"text": "at least ", "size": size * 0.5, "bold": True},
                {"text": value.removeprefix("at least "), "size": size, "bold": True}]
    return [{"text": value, "size": size, "bold": True}]


def _pptx_per_year(slide, page: Page, b: Briefing) -> None:
    _per_year_chart(slide, page, MARGIN - 0.1, CONTENT_TOP - 0.05, 9.2, 5.25)
    _box(slide, 9.75, CONTENT_TOP + 0.1, SLIDE_W - 9.75 - MARGIN, 5.0, list(page.body["notes"]), name="Notes",
         size=TABLE_PT, space_after=10)


def _pptx_table(slide, page: Page, b: Briefing) -> None:
    body = page.body
    y = CONTENT_TOP
    if body.get("note"):
        _box(slide, MARGIN, CONTENT_TOP - 0.05, CONTENT_W, 0.45, [{"text": body["note"], "color": MUTED}],
             name="Table note", size=TABLE_PT, space_after=0)
        y += 0.42
    if not body["rows"]:
        return
    centre = [i for i, c in enumerate(body["columns"]) if c in ("Killed", "Injured")]
    _table(slide, body["columns"], body["widths"], body["rows"], y, name=f"{page.kind.capitalize()} table",
           centre=centre)


def _pptx_map(slide, page: Page, b: Briefing) -> None:
    w, h = img.SIZES["map"]
    _picture(slide, b.images["map"], MARGIN - 0.15, CONTENT_TOP - 0.05, w, "Map",
             "Map of Kazakhstan's regions with the incidents of this view as points: colour shows the attack type, "
             "size the victims killed; hollow rings mark incidents whose victims are unknown.")
    x = MARGIN - 0.15 + w + 0.1
    notes = list(page.body["notes"])
    _box(slide, x, CONTENT_TOP, SLIDE_W - x - MARGIN + 0.1, 3.9, notes, name="Notes", size=TABLE_PT, space_after=6)
    if page.body["attribution"]:
        _box(slide, x, CONTENT_TOP + 3.95, SLIDE_W - x - MARGIN + 0.1, 1.2,
             [{"text": page.body["attribution"], "size": TABLE_PT, "color": INK}], name="Attribution",
             space_after=0)


def _pptx_timeline(slide, page: Page, b: Briefing) -> None:
    w, h = img.SIZES["timeline"]
    _picture(slide, b.images["timeline"], MARGIN, CONTENT_TOP - 0.08, w, "Timeline",
             "Policy timeline: one lane per kind of milestone, incidents at the bottom, approximate phases at the top.")
    _box(slide, MARGIN, CONTENT_TOP - 0.08 + h + 0.02, CONTENT_W, 0.4, [{"text": page.body["note"], "color": MUTED}],
         name="Timeline note", size=TABLE_PT, space_after=0)


def _pptx_age(slide, page: Page, b: Briefing) -> None:
    body = page.body
    if any(v is not None for v in body["values"]):
        _age_chart(slide, page, MARGIN - 0.1, CONTENT_TOP, 7.3, 5.1)
    else:
        _box(slide, MARGIN, CONTENT_TOP, 6.8, 1.0, [{"text": MISSING_STATS, "color": style.OKABE_ITO["vermillion"]}],
             name="Missing")
    paras = [{"text": body["caveat_title"], "bold": True, "size": 18}, {"text": body["caveat"], "size": TABLE_PT}]
    if body["arithmetic"] and body["arithmetic"] not in body["caveat"]:
        paras.append({"text": body["arithmetic"], "size": TABLE_PT})
    if body["missing"]:
        paras.append({"text": "Not in the data pack: " + ", ".join(body["missing"]), "size": TABLE_PT,
                      "color": style.OKABE_ITO["vermillion"]})
    _box(slide, 7.55, CONTENT_TOP, SLIDE_W - 7.55 - MARGIN, 3.2, paras, name="Caveat", fill=CAVEAT_FILL,
         line=CAVEAT_LINE, space_after=6)
    if body["quote"]:
        _box(slide, 7.55, CONTENT_TOP + 3.3, SLIDE_W - 7.55 - MARGIN, 1.85,
             [{"text": "What the source says (verbatim)", "bold": True, "size": TABLE_PT},
              {"text": f"\u201c{body['quote']}\u201d", "italic": True, "size": TABLE_PT}], name="Quote",
             space_after=4)


def _pptx_prosecution(slide, page: Page, b: Briefing) -> None:
    body = page.body
    if body["rows"]:
        _prosecution_chart(slide, page, MARGIN - 0.1, CONTENT_TOP, 7.6, 5.1)
    else:
        _box(slide, MARGIN, CONTENT_TOP, 7.0, 1.0, [{"text": MISSING_STATS, "color": style.OKABE_ITO["vermillion"]}],
             name="Missing")
    paras = [{"text": body["caveat_title"], "bold": True, "size": 18}]
    paras += [{"text": t, "size": TABLE_PT} for t in body["caveats"]]
    _box(slide, 7.85, CONTENT_TOP, SLIDE_W - 7.85 - MARGIN, 5.1, paras, name="Caveat", fill=CAVEAT_FILL,
         line=CAVEAT_LINE, space_after=6)


def _pptx_fighters(slide, page: Page, b: Briefing) -> None:
    body = page.body
    rng = body["range"]
    half = (CONTENT_W - 0.4) / 2
    if rng:
        paras = [{"text": f"From the source document ({rng['who']})", "bold": True, "size": 18},
                 {"text": f"{rng['value']} {rng['unit']}", "bold": True, "size": 40,
                  "color": style.OKABE_ITO["blue"]},
                 {"text": f"{rng['metric']}, {rng['period']}: an estimate given as a range, not a count.",
                  "size": BODY_PT},
                 {"text": f"\u201c{rng['quote']}\u201d", "italic": True, "size": TABLE_PT}]
        if rng["caveat"]:
            paras.append({"text": "Caveat: " + rng["caveat"], "size": TABLE_PT})
    else:
        paras = [{"text": "The range of the source document is not in the data pack.", "size": BODY_PT,
                  "color": style.OKABE_ITO["vermillion"]}]
    _box(slide, MARGIN, CONTENT_TOP, half, 5.1, paras, name="Range", line=style.OKABE_ITO["blue"], space_after=8)
    comps = [{"text": "Comparators: not from the five source documents", "bold": True, "size": 18}]
    for c in body["comparators"]:
        comps.append([{"text": c["value"], "bold": True, "size": 28, "color": style.OKABE_ITO["vermillion"]},
                      {"text": f"  {c['unit']}", "size": BODY_PT}])
        comps.append({"text": f"{c['who']} ({c['source']})", "size": TABLE_PT, "color": MUTED})
    if not body["comparators"]:
        comps.append({"text": "No comparator in the data pack.", "size": BODY_PT})
    comps.append({"text": "Shown for comparison only; never added to or mixed with the estimate.",
                  "size": TABLE_PT, "italic": True})
    _box(slide, MARGIN + half + 0.4, CONTENT_TOP, half, 5.1, comps, name="Comparators", line=COMPARATOR_LINE,
         space_after=6)


def _pptx_sources(slide, page: Page, b: Briefing) -> None:
    paras = []
    for e in page.body["entries"]:
        runs = [{"text": f"[{e['n']}] ", "bold": True, "size": REF_PT},
                {"text": f"{e['id']}: ", "size": REF_PT, "color": MUTED},
                {"text": e["text"] + (". " if e["url"] else "."), "size": REF_PT}]
        if e["url"]:
            runs.append({"text": e["url"], "size": REF_PT, "url": _safe_url(e["url"]),
                         "color": style.OKABE_ITO["blue"]})
        paras.append(runs)
    _box(slide, MARGIN, CONTENT_TOP - 0.05, CONTENT_W, CONTENT_BOTTOM - CONTENT_TOP + 0.1, paras, name="Sources",
         size=REF_PT, space_after=3)


def _pptx_licences(slide, page: Page, b: Briefing) -> None:
    paras = []
    for heading, text, url in page.body["items"]:
        paras.append({"text": heading, "bold": True, "size": 18})
        runs = [{"text": text, "size": BODY_PT}]
        if url and url != text:
            runs.append({"text": f" ({url})", "size": BODY_PT, "url": _safe_url(url),
                         "color": style.OKABE_ITO["blue"]})
        elif url:
            runs = [{"text": text, "size": BODY_PT, "url": _safe_url(url), "color": style.OKABE_ITO["blue"]}]
        paras.append(runs)
    _box(slide, MARGIN, CONTENT_TOP - 0.2, CONTENT_W, CONTENT_BOTTOM - CONTENT_TOP + 0.2, paras, name="Licences",
         space_after=6)


_PPTX_PAGES = {
    "title": _pptx_title, "empty": _pptx_empty, "headline": _pptx_headline, "per_year": _pptx_per_year,
    "milestones": _pptx_table, "map": _pptx_map, "timeline": _pptx_timeline, "age": _pptx_age,
    "prosecution": _pptx_prosecution, "fighters": _pptx_fighters, "incidents": _pptx_table,
    "disagreements": _pptx_table,
    "sources": _pptx_sources, "licences": _pptx_licences,
}


# ================================================================================================ PDF
PDF_FONT = "BriefingSans"
_PDF_FONTS_READY = False


def _pdf_fonts() -> None:
    """DejaVu Sans from matplotlib's own data (always present with matplotlib): covers ≥, en dashes, quotes and
    Cyrillic, which reportlab's built-in Helvetica does not."""
    global _PDF_FONTS_READY
    if _PDF_FONTS_READY:
        return
    from pathlib import Path

    import matplotlib
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    faces = {"": "DejaVuSans.ttf", "-Bold": "DejaVuSans-Bold.ttf", "-Oblique": "DejaVuSans-Oblique.ttf",
             "-BoldOblique": "DejaVuSans-BoldOblique.ttf"}
    for suffix, file in faces.items():
        pdfmetrics.registerFont(TTFont(PDF_FONT + suffix, str(ttf / file)))
    for bold, italic, suffix in ((0, 0, ""), (1, 0, "-Bold"), (0, 1, "-Oblique"), (1, 1, "-BoldOblique")):
        addMapping(PDF_FONT, bold, italic, PDF_FONT + suffix)
    _PDF_FONTS_READY = True


PDF_SCALE = 0.85  # PDF font size = slide font size x this (a handout is read at arm's length)
PDF_PAGE_W, PDF_PAGE_H = 841.89, 595.28  # A4 landscape, points
PDF_MARGIN_X, PDF_TOP, PDF_BOTTOM = 34.0, 26.0, 46.0
PDF_FRAME_W = PDF_PAGE_W - 2 * PDF_MARGIN_X
PDF_FRAME_H = PDF_PAGE_H - PDF_TOP - PDF_BOTTOM
PT_PER_SLIDE_IN = PDF_FRAME_W / CONTENT_W  # slide inches -> PDF points


def _pstyle(size: float, bold: bool = False, italic: bool = False, colour: str = INK, leading: float = 1.22,
            space_after: float = 3, align: int = 0):
    from reportlab.lib.styles import ParagraphStyle

    name = PDF_FONT + ("-BoldOblique" if bold and italic else "-Bold" if bold else "-Oblique" if italic else "")
    return ParagraphStyle(f"s{size}{bold}{italic}{colour}{align}", fontName=name, fontSize=size,
                          leading=size * leading, textColor=colour, spaceAfter=space_after, alignment=align)


def _markup(runs, base: float | None = None) -> str:
    """reportlab paragraph markup from run dicts; every piece of text (and link target) is escaped first."""
    if isinstance(runs, str):
        runs = [{"text": runs}]
    elif isinstance(runs, Mapping):
        runs = [runs]
    out = []
    for r in runs:
        text = escape(r["text"]).replace("\n", "<br/>")
        if r.get("bold"):
            text = f"<b>{text}</b>"
        if r.get("italic"):
            text = f"<i>{text}</i>"
        if r.get("color"):
            text = f'<font color="{r["color"]}">{text}</font>'
        if base and r.get("size") and r["size"] != base:
            text = f'<font size="{r["size"] * PDF_SCALE:.1f}">{text}</font>'
        if r.get("url"):
            text = f'<a href="{escape(r["url"], {chr(34): "&quot;"})}">{text}</a>'
        out.append(text)
    return "".join(out)


def _para(runs, size: float = BODY_PT, **kw):
    from reportlab.platypus import Paragraph

    if isinstance(runs, Mapping):
        size = runs.get("size", size)
    elif not isinstance(runs, str) and runs:
        size = max(r.get("size", size) for r in runs)
    return Paragraph(_markup(runs, size), _pstyle(size * PDF_SCALE, **kw))


def _paras(paragraphs: Sequence, size: float = BODY_PT, space_after: float = 4) -> list:
    return [_para(p, size, space_after=space_after) for p in paragraphs]


def _pdf_image(png: bytes, name: str, width_pt: float):
    from reportlab.platypus import Image

    w, h = img.SIZES[name]
    return Image(io.BytesIO(png), width=width_pt, height=width_pt * h / w)


def _pdf_box(content: list, width: float, fill: str | None = None, line: str | None = None):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    t = Table([[content]], colWidths=[width])
    cmds = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ("RIGHTPADDING", (0, 0), (-1, -1), 8), ("TOPPADDING", (0, 0), (-1, -1), 6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]
    if fill:
        cmds.append(("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(fill)))
    if line:
        cmds.append(("BOX", (0, 0), (-1, -1), 1.2, colors.HexColor(line)))
    t.setStyle(TableStyle(cmds))
    return t


def _side_by_side(left, right, left_w: float, gap: float = 12):
    from reportlab.platypus import Table, TableStyle

    t = Table([[left, right]], colWidths=[left_w, PDF_FRAME_W - left_w])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (0, 0), gap), ("RIGHTPADDING", (1, 0), (1, 0), 0)]))
    return t


def _pdf_title(page: Page, b: Briefing) -> list:
    from reportlab.platypus import Spacer

    lines = page.body["lines"]
    out = [Spacer(1, 40), _para({"text": "Briefing pack", "size": 22, "color": MUTED}),
           _para({"text": lines[0], "size": 26, "bold": True}, space_after=8), _para({"text": lines[1], "size": 18}),
           Spacer(1, 30), _para([{"text": "Cite as: ", "bold": True}, {"text": page.body["citation"]}])]
    if page.body["url"]:
        out.append(_para([{"text": "This view: ", "bold": True},
                          {"text": page.body["url"], "url": _safe_url(page.body["url"]),
                           "color": style.OKABE_ITO["blue"]}]))
    out.append(_para({"text": "Unknown is never zero: sums read \u201cat least N\u201d with the incidents that have no "
                              "figure counted apart. Caveats sit beside the figures they qualify.",
                      "size": TABLE_PT, "color": MUTED}))
    return out


def _pdf_empty(page: Page, b: Briefing) -> list:
    lines = page.body["lines"]
    return [_para({"text": lines[0], "size": 24, "bold": True}, space_after=10)] + [
        _para({"text": t, "size": 18}, space_after=8) for t in lines[1:]]


def _pdf_headline(page: Page, b: Briefing) -> list:
    from reportlab.lib import colors
    from reportlab.platypus import Spacer, Table, TableStyle

    tiles = page.body["tiles"]
    cells = [[_para({"text": label, "size": 18, "color": MUTED}), _para(_value_runs(value), 44),
              _para({"text": note, "size": TABLE_PT, "color": MUTED})] for label, value, note in tiles]
    w = PDF_FRAME_W / len(tiles)
    t = Table([cells], colWidths=[w] * len(tiles))
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BACKGROUND", (0, 0), (-1, -1),
                                                                   colors.HexColor("#F7F8FA")),
                           ("INNERGRID", (0, 0), (-1, -1), 6, colors.white),
                           ("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor("#C8CDD3")),
                           ("TOPPADDING", (0, 0), (-1, -1), 8), ("BOTTOMPADDING", (0, 0), (-1, -1), 10)]))
    return [t, Spacer(1, 14)] + _paras(page.body["notes"], BODY_PT, 6)


def _pdf_per_year(page: Page, b: Briefing) -> list:
    left_w = PDF_FRAME_W * 0.79
    return [_side_by_side(_pdf_image(b.images["per_year"], "per_year", left_w - 12),
                          _paras(page.body["notes"], TABLE_PT, 7), left_w)]


def _pdf_table(page: Page, b: Briefing) -> list:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    body = page.body
    out = []
    if body.get("note"):
        out.append(_para({"text": body["note"], "size": TABLE_PT, "color": MUTED}, space_after=6))
    if not body["rows"]:
        return out
    scale = PDF_FRAME_W / sum(body["widths"])
    centre = [i for i, c in enumerate(body["columns"]) if c in ("Killed", "Injured")]
    header = [_para({"text": c, "bold": True, "color": "#FFFFFF"}, TABLE_PT, space_after=0) for c in body["columns"]]
    rows = [header]
    for r in body["rows"]:
        rows.append([_para({"text": v, "italic": v == UNKNOWN,
                            "color": style.OKABE_ITO["vermillion"] if v == UNKNOWN else INK}, TABLE_PT,
                           space_after=0, align=1 if i in centre else 0) for i, v in enumerate(r)])
    t = Table(rows, colWidths=[w * scale for w in body["widths"]], repeatRows=1)
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#2F4B7C")),
                           ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#EEF2F7")]),
                           ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#C8CDD3")),
                           ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    out.append(t)
    return out


def _pdf_map(page: Page, b: Briefing) -> list:
    left_w = PDF_FRAME_W * 0.79
    notes = _paras(page.body["notes"], TABLE_PT, 6)
    if page.body["attribution"]:
        notes.append(_para({"text": page.body["attribution"], "size": TABLE_PT}, space_after=0))
    return [_side_by_side(_pdf_image(b.images["map"], "map", left_w - 10), notes, left_w)]


def _pdf_timeline(page: Page, b: Briefing) -> list:
    return [_pdf_image(b.images["timeline"], "timeline", PDF_FRAME_W * 0.97),
            _para({"text": page.body["note"], "size": TABLE_PT, "color": MUTED})]


def _pdf_age(page: Page, b: Briefing) -> list:
    body = page.body
    left_w = PDF_FRAME_W * 0.57
    right_w = PDF_FRAME_W - left_w
    caveat = [_para({"text": body["caveat_title"], "bold": True, "size": 18}), _para({"text": body["caveat"]},
                                                                                     TABLE_PT)]
    if body["arithmetic"] and body["arithmetic"] not in body["caveat"]:
        caveat.append(_para({"text": body["arithmetic"]}, TABLE_PT))
    if body["missing"]:
        caveat.append(_para({"text": "Not in the data pack: " + ", ".join(body["missing"]),
                             "color": style.OKABE_ITO["vermillion"]}, TABLE_PT))
    right = [_pdf_box(caveat, right_w, CAVEAT_FILL, CAVEAT_LINE)]
    if body["quote"]:
        right += [_para({"text": "What the source says (verbatim)", "bold": True}, TABLE_PT),
                  _para({"text": f"\u201c{body['quote']}\u201d", "italic": True}, TABLE_PT)]
    return [_side_by_side(_pdf_image(b.images["age"], "age", left_w - 12), right, left_w)]


def _pdf_prosecution(page: Page, b: Briefing) -> list:
    body = page.body
    left_w = PDF_FRAME_W * 0.6
    caveat = [_para({"text": body["caveat_title"], "bold": True, "size": 18})] + [
        _para({"text": t}, TABLE_PT) for t in body["caveats"]]
    return [_side_by_side(_pdf_image(b.images["prosecution"], "prosecution", left_w - 12),
                          [_pdf_box(caveat, PDF_FRAME_W - left_w, CAVEAT_FILL, CAVEAT_LINE)], left_w)]


def _pdf_fighters(page: Page, b: Briefing) -> list:
    body = page.body
    half = (PDF_FRAME_W - 14) / 2
    rng = body["range"]
    if rng:
        left = [_para({"text": f"From the source document ({rng['who']})", "bold": True, "size": 18}),
                _para({"text": f"{rng['value']} {rng['unit']}", "bold": True, "size": 40,
                       "color": style.OKABE_ITO["blue"]}, space_after=8),
                _para({"text": f"{rng['metric']}, {rng['period']}: an estimate given as a range, not a count."}),
                _para({"text": f"\u201c{rng['quote']}\u201d", "italic": True}, TABLE_PT)]
        if rng["caveat"]:
            left.append(_para({"text": "Caveat: " + rng["caveat"]}, TABLE_PT))
    else:
        left = [_para({"text": "The range of the source document is not in the data pack.",
                       "color": style.OKABE_ITO["vermillion"]})]
    right = [_para({"text": "Comparators: not from the five source documents", "bold": True, "size": 18})]
    for c in body["comparators"]:
        right.append(_para([{"text": c["value"], "bold": True, "size": 28, "color": style.OKABE_ITO["vermillion"]},
                            {"text": f"  {c['unit']}", "size": BODY_PT}], 28, space_after=2))
        right.append(_para({"text": f"{c['who']} ({c['source']})", "color": MUTED}, TABLE_PT, space_after=8))
    if not body["comparators"]:
        right.append(_para({"text": "No comparator in the data pack."}))
    right.append(_para({"text": "Shown for comparison only; never added to or mixed with the estimate.",
                        "italic": True}, TABLE_PT))
    return [_side_by_side(_pdf_box(left, half, line=style.OKABE_ITO["blue"]),
                          _pdf_box(right, PDF_FRAME_W - half - 14, line=COMPARATOR_LINE), half + 14, gap=14)]


def _pdf_sources(page: Page, b: Briefing) -> list:
    out = []
    for e in page.body["entries"]:
        runs = [{"text": f"[{e['n']}] ", "bold": True}, {"text": f"{e['id']}: ", "color": MUTED},
                {"text": e["text"] + (". " if e["url"] else ".")}]
        if e["url"]:
            runs.append({"text": e["url"], "url": _safe_url(e["url"]), "color": style.OKABE_ITO["blue"]})
        out.append(_para(runs, REF_PT, space_after=3))
    return out


def _pdf_licences(page: Page, b: Briefing) -> list:
    out = []
    for heading, text, url in page.body["items"]:
        out.append(_para({"text": heading, "bold": True, "size": 18}, space_after=2))
        runs = [{"text": text}]
        if url and url != text:
            runs.append({"text": f" ({url})", "url": _safe_url(url), "color": style.OKABE_ITO["blue"]})
        elif url:
            runs = [{"text": text, "url": _safe_url(url), "color": style.OKABE_ITO["blue"]}]
        out.append(_para(runs, BODY_PT, space_after=10))
    return out


_PDF_PAGES = {
    "title": _pdf_title, "empty": _pdf_empty, "headline": _pdf_headline, "per_year": _pdf_per_year,
    "milestones": _pdf_table, "map": _pdf_map, "timeline": _pdf_timeline, "age": _pdf_age,
    "prosecution": _pdf_prosecution, "fighters": _pdf_fighters, "incidents": _pdf_table, "sources": _pdf_sources,
    "disagreements": _pdf_table,
    "licences": _pdf_licences,
}


def _render_pdf(b: Briefing) -> bytes:
    from reportlab.platypus import BaseDocTemplate, Frame, KeepInFrame, PageBreak, PageTemplate, Paragraph

    _pdf_fonts()
    total = len(b.pages)
    source_style = _pstyle(SOURCE_PT * PDF_SCALE, colour=MUTED, space_after=0)
    number_style = _pstyle(SOURCE_PT * PDF_SCALE, colour=MUTED, space_after=0, align=2)

    def footer(canvas, doc) -> None:
        i = canvas.getPageNumber()
        if i > total:
            return
        canvas.saveState()
        p = Paragraph(_markup(b.pages[i - 1].source), source_style)
        _, h = p.wrap(PDF_FRAME_W - 70, PDF_BOTTOM)
        p.drawOn(canvas, PDF_MARGIN_X, PDF_BOTTOM - 10 - h)
        n = Paragraph(f"{i} / {total}", number_style)
        n.wrap(60, 20)
        n.drawOn(canvas, PDF_PAGE_W - PDF_MARGIN_X - 60, PDF_BOTTOM - 10 - number_style.leading)
        canvas.restoreState()

    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=(PDF_PAGE_W, PDF_PAGE_H), leftMargin=PDF_MARGIN_X,
                          rightMargin=PDF_MARGIN_X, topMargin=PDF_TOP, bottomMargin=PDF_BOTTOM,
                          title=f"{b.title}: {b.filter_text}", subject="Briefing pack", author="",
                          creator="Kazakhstan Terrorism & Counter-Terrorism Dashboard")
    frame = Frame(PDF_MARGIN_X, PDF_BOTTOM, PDF_FRAME_W, PDF_FRAME_H, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0, id="content")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=footer)])
    story = []
    for i, page in enumerate(b.pages):
        size = 34 if page.kind == "title" else TITLE_PT
        head = [_para({"text": page.title, "bold": True, "size": size}, space_after=2)]
        if page.subtitle:
            head.append(_para({"text": page.subtitle, "color": MUTED}, TABLE_PT, space_after=8))
        else:
            head[0].style.spaceAfter = 10
        content = head + _PDF_PAGES[page.kind](page, b)
        # One page per page of the model: shrink (never split) content that would overflow.
        story.append(KeepInFrame(PDF_FRAME_W, PDF_FRAME_H - 2, content, mode="shrink"))
        if i < total - 1:
            story.append(PageBreak())
    doc.build(story)
    return buf.getvalue()


# ================================================================================================ entry points
def build_pptx(pack, filters: flt.Filters, today: date, view_url: str = "",
               briefing: Briefing | None = None) -> bytes:
    """The briefing pack of this view as a 16:9 PowerPoint deck (bytes of a .pptx)."""
    return _render_pptx(briefing or briefing_content(pack, filters, today, view_url))


def build_pdf(pack, filters: flt.Filters, today: date, view_url: str = "",
              briefing: Briefing | None = None) -> bytes:
    """The briefing pack of this view as an A4 landscape PDF (bytes): one page per slide of the deck."""
    return _render_pdf(briefing or briefing_content(pack, filters, today, view_url))


def build_pack(pack, filters: flt.Filters, today: date, view_url: str = "") -> dict[str, bytes]:
    """Both formats from one content model (images rendered once): {'pptx': bytes, 'pdf': bytes}."""
    b = briefing_content(pack, filters, today, view_url)
    return {"pptx": _render_pptx(b), "pdf": _render_pdf(b)}


def neutral_category(text: str) -> str:
    """A chart category as it goes into the deck's embedded workbook: never a formula."""
    return str(neutralise_cell(text))
