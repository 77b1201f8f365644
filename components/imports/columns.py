"""The shape of imported events: the format names, the curated ``events`` columns plus the provenance columns an
import adds, their dtypes, and the pandera contract every preview's ``accepted`` frame and the store's events meet.

The curated columns are read from ``data/metadata.json``, so curated and imported incidents share one frame.
"""

from __future__ import annotations

import json
from functools import cache

import pandas as pd

from components.i18n import N_
from components.imports import regions as regions_lookup
from components.pack import schema
from components.pack.load import DEFAULT_DATA_DIR, METADATA_FILE

FORMAT_EVENTS, FORMAT_GTD, FORMAT_ACLED = "events", "gtd", "acled"
# The formats' names, stored in English and translated where shown.
FORMAT_LABELS = {FORMAT_EVENTS: N_("dashboard event table"), FORMAT_GTD: N_("Global Terrorism Database (GTD) export"),
                 FORMAT_ACLED: N_("ACLED export")}

# Provenance columns added after the event columns. dataset_id / dataset_name are added by the store.
PROVENANCE_COLUMNS = ("source_format", "source_record_id", "source_row", "precision_note", "doubt_note",
                      "casualty_note", "source_citations", "duplicate_of")

# Text columns that repeat a few values (vocabularies, per-dataset notes). In a preview they are held as pandas
# categoricals, which keeps a million-row import within memory; the store returns them as plain text again (its own
# store.COMPACT_COLUMNS are what the views ask to get back as categoricals).
PREVIEW_COMPACT_COLUMNS = frozenset({
    "date_precision", "place", "region", "coord_precision", "coord_source", "event_type", "attack_type",
    "attack_description", "target_type", "perpetrator_group", "perpetrator", "classification", "classification_note",
    "source_format", "precision_note", "doubt_note", "casualty_note"})


@cache
def metadata() -> dict:
    """The data pack's ``metadata.json``, read once."""
    return json.loads((DEFAULT_DATA_DIR / METADATA_FILE).read_text(encoding="utf-8"))


def event_columns() -> dict[str, dict]:
    """The curated ``events`` table's columns (name -> spec), in order, then its derived columns (filled when the
    pack is loaded: imported rows carry them too, so that curated and imported incidents share one frame)."""
    spec = metadata()["tables"]["events"]
    return {**spec["columns"], **spec.get("derived_columns", {})}


def allowed(column: str) -> list[str]:
    """The vocabulary of an events column."""
    return event_columns()[column]["values"]


def output_columns() -> list[str]:
    """The columns of an accepted-events frame: the event columns, then PROVENANCE_COLUMNS."""
    return [*event_columns(), *PROVENANCE_COLUMNS]


def empty_events(compact: bool = False) -> pd.DataFrame:
    """An empty accepted-events frame with the right columns and dtypes."""
    return typed(pd.DataFrame({c: pd.Series(dtype="str") for c in output_columns()}), compact=compact)


def typed(df: pd.DataFrame, compact: bool = False) -> pd.DataFrame:
    """Columns in order with the curated dtypes (str, Int64, float64, datetime64[us]) plus provenance dtypes; with
    ``compact``, the PREVIEW_COMPACT_COLUMNS as categoricals."""
    out = {}
    for name, spec in event_columns().items():
        s = df[name] if name in df else pd.Series(pd.NA, index=df.index)
        kind = spec["type"]
        if kind == "integer":
            out[name] = s.astype("Int64")
        elif kind == "number":
            out[name] = s.astype("float64")
        elif kind == "date":
            out[name] = s.astype("datetime64[us]")
        else:
            out[name] = as_text(s)
    for name in PROVENANCE_COLUMNS:
        s = df[name] if name in df else pd.Series(pd.NA, index=df.index)
        out[name] = s.astype("Int64") if name == "source_row" else as_text(s)
    if compact:
        for name in PREVIEW_COMPACT_COLUMNS:
            out[name] = out[name].astype("category")
    return pd.DataFrame(out, index=df.index)


def as_text(s: pd.Series) -> pd.Series:
    """Text column with blank -> missing."""
    s = s.astype("str")
    return s.mask(s == "")


def concat_compact(frames: list[pd.DataFrame], empty: pd.DataFrame) -> pd.DataFrame:
    """Concatenate chunks, keeping categorical columns categorical (their categories are united)."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty
    if len(frames) == 1:
        return frames[0]
    cats = [c for c in frames[0].columns if isinstance(frames[0][c].dtype, pd.CategoricalDtype)]
    plain = pd.concat([f.drop(columns=cats) for f in frames])
    for c in cats:
        united = pd.api.types.union_categoricals([f[c] for f in frames], ignore_order=True)
        plain[c] = pd.Series(united, index=plain.index)
    return plain[frames[0].columns]


def imported_events_schema():  # -> pandera DataFrameSchema
    """The contract of imported events (a preview's ``accepted`` or the store's events), as a pandera schema: the
    curated table's value rules, with what an import may leave unknown (region, place, summary, sources) allowed
    blank. Checks values, not dtypes (a preview holds repeated text as categoricals)."""
    import pandera.pandas as pa

    def vocab(column: str, required: bool = True) -> pa.Column:
        return pa.Column(None, pa.Check.isin(allowed(column)), nullable=not required)

    count = pa.Column(None, pa.Check.ge(0), nullable=True)
    return pa.DataFrameSchema({
        "event_id": pa.Column(None, pa.Check.str_matches(r"^[a-z0-9][a-z0-9-]*$"), nullable=False, unique=True),
        "date": pa.Column(None, pa.Check.in_range(schema.PERIOD_START, schema.PERIOD_END), nullable=False),
        "date_precision": vocab("date_precision"),
        "region": pa.Column(None, pa.Check.isin(regions_lookup.REGIONS_2016), nullable=True),
        "latitude": pa.Column(None, pa.Check.in_range(*schema.LAT_RANGE), nullable=True),
        "longitude": pa.Column(None, pa.Check.in_range(*schema.LON_RANGE), nullable=True),
        "coord_precision": vocab("coord_precision", required=False),
        "event_type": vocab("event_type"),
        "attack_type": vocab("attack_type"),
        "target_type": vocab("target_type"),
        "classification": vocab("classification"),
        "killed": count, "injured": count, "perpetrators_killed": count, "total_deaths": count,
        "source_format": pa.Column(None, pa.Check.isin(list(FORMAT_LABELS)), nullable=False),
        "source_record_id": pa.Column(None, nullable=False),
        "source_row": pa.Column(None, pa.Check.ge(1), nullable=False),
    }, checks=[pa.Check(lambda df: df["latitude"].isna() == df["longitude"].isna(), name="coordinates_paired")],
        strict=False, name="imported_events")
