"""The dashboard's own format: a file with the curated ``events`` table's columns (``data/metadata.json``), e.g. an
export of this dashboard edited elsewhere. Its rows are checked against the curated table's rules (vocabularies,
counts, dates) and mapped onto the event columns as they are (:func:`map_rows`).
"""

from __future__ import annotations

from functools import partial

import pandas as pd

from components.i18n import N_, Msg
from components.imports import regions as regions_lookup
from components.imports.columns import FORMAT_EVENTS, allowed, event_columns
from components.imports.messages import RowMsg
from components.imports.rows import (
    OUTSIDE_PERIOD,
    Column,
    Issues,
    Mapped,
    ScopeRule,
    col,
    count,
    in_period,
    parse_dates,
    period_reason,
)

LICENCE = N_("As stated by the provider of the file; kept only in this installation's local store.")

# Columns that identify the format (all must be present); every other event column is read when present.
REQUIRED = ("event_id", "date", "date_precision", "place", "region", "event_type", "attack_type",
            "target_type", "perpetrator_group", "classification")
ID_COLUMN = "event_id"
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S")

# Columns checked against their vocabulary; the REQUIRED_VALUES among them must not be blank.
VOCABULARY_COLUMNS = ("date_precision", "coord_precision", "event_type", "attack_type", "target_type",
                      "classification", "crit_aim", "crit_audience", "crit_outside_warfare", "inclusion_basis",
                      "doubt_terrorism")
REQUIRED_VALUES = {"date_precision", "event_type", "attack_type", "target_type", "classification"}
COUNT_COLUMNS = ("killed", "injured", "perpetrators_killed", "total_deaths", "coord_uncertainty_km")


def citation(filename: str) -> str:
    """The citation of a file in the dashboard's own format: the file, as nothing else is known of it."""
    return f"Imported event table '{filename}'"


def map_rows(raw: pd.DataFrame, units: tuple[str, ...]) -> Mapped:
    """Check a chunk of rows in the dashboard's own format and map them (values kept as they are)."""
    idx = raw.index
    c = partial(col, raw)
    issues = Issues(idx)
    eid = c("event_id")
    issues.add(eid == "", "event_id", Msg("is blank but required"))
    date = parse_dates(c("date"), DATE_FORMATS)
    date_bad = date.isna().to_numpy()
    issues.add(date_bad & (c("date") != "").to_numpy(), "date",
               RowMsg(N_("'{value}' must be a date written YYYY-MM-DD"), value=c("date")))
    issues.add((c("date") == "").to_numpy(), "date", Msg("is blank but required"))
    scope: list[ScopeRule] = [(~date_bad & ~in_period(date), OUTSIDE_PERIOD, period_reason(date))]
    _check_vocabularies(c, issues)
    counts = _counts(c, issues)
    frame = pd.DataFrame({name: c(name) for name in event_columns() if name not in
                          ("date", "region", "latitude", "longitude", *counts)}, index=idx)
    frame["date"] = date
    frame["region"] = regions_lookup.map_names(c("region").where(c("region") != ""), units)
    for name, values in counts.items():
        frame[name] = values
    frame["source_format"] = FORMAT_EVENTS
    frame["source_record_id"] = eid
    return Mapped(frame, issues, scope, c("region"), c("latitude"), c("longitude"), "file", [])


def _check_vocabularies(c: Column, issues: Issues) -> None:
    """A value outside its column's vocabulary, or a blank where a value is required, is an issue of the row."""
    for name in VOCABULARY_COLUMNS:
        s = c(name)
        vocab = allowed(name)
        if name in REQUIRED_VALUES:
            issues.add((s == "").to_numpy(), name, Msg("is blank but required"))
        issues.add(((s != "") & ~s.isin(vocab)).to_numpy(), name,
                   RowMsg(N_("'{value}' must be one of: {allowed}"), value=s, allowed=", ".join(vocab)))


def _counts(c: Column, issues: Issues) -> dict[str, pd.Series]:
    """The count columns as numbers; total_deaths must be at least killed + perpetrators_killed."""
    counts = {name: count(c(name), name, issues) for name in COUNT_COLUMNS}
    parts = counts["killed"].fillna(0) + counts["perpetrators_killed"].fillna(0)
    adds_up = counts["total_deaths"].isna() | (counts["total_deaths"] >= parts)
    issues.add(~adds_up.fillna(True).to_numpy(), "total_deaths", Msg("must be at least killed + perpetrators_killed"))
    return counts
