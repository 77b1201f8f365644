"""The DuckDB store of imported datasets (components.imports.store): recording, listing, switching on/off, deleting,
persistence across instances and processes, and consistency when the importing process is killed mid-transaction.

Every fixture is synthetic (scripts/gen_gtd.py or rows written here): no real GTD or ACLED row.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from components.imports import store as store_mod
from components.imports.acled import CITATION as ACLED_CITATION
from components.imports.columns import event_columns, imported_events_schema
from components.imports.gtd import CITATION as GTD_CITATION
from components.imports.preview import prepare_import
from components.imports.store import DuplicateDatasetError, Store, combine_events
from scripts import gen_gtd
from tests.test_importers import ACLED_COLS, acled_row, gtd_csv, gtd_row, to_csv

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "var")


def gtd_preview(pack, *rows, name="gtd-synthetic.csv"):
    return prepare_import(gtd_csv(*rows), name, pack.tables["events"], pack.tables["regions"])


def mixed_preview(pack):
    return gtd_preview(pack,
                       gtd_row(iyear="2011", imonth="11", iday="12", provstate="Zhambyl", city="Taraz",
                               latitude="42.9", longitude="71.37"),             # duplicate of a curated incident
                       gtd_row(iday="0", nkill=""),                            # month precision, unknown toll
                       gtd_row(latitude="", longitude=""),                     # no point
                       gtd_row(country_txt="Kyrgyzstan"),                      # out of scope
                       gtd_row(iyear="1987"),                                  # out of scope
                       gtd_row(attacktype1_txt="Laser"))                       # rejected


def test_add_records_the_import(store, pack):
    preview = mixed_preview(pack)
    dataset_id = store.add(preview, "Synthetic GTD")
    ds = store.dataset(dataset_id)
    assert ds["name"] == "Synthetic GTD" and ds["filename"] == "gtd-synthetic.csv"
    assert ds["checksum"] == preview.checksum and len(ds["checksum"]) == 64
    assert ds["format"] == "gtd" and ds["format_label"].startswith("Global Terrorism Database")
    assert pd.Timestamp(ds["imported_at"]) <= pd.Timestamp.now(tz="UTC").tz_localize(None)
    assert (ds["rows_read"], ds["rows_accepted"], ds["rows_rejected"], ds["rows_out_of_scope"],
            ds["rows_duplicates"], ds["rows_missing_coordinates"]) == (6, 3, 1, 2, 1, 1)
    assert ds["out_of_scope_counts"] == {"outside Kazakhstan": 1, "outside 1991-2016": 1}
    assert ds["citation"] == GTD_CITATION and "redistribution" in ds["licence"]
    assert "perpetrators" in ds["casualty_note"] and ds["enabled"] is True
    issues = store.row_issues(dataset_id)
    assert issues["status"].value_counts().to_dict() == {"out of scope": 2, "rejected": 1}
    assert "Laser" in issues.loc[issues["status"] == "rejected", "reason"].iloc[0]


def test_events_have_the_curated_columns_and_dtypes_plus_provenance(store, pack):
    dataset_id = store.add(mixed_preview(pack), "Synthetic GTD")
    events = store.events()
    curated = pack.tables["events"]
    n = len(curated.columns)
    assert list(events.columns[:n]) == list(curated.columns)
    assert events.dtypes.iloc[:n].to_dict() == curated.dtypes.to_dict()
    for col in ("dataset_id", "dataset_name", "source_format", "source_record_id", "precision_note", "doubt_note",
                "casualty_note", "duplicate_of"):
        assert col in events.columns
    assert (events["dataset_id"] == dataset_id).all() and (events["dataset_name"] == "Synthetic GTD").all()
    assert events["event_id"].str.startswith(f"imp{dataset_id}-gtd-").all()
    imported_events_schema().validate(events)
    by_row = events.set_index("source_row")
    assert by_row.loc[2, "duplicate_of"] == "ev-2011-11-12-taraz"
    assert by_row.loc[3, "date_precision"] == "month" and pd.isna(by_row.loc[3, "total_deaths"])
    assert pd.isna(by_row.loc[4, "latitude"]) and "no coordinates" in by_row.loc[4, "geo_note"]


def test_combined_view_does_not_count_a_linked_incident_twice(store, pack):
    store.add(mixed_preview(pack), "Synthetic GTD")
    curated = pack.tables["events"]
    combined = combine_events(curated, store.events())
    assert len(combined) == len(curated) + 2  # three imported, one of them a curated incident
    assert combined.dtypes[list(curated.columns)].to_dict() == curated.dtypes.to_dict()
    assert (combined["source_format"].iloc[: len(curated)] == "curated").all()
    assert combined["event_id"].is_unique


def test_every_format_is_stored(store, pack):
    gtd_id = store.add(gtd_preview(pack, gtd_row()), "gtd")
    acled = prepare_import(to_csv([acled_row()], ACLED_COLS), "acled.csv", pack.tables["events"])
    acled_id = store.add(acled, "acled")
    own = prepare_import(to_csv([{**dict.fromkeys(event_columns(), ""), "event_id": "ev-2012-01-02-synth",
                                  "date": "2012-01-02", "date_precision": "day", "place": "Synthtown",
                                  "region": "Aqtobe", "event_type": "attack", "attack_type": "Unknown",
                                  "target_type": "Unknown", "perpetrator_group": "Unknown",
                                  "classification": "disputed", "summary": "Synthetic."}]), "mine.csv")
    own_id = store.add(own, "own")
    events = store.events()
    assert events.groupby("dataset_id")["source_format"].first().to_dict() == {gtd_id: "gtd", acled_id: "acled",
                                                                               own_id: "events"}
    assert events.loc[events["dataset_id"] == own_id, "region"].item() == "Aktobe Region"
    assert [c["citation"] for c in store.citations()] == [GTD_CITATION, ACLED_CITATION,
                                                          "Imported event table 'mine.csv'"]


def test_set_enabled_hides_and_shows_a_dataset(store, pack):
    a = store.add(gtd_preview(pack, gtd_row(), gtd_row(), name="a.csv"), "A")
    b = store.add(gtd_preview(pack, gtd_row(), name="b.csv"), "B")
    store.set_enabled(a, False)
    assert set(store.events()["dataset_id"]) == {b}
    assert set(store.events(enabled_only=False)["dataset_id"]) == {a, b}
    assert store.datasets().set_index("dataset_id")["enabled"].to_dict() == {a: False, b: True}
    assert [c["name"] for c in store.citations()] == ["B"]
    assert Store(store.var_dir).datasets().set_index("dataset_id")["enabled"].to_dict() == {a: False, b: True}
    store.set_enabled(a, True)
    assert len(store.events()) == 3
    with pytest.raises(KeyError):
        store.set_enabled(99, True)


def test_delete_removes_the_dataset_its_events_and_its_row_lists(store, pack):
    a = store.add(mixed_preview(pack), "A")
    b = store.add(gtd_preview(pack, gtd_row(), name="b.csv"), "B")
    store.delete(a)
    assert store.datasets()["dataset_id"].tolist() == [b]
    assert set(store.events(enabled_only=False)["dataset_id"]) == {b}
    assert store.row_issues(a).empty
    with pytest.raises(KeyError):
        store.delete(a)
    # the same file can be imported again once deleted
    assert store.add(mixed_preview(pack), "A again") == b + 1


def test_the_same_file_twice_is_refused_and_changes_nothing(store, pack):
    preview = gtd_preview(pack, gtd_row())
    first = store.add(preview, "first")
    with pytest.raises(DuplicateDatasetError, match=f"already imported as dataset {first} 'first'"):
        store.add(preview, "second")
    assert len(store.datasets()) == 1 and len(store.events()) == 1
    assert store.add(preview, "on purpose", allow_same_file=True) == first + 1


def test_an_empty_store_returns_typed_empty_events(store, pack):
    events = store.events()
    assert events.empty and store.datasets().empty
    n = len(pack.tables["events"].columns)
    assert events.dtypes.iloc[:n].to_dict() == pack.tables["events"].dtypes.to_dict()
    assert store.events(dataset_ids=[]).empty


def test_persists_across_store_instances(store, pack):
    dataset_id = store.add(mixed_preview(pack), "kept")
    again = Store(store.var_dir)
    assert again.datasets()["name"].tolist() == ["kept"]
    pd.testing.assert_frame_equal(again.events(), store.events())
    assert again.dataset(dataset_id)["checksum"] == store.dataset(dataset_id)["checksum"]


def test_a_handle_sees_changes_made_through_another_handle_or_process(store, pack):
    """datasets() is kept between reruns; it must still see every change, wherever it was made."""
    assert store.datasets().empty
    other = Store(store.var_dir)  # as a second server process would have
    dataset_id = other.add(mixed_preview(pack), "from elsewhere")
    assert store.datasets()["name"].tolist() == ["from elsewhere"]
    (_, first_print, on), = store.state()
    assert on
    other.set_enabled(dataset_id, False)
    assert store.datasets()["enabled"].tolist() == [False]
    assert store.state() == ((dataset_id, first_print, False),)
    other.rename(dataset_id, "renamed")
    assert store.state()[0][1] != first_print  # the views keyed on the old name are not reused
    other.rename(dataset_id, "from elsewhere")
    store.set_enabled(dataset_id, True)
    store.set_enabled(dataset_id, False)  # two writes in a row through this handle
    assert store.datasets()["enabled"].tolist() == [False]
    answer = store.datasets()
    answer.loc[:, "name"] = "changed by a caller"  # callers get a copy, not the kept answer
    assert store.datasets()["name"].tolist() == ["from elsewhere"]
    other.delete(dataset_id)
    assert store.datasets().empty


def test_persists_across_processes(store, pack):
    store.add(mixed_preview(pack), "kept")
    code = textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(ROOT)!r})
        from components.imports.store import Store
        s = Store({str(store.var_dir)!r})
        ev = s.events()
        print(json.dumps({{"names": s.datasets()["name"].tolist(), "events": len(ev),
                          "ids": sorted(ev["source_record_id"].tolist())}}))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got == {"names": ["kept"], "events": 3, "ids": sorted(store.events()["source_record_id"].tolist())}


def test_var_dir_comes_from_the_environment(tmp_path, monkeypatch, pack):
    monkeypatch.setenv(store_mod.VAR_DIR_ENV, str(tmp_path / "elsewhere"))
    s = Store()
    assert s.path == tmp_path / "elsewhere" / store_mod.DB_FILE and s.path.exists()
    monkeypatch.delenv(store_mod.VAR_DIR_ENV)
    assert store_mod.default_var_dir() == ROOT / "var"


def test_a_failure_inside_the_transaction_leaves_the_store_as_it_was(store, pack):
    store.add(gtd_preview(pack, gtd_row(), name="before.csv"), "before")

    def fail(stage: str) -> None:
        if stage == "issues":
            raise RuntimeError("simulated failure before commit")

    with pytest.raises(RuntimeError, match="simulated"):
        store.add(mixed_preview(pack), "never", progress=fail)
    assert store.datasets()["name"].tolist() == ["before"]
    assert len(store.events(enabled_only=False)) == 1
    assert store.row_issues(2).empty


# ---------------------------------------------------------------- killed mid-import

CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from components.imports.preview import prepare_import
from components.imports.store import Store
data = open({csv!r}, "rb").read()
preview = prepare_import(data, "big-synthetic.csv", max_bytes=1 << 30)
store = Store({var!r})
print("prepared", preview.n_accepted, flush=True)

def progress(stage):
    print(stage, flush=True)
    if stage == {pause!r}:
        time.sleep(600)

store.add(preview, "big", progress=progress)
print("finished", flush=True)
"""


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big-synthetic.csv"
    gen_gtd.write(150_000, path, seed=11)  # more rows than a DuckDB row group: written to disk before the commit
    return path


def _import_and_kill(var_dir: Path, csv_path: Path, kill_at: str, pause: str | None) -> list[str]:
    code = CHILD.format(root=str(ROOT), csv=str(csv_path), var=str(var_dir), pause=pause)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = []
    try:
        for line in proc.stdout:
            seen.append(line.strip())
            if line.strip() == kill_at:
                os.kill(proc.pid, signal.SIGKILL)
                break
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL, (seen, proc.stderr.read())
    return seen


@pytest.mark.parametrize(("kill_at", "pause"), [("issues", "issues"), ("dataset", None)],
                         ids=["after-all-rows-written-before-commit", "while-inserting-rows"])
def test_killed_mid_import_the_store_opens_with_its_previous_content(tmp_path, pack, big_csv, kill_at, pause):
    var_dir = tmp_path / "var"
    store = Store(var_dir)
    before_id = store.add(mixed_preview(pack), "before the crash")
    before_datasets = store.datasets()[["dataset_id", "name", "checksum", "rows_accepted"]]
    before_events = store.events(enabled_only=False)

    seen = _import_and_kill(var_dir, big_csv, kill_at, pause)
    assert "begin" in seen and "finished" not in seen

    reopened = Store(var_dir)
    datasets = reopened.datasets()
    if pause is not None or len(datasets) == 1:  # killed before the commit: nothing of it is there
        pd.testing.assert_frame_equal(datasets[before_datasets.columns], before_datasets)
        pd.testing.assert_frame_equal(reopened.events(enabled_only=False), before_events)
        assert reopened.row_issues(before_id + 1).empty
    else:  # the commit won the race against the kill: then all of it is there
        rows = datasets.set_index("name").loc["big", "rows_accepted"]
        assert len(reopened.events(dataset_ids=[before_id + 1])) == rows
    # and the store keeps working
    again = reopened.add(gtd_preview(pack, gtd_row(), name="after.csv"), "after the crash")
    assert reopened.dataset(again)["rows_accepted"] == 1
