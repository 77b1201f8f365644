"""Fixtures for the store tests (tests/test_store.py, tests/test_store_concurrency.py): each test that takes
``store`` runs once on the DuckDB store (a fresh folder) and once on the PostgreSQL store (a fresh database in one
throwaway cluster per test session, copied from a template that already holds the store's schema).

The cluster comes from ``scripts/pg_local.py`` on a free loopback port, so the two workers of ``pytest -n 2`` each
start their own without clashing. Without PostgreSQL's server programs the PostgreSQL half fails, saying what to
install. Test modules load these with ``pytest_plugins = ("tests.store_fixtures",)``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import itertools
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from components.imports.store import BaseStore, open_store
from scripts import pg_local

STORES = ("duckdb", "postgres")
TEMPLATE = "kz_store_template"
_databases = itertools.count(1)


@contextlib.contextmanager
def own_cluster() -> Iterator[pg_local.Cluster]:
    """A throwaway PostgreSQL cluster of the caller's own (a test that stops its server must not stop the
    session's), removed afterwards; without PostgreSQL's programs the test fails saying what to install."""
    try:
        cluster = pg_local.start()
    except pg_local.PgNotInstalled as exc:
        pytest.fail(f"{exc}. The PostgreSQL store's tests need it: apt-get install postgresql", pytrace=False)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[pg_local.Cluster]:
    """One throwaway PostgreSQL cluster for the session (per xdist worker), with the store's schema in a template
    database."""
    with own_cluster() as cluster:
        open_store(cluster.create_database(TEMPLATE)).close()  # the schema, made once and copied per test
        yield cluster


@pytest.fixture
def pg_url(pg_cluster: pg_local.Cluster) -> Iterator[str]:
    """A fresh database with the store's (empty) schema: its URL. Left in place afterwards (the cluster goes at the
    end of the session: quicker than dropping each), with whatever connections a test left open ended."""
    name = f"kz_test_{next(_databases)}"
    url = pg_cluster.create_database(name, template=TEMPLATE)
    yield url
    pg_cluster.end_sessions(name)


@pytest.fixture(params=STORES)
def store_kind(request) -> str:
    return request.param


@pytest.fixture
def store_location(request, store_kind: str, tmp_path: Path) -> str:
    """Where the test's empty store is: a folder (DuckDB) or a database URL (PostgreSQL)."""
    if store_kind == "duckdb":
        return str(tmp_path / "var")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(store_location: str) -> Iterator[BaseStore]:
    s = open_store(store_location)
    yield s
    s.close()


def table_counts(store: BaseStore) -> dict[str, int]:
    """Rows in each of the store's tables, read past the store's own API: what a half-written import (or its row of
    the change log) would leave."""
    with store._connect() as con:
        return {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("datasets", "events", "row_issues", "changes")}


def wait_until_blocked(store: BaseStore, timeout: float = 10.0) -> bool:
    """Wait until another session of the store is held up by a lock, and say whether one was.

    PostgreSQL shows its waiting sessions (``pg_stat_activity``), so a race is staged exactly: the second writer
    is known to be waiting on the first. DuckDB's writers wait on a lock in Python that nothing lists: the second
    is given half a second to reach it, and the answer is False (not seen)."""
    if not hasattr(store, "url"):
        time.sleep(0.5)
        return False
    import psycopg

    deadline = time.monotonic() + timeout
    with psycopg.connect(store.url, autocommit=True) as con:
        while time.monotonic() < deadline:
            waiting = con.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                  "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()").fetchone()[0]
            if waiting:
                return True
            time.sleep(0.02)
    return False


def big_preview(small, rows: int):
    """``small`` (a preview with one accepted row) grown to ``rows`` accepted rows, each its own event and file row,
    as another file (its own checksum). Built by repeating the row, not by parsing a file: a second, not ten."""
    import numpy as np
    import pandas as pd

    one = small.accepted.iloc[[0]]
    accepted = one.loc[one.index.repeat(rows)].reset_index(drop=True)
    numbers = pd.Series(np.arange(rows) + 2)
    accepted["event_id"] = ("gtd-big-" + numbers.astype(str)).astype(accepted["event_id"].dtype)
    accepted["source_record_id"] = ("big" + numbers.astype(str)).astype(accepted["source_record_id"].dtype)
    accepted["source_row"] = numbers.astype("Int64")
    checksum = hashlib.sha256(f"{small.checksum}:{rows}".encode()).hexdigest()
    return dataclasses.replace(small, accepted=accepted, checksum=checksum, filename="big-synthetic.csv",
                               rows_read=rows, rejected=small.rejected.iloc[:0], out_of_scope=small.out_of_scope.iloc[:0],
                               duplicates=small.duplicates.iloc[:0], missing_coordinates=small.missing_coordinates.iloc[:0])


def child_add(location: str, small_file: str, rows: int, pause_stage: str, pause_count: int, conn) -> None:
    """In a child process: store ``big_preview`` of the pickled preview, telling the parent each stage, and stop
    for good at the ``pause_count``-th ``pause_stage`` (inside the transaction), to be killed there."""
    import pickle

    preview = big_preview(pickle.loads(Path(small_file).read_bytes()), rows)
    store = open_store(location)
    seen: dict[str, int] = {}

    def progress(stage: str) -> None:
        seen[stage] = seen.get(stage, 0) + 1
        if stage == pause_stage and seen[stage] == pause_count:
            conn.send(("paused", stage, seen[stage]))
            time.sleep(600)

    conn.send(("opened", None, 0))
    store.add(preview, "big", progress=progress)
    conn.send(("finished", None, 0))


def child_add_small(location: str, small_file: str, name: str, conn) -> None:
    """In a child process: wait for the parent's word, then store the pickled preview; send back its id or the
    error."""
    import pickle

    preview = pickle.loads(Path(small_file).read_bytes())
    store = open_store(location)
    conn.send(("ready", None))
    conn.recv()
    try:
        conn.send(("stored", store.add(preview, name)))
    except Exception as exc:  # sent back whole: the parent asserts on its type
        conn.send(("error", exc))
