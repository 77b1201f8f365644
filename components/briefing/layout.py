"""How each page of the briefing looks, decided once for both formats.

``blocks(page)`` turns a ``content.Page`` into a short list of layout blocks (frozen dataclasses: headings, runs of
text, boxes, tables, images, charts, columns); ``pptx`` and ``pdf`` each draw every block type in one function, so
what is on a page (what goes left and right, which box is a caveat, which note follows a chart) is written here only.

Two kinds of geometry sit side by side on a block, one per format, because the formats place things differently:
- the slide places each block absolutely: ``frame``, in inches on the 16:9 slide;
- the handout flows its blocks down an A4 page: ``Columns.share`` and ``gap``, ``Image.share`` and ``Spacer``.
Type sizes are slide points (the PDF scales them); ``space_after`` is points after each paragraph, in both formats.
The words of the layout (labels, alternative texts, chart series) are in the language of the translator ``t`` that
``blocks`` is given (the briefing's, ``Briefing.t``); the names of the shapes stay English (they identify the shapes).

Pure code: no python-pptx, no reportlab.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from components.briefing.content import (
    BODY_PT,
    CONTENT_BOTTOM,
    CONTENT_TOP,
    CONTENT_W,
    MARGIN,
    MISSING_STATS,
    NOTE_H,
    PER_YEAR_SERIES,
    REF_PT,
    SLIDE_W,
    TABLE_PT,
    Page,
    _lines,
)
from components.briefing.images import SIZES
from components.briefing.theme import (
    CAVEAT_FILL,
    CAVEAT_LINE,
    COMPARATOR_LINE,
    COMPARATOR_PT,
    FIGURE_PT,
    LEAD_PT,
    LINK,
    MUTED,
    RANGE_LINE,
    RANGE_PT,
    RULE,
    TILE_FILL,
    WARN,
    safe_url,
)
from components.i18n import ENGLISH, N_, Translator
from components.text import UNKNOWN

NEVER_ZERO = N_("Unknown is never zero: sums read \u201cat least N\u201d with the incidents that have no figure "
                "counted apart. Caveats sit beside the figures they qualify.")
AT_LEAST = N_("at least {n}")  # the qualifier of a sum with unknowns (components.views.summary)


# ------------------------------------------------------------------------------------------------ blocks
@dataclass(frozen=True)
class Run:
    """A piece of text in one style. ``size`` None: the size of its block; ``color`` None: ink."""

    text: str
    size: float | None = None
    bold: bool = False
    italic: bool = False
    color: str | None = None
    url: str = ""  # a link target (already checked by safe_url); '' for none


Para = tuple[Run, ...]  # one paragraph


@dataclass(frozen=True)
class Frame:
    """Where a block sits on the slide: left, top, width, height in inches."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Heading:
    """The page title (larger on the title page) and the line under it (the view, or a national-figures note)."""

    title: str
    subtitle: str = ""
    big: bool = False


@dataclass(frozen=True)
class Paragraphs:
    paras: tuple[Para, ...]
    size: float = BODY_PT
    space_after: float = 6
    name: str = ""  # the shape's name in the deck (what a screen reader and the tests find)
    frame: Frame | None = None  # None inside a Box or a Tiles block, which place it


@dataclass(frozen=True)
class Box:
    """Paragraphs in a filled or outlined box: a caveat, the estimate and its comparators, a headline tile."""

    content: Paragraphs
    fill: str | None = None
    line: str | None = None
    name: str = ""
    frame: Frame | None = None


@dataclass(frozen=True)
class Tiles:
    """The headline figures: boxes side by side across the frame, ``gap`` inches apart on the slide."""

    tiles: tuple[Box, ...]
    gap: float
    frame: Frame


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    widths: tuple[float, ...]  # inches on the slide; the handout scales them to its width
    rows: tuple[Para, ...]  # one run per cell
    centre: tuple[int, ...]  # the columns whose cells are centred
    name: str
    frame: Frame
    size: float = TABLE_PT


@dataclass(frozen=True)
class Image:
    """A picture of ``Briefing.images``: on the slide at its frame (its own size), in the handout at ``share`` of the
    width it is given, keeping its proportions."""

    key: str
    name: str
    alt: str  # alternative text for screen readers
    frame: Frame
    share: float = 1.0


@dataclass(frozen=True)
class Chart:
    """An editable chart in the deck (``kind`` picks its style); the handout draws the image of the same data."""

    kind: str  # "per_year", "age" or "prosecution"
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]  # (name, one value per category)
    image: str  # the key of its image in Briefing.images
    aspect: float  # the image's height / width
    name: str
    frame: Frame
    labels: tuple[str, ...] = ()  # per point, text that replaces the number on its bar ("at least 2"); '' keeps it
    instead: Paragraphs | None = None  # nothing to chart: the deck says this instead (the image says it itself)


@dataclass(frozen=True)
class Columns:
    """Two columns in the handout: the left takes ``share`` of the width, its content ending ``gap`` points before
    the right column. On the slide, each block of either side sits at its own frame."""

    left: tuple[Block, ...]
    right: tuple[Block, ...]
    share: float
    gap: float = 12


@dataclass(frozen=True)
class Spacer:
    """Vertical space in the handout, in points (the slide places its blocks by their frames)."""

    height: float


Block = Heading | Paragraphs | Box | Tiles | Table | Image | Chart | Columns | Spacer


def blocks(page: Page, t: Translator = ENGLISH) -> list[Block]:
    """The blocks of one page, its heading first (each renderer adds the source line and the page number), their
    words in the language of ``t``."""
    return [Heading(page.title, page.subtitle, big=page.kind == "title"), *_PAGES[page.kind](page, t)]


# ------------------------------------------------------------------------------------------------ text helpers
def text_height(paras: Sequence[Para], width: float, size: float, space_after: float) -> float:
    """The height (inches) these paragraphs need in a box ``width`` inches wide (its insets included), estimated as
    the pagination estimates it: each paragraph at the size of its largest run, its lines from its text, the space
    after each paragraph but the last."""
    height = 0.0
    for runs in paras:
        pt = max((r.size or size for r in runs), default=size)
        height += _lines("".join(r.text for r in runs), width, pt) * pt * 1.2 / 72 + space_after / 72
    return height - space_after / 72 if paras else 0.0


def para(text: str, **style) -> Para:
    """A paragraph of one run."""
    return (Run(text, **style),)


def link(url: str, text: str = "", size: float | None = None) -> Run:
    """A link, in link colour (a target only for web addresses: any other scheme stays plain text)."""
    return Run(text or url, size=size, url=safe_url(url), color=LINK)


def _unknown(value: str, t: Translator) -> bool:
    return value == UNKNOWN or value == t(UNKNOWN)


def value_runs(value: str, size: float = FIGURE_PT, t: Translator = ENGLISH) -> Para:
    """'at least 45' as a small 'at least' and a big '45' (the qualifier stays on the figure, legibly), in the
    language of ``t`` (the qualifier before or after the number, as the language puts it)."""
    if _unknown(value, t):  # a word, not a number: smaller, so that it fits the tile
        return (Run(value, size=size * 0.62, bold=True),)
    before, _, after = t(AT_LEAST).partition("{n}")
    if (before or after) and value.startswith(before) and value.endswith(after) and len(value) > len(before + after):
        number = value[len(before):len(value) - len(after)]
        runs = [Run(before, size=size * 0.5, bold=True)] if before else []
        runs.append(Run(number, size=size, bold=True))
        if after:
            runs.append(Run(after, size=size * 0.5, bold=True))
        return tuple(runs)
    return (Run(value, size=size, bold=True),)


def cell(value: str, t: Translator = ENGLISH) -> Run:
    """A table cell: 'unknown' is set apart (italic, in the warning colour), never to be read as a zero."""
    return Run(value, italic=True, color=WARN) if _unknown(value, t) else Run(value)


def _right_of(x: float, y: float, h: float, bleed: float = 0.0) -> Frame:
    """A frame from ``x`` to the right margin (``bleed`` inches into it)."""
    return Frame(x, y, SLIDE_W - x - MARGIN + bleed, h)


def _aspect(key: str) -> float:
    w, h = SIZES[key]
    return h / w


def _missing(width: float, t: Translator) -> Paragraphs:
    return Paragraphs((para(t(MISSING_STATS), color=WARN),), name="Missing",
                      frame=Frame(MARGIN, CONTENT_TOP, width, 1.0))


# ------------------------------------------------------------------------------------------------ pages
def _title(page: Page, t: Translator) -> list[Block]:
    body = page.body
    lines = body["lines"]
    cite: list[Para] = [(Run(t("Cite as: "), bold=True), Run(body["citation"]))]
    if body["url"]:
        cite.append((Run(t("This view: "), bold=True), link(body["url"])))
    cite.append(para(t(NEVER_ZERO), size=TABLE_PT, color=MUTED))
    view = (para(t("Briefing pack"), size=22, color=MUTED), para(lines[0], size=24, bold=True),
            para(lines[1], size=LEAD_PT))
    return [Spacer(40), Paragraphs(view, space_after=10, name="Filter", frame=Frame(MARGIN, 1.8, CONTENT_W, 2.3)),
            Spacer(30), Paragraphs(tuple(cite), space_after=10, name="Citation", frame=Frame(MARGIN, 4.1, CONTENT_W, 2.6))]


def _empty(page: Page, t: Translator) -> list[Block]:
    first, *rest = page.body["lines"]
    paras = (para(first, size=24, bold=True), *(para(line, size=LEAD_PT) for line in rest))
    return [Paragraphs(paras, space_after=14, name="No match", frame=Frame(MARGIN, CONTENT_TOP + 0.3, CONTENT_W, 3.5))]


def _headline(page: Page, t: Translator) -> list[Block]:
    tiles = tuple(Box(Paragraphs((para(label, size=LEAD_PT, color=MUTED), value_runs(value, t=t),
                                  para(note, size=TABLE_PT, color=MUTED)), space_after=4),
                      fill=TILE_FILL, line=RULE, name=f"Figure: {label}")
                  for label, value, note in page.body["tiles"])
    notes = tuple(para(note) for note in page.body["notes"])
    return [Tiles(tiles, gap=0.3, frame=Frame(MARGIN, CONTENT_TOP + 0.1, CONTENT_W, 2.5)), Spacer(14),
            Paragraphs(notes, space_after=8, name="Notes", frame=Frame(MARGIN, CONTENT_TOP + 2.85, CONTENT_W, 2.3))]


def _per_year(page: Page, t: Translator) -> list[Block]:
    data = page.body["per_year"]
    series = tuple((t(name), tuple(int(v) for v in data[col]))
                   for name, col in zip(PER_YEAR_SERIES, ("incidents", "killed_known", "killed_unknown")))
    chart = Chart("per_year", tuple(str(y) for y in data["year"]), series, "per_year", _aspect("per_year"),
                  "Per-year chart", Frame(MARGIN - 0.1, CONTENT_TOP - 0.05, 9.2, 5.25))
    notes = Paragraphs(tuple(para(note) for note in page.body["notes"]), TABLE_PT, 10, "Notes",
                       _right_of(9.75, CONTENT_TOP + 0.1, 5.0))
    return [Columns((chart,), (notes,), share=0.79)]


def _table(page: Page, t: Translator) -> list[Block]:
    """The milestones, the incidents, the disagreements: a note above a table (either may be missing). A note of
    several lines (``note_lines``, as the content measured it) pushes the table down by its extra lines."""
    body = page.body
    out: list[Block] = []
    y = CONTENT_TOP
    if body.get("note"):
        extra = max(0, body.get("note_lines", 1) - 1) * TABLE_PT * 1.2 / 72
        out.append(Paragraphs((para(body["note"], color=MUTED),), TABLE_PT, 6, "Table note",
                              Frame(MARGIN, CONTENT_TOP - 0.05, CONTENT_W, NOTE_H + extra)))
        y += 0.42 + extra
    if body["rows"]:
        columns, widths = tuple(body["columns"]), tuple(body["widths"])
        rows = tuple(tuple(cell(v, t) for v in r) for r in body["rows"])
        counts = (t("Killed"), t("Injured"))
        out.append(Table(columns, widths, rows, tuple(i for i, c in enumerate(columns) if c in counts),
                         f"{page.kind.capitalize()} table", Frame(MARGIN, y, sum(widths), 0.4 * (len(rows) + 1))))
    return out


def _map(page: Page, t: Translator) -> list[Block]:
    w, h = SIZES["map"]
    picture = Image("map", "Map", t("Map of Kazakhstan's regions with the incidents of this view as points: colour "
                                    "shows the attack type, size the victims killed; hollow rings mark incidents "
                                    "whose victims are unknown."),
                    Frame(MARGIN - 0.15, CONTENT_TOP - 0.05, w, h))
    x = MARGIN - 0.15 + w + 0.1
    right: list[Block] = [Paragraphs(tuple(para(note) for note in page.body["notes"]), TABLE_PT, 6, "Notes",
                                     _right_of(x, CONTENT_TOP, 3.9, bleed=0.1))]
    if page.body["attribution"]:
        right.append(Paragraphs((para(page.body["attribution"]),), TABLE_PT, 0, "Attribution",
                                _right_of(x, CONTENT_TOP + 3.95, 1.2, bleed=0.1)))
    return [Columns((picture,), tuple(right), share=0.79, gap=10)]


def _timeline(page: Page, t: Translator) -> list[Block]:
    w, h = SIZES["timeline"]
    y = CONTENT_TOP - 0.08
    return [Image("timeline", "Timeline", t("Policy timeline: one lane per kind of milestone, incidents at the "
                                            "bottom, approximate phases at the top."), Frame(MARGIN, y, w, h),
                  share=0.97),
            Paragraphs((para(page.body["note"], color=MUTED),), TABLE_PT, 0, "Timeline note",
                       Frame(MARGIN, y + h + 0.02, CONTENT_W, 0.4))]


def _caveat(paras: Sequence[Para], frame: Frame) -> Box:
    return Box(Paragraphs(tuple(paras), TABLE_PT, 6), fill=CAVEAT_FILL, line=CAVEAT_LINE, name="Caveat", frame=frame)


def _age(page: Page, t: Translator) -> list[Block]:
    body = page.body
    values = tuple(body["values"])
    chart = Chart("age", tuple(body["categories"]), ((t("Share of terrorists, as reported (%)"), values),), "age",
                  _aspect("age"), "Age chart", Frame(MARGIN - 0.1, CONTENT_TOP, 7.3, 5.1),
                  instead=None if any(v is not None for v in values) else _missing(6.8, t))
    caveat = [para(body["caveat_title"], size=LEAD_PT, bold=True), para(body["caveat"])]
    if body["arithmetic"] and body["arithmetic"] not in body["caveat"]:
        caveat.append(para(body["arithmetic"]))
    if body["missing"]:
        caveat.append(para(t("Not in the data pack: {items}").format(items=", ".join(body["missing"])), color=WARN))
    right: list[Block] = [_caveat(caveat, _right_of(7.55, CONTENT_TOP, 3.2))]
    if body["quote"]:
        quote = [para(t("What the source says (verbatim)"), bold=True),
                 para(f"\u201c{body['quote']}\u201d", italic=True)]
        if body.get("quote_translation"):  # the project's translation, beside the verbatim quote
            quote.append(para(t("Translation: {text}").format(text=body["quote_translation"]), color=MUTED))
        right.append(Paragraphs(tuple(quote), TABLE_PT, 4, "Quote", _right_of(7.55, CONTENT_TOP + 3.3, 1.85)))
    return [Columns((chart,), tuple(right), share=0.57)]


def _prosecution(page: Page, t: Translator) -> list[Block]:
    body = page.body
    rows = body["rows"]
    chart = Chart("prosecution", tuple(t("{label} \u2014 period: {period}").format(label=r["label"], period=r["period"])
                                       for r in rows),
                  ((t("Number as reported"), tuple(r["value"] for r in rows)),), "prosecution",
                  _aspect("prosecution"), "Prosecution chart", Frame(MARGIN - 0.1, CONTENT_TOP, 7.6, 5.1),
                  # a qualified figure keeps its qualifier ("at least 2"), never a bare number
                  labels=tuple(r["value_text"] if r["qualifier"] not in ("", "exact") else "" for r in rows),
                  instead=None if rows else _missing(7.0, t))
    caveat = [para(body["caveat_title"], size=LEAD_PT, bold=True), *(para(text) for text in body["caveats"])]
    return [Columns((chart,), (_caveat(caveat, _right_of(7.85, CONTENT_TOP, 5.1)),), share=0.6)]


def _fighters(page: Page, t: Translator) -> list[Block]:
    """The estimate of the source documents and the comparators from elsewhere, in two boxes, never mixed."""
    body = page.body
    rng = body["range"]
    if rng:
        estimate = [para(t("From the source document ({who})").format(who=rng["who"]), size=LEAD_PT, bold=True),
                    para(f"{rng['value']} {rng['unit']}", size=RANGE_PT, bold=True, color=RANGE_LINE),
                    para(t("{metric}, {period}: an estimate given as a range, not a count.").format(
                        metric=rng["metric"], period=rng["period"])),
                    para(f"\u201c{rng['quote']}\u201d", size=TABLE_PT, italic=True)]
        if rng.get("quote_translation"):  # the project's translation, beside the verbatim quote
            estimate.append(para(t("Translation: {text}").format(text=rng["quote_translation"]), size=TABLE_PT,
                                 color=MUTED))
        if rng["caveat"]:
            estimate.append(para(t("Caveat: {caveat}").format(caveat=rng["caveat"]), size=TABLE_PT))
    else:
        estimate = [para(t("The range of the source document is not in the data pack."), color=WARN)]
    comparators = [para(t("Comparators: not from the five source documents"), size=LEAD_PT, bold=True)]
    for c in body["comparators"]:
        comparators.append((Run(c["value"], size=COMPARATOR_PT, bold=True, color=COMPARATOR_LINE),
                            Run(f"  {c['unit']}")))
        comparators.append(para(f"{c['who']} ({c['source']})", size=TABLE_PT, color=MUTED))
    if not body["comparators"]:
        comparators.append(para(t("No comparator in the data pack.")))
    comparators.append(para(t("Shown for comparison only; never added to or mixed with the estimate."), size=TABLE_PT,
                            italic=True))
    half = (CONTENT_W - 0.4) / 2
    left = Box(Paragraphs(tuple(estimate), space_after=8), line=RANGE_LINE, name="Range",
               frame=Frame(MARGIN, CONTENT_TOP, half, 5.1))
    right = Box(Paragraphs(tuple(comparators), space_after=6), line=COMPARATOR_LINE, name="Comparators",
                frame=Frame(MARGIN + half + 0.4, CONTENT_TOP, half, 5.1))
    # Two boxes of one width in the handout: the left column holds the gap, so it is wider by half of it.
    return [Columns((left,), (right,), share=0.509, gap=14)]


def _sources(page: Page, t: Translator) -> list[Block]:
    paras = []
    for e in page.body["entries"]:
        runs = [Run(f"[{e['n']}] ", bold=True), Run(f"{e['id']}: ", color=MUTED),
                Run(e["text"] + (". " if e["url"] else "."))]
        if e["url"]:
            runs.append(link(e["url"]))
        paras.append(tuple(runs))
    return [Paragraphs(tuple(paras), REF_PT, 3, "Sources",
                       Frame(MARGIN, CONTENT_TOP - 0.05, CONTENT_W, CONTENT_BOTTOM - CONTENT_TOP + 0.1))]


def _licences(page: Page, t: Translator) -> list[Block]:
    paras: list[Para] = []
    for heading, text, url in page.body["items"]:
        paras.append(para(heading, size=LEAD_PT, bold=True))
        if url and url != text:
            paras.append((Run(text), link(url, f" ({url})")))
        elif url:
            paras.append((link(url, text),))
        else:
            paras.append(para(text))
    return [Paragraphs(tuple(paras), name="Licences",
                       frame=Frame(MARGIN, CONTENT_TOP - 0.2, CONTENT_W, CONTENT_BOTTOM - CONTENT_TOP + 0.2))]


_PAGES: Mapping[str, Callable[[Page, Translator], list[Block]]] = {
    "title": _title, "empty": _empty, "headline": _headline, "per_year": _per_year, "milestones": _table,
    "map": _map, "timeline": _timeline, "age": _age, "prosecution": _prosecution, "fighters": _fighters,
    "incidents": _table, "disagreements": _table, "sources": _sources, "licences": _licences,
}
