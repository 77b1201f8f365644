"""Every cache of the app, in one place: the data pack and the store (st.cache_resource), the incidents of a filter,
the memo of view models and figures (cachetools), the Arrow forms of tables, and the briefing pack. Pages read
views through the typed accessors at the end; every key names the pack by its ``data_dir``, which names the
imported datasets switched on by their fingerprints, so nothing stale is ever served."""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import weakref
from collections.abc import Callable
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from cachetools import LRUCache

from components import briefing, deploy, i18n
from components.figures import slides, yearly
from components.figures import statistics as sc
from components.figures import timeline as tl
from components.filters import KEY_PERPETRATORS, Filters, vocabulary
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


# Filtered copies of the incidents, shared by the page, its view models and every session with the same filter.
# Large tables keep one copy at a time: with a million imported rows a page used to make three copies of up to
# 250 MB each. Small ones (the curated pack, modest imports) keep many, so going back to a filter costs nothing.
LARGE_TABLE_ROWS = 50_000


@st.cache_resource(show_spinner=False, max_entries=1)
def _filtered_large(path: str, key: tuple, _pack: DataPack) -> pd.DataFrame:
    """The incidents of a filter on a large pack (one kept)."""
    return events_in(_pack, Filters.from_key(key))


@st.cache_resource(show_spinner=False, max_entries=64)
def _filtered_small(path: str, key: tuple, _pack: DataPack) -> pd.DataFrame:
    """The incidents of a filter on a small pack (many kept)."""
    return events_in(_pack, Filters.from_key(key))


def filtered_events(pack: DataPack, key: tuple) -> pd.DataFrame:
    """The incidents of ``pack`` in the filter ``key`` (``Filters.key()``), as ``views.base.events_in`` gives them;
    read-only, shared by every caller with the same filter."""
    cached = _filtered_large if len(pack.tables["events"]) > LARGE_TABLE_ROWS else _filtered_small
    return cached(pack.data_dir, key, pack)


def memo(builder: Callable, pack: DataPack, *args, cache: LRUCache = _MEMO):
    """``builder(pack, *args)`` computed once per data pack and hashable arguments, shared by all sessions: use it
    for pure view builders (figures, decks, summaries) and treat what it returns as read-only."""
    key = (builder.__module__, builder.__qualname__, pack.data_dir, args)
    with _MEMO_LOCK:
        hit = cache.get(key, _MISSING)  # get() counts as a use: the entry moves to the recent end
    if hit is not _MISSING:
        return hit
    value = builder(pack, *args)  # outside the lock: two sessions may build the same view once each, harmlessly
    with _MEMO_LOCK:
        cache[key] = value
    return value


# ------------------------------------------------------------------ imported datasets (bring your own data)

def var_dir() -> str:
    """Where the store of imported datasets is: KZ_STORE_URL (a postgresql:// URL, the shared store of team mode)
    or the folder of the local DuckDB store (KZ_VAR_DIR, default var/; ignored by git)."""
    return store_mod.store_location()


@st.cache_resource(show_spinner=False)
def get_store(path: str) -> store_mod.BaseStore:
    """The store of imported datasets at ``path`` (one handle per folder or URL)."""
    return store_mod.open_store(path)


def import_source_id(dataset_id: int) -> str:
    return f"import-{int(dataset_id)}"


# Three entries: switching a dataset off and on again, or the language, is instant, and a million imported rows
# (about 300 MB held) are never kept more than three times.
@st.cache_resource(show_spinner="Adding the imported datasets…", max_entries=3)
def _with_imports(path: str, store_path: str, enabled: tuple[tuple[int, str], ...], _pack: DataPack,
                  _store: store_mod.BaseStore) -> DataPack:
    return with_imports(_pack, _store, tuple(i for i, _ in enabled))


def with_imports(pack: DataPack, store: store_mod.BaseStore, enabled: tuple[int, ...]) -> DataPack:
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


@st.cache_resource(show_spinner=False)
def _localized(path: str, lang: str, _pack: DataPack) -> DataPack:
    return translate.localized(_pack, lang)


def pack_in(lang: str) -> DataPack:
    """The curated data pack with its texts and labels in ``lang`` (English: the pack itself)."""
    pack = get_pack(data_dir())
    return _localized(pack.data_dir, lang, pack) if lang != i18n.DEFAULT else pack


def licensed_datasets(store: store_mod.BaseStore) -> list[int]:
    """The stored datasets whose licence forbids redistribution (GTD, ACLED): shown only to signed-in users."""
    datasets = store.datasets()
    return [int(i) for i, fmt in zip(datasets["dataset_id"], datasets["format"], strict=True)
            if not formats.redistributable(fmt)]


def current_pack(lang: str | None = None) -> DataPack:
    """What the views show: the curated data pack in the language chosen (``lang``, by default the session's) plus
    the imported datasets switched on (in their own words)."""
    lang = i18n.pick(lang if lang is not None else st.session_state.get("lang"))
    pack = pack_in(lang)
    if not deploy.current().imports:  # public: the store is never opened, no imported row is shown anywhere
        return pack
    try:
        store = get_store(var_dir())
        enabled = tuple((i, fingerprint) for i, fingerprint, on in store.state() if on)
        if enabled and not access.current().sees_licensed:  # team mode, not signed in: no licensed dataset
            licensed = set(licensed_datasets(store))
            enabled = tuple(e for e in enabled if e[0] not in licensed)
    except store_mod.StoreError:  # the store cannot be opened: show the curated data, say so (the cause, which may
        # name a server path or address, goes to the server's log, not to the page)
        LOG.exception("the store of imported datasets could not be read")
        t = translator(lang)
        st.warning(t("The imported datasets could not be read; only the curated data is shown."),
                   icon=":material/database_off:")
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
    """The overview's per-year figure for a filter, in the pack's language (make_subplots is slow)."""
    return memo(_yearly_figure, pack, key)


def _yearly_figure(pack: DataPack, key: tuple) -> FrozenFigure:
    view = overview(pack, key)
    return frozen(yearly.make_yearly_figure(view.per_year, view.milestones, pack.t))


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
    """The banned organisations for a filter."""
    return memo(_bans, pack, key)


def _bans(pack: DataPack, key: tuple) -> timeline_view.Bans:
    return timeline_view.bans(pack, Filters.from_key(key))


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
    return _doc_text(name)


@st.cache_resource(show_spinner=False)
def _doc_text(name: str) -> str:
    return sources_view.doc_text(name)


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


_BRIEFINGS: LRUCache = LRUCache(maxsize=4)  # a pack is a few MB of files: only the last few are kept


def _briefing_files(pack: DataPack, key: tuple, today: date, view_url: str) -> dict[str, bytes]:
    return briefing.build_pack(pack, Filters.from_key(key), today, view_url, events=filtered_events(pack, key))
