"""The detail view model of one incident or policy milestone: its fields in words, its sources, the other values
sources give (alternatives) and what each source read says, figure by figure. Pure code: plain data out."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from components.pack import alternatives as alt
from components.pack.load import DataPack
from components.pack.sources import source_entries  # noqa: F401 (the detail's sources, re-exported)
from components.pack.values import is_blank
from components.text import COORD_WORDS, or_unknown
from components.text import date_long as date_text

text = or_unknown  # the fields' words: unknown when blank


def count_text(value: object) -> str:
    return "unknown (no figure in the sources)" if is_blank(value) else str(int(value))



def event_fields(row: Mapping) -> list[tuple[str, str]]:
    """(label, value) pairs of an incident, in reading order. Unknowns say 'unknown', never 0."""
    coords = ("not given" if is_blank(row.get("latitude"))
              else f"{row['latitude']:.4f}, {row['longitude']:.4f} — {COORD_WORDS.get(row.get('coord_precision'), '')}"
              + (f", ±{int(row['coord_uncertainty_km'])} km" if not is_blank(row.get("coord_uncertainty_km")) else ""))
    fields = [
        ("Date", date_text(row["date"], row["date_precision"])),
        ("Date note", text(row.get("date_note"), "")),
        ("Place", f"{row['place']} ({row['region']})"),
        ("Coordinates", coords),
        ("Coordinates from", text(row.get("coord_source"), "")),
        ("Kind", text(row.get("event_type"))),
        ("Attack type (GTD)", f"{row['attack_type']} — {text(row.get('attack_description'), '')}"),
        ("Target type (GTD)", text(row.get("target_type"))),
        ("Perpetrator", text(row.get("perpetrator"), text(row.get("perpetrator_group")))),
        ("Victims killed (excl. perpetrators)", count_text(row.get("killed"))),
        ("Injured", count_text(row.get("injured"))),
        ("Perpetrators killed", count_text(row.get("perpetrators_killed"))),
        ("All deaths", count_text(row.get("total_deaths"))),
        ("Classification", f"{row['classification']} — {text(row.get('classification_note'), '')}".rstrip(" —")),
        ("Why it is in the table", criteria_text(row)),
        ("Location note", text(row.get("geo_note"), "")),
    ]
    if text(row.get("source_format"), "curated") != "curated":  # an imported row: say where it came from
        record = text(row.get("source_record_id"), "")
        fields += [
            ("Imported from", f"{text(row.get('dataset_name'), 'an imported dataset')} "
                              f"({text(row.get('source_format'))} record {record or 'without id'}, file row "
                              f"{text(row.get('source_row'), '?')})"),
            ("About the casualty figures", text(row.get("casualty_note"), "")),
            ("Precision, as the dataset states it", text(row.get("precision_note"), "")),
            ("Doubt, as the dataset states it", text(row.get("doubt_note"), "")),
            ("Sources cited by the dataset", text(row.get("source_citations"), "")),
        ]
    return [(label, value) for label, value in fields if value]


CRITERIA = (("crit_aim", "political, economic, religious or social aim"),
            ("crit_audience", "intent to coerce or intimidate a wider audience"),
            ("crit_outside_warfare", "outside legitimate warfare"))


def criteria_text(row: Mapping) -> str:
    """'Security operation. Criteria: aim yes, audience unclear, outside warfare yes; doubt that it is terrorism:
    yes. <note>' — empty for a row without criteria (imported data that does not record them)."""
    if is_blank(row.get("inclusion_basis")):
        return ""
    met = ", ".join(f"{label}: {text(row.get(col))}" for col, label in CRITERIA)
    doubt = text(row.get("doubt_terrorism"), "not recorded")
    note = text(row.get("criteria_note"), "")
    return (f"{str(row['inclusion_basis']).capitalize()}. Criteria — {met}. Doubt that it is terrorism: {doubt}."
            + (f" {note}" if note else ""))


def policy_fields(row: Mapping) -> list[tuple[str, str]]:
    fields = [
        ("Date", date_text(row["date"], row["date_precision"])),
        ("Date note", text(row.get("date_note"), "")),
        ("Category", text(row.get("category"))),
        ("What it did", text(row.get("description"), "")),
        ("Notes and disagreements", text(row.get("notes"), "")),
    ]
    return [(label, value) for label, value in fields if value]


# ------------------------------------------------------------------ alternatives and verification of one record
AGREES_WORDS = {"yes": "states the value used", "no": "gives another value", "silent": "gives no figure"}


def record_alternatives(pack: DataPack, table: str, record_id: str) -> list[dict]:
    """The described alternatives of one record (with their contradictions' topics and rules)."""
    sources = pack.sources_by_id()
    contradictions = {r["contradiction_id"]: r for r in pack.tables["contradictions"].to_dict("records")}
    return [alt.describe(a, sources, contradictions) for a in alt.of_record(pack.tables["alternatives"], table,
                                                                             record_id)]


def record_checks(pack: DataPack, table: str, record_id: str) -> pd.DataFrame:
    """What each source read says on each figure of one record (the verification record), for its detail."""
    checks = pack.tables["source_checks"]
    mine = checks[(checks["table"] == table) & (checks["record_id"] == record_id)]
    sources = pack.sources_by_id()
    return pd.DataFrame({
        "Figure": [alt.column_label(c) for c in mine["column"]],
        "Source": [alt.short_citation(sid, sources) for sid in mine["source_id"]],
        "What it says": mine["says"].tolist(),
        "Agrees": [AGREES_WORDS.get(a, a) for a in mine["agrees"]],
    })
