"""The stores of imported datasets (components.imports.store: DuckDB and PostgreSQL, each test on both): recording,
listing, switching on/off, deleting, persistence across instances and processes, the same frame from either store,
and the throwaway PostgreSQL cluster the tests use (scripts/pg_local.py). Races and kills are in
tests/test_store_concurrency.py.

Every fixture is synthetic (rows written here): no real GTD or ACLED row.
"""

from __future__ import annotations

import gettext
import json
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import duckdb
import pandas as pd
import psycopg
import pytest

from components.i18n import Msg, Translator
from components.imports import store as store_mod
from components.imports.acled import CITATION as ACLED_CITATION
from components.imports.columns import event_columns, imported_events_schema
from components.imports.gtd import CITATION as GTD_CITATION
from components.imports.preview import prepare_import
from components.imports.store import (
    ACTION_DELETE,
    ACTION_IMPORT,
    ACTION_RENAME,
    ACTION_SWITCH_OFF,
    ACTION_SWITCH_ON,
    ACTIONS,
    CHANGE_COLUMNS,
    COMPACT_COLUMNS,
    DatasetGone,
    DuckDBStore,
    DuplicateDatasetError,
    Store,
    combine_events,
    open_store,
)
from components.store import postgres_store
from components.store.postgres_store import PostgresStore
from scripts import pg_local
from tests.test_importers import ACLED_COLS, acled_row, gtd_csv, gtd_row, to_csv

pytest_plugins = ("tests.store_fixtures",)  # store (on DuckDB and on PostgreSQL), store_location, pg_url
pytest.register_assert_rewrite("tests.store_fixtures")  # a plugin, and a module we take helpers from
from tests.store_fixtures import table_counts, wait_until_blocked  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


_PREVIEWS: dict[tuple, object] = {}


def gtd_preview(pack, *rows, name="gtd-synthetic.csv"):
    """A GTD file of ``rows``, previewed. Kept by its name and rows (but their generated ``eventid``), so the two
    runs of a test, one per store, read it once: a preview costs a third of a second, and no store changes one."""
    key = (id(pack), name, tuple(tuple(sorted((k, v) for k, v in r.items() if k != "eventid")) for r in rows))
    if key not in _PREVIEWS:
        _PREVIEWS[key] = prepare_import(gtd_csv(*rows), name, pack.tables["events"], pack.tables["regions"])
    return _PREVIEWS[key]


_MIXED: dict[int, object] = {}


def mixed_preview(pack):
    """Six rows, one of each kind (kept for the session: reading a file costs a third of a second, and no store
    changes a preview)."""
    if id(pack) not in _MIXED:
        _MIXED[id(pack)] = _mixed_preview(pack)
    return _MIXED[id(pack)]


def _mixed_preview(pack):
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


def test_set_enabled_hides_and_shows_a_dataset(store, store_location, pack):
    a = store.add(gtd_preview(pack, gtd_row(), gtd_row(), name="a.csv"), "A")
    b = store.add(gtd_preview(pack, gtd_row(), name="b.csv"), "B")
    store.set_enabled(a, False)
    assert set(store.events()["dataset_id"]) == {b}
    assert set(store.events(enabled_only=False)["dataset_id"]) == {a, b}
    assert store.datasets().set_index("dataset_id")["enabled"].to_dict() == {a: False, b: True}
    assert [c["name"] for c in store.citations()] == ["B"]
    with open_store(store_location) as again:
        assert again.datasets().set_index("dataset_id")["enabled"].to_dict() == {a: False, b: True}
    store.set_enabled(a, True)
    assert len(store.events()) == 3
    with pytest.raises(DatasetGone, match="Dataset 99 is no longer in the import store"):
        store.set_enabled(99, True)
    with pytest.raises(KeyError):  # as an unknown id always was
        store.rename(99, "no such")


def test_delete_removes_the_dataset_its_events_and_its_row_lists(store, pack):
    a = store.add(mixed_preview(pack), "A")
    b = store.add(gtd_preview(pack, gtd_row(), name="b.csv"), "B")
    store.delete(a)
    assert store.datasets()["dataset_id"].tolist() == [b]
    assert set(store.events(enabled_only=False)["dataset_id"]) == {b}
    with pytest.raises(DatasetGone):  # not an empty list, which would say the file had no rows left out
        store.row_issues(a)
    with pytest.raises(DatasetGone):
        store.delete(a)
    assert table_counts(store) == {"datasets": 1, "events": 1, "row_issues": 0, "changes": 3}
    # the same file can be imported again once deleted
    assert store.add(mixed_preview(pack), "A again") == b + 1


def test_the_same_file_twice_is_refused_and_changes_nothing(store, pack):
    preview = gtd_preview(pack, gtd_row())
    first = store.add(preview, "first")
    with pytest.raises(DuplicateDatasetError, match=f"already imported as dataset {first} 'first'") as refused:
        store.add(preview, "second")
    assert refused.value.dataset_id == first and isinstance(refused.value.message, Msg)  # the page can translate it
    assert len(store.datasets()) == 1 and len(store.events()) == 1
    assert store.add(preview, "on purpose", allow_same_file=True) == first + 1
    with pytest.raises(DuplicateDatasetError, match=f"dataset {first} 'first'"):  # a copy on purpose counts too
        store.add(preview, "third")
    assert store.datasets()["name"].tolist() == ["first", "on purpose"]


def test_an_empty_store_returns_typed_empty_events(store, pack):
    events = store.events()
    assert events.empty and store.datasets().empty
    n = len(pack.tables["events"].columns)
    assert events.dtypes.iloc[:n].to_dict() == pack.tables["events"].dtypes.to_dict()
    assert store.events(dataset_ids=[]).empty


def test_persists_across_store_instances(store, store_location, pack):
    dataset_id = store.add(mixed_preview(pack), "kept")
    again = open_store(store_location)
    assert again.datasets()["name"].tolist() == ["kept"]
    pd.testing.assert_frame_equal(again.events(), store.events())
    assert again.dataset(dataset_id)["checksum"] == store.dataset(dataset_id)["checksum"]


def test_a_handle_sees_changes_made_through_another_handle_or_process(store, store_location, pack):
    """datasets() is kept between reruns; it must still see every change, wherever it was made."""
    assert store.datasets().empty
    other = open_store(store_location)  # as a second server process would have
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


def test_persists_across_processes(store, store_location, pack):
    store.add(mixed_preview(pack), "kept")
    code = textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(ROOT)!r})
        from components.imports.store import open_store
        s = open_store({store_location!r})
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
    # no row of "never" left anywhere, its row of the change log included
    assert table_counts(store) == {"datasets": 1, "events": 1, "row_issues": 0, "changes": 1}


def test_a_store_of_a_newer_schema_is_refused(store, store_location):
    with store._connect() as con:
        con.execute("UPDATE store_meta SET value = '99' WHERE key = 'schema_version'")
    store.close()
    with pytest.raises(store_mod.StoreError, match="written by a newer version of the dashboard"):
        open_store(store_location)


def test_a_duckdb_store_of_schema_1_gets_ids_from_a_sequence_past_its_last(tmp_path, pack):
    """Stores written before ids came from a sequence (MAX + 1 raced) keep their ids; new ones follow them."""
    store = Store(tmp_path / "var")
    first = store.add(gtd_preview(pack, gtd_row(), name="a.csv"), "A")
    second = store.add(gtd_preview(pack, gtd_row(), name="b.csv"), "B")
    con = duckdb.connect(str(store.path))
    con.execute("DROP SEQUENCE dataset_ids")
    con.execute("UPDATE store_meta SET value = '1' WHERE key = 'schema_version'")
    con.close()
    again = Store(tmp_path / "var")
    assert again.add(gtd_preview(pack, gtd_row(), name="c.csv"), "C") == second + 1
    assert again.datasets()["dataset_id"].tolist() == [first, second, second + 1]
    con = duckdb.connect(str(store.path))
    assert con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone() == (
        str(store_mod.SCHEMA_VERSION),)
    con.close()


# ---------------------------------------------------------------- the change log

CHANGE_DTYPES = {"change_id": "int64", "at": "datetime64[us]", "actor": "str", "action": "str", "dataset_id": "int64",
                 "dataset_name": "str", "detail": "object"}
ANA, BEK = "ana@example.org", "bek@example.org"


def logged(log: pd.DataFrame, *columns: str) -> list[tuple]:
    """The log's rows as tuples of ``columns``, blanks as None (NaN never equals itself)."""
    return [tuple(None if pd.isna(v) else v for v in row) for row in log[list(columns)].itertuples(index=False)]


def dtypes(frame: pd.DataFrame) -> dict[str, str]:
    return {col: str(dtype) for col, dtype in frame.dtypes.items()}


class _Russian(gettext.NullTranslations):
    """Two of the log's messages in Russian, as the catalogue will have them: enough to see that a detail read back
    from the store is still the message it was built from, not only its English."""

    def gettext(self, message):
        return {"'{old}' → '{new}'": "«{old}» → «{new}»"}.get(message, message)

    def ngettext(self, singular, plural, n):
        if singular == "file {file}: {n} row stored":
            return "файл {file}: сохранена {n} строка" if n % 10 == 1 and n % 100 != 11 else \
                "файл {file}: сохранены {n} строки" if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else \
                "файл {file}: сохранено {n} строк"
        return super().ngettext(singular, plural, n)


def test_each_change_is_logged_once_with_who_what_and_which_dataset(store, pack):
    before = pd.Timestamp.now(tz="UTC").tz_localize(None)
    a = store.add(gtd_preview(pack, gtd_row(), gtd_row(), name="a.csv"), "A", actor=ANA)
    store.set_enabled(a, False, actor=BEK)
    store.set_enabled(a, False, actor=BEK)  # off already: nothing changes, so nothing is logged
    store.set_enabled(a, True)  # on a workstation: its one user, not named
    store.set_enabled(a, True, actor=ANA)
    store.rename(a, "A renamed", actor=ANA)
    store.rename(a, " A renamed ", actor=BEK)  # the same name, once trimmed
    store.delete(a, actor=BEK)
    after = pd.Timestamp.now(tz="UTC").tz_localize(None)
    log = store.changes()
    assert list(log.columns) == list(CHANGE_COLUMNS) and dtypes(log) == CHANGE_DTYPES
    assert logged(log, "actor", "action", "dataset_id", "dataset_name", "detail") == [  # newest first
        (BEK, ACTION_DELETE, a, "A renamed", "file a.csv: 2 rows removed"),
        (ANA, ACTION_RENAME, a, "A renamed", "'A' → 'A renamed'"),
        (None, ACTION_SWITCH_ON, a, "A", None),
        (BEK, ACTION_SWITCH_OFF, a, "A", None),
        (ANA, ACTION_IMPORT, a, "A", "file a.csv: 2 rows stored"),
    ]
    assert set(log["action"]) <= set(ACTIONS)
    assert log["change_id"].is_monotonic_decreasing and log["change_id"].is_unique
    assert log["at"].is_monotonic_decreasing and before <= log["at"].min() and log["at"].max() <= after
    # The detail comes back as the message it was built from, so the page can show it in the reader's language.
    russian = Translator("ru", _Russian())
    assert [d.shown(russian) for d in log["detail"].iloc[[1, 4]]] == ["«A» → «A renamed»",
                                                                      "файл a.csv: сохранены 2 строки"]


def test_a_change_that_fails_is_not_logged(store, pack):
    preview = gtd_preview(pack, gtd_row(), name="kept.csv")
    kept = store.add(preview, "kept", actor=ANA)
    with pytest.raises(DuplicateDatasetError):
        store.add(preview, "again", actor=ANA)

    def fail_at(where: str):
        def progress(stage: str) -> None:
            if stage == where:  # past the log's row, before the commit
                raise RuntimeError("simulated failure before commit")
        return progress

    with pytest.raises(RuntimeError, match="simulated"):
        store.add(mixed_preview(pack), "never", progress=fail_at("issues"), actor=ANA)
    with pytest.raises(RuntimeError, match="simulated"):
        store.delete(kept, progress=fail_at("deleted"), actor=BEK)
    for call in (lambda: store.set_enabled(99, False, actor=BEK), lambda: store.rename(99, "x", actor=BEK),
                 lambda: store.delete(99, actor=BEK)):
        with pytest.raises(DatasetGone):
            call()
    assert store.datasets()["name"].tolist() == ["kept"]
    assert logged(store.changes(), "actor", "action", "dataset_name") == [(ANA, ACTION_IMPORT, "kept")]
    assert table_counts(store)["changes"] == 1  # nothing rolled back left a row behind


def test_a_deleted_dataset_keeps_its_name_in_the_log(store, store_location, pack):
    doomed = store.add(gtd_preview(pack, gtd_row(), name="doomed.csv"), "Doomed", actor=ANA)
    kept = store.add(gtd_preview(pack, gtd_row(), name="kept.csv"), "Kept", actor=ANA)
    store.delete(doomed, actor=BEK)
    assert store.datasets()["dataset_id"].tolist() == [kept]
    with open_store(store_location) as again:  # kept in the database, not in this handle
        log = again.changes()
    assert logged(log[log["dataset_id"] == doomed], "actor", "action", "dataset_name", "detail") == [
        (BEK, ACTION_DELETE, "Doomed", "file doomed.csv: 1 row removed"),
        (ANA, ACTION_IMPORT, "Doomed", "file doomed.csv: 1 row stored")]


def test_changes_are_newest_first_and_at_most_the_limit(store, pack):
    empty = store.changes()
    assert empty.empty and list(empty.columns) == list(CHANGE_COLUMNS) and dtypes(empty) == CHANGE_DTYPES
    a = store.add(gtd_preview(pack, gtd_row(), name="a.csv"), "A")
    b = store.add(gtd_preview(pack, gtd_row(), name="b.csv"), "B")
    store.set_enabled(a, False)
    store.rename(b, "B2")
    assert logged(store.changes(), "action", "dataset_id") == [(ACTION_RENAME, b), (ACTION_SWITCH_OFF, a),
                                                               (ACTION_IMPORT, b), (ACTION_IMPORT, a)]
    assert logged(store.changes(limit=2), "action", "dataset_id") == [(ACTION_RENAME, b), (ACTION_SWITCH_OFF, a)]
    none = store.changes(limit=0)
    assert none.empty and dtypes(none) == CHANGE_DTYPES


def test_a_duckdb_store_of_schema_2_gets_the_change_log_and_keeps_its_data(tmp_path, pack):
    """A store written before the change log existed: opened, it is upgraded in place, its datasets as they were;
    its log starts empty (who imported them was never recorded) and records what happens next."""
    store = Store(tmp_path / "var")
    a = store.add(mixed_preview(pack), "A")
    store.set_enabled(a, False)
    before_datasets, before_events = store.datasets(), store.events(enabled_only=False)
    con = duckdb.connect(str(store.path))
    con.execute("DROP TABLE changes")
    con.execute("DROP SEQUENCE change_ids")
    con.execute("UPDATE store_meta SET value = '2' WHERE key = 'schema_version'")
    con.close()
    again = Store(tmp_path / "var")
    pd.testing.assert_frame_equal(again.datasets(), before_datasets)
    pd.testing.assert_frame_equal(again.events(enabled_only=False), before_events)
    assert again.changes().empty
    again.set_enabled(a, True, actor=ANA)
    assert logged(again.changes(), "actor", "action", "dataset_id") == [(ANA, ACTION_SWITCH_ON, a)]
    con = duckdb.connect(str(store.path))
    assert con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone() == (
        str(store_mod.SCHEMA_VERSION),)
    con.close()


def test_a_postgres_store_of_schema_1_gets_the_change_log_under_the_migration_lock(pg_url, pack):
    """The upgrade waits for the advisory lock that another process creating or upgrading the schema holds, then
    adds the log and keeps the data."""
    store = open_store(pg_url)
    a = store.add(mixed_preview(pack), "A")
    before_datasets, before_events = store.datasets(), store.events(enabled_only=False)
    store.close()
    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute("DROP TABLE kz_imports.changes")
        con.execute("UPDATE kz_imports.store_meta SET value = '1' WHERE key = 'schema_version'")
    opened: dict[str, object] = {}

    def reopen() -> None:
        try:
            opened["store"] = open_store(pg_url)
        except Exception as exc:  # kept for the assertion below
            opened["error"] = exc

    with psycopg.connect(pg_url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", [postgres_store._MIGRATION_LOCK])
        opener = threading.Thread(target=reopen, daemon=True)
        opener.start()
        assert wait_until_blocked(store), "the upgrade did not wait for the migration lock"
        holder.execute("SELECT pg_advisory_unlock(%s)", [postgres_store._MIGRATION_LOCK])
        opener.join(30)
    assert "error" not in opened and not opener.is_alive()
    again = opened["store"]
    pd.testing.assert_frame_equal(again.datasets(), before_datasets)
    pd.testing.assert_frame_equal(again.events(enabled_only=False), before_events)
    assert again.changes().empty
    again.rename(a, "A2", actor=ANA)
    assert logged(again.changes(), "actor", "action", "dataset_name") == [(ANA, ACTION_RENAME, "A2")]
    with again._connect() as con:
        assert con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone() == (
            str(postgres_store.SCHEMA_VERSION),)
    again.close()


# ---------------------------------------------------------------- the same frames from both stores

SUMMARY = 'A "synthetic" row,\non two lines, with a back\\slash and a \\N that is not blank.'


def own_preview(pack):
    """The dashboard's own format, with text that a CSV round trip could spoil: quotes, a newline, Cyrillic and
    Kazakh letters, a comma."""
    row = {**dict.fromkeys(event_columns(), ""), "event_id": "ev-2012-01-02-synth", "date": "2012-01-02",
           "date_precision": "day", "place": "Шымкент, Қаратау", "region": "Aqtobe", "event_type": "attack",
           "attack_type": "Unknown", "target_type": "Unknown", "perpetrator_group": "Unknown",
           "classification": "disputed", "summary": SUMMARY, "latitude": "50.283333",
           "longitude": "57.166667"}
    return prepare_import(to_csv([row]), "mine.csv", pack.tables["events"])


def test_both_stores_give_the_same_frames_for_the_same_data(tmp_path, pg_url, pack):
    previews = [mixed_preview(pack), own_preview(pack),
                prepare_import(to_csv([acled_row(), acled_row(fatalities="")], ACLED_COLS), "acled.csv",
                               pack.tables["events"])]
    duck, pg = Store(tmp_path / "var"), open_store(pg_url)
    for preview in previews:
        assert duck.add(preview, preview.filename) == pg.add(preview, preview.filename)
    duck.set_enabled(2, False, actor=ANA)
    pg.set_enabled(2, False, actor=ANA)
    for kwargs in ({}, {"enabled_only": False}, {"categorical": COMPACT_COLUMNS}, {"dataset_ids": [3, 2, 1]}):
        expected = duck.events(**kwargs)
        pd.testing.assert_frame_equal(pg.events(**kwargs), expected, check_exact=True)
        assert len(expected)
    assert pg.events(enabled_only=False).set_index("source_format").loc["events", "summary"] == SUMMARY
    pd.testing.assert_frame_equal(pg.datasets().drop(columns="imported_at"),
                                  duck.datasets().drop(columns="imported_at"))
    pd.testing.assert_frame_equal(pg.row_issues(1), duck.row_issues(1))
    pd.testing.assert_frame_equal(pg.row_issues(1, "rejected"), duck.row_issues(1, "rejected"))
    pd.testing.assert_frame_equal(pg.events(dataset_ids=[]), duck.events(dataset_ids=[]))
    assert pg.citations() == duck.citations()
    pd.testing.assert_frame_equal(pg.changes().drop(columns="at"), duck.changes().drop(columns="at"))
    assert dtypes(pg.changes()) == dtypes(duck.changes()) == CHANGE_DTYPES


def test_open_store_chooses_the_store_by_its_location(tmp_path, pg_url, monkeypatch):
    assert type(open_store(str(tmp_path / "var"))) is DuckDBStore
    with_password = pg_url.replace("postgres@", "postgres:not-shown@")  # the cluster trusts, the URL still says it
    pg = open_store(with_password)
    assert type(pg) is PostgresStore and "not-shown" not in str(pg.path) and pg.path.startswith("postgresql://")
    monkeypatch.setenv(store_mod.STORE_URL_ENV, pg_url)
    assert type(open_store()) is PostgresStore
    with pytest.raises(store_mod.StoreError, match="cannot open the import store postgresql://someone@127.0.0.1:1/"
                       ) as failed:
        open_store("postgresql://someone:not-shown@127.0.0.1:1/nowhere", connect_timeout=2)
    assert "not-shown" not in str(failed.value) and isinstance(failed.value.message, Msg)


def test_a_store_server_that_cannot_be_reached_is_said_apart_from_a_refusal(tmp_path):
    with pytest.raises(store_mod.StoreUnavailable):
        open_store("postgresql://someone@127.0.0.1:1/nowhere", connect_timeout=2)
    duplicate = store_mod.DuplicateDatasetError("stored already", 1)
    assert not isinstance(duplicate, store_mod.StoreUnavailable), "a refusal is not an outage: its words are shown"


def test_kept_connections_that_the_server_ended_are_replaced_without_an_error(pg_url, pg_cluster, pack):
    store = open_store(pg_url)
    store.add(gtd_preview(pack, gtd_row(city="Keptown"), name="kept.csv"), "kept")
    for _ in range(3):  # a few connections kept in the pool
        store.datasets()
    # What a restart of the server does to the connections the app keeps: it ends them (they idle in the pool).
    pg_cluster.end_sessions(pg_url.rsplit("/", 1)[1])
    assert list(store.datasets()["name"]) == ["kept"], "read at once, on a new connection, with no error shown"
    assert store.add(gtd_preview(pack, gtd_row(city="Aftertown"), name="after.csv"), "after") > 0


# ---------------------------------------------------------------- the throwaway PostgreSQL (scripts/pg_local.py)

def test_pg_local_starts_a_loopback_cluster_prints_its_url_and_stops():
    import os
    import shutil
    import tempfile

    # Not under pytest's private temp dir: as root, the server's own user must be able to reach the cluster's.
    parent = Path(tempfile.mkdtemp(prefix="kz-pg-cli-"))
    os.chmod(parent, 0o755)
    where = parent / "cluster"
    cli = [sys.executable, "-m", "scripts.pg_local"]
    started = subprocess.run([*cli, "start", "--dir", str(where)], capture_output=True, text=True, cwd=ROOT,
                             timeout=120)
    try:
        assert started.returncode == 0, started.stderr
        url = started.stdout.strip()
        assert url.startswith("postgresql://postgres@127.0.0.1:")
        with psycopg.connect(url) as con:
            assert con.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
            assert con.execute("SHOW unix_socket_directories").fetchone() == (str(where.resolve()),)
            rules = con.execute("SELECT type, address FROM pg_hba_file_rules ORDER BY line_number").fetchall()
        assert rules == [("local", None), ("host", "127.0.0.1")]
    finally:
        stopped = subprocess.run([*cli, "stop", "--dir", str(where)], capture_output=True, text=True, cwd=ROOT,
                                 timeout=120)
    assert stopped.returncode == 0, stopped.stderr
    assert not where.exists()
    shutil.rmtree(parent)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2)


def test_pg_local_without_postgresql_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PG_BIN", str(tmp_path))
    monkeypatch.setattr(pg_local.glob, "glob", lambda pattern: [])
    monkeypatch.setattr(pg_local.shutil, "which", lambda name: None)
    with pytest.raises(pg_local.PgNotInstalled, match="apt-get install postgresql"):
        pg_local.start(tmp_path / "cluster")
