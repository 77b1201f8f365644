"""Schemas of the data-pack tables, declared with pandera.

Validation runs in two stages so that every bad cell is reported with its row:
1. ``format_schema``: every cell is still text; checks that it can be read as its declared type (integer, number,
   ISO date, True/False). Generated from the column types in ``data/metadata.json``.
2. ``typed_schemas``: after conversion, the rules of each table: required values, ranges, allowed categories,
   unique ids and references to other tables. One function per table holds its rules (``_events_schema`` for
   events.csv ...), listed in ``TABLE_SCHEMAS``.

Each check states its rule in words as its ``error``, a ``components.i18n.Msg``: the loader reports it as the
problem's message, which reads as English and is shown in the user's language on the data pack page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from components.i18n import Msg

PERIOD_START = pd.Timestamp("1991-01-01")
PERIOD_END = pd.Timestamp("2016-12-31")
# Kazakhstan's extent with a small margin (WGS84).
LAT_RANGE = (40.5, 55.5)
LON_RANGE = (46.4, 87.4)

INTEGER_RE = r"^-?\d+$"
NUMBER_RE = r"^-?\d+(\.\d+)?$"
DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
PARTIAL_DATE_RE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
BOOLEAN_VALUES = ("True", "False")
ID_SEPARATOR = ";"


def split_ids(value: object) -> list[str]:
    """Ids in a ';'-separated cell, stripped; [] for a blank cell."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return []
    return [part.strip() for part in str(value).split(ID_SEPARATOR) if part.strip()]


# ---------------------------------------------------------------- stage 1: can each cell be read as its type?

def _valid_date(series: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(series, format="%Y-%m-%d", errors="coerce")
    return series.isna() | parsed.notna()


_FORMAT_CHECKS: dict[str, list[pa.Check]] = {
    "integer": [pa.Check.str_matches(INTEGER_RE, error=Msg("must be a whole number (digits only, blank if unknown)"))],
    "number": [pa.Check.str_matches(NUMBER_RE, error=Msg("must be a number with a '.' decimal point"))],
    "date": [
        pa.Check.str_matches(DATE_RE, error=Msg("must be a date written YYYY-MM-DD")),
        pa.Check(_valid_date, name="calendar_date", error=Msg("must be a real calendar date")),
    ],
    "boolean": [pa.Check.isin(BOOLEAN_VALUES, error=Msg("must be True or False"))],
}


def format_schema(table: str, columns: dict[str, dict]) -> pa.DataFrameSchema:
    """Stage 1 for one table: exactly the declared columns, each cell readable as its declared type."""
    return pa.DataFrameSchema(
        {name: pa.Column(str, checks=_FORMAT_CHECKS.get(spec["type"], []), nullable=True)
         for name, spec in columns.items()},
        strict=True,
        name=table,
    )


def convert(df: pd.DataFrame, columns: dict[str, dict]) -> pd.DataFrame:
    """Convert checked text columns to their types. Blank stays missing (pd.NA / NaN / NaT), never 0."""
    out = pd.DataFrame(index=df.index)
    for name, spec in columns.items():
        s = df[name]
        kind = spec["type"]
        if kind == "integer":
            out[name] = pd.to_numeric(s).astype("Int64")
        elif kind == "number":
            out[name] = pd.to_numeric(s).astype("float64")
        elif kind == "date":
            out[name] = pd.to_datetime(s, format="%Y-%m-%d")
        elif kind == "boolean":
            out[name] = s.map({"True": True, "False": False}).astype("boolean")
        else:
            out[name] = s
    return out


# ---------------------------------------------------------------- stage 2: the rules of each table

def _known(ids: Iterable[str], what: str, name: str) -> pa.Check:
    """Every ';'-separated id in the cell exists in ``ids``."""
    known = set(ids)
    return pa.Check(
        lambda s: s.map(lambda v: all(i in known for i in split_ids(v))).astype(bool),
        name=name,
        error=Msg("every id must exist in {table}", table=what),
    )


def _isin(values: Iterable[str]) -> pa.Check:
    values = list(values)
    return pa.Check.isin(values, error=Msg("must be one of: {values}", values=", ".join(values)))


def _text(required: bool = False, checks: list[pa.Check] | None = None, unique: bool = False) -> pa.Column:
    return pa.Column(str, checks=checks or [], nullable=not required, unique=unique)


def _count() -> pa.Column:
    return pa.Column("Int64", pa.Check.ge(0, error=Msg("a count cannot be negative")), nullable=True)


def _date(required: bool = True) -> pa.Column:
    return pa.Column(
        "datetime64[ns]",
        pa.Check.in_range(PERIOD_START, PERIOD_END, error=Msg("must fall within 1991-01-01 to 2016-12-31")),
        nullable=not required,
    )


def _id(pattern: str) -> pa.Column:
    return pa.Column(str, pa.Check.str_matches(pattern, error=Msg("must match the id pattern {pattern}",
                                                                  pattern=pattern)),
                     nullable=False, unique=True)


def _category(allowed: Iterable[str], required: bool = True) -> pa.Column:
    return pa.Column(str, _isin(allowed), nullable=not required)


def _coords_together(df: pd.DataFrame) -> pd.Series:
    return df["latitude"].isna() == df["longitude"].isna()


def _deaths_add_up(df: pd.DataFrame) -> pd.Series:
    parts = df["killed"].fillna(0) + df["perpetrators_killed"].fillna(0)
    known = df["total_deaths"].notna()
    return ~known | (df["total_deaths"] >= parts)


def _range_ordered(df: pd.DataFrame) -> pd.Series:
    return df["value_low"].isna() | df["value_high"].isna() | (df["value_low"] <= df["value_high"])


def _value_or_range(df: pd.DataFrame) -> pd.Series:
    single = df["value"].notna() & df["value_low"].isna() & df["value_high"].isna()
    ranged = df["value"].isna() & df["value_low"].notna() & df["value_high"].notna()
    return single | ranged


def _years_ordered(df: pd.DataFrame) -> pd.Series:
    return df["start_year"] <= df["end_year"]


@dataclass
class _Rules:
    """What the rules of a table refer to: the data dictionary (``meta``: allowed values of each category column)
    and the ids loaded so far (``known``)."""

    meta: dict
    known: dict[str, set[str]]

    def allowed(self, table: str, column: str) -> list[str]:
        return self.meta["tables"][table]["columns"][column]["values"]

    def refs(self, kind: str, what: str) -> list[pa.Check]:
        """The check that every id in a cell exists in table ``kind``; none when that table did not load."""
        return [_known(self.known[kind], what, f"known_{kind}")] if kind in self.known else []

    def sources(self) -> list[pa.Check]:
        return self.refs("sources", "sources.csv (source_id)")

    def regions(self) -> list[pa.Check]:
        return self.refs("regions", "regions.csv (region)")

    def record_and_column(self) -> list[pa.Check]:
        """Checks of a (table, record_id, column) triple: the record exists in that table, the column in its
        dictionary entry."""
        return [
            pa.Check(lambda df: _record_in_table(df, self.known), name="known_record",
                     error=Msg("record_id must exist in the table named in 'table'")),
            pa.Check(lambda df: _column_in_table(df, self.meta), name="known_column",
                     error=Msg("column must be a column of the table named in 'table' (see data/metadata.json)")),
        ]


def _sources_schema(r: _Rules) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "source_id": _id(r"^[a-z0-9][a-z0-9-]*$"),
        "title": _text(required=True),
        "author": _text(),
        "publisher": _text(required=True),
        "date_published": _text(checks=[pa.Check.str_matches(PARTIAL_DATE_RE,
                                                             error=Msg("must be YYYY, YYYY-MM or YYYY-MM-DD"))]),
        "url": _text(checks=[pa.Check.str_matches(r"^https?://\S+$", error=Msg("must be an http(s) address"))]),
        "date_accessed": _text(checks=[pa.Check.str_matches(DATE_RE, error=Msg("must be a date written YYYY-MM-DD"))]),
        "kind": _category(r.allowed("sources", "kind")),
        "core_document": pa.Column("boolean", nullable=False),
        "reliability": _text(),
        "missing_note": _text(),
    }, strict=True, name="sources")


def _regions_schema(r: _Rules) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "region": _text(required=True, unique=True),
        "iso_code": pa.Column(str, pa.Check.str_matches(r"^KZ-[A-Z]{3}$",
                                                        error=Msg("must be an ISO 3166-2 code like KZ-AKT")),
                              unique=True),
        "unit_type": _category(r.allowed("regions", "unit_type")),
        "admin_centre_2016": _text(required=True),
        "admin_centre_current": _text(),
        "centroid_lat": pa.Column(float, pa.Check.in_range(*LAT_RANGE, error=Msg("must lie inside Kazakhstan"))),
        "centroid_lon": pa.Column(float, pa.Check.in_range(*LON_RANGE, error=Msg("must lie inside Kazakhstan"))),
        "notes": _text(),
        "source_ids": _text(required=True, checks=r.sources()),
    }, strict=True, name="regions")


def _policies_schema(r: _Rules) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "policy_id": _id(r"^po-\d{4}-\d{2}-\d{2}-[a-z0-9-]+$"),
        "date": _date(),
        "date_precision": _category(r.allowed("policies", "date_precision")),
        "date_note": _text(),
        "category": _category(r.allowed("policies", "category")),
        "title": _text(required=True),
        "description": _text(required=True),
        "source_ids": _text(required=True, checks=r.sources()),
        "notes": _text(),
    }, strict=True, name="policies")


def _events_schema(r: _Rules) -> pa.DataFrameSchema:
    def category(column: str, required: bool = True) -> pa.Column:
        return _category(r.allowed("events", column), required=required)

    inclusion_bases = [v for v in r.allowed("events", "inclusion_basis") if v != "dataset criteria"]
    return pa.DataFrameSchema({
        "event_id": _id(r"^ev-\d{4}-\d{2}-\d{2}-[a-z0-9-]+$"),
        "date": _date(),
        "date_precision": category("date_precision"),
        "date_note": _text(),
        "place": _text(required=True),
        "region": _text(required=True, checks=r.regions()),
        "latitude": pa.Column(float, pa.Check.in_range(*LAT_RANGE,
                                                       error=Msg("must lie inside Kazakhstan (40.5-55.5 N)")),
                              nullable=True),
        "longitude": pa.Column(float, pa.Check.in_range(*LON_RANGE,
                                                        error=Msg("must lie inside Kazakhstan (46.4-87.4 E)")),
                               nullable=True),
        "coord_precision": category("coord_precision", required=False),
        "coord_uncertainty_km": _count(),
        "coord_source": _text(),
        "event_type": category("event_type"),
        "attack_type": category("attack_type"),
        "attack_description": _text(required=True),
        "target_type": category("target_type"),
        "perpetrator_group": _text(required=True),
        "perpetrator": _text(),
        "killed": _count(),
        "injured": _count(),
        "perpetrators_killed": _count(),
        "total_deaths": _count(),
        "classification": category("classification"),
        "classification_note": _text(),
        "crit_aim": category("crit_aim"),
        "crit_audience": category("crit_audience"),
        "crit_outside_warfare": category("crit_outside_warfare"),
        "inclusion_basis": _category(inclusion_bases),  # 'dataset criteria' marks imported rows only
        "doubt_terrorism": category("doubt_terrorism"),
        "criteria_note": _text(required=True),
        "summary": _text(required=True),
        "source_ids": _text(required=True, checks=r.sources()),
        "geo_note": _text(),
    }, checks=[
        pa.Check(_coords_together, name="coordinates_paired",
                 error=Msg("latitude and longitude must both be given or both be blank")),
        pa.Check(_deaths_add_up, name="deaths_add_up",
                 error=Msg("total_deaths must be at least killed + perpetrators_killed")),
    ], strict=True, name="events")


def _excluded_schema(r: _Rules) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "case_id": _id(r"^ex-\d{4}-\d{2}-\d{2}-[a-z0-9-]+$"),
        "date": _date(),
        "date_precision": _category(r.allowed("excluded", "date_precision")),
        "place": _text(required=True),
        "region": _text(checks=r.regions()),
        "title": _text(required=True),
        "reason": _text(required=True),
        "rule": _category(r.allowed("excluded", "rule")),
        "source_ids": _text(required=True, checks=r.sources()),
        "notes": _text(),
    }, strict=True, name="excluded")


def _banned_organisations_schema(r: _Rules) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "ban_id": _id(r"^ban-\d{4}-\d{2}-\d{2}-[a-z0-9-]+$"),
        "organisation": _text(required=True),
        "name_in_source": _text(required=True),
        "court": _text(required=True),
        "decision_date": _date(),
        "designation": _category(r.allowed("banned_organisations", "designation")),
        "designation_note": _text(),
        "policy_id": _text(required=True, checks=r.refs("policies", "policies.csv (policy_id)")),
        "source_ids": _text(required=True, checks=r.sources()),
        "notes": _text(),
    }, strict=True, name="banned_organisations")


def _statistics_schema(r: _Rules) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "stat_id": _id(r"^st-[a-z0-9-]+$"),
        "topic": _category(r.allowed("statistics", "topic")),
        "metric": _text(required=True),
        "value": pa.Column(float, nullable=True),
        "value_low": pa.Column(float, nullable=True),
        "value_high": pa.Column(float, nullable=True),
        "qualifier": _category(r.allowed("statistics", "qualifier")),
        "unit": _text(required=True),
        "period": _text(),
        "comparator": pa.Column("boolean", nullable=False),
        "event_id": _text(checks=r.refs("events", "events.csv (event_id)")),
        "source_ids": _text(required=True, checks=r.sources()),
        "quote": _text(required=True),
        "caveat": _text(),
        "flag": _category(r.allowed("statistics", "flag"), required=False),
    }, checks=[
        pa.Check(_value_or_range, name="value_or_range", error=Msg("give either value, or value_low and value_high")),
        pa.Check(_range_ordered, name="range_ordered", error=Msg("value_low must not exceed value_high")),
    ], strict=True, name="statistics")


def _phases_schema(r: _Rules) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "phase_id": _id(r"^ph-[a-z]+-\d+$"),
        "phase_set": _category(r.allowed("phases", "phase_set")),
        "order": pa.Column("Int64", pa.Check.ge(1, error=Msg("must be 1 or more"))),
        "label": _text(required=True),
        "start_year": pa.Column("Int64", pa.Check.in_range(1985, 2016, error=Msg("must be a year up to 2016"))),
        "end_year": pa.Column("Int64", pa.Check.in_range(1985, 2020, error=Msg("must be a year"))),
        "description": _text(required=True),
        "quote": _text(required=True),
        "source_ids": _text(required=True, checks=r.sources()),
    }, checks=[pa.Check(_years_ordered, name="years_ordered", error=Msg("start_year must not be after end_year"))],
        strict=True, name="phases")


def _contradictions_schema(r: _Rules) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "contradiction_id": _id(r"^c-\d{2}$"),
        "topic": _text(required=True),
        "table": _category(r.allowed("contradictions", "table")),
        "record_ids": _text(),
        "value_used": _text(required=True),
    }, checks=[pa.Check(lambda df: _record_ids_in_table(df, r.known), name="known_record_ids",
                        error=Msg("every record id must exist in the table named in 'table'"))],
        strict=True, name="contradictions")


def _alternatives_schema(r: _Rules) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "alt_id": _id(r"^alt-\d{3,4}$"),
        "table": _category(r.allowed("alternatives", "table")),
        "record_id": _text(required=True),
        "column": _text(required=True),
        "value": _text(),
        "value_low": pa.Column(float, nullable=True),
        "value_high": pa.Column(float, nullable=True),
        "status": _category(r.allowed("alternatives", "status")),
        "source_ids": _text(required=True, checks=r.sources()),
        "note": _text(),
        "contradiction_id": _text(checks=r.refs("contradictions", "contradictions.csv (contradiction_id)")),
    }, checks=[
        pa.Check(_alt_value_given, name="value_or_range",
                 error=Msg("give either value, or value_low and/or value_high (low <= high)")),
        *r.record_and_column(),
    ], strict=True, name="alternatives")


def _source_checks_schema(r: _Rules) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "table": _category(r.allowed("source_checks", "table")),
        "record_id": _text(required=True),
        "column": _text(required=True),
        "source_id": _text(required=True, checks=r.sources()),
        "says": _text(required=True),
        "agrees": _category(r.allowed("source_checks", "agrees")),
    }, checks=r.record_and_column(), unique=["table", "record_id", "column", "source_id"], strict=True,
        name="source_checks")


BASES = ("project", "official", "original")


def _basis_cited(df: pd.DataFrame) -> pd.Series:
    """An official or original form names the sources it was read in."""
    sourced = df["basis_ru"].isin(("official", "original")) | df["basis_kk"].isin(("official", "original"))
    return ~sourced | df["source_ids"].notna()


def translated_columns(meta: dict) -> dict[tuple[str, str], str]:
    """(table, column) -> how it is translated ('text', 'quote' or 'label'), from the data dictionary."""
    return {(table, column): spec["translate"] for table, tspec in meta["tables"].items()
            for column, spec in tspec["columns"].items() if "translate" in spec}


def vocabulary_columns(meta: dict) -> dict[tuple[str, str], list[str]]:
    """(table, column) -> allowed values of every category column, and the region names' column (``regions.region``
    is a name, not a category: its values are whatever the regions table lists)."""
    out = {(table, column): list(spec["values"]) for table, tspec in meta["tables"].items()
           for column, spec in tspec["columns"].items() if spec.get("type") == "category" and "values" in spec}
    out[("regions", "region")] = []
    return out


def _translated(r: _Rules) -> dict[str, pa.Column]:
    """The columns of a translation, in translations.csv and vocabulary.csv: each language, how it was obtained,
    the sources of an official or original form, a note."""
    return {"ru": _text(required=True), "kk": _text(required=True), "basis_ru": _category(BASES),
            "basis_kk": _category(BASES), "source_ids": _text(checks=r.sources()), "note": _text()}


def _translations_schema(r: _Rules) -> pa.DataFrameSchema:
    marked = translated_columns(r.meta)
    return pa.DataFrameSchema({
        "table": _category(r.allowed("translations", "table")),
        "record_id": _text(required=True),
        "column": _text(required=True),
        "en": _text(required=True),
        **_translated(r),
    }, checks=[
        *r.record_and_column(),
        pa.Check(lambda df: pd.Series([(t, c) in marked for t, c in zip(df["table"], df["column"])], index=df.index,
                                      dtype=bool),
                 name="translatable_column", error=Msg("column must be marked 'translate' in data/metadata.json")),
        pa.Check(_basis_cited, name="basis_cited", error=Msg("an official or original form must cite its source_ids")),
    ], unique=["table", "record_id", "column"], strict=True, name="translations")


def _vocabulary_schema(r: _Rules) -> pa.DataFrameSchema:
    columns = vocabulary_columns(r.meta)
    regions = r.known.get("regions")

    def listed(df: pd.DataFrame) -> pd.Series:
        ok = []
        for t, c, v in zip(df["table"], df["column"], df["value"]):
            allowed = columns.get((t, c))
            ok.append(allowed is not None and (v in allowed if allowed else regions is None or v in regions))
        return pd.Series(ok, index=df.index, dtype=bool)

    return pa.DataFrameSchema({
        "table": _text(required=True),
        "column": _text(required=True),
        "value": _text(required=True),
        **_translated(r),
    }, checks=[
        pa.Check(listed, name="listed_value",
                 error=Msg("value must be an allowed value of that category column in data/metadata.json "
                           "(or a region)")),
        pa.Check(_basis_cited, name="basis_cited", error=Msg("an official or original form must cite its source_ids")),
    ], unique=["table", "column", "value"], strict=True, name="vocabulary")


# Stage 2, table by table, in the order the loader reads the tables.
TABLE_SCHEMAS: dict[str, Callable[[_Rules], pa.DataFrameSchema]] = {
    "sources": _sources_schema,
    "regions": _regions_schema,
    "policies": _policies_schema,
    "events": _events_schema,
    "excluded": _excluded_schema,
    "banned_organisations": _banned_organisations_schema,
    "statistics": _statistics_schema,
    "phases": _phases_schema,
    "contradictions": _contradictions_schema,
    "alternatives": _alternatives_schema,
    "source_checks": _source_checks_schema,
    "translations": _translations_schema,
    "vocabulary": _vocabulary_schema,
}


def typed_schemas(meta: dict, known: dict[str, set[str]]) -> dict[str, pa.DataFrameSchema]:
    """Stage 2 schemas. ``known`` holds the ids loaded so far (``sources``, ``regions``, ``policies``,
    ``events``); a reference to a table that did not load is not checked (the loader says so)."""
    rules = _Rules(meta, known)
    return {table: build(rules) for table, build in TABLE_SCHEMAS.items()}


def _alt_value_given(df: pd.DataFrame) -> pd.Series:
    """A value, or a range: both ends, or one end alone ('at least 2' is value_low 2)."""
    single = df["value"].notna() & df["value_low"].isna() & df["value_high"].isna()
    ranged = df["value"].isna() & (df["value_low"].notna() | df["value_high"].notna())
    return (single | ranged) & (df["value_low"].isna() | df["value_high"].isna() | (df["value_low"] <= df["value_high"]))


def _record_in_table(df: pd.DataFrame, known: dict[str, set[str]]) -> pd.Series:
    """Each row's record_id exists in the table named in its 'table' cell (unchecked when that table did not load)."""
    return pd.Series([t not in known or r in known[t] for t, r in zip(df["table"], df["record_id"])],
                     index=df.index, dtype=bool)


def _column_in_table(df: pd.DataFrame, meta: dict) -> pd.Series:
    """Each row's column is a column of the table named in its 'table' cell, by the data dictionary."""
    tables = meta["tables"]
    return pd.Series([t in tables and c in tables[t]["columns"] for t, c in zip(df["table"], df["column"])],
                     index=df.index, dtype=bool)


def _record_ids_in_table(df: pd.DataFrame, known: dict[str, set[str]]) -> pd.Series:
    """Every id of each row's record_ids exists in the table named in its 'table' cell; a row of table 'none' lists
    no ids."""
    def ok(row) -> bool:
        ids = split_ids(row["record_ids"])
        table = row["table"]
        if table not in known:  # table did not load, or 'none': cannot check
            return not ids or table != "none"
        return all(i in known[table] for i in ids)
    return df.apply(ok, axis=1).astype(bool)
