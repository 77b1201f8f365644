"""Geometry of the map, on the ground and on paper: the regions' outer rings and the area they enclose, the Albers
projection of the printed map, distances between incidents, which incidents' points overlap, and whether two boxes
of pixels overlap. Pure code (numpy and shapely): no pandas, no Streamlit, no I/O."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import shapely
from shapely.errors import GEOSException
from shapely.geometry import shape

EARTH_KM = 6371.0

Box = tuple[float, float, float, float]  # x0, y0, x1, y1


# ------------------------------------------------------------------ region boundaries

def region_name(feature: Mapping) -> str:
    """The region a boundary feature outlines ('' when it names none)."""
    return str((feature.get("properties") or {}).get("region", ""))


def exterior_rings(geometry: Mapping | None) -> list[np.ndarray]:
    """The outer ring of each polygon of a GeoJSON Polygon or MultiPolygon, as (n, 2) arrays of longitude and
    latitude; holes are left out (the units inside them are drawn on top), and so is any other geometry."""
    if not geometry or geometry.get("type") not in ("Polygon", "MultiPolygon") or not geometry.get("coordinates"):
        return []
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, GEOSException):  # a geometry shapely cannot read is not drawn
        return []
    parts = geom.geoms if isinstance(geom, shapely.MultiPolygon) else [geom]
    return [shapely.get_coordinates(p.exterior) for p in parts if not p.is_empty]


def ring_areas(rings: Sequence[np.ndarray]) -> np.ndarray:
    """The area each ring encloses (in the square of its coordinates' unit), all at once."""
    if not len(rings):
        return np.zeros(0)
    coords = np.concatenate([np.asarray(r, dtype=float)[:, :2] for r in rings])
    which = np.repeat(np.arange(len(rings)), [len(r) for r in rings])
    return shapely.area(shapely.polygons(shapely.linearrings(coords, indices=which)))


# ------------------------------------------------------------------ projection of the printed map

# Albers equal-area conic fitted to Kazakhstan (standard parallels 44 and 52 N, centre 67 E, 48 N): areas and the
# shape of the country are kept close to true, unlike plain longitude/latitude.
_LON0, _LAT0, _P1, _P2 = 67.0, 48.0, 44.0, 52.0
_N = (math.sin(math.radians(_P1)) + math.sin(math.radians(_P2))) / 2
_C = math.cos(math.radians(_P1)) ** 2 + 2 * _N * math.sin(math.radians(_P1))
_RHO0 = math.sqrt(_C - 2 * _N * math.sin(math.radians(_LAT0))) / _N


def albers(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Project longitude/latitude (degrees) to kilometres on the Albers conic above."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    rho = np.sqrt(_C - 2 * _N * np.sin(np.radians(lat))) / _N
    theta = _N * np.radians(lon - _LON0)
    return EARTH_KM * rho * np.sin(theta), EARTH_KM * (_RHO0 - rho * np.cos(theta))


# ------------------------------------------------------------------ distances and overlap

def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(min(1.0, a)))


def overlap_groups(lat: np.ndarray, lon: np.ndarray, threshold_deg: float) -> np.ndarray:
    """Single-linkage groups of points closer than ``threshold_deg`` (longitude degrees; latitude scaled by
    1/cos of the pair's mean latitude): a group label per point, the lowest index of its group. Candidate pairs come
    from an R-tree (shapely's STRtree), so the work grows with the pairs that are close, not with all pairs."""
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    labels = np.arange(len(lat))
    if len(lat) < 2:
        return labels
    points = shapely.points(lon, lat)
    # Unscaled latitude is never farther than scaled (cos <= 1), so every close pair is a candidate; the margin
    # only guards the rounding of the tree's distance.
    i, j = shapely.STRtree(points).query(points, predicate="dwithin", distance=threshold_deg * (1 + 1e-9))
    keep = j > i
    i, j = i[keep], j[keep]
    scale = np.cos(np.radians((lat[i] + lat[j]) / 2))
    close = np.hypot(lon[i] - lon[j], (lat[i] - lat[j]) / scale) < threshold_deg
    return _lowest_index_labels(labels, i[close], j[close])


def _lowest_index_labels(labels: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components of the pairs (a, b): label propagation with pointer jumping, every point ending with the
    lowest index of its component."""
    while True:
        low = np.minimum(labels[a], labels[b])
        new = labels.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        new = new[new]
        if np.array_equal(new, labels):
            return labels
        labels = new


def boxes_overlap(a: Box, b: Box) -> bool:
    """Whether two boxes (x0, y0, x1, y1) share more than an edge."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def count_overlaps(a: Box, boxes: np.ndarray) -> int:
    """How many of ``boxes`` (rows x0, y0, x1, y1) overlap box ``a`` (``boxes_overlap`` for many at once)."""
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
    return int(np.count_nonzero((a[0] < boxes[:, 2]) & (boxes[:, 0] < a[2]) & (a[1] < boxes[:, 3])
                                & (boxes[:, 1] < a[3])))
