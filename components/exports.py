"""Exports: CSV with spreadsheet formulas neutralised, and a zip of tables with a README. Pure code."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from datetime import date

import pandas as pd

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
                url: str = "") -> str:
    lines = [
        metadata["title"],
        "=" * len(metadata["title"]),
        "",
        f"Exported: {today.isoformat()}",
        f"Filters: {filter_text}",
    ]
    if url:
        lines.append(f"View: {url}")
    lines += [
        "",
        "Cite as:",
        f"  {metadata['citation']}",
        "",
        "Licences:",
        f"  Tables: {metadata['license']}",
        f"  Boundaries: {metadata['boundaries']['attribution']} ({metadata['boundaries']['license']})",
        "",
        "Files:",
    ]
    for name, df in tables.items():
        spec = metadata["tables"].get(name, {})
        lines.append(f"  {name}.csv ({len(df)} rows): {spec.get('description', '')}")
    lines += [
        "",
        "Conventions: a blank cell is unknown, never zero. source_ids lists ids of sources.csv separated by ';'.",
        "Cells that began with =, +, - or @ carry a leading apostrophe so spreadsheets do not run them as formulas.",
        "Column meanings: see the data dictionary (metadata.json) in the project's data/ folder.",
        "",
    ]
    return "\n".join(lines)


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
