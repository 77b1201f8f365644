"""Field lists for the detail panels of an incident or a policy milestone. Pure code: plain strings out."""

from __future__ import annotations

from collections.abc import Mapping

from components.pack.schema import split_ids
from components.pack.values import is_blank
from components.text import date_long as date_text

COORD_WORDS = {"site": "incident site", "settlement": "centre of the named settlement, not the exact site",
               "area": "rough location within the area"}


def text(value: object, unknown: str = "unknown") -> str:
    return unknown if is_blank(value) else str(value)


def count_text(value: object) -> str:
    return "unknown (no figure in the sources)" if is_blank(value) else str(int(value))


def source_entries(cell: object, sources: Mapping[str, Mapping]) -> list[dict[str, str]]:
    """Citations of a row: id, a readable citation and the URL (may be empty)."""
    out = []
    for sid in split_ids(cell):
        src = sources.get(sid)
        if src is None:
            out.append({"id": sid, "citation": f"{sid} (not in the sources table)", "url": ""})
            continue
        parts = [text(src.get("author"), ""), text(src.get("title"), ""), text(src.get("publisher"), ""),
                 text(src.get("date_published"), "")]
        out.append({"id": sid, "citation": ", ".join(p for p in parts if p), "url": text(src.get("url"), ""),
                    "core": bool(src.get("core_document")) if not is_blank(src.get("core_document")) else False})
    return out


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
