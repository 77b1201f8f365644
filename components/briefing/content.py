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
  categories that a spreadsheet would run as a formula are neutralised (the deck's charts embed a workbook);
- one language throughout: the pack's (``pack.t``, the translator of ``components.pack.translate.localized``), whose
  text columns already hold the translation; category values and region names are shown by their labels
  (``t.value``); the words of this module are marked ``N_`` where they are defined and translated where shown.
  Pagination measures the translated text (Cyrillic is wider than Latin: ``_em``).
"""

from __future__ import annotations

import dataclasses
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from babel.dates import format_date

from components import exports
from components import filters as flt
from components.briefing import images as img
from components.figures import statistics as sc
from components.i18n import DEFAULT, ENGLISH, N_, Translator
from components.imports.columns import FORMAT_LABELS
from components.map import clusters
from components.pack import alternatives
from components.pack.schema import split_ids
from components.pack.translate import TRANSLATION_SUFFIX
from components.pack.values import is_blank
from components.text import UNKNOWN, clean, count_text, plural, web_url  # noqa: F401 (re-exported)
from components.text import date_short as _date_short_en
from components.views import base
from components.views import map as map_view
from components.views import overview as overview_view
from components.views import sources as sources_view
from components.views import statistics as stats_view
from components.views import timeline as timeline_view

# ------------------------------------------------------------------------------------------------ words
# In English as written here; every one is marked N_ and shown with t(...) in the pack's language.
DECK_TITLE = N_("Terrorism and counter-terrorism in Kazakhstan")
NO_MATCH = N_("No incident matches these filters")
TITLES = {
    "title": DECK_TITLE,
    "headline": N_("Headline figures"),
    "per_year": N_("Incidents and victims per year"),
    "milestones": N_("Policy milestones"),
    "map": N_("Map of incidents"),
    "timeline": N_("Policy timeline"),
    "age": N_("Statistics: perpetrators' ages"),
    "prosecution": N_("Statistics: prosecution and prevention"),
    "fighters": N_("Statistics: foreign fighters"),
    "incidents": N_("Incidents in this view"),
    "disagreements": N_("Where sources disagree"),
    "sources": N_("Sources cited"),
    "licences": N_("Licences and how to cite"),
    "empty": NO_MATCH,
}
MISSING_STATS = N_("These figures are not in the data pack (the statistics table did not load or lacks these rows).")
NATIONAL_NOTE = N_("National figures as reported: the region and year filters do not apply to them.")
# Said on the licences page of a pack in Kazakh or Russian (the words of the dashboard's detail views)
TRANSLATION_NOTE = N_("Texts from the data pack are the project's translation; the English original is authoritative.")
LIST_LIMIT = 300  # the incident list holds at most this many (the most recent); the CSV export has the rest (see below)
# Incidents of an imported dataset whose terms forbid redistributing its rows (GTD, ACLED) listed at most, per dataset:
# a few examples with the dataset's citation, as such terms allow in a publication, never a table of its rows. The
# figures, charts and the map count all of them.
RESTRICTED_LIST_LIMIT = 10
MISSING_LISTED = 20  # incidents without coordinates named on the map slide; beyond, counted
MAX_REFS_IN_LINE = 12  # a source line lists at most this many source numbers; beyond, it points to the rows
PER_YEAR_SERIES = (N_("Incidents"), N_("Victims killed (known figures)"), N_("Incidents with no victim figure"))
AGE_CATEGORIES = (N_("Under 20"), N_("20\u201329 (not reported)"), N_("30\u201339"), N_("Under 40 (reported total)"))
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
FONT = "Arial"  # in every Office (Kazakh letters included); LibreOffice maps it to the metric-compatible Liberation Sans
CHAR_EM = 0.48  # average character width of Arial text as a share of the font size, rounded up for safety
# Cyrillic letters are wider: Russian and Kazakh text averages 0.51 em in Arial against English's 0.44 (measured on
# the catalogues' sentences), so a text's average width grows by this share of its Cyrillic letters.
CYRILLIC_WIDER = 0.16

# Headers (marked N_, translated where shown) and widths in inches, tuned for English: a column too narrow for a
# word of another language's header or cells is widened from the others (``_fit_widths``).
INCIDENT_COLUMNS = ((N_("Date"), 1.45), (N_("Place"), 2.1), (N_("Region"), 1.7), (N_("Type"), 2.3),
                    (N_("Killed"), 0.85), (N_("Injured"), 0.92), (N_("Classification"), 1.55), (N_("Sources"), 1.46))
DISAGREEMENT_COLUMNS = ((N_("Incident or milestone"), 3.4),
                        (N_("Other values the sources give, with their sources"), 8.93))
MILESTONE_COLUMNS = ((N_("Date"), 1.6), (N_("Kind"), 2.35), (N_("Milestone"), 6.95), (N_("Sources"), 1.43))
NOTE_H = 0.45  # the room a one-line note above a table takes; each further line adds a line's height


# ------------------------------------------------------------------------------------------------ text helpers
def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def _widening(text: str) -> float:
    """How much wider than Latin text this text sets, on average (1.0 for a text without Cyrillic letters)."""
    if not text:
        return 1.0
    share = sum(map(_is_cyrillic, text)) / len(text)
    return 1.0 + CYRILLIC_WIDER * share


def _chars(text: str, width_in: float, pt: float) -> int:
    """Characters of this text that fit on a line of this width at this size (estimated from the average width)."""
    wider = _widening(text)
    return max(int(8 / wider), int((width_in - 0.2) * 72 / (pt * CHAR_EM * wider)))


def _lines(text: str, width_in: float, pt: float) -> int:
    """Lines a text needs in a box of this width at this size (word wrap, estimated from the average width)."""
    chars = _chars(text, width_in, pt)
    return sum(max(1, len(textwrap.wrap(part, chars, break_long_words=True, break_on_hyphens=False)))
               for part in (text.split("\n") if text else [""]))


def _word_width(word: str, pt: float) -> float:
    """The width (inches) a column needs for ``word`` to fit on one line (the inverse of ``_chars``)."""
    return len(word) * pt * CHAR_EM * _widening(word) / 72 + 0.2 + 1e-6


def _fit_widths(headers: Sequence[str], widths: Sequence[float], rows: Sequence[Sequence[str]],
                pt: float = TABLE_PT) -> list[float]:
    """The column widths, a column whose header or cells hold a word too long for it (a longer word of another
    language: 'Жараланғандар' in the 'Injured' column) widened just enough, the room taken from the other columns in
    proportion to what they have to spare; the table keeps its width. Widths where every word fits stay as they
    are."""
    widths = list(widths)
    need, narrow = [], []
    for i, (header, w) in enumerate(zip(headers, widths)):
        longest = max((word for text in (header, *(r[i] for r in rows)) for word in str(text).split()),
                      key=lambda word: _word_width(word, pt), default="")
        need.append(_word_width(longest, pt) if longest else 0.0)
        narrow.append(bool(longest) and len(longest) > _chars(longest, w, pt))
    return rebalance(widths, need, narrow)


def rebalance(widths: Sequence[float], need: Sequence[float], narrow: Sequence[bool]) -> list[float]:
    """``widths`` with each ``narrow`` column widened to its ``need``, the others giving the room in proportion to
    their spare width (width minus need); the sum stays. Unchanged when no column is narrow or none can give."""
    widths = list(widths)
    missing = sum(n - w for n, w, short in zip(need, widths, narrow) if short and n > w)
    spare = [0.0 if short else max(0.0, w - n) for n, w, short in zip(need, widths, narrow)]
    if missing <= 0 or sum(spare) <= 0:
        return widths
    share = min(1.0, missing / sum(spare))
    return [max(n, w) if short else w - s * share for n, w, s, short in zip(need, widths, spare, narrow)]


def short_date(value: object, precision: object, t: Translator = ENGLISH) -> str:
    """A date for a table cell: '12 Nov 2011' in English; '12.11.2011', 'нояб. 2011 (только месяц)' otherwise."""
    if t.lang == DEFAULT or is_blank(value):
        return _date_short_en(value, precision) if t.lang == DEFAULT else t(UNKNOWN)
    day, p = pd.Timestamp(value).date(), clean(precision)
    if p == "month":
        return format_date(day, "LLL y", locale=t.lang) + t(" (month only)")
    if p == "year":
        return str(day.year) + t(" (year only)")
    text = format_date(day, "dd.MM.y", locale=t.lang)
    return text + t(" (approx.)") if p == "approximate" else text


def _count(value: object, t: Translator) -> str:
    """A count for a table cell: the number, or 'unknown' in the language (never 0)."""
    text = count_text(value)
    return t(UNKNOWN) if text == UNKNOWN else text


def _label(t: Translator, column: str, value: object) -> str:
    """A category value or a region by its label in the language."""
    return clean(t.value(column, clean(value)))


# ------------------------------------------------------------------------------------------------ content model
@dataclass(frozen=True)
class Page:
    """One slide of the deck and one page of the PDF."""

    kind: str
    title: str
    source: str  # the source line at the bottom, starting "Source:" (in the pack's language)
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
    t: Translator = ENGLISH  # the language of every page (the pack's)

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def titles(self) -> list[str]:
        return [p.title for p in self.pages]


def _numbered(title: str, i: int, n: int, t: Translator = ENGLISH) -> str:
    return title if n == 1 else t("{title} ({i} of {n})").format(title=title, i=i, n=n)


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


def _note_lines(note: str) -> int:
    """Lines of the note above a table (across the slide, at the table's size)."""
    return _lines(note, CONTENT_W, TABLE_PT) if note else 0


def _note_room(note: str) -> float:
    """The height the note above a table takes: NOTE_H for one line, a line more for each further line."""
    return NOTE_H + (_note_lines(note) - 1) * TABLE_PT * 1.2 / 72 if note else 0.0


def _table_pages(kind: str, title: str, columns: Sequence[tuple[str, float]], rows: list[list[str]], source: str,
                 subtitle: str, note: str, budget: float, t: Translator = ENGLISH) -> list[Page]:
    """The rows over as many pages as they need, the headers in the language; ``budget``: the height below the
    title, the note's room taken off it here."""
    headers = [t(c) for c, _ in columns]
    widths = _fit_widths(headers, [w for _, w in columns], rows)
    header = _row_height(headers, widths)
    groups = _paginate([_row_height(r, widths) for r in rows], budget - _note_room(note) - header)
    out = []
    for i, idx in enumerate(groups, 1):
        out.append(Page(kind, _numbered(title, i, len(groups), t), source, subtitle,
                        {"columns": headers, "widths": widths, "rows": [rows[j] for j in idx], "note": note,
                         "note_lines": _note_lines(note)}))
    return out


def briefing_content(pack, filters: flt.Filters, today: date, view_url: str = "",
                     events: pd.DataFrame | None = None) -> Briefing:
    """The content of the briefing pack for this view, from the same view models as the pages (``events``: the
    incidents of the filter when the caller has them, as ``views.base.events_in`` gives them), in the pack's
    language (``pack.t``)."""
    t = pack.t
    if not filters.vocab:  # the vocabulary lets describe() name a partial choice of kinds or classifications
        tables = pack.tables
        filters = dataclasses.replace(filters, vocab=flt.vocabulary(tables["events"], tables["regions"],
                                                                    pack.metadata))
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
        "per_year": img.per_year_png(ov.per_year, t=t),
        "map": img.map_png(events, pack.boundaries, filters.regions, t=t),
        "timeline": img.timeline_png(tv.policies, tv.phases, events, ban_counts, filters.years, t=t),
        "age": img.age_png(age.under_20, age.aged_30_39, age.under_40, t=t),
        "prosecution": img.prosecution_png(stats_view.prosecution(pack), t=t),
    }
    return Briefing(t(DECK_TITLE), context.filter_text, today, context.view_url, context.citation, pages, images,
                    refs.entries, False, t)


@dataclass(frozen=True)
class _Context:
    """What every page of one briefing pack shares: the filter in words, the citation, the address, licences, the
    language."""

    pack: object  # the DataPack
    meta: Mapping
    filters: flt.Filters
    filter_text: str
    today: date
    view_url: str
    citation: str
    attribution: str
    t: Translator = ENGLISH
    datasets: tuple[exports.DatasetInView, ...] = ()  # the imported datasets with incidents in the view

    @classmethod
    def of(cls, pack, filters: flt.Filters, events: pd.DataFrame, today: date, view_url: str) -> _Context:
        meta, t = pack.metadata, pack.t
        boundaries = meta.get("boundaries", {})
        attr, licence = clean(boundaries.get("attribution")), clean(boundaries.get("license"), "ODbL 1.0")
        datasets = tuple(exports.imported_datasets(events, pack.tables.get("sources")))
        return cls(pack, meta, filters, clean(filters.describe(len(events), t)), today, clean(view_url),
                   clean(meta.get("citation")), f"{attr} ({licence})" if attr else "", t, datasets)

    def exported(self) -> str:
        """'Exported 14 March 2025' (the day as the language writes it)."""
        t, today = self.t, self.today
        day = f"{today.day} {today.strftime('%B %Y')}" if t.lang == DEFAULT else t.date(pd.Timestamp(today), "day")
        return t("Exported {date}").format(date=day)

    def title_page(self) -> Page:
        meta, t = self.meta, self.t
        source = t("Source: {title} (version {version}); the sources of every row are listed at the end of this "
                   "pack.").format(title=clean(meta.get("title")) or t("data pack"),
                                   version=clean(meta.get("version"), "?"))
        return Page("title", t(TITLES["title"]), source,
                    body={"lines": [self.filter_text, self.exported()], "url": self.view_url,
                          "citation": self.citation})

    def licences_page(self) -> Page:
        meta, t = self.meta, self.t
        items = [
            (t("How to cite"), self.citation, ""),
            (t("Tables (incidents, policies, statistics, sources ...)"), clean(meta.get("license")),
             clean(meta.get("license_url"))),
            (t("Region boundaries (map)"), self.attribution, clean(meta.get("boundaries", {}).get("license_url"))),
            (t("Quotations"), t("Verbatim quotations remain their authors'; each source keeps its own terms."), ""),
        ]
        for d in self.datasets:  # every imported dataset the figures count, with its own licence and citation
            text = t(d.licence) + " " + t("Cite as: {citation}").format(citation=clean(d.citation))
            if not d.redistributable:
                text += " " + t("Its rows may not be redistributed: the figures, charts and map count them all, and "
                                "this pack lists at most {n} of its incidents.").format(
                    n=t.number(RESTRICTED_LIST_LIMIT))
            items.append((t("Imported dataset: {name} ({format})").format(
                name=clean(d.name), format=t(FORMAT_LABELS.get(d.format, d.format))), text, ""))
        if t.lang != DEFAULT:  # the data's texts in this language are the project's translation
            items.append((t("Translation"), t(TRANSLATION_NOTE), ""))
        if self.view_url:
            items.append((t("This view on the dashboard"), self.view_url, self.view_url))
        return Page("licences", t(TITLES["licences"]), t("Source: data pack metadata (metadata.json), version "
                                                         "{version}.").format(version=clean(meta.get("version"), "?")),
                    "", {"items": items})


def _empty_briefing(c: _Context) -> Briefing:
    t = c.t
    pages = [c.title_page(),
             Page("empty", t(TITLES["empty"]), t("Source: data pack, events table: no row matches these filters."),
                  c.filter_text, {"lines": [t("No incident matches these filters: {filters}.").format(
                                                filters=clean(c.filters.describe(t=t))),
                                            t("This is not a count of zero: it means that the data pack records no "
                                              "incident for this selection."),
                                            t("Widen the years or clear a filter on the dashboard, then export "
                                              "again.")]}),
             c.licences_page()]
    return Briefing(t(DECK_TITLE), c.filter_text, c.today, c.view_url, c.citation, pages, {}, [], True, t)


@dataclass(frozen=True)
class _References:
    """The sources the included rows cite, numbered in id order (easy to look up in the list at the end)."""

    numbers: Mapping[str, int]
    entries: list[dict]
    event_refs: str  # the incidents' sources, as '[1, 2, 5]' or a pointer to the incident list
    t: Translator = ENGLISH

    @classmethod
    def of(cls, pack, events: pd.DataFrame, tv: timeline_view.Timeline, shown_alts: pd.DataFrame) -> _References:
        t = pack.t
        stats = sc.chartable(pack.tables["statistics"])
        shown_stats = stats[stats["stat_id"].isin(sc.AGE_IDS + sc.PROSECUTION_IDS + sc.FIGHTERS_IDS)]
        cited: list[str] = []
        for frame in (events, tv.policies, tv.bans, tv.phases, shown_stats, pack.tables["regions"], shown_alts):
            for cell in _distinct(frame["source_ids"]):  # distinct cells: a million rows cite a handful of lists
                cited.extend(split_ids(cell))
        entries = sources_view.references(pack, cited)
        numbers = {e["id"]: e["n"] for e in entries}
        event_ids = (s for c in _distinct(events["source_ids"]) for s in split_ids(c))
        return cls(numbers, entries, _numbers_text(numbers, event_ids, t(TITLES["incidents"]), t), t)

    def cell(self, cell: object) -> str:
        """'[3, 7]' for a cell of source ids."""
        return _numbers_text(self.numbers, split_ids(cell))

    def ids(self, ids: Iterable[str], where: str = "") -> str:
        """'[3, 7]'; a long list is replaced by a pointer to the page ``where`` (its title, in the language)."""
        return _numbers_text(self.numbers, ids, where, self.t)


def _numbers_text(numbers: Mapping[str, int], ids: Iterable[str], where: str = "", t: Translator = ENGLISH) -> str:
    """'[3, 7, 12]'; with ``where``, a long list is replaced by a pointer to the rows that number them."""
    nums = sorted({numbers[s] for s in ids if s in numbers})
    if where and len(nums) > MAX_REFS_IN_LINE:
        return t("numbered row by row in '{where}'").format(where=where)
    return "[" + ", ".join(str(k) for k in nums) + "]" if nums else ""


def _headline_page(c: _Context, ov: overview_view.Overview, refs: _References) -> Page:
    n, t = ov.incidents, c.t
    tiles = [(tile.label, tile.value, clean(tile.note)) for tile in ov.tiles]
    notes = [
        t("{disputed}. The figures use the data pack's values; the alternatives are in the slides '{where}', with "
          "their sources.").format(disputed=ov.disputed_sentence, where=t(TITLES["disagreements"]))
        if ov.disputed else t("No disagreement between sources is recorded for the incidents in this view."),
        t("Classification: {classes}.").format(classes=clean(ov.classification_text)),
        t("Victims killed exclude perpetrators. Sums count only the figures the sources give; an incident with no "
          "figure is counted apart, never as 0."),
    ]
    source = t("Source: data pack, events table ({incidents}); incident sources {refs}; all listed under "
               "'{sources}'.").format(incidents=t.n("{n} incident", "{n} incidents", n), refs=refs.event_refs,
                                      sources=t(TITLES["sources"]))
    return Page("headline", t(TITLES["headline"]), source, c.filter_text, {"tiles": tiles, "notes": notes})


def _per_year_page(c: _Context, ov: overview_view.Overview, refs: _References) -> Page:
    killed, t = ov.headline["killed"], c.t
    notes = [
        t("Victims killed: known figures only, excluding perpetrators."),
        t("Grey hatched bars count the incidents with no victim figure: in those years the victims are at least the "
          "red bar. In this view: {killed}.").format(killed=killed.sentence(t))
        if int(ov.per_year["killed_unknown"].sum()) else
        t("Every incident in this view has a victim figure: {killed}.").format(killed=killed.sentence(t)),
        t("Policy milestones in these years: {n}, listed next and drawn on the policy timeline.").format(
            n=t.number(len(ov.milestones))),
        t("In the PowerPoint version the chart is editable (Edit Data)."),
    ]
    return Page("per_year", t(TITLES["per_year"]), t("Source: data pack, events table (incidents; victims killed, "
                                                     "excluding perpetrators); incident sources {refs}.").format(
                    refs=refs.event_refs), c.filter_text,
                {"per_year": ov.per_year[["year", "incidents", "killed_known", "killed_unknown"]].to_dict("list"),
                 "notes": notes})


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _milestone_pages(c: _Context, tv: timeline_view.Timeline, refs: _References) -> list[Page]:
    t = c.t
    rows = [[short_date(r["date"], r["date_precision"], t),
             clean(r["category"]).capitalize() if t.lang == DEFAULT else _capitalised(_label(t, "category",
                                                                                            r["category"])),
             clean(r["title"]), refs.cell(r["source_ids"])] for r in tv.milestones.to_dict("records")]
    title = f"{t(TITLES['milestones'])}, {tv.span}"
    source = t("Source: data pack, policies table (context rows left out; they are on the timeline); the numbers "
               "in brackets refer to '{sources}'.").format(sources=t(TITLES["sources"]))
    if rows:
        return _table_pages("milestones", title, MILESTONE_COLUMNS, rows, source, c.filter_text, "",
                            CONTENT_BOTTOM - CONTENT_TOP, t)
    return [Page("milestones", title, source, c.filter_text,
                 {"columns": [t(col) for col, _ in MILESTONE_COLUMNS], "widths": [w for _, w in MILESTONE_COLUMNS],
                  "rows": [], "note": t("No policy milestone in these years."), "note_lines": 1})]


def _map_page(c: _Context, mv: map_view.MapView, refs: _References, groups: list[dict]) -> Page:
    t = c.t
    overlap = "; ".join(t("{group} at one point").format(group=img.group_label(g, t)) if g["points"] == 1 else
                        t("{group} at {n} points").format(group=img.group_label(g, t), n=t.number(g["points"]))
                        for g in groups)
    notes = mv.print_notes(overlap)
    if c.pack.boundaries is None:
        notes.insert(0, t("The region boundaries could not be loaded: only the incidents are drawn."))
    region_refs = refs.ids(s for cell in c.pack.tables["regions"]["source_ids"] for s in split_ids(cell))
    source = t("Source: data pack, events table (points at the table's coordinates) {refs}; regions {regions}. "
               "{attribution}").format(refs=refs.event_refs, regions=region_refs, attribution=c.attribution)
    return Page("map", t(TITLES["map"]), source, c.filter_text, {"notes": notes, "attribution": c.attribution})


def _timeline_page(c: _Context, tv: timeline_view.Timeline, refs: _References) -> Page:
    t = c.t
    return Page("timeline", f"{t(TITLES['timeline'])}, {tv.span}",
                t("Source: data pack, policies, phases, banned organisations and events tables; policy sources "
                  "{refs}.").format(refs=refs.ids(tv.source_ids, t(TITLES["milestones"]))), c.filter_text,
                {"note": tv.print_note})


def _stat_source(pack, refs: _References, ids: Sequence[str], comparators: bool = False) -> str:
    """The source line of a statistics page: the sources' names and their numbers."""
    text = stats_view.chart_text(pack, tuple(ids))
    line = clean(text.comparators_line if comparators else text.line)
    out = f"{line} {refs.ids(stats_view.source_ids(pack, tuple(ids), comparators))}".strip()
    return out if out or comparators else pack.t("data pack, statistics table (these rows are missing)")


def _quote_translation(pack, stat_id: str, quote: str) -> str:
    """The project's translation of a statistic's verbatim quote ('' in English, or when there is none)."""
    column = "quote" + TRANSLATION_SUFFIX
    stats = pack.tables["statistics"]
    if pack.t.lang == DEFAULT or column not in stats or not quote:
        return ""
    found = stats.loc[stats["stat_id"] == stat_id, column]
    text = clean(found.iloc[0]) if len(found) else ""
    return text if text and text != quote else ""


def _statistics_pages(pack, refs: _References) -> list[Page]:
    t = pack.t
    age = stats_view.age(pack)
    rows = stats_view.prosecution(pack)
    fighters = stats_view.fighters(pack)
    national = t(NATIONAL_NOTE)
    age_page = Page("age", t(TITLES["age"]), t("Source: {text}").format(text=_stat_source(pack, refs, sc.AGE_IDS)),
                    national, {
        "categories": [t(c) for c in AGE_CATEGORIES], "values": [age.under_20, None, age.aged_30_39, age.under_40],
        "caveat_title": t("Caveat: the age shares do not add up") if age.complete else t("Not in the data pack"),
        "caveat": age.caveat, "arithmetic": age.arithmetic, "quote": age.quote, "missing": age.missing,
        "quote_translation": _quote_translation(pack, sc.AGE_UNDER_40, age.quote)})
    caveats = [f"{r['metric']} ({r['value_text']}): {r['caveat']}" for r in rows if r["caveat"]]
    prosecution = Page("prosecution", t(TITLES["prosecution"]),
                       t("Source: {text}").format(text=_stat_source(pack, refs, sc.PROSECUTION_IDS)),
                       national, {"rows": rows, "caveat_title": t("The periods differ"), "caveats": [
                           t("Each bar covers its own period (in its label), so the bars are not a series and must "
                             "not be added up.")] + caveats})
    source = t("Source: {text}").format(text=_stat_source(pack, refs, sc.FIGHTERS_IDS))
    comparators = _stat_source(pack, refs, sc.FIGHTERS_IDS, comparators=True)
    if comparators:
        source += t("; comparators: {comparators}").format(comparators=comparators)
    rng = fighters.range
    if rng is not None and not rng.get("quote_translation"):
        rng = {**rng, "quote_translation": _quote_translation(pack, sc.FIGHTERS_RANGE, rng.get("quote", ""))}
    fighters_page = Page("fighters", t(TITLES["fighters"]), source, national,
                         {"range": rng, "comparators": fighters.comparators})
    return [age_page, prosecution, fighters_page]


def _listable(c: _Context, events: pd.DataFrame) -> pd.DataFrame:
    """The incidents the list may show: all but those of a dataset whose rows may not be redistributed, of which
    only its RESTRICTED_LIST_LIMIT most recent."""
    restricted = exports.restricted_rows(events)
    if not restricted.any():
        return events
    keep = ~restricted
    ids = events["dataset_id"].to_numpy(dtype="int64", na_value=-1)
    for d in c.datasets:
        if not d.redistributable:
            pos = np.flatnonzero(restricted & (ids == d.dataset_id))
            latest = events["date"].iloc[pos].reset_index(drop=True).nlargest(RESTRICTED_LIST_LIMIT, keep="first")
            keep[pos[latest.index.to_numpy()]] = True
    return events[keep]


def _incident_pages(c: _Context, events: pd.DataFrame, refs: _References) -> list[Page]:
    """The incidents, paginated: the latest LIST_LIMIT in date order (of a dataset whose rows may not be
    redistributed, a few: see RESTRICTED_LIST_LIMIT)."""
    n, t = len(events), c.t
    candidates = _listable(c, events)
    listed = candidates if len(candidates) <= LIST_LIMIT else \
        candidates.loc[candidates["date"].nlargest(LIST_LIMIT, keep="first").index]
    listed = listed.sort_values(["date", "event_id"], kind="stable")
    rows = [[short_date(r["date"], r["date_precision"], t), clean(r["place"]), _label(t, "region", r["region"]),
             f"{_label(t, 'attack_type', r['attack_type'])} ({_label(t, 'event_type', r['event_type'])})",
             _count(r["killed"], t), _count(r["injured"], t), _label(t, "classification", r["classification"]),
             refs.cell(r["source_ids"])]
            for r in listed.to_dict("records")]
    note = t("Killed: victims, excluding perpetrators. '{unknown}': the sources give no figure (not zero). Numbers in "
             "brackets: '{sources}'.").format(unknown=t(UNKNOWN), sources=t(TITLES["sources"]))
    restricted = [d for d in c.datasets if not d.redistributable]
    if restricted:  # the CSV export holds none of these datasets' rows: say what is listed, and where the rest are
        ids = listed["dataset_id"].to_numpy(dtype="int64", na_value=-1)
        capped = [(d, int((ids == d.dataset_id).sum())) for d in restricted]
        in_csv = n - sum(d.rows for d in restricted)
        listed_in_csv = len(listed) - sum(k for _, k in capped)
        parts = [t("{listed} of the {n} incidents in this view, in date order.").format(
            listed=t.number(len(listed)), n=t.number(n))]
        parts += [t("{dataset}: {listed} of its {incidents} listed (the most recent). Its terms of use do not allow "
                    "redistributing its rows: the figures count them all, the CSV export holds none.").format(
            dataset=clean(d.name), listed=t.number(k), incidents=t.n("{n} incident", "{n} incidents", d.rows))
                  for d, k in capped]
        if listed_in_csv < in_csv:
            parts.append(t("{more} more in the CSV export (dashboard, '{page}').").format(
                more=t.number(in_csv - listed_in_csv), page=t("Sources and data")))
        note = " ".join(parts) + " " + note
    elif len(listed) < n:
        note = t("The {listed} most recent of the {n} incidents in this view, in date order; {more} more in the CSV "
                 "export (dashboard, '{page}').").format(listed=t.number(len(listed)), n=t.number(n),
                                                        more=t.number(n - len(listed)),
                                                        page=t("Sources and data")) + " " + note
    return _table_pages("incidents", t(TITLES["incidents"]), INCIDENT_COLUMNS, rows,
                        t("Source: data pack, events table; the sources of each incident are the numbers in its "
                          "row (see '{sources}').").format(sources=t(TITLES["sources"])), c.filter_text, note,
                        CONTENT_BOTTOM - CONTENT_TOP, t)


def _disagreement_pages(c: _Context, events: pd.DataFrame, tv: timeline_view.Timeline, shown_alts: pd.DataFrame,
                        refs: _References) -> list[Page]:
    """One row per record, its figures only (counts, dates, places, classifications); differences of wording are
    in the dashboard's detail of the record."""
    t = c.t
    figure_alts = shown_alts[shown_alts["column"].isin(alternatives.FIGURE_COLUMNS)]
    if figure_alts.empty:
        return []
    wanted = set(figure_alts["record_id"])
    names = {**{r["event_id"]: f"{short_date(r['date'], r['date_precision'], t)}, {clean(r['place'])}"
                for r in events[events["event_id"].isin(wanted)].to_dict("records")},
             **{r["policy_id"]: f"{short_date(r['date'], r['date_precision'], t)}, {clean(r['title'])}"
                for r in tv.policies[tv.policies["policy_id"].isin(wanted)].to_dict("records")}}
    rows = [[names.get(rid, rid), _other_values(grp, refs.cell, t)]
            for rid, grp in figure_alts.groupby("record_id", sort=False)]
    return _table_pages("disagreements", t(TITLES["disagreements"]), DISAGREEMENT_COLUMNS, rows,
                        t("Source: data pack, alternatives table: every value a source gives that differs from "
                          "the one used, with the sources that give it."), c.filter_text,
                        t("The other slides show the values used (the most recent credible official figure). "
                          "'error': wrong in its source, never charted. Differences of wording: dashboard detail."),
                        CONTENT_BOTTOM - CONTENT_TOP, t)


def _source_pages(refs: _References) -> list[Page]:
    entries, t = refs.entries, refs.t
    heights = [(_lines(f"[{r['n']}] {r['id']}: {r['text']}. {r['url']}", CONTENT_W, REF_PT) * REF_PT * 1.2
                + 3) / 72 for r in entries]
    groups = _paginate(heights, CONTENT_BOTTOM - CONTENT_TOP)
    return [Page("sources", _numbered(t(TITLES["sources"]), i, len(groups), t),
                 t("Source: data pack, sources table: every source cited by the incidents, policy milestones, "
                   "phases, bans, regions and statistics in this pack."),
                 t.n("{n} source, numbered as cited on the previous slides",
                     "{n} sources, numbered as cited on the previous slides", len(entries)),
                 {"entries": [entries[j] for j in idx]}) for i, idx in enumerate(groups, 1)]


def _other_values(alts: pd.DataFrame, ref, t: Translator = ENGLISH) -> str:
    """'Victims killed: 4, 5 (earlier reports) [3, 12]; Date: 2011-06-30 (other figure) [7]' for one record."""
    parts = []
    for column, grp in alts.groupby("column", sort=False):
        bits = []
        for status, g2 in grp.groupby("status", sort=False):
            values = ", ".join(clean(alternatives.value_text(a, t)) for a in g2.to_dict("records"))
            refs = ref(";".join(g2["source_ids"]))
            bits.append(f"{values} ({t(alternatives.STATUS_WORDS.get(status, status))}) {refs}".strip())
        parts.append(f"{t(alternatives.column_label(column))}: " + "; ".join(bits))
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
