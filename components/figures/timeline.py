"""Builder of the policy timeline page's figure: lanes of policy milestones, an incidents lane and the approximate
phases as labelled bars, and the sentences that describe it (``aggregated_incidents``, ``figure_alt``). Pure code:
DataFrames in, a plotly Figure or text out; no Streamlit, no I/O. The page's tables (its 'View as table', the
banned organisations and their counts) are built in ``timeline_tables`` and re-exported here (the
``import X as X`` lines), so that callers keep using ``timeline.X``.

Honesty rules carried by the figure:
- a date that is only known to the month or year, or is approximate, is drawn with an open marker with a dot and
  says so in its hover ("May 2007 (month only)");
- an incident whose victims are unknown is drawn as an open star of fixed size, never as a marker of size 0;
- phases are approximate readings of the 2018 Karaganda article and are labelled "approx.";
- notes and disagreements between sources are in the hover of the item they concern;
- every text from the data is HTML-escaped before it reaches plotly (which renders some tags in hovers).
"""

from __future__ import annotations

import html
import math
import re
import textwrap
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go
from babel.dates import format_date

from components.figures import style
from components.figures.style import lane_of
from components.figures.timeline_tables import BANS_COLUMNS as BANS_COLUMNS
from components.figures.timeline_tables import TABLE_COLUMNS as TABLE_COLUMNS
from components.figures.timeline_tables import ban_count_disagreement as ban_count_disagreement
from components.figures.timeline_tables import ban_sentence, bans_by_policy, in_years, victims_text
from components.figures.timeline_tables import bans_table as bans_table
from components.figures.timeline_tables import decisions_count as decisions_count
from components.figures.timeline_tables import phases_covering as phases_covering
from components.figures.timeline_tables import timeline_table as timeline_table
from components.i18n import ENGLISH, N_, Translator
from components.pack import alternatives as alt
from components.pack.values import is_blank
from components.text import escape_plotly

INCIDENTS = style.INCIDENTS_LANE
PHASE_SETS = ("terrorism", "response")
PHASE_ROW_NAMES = {"terrorism": N_("Terrorism phases (approx.)"), "response": N_("Response phases (approx.)")}
PHASE_LINES = {"terrorism": "rgba(213, 94, 0, 0.7)", "response": "rgba(0, 114, 178, 0.7)"}
# Fills of the phase bars, translucent under the labels written on them.
PHASE_BAR_FILLS = {"terrorism": "rgba(213, 94, 0, 0.28)", "response": "rgba(0, 114, 178, 0.24)"}
IMPRECISE = ("month", "year", "approximate")

# Unicode stand-ins of the plotly symbols, shown before each lane name so that the axis doubles as a legend.
SYMBOL_GLYPHS = {"square": "■", "x": "✕", "diamond": "◆", "triangle-up": "▲", "circle": "●", "circle-open": "○",
                 "star": "★"}

# Geometry. The narrowest plot area expected (1280 px wide screen with the sidebar open) sets how far apart two
# markers must be, in days, before they can share a row of their lane.
PLOT_PX = 700
MARKER_PX = 16
CHAR_PX = 8  # average width of a character of the 14-15 px font
LANE_HEIGHT = 1.0
INCIDENT_LANE_HEIGHT = 3.2
PHASE_SUBROW_HEIGHT = 0.5
MAX_SLOTS = {INCIDENTS: 8}
DEFAULT_MAX_SLOTS = 5
POLICY_MARKER_SIZE = 14
UNKNOWN_VICTIMS_SIZE = 16
HOVER_WRAP = 70
LANE_LABEL_WRAP = 18  # characters per line of a lane's name on the y axis
HOVER_MAX_CHARS = 420
# Above this many incidents in the years shown, the incidents row is drawn as one circle per period (month, quarter
# or year, whichever keeps the circles apart) sized by its number of incidents instead of one star per incident.
INCIDENT_LIMIT = 1000
BIN_SIZE_MAX = 26  # marker diameter (px) of the fullest period
BIN_SIZE_MIN = 5

# The sentences that name the period the incidents are counted by, one per period (its word changes with the
# sentence in Kazakh and Russian).
BINS_LEGEND = {"month": N_("Incidents per month (area: number of incidents)"),
               "quarter": N_("Incidents per quarter (area: number of incidents)"),
               "year": N_("Incidents per year (area: number of incidents)")}
AGGREGATED = {
    "month": N_("The {n} incidents are too many to draw one by one: the incidents row shows one circle per month "
                "with incidents, its area proportional to their number (hover for the count and the victims killed). "
                "Narrow the filters below {limit} incidents to see each incident."),
    "quarter": N_("The {n} incidents are too many to draw one by one: the incidents row shows one circle per "
                  "quarter with incidents, its area proportional to their number (hover for the count and the "
                  "victims killed). Narrow the filters below {limit} incidents to see each incident."),
    "year": N_("The {n} incidents are too many to draw one by one: the incidents row shows one circle per year "
               "with incidents, its area proportional to their number (hover for the count and the victims killed). "
               "Narrow the filters below {limit} incidents to see each incident."),
}
ALT = {
    "": N_("Timeline {start}-{end} with one row per kind of policy milestone ({lanes}) and a row of incidents: "
           "{counts} and {incidents}. Two rows of bars above show the approximate phases of terrorism and of the "
           "state's response from the 2018 Karaganda article. The same items are listed in 'View as table'."),
    "month": N_("Timeline {start}-{end} with one row per kind of policy milestone ({lanes}) and a row of incidents "
                "counted per month (circles sized by the number): {counts} and {incidents}. Two rows of bars above "
                "show the approximate phases of terrorism and of the state's response from the 2018 Karaganda "
                "article. The same items are listed in 'View as table'."),
    "quarter": N_("Timeline {start}-{end} with one row per kind of policy milestone ({lanes}) and a row of "
                  "incidents counted per quarter (circles sized by the number): {counts} and {incidents}. Two rows "
                  "of bars above show the approximate phases of terrorism and of the state's response from the 2018 "
                  "Karaganda article. The same items are listed in 'View as table'."),
    "year": N_("Timeline {start}-{end} with one row per kind of policy milestone ({lanes}) and a row of incidents "
               "counted per year (circles sized by the number): {counts} and {incidents}. Two rows of bars above "
               "show the approximate phases of terrorism and of the state's response from the 2018 Karaganda "
               "article. The same items are listed in 'View as table'."),
}


# ---------------------------------------------------------------------------------------------------- text helpers
_esc = escape_plotly  # data text in hovers and labels (plotly renders <b>, <a>, <br> ...)


def _wrap(value: object, width: int = HOVER_WRAP, limit: int | None = None, t: Translator = ENGLISH) -> str:
    """Wrap data text into escaped hover lines joined by <br> (escaping after wrapping keeps entities whole)."""
    if is_blank(value):
        return ""
    s = " ".join(str(value).split())
    if limit is not None and len(s) > limit:
        s = s[:limit].rsplit(" ", 1)[0] + " " + t("… (full text in the details)")
    lines = textwrap.wrap(s, width, break_on_hyphens=False, break_long_words=False)
    return "<br>".join(escape_plotly(line) for line in lines)


def _upper_first(text: str) -> str:
    """'court ban' -> 'Court ban' (the rest as it is: a label may hold capitals of its own)."""
    return text[:1].upper() + text[1:]


def _lane_label(name: str, colour: str | None = None, symbol: str | None = None) -> str:
    """Axis label of a lane: its marker glyph in its colour, then the name (wrapped after LANE_LABEL_WRAP
    characters; a longer word keeps a line of its own)."""
    text = "<br>".join(textwrap.wrap(name, LANE_LABEL_WRAP, break_on_hyphens=False, break_long_words=False))
    if colour and symbol in SYMBOL_GLYPHS:
        text = f'<span style="color:{colour}">{SYMBOL_GLYPHS[symbol]}</span> ' + text
    return text


def plain_label(label: str) -> str:
    """An axis label without its glyph and line breaks (for tests and alt text)."""
    text = re.sub(r"<span[^>]*>.*?</span>\s*", "", label).replace("<br>", " ")
    return html.unescape(text).strip()


# ---------------------------------------------------------------------------------------------------- x axis
def _x_range(years: tuple[int, int]) -> tuple[pd.Timestamp, pd.Timestamp]:
    start, end = pd.Timestamp(years[0], 1, 1), pd.Timestamp(years[1], 12, 31)
    pad = pd.Timedelta(days=max(10, round((end - start).days * 0.012)))
    return start - pad, end + pad


def _days_per_px(years: tuple[int, int]) -> float:
    lo, hi = _x_range(years)
    return (hi - lo).days / PLOT_PX


# ---------------------------------------------------------------------------------------------------- layout
def sub_rows(positions: Iterable[float], min_gap: float, max_rows: int) -> list[int]:
    """Sub-row of each marker (positions in drawing order, any unit): the first sub-row whose last marker is at least
    ``min_gap`` away; when none is and no sub-row is left, the one whose last marker is furthest away.
    Shared by the interactive timeline and the briefing pack's image so both stack markers the same way."""
    last: list[float] = []
    out: list[int] = []
    for x in positions:
        chosen = next((i for i, prev in enumerate(last) if x - prev >= min_gap), None)
        if chosen is None:
            if len(last) < max_rows:
                last.append(x)
                chosen = len(last) - 1
            else:
                chosen = min(range(len(last)), key=lambda i: last[i])
        last[chosen] = x
        out.append(chosen)
    return out


def centre_out_offsets(rows: list[int], spread: float) -> list[float]:
    """Vertical offset of each sub-row, filling from the lane's centre outwards (0, +1, -1, +2, -2 ...), the outermost
    sub-row ``spread`` away from the centre."""
    n = max(rows, default=0) + 1
    if n == 1:
        return [0.0 for _ in rows]
    step = spread / math.ceil((n - 1) / 2)
    return [0.0 if k == 0 else (1 if k % 2 else -1) * step * ((k + 1) // 2) for k in rows]


def _day_numbers(dates: Iterable[pd.Timestamp]) -> list[float]:
    return [d.value / 86_400e9 for d in dates]


def _spread(height: float) -> float:
    return (0.36 if height <= LANE_HEIGHT else 0.42) * height


def _row_layout(n_phase_subrows: dict[str, int], lanes: list[str]) -> dict[str, tuple[float, float]]:
    """Centre and height of every row, top to bottom (y decreases downwards)."""
    rows: list[tuple[str, float]] = []
    for s in PHASE_SETS:
        if n_phase_subrows.get(s):
            rows.append((f"phase:{s}", max(LANE_HEIGHT, PHASE_SUBROW_HEIGHT * n_phase_subrows[s])))
    rows += [(lane, INCIDENT_LANE_HEIGHT if lane == INCIDENTS else LANE_HEIGHT) for lane in lanes]
    out: dict[str, tuple[float, float]] = {}
    cursor = 0.0
    for name, h in rows:
        out[name] = (-(cursor + h / 2), h)
        cursor += h
    return out


def _phase_items(phases: pd.DataFrame, years: tuple[int, int]) -> dict[str, list[dict]]:
    """Phases overlapping the years, clipped to them, with their label position and sub-row."""
    out: dict[str, list[dict]] = {s: [] for s in PHASE_SETS}
    if phases is None or phases.empty:
        return out
    x_lo, x_hi = _x_range(years)
    dpp = _days_per_px(years)
    for s in PHASE_SETS:
        rows = phases[phases["phase_set"] == s].sort_values(["start_year", "order"])
        items = []
        for r in rows.to_dict("records"):
            if is_blank(r["start_year"]) or is_blank(r["end_year"]):
                continue
            if int(r["end_year"]) < years[0] or int(r["start_year"]) > years[1]:
                continue
            x0 = max(pd.Timestamp(int(r["start_year"]), 1, 1), x_lo)
            x1 = min(pd.Timestamp(int(r["end_year"]), 12, 31), x_hi)
            half = pd.Timedelta(days=(len(str(r["label"])) * CHAR_PX + 12) * dpp / 2)
            centre = x0 + (x1 - x0) / 2
            lx0, lx1 = centre - half, centre + half
            if lx0 < x_lo:  # keep the label inside the plot
                lx0, lx1 = x_lo, x_lo + 2 * half
            if lx1 > x_hi:
                lx0, lx1 = x_hi - 2 * half, x_hi
            items.append({**r, "x0": x0, "x1": x1, "label_x": lx0 + (lx1 - lx0) / 2,
                          "extent": (min(x0, lx0), max(x1, lx1))})
        last_end: list[pd.Timestamp] = []
        for it in items:  # greedy sub-rows so that neither bars nor labels overlap
            lo, hi = it["extent"]
            slot = next((i for i, end in enumerate(last_end) if end < lo), None)
            if slot is None:
                last_end.append(hi)
                slot = len(last_end) - 1
            last_end[slot] = hi
            it["slot"] = slot
        out[s] = items
    return out


# ---------------------------------------------------------------------------------------------------- hover texts
def policy_hover(row: dict, bans: pd.DataFrame | None = None, t: Translator = ENGLISH) -> str:
    lane = lane_of(row.get("category"))
    lines = [f"<b>{_wrap(row.get('title'))}</b>",
             _esc(t.date(row["date"], row["date_precision"])),
             t("{category} · lane: {lane}").format(category=_upper_first(_esc(t.value("category", row.get("category")))),
                                                  lane=_esc(t(lane)))]
    if not is_blank(row.get("date_note")):
        lines.append(t("Date: {note}").format(note=_wrap(row["date_note"])))
    if bans is not None and not bans.empty:
        lines.append(_wrap(ban_sentence(bans, t)))
    if not is_blank(row.get("notes")):
        lines.append(f"<i>{t('Notes:')}</i> " + _wrap(row["notes"], limit=HOVER_MAX_CHARS, t=t))
    if not is_blank(row.get(alt.DERIVED)):
        lines.append(f"<i>{t('Sources disagree:')}</i> " + _wrap(row[alt.DERIVED], limit=HOVER_MAX_CHARS, t=t))
    lines.append(t("Click for the full record and its sources."))
    return "<br>".join(lines)


def event_hover(row: dict, t: Translator = ENGLISH) -> str:
    lines = ["<b>" + t("Incident: {place} ({region})").format(place=_esc(row.get("place")),
                                                           region=_esc(t.value("region", row.get("region")))) + "</b>",
             _esc(t.date(row["date"], row["date_precision"]))]
    if not is_blank(row.get("date_note")):
        lines.append(t("Date: {note}").format(note=_wrap(row["date_note"])))
    kind = _upper_first(_esc(t.value("event_type", row.get("event_type"))))
    desc = _esc(row.get("attack_description"))
    lines.append(f"{kind}: {desc}" if desc else kind)
    lines.append(t("Victims killed (excl. perpetrators): {n}").format(n=_esc(victims_text(row.get("killed"), t))))
    lines.append(t("Classification: {classification}").format(
        classification=_esc(t.value("classification", row.get("classification")))))
    if not is_blank(row.get("disagreements")):
        lines.append(f"<i>{t('Sources disagree:')}</i> " + _wrap(row["disagreements"], limit=HOVER_MAX_CHARS, t=t))
    lines.append(t("Click for the full record and its sources."))
    return "<br>".join(lines)


def phase_hover(row: dict, t: Translator = ENGLISH) -> str:
    kind = (t("Terrorism phase {order}, approx. {start}-{end}") if row["phase_set"] == "terrorism"
            else t("Phase of the state's response {order}, approx. {start}-{end}"))
    lines = [f"<b>{_esc(row['label'])}</b>",
             kind.format(order=int(row["order"]), start=int(row["start_year"]), end=int(row["end_year"])),
             t("Years are approximate readings of the 2018 Karaganda article."),
             _wrap(row.get("description"))]
    return "<br>".join(line for line in lines if line)


def victims_size(value: object) -> float:
    """Marker size of an incident with a known number of victims killed (area grows with the count)."""
    return 12 + 3.5 * math.sqrt(max(0, int(value)))


# ---------------------------------------------------------------------------------------------------- many incidents
def bin_unit(years: tuple[int, int]) -> str:
    """The period the incidents row counts by when aggregated: month up to 3 years, quarter up to 10, else year
    (about 40 circles or fewer across the plot)."""
    span = int(max(years)) - int(min(years)) + 1
    return "month" if span <= 3 else "quarter" if span <= 10 else "year"


def _period_label(start: pd.Timestamp, unit: str, t: Translator = ENGLISH) -> str:
    if unit == "month":
        if t.lang == ENGLISH.lang:
            return start.strftime("%B %Y")
        return format_date(start.date(), "LLLL y", locale=t.lang)  # the month in the nominative: 'май 2012'
    if unit == "quarter":
        return t("Q{quarter} {year}").format(quarter=(start.month - 1) // 3 + 1, year=start.year)
    return str(start.year)


def incident_bins(events: pd.DataFrame, unit: str, t: Translator = ENGLISH) -> pd.DataFrame:
    """Incidents counted per period (``unit``: month, quarter or year) of their recorded date: start (first day),
    mid (the middle of the period), label ('May 2012', 'Q2 2012', '2012'), incidents, killed_known (sum of known
    victims-killed figures), n_known, n_unknown, imprecise (dates known only to the month or year, or approximate).
    Periods without incidents are left out."""
    dates = events["date"]
    ok = dates.notna().to_numpy(bool)
    year = dates.dt.year.to_numpy()[ok].astype("int64")
    month = dates.dt.month.to_numpy()[ok].astype("int64")
    per_year = {"month": 12, "quarter": 4, "year": 1}[unit]
    months = 12 // per_year  # months in a period
    key = year * per_year + (month - 1) // months  # integer period number (vectorised; no Period objects)
    killed = events["killed"][ok]
    df = pd.DataFrame({"key": key, "known": killed.notna().to_numpy(bool),
                       "killed": killed.fillna(0).to_numpy("int64"),
                       "imprecise": events["date_precision"][ok].isin(IMPRECISE).to_numpy(bool)})
    g = df.groupby("key", sort=True)
    out = pd.DataFrame({"incidents": g.size(), "n_known": g["known"].sum(), "killed_known": g["killed"].sum(),
                        "imprecise": g["imprecise"].sum()})
    out["n_unknown"] = out["incidents"] - out["n_known"]
    keys = out.index.to_numpy()
    starts = [pd.Timestamp(int(k // per_year), int(k % per_year) * months + 1, 1) for k in keys]
    out["start"] = starts
    out["mid"] = [d + (d + pd.DateOffset(months=months) - d) / 2 for d in starts]
    out["label"] = [_period_label(d, unit, t) for d in starts]
    return out.reset_index(drop=True)[["start", "mid", "label", "incidents", "killed_known", "n_known", "n_unknown",
                                       "imprecise"]]


def bin_hover(row: dict, t: Translator = ENGLISH) -> str:
    """'123 incidents in May 2012<br>at least 45 victims killed; 6 with no figure<br>...' (no data text in it)."""
    n = int(row["incidents"])
    incidents = t.n("{n} incident", "{n} incidents", n)
    lines = ["<b>" + t("{incidents} in {period}").format(incidents=incidents, period=escape_plotly(row["label"]))
             + "</b>"]
    if not row["n_known"]:
        lines.append(t("Victims killed: unknown (no figure for it)") if n == 1
                     else t("Victims killed: unknown (no figure for any of them)"))
    elif row["n_unknown"]:
        k = int(row["killed_known"])
        lines.append(t("{killed}; {n} with no figure").format(
            killed=t.n("At least {n} victim killed", "At least {n} victims killed", k),
            n=t.number(int(row["n_unknown"]))))
    else:
        lines.append(t.n("{n} victim killed", "{n} victims killed", int(row["killed_known"])))
    if row["imprecise"]:
        lines.append(t("{n} of them dated only to the month or year, or approximately (counted by the date "
                       "recorded)").format(n=t.number(int(row["imprecise"]))))
    lines.append(t("Narrow the filters below {limit} incidents to see each one.").format(
        limit=t.number(INCIDENT_LIMIT)))
    return "<br>".join(lines)


def bin_sizes(counts, most: int) -> list[float]:
    """Marker diameters: area proportional to the number of incidents, the fullest period BIN_SIZE_MAX."""
    return [max(BIN_SIZE_MIN, BIN_SIZE_MAX * math.sqrt(int(c) / max(1, most))) for c in counts]


# ---------------------------------------------------------------------------------------------------- figure
def make_timeline_figure(policies: pd.DataFrame, phases: pd.DataFrame, events: pd.DataFrame, bans: pd.DataFrame,
                         years: tuple[int, int] = (1991, 2016), incident_limit: int = INCIDENT_LIMIT,
                         t: Translator = ENGLISH) -> go.Figure:
    """Lanes of policy milestones (style.LANE_ORDER), an incidents lane and the approximate phases of the 2018
    Karaganda article as labelled bars, over the years given. customdata of every marker is [record id]. Above
    ``incident_limit`` incidents, the incidents lane holds one circle per period instead (``incident_bins``; trace
    meta kind 'event_bins', no record ids). Every word on it is in the language of ``t`` (the traces' meta keeps the
    English lane names)."""
    years = (int(min(years)), int(max(years)))
    events = in_years(events, years)
    gap_days = _days_per_px(years) * MARKER_PX  # how far apart two markers must be to share a row
    phase_items = _phase_items(phases, years)
    n_sub = {s: (max((it["slot"] for it in items), default=-1) + 1) for s, items in phase_items.items()}
    rows = _row_layout(n_sub, list(style.LANE_ORDER))

    # The traces are collected as dicts and validated once by style.make_figure: a fifth of the time of add_trace
    # and update_layout, which an unseen filter waits for; the figure is the same.
    traces: list[dict] = []
    shapes, annotations = _add_phase_bars(traces, phase_items, n_sub, rows, gap_days, t)
    _add_policy_lanes(traces, in_years(policies, years), rows, gap_days, bans_by_policy(bans), t)
    if len(events) > incident_limit:
        _add_incident_bins(traces, events, years, rows[INCIDENTS][0], t)
    else:
        _add_incident_stars(traces, events, rows[INCIDENTS], gap_days, t)
    traces.append(_precision_key(t))
    tickvals, ticktext, separators = _lane_axis(rows, n_sub, t)
    return style.make_figure(traces, _timeline_layout(years, rows, tickvals, ticktext, shapes + separators,
                                                      annotations, t))


def _add_phase_bars(traces: list[dict], phase_items: dict[str, list[dict]], n_sub: dict[str, int],
                    rows: dict[str, tuple[float, float]], gap_days: float,
                    t: Translator = ENGLISH) -> tuple[list[dict], list[dict]]:
    """One bar per phase in its set's row, labelled; invisible markers along the bar carry the hover (one trace per
    set). Returns the bars (layout shapes) and their labels (layout annotations)."""
    shapes: list[dict] = []
    annotations: list[dict] = []
    for s in PHASE_SETS:
        if not n_sub[s]:
            continue
        centre, height = rows[f"phase:{s}"]
        sub_h = height / n_sub[s]
        top = centre + height / 2
        hx, hy, htext, hid = [], [], [], []
        for it in phase_items[s]:
            y_mid = top - sub_h * (it["slot"] + 0.5)
            shapes.append(dict(type="rect", xref="x", yref="y", x0=it["x0"], x1=it["x1"], y0=y_mid - sub_h * 0.42,
                               y1=y_mid + sub_h * 0.42, fillcolor=PHASE_BAR_FILLS[s], layer="below",
                               line=dict(color=PHASE_LINES[s], width=1)))
            annotations.append(dict(x=it["label_x"], y=y_mid, xref="x", yref="y", text=_esc(it["label"]),
                                    showarrow=False, font=dict(size=14), xanchor="center", yanchor="middle"))
            xs = _points_along(it["x0"], it["x1"], gap_days)
            hx += xs
            hy += [y_mid] * len(xs)
            htext += [phase_hover(it, t)] * len(xs)
            hid += [[it["phase_id"]] for _ in xs]
        traces.append(dict(
            type="scatter", x=hx, y=hy, mode="markers", name=t(PHASE_ROW_NAMES[s]), showlegend=False, hovertext=htext,
            hovertemplate="%{hovertext}<extra></extra>", customdata=hid,
            marker=dict(size=14, opacity=0, color=PHASE_LINES[s]), meta={"kind": "phase", "phase_set": s},
            unselected=dict(marker=dict(opacity=0)), selected=dict(marker=dict(opacity=0)),
        ))
    return shapes, annotations


def _points_along(x0: pd.Timestamp, x1: pd.Timestamp, gap_days: float) -> list[pd.Timestamp]:
    """Evenly spaced dates from x0 to x1 (both included), about a marker apart: hovering anywhere on a bar hits one."""
    n_pts = max(2, int((x1 - x0).days / max(gap_days, 1)) + 1)
    return [x0 + (x1 - x0) * (k / (n_pts - 1)) for k in range(n_pts)]


def _add_policy_lanes(traces: list[dict], policies: pd.DataFrame, rows: dict[str, tuple[float, float]],
                      gap_days: float, ban_groups: dict[str, pd.DataFrame], t: Translator = ENGLISH) -> None:
    """One trace per policy lane: its lane's colour and shape, an open marker with a dot for an imprecise date."""
    pol = policies.copy()
    pol["lane"] = pol["category"].map(lane_of)
    pol = pol.sort_values(["date", "policy_id"])
    # one pass over the rows, then a trace per lane (a selection and records per lane cost a few ms each)
    every, lanes = pol.to_dict("records"), pol["lane"].tolist()
    for lane in style.LANE_ORDER:
        if lane == INCIDENTS:
            continue
        records = [r for r, of in zip(every, lanes, strict=True) if of == lane]
        dates = [r["date"] for r in records]
        centre, height = rows[lane]
        colour, symbol = style.LANE_COLOURS[lane], style.LANE_SYMBOLS[lane]
        slots = sub_rows(_day_numbers(dates), gap_days, MAX_SLOTS.get(lane, DEFAULT_MAX_SLOTS))
        offsets = centre_out_offsets(slots, _spread(height))
        symbols = [_imprecise_symbol(symbol) if r["date_precision"] in IMPRECISE else symbol for r in records]
        traces.append(dict(
            type="scatter", x=dates, y=[centre + o for o in offsets], mode="markers", name=t(lane), showlegend=False,
            customdata=[[r["policy_id"]] for r in records],
            hovertext=[policy_hover(r, ban_groups.get(r["policy_id"]), t) for r in records],
            hovertemplate="%{hovertext}<extra></extra>",
            marker=dict(color=colour, symbol=symbols, size=POLICY_MARKER_SIZE, line=dict(color=colour, width=2)),
            hoverlabel=dict(bordercolor=colour), meta={"kind": "policy", "lane": lane},
            unselected=dict(marker=dict(opacity=0.35)),
        ))


def _imprecise_symbol(symbol: str) -> str:
    base = symbol.removesuffix("-open")
    return f"{base}-open-dot"


def _add_incident_stars(traces: list[dict], events: pd.DataFrame, row: tuple[float, float], gap_days: float,
                        t: Translator = ENGLISH) -> None:
    """Two traces, always: filled stars sized by victims killed, and open stars of fixed size where the number is
    unknown (with a dot when the date is imprecise)."""
    centre, height = row
    # the columns the markers and hovers read (sorting and listing the records of every column cost more)
    used = [c for c in ("event_id", "date", "date_precision", "date_note", "place", "region", "event_type",
                        "attack_description", "killed", "classification", "disagreements") if c in events]
    ev = events[used].sort_values(["date", "event_id"])
    slots = sub_rows(_day_numbers(ev["date"]), gap_days * 1.2, MAX_SLOTS[INCIDENTS])
    ev = ev.assign(_y=[centre + o for o in centre_out_offsets(slots, _spread(height))])
    colour = style.LANE_COLOURS[INCIDENTS]
    for part, name, is_known in ((ev[ev["killed"].notna()], t("Incident (size: victims killed)"), True),
                                 (ev[ev["killed"].isna()], t("Incident, victims killed unknown"), False)):
        records = part.to_dict("records")
        base = style.LANE_SYMBOLS[INCIDENTS] + ("" if is_known else "-open")
        symbols = [base + ("-dot" if r["date_precision"] in IMPRECISE and not is_known else "") for r in records]
        traces.append(dict(
            type="scatter", x=list(part["date"]), y=list(part["_y"]), mode="markers", name=name, legendgroup="incidents",
            customdata=[[r["event_id"]] for r in records],
            hovertext=[event_hover(r, t) for r in records], hovertemplate="%{hovertext}<extra></extra>",
            marker=dict(color=colour, symbol=symbols or base,
                        size=[victims_size(r["killed"]) for r in records] if is_known else UNKNOWN_VICTIMS_SIZE,
                        line=dict(color=colour if not is_known else "white", width=2 if not is_known else 0.5)),
            meta={"kind": "event", "victims_known": is_known}, unselected=dict(marker=dict(opacity=0.35)),
        ))


def _add_incident_bins(traces: list[dict], events: pd.DataFrame, years: tuple[int, int], centre: float,
                       t: Translator = ENGLISH) -> None:
    """Too many incidents to draw one by one: one circle per period, its area the number of incidents."""
    unit = bin_unit(years)
    bins = incident_bins(events, unit, t)
    most = int(bins["incidents"].max()) if not bins.empty else 1
    records = bins.to_dict("records")
    colour = style.LANE_COLOURS[INCIDENTS]
    traces.append(dict(
        type="scatter", x=list(bins["mid"]), y=[centre] * len(bins), mode="markers",
        name=t(BINS_LEGEND[unit]), legendgroup="incidents",
        hovertext=[bin_hover(r, t) for r in records], hovertemplate="%{hovertext}<extra></extra>",
        customdata=[[f"{unit}:{r['start']:%Y-%m}"] for r in records],
        marker=dict(symbol="circle", color=colour, opacity=0.55, size=bin_sizes(bins["incidents"], most),
                    line=dict(color=colour, width=1.5)),
        meta={"kind": "event_bins", "unit": unit}, unselected=dict(marker=dict(opacity=0.35)),
    ))


def _precision_key(t: Translator = ENGLISH) -> dict:
    """Key of the open-with-dot marker (date precision), drawn in the legend only."""
    return dict(
        type="scatter", x=[None], y=[None], mode="markers", name=t("Date month-only or approximate"),
        marker=dict(symbol="circle-open-dot", size=POLICY_MARKER_SIZE, color="#444", line=dict(width=2)),
        hoverinfo="skip", meta={"kind": "key"},
    )


def _lane_axis(rows: dict[str, tuple[float, float]], n_sub: dict[str, int],
               t: Translator = ENGLISH) -> tuple[list[float], list[str], list[dict]]:
    """Tick positions and labels of the rows, top to bottom, and the lines under them: a thin one under every row,
    a stronger one under the phase rows."""
    tickvals, ticktext, lines = [], [], []
    for name, (c, h) in sorted(rows.items(), key=lambda kv: -kv[1][0]):
        tickvals.append(c)
        if name.startswith("phase:"):
            ticktext.append(_lane_label(t(PHASE_ROW_NAMES[name.split(":", 1)[1]])))
        else:
            ticktext.append(_lane_label(t(name), style.LANE_COLOURS[name], style.LANE_SYMBOLS[name]))
        lines.append(dict(type="line", xref="paper", yref="y", x0=0, x1=1, y0=c - h / 2, y1=c - h / 2,
                          line=dict(color="#D0D4D9", width=1), layer="below"))
    phase_bottom = min((rows[f"phase:{s}"][0] - rows[f"phase:{s}"][1] / 2 for s in PHASE_SETS if n_sub[s]),
                       default=None)
    if phase_bottom is not None:
        lines.append(dict(type="line", xref="paper", yref="y", x0=0, x1=1, y0=phase_bottom, y1=phase_bottom,
                          line=dict(color="#7A828C", width=1.5), layer="below"))
    return tickvals, ticktext, lines


def _year_ticks(years: tuple[int, int], t: Translator = ENGLISH) -> dict:
    """x-axis ticks for the span: every other year over 14 years or more, down to every quarter under 3. Plotly
    writes month names in English only: in another language the months are numbers ('05.2012')."""
    span = years[1] - years[0] + 1
    months = "%b %Y" if t.lang == ENGLISH.lang else "%m.%Y"
    if span >= 14:
        return dict(dtick="M24", tick0="1991-01-01", tickformat="%Y", minor=dict(dtick="M12", showgrid=True))
    if span >= 6:
        return dict(dtick="M12", tickformat="%Y")
    if span >= 3:
        return dict(dtick="M6", tickformat=months)
    return dict(dtick="M3", tickformat=months)


def _timeline_layout(years: tuple[int, int], rows: dict[str, tuple[float, float]], tickvals: list[float],
                     ticktext: list[str], shapes: list[dict], annotations: list[dict], t: Translator = ENGLISH) -> dict:
    """The figure's layout: as tall as its rows, dates across, the rows' names as y tick labels, the legend below."""
    x_lo, x_hi = _x_range(years)
    bottom = min(c - h / 2 for c, h in rows.values())
    return style.plotly_layout(
        height=int(110 + 50 * (-bottom)),
        margin=dict(l=10, r=20, t=36, b=80),
        shapes=shapes,
        annotations=annotations,
        hovermode="closest",
        hoverlabel=dict(font=dict(size=14, color="#14171A"), align="left", bgcolor="white"),
        showlegend=True,
        legend=dict(orientation="h", yanchor="top", y=-0.07, xanchor="left", x=0, font=dict(size=14)),
        dragmode="zoom",
        clickmode="event+select",
        xaxis=dict(type="date", range=[x_lo, x_hi], showgrid=True, gridcolor="#E3E6EA", title=None,
                   tickfont=dict(size=14, color="#14171A"), **_year_ticks(years, t)),
        yaxis=dict(range=[bottom, 0], tickvals=tickvals, ticktext=ticktext, fixedrange=True, showgrid=False,
                   zeroline=False, tickfont=dict(size=14, color="#14171A"), ticks="", showline=False, title=None),
    )


# ---------------------------------------------------------------------------------------------------- words
def aggregated_incidents(events: pd.DataFrame, years: tuple[int, int], limit: int = INCIDENT_LIMIT,
                         t: Translator = ENGLISH) -> str:
    """'' when the incidents are drawn one by one, else the sentence saying how they are drawn."""
    n = 0 if events is None or events.empty else int(events["date"].dt.year.between(*years).sum())
    if n <= limit:
        return ""
    return t(AGGREGATED[bin_unit(years)]).format(n=t.number(n), limit=t.number(limit))


def policy_counts(policies: pd.DataFrame, t: Translator = ENGLISH) -> str:
    """'4 milestones' or '4 milestones, 1 context event' (context rows are drawn in their own lane, not policy)."""
    context = int((policies["category"] == "context").sum())
    text = t.n("{n} milestone", "{n} milestones", len(policies) - context)
    return f"{text}, {t.n('{n} context event', '{n} context events', context)}" if context else text


def figure_alt(policies: pd.DataFrame, events: pd.DataFrame, years: tuple[int, int], t: Translator = ENGLISH) -> str:
    lo, hi = years
    row = bin_unit(years) if len(events) > INCIDENT_LIMIT else ""
    return t(ALT[row]).format(start=lo, end=hi, lanes=", ".join(t(lane) for lane in style.LANE_ORDER[:-1]),
                              counts=policy_counts(policies, t),
                              incidents=t.n("{n} incident", "{n} incidents", len(events)))
