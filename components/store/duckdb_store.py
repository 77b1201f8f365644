"""The embedded store: a DuckDB database file under the data directory (``var/`` by default, or ``$KZ_VAR_DIR``),
never inside the curated data pack and never committed (``var/`` is git-ignored). For one server process; several
servers share a :mod:`postgres_store` instead.

DuckDB lets one process open the file for writing, and within a process all connections share one database, whose
optimistic transactions fail when two of them change the same rows ("Conflict on tuple deletion"). So every write
of a process takes one lock per file (writes are short; reads never wait for it), ids come from a sequence, and a
second process that finds the file held waits for it (up to ``busy_timeout`` seconds) instead of failing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb
import pandas as pd

from components.i18n import Msg
from components.store.base import (
    CHANGE_STORED_COLUMNS,
    DATASET_COLUMNS,
    BaseStore,
    DatasetGone,
    Progress,
    StoreError,
    dataset_record,
    default_var_dir,
    delete_change,
    duplicate_error,
    event_sql_columns,
    import_change,
    not_stored,
    update_change,
    utc_now,
)

DB_FILE = "imports.duckdb"
SCHEMA_VERSION = 3  # 2: dataset ids from a sequence; 3: the change log
INSERT_ROWS = 50_000  # rows converted and inserted per statement (all in the one transaction)
EVENTS_BATCH_ROWS = 100_000  # rows per batch streamed out by events()
COMPACT_BATCH_ROWS = 20_000  # ... when text columns are dictionary-encoded as they stream (see events())
_SQL_TYPES = {"integer": "BIGINT", "number": "DOUBLE", "date": "DATE", "text": "VARCHAR"}

_FILE_LOCKS: dict[Path, threading.RLock] = {}
_FILE_LOCKS_GUARD = threading.Lock()


def _write_lock(path: Path) -> threading.RLock:
    """The one write lock of a database file in this process, shared by every handle on it."""
    with _FILE_LOCKS_GUARD:
        return _FILE_LOCKS.setdefault(path.resolve(), threading.RLock())


def _sql_columns() -> list[tuple[str, str]]:
    return [(name, _SQL_TYPES[kind]) for name, kind in event_sql_columns()]


def _missing_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    have = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'events'").fetchall()}
    return [(name, sql) for name, sql in _sql_columns() if name not in have]


def _log(con: duckdb.DuckDBPyConnection, change: dict) -> None:
    """Write a row of the change log, in the caller's transaction."""
    con.execute(f"INSERT INTO changes ({', '.join(_quoted(CHANGE_STORED_COLUMNS))}) "
                f"VALUES ({', '.join('?' for _ in CHANGE_STORED_COLUMNS)})", [change[c] for c in CHANGE_STORED_COLUMNS])


def _quoted(columns) -> list[str]:
    return [f'"{c}"' for c in columns]  # "at" is a keyword to DuckDB


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back, never hiding the error that made us: a transaction DuckDB has aborted already refuses this."""
    with suppress(duckdb.Error):
        con.rollback()


class DuckDBStore(BaseStore):
    """Imported datasets in ``<var_dir>/imports.duckdb``. Each call opens and closes its own connection, so the
    file is not held locked between calls (another process, or a restart, can open it)."""

    def __init__(self, var_dir: str | Path | None = None, *, memory_limit: str = "256MB",
                 busy_timeout: float = 30.0) -> None:
        super().__init__()
        self.var_dir = Path(var_dir) if var_dir is not None else default_var_dir()
        self.path = self.var_dir / DB_FILE
        self.memory_limit = memory_limit
        self.busy_timeout = busy_timeout
        try:
            self.var_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(Msg("cannot create the data directory {path}: {reason}", path=str(self.var_dir),
                                 reason=str(exc))) from exc
        self._lock = _write_lock(self.path)
        with self._connect() as con:
            if self._current(con):
                return  # the usual case: nothing to write, so no need to wait for a write in progress
        with self._lock, self._connect() as con:
            self._migrate(con)

    # ------------------------------------------------------------ connection and schema
    @contextmanager
    def _connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        deadline = time.monotonic() + self.busy_timeout
        pause = 0.02
        while True:
            try:
                con = duckdb.connect(str(self.path), config={"memory_limit": self.memory_limit})
                break
            except duckdb.IOException as exc:
                # Another process has the file open; it closes it after each call, so wait our turn.
                if "lock" not in str(exc).lower():
                    raise StoreError(Msg("cannot open the import store {path}: {reason}", path=str(self.path),
                                         reason=str(exc))) from exc
                if time.monotonic() > deadline:
                    raise StoreError(Msg("the import store {path} is in use by another process; try again in a "
                                         "moment", path=str(self.path))) from exc
                time.sleep(pause)
                pause = min(pause * 2, 0.25)
            except duckdb.Error as exc:
                raise StoreError(Msg("cannot open the import store {path}: {reason}", path=str(self.path),
                                     reason=str(exc))) from exc
        try:
            yield con
        finally:
            con.close()

    @staticmethod
    def _current(con: duckdb.DuckDBPyConnection) -> bool:
        """Whether the file holds this version's schema already (read only)."""
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "store_meta" not in tables:
            return False
        row = con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone()
        return row is not None and int(row[0]) == SCHEMA_VERSION and not _missing_columns(con)

    def _migrate(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute("CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        row = con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone()
        if row is not None and int(row[0]) > SCHEMA_VERSION:
            raise StoreError(Msg("the import store {path} was written by a newer version of the dashboard (schema "
                                 "{found}, this version reads {version})", path=str(self.path), found=row[0],
                                 version=SCHEMA_VERSION))
        con.begin()
        try:
            if row is None:
                self._create(con)
            # A store written before the events table gained columns (e.g. the inclusion criteria, data pack 2.0)
            # gets them, blank: its rows are read with the curated columns of this version.
            for name, sql in _missing_columns(con):
                con.execute(f'ALTER TABLE events ADD COLUMN "{name}" {sql}')
            if row is None or int(row[0]) < 2:
                # Ids are never reused: a sequence past every id given so far (MAX + 1 raced between sessions).
                start = con.execute("SELECT COALESCE(MAX(dataset_id), 0) + 1 FROM datasets").fetchone()[0]
                con.execute(f"CREATE SEQUENCE IF NOT EXISTS dataset_ids START {int(start)}")
            if row is None or int(row[0]) < 3:
                # The change log starts empty: who imported what before it existed is not known.
                con.execute("CREATE SEQUENCE IF NOT EXISTS change_ids START 1")
                con.execute("""
                    CREATE TABLE IF NOT EXISTS changes (
                        change_id BIGINT PRIMARY KEY DEFAULT nextval('change_ids'), "at" TIMESTAMP NOT NULL,
                        actor VARCHAR, action VARCHAR NOT NULL, dataset_id BIGINT NOT NULL,
                        dataset_name VARCHAR NOT NULL, detail VARCHAR, detail_msg VARCHAR)""")
            con.execute("INSERT OR REPLACE INTO store_meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
            con.commit()
        except BaseException:
            _rollback(con)
            raise

    @staticmethod
    def _create(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("""
            CREATE TABLE IF NOT EXISTS datasets (
                dataset_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, filename VARCHAR NOT NULL,
                checksum VARCHAR NOT NULL, format VARCHAR NOT NULL, imported_at TIMESTAMP NOT NULL,
                size_bytes BIGINT, rows_read BIGINT, rows_accepted BIGINT, rows_rejected BIGINT,
                rows_out_of_scope BIGINT, rows_duplicates BIGINT, rows_missing_coordinates BIGINT,
                enabled BOOLEAN NOT NULL, citation VARCHAR, licence VARCHAR, casualty_note VARCHAR,
                encoding VARCHAR, unmapped_regions VARCHAR, out_of_scope_counts VARCHAR, notes VARCHAR)""")
        columns = ", ".join(f'"{name}" {sql}' for name, sql in _sql_columns())
        con.execute(f"CREATE TABLE IF NOT EXISTS events (dataset_id INTEGER NOT NULL, {columns})")
        con.execute("""
            CREATE TABLE IF NOT EXISTS row_issues (
                dataset_id INTEGER NOT NULL, status VARCHAR NOT NULL, "row" BIGINT, source_record_id VARCHAR,
                kind VARCHAR, reason VARCHAR)""")

    # ------------------------------------------------------------ writing
    def _add(self, preview, name: str, issues: pd.DataFrame, enabled: bool, allow_same_file: bool,
             step: Progress, actor: str | None) -> int:
        with self._write(not_stored) as con:
            step("begin")
            if not allow_same_file:  # under the lock: no other write of this file can slip in between
                same = con.execute("SELECT dataset_id, name, imported_at FROM datasets WHERE checksum = ? "
                                   "ORDER BY dataset_id LIMIT 1", [preview.checksum]).fetchone()
                if same is not None:
                    raise duplicate_error(*same)
            dataset_id = int(con.execute("SELECT nextval('dataset_ids')").fetchone()[0])
            record = {"dataset_id": dataset_id, **dataset_record(name, preview, enabled, utc_now())}
            con.execute(f"INSERT INTO datasets ({', '.join(DATASET_COLUMNS)}) "
                        f"VALUES ({', '.join('?' for _ in DATASET_COLUMNS)})",
                        [record[c] for c in DATASET_COLUMNS])
            _log(con, import_change(dataset_id, name, preview, actor, record["imported_at"]))
            step("dataset")
            self._insert_events(con, dataset_id, preview.accepted, step)
            step("events")
            if len(issues):
                con.register("_incoming_issues", issues)
                con.execute(f'INSERT INTO row_issues SELECT {dataset_id}, status, "row", source_record_id, kind, '
                            "reason FROM _incoming_issues")
                con.unregister("_incoming_issues")
            step("issues")
        return dataset_id

    @staticmethod
    def _insert_events(con: duckdb.DuckDBPyConnection, dataset_id: int, accepted: pd.DataFrame,
                       step: Progress) -> None:
        """The accepted rows as the dataset's events, ids prefixed ``imp<dataset_id>-``, INSERT_ROWS at a time."""
        cols = [name for name, _ in _sql_columns()]
        select = ", ".join((f"'imp{dataset_id}-' || \"event_id\"" if c == "event_id" else f'"{c}"') for c in cols)
        insert = (f"INSERT INTO events (dataset_id, {', '.join(chr(34) + c + chr(34) for c in cols)}) "
                  f"SELECT {dataset_id}, {select} FROM _incoming_events")
        for start in range(0, len(accepted), INSERT_ROWS):  # slices bound the conversion's memory
            con.register("_incoming_events", accepted.iloc[start:start + INSERT_ROWS])
            con.execute(insert)
            con.unregister("_incoming_events")
            step("rows")

    def _update(self, dataset_id: int, column: str, value: object, actor: str | None) -> None:
        with self._write(self._failed) as con:
            row = con.execute("SELECT name, enabled FROM datasets WHERE dataset_id = ?", [dataset_id]).fetchone()
            if row is None:
                raise DatasetGone(dataset_id)
            change = update_change(dataset_id, *row, column, value, actor)
            if change is not None:  # a switch to what it is already writes nothing, so logs nothing
                con.execute(f"UPDATE datasets SET {column} = ? WHERE dataset_id = ?", [value, dataset_id])
                _log(con, change)

    def _delete(self, dataset_id: int, step: Progress, actor: str | None) -> None:
        with self._write(self._failed) as con:
            # Under the lock: a second delete finds it gone, no conflict.
            row = con.execute("SELECT name, filename, rows_accepted FROM datasets WHERE dataset_id = ?",
                              [dataset_id]).fetchone()
            if row is None:
                raise DatasetGone(dataset_id)
            for table in ("events", "row_issues", "datasets"):
                con.execute(f"DELETE FROM {table} WHERE dataset_id = ?", [dataset_id])
            _log(con, delete_change(dataset_id, *row, actor))
            step("deleted")
        with self._lock, self._connect() as con:
            with suppress(duckdb.Error):  # reclaims the space; a reader's open transaction may refuse it
                con.execute("CHECKPOINT")

    @contextmanager
    def _write(self, failure: Callable[[duckdb.Error], StoreError]) -> Iterator[duckdb.DuckDBPyConnection]:
        """One write transaction under the store's lock: committed if the block ends normally, else rolled back; a
        database error is raised as ``failure(exc)``, anything else (a refusal, an interruption) as it is."""
        with self._lock, self._connect() as con:
            con.begin()
            try:
                yield con
                con.commit()
            except duckdb.Error as exc:
                _rollback(con)
                raise failure(exc) from exc
            except BaseException:
                _rollback(con)
                raise

    def _failed(self, exc: duckdb.Error) -> StoreError:
        """A change the database refused (rolled back), said as the PostgreSQL store says it."""
        return StoreError(Msg("the import store {path} could not be read or written: {reason}", path=str(self.path),
                              reason=str(exc).strip()))

    # ------------------------------------------------------------ reading
    def _signature(self) -> tuple:
        """The database files' inode, size and modification time: a ``stat`` costs microseconds, opening DuckDB
        about 10 ms."""
        files = []
        for path in (self.path, self.path.with_name(self.path.name + ".wal")):
            try:
                st = path.stat()
                files.append((st.st_ino, st.st_size, st.st_mtime_ns))
            except OSError:
                files.append(None)
        return tuple(files)

    def _fetch_datasets(self) -> pd.DataFrame:
        with self._connect() as con:
            return con.execute(f"SELECT {', '.join(DATASET_COLUMNS)} FROM datasets ORDER BY dataset_id").df()

    def _fetch_changes(self, limit: int) -> pd.DataFrame:
        columns = ", ".join(_quoted(("change_id", *CHANGE_STORED_COLUMNS)))
        with self._connect() as con:
            return con.execute(f"SELECT {columns} FROM changes ORDER BY change_id DESC LIMIT ?", [limit]).df()

    def _fetch_row_issues(self, dataset_id: int, status: str | None) -> pd.DataFrame | None:
        sql = 'SELECT status, "row", source_record_id, kind, reason FROM row_issues WHERE dataset_id = ?'
        params: list[object] = [dataset_id]
        if status:
            sql += " AND status = ?"
            params.append(status)
        with self._connect() as con:
            con.begin()  # one snapshot: the dataset and its rows
            try:
                if con.execute("SELECT 1 FROM datasets WHERE dataset_id = ?", [dataset_id]).fetchone() is None:
                    return None
                return con.execute(sql + ' ORDER BY "row"', params).df()
            finally:
                _rollback(con)

    def _event_tables(self, enabled_only: bool, wanted: set[int] | None, categorical: Collection[str]):
        import pyarrow as pa

        sql = "SELECT dataset_id, name FROM datasets" + (" WHERE enabled" if enabled_only else "")
        cols = ", ".join(f'"{c}"' for c, _ in _sql_columns())
        with self._connect() as con:
            con.begin()  # one snapshot: a dataset deleted meanwhile is either all there or not at all
            try:
                names = dict(con.execute(sql + " ORDER BY dataset_id").fetchall())
                if categorical:  # one thread, small batches: fewer full-text batches in flight before they are encoded
                    con.execute("SET threads = 1")
                for dataset_id in [i for i in names if wanted is None or i in wanted]:
                    reader = con.sql(f"SELECT {cols} FROM events WHERE dataset_id = {int(dataset_id)}"
                                     ).to_arrow_reader(COMPACT_BATCH_ROWS if categorical else EVENTS_BATCH_ROWS)
                    batches = list(reader) if not categorical else [_encode(b, categorical) for b in reader]
                    table = pa.Table.from_batches(batches, schema=batches[0].schema if batches else reader.schema)
                    del batches
                    yield int(dataset_id), names[dataset_id], table
                    del table
            finally:
                _rollback(con)


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
