"""Exports: CSV with spreadsheet formulas neutralised, and a zip of tables with a README. Pure code.

The README is written in the language of the translator it is given; the CSV files are data: their column names and
values stay as the data pack has them (English column names in every language)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from datetime import date

import pandas as pd

from components.i18n import DEFAULT, ENGLISH, Translator

# A cell starting with one of these is run as a formula by spreadsheet programs (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as formulas get a leading apostrophe; numbers are untouched."""
    out = df.copy()
    for col in out.columns:
        values = out[col]
        if isinstance(values.dtype, pd.CategoricalDtype):  # imported text held as categories: neutralise as text
            values = values.astype("str")
        if values.dtype == object:  # mixed values: cell by cell
            out[col] = values.map(neutralise_cell)
        elif pd.api.types.is_string_dtype(values):  # text: vectorised (a million rows in a second, not a minute)
            risky = values.str.startswith(FORMULA_PREFIXES).fillna(False).astype(bool)
            out[col] = values.where(~risky, "'" + values) if risky.any() else values
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM so spreadsheet programs read the accents), dates as YYYY-MM-DD, blank for unknown."""
    return neutralise(df).to_csv(index=False, date_format="%Y-%m-%d").encode("utf-8-sig")


def readme_text(metadata: Mapping, filter_text: str, tables: Mapping[str, pd.DataFrame], today: date,
                url: str = "", t: Translator = ENGLISH) -> str:
    """The README of the zip, in the language of ``t`` (``filter_text``: the filter in words, in that language).
    The data pack's title, citation and licences are quoted as the data pack writes them; in Kazakh and Russian each
    file is described by its table's title (the data dictionary's descriptions are in English)."""
    lines = [
        metadata["title"],
        "=" * len(metadata["title"]),
        "",
        t("Exported: {date}").format(date=today.isoformat()),
        t("Filters: {filters}").format(filters=filter_text),
    ]
    if url:
        lines.append(t("View: {url}").format(url=url))
    lines += [
        "",
        t("Cite as:"),
        f"  {metadata['citation']}",
        "",
        t("Licences:"),
        "  " + t("Tables: {licence}").format(licence=metadata["license"]),
        "  " + t("Boundaries: {attribution} ({licence})").format(attribution=metadata["boundaries"]["attribution"],
                                                                licence=metadata["boundaries"]["license"]),
        "",
        t("Files:"),
    ]
    for name, df in tables.items():
        lines.append("  " + t("{file} ({rows}): {description}").format(
            file=f"{name}.csv", rows=t.n("{n} row", "{n} rows", len(df)),
            description=_table_description(metadata, name, t)))
    lines += [
        "",
        t("Conventions: a blank cell is unknown, never zero. source_ids lists ids of sources.csv separated by ';'."),
        t("Cells that began with =, +, - or @ carry a leading apostrophe so spreadsheets do not run them as "
          "formulas."),
        t("Column meanings: see the data dictionary (metadata.json) in the project's data/ folder."),
    ]
    if t.lang != DEFAULT:
        lines.append(t("The files' column names are the data pack's own (in English), as are its category values; "
                       "the texts are in the language of the export where the data pack translates them."))
    lines.append("")
    return "\n".join(lines)


def _table_description(metadata: Mapping, name: str, t: Translator) -> str:
    """What a file holds: the data dictionary's description (English), or in another language its table's title."""
    spec = metadata["tables"].get(name, {})
    if t.lang == DEFAULT or not spec.get("title"):
        return spec.get("description", "")
    from components.views.sources import table_title

    return table_title(dict(metadata), name, t)


def zip_bytes(tables: Mapping[str, pd.DataFrame], readme: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("README.txt", readme)
        for name, df in tables.items():
            zf.writestr(f"{name}.csv", to_csv_bytes(df))
    return buf.getvalue()


def filtered_tables(tables: Mapping[str, pd.DataFrame], filters) -> dict[str, pd.DataFrame]:
    """The tables behind the current view: incidents by every filter, dated policy rows by the year range, and the
    national tables (statistics, phases, regions, contradictions, sources) whole; the alternatives of the rows kept."""
    events = filters.apply(tables["events"])
    out = {
        "events": events,
        "policies": filters.apply_years(tables["policies"]),
        "banned_organisations": filters.apply_years(tables["banned_organisations"], "decision_date"),
        "statistics": tables["statistics"],
        "phases": tables["phases"],
        "regions": tables["regions"],
        "contradictions": tables["contradictions"],
    }
    alts = tables.get("alternatives")
    if alts is not None:
        kept = {(t, r) for t, (df, col) in {"events": (events, "event_id"), "policies": (out["policies"], "policy_id"),
                                            "banned_organisations": (out["banned_organisations"], "ban_id"),
                                            "statistics": (out["statistics"], "stat_id"),
                                            "phases": (out["phases"], "phase_id")}.items() for r in df[col]}
        out["alternatives"] = alts[[(t, r) in kept for t, r in zip(alts["table"], alts["record_id"])]]
    out["sources"] = tables["sources"]
    return out
