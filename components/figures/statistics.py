"""Figures and tables of the Statistics page. Pure builders: no Streamlit, no I/O.

Principles: every figure is drawn exactly as the source states it (qualifier included: "at least", "more than",
ranges as ranges); nothing is derived that the sources do not state (the 20-29 age band is shown as *not reported*,
never as a number); public comparators from outside the five source documents are drawn as separate, visibly
different traces labelled "comparator". Text from the data goes into plotly hover text only after ``html.escape``
(plotly renders a subset of HTML in hover labels and tick labels).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from components.figures.style import BASE_FONT_SIZE, OKABE_ITO, plotly_layout
from components.pack import alternatives as alt
from components.pack.schema import split_ids
from components.pack.sources import source_entries
from components.pack.values import is_blank
from components.text import escape_plotly

# ------------------------------------------------------------------ which rows each chart draws (stable ids)
AGE_UNDER_20 = "st-age-under-20"
AGE_30_39 = "st-age-30-39"
AGE_UNDER_40 = "st-age-under-40"
AGE_IDS = (AGE_UNDER_40, AGE_UNDER_20, AGE_30_39)

# Top to bottom as drawn.
PROSECUTION_IDS = (
    "st-prosecution-convictions-extremism",
    "st-prevention-plots-foiled",
    "st-prevention-departures-prevented",
    "st-returns-extradited-from-camps",
    "st-returns-returned-own-accord",
)

FIGHTERS_RANGE = "st-fighters-kazakhs-abroad-karaganda"
FIGHTERS_COMPARATORS = ("st-fighters-abroad-security-council-2015", "st-fighters-syria-knb-2015")
FIGHTERS_IDS = (FIGHTERS_RANGE, *FIGHTERS_COMPARATORS)

CHARTED_IDS = frozenset(AGE_IDS + PROSECUTION_IDS + FIGHTERS_IDS)

# Short readable labels for the comparator markers (the full quote is in the hover and the table).
COMPARATOR_LABELS = {
    "st-fighters-abroad-security-council-2015": "Comparator: Security Council secretary, July 2015",
    "st-fighters-syria-knb-2015": "Comparator: KNB chair, April 2015",
}

DOCUMENT_COLOUR = OKABE_ITO["blue"]
DOCUMENT_COLOUR_2 = OKABE_ITO["sky"]
TOTAL_COLOUR = OKABE_ITO["orange"]
COMPARATOR_COLOUR = OKABE_ITO["vermillion"]
MISSING_COLOUR = OKABE_ITO["grey"]
DASH = "\u2013"  # en dash for ranges
# Caveat right after the figure it qualifies, then the quote and the source.
TABLE_COLUMNS = ("Topic", "Metric", "Value", "Unit", "Period", "Flag", "Caveat", "Quote (verbatim)", "Source",
                 "Comparator", "Links", "stat_id")
FLAG_WORDS = {"error": "error in the document: shown as what it says, never charted as a fact",
              "inconsistent": "does not add up with the figures beside it: charted only with its caveat"}
MODEBAR_CONFIG = {
    "displaylogo": False,
    # keep the image export (camera icon); drop the selection tools that mean nothing on these charts
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


# ------------------------------------------------------------------ text helpers
def _esc(text: object) -> str:
    """Data text for plotly (text.escape_plotly): never markup."""
    return escape_plotly(_text(text))


def _text(value: object) -> str:
    return "" if is_blank(value) else str(value)


def number_text(value: float, unit: str = "") -> str:
    """12 -> '12', 16.6 -> '16.6', 51000 -> '51,000'; years stay '2007'."""
    if is_blank(value):
        return ""
    v = float(value)
    s = str(int(v)) if v.is_integer() else f"{v:g}"
    if v.is_integer() and abs(v) >= 10000 and not unit.lower().startswith(("year", "hour")):
        s = f"{int(v):,}"
    return s


def value_text(row: Mapping) -> str:
    """The figure with its qualifier, as stated: '445', 'at least 2', 'more than 40', 'about 16.6', '200–400'."""
    unit = _text(row.get("unit"))
    qualifier = _text(row.get("qualifier"))
    if qualifier == "range" or (is_blank(row.get("value")) and not is_blank(row.get("value_low"))):
        return f"{number_text(row.get('value_low'), unit)}{DASH}{number_text(row.get('value_high'), unit)}"
    number = number_text(row.get("value"), unit)
    if qualifier in ("at least", "more than", "about"):
        return f"{qualifier} {number}"
    return number


def source_text(cell: object, sources: Mapping[str, Mapping]) -> str:
    """Readable citations (author, title, publisher, date) of a row, separated by ' | '."""
    return " | ".join(e["citation"] for e in source_entries(cell, sources))


def source_links(cell: object, sources: Mapping[str, Mapping]) -> str:
    return " ".join(e["url"] for e in source_entries(cell, sources) if e["url"])


def first_source_text(cell: object, sources: Mapping[str, Mapping]) -> str:
    """The main (first-listed) source of a row: the document the quote comes from."""
    entries = source_entries(cell, sources)
    return entries[0]["citation"] if entries else ""


def short_source(cell: object, sources: Mapping[str, Mapping]) -> str:
    """'publisher, date' of the first-listed source (its id when the sources table does not know it)."""
    ids = split_ids(cell)
    if not ids:
        return ""
    src = sources.get(ids[0])
    if src is None:
        return ids[0]
    return ", ".join(b for b in (_text(src.get("publisher")), _text(src.get("date_published"))) if b)


def _wrapped(text: object, width: int = 60) -> str:
    """Data text wrapped into lines of ``width`` characters joined by <br>, each line escaped for plotly, so that a
    long quote stays readable in a hover or a row label."""
    return "<br>".join(_esc(line) for line in textwrap.wrap(_text(text), width=width))


HOVER_WIDTH = 46  # characters per hover line: the label must fit a half-width chart


def hover_text(row: Mapping, sources: Mapping[str, Mapping], caveat: bool = False) -> str:
    """Hover label of one figure: metric, value as stated, period, the verbatim quote and the source (the caveat
    only on request: the page shows it beside the chart). Every piece of data text is html-escaped; only the
    <b>/<i>/<br> added here are markup."""
    unit = _text(row.get("unit"))
    w = HOVER_WIDTH
    sep = "" if unit == "%" else " "
    parts = [
        f"<b>{_wrapped(row.get('metric'), w)}</b>",
        f"{_esc(value_text(row))}{sep}{_wrapped(unit, w)}".strip(),
    ]
    if _text(row.get("period")):
        parts.append(f"Period: {_wrapped(row.get('period'), w)}")
    parts.append(f"<i>\u201c{_wrapped(row.get('quote'), w)}\u201d</i>")
    src = first_source_text(row.get("source_ids"), sources)
    if src:
        parts.append(f"Source: {_wrapped(src, w)}")
    if caveat and _text(row.get("caveat")):
        parts.append(f"Caveat: {_wrapped(row.get('caveat'), w)}")
    if bool(row.get("comparator")):
        parts.append("<b>Comparator: not from the five source documents</b>")
    return "<br>".join(parts)


# ------------------------------------------------------------------ row access
def rows_by_id(stats: pd.DataFrame, ids: Iterable[str]) -> dict[str, dict]:
    """The rows with these stat_ids, as dicts; missing ids are simply absent."""
    wanted = list(ids)
    sub = stats[stats["stat_id"].isin(wanted)]
    return {r["stat_id"]: r for r in sub.to_dict("records")}


def _resolved_periods(rows: Sequence[Mapping]) -> list[str]:
    """Periods in drawing order; 'same as above' takes the period of the row drawn just before it."""
    out: list[str] = []
    for row in rows:
        period = _text(row.get("period"))
        if period.strip().lower() == "same as above" and out:
            period = out[-1]
        out.append(period)
    return out


def _missing_note(fig: go.Figure, missing: Sequence[str]) -> None:
    if missing:
        fig.add_annotation(text="Not in the data pack: " + _esc(", ".join(missing)), xref="paper",
                           yref="paper", x=0, y=-0.12, showarrow=False, xanchor="left",
                           font=dict(size=BASE_FONT_SIZE - 1, color=OKABE_ITO["vermillion"]))


# ------------------------------------------------------------------ tables
def stat_rows(stats: pd.DataFrame, sources: Mapping[str, Mapping], ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Readable rows for the page: topic, metric, value as stated (with qualifier), unit, period, sources, the
    verbatim quote, the caveat, whether it is a comparator, links and the row id. ``ids`` keeps that order."""
    if ids is not None:
        by_id = rows_by_id(stats, ids)
        records = [by_id[i] for i in ids if i in by_id]
    else:
        records = stats.to_dict("records")
    out = [
        {
            "Topic": _text(r.get("topic")),
            "Metric": _text(r.get("metric")),
            "Value": value_text(r),
            "Unit": _text(r.get("unit")),
            "Period": _text(r.get("period")),
            "Flag": FLAG_WORDS.get(_text(r.get("flag")), ""),
            "Source": source_text(r.get("source_ids"), sources),
            "Quote (verbatim)": _text(r.get("quote")),
            "Caveat": _text(r.get("caveat")),
            "Comparator": "yes: not a source document" if bool(r.get("comparator")) else "no",
            "Links": source_links(r.get("source_ids"), sources),
            "stat_id": _text(r.get("stat_id")),
        }
        for r in records
    ]
    return pd.DataFrame(out, columns=list(TABLE_COLUMNS))


def chartable(stats: pd.DataFrame) -> pd.DataFrame:
    """The rows a chart may draw: every row but those flagged as errors in the source document."""
    if "flag" not in stats:
        return stats
    return stats[stats["flag"].fillna("") != "error"]


def other_document_rows(stats: pd.DataFrame) -> pd.DataFrame:
    """Rows from the source documents that no chart draws, in topic order of the data dictionary."""
    is_comp = stats["comparator"].fillna(False).astype(bool)
    return stats[~is_comp & ~stats["stat_id"].isin(CHARTED_IDS)]


def comparator_rows(stats: pd.DataFrame) -> pd.DataFrame:
    return stats[stats["comparator"].fillna(False).astype(bool)]


def chart_source_line(stats: pd.DataFrame, ids: Iterable[str], sources: Mapping[str, Mapping],
                      comparators: bool = False) -> str:
    """'publisher, title, date' of the main source of the charted rows (document rows, or comparator rows)."""
    seen: list[str] = []
    for row in rows_by_id(stats, ids).values():
        if bool(row.get("comparator")) != comparators:
            continue
        ids_ = split_ids(row.get("source_ids"))
        if ids_ and ids_[0] not in seen:
            seen.append(ids_[0])
    parts = []
    for sid in seen:
        src = sources.get(sid)
        if src is None:
            parts.append(sid)
            continue
        bits = [_text(src.get("publisher")), f"\u201c{_text(src.get('title'))}\u201d", _text(src.get("date_published"))]
        parts.append(", ".join(b for b in bits if b and b != "\u201c\u201d"))
    return "; ".join(parts)


# ------------------------------------------------------------------ figures
def _base(fig: go.Figure, height: int, **layout) -> go.Figure:
    fig.update_layout(**plotly_layout(height=height, **layout))
    fig.update_layout(hoverlabel=dict(align="left", font_size=BASE_FONT_SIZE - 1))
    fig.update_xaxes(tickfont=dict(size=BASE_FONT_SIZE), title_font=dict(size=BASE_FONT_SIZE))
    fig.update_yaxes(tickfont=dict(size=BASE_FONT_SIZE), title_font=dict(size=BASE_FONT_SIZE))
    return fig


AGE_ROW_U20 = "Under 20"
AGE_ROW_2029 = "20\u201329"
AGE_ROW_3039 = "30\u201339"
AGE_ROW_SUM = "Under 20 + 30\u201339<br><i>(the two bands added)</i>"
AGE_ROW_TOTAL = "Under 40<br><i>(total as reported)</i>"
AGE_ROWS = (AGE_ROW_U20, AGE_ROW_2029, AGE_ROW_3039, AGE_ROW_SUM, AGE_ROW_TOTAL)


def make_age_figure(stats: pd.DataFrame, sources: Mapping[str, Mapping] | None = None) -> go.Figure:
    """Perpetrator age shares exactly as reported (document 004): 55% under 20, 35% aged 30-39, and the reported
    total 90% under 40, as horizontal bars. The 20-29 band is not reported: its row is an empty dashed frame marked
    'not reported', never a bar or a number of its own. Below the bands, the two reported bands are stacked
    (55 + 35) next to the reported total so the reader sees that they already make up the whole 90%."""
    sources = sources or {}
    rows = rows_by_id(stats, AGE_IDS)
    fig = go.Figure()
    u20, b3039, total = rows.get(AGE_UNDER_20), rows.get(AGE_30_39), rows.get(AGE_UNDER_40)
    if u20 is not None:
        _add_age_band(fig, u20, "Under 20 (reported)", AGE_ROW_U20, stacked=b3039 is not None, sources=sources,
                      marker=dict(color=DOCUMENT_COLOUR, line=dict(color="#000000", width=1)),
                      text_colour="#FFFFFF")
    if b3039 is not None:
        _add_age_band(fig, b3039, "30\u201339 (reported)", AGE_ROW_3039, stacked=u20 is not None, sources=sources,
                      marker=dict(color=DOCUMENT_COLOUR_2, line=dict(color="#000000", width=1),
                                  pattern=dict(shape=".", fgcolor="#000000", fgopacity=0.3, size=6)),
                      text_colour="#000000")
    if total is not None:
        _add_age_total(fig, total, sources)
    _add_not_reported_row(fig, u20, b3039, total)
    # A dotted divider between the three bands and the two totals below them.
    fig.add_hline(y=2.5, line=dict(color="#555555", width=1, dash="dot"))
    _missing_note(fig, [i for i in AGE_IDS if i not in rows])
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=list(AGE_ROWS), autorange="reversed",
                     tickmode="array", tickvals=list(AGE_ROWS), ticktext=list(AGE_ROWS), automargin=True,
                     title_text="")
    fig.update_xaxes(range=[0, 101], title_text="Share of terrorists, as reported",
                     ticksuffix="%", dtick=20)
    return _base(fig, 400, barmode="stack", bargap=0.3, showlegend=False, margin=dict(l=10, r=30, t=10, b=10))


def _add_age_band(fig: go.Figure, row: Mapping, name: str, band_row: str, stacked: bool,
                  sources: Mapping[str, Mapping], marker: dict, text_colour: str) -> None:
    """A reported age band as a bar in its own row and, when the other band is reported too (``stacked``), once more
    in the row where the two bands are added."""
    ys = [band_row] + ([AGE_ROW_SUM] if stacked else [])
    fig.add_bar(
        name=name, orientation="h", y=ys, x=[row["value"]] * len(ys), marker=marker,
        text=[f"{number_text(row['value'])}%"] * len(ys), textposition="inside", insidetextanchor="middle",
        textangle=0, textfont=dict(size=BASE_FONT_SIZE + 1, color=text_colour),
        hovertext=[hover_text(row, sources)] * len(ys), hovertemplate="%{hovertext}<extra></extra>",
        customdata=[row["stat_id"]] * len(ys), meta="age-band",
    )


def _add_age_total(fig: go.Figure, total: Mapping, sources: Mapping[str, Mapping]) -> None:
    """The reported total under 40: a hatched, outlined bar in its own row, labelled as the reported total."""
    fig.add_bar(
        name="Under 40 (reported total)", orientation="h", y=[AGE_ROW_TOTAL], x=[total["value"]],
        marker=dict(color="#FFFFFF", line=dict(color=TOTAL_COLOUR, width=3),
                    pattern=dict(shape="/", fgcolor=TOTAL_COLOUR, size=10, solidity=0.3)),
        text=[f"{number_text(total['value'])}% (reported total)"], textposition="inside", textangle=0,
        cliponaxis=False, textfont=dict(size=BASE_FONT_SIZE + 1, color="#000000"),
        hovertext=[hover_text(total, sources)], hovertemplate="%{hovertext}<extra></extra>",
        customdata=[total["stat_id"]], meta="age-total",
    )


def _add_not_reported_row(fig: go.Figure, u20: Mapping | None, b3039: Mapping | None,
                          total: Mapping | None) -> None:
    """The 20-29 row: an empty dashed grey frame with words; no bar, no number of its own. With all three rows, the
    words show what the total leaves for it."""
    fig.add_shape(type="rect", xref="x", yref="y", x0=0, x1=100, y0=0.62, y1=1.38,
                  line=dict(color=MISSING_COLOUR, width=2, dash="dash"), fillcolor="rgba(153,153,153,0.08)",
                  layer="below")
    implied = ""
    if total is not None and u20 is not None and b3039 is not None:
        left = total["value"] - u20["value"] - b3039["value"]
        implied = (f"<br>{number_text(total['value'])} \u2212 {number_text(u20['value'])} \u2212 "
                   f"{number_text(b3039['value'])} leaves {number_text(left)}%: implausible")
    fig.add_annotation(x=50, y=AGE_ROW_2029, xref="x", yref="y", showarrow=False, align="center",
                       text=f"<b>not reported</b>{implied}", font=dict(size=BASE_FONT_SIZE, color="#222222"))


def _row_label(fig: go.Figure, y: float, text: str) -> None:
    """A row's label written above its bar, left-aligned across the full plot width (legible in narrow columns,
    where tick labels would squeeze the bars)."""
    fig.add_annotation(x=0, xref="paper", y=y, yref="y", yshift=-6, text=text, showarrow=False, xanchor="left",
                       yanchor="bottom", align="left", font=dict(size=BASE_FONT_SIZE, color="#14171A"))


def make_prosecution_figure(stats: pd.DataFrame, sources: Mapping[str, Mapping] | None = None,
                            label_width: int = 58) -> go.Figure:
    """Convictions, foiled plots, prevented departures, extraditions and returns as horizontal bars. Each row is
    labelled with its metric and its own period (the periods differ); the value as stated sits on the bar."""
    sources = sources or {}
    by_id = rows_by_id(stats, PROSECUTION_IDS)
    rows = [by_id[i] for i in PROSECUTION_IDS if i in by_id]
    periods = _resolved_periods(rows)
    ys = list(range(len(rows)))
    fig = go.Figure()
    fig.add_bar(
        name="Figure as reported (document 004)", orientation="h", x=[r["value"] for r in rows], y=ys, width=0.38,
        text=[f"{_esc(value_text(r))} {_esc(r['unit'])}" for r in rows], textposition="outside", textangle=0,
        cliponaxis=False, textfont=dict(size=BASE_FONT_SIZE + 1, color="#000000"),
        marker=dict(color=DOCUMENT_COLOUR, line=dict(color="#000000", width=1)),
        hovertext=[hover_text(r, sources) for r in rows], hovertemplate="%{hovertext}<extra></extra>",
        customdata=[r["stat_id"] for r in rows],
    )
    for y, row, period in zip(ys, rows, periods):
        _row_label(fig, y - 0.22, f"<b>{_wrapped(row['metric'], label_width)}</b><br>"
                                  f"<i>Period: {_wrapped(period, label_width - 8)}</i>")
    top = max([r["value"] for r in rows] or [1])
    fig.update_yaxes(autorange=False, range=[len(rows) - 0.6, -1.0], showticklabels=False, ticks="",
                     showline=False, tickvals=ys)
    fig.update_xaxes(range=[0, top * 1.35], title_text="Number as reported (each bar: its own period and unit)")
    _missing_note(fig, [i for i in PROSECUTION_IDS if i not in by_id])
    return _base(fig, 90 + 125 * max(len(rows), 1), showlegend=False, margin=dict(l=10, r=20, t=10, b=10))


def make_foreign_fighters_figure(stats: pd.DataFrame, sources: Mapping[str, Mapping] | None = None,
                                 label_width: int = 58) -> go.Figure:
    """The source document's estimate as an interval (value_low to value_high), and the public comparators as
    separate, differently shaped markers on their own rows, labelled 'comparator'."""
    sources = sources or {}
    by_id = rows_by_id(stats, FIGHTERS_IDS)
    fig = go.Figure()
    rng = by_id.get(FIGHTERS_RANGE)
    if rng is not None:
        _add_fighters_range(fig, rng, sources, label_width)
    y = 0 if rng is None else 1  # rows drawn so far
    comps = [by_id[i] for i in FIGHTERS_COMPARATORS if i in by_id]
    if comps:
        _add_comparators(fig, comps, y, sources)
        if rng is not None:
            # a divider between the source document's row and the comparators' rows
            fig.add_hline(y=y - 0.68, line=dict(color="#555555", width=1.5, dash="dot"))
        y += len(comps)
    highs = ([rng["value_high"]] if rng is not None else []) + [r["value"] for r in comps]
    fig.update_xaxes(range=[0, max(highs or [1]) * 1.25], title_text="Kazakhstanis (as stated in each source)")
    fig.update_yaxes(autorange=False, range=[max(y, 1) - 0.55, -1.05], showticklabels=False, ticks="",
                     showline=False, tickvals=list(range(y)))
    _missing_note(fig, [i for i in FIGHTERS_IDS if i not in by_id])
    return _base(fig, 130 + 140 * max(y, 1), showlegend=True,
                 legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0,
                             font=dict(size=BASE_FONT_SIZE)),
                 margin=dict(l=10, r=20, t=50, b=10))


def _add_fighters_range(fig: go.Figure, rng: Mapping, sources: Mapping[str, Mapping], label_width: int) -> None:
    """The source document's estimate in the top row: a thick line from value_low to value_high, both ends
    labelled, with its source, metric, unit and period written above it."""
    lo, hi = rng["value_low"], rng["value_high"]
    fig.add_scatter(
        name="Source document: estimate given as a range", x=[lo, hi], y=[0, 0], mode="lines+markers+text",
        line=dict(color=DOCUMENT_COLOUR, width=12),
        marker=dict(symbol="line-ns", size=28, line=dict(width=4, color=DOCUMENT_COLOUR), color=DOCUMENT_COLOUR),
        text=[f"{number_text(lo)}  ", f"  {number_text(hi)}"], textposition=["middle left", "middle right"],
        textfont=dict(size=BASE_FONT_SIZE + 1, color="#000000"), cliponaxis=False,
        hovertext=[hover_text(rng, sources)] * 2, hovertemplate="%{hovertext}<extra></extra>",
        customdata=[rng["stat_id"]] * 2, meta="range",
    )
    unit_and_period = ", ".join(p for p in (_text(rng["unit"]), _text(rng["period"])) if p)
    _row_label(fig, -0.22, "<br>".join([
        f"<b>Source document</b>: {_wrapped(short_source(rng['source_ids'], sources), label_width - 17)}",
        _wrapped(rng["metric"], label_width),
        f"<b>{_esc(value_text(rng))}</b> " + _wrapped(unit_and_period, label_width),
    ]))


def _add_comparators(fig: go.Figure, comps: Sequence[Mapping], first_y: int, sources: Mapping[str, Mapping]) -> None:
    """The public comparators, one row each from ``first_y`` down: open diamonds in another colour, each row
    labelled with who gave the figure."""
    ys = list(range(first_y, first_y + len(comps)))
    fig.add_scatter(
        name="Comparator: public source, not one of the five source documents",
        x=[r["value"] for r in comps], y=ys, mode="markers+text",
        marker=dict(symbol="diamond-open", size=20, color=COMPARATOR_COLOUR, line=dict(width=3)),
        text=[f"  {number_text(r['value'])}" for r in comps], textposition="middle right", cliponaxis=False,
        textfont=dict(size=BASE_FONT_SIZE + 1, color="#000000"),
        hovertext=[hover_text(r, sources) for r in comps], hovertemplate="%{hovertext}<extra></extra>",
        customdata=[r["stat_id"] for r in comps], meta="comparator",
    )
    for y, r in zip(ys, comps):
        who = COMPARATOR_LABELS.get(r["stat_id"], "Comparator")
        _row_label(fig, y - 0.22, f"<b>{_esc(who)}</b><br>{_esc(value_text(r))} {_wrapped(r['unit'], 50)}")


# ------------------------------------------------------------------ disagreements and reliability
def contradiction_notes(contradictions: pd.DataFrame, alternatives: pd.DataFrame, sources: Mapping[str, Mapping],
                        ids: Iterable[str]) -> list[dict[str, str]]:
    """Recorded disagreements (contradictions table) touching any of these statistics rows, in table order, with the
    other values from the alternatives table."""
    wanted = set(ids)
    out = []
    if contradictions is None or contradictions.empty:
        return out
    for r in contradictions.to_dict("records"):
        if _text(r.get("table")) != "statistics":
            continue
        if wanted & set(split_ids(r.get("record_ids"))):
            cid = _text(r.get("contradiction_id"))
            out.append({"id": cid, "topic": _text(r.get("topic")), "value_used": _text(r.get("value_used")),
                        "alternatives": alt.contradiction_text(alternatives, cid, sources)})
    return out


def disagreement_column(stats: pd.DataFrame, stat_ids: Iterable[str]) -> list[str]:
    """For each stat id: its alternative values with their sources, as one line of text (empty when none)."""
    derived = dict(zip(stats["stat_id"], stats[alt.DERIVED])) if alt.DERIVED in stats else {}
    return [_text(derived.get(i)) for i in stat_ids]


def reliability_text(stats: pd.DataFrame, ids: Iterable[str], sources: Mapping[str, Mapping],
                     comparators: bool = False) -> str:
    """The sources table's reliability note of the main source of the charted rows."""
    notes: list[str] = []
    for row in rows_by_id(stats, ids).values():
        if bool(row.get("comparator")) != comparators:
            continue
        sid = next(iter(split_ids(row.get("source_ids"))), None)
        note = _text((sources.get(sid) or {}).get("reliability")) if sid else ""
        if note and note not in notes:
            notes.append(note)
    return " ".join(notes)


MISSING_CHART = "Chart of figures that are not in the data pack (the statistics table lacks these rows)."


def chart_alt(stats: pd.DataFrame, name: str) -> str:
    """The text alternative of a statistics chart ('age', 'prosecution' or 'fighters'), stating what it draws with
    the numbers of the rows it draws (never typed: a corrected figure changes the sentence with the chart). Rows the
    pack lacks are named."""
    ids, sentence = {"age": (AGE_IDS, _age_alt), "prosecution": (PROSECUTION_IDS, _prosecution_alt),
                     "fighters": (FIGHTERS_IDS, _fighters_alt)}[name]
    return sentence(rows_by_id(chartable(stats), ids))


def _figure_text(row: Mapping) -> str:
    """The value as stated, then its unit: '55%', '445 defendants'."""
    unit = _text(row.get("unit"))
    return f"{value_text(row)}{'%' if unit == '%' else ' ' + unit}".strip()


def _item_text(row: Mapping) -> str:
    return f"{_figure_text(row)}: {_text(row.get('metric'))} ({_text(row.get('period'))})"


def _age_alt(charted: Mapping[str, Mapping]) -> str:
    labels = ((AGE_UNDER_20, "under 20"), (AGE_30_39, "aged 30 to 39"), (AGE_UNDER_40, "under 40 (the reported total)"))
    bands = [f"{_figure_text(charted[i])} {label}" for i, label in labels if i in charted]
    return ("Bar chart of the perpetrators' age shares exactly as reported: " + ", ".join(bands)
            + "; the 20 to 29 band is not reported and is drawn empty.") if bands else MISSING_CHART


def _prosecution_alt(charted: Mapping[str, Mapping]) -> str:
    rows = [charted[i] for i in PROSECUTION_IDS if i in charted]  # drawing order: 'same as above' refers up
    bars = [f"{_figure_text(r)}: {_text(r.get('metric'))} ({period})"
            for r, period in zip(rows, _resolved_periods(rows))]
    return ("Horizontal bar chart of figures given by officials, each over its own period: " + "; ".join(bars)
            + ".") if bars else MISSING_CHART


def _fighters_alt(charted: Mapping[str, Mapping]) -> str:
    rng = charted.get(FIGHTERS_RANGE)
    parts = [f"Range chart: {_text(rng.get('metric'))}, {_figure_text(rng)}, drawn as an interval"] if rng else []
    comps = [_item_text(r) for i, r in charted.items() if i != FIGHTERS_RANGE]
    if comps:
        parts.append("public comparators drawn as separate markers: " + "; ".join(comps))
    return ("; ".join(parts) + ".") if parts else MISSING_CHART


def age_arithmetic(stats: pd.DataFrame) -> str:
    """'55% under 20 + 35% aged 30–39 = 90%, the reported total under 40: that leaves 0% for ages 20–29.'
    Computed from the rows as they are; empty when a row is missing."""
    rows = rows_by_id(stats, AGE_IDS)
    if not all(i in rows for i in AGE_IDS):
        return ""
    u20, b, tot = rows[AGE_UNDER_20]["value"], rows[AGE_30_39]["value"], rows[AGE_UNDER_40]["value"]
    left = tot - u20 - b
    return (f"{number_text(u20)}% under 20 + {number_text(b)}% aged 30{DASH}39 = {number_text(u20 + b)}%; the "
            f"reported total under 40 is {number_text(tot)}%. That leaves {number_text(left)}% for ages 20{DASH}29.")
