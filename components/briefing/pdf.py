"""The briefing pack as an A4 landscape PDF handout: one page per page of the content model (reportlab)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape

from components.briefing import images as img
from components.briefing.content import (
    BODY_PT,
    CAVEAT_FILL,
    CAVEAT_LINE,
    COMPARATOR_LINE,
    CONTENT_W,
    INK,
    MUTED,
    REF_PT,
    SOURCE_PT,
    TABLE_PT,
    TITLE_PT,
    Briefing,
    Page,
    _safe_url,
    _value_runs,
)
from components.figures import style
from components.text import UNKNOWN

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


def render(b: Briefing) -> bytes:
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
