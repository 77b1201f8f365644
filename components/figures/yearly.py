"""Overview figure: incidents and victims per year with the policy milestones on the same time axis. Pure code."""

from __future__ import annotations

import copy
import functools

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.figures import style
from components.i18n import DEFAULT, ENGLISH, N_, Translator
from components.text import escape_plotly


def milestones(policies: pd.DataFrame, years: tuple[int, int]) -> pd.DataFrame:
    """Policy milestones within the years, with their lane (context rows excluded: they are not policy)."""
    rows = policies[policies["date"].dt.year.between(*years) & (policies["category"] != "context")].copy()
    rows["lane"] = rows["category"].map(style.POLICY_LANES)
    return rows.sort_values("date")


def precisions(rows: pd.DataFrame) -> list:
    """Each row's date precision (day where the rows do not say)."""
    return rows["date_precision"].tolist() if "date_precision" in rows else ["day"] * len(rows)


def milestone_x(dates: pd.Series) -> np.ndarray:
    """Where each milestone sits on the year axis: its year's bar is centred on the year, so a date sits at its
    share of the year from half a year before (1 January) to half a year after (31 December)."""
    return (dates.dt.year + (dates.dt.day_of_year - 1) / 366 - 0.5).to_numpy()


HEADROOM = {"incidents": 1.25, "killed": 1.3}  # room above the highest bar for its label (both renderings)
BARGAP = 0.25  # the share of a year left between two bars (both renderings)


def year_range(lo: int, hi: int) -> list[float]:
    """The year axis' extent: a little more than half a year beyond the first and the last bar."""
    return [lo - 0.6, hi + 0.6]


def year_step(lo: int, hi: int) -> int:
    """The year axis' label step: every year over up to 12 years, every other year over more."""
    return 1 if hi - lo <= 12 else 2


def yearly_label(incidents: int, known: int, unknown: int) -> str:
    """Bar label of a year's victims: '' (no incident), '7' (all known), '≥7' (some unknown), '?' (none known)."""
    if not incidents:
        return ""
    if unknown and unknown == incidents:
        return "?"
    return f"≥{known}" if unknown else str(known)


# shown with t(YEARLY_NOTE)
YEARLY_NOTE = N_("≥ marks a year where some incidents have no victim figure (the bar shows the known ones); ? marks "
                 "a year where none has. Hover a bar for the count.")


def hover_date(day: pd.Timestamp, precision: object, t: Translator) -> str:
    """A milestone's date in its hover: '15 Oct 2004' (English, as it always read); in Kazakh and Russian as precise
    as it is known, months by their names in the language."""
    if t.lang == DEFAULT:
        return f"{day:%d %b %Y}"
    return t.date(day, str(precision) if isinstance(precision, str) else "day")


@functools.lru_cache(maxsize=16)
def _rows_layout(titles: tuple[str, str, str]) -> dict:
    """The layout make_subplots gives the three rows (their axes, domains and titles), built once per language: it
    is the same for every filter, and make_subplots costs 30 ms a call."""
    layout = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.09, row_heights=[0.22, 0.39, 0.39],
                           subplot_titles=titles).to_dict()["layout"]
    layout.pop("template", None)  # plotly's default: replaced by the project's (style.plotly_layout)
    return layout


def make_yearly_figure(per_year: pd.DataFrame, policy_rows: pd.DataFrame, t: Translator = ENGLISH) -> go.Figure:
    """Three rows sharing the year axis: policy milestones (top strip), incidents per year, victims killed per
    year, in the translator's language. Years whose victims are partly unknown carry a '≥N' label, so a low bar
    never reads as a full count.

    Written as one figure dict and validated once by ``go.Figure`` (a fifth of the time of ``add_trace`` and the
    ``update_*`` calls on subplots, which an unseen filter waits for); the result is the same figure."""
    layout = copy.deepcopy(_rows_layout((t("Policy milestones"), t("Incidents per year"),
                                         t("Victims killed per year (excluding perpetrators)"))))
    traces = []
    present = set(policy_rows.get("lane", []))
    if present:  # one pass over the milestones, then a trace per lane (a boolean selection per lane cost 4 ms each)
        dates = policy_rows["date"]
        x_all = milestone_x(dates)
        lane_of = policy_rows["lane"].to_numpy()
        ids = policy_rows[["policy_id"]].to_numpy()
        hover = [f"{escape_plotly(title)}<br>{hover_date(d, p, t)} · {escape_plotly(t.value('category', c))}"
                 for title, d, p, c in zip(policy_rows["title"], dates, precisions(policy_rows),
                                           policy_rows["category"])]
    for lane in [lane for lane in style.LANE_ORDER if lane in present]:
        rows = np.flatnonzero(lane_of == lane)
        traces.append(dict(
            type="scatter", x=x_all[rows], y=[lane] * len(rows), mode="markers", name=t(lane),
            legendgroup="policy", xaxis="x", yaxis="y",
            marker=dict(symbol=style.LANE_SYMBOLS[lane], size=11, color=style.LANE_COLOURS[lane],
                        line=dict(width=1, color="#333")),
            customdata=ids[rows], hovertext=[hover[i] for i in rows], hovertemplate="%{hovertext}<extra></extra>",
        ))
    years = per_year["year"].to_numpy()
    traces.append(dict(
        type="bar", x=years, y=per_year["incidents"].to_numpy(), name=t("Incidents"), xaxis="x2", yaxis="y2",
        marker=dict(color=style.OKABE_ITO["blue"]), text=[str(v) if v else "" for v in per_year["incidents"]],
        textposition="outside", cliponaxis=False, textfont=dict(size=14),
        hovertemplate=t("%{x}: %{y} incident(s)") + "<extra></extra>", showlegend=False,
    ))
    unknown = per_year["killed_unknown"]
    labels = [yearly_label(n, k, u) for n, k, u in zip(per_year["incidents"], per_year["killed_known"], unknown)]
    traces.append(dict(
        type="bar", x=years, y=per_year["killed_known"].to_numpy(), name=t("Victims killed"), xaxis="x3",
        yaxis="y3", marker=dict(color=style.OKABE_ITO["vermillion"]), text=labels, textposition="outside",
        cliponaxis=False, textfont=dict(size=14), customdata=unknown.to_numpy(), showlegend=False,
        hovertemplate=t("%{x}: %{y} victims killed where known; %{customdata} incident(s) with no figure")
        + "<extra></extra>",
    ))
    lo, hi = int(per_year["year"].min()), int(per_year["year"].max())
    for axis in ("xaxis", "xaxis2", "xaxis3"):
        layout[axis].update(range=year_range(lo, hi), dtick=year_step(lo, hi), tickangle=0)
    layout["yaxis"].update(showticklabels=False, showgrid=False)
    ymax2 = max(int(per_year["incidents"].max()), 1) * HEADROOM["incidents"]
    ymax3 = max(int(per_year["killed_known"].max()), 1) * HEADROOM["killed"]
    layout["yaxis2"].update(rangemode="tozero", range=[0, ymax2])
    layout["yaxis3"].update(rangemode="tozero", range=[0, ymax3])
    layout.update(style.plotly_layout(height=600, bargap=BARGAP, uniformtext=dict(minsize=13, mode="show"),
                                      margin=dict(l=10, r=10, t=40, b=10),
                                      legend=dict(orientation="h", yanchor="top", y=-0.08, x=0)))
    for note in layout.get("annotations", []):
        note.setdefault("font", {})["size"] = 15
        note["yshift"] = 6
    return style.make_figure(traces, layout)
