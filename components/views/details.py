"""The detail view model of one incident or policy milestone: its fields in words, its sources, the other values
sources give (alternatives) and what each source read says, figure by figure; in Kazakh and Russian, which of its
texts are the project's translation (or an official name) and their English originals. Pure code: plain data out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from components.i18n import DEFAULT, ENGLISH, N_, Translator
from components.pack import alternatives as alt
from components.pack.load import DataPack
from components.pack.sources import source_entries  # noqa: F401 (the detail's sources, re-exported)
from components.pack.values import is_blank
from components.text import COORD_WORDS, or_unknown
from components.views.sources import described

text = or_unknown  # the fields' words: unknown when blank

COORD_PHRASES = COORD_WORDS  # what a point stands for (marked for the catalogue in components.text)


def date_text(value: pd.Timestamp, precision: str, t: Translator = ENGLISH) -> str:
    """'12 November 2011', 'September 2016 (month only)' ... in the translator's language."""
    return t.date(value, precision)


def count_text(value: object, t: Translator = ENGLISH) -> str:
    return t("unknown (no figure in the sources)") if is_blank(value) else str(int(value))


@dataclass(frozen=True)
class Field:
    """One field of a record as the detail shows it, with the text columns of the record its value shows (whose
    translation, in Kazakh and Russian, the detail marks)."""

    label: str
    value: str
    columns: tuple[str, ...] = ()


def _words(value: object, t: Translator, unknown: str | None = None) -> str:
    """A field's words: the value, or (when blank) 'unknown' in the language, or ``unknown`` as given."""
    return or_unknown(value, t("unknown") if unknown is None else unknown)


def event_details(row: Mapping, t: Translator = ENGLISH) -> list[Field]:
    """The fields of an incident, in reading order, in the translator's language (categories and regions by their
    labels). Unknowns say 'unknown', never 0; empty fields are left out."""
    def label(column: str) -> str:
        return _words(t.value(column, row.get(column)), t)

    if is_blank(row.get("latitude")):
        coords = t("not given")
    else:
        point = t(COORD_PHRASES.get(row.get("coord_precision"), ""))
        coords = f"{row['latitude']:.4f}, {row['longitude']:.4f} — {point}"
        if not is_blank(row.get("coord_uncertainty_km")):
            coords += ", " + t("±{n} km").format(n=int(row["coord_uncertainty_km"]))
    group = _words(t.value("perpetrator_group", row.get("perpetrator_group")), t)
    perpetrator = _words(row.get("perpetrator"), t, group)
    classification = f"{label('classification')} — {_words(row.get('classification_note'), t, '')}".rstrip(" —")
    fields = [
        Field(t("Date"), date_text(row["date"], row["date_precision"], t)),
        Field(t("Date note"), _words(row.get("date_note"), t, ""), ("date_note",)),
        Field(t("Place"), f"{row['place']} ({t.value('region', row['region'])})", ("place",)),
        Field(t("Coordinates"), coords),
        Field(t("Coordinates from"), _words(row.get("coord_source"), t, ""), ("coord_source",)),
        Field(t("Kind"), label("event_type")),
        Field(t("Attack type (GTD)"), f"{t.value('attack_type', row['attack_type'])} — "
                                      f"{_words(row.get('attack_description'), t, '')}", ("attack_description",)),
        Field(t("Target type (GTD)"), label("target_type")),
        Field(t("Perpetrator"), perpetrator, ("perpetrator",)),
        Field(t("Victims killed (excl. perpetrators)"), count_text(row.get("killed"), t)),
        Field(t("Injured"), count_text(row.get("injured"), t)),
        Field(t("Perpetrators killed"), count_text(row.get("perpetrators_killed"), t)),
        Field(t("All deaths"), count_text(row.get("total_deaths"), t)),
        Field(t("Classification"), classification, ("classification_note",)),
        Field(t("Why it is in the table"), criteria_text(row, t), ("criteria_note",)),
        Field(t("Location note"), _words(row.get("geo_note"), t, ""), ("geo_note",)),
    ]
    if text(row.get("source_format"), "curated") != "curated":  # an imported row: say where it came from
        record = text(row.get("source_record_id"), "")
        fields += [
            Field(t("Imported from"), t("{dataset} ({format} record {record}, file row {row})").format(
                dataset=text(row.get("dataset_name"), t("an imported dataset")),
                format=_words(row.get("source_format"), t), record=record or t("without id"),
                row=text(row.get("source_row"), "?"))),
            Field(t("About the casualty figures"), text(row.get("casualty_note"), "")),
            Field(t("Precision, as the dataset states it"), text(row.get("precision_note"), "")),
            Field(t("Doubt, as the dataset states it"), text(row.get("doubt_note"), "")),
            Field(t("Sources cited by the dataset"), text(row.get("source_citations"), "")),
        ]
    return [f for f in fields if f.value]


def event_fields(row: Mapping, t: Translator = ENGLISH) -> list[tuple[str, str]]:
    """(label, value) pairs of an incident, in reading order. Unknowns say 'unknown', never 0."""
    return [(f.label, f.value) for f in event_details(row, t)]


CRITERIA = (("crit_aim", N_("political, economic, religious or social aim")),
            ("crit_audience", N_("intent to coerce or intimidate a wider audience")),
            ("crit_outside_warfare", N_("outside legitimate warfare")))


def criteria_text(row: Mapping, t: Translator = ENGLISH) -> str:
    """'Security operation. Criteria — aim: yes, audience: unclear, outside warfare: yes. Doubt that it is
    terrorism: yes. <note>' — empty for a row without criteria (imported data that does not record them)."""
    if is_blank(row.get("inclusion_basis")):
        return ""
    met = ", ".join(f"{t(label)}: {_words(t.value(col, row.get(col)), t)}" for col, label in CRITERIA)
    doubt = _words(t.value("doubt_terrorism", row.get("doubt_terrorism")), t, t("not recorded"))
    note = text(row.get("criteria_note"), "")
    basis = str(t.value("inclusion_basis", row["inclusion_basis"]))
    basis = basis.capitalize() if t.lang == DEFAULT else basis[:1].upper() + basis[1:]
    return (t("{basis}. Criteria — {met}. Doubt that it is terrorism: {doubt}.").format(basis=basis, met=met,
                                                                                        doubt=doubt)
            + (f" {note}" if note else ""))


def policy_details(row: Mapping, t: Translator = ENGLISH) -> list[Field]:
    """The fields of a policy milestone, in the translator's language; empty fields left out."""
    fields = [
        Field(t("Date"), date_text(row["date"], row["date_precision"], t)),
        Field(t("Date note"), _words(row.get("date_note"), t, ""), ("date_note",)),
        Field(t("Category"), _words(t.value("category", row.get("category")), t)),
        Field(t("What it did"), _words(row.get("description"), t, ""), ("description",)),
        Field(t("Notes and disagreements"), _words(row.get("notes"), t, ""), ("notes",)),
    ]
    return [f for f in fields if f.value]


def policy_fields(row: Mapping, t: Translator = ENGLISH) -> list[tuple[str, str]]:
    return [(f.label, f.value) for f in policy_details(row, t)]


# ------------------------------------------------------------------ what is translated (Kazakh and Russian)
# The texts a detail shows outside its fields, by their labels: an incident's summary, a milestone's title.
TEXT_LABELS = {"summary": N_("Summary"), "title": N_("Title")}


def basis_of(pack: DataPack, table: str, record_id: str, columns: Iterable[str]) -> str:
    """How the texts of ``columns`` of one record came to be in the pack's language: 'project' when any of them is
    the project's translation, 'official' when they are official names or titles, '' when none is translated (or
    each is in its own original language)."""
    found = {b.basis for c in columns if (b := pack.basis.get((table, str(record_id), c))) is not None}
    return "project" if "project" in found else "official" if "official" in found else ""


def originals(pack: DataPack, table: str, record_id: str, fields: Iterable[tuple[str, Iterable[str]]]
              ) -> list[tuple[str, str]]:
    """(label, English original) of every translated text of one record, for the fields given as (label,
    columns), in their order: what the detail offers beside a translation (the English is authoritative)."""
    out = []
    for label, columns in fields:
        for c in columns:
            b = pack.basis.get((table, str(record_id), c))
            if b is not None and b.basis in ("project", "official"):
                out.append((label, b.english))
    return out


# ------------------------------------------------------------------ alternatives and verification of one record
AGREES_WORDS = {"yes": N_("states the value used"), "no": N_("gives another value"), "silent": N_("gives no figure")}
CHECK_HEADERS = (N_("Figure"), N_("Source"), N_("What it says"), N_("Agrees"))


def record_alternatives(pack: DataPack, table: str, record_id: str) -> list[dict]:
    """The described alternatives of one record (with their contradictions' topics and rules), in the pack's
    language."""
    sources = pack.sources_by_id()
    contradictions = {r["contradiction_id"]: r for r in pack.tables["contradictions"].to_dict("records")}
    return [described(a, sources, contradictions, pack.t)
            for a in alt.of_record(pack.tables["alternatives"], table, record_id)]


def record_checks(pack: DataPack, table: str, record_id: str) -> pd.DataFrame:
    """What each source read says on each figure of one record (the verification record), for its detail: headers,
    figures and agreement in the pack's language, what the source says as it says it."""
    t = pack.t
    checks = pack.tables["source_checks"]
    mine = checks[(checks["table"] == table) & (checks["record_id"] == record_id)]
    sources = pack.sources_by_id()
    figure, source, says, agrees = (t(h) for h in CHECK_HEADERS)
    return pd.DataFrame({
        figure: [t(alt.column_label(c)) for c in mine["column"]],
        source: [alt.short_citation(sid, sources) for sid in mine["source_id"]],
        says: mine["says"].tolist(),
        agrees: [t(AGREES_WORDS[a]) if a in AGREES_WORDS else a for a in mine["agrees"]],
    })
