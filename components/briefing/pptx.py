"""The briefing pack as a 16:9 PowerPoint deck: one slide per page of the content model, charts editable."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from components.briefing import images as img
from components.briefing.content import (
    BODY_PT,
    CAVEAT_FILL,
    CAVEAT_LINE,
    COMPARATOR_LINE,
    CONTENT_BOTTOM,
    CONTENT_TOP,
    CONTENT_W,
    FONT,
    INK,
    MARGIN,
    MISSING_STATS,
    MUTED,
    PER_YEAR_SERIES,
    REF_PT,
    SLIDE_H,
    SLIDE_W,
    SOURCE_PT,
    TABLE_PT,
    TITLE_PT,
    Briefing,
    Page,
    _safe_url,
    _value_runs,
)
from components.exports import neutralise_cell
from components.figures import style
from components.text import UNKNOWN


def _rgb(hex_colour: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_colour.lstrip("#").upper())






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


def render(b: Briefing) -> bytes:
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


def neutral_category(text: str) -> str:
    """A chart category as it goes into the deck's embedded workbook: never a formula."""
    return str(neutralise_cell(text))
