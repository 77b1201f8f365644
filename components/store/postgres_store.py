"""The shared store: imported datasets in a PostgreSQL database (psycopg 3), for several server processes or
machines at once. Its tables live in their own schema (``kz_imports`` by default), created on first use.

What the database guarantees here, rather than the code:

- ids come from an identity column, so two imports at once never take the same one;
- every write is one transaction; a process killed mid-import (the server sees its connection drop) leaves
  nothing of it behind;
- the same file is refused by a unique index on the checksum (partial: a copy stored on purpose with
  ``allow_same_file`` is not counted), so two imports of one file at once give one dataset and one
  :class:`DuplicateDatasetError`, never a second copy or a bare database error;
- a delete locks the dataset's row first: a second delete at the same moment waits for it, then finds nothing and
  raises :class:`DatasetGone`; a switch or rename locks it while it reads it, so of two equal switches at once the
  second finds nothing to change (and logs nothing);
- each change's row of the change log (``changes``, ids from an identity column) is written in the change's own
  transaction.

Events go in and out with COPY in CSV, written and parsed by Arrow, and the frame read back is the DuckDB store's,
dtype for dtype. A hundred thousand rows take about 1.4 s to store and 1.1 s to read back (DuckDB: 0.8 s and 0.35 s;
the server's formatting of the rows is most of the difference).
"""

from __future__ import annotations

import io
import os
import re
import threading
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager, suppress

import numpy as np
import pandas as pd
import psycopg
from psycopg import errors, sql
from psycopg.pq import TransactionStatus

from components.i18n import Msg
from components.store.base import (
    CHANGE_STORED_COLUMNS,
    DATASET_COLUMNS,
    ISSUE_COLUMNS,
    BaseStore,
    DatasetGone,
    Progress,
    StoreError,
    StoreUnavailable,
    dataset_record,
    delete_change,
    duplicate_error,
    event_sql_columns,
    import_change,
    not_stored,
    update_change,
    utc_now,
)

SCHEMA_VERSION = 2  # 2: the change log
DEFAULT_SCHEMA = "kz_imports"
COPY_ROWS = 20_000  # rows converted to CSV and sent per COPY write (progress 'rows' after each)
READ_BLOCK = 4 << 20  # bytes of CSV parsed per Arrow batch when events are read
POOL_SIZE = 4  # idle connections kept per handle (a Streamlit server runs each session's script in its own thread)
ONE_PER_FILE = "datasets_one_per_file"  # the unique index that refuses the same file twice
_MIGRATION_LOCK = 0x6B7A696D70  # advisory lock key: one process creates or upgrades the schema at a time
_PG_TYPES = {"integer": "BIGINT", "number": "DOUBLE PRECISION", "date": "DATE", "text": "TEXT"}
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_ORPHANS: list = []  # a forked child's copies of the parent's connections: never closed (that would end the parent's)


def redact(url: str) -> str:
    """The URL without its password, for messages and keys."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://?"
    user = f"{info['user']}@" if info.get("user") else ""
    port = f":{info['port']}" if info.get("port") else ""
    return f"postgresql://{user}{info.get('host', '')}{port}/{info.get('dbname', '')}"


def _arrow_types(categorical: Collection[str]) -> dict:
    import pyarrow as pa

    types = {"integer": pa.int64(), "number": pa.float64(), "date": pa.date32(), "text": pa.string()}
    return {name: (pa.dictionary(pa.int32(), pa.string()) if kind == "text" and name in categorical else types[kind])
            for name, kind in event_sql_columns()}


class PostgresStore(BaseStore):
    """Imported datasets in the PostgreSQL database at ``url`` (``postgresql://user:password@host:port/db``),
    in ``schema``. Connections are kept open between calls (a few per handle) and checked when they have been idle.
    """

    def __init__(self, url: str, *, schema: str = DEFAULT_SCHEMA, pool_size: int = POOL_SIZE,
                 connect_timeout: int = 10) -> None:
        super().__init__()
        if not _SCHEMA_NAME.fullmatch(schema):
            raise ValueError(f"not a plain schema name: {schema!r}")
        self.url = url
        self.schema = schema
        self.path = redact(url) + ("" if schema == DEFAULT_SCHEMA else f"#{schema}")
        self.pool_size = pool_size
        self.connect_timeout = connect_timeout
        self._pool: list[tuple[psycopg.Connection, float]] = []
        self._pool_lock = threading.Lock()
        self._pid = os.getpid()
        self._migrate()

    # ------------------------------------------------------------ connections
    def _open(self) -> psycopg.Connection:
        con = None
        try:
            con = psycopg.connect(self.url, autocommit=True, connect_timeout=self.connect_timeout,
                                  application_name="kz-dashboard store")
            # Our schema first; ISO dates, which COPY's CSV is written in whatever the server's default; no JIT,
            # which only slows the store's plain scans down.
            con.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema)))
            con.execute("SET datestyle TO ISO, YMD")
            con.execute("SET jit TO off")
        except psycopg.Error as exc:
            if con is not None:
                with suppress(psycopg.Error):
                    con.close()
            error = StoreUnavailable if isinstance(exc, psycopg.OperationalError) else StoreError
            raise error(Msg("cannot open the import store {path}: {reason}", path=self.path,
                            reason=str(exc).strip())) from exc
        return con

    def _checkout(self) -> psycopg.Connection:
        """A kept connection (checked first: the server may have ended it while it was kept), or a new
        one."""
        while True:
            with self._pool_lock:
                if self._pid != os.getpid():  # forked: the kept connections are the parent's
                    _ORPHANS.extend(c for c, _ in self._pool)
                    self._pool, self._pid = [], os.getpid()
                if not self._pool:
                    break
                con, _ = self._pool.pop()
            if con.closed or con.broken:
                continue
            # Checked before every use (a round trip of a tenth of a millisecond on loopback): a restart of the
            # server, or an administrator, may have ended it while it was kept, and the query it is wanted for must
            # not be the one that finds out.
            try:
                con.execute("SELECT 1")
            except psycopg.Error:
                with suppress(psycopg.Error):
                    con.close()
                continue
            return con
        return self._open()

    def _checkin(self, con: psycopg.Connection) -> None:
        if con.closed:
            return
        if os.getpid() != self._pid:
            _ORPHANS.append(con)
            return
        if not con.broken and con.info.transaction_status == TransactionStatus.IDLE:
            with self._pool_lock:
                if len(self._pool) < self.pool_size:
                    self._pool.append((con, time.monotonic()))
                    return
        with suppress(psycopg.Error):
            con.close()

    @contextmanager
    def _connect(self) -> Iterator[psycopg.Connection]:
        con = self._checkout()
        try:
            yield con
        except psycopg.Error as exc:
            error = StoreUnavailable if isinstance(exc, psycopg.OperationalError) else StoreError
            raise error(Msg("the import store {path} could not be read or written: {reason}", path=self.path,
                            reason=str(exc).strip())) from exc
        finally:
            self._checkin(con)

    def close(self) -> None:
        with self._pool_lock:
            pool, self._pool = self._pool, []
        for con, _ in pool:
            with suppress(psycopg.Error):
                con.close()

    # ------------------------------------------------------------ schema
    def _migrate(self) -> None:
        with self._connect() as con:
            if self._version(con) == SCHEMA_VERSION and not self._missing_columns(con):
                return  # the usual case: nothing to create, no lock taken
            with con.transaction():
                con.execute("SELECT pg_advisory_xact_lock(%s)", [_MIGRATION_LOCK])
                version = self._version(con)  # again, under the lock: another process may have just made it
                if version is not None and version > SCHEMA_VERSION:
                    raise StoreError(Msg("the import store {path} was written by a newer version of the dashboard "
                                         "(schema {found}, this version reads {version})", path=self.path,
                                         found=version, version=SCHEMA_VERSION))
                if version is None:
                    self._create(con)
                if version is None or version < 2:
                    # The change log starts empty: who imported what before it existed is not known.
                    con.execute(sql.SQL("""CREATE TABLE {}.changes (
                        change_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "at" TIMESTAMP NOT NULL,
                        actor TEXT, action TEXT NOT NULL, dataset_id BIGINT NOT NULL, dataset_name TEXT NOT NULL,
                        detail TEXT, detail_msg TEXT)""").format(sql.Identifier(self.schema)))
                for name in self._missing_columns(con):
                    # A store written before the events table gained columns gets them, blank.
                    kind = dict(event_sql_columns())[name]
                    con.execute(sql.SQL("ALTER TABLE events ADD COLUMN {} {}").format(
                        sql.Identifier(name), sql.SQL(_PG_TYPES[kind])))
                con.execute("INSERT INTO store_meta VALUES ('schema_version', %s) ON CONFLICT (key) DO UPDATE "
                            "SET value = EXCLUDED.value", [str(SCHEMA_VERSION)])

    def _version(self, con: psycopg.Connection) -> int | None:
        if con.execute("SELECT to_regclass(%s)", [f"{self.schema}.store_meta"]).fetchone()[0] is None:
            return None
        row = con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else None

    def _missing_columns(self, con: psycopg.Connection) -> list[str]:
        have = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = %s "
                                          "AND table_name = 'events'", [self.schema]).fetchall()}
        return [name for name, _ in event_sql_columns() if have and name not in have]

    def _create(self, con: psycopg.Connection) -> None:
        """The tables of the first schema version (the migration adds what came after)."""
        schema = sql.Identifier(self.schema)
        if con.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [self.schema]).fetchone() is None:
            con.execute(sql.SQL("CREATE SCHEMA {}").format(schema))  # needs CREATE on the database only now
        statements = [
            "CREATE TABLE IF NOT EXISTS {s}.store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """CREATE TABLE {s}.datasets (
                dataset_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name TEXT NOT NULL,
                filename TEXT NOT NULL, checksum TEXT NOT NULL, format TEXT NOT NULL,
                imported_at TIMESTAMP NOT NULL, size_bytes BIGINT, rows_read BIGINT, rows_accepted BIGINT,
                rows_rejected BIGINT, rows_out_of_scope BIGINT, rows_duplicates BIGINT,
                rows_missing_coordinates BIGINT, enabled BOOLEAN NOT NULL, citation TEXT, licence TEXT,
                casualty_note TEXT, encoding TEXT, unmapped_regions TEXT, out_of_scope_counts TEXT, notes TEXT,
                same_file_on_purpose BOOLEAN NOT NULL DEFAULT FALSE)""",
            f"CREATE UNIQUE INDEX {ONE_PER_FILE} ON {{s}}.datasets (checksum) WHERE NOT same_file_on_purpose",
            # No foreign key to datasets: its check would run once per row of a million-row COPY. Every write is
            # one transaction, so no event outlives its dataset's record.
            "CREATE TABLE {s}.events (dataset_id BIGINT NOT NULL, position BIGINT NOT NULL, " + ", ".join(
                f'"{name}" {_PG_TYPES[kind]}' for name, kind in event_sql_columns())
            + ", PRIMARY KEY (dataset_id, position))",
            """CREATE TABLE {s}.row_issues (dataset_id BIGINT NOT NULL, status TEXT NOT NULL, "row" BIGINT,
                source_record_id TEXT, kind TEXT, reason TEXT)""",
            'CREATE INDEX row_issues_by_dataset ON {s}.row_issues (dataset_id, "row")',
        ]
        for statement in statements:
            con.execute(sql.SQL(statement).format(s=schema))

    # ------------------------------------------------------------ writing
    def _add(self, preview, name: str, issues: pd.DataFrame, enabled: bool, allow_same_file: bool,
             step: Progress, actor: str | None) -> int:
        for _ in range(3):
            try:
                return self._add_once(preview, name, issues, enabled, allow_same_file, step, actor)
            except _TwinGone:
                continue  # the stored copy that refused this one was deleted meanwhile: try again
        raise not_stored("the same file was stored and deleted again while this one was written")

    def _add_once(self, preview, name: str, issues: pd.DataFrame, enabled: bool, allow_same_file: bool,
                  step: Progress, actor: str | None) -> int:
        record = dataset_record(name, preview, enabled, utc_now())
        record["same_file_on_purpose"] = bool(allow_same_file)
        columns = [*DATASET_COLUMNS[1:], "same_file_on_purpose"]
        insert = sql.SQL("INSERT INTO datasets ({}) VALUES ({}) RETURNING dataset_id").format(
            sql.SQL(", ").join(map(sql.Identifier, columns)), sql.SQL(", ").join(map(sql.Placeholder, columns)))
        con = self._checkout()
        try:
            with con.transaction():
                step("begin")
                if not allow_same_file and (same := self._same_file(con, preview.checksum)):
                    raise duplicate_error(*same)
                dataset_id = int(con.execute(insert, record).fetchone()[0])
                _log(con, import_change(dataset_id, name, preview, actor, record["imported_at"]))
                step("dataset")
                self._copy_in(con, "events", ["dataset_id", "position", *(c for c, _ in event_sql_columns())],
                              _event_csv(dataset_id, preview.accepted), step)
                step("events")
                if len(issues):
                    self._copy_in(con, "row_issues", ["dataset_id", *ISSUE_COLUMNS],
                                  _issue_csv(dataset_id, issues), lambda stage: None)
                step("issues")
        except errors.UniqueViolation as exc:
            if exc.diag.constraint_name != ONE_PER_FILE:
                raise not_stored(exc) from exc
            # Another import of this file committed while ours was running: now it is visible, name it.
            try:
                same = self._same_file(con, preview.checksum)
            except psycopg.Error as again:
                raise not_stored(again) from exc
            if same is None:
                raise _TwinGone from exc
            raise duplicate_error(*same) from exc
        except psycopg.OperationalError as exc:  # the server went away mid-write: rolled back with the connection
            raise StoreUnavailable(not_stored(exc).message) from exc
        except psycopg.Error as exc:
            raise not_stored(exc) from exc
        finally:
            self._checkin(con)
        return dataset_id

    @staticmethod
    def _same_file(con: psycopg.Connection, checksum: str) -> tuple | None:
        return con.execute("SELECT dataset_id, name, imported_at FROM datasets WHERE checksum = %s "
                           "ORDER BY dataset_id LIMIT 1", [checksum]).fetchone()

    @staticmethod
    def _copy_in(con: psycopg.Connection, table: str, columns: list[str], chunks: Iterator[bytes],
                 step: Progress) -> None:
        statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns)))
        with con.cursor() as cur, cur.copy(statement) as copy:
            for chunk in chunks:
                copy.write(chunk)
                step("rows")  # the COPY is open on the server: a kill here must leave nothing behind

    def _update(self, dataset_id: int, column: str, value: object, actor: str | None) -> None:
        with self._connect() as con, con.transaction():
            # The row locked as it is read: a delete of it at the same moment is waited for, then found gone; an
            # equal switch at the same moment is waited for, then found to change nothing.
            row = con.execute("SELECT name, enabled FROM datasets WHERE dataset_id = %s FOR UPDATE",
                              [dataset_id]).fetchone()
            if row is None:
                raise DatasetGone(dataset_id)
            change = update_change(dataset_id, *row, column, value, actor)
            if change is None:
                return
            con.execute(sql.SQL("UPDATE datasets SET {} = %s WHERE dataset_id = %s").format(sql.Identifier(column)),
                        [value, dataset_id])
            _log(con, change)

    def _delete(self, dataset_id: int, step: Progress, actor: str | None) -> None:
        with self._connect() as con, con.transaction():
            # The record first: its row lock makes a second delete wait, then find it gone.
            row = con.execute("DELETE FROM datasets WHERE dataset_id = %s RETURNING name, filename, rows_accepted",
                              [dataset_id]).fetchone()
            if row is None:
                raise DatasetGone(dataset_id)
            con.execute("DELETE FROM events WHERE dataset_id = %s", [dataset_id])
            con.execute("DELETE FROM row_issues WHERE dataset_id = %s", [dataset_id])
            _log(con, delete_change(dataset_id, *row, actor))
            step("deleted")

    # ------------------------------------------------------------ reading
    def _signature(self) -> tuple:
        """Every dataset's id and row version (``xmin`` changes with each insert, update or delete): one small
        query instead of the whole listing."""
        with self._connect() as con:
            return con.execute("SELECT count(*), md5(coalesce(string_agg(dataset_id::text || ':' || xmin::text, ',' "
                               "ORDER BY dataset_id), '')) FROM datasets").fetchone()

    def _fetch_datasets(self) -> pd.DataFrame:
        with self._connect() as con:
            rows = con.execute(sql.SQL("SELECT {} FROM datasets ORDER BY dataset_id").format(
                sql.SQL(", ").join(map(sql.Identifier, DATASET_COLUMNS)))).fetchall()
        return pd.DataFrame.from_records(rows, columns=list(DATASET_COLUMNS))

    def _fetch_changes(self, limit: int) -> pd.DataFrame:
        columns = ["change_id", *CHANGE_STORED_COLUMNS]
        with self._connect() as con:
            rows = con.execute(sql.SQL("SELECT {} FROM changes ORDER BY change_id DESC LIMIT %s").format(
                sql.SQL(", ").join(map(sql.Identifier, columns))), [limit]).fetchall()
        return pd.DataFrame.from_records(rows, columns=columns)

    def _fetch_row_issues(self, dataset_id: int, status: str | None) -> pd.DataFrame | None:
        query = 'SELECT status, "row", source_record_id, kind, reason FROM row_issues WHERE dataset_id = %s'
        params: list[object] = [dataset_id]
        if status:
            query += " AND status = %s"
            params.append(status)
        with self._connect() as con, con.transaction():
            con.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")  # the dataset and its rows
            if con.execute("SELECT 1 FROM datasets WHERE dataset_id = %s", [dataset_id]).fetchone() is None:
                return None
            rows = con.execute(query + ' ORDER BY "row"', params).fetchall()
        return pd.DataFrame.from_records(rows, columns=list(ISSUE_COLUMNS))

    def _event_tables(self, enabled_only: bool, wanted: set[int] | None, categorical: Collection[str]):
        import pyarrow as pa
        import pyarrow.csv as pa_csv

        names = [name for name, _ in event_sql_columns()]
        types = _arrow_types(categorical)
        listing = "SELECT dataset_id, name FROM datasets" + (" WHERE enabled" if enabled_only else "")
        select = sql.SQL(", ").join(map(sql.Identifier, names))
        with self._connect() as con, con.transaction():
            # One snapshot for the listing and every dataset's rows: a dataset deleted meanwhile is either all
            # there or not at all.
            con.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            datasets = [(int(i), n) for i, n in con.execute(listing + " ORDER BY dataset_id").fetchall()
                        if wanted is None or int(i) in wanted]
            for dataset_id, name in datasets:
                # No ORDER BY: sorting a million rows on the server costs more than it does here, and the rows
                # are put in file order here anyway (by source_row, as for DuckDB).
                query = sql.SQL("COPY (SELECT {} FROM events WHERE dataset_id = {}) TO STDOUT (FORMAT csv)").format(
                    select, sql.Literal(dataset_id))
                with con.cursor() as cur, cur.copy(query) as copy:
                    stream = _CopyStream(copy)
                    if stream.empty():
                        table = pa.table({n: pa.array([], type=types[n]) for n in names})
                    else:
                        reader = pa_csv.open_csv(
                            io.BufferedReader(stream, buffer_size=1 << 20),
                            read_options=pa_csv.ReadOptions(column_names=names, block_size=READ_BLOCK,
                                                            use_threads=False),
                            # Quoted values may hold newlines; an unquoted empty field is NULL, "" an empty text.
                            parse_options=pa_csv.ParseOptions(newlines_in_values=True),
                            convert_options=pa_csv.ConvertOptions(column_types=types, null_values=[""],
                                                                  strings_can_be_null=True,
                                                                  quoted_strings_can_be_null=False))
                        batches = list(reader)
                        table = pa.Table.from_batches(batches, schema=reader.schema)
                        del batches, reader
                yield dataset_id, name, table
                del table


def _log(con: psycopg.Connection, change: dict) -> None:
    """Write a row of the change log, in the caller's transaction."""
    con.execute(sql.SQL("INSERT INTO changes ({}) VALUES ({})").format(
        sql.SQL(", ").join(map(sql.Identifier, CHANGE_STORED_COLUMNS)),
        sql.SQL(", ").join(map(sql.Placeholder, CHANGE_STORED_COLUMNS))), change)


class _TwinGone(Exception):
    """The stored copy of a file refused by the unique index was deleted before it could be named."""


class _CopyStream(io.RawIOBase):
    """The output of ``COPY ... TO STDOUT`` as a readable file, for Arrow's streaming CSV reader."""

    def __init__(self, copy) -> None:
        self._copy = copy
        self._left = memoryview(b"")
        self._done = False

    def readable(self) -> bool:
        return True

    def _fill(self) -> bool:
        while not self._left and not self._done:
            data = self._copy.read()
            if not data:
                self._done = True
            else:
                self._left = memoryview(data)
        return bool(self._left)

    def empty(self) -> bool:
        return not self._fill()

    def readinto(self, buffer) -> int:
        if not self._fill():
            return 0
        n = min(len(buffer), len(self._left))
        buffer[:n] = self._left[:n]
        self._left = self._left[n:]
        return n


def _event_csv(dataset_id: int, accepted: pd.DataFrame) -> Iterator[bytes]:
    """The accepted rows as CSV for COPY, COPY_ROWS at a time: the dataset id, the row's position in the file, then
    every event column, ids prefixed ``imp<dataset_id>-``. Text is always quoted, so an unquoted empty field is
    NULL and ``""`` an empty text, as COPY reads them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kinds = event_sql_columns()
    prefix = pa.scalar(f"imp{dataset_id}-")
    for start in range(0, len(accepted), COPY_ROWS):
        part = accepted.iloc[start:start + COPY_ROWS]
        n = len(part)
        arrays = [pa.array(np.full(n, dataset_id, dtype=np.int64)), pa.array(np.arange(start, start + n))]
        for name, kind in kinds:
            arr = _arrow_column(part[name], kind)
            if name == "event_id":
                arr = pc.binary_join_element_wise(prefix, arr, "")
            arrays.append(arr)
        yield _csv(pa.Table.from_arrays(arrays, names=["dataset_id", "position", *(c for c, _ in kinds)]))


def _issue_csv(dataset_id: int, issues: pd.DataFrame) -> Iterator[bytes]:
    import pyarrow as pa

    for start in range(0, len(issues), COPY_ROWS * 5):
        part = issues.iloc[start:start + COPY_ROWS * 5]
        arrays = [pa.array(np.full(len(part), dataset_id, dtype=np.int64))]
        arrays += [_arrow_column(part[c], "integer" if c == "row" else "text") for c in ISSUE_COLUMNS]
        yield _csv(pa.Table.from_arrays(arrays, names=["dataset_id", *ISSUE_COLUMNS]))


def _arrow_column(series: pd.Series, kind: str):
    """A column as the Arrow type its CSV is written from: text (categoricals decoded), int64, float64 (NaN is
    NULL, as DuckDB stores it), date32."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if kind == "integer":
        return pa.array(series, type=pa.int64(), from_pandas=True)
    if kind == "number":
        return pa.array(series.astype("float64"), type=pa.float64(), from_pandas=True)
    arr = pa.array(series, from_pandas=True)
    if kind == "date":
        return pc.cast(arr, pa.date32(), safe=False)
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    return arr if arr.type == pa.string() else pc.cast(arr, pa.string())


def _csv(table) -> bytes:
    import pyarrow.csv as pa_csv

    buf = io.BytesIO()
    pa_csv.write_csv(table, buf, pa_csv.WriteOptions(include_header=False, quoting_style="needed"))
    return buf.getvalue()
