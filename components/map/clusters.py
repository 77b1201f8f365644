"""Where the filtered incidents are and where they pile up: which incidents can be drawn (both coordinates), the
incidents drawn at one point, the groups that overlap at the starting zoom, and, above ``POINT_LIMIT`` located
incidents, their counts per grid cell of ``CELL_DEG`` degrees (``Aggregation``); with the sentences that say so.
Coordinates are never changed: this only describes them. Pure code: no Streamlit, no I/O."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from components.i18n import ENGLISH, Translator
from components.map import geometry

# Above this many located incidents in the filter the map draws grid cells instead of individual incidents.
POINT_LIMIT = 3000
CELL_DEG = 0.5  # side of a grid cell, in degrees of latitude and longitude

# Points closer than this (in degrees of longitude; latitude scaled by 1/cos) overlap at the starting zoom.
OVERLAP_DEG = 0.6


# ------------------------------------------------------------------ located incidents

def located_mask(events: pd.DataFrame) -> pd.Series:
    """Incidents that have both coordinates (the others cannot be drawn)."""
    return (events["latitude"].notna() & events["longitude"].notna()).astype(bool)


def unlocated(events: pd.DataFrame) -> pd.DataFrame:
    """Incidents without coordinates: not drawn; the page lists them."""
    return events[~located_mask(events)]


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


def colocated_sentence(groups: list[dict], t: Translator = ENGLISH) -> str:
    """'Almaty: 5 incidents at one point; Aktobe: 4 incidents at one point' (empty when none overlap)."""
    return "; ".join(f"{g['place']}: " + t.n("{n} incident at one point", "{n} incidents at one point", g["n"])
                     for g in groups)


# ------------------------------------------------------------------ overlap at the starting zoom

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


def nearby_clusters(events: pd.DataFrame, threshold_deg: float = OVERLAP_DEG) -> list[dict]:
    """Groups of two or more located incidents that overlap on the map at the starting zoom (same point, or points
    closer than ``threshold_deg``; single linkage), largest first. Each: place (the point with most incidents),
    latitude/longitude of that point, n incidents, points (distinct coordinates), at_anchor (incidents at that
    point), radius_km (farthest point from it). Coordinates are never changed: this only describes the overlap."""
    located = events[located_mask(events)]
    if located.empty:
        return []
    pts = _points(located)
    pts["group"] = geometry.overlap_groups(pts["latitude"].to_numpy(float), pts["longitude"].to_numpy(float),
                                           threshold_deg)
    out = []
    for _, members in pts.groupby("group", sort=False):
        n = int(members["n"].sum())
        if n < 2:
            continue
        anchor = members.sort_values(["n", "place"], ascending=[False, True], kind="stable").iloc[0]
        radius = max(geometry.km(anchor["latitude"], anchor["longitude"], la, lo)
                     for la, lo in zip(members["latitude"], members["longitude"], strict=True))
        out.append({"place": anchor["place"], "latitude": float(anchor["latitude"]),
                    "longitude": float(anchor["longitude"]), "n": n, "points": len(members),
                    "at_anchor": int(anchor["n"]), "radius_km": radius})
    return sorted(out, key=lambda c: (-c["n"], c["place"]))


def nearby_sentence(clusters: list[dict], t: Translator = ENGLISH) -> str:
    """'9 incidents within 20 km of Almaty (5 at one point)' for the clusters of several points (empty if none)."""
    parts = []
    for c in clusters:
        if c["points"] < 2:
            continue
        km = t.number(max(5, int(math.ceil(c["radius_km"] / 5.0) * 5)))
        incidents = t.n("{n} incident", "{n} incidents", c["n"])
        if c["at_anchor"] > 1:
            parts.append(t("{incidents} within {km} km of {place} ({at_one} at one point)").format(
                incidents=incidents, km=km, place=c["place"], at_one=t.number(c["at_anchor"])))
        else:
            parts.append(t("{incidents} within {km} km of {place}").format(incidents=incidents, km=km,
                                                                          place=c["place"]))
    return "; ".join(parts)


# ------------------------------------------------------------------ grid cells (large filters)

def deg_number(value: float, t: Translator = ENGLISH) -> str:
    """An angle's number for a sentence: '0.5' (Russian and Kazakh: '0,5')."""
    text = f"{value:g}"
    return text if t.lang == "en" else text.replace(".", ",")


def deg_text(value: float, t: Translator = ENGLISH) -> str:
    """An angle for a sentence: '0.5°' (Russian and Kazakh: '0,5°')."""
    return deg_number(value, t) + "\u00b0"


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

    def sentence(self, t: Translator = ENGLISH) -> str:
        """'93,000 incidents shown as 22 grid cells of 0.5°; narrow the filters below 3,000 to see individual
        incidents' (empty when the incidents are drawn one by one)."""
        if not self.aggregated:
            return ""
        return t("{incidents} shown as {cells} of {deg}; narrow the filters below {limit} to see individual "
                 "incidents").format(incidents=t.n("{n} incident", "{n} incidents", self.located),
                                     cells=t.n("{n} grid cell", "{n} grid cells", self.cells),
                                     deg=deg_text(self.cell_deg, t), limit=t.number(self.limit))


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
    killed = events["killed"]
    known = killed.notna().to_numpy(bool)[mask]
    total = killed.fillna(0).to_numpy("int64")[mask]
    iy, ix = np.floor(lat / cell_deg).astype("int64"), np.floor(lon / cell_deg).astype("int64")
    # counted with numpy on each cell's (iy, ix) pair: a groupby of two columns cost 20 ms at 200,000 incidents
    # One integer per cell, ordered as (iy, ix): its sorted distinct values are the cells in that order.
    x0, width = (int(ix.min()), int(ix.max() - ix.min()) + 1) if len(ix) else (0, 1)
    keys, cell_of = np.unique(iy * width + (ix - x0), return_inverse=True)
    n = len(keys)
    cells = pd.DataFrame({"iy": keys // width, "ix": keys % width + x0,
                          "incidents": np.bincount(cell_of, minlength=n).astype("int64"),
                          "n_known": np.bincount(cell_of, weights=known, minlength=n).astype("int64"),
                          "killed_known": np.bincount(cell_of, weights=total, minlength=n).astype("int64")})
    cells["n_unknown"] = cells["incidents"] - cells["n_known"]
    cells["south"] = cells["iy"] * cell_deg
    cells["west"] = cells["ix"] * cell_deg
    cells["latitude"] = cells["south"] + cell_deg / 2
    cells["longitude"] = cells["west"] + cell_deg / 2
    cells = cells.sort_values(["incidents", "iy", "ix"], ascending=[False, True, True], kind="stable")
    return cells[["south", "west", "latitude", "longitude", "incidents", "killed_known", "n_known", "n_unknown"]
                 ].reset_index(drop=True)


def cell_victims_text(incidents: int, killed_known: int, n_known: int, n_unknown: int,
                      t: Translator = ENGLISH) -> str:
    """'1,234 incidents; at least 456 victims killed; 78 with no figure' (unknown never read as 0)."""
    head = t.n("{n} incident", "{n} incidents", incidents)
    if not n_known:
        return (t("{incidents}; victims killed unknown (no figure for it)") if incidents == 1 else
                t("{incidents}; victims killed unknown (no figure for any of them)")).format(incidents=head)
    if n_unknown:
        return t("{incidents}; {killed}; {unknown} with no figure").format(
            incidents=head, killed=t.n("at least {n} victim killed", "at least {n} victims killed", killed_known),
            unknown=t.number(n_unknown))
    return f"{head}; " + t.n("{n} victim killed", "{n} victims killed", killed_known)


def compact_count(n: int, t: Translator = ENGLISH) -> str:
    """A count for a small label: 950, 1.2k, 12k, 1.3M (Russian '1,2 тыс.', '1,3 млн')."""
    if n < 1000:
        return str(n)
    if n < 10_000:
        number, thousands = f"{n / 1000:.1f}".removesuffix(".0"), True
    elif n < 1_000_000:
        number, thousands = str(round(n / 1000)), True
    else:
        number, thousands = f"{n / 1e6:.1f}".removesuffix(".0"), False
    if t.lang != "en":
        number = number.replace(".", ",")
    return (t("{n}k") if thousands else t("{n}M")).format(n=number)
