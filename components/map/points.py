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
from components.map.clusters import CELL_DEG, POINT_LIMIT, cell_victims_text, grid_cells, located_mask
from components.pack.values import is_blank
from components.text import COORD_WORDS, count_text, or_unknown
from components.text import date_long as date_text

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


def incident_tooltip(row: Mapping, n_at_point: int = 1) -> str:
    """Plain text (never HTML) shown on hover over an incident."""
    lines = [
        f"{row['place']} ({or_unknown(row.get('region'))})",
        date_text(row["date"], row["date_precision"]),
        f"{or_unknown(row.get('attack_type'))} ({or_unknown(row.get('event_type'))})",
        f"Victims killed: {count_text(row.get('killed'))}; injured: {count_text(row.get('injured'))}",
        f"Perpetrators killed: {count_text(row.get('perpetrators_killed'))}",
        "Point: " + COORD_WORDS.get(row.get("coord_precision"), "precision not stated"),
    ]
    others = row.get("disagreements")
    if not is_blank(others) and str(others):
        lines.append("Sources disagree: " + textwrap.shorten(str(others), TOOLTIP_DISAGREE_CHARS, placeholder=" …"))
    if n_at_point > 1:
        lines.append(f"One of {n_at_point} incidents drawn at this point: all are listed under 'View as table'.")
    lines.append("Click for the full record.")
    return "\n".join(lines)


def point_data(events: pd.DataFrame, shown: pd.DataFrame | None = None) -> list[dict]:
    """One record per located incident of ``events``, in a stable drawing order (big points first so that small
    ones stay on top; rings last). ``in_filter`` is 1 for incidents of ``shown`` (default: all), else 0 (hidden).
    Coordinates are the table's, unchanged."""
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
            "tooltip": incident_tooltip(row, n_here),
        })
    records.sort(key=lambda r: (not r["killed_known"], -r["radius"], r["event_id"]))
    return records


# ------------------------------------------------------------------ grid cells

def _lat_text(v: float) -> str:
    return f"{abs(v):g}\u00b0 {'N' if v >= 0 else 'S'}"


def _lon_text(v: float) -> str:
    return f"{abs(v):g}\u00b0 {'E' if v >= 0 else 'W'}"


def cell_radius_px(incidents: int | np.ndarray, most: int) -> float | np.ndarray:
    """Radius of a cell's circle: area proportional to its incidents, the fullest cell CELL_RADIUS_MAX_PX."""
    r = CELL_RADIUS_MAX_PX * np.sqrt(np.asarray(incidents, dtype=float) / max(1, most))
    r = np.maximum(CELL_RADIUS_MIN_PX, r)
    return float(r) if np.ndim(r) == 0 else r


def cell_data(events: pd.DataFrame, cell_deg: float = CELL_DEG, limit: int = POINT_LIMIT) -> list[dict]:
    """One record per grid cell with its circle (radius by incidents) and its text tooltip."""
    cells = grid_cells(events, cell_deg)
    if cells.empty:
        return []
    most = int(cells["incidents"].max())
    radius = cell_radius_px(cells["incidents"].to_numpy(), most)
    out = []
    for r, rad in zip(cells.to_dict("records"), radius, strict=True):
        south, west = float(r["south"]), float(r["west"])
        where = (f"Grid cell {_lat_text(south)}-{_lat_text(south + cell_deg)}, "
                 f"{_lon_text(west)}-{_lon_text(west + cell_deg)}")
        out.append({
            "longitude": float(r["longitude"]), "latitude": float(r["latitude"]),
            "incidents": int(r["incidents"]), "killed_known": int(r["killed_known"]),
            "killed_unknown": int(r["n_unknown"]), "radius": round(float(rad), 2),
            "tooltip": "\n".join([
                where,
                cell_victims_text(int(r["incidents"]), int(r["killed_known"]), int(r["n_known"]),
                                  int(r["n_unknown"])),
                f"A summary of the incidents in this cell, drawn at its centre (not at their places). Narrow the "
                f"filters below {limit:,} incidents to see each one.",
            ]),
        })
    return out
