"""The briefing pack as an A4 landscape PDF handout: one page per page of the content model (reportlab).

Each page flows its layout blocks (``layout.blocks``) down the page, one function per block type; frames, which
place the blocks on a slide, are not used here. The text is set in DejaVu Sans, which has every letter of Kazakh and
Russian; the document says its language.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from components.briefing import layout
from components.briefing.content import BODY_PT, SOURCE_PT, TABLE_PT, TITLE_PT, Briefing, rebalance
from components.briefing.layout import (
    Box,
    Chart,
    Columns,
    Heading,
    Image,
    Para,
    Paragraphs,
    Run,
    Spacer,
    Table,
    Tiles,
)
from components.briefing.theme import INK, MUTED, RULE, WHITE

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
BIG_TITLE_PT = 34  # the title page's
MIN_TITLE_SHARE = 0.85  # a page title longer than the line (another language's) is set smaller, down to this share
TABLE_HEAD = "#2F4B7C"
CELL_PAD = 6  # reportlab's own left and right padding of a table cell, points
TABLE_BAND = "#EEF2F7"


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
        p = Paragraph(_markup((Run(b.pages[i - 1].source),)), source_style)
        _, h = p.wrap(PDF_FRAME_W - 70, PDF_BOTTOM)
        p.drawOn(canvas, PDF_MARGIN_X, PDF_BOTTOM - 10 - h)
        n = Paragraph(f"{i} / {total}", number_style)
        n.wrap(60, 20)
        n.drawOn(canvas, PDF_PAGE_W - PDF_MARGIN_X - 60, PDF_BOTTOM - 10 - number_style.leading)
        canvas.restoreState()

    buf = io.BytesIO()
    t = b.t
    doc = BaseDocTemplate(buf, pagesize=(PDF_PAGE_W, PDF_PAGE_H), leftMargin=PDF_MARGIN_X,
                          rightMargin=PDF_MARGIN_X, topMargin=PDF_TOP, bottomMargin=PDF_BOTTOM,
                          title=f"{b.title}: {b.filter_text}", subject=t("Briefing pack"), author="",
                          creator=t("Kazakhstan Terrorism & Counter-Terrorism Dashboard"),
                          **({"lang": t.lang} if t.lang != "en" else {}))
    frame = Frame(PDF_MARGIN_X, PDF_BOTTOM, PDF_FRAME_W, PDF_FRAME_H, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0, id="content")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=footer)])
    story = []
    for i, page in enumerate(b.pages):
        content = _flow_all(layout.blocks(page, t), PDF_FRAME_W, b)
        # One page per page of the model: shrink (never split) content that would overflow.
        story.append(KeepInFrame(PDF_FRAME_W, PDF_FRAME_H - 2, content, mode="shrink"))
        if i < total - 1:
            story.append(PageBreak())
    doc.build(story)
    return buf.getvalue()


def _flow_all(blocks, width: float, b: Briefing) -> list:
    """The flowables of these blocks, in order, in a column ``width`` points wide."""
    return [f for block in blocks for f in _FLOW[type(block)](block, width, b)]


# ------------------------------------------------------------------------------------------------ text
def _pstyle(size: float, colour: str = INK, leading: float = 1.22, space_after: float = 3, align: int = 0):
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(f"s{size}{colour}{align}", fontName=PDF_FONT, fontSize=size, leading=size * leading,
                          textColor=colour, spaceAfter=space_after, alignment=align)


def _markup(runs: Para, base: float | None = None, size: float | None = None) -> str:
    """reportlab paragraph markup; every piece of text (and link target) is escaped first. A run whose size
    (``size`` when it has none) differs from the paragraph's ``base`` gets its own."""
    out = []
    for r in runs:
        text = escape(r.text).replace("\n", "<br/>")
        if r.bold:
            text = f"<b>{text}</b>"
        if r.italic:
            text = f"<i>{text}</i>"
        if r.color:
            text = f'<font color="{r.color}">{text}</font>'
        own = r.size or size
        if base and own and own != base:
            text = f'<font size="{own * PDF_SCALE:.1f}">{text}</font>'
        if r.url:
            text = f'<a href="{escape(r.url, {chr(34): "&quot;"})}">{text}</a>'
        out.append(text)
    return "".join(out)


def _para(runs: Para, size: float = BODY_PT, space_after: float = 3, align: int = 0):
    """One paragraph, set at the size of its largest run (runs without a size take ``size``)."""
    from reportlab.platypus import Paragraph

    base = max((r.size or size for r in runs), default=size)
    return Paragraph(_markup(runs, base, size), _pstyle(base * PDF_SCALE, space_after=space_after, align=align))


# ------------------------------------------------------------------------------------------------ blocks
def _title_pt(title: str, width: float, big: bool) -> float:
    """The (slide) size of a page title: its own, or smaller (to MIN_TITLE_SHARE of it) to keep a longer title of
    another language on one line. The title page's may take two lines."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    size = BIG_TITLE_PT if big else TITLE_PT
    if big:
        return size
    wide = stringWidth(title, PDF_FONT + "-Bold", size * PDF_SCALE)
    return size if wide <= width else max(size * MIN_TITLE_SHARE, size * width / wide)


def _heading(block: Heading, width: float, b: Briefing) -> list:
    title = _para((Run(block.title, bold=True),), _title_pt(block.title, width, block.big),
                  space_after=2 if block.subtitle else 10)
    if not block.subtitle:
        return [title]
    return [title, _para(layout.para(block.subtitle, color=MUTED), TABLE_PT, space_after=8)]


def _paragraphs(block: Paragraphs, width: float, b: Briefing) -> list:
    return [_para(p, block.size, block.space_after) for p in block.paras]


def _box(block: Box, width: float, b: Briefing) -> list:
    from reportlab.lib import colors
    from reportlab.platypus import Table as RTable
    from reportlab.platypus import TableStyle

    t = RTable([[_paragraphs(block.content, width, b)]], colWidths=[width])
    cmds = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ("RIGHTPADDING", (0, 0), (-1, -1), 8), ("TOPPADDING", (0, 0), (-1, -1), 6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]
    if block.fill:
        cmds.append(("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(block.fill)))
    if block.line:
        cmds.append(("BOX", (0, 0), (-1, -1), 1.2, colors.HexColor(block.line)))
    t.setStyle(TableStyle(cmds))
    return [t]


def _tiles(block: Tiles, width: float, b: Briefing) -> list:
    """The tiles as the cells of one table: a white rule between them, one outline around them all."""
    from reportlab.lib import colors
    from reportlab.platypus import Table as RTable
    from reportlab.platypus import TableStyle

    n = len(block.tiles)
    t = RTable([[_paragraphs(tile.content, width / n, b) for tile in block.tiles]], colWidths=[width / n] * n)
    cmds = [("VALIGN", (0, 0), (-1, -1), "TOP")]
    cmds += [("BACKGROUND", (i, 0), (i, 0), colors.HexColor(tile.fill)) for i, tile in enumerate(block.tiles)
             if tile.fill]
    cmds.append(("INNERGRID", (0, 0), (-1, -1), 6, colors.white))
    outline = next((tile.line for tile in block.tiles if tile.line), None)
    if outline:
        cmds.append(("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor(outline)))
    cmds += [("TOPPADDING", (0, 0), (-1, -1), 8), ("BOTTOMPADDING", (0, 0), (-1, -1), 10)]
    t.setStyle(TableStyle(cmds))
    return [t]


def _picture(png: bytes, width: float, aspect: float):
    from reportlab.platypus import Image as RImage

    return RImage(io.BytesIO(png), width=width, height=width * aspect)


def _image(block: Image, width: float, b: Briefing) -> list:
    return [_picture(b.images[block.key], width * block.share, block.frame.h / block.frame.w)]


def _chart(block: Chart, width: float, b: Briefing) -> list:
    return [_picture(b.images[block.image], width, block.aspect)]


def _table(block: Table, width: float, b: Briefing) -> list:
    from reportlab.lib import colors
    from reportlab.platypus import Table as RTable
    from reportlab.platypus import TableStyle

    header = [_para((Run(c, bold=True, color=WHITE),), block.size, space_after=0) for c in block.columns]
    rows = [header] + [[_para((run,), block.size, space_after=0, align=1 if i in block.centre else 0)
                        for i, run in enumerate(r)] for r in block.rows]
    t = RTable(rows, colWidths=_column_widths(block, width), repeatRows=1)
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(TABLE_HEAD)),
                           ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor(TABLE_BAND)]),
                           ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor(RULE)),
                           ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return [t]


def _column_widths(block: Table, width: float) -> list[float]:
    """The slide's column widths scaled to ``width``, a column too narrow for the longest word of its header (bold)
    or cells, as DejaVu Sans sets it, widened from the others (words are never broken inside: 'Жараланғандар',
    'Classification')."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    size = block.size * PDF_SCALE
    scale = width / sum(block.widths)
    widths = [w * scale for w in block.widths]
    need = []
    for i, header in enumerate(block.columns):
        words = [(word, PDF_FONT + "-Bold") for word in header.split()]
        for row in block.rows:
            run = row[i]
            face = PDF_FONT + {(False, False): "", (True, False): "-Bold", (False, True): "-Oblique",
                               (True, True): "-BoldOblique"}[(run.bold, run.italic)]
            words += [(word, face) for word in run.text.split()]
        need.append(max((stringWidth(word, face, size) for word, face in words), default=0.0) + 2 * CELL_PAD + 1)
    return rebalance(widths, need, [n > w for n, w in zip(need, widths)])


def _columns(block: Columns, width: float, b: Briefing) -> list:
    from reportlab.platypus import Table as RTable
    from reportlab.platypus import TableStyle

    left_w = width * block.share
    left = _flow_all(block.left, left_w - block.gap, b)
    right = _flow_all(block.right, width - left_w, b)
    t = RTable([[left, right]], colWidths=[left_w, width - left_w])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (0, 0), block.gap), ("RIGHTPADDING", (1, 0), (1, 0), 0)]))
    return [t]


def _spacer(block: Spacer, width: float, b: Briefing) -> list:
    from reportlab.platypus import Spacer as RSpacer

    return [RSpacer(1, block.height)]


_FLOW = {Heading: _heading, Paragraphs: _paragraphs, Box: _box, Tiles: _tiles, Image: _image, Chart: _chart,
         Table: _table, Columns: _columns, Spacer: _spacer}
