"""The overview page's chart (Vega-Lite, components/figures/yearly_web.py): it draws what the overview's view model
says, as the Plotly figure of the slide and the briefing pack does, and a click on a milestone opens that milestone.
Expected values come from the view model of the small pack built in tests/fixtures.py."""

from __future__ import annotations

import json

import pytest

from components.figures import style, yearly, yearly_web
from components.filters import Filters
from components.views import base
from components.views import overview as overview_view
from dashboard.data import DATA_DIR_ENV
from tests.conftest import open_app

ALL = Filters()


def spec_and_view(pack, filters: Filters = ALL):
    view = overview_view.build(pack, filters, base.events_in(pack, filters))
    return yearly_web.make_yearly_spec(view.per_year, view.milestones, pack.t), view


def rows(spec: dict) -> tuple[dict, dict, dict]:
    strip, incidents, killed = spec["vconcat"]
    return strip, incidents, killed


def test_bars_and_labels_are_the_view_models_figures(small_pack):
    spec, view = spec_and_view(small_pack)
    _, incidents, killed = rows(spec)
    per_year = view.per_year
    values = incidents["data"]["values"]
    assert [v["year"] for v in values] == per_year["year"].tolist()
    assert [v["incidents"] for v in values] == per_year["incidents"].tolist()
    assert [v["killed"] for v in values] == per_year["killed_known"].tolist()
    assert [v["unknown"] for v in values] == per_year["killed_unknown"].tolist()
    assert killed["data"]["values"] == values  # both rows draw the same years
    # a low bar never reads as a full count: '≥N' where some victims are unknown, '?' where none is known
    partly = per_year[(per_year["killed_unknown"] > 0) & (per_year["killed_unknown"] < per_year["incidents"])]
    wholly = per_year[(per_year["killed_unknown"] > 0) & (per_year["killed_unknown"] == per_year["incidents"])]
    assert len(partly) + len(wholly) >= 1  # the small pack has such a year: the check below is exercised
    by_year = {v["year"]: v for v in values}
    for year, known in zip(partly["year"], partly["killed_known"]):
        assert by_year[year]["killed_label"] == f"≥{known}"
    for year in wholly["year"]:
        assert by_year[year]["killed_label"] == "?"
    empty = per_year[per_year["incidents"] == 0]["year"]
    assert len(empty) and all(by_year[y]["incidents_label"] == by_year[y]["killed_label"] == "" for y in empty)
    # bars stand on zero, the labels above them
    assert all(layer["encoding"]["y2"] == {"datum": 0} for layer in (incidents["layer"][0], killed["layer"][0]))


def test_milestones_sit_at_their_dates_in_their_lanes_and_select_their_policy(small_pack):
    spec, view = spec_and_view(small_pack)
    strip = rows(spec)[0]
    drawn = strip["data"]["values"]
    assert [m["policy_id"] for m in drawn] == view.milestones["policy_id"].tolist()
    for m, day in zip(drawn, view.milestones["date"]):
        assert day.year - 0.5 <= m["x"] < day.year + 0.5  # within its year's bar
    lanes = [ln for ln in style.LANE_ORDER if ln in set(view.milestones["lane"])]
    enc = strip["encoding"]
    assert enc["shape"]["scale"]["domain"] == enc["color"]["scale"]["domain"] == lanes
    assert enc["color"]["scale"]["range"] == [style.LANE_COLOURS[ln] for ln in lanes]
    bans = lanes.index("Court bans and rulings")
    assert enc["shape"]["scale"]["range"][bans] == yearly_web.SHAPES["x"]  # the same shape as on the slide
    assert strip["params"][0]["name"] == yearly_web.SELECTION
    assert strip["params"][0]["select"]["fields"] == ["policy_id"]
    # the axis spans the filter's years, shared by the three rows
    lo, hi = view.per_year["year"].min(), view.per_year["year"].max()
    assert enc["x"]["scale"]["domain"] == [lo - 0.6, hi + 0.6]
    assert spec["resolve"] == {"scale": {"x": "shared"}}


def test_a_filter_without_milestones_draws_an_empty_strip(small_pack):
    years = (1991, 1993)
    spec, view = spec_and_view(small_pack, Filters(years=years))
    assert view.milestones.empty
    strip, incidents, _ = rows(spec)
    assert strip["data"]["values"] == [] and strip["encoding"]["shape"]["scale"]["domain"] == []
    assert [v["year"] for v in incidents["data"]["values"]] == list(range(years[0], years[1] + 1))
    assert yearly_web.year_ticks(*years) == [1991, 1992, 1993]
    assert yearly_web.year_ticks(1991, 2016)[:3] == [1991, 1993, 1995]  # every other year over 26


def test_the_selection_names_the_policy_clicked():
    state = {"selection": {yearly_web.SELECTION: [{"policy_id": "po-1"}]}}
    assert yearly_web.selected_policy(state) == "po-1"
    for nothing in (None, {}, {"selection": {}}, {"selection": {yearly_web.SELECTION: []}},
                    {"selection": {yearly_web.SELECTION: [{"other": 1}, "junk"]}}):
        assert yearly_web.selected_policy(nothing) is None


def test_the_overview_page_draws_this_spec_and_the_slide_the_plotly_figure(monkeypatch, small_pack):
    monkeypatch.setenv(DATA_DIR_ENV, small_pack.data_dir)
    at = open_app()
    assert not at.exception
    spec, view = spec_and_view(small_pack)
    drawn = at.get("vega_lite_chart")
    assert len(drawn) == 1 and not at.get("plotly_chart")  # no Plotly on the first page
    sent = json.loads(drawn[0].proto.spec)
    assert sent["vconcat"] == json.loads(json.dumps(spec["vconcat"]))
    assert drawn[0].proto.alt == view.chart_alt
    slide = open_app(None, {"present": "true", "slide": "Overview"})
    assert not slide.exception and len(slide.get("plotly_chart")) == 1  # the slide keeps the Plotly figure
    figure = yearly.make_yearly_figure(view.per_year, view.milestones)
    assert [a["text"] for a in json.loads(slide.get("plotly_chart")[0].proto.spec)["layout"]["annotations"]] == [
        a.text for a in figure.layout.annotations]


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_lanes_and_hover_labels_in_the_language(small_pack, lang):
    from components.pack.translate import localized

    pack = localized(small_pack, lang)
    t = pack.t
    spec, view = spec_and_view(pack)
    strip = rows(spec)[0]
    assert strip["encoding"]["color"]["scale"]["domain"] == [
        t(ln) for ln in style.LANE_ORDER if ln in set(view.milestones["lane"])]
    assert t("Court bans and rulings") != "Court bans and rulings"
    assert [tip["title"] for tip in strip["encoding"]["tooltip"]] == [
        t("Policy milestone"), t(yearly_web.TIP_DATE), t(yearly_web.TIP_CATEGORY)]
    assert {m["lane"] for m in strip["data"]["values"]} <= set(strip["encoding"]["color"]["scale"]["domain"])
