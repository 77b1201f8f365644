"""The store of imported datasets, as the app uses it: ``Store`` is the embedded DuckDB store under the data
directory (``var/`` by default, or ``$KZ_VAR_DIR``); ``open_store(url_or_dir)`` gives the shared PostgreSQL store
for a ``postgresql://`` URL and the DuckDB store otherwise. Both keep one interface (``components.store.base``):

Each import is one transaction: the dataset's record, its events and the list of rows left out are written together
or not at all, so a process that dies mid-import leaves the store as it was. Every stored event keeps the dataset it
came from; datasets can be listed, switched on and off, and deleted. A dataset deleted meanwhile (by another
session) is left out of every listing and raises :class:`DatasetGone` when asked for by id. Every change is
recorded, with who made it (``actor=``), in the same transaction; ``changes()`` lists them, newest first.

No Streamlit here. Usage::

    store = Store()                                   # opens (or creates) var/imports.duckdb
    store = open_store("postgresql://u@host/db")      # ... or the shared PostgreSQL store
    dataset_id = store.add(preview, "GTD 2020 export")  # preview from preview.prepare_import
    store.events()                                    # enabled datasets' events, curated columns + provenance
    store.set_enabled(dataset_id, False, actor="a@example.org")  # logged: who, 'switch off', when
    store.changes()                                   # the change log, newest first
"""

from __future__ import annotations

import os
from pathlib import Path

from components.store.base import (
    ACTION_DELETE,
    ACTION_IMPORT,
    ACTION_RENAME,
    ACTION_SWITCH_OFF,
    ACTION_SWITCH_ON,
    ACTIONS,
    CHANGE_COLUMNS,
    COMPACT_COLUMNS,
    DATASET_COLUMNS,
    DEFAULT_VAR_DIR,
    STORE_COLUMNS,
    VAR_DIR_ENV,
    BaseStore,
    DatasetGone,
    DuplicateDatasetError,
    StoreError,
    StoreUnavailable,
    categorical_text,
    combine_events,
    default_var_dir,
    fingerprint,
    unify_categories,
)
from components.store.duckdb_store import (
    COMPACT_BATCH_ROWS,
    DB_FILE,
    EVENTS_BATCH_ROWS,
    INSERT_ROWS,
    SCHEMA_VERSION,
    DuckDBStore,
)

STORE_URL_ENV = "KZ_STORE_URL"  # a postgresql:// URL: the shared store instead of the DuckDB file under var/

Store = DuckDBStore  # the store the app opens by folder: Store(var_dir)

__all__ = ["ACTIONS", "ACTION_DELETE", "ACTION_IMPORT", "ACTION_RENAME", "ACTION_SWITCH_OFF", "ACTION_SWITCH_ON",
           "CHANGE_COLUMNS", "COMPACT_BATCH_ROWS", "COMPACT_COLUMNS", "DATASET_COLUMNS", "DB_FILE", "DEFAULT_VAR_DIR",
           "EVENTS_BATCH_ROWS", "INSERT_ROWS", "SCHEMA_VERSION", "STORE_COLUMNS", "STORE_URL_ENV", "VAR_DIR_ENV",
           "BaseStore", "DatasetGone", "DuckDBStore", "DuplicateDatasetError", "Store", "StoreError", "StoreUnavailable",
           "categorical_text", "combine_events", "default_var_dir", "fingerprint", "is_url", "open_store",
           "store_location", "unify_categories"]


def is_url(location: object) -> bool:
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def store_location() -> str:
    """Where the app's store is: ``$KZ_STORE_URL`` if set, else the data directory (``$KZ_VAR_DIR`` or var/)."""
    return os.environ.get(STORE_URL_ENV) or str(default_var_dir())


def shown_location(location: str) -> str:
    """Where the store is, fit to show: a folder as it is, a database URL without its password."""
    if is_url(location):
        from components.store.postgres_store import redact

        return redact(location)
    return location


def open_store(url_or_dir: str | Path | None = None, **options) -> BaseStore:
    """The store at ``url_or_dir``: a ``postgresql://`` URL opens the PostgreSQL store (``options``: ``schema``,
    ``pool_size``, ``connect_timeout``), anything else the DuckDB store in that folder (``memory_limit``,
    ``busy_timeout``); by default, at ``store_location()``."""
    location = store_location() if url_or_dir is None else url_or_dir
    if is_url(location):
        from components.store.postgres_store import PostgresStore  # psycopg is needed only for this store

        return PostgresStore(str(location), **options)
    return DuckDBStore(location, **options)
