"""Alternative values: what the sources say where they disagree with the value a record uses.

The ``alternatives`` table holds one row per record, column and competing value, with the sources that give it. Every
"sources disagree" text the dashboard shows (detail dialogs, hovers, tooltips, the briefing pack, the contradictions
list) is derived here from those rows, never typed twice. Pure code: plain data out.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from components.i18n import ENGLISH, N_, Translator
from components.pack.schema import split_ids
from components.pack.values import is_blank
from components.text import url_has_path  # noqa: F401 (the URL checks live in the text module)

STATUS_WORDS = {"alternative": N_("other figure"), "superseded": N_("earlier report, since revised"),
                "error": N_("error in the source")}
# Short labels of the columns alternatives are usually about; any other column reads as its name.
COLUMN_LABELS = {
    "killed": N_("Victims killed"), "injured": N_("Injured"), "perpetrators_killed": N_("Perpetrators killed"),
    "total_deaths": N_("All deaths"), "date": N_("Date"), "date_precision": N_("Date precision"), "place": N_("Place"),
    "region": N_("Region"), "classification": N_("Classification"), "event_type": N_("Kind"), "attack_type": N_("Attack type"),
    "perpetrator_group": N_("Perpetrator"), "perpetrator": N_("Perpetrator"), "target_type": N_("Target"),
    "attack_description": N_("What happened"), "title": N_("Title"), "value": N_("Figure"), "court": N_("Court"),
    "organisation": N_("Organisation"), "name_in_source": N_("Name"), "decision_date": N_("Decision date"),
    "start_year": N_("Start year"), "end_year": N_("End year"), "latitude": N_("Location"), "longitude": N_("Location"),
    "unit": N_("Unit"), "period": N_("Period"), "category": N_("Category"), "description": N_("What it did"),
}
# Columns whose value is a figure or fact a source either states or contradicts (counts, dates, places,
# classifications, a statistic's value): a source cited for another value of one of these is not among the record's
# supporting sources. Descriptive text (summaries, perpetrator descriptions, titles) may cite a source that words a
# detail differently; its other wording is still an alternative.
FIGURE_COLUMNS = frozenset({
    "date", "date_precision", "place", "region", "latitude", "longitude", "killed", "injured", "perpetrators_killed",
    "total_deaths", "classification", "event_type", "attack_type", "target_type", "perpetrator_group", "value",
    "value_low", "value_high", "unit", "period", "decision_date", "designation", "court", "organisation", "start_year",
    "end_year", "category"})
DERIVED = "disagreements"  # the derived text column attached to each table that has alternatives
TABLE_IDS = {"events": "event_id", "policies": "policy_id", "statistics": "stat_id",
             "banned_organisations": "ban_id", "phases": "phase_id"}


def column_label(column: str) -> str:
    return COLUMN_LABELS.get(column, column.replace("_", " ").capitalize())


def number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def value_text(row: Mapping, t: Translator = ENGLISH) -> str:
    """The alternative value as written: the value (a category's label in the language of ``t``), 'low–high' for a
    range, 'at least low' for an open one."""
    if not is_blank(row.get("value")):
        column = str(row.get("column"))
        return str(t.value("region" if column == "region" else column, row["value"]))
    low, high = row.get("value_low"), row.get("value_high")
    if is_blank(high):
        return t("at least {n}").format(n=number_text(low))
    if is_blank(low):
        return t("at most {n}").format(n=number_text(high))
    return f"{number_text(low)}–{number_text(high)}"


def short_citation(source_id: str, sources: Mapping[str, Mapping]) -> str:
    """'Reuters, 2011-05-24' (publisher without the copy used, and the date published); the id if unknown."""
    src = sources.get(source_id)
    if not src:
        return source_id
    publisher = str(src.get("publisher") or src.get("title") or source_id).split(" (")[0]
    date = "" if is_blank(src.get("date_published")) else f", {src['date_published']}"
    return publisher + date


def of_record(alternatives: pd.DataFrame, table: str, record_id: str) -> list[dict]:
    """The alternatives of one record, in table order, as plain dicts."""
    if alternatives is None or alternatives.empty:
        return []
    hit = alternatives[(alternatives["table"] == table) & (alternatives["record_id"] == record_id)]
    return hit.to_dict("records")


def describe(alt: Mapping, sources: Mapping[str, Mapping], contradictions: Mapping[str, Mapping] | None = None
             ) -> dict:
    """One alternative, ready to show: label, value, status in words, note, its sources (citation and URL) and the
    contradiction it belongs to (topic and the rule of the value used), where there is one."""
    cid = "" if is_blank(alt.get("contradiction_id")) else str(alt["contradiction_id"])
    con = (contradictions or {}).get(cid) or {}
    entries = []
    for sid in split_ids(alt.get("source_ids")):
        src = sources.get(sid) or {}
        entries.append({"id": sid, "citation": short_citation(sid, sources),
                        "url": "" if is_blank(src.get("url")) else str(src["url"])})
    return {"id": str(alt.get("alt_id", "")), "column": str(alt["column"]), "label": column_label(str(alt["column"])),
            "value": value_text(alt), "status": str(alt["status"]), "status_text": STATUS_WORDS.get(alt["status"], ""),
            "note": "" if is_blank(alt.get("note")) else str(alt["note"]), "sources": entries,
            "contradiction_id": cid, "topic": str(con.get("topic") or ""), "value_used": str(con.get("value_used") or "")}


def citations(alt: Mapping, sources: Mapping[str, Mapping]) -> str:
    """'ICT, 2013; AFP, 2011-05-17': who gives an alternative, briefly."""
    return "; ".join(short_citation(s, sources) for s in split_ids(alt.get("source_ids")))


def line(alt: Mapping, sources: Mapping[str, Mapping], t: Translator = ENGLISH) -> str:
    """'Injured: 3 (other figure; ICT, 2013; AFP, 2011-05-17)' — one alternative as one line of text."""
    cites = citations(alt, sources)
    status = t(STATUS_WORDS.get(alt["status"], alt["status"]))
    column = str(alt["column"])
    return f"{t(column_label(column))}: {value_text(alt, t)} ({status}; {cites})"


def summary_text(alts: list[Mapping], sources: Mapping[str, Mapping], t: Translator = ENGLISH) -> str:
    """Every alternative of a record in one line; empty when there is none."""
    return "; ".join(line(a, sources, t) for a in alts)


def attach(tables: dict[str, pd.DataFrame], t: Translator = ENGLISH) -> None:
    """Add the derived ``disagreements`` text column to every table an alternative can be about (blank where the
    record has none), in the language of ``t``."""
    alts = tables.get("alternatives")
    sources = {r["source_id"]: r for r in tables["sources"].to_dict("records")} if "sources" in tables else {}
    by_record: dict[tuple[str, str], list[dict]] = {}
    if alts is not None and not alts.empty:
        for a in alts.to_dict("records"):
            by_record.setdefault((a["table"], a["record_id"]), []).append(a)
    for table, id_col in TABLE_IDS.items():
        df = tables.get(table)
        if df is None or id_col not in df:
            continue
        texts = [summary_text(by_record.get((table, rid), []), sources, t) for rid in df[id_col]]
        df[DERIVED] = pd.Series([t or None for t in texts], index=df.index, dtype="str")


def contradiction_alternatives(alternatives: pd.DataFrame, contradiction_id: str) -> list[dict]:
    if alternatives is None or alternatives.empty:
        return []
    return alternatives[alternatives["contradiction_id"] == contradiction_id].to_dict("records")


def contradiction_text(alternatives: pd.DataFrame, contradiction_id: str, sources: Mapping[str, Mapping],
                       t: Translator = ENGLISH) -> str:
    """The other values of one contradiction, with who gives them, as one line (in the language of ``t``)."""
    return summary_text(contradiction_alternatives(alternatives, contradiction_id), sources, t)
