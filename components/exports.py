"""Exports: CSV with spreadsheet formulas neutralised, and a zip of tables with a README. Pure code.

The README is written in the language of the translator it is given; the CSV files are data: their column names and
values stay as the data pack has them (English column names in every language).

Licences. Every export states the licence of every dataset in it: the incidents carry a ``licence`` column (the data
pack's table licence, or the imported dataset's), and the README lists the data pack and each imported dataset with
its licence and citation. Rows of an imported dataset whose terms forbid redistribution (``formats.redistributable``:
GTD, ACLED) are in no downloadable file: :func:`shareable_tables` leaves them out, the README and the page beside the
download say how many of which dataset and why, and :func:`zip_bytes` and :func:`to_csv_bytes` refuse a table that
still holds any (so a download built some other way fails loudly instead of handing them out). The dashboard's
figures, charts and briefing pack still count them, citing the dataset."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from components.i18n import DEFAULT, ENGLISH, Translator
from components.imports import formats
from components.imports.columns import FORMAT_LABELS

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
    """UTF-8 CSV (with BOM so spreadsheet programs read the accents), dates as YYYY-MM-DD, blank for unknown.
    Raises ``ValueError`` for a table holding rows of a dataset that may not be redistributed (see the module)."""
    _refuse_restricted("the CSV", df)
    return neutralise(df).to_csv(index=False, date_format="%Y-%m-%d").encode("utf-8-sig")


# ------------------------------------------------------------------------------------------------ licences
CURATED = "curated"  # the source_format of the data pack's own incidents once imports are merged (combine_events)
LICENCE_COLUMN = "licence"  # the incidents' column that states each row's licence in an export


@dataclass(frozen=True)
class DatasetInView:
    """An imported dataset with incidents in the view an export is made of: its record as stored (name, format,
    licence, citation) and how many of its incidents the view holds."""

    dataset_id: int
    name: str
    format: str
    licence: str  # as stored, in English (the GTD's and ACLED's are catalogue strings: translated where shown)
    citation: str
    rows: int

    @property
    def redistributable(self) -> bool:
        return formats.redistributable(self.format)

    @property
    def withheld(self) -> int:
        """The rows an export leaves out: all of them for a dataset that may not be redistributed."""
        return 0 if self.redistributable else self.rows


def imported_datasets(events: pd.DataFrame, sources: pd.DataFrame | None = None,
                      datasets: pd.DataFrame | None = None) -> list[DatasetInView]:
    """The imported datasets with incidents in ``events`` (the view's incidents, imports merged), by id, with
    their licence and citation: from ``datasets`` (the store's listing, ``DATASET_COLUMNS``) when given, otherwise
    from the pack's ``sources`` table, where each dataset is the source its rows cite (its publisher is the
    citation, its reliability the licence followed by the casualty note: ``dashboard.data.with_imports``). A pack
    without imports has none."""
    if "dataset_id" not in events or events.empty:
        return []
    # A few datasets, however many rows: counted by id in one pass (ids come from the store's sequence: small whole
    # numbers; -1 marks a curated row); the first row of each holds its name, format and source (by position).
    ids = events["dataset_id"].to_numpy(dtype="int64", na_value=-1)
    counts = np.bincount(ids[ids >= 0])
    present = np.flatnonzero(counts)
    firsts = [int(np.argmax(ids == i)) for i in present]
    stored = datasets.set_index("dataset_id") if datasets is not None else None
    cited = sources.drop_duplicates("source_id").set_index("source_id") if sources is not None else None
    out = []
    for dataset_id, p in zip(present.tolist(), firsts, strict=True):
        row = events.iloc[p]
        fmt, name = _text(row.get("source_format")), _text(row.get("dataset_name"))
        citation, licence, note = formats.provenance(fmt, name)
        if stored is not None and dataset_id in stored.index:
            record = stored.loc[dataset_id]
            fmt, name = _text(record["format"]) or fmt, _text(record["name"]) or name
            citation, licence = _text(record["citation"]) or citation, _text(record["licence"]) or licence
        elif cited is not None and _text(row.get("source_ids")) in cited.index:
            src = cited.loc[_text(row.get("source_ids"))]
            citation = _text(src.get("publisher")) or citation
            licence = _licence_of(_text(src.get("reliability")), _text(note)) or licence
        out.append(DatasetInView(dataset_id, name, fmt, licence, citation, int(counts[dataset_id])))
    return out


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value).strip()


def _licence_of(reliability: str, casualty_note: str) -> str:
    """The licence from an imported dataset's source row, whose reliability is the licence then the casualty note
    (the format's: the dataset's record holds the one its format gives)."""
    if casualty_note and reliability.endswith(casualty_note):
        reliability = reliability[: -len(casualty_note)]
    return reliability.strip()


def restricted_rows(events: pd.DataFrame) -> np.ndarray:
    """Which incidents come from an imported dataset whose rows may not be redistributed (True: leave out of every
    download). Curated rows never are; an imported row of a format not known to ``formats`` is (the safe side)."""
    if "source_format" not in events:
        return np.zeros(len(events), dtype=bool)
    allowed = [CURATED, *(f for f in FORMAT_LABELS if formats.redistributable(f))]
    fmt = events["source_format"]
    imported = events["dataset_id"].notna() if "dataset_id" in events else fmt.notna() & fmt.ne(CURATED)
    return (imported & ~fmt.isin(allowed)).to_numpy(dtype=bool, na_value=False)


def _refuse_restricted(what: str, df: pd.DataFrame) -> None:
    """No download may hold rows of a dataset whose terms forbid redistribution: building one is a programming
    error (the page must go through ``shareable_tables``), raised before any byte is written."""
    n = int(restricted_rows(df).sum())
    if n:
        raise ValueError(f"{what} would hold {n:,} rows of an imported dataset that may not be redistributed; "
                         "export through exports.shareable_tables")


def curated_licence(metadata: Mapping, table: str = "events") -> str:
    """The licence of a data pack table, as the data dictionary states it (the pack's licence if it names none)."""
    return str(metadata.get("tables", {}).get(table, {}).get("license") or metadata.get("license", ""))


def with_licence(events: pd.DataFrame, metadata: Mapping, datasets: Sequence[DatasetInView]) -> pd.DataFrame:
    """The incidents with a ``licence`` column: the data pack's table licence for its own rows, the dataset's for
    an imported row (in English: the column is data, as the rest of the file)."""
    licence = pd.Series(curated_licence(metadata), index=events.index, dtype="str")
    if datasets and "dataset_id" in events:
        by_id = {d.dataset_id: d.licence for d in datasets}
        imported = events["dataset_id"].map(by_id)
        licence = licence.where(imported.isna(), imported.astype("str"))
    return events.assign(**{LICENCE_COLUMN: licence.astype("str")})


def shareable_tables(tables: Mapping[str, pd.DataFrame], metadata: Mapping,
                     datasets: Sequence[DatasetInView] = ()) -> dict[str, pd.DataFrame]:
    """The view's tables (``filtered_tables``) as every download hands them out: the rows of datasets that may not
    be redistributed left out (the incidents and their alternatives), the incidents with their ``licence``
    column. ``datasets``: :func:`imported_datasets` of the view's incidents (their licences)."""
    out = dict(tables)
    events = tables.get("events")
    if events is None:
        return out
    restricted = restricted_rows(events)
    if restricted.any():
        withheld_ids = events["event_id"][restricted]
        alts = tables.get("alternatives")
        if alts is not None and len(alts):  # a curated table: only the rare imported id that it names is looked up
            named = set(withheld_ids[withheld_ids.isin(alts["record_id"])])
            if named:
                out["alternatives"] = alts[~((alts["table"] == "events") & alts["record_id"].isin(named))]
        events = events[~restricted]
    out["events"] = with_licence(events, metadata, datasets)
    return out


def incidents_csv(events: pd.DataFrame, metadata: Mapping, sources: pd.DataFrame | None = None,
                  datasets: Sequence[DatasetInView] | None = None) -> bytes:
    """The incidents CSV download: the rows that may be redistributed, each with its licence. ``datasets``: the
    view's imported datasets when the caller has them (found from ``events`` and the pack's ``sources`` otherwise)."""
    if datasets is None:
        datasets = imported_datasets(events, sources)
    return to_csv_bytes(shareable_tables({"events": events}, metadata, datasets)["events"])


def withheld_sentences(datasets: Iterable[DatasetInView], t: Translator = ENGLISH) -> list[str]:
    """One sentence per dataset whose rows an export leaves out: how many, of which dataset, and why (in the
    language of ``t``; the dataset's name as the user gave it)."""
    return [t("{rows} of the imported dataset '{name}' ({format}) are left out: its terms of use do not allow "
              "redistributing its rows. The dashboard's figures and charts count them.").format(
                rows=t.n("{n} row", "{n} rows", d.withheld), name=d.name, format=t(FORMAT_LABELS.get(d.format,
                                                                                                     d.format)))
            for d in datasets if d.withheld]


def readme_text(metadata: Mapping, filter_text: str, tables: Mapping[str, pd.DataFrame], today: date,
                url: str = "", t: Translator = ENGLISH, datasets: Sequence[DatasetInView] = ()) -> str:
    """The README of the zip, in the language of ``t`` (``filter_text``: the filter in words, in that language).
    ``tables``: the files as written (``shareable_tables``); ``datasets``: the imported datasets of the view
    (``imported_datasets``), each listed with its licence and citation, and the rows left out said per dataset.
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
        "  " + t("The data pack's tables: {licence}").format(licence=metadata["license"]),
        "  " + t("Boundaries: {attribution} ({licence})").format(attribution=metadata["boundaries"]["attribution"],
                                                                licence=metadata["boundaries"]["license"]),
    ]
    for d in datasets:
        lines.append("  " + t("Imported dataset '{name}' ({format}): {licence}").format(
            name=d.name, format=t(FORMAT_LABELS.get(d.format, d.format)), licence=t(d.licence)))
        lines.append("    " + t("Cite as: {citation}").format(citation=d.citation))
        lines.append("    " + (t("In these files: {rows} in events.csv.").format(
            rows=t.n("{n} row", "{n} rows", d.rows)) if not d.withheld else t("In these files: none.")))
    withheld = withheld_sentences(datasets, t)
    if withheld:
        lines += ["", t("Rows left out:")] + ["  " + w for w in withheld]
    lines += ["", t("Files:")]
    for name, df in tables.items():
        lines.append("  " + t("{file} ({rows}): {description}").format(
            file=f"{name}.csv", rows=t.n("{n} row", "{n} rows", len(df)),
            description=_table_description(metadata, name, t)) + " " + _file_licence(metadata, name, df, t))
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


def _file_licence(metadata: Mapping, name: str, df: pd.DataFrame, t: Translator) -> str:
    """'Licence: CC BY 4.0.' of one file; for incidents with imported rows among them, where each row's is."""
    licence = meta_licence(metadata, name, t)
    if name == "events" and LICENCE_COLUMN in df and bool((df[LICENCE_COLUMN] != curated_licence(metadata)).any()):
        return t("Licence: each row's, in its licence column (the data pack's rows: {licence}).").format(
            licence=licence)
    return t("Licence: {licence}.").format(licence=licence)


def meta_licence(metadata: Mapping, name: str, t: Translator = ENGLISH) -> str:
    """A data pack table's licence in the language (the data dictionary's licences are in the catalogues)."""
    return t(curated_licence(metadata, name))


def _table_description(metadata: Mapping, name: str, t: Translator) -> str:
    """What a file holds: the data dictionary's description (English), or in another language its table's title."""
    spec = metadata["tables"].get(name, {})
    if t.lang == DEFAULT or not spec.get("title"):
        return spec.get("description", "")
    from components.views.sources import table_title

    return table_title(dict(metadata), name, t)


def zip_bytes(tables: Mapping[str, pd.DataFrame], readme: str) -> bytes:
    """The zip of ``tables`` (one CSV each) and ``readme``; raises ``ValueError`` for a table holding rows that may
    not be redistributed (nothing is written: use :func:`zip_export`)."""
    for name, df in tables.items():
        _refuse_restricted(f"{name}.csv", df)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("README.txt", readme)
        for name, df in tables.items():
            zf.writestr(f"{name}.csv", to_csv_bytes(df))
    return buf.getvalue()


def zip_export(tables: Mapping[str, pd.DataFrame], metadata: Mapping, filter_text: str, today: date,
               url: str = "", t: Translator = ENGLISH, datasets: Sequence[DatasetInView] | None = None) -> bytes:
    """The zip download of the view's tables (``filtered_tables``): the rows that may be redistributed, the
    incidents with their licences, and the README that lists every dataset's licence and the rows left out.
    ``datasets``: the view's imported datasets when the caller has them (found from the tables otherwise)."""
    if datasets is None:
        datasets = imported_datasets(tables["events"], tables.get("sources"))
    shared = shareable_tables(tables, metadata, datasets)
    return zip_bytes(shared, readme_text(metadata, filter_text, shared, today, url, t, datasets))


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
