"""All cached loaders of the app live here."""

from __future__ import annotations

import dataclasses
import os
import threading
import weakref
from collections.abc import Callable

import pandas as pd
import streamlit as st
from cachetools import LRUCache

from components.filters import RECORD_ONLY_COLUMNS, Filters
from components.imports import store as store_mod
from components.pack.load import DEFAULT_DATA_DIR, DataPack, load_datapack

# A different data pack can be served by pointing KZ_DATA_DIR at it (the tests use this for broken copies).
DATA_DIR_ENV = "KZ_DATA_DIR"


def data_dir() -> str:
    """The folder of the data pack this app serves."""
    return os.environ.get(DATA_DIR_ENV) or str(DEFAULT_DATA_DIR)


# A resource, not cache_data: cache_data would unpickle a fresh copy of every table and the boundaries on every
# rerun (18 ms). The pack is read-only by contract: pages filter into new frames and never assign into it;
# tests/test_pack_is_read_only.py runs every page and checks the pack is unchanged afterwards.
@st.cache_resource(show_spinner="Loading the data pack…")
def get_pack(path: str) -> DataPack:
    """The validated data pack at ``path`` (loaded once per path; edit the files and restart to reload)."""
    return load_datapack(path)


# The memo of view builders: a least-recently-used cache (cachetools), not st.cache_resource, whose hashing of the
# arguments cost about 0.4 ms a call, several calls a rerun. Keys are small tuples of strings; every key names the
# pack by its data_dir, which names the imported datasets switched on by their fingerprints, so nothing stale is
# served after an import, a switch or a deletion.
MEMO_ENTRIES = 512
_MISSING = object()
_MEMO: LRUCache = LRUCache(maxsize=MEMO_ENTRIES)
_MEMO_LOCK = threading.Lock()


def _filter_view(key: tuple, events: pd.DataFrame) -> pd.DataFrame:
    view = events.drop(columns=[c for c in RECORD_ONLY_COLUMNS if c in events])  # shares the data: no copy
    return Filters.from_key(key).apply(view)


# Filtered copies of the incidents, shared by the page, its view builders and every session with the same filter.
# Large tables keep one copy at a time: with a million imported rows a page used to make three copies of up to
# 250 MB each. Small ones (the curated pack, modest imports) keep many, so going back to a filter costs nothing.
LARGE_TABLE_ROWS = 50_000


@st.cache_resource(show_spinner=False, max_entries=1)
def _filtered_large(path: str, key: tuple, _events: pd.DataFrame) -> pd.DataFrame:
    return _filter_view(key, _events)


@st.cache_resource(show_spinner=False, max_entries=64)
def _filtered_small(path: str, key: tuple, _events: pd.DataFrame) -> pd.DataFrame:
    return _filter_view(key, _events)


def filtered_events(pack: DataPack, key: tuple) -> pd.DataFrame:
    """The incidents of ``pack`` in the filter ``key`` (``Filters.key()``), for the views: every column except
    RECORD_ONLY_COLUMNS; read-only, shared by every caller with the same filter."""
    events = pack.tables["events"]
    cached = _filtered_large if len(events) > LARGE_TABLE_ROWS else _filtered_small
    return cached(pack.data_dir, key, events)


def memo(builder: Callable, pack: DataPack, *args):
    """``builder(pack, *args)`` computed once per data pack and hashable arguments, shared by all sessions: use it
    for pure view builders (figures, decks, summaries) and treat what it returns as read-only."""
    key = (builder.__module__, builder.__qualname__, pack.data_dir, args)
    with _MEMO_LOCK:
        hit = _MEMO.get(key, _MISSING)  # get() counts as a use: the entry moves to the recent end
    if hit is not _MISSING:
        return hit
    value = builder(pack, *args)  # outside the lock: two sessions may build the same view once each, harmlessly
    with _MEMO_LOCK:
        _MEMO[key] = value
    return value


# ------------------------------------------------------------------ imported datasets (bring your own data)

def var_dir() -> str:
    """The folder of the imported-data store (KZ_VAR_DIR, default var/; ignored by git)."""
    return str(store_mod.default_var_dir())


@st.cache_resource(show_spinner=False)
def get_store(path: str) -> store_mod.Store:
    """The store of imported datasets at ``path`` (one handle per folder)."""
    return store_mod.Store(path)


def import_source_id(dataset_id: int) -> str:
    return f"import-{int(dataset_id)}"


# Two entries: switching a dataset off and on again is instant, and a million imported rows (about 300 MB held)
# are never kept more than twice.
@st.cache_resource(show_spinner="Adding the imported datasets…", max_entries=2)
def _with_imports(path: str, store_path: str, enabled: tuple[tuple[int, str], ...], _pack: DataPack,
                  _store: store_mod.Store) -> DataPack:
    return with_imports(_pack, _store, tuple(i for i, _ in enabled))


def with_imports(pack: DataPack, store: store_mod.Store, enabled: tuple[int, ...]) -> DataPack:
    """The pack with the enabled imported datasets' incidents added to ``events`` (linked duplicates of curated
    incidents are not counted twice) and each dataset cited as a source (id ``import-N``), so every view, export and
    briefing pack shows them with their provenance. The curated pack itself is not changed."""
    # Repeated text (notes, categories, places) is held as categoricals: a million imported rows then take about
    # 300 MB instead of 1 GB (store_mod.COMPACT_COLUMNS). The curated rows' columns follow in the combined table.
    imported = store.events(dataset_ids=list(enabled), categorical=store_mod.COMPACT_COLUMNS)
    ids = {int(i): import_source_id(i) for i in enabled}
    imported["source_ids"] = store_mod.categorical_text(imported["dataset_id"].map(ids))
    events = store_mod.combine_events(pack.tables["events"], imported, consume=True)  # imported: emptied
    del imported
    _trim()  # the store's batches were freed: hand the memory back before the views allocate theirs
    datasets = store.datasets()
    datasets = datasets[datasets["dataset_id"].isin(enabled)]
    cited = pd.DataFrame({
        "source_id": datasets["dataset_id"].map(import_source_id),
        "title": "Imported dataset: " + datasets["name"].astype(str),
        "author": None,
        "publisher": datasets["citation"],
        "date_published": None,
        "url": None,
        "date_accessed": datasets["imported_at"].astype(str).str[:10],
        "kind": "dataset",
        "core_document": False,
        "reliability": datasets["licence"].astype(str) + " " + datasets["casualty_note"].fillna("").astype(str),
    })
    sources = pd.concat([pack.tables["sources"], cited.astype({"core_document": "boolean"})], ignore_index=True)
    tables = {**pack.tables, "events": events, "sources": sources}
    # The data_dir keys every memoised view: it names each dataset by id and fingerprint (file and name).
    tag = ",".join(f"{int(r.dataset_id)}-{store_mod.fingerprint(r)}" for r in datasets.itertuples())
    # The store's path is part of the key: two stores (tests, KZ_VAR_DIR) both have a dataset 1.
    return dataclasses.replace(pack, tables=tables, data_dir=f"{pack.data_dir}#imports={store.path}:{tag}")


def _trim() -> None:
    """Return freed heap memory to the operating system (glibc only; elsewhere nothing happens)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def current_pack() -> DataPack:
    """What the views show: the curated data pack plus the imported datasets switched on."""
    pack = get_pack(data_dir())
    try:
        store = get_store(var_dir())
        enabled = tuple((i, fingerprint) for i, fingerprint, on in store.state() if on)
    except store_mod.StoreError as exc:  # the store cannot be opened: show the curated data, say why
        st.warning(f"The imported datasets could not be read ({exc}); only the curated data is shown.")
        return pack
    if not enabled:
        return pack
    return _with_imports(pack.data_dir, str(store.path), enabled, pack, store)


# Arrow forms of memoised tables, for st.dataframe: Streamlit converts a pandas frame to Arrow on every rerun (a few
# milliseconds a table, ten tables on the statistics page); a pyarrow Table it sends as it is. Keyed by the frame's
# identity and checked with a weak reference, so a frame that has been dropped is never mistaken for a new one.
_ARROW: dict[int, tuple[weakref.ref, object]] = {}
_ARROW_LOCK = threading.Lock()


def arrow_of(df: pd.DataFrame):
    """The Arrow table of a read-only (memoised) frame, converted once; the frame itself if Arrow refuses it."""
    import pyarrow as pa

    with _ARROW_LOCK:
        hit = _ARROW.get(id(df))
        if hit is not None and hit[0]() is df:
            return hit[1]
    try:
        table = pa.Table.from_pandas(df, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):
        return df  # Streamlit's own conversion copes with mixed columns
    with _ARROW_LOCK:
        if len(_ARROW) > 2048:
            for key in [k for k, (ref, _) in _ARROW.items() if ref() is None]:
                del _ARROW[key]
        _ARROW[id(df)] = (weakref.ref(df), table)
    return table
