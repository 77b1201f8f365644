"""Read and validate the data pack (``data/``) into typed DataFrames, collecting every problem found.

No Streamlit here: ``dashboard/data.py`` caches ``load_datapack`` for the app, and ``python -m scripts.check_data``
prints its report. A problem names the file, the row (counting the header as row 1, as a spreadsheet does), the
column, the value and the rule. Rows with errors are left out of the tables and listed; a file that cannot be read
at all leaves an empty table; the other tables still load. Source files are only ever read.

Every problem's message is a ``components.i18n.Msg``: it reads as English (the report of ``scripts/check_data`` and
the tests see English) and the data pack page shows it in the user's language with ``message.shown(t)``; the file's
own words (ids, values, column and file names) are its values, shown as they are.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from components import i18n, text
from components.i18n import Msg
from components.pack import alternatives as alts
from components.pack import schema, translate

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"
METADATA_FILE = "metadata.json"
# Load order: a table is checked against the ids of the tables loaded before it.
TABLE_ORDER = ("sources", "regions", "policies", "events", "excluded", "banned_organisations", "statistics", "phases",
               "contradictions", "alternatives", "source_checks", "translations", "vocabulary")
ID_COLUMNS = {"sources": "source_id", "regions": "region", "policies": "policy_id", "events": "event_id",
              "excluded": "case_id",
              "banned_organisations": "ban_id", "statistics": "stat_id", "phases": "phase_id",
              "contradictions": "contradiction_id", "alternatives": "alt_id",
              "source_checks": "record_id", "translations": "record_id", "vocabulary": "value"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data pack, located as precisely as possible."""

    severity: str  # "error" (row or table left out) or "warning" (loaded, but look at it)
    file: str
    message: str  # a Msg: English as a str, in the user's language with message.shown(t)
    row: int | None = None  # spreadsheet row: the header is row 1, the first data row is row 2
    column: str | None = None
    value: str | None = None
    rule: str | None = None

    def location(self) -> str:
        """'events.csv, row 4, column 'date'': the parts that are known (a Msg, so a page can show it translated)."""
        if self.row is not None and self.column:
            return Msg("{file}, row {row}, column '{column}'", file=self.file, row=self.row, column=self.column)
        if self.row is not None:
            return Msg("{file}, row {row}", file=self.file, row=self.row)
        if self.column:
            return Msg("{file}, column '{column}'", file=self.file, column=self.column)
        return self.file

    def __str__(self) -> str:
        value = f" value {self.value!r}:" if self.value is not None else ""
        rule = f" [rule: {self.rule}]" if self.rule else ""
        return f"{self.severity.upper()} {self.location()}:{value} {self.message}{rule}"


@dataclass
class TableStatus:
    rows_read: int = 0
    rows_loaded: int = 0
    loaded: bool = False  # False when the file could not be read at all


@dataclass
class DataPack:
    tables: dict[str, pd.DataFrame]
    status: dict[str, TableStatus]
    problems: list[Problem]
    metadata: dict
    boundaries: dict | None = None
    data_dir: str = ""
    # The language of the texts (components.pack.translate.localized): its translator knows the vocabulary's labels;
    # basis says, for each translated cell (table, record id, column), whether it is the project's translation.
    lang: str = i18n.DEFAULT
    t: i18n.Translator = i18n.ENGLISH
    basis: dict = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def sources_by_id(self) -> dict[str, dict]:
        return {r["source_id"]: r for r in self.tables["sources"].to_dict("records")}


@dataclass
class _Reader:
    data_dir: Path
    metadata: dict
    problems: list[Problem] = field(default_factory=list)

    def error(self, file: str, message: Msg, **where) -> None:
        self.problems.append(Problem("error", file, message, **where))

    def warn(self, file: str, message: Msg, **where) -> None:
        self.problems.append(Problem("warning", file, message, **where))

    def read_text(self, table: str) -> str | None:
        """The file as text, or None (with a problem recorded) when it cannot be read."""
        spec = self.metadata["tables"][table]
        file = spec["file"]
        path = self.data_dir / file
        expected = ", ".join(spec["columns"])
        if not path.is_file():
            self.error(file, Msg("file is missing; expected a CSV with the columns: {columns}", columns=expected),
                       rule="file_exists")
            return None
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            self.error(file, Msg("is not valid UTF-8: byte {byte} at byte {offset}; save the file as UTF-8",
                                 byte=f"0x{raw[exc.start]:02x}", offset=exc.start),
                       row=line, value=raw[max(0, exc.start - 20): exc.start + 1].decode("utf-8", "replace"),
                       rule="utf8")
            return None
        text = text.removeprefix("\ufeff")  # a byte-order mark is harmless; drop it
        if not text.strip():
            self.error(file, Msg("file is empty; expected a header row with the columns: {columns}", columns=expected),
                       rule="not_empty")
            return None
        return text

    def parse(self, table: str, text: str) -> pd.DataFrame | None:
        spec = self.metadata["tables"][table]
        file = spec["file"]
        header = next(csv.reader(io.StringIO(text)))
        dupes = sorted({c for c in header if header.count(c) > 1})
        if dupes:
            self.error(file, Msg("the header names a column twice: {columns}", columns=", ".join(dupes)), row=1,
                       rule="unique_header")
            return None
        try:
            df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""],
                             skip_blank_lines=True)
        except (pd.errors.ParserError, ValueError) as exc:
            # pandas' own description of the fault (in English) is a value of the message
            self.error(file, Msg("cannot be read as CSV: {error}", error=str(exc)), rule="csv_syntax")
            return None
        df.index = df.index + 2  # spreadsheet rows: header is row 1
        return df

    def check(self, table: str, df: pd.DataFrame, sch: pa.DataFrameSchema,
              known: dict[str, set[str]] | None = None) -> tuple[pd.DataFrame | None, set[int]]:
        """Validate; return (validated frame or None if the table is unusable, rows that failed)."""
        file = self.metadata["tables"][table]["file"]
        try:
            return sch.validate(df, lazy=True), set()
        except pa.errors.SchemaErrors as exc:
            fc = exc.failure_cases
        bad_rows: set[int] = set()
        table_level = False
        frame_checks = {c.name for c in sch.checks} | {c.error for c in sch.checks if c.error}
        seen: set[tuple] = set()
        for case in fc.itertuples(index=False):
            column = case.column if isinstance(case.column, str) else None
            check = str(case.check)
            value = None if pd.isna(case.failure_case) else str(case.failure_case)
            if check == "column_in_schema":
                self.error(file, Msg("has a column that is not in the data dictionary: '{column}'; remove it or "
                                     "describe it in data/metadata.json", column=value),
                           row=1, column=value, rule="no_extra_columns")
                table_level = True
                continue
            if check == "column_in_dataframe":
                self.error(file, Msg("is missing the column '{column}'", column=value), row=1, column=value,
                           rule="required_columns")
                table_level = True
                continue
            row = None if case.index is None or pd.isna(case.index) else int(case.index)
            if check in frame_checks:  # a rule over several columns: pandera lists the row once per column
                if (row, check) in seen:
                    continue
                seen.add((row, check))
                column, value = None, None
            message, rule = _describe(sch, column, check, value, known)
            if row is None:
                self.error(file, message, column=column, value=value, rule=rule)
                table_level = True
            else:
                bad_rows.add(row)
                self.error(file, Msg("{problem}; row left out", problem=message), row=row, column=column,
                           value=value, rule=rule)
        if table_level:
            return None, bad_rows
        return sch.validate(df.drop(index=sorted(bad_rows)), lazy=False), bad_rows


def _describe(sch: pa.DataFrameSchema, column: str | None, check: str, value: str | None,
              known: dict[str, set[str]] | None) -> tuple[Msg, str]:
    """(message, rule name) for a pandera failure case. The schemas' own checks state their rule as a Msg (their
    ``error``); pandera's built-in failures are named by pandera (``not_nullable``, ``multiple_fields_uniqueness``
    ...), so each one the schemas can produce is given its words here."""
    if check == "not_nullable":
        return Msg("is blank but required"), "required"
    if check == "field_uniqueness":
        return Msg("duplicate id: the same value appears in another row"), "unique_id"
    if check == "multiple_fields_uniqueness":  # the table's unique=[...]: pandera lists the row once per column
        return (Msg("duplicate row: another row has the same {columns}", columns=", ".join(sch.unique or [])),
                check)
    checks = sch.columns[column].checks if column in sch.columns else []
    for chk in [*checks, *sch.checks]:
        if check in (chk.name, chk.error):
            # pandera's default error of a built-in check reads like a call, 'greater_than_or_equal_to(1)'
            message = chk.error if isinstance(chk.error, Msg) else Msg("fails pandera's check {check}",
                                                                        check=chk.error or chk.name)
            if chk.name.startswith("known_") and known and value is not None:
                pool = known.get(chk.name.removeprefix("known_"), set())
                unknown = [i for i in schema.split_ids(value) if i not in pool]
                if unknown:
                    message = Msg.n("{problem} (unknown: {ids})", "{problem} (unknown: {ids})", len(unknown),
                                    problem=message, ids=", ".join(unknown))
            return message, chk.name
    if check.startswith(("dtype(", "coerce_dtype(")):
        return Msg("has the wrong type ({check})", check=check), "dtype"
    return Msg("fails pandera's check {check}", check=check), check


def _empty_typed(columns: dict[str, dict]) -> pd.DataFrame:
    frame = pd.DataFrame({name: pd.Series(dtype="str") for name in columns})
    return schema.convert(frame, columns)


def load_datapack(data_dir: str | Path = DEFAULT_DATA_DIR) -> DataPack:
    """Read every table of the data pack; never raises on bad data (problems are collected instead)."""
    data_dir = Path(data_dir)
    meta_path = data_dir / METADATA_FILE
    try:
        metadata = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        # Without the dictionary nothing can be checked: fall back to the shipped one for the shapes.
        metadata = json.loads((DEFAULT_DATA_DIR / METADATA_FILE).read_text(encoding="utf-8"))
        reader = _Reader(data_dir, metadata)
        reader.error(METADATA_FILE, Msg("cannot be read ({error}); the shipped data dictionary is used instead",
                                        error=str(exc)), rule="metadata")
    else:
        reader = _Reader(data_dir, metadata)

    tables: dict[str, pd.DataFrame] = {}
    status: dict[str, TableStatus] = {}
    known: dict[str, set[str]] = {}
    for table in TABLE_ORDER:
        columns = metadata["tables"][table]["columns"]
        st_ = status[table] = TableStatus()
        tables[table] = _empty_typed(columns)
        text = reader.read_text(table)
        raw = reader.parse(table, text) if text is not None else None
        if raw is None:
            _unchecked_references(reader, table, known)
            continue
        st_.rows_read = len(raw)
        if raw.empty:
            reader.error(metadata["tables"][table]["file"], Msg("has a header but no data rows"), rule="has_rows")
        formatted, bad_format = reader.check(table, raw, schema.format_schema(table, columns))
        if formatted is None:
            _unchecked_references(reader, table, known)
            continue
        typed = schema.convert(formatted, columns)
        sch = schema.typed_schemas(metadata, known)[table]
        final, _ = reader.check(table, typed, sch, known)
        if final is None:
            _unchecked_references(reader, table, known)
            continue
        st_.loaded = True
        st_.rows_loaded = len(final)
        tables[table] = final  # keeps spreadsheet row numbers as the index until all checks have run
        # Ids of every row in the file, loaded or not: a row that links to a row left out for its own error is
        # itself fine (the error is reported once, where it is) and must not be dropped too.
        known[table] = set(raw[ID_COLUMNS[table]].dropna().astype(str))

    boundaries = _load_boundaries(reader, data_dir, metadata)
    if boundaries is not None and status["events"].loaded:
        _check_points_in_regions(reader, tables["events"], boundaries)
    _check_undescribed_files(reader, data_dir, metadata)
    _check_alternatives(reader, tables, status)
    _check_source_checks(reader, tables, status)
    _check_sources(reader, tables["sources"])
    translate.check(reader, tables, status)
    tables = {name: df.reset_index(drop=True) for name, df in tables.items()}
    alts.attach(tables)
    return DataPack(tables=tables, status=status, problems=reader.problems, metadata=metadata,
                    boundaries=boundaries, data_dir=str(data_dir))


# The checks of other tables that cannot run when a table does not load: whole sentences, so each reads well in
# every language.
_UNCHECKED = {
    "sources": Msg("did not load, so source ids in other tables were not checked"),
    "regions": Msg("did not load, so event regions in other tables were not checked"),
    "policies": Msg("did not load, so policy links of bans in other tables were not checked"),
    "events": Msg("did not load, so event links of statistics in other tables were not checked"),
}


def _unchecked_references(reader: _Reader, table: str, known: dict[str, set[str]]) -> None:
    """Note which later checks cannot run because this table did not load."""
    if table in _UNCHECKED:
        file = reader.metadata["tables"][table]["file"]
        reader.warn(file, _UNCHECKED[table], rule="references_unchecked")


def _load_boundaries(reader: _Reader, data_dir: Path, metadata: dict) -> dict | None:
    file = metadata["boundaries"]["file"]
    path = data_dir / file
    try:
        gj = json.loads(path.read_text(encoding="utf-8"))
        names = {f["properties"]["region"] for f in gj["features"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        reader.error(file, Msg("cannot be read as GeoJSON with a 'region' property per feature ({error}); the map "
                               "draws no regions", error=str(exc)), rule="boundaries")
        return None
    return gj if names else None


def _check_points_in_regions(reader: _Reader, events: pd.DataFrame, boundaries: dict) -> None:
    from shapely.geometry import Point, shape
    from shapely.prepared import prep

    polygons = {f["properties"]["region"]: shape(f["geometry"]) for f in boundaries["features"]}
    prepared = {name: prep(geom) for name, geom in polygons.items()}
    file = reader.metadata["tables"]["events"]["file"]
    for row in events.itertuples():
        if pd.isna(row.latitude) or row.region not in prepared:
            continue
        point = Point(row.longitude, row.latitude)
        if prepared[row.region].contains(point):
            continue
        inside = next((name for name, g in prepared.items() if g.contains(point)), None)
        where = Msg("inside the '{polygon}' polygon", polygon=inside) if inside else Msg("outside every region polygon")
        if isinstance(row.geo_note, str):
            message = Msg("the point of {event} lies {where}, not in its region '{region}' (explained in geo_note)",
                          event=row.event_id, where=where, region=row.region)
        else:
            message = Msg("the point of {event} lies {where}, not in its region '{region}'", event=row.event_id,
                          where=where, region=row.region)
        reader.warn(file, message, row=int(row.Index), column="latitude", value=f"{row.latitude}, {row.longitude}",
                    rule="point_in_region")


def _cited_sources(tables: dict[str, pd.DataFrame], status: dict[str, TableStatus]) -> dict[tuple[str, str], set]:
    """(table, record id) -> the source ids the record cites, for every loaded table an alternative can be about."""
    cited: dict[tuple[str, str], set[str]] = {}
    for table, id_col in alts.TABLE_IDS.items():
        if status.get(table) and status[table].loaded and "source_ids" in tables[table]:
            for rid, cell in zip(tables[table][id_col], tables[table]["source_ids"]):
                cited[(table, rid)] = set(schema.split_ids(cell))
    return cited


def _check_alternatives(reader: _Reader, tables: dict[str, pd.DataFrame], status: dict[str, TableStatus]) -> None:
    """Both directions between contradictions and alternatives, and no source on both sides of a figure. A
    contradiction about statistics whose rows are flagged (an error or inconsistency in the document itself) may
    have no other value to offer."""
    if not (status["alternatives"].loaded and status["contradictions"].loaded):
        return
    alt, con = tables["alternatives"], tables["contradictions"]
    file = reader.metadata["tables"]["alternatives"]["file"]
    named = set(alt["contradiction_id"].dropna())
    stats = tables["statistics"]
    flagged = set(stats.loc[stats["flag"].notna(), "stat_id"]) if "flag" in stats else set()
    for row in con.itertuples():
        self_evident = row.table == "statistics" and set(schema.split_ids(row.record_ids)) & flagged
        if row.contradiction_id not in named and not self_evident:
            reader.error(reader.metadata["tables"]["contradictions"]["file"],
                         Msg("{contradiction} has no record in alternatives.csv: give each other value its row there "
                             "(with contradiction_id set)", contradiction=row.contradiction_id),
                         row=int(row.Index), column="contradiction_id", value=row.contradiction_id,
                         rule="contradiction_has_alternatives")
    records = {r.contradiction_id: set(schema.split_ids(r.record_ids)) for r in con.itertuples()}
    cited = _cited_sources(tables, status)
    for row in alt.itertuples():
        cid = row.contradiction_id
        if isinstance(cid, str) and cid in records and row.record_id not in records[cid]:
            reader.warn(file, Msg("{alternative} names {contradiction}, which does not list {record} in record_ids",
                                  alternative=row.alt_id, contradiction=cid, record=row.record_id),
                        row=int(row.Index), column="contradiction_id", value=cid, rule="contradiction_records")
        both = cited.get((row.table, row.record_id), set()) & set(schema.split_ids(row.source_ids))
        if both and row.column in alts.FIGURE_COLUMNS:
            # the English reads the same for one source or several; other languages agree the verb with them
            reader.error(file, Msg.n("{sources} is cited both for the value {record} uses and for this other value of "
                                     "'{column}': cite a source only where it supports the value",
                                     "{sources} is cited both for the value {record} uses and for this other value of "
                                     "'{column}': cite a source only where it supports the value", len(both),
                                     sources=", ".join(sorted(both)), record=row.record_id, column=row.column),
                         row=int(row.Index), column="source_ids", value=row.source_ids, rule="sources_one_side")


def _check_source_checks(reader: _Reader, tables: dict[str, pd.DataFrame], status: dict[str, TableStatus]) -> None:
    """A source recorded as giving another value of a record is not among the record's supporting sources."""
    if not status["source_checks"].loaded:
        return
    file = reader.metadata["tables"]["source_checks"]["file"]
    cited = _cited_sources(tables, status)
    checks = tables["source_checks"]
    for row in checks[(checks["agrees"] == "no") & checks["column"].isin(alts.FIGURE_COLUMNS)].itertuples():
        if row.source_id in cited.get((row.table, row.record_id), set()):
            reader.error(file, Msg("{source} gives another '{column}' for {record} but is in that record's "
                                   "source_ids", source=row.source_id, column=row.column, record=row.record_id),
                         row=int(row.Index), column="source_id", value=row.source_id, rule="sources_one_side")


def _check_sources(reader: _Reader, sources: pd.DataFrame) -> None:
    """Every source has a deep URL and a publication date, or says why not."""
    file = reader.metadata["tables"]["sources"]["file"]
    for row in sources.itertuples():
        if not isinstance(row.missing_note, str) or not row.missing_note.strip():
            if not text.url_has_path(row.url):
                reader.warn(file, Msg("{source} has no deep URL (a path, not a domain) and no missing_note saying why",
                                      source=row.source_id), row=int(row.Index), column="url", value=row.url,
                            rule="deep_url")
            if not isinstance(row.date_published, str):
                reader.warn(file, Msg("{source} has no date_published and no missing_note saying why",
                                      source=row.source_id), row=int(row.Index), column="date_published",
                            rule="date_published")


def _check_undescribed_files(reader: _Reader, data_dir: Path, metadata: dict) -> None:
    described = {spec["file"] for spec in metadata["tables"].values()}
    for path in sorted(data_dir.glob("*.csv")):
        if path.name not in described:
            reader.warn(path.name, Msg("is not described in metadata.json and is not loaded"), rule="described")


def report(pack: DataPack) -> str:
    """A plain-text report: each table with its row counts, then every problem (in English: the command line's
    report, ``scripts/check_data``)."""
    lines = [f"Data pack: {pack.data_dir}", ""]
    width = max(len(t) for t in pack.tables)
    for table, st_ in pack.status.items():
        state = "ok" if st_.loaded and st_.rows_loaded == st_.rows_read else (
            "NOT LOADED" if not st_.loaded else f"{st_.rows_read - st_.rows_loaded} row(s) left out")
        lines.append(f"  {table:<{width}}  {st_.rows_loaded:>4} rows  {state}")
    lines.append("")
    lines.append(f"{len(pack.errors)} error(s), {len(pack.warnings)} warning(s)")
    lines.extend(f"  {p}" for p in pack.problems)
    return "\n".join(lines)
