"""The local store of imported datasets: an embedded DuckDB database under the data directory (``var/`` by default,
or ``$KZ_VAR_DIR``), never inside the curated data pack and never committed (``var/`` is git-ignored).

Each import is one transaction: the dataset's record, its events and the list of rows left out are written together
or not at all, so a process that dies mid-import leaves the store as it was. Every stored event keeps the dataset it
came from; datasets can be listed, switched on and off, and deleted.

No Streamlit here. Usage::

    store = Store()                                   # opens (or creates) var/imports.duckdb
    dataset_id = store.add(preview, "GTD 2020 export")  # preview from preview.prepare_import
    store.events()                                    # enabled datasets' events, curated columns + provenance
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from components.imports.columns import FORMAT_LABELS, PROVENANCE_COLUMNS, empty_events, event_columns
from components.imports.preview import ImportPreview

VAR_DIR_ENV = "KZ_VAR_DIR"
DEFAULT_VAR_DIR = Path(__file__).resolve().parents[2] / "var"
DB_FILE = "imports.duckdb"
SCHEMA_VERSION = 1
INSERT_ROWS = 50_000  # rows converted and inserted per statement (all in the one transaction)
EVENTS_BATCH_ROWS = 100_000  # rows per batch streamed out by events()
COMPACT_BATCH_ROWS = 20_000  # ... when text columns are dictionary-encoded as they stream (see events())
STORE_COLUMNS = ("dataset_id", "dataset_name")  # added to the imported columns by events()
_SQL_TYPES = {"integer": "BIGINT", "number": "DOUBLE", "date": "DATE"}

DATASET_COLUMNS = ("dataset_id", "name", "filename", "checksum", "format", "imported_at", "size_bytes", "rows_read",
                   "rows_accepted", "rows_rejected", "rows_out_of_scope", "rows_duplicates",
                   "rows_missing_coordinates", "enabled", "citation", "licence", "casualty_note", "encoding",
                   "unmapped_regions", "out_of_scope_counts", "notes")


def _arrow_dtypes() -> dict:
    """Arrow -> pandas dtypes for events(): text as the curated 'str' dtype, integers as nullable Int64."""
    import numpy as np
    import pyarrow as pa

    text = pd.StringDtype("pyarrow", na_value=np.nan)
    return {pa.string(): text, pa.large_string(): text, pa.int64(): pd.Int64Dtype(), pa.int32(): pd.Int64Dtype()}


class StoreError(RuntimeError):
    """The store cannot be opened or written; nothing was changed."""


class DuplicateDatasetError(StoreError):
    """The same file (same sha256) is already stored."""


def default_var_dir() -> Path:
    return Path(os.environ.get(VAR_DIR_ENV) or DEFAULT_VAR_DIR)


def _event_sql_columns() -> list[tuple[str, str]]:
    cols = [(name, _SQL_TYPES.get(spec["type"], "VARCHAR")) for name, spec in event_columns().items()]
    cols += [(name, "BIGINT" if name == "source_row" else "VARCHAR") for name in PROVENANCE_COLUMNS]
    return cols


def fingerprint(dataset) -> str:
    """A short digest of what the views show of a dataset (a row of ``Store.datasets()``): its file, name and time
    of import."""
    return hashlib.sha256(f"{dataset.checksum}\n{dataset.name}\n{dataset.imported_at}".encode()).hexdigest()[:16]


def _writes(method):
    """Mark a Store method as a write: whatever it does, cached reads of this handle are stale afterwards."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        finally:
            self._writes += 1
    return wrapper


def _row_issues(preview: ImportPreview) -> pd.DataFrame:
    """The preview's rejected and out-of-scope rows as one table: status, row, source_record_id, kind, reason."""
    issues = pd.concat([
        preview.rejected.assign(status="rejected", kind=pd.NA)[["status", "row", "source_record_id", "kind",
                                                                  "reason"]],
        preview.out_of_scope.assign(status="out of scope")[["status", "row", "source_record_id", "kind", "reason"]],
    ], ignore_index=True)
    for col in ("status", "source_record_id", "kind", "reason"):
        issues[col] = issues[col].astype("str")
    issues["row"] = issues["row"].astype("Int64")
    return issues


def _refuse_same_file(con: duckdb.DuckDBPyConnection, checksum: str) -> None:
    """Raise :class:`DuplicateDatasetError` if a file with this sha256 is stored already."""
    same = con.execute("SELECT dataset_id, name, imported_at FROM datasets WHERE checksum = ?", [checksum]).fetchone()
    if same is not None:
        raise DuplicateDatasetError(
            f"this file was already imported as dataset {same[0]} '{same[1]}' on {same[2]:%Y-%m-%d %H:%M} UTC (same "
            "sha256 checksum); delete that dataset first to import it again")


def _insert_dataset(con: duckdb.DuckDBPyConnection, dataset_id: int, name: str, preview: ImportPreview,
                    enabled: bool) -> None:
    """The dataset's record: its file, counts, citation and licence, and what the preview noted."""
    con.execute(
        f"INSERT INTO datasets ({', '.join(DATASET_COLUMNS)}) VALUES ({', '.join('?' for _ in DATASET_COLUMNS)})",
        [dataset_id, name, preview.filename, preview.checksum, preview.format, datetime.now(UTC).replace(tzinfo=None),
         preview.size_bytes, preview.rows_read, preview.n_accepted, preview.n_rejected, preview.n_out_of_scope,
         preview.n_duplicates, preview.n_missing_coordinates, enabled, preview.citation, preview.licence,
         preview.casualty_note, preview.encoding, json.dumps(preview.unmapped_regions),
         json.dumps(preview.out_of_scope_counts), json.dumps(preview.notes)])


def _insert_events(con: duckdb.DuckDBPyConnection, dataset_id: int, accepted: pd.DataFrame) -> None:
    """The accepted rows as the dataset's events, ids prefixed ``imp<dataset_id>-``, INSERT_ROWS at a time."""
    cols = [name for name, _ in _event_sql_columns()]
    select = ", ".join((f"'imp{dataset_id}-' || \"event_id\"" if c == "event_id" else f'"{c}"') for c in cols)
    insert = (f"INSERT INTO events (dataset_id, {', '.join(chr(34) + c + chr(34) for c in cols)}) "
              f"SELECT {dataset_id}, {select} FROM _incoming_events")
    for start in range(0, len(accepted), INSERT_ROWS):  # slices bound the conversion's memory
        con.register("_incoming_events", accepted.iloc[start:start + INSERT_ROWS])
        con.execute(insert)
        con.unregister("_incoming_events")


def _insert_issues(con: duckdb.DuckDBPyConnection, dataset_id: int, issues: pd.DataFrame) -> None:
    """The rows left out (``_row_issues``) as the dataset's row issues."""
    if len(issues):
        con.register("_incoming_issues", issues)
        con.execute(f'INSERT INTO row_issues SELECT {dataset_id}, status, "row", source_record_id, kind, reason '
                    "FROM _incoming_issues")
        con.unregister("_incoming_issues")


class Store:
    """Imported datasets in ``<var_dir>/imports.duckdb``. Each call opens and closes its own connection, so the
    file is not held locked between calls (another process, or a restart, can open it)."""

    def __init__(self, var_dir: str | Path | None = None, *, memory_limit: str = "256MB") -> None:
        self.var_dir = Path(var_dir) if var_dir is not None else default_var_dir()
        self.path = self.var_dir / DB_FILE
        self.memory_limit = memory_limit
        self._writes = 0  # bumped by every write through this handle: the kept listing never outlives one
        self._listing_cache: tuple[tuple, pd.DataFrame, tuple] | None = None
        try:
            self.var_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the data directory {self.var_dir}: {exc}") from exc
        with self._connect() as con:
            self._migrate(con)

    # ------------------------------------------------------------ connection and schema
    @contextmanager
    def _connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        try:
            con = duckdb.connect(str(self.path), config={"memory_limit": self.memory_limit})
        except duckdb.Error as exc:
            raise StoreError(f"cannot open the import store {self.path}: {exc}") from exc
        try:
            yield con
        finally:
            con.close()

    def _migrate(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute("CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        row = con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone()
        if row is not None and int(row[0]) > SCHEMA_VERSION:
            raise StoreError(f"the import store {self.path} was written by a newer version of the dashboard "
                             f"(schema {row[0]}, this version reads {SCHEMA_VERSION})")
        if row is not None:
            self._add_new_columns(con)
            return
        con.begin()
        con.execute("""
            CREATE TABLE IF NOT EXISTS datasets (
                dataset_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, filename VARCHAR NOT NULL,
                checksum VARCHAR NOT NULL, format VARCHAR NOT NULL, imported_at TIMESTAMP NOT NULL,
                size_bytes BIGINT, rows_read BIGINT, rows_accepted BIGINT, rows_rejected BIGINT,
                rows_out_of_scope BIGINT, rows_duplicates BIGINT, rows_missing_coordinates BIGINT,
                enabled BOOLEAN NOT NULL, citation VARCHAR, licence VARCHAR, casualty_note VARCHAR,
                encoding VARCHAR, unmapped_regions VARCHAR, out_of_scope_counts VARCHAR, notes VARCHAR)""")
        columns = ", ".join(f'"{name}" {sql}' for name, sql in _event_sql_columns())
        con.execute(f"CREATE TABLE IF NOT EXISTS events (dataset_id INTEGER NOT NULL, {columns})")
        con.execute("""
            CREATE TABLE IF NOT EXISTS row_issues (
                dataset_id INTEGER NOT NULL, status VARCHAR NOT NULL, "row" BIGINT, source_record_id VARCHAR,
                kind VARCHAR, reason VARCHAR)""")
        con.execute("INSERT INTO store_meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        con.commit()

    @staticmethod
    def _add_new_columns(con: duckdb.DuckDBPyConnection) -> None:
        """A store written before the events table gained columns (e.g. the inclusion criteria, data pack 2.0) gets
        them, blank: its rows are read with the curated columns of this version."""
        have = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'events'").fetchall()}
        for name, sql in _event_sql_columns():
            if name not in have:
                con.execute(f'ALTER TABLE events ADD COLUMN "{name}" {sql}')

    # ------------------------------------------------------------ writing
    @_writes
    def add(self, preview: ImportPreview, name: str | None = None, *, enabled: bool = True,
            allow_same_file: bool = False, progress: Callable[[str], None] | None = None) -> int:
        """Store a previewed import in one transaction; return its dataset id. Raises
        :class:`DuplicateDatasetError` if the same file (sha256) is already stored, unless ``allow_same_file``.
        ``progress(stage)`` is called at 'begin', 'dataset', 'events', 'issues' (all before the commit) and 'commit'.
        """
        step = progress or (lambda stage: None)
        name = (name or preview.filename).strip() or preview.filename
        issues = _row_issues(preview)
        with self._connect() as con:
            con.begin()
            try:
                step("begin")
                if not allow_same_file:
                    _refuse_same_file(con, preview.checksum)
                dataset_id = int(con.execute("SELECT COALESCE(MAX(dataset_id), 0) + 1 FROM datasets").fetchone()[0])
                _insert_dataset(con, dataset_id, name, preview, enabled)
                step("dataset")
                _insert_events(con, dataset_id, preview.accepted)
                step("events")
                _insert_issues(con, dataset_id, issues)
                step("issues")
                con.commit()
            except BaseException:
                con.rollback()
                raise
        step("commit")
        return dataset_id

    @_writes
    def set_enabled(self, dataset_id: int, enabled: bool) -> None:
        """Switch a dataset on (its events are shown) or off (kept, not shown)."""
        with self._connect() as con:
            self._require(con, dataset_id)
            con.execute("UPDATE datasets SET enabled = ? WHERE dataset_id = ?", [bool(enabled), int(dataset_id)])

    @_writes
    def rename(self, dataset_id: int, name: str) -> None:
        with self._connect() as con:
            self._require(con, dataset_id)
            con.execute("UPDATE datasets SET name = ? WHERE dataset_id = ?", [name.strip(), int(dataset_id)])

    @_writes
    def delete(self, dataset_id: int) -> None:
        """Remove a dataset, its events and its row lists, in one transaction."""
        with self._connect() as con:
            self._require(con, dataset_id)
            con.begin()
            try:
                for table in ("events", "row_issues", "datasets"):
                    con.execute(f"DELETE FROM {table} WHERE dataset_id = ?", [int(dataset_id)])
                con.commit()
            except BaseException:
                con.rollback()
                raise
            con.execute("CHECKPOINT")

    @staticmethod
    def _require(con: duckdb.DuckDBPyConnection, dataset_id: int) -> None:
        if con.execute("SELECT 1 FROM datasets WHERE dataset_id = ?", [int(dataset_id)]).fetchone() is None:
            raise KeyError(f"no imported dataset with id {dataset_id}")

    # ------------------------------------------------------------ reading
    def datasets(self) -> pd.DataFrame:
        """One row per imported dataset, oldest first (JSON columns decoded)."""
        return self._listing()[0].copy()

    def state(self) -> tuple[tuple[int, str, bool], ...]:
        """(id, fingerprint, enabled) of every dataset: what keys the views of the imported data. The fingerprint
        (``fingerprint``) changes with the file, the name and the import, so a dataset deleted and replaced by
        another under the same id is never mistaken for the old one."""
        return self._listing()[1]

    def _listing(self) -> tuple[pd.DataFrame, tuple]:
        """The datasets table and its state, read on every rerun of every page, so kept until the store changes: a
        write through this handle, or a change of the database files on disk (another process importing), seen by
        their inode, size and modification time. Opening DuckDB costs about 10 ms; a ``stat`` costs microseconds."""
        signature = self._signature()
        cached = self._listing_cache
        if cached is not None and cached[0] == signature:
            return cached[1], cached[2]
        with self._connect() as con:
            df = con.execute(f"SELECT {', '.join(DATASET_COLUMNS)} FROM datasets ORDER BY dataset_id").df()
        for col in ("unmapped_regions", "out_of_scope_counts", "notes"):
            df[col] = df[col].map(lambda v: json.loads(v) if isinstance(v, str) else None)
        df["format_label"] = df["format"].map(FORMAT_LABELS)
        df["enabled"] = df["enabled"].astype(bool)
        state = tuple((int(r.dataset_id), fingerprint(r), bool(r.enabled)) for r in df.itertuples())
        self._listing_cache = (signature, df, state)
        return df, state

    def _signature(self) -> tuple:
        files = []
        for path in (self.path, self.path.with_name(self.path.name + ".wal")):
            try:
                st = path.stat()
                files.append((st.st_ino, st.st_size, st.st_mtime_ns))
            except OSError:
                files.append(None)
        return (self._writes, *files)

    def dataset(self, dataset_id: int) -> dict:
        df = self.datasets()
        rows = df[df["dataset_id"] == int(dataset_id)]
        if rows.empty:
            raise KeyError(f"no imported dataset with id {dataset_id}")
        return rows.iloc[0].to_dict()

    def events(self, enabled_only: bool = True, dataset_ids: list[int] | None = None,
               categorical: Collection[str] = ()) -> pd.DataFrame:
        """Stored events: the curated ``events`` columns with the same dtypes, then ``dataset_id``,
        ``dataset_name`` and the provenance columns (``columns.PROVENANCE_COLUMNS``); in dataset order, then file
        order. Event ids are ``imp<dataset_id>-<id>``. Read one dataset at a time and streamed out of DuckDB in
        batches, so the store's memory limit does not bound the size of the result.

        The text columns named in ``categorical`` come back as pandas categoricals (categories sorted) instead of
        ``str``: they are dictionary-encoded batch by batch as they stream out, so a million rows of repeated notes
        never sit in memory as a million strings (see ``COMPACT_COLUMNS``)."""
        import pyarrow as pa

        sql = "SELECT dataset_id, name FROM datasets" + (" WHERE enabled" if enabled_only else "")
        cols = ", ".join(f'"{c}"' for c, _ in _event_sql_columns())
        frames = []
        with self._connect() as con:
            names = dict(con.execute(sql + " ORDER BY dataset_id").fetchall())
            wanted = [i for i in names if dataset_ids is None or i in {int(d) for d in dataset_ids}]
            if categorical:  # one thread, small batches: fewer full-text batches in flight before they are encoded
                con.execute("SET threads = 1")
            for dataset_id in wanted:
                reader = con.sql(f"SELECT {cols} FROM events WHERE dataset_id = {int(dataset_id)}").to_arrow_reader(
                    COMPACT_BATCH_ROWS if categorical else EVENTS_BATCH_ROWS)
                batches = list(reader) if not categorical else [_encode(b, categorical) for b in reader]
                table = pa.Table.from_batches(batches, schema=batches[0].schema if batches else reader.schema)
                del batches
                if not table.num_rows:
                    continue
                df = table.to_pandas(types_mapper=_arrow_dtypes().get, date_as_object=False, self_destruct=True,
                                     split_blocks=True)
                del table
                if not df["source_row"].is_monotonic_increasing:
                    df = df.sort_values("source_row", kind="stable")
                df["dataset_id"] = dataset_id
                df["dataset_name"] = names[dataset_id]
                frames.append(df)
        pa.default_memory_pool().release_unused()  # give the batches' memory back (the peak, not the result)
        if not frames:
            return self._empty_events(categorical)
        if len(frames) > 1 and categorical:
            frames = unify_categories(frames, categorical)
        return self._shape(frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True), categorical)

    def _empty_events(self, categorical: Collection[str] = ()) -> pd.DataFrame:
        return self._shape(empty_events().assign(dataset_id=pd.NA, dataset_name=pd.NA), categorical)

    @staticmethod
    def _shape(df: pd.DataFrame, categorical: Collection[str] = ()) -> pd.DataFrame:
        """Curated event columns, then dataset_id and dataset_name, then provenance; dtypes as the curated table
        (converted only where they differ, so the million-row case is not copied), except the ``categorical``
        columns, which are categoricals of sorted text categories."""
        expected = empty_events().dtypes
        order = [*event_columns(), *STORE_COLUMNS, *PROVENANCE_COLUMNS]
        dtypes = {**expected.to_dict(), "dataset_id": pd.Int64Dtype(), "dataset_name": expected["event_id"]}
        out = df[order]
        for col in order:
            if col in categorical:
                out[col] = categorical_text(out[col])
            elif out[col].dtype != dtypes[col]:
                out[col] = out[col].astype(dtypes[col])
        return out.reset_index(drop=True)

    def row_issues(self, dataset_id: int, status: str | None = None) -> pd.DataFrame:
        """Rows of a dataset's file left out: status 'rejected' or 'out of scope', with row, id, kind and reason."""
        sql = 'SELECT status, "row", source_record_id, kind, reason FROM row_issues WHERE dataset_id = ?'
        params: list[object] = [int(dataset_id)]
        if status:
            sql += " AND status = ?"
            params.append(status)
        with self._connect() as con:
            df = con.execute(sql + ' ORDER BY "row"', params).df()
        df["row"] = df["row"].astype("Int64")
        return df

    def citations(self, enabled_only: bool = True) -> list[dict[str, str]]:
        """Name, citation and licence of each (enabled) dataset, for exports."""
        df = self.datasets()
        if enabled_only:
            df = df[df["enabled"]]
        return [{"dataset_id": int(r.dataset_id), "name": r.name, "citation": r.citation, "licence": r.licence}
                for r in df.itertuples()]


# Text columns of events with few distinct values (notes repeated on every row of a dataset, categories, places):
# the views hold imported events with these as categoricals. At a million rows they are about 650 MB as strings and
# a few MB as categoricals. Free text unique to each row (ids, summaries, citations) stays text.
COMPACT_COLUMNS = ("date_precision", "date_note", "place", "region", "coord_precision", "coord_source", "event_type",
                   "attack_type", "attack_description", "target_type", "perpetrator_group", "perpetrator",
                   "classification", "classification_note", "source_ids", "disagreements", "geo_note", "dataset_name",
                   "source_format", "precision_note", "doubt_note", "casualty_note", "duplicate_of")


def _text_categories(values) -> pd.Index:
    return pd.Index(sorted({str(v) for v in values if isinstance(v, str)}), dtype=object)


def categorical_text(series: pd.Series) -> pd.Series:
    """A text column as a categorical whose categories are its distinct values in sorted order (so that sorting by
    it sorts by the text, as for the ``str`` column)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        cats = _text_categories(series.cat.categories)
        if list(series.cat.categories) == list(cats):
            return series
        return series.cat.set_categories(cats)
    return series.astype(pd.CategoricalDtype(_text_categories(series.dropna().unique())))


def unify_categories(frames: list[pd.DataFrame], columns: Collection[str]) -> list[pd.DataFrame]:
    """The frames with each of ``columns`` as a categorical of the same sorted categories (the union of the frames'
    values), so that ``pd.concat`` keeps them categorical instead of falling back to text."""
    out = [f.copy(deep=False) for f in frames]
    for col in columns:
        if not all(col in f for f in out):
            continue
        values: set[str] = set()
        for f in out:
            s = f[col]
            values |= set(s.cat.categories if isinstance(s.dtype, pd.CategoricalDtype) else s.dropna().unique())
        dtype = pd.CategoricalDtype(_text_categories(values))
        for f in out:
            f[col] = f[col].astype(dtype) if not isinstance(f[col].dtype, pd.CategoricalDtype) \
                else f[col].cat.set_categories(dtype.categories)
    return out


def _encode(batch, columns: Collection[str]):
    """An Arrow record batch with the named text columns dictionary-encoded and the others copied: DuckDB hands a
    batch over as one allocation, so keeping any column of it as it came would keep the whole batch's text alive."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def text(col) -> bool:
        return pa.types.is_string(col.type) or pa.types.is_large_string(col.type)

    every = pa.array(range(batch.num_rows), type=pa.int64())
    arrays = [col.dictionary_encode() if name in columns and text(col) else pc.take(col, every)
              for name, col in zip(batch.schema.names, batch.columns)]
    return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)


def combine_events(curated: pd.DataFrame, imported: pd.DataFrame, *, consume: bool = False) -> pd.DataFrame:
    """Curated incidents followed by imported ones that are not linked duplicates of a curated incident (a row with
    ``duplicate_of`` set is the same incident and is not counted twice). Curated rows get ``source_format`` 'curated'
    and blank provenance; the columns and dtypes of both are kept (a categorical column of ``imported`` stays
    categorical, its categories joined with the curated values).

    Built column by column. With ``consume=True`` each column of ``imported`` is deleted from it once copied, so a
    million rows are never held twice (the caller must not use ``imported`` afterwards: it ends with no columns)."""
    keep = imported["duplicate_of"].isna().to_numpy(bool) if "duplicate_of" in imported else None
    if keep is not None and keep.all():
        keep = None
    cur = curated.copy()
    for col in imported.columns:
        if col not in cur:
            cur[col] = pd.Series(pd.NA, index=cur.index).astype(imported[col].dtype)
    cur["source_format"] = "curated"
    columns: dict[str, pd.Series] = {}
    for col in list(imported.columns):
        part = imported[col].reset_index(drop=True)
        if keep is not None:
            part = part[keep]
        head = cur[col].reset_index(drop=True)
        if isinstance(part.dtype, pd.CategoricalDtype):  # the same categories on both sides: stays categorical
            head, part = (f[col] for f in unify_categories([head.to_frame(col), part.to_frame(col)], [col]))
        combined = pd.concat([head, part], ignore_index=True)
        if combined.dtype != part.dtype:
            combined = combined.astype(part.dtype)
        columns[col] = combined
        del part, head
        if consume:
            del imported[col]
    return pd.DataFrame(columns, copy=False)
