"""The app's caches are bounded in bytes (dashboard/data.py: ByteCache, size_of, BUDGETS): a cache with a small
budget drops its least recently used values once their bytes exceed it, a value larger than the whole budget is
returned and not kept, the size estimate follows what a value holds, a value asked for by two threads at once is
built once; the start-up warm-up builds what the first page needs (the first run afterwards builds nothing); and
the views follow an imported dataset switched off and on again. The memory of a long session is measured by
scripts/bench_memory.py (figures, never a timed test)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from components.filters import Filters
from dashboard import data
from dashboard.data import ByteCache, memo, size_of
from tests.conftest import open_app

KB = 1024


def blob(kb: int) -> bytes:
    return b"x" * (kb * KB)


# ------------------------------------------------------------------------------------------ bounded in bytes
def test_a_small_budget_drops_the_least_recently_used_values_by_their_size():
    cache = ByteCache("test", budget=10 * KB)
    for key in ("a", "b", "c"):
        cache.put(key, blob(3))
    assert len(cache) == 3 and 9 * KB < cache.size <= 10 * KB
    assert cache.get("a") == blob(3)  # used: now the most recent
    cache.put("d", blob(3))  # 12 KB would not fit: the least recently used (b) goes, not the oldest put (a)
    assert "b" not in cache and {"a", "c", "d"} <= set(cache._entries)
    cache.put("e", blob(6))  # a large value pushes out as many as it needs (a and c), no more
    assert set(cache._entries) == {"d", "e"} and cache.size <= cache.budget


def test_a_value_larger_than_the_budget_is_returned_but_not_kept():
    cache = ByteCache("test", budget=4 * KB)
    cache.put("small", blob(1))
    calls = []

    def build() -> bytes:
        calls.append(1)
        return blob(8)

    assert cache.get_or_build("large", build) == blob(8)
    assert "large" not in cache and "small" in cache  # not kept, and it pushed nothing out
    assert cache.get_or_build("large", build) == blob(8)
    assert len(calls) == 2  # asked again, built again


def test_the_newest_value_of_a_keep_newest_cache_stays_whatever_its_size():
    cache = ByteCache("test", budget=4 * KB, keep_newest=True)  # the packs with imported rows: used by every rerun
    cache.put("old", blob(1))
    cache.put("huge", blob(8))
    assert list(cache._entries) == ["huge"]


def test_memo_keeps_views_within_the_byte_budget(pack):
    cache = ByteCache("test", budget=256 * KB)
    built = []

    def view(p, years):  # about 60 KB: four fit in the budget
        built.append(years)
        return pd.DataFrame({"year": np.arange(800), "label": [f"{years}-{i}" for i in range(800)]})

    first = memo(view, pack, (1991, 2016), cache=cache)
    assert memo(view, pack, (1991, 2016), cache=cache) is first and len(built) == 1  # kept: one build
    for lo in range(1992, 2010):
        memo(view, pack, (lo, 2016), cache=cache)
    assert cache.size <= cache.budget and 2 <= len(cache) < 18  # older filters were dropped to stay in the budget
    assert memo(view, pack, (1991, 2016), cache=cache) is not first and built.count((1991, 2016)) == 2


def test_a_value_asked_for_twice_at_once_is_built_once(monkeypatch):
    cache = ByteCache("test", budget=1024 * KB)
    waiting = threading.Event()

    class Build(data._Build):  # says when a second caller starts waiting for the first one's build
        def __init__(self) -> None:
            super().__init__()
            wait = self.done.wait

            def announced_wait(timeout=None):
                waiting.set()
                return wait(timeout)

            self.done.wait = announced_wait

    monkeypatch.setattr(data, "_Build", Build)
    calls = []
    started = threading.Event()

    def build() -> bytes:
        calls.append(1)
        started.set()
        assert waiting.wait(30), "the second caller never waited"
        return blob(1)

    results = []
    first = threading.Thread(target=lambda: results.append(cache.get_or_build("k", build)))
    first.start()
    assert started.wait(30)  # the first caller is building
    second = threading.Thread(target=lambda: results.append(cache.get_or_build("k", build)))
    second.start()
    first.join(30)
    second.join(30)
    assert len(calls) == 1 and len(results) == 2 and results[0] is results[1]


# ------------------------------------------------------------------------------------------ size estimates
def frame(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(n)
    return pd.DataFrame({
        "id": [f"ev-{i:08d}" for i in range(n)],  # text, one value each
        "note": pd.Series(rng.choice(["yes", "no", "unknown"], n)).astype(object),  # Python objects
        "place": pd.Categorical(rng.choice(["Almaty", "Astana", "Aktobe"], n)),
        "killed": pd.array(rng.integers(0, 9, n), dtype="Int64"),
        "lat": rng.random(n),
    })


def test_the_size_of_a_frame_grows_with_its_rows_and_agrees_with_pandas():
    small, large = frame(1_000), frame(10_000)
    assert 8 < size_of(large) / size_of(small) < 12
    exact = large.memory_usage(deep=True).sum()
    assert 0.7 * exact < size_of(large) < 1.3 * exact


def test_a_view_model_counts_its_frames_but_not_the_pack_or_translator_it_refers_to(pack):
    key = Filters().key()
    view = data.overview(pack, key)
    assert size_of(view) < size_of(pack.tables["events"]) + 64 * KB  # the pack's tables are not counted in it
    assert size_of(view) > size_of(view.per_year) + size_of(view.recent)


def test_a_figure_is_sized_by_the_dict_streamlit_sends(pack):
    import json

    fig = data.yearly_figure(pack, Filters().key())
    sent = len(json.dumps(fig.to_dict(), default=str))
    assert sent < size_of(fig) <= data.FIGURE_BYTES_PER_JSON_BYTE * sent + 1024  # plotly's objects hold more
    fewer = data.yearly_figure(pack, Filters(years=(2011, 2012)).key())  # fewer years: a smaller figure
    assert size_of(fewer) < size_of(fig)


# ------------------------------------------------------------------------------------------ warm-up
def test_the_warm_up_builds_what_the_first_page_needs():
    for cache in data.CACHES:
        cache.clear()
    data.warm_up()
    built = {c.name: c.misses for c in data.CACHES}
    reused = data._MEMO.hits
    at = open_app()
    assert not at.exception
    assert at.get("vega_lite_chart")  # the overview's chart was drawn
    assert {c.name: c.misses for c in data.CACHES} == built  # the first run built nothing
    assert data._MEMO.hits > reused  # it read the warmed views


def test_the_launcher_starts_the_warm_up_once_and_not_when_switched_off(monkeypatch):
    started = []
    monkeypatch.setattr(data, "_warm_in_background", lambda: started.append(1))
    monkeypatch.setattr(data, "_warm_thread", None)
    monkeypatch.setenv(data.WARM_UP_ENV, "0")
    assert data.start_warm_up() is None
    monkeypatch.setenv(data.WARM_UP_ENV, "1")
    thread = data.start_warm_up()
    assert data.start_warm_up() is thread
    thread.join(10)
    assert started == [1]


# ------------------------------------------------------------------------------------------ nothing stale
def test_the_views_follow_an_import_switched_off_and_on(tmp_path: Path, monkeypatch, pack):
    from components.imports.preview import prepare_import
    from scripts import gen_gtd

    monkeypatch.setenv("KZ_VAR_DIR", str(tmp_path / "var"))
    preview = prepare_import(gen_gtd.to_csv_bytes(300, seed=5), "synthetic.csv", pack.tables["events"],
                             pack.tables["regions"])
    store = data.get_store(data.var_dir())
    dataset_id = store.add(preview, "Synthetic 300")
    curated = len(pack.tables["events"])
    key = Filters().key()

    imported = int(store.events()["duplicate_of"].isna().sum())  # rows linked to a curated incident count once
    assert imported > 200
    with_import = data.visitor_pack()
    assert data.overview(with_import, key).incidents == curated + imported
    store.set_enabled(dataset_id, False)
    assert data.overview(data.visitor_pack(), key).incidents == curated
    store.set_enabled(dataset_id, True)
    again = data.visitor_pack()
    assert again.data_dir == with_import.data_dir  # the same datasets: the same key, the kept views
    assert data.overview(again, key).incidents == curated + imported


@pytest.fixture(autouse=True)
def _no_warm_up_thread(monkeypatch):
    """No test here leaves a warm-up running in the background."""
    monkeypatch.setenv(data.WARM_UP_ENV, "0")
