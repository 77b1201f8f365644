"""The Statistics builders draw the figures exactly as the table states them, never invent the 20-29 age share,
keep comparators apart, and escape data text in hover labels."""

from __future__ import annotations

import html

import pandas as pd
import pytest

from components.figures import statistics as sc


@pytest.fixture(scope="module")
def stats(pack) -> pd.DataFrame:
    return pack.tables["statistics"]


@pytest.fixture(scope="module")
def sources(pack) -> dict:
    return pack.sources_by_id()


def _value(stats: pd.DataFrame, stat_id: str, column: str = "value") -> float:
    return stats.loc[stats["stat_id"] == stat_id, column].item()


def _points(fig, stat_id: str) -> list[tuple[object, object]]:
    """(x, y) of every drawn point that carries this stat id."""
    out = []
    for trace in fig.data:
        for x, y, cd in zip(trace.x, trace.y, trace.customdata if trace.customdata is not None else []):
            if cd == stat_id:
                out.append((x, y))
    return out


def _with(stats: pd.DataFrame, stat_id: str, **changes) -> pd.DataFrame:
    df = stats.copy()
    for col, val in changes.items():
        df.loc[df["stat_id"] == stat_id, col] = val
    return df


# ------------------------------------------------------------------ age
def test_age_chart_draws_the_reported_shares_exactly(stats, sources):
    fig = sc.make_age_figure(stats, sources)
    expected = {sc.AGE_UNDER_20: 55, sc.AGE_30_39: 35, sc.AGE_UNDER_40: 90}
    for stat_id, number in expected.items():
        assert _value(stats, stat_id) == number  # the table says so ...
        points = _points(fig, stat_id)
        assert points, stat_id
        assert {x for x, _ in points} == {number}  # ... and the chart draws exactly that
    # the total is its own bar, visibly different (hatched, outlined) from the bands
    total = next(t for t in fig.data if t.meta == "age-total")
    assert list(total.x) == [90] and total.marker.pattern.shape == "/"


def test_age_chart_has_no_20_29_bar_and_says_not_reported(stats, sources):
    fig = sc.make_age_figure(stats, sources)
    for trace in fig.data:
        assert sc.AGE_ROW_2029 not in list(trace.y), "no bar may be drawn for the unreported 20-29 band"
        assert not any("20" in str(y) and "29" in str(y) for y in trace.y)
    notes = [a.text for a in fig.layout.annotations if a.y == sc.AGE_ROW_2029]
    assert notes and "not reported" in notes[0]
    # the band's row is still on the axis, so the gap is visible
    assert sc.AGE_ROW_2029 in fig.layout.yaxis.categoryarray


def test_age_chart_stacks_the_two_bands_beside_the_reported_total(stats, sources):
    fig = sc.make_age_figure(stats, sources)
    assert fig.layout.barmode == "stack"
    stacked = [x for t in fig.data for x, y in zip(t.x, t.y) if y == sc.AGE_ROW_SUM]
    assert sorted(stacked) == [35, 55]


def test_age_arithmetic_is_computed_from_the_rows(stats):
    text = sc.age_arithmetic(stats)
    assert "55% under 20" in text and "35% aged 30\u201339" in text and "0% for ages 20\u201329" in text


# ------------------------------------------------------------------ prosecution
def test_prosecution_bars_equal_the_table_in_order(stats, sources):
    fig = sc.make_prosecution_figure(stats, sources)
    (bars,) = fig.data
    assert list(bars.customdata) == list(sc.PROSECUTION_IDS)
    assert list(bars.x) == [_value(stats, i) for i in sc.PROSECUTION_IDS] == [445, 73, 559, 45, 33]
    assert bars.orientation == "h"
    assert bars.text[0].startswith("445 ")  # value labels on the bars


def test_prosecution_labels_carry_each_rows_period(stats, sources):
    fig = sc.make_prosecution_figure(stats, sources)
    labels = " ".join(a.text for a in fig.layout.annotations).replace("<br>", " ")
    assert "five years to Sept 2016" in labels and "2011 - Sept 2016" in labels
    assert "same as above" not in labels  # resolved to the period of the row above
    assert labels.count("since start of conflicts in Afghanistan,") == 2


# ------------------------------------------------------------------ foreign fighters
def test_range_chart_draws_the_interval_from_the_table(stats, sources):
    fig = sc.make_foreign_fighters_figure(stats, sources)
    rng = next(t for t in fig.data if t.meta == "range")
    low, high = _value(stats, sc.FIGHTERS_RANGE, "value_low"), _value(stats, sc.FIGHTERS_RANGE, "value_high")
    assert (low, high) == (200, 400)
    assert list(rng.x) == [low, high]
    assert "lines" in rng.mode  # an interval, not a single point


def test_comparators_are_a_separate_visibly_different_trace(stats, sources):
    fig = sc.make_foreign_fighters_figure(stats, sources)
    rng = next(t for t in fig.data if t.meta == "range")
    comp = next(t for t in fig.data if t.meta == "comparator")
    assert comp is not rng
    assert "Comparator" in comp.name
    assert list(comp.customdata) == list(sc.FIGHTERS_COMPARATORS)
    assert list(comp.x) == [_value(stats, i) for i in sc.FIGHTERS_COMPARATORS] == [400, 350]
    assert comp.marker.symbol != rng.marker.symbol and comp.marker.color != rng.line.color
    assert set(rng.customdata) == {sc.FIGHTERS_RANGE}
    assert stats.loc[stats["stat_id"].isin(sc.FIGHTERS_COMPARATORS), "comparator"].all()
    labels = " ".join(a.text for a in fig.layout.annotations)
    assert labels.count("Comparator") == 2


# ------------------------------------------------------------------ escaping, hover, fonts, toolbar
PAYLOAD = "<script>alert('x')</script>"


@pytest.mark.parametrize("builder, stat_id", [
    (sc.make_age_figure, sc.AGE_UNDER_20),
    (sc.make_prosecution_figure, "st-prevention-plots-foiled"),
    (sc.make_foreign_fighters_figure, sc.FIGHTERS_RANGE),
    (sc.make_foreign_fighters_figure, "st-fighters-syria-knb-2015"),
])
def test_script_in_quote_is_escaped_in_the_hover(stats, sources, builder, stat_id):
    fig = builder(_with(stats, stat_id, quote=PAYLOAD, metric="<b>bold</b> metric", caveat="<img src=x>"), sources)
    hovers = [h for t in fig.data for h in (t.hovertext or [])]
    labels = [a.text for a in fig.layout.annotations] + [str(t.text) for t in fig.data]
    everything = " ".join(hovers + labels)
    assert "&lt;script&gt;" in everything
    assert "<script>" not in everything and "<img" not in everything and "<b>bold</b>" not in everything


def test_hover_carries_the_verbatim_quote_and_the_source(stats, sources):
    fig = sc.make_prosecution_figure(stats, sources)
    hover = fig.data[0].hovertext[0].replace("<br>", " ")
    quote = _value(stats, sc.PROSECUTION_IDS[0], "quote")
    assert html.escape(quote, quote=False) in hover
    assert "Caravanserai" in hover and "Period:" in hover


def test_fonts_are_at_least_14px_and_image_export_stays(stats, sources):
    for builder in (sc.make_age_figure, sc.make_prosecution_figure, sc.make_foreign_fighters_figure):
        fig = builder(stats, sources)
        assert fig.layout.font.size >= 14
        for ann in fig.layout.annotations:
            assert ann.font.size is None or ann.font.size >= 14
        for trace in fig.data:
            assert trace.textfont.size is None or trace.textfont.size >= 14
        assert fig.layout.hoverlabel.font.size >= 14
    assert "toImage" not in sc.MODEBAR_CONFIG.get("modeBarButtonsToRemove", [])


@pytest.mark.parametrize("builder", [sc.make_age_figure, sc.make_prosecution_figure,
                                     sc.make_foreign_fighters_figure])
def test_builders_survive_missing_rows(stats, builder):
    fig = builder(stats.iloc[0:0], {})
    assert any("Not in the data pack" in a.text for a in fig.layout.annotations)


# ------------------------------------------------------------------ rows for the page
def test_value_text_keeps_the_qualifier(stats):
    def vt(stat_id):
        return sc.value_text(stats.loc[stats["stat_id"] == stat_id].iloc[0].to_dict())
    assert vt("st-incident-may-2011-killed") == "at least 2"
    assert vt("st-prevention-groups-rooted-out-2011-2012") == "more than 40"
    assert vt(sc.FIGHTERS_RANGE) == "200\u2013400"
    assert vt("st-context-population-2011-rferl") == "about 16.6"
    assert vt("st-surveillance-cameras-planned") == "51,000"
    assert vt("st-policy-death-penalty-abolition-year") == "2007"
    assert vt("st-policy-state-programme-period") == "2013\u20132017"


def test_stat_rows_carry_source_quote_and_caveat(stats, sources):
    rows = sc.stat_rows(stats, sources, list(sc.AGE_IDS))
    assert list(rows["stat_id"]) == list(sc.AGE_IDS)
    assert list(rows["Value"]) == ["90", "55", "35"]
    assert rows["Quote (verbatim)"].str.len().gt(0).all()
    assert rows["Caveat"].str.contains("20-29").all()
    assert rows["Source"].str.contains("Caravanserai").all()
    assert list(rows.columns).index("Caveat") < list(rows.columns).index("Quote (verbatim)")


def test_others_and_comparators_partition_the_table(stats):
    others, comps = sc.other_document_rows(stats), sc.comparator_rows(stats)
    assert not set(others["stat_id"]) & sc.CHARTED_IDS
    assert comps["comparator"].all() and not others["comparator"].any()
    charted_docs = stats[stats["stat_id"].isin(sc.CHARTED_IDS) & ~stats["comparator"].astype(bool)]
    assert len(others) + len(comps) + len(charted_docs) == len(stats)


def test_contradictions_are_found_for_charted_rows(pack):
    notes = sc.contradiction_notes(pack.tables["contradictions"], pack.tables["alternatives"], pack.sources_by_id(),
                                   sc.PROSECUTION_IDS)
    assert [n["id"] for n in notes] == ["c-24"]
    alts = pack.tables["alternatives"]
    for a in alts[alts["contradiction_id"] == "c-24"].to_dict("records"):
        assert a["value"] in notes[0]["alternatives"]


def test_chart_source_line_names_publisher_title_and_date(stats, sources):
    line = sc.chart_source_line(stats, sc.AGE_IDS, sources)
    src = sources["caravanserai-2016-bogatik"]
    assert src["publisher"] in line and src["title"] in line and src["date_published"] in line
    comp = sc.chart_source_line(stats, sc.FIGHTERS_IDS, sources, comparators=True)
    assert "US Department of State" in comp and "US Department of State" not in \
        sc.chart_source_line(stats, sc.FIGHTERS_IDS, sources)


def test_hover_text_escapes_every_field(stats, sources):
    row = stats.loc[stats["stat_id"] == sc.AGE_UNDER_20].iloc[0].to_dict()
    row.update(metric="<b>m</b>", unit="<i>u</i>", period="<a href='x'>p</a>", quote=PAYLOAD, caveat="<img src=x>")
    text = sc.hover_text(row, sources, caveat=True)
    for raw in ("<b>m</b>", "<i>u</i>", "<a href", "<script>", "<img"):
        assert raw not in text
    assert "&lt;img src=x&gt;" in text and "&lt;script&gt;" in text
