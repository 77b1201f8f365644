"""The table under the map ('View as table'): the filtered incidents, at most ``TABLE_LIMIT`` (the most recent), in
date order, unknown counts as 'unknown', and where each is on the map; headers and values in the translator's
language (the ``event_id`` column, which the page reads, keeps its name). Pure code: no Streamlit, no I/O."""

from __future__ import annotations

import pandas as pd

from components.i18n import ENGLISH, N_, Translator
from components.map.clusters import CELL_DEG, POINT_LIMIT, colocated, deg_text, located_mask
from components.map.points import coord_words, date_text, figure_text

TABLE_LIMIT = POINT_LIMIT  # rows of the map's 'View as table'; beyond, the most recent (the CSV export has all)
TABLE_COLUMNS = ["event_id", N_("Date"), N_("Place"), N_("Region"), N_("Attack type (GTD)"), N_("Victims killed"),
                 N_("Injured"), N_("Point on the map")]


def _where(row: dict, n_at_point: int, aggregated: bool, t: Translator = ENGLISH) -> str:
    """Where an incident is on the map: its point's precision and how many share it, or that it is counted in its
    grid cell; or that it has no coordinates."""
    where = coord_words(row["coord_precision"], t)
    if n_at_point > 1:
        where += " (" + t.n("shares its point with {n} other", "shares its point with {n} others",
                            n_at_point - 1) + ")"
    if aggregated:
        where += " (" + t("counted in its {deg} grid cell").format(deg=deg_text(CELL_DEG, t)) + ")"
    return where


def table_columns(t: Translator = ENGLISH) -> list[str]:
    """The table's headers in the translator's language (``event_id`` as it is)."""
    return [TABLE_COLUMNS[0], *(t(c) for c in TABLE_COLUMNS[1:])]


def incident_table(events: pd.DataFrame, limit: int = TABLE_LIMIT, point_limit: int = POINT_LIMIT,
                   t: Translator = ENGLISH) -> pd.DataFrame:
    """The incidents of the filter as the map's table: at most ``limit`` (the most recent), in date order, unknown
    counts as 'unknown', and where each is on the map (its point's precision and how many share it; or, when the
    map draws grid cells, that it is counted in its cell). Headers, dates, regions and categories in the
    translator's language."""
    aggregated = int(located_mask(events).sum()) > point_limit
    # the columns the table reads (a filtered table has dozens): taken once, with the rows kept
    used = ["event_id", "date", "date_precision", "place", "region", "attack_type", "killed", "injured",
            "coord_precision", "latitude", "longitude"]
    if len(events) > limit:
        events = events.loc[events["date"].nlargest(limit, keep="first").index, used]
    else:
        events = events[used]
    located = located_mask(events)
    groups = {} if aggregated else {(g["latitude"], g["longitude"]): g["n"] for g in colocated(events)}
    columns = table_columns(t)
    rows = []
    # Thousands of rows share a few hundred dates and figures: each is written once, then looked up.
    dates: dict[tuple, str] = {}
    figures: dict[object, str] = {}

    def date_of(value: object, precision: object) -> str:
        key = (value, precision)
        if key not in dates:
            dates[key] = date_text(value, precision, t)
        return dates[key]

    def figure_of(value: object) -> str:
        key = None if pd.isna(value) else int(value)
        if key not in figures:
            figures[key] = figure_text(value, t)
        return figures[key]

    wheres: dict[tuple, str] = {}

    def where_of(row: dict) -> str:
        key = (row["coord_precision"], groups.get((row["latitude"], row["longitude"]), 1))
        if key not in wheres:
            wheres[key] = _where(row, key[1], aggregated, t)
        return wheres[key]

    records = (dict(zip(used, values, strict=True)) for values in zip(*(events[c].tolist() for c in used)))
    for row, is_located in zip(records, located, strict=True):
        values = [
            row["event_id"],
            date_of(row["date"], row["date_precision"]),
            row["place"],
            t.value("region", row["region"]),
            t.value("attack_type", row["attack_type"]),
            figure_of(row["killed"]),
            figure_of(row["injured"]),
            where_of(row) if is_located else t("no coordinates: not on the map"),
        ]
        rows.append({**dict(zip(columns, values, strict=True)), "_date": row["date"]})
    table = pd.DataFrame(rows, columns=[*columns, "_date"])
    return table.sort_values(["_date", "event_id"], kind="stable").drop(columns="_date").reset_index(drop=True)
