"""Matching imported rows to the curated incidents they duplicate (:func:`link_duplicates`), so that an incident in
both is linked (``duplicate_of``) and counted once.

A row in the dashboard's own format carrying a curated incident's id is that incident. Other rows are linked when
both are dated to the day, at most DUPLICATE_MAX_DAYS apart, and at the same place: points at most DUPLICATE_MAX_KM
apart, or the same region and settlement name. The closest curated incident is linked.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from components.imports import regions as regions_lookup
from components.imports.columns import FORMAT_EVENTS
from components.imports.rows import map_unique

DUPLICATE_MAX_DAYS = 1
DUPLICATE_MAX_KM = 50.0
EARTH_RADIUS_KM = 6371.0
DUPLICATE_COLUMNS = ("row", "source_record_id", "date", "place", "duplicate_of", "curated_place", "days_apart",
                     "km_apart")


def link_duplicates(accepted: pd.DataFrame, curated: pd.DataFrame | None) -> pd.DataFrame:
    """Imported rows that are the same incident as a curated one (DUPLICATE_COLUMNS, one row per linked row): a row
    in the dashboard's own format that carries a curated incident's id is that incident (whatever its date
    precision); the others are linked by place and date (``_link_by_place``)."""
    by_place = _link_by_place(accepted, curated)
    if curated is None or curated.empty or accepted.empty or "event_id" not in curated:
        return by_place
    ids = curated.set_index("event_id")
    own = accepted[(accepted["source_format"].astype("str") == FORMAT_EVENTS).fillna(False)
                   & accepted["source_record_id"].astype("str").isin(ids.index)]
    if own.empty:
        return by_place
    rid = own["source_record_id"].astype("str")
    exact = pd.DataFrame({
        "row": pd.array(own.index, dtype="Int64"), "source_record_id": rid.to_numpy(),
        "date": own["date"].to_numpy(), "place": own["place"].astype("str").to_numpy(),
        "duplicate_of": rid.to_numpy(), "curated_place": ids.loc[rid, "place"].astype("str").to_numpy(),
        "days_apart": pd.array([0] * len(own), dtype="Int64"), "km_apart": [0.0] * len(own)})
    rest = by_place[~by_place["row"].isin(exact["row"])]
    return pd.concat([rest, exact], ignore_index=True).sort_values("row", kind="stable").reset_index(drop=True)


def _link_by_place(accepted: pd.DataFrame, curated: pd.DataFrame | None) -> pd.DataFrame:
    """Imported rows that are likely the same incident as a curated one: dated to the day, at most
    ``DUPLICATE_MAX_DAYS`` apart, and at the same place (points at most ``DUPLICATE_MAX_KM`` apart, or the same region
    and settlement name). The closest curated incident is linked."""
    empty = pd.DataFrame({c: pd.Series(dtype="str") for c in DUPLICATE_COLUMNS})
    if curated is None or curated.empty or accepted.empty:
        return empty
    cur = curated
    if "date_precision" in cur:
        cur = cur[cur["date_precision"] == "day"]
    cur = cur[["event_id", "date", "place", "region", "latitude", "longitude"]].dropna(subset=["date"])
    if cur.empty:
        return empty
    cur_dates = pd.DatetimeIndex(cur["date"]).normalize()
    window = cur_dates.append([cur_dates + pd.Timedelta(days=k) for k in range(-DUPLICATE_MAX_DAYS,
                                                                               DUPLICATE_MAX_DAYS + 1) if k])
    cand = accepted[(accepted["date_precision"] == "day").fillna(False) & accepted["date"].isin(window)]
    if cand.empty:
        return empty
    left = cand[["source_record_id", "date", "place", "region", "latitude", "longitude"]].copy()
    for col in ("place", "region"):
        left[col] = left[col].astype("str")
    left["_pos"] = cand.index
    pairs = left.merge(cur.rename(columns=lambda c: c + "_cur"), how="cross")
    days = (pairs["date"] - pairs["date_cur"]).abs().dt.days
    km = _km_apart(pairs)
    same_name = (pairs["region"] == pairs["region_cur"]).fillna(False) & \
        (_place_key(pairs["place"]) == _place_key(pairs["place_cur"])) & (_place_key(pairs["place"]) != "")
    same_place = (km <= DUPLICATE_MAX_KM).fillna(False) | same_name
    pairs = pairs.assign(days_apart=days, km_apart=km.round(1))[(days <= DUPLICATE_MAX_DAYS) & same_place]
    if pairs.empty:
        return empty
    best = pairs.sort_values(["days_apart", "km_apart"], na_position="last").drop_duplicates("_pos")
    best = best.sort_values("_pos")
    return pd.DataFrame({
        "row": best["_pos"].astype("Int64").to_numpy(),  # spreadsheet row (the accepted frame's index before reset)
        "source_record_id": best["source_record_id"].astype("str").to_numpy(),
        "date": best["date"].to_numpy(),
        "place": best["place"].astype("str").to_numpy(),
        "duplicate_of": best["event_id_cur"].astype("str").to_numpy(),
        "curated_place": best["place_cur"].astype("str").to_numpy(),
        "days_apart": best["days_apart"].astype("Int64").to_numpy(),
        "km_apart": best["km_apart"].astype("float64").to_numpy(),
    })


def _km_apart(pairs: pd.DataFrame) -> pd.Series:
    """Great-circle (haversine) distance between each pair's imported and curated points; NaN where one is
    missing."""
    lat1, lon1 = np.radians(pairs["latitude"]), np.radians(pairs["longitude"])
    lat2, lon2 = np.radians(pairs["latitude_cur"]), np.radians(pairs["longitude_cur"])
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


def _place_key(s: pd.Series) -> pd.Series:
    """First word of a place name, plain ASCII: 'Tan dacha settlement' -> 'tan'."""
    return map_unique(s.fillna("").astype(str), lambda v: (regions_lookup.plain(v).split() or [""])[0]).astype("str")
