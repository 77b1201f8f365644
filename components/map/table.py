"""The table under the map ('View as table'): the filtered incidents, at most ``TABLE_LIMIT`` (the most recent), in
date order, unknown counts as 'unknown', and where each is on the map. Pure code: no Streamlit, no I/O."""

from __future__ import annotations

import pandas as pd

from components.map.clusters import CELL_DEG, POINT_LIMIT, colocated, located_mask
from components.text import COORD_WORDS, count_text
from components.text import date_long as date_text

TABLE_LIMIT = POINT_LIMIT  # rows of the map's 'View as table'; beyond, the most recent (the CSV export has all)
TABLE_COLUMNS = ["event_id", "Date", "Place", "Region", "Attack type (GTD)", "Victims killed", "Injured",
                 "Point on the map"]


def _where(row: dict, n_at_point: int, aggregated: bool) -> str:
    """Where an incident is on the map: its point's precision and how many share it, or that it is counted in its
    grid cell; or that it has no coordinates."""
    where = COORD_WORDS.get(row["coord_precision"], "precision not stated")
    if n_at_point > 1:
        where += f" (shares its point with {n_at_point - 1} other{'s' if n_at_point > 2 else ''})"
    return where + (f" (counted in its {CELL_DEG:g}\u00b0 grid cell)" if aggregated else "")


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
        rows.append({
            "event_id": row["event_id"],
            "Date": date_text(row["date"], row["date_precision"]),
            "Place": row["place"],
            "Region": row["region"],
            "Attack type (GTD)": row["attack_type"],
            "Victims killed": count_text(row["killed"]),
            "Injured": count_text(row["injured"]),
            "Point on the map": (_where(row, groups.get((row["latitude"], row["longitude"]), 1), aggregated)
                                 if is_located else "no coordinates: not on the map"),
            "_date": row["date"],
        })
    table = pd.DataFrame(rows, columns=[*TABLE_COLUMNS, "_date"])
    return table.sort_values(["_date", "event_id"], kind="stable").drop(columns="_date").reset_index(drop=True)
