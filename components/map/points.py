"""What each circle on the map looks like and says: an incident's point (colour = attack type, area ~ victims
killed, a ring of fixed size when the victims are unknown, never a dot of size zero) with its text tooltip, and a
grid cell's circle (area ~ incidents in the cell) with its tooltip. Points sit exactly at the table's coordinates.
Pure code: no Streamlit, no I/O."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd

from components.figures import style
from components.i18n import ENGLISH, Translator
from components.map.clusters import CELL_DEG, POINT_LIMIT, cell_victims_text, deg_number, grid_cells, located_mask
from components.pack.values import is_blank
from components.text import COORD_NOT_STATED, COORD_WORDS

# Point sizes, in screen pixels. Radius grows with the square root of victims killed (area ~ victims).
RADIUS_MIN_PX = 3.5
RADIUS_PER_SQRT_KILLED_PX = 4.0
RADIUS_MAX_PX = 24.0
UNKNOWN_RADIUS_PX = 7.0  # victims unknown: a ring of fixed size, not to scale
RING_WIDTH_PX = 2.5
POINT_OUTLINE_RGB = (25, 25, 25)  # dark rim: points stay visible on every shade of blue
POINT_ALPHA = 235
RING_FILL = (255, 255, 255, 235)  # the unknown-victims ring has a white centre, visible on any shade

CELL_RADIUS_MIN_PX = 3.5
CELL_RADIUS_MAX_PX = 26.0  # the cell with the most incidents; area ~ incidents
CELL_FILL = (45, 45, 52, 165)  # one colour: cells hold every attack type
CELL_LINE = (255, 255, 255, 255)

TOOLTIP_DISAGREE_CHARS = 220  # the rest is in the incident's detail
COORD_MARKED = (*COORD_WORDS.values(), COORD_NOT_STATED)  # every precision's words (marked in components.text)


# ------------------------------------------------------------------ words of a record, in the language

def unknown_or(value: object, t: Translator = ENGLISH, column: str | None = None) -> str:
    """A data value as text (a category or region by its label in the language when ``column`` names it), or
    'unknown' when blank."""
    if is_blank(value):
        return t("unknown")
    return str(t.value(column, value) if column else value)


def figure_text(value: object, t: Translator = ENGLISH) -> str:
    """A casualty figure: 'unknown' when blank, never 0."""
    return t("unknown") if is_blank(value) else t.number(int(value))


def date_text(value: object, precision: object, t: Translator = ENGLISH) -> str:
    """A date as precisely as it is known ('12 November 2011', 'November 2011 (month only)'), in the language."""
    if is_blank(value):
        return t("unknown")
    return t.date(pd.Timestamp(value), "" if is_blank(precision) else str(precision))


def coord_words(precision: object, t: Translator = ENGLISH) -> str:
    """What an incident's point marks ('incident site', 'centre of the named settlement, not the exact site' ...)."""
    return t(COORD_WORDS.get(str(precision), COORD_NOT_STATED))


# ------------------------------------------------------------------ incidents

def radius_px(killed: object) -> float:
    """Radius of a point in pixels: square-root scale of victims killed, clamped; unknown gets the ring's size."""
    if is_blank(killed):
        return UNKNOWN_RADIUS_PX
    return float(min(RADIUS_MAX_PX, max(RADIUS_MIN_PX, RADIUS_PER_SQRT_KILLED_PX * math.sqrt(int(killed)))))


def radii_px(killed: pd.Series) -> np.ndarray:
    """``radius_px`` for a column of victims-killed figures at once."""
    return np.where(killed.isna().to_numpy(bool), UNKNOWN_RADIUS_PX,
                    np.clip(RADIUS_PER_SQRT_KILLED_PX * np.sqrt(killed.fillna(0).to_numpy("float64")),
                            RADIUS_MIN_PX, RADIUS_MAX_PX))


def incident_tooltip(row: Mapping, n_at_point: int = 1, t: Translator = ENGLISH) -> str:
    """Plain text (never HTML) shown on hover over an incident, in the translator's language (region, attack
    type and kind by their labels)."""
    lines = [
        f"{row['place']} ({unknown_or(row.get('region'), t, 'region')})",
        date_text(row["date"], row["date_precision"], t),
        f"{unknown_or(row.get('attack_type'), t, 'attack_type')} ({unknown_or(row.get('event_type'), t, 'event_type')})",
        t("Victims killed: {killed}; injured: {injured}").format(killed=figure_text(row.get("killed"), t),
                                                                  injured=figure_text(row.get("injured"), t)),
        t("Perpetrators killed: {n}").format(n=figure_text(row.get("perpetrators_killed"), t)),
        t("Point: {precision}").format(precision=coord_words(row.get("coord_precision"), t)),
    ]
    others = row.get("disagreements")
    if not is_blank(others) and str(others):
        lines.append(t("Sources disagree: {text}").format(
            text=textwrap.shorten(str(others), TOOLTIP_DISAGREE_CHARS, placeholder=" …")))
    if n_at_point > 1:
        lines.append(t.n("One of {n} incident drawn at this point: all are listed under 'View as table'.",
                         "One of {n} incidents drawn at this point: all are listed under 'View as table'.",
                         n_at_point))
    lines.append(t("Click for the full record."))
    return "\n".join(lines)


def point_data(events: pd.DataFrame, shown: pd.DataFrame | None = None, t: Translator = ENGLISH) -> list[dict]:
    """One record per located incident of ``events``, in a stable drawing order (big points first so that small
    ones stay on top; rings last). ``in_filter`` is 1 for incidents of ``shown`` (default: all), else 0 (hidden).
    Coordinates are the table's, unchanged; the tooltip is in the translator's language, the other fields keep
    the table's values."""
    shown = events if shown is None else shown
    shown_ids = set(shown["event_id"])
    located = events[located_mask(events)]
    at_point = (shown[located_mask(shown)].groupby(["latitude", "longitude"]).size().to_dict()
                if not shown.empty else {})
    records = []
    for row in located.to_dict("records"):
        unknown = is_blank(row["killed"])
        rgb = style.hex_to_rgb(style.ATTACK_TYPE_COLOURS.get(row["attack_type"], style.OKABE_ITO["grey"]))
        n_here = int(at_point.get((row["latitude"], row["longitude"]), 0))
        records.append({
            "event_id": row["event_id"],
            "place": row["place"],
            "region": row["region"],
            "attack_type": row["attack_type"],
            "longitude": float(row["longitude"]),
            "latitude": float(row["latitude"]),
            "killed": None if unknown else int(row["killed"]),
            "killed_known": not unknown,
            "radius": radius_px(row["killed"]),
            "fill": list(RING_FILL) if unknown else [*rgb, POINT_ALPHA],
            "line": [*rgb, 255] if unknown else [*POINT_OUTLINE_RGB, 255],
            "line_width": RING_WIDTH_PX if unknown else 1.2,
            "in_filter": 1 if row["event_id"] in shown_ids else 0,
            "tooltip": incident_tooltip(row, n_here, t),
        })
    records.sort(key=lambda r: (not r["killed_known"], -r["radius"], r["event_id"]))
    return records


# ------------------------------------------------------------------ grid cells

def _lat_text(v: float, t: Translator = ENGLISH) -> str:
    deg = deg_number(abs(v), t) + "\u00b0"
    return (t("{deg} N") if v >= 0 else t("{deg} S")).format(deg=deg)


def _lon_text(v: float, t: Translator = ENGLISH) -> str:
    deg = deg_number(abs(v), t) + "\u00b0"
    return (t("{deg} E") if v >= 0 else t("{deg} W")).format(deg=deg)


def cell_radius_px(incidents: int | np.ndarray, most: int) -> float | np.ndarray:
    """Radius of a cell's circle: area proportional to its incidents, the fullest cell CELL_RADIUS_MAX_PX."""
    r = CELL_RADIUS_MAX_PX * np.sqrt(np.asarray(incidents, dtype=float) / max(1, most))
    r = np.maximum(CELL_RADIUS_MIN_PX, r)
    return float(r) if np.ndim(r) == 0 else r


def cell_data(events: pd.DataFrame, cell_deg: float = CELL_DEG, limit: int = POINT_LIMIT,
              t: Translator = ENGLISH) -> list[dict]:
    """One record per grid cell with its circle (radius by incidents) and its text tooltip (in the translator's
    language)."""
    cells = grid_cells(events, cell_deg)
    if cells.empty:
        return []
    most = int(cells["incidents"].max())
    radius = cell_radius_px(cells["incidents"].to_numpy(), most)
    out = []
    for r, rad in zip(cells.to_dict("records"), radius, strict=True):
        south, west = float(r["south"]), float(r["west"])
        where = t("Grid cell {south}-{north}, {west}-{east}").format(
            south=_lat_text(south, t), north=_lat_text(south + cell_deg, t), west=_lon_text(west, t),
            east=_lon_text(west + cell_deg, t))
        out.append({
            "longitude": float(r["longitude"]), "latitude": float(r["latitude"]),
            "incidents": int(r["incidents"]), "killed_known": int(r["killed_known"]),
            "killed_unknown": int(r["n_unknown"]), "radius": round(float(rad), 2),
            "tooltip": "\n".join([
                where,
                cell_victims_text(int(r["incidents"]), int(r["killed_known"]), int(r["n_known"]),
                                  int(r["n_unknown"]), t),
                t("A summary of the incidents in this cell, drawn at its centre (not at their places). Narrow the "
                  "filters below {limit} incidents to see each one.").format(limit=t.number(limit)),
            ]),
        })
    return out
