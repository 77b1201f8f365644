"""Figures and tables of the Statistics page. Pure builders: no Streamlit, no I/O.

Principles: every figure is drawn exactly as the source states it (qualifier included: "at least", "more than",
ranges as ranges); nothing is derived that the sources do not state (the 20-29 age band is shown as *not reported*,
never as a number); public comparators from outside the five source documents are drawn as separate, visibly
different traces labelled "comparator". Text from the data goes into plotly hover text only after ``html.escape``
(plotly renders a subset of HTML in hover labels and tick labels). Every builder takes the translator ``t`` of the
pack's language: the words around the data in that language, the quotes verbatim with their translation beside them
("Translation: ...") where the pack holds one that differs.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from components.figures.style import BASE_FONT_SIZE, OKABE_ITO, plotly_layout
from components.i18n import ENGLISH, N_, Translator
from components.pack import alternatives as alt
from components.pack.schema import split_ids
from components.pack.sources import source_entries
from components.pack.translate import TRANSLATION_SUFFIX
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
    "st-fighters-abroad-security-council-2015": N_("Comparator: Security Council secretary, July 2015"),
    "st-fighters-syria-knb-2015": N_("Comparator: KNB chair, April 2015"),
}
COMPARATOR = N_("Comparator")  # the label of a comparator the table above does not name

DOCUMENT_COLOUR = OKABE_ITO["blue"]
DOCUMENT_COLOUR_2 = OKABE_ITO["sky"]
TOTAL_COLOUR = OKABE_ITO["orange"]
COMPARATOR_COLOUR = OKABE_ITO["vermillion"]
MISSING_COLOUR = OKABE_ITO["grey"]
DASH = "\u2013"  # en dash for ranges
# Caveat right after the figure it qualifies, then the quote and the source.
# The columns as the builders name them (English); the tables shown carry each header in the language, ``t(col)``.
TABLE_COLUMNS = (N_("Topic"), N_("Metric"), N_("Value"), N_("Unit"), N_("Period"), N_("Flag"), N_("Caveat"),
                 N_("Quote (verbatim)"), N_("Source"), N_("Comparator"), N_("Links"), "stat_id")
# In Kazakh and Russian, the quote's translation, right after the verbatim quote.
QUOTE_TRANSLATION_COLUMN = N_("Quote: translation")
FLAG_WORDS = {"error": N_("error in the document: shown as what it says, never charted as a fact"),
              "inconsistent": N_("does not add up with the figures beside it: charted only with its caveat")}
# A qualifier with its figure, as a whole phrase (the word order differs between languages).
QUALIFIED = {"at least": N_("at least {n}"), "more than": N_("more than {n}"), "about": N_("about {n}")}
# A period given as the one of the row above. In Kazakh and Russian the period is translated: the views mark the rows
# whose English period says so in this column (see ``views.statistics.statistics``).
SAME_AS_ABOVE = "same as above"
SAME_AS_ABOVE_COLUMN = "period_same_as_above"
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


def number_text(value: float, unit: str = "", t: Translator = ENGLISH) -> str:
    """12 -> '12', 16.6 -> '16.6', 51000 -> '51,000'; years stay '2007'. In Kazakh and Russian: '16,6', '51 000'."""
    if is_blank(value):
        return ""
    v = float(value)
    s = str(int(v)) if v.is_integer() else f"{v:g}"
    if v.is_integer() and abs(v) >= 10000 and not unit.lower().startswith(("year", "hour")):
        s = f"{int(v):,}"
    return s if t.lang == ENGLISH.lang else s.replace(",", "\u00a0").replace(".", ",")


def value_text(row: Mapping, t: Translator = ENGLISH) -> str:
    """The figure with its qualifier, as stated: '445', 'at least 2', 'more than 40', 'about 16.6', '200–400'."""
    unit = _text(row.get("unit"))
    qualifier = _text(row.get("qualifier"))
    if qualifier == "range" or (is_blank(row.get("value")) and not is_blank(row.get("value_low"))):
        return f"{number_text(row.get('value_low'), unit, t)}{DASH}{number_text(row.get('value_high'), unit, t)}"
    number = number_text(row.get("value"), unit, t)
    if qualifier in QUALIFIED:
        return t(QUALIFIED[qualifier]).format(n=number)
    return number


def quote_translation(row: Mapping) -> str:
    """The translation of a row's verbatim quote in the pack's language; '' in English, without one, or when it
    reads as the quote itself."""
    text = _text(row.get("quote" + TRANSLATION_SUFFIX))
    return "" if not text.strip() or text.strip() == _text(row.get("quote")).strip() else text


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


def hover_text(row: Mapping, sources: Mapping[str, Mapping], caveat: bool = False, t: Translator = ENGLISH) -> str:
    """Hover label of one figure: metric, value as stated, period, the verbatim quote (and its translation, marked
    as one) and the source (the caveat only on request: the page shows it beside the chart). Every piece of data
    text is html-escaped; only the <b>/<i>/<br> added here are markup."""
    unit = _text(row.get("unit"))
    w = HOVER_WIDTH
    sep = "" if unit == "%" else " "
    parts = [
        f"<b>{_wrapped(row.get('metric'), w)}</b>",
        f"{_esc(value_text(row, t))}{sep}{_wrapped(unit, w)}".strip(),
    ]
    if _text(row.get("period")):
        parts.append(t("Period: {period}").format(period=_wrapped(row.get("period"), w)))
    parts.append(f"<i>\u201c{_wrapped(row.get('quote'), w)}\u201d</i>")
    translation = quote_translation(row)
    if translation:
        parts.append(t("Translation: {text}").format(text=_wrapped(translation, w)))
    src = first_source_text(row.get("source_ids"), sources)
    if src:
        parts.append(t("Source: {source}").format(source=_wrapped(src, w)))
    if caveat and _text(row.get("caveat")):
        parts.append(t("Caveat: {caveat}").format(caveat=_wrapped(row.get("caveat"), w)))
    if bool(row.get("comparator")):
        parts.append("<b>" + t("Comparator: not from the five source documents") + "</b>")
    return "<br>".join(parts)


# ------------------------------------------------------------------ row access
def rows_by_id(stats: pd.DataFrame, ids: Iterable[str]) -> dict[str, dict]:
    """The rows with these stat_ids, as dicts; missing ids are simply absent."""
    wanted = list(ids)
    sub = stats[stats["stat_id"].isin(wanted)]
    return {r["stat_id"]: r for r in sub.to_dict("records")}


def is_same_as_above(row: Mapping) -> bool:
    """Whether a row's period is given as 'same as above' (in English, or marked so in a translated pack)."""
    marked = row.get(SAME_AS_ABOVE_COLUMN)
    return (not is_blank(marked) and bool(marked)) or _text(row.get("period")).strip().lower() == SAME_AS_ABOVE


def _resolved_periods(rows: Sequence[Mapping]) -> list[str]:
    """Periods in drawing order; 'same as above' takes the period of the row drawn just before it."""
    out: list[str] = []
    for row in rows:
        period = _text(row.get("period"))
        if is_same_as_above(row) and out:
            period = out[-1]
        out.append(period)
    return out


def _missing_note(fig: go.Figure, missing: Sequence[str], t: Translator = ENGLISH) -> None:
    if missing:
        fig.add_annotation(text=t("Not in the data pack: {ids}").format(ids=_esc(", ".join(missing))), xref="paper",
                           yref="paper", x=0, y=-0.12, showarrow=False, xanchor="left",
                           font=dict(size=BASE_FONT_SIZE - 1, color=OKABE_ITO["vermillion"]))


# ------------------------------------------------------------------ tables
def stat_rows(stats: pd.DataFrame, sources: Mapping[str, Mapping], ids: Sequence[str] | None = None,
              t: Translator = ENGLISH) -> pd.DataFrame:
    """Readable rows for the page: topic, metric, value as stated (with qualifier), unit, period, sources, the
    verbatim quote, the caveat, whether it is a comparator, links and the row id. ``ids`` keeps that order. The
    columns keep their English names (``TABLE_COLUMNS``); the values are in the language of ``t``, and in Kazakh and
    Russian the quote's translation follows it (``QUOTE_TRANSLATION_COLUMN``, blank where it reads the same)."""
    if ids is not None:
        by_id = rows_by_id(stats, ids)
        records = [by_id[i] for i in ids if i in by_id]
    else:
        records = stats.to_dict("records")
    out = [
        {
            "Topic": _text(t.value("topic", _text(r.get("topic")))),
            "Metric": _text(r.get("metric")),
            "Value": value_text(r, t),
            "Unit": _text(r.get("unit")),
            "Period": _text(r.get("period")),
            "Flag": t(FLAG_WORDS.get(_text(r.get("flag")), "")),
            "Source": source_text(r.get("source_ids"), sources),
            "Quote (verbatim)": _text(r.get("quote")),
            QUOTE_TRANSLATION_COLUMN: quote_translation(r),
            "Caveat": _text(r.get("caveat")),
            "Comparator": t("yes: not a source document") if bool(r.get("comparator")) else t("no"),
            "Links": source_links(r.get("source_ids"), sources),
            "stat_id": _text(r.get("stat_id")),
        }
        for r in records
    ]
    columns = list(TABLE_COLUMNS)
    if t.lang != ENGLISH.lang:
        columns.insert(columns.index("Quote (verbatim)") + 1, QUOTE_TRANSLATION_COLUMN)
    return pd.DataFrame(out, columns=columns)


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


# The age chart's rows (its y categories, in English); their labels on the axis are in the language (``age_rows``).
AGE_ROW_U20 = "Under 20"
AGE_ROW_2029 = "20\u201329"
AGE_ROW_3039 = "30\u201339"
AGE_ROW_SUM = "Under 20 + 30\u201339<br><i>(the two bands added)</i>"
AGE_ROW_TOTAL = "Under 40<br><i>(total as reported)</i>"
AGE_ROWS = (AGE_ROW_U20, AGE_ROW_2029, AGE_ROW_3039, AGE_ROW_SUM, AGE_ROW_TOTAL)


def age_rows(t: Translator = ENGLISH) -> list[str]:
    """The labels of AGE_ROWS in the language of ``t`` (AGE_ROWS themselves in English)."""
    return [t("Under 20"), AGE_ROW_2029, AGE_ROW_3039,
            f"{t('Under 20 + 30–39')}<br><i>{t('(the two bands added)')}</i>",
            f"{t('Under 40')}<br><i>{t('(total as reported)')}</i>"]


def make_age_figure(stats: pd.DataFrame, sources: Mapping[str, Mapping] | None = None,
                    t: Translator = ENGLISH) -> go.Figure:
    """Perpetrator age shares exactly as reported (document 004): 55% under 20, 35% aged 30-39, and the reported
    total 90% under 40, as horizontal bars. The 20-29 band is not reported: its row is an empty dashed frame marked
    'not reported', never a bar or a number of its own. Below the bands, the two reported bands are stacked
    (55 + 35) next to the reported total so the reader sees that they already make up the whole 90%."""
    sources = sources or {}
    rows = rows_by_id(stats, AGE_IDS)
    fig = go.Figure()
    u20, b3039, total = rows.get(AGE_UNDER_20), rows.get(AGE_30_39), rows.get(AGE_UNDER_40)
    if u20 is not None:
        _add_age_band(fig, u20, t("Under 20 (reported)"), AGE_ROW_U20, stacked=b3039 is not None, sources=sources,
                      marker=dict(color=DOCUMENT_COLOUR, line=dict(color="#000000", width=1)),
                      text_colour="#FFFFFF", t=t)
    if b3039 is not None:
        _add_age_band(fig, b3039, t("30–39 (reported)"), AGE_ROW_3039, stacked=u20 is not None, sources=sources,
                      marker=dict(color=DOCUMENT_COLOUR_2, line=dict(color="#000000", width=1),
                                  pattern=dict(shape=".", fgcolor="#000000", fgopacity=0.3, size=6)),
                      text_colour="#000000", t=t)
    if total is not None:
        _add_age_total(fig, total, sources, t)
    _add_not_reported_row(fig, u20, b3039, total, t)
    # A dotted divider between the three bands and the two totals below them.
    fig.add_hline(y=2.5, line=dict(color="#555555", width=1, dash="dot"))
    _missing_note(fig, [i for i in AGE_IDS if i not in rows], t)
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=list(AGE_ROWS), autorange="reversed",
                     tickmode="array", tickvals=list(AGE_ROWS), ticktext=age_rows(t), automargin=True,
                     title_text="")
    fig.update_xaxes(range=[0, 101], title_text=t("Share of terrorists, as reported"),
                     ticksuffix="%", dtick=20)
    return _base(fig, 400, barmode="stack", bargap=0.3, showlegend=False, margin=dict(l=10, r=30, t=10, b=10))


def _add_age_band(fig: go.Figure, row: Mapping, name: str, band_row: str, stacked: bool,
                  sources: Mapping[str, Mapping], marker: dict, text_colour: str, t: Translator = ENGLISH) -> None:
    """A reported age band as a bar in its own row and, when the other band is reported too (``stacked``), once more
    in the row where the two bands are added."""
    ys = [band_row] + ([AGE_ROW_SUM] if stacked else [])
    fig.add_bar(
        name=name, orientation="h", y=ys, x=[row["value"]] * len(ys), marker=marker,
        text=[f"{number_text(row['value'], t=t)}%"] * len(ys), textposition="inside", insidetextanchor="middle",
        textangle=0, textfont=dict(size=BASE_FONT_SIZE + 1, color=text_colour),
        hovertext=[hover_text(row, sources, t=t)] * len(ys), hovertemplate="%{hovertext}<extra></extra>",
        customdata=[row["stat_id"]] * len(ys), meta="age-band",
    )


def _add_age_total(fig: go.Figure, total: Mapping, sources: Mapping[str, Mapping], t: Translator = ENGLISH) -> None:
    """The reported total under 40: a hatched, outlined bar in its own row, labelled as the reported total."""
    fig.add_bar(
        name=t("Under 40 (reported total)"), orientation="h", y=[AGE_ROW_TOTAL], x=[total["value"]],
        marker=dict(color="#FFFFFF", line=dict(color=TOTAL_COLOUR, width=3),
                    pattern=dict(shape="/", fgcolor=TOTAL_COLOUR, size=10, solidity=0.3)),
        text=[t("{n}% (reported total)").format(n=number_text(total["value"], t=t))], textposition="inside",
        textangle=0, cliponaxis=False, textfont=dict(size=BASE_FONT_SIZE + 1, color="#000000"),
        hovertext=[hover_text(total, sources, t=t)], hovertemplate="%{hovertext}<extra></extra>",
        customdata=[total["stat_id"]], meta="age-total",
    )


def _add_not_reported_row(fig: go.Figure, u20: Mapping | None, b3039: Mapping | None,
                          total: Mapping | None, t: Translator = ENGLISH) -> None:
    """The 20-29 row: an empty dashed grey frame with words; no bar, no number of its own. With all three rows, the
    words show what the total leaves for it."""
    fig.add_shape(type="rect", xref="x", yref="y", x0=0, x1=100, y0=0.46, y1=1.54,
                  line=dict(color=MISSING_COLOUR, width=2, dash="dash"), fillcolor="rgba(153,153,153,0.08)",
                  layer="below")
    implied = ""
    if total is not None and u20 is not None and b3039 is not None:
        left = total["value"] - u20["value"] - b3039["value"]
        sentence = t("{total} − {under_20} − {aged_30_39} leaves {left}%: implausible").format(
            total=number_text(total["value"], t=t), under_20=number_text(u20["value"], t=t),
            aged_30_39=number_text(b3039["value"], t=t), left=number_text(left, t=t))
        # the verdict on a line of its own: on one line the Russian and Kazakh words are wider than the frame
        implied = "<br>" + ":<br>".join(part.strip() for part in sentence.rsplit(":", 1))
    fig.add_annotation(x=50, y=AGE_ROW_2029, xref="x", yref="y", showarrow=False, align="center",
                       text=f"<b>{t('not reported')}</b>{implied}",  # three lines: they fit the slide's lower rows
                       font=dict(size=BASE_FONT_SIZE - 1, color="#222222"))


def _row_label(fig: go.Figure, y: float, text: str) -> None:
    """A row's label written above its bar, left-aligned across the full plot width (legible in narrow columns,
    where tick labels would squeeze the bars)."""
    fig.add_annotation(x=0, xref="paper", y=y, yref="y", yshift=-6, text=text, showarrow=False, xanchor="left",
                       yanchor="bottom", align="left", font=dict(size=BASE_FONT_SIZE, color="#14171A"))


def make_prosecution_figure(stats: pd.DataFrame, sources: Mapping[str, Mapping] | None = None,
                            label_width: int = 58, t: Translator = ENGLISH) -> go.Figure:
    """Convictions, foiled plots, prevented departures, extraditions and returns as horizontal bars. Each row is
    labelled with its metric and its own period (the periods differ); the value as stated sits on the bar."""
    sources = sources or {}
    by_id = rows_by_id(stats, PROSECUTION_IDS)
    rows = [by_id[i] for i in PROSECUTION_IDS if i in by_id]
    periods = _resolved_periods(rows)
    ys = list(range(len(rows)))
    fig = go.Figure()
    fig.add_bar(
        name=t("Figure as reported (document 004)"), orientation="h", x=[r["value"] for r in rows], y=ys,
        width=0.38, text=[f"{_esc(value_text(r, t))} {_esc(r['unit'])}" for r in rows], textposition="outside",
        textangle=0, cliponaxis=False, textfont=dict(size=BASE_FONT_SIZE + 1, color="#000000"),
        marker=dict(color=DOCUMENT_COLOUR, line=dict(color="#000000", width=1)),
        hovertext=[hover_text(r, sources, t=t) for r in rows], hovertemplate="%{hovertext}<extra></extra>",
        customdata=[r["stat_id"] for r in rows],
    )
    for y, row, period in zip(ys, rows, periods):
        _row_label(fig, y - 0.22, f"<b>{_wrapped(row['metric'], label_width)}</b><br>"
                                  "<i>" + t("Period: {period}").format(period=_wrapped(period, label_width - 8))
                                  + "</i>")
    top = max([r["value"] for r in rows] or [1])
    fig.update_yaxes(autorange=False, range=[len(rows) - 0.6, -1.0], showticklabels=False, ticks="",
                     showline=False, tickvals=ys)
    # wrapped: the Russian and Kazakh titles are wider than the chart
    fig.update_xaxes(range=[0, top * 1.35], title_text="<br>".join(
        textwrap.wrap(t("Number as reported (each bar: its own period and unit)"), 56)))
    _missing_note(fig, [i for i in PROSECUTION_IDS if i not in by_id], t)
    return _base(fig, 90 + 125 * max(len(rows), 1), showlegend=False, margin=dict(l=10, r=20, t=10, b=10))


def make_foreign_fighters_figure(stats: pd.DataFrame, sources: Mapping[str, Mapping] | None = None,
                                 label_width: int = 58, t: Translator = ENGLISH) -> go.Figure:
    """The source document's estimate as an interval (value_low to value_high), and the public comparators as
    separate, differently shaped markers on their own rows, labelled 'comparator'."""
    sources = sources or {}
    by_id = rows_by_id(stats, FIGHTERS_IDS)
    fig = go.Figure()
    rng = by_id.get(FIGHTERS_RANGE)
    if rng is not None:
        _add_fighters_range(fig, rng, sources, label_width, t)
    y = 0 if rng is None else 1  # rows drawn so far
    comps = [by_id[i] for i in FIGHTERS_COMPARATORS if i in by_id]
    if comps:
        _add_comparators(fig, comps, y, sources, t)
        if rng is not None:
            # a divider between the source document's row and the comparators' rows
            fig.add_hline(y=y - 0.68, line=dict(color="#555555", width=1.5, dash="dot"))
        y += len(comps)
    highs = ([rng["value_high"]] if rng is not None else []) + [r["value"] for r in comps]
    fig.update_xaxes(range=[0, max(highs or [1]) * 1.25], title_text=t("Kazakhstanis (as stated in each source)"))
    fig.update_yaxes(autorange=False, range=[max(y, 1) - 0.55, -1.05], showticklabels=False, ticks="",
                     showline=False, tickvals=list(range(y)))
    _missing_note(fig, [i for i in FIGHTERS_IDS if i not in by_id], t)
    return _base(fig, 130 + 140 * max(y, 1), showlegend=True,
                 legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0,
                             font=dict(size=BASE_FONT_SIZE)),
                 margin=dict(l=10, r=20, t=50, b=10))


def _add_fighters_range(fig: go.Figure, rng: Mapping, sources: Mapping[str, Mapping], label_width: int,
                        t: Translator = ENGLISH) -> None:
    """The source document's estimate in the top row: a thick line from value_low to value_high, both ends
    labelled, with its source, metric, unit and period written above it."""
    lo, hi = rng["value_low"], rng["value_high"]
    fig.add_scatter(
        name=t("Source document: estimate given as a range"), x=[lo, hi], y=[0, 0], mode="lines+markers+text",
        line=dict(color=DOCUMENT_COLOUR, width=12),
        marker=dict(symbol="line-ns", size=28, line=dict(width=4, color=DOCUMENT_COLOUR), color=DOCUMENT_COLOUR),
        text=[f"{number_text(lo, t=t)}  ", f"  {number_text(hi, t=t)}"], textposition=["middle left", "middle right"],
        textfont=dict(size=BASE_FONT_SIZE + 1, color="#000000"), cliponaxis=False,
        hovertext=[hover_text(rng, sources, t=t)] * 2, hovertemplate="%{hovertext}<extra></extra>",
        customdata=[rng["stat_id"]] * 2, meta="range",
    )
    unit_and_period = ", ".join(p for p in (_text(rng["unit"]), _text(rng["period"])) if p)
    _row_label(fig, -0.22, "<br>".join([
        f"<b>{t('Source document')}</b>: {_wrapped(short_source(rng['source_ids'], sources), label_width - 17)}",
        _wrapped(rng["metric"], label_width),
        f"<b>{_esc(value_text(rng, t))}</b> " + _wrapped(unit_and_period, label_width),
    ]))


def _add_comparators(fig: go.Figure, comps: Sequence[Mapping], first_y: int, sources: Mapping[str, Mapping],
                     t: Translator = ENGLISH) -> None:
    """The public comparators, one row each from ``first_y`` down: open diamonds in another colour, each row
    labelled with who gave the figure."""
    ys = list(range(first_y, first_y + len(comps)))
    fig.add_scatter(
        name=t("Comparator: public source, not one of the five source documents"),
        x=[r["value"] for r in comps], y=ys, mode="markers+text",
        marker=dict(symbol="diamond-open", size=20, color=COMPARATOR_COLOUR, line=dict(width=3)),
        text=[f"  {number_text(r['value'], t=t)}" for r in comps], textposition="middle right", cliponaxis=False,
        textfont=dict(size=BASE_FONT_SIZE + 1, color="#000000"),
        hovertext=[hover_text(r, sources, t=t) for r in comps], hovertemplate="%{hovertext}<extra></extra>",
        customdata=[r["stat_id"] for r in comps], meta="comparator",
    )
    for y, r in zip(ys, comps):
        who = t(COMPARATOR_LABELS.get(r["stat_id"], COMPARATOR))
        _row_label(fig, y - 0.22, f"<b>{_esc(who)}</b><br>{_esc(value_text(r, t))} {_wrapped(r['unit'], 50)}")


# ------------------------------------------------------------------ disagreements and reliability
def contradiction_notes(contradictions: pd.DataFrame, alternatives: pd.DataFrame, sources: Mapping[str, Mapping],
                        ids: Iterable[str], t: Translator = ENGLISH) -> list[dict[str, str]]:
    """Recorded disagreements (contradictions table) touching any of these statistics rows, in table order, with the
    other values from the alternatives table (worded in the language of ``t``)."""
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
                        "alternatives": alt.summary_text(alt.contradiction_alternatives(alternatives, cid), sources,
                                                         t)})
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


MISSING_CHART = N_("Chart of figures that are not in the data pack (the statistics table lacks these rows).")


def chart_alt(stats: pd.DataFrame, name: str, t: Translator = ENGLISH) -> str:
    """The text alternative of a statistics chart ('age', 'prosecution' or 'fighters'), stating what it draws with
    the numbers of the rows it draws (never typed: a corrected figure changes the sentence with the chart). Rows the
    pack lacks are named."""
    ids, sentence = {"age": (AGE_IDS, _age_alt), "prosecution": (PROSECUTION_IDS, _prosecution_alt),
                     "fighters": (FIGHTERS_IDS, _fighters_alt)}[name]
    return sentence(rows_by_id(chartable(stats), ids), t)


def _figure_text(row: Mapping, t: Translator = ENGLISH) -> str:
    """The value as stated, then its unit: '55%', '445 defendants'."""
    unit = _text(row.get("unit"))
    return f"{value_text(row, t)}{'%' if unit == '%' else ' ' + unit}".strip()


def _item_text(row: Mapping, t: Translator = ENGLISH) -> str:
    return f"{_figure_text(row, t)}: {_text(row.get('metric'))} ({_text(row.get('period'))})"


# The age bands in the chart's text alternative: each share with its band, as a whole phrase.
AGE_ALT_BANDS = ((AGE_UNDER_20, N_("{figure} under 20")), (AGE_30_39, N_("{figure} aged 30 to 39")),
                 (AGE_UNDER_40, N_("{figure} under 40 (the reported total)")))


def _age_alt(charted: Mapping[str, Mapping], t: Translator = ENGLISH) -> str:
    bands = [t(label).format(figure=_figure_text(charted[i], t)) for i, label in AGE_ALT_BANDS if i in charted]
    return t("Bar chart of the perpetrators' age shares exactly as reported: {bands}; the 20 to 29 band is not "
             "reported and is drawn empty.").format(bands=", ".join(bands)) if bands else t(MISSING_CHART)


def _prosecution_alt(charted: Mapping[str, Mapping], t: Translator = ENGLISH) -> str:
    rows = [charted[i] for i in PROSECUTION_IDS if i in charted]  # drawing order: 'same as above' refers up
    bars = [f"{_figure_text(r, t)}: {_text(r.get('metric'))} ({period})"
            for r, period in zip(rows, _resolved_periods(rows))]
    return t("Horizontal bar chart of figures given by officials, each over its own period: {bars}.").format(
        bars="; ".join(bars)) if bars else t(MISSING_CHART)


def _fighters_alt(charted: Mapping[str, Mapping], t: Translator = ENGLISH) -> str:
    rng = charted.get(FIGHTERS_RANGE)
    parts = [t("Range chart: {metric}, {figure}, drawn as an interval").format(
        metric=_text(rng.get("metric")), figure=_figure_text(rng, t))] if rng else []
    comps = [_item_text(r, t) for i, r in charted.items() if i != FIGHTERS_RANGE]
    if comps:
        parts.append(t("public comparators drawn as separate markers: {items}").format(items="; ".join(comps)))
    return ("; ".join(parts) + ".") if parts else t(MISSING_CHART)


def age_arithmetic(stats: pd.DataFrame, t: Translator = ENGLISH) -> str:
    """'55% under 20 + 35% aged 30–39 = 90%, the reported total under 40: that leaves 0% for ages 20–29.'
    Computed from the rows as they are; empty when a row is missing."""
    rows = rows_by_id(stats, AGE_IDS)
    if not all(i in rows for i in AGE_IDS):
        return ""
    u20, b, tot = rows[AGE_UNDER_20]["value"], rows[AGE_30_39]["value"], rows[AGE_UNDER_40]["value"]
    left = tot - u20 - b
    return t("{under_20}% under 20 + {aged_30_39}% aged 30–39 = {sum}%; the reported total under 40 is {total}%. "
             "That leaves {left}% for ages 20–29.").format(
        under_20=number_text(u20, t=t), aged_30_39=number_text(b, t=t), sum=number_text(u20 + b, t=t),
        total=number_text(tot, t=t), left=number_text(left, t=t))
