"""Imported datasets in the app: listed on the import page, shown in the views with their provenance, switched
off and deleted; the curated pack untouched. (A real upload through the page is in test_browser.py.)"""

from __future__ import annotations

import io
import zipfile

import pytest
from streamlit.testing.v1 import AppTest

from components.imports import gtd
from components.imports.preview import prepare_import
from components.imports.store import Store
from components.pack.load import DEFAULT_DATA_DIR, load_datapack
from scripts import gen_gtd
from tests.conftest import open_app


@pytest.fixture
def var_dir(tmp_path, monkeypatch):
    path = tmp_path / "var"
    monkeypatch.setenv("KZ_VAR_DIR", str(path))
    return path


@pytest.fixture
def stored(var_dir):
    pack = load_datapack(DEFAULT_DATA_DIR)
    preview = prepare_import(gen_gtd.to_csv_bytes(300, seed=7), "synthetic_gtd.csv",
                             pack.tables["events"], pack.tables["regions"])
    dataset_id = Store(var_dir).add(preview, "Synthetic GTD sample")
    return dataset_id, preview


def run(page: str | None = None, query: dict | None = None) -> AppTest:
    return open_app(page, query, timeout=120)


def incidents(at: AppTest) -> int:
    return int(next(m.value for m in at.metric if m.label == "Incidents"))


def test_import_page_without_datasets_explains_itself(var_dir):
    at = run("app_pages/import_data.py")
    assert not at.exception
    assert any("No dataset imported yet" in c.value for c in at.caption)


def test_stored_dataset_is_listed_and_shown_in_the_views(stored, pack):
    dataset_id, preview = stored
    at = run("app_pages/import_data.py")
    assert not at.exception
    text = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "Synthetic GTD sample" in text
    assert any(gtd.CITATION[:40] in c.value.replace("\\", "") for c in at.caption)
    at.switch_page("app_pages/overview.py").run()
    kept = int(preview.accepted["duplicate_of"].isna().sum())
    assert incidents(at) == len(pack.tables["events"]) + kept
    for page in ("app_pages/map.py", "app_pages/timeline.py", "app_pages/sources.py"):
        at.switch_page(page).run()
        assert not at.exception, page


def test_switching_off_and_deleting(stored, pack, var_dir):
    dataset_id, _ = stored
    at = run("app_pages/import_data.py")
    at.toggle(key=f"ds_on_{dataset_id}").set_value(False).run()
    assert not Store(var_dir).datasets()["enabled"].any()
    at.switch_page("app_pages/overview.py").run()
    assert incidents(at) == len(pack.tables["events"])
    at.switch_page("app_pages/import_data.py").run()
    at.button(key=f"ds_del_{dataset_id}").click().run()
    assert Store(var_dir).datasets().empty
    assert load_datapack(DEFAULT_DATA_DIR).tables["events"].equals(pack.tables["events"])


def test_a_dataset_replaced_by_another_shows_its_own_rows(stored, pack, var_dir):
    """Delete dataset 1 and import another file: it gets a new id (the store's sequence never gives an id twice, so
    a link or a view kept for the old dataset can never name the new one), and the views show the new rows."""
    dataset_id, first = stored
    at = run("app_pages/overview.py")
    assert incidents(at) == len(pack.tables["events"]) + int(first.accepted["duplicate_of"].isna().sum())
    store = Store(var_dir)
    store.delete(dataset_id)
    second = prepare_import(gen_gtd.to_csv_bytes(120, seed=11), "another.csv", pack.tables["events"],
                            pack.tables["regions"])
    assert store.add(second, "Another sample") > dataset_id
    at.run()
    assert incidents(at) == len(pack.tables["events"]) + int(second.accepted["duplicate_of"].isna().sum())


def test_exports_carry_the_dataset_citation_and_the_rows_their_provenance(stored):
    """The GTD's rows are counted in the views but left out of the zip (its terms forbid redistributing them): the
    README and sources.csv cite the dataset and its licence (tests/test_export_licences.py checks the rest)."""
    from components import exports
    from components.filters import Filters
    from dashboard.data import with_imports

    dataset_id, _ = stored
    pack = load_datapack(DEFAULT_DATA_DIR)
    import os
    view = with_imports(pack, Store(os.environ["KZ_VAR_DIR"]), (dataset_id,))
    tables = exports.filtered_tables(view.tables, Filters())
    blob = exports.zip_export(tables, view.metadata, "All", __import__("datetime").date(2026, 11, 22))
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        events = zf.read("events.csv").decode("utf-8-sig")
        sources = zf.read("sources.csv").decode("utf-8-sig")
        readme = zf.read("README.txt").decode("utf-8")
    assert f"import-{dataset_id}" not in events and ",gtd," not in events
    assert gtd.CITATION[:40] in sources and gtd.CITATION in readme and gtd.LICENCE in readme
    imported = tables["events"][tables["events"]["source_format"] == "gtd"]
    assert imported["casualty_note"].notna().all()
    # GTD's nkill includes perpetrators: it becomes all deaths; victims are known only where nkillter separates them
    known = imported[imported["killed"].notna()]
    assert (known["killed"] == known["total_deaths"] - known["perpetrators_killed"]).all()
    assert imported["killed"].isna().any()


def test_a_briefing_pack_prepared_with_a_dataset_on_is_not_offered_once_it_is_off(stored, var_dir):
    """The prepared pack belongs to the data it was built from: switching an imported dataset off (same filters)
    makes it stale, as changing a filter does."""
    from dashboard.briefing_ui import _PREPARED

    dataset_id, _ = stored
    at = run()
    at.button(key="briefing_prepare").click().run()
    assert not at.exception
    assert "PowerPoint (.pptx)" in [b.proto.label for b in at.get("download_button")]
    Store(var_dir).set_enabled(dataset_id, False)
    at.run()
    assert not at.exception
    assert "PowerPoint (.pptx)" not in [b.proto.label for b in at.get("download_button")]
    assert any("data changed" in c.value for c in at.caption)
    assert at.session_state[_PREPARED] is not None
