"""The briefing pack as a 16:9 PowerPoint deck: one slide per page of the content model, charts editable.

Each page is drawn from its layout blocks (``layout.blocks``), one function per block type, each block at its frame.
In Kazakh or Russian every run of text is tagged with its language (spelling and screen readers read it as such).
"""

from __future__ import annotations

import io

from components.briefing import layout
from components.briefing.content import (
    BODY_PT,
    CONTENT_W,
    FONT,
    MARGIN,
    SLIDE_H,
    SLIDE_W,
    SOURCE_PT,
    TABLE_PT,
    TITLE_PT,
    Briefing,
    _lines,
)
from components.briefing.layout import (
    Box,
    Chart,
    Columns,
    Frame,
    Heading,
    Image,
    Paragraphs,
    Run,
    Spacer,
    Table,
    Tiles,
)
from components.briefing.theme import INK, MUTED, WHITE
from components.exports import neutralise_cell
from components.figures import style

BIG_TITLE_PT = 40  # the title slide's
MIN_TITLE_PT = 28  # a page title longer than a line (another language's) is set smaller, down to this
GRID = "#E3E6EA"  # chart gridlines
LANGUAGE_TAGS = {"ru": "ru-RU", "kk": "kk-KZ"}  # the deck's text language (English keeps Office's default)
# The text estimate (content.CHAR_EM, 0.2 in of padding) runs about this much above what Arial really takes: a box is
# set to shrink only when even the real text would overflow it.
ESTIMATE_MARGIN = 1.08


def render(b: Briefing) -> bytes:
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    prs.core_properties.title = f"{b.title}: {b.filter_text}"
    prs.core_properties.subject = b.t("Briefing pack")
    tag = LANGUAGE_TAGS.get(b.t.lang, "")
    if tag:
        prs.core_properties.language = tag
    total = len(b.pages)
    for number, page in enumerate(b.pages, 1):
        slide = prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only": the title stays a real title placeholder
        for block in layout.blocks(page, b.t):
            _draw(slide, block, b)
        _footer(slide, page.source, number, total)
        if tag:
            _tag_language(slide, tag)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def _draw(slide, block: layout.Block, b: Briefing) -> None:
    _DRAW[type(block)](slide, block, b)


def _tag_language(slide, tag: str) -> None:
    """Every run of the slide (text boxes, shapes, tables) marked as text in the language ``tag`` ('ru-RU')."""
    from pptx.oxml.ns import qn

    for element in slide._element.iter(qn("a:rPr"), qn("a:endParaRPr")):
        element.set("lang", tag)


def title_size(title: str, big: bool = False) -> float:
    """The size of a page title: TITLE_PT, or as much smaller (not under MIN_TITLE_PT) as a title longer than the
    line needs to fit on it. The title page's keeps its size (its box takes two lines)."""
    if big:
        return BIG_TITLE_PT
    size = TITLE_PT
    while size > MIN_TITLE_PT and _lines(title, CONTENT_W, size) > 1:
        size -= 1
    return size


# ------------------------------------------------------------------------------------------------ text
def _rgb(hex_colour: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _runs(paragraph, runs: tuple[Run, ...], size: float) -> None:
    from pptx.util import Pt

    for spec in runs:
        run = paragraph.add_run()
        run.text = spec.text
        f = run.font
        f.name = FONT
        f.size = Pt(spec.size or size)
        f.bold = spec.bold
        f.italic = spec.italic
        f.color.rgb = _rgb(spec.color or INK)
        if spec.url:
            run.hyperlink.address = spec.url


def _shrink_to_fit(tf, block: Paragraphs, width: float, height: float) -> None:
    """A text that the estimate says is taller than its box (a longer language, a long list of notes) is set to
    shrink on overflow, at the scale the estimate gives: PowerPoint and LibreOffice draw it inside the box instead of
    over the source line. The runs keep their sizes (the scale is the box's)."""
    from lxml import etree
    from pptx.oxml.ns import qn

    need = layout.text_height(block.paras, width, block.size, block.space_after) / ESTIMATE_MARGIN
    if need <= height or need <= 0:
        return
    body = tf._txBody.bodyPr
    for tag in ("a:spAutoFit", "a:noAutofit", "a:normAutofit"):
        for child in body.findall(qn(tag)):
            body.remove(child)
    fit = etree.SubElement(body, qn("a:normAutofit"))
    fit.set("fontScale", str(max(50000, int(height / need * 100) * 1000)))
    fit.set("lnSpcReduction", "10000")


def _text_frame(tf, block: Paragraphs, anchor=None) -> None:
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Pt

    tf.word_wrap = True
    if anchor is not None:
        tf.vertical_anchor = anchor
    for i, runs in enumerate(block.paras):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        _runs(p, runs, block.size)
        p.space_after = Pt(block.space_after)
        p.alignment = PP_ALIGN.LEFT


def _textbox(slide, frame: Frame, block: Paragraphs, name: str):
    from pptx.util import Inches

    shape = slide.shapes.add_textbox(Inches(frame.x), Inches(frame.y), Inches(frame.w), Inches(frame.h))
    _text_frame(shape.text_frame, block)
    _shrink_to_fit(shape.text_frame, block, frame.w, frame.h - 0.1)  # a text box's insets: 0.1 in, 0.05 in
    if name:
        shape.name = name
    return shape


def _shape(slide, frame: Frame, box: Box, line_width: float = 1.5):
    """A rectangle with a fill or an outline (or both), holding the box's paragraphs."""
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.enum.text import MSO_ANCHOR
    from pptx.oxml.ns import qn
    from pptx.util import Inches, Pt

    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(frame.x), Inches(frame.y), Inches(frame.w),
                                   Inches(frame.h))
    theme_style = shape._element.find(qn("p:style"))  # the theme's look (shadow, white text) is not wanted
    if theme_style is not None:
        shape._element.remove(theme_style)
    if box.fill:
        shape.fill.solid()
        shape.fill.fore_color.rgb = _rgb(box.fill)
    else:
        shape.fill.background()
    if box.line:
        shape.line.color.rgb = _rgb(box.line)
        shape.line.width = Pt(line_width)
    else:
        shape.line.fill.background()
    tf = shape.text_frame
    for side in ("left", "right", "top", "bottom"):
        setattr(tf, f"margin_{side}", Inches(0.12))
    _text_frame(tf, box.content, MSO_ANCHOR.TOP)
    _shrink_to_fit(tf, box.content, frame.w - 0.04, frame.h - 0.24)  # the box's margins: 0.12 in
    if box.name:
        shape.name = box.name
    return shape


# ------------------------------------------------------------------------------------------------ page chrome
def _heading(slide, block: Heading, b: Briefing) -> None:
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Inches

    title = slide.shapes.title
    size = title_size(block.title, block.big)
    two_lines = block.big and _lines(block.title, CONTENT_W, size) > 1  # a longer title in another language
    top = 0.25 if two_lines else 0.6 if block.big else 0.25
    title.left, title.top, title.width = Inches(MARGIN), Inches(top), Inches(CONTENT_W)
    title.height = Inches(1.45 if two_lines else 1.0 if block.big else 0.85)
    tf = title.text_frame
    tf.clear()
    tf.word_wrap = True
    tf.vertical_anchor = MSO_ANCHOR.BOTTOM
    p = tf.paragraphs[0]
    p.alignment = PP_ALIGN.LEFT
    _runs(p, (Run(block.title, bold=True),), size)
    if block.subtitle:
        _textbox(slide, Frame(MARGIN, 1.1, CONTENT_W, 0.4),
                 Paragraphs((layout.para(block.subtitle, color=MUTED),), TABLE_PT), "Subtitle")


def _footer(slide, source: str, number: int, total: int) -> None:
    from pptx.enum.text import PP_ALIGN

    _textbox(slide, Frame(MARGIN, 6.85, CONTENT_W - 1.0, 0.6),
             Paragraphs((layout.para(source, color=MUTED),), SOURCE_PT, 0), "Source line")
    box = _textbox(slide, Frame(SLIDE_W - MARGIN - 0.95, 6.85, 0.95, 0.4),
                   Paragraphs((layout.para(f"{number} / {total}", color=MUTED),), SOURCE_PT, 0), "Slide number")
    box.text_frame.paragraphs[0].alignment = PP_ALIGN.RIGHT


# ------------------------------------------------------------------------------------------------ blocks
def _paragraphs(slide, block: Paragraphs, b: Briefing) -> None:
    _textbox(slide, block.frame, block, block.name)


def _box(slide, block: Box, b: Briefing) -> None:
    _shape(slide, block.frame, block)


def _tiles(slide, block: Tiles, b: Briefing) -> None:
    f, n = block.frame, len(block.tiles)
    w = (f.w - block.gap * (n - 1)) / n
    for i, tile in enumerate(block.tiles):
        _shape(slide, Frame(f.x + i * (w + block.gap), f.y, w, f.h), tile, line_width=1.0)


def _image(slide, block: Image, b: Briefing) -> None:
    from pptx.util import Inches

    f = block.frame
    pic = slide.shapes.add_picture(io.BytesIO(b.images[block.key]), Inches(f.x), Inches(f.y), width=Inches(f.w))
    pic.name = block.name
    pic._element.nvPicPr.cNvPr.set("descr", block.alt)  # alternative text for screen readers


def _table(slide, block: Table, b: Briefing) -> None:
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches

    f = block.frame
    n_rows = len(block.rows) + 1
    shape = slide.shapes.add_table(n_rows, len(block.columns), Inches(f.x), Inches(f.y), Inches(f.w), Inches(f.h))
    shape.name = block.name
    table = shape.table
    for i, w in enumerate(block.widths):
        table.columns[i].width = Inches(w)
    for r in range(n_rows):
        table.rows[r].height = Inches(0.36)
    header = tuple(Run(c, bold=True, color=WHITE) for c in block.columns)
    for r, runs in enumerate((header, *block.rows)):
        for c, run in enumerate(runs):
            cell = table.cell(r, c)
            cell.margin_left = cell.margin_right = Inches(0.06)
            cell.margin_top = cell.margin_bottom = Inches(0.04)
            tf = cell.text_frame
            tf.word_wrap = True
            p = tf.paragraphs[0]
            _runs(p, (run,), block.size)
            if c in block.centre:
                p.alignment = PP_ALIGN.CENTER


def _chart(slide, block: Chart, b: Briefing) -> None:
    if block.instead is not None:
        _paragraphs(slide, block.instead, b)
    else:
        _CHARTS[block.kind](slide, block)


def _columns(slide, block: Columns, b: Briefing) -> None:
    for child in (*block.left, *block.right):
        _draw(slide, child, b)


def _nothing(slide, block: Spacer, b: Briefing) -> None:
    """The slide places its blocks by their frames: a handout's spacer takes no room here."""


_DRAW = {Heading: _heading, Paragraphs: _paragraphs, Box: _box, Tiles: _tiles, Image: _image, Table: _table,
         Chart: _chart, Columns: _columns, Spacer: _nothing}


# ------------------------------------------------------------------------------------------------ editable charts
def _add_chart(slide, block: Chart, chart_type, number_format: str):
    """The chart frame with its data (categories neutralised: the deck embeds them in a workbook)."""
    from pptx.chart.data import CategoryChartData
    from pptx.util import Inches, Pt

    cd = CategoryChartData(number_format=number_format)
    cd.categories = [neutral_category(c) for c in block.categories]
    for name, values in block.series:
        cd.add_series(name, list(values))
    f = block.frame
    frame = slide.shapes.add_chart(chart_type, Inches(f.x), Inches(f.y), Inches(f.w), Inches(f.h), cd)
    frame.name = block.name
    chart = frame.chart
    chart.font.name = FONT
    chart.font.size = Pt(TABLE_PT)
    chart.font.color.rgb = _rgb(INK)
    chart.has_title = False
    return chart


def _solid(fill, colour: str) -> None:
    fill.solid()
    fill.fore_color.rgb = _rgb(colour)


def _hatched(fill, fore: str, back: str) -> None:
    from pptx.enum.dml import MSO_PATTERN

    fill.patterned()
    fill.pattern = MSO_PATTERN.WIDE_UPWARD_DIAGONAL
    fill.fore_color.rgb = _rgb(fore)
    fill.back_color.rgb = _rgb(back)


def _value_axis(chart, tick_pt: float, number_format: str = "") -> None:
    from pptx.util import Pt

    va = chart.value_axis
    if number_format:
        va.tick_labels.number_format = number_format
        va.tick_labels.number_format_is_linked = False
    va.has_major_gridlines = True
    va.major_gridlines.format.line.color.rgb = _rgb(GRID)
    va.tick_labels.font.size = Pt(tick_pt)


def _bar_labels(plot, number_format: str) -> None:
    """Bold figures at the end of the bars."""
    from pptx.enum.chart import XL_LABEL_POSITION
    from pptx.util import Pt

    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = number_format
    labels.number_format_is_linked = False
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    labels.font.size = Pt(BODY_PT)
    labels.font.bold = True


def _per_year_chart(slide, block: Chart) -> None:
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
    from pptx.util import Pt

    chart = _add_chart(slide, block, XL_CHART_TYPE.COLUMN_CLUSTERED, "0")
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.TOP
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(TABLE_PT)
    plot = chart.plots[0]
    plot.gap_width = 45
    plot.overlap = 0
    incidents, known, unknown = plot.series
    _solid(incidents.format.fill, style.OKABE_ITO["blue"])
    _solid(known.format.fill, style.OKABE_ITO["vermillion"])
    _hatched(unknown.format.fill, "#555555", "#D9D9D9")  # incidents with no victim figure: never a red bar of 0
    unknown.format.line.color.rgb = _rgb("#555555")
    many = len(block.categories) > 13
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = "0;-0;;"  # zeros carry no label
    labels.number_format_is_linked = False
    labels.font.size = Pt(11 if many else TABLE_PT)
    _value_axis(chart, TABLE_PT)
    chart.category_axis.tick_labels.font.size = Pt(12 if many else TABLE_PT)
    if many:
        _tick_label_skip(chart, 2)


def _tick_label_skip(chart, every: int) -> None:
    from lxml import etree

    cat_ax = chart.category_axis._element
    ns = cat_ax.nsmap.get("c") or "http://schemas.openxmlformats.org/drawingml/2006/chart"
    skip = etree.SubElement(cat_ax, f"{{{ns}}}tickLblSkip")
    skip.set("val", str(every))
    following = cat_ax.find(f"{{{ns}}}noMultiLvlLbl")
    if following is not None:
        following.addprevious(skip)


def _age_chart(slide, block: Chart) -> None:
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.util import Pt

    chart = _add_chart(slide, block, XL_CHART_TYPE.BAR_CLUSTERED, '0"%"')
    chart.has_legend = False
    plot = chart.plots[0]
    plot.gap_width = 60
    series = plot.series[0]
    _solid(series.format.fill, style.OKABE_ITO["blue"])
    total = len(block.categories) - 1  # the reported total, last: hatched, outlined, set apart from the bands
    if block.series[0][1][total] is not None:
        point = series.points[total]
        _hatched(point.format.fill, style.OKABE_ITO["orange"], "#FFFFFF")
        point.format.line.color.rgb = _rgb(style.OKABE_ITO["orange"])
        point.format.line.width = Pt(2.5)
    _bar_labels(plot, '0"%"')
    chart.category_axis.reverse_order = True
    chart.category_axis.tick_labels.font.size = Pt(TABLE_PT)
    va = chart.value_axis
    va.minimum_scale, va.maximum_scale, va.major_unit = 0, 100, 20
    _value_axis(chart, TABLE_PT, '0"%"')


def _prosecution_chart(slide, block: Chart) -> None:
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.util import Pt

    chart = _add_chart(slide, block, XL_CHART_TYPE.BAR_CLUSTERED, "#,##0")
    chart.has_legend = False
    plot = chart.plots[0]
    plot.gap_width = 50
    series = plot.series[0]
    _solid(series.format.fill, style.OKABE_ITO["blue"])
    _bar_labels(plot, "#,##0")
    for i, text in enumerate(block.labels):
        if text:
            series.points[i].data_label.text_frame.text = text
    chart.category_axis.reverse_order = True
    chart.category_axis.tick_labels.font.size = Pt(TABLE_PT)
    values = block.series[0][1]
    va = chart.value_axis
    va.minimum_scale = 0
    va.maximum_scale = max(list(values) or [1]) * 1.25
    _value_axis(chart, 12)


_CHARTS = {"per_year": _per_year_chart, "age": _age_chart, "prosecution": _prosecution_chart}


def neutral_category(text: str) -> str:
    """A chart category as it goes into the deck's embedded workbook: never a formula."""
    return str(neutralise_cell(text))
