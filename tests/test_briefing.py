"""The briefing-pack export (components/briefing/content.py), checked as a reader would: open the .pptx with python-pptx,
render the PDF pages with poppler's pdftoppm and look at what they say and show. No timing here (scripts/bench_export.py
measures speed)."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation
from pptx.util import Emu

from components import briefing
from components.briefing import content, layout, theme
from components.figures import statistics as sc
from components.filters import Filters
from components.pack.schema import split_ids
from components.views import summary

TODAY = date(2025, 3, 14)
URL = "http://localhost:8501/?region=Jambyl+Region&years=2011&years=2016"
FILTERS = {
    "default": Filters(),
    "jambyl": Filters(regions=("Jambyl Region",), years=(2011, 2016)),
    "official": Filters(classifications=("officially terrorism",)),
    "nothing": Filters(classifications=()),  # no classification chosen: nothing can match
}
NON_EMPTY = ("default", "jambyl", "official")


# ------------------------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def built(pack):
    """For each filter set: the content model, the deck (opened) and the PDF bytes."""
    out = {}
    for name, f in FILTERS.items():
        b = briefing.briefing_content(pack, f, TODAY, URL)
        files = briefing.build_pack(pack, f, TODAY, URL)
        out[name] = {"model": b, "pptx": files["pptx"], "pdf": files["pdf"],
                     "deck": Presentation(io.BytesIO(files["pptx"]))}
    return out


def slide_title(slide) -> str:
    return slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""


def slide_text(slide) -> str:
    """All the text a reader sees on a slide: text boxes, shapes and table cells."""
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            for row in shape.table.rows:
                parts.extend(cell.text_frame.text for cell in row.cells)
    return "\n".join(parts)


def slides_titled(deck, prefix: str) -> list:
    return [s for s in deck.slides if slide_title(s).startswith(prefix)]


def shape_named(slide, name: str):
    return next((s for s in slide.shapes if s.name == name), None)


def chart_on(slide):
    charts = [s.chart for s in slide.shapes if s.has_chart]
    assert len(charts) == 1, f"expected one chart on '{slide_title(slide)}'"
    return charts[0]


def table_rows(slide) -> tuple[list[str], list[list[str]]]:
    table = next(s.table for s in slide.shapes if s.has_table)
    rows = [[c.text_frame.text for c in r.cells] for r in table.rows]
    return rows[0], rows[1:]


def included(pack, f: Filters) -> dict[str, pd.DataFrame]:
    """The rows the pack is about, computed here independently of the module under test."""
    t = pack.tables
    lo, hi = f.years
    return {
        "events": f.apply(t["events"]),
        "policies": t["policies"][t["policies"]["date"].dt.year.between(lo, hi)],
        "statistics": t["statistics"][t["statistics"]["stat_id"].isin(sc.AGE_IDS + sc.PROSECUTION_IDS
                                                                      + sc.FIGHTERS_IDS)],
    }


def pdf_pages(pdf: bytes, tmp_path: Path, dpi: int = 40) -> list[Path]:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed; `make test` installs it")
    src = tmp_path / "pack.pdf"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(src), str(tmp_path / "page")], check=True)
    return sorted(tmp_path.glob("page-*.png"))


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    src = tmp_path / "text.pdf"
    src.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(src), "-"], check=True, capture_output=True,
                          text=True).stdout


# ------------------------------------------------------------------------------------------------ structure
EXPECTED_ORDER = [
    "Terrorism and counter-terrorism in Kazakhstan",
    "Headline figures",
    "Incidents and victims per year",
    "Policy milestones",
    "Map of incidents",
    "Policy timeline",
    "Statistics: perpetrators' ages",
    "Statistics: prosecution and prevention",
    "Statistics: foreign fighters",
    "Incidents in this view",
    "Where sources disagree",
    "Sources cited",
    "Licences and how to cite",
]


def _sections(titles: list[str]) -> list[str]:
    """Titles without their year span and page numbering, consecutive repeats collapsed."""
    out: list[str] = []
    for t in titles:
        t = re.sub(r" \(\d+ of \d+\)$", "", t)
        t = re.sub(r", \d{4}(\u2013\d{4})?$", "", t)
        if not out or out[-1] != t:
            out.append(t)
    return out


@pytest.mark.parametrize("name", NON_EMPTY)
def test_slide_titles_in_order(built, name):
    deck, model = built[name]["deck"], built[name]["model"]
    titles = [slide_title(s) for s in deck.slides]
    assert titles == model.titles()
    assert _sections(titles) == EXPECTED_ORDER
    lo, hi = FILTERS[name].years
    assert f"Policy timeline, {lo}\u2013{hi}" in titles
    # Paginated lists say which page of how many they are.
    for prefix in ("Policy milestones", "Incidents in this view", "Sources cited"):
        group = [t for t in titles if t.startswith(prefix)]
        if len(group) > 1:
            assert all(t.endswith(f"({i} of {len(group)})") for i, t in enumerate(group, 1)), group


def test_slides_are_16_9_and_legible(built):
    deck = built["default"]["deck"]
    assert deck.slide_width / deck.slide_height == pytest.approx(16 / 9, rel=0.01)
    for slide in deck.slides:
        for shape in slide.shapes:
            frames = [shape.text_frame] if shape.has_text_frame else []
            if shape.has_table:
                frames += [c.text_frame for r in shape.table.rows for c in r.cells]
            for tf in frames:
                for p in tf.paragraphs:
                    for run in p.runs:
                        if not run.text.strip():
                            continue
                        size = run.font.size.pt
                        if shape == slide.shapes.title:
                            assert size >= 28, (slide_title(slide), run.text)
                        elif shape.name in ("Source line", "Sources"):  # references: read after, not projected
                            assert size >= 12, (slide_title(slide), shape.name, run.text, size)
                        elif shape.name != "Slide number":
                            assert size >= 14, (slide_title(slide), shape.name, run.text, size)


@pytest.mark.parametrize("name", list(FILTERS))
def test_every_slide_has_a_source_line(built, name):
    for slide in built[name]["deck"].slides:
        line = shape_named(slide, "Source line")
        assert line is not None, slide_title(slide)
        text = line.text_frame.text
        assert text.startswith("Source: ") and len(text) > 20, (slide_title(slide), text)
        # at the bottom of the slide, below everything else
        assert line.top > Emu(built[name]["deck"].slide_height * 0.85)


def test_title_slide_states_the_view(built, pack):
    first = built["jambyl"]["deck"].slides[0]
    text = slide_text(first)
    assert "Jambyl Region, 2011-2016: 1 incident" in text
    assert "Exported 14 March 2025" in text
    assert pack.metadata["citation"] in text
    assert URL in text


# ------------------------------------------------------------------------------------------------ figures
@pytest.mark.parametrize("name", NON_EMPTY)
def test_headline_counts_unknowns_apart(built, pack, name):
    events = FILTERS[name].apply(pack.tables["events"])
    slide = slides_titled(built[name]["deck"], "Headline figures")[0]
    text = slide_text(slide)
    for fig in summary.headline(events).values():
        assert fig.value_text in text
        if fig.unknown_text:
            assert fig.unknown_text in text
    disputed = summary.disputed_count(events)
    if disputed and len(events) > 1:
        assert f"Sources disagree on {disputed} of these {len(events)} incidents" in text
    elif disputed:
        assert "The sources disagree on this incident" in text


@pytest.mark.parametrize("name", NON_EMPTY)
def test_per_year_chart_data_equals_summary(built, pack, name):
    f = FILTERS[name]
    expected = summary.per_year(f.apply(pack.tables["events"]), f.years)
    chart = chart_on(slides_titled(built[name]["deck"], "Incidents and victims per year")[0])
    plot = chart.plots[0]
    assert list(plot.categories) == [str(y) for y in expected["year"]]
    series = {s.name: list(s.values) for s in plot.series}
    assert series["Incidents"] == [float(v) for v in expected["incidents"]]
    assert series["Victims killed (known figures)"] == [float(v) for v in expected["killed_known"]]
    assert series["Incidents with no victim figure"] == [float(v) for v in expected["killed_unknown"]]


def test_age_chart_is_as_reported_with_the_caveat_beside_it(built, pack):
    slide = slides_titled(built["default"]["deck"], "Statistics: perpetrators' ages")[0]
    plot = chart_on(slide).plots[0]
    categories = list(plot.categories)
    values = list(plot.series[0].values)
    rows = sc.rows_by_id(pack.tables["statistics"], sc.AGE_IDS)
    bands = [v for c, v in zip(categories, values) if "total" not in c and v is not None]
    assert bands == [rows[sc.AGE_UNDER_20]["value"], rows[sc.AGE_30_39]["value"]]
    total = [v for c, v in zip(categories, values) if "reported total" in c]
    assert total == [rows[sc.AGE_UNDER_40]["value"]]
    missing = [v for c, v in zip(categories, values) if "20\u201329" in c]
    assert missing == [None]  # the 20-29 band is not reported: no bar, no number
    caveat = shape_named(slide, "Caveat").text_frame.text
    assert "do not add up" in caveat
    rows = sc.rows_by_id(pack.tables["statistics"], sc.AGE_IDS)
    written = next(r["caveat"] for r in rows.values() if isinstance(r.get("caveat"), str))
    assert written.split(".")[0] in caveat
    assert "0%" in caveat
    assert re.search(r"20.29", caveat)


def test_prosecution_chart_labels_carry_their_periods(built, pack):
    slide = slides_titled(built["default"]["deck"], "Statistics: prosecution and prevention")[0]
    plot = chart_on(slide).plots[0]
    stats = sc.rows_by_id(pack.tables["statistics"], sc.PROSECUTION_IDS)
    assert list(plot.series[0].values) == [float(stats[i]["value"]) for i in sc.PROSECUTION_IDS]
    assert all("period:" in c for c in plot.categories)
    assert "periods differ" in shape_named(slide, "Caveat").text_frame.text


def test_foreign_fighters_range_and_comparators_apart(built):
    slide = slides_titled(built["default"]["deck"], "Statistics: foreign fighters")[0]
    rng = shape_named(slide, "Range").text_frame.text
    comps = shape_named(slide, "Comparators").text_frame.text
    assert "200\u2013400" in rng and "range" in rng
    assert "not from the five source documents" in comps
    assert "400" in comps and "350" in comps
    assert "200\u2013400" not in comps


@pytest.mark.parametrize("name", NON_EMPTY)
def test_map_slide_has_the_odbl_attribution(built, pack, name):
    slide = slides_titled(built[name]["deck"], "Map of incidents")[0]
    attribution = pack.metadata["boundaries"]["attribution"]
    assert attribution in shape_named(slide, "Attribution").text_frame.text
    assert "ODbL" in slide_text(slide)
    assert any(s.shape_type == 13 for s in slide.shapes)  # the map picture


# ------------------------------------------------------------------------------------------------ incident list
@pytest.mark.parametrize("name", NON_EMPTY)
def test_incident_list_says_unknown_never_zero(built, pack, name):
    events = FILTERS[name].apply(pack.tables["events"]).sort_values(["date", "event_id"], kind="stable")
    rows: list[list[str]] = []
    for slide in slides_titled(built[name]["deck"], "Incidents in this view"):
        header, body = table_rows(slide)
        assert header == ["Date", "Place", "Region", "Type", "Killed", "Injured", "Classification", "Sources"]
        rows += body
    assert len(rows) == len(events)
    for row, ev in zip(rows, events.to_dict("records")):
        assert row[1] == ev["place"] and row[2] == ev["region"] and row[6] == ev["classification"]
        for cell, col in ((row[4], "killed"), (row[5], "injured")):
            if pd.isna(ev[col]):
                assert cell == "unknown", (ev["event_id"], col, cell)
            else:
                assert cell == str(int(ev[col]))


def test_incident_list_has_unknowns_to_show(pack):
    """The default view does include unknown casualties, so the test above is not vacuous."""
    events = pack.tables["events"]
    assert events["killed"].isna().any() and events["injured"].isna().any()


# ------------------------------------------------------------------------------------------------ sources
def _reference_list(deck) -> dict[int, str]:
    """{number: text of the entry} from the 'Sources cited' slides."""
    out = {}
    for slide in slides_titled(deck, "Sources cited"):
        for p in shape_named(slide, "Sources").text_frame.paragraphs:
            m = re.match(r"\[(\d+)\] ", p.text)
            assert m, p.text
            out[int(m.group(1))] = p.text
    return out


@pytest.mark.parametrize("name", NON_EMPTY)
def test_sources_slides_list_every_cited_source(built, pack, name):
    sources = pack.sources_by_id()
    refs = _reference_list(built[name]["deck"])
    text = "\n".join(refs.values())
    cited = set()
    for frame in included(pack, FILTERS[name]).values():
        for cell in frame["source_ids"]:
            cited.update(split_ids(cell))
    assert cited
    for sid in sorted(cited):
        assert f"{sid}: " in text, sid
        assert sources[sid]["title"] in text, sid
    assert sorted(refs) == list(range(1, len(refs) + 1))  # numbered without gaps


def test_incident_source_numbers_point_to_the_incident_sources(built, pack):
    deck = built["default"]["deck"]
    number_to_id = {n: re.match(r"\[\d+\] ([^:]+): ", t).group(1) for n, t in _reference_list(deck).items()}
    events = pack.tables["events"].sort_values(["date", "event_id"], kind="stable")
    rows = [r for s in slides_titled(deck, "Incidents in this view") for r in table_rows(s)[1]]
    for row, ev in zip(rows, events.to_dict("records")):
        numbers = [int(n) for n in re.findall(r"\d+", row[7])]
        assert {number_to_id[n] for n in numbers} == set(split_ids(ev["source_ids"])), ev["event_id"]


def test_licences_slide(built, pack):
    slide = slides_titled(built["default"]["deck"], "Licences and how to cite")[0]
    text = slide_text(slide)
    assert "CC BY 4.0" in text
    assert pack.metadata["boundaries"]["attribution"] in text and "ODbL" in text
    assert pack.metadata["citation"] in text


# ------------------------------------------------------------------------------------------------ PDF
@pytest.mark.parametrize("name", list(FILTERS))
def test_pdf_pages_match_the_model_and_none_is_blank(built, name, tmp_path):
    pdf = built[name]["pdf"]
    assert pdf.startswith(b"%PDF")
    pages = pdf_pages(pdf, tmp_path)
    assert len(pages) == built[name]["model"].page_count
    for page in pages:
        pixels = np.asarray(Image.open(page).convert("L"))
        ink = float((pixels < 245).mean())
        assert ink > 0.03, f"{page.name} looks blank ({ink:.1%} non-white)"
        h, w = pixels.shape
        assert w > h  # A4 landscape


def test_pdf_says_what_the_deck_says(built, tmp_path):
    text = " ".join(pdf_text(built["default"]["pdf"], tmp_path).split())  # lines wrap differently in the PDF
    for title in ("Headline figures", "Map of incidents", "Statistics: perpetrators' ages", "Sources cited",
                  "Licences and how to cite"):
        assert title in text
    assert "do not add up" in text
    assert "unknown" in text


# ------------------------------------------------------------------------------------------------ empty view
def test_empty_filter_gives_a_short_valid_pack(built, tmp_path):
    deck = built["nothing"]["deck"]
    titles = [slide_title(s) for s in deck.slides]
    assert titles == ["Terrorism and counter-terrorism in Kazakhstan", "No incident matches these filters",
                      "Licences and how to cite"]
    assert "No incident matches these filters" in slide_text(deck.slides[1])
    assert len(pdf_pages(built["nothing"]["pdf"], tmp_path)) == 3
    assert "No incident matches" in pdf_text(built["nothing"]["pdf"], tmp_path)


def test_nothing_in_years_without_incidents(pack):
    """Another empty view (years with no incident): still no error."""
    f = Filters(years=(1991, 1992))
    assert f.apply(pack.tables["events"]).empty
    files = briefing.build_pack(pack, f, TODAY)
    assert len(Presentation(io.BytesIO(files["pptx"])).slides) == 3
    assert files["pdf"].startswith(b"%PDF")


# ------------------------------------------------------------------------------------------------ data is data
HOSTILE_PLACE = "=HYPERLINK(\"http://evil\")<b>$x^2$</b> & <font size=99>Co</font>\x07\x0b"
HOSTILE_METRIC = "=cmd|' /C calc'!A0"


def test_text_from_the_data_stays_text(pack, tmp_path):
    events = pack.tables["events"].copy()
    i = events.index[events["event_id"] == "ev-2011-11-12-taraz"][0]
    events.loc[i, "place"] = HOSTILE_PLACE
    stats = pack.tables["statistics"].copy()
    stats.loc[stats["stat_id"] == sc.PROSECUTION_IDS[0], "metric"] = HOSTILE_METRIC
    hostile = dataclasses.replace(pack, tables={**pack.tables, "events": events, "statistics": stats})
    f = FILTERS["jambyl"]
    files = briefing.build_pack(hostile, f, TODAY)
    deck = Presentation(io.BytesIO(files["pptx"]))
    shown = "\n".join(slide_text(s) for s in slides_titled(deck, "Incidents in this view"))
    assert "=HYPERLINK(\"http://evil\")<b>$x^2$</b> & <font size=99>Co</font>" in shown  # literally, minus controls
    assert "\x07" not in shown
    # The chart's embedded workbook holds the metric as text, never as a formula.
    chart = chart_on(slides_titled(deck, "Statistics: prosecution and prevention")[0])
    with zipfile.ZipFile(io.BytesIO(chart.part.chart_workbook.xlsx_part.blob)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
        strings = zf.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in zf.namelist() else ""
    assert "<f>" not in sheet
    assert "'=cmd" in strings
    text = re.sub(r"\s+", "", pdf_text(files["pdf"], tmp_path))  # the table cell wraps the text: ignore spacing
    assert re.sub(r"\s+", "", HOSTILE_PLACE[:-2]) in text


def test_a_broken_pack_still_exports_and_says_what_is_missing(pack, tmp_path):
    """Statistics, phases and sources tables not loaded, no boundaries, three incidents without coordinates: the
    pack is still built, and says what is missing instead of drawing it."""
    t = dict(pack.tables)
    for name in ("statistics", "phases", "sources"):
        t[name] = t[name].iloc[0:0]
    events = t["events"].copy()
    events.loc[events.index[:3], "latitude"] = float("nan")
    t["events"] = events
    broken = dataclasses.replace(pack, tables=t, boundaries=None)
    files = briefing.build_pack(broken, Filters(), TODAY)
    deck = Presentation(io.BytesIO(files["pptx"]))
    text = {slide_title(s): slide_text(s) for s in deck.slides}
    assert "could not be loaded" in text["Map of incidents"]
    assert "Not on the map (no coordinates)" in text["Map of incidents"]
    assert "not in the data pack" in text["Statistics: perpetrators' ages"]
    assert "not in the data pack" in text["Statistics: prosecution and prevention"]
    assert "not in the sources table" in "\n".join(v for k, v in text.items() if k.startswith("Sources cited"))
    for slide in deck.slides:
        assert shape_named(slide, "Source line").text_frame.text.strip() != "Source:"
    pages = pdf_pages(files["pdf"], tmp_path)
    assert len(pages) == len(deck.slides)


# ------------------------------------------------------------------------------------------------ layout
ALL_KINDS = {"title", "empty", "headline", "per_year", "milestones", "map", "timeline", "age", "prosecution",
             "fighters", "incidents", "disagreements", "sources", "licences"}


def _walk(blocks):
    """Every block, those inside columns included."""
    for block in blocks:
        if isinstance(block, layout.Columns):
            yield from _walk(block.left + block.right)
        else:
            yield block


def _texts(blocks) -> list[str]:
    """The text of every run the reader is meant to see (chart data is in the chart, not counted here)."""
    out = []
    for block in _walk(blocks):
        if isinstance(block, layout.Heading):
            out += [block.title, block.subtitle]
        paragraphs = {layout.Paragraphs: lambda b: [b], layout.Box: lambda b: [b.content],
                      layout.Tiles: lambda b: [t.content for t in b.tiles]}.get(type(block), lambda b: [])(block)
        out += [r.text for p in paragraphs for para in p.paras for r in para]
        if isinstance(block, layout.Table):
            out += list(block.columns) + [r.text for row in block.rows for r in row]
    return [t for t in out if t.strip()]


def test_every_page_kind_is_laid_out(built):
    pages = [p for name in FILTERS for p in built[name]["model"].pages]
    assert {p.kind for p in pages} == ALL_KINDS  # the filter sets above reach every kind of page
    for page in pages:
        blocks = layout.blocks(page)
        assert blocks[0] == layout.Heading(page.title, page.subtitle, big=page.kind == "title")
        assert len(blocks) > 1, page.kind


@pytest.mark.parametrize("name", ["default", "nothing"])
def test_every_slide_shows_the_text_of_its_blocks(built, name):
    """The deck draws every block: no block type is skipped by the renderer."""
    for page, slide in zip(built[name]["model"].pages, built[name]["deck"].slides):
        shown = slide_text(slide) + "\n" + slide_title(slide)
        missing = [t for t in _texts(layout.blocks(page)) if t not in shown]
        assert not missing, (page.title, missing[:3])


def test_every_pdf_page_shows_the_text_of_its_blocks(built, tmp_path):
    """The handout draws the same blocks: the text of each is on its page (spacing aside, as lines wrap)."""
    pages = pdf_text(built["default"]["pdf"], tmp_path).split("\f")
    for page, text in zip(built["default"]["model"].pages, pages):
        shown = re.sub(r"\s+", "", text)
        missing = [t for t in _texts(layout.blocks(page)) if re.sub(r"\s+", "", t) not in shown]
        assert not missing, (page.title, missing[:3])


def test_table_blocks_hold_the_rows_of_their_page(built):
    pages = [p for p in built["default"]["model"].pages if p.kind in ("incidents", "milestones", "disagreements")]
    assert {p.kind for p in pages} == {"incidents", "milestones", "disagreements"}
    unknowns = 0
    for page in pages:
        (table,) = [b for b in layout.blocks(page) if isinstance(b, layout.Table)]
        assert [[r.text for r in row] for row in table.rows] == [list(r) for r in page.body["rows"]]
        assert table.columns == tuple(page.body["columns"])
        for row in table.rows:
            for run in row:
                assert run.italic == (run.text == "unknown")  # set apart, never to be read as a zero
                unknowns += run.text == "unknown"
        if page.kind == "incidents":
            assert [table.columns[i] for i in table.centre] == ["Killed", "Injured"]
    assert unknowns


def test_caveats_sit_beside_their_charts(built):
    for kind in ("age", "prosecution"):
        page = next(p for p in built["default"]["model"].pages if p.kind == kind)
        (columns,) = [b for b in layout.blocks(page) if isinstance(b, layout.Columns)]
        assert isinstance(columns.left[0], layout.Chart) and columns.left[0].instead is None
        caveat = columns.right[0]
        assert isinstance(caveat, layout.Box) and caveat.name == "Caveat"
        assert caveat.fill == theme.CAVEAT_FILL
        assert caveat.frame.x >= columns.left[0].frame.x + 6  # to the right of the chart on the slide


def test_blocks_stay_between_the_title_and_the_source_line(built):
    for page in built["default"]["model"].pages:
        for block in _walk(layout.blocks(page)):
            frame = getattr(block, "frame", None)
            if frame is None:
                continue
            assert frame.x >= 0.3 and frame.x + frame.w <= content.SLIDE_W - 0.3, (page.title, block)
            top = 1.4 if page.subtitle else 1.1  # below the subtitle's line, or the title's box
            # 6.95: the timeline's one-line note box overhangs the source line's box (6.85) a little; its text ends
            # above the source line
            assert frame.y >= top and frame.y + frame.h <= 6.95, (page.title, block)


def test_a_headline_figure_keeps_its_qualifier_legibly():
    small, big = layout.value_runs("at least 45")
    assert (small.text, big.text) == ("at least ", "45") and small.size < big.size
    (word,) = layout.value_runs("unknown")
    assert word.size < layout.value_runs("45")[0].size  # a word, set smaller so that it fits the tile


def _prosecution_page(rows) -> content.Page:
    return content.Page("prosecution", "Statistics: prosecution and prevention", "Source: a test", "",
                        {"rows": rows, "caveat_title": "The periods differ", "caveats": ["Each bar: its period."]})


def test_a_qualified_bar_keeps_its_qualifier_in_the_deck():
    rows = [{"label": "Plots prevented", "period": "2014", "value": 2.0, "qualifier": "at least",
             "value_text": "at least 2 plots"},
            {"label": "Convictions", "period": "2015", "value": 40.0, "qualifier": "exact", "value_text": "40"}]
    page = _prosecution_page(rows)
    (chart,) = [b for b in _walk(layout.blocks(page)) if isinstance(b, layout.Chart)]
    assert chart.labels == ("at least 2 plots", "")
    b = content.Briefing("t", "view", TODAY, "", "", [page], {}, [], False)
    deck = Presentation(io.BytesIO(briefing.pptx.render(b)))
    points = chart_on(deck.slides[0]).plots[0].series[0].points
    assert points[0].data_label.text_frame.text == "at least 2 plots"
    assert not points[1].data_label.has_text_frame  # the plain number stays the chart's own label


def test_a_chart_without_data_says_so_in_the_deck():
    page = _prosecution_page([])
    b = content.Briefing("t", "view", TODAY, "", "", [page], {}, [], False)
    slide = Presentation(io.BytesIO(briefing.pptx.render(b))).slides[0]
    assert not any(s.has_chart for s in slide.shapes)
    assert "not in the data pack" in shape_named(slide, "Missing").text_frame.text
