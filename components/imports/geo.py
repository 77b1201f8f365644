"""Where a mapped row is: its point, kept only when it is two numbers inside Kazakhstan (the union of the data
pack's region polygons, with a small tolerance at the border; latitude and longitude given the wrong way round are
noticed, never swapped), and its region name as the source wrote it when that maps to no 2016 region.

A row without a usable point is kept, not drawn, and listed with its reason; nothing is moved or guessed.
"""

from __future__ import annotations

import json
from functools import cache

import numpy as np
import pandas as pd

from components.i18n import N_
from components.imports import regions as regions_lookup
from components.imports.columns import metadata
from components.imports.rows import Mapped, join, map_unique, num, where
from components.pack import schema
from components.pack.load import DEFAULT_DATA_DIR

# Why an accepted row has no point: a few constants, stored in English and translated where shown.
NO_COORDINATES = N_("no coordinates in the source")
ONE_COORDINATE = N_("only one of latitude and longitude is given")
NOT_NUMBERS = N_("the coordinates are not numbers")
OUTSIDE_KAZAKHSTAN = N_("the point lies outside Kazakhstan")
OUTSIDE_MAYBE_SWAPPED = N_("the point lies outside Kazakhstan (latitude and longitude may be swapped)")
NO_POINT_REASONS = (NO_COORDINATES, ONE_COORDINATE, NOT_NUMBERS, OUTSIDE_MAYBE_SWAPPED, OUTSIDE_KAZAKHSTAN)
BORDER_TOLERANCE_DEG = 0.05  # about 5 km: the outline is simplified, and a border town's point may lie just beyond it


def points(mapped: Mapped) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """(latitude, longitude, reason why there is no point ("" where there is one), note for geo_note). A point that
    is not two numbers or lies outside Kazakhstan is not drawn (and never moved): the row keeps its other values."""
    idx = mapped.frame.index
    lat, lat_bad = num(mapped.latitude)
    lon, lon_bad = num(mapped.longitude)
    lat_blank = (mapped.latitude == "").to_numpy()
    lon_blank = (mapped.longitude == "").to_numpy()
    located = ~(lat.isna() | lon.isna()).to_numpy()
    outside = located & ~_in_kazakhstan(lat.to_numpy(), lon.to_numpy())
    swapped = outside & _in_kazakhstan(np.where(outside, lon.to_numpy(), np.nan),
                                      np.where(outside, lat.to_numpy(), np.nan))
    reason = pd.Series(np.select(
        [lat_blank & lon_blank, lat_blank | lon_blank, lat_bad | lon_bad, swapped, outside],
        list(NO_POINT_REASONS), ""),
        index=idx, dtype="str")
    no_point = (reason != "").to_numpy()
    given = no_point & ~(lat_blank & lon_blank)
    label, lat_text, lon_text = mapped.coord_label, mapped.latitude, mapped.longitude
    note = join([
        where(given, lambda: f"the {label} point (" + lat_text + ", " + lon_text + ") is not drawn: " + reason, idx),
        where(lat_blank & lon_blank, "no coordinates in the source: not on the map", idx)])
    return lat.where(~no_point), lon.where(~no_point), reason, note


@cache
def _kazakhstan_outline():  # -> prepared shapely geometry | None
    """Kazakhstan's outline: the union of the data pack's region polygons, or None if they cannot be read (then
    only the bounding box schema.LAT_RANGE / LON_RANGE is checked)."""
    try:
        import shapely
        from shapely.geometry import shape

        path = DEFAULT_DATA_DIR / metadata()["boundaries"]["file"]
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        outline = shapely.union_all([shape(f["geometry"]) for f in features])
        shapely.prepare(outline)
    except (ImportError, OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return outline


def _in_kazakhstan(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Which points (NaN = no point) lie in Kazakhstan: inside its bounding box and within BORDER_TOLERANCE_DEG of
    its outline. Points inside the outline are found at once; only the others are measured."""
    with np.errstate(invalid="ignore"):
        inside = ((lat >= schema.LAT_RANGE[0]) & (lat <= schema.LAT_RANGE[1]) & (lon >= schema.LON_RANGE[0])
                  & (lon <= schema.LON_RANGE[1]))
    outline = _kazakhstan_outline()
    if outline is None or not inside.any():
        return inside
    import shapely

    pos = np.flatnonzero(inside)
    hit = shapely.contains_xy(outline, lon[pos], lat[pos])
    if not hit.all():
        near = pos[~hit]
        hit[~hit] = shapely.dwithin(outline, shapely.points(lon[near], lat[near]), BORDER_TOLERANCE_DEG)
    inside[pos] = hit
    return inside


def unmapped_regions(mapped: Mapped) -> tuple[np.ndarray, pd.Series]:
    """(mask of rows whose region name maps to no 2016 region, note for geo_note)."""
    idx, region_src = mapped.frame.index, mapped.region_source
    no_region = mapped.frame["region"].isna().to_numpy()
    unmapped = no_region & ~map_unique(region_src, regions_lookup.is_unknown).astype(bool).to_numpy()
    note = join([
        where(unmapped, lambda: "region '" + region_src + "' in the source does not map to a 2016 region", idx),
        where(no_region & ~unmapped, "the source gives no region", idx)])
    return unmapped, note
