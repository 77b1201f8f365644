"""The overview's chart in the browser, as a Vega-Lite spec: the rows of ``yearly.make_yearly_figure`` (policy
milestones, incidents per year, victims killed per year) on one shared year axis, with the same colours, shapes,
'≥N' and '?' labels and hover details. Pure code.

Why the overview has its own rendering: it is the page every visitor opens first, and Plotly's script (4.7 MB) was
the largest single cost of its first render; Streamlit's Vega-Lite renderer costs the browser a fraction of that
(README, Performance). The briefing pack and presentation mode keep the Plotly figure, which their image export
and slides use."""

from __future__ import annotations

import pandas as pd

from components.figures import style
from components.figures.yearly import (
    BARGAP,
    HEADROOM,
    hover_date,
    milestone_x,
    precisions,
    year_range,
    year_step,
    yearly_label,
)
from components.i18n import ENGLISH, N_, Translator

SELECTION = "milestone"  # the point selection: a click on a milestone selects its policy_id
HALF_BAR = (1 - BARGAP) / 2  # a bar's half-width in years, as Plotly draws it with the same gap
ROW_HEIGHTS = (110, 200, 200)  # pixels: the milestones' strip, incidents, victims killed (600 with titles and gaps)

# Plotly's marker symbols (style.LANE_SYMBOLS) in Vega-Lite's words; an SVG path where Vega-Lite has no such shape
SHAPES = {
    "square": "square", "diamond": "diamond", "triangle-up": "triangle-up", "circle": "circle",
    "circle-open": "circle",
    "x": "M-0.8,-1L0,-0.2L0.8,-1L1,-0.8L0.2,0L1,0.8L0.8,1L0,0.2L-0.8,1L-1,0.8L-0.2,0L-1,-0.8Z",
    "star": "M0,-1L0.22,-0.3L0.95,-0.3L0.36,0.12L0.59,0.81L0,0.38L-0.59,0.81L-0.36,0.12L-0.95,-0.3L-0.22,-0.3Z",
}

# the hover details' labels (shown with t())
TIP_DATE, TIP_CATEGORY, TIP_YEAR = N_("Date"), N_("Category"), N_("Year")
TIP_INCIDENTS, TIP_KILLED = N_("Incidents"), N_("Victims killed where known")
TIP_NO_FIGURE = N_("Incidents with no victim figure")


def year_ticks(lo: int, hi: int) -> list[int]:
    """The year axis' labels, at the Plotly figure's step (``yearly.year_step``)."""
    return list(range(lo, hi + 1, year_step(lo, hi)))


def milestone_rows(policy_rows: pd.DataFrame, t: Translator) -> list[dict]:
    """One data row per milestone: its place on the year axis, lane, id and hover details, in the language."""
    if policy_rows.empty:
        return []
    xs = milestone_x(policy_rows["date"])
    return [{"x": float(x), "lane": t(lane), "policy_id": str(pid), "title": str(title),
             "date": hover_date(day, precision, t), "category": str(t.value("category", category))}
            for x, lane, pid, title, day, precision, category in
            zip(xs, policy_rows["lane"], policy_rows["policy_id"], policy_rows["title"], policy_rows["date"],
                precisions(policy_rows), policy_rows["category"])]


def year_rows(per_year: pd.DataFrame) -> list[dict]:
    """One data row per year: the bars' values and their labels ('' for no incident, '≥N', '?')."""
    return [{"year": int(year), "incidents": int(n), "killed": int(known), "unknown": int(unknown),
             "incidents_label": str(int(n)) if n else "", "killed_label": yearly_label(n, known, unknown)}
            for year, n, known, unknown in zip(per_year["year"], per_year["incidents"], per_year["killed_known"],
                                               per_year["killed_unknown"])]


def _title(text: str) -> dict:
    return {"text": text, "anchor": "middle", "fontSize": 15}


def make_yearly_spec(per_year: pd.DataFrame, policy_rows: pd.DataFrame, t: Translator = ENGLISH) -> dict:
    """The Vega-Lite spec of the overview's chart for ``st.vega_lite_chart(..., selection_mode=[SELECTION])``."""
    lo, hi = int(per_year["year"].min()), int(per_year["year"].max())
    x_scale = {"domain": year_range(lo, hi), "nice": False, "zero": False}
    x_axis = {"title": None, "values": year_ticks(lo, hi), "format": "d", "labelAngle": 0, "grid": False,
              "labelFontSize": 13}
    present = set(policy_rows.get("lane", []))
    lanes = [lane for lane in style.LANE_ORDER if lane in present]
    names = [t(lane) for lane in lanes]
    strip = {
        "title": _title(t("Policy milestones")), "data": {"values": milestone_rows(policy_rows, t)},
        "height": ROW_HEIGHTS[0],
        "mark": {"type": "point", "filled": True, "size": 110, "stroke": "#333", "strokeWidth": 1, "opacity": 1,
                 "cursor": "pointer"},
        "params": [{"name": SELECTION, "select": {"type": "point", "fields": ["policy_id"], "toggle": False}}],
        "encoding": {
            "x": {"field": "x", "type": "quantitative", "scale": x_scale, "axis": {**x_axis, "labels": False}},
            "y": {"field": "lane", "type": "nominal", "sort": names, "axis": None},
            "shape": {"field": "lane", "type": "nominal", "title": None,
                      "scale": {"domain": names, "range": [SHAPES[style.LANE_SYMBOLS[lane]] for lane in lanes]}},
            "color": {"field": "lane", "type": "nominal", "title": None,
                      "scale": {"domain": names, "range": [style.LANE_COLOURS[lane] for lane in lanes]}},
            "tooltip": [{"field": "title", "title": t("Policy milestone")}, {"field": "date", "title": t(TIP_DATE)},
                        {"field": "category", "title": t(TIP_CATEGORY)}],
        },
    }
    years = year_rows(per_year)

    def bars(field: str, colour: str, title: str, tooltip: list[dict]) -> dict:
        top = max(max((row[field] for row in years), default=0), 1) * HEADROOM[field]
        y = {"field": field, "type": "quantitative", "title": None, "scale": {"domain": [0, top], "nice": False},
             "axis": {"labelFontSize": 13, "tickMinStep": 1, "format": "d"}}
        return {
            "title": _title(title), "data": {"values": years}, "height": ROW_HEIGHTS[1],
            "transform": [{"calculate": f"datum.year - {HALF_BAR}", "as": "from"},
                          {"calculate": f"datum.year + {HALF_BAR}", "as": "to"}],
            "layer": [
                {"mark": {"type": "bar", "color": colour},
                 "encoding": {"x": {"field": "from", "type": "quantitative", "scale": x_scale, "axis": x_axis},
                              "x2": {"field": "to"}, "y": y, "y2": {"datum": 0}, "tooltip": tooltip}},
                {"mark": {"type": "text", "dy": -9, "fontSize": 14},
                 "encoding": {"x": {"field": "year", "type": "quantitative", "scale": x_scale},
                              "y": {"field": field, "type": "quantitative"},
                              "text": {"field": f"{field}_label"}, "tooltip": tooltip}},
            ],
        }

    year_tip = {"field": "year", "title": t(TIP_YEAR), "format": "d"}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "vconcat": [
            strip,
            bars("incidents", style.OKABE_ITO["blue"], t("Incidents per year"),
                 [year_tip, {"field": "incidents", "title": t(TIP_INCIDENTS)}]),
            bars("killed", style.OKABE_ITO["vermillion"], t("Victims killed per year (excluding perpetrators)"),
                 [year_tip, {"field": "killed", "title": t(TIP_KILLED)},
                  {"field": "unknown", "title": t(TIP_NO_FIGURE)}]),
        ],
        "spacing": 14, "resolve": {"scale": {"x": "shared"}},
        # fit the container's width, axes included (Streamlit's default for a vconcat of layers lets the axes
        # overflow it by their width)
        "autosize": {"type": "fit-x", "contains": "padding"},
        "config": {"font": style.FONT_FAMILY, "view": {"stroke": None},
                   # a thin outline: the points' 1-pixel one darkens the legend's small triangle and cross to black
                   "legend": {"orient": "bottom", "columns": 3, "labelFontSize": 13, "labelLimit": 0,
                              "symbolStrokeWidth": 0.5, "symbolSize": 110}},
    }


def selected_policy(state: object) -> str | None:
    """The policy_id of the milestone a click selected, from what ``st.vega_lite_chart`` returns (None if none)."""
    chosen = ((state or {}).get("selection") or {}).get(SELECTION) or []
    ids = [row.get("policy_id") for row in chosen if isinstance(row, dict) and row.get("policy_id")]
    return ids[0] if ids else None
