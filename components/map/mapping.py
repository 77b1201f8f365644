"""Builders of the incident map: region shading, incident points, tooltips, the legend. Pure code: no Streamlit,
no I/O.

Rules the map keeps (analysts brief from it):
- unknown is never zero: an incident whose victims are unknown is drawn as a ring of fixed size (never a dot of
  size zero), and a region whose incidents all lack a victim figure reads "unknown", not 0;
- no point is moved: points sit exactly at the table's coordinates; incidents at the same place overlap and are
  counted in ``colocated`` so the page can say so; incidents without coordinates are not drawn (``unlocated``);
- no basemap by default (``map_provider=None``): works offline, no token;
- tooltips use pydeck's ``{"text": ...}`` form, never ``"html"``: the text of each object is precomputed in its
  ``tooltip`` field and the browser shows it as text.

The points layer holds every located incident of the whole table in a fixed order and hides those outside the
filter with deck.gl's DataFilterExtension: Streamlit remembers a chart selection by position in the layer data,
so a stable order keeps a remembered selection pointing at the same incident when the filter changes. That trick
is kept while the whole table has at most ``POINT_LIMIT`` located incidents; with more (large imported datasets),
the layer holds only the filtered incidents.

Large filters: above ``POINT_LIMIT`` located incidents in the filter the map does not draw individual incidents
(a million points would be hundreds of MB of JSON). It draws grid cells of ``CELL_DEG`` degrees computed on the
server instead: one circle per cell at the cell's centre, its area proportional to the incidents in it, with a
text tooltip "N incidents; at least K victims killed; U with no figure", and the page, the legend and the alt text
say that the circles are cells, not incidents (``Aggregation``).
"""

from __future__ import annotations

import copy
import json
import math
import textwrap
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from components.figures import style
from components.pack.values import is_blank
from components.views import details

LAYER_REGIONS = "regions"
LAYER_INCIDENTS = "incidents"
LAYER_LABELS = "labels"
LAYER_CELLS = "cells"
LAYER_CELL_LABELS = "cell_labels"

# Above this many located incidents in the filter the map draws grid cells instead of individual incidents.
POINT_LIMIT = 3000
CELL_DEG = 0.5  # side of a grid cell, in degrees of latitude and longitude
CELL_RADIUS_MIN_PX = 3.5
CELL_RADIUS_MAX_PX = 26.0  # the cell with the most incidents; area ~ incidents
CELL_FILL = (45, 45, 52, 165)  # one colour: cells hold every attack type
CELL_LINE = (255, 255, 255, 255)
CELL_LABEL_MIN_RADIUS_PX = 10.0  # cells at least this big carry their count as a label
CELL_LABELS_MAX = 60

SHADE_OPTIONS = {"incidents": "Incidents", "victims": "Victims killed"}
DEFAULT_SHADE = "incidents"

# Fits Kazakhstan (lon 46.5-87.3, lat 40.6-55.4: about 590 px wide at this zoom) in a map 560 px high and about
# 600 px wide (the map column of a 1280 px wide window with the sidebar open).
VIEW = {"latitude": 48.3, "longitude": 67.2, "zoom": 3.3}

# Point sizes, in screen pixels. Radius grows with the square root of victims killed (area ~ victims).
RADIUS_MIN_PX = 3.5
RADIUS_PER_SQRT_KILLED_PX = 4.0
RADIUS_MAX_PX = 24.0
UNKNOWN_RADIUS_PX = 7.0  # victims unknown: a ring of fixed size, not to scale
RING_WIDTH_PX = 2.5
POINT_OUTLINE_RGB = (25, 25, 25)  # dark rim: points stay visible on every shade of blue
POINT_ALPHA = 235
RING_FILL = (255, 255, 255, 235)  # the unknown-victims ring has a white centre, visible on any shade

REGION_OUTLINE_RGB = (60, 60, 60)
NO_INCIDENT_RGB = style.NO_DATA_RGB  # no incident in the filtered set
UNKNOWN_VICTIMS_RGB = (190, 190, 190)  # incidents, but none with a victim figure
OUTSIDE_FILTER_RGB = (255, 255, 255)  # region not in the region filter
OUTSIDE_FILTER_LINE_RGB = (160, 160, 160)  # ... drawn with a fainter outline
BASEMAP_REGION_ALPHA = 150

CARTO_LIGHT = pdk.map_styles.CARTO_LIGHT

TOOLTIP = {"text": "{tooltip}",
           "style": {"backgroundColor": "#FFFFFF", "color": "#14171A", "border": "1px solid #767676",
                     "fontFamily": style.FONT_FAMILY, "fontSize": "13px", "maxWidth": "260px",
                     "whiteSpace": "pre-line"}}


# ------------------------------------------------------------------ incidents

def located_mask(events: pd.DataFrame) -> pd.Series:
    """Incidents that have both coordinates (the others cannot be drawn)."""
    return (events["latitude"].notna() & events["longitude"].notna()).astype(bool)


def unlocated(events: pd.DataFrame) -> pd.DataFrame:
    """Incidents without coordinates: not drawn; the page lists them."""
    return events[~located_mask(events)]


def radius_px(killed: object) -> float:
    """Radius of a point in pixels: square-root scale of victims killed, clamped; unknown gets the ring's size."""
    if is_blank(killed):
        return UNKNOWN_RADIUS_PX
    return float(min(RADIUS_MAX_PX, max(RADIUS_MIN_PX, RADIUS_PER_SQRT_KILLED_PX * math.sqrt(int(killed)))))


def count_text(value: object) -> str:
    """A casualty figure as text: 'unknown' when blank, never 0."""
    return "unknown" if is_blank(value) else str(int(value))


def colocated(events: pd.DataFrame) -> list[dict]:
    """Groups of two or more incidents drawn at exactly the same point, largest first:
    [{"place": "Almaty", "latitude": .., "longitude": .., "n": 5}, ...]."""
    located = events[located_mask(events)]
    if located.empty:
        return []
    keys = pd.DataFrame({"latitude": located["latitude"].to_numpy(float),
                         "longitude": located["longitude"].to_numpy(float)})
    shared = keys[keys.duplicated(keep=False)]  # only points holding two or more incidents
    if shared.empty:
        return []
    places = located["place"].astype(str).to_numpy(object)[shared.index.to_numpy()]
    out = []
    for (lat, lon), idx in shared.groupby(["latitude", "longitude"], sort=False).indices.items():
        names = list(dict.fromkeys(places[idx]))
        out.append({"place": " / ".join(names), "latitude": float(lat), "longitude": float(lon), "n": int(len(idx))})
    return sorted(out, key=lambda g: (-g["n"], g["place"]))


def colocated_sentence(groups: list[dict]) -> str:
    """'Almaty: 5 incidents at one point; Aktobe: 4 incidents at one point' (empty when none overlap)."""
    return "; ".join(f"{g['place']}: {g['n']} incidents at one point" for g in groups)


# Points closer than this (in degrees of longitude; latitude scaled by 1/cos) overlap at the starting zoom.
OVERLAP_DEG = 0.6


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


def _points(located: pd.DataFrame) -> pd.DataFrame:
    """Distinct coordinates of located incidents, sorted: latitude, longitude, n incidents there, place (the most
    frequent place name at the point; ties by name)."""
    df = pd.DataFrame({"latitude": located["latitude"].to_numpy(float),
                       "longitude": located["longitude"].to_numpy(float),
                       "place": located["place"].astype(str).to_numpy(object)})
    per_place = df.groupby(["latitude", "longitude", "place"], sort=False).size().rename("k").reset_index()
    per_place = per_place.sort_values(["latitude", "longitude", "k", "place"], ascending=[True, True, False, True],
                                      kind="stable")
    pts = per_place.drop_duplicates(["latitude", "longitude"]).drop(columns="k").reset_index(drop=True)
    pts["n"] = per_place.groupby(["latitude", "longitude"], sort=True)["k"].sum().to_numpy()
    return pts


def overlap_groups(lat: np.ndarray, lon: np.ndarray, threshold_deg: float) -> np.ndarray:
    """Single-linkage groups of points closer than ``threshold_deg`` (longitude degrees; latitude scaled by
    1/cos): a group label per point. Pairs are found block by block with numpy (quadratic in the number of
    distinct points: meant for the points drawn individually, at most ``POINT_LIMIT``)."""
    n = len(lat)
    labels = np.arange(n)
    if n < 2:
        return labels
    pairs_i, pairs_j = [], []
    block = max(1, 2_000_000 // n)
    for start in range(0, n, block):
        stop = min(n, start + block)
        la, lo = lat[start:stop, None], lon[start:stop, None]
        scale = np.cos(np.radians((la + lat[None, :]) / 2))
        d = np.hypot(lo - lon[None, :], (la - lat[None, :]) / scale)
        i, j = np.nonzero(d < threshold_deg)
        i = i + start
        keep = j > i
        pairs_i.append(i[keep])
        pairs_j.append(j[keep])
    a, b = np.concatenate(pairs_i), np.concatenate(pairs_j)
    while True:  # label propagation with pointer jumping: every point ends with the lowest index of its group
        low = np.minimum(labels[a], labels[b])
        new = labels.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        new = new[new]
        if np.array_equal(new, labels):
            return labels
        labels = new


def nearby_clusters(events: pd.DataFrame, threshold_deg: float = OVERLAP_DEG) -> list[dict]:
    """Groups of two or more located incidents that overlap on the map at the starting zoom (same point, or points
    closer than ``threshold_deg``; single linkage), largest first. Each: place (the point with most incidents),
    latitude/longitude of that point, n incidents, points (distinct coordinates), at_anchor (incidents at that
    point), radius_km (farthest point from it). Coordinates are never changed: this only describes the overlap."""
    located = events[located_mask(events)]
    if located.empty:
        return []
    pts = _points(located)
    pts["group"] = overlap_groups(pts["latitude"].to_numpy(float), pts["longitude"].to_numpy(float), threshold_deg)
    out = []
    for _, members in pts.groupby("group", sort=False):
        n = int(members["n"].sum())
        if n < 2:
            continue
        anchor = members.sort_values(["n", "place"], ascending=[False, True], kind="stable").iloc[0]
        radius = max(_km(anchor["latitude"], anchor["longitude"], la, lo)
                     for la, lo in zip(members["latitude"], members["longitude"], strict=True))
        out.append({"place": anchor["place"], "latitude": float(anchor["latitude"]),
                    "longitude": float(anchor["longitude"]), "n": n, "points": len(members),
                    "at_anchor": int(anchor["n"]), "radius_km": radius})
    return sorted(out, key=lambda c: (-c["n"], c["place"]))


def nearby_sentence(clusters: list[dict]) -> str:
    """'9 incidents within 20 km of Almaty (5 at one point)' for the clusters of several points (empty if none)."""
    parts = []
    for c in clusters:
        if c["points"] < 2:
            continue
        km = max(5, int(math.ceil(c["radius_km"] / 5.0) * 5))
        at_one = f" ({c['at_anchor']} at one point)" if c["at_anchor"] > 1 else ""
        parts.append(f"{c['n']} incidents within {km} km of {c['place']}{at_one}")
    return "; ".join(parts)


TOOLTIP_DISAGREE_CHARS = 220  # the rest is in the incident's detail


def incident_tooltip(row: Mapping, n_at_point: int = 1) -> str:
    """Plain text (never HTML) shown on hover over an incident."""
    lines = [
        f"{row['place']} ({details.text(row.get('region'))})",
        details.date_text(row["date"], row["date_precision"]),
        f"{details.text(row.get('attack_type'))} ({details.text(row.get('event_type'))})",
        f"Victims killed: {count_text(row.get('killed'))}; injured: {count_text(row.get('injured'))}",
        f"Perpetrators killed: {count_text(row.get('perpetrators_killed'))}",
        "Point: " + details.COORD_WORDS.get(row.get("coord_precision"), "precision not stated"),
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


# ------------------------------------------------------------------ regions

@dataclass(frozen=True)
class ShadeClass:
    """One step of the region shading: values lo..hi (inclusive) drawn in rgb."""

    lo: int
    hi: int
    rgb: tuple[int, int, int]

    @property
    def label(self) -> str:
        return str(self.lo) if self.lo == self.hi else f"{self.lo}-{self.hi}"

    def contains(self, value: int) -> bool:
        return self.lo <= value <= self.hi


@dataclass(frozen=True)
class RegionFigure:
    """What the filtered incidents say about one region."""

    region: str
    incidents: int
    killed_known: int  # sum of the known figures
    n_killed_known: int
    n_killed_unknown: int
    in_filter: bool = True

    def value(self, shade_by: str) -> int | None:
        """The number the region is shaded by; None when unknown (or when there is nothing to count)."""
        if shade_by == "incidents":
            return self.incidents
        return self.killed_known if self.n_killed_known else None

    @property
    def killed_text(self) -> str:
        """'12 victims killed', 'at least 12 victims killed; 2 incidents with no figure', 'victims killed: unknown
        (no figure for any of its 3 incidents)', 'no incident'."""
        if not self.incidents:
            return "no incident"
        k = self.n_killed_unknown
        if not self.n_killed_known:
            return ("victims killed: unknown (no figure for its incident)" if k == 1
                    else f"victims killed: unknown (no figure for any of its {k} incidents)")
        noun = "victim" if self.killed_known == 1 else "victims"
        if k:
            return (f"at least {self.killed_known} {noun} killed; {k} incident{'s' if k != 1 else ''} "
                    "with no figure")
        return f"{self.killed_known} {noun} killed"


def region_figures(events: pd.DataFrame, regions: Collection[str],
                   region_filter: Collection[str] = ()) -> dict[str, RegionFigure]:
    """Incidents and victims killed per region (every region named, with zeros where no incident)."""
    killed = events["killed"]
    by = pd.DataFrame({"region": events["region"].astype(object).to_numpy(),
                       "known": killed.notna().to_numpy(bool),
                       "killed": killed.fillna(0).to_numpy("int64")}).groupby("region", sort=False)
    table = pd.DataFrame({"n": by.size(), "known": by["known"].sum(), "killed": by["killed"].sum()})
    out = {}
    for region in regions:
        n, known, total = (int(table.at[region, c]) for c in ("n", "known", "killed")) if region in table.index \
            else (0, 0, 0)
        out[region] = RegionFigure(region=region, incidents=n, killed_known=total, n_killed_known=known,
                                   n_killed_unknown=n - known, in_filter=not region_filter or region in region_filter)
    return out


def shade_classes(values: Collection[int], shade_by: str = DEFAULT_SHADE) -> list[ShadeClass]:
    """Classes for the shading, from the values present: at most 4 (incidents) or 3 (victims, above the 0 class)
    equal-width integer steps. Victims killed = 0 has its own class."""
    vals = [int(v) for v in values if v is not None]
    blues = style.SEQUENTIAL_REGION_RAMP
    classes: list[ShadeClass] = []
    # The darkest shade is left out so that the points stay visible on every region. The lightest is left out too:
    # it cannot be told from the grey of 'no incident'.
    available = list(range(1, len(blues) - 1))  # indices of blues for positive values
    if shade_by == "victims":
        if 0 in vals:
            classes.append(ShadeClass(0, 0, blues[1]))
        available = available[1:]
    top = max([v for v in vals if v > 0], default=0)
    if top == 0:
        return classes
    n = min(len(available), top)
    step = math.ceil(top / n)
    n = math.ceil(top / step)
    picks = [available[-1]] if n == 1 else [available[round(i * (len(available) - 1) / (n - 1))] for i in range(n)]
    for i in range(n):
        lo, hi = i * step + 1, min(top, (i + 1) * step)
        classes.append(ShadeClass(lo, hi, blues[picks[i]]))
    return classes


def shade_rgb(value: int | None, classes: list[ShadeClass]) -> tuple[int, int, int]:
    for c in classes:
        if value is not None and c.contains(value):
            return c.rgb
    return NO_INCIDENT_RGB


def region_tooltip(fig: RegionFigure) -> str:
    """Plain text shown on hover over a region."""
    if not fig.in_filter:
        return f"{fig.region}\nOutside the region filter.\nClick to show only this region."
    noun = "incident" if fig.incidents == 1 else "incidents"
    lines = [fig.region, f"{fig.incidents} {noun} in the current filter"]
    if fig.incidents:
        lines.append(fig.killed_text[0].upper() + fig.killed_text[1:])
    lines.append("Click to show only this region.")
    return "\n".join(lines)


def _region_name(feature: Mapping) -> str:
    return str((feature.get("properties") or {}).get("region", ""))


def region_layer_data(events: pd.DataFrame, boundaries: Mapping | None, shade_by: str = DEFAULT_SHADE,
                      region_filter: Collection[str] = (), basemap: bool = False) -> dict:
    """The boundary GeoJSON (copied, never modified) with each feature's properties extended by the figures, the
    fill colour and the tooltip. ``shade`` is the value the region is shaded by (None: unknown or no incident)."""
    collection = {"type": "FeatureCollection", "features": []}
    if not boundaries:
        return collection
    features = copy.deepcopy(list(boundaries.get("features", [])))
    figures = region_figures(events, [_region_name(f) for f in features], region_filter)
    classes = shade_classes([f.value(shade_by) for f in figures.values() if f.incidents and f.in_filter], shade_by)
    alpha = BASEMAP_REGION_ALPHA if basemap else 255
    for feature in features:
        fig = figures[_region_name(feature)]
        value = fig.value(shade_by) if fig.incidents else None
        if not fig.in_filter:
            rgb, state = OUTSIDE_FILTER_RGB, "outside filter"
        elif not fig.incidents:
            rgb, state = NO_INCIDENT_RGB, "no incident"
        elif value is None:
            rgb, state = UNKNOWN_VICTIMS_RGB, "unknown"
        else:
            rgb, state = shade_rgb(value, classes), "value"
        feature["properties"] = {
            **(feature.get("properties") or {}),
            "incidents": fig.incidents,
            "killed_known": fig.killed_known,
            "killed_unknown_incidents": fig.n_killed_unknown,
            "killed_text": fig.killed_text,
            "shade": value,
            "shade_state": state,
            "fill": [*rgb, alpha],
            "line": [*(OUTSIDE_FILTER_LINE_RGB if state == "outside filter" else REGION_OUTLINE_RGB), 255],
            "tooltip": region_tooltip(fig),
        }
        collection["features"].append(feature)
    return collection


# ------------------------------------------------------------------ the table under the map

TABLE_LIMIT = POINT_LIMIT  # rows of the map's 'View as table'; beyond, the most recent (the CSV export has all)
TABLE_COLUMNS = ["event_id", "Date", "Place", "Region", "Attack type (GTD)", "Victims killed", "Injured",
                 "Point on the map"]


def incident_table(events: pd.DataFrame, limit: int = TABLE_LIMIT, point_limit: int = POINT_LIMIT) -> pd.DataFrame:
    """The incidents of the filter as the map's table: at most ``limit`` (the most recent), in date order, unknown
    counts as 'unknown', and where each is on the map (its point's precision and how many share it; or, when the
    map draws grid cells, that it is counted in its cell)."""
    aggregated = int(located_mask(events).sum()) > point_limit
    if len(events) > limit:
        events = events.loc[events["date"].nlargest(limit, keep="first").index]
    located = located_mask(events)
    groups = {} if aggregated else {(g["latitude"], g["longitude"]): g["n"] for g in colocated(events)}
    rows = []
    for row, is_located in zip(events.to_dict("records"), located, strict=True):
        if is_located:
            n = groups.get((row["latitude"], row["longitude"]), 1)
            where = details.COORD_WORDS.get(row["coord_precision"], "precision not stated")
            where += f" (shares its point with {n - 1} other{'s' if n > 2 else ''})" if n > 1 else ""
            where += f" (counted in its {CELL_DEG:g}\u00b0 grid cell)" if aggregated else ""
        else:
            where = "no coordinates: not on the map"
        rows.append({
            "event_id": row["event_id"],
            "Date": details.date_text(row["date"], row["date_precision"]),
            "Place": row["place"],
            "Region": row["region"],
            "Attack type (GTD)": row["attack_type"],
            "Victims killed": count_text(row["killed"]),
            "Injured": count_text(row["injured"]),
            "Point on the map": where,
            "_date": row["date"],
        })
    table = pd.DataFrame(rows, columns=[*TABLE_COLUMNS, "_date"])
    return table.sort_values(["_date", "event_id"], kind="stable").drop(columns="_date").reset_index(drop=True)


# ------------------------------------------------------------------ grid cells (large filters)

@dataclass(frozen=True)
class Aggregation:
    """How the map draws the filtered incidents: individually, or (above ``limit`` located incidents) as ``cells``
    grid cells of ``cell_deg`` degrees."""

    located: int
    cells: int = 0
    cell_deg: float = CELL_DEG
    limit: int = POINT_LIMIT

    @property
    def aggregated(self) -> bool:
        return self.located > self.limit

    def sentence(self) -> str:
        """'93,000 incidents shown as 22 grid cells of 0.5°; narrow the filters below 3,000 to see individual
        incidents' (empty when the incidents are drawn one by one)."""
        if not self.aggregated:
            return ""
        return (f"{self.located:,} incidents shown as {self.cells:,} grid cell{'s' if self.cells != 1 else ''} of "
                f"{_deg(self.cell_deg)}; narrow the filters below {self.limit:,} to see individual incidents")


def _deg(value: float) -> str:
    return f"{value:g}\u00b0"


def aggregation(events: pd.DataFrame, limit: int = POINT_LIMIT, cell_deg: float = CELL_DEG) -> Aggregation:
    """Whether (and into how many cells) the map aggregates these filtered incidents."""
    n = int(located_mask(events).sum())
    if n <= limit:
        return Aggregation(n, 0, cell_deg, limit)
    return Aggregation(n, len(grid_cells(events, cell_deg)), cell_deg, limit)


def grid_cells(events: pd.DataFrame, cell_deg: float = CELL_DEG) -> pd.DataFrame:
    """Located incidents counted per grid cell of ``cell_deg`` degrees (cells aligned on multiples of it), one row
    per cell holding at least one incident: south, west (the cell's corner), latitude, longitude (its centre),
    incidents, killed_known (sum of the known victims-killed figures), n_known, n_unknown (incidents with no
    figure). Sorted by incidents, most first, then by position."""
    mask = located_mask(events).to_numpy(bool)  # columns picked one by one: no copy of the whole table
    lat = events["latitude"].to_numpy(float)[mask]
    lon = events["longitude"].to_numpy(float)[mask]
    killed = events["killed"][mask]
    df = pd.DataFrame({"iy": np.floor(lat / cell_deg).astype("int64"), "ix": np.floor(lon / cell_deg).astype("int64"),
                       "known": killed.notna().to_numpy(bool), "killed": killed.fillna(0).to_numpy("int64")})
    g = df.groupby(["iy", "ix"], sort=True)
    cells = pd.DataFrame({"incidents": g.size(), "n_known": g["known"].sum(), "killed_known": g["killed"].sum()})
    cells = cells.reset_index()
    cells["n_unknown"] = cells["incidents"] - cells["n_known"]
    cells["south"] = cells["iy"] * cell_deg
    cells["west"] = cells["ix"] * cell_deg
    cells["latitude"] = cells["south"] + cell_deg / 2
    cells["longitude"] = cells["west"] + cell_deg / 2
    cells = cells.sort_values(["incidents", "iy", "ix"], ascending=[False, True, True], kind="stable")
    return cells[["south", "west", "latitude", "longitude", "incidents", "killed_known", "n_known", "n_unknown"]
                 ].reset_index(drop=True)


def cell_victims_text(incidents: int, killed_known: int, n_known: int, n_unknown: int) -> str:
    """'1,234 incidents; at least 456 victims killed; 78 with no figure' (unknown never read as 0)."""
    head = f"{incidents:,} incident{'s' if incidents != 1 else ''}"
    if not n_known:
        return f"{head}; victims killed unknown (no figure for {'it' if incidents == 1 else 'any of them'})"
    noun = "victim" if killed_known == 1 else "victims"
    if n_unknown:
        return f"{head}; at least {killed_known:,} {noun} killed; {n_unknown:,} with no figure"
    return f"{head}; {killed_known:,} {noun} killed"


def _lat_text(v: float) -> str:
    return f"{abs(v):g}\u00b0 {'N' if v >= 0 else 'S'}"


def _lon_text(v: float) -> str:
    return f"{abs(v):g}\u00b0 {'E' if v >= 0 else 'W'}"


def cell_radius_px(incidents: int | np.ndarray, most: int) -> float | np.ndarray:
    """Radius of a cell's circle: area proportional to its incidents, the fullest cell CELL_RADIUS_MAX_PX."""
    r = CELL_RADIUS_MAX_PX * np.sqrt(np.asarray(incidents, dtype=float) / max(1, most))
    r = np.maximum(CELL_RADIUS_MIN_PX, r)
    return float(r) if np.ndim(r) == 0 else r


def compact_count(n: int) -> str:
    """A count for a small label: 950, 1.2k, 12k, 1.3M."""
    if n < 1000:
        return str(n)
    if n < 10_000:
        return f"{n / 1000:.1f}k".replace(".0k", "k")
    if n < 1_000_000:
        return f"{round(n / 1000)}k"
    return f"{n / 1e6:.1f}M".replace(".0M", "M")


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


def cell_label_data(cells: list[dict]) -> list[dict]:
    """The count of each big enough cell, written on its circle (at most CELL_LABELS_MAX, largest first); a label
    that would overlap one already placed at the starting zoom is left out (the tooltip still gives the count)."""
    out: list[dict] = []
    placed: list[tuple[float, float, float, float]] = []
    for c in cells:
        if c["radius"] < CELL_LABEL_MIN_RADIUS_PX or len(out) >= CELL_LABELS_MAX:
            continue
        text = compact_count(c["incidents"])
        x, y = _pixels(c["latitude"], c["longitude"])
        half_w, half_h = (len(text) * LABEL_CHAR_PX + 6) / 2, LABEL_LINE_PX / 2 + 1
        box = (x - half_w, y - half_h, x + half_w, y + half_h)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
            continue
        placed.append(box)
        out.append({"longitude": c["longitude"], "latitude": c["latitude"], "text": text})
    return out


# ------------------------------------------------------------------ the deck

LABEL_OFFSET_PX = 16
LABEL_CHAR_PX, LABEL_LINE_PX = 7.3, 15.0  # rough size of 13 px bold text
MAP_HALF_WIDTH_PX, MAP_HALF_HEIGHT_PX = 320, 280  # the smallest map the page draws (640 x 560)
# Where a label may go, in order of preference: (text anchor, baseline, pixel offset).
_LABEL_SPOTS = (("start", "center", (LABEL_OFFSET_PX, 0)), ("end", "center", (-LABEL_OFFSET_PX, 0)),
                ("middle", "bottom", (0, -LABEL_OFFSET_PX)), ("middle", "top", (0, LABEL_OFFSET_PX)))


def _pixels(lat: float, lon: float) -> tuple[float, float]:
    """Web Mercator pixel position at the starting view, relative to its centre (y down)."""
    scale = 512 * 2 ** VIEW["zoom"]

    def y(la: float) -> float:
        return scale / (2 * math.pi) * math.log(math.tan(math.pi / 4 + math.radians(la) / 2))

    return (lon - VIEW["longitude"]) * scale / 360, y(VIEW["latitude"]) - y(lat)


def _pixels_array(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``_pixels`` for arrays of coordinates."""
    scale = 512 * 2 ** VIEW["zoom"]

    def y(la):
        return scale / (2 * math.pi) * np.log(np.tan(math.pi / 4 + np.radians(la) / 2))

    return (lon - VIEW["longitude"]) * scale / 360, y(VIEW["latitude"]) - y(lat)


def _label_box(x: float, y: float, text: str, spot: tuple) -> tuple[float, float, float, float]:
    anchor, baseline, (dx, dy) = spot
    lines = text.split("\n")
    w, h = max(len(line) for line in lines) * LABEL_CHAR_PX + 6, len(lines) * LABEL_LINE_PX + 2
    x0 = {"start": x + dx, "end": x + dx - w, "middle": x + dx - w / 2}[anchor]
    y0 = {"center": y + dy - h / 2, "bottom": y + dy - h, "top": y + dy}[baseline]
    return x0, y0, x0 + w, y0 + h


def label_data(events: pd.DataFrame) -> list[dict]:
    """Labels of the places where several incidents overlap at the starting zoom: 'Aktobe: 4 incidents',
    'Almaty area: 9 incidents' (on two lines). Each goes right, left, above or below its point, whichever covers
    the fewest other points and labels and stays inside the map; labels are drawn under the points, so a label
    never hides one."""
    located = events[located_mask(events)]
    px_, py_ = _pixels_array(located["latitude"].to_numpy(float), located["longitude"].to_numpy(float))
    killed = located["killed"]
    pr = np.where(killed.isna().to_numpy(bool), UNKNOWN_RADIUS_PX,
                  np.clip(RADIUS_PER_SQRT_KILLED_PX * np.sqrt(killed.fillna(0).to_numpy("float64")),
                          RADIUS_MIN_PX, RADIUS_MAX_PX))
    placed: list[tuple[float, float, float, float]] = []
    out = []
    for c in nearby_clusters(events):
        name = c["place"] if c["points"] == 1 else f"{c['place']} area"
        text = f"{name}:\n{c['n']} incidents"
        x, y = _pixels(c["latitude"], c["longitude"])

        def cost(spot: tuple, x: float = x, y: float = y, text: str = text) -> float:
            x0, y0, x1, y1 = _label_box(x, y, text, spot)
            hits = int(np.count_nonzero((x0 - pr < px_) & (px_ < x1 + pr) & (y0 - pr < py_) & (py_ < y1 + pr)))
            hits += sum(3 for a in placed if x0 < a[2] and a[0] < x1 and y0 < a[3] and a[1] < y1)
            outside = x0 < -MAP_HALF_WIDTH_PX or x1 > MAP_HALF_WIDTH_PX or y0 < -MAP_HALF_HEIGHT_PX \
                or y1 > MAP_HALF_HEIGHT_PX
            return hits + (10 if outside else 0)

        spot = min(_LABEL_SPOTS, key=cost)  # min keeps the first of equal costs: the preferred spot
        placed.append(_label_box(x, y, text, spot))
        out.append({"longitude": c["longitude"], "latitude": c["latitude"], "text": text, "anchor": spot[0],
                    "baseline": spot[1], "offset": list(spot[2])})
    return out


def make_map(events: pd.DataFrame, boundaries: Mapping | None, shade_by: str = DEFAULT_SHADE,
             basemap: bool = False, *, all_events: pd.DataFrame | None = None,
             region_filter: Collection[str] = (), point_limit: int = POINT_LIMIT,
             cell_deg: float = CELL_DEG) -> pdk.Deck:
    """The map of the filtered incidents ``events``. ``all_events`` (default: ``events``) fixes the order of the
    points layer; the ones outside ``events`` are hidden (only while ``all_events`` has at most ``point_limit``
    located incidents; beyond, the layer holds the filtered incidents only). Above ``point_limit`` located incidents
    in ``events``, grid cells of ``cell_deg`` degrees are drawn instead of the incidents (layers ``cells`` and
    ``cell_labels``). No basemap unless ``basemap`` (Carto light, needs internet, no token)."""
    if shade_by not in SHADE_OPTIONS:
        raise ValueError(f"shade_by must be one of {', '.join(SHADE_OPTIONS)}, not {shade_by!r}")
    all_events = events if all_events is None else all_events
    regions = pdk.Layer(
        "GeoJsonLayer", id=LAYER_REGIONS, data=region_layer_data(events, boundaries, shade_by, region_filter, basemap),
        pickable=True, auto_highlight=True, highlight_color=[0, 0, 0, 40], stroked=True, filled=True,
        get_fill_color="properties.fill", get_line_color="properties.line", line_width_units="'pixels'",
        get_line_width=1, line_width_min_pixels=1,
    )
    if int(located_mask(events).sum()) > point_limit:
        layers = [regions, *_cell_layers(events, cell_deg, point_limit)]
    else:
        # Every located incident of the table in a fixed order (selection stability), unless the table is large.
        base = all_events if int(located_mask(all_events).sum()) <= point_limit else events
        layers = [regions, _label_layer(events), _points_layer(point_data(base, events))]
    if basemap:
        return CompactDeck(layers=layers, initial_view_state=pdk.ViewState(**VIEW),
                           map_provider="carto", map_style=CARTO_LIGHT, tooltip=TOOLTIP)
    # No basemap: pydeck then writes its placeholder style, which Streamlit reads as "no basemap". (Passing
    # map_style=None instead would make Streamlit fetch a Carto style that follows the theme.)
    return CompactDeck(layers=layers, initial_view_state=pdk.ViewState(**VIEW), map_provider=None, tooltip=TOOLTIP)


def _points_layer(records: list[dict]) -> pdk.Layer:
    return pdk.Layer(
        "ScatterplotLayer", id=LAYER_INCIDENTS, data=records,
        pickable=True, auto_highlight=True, highlight_color=[0, 0, 0, 60], stroked=True, filled=True,
        get_position=["longitude", "latitude"], get_radius="radius", radius_units="'pixels'",
        radius_min_pixels=RADIUS_MIN_PX, radius_max_pixels=RADIUS_MAX_PX,
        get_fill_color="fill", get_line_color="line", get_line_width="line_width", line_width_units="'pixels'",
        get_filter_value="in_filter", filter_range=[1, 1],
        extensions=[{"@@type": "DataFilterExtension", "filterSize": 1}],
    )


def _text_layer(layer_id: str, data: list[dict], **kwargs) -> pdk.Layer:
    return pdk.Layer(
        "TextLayer", id=layer_id, data=data, pickable=False,
        get_position=["longitude", "latitude"], get_size=13, size_units="'pixels'",
        get_color=[20, 23, 26, 255], character_set="'auto'", font_family='"Arial, Helvetica, sans-serif"',
        font_weight=600, background=True, get_background_color=[255, 255, 255, 220], background_padding=[3, 1],
        **kwargs,
    )


def _label_layer(events: pd.DataFrame) -> pdk.Layer:
    return _text_layer(LAYER_LABELS, label_data(events), get_text="text", get_text_anchor="anchor",
                       get_alignment_baseline="baseline", get_pixel_offset="offset")


def _cell_layers(events: pd.DataFrame, cell_deg: float, limit: int) -> list[pdk.Layer]:
    """Grid cells: a circle per cell (area ~ incidents) and the count written on the bigger ones."""
    cells = cell_data(events, cell_deg, limit)
    circles = pdk.Layer(
        "ScatterplotLayer", id=LAYER_CELLS, data=cells,
        pickable=True, auto_highlight=True, highlight_color=[0, 0, 0, 60], stroked=True, filled=True,
        get_position=["longitude", "latitude"], get_radius="radius", radius_units="'pixels'",
        radius_min_pixels=CELL_RADIUS_MIN_PX, radius_max_pixels=CELL_RADIUS_MAX_PX,
        get_fill_color=list(CELL_FILL), get_line_color=list(CELL_LINE), get_line_width=1.5,
        line_width_units="'pixels'",
    )
    labels = _text_layer(LAYER_CELL_LABELS, cell_label_data(cells), get_text="text", get_text_anchor="'middle'",
                         get_alignment_baseline="'center'")
    return [circles, labels]


class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation. Streamlit sends ``Deck.to_json()`` to the browser on every rerun, and
    pydeck indents it (indent=2), which made the region polygons 1.2 MB instead of 0.24 MB."""

    def to_json(self) -> str:
        # Built once and then only read (the page memoises decks), so the JSON is kept after the first call.
        if getattr(self, "_json_cache", None) is None:
            self._json_cache = json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))
        return self._json_cache

def zoomed(deck: CompactDeck, zoom: float) -> CompactDeck:
    """The same map (layers, tooltip, no basemap) opening at another zoom around the same centre: for a slide,
    where the map has more room than on the page. Labels keep their pixel offsets from their points."""
    return CompactDeck(layers=deck.layers, initial_view_state=pdk.ViewState(**{**VIEW, "zoom": zoom}),
                       map_provider=None, tooltip=TOOLTIP)


# ------------------------------------------------------------------ legend

@dataclass(frozen=True)
class LegendItem:
    """One line of the legend. ``kind``: 'point' (filled circle), 'ring' (hollow circle), 'size' (circle of a
    given radius), 'area' (square swatch); ``group`` heads the section it belongs to."""

    group: str
    kind: str
    label: str
    rgb: tuple[int, int, int]
    radius: float = 6.0
    outline: tuple[int, int, int] = REGION_OUTLINE_RGB


def cell_legend_counts(most: int) -> list[int]:
    """Reference counts for the legend of the grid cells: the fullest cell's count and round numbers below it
    (1-2-5 steps, each at most a tenth of the previous), smallest first."""
    if most <= 0:
        return []
    out = [most]
    step = 10 ** int(math.floor(math.log10(most)))
    for nice in (step, step // 10, step // 100):
        if 1 <= nice <= out[-1] / 4:
            out.append(nice)
    return sorted(set(out))[-3:]


def legend_items(events: pd.DataFrame, boundaries: Mapping | None, shade_by: str = DEFAULT_SHADE,
                 region_filter: Collection[str] = (), point_limit: int = POINT_LIMIT,
                 cell_deg: float = CELL_DEG) -> list[LegendItem]:
    """What the map draws, in legend order: attack types present, the unknown-victims ring, point sizes, and the
    region shading with its numbers. Above ``point_limit`` located incidents: the grid cells and their sizes
    instead of the incidents."""
    items: list[LegendItem] = []
    mask = located_mask(events)
    if int(mask.sum()) > point_limit:
        cells = grid_cells(events, cell_deg)
        most = int(cells["incidents"].max())
        group = f"Grid cells of {_deg(cell_deg)} ({len(cells):,}): size = incidents in the cell, not one incident"
        for k in cell_legend_counts(most):
            items.append(LegendItem(group, "size", f"{k:,}", CELL_FILL[:3], radius=cell_radius_px(k, most),
                                    outline=CELL_FILL[:3]))
        return items + _region_legend(events, boundaries, shade_by, region_filter)
    located = events[mask]
    counts = located["attack_type"].value_counts()
    counts = counts[counts > 0]  # a categorical column also counts its unused categories
    for attack_type, hex_colour in style.ATTACK_TYPE_COLOURS.items():
        if attack_type in counts:
            n = int(counts[attack_type])
            items.append(LegendItem("Colour: attack type (GTD)", "point", f"{attack_type} ({n})",
                                    style.hex_to_rgb(hex_colour), radius=6.0, outline=POINT_OUTLINE_RGB))
    for attack_type in counts.index:
        if attack_type not in style.ATTACK_TYPE_COLOURS:
            items.append(LegendItem("Colour: attack type (GTD)", "point",
                                    f"{attack_type} ({int(counts[attack_type])})",
                                    style.hex_to_rgb(style.OKABE_ITO["grey"]), outline=POINT_OUTLINE_RGB))
    size_group = "Size: victims killed"
    for k in (0, 1, 5, 10, 20):
        items.append(LegendItem(size_group, "size", str(k), (110, 110, 110), radius=radius_px(k),
                                outline=POINT_OUTLINE_RGB))
    n_unknown = int(located["killed"].isna().sum())
    items.append(LegendItem(size_group, "ring", f"unknown ({n_unknown}): ring, fixed size", (110, 110, 110),
                            radius=UNKNOWN_RADIUS_PX))
    return items + _region_legend(events, boundaries, shade_by, region_filter)


def _region_legend(events: pd.DataFrame, boundaries: Mapping | None, shade_by: str,
                   region_filter: Collection[str]) -> list[LegendItem]:
    items: list[LegendItem] = []
    group = f"Region: {SHADE_OPTIONS[shade_by].lower()}"
    data = region_layer_data(events, boundaries, shade_by, region_filter)
    states = {f["properties"]["shade_state"] for f in data["features"]}
    figures = region_figures(events, [_region_name(f) for f in data["features"]], region_filter)
    values = [f.value(shade_by) for f in figures.values() if f.incidents and f.in_filter]
    for c in shade_classes(values, shade_by):
        items.append(LegendItem(group, "area", c.label, c.rgb))
    if "unknown" in states:
        items.append(LegendItem(group, "area", "unknown (no victim figure)", UNKNOWN_VICTIMS_RGB))
    if "no incident" in states:
        items.append(LegendItem(group, "area", "no incident", NO_INCIDENT_RGB))
    if "outside filter" in states:
        items.append(LegendItem(group, "area", "outside the region filter", OUTSIDE_FILTER_RGB))
    return items


def _rgb(rgb: tuple[int, int, int]) -> str:
    return "rgb({},{},{})".format(*rgb)


LEGEND_WIDTH_PX = 210


def legend_svg(items: list[LegendItem], width: int = LEGEND_WIDTH_PX, note: str = "") -> str:
    """The legend as a standalone SVG (all text escaped), to show as an image. Point sizes are drawn side by side
    in one row; long labels wrap."""
    pad, line_h = 6, 16
    chars = max(12, (width - 2 * pad - 34) // 7)
    parts: list[str] = []
    y = float(pad)

    def text(x: float, y_: float, content: str, **attrs: str) -> None:
        extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
        parts.append(f'<text x="{x}" y="{y_:.1f}"{extra}>{escape(content)}</text>')

    groups: dict[str, list[LegendItem]] = {}
    for item in items:
        groups.setdefault(item.group, []).append(item)
    for g_index, (group, members) in enumerate(groups.items()):
        y += 8 if g_index else 0
        for line in _wrap(group, (width - 2 * pad) // 8):
            text(pad, y + 13, line, font_weight="700", font_size="14")
            y += 18
        y += 2
        sizes = [m for m in members if m.kind == "size"]
        if sizes:
            r_max = max(m.radius for m in sizes)
            step = (width - 2 * pad) / len(sizes)
            cy = y + r_max + 1
            for i, m in enumerate(sizes):
                cx = pad + step * (i + 0.5)
                parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{m.radius:.2f}" fill="{_rgb(m.rgb)}" '
                             f'stroke="{_rgb(m.outline)}" stroke-width="1.2"/>')
                text(cx, cy + r_max + 15, m.label, font_size="13", text_anchor="middle")
            y = cy + r_max + 22
        for m in members:
            if m.kind == "size":
                continue
            lines = _wrap(m.label, chars)
            h = max(20.0, 2 * m.radius + 6, line_h * len(lines) + 4)
            cx, cy = pad + 12, y + 10
            if m.kind == "area":
                parts.append(f'<rect x="{pad + 2}" y="{cy - 8}" width="20" height="16" fill="{_rgb(m.rgb)}" '
                             f'stroke="{_rgb(m.outline)}" stroke-width="1"/>')
            elif m.kind == "ring":
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="{m.radius}" fill="white" stroke="{_rgb(m.rgb)}" '
                             f'stroke-width="{RING_WIDTH_PX}"/>')
            else:
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="{m.radius}" fill="{_rgb(m.rgb)}" '
                             f'stroke="{_rgb(m.outline)}" stroke-width="1.2"/>')
            for k, line in enumerate(lines):
                text(pad + 32, cy + 5 + k * line_h, line, font_size="13.5")
            y += h
    if note:
        y += 6
        for line in _wrap(note, (width - 2 * pad) // 6):
            y += 16
            text(pad, y, line, font_size="12.5", fill="rgb(70,70,70)")
    height = int(y + pad + 4)
    font = escape(style.FONT_FAMILY, {'"': "&quot;"})
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="{font}" fill="rgb(20,23,26)">'
            f'<rect width="{width}" height="{height}" fill="white"/>' + "".join(parts) + "</svg>")


def _wrap(text: str, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current] if current else lines


def legend_text(items: list[LegendItem]) -> str:
    """The legend in words (the image's alt text)."""
    by_group: dict[str, list[str]] = {}
    for item in items:
        by_group.setdefault(item.group, []).append(item.label)
    return ". ".join(f"{g}: {', '.join(labels)}" for g, labels in by_group.items()) + "."
