"""Two visitors at once, and a process killed mid-import, on both stores (DuckDB and PostgreSQL).

Each race is staged, not left to chance: the first writer is held inside its transaction (by the ``progress`` hook)
until the second has started, and on PostgreSQL until the second is seen waiting on its lock. What each store then
does is asserted exactly: PostgreSQL runs two imports side by side, DuckDB makes the second wait for the first.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import threading
from pathlib import Path

import pandas as pd
import pytest

from components.i18n import Msg
from components.imports.store import DatasetGone, DuplicateDatasetError, open_store
from tests.test_importers import gtd_row
from tests.test_store import gtd_preview, mixed_preview

pytest_plugins = ("tests.store_fixtures",)  # store (on DuckDB and on PostgreSQL), store_location, store_kind
pytest.register_assert_rewrite("tests.store_fixtures")  # a plugin, and a module we take helpers from
from tests.store_fixtures import child_add, child_add_small, table_counts, wait_until_blocked  # noqa: E402

WAIT = 20  # seconds any step of a staged race may take before the test gives up on it
# Rows of the import that is killed: on DuckDB more than a row group (122,880), so rows reach the file before the
# commit; on PostgreSQL enough for three COPY writes (COPY_ROWS each), killed after the second.
BIG_ROWS = {"duckdb": 130_000, "postgres": 50_000}
# Children fork from a clean server process that has imported the store once (not from this process, with its
# connections and threads; and not each importing pandas afresh, a second or two apiece).
SPAWN = multiprocessing.get_context("forkserver")
SPAWN.set_forkserver_preload(["tests.store_fixtures", "components.store.duckdb_store",
                              "components.store.postgres_store", "components.imports.preview"])


class Runner(threading.Thread):
    """A call in a thread, keeping what it returned or raised."""

    def __init__(self, call) -> None:
        super().__init__(daemon=True)
        self.call, self.result, self.error = call, None, None
        self.done = threading.Event()

    def run(self) -> None:
        try:
            self.result = self.call()
        except BaseException as exc:  # kept for the test to assert on
            self.error = exc
        finally:
            self.done.set()

    def outcome(self):
        self.join(WAIT)
        assert not self.is_alive(), "the call did not finish"
        return self.result, self.error


def test_two_imports_at_once_both_succeed_with_different_ids(store, store_location, store_kind, pack):
    first_inside, seen = threading.Event(), {}
    a_preview = gtd_preview(pack, gtd_row(), gtd_row(), name="a.csv")
    b_preview = gtd_preview(pack, gtd_row(), name="b.csv")
    other = open_store(store_location)  # the second visitor's own handle (on DuckDB: the same file, another handle)
    second = Runner(lambda: other.add(b_preview, "B"))

    def hold(stage: str) -> None:
        if stage == "dataset":  # A's record is written, its transaction still open
            first_inside.set()
            # PostgreSQL: B does not wait for A and commits meanwhile; DuckDB: B waits for A's lock, so A goes on
            # after a moment.
            seen["b finished while A was open"] = second.done.wait(WAIT if store_kind == "postgres" else 0.5)

    first = Runner(lambda: store.add(a_preview, "A", progress=hold))
    first.start()
    assert first_inside.wait(WAIT)
    second.start()
    (a, a_error), (b, b_error) = first.outcome(), second.outcome()
    assert a_error is None and b_error is None
    assert a != b
    assert seen["b finished while A was open"] is (store_kind == "postgres")
    assert store.datasets().set_index("dataset_id")["name"].to_dict() == {a: "A", b: "B"}
    assert store.events().groupby("dataset_id").size().to_dict() == {a: 2, b: 1}
    other.close()


def test_two_processes_importing_at_once_both_succeed(tmp_path, store, store_location, pack):
    """Two server processes (on DuckDB the second waits for the file, which the first holds while it writes)."""
    files, children, pipes = [], [], []
    for name in ("p1.csv", "p2.csv"):
        path = tmp_path / f"{name}.pickle"
        path.write_bytes(pickle.dumps(gtd_preview(pack, gtd_row(), name=name)))
        files.append(path)
    for path in files:
        parent_end, child_end = SPAWN.Pipe()
        child = SPAWN.Process(target=child_add_small, args=(store_location, str(path), path.stem, child_end))
        child.start()
        children.append(child)
        pipes.append(parent_end)
    try:
        for pipe in pipes:
            assert pipe.poll(60) and pipe.recv() == ("ready", None)
        for pipe in pipes:
            pipe.send("go")
        results = [pipe.recv() if pipe.poll(60) else ("timed out", None) for pipe in pipes]
    finally:
        for child in children:
            child.join(30)
            if child.is_alive():
                child.kill()
    assert [kind for kind, _ in results] == ["stored", "stored"], results
    (_, p1), (_, p2) = results
    assert p1 != p2
    assert store.datasets().set_index("dataset_id")["name"].to_dict() == {p1: "p1.csv", p2: "p2.csv"}


def test_the_same_file_stored_twice_at_once_is_stored_once(store, store_location, store_kind, pack):
    preview = gtd_preview(pack, gtd_row(), gtd_row())
    first_inside, seen = threading.Event(), {}
    other = open_store(store_location)
    second = Runner(lambda: other.add(preview, "second"))

    def hold(stage: str) -> None:
        if stage == "dataset":
            first_inside.set()
            seen["second blocked"] = wait_until_blocked(store)

    first = Runner(lambda: store.add(preview, "first", progress=hold))
    first.start()
    assert first_inside.wait(WAIT)
    second.start()
    (a, a_error), (_, b_error) = first.outcome(), second.outcome()
    assert a_error is None
    # Not a rollback error nor a database's duplicate key: the refusal the page shows, naming the stored copy.
    assert type(b_error) is DuplicateDatasetError, repr(b_error)
    assert b_error.dataset_id == a and f"already imported as dataset {a} 'first'" in str(b_error)
    assert isinstance(b_error.message, Msg)
    # PostgreSQL: the second was inside its own transaction, held by the unique index until the first committed.
    assert seen["second blocked"] is (store_kind == "postgres")
    assert store.datasets()["name"].tolist() == ["first"]
    assert table_counts(store) == {"datasets": 1, "events": 2, "row_issues": 0, "changes": 1}
    assert store.changes()[["action", "dataset_name"]].values.tolist() == [["import", "first"]]
    other.close()


def test_two_deletes_at_once_one_deletes_the_other_is_told_it_is_gone(store, store_location, store_kind, pack):
    keep = store.add(gtd_preview(pack, gtd_row(), name="keep.csv"), "kept")
    doomed = store.add(mixed_preview(pack), "doomed")
    first_inside, seen = threading.Event(), {}
    other = open_store(store_location)
    second = Runner(lambda: other.delete(doomed))

    def hold(stage: str) -> None:
        if stage == "deleted":  # rows deleted, not yet committed
            first_inside.set()
            seen["second blocked"] = wait_until_blocked(store)

    first = Runner(lambda: store.delete(doomed, progress=hold))
    first.start()
    assert first_inside.wait(WAIT)
    second.start()
    (_, a_error), (_, b_error) = first.outcome(), second.outcome()
    assert a_error is None
    assert type(b_error) is DatasetGone and b_error.dataset_id == doomed, repr(b_error)
    assert seen["second blocked"] is (store_kind == "postgres")
    assert store.datasets()["dataset_id"].tolist() == [keep]
    assert table_counts(store) == {"datasets": 1, "events": 1, "row_issues": 0, "changes": 3}
    log = store.changes()
    assert log.loc[log["dataset_id"] == doomed, "action"].tolist() == ["delete", "import"]  # one delete logged
    other.close()


def test_a_dataset_deleted_by_another_session_is_left_out_and_named_gone(store, store_location, pack):
    """The viewing session's listing and events no longer have it; asking for it by id says it is gone."""
    a = store.add(mixed_preview(pack), "A")
    b = store.add(gtd_preview(pack, gtd_row(), name="b.csv"), "B")
    assert [i for i, _, _ in store.state()] == [a, b]  # kept by the viewing handle
    assert set(store.events(dataset_ids=[a, b])["dataset_id"]) == {a, b}
    with open_store(store_location) as other:
        other.delete(a)
    assert [i for i, _, _ in store.state()] == [b]
    assert set(store.events(dataset_ids=[a, b])["dataset_id"]) == {b}  # the ids of a page drawn before the delete
    assert [c["dataset_id"] for c in store.citations()] == [b]
    with pytest.raises(DatasetGone) as gone:
        store.dataset(a)
    assert gone.value.dataset_id == a and isinstance(gone.value.message, Msg)
    assert str(gone.value) == (f"Dataset {a} is no longer in the import store: it has been deleted, perhaps in "
                               "another window or by another user.")
    for call in (lambda: store.row_issues(a), lambda: store.set_enabled(a, True), lambda: store.rename(a, "A2"),
                 lambda: store.delete(a)):
        with pytest.raises(DatasetGone, match=f"Dataset {a} is no longer"):
            call()
    assert store.dataset(b)["name"] == "B"


# ---------------------------------------------------------------- killed mid-import

@pytest.fixture(scope="module")
def small_pickle(tmp_path_factory, pack) -> Path:
    """One accepted GTD row, pickled for the child, which grows it to BIG_ROWS rows (store_fixtures.big_preview)."""
    path = tmp_path_factory.mktemp("big") / "small.pickle"
    path.write_bytes(pickle.dumps(gtd_preview(pack, gtd_row(), name="seed.csv")))
    return path


def _add_and_kill(location: str, small: Path, rows: int, stage: str, count: int) -> tuple:
    parent_end, child_end = SPAWN.Pipe(duplex=False)
    child = SPAWN.Process(target=child_add, args=(location, str(small), rows, stage, count, child_end))
    child.start()
    child_end.close()
    seen = []
    try:
        while parent_end.poll(120):
            message = parent_end.recv()
            seen.append(message)
            if message[0] in ("paused", "finished"):
                break
        if seen and seen[-1][0] == "paused":
            os.kill(child.pid, signal.SIGKILL)
        child.join(60)
    finally:
        if child.is_alive():
            child.kill()
            child.join()
    return seen, child.exitcode


@pytest.mark.parametrize(("stage", "count"), [("rows", 2), ("issues", 1)],
                         ids=["while-writing-rows", "after-all-rows-written-before-commit"])
def test_killed_mid_import_the_store_keeps_its_previous_content(store, store_location, store_kind, pack, small_pickle,
                                                                 stage, count):
    """SIGKILL while the rows stream in (PostgreSQL: inside the COPY; DuckDB: past a row group) or once all are
    written and the commit has not been made: nothing of the import is left, and the store keeps working."""
    before_id = store.add(mixed_preview(pack), "before the crash")
    before_datasets = store.datasets()
    before_events = store.events(enabled_only=False)
    before_counts = table_counts(store)

    seen, exitcode = _add_and_kill(store_location, small_pickle, BIG_ROWS[store_kind], stage, count)
    assert seen[-1] == ("paused", stage, count) and exitcode == -signal.SIGKILL, (seen, exitcode)

    reopened = open_store(store_location)
    pd.testing.assert_frame_equal(reopened.datasets(), before_datasets)
    pd.testing.assert_frame_equal(reopened.events(enabled_only=False), before_events)
    assert table_counts(reopened) == before_counts  # no half-written rows under another id either
    # and the store keeps working: the same big file is not taken for stored
    again = reopened.add(gtd_preview(pack, gtd_row(), name="after.csv"), "after the crash")
    assert reopened.dataset(again)["rows_accepted"] == 1
    assert reopened.datasets()["dataset_id"].tolist() == [before_id, again]
    reopened.close()
