"""The Statistics page renders in AppTest: the caveats sit beside the charts, every chart has its rows in a
"View as table" expander, the page says the filters do not apply, and data text stays text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.figures import statistics as sc
from dashboard.data import DATA_DIR_ENV
from tests.conftest import edit_table, open_app

PAGE = "app_pages/statistics.py"


def _run(monkeypatch, data_dir: Path | None = None, **query) -> AppTest:
    if data_dir is not None:
        monkeypatch.setenv(DATA_DIR_ENV, str(data_dir))
    return open_app(PAGE, query, tables=True)


def _plain(text: str) -> str:
    """Markdown source without the backslash escapes added by escape_md."""
    return text.replace("\\", "")


def _specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _page_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning] \
        + [i.value for i in at.info] + [h.value for h in at.header] + [s.value for s in at.subheader]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def default_page() -> AppTest:
    return open_app(PAGE, tables=True)


def test_page_renders_with_its_sections(default_page):
    at = default_page
    assert not at.exception
    assert at.title[0].value == "Statistics"
    headers = [h.value for h in at.header]
    for section in ("Perpetrators' ages", "Prosecution and prevention", "Foreign fighters",
                    "Other figures from the source documents",
                    "Comparators from other sources — not from the five source documents"):
        assert section in headers
    assert "national totals as reported" in at.info[0].value
    assert "do not apply" in at.info[0].value


def test_age_caveat_is_on_the_page_beside_the_chart(default_page, pack):
    at = default_page
    age_warning = _plain(at.warning[0].value)
    stats = sc.rows_by_id(pack.tables["statistics"], sc.AGE_IDS)
    caveat = next(r["caveat"] for r in stats.values() if isinstance(r.get("caveat"), str))
    assert caveat in age_warning
    assert "20-29" in age_warning
    # the warning sits in the column next to the age chart: same horizontal block as the first chart
    left, right = at.columns[0], at.columns[1]
    assert len(left.get("plotly_chart")) == 1
    assert any("20-29" in _plain(w.value) for w in right.warning)


def test_prosecution_caveat_names_the_periods_and_the_conflicting_figures(default_page):
    text = _plain(default_page.warning[1].value)
    assert "periods differ" in text
    assert "35" in text and "38" in text and "73" in text


def test_three_charts_each_with_a_view_as_table_expander(default_page):
    at = default_page
    charts = at.get("plotly_chart")
    assert len(charts) == 3
    expanders = [e for e in at.expander if e.label == "View as table"]
    assert len(expanders) == 3
    for exp, ids in zip(expanders, (sc.AGE_IDS, sc.PROSECUTION_IDS, sc.FIGHTERS_IDS)):
        (frame,) = exp.dataframe
        df = frame.value
        assert list(df["stat_id"]) == list(ids)
        assert {"Quote (verbatim)", "Caveat", "Source", "Period", "Value"} <= set(df.columns)
    # every chart has a source line under it
    sources = [c.value for c in at.caption if c.value.startswith("Source:")]
    assert len(sources) >= 3


def test_chart_specs_carry_the_table_values(default_page, pack):
    stats = pack.tables["statistics"]
    age, prosecution, fighters = _specs(default_page)
    age_values = sorted(x for t in age["data"] for x in t["x"])
    rows = sc.rows_by_id(stats, sc.AGE_IDS)
    u20, b3039, tot = (float(rows[i]["value"]) for i in (sc.AGE_UNDER_20, sc.AGE_30_39, sc.AGE_UNDER_40))
    assert age_values == sorted([u20, u20, b3039, b3039, tot])
    assert all(sc.AGE_ROW_2029 not in t["y"] for t in age["data"])
    assert prosecution["data"][0]["x"] == [stats.loc[stats["stat_id"] == i, "value"].item()
                                           for i in sc.PROSECUTION_IDS]
    rng = next(t for t in fighters["data"] if t.get("meta") == "range")
    assert rng["x"] == [200, 400]
    assert any(t.get("meta") == "comparator" for t in fighters["data"])


def test_other_figures_and_comparators_are_listed(default_page, pack):
    at = default_page
    frames = [f.value for f in at.dataframe]
    listed = {i for f in frames if "stat_id" in f.columns for i in f["stat_id"]}
    assert set(pack.tables["statistics"]["stat_id"]) <= listed
    comparators = frames[-1]  # the last table, in the bordered container
    stats = pack.tables["statistics"]
    assert set(comparators["stat_id"]) == set(stats.loc[stats["comparator"].astype(bool), "stat_id"])


def test_a_filter_matching_no_incident_still_renders(monkeypatch):
    at = _run(monkeypatch, region="Pavlodar Region")
    assert not at.exception
    assert at.title[0].value == "Statistics"
    assert "do not apply" in at.info[0].value and "Pavlodar Region" in at.info[0].value
    assert len(at.get("plotly_chart")) == 3


@pytest.mark.parametrize("payload", ["<script>alert('x')</script>", "**bold** [l](javascript:alert(1))"])
def test_markup_in_the_data_stays_text(monkeypatch, pack_copy, payload):
    def inject(header, rows):
        for row in rows:
            if row["stat_id"] in (sc.AGE_UNDER_40, sc.AGE_UNDER_20, sc.AGE_30_39):
                row["caveat"] = payload
                row["quote"] = payload
    edit_table(pack_copy, "statistics.csv", inject)
    at = _run(monkeypatch, pack_copy)
    assert not at.exception
    assert payload not in _page_text(at)  # escaped wherever markdown renders it
    assert payload in _plain(at.warning[0].value)  # ... yet shown, as text
    hovers = " ".join(h for t in _specs(at)[0]["data"] for h in t["hovertext"])
    assert "<script>" not in hovers


def test_chart_text_alternatives_state_the_numbers_of_the_table(monkeypatch, pack_copy):
    """The alt texts are built from the rows the charts draw: change a figure in the data and the sentence follows
    (the page, the presentation slide and the pack read the same builder)."""
    def change(header, rows):
        for r in rows:
            if r["stat_id"] == sc.AGE_UNDER_20:
                r["value"] = "54"
            if r["stat_id"] == "st-prevention-departures-prevented":
                r["value"] = "560"
    edit_table(pack_copy, "statistics.csv", change)
    monkeypatch.setenv(DATA_DIR_ENV, str(pack_copy))
    at = open_app("app_pages/statistics.py")
    assert not at.exception
    alts = [c.proto.alt for c in at.get("plotly_chart")]
    assert any("54% under 20" in a for a in alts) and not any("55%" in a for a in alts)
    assert any("560 persons" in a for a in alts) and not any("559" in a for a in alts)
    slide = open_app(None, {"present": "true", "slide": "Statistics"})
    assert any("54% under 20" in c.proto.alt for c in slide.get("plotly_chart"))
