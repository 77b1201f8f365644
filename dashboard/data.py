"""Every cache of the app, in one place: the data pack and the store, the incidents of a filter, the memo of view
models and figures, the Arrow forms of tables, and the briefing pack. Pages read views through the typed accessors
at the end; every key names the pack by its ``data_dir``, which names the imported datasets switched on by their
fingerprints, so nothing stale is ever served.

Every cache is bounded in bytes (``ByteCache``: least recently used first out, sizes estimated by ``size_of``), so a
long session with many filters levels off instead of growing (``scripts/bench_memory.py`` prints it over 1,000
changes); the budgets are at ``BUDGETS``. ``warm_up`` builds the views of the first page a visitor sees before the
first visitor comes (``python dashboard/app.py`` starts it with the server)."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import sys
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import deploy, i18n
from components.figures import slides, yearly, yearly_web
from components.figures import statistics as sc
from components.figures import timeline as tl
from components.filters import KEY_CLASSIFICATIONS, KEY_EVENT_TYPES, KEY_PERPETRATORS, Filters, vocabulary
from components.filters import perpetrator_offer as perpetrator_offer_of
from components.imports import formats
from components.imports import store as store_mod
from components.map import layers
from components.map import table as map_table_of
from components.pack import translate
from components.pack.load import DEFAULT_DATA_DIR, DataPack, load_datapack
from components.views import details as details_view
from components.views import map as map_model
from components.views import overview as overview_view
from components.views import sources as sources_view
from components.views import statistics as stats_view
from components.views import timeline as timeline_view
from components.views.base import events_in
from dashboard import access

LOG = logging.getLogger(__name__)

# A different data pack can be served by pointing KZ_DATA_DIR at it (the tests use this for broken copies).
DATA_DIR_ENV = "KZ_DATA_DIR"
MB = 2**20


def data_dir() -> str:
    """The folder of the data pack this app serves."""
    return os.environ.get(DATA_DIR_ENV) or str(DEFAULT_DATA_DIR)


# ------------------------------------------------------------------ the size of a cached value
# Shared by every view of a pack, owned by the pack's own cache: never counted inside another entry.
_SHARED = (DataPack, i18n.Translator)
_SAMPLE = 64  # items of a long list, or values of an object column, looked at to estimate the rest
FIGURE_BYTES_PER_JSON_BYTE = 6
FRAME_OVERHEAD, COLUMN_OVERHEAD = 2048, 1024  # pandas' own objects: the frame, its index, each column's block


def size_of(value: object, _seen: set[int] | None = None, _depth: int = 0) -> int:
    """An estimate of the bytes ``value`` holds, cheap enough to take for every value cached: frames and arrays by
    their buffers (the text of an object column from a sample of its values: ``memory_usage(deep=True)`` reads
    every one, 0.1 s a million), figures by their dict, decks by their JSON, view models by their fields; the
    translator and the pack, which views refer to and do not own, count nothing. An object met twice counts once."""
    seen = set() if _seen is None else _seen
    if value is None or isinstance(value, (bool, int, float)):
        return 16
    if isinstance(value, (str, bytes, bytearray)):
        return sys.getsizeof(value)
    if id(value) in seen or isinstance(value, _SHARED) or _depth > 12:
        return 0
    seen.add(id(value))
    depth = _depth + 1
    if isinstance(value, pd.DataFrame):
        return _frame_size(value)
    if isinstance(value, (pd.Series, pd.Index)):
        return _column_size(value)
    if isinstance(value, go.Figure):
        # the figure's objects and the dict Streamlit sends (FrozenFigure keeps it), measured by its JSON (its arrays
        # are base64 text already: 1 ms, where walking the dict took ten): plotly's objects and dicts of small
        # values hold about six times their JSON (tracemalloc: 150 KB for the overview's 25 KB)
        return FIGURE_BYTES_PER_JSON_BYTE * len(json.dumps(value.to_dict(), default=_json_default))
    if isinstance(value, layers.pdk.Deck):
        return 2 * len(value.to_json())  # the JSON kept (CompactDeck) and the layers it was made from
    if isinstance(value, np.ndarray):
        return _column_size(pd.Series(value.ravel(), copy=False)) if value.dtype == object else value.nbytes + 100
    nbytes = getattr(value, "nbytes", None)  # Arrow tables and arrays
    if isinstance(nbytes, int):
        return nbytes + 100
    if isinstance(value, dict):
        items = list(value.items())
        return sys.getsizeof(value) + _sampled(items, lambda kv: size_of(kv[0], seen, depth) +
                                               size_of(kv[1], seen, depth))
    if isinstance(value, (list, tuple, set, frozenset)):
        return sys.getsizeof(value) + _sampled(list(value), lambda v: size_of(v, seen, depth))
    fields = getattr(value, "__dict__", None)
    if fields is not None and (dataclasses.is_dataclass(value) or type(value).__module__.startswith("components.")):
        # a view model: its fields and what cached_property keeps beside them
        return sys.getsizeof(value) + sum(size_of(v, seen, depth) for v in fields.values())
    return sys.getsizeof(value)


def _json_default(value: object) -> object:
    return value.tolist() if hasattr(value, "tolist") else str(value)


def _sampled(items: list, size: Callable[[object], int]) -> int:
    """The summed size of ``items``, from an even sample when there are many (a deck's thousands of points)."""
    if len(items) <= 2 * _SAMPLE:
        return sum(size(v) for v in items)
    step = len(items) / _SAMPLE
    sample = [items[int(i * step)] for i in range(_SAMPLE)]
    return int(sum(size(v) for v in sample) * len(items) / _SAMPLE)


def _column_size(column: pd.Series | pd.Index) -> int:
    """A column's buffers; an object column's (or object categories') text estimated from a sample."""
    shallow = int(column.memory_usage(deep=False) if isinstance(column, pd.Index) else
                  column.memory_usage(index=False, deep=False))
    values = column.cat.categories if isinstance(column.dtype, pd.CategoricalDtype) else column
    if values.dtype != object or not len(values):
        return shallow
    n = len(values)
    sample = values[:: max(1, n // _SAMPLE)][:_SAMPLE]
    return shallow + int(sum(sys.getsizeof(v) for v in sample) * n / len(sample))


def _frame_size(df: pd.DataFrame) -> int:
    return (FRAME_OVERHEAD + COLUMN_OVERHEAD * df.shape[1] + _column_size(df.index)
            + sum(_column_size(df.iloc[:, i]) for i in range(df.shape[1])))


# ------------------------------------------------------------------ caches bounded in bytes
class _Build:
    """A value being built by one thread, which others asking for the same key wait for."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.ok = False
        self.value: object = None


class ByteCache:
    """A least-recently-used cache bounded by the bytes its values hold (``size_of``), not only by their number: a
    figure of the curated pack is a few KB, a filtered copy of a million incidents 200 MB. A value larger than the
    whole budget is returned but not kept (``keep_newest``: kept alone, for caches whose newest entry is in use by
    every rerun, such as the pack with the imported datasets). One thread builds a missing value while the others
    that ask for it wait for it, so a visitor who comes during the warm-up, or ten sessions with the same new
    filter, never build it twice; values are shared by every session and treated as read-only."""

    def __init__(self, name: str, budget: int, *, keep_newest: bool = False, max_entries: int | None = None) -> None:
        self.name = name
        self.budget = budget
        self.keep_newest = keep_newest
        self.max_entries = max_entries  # also at most this many (None: the bytes alone bound it)
        self.size = 0
        self.hits = self.misses = 0
        self._entries: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._building: dict[Hashable, _Build] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries

    def get(self, key: Hashable, default: object = None) -> object:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return default
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, value: object, size: int | None = None) -> None:
        size = size_of(value) if size is None else size  # outside the lock: a large frame takes a moment
        with self._lock:
            dropped = self._put(key, value, size)
        del dropped  # frames freed here, not under the lock

    def _put(self, key: Hashable, value: object, size: int) -> list:
        dropped = []
        old = self._entries.pop(key, None)
        if old is not None:
            self.size -= old[1]
            dropped.append(old)
        if size > self.budget and not self.keep_newest:
            return dropped  # not kept: the caller has it, the next asks again
        self._entries[key] = (value, size)
        self.size += size
        while len(self._entries) > 1 and (self.size > self.budget or
                                          (self.max_entries is not None and len(self._entries) > self.max_entries)):
            _, old = self._entries.popitem(last=False)
            self.size -= old[1]
            dropped.append(old)
        return dropped

    def get_or_build(self, key: Hashable, build: Callable[[], object],
                     sizer: Callable[[object], int] = size_of) -> object:
        """The value of ``key``, built by ``build()`` (once, whoever else asks meanwhile) when it is not kept."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return entry[0]
            pending = self._building.get(key)
            owner = pending is None
            if owner:
                pending = self._building[key] = _Build()
                self.misses += 1
        if not owner:
            pending.done.wait()
            if pending.ok:
                with self._lock:
                    self.hits += 1
                return pending.value
            return self.get_or_build(key, build, sizer)  # the builder failed (or was stopped): build it here
        try:
            value = build()
            size = sizer(value)
        except BaseException:  # Streamlit stops a script with an exception, too: whoever waits builds it instead
            with self._lock:
                del self._building[key]
            pending.done.set()
            raise
        with self._lock:
            dropped = self._put(key, value, size)
            del self._building[key]
        pending.value, pending.ok = value, True
        pending.done.set()
        del dropped
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size = 0


# The budgets, and why. At 200,000 imported incidents the views of one page for one filter (view models, figures,
# the map's deck and JSON, tables and their Arrow forms) hold 1-3 MB, a filtered copy of the incidents up to 60 MB,
# the pack with the imported rows about 60 MB (300 MB at a million). A server then levels off at about the pack,
# plus these budgets, plus the interpreter and libraries (about 300 MB), whatever the number of filters, sessions
# and hours: scripts/bench_memory.py prints it over 1,000 filter changes.
BUDGETS = {
    # view models, figures, decks, tables and their Arrow forms: the last hundred or so page views at 200k rows,
    # thousands on the curated pack (a view of 31 incidents is a few KB), so going back to a filter is instant
    "views": 128 * MB,
    # filtered copies of the incidents: only needed while a filter's views are built (and for a page's counts), so
    # a few are enough, at most FILTERED_ENTRIES (each carries pandas objects for its forty columns, which the
    # estimate counts roughly: hundreds of small copies would hold more than it says); a filter selecting every
    # row is the table itself and costs nothing; the newest is always kept, whatever its size (a million rows:
    # 150 MB), so a page's several views never filter twice
    "filtered": 96 * MB,
    # the pack with the imported datasets switched on, per language and set of datasets: switching a dataset off and
    # on again, or the language, is instant; the newest is kept whatever its size (every rerun uses it)
    "packs": 640 * MB,
    # the data pack per folder and language, and the method documents (a few MB each: the server has one folder,
    # the tests several)
    "curated": 96 * MB,
    # prepared briefing packs (PowerPoint and PDF, a few MB each)
    "briefings": 32 * MB,
}
_MEMO = ByteCache("views", BUDGETS["views"])
FILTERED_ENTRIES = 16
_FILTERED = ByteCache("filtered", BUDGETS["filtered"], keep_newest=True, max_entries=FILTERED_ENTRIES)
_PACKS = ByteCache("packs", BUDGETS["packs"], keep_newest=True)
_CURATED = ByteCache("curated", BUDGETS["curated"], keep_newest=True)
_BRIEFINGS = ByteCache("briefings", BUDGETS["briefings"])
CACHES = (_MEMO, _FILTERED, _PACKS, _CURATED, _BRIEFINGS)


def cache_report() -> dict[str, dict[str, int]]:
    """Entries, bytes held, budget, hits and misses of every cache (the memory benchmark prints it)."""
    return {c.name: {"entries": len(c), "bytes": c.size, "budget": c.budget, "hits": c.hits, "misses": c.misses}
            for c in CACHES}


def get_pack(path: str) -> DataPack:
    """The validated data pack at ``path`` (loaded once per path; edit the files and restart to reload). Read-only
    by contract: pages filter into new frames and never assign into it; tests/test_pack_is_read_only.py runs every
    page and checks the pack is unchanged afterwards."""
    return _CURATED.get_or_build(("pack", path), lambda: load_datapack(path), _whole_pack_size)


def _whole_pack_size(pack: DataPack) -> int:
    """A pack's tables and boundaries (``size_of`` counts a pack as nothing: views refer to it, never own it)."""
    return sum(size_of(df) for df in pack.tables.values()) + size_of(pack.boundaries)


def memo(builder: Callable, pack: DataPack, *args, cache: ByteCache = _MEMO):
    """``builder(pack, *args)`` computed once per data pack and hashable arguments, shared by all sessions: use it
    for pure view builders (figures, decks, summaries) and treat what it returns as read-only. Not Streamlit's
    cache_resource, whose hashing of the arguments cost about 0.4 ms a call, several calls a rerun. Keys are small
    tuples of strings; every key names the pack by its data_dir, which names the imported datasets switched on by
    their fingerprints, so nothing stale is served after an import, a switch or a deletion."""
    key = (builder.__module__, builder.__qualname__, pack.data_dir, args)
    return cache.get_or_build(key, lambda: builder(pack, *args))


# Filtered copies of the incidents, shared by the page, its view models and every session with the same filter,
# kept within their own budget (BUDGETS["filtered"]). A filter that keeps every row gives the table itself without
# its long texts: no copy (pandas copies on write), so it costs nothing held.
def _filtered_size(df: pd.DataFrame, total: int) -> int:
    return 64 * 1024 if len(df) == total else size_of(df)


def filtered_events(pack: DataPack, key: tuple) -> pd.DataFrame:
    """The incidents of ``pack`` in the filter ``key`` (``Filters.key()``), as ``views.base.events_in`` gives them;
    read-only, shared by every caller with the same filter."""
    total = len(pack.tables["events"])
    return _FILTERED.get_or_build((pack.data_dir, key), lambda: events_in(pack, Filters.from_key(key)),
                                  lambda df: _filtered_size(df, total))


# ------------------------------------------------------------------ imported datasets (bring your own data)

def var_dir() -> str:
    """Where the store of imported datasets is: KZ_STORE_URL (a postgresql:// URL, the shared store of team mode)
    or the folder of the local DuckDB store (KZ_VAR_DIR, default var/; ignored by git)."""
    return store_mod.store_location()


# Store handles, one per folder or URL: a connection (or a pool) and the kept listing, a few KB; the rows are read
# into the packs' cache. A store that cannot be opened is not kept: the next rerun tries again.
_STORES: dict[str, store_mod.BaseStore] = {}
_STORES_LOCK = threading.Lock()


def get_store(path: str) -> store_mod.BaseStore:
    """The store of imported datasets at ``path`` (one handle per folder or URL)."""
    with _STORES_LOCK:
        store = _STORES.get(path)
        if store is None:
            store = _STORES[path] = store_mod.open_store(path)
        return store


def import_source_id(dataset_id: int) -> str:
    return f"import-{int(dataset_id)}"


def _pack_size(pack: DataPack, curated: DataPack) -> int:
    """What a pack holds beyond the curated one it extends: the tables it replaced (events, sources)."""
    return sum(size_of(df) for name, df in pack.tables.items() if df is not curated.tables.get(name))


def _with_imports(pack: DataPack, store: store_mod.BaseStore, enabled: tuple[tuple[int, str], ...]) -> DataPack:
    """``with_imports`` kept per curated pack (language), store and datasets switched on (by fingerprint)."""
    key = ("imports", pack.data_dir, str(store.path), enabled)
    return _PACKS.get_or_build(key, lambda: with_imports(pack, store, tuple(i for i, _ in enabled)),
                               lambda p: _pack_size(p, pack))


# Text columns the views read as categoricals: the store's (COMPACT_COLUMNS), and the criteria columns, which hold a
# few values each (yes, no, the basis, the dataset's note) but come from the store as text: as categoricals a
# filter's copy takes their codes, not their text (a sixth of a filtered copy at 200,000 rows, 15 MB less held).
VIEW_CATEGORICAL = (*store_mod.COMPACT_COLUMNS, "crit_aim", "crit_audience", "crit_outside_warfare",
                    "inclusion_basis", "doubt_terrorism", "criteria_note")


def with_imports(pack: DataPack, store: store_mod.BaseStore, enabled: tuple[int, ...]) -> DataPack:
    """The pack with the enabled imported datasets' incidents added to ``events`` (linked duplicates of curated
    incidents are not counted twice) and each dataset cited as a source (id ``import-N``), so every view, export and
    briefing pack shows them with their provenance. The curated pack itself is not changed."""
    # Repeated text (notes, categories, places) is held as categoricals: a million imported rows then take about
    # 300 MB instead of 1 GB (store_mod.COMPACT_COLUMNS). The curated rows' columns follow in the combined table.
    imported = store.events(dataset_ids=list(enabled), categorical=VIEW_CATEGORICAL)
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


def pack_in(lang: str) -> DataPack:
    """The curated data pack with its texts and labels in ``lang`` (English: the pack itself)."""
    pack = get_pack(data_dir())
    if lang == i18n.DEFAULT:
        return pack
    return _CURATED.get_or_build(("lang", pack.data_dir, lang), lambda: translate.localized(pack, lang),
                                 lambda p: _pack_size(p, pack))


def licensed_datasets(store: store_mod.BaseStore) -> list[int]:
    """The stored datasets whose licence forbids redistribution (GTD, ACLED): shown only to signed-in users."""
    datasets = store.datasets()
    return [int(i) for i, fmt in zip(datasets["dataset_id"], datasets["format"], strict=True)
            if not formats.redistributable(fmt)]


def _enabled(store: store_mod.BaseStore, sees_licensed: bool) -> tuple[tuple[int, str], ...]:
    """(id, fingerprint) of the datasets switched on that the visitor may see."""
    enabled = tuple((i, fingerprint) for i, fingerprint, on in store.state() if on)
    if enabled and not sees_licensed:  # team mode, not signed in: no licensed dataset
        licensed = set(licensed_datasets(store))
        enabled = tuple(e for e in enabled if e[0] not in licensed)
    return enabled


def current_pack(lang: str | None = None) -> DataPack:
    """What the views show: the curated data pack in the language chosen (``lang``, by default the session's) plus
    the imported datasets switched on (in their own words)."""
    lang = i18n.pick(lang if lang is not None else st.session_state.get("lang"))
    pack = pack_in(lang)
    if not deploy.current().imports:  # public: the store is never opened, no imported row is shown anywhere
        return pack
    try:
        store = get_store(var_dir())
        enabled = _enabled(store, access.current().sees_licensed)
        st.session_state[_UNREADABLE_KEY] = False
        if not enabled:
            return pack
        if ("imports", pack.data_dir, str(store.path), enabled) in _PACKS:
            return _with_imports(pack, store, enabled)
        t = translator(lang)
        with st.spinner(t("Adding the imported datasets…")):  # the first time only (then it is kept)
            return _with_imports(pack, store, enabled)
    except store_mod.StoreError:  # the store cannot be opened: show the curated data; the page says so once
        # (store_notice), the cause, which may name a server path or address, goes to the server's log
        LOG.exception("the store of imported datasets could not be read")
        st.session_state[_UNREADABLE_KEY] = True
        return pack


_UNREADABLE_KEY = "_kz_store_unreadable"  # whether current_pack's last reading of the store failed


def store_notice(t: i18n.Translator) -> None:
    """Say once, in the session's language, that the imported datasets could not be read in this run (current_pack
    then shows the curated data only). Called once per run, by the entry point, after its own current_pack."""
    if st.session_state.get(_UNREADABLE_KEY):
        st.warning(t("The imported datasets could not be read; only the curated data is shown."),
                   icon=":material/database_off:")


def visitor_pack(lang: str = i18n.DEFAULT) -> DataPack:
    """What a visitor who has not signed in sees (the warm-up's pack): as ``current_pack``, without a session."""
    pack = pack_in(lang)
    mode = deploy.current()
    if not mode.imports:
        return pack
    store = get_store(var_dir())
    enabled = _enabled(store, deploy.access(mode).sees_licensed)  # nobody signed in
    return _with_imports(pack, store, enabled) if enabled else pack


# Arrow forms of memoised tables, for st.dataframe: Streamlit converts a pandas frame to Arrow on every rerun (a few
# milliseconds a table, ten tables on the statistics page); a pyarrow Table it sends as it is. Kept in the views'
# memo (so within its budget), keyed by the frame's identity and checked with a weak reference, so a frame that has
# been dropped is never mistaken for a new one.
def arrow_of(df: pd.DataFrame):
    """The Arrow table of a read-only (memoised) frame, converted once; the frame itself if Arrow refuses it."""
    import pyarrow as pa

    key = ("arrow", id(df))
    hit = _MEMO.get(key)
    if hit is not None and hit[0]() is df:
        return hit[1]
    try:
        table = pa.Table.from_pandas(df, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):
        return df  # Streamlit's own conversion copes with mixed columns
    _MEMO.put(key, (weakref.ref(df), table), table.nbytes + 200)
    return table


# ------------------------------------------------------------------ languages
def translator(lang: str) -> i18n.Translator:
    """The strings, formats and data labels of a language (its catalogue compiled once per process)."""
    return pack_in(i18n.pick(lang)).t


# ------------------------------------------------------------------ filter options
def filter_vocabulary(pack: DataPack) -> dict[str, tuple[str, ...]]:
    """Options of every filter."""
    return memo(_vocabulary, pack)


def _vocabulary(pack: DataPack) -> dict[str, tuple[str, ...]]:
    return vocabulary(pack.tables["events"], pack.tables["regions"], pack.metadata)


def perpetrator_offer(pack: DataPack) -> tuple[str, ...]:
    """The groups the perpetrator filter offers before any chosen in the link is added."""
    return memo(_perpetrator_offer, pack)


def _perpetrator_offer(pack: DataPack) -> tuple[str, ...]:
    return perpetrator_offer_of(pack.tables["events"], filter_vocabulary(pack)[KEY_PERPETRATORS])


# ------------------------------------------------------------------ figures kept as built
class FrozenFigure(go.Figure):
    """A memoised figure: built once, then only read. Streamlit turns the figure into a dict on every rerun, and
    ``to_dict`` deep-copies every trace; this one does that once and keeps the dict (which is only read: Streamlit
    serialises it to JSON). Anything that would change the figure must work on a copy (``go.Figure(fig)``)."""

    def to_dict(self) -> dict:
        kept = getattr(self, "_frozen_dict", None)
        if kept is None:
            kept = self._frozen_dict = super().to_dict()
        return kept


def frozen(fig: go.Figure) -> FrozenFigure:
    """``fig`` itself, marked as frozen (no copy: a copy of the timeline costs 20 ms)."""
    fig.__class__ = FrozenFigure
    return fig


# ------------------------------------------------------------------ view models (components.views), memoised
def _in_filter(pack: DataPack, build: Callable, key: tuple, *args):
    return build(pack, Filters.from_key(key), filtered_events(pack, key), *args)


def overview(pack: DataPack, key: tuple) -> overview_view.Overview:
    """The overview's view model for a filter, in the pack's language."""
    return memo(_in_filter, pack, overview_view.build, key)


def yearly_figure(pack: DataPack, key: tuple) -> FrozenFigure:
    """The per-year figure (Plotly) for a filter, in the pack's language: the overview's slide and the briefing pack
    (the overview page draws ``yearly_spec``)."""
    return memo(_yearly_figure, pack, key)


def _yearly_figure(pack: DataPack, key: tuple) -> FrozenFigure:
    view = overview(pack, key)
    return frozen(yearly.make_yearly_figure(view.per_year, view.milestones, pack.t))


def yearly_spec(pack: DataPack, key: tuple) -> dict:
    """The overview page's chart for a filter (Vega-Lite), in the pack's language; read-only."""
    return memo(_yearly_spec, pack, key)


def _yearly_spec(pack: DataPack, key: tuple) -> dict:
    view = overview(pack, key)
    return yearly_web.make_yearly_spec(view.per_year, view.milestones, pack.t)


def map_view(pack: DataPack, key: tuple) -> map_model.MapView:
    """The map's view model for a filter, in the pack's language."""
    return memo(_in_filter, pack, map_model.build, key)


def map_deck(pack: DataPack, key: tuple, shade: str, basemap: bool) -> layers.CompactDeck:
    """The map's deck for a filter, serialised once (CompactDeck keeps its JSON)."""
    return memo(_map_deck, pack, key, shade, basemap)


def _map_deck(pack: DataPack, key: tuple, shade: str, basemap: bool) -> layers.CompactDeck:
    deck = layers.make_map(filtered_events(pack, key), pack.boundaries, shade, basemap,
                            all_events=pack.tables["events"], region_filter=Filters.from_key(key).regions, t=pack.t)
    deck.to_json()
    return deck


def map_legend(pack: DataPack, key: tuple, shade: str) -> tuple[str, str]:
    """The map's legend for a filter, as SVG and as text, in the pack's language."""
    return memo(_in_filter, pack, map_model.legend, key, shade)


def map_table(pack: DataPack, key: tuple) -> pd.DataFrame:
    """The map's 'View as table' for a filter (at most map_table_of.TABLE_LIMIT rows, the most recent)."""
    return memo(_map_table, pack, key)


def _map_table(pack: DataPack, key: tuple) -> pd.DataFrame:
    return map_table_of.incident_table(filtered_events(pack, key), t=pack.t)


def timeline(pack: DataPack, key: tuple) -> timeline_view.Timeline:
    """The policy timeline's view model for a filter."""
    return memo(_in_filter, pack, timeline_view.build, key)


def timeline_figure(pack: DataPack, key: tuple) -> FrozenFigure:
    """The policy timeline figure for a filter."""
    return memo(_timeline_figure, pack, key)


def _timeline_figure(pack: DataPack, key: tuple) -> FrozenFigure:
    view = timeline(pack, key)
    return frozen(tl.make_timeline_figure(view.policies, pack.tables["phases"], filtered_events(pack, key),
                                          pack.tables["banned_organisations"], years=view.years, t=pack.t))


def timeline_table(pack: DataPack, key: tuple) -> pd.DataFrame:
    """The timeline's 'View as table' for a filter."""
    return memo(_in_filter, pack, timeline_view.table, key)


def bans(pack: DataPack, key: tuple) -> timeline_view.Bans:
    """The banned organisations for a filter: they depend on its years only, so kept per year range (a change of
    region or attack type reuses them)."""
    return memo(_bans, pack, Filters.from_key(key).years)


def _bans(pack: DataPack, years: tuple[int, int]) -> timeline_view.Bans:
    return timeline_view.bans(pack, Filters(years=years))


STATS_FIGURES = {"age": sc.make_age_figure, "prosecution": sc.make_prosecution_figure,
                 "fighters": sc.make_foreign_fighters_figure}


def stats_figure(pack: DataPack, name: str) -> FrozenFigure:
    """One of the statistics figures ('age', 'prosecution', 'fighters'; they do not depend on the filters)."""
    return memo(_stats_figure, pack, name)


def _stats_figure(pack: DataPack, name: str) -> FrozenFigure:
    return frozen(STATS_FIGURES[name](sc.chartable(stats_view.statistics(pack)), pack.sources_by_id(), t=pack.t))


def stats_text(pack: DataPack, ids: tuple[str, ...]) -> stats_view.ChartText:
    """The words around a statistics chart: source line, reliability, caveats, disagreements, alt."""
    return memo(stats_view.chart_text, pack, ids)


def stats_age(pack: DataPack) -> stats_view.Age:
    """The perpetrators' age shares, their caveat and the verbatim quote."""
    return memo(stats_view.age, pack)


def stats_prosecution(pack: DataPack) -> list[dict]:
    """The prosecution figures with their periods resolved."""
    return memo(stats_view.prosecution, pack)


def stats_topics(pack: DataPack) -> list[tuple[str, int]]:
    """(topic, rows) of the figures no chart draws."""
    return memo(stats_view.topics, pack)


def stats_table(pack: DataPack, spec: tuple, drop: tuple[str, ...] = ()) -> pd.DataFrame:
    """Readable statistics rows of a spec (see ``views.statistics.table``)."""
    return memo(stats_view.table, pack, spec, drop)


def sources_table(pack: DataPack) -> pd.DataFrame:
    """The sources as listed on 'Sources and data'."""
    return memo(sources_view.sources_table, pack)


def contradiction_entries(pack: DataPack) -> list[tuple[str, str]]:
    """(label, markdown) of every contradiction between sources."""
    return memo(sources_view.contradiction_entries, pack)


def excluded_table(pack: DataPack) -> pd.DataFrame:
    """The cases considered and left out."""
    return memo(sources_view.excluded_table, pack)


def excluded_summary(pack: DataPack, pointer: bool = True) -> str:
    """The sentence on the cases left out."""
    return memo(sources_view.excluded_summary, pack, pointer)


def doc_text(name: str) -> str:
    """A method document (docs/) as markdown, read once."""
    return _CURATED.get_or_build(("doc", name), lambda: sources_view.doc_text(name))


def record_alternatives(pack: DataPack, table: str, record_id: str) -> list[dict]:
    """The other values sources give for one record."""
    return memo(details_view.record_alternatives, pack, table, record_id)


def record_checks(pack: DataPack, table: str, record_id: str) -> pd.DataFrame:
    """What each source read says on each figure of one record."""
    return memo(details_view.record_checks, pack, table, record_id)


# ------------------------------------------------------------------ presentation slides
def slide_figure(pack: DataPack, kind: str, key: tuple, height: int) -> FrozenFigure:
    """A view's figure scaled for a presentation slide ('overview', 'timeline' or a statistics figure)."""
    return memo(_slide_figure, pack, kind, key, height)


def _slide_figure(pack: DataPack, kind: str, key: tuple, height: int) -> FrozenFigure:
    if kind == "overview":
        return frozen(slides.overview_slide(yearly_figure(pack, key), height))
    if kind == "timeline":
        return frozen(slides.timeline_slide(timeline_figure(pack, key), height))
    return frozen(slides.statistics_slide(stats_figure(pack, kind), height))


def slide_deck(pack: DataPack, key: tuple, shade: str) -> layers.CompactDeck:
    """The map for a presentation slide (opened closer than the page's)."""
    return memo(_slide_deck, pack, key, shade)


def _slide_deck(pack: DataPack, key: tuple, shade: str) -> layers.CompactDeck:
    return slides.map_slide(map_deck(pack, key, shade, False))


# ------------------------------------------------------------------ briefing pack
def briefing_files(pack: DataPack, key: tuple, today: date, view_url: str) -> dict[str, bytes]:
    """The briefing pack of a view, {'pptx': bytes, 'pdf': bytes}: built from the same view models as the pages,
    once per data (imports included), filter, day and address."""
    return memo(_briefing_files, pack, key, today, view_url, cache=_BRIEFINGS)


def _briefing_files(pack: DataPack, key: tuple, today: date, view_url: str) -> dict[str, bytes]:
    from components import briefing  # matplotlib and the renderers: imported when a pack is first asked for

    return briefing.build_pack(pack, Filters.from_key(key), today, view_url, events=filtered_events(pack, key))


# ------------------------------------------------------------------ warm-up: the first page before the first visitor
WARM_UP_ENV = "KZ_WARM_UP"  # "0": no warm-up when the server starts
READY_LINE = "Views ready for the first visitor"  # printed on the server's stderr (the benchmark waits for it)
_WARM_LOCK = threading.Lock()
_warm_thread: threading.Thread | None = None


def warm_up(lang: str = i18n.DEFAULT) -> DataPack:
    """Build what every page shows for the default filter to a visitor who has not signed in, the first page
    first: the pack with the imported datasets, the filters' options, the view models, figures (and the dict
    Streamlit sends), the map's deck (and its JSON), the tables (and their Arrow forms). All of it shared by every
    session, so the first visitor's run only reads it. Returns the pack."""
    from components.map.regions import DEFAULT_SHADE

    pack = visitor_pack(lang)
    key = default_filters(pack).key()
    perpetrator_offer(pack)
    view = overview(pack, key)  # the overview: the first page
    yearly_spec(pack, key)
    for table in (*view.year_tables, view.recent_table):
        arrow_of(table)
    map_view(pack, key)
    map_deck(pack, key, DEFAULT_SHADE, False)
    map_legend(pack, key, DEFAULT_SHADE)
    arrow_of(map_table(pack, key))
    timeline(pack, key)
    timeline_figure(pack, key).to_dict()
    arrow_of(timeline_table(pack, key))
    arrow_of(bans(pack, key).shown)
    for name in STATS_FIGURES:
        stats_figure(pack, name).to_dict()
    stats_age(pack)
    stats_prosecution(pack)
    stats_topics(pack)
    arrow_of(sources_table(pack))
    contradiction_entries(pack)
    arrow_of(excluded_table(pack))
    excluded_summary(pack)
    return pack


def default_filters(pack: DataPack) -> Filters:
    """The filters a visitor starts with, as the sidebar reads them (every kind and classification chosen, as
    ``frame`` seeds them): the same key as the first run's, so the warm-up builds the views it asks for."""
    vocab = filter_vocabulary(pack)
    return Filters.from_values({KEY_EVENT_TYPES: list(vocab[KEY_EVENT_TYPES]),
                                KEY_CLASSIFICATIONS: list(vocab[KEY_CLASSIFICATIONS])}, vocab)


def _prime_server() -> None:
    """Do ahead what a server's first script run does once per process: the script cache compiles the entry point
    and the pages (about 0.1 s), Streamlit checks once whether it runs in a REPL (it reads the source of every frame
    of the stack: 0.1-0.2 s), the MIME types are read. Internal to Streamlit 1.67 (``Runtime._script_cache``,
    ``delta_generator._maybe_print_use_warning``): if they move, nothing breaks, the first run does it as before."""
    import mimetypes
    from pathlib import Path

    try:
        from streamlit import delta_generator
        from streamlit.runtime import Runtime

        deadline = time.monotonic() + 30
        while not Runtime.exists():  # the server is still starting
            if time.monotonic() > deadline:
                return
            time.sleep(0.05)
        cache = Runtime.instance()._script_cache
        here = Path(__file__).resolve().parent
        for path in (here / "app.py", *sorted((here / "app_pages").glob("*.py"))):
            cache.get_bytecode(str(path))
        delta_generator._maybe_print_use_warning()  # once per process; with a runtime, it warns of nothing
        mimetypes.guess_extension("image/png")
    except Exception:  # noqa: BLE001 (an optimisation only)
        LOG.debug("the server could not be primed", exc_info=True)


def _warm_in_background() -> None:
    t0 = time.perf_counter()
    try:
        import dashboard.briefing_ui  # noqa: F401 (the modules the entry point imports)
        import dashboard.details  # noqa: F401
        import dashboard.frame  # noqa: F401
        import dashboard.present  # noqa: F401

        warm_up()
    except Exception:  # noqa: BLE001 (the first visitor then builds the views, and sees any error)
        LOG.exception("the warm-up failed: the first visitor's run builds the views")
        return
    _prime_server()
    from components import briefing  # noqa: F401 (so that the first briefing pack asked for does not wait for it)

    print(f"{READY_LINE} ({time.perf_counter() - t0:.1f} s).", file=sys.stderr, flush=True)


def start_warm_up() -> threading.Thread | None:
    """Start ``warm_up`` in a background thread, once per process (``KZ_WARM_UP=0``: never). The server's launcher
    calls it before the server listens (``python dashboard/app.py``), so it runs before the first visitor; the
    tests' AppTest runs never start it."""
    global _warm_thread
    if os.environ.get(WARM_UP_ENV, "1").strip() == "0":
        return None
    with _WARM_LOCK:
        if _warm_thread is None:
            _warm_thread = threading.Thread(target=_warm_in_background, name="kz-warm-up", daemon=True)
            _warm_thread.start()
        return _warm_thread
