"""Deployment modes (KZ_MODE): the workstation shows the import page and the datasets stored; public serves the
curated pack alone, read-only, whatever the store holds; a setting not understood is public, and says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from components import deploy, i18n
from dashboard.data import DATA_DIR_ENV
from tests.conftest import open_app, serve_with_a_stored_gtd_dataset

ROOT = Path(__file__).resolve().parent.parent


def test_mode_of_reads_the_setting_and_fails_closed():
    assert deploy.mode_of(None) is deploy.WORKSTATION
    assert deploy.mode_of("") is deploy.WORKSTATION
    assert deploy.mode_of(" Public ") is deploy.PUBLIC
    assert deploy.mode_of("team") is deploy.TEAM
    typo = deploy.mode_of("pubic")
    assert (typo.name, typo.imports, typo.sign_in) == ("public", False, False)
    assert "'pubic'" in typo.problem and "KZ_MODE" in typo.problem
    assert deploy.current({"KZ_MODE": "workstation"}).imports and not deploy.current({}).public


@pytest.fixture
def stored(monkeypatch, tmp_path, small_pack):
    """The small pack served, with a store holding one GTD dataset of two rows, switched on."""
    var = tmp_path / "var"
    serve_with_a_stored_gtd_dataset(monkeypatch, var, small_pack, "Two synthetic rows")
    return small_pack, var


def incidents_tile(at, lang: str = "en") -> str:
    return next(m.value for m in at.metric if m.label == i18n.load(lang)("Incidents"))


def page_link_paths(at) -> list[str]:
    return [link.proto.page for link in at.get("page_link")]


def test_workstation_shows_the_stored_dataset_and_the_import_page(stored, monkeypatch):
    pack, _ = stored
    monkeypatch.delenv("KZ_MODE", raising=False)
    at = open_app()
    assert not at.exception
    assert incidents_tile(at) == str(len(pack.tables["events"]) + 2)
    assert any("import" in p for p in page_link_paths(at))


def test_public_serves_the_curated_pack_only_and_no_import_page(stored, monkeypatch):
    pack, _ = stored
    monkeypatch.setenv("KZ_MODE", "public")
    at = open_app()
    assert not at.exception and not at.error
    assert incidents_tile(at) == str(len(pack.tables["events"]))
    assert page_link_paths(at), "the other pages are linked"
    assert not any("import" in p for p in page_link_paths(at))
    for page in ("map", "timeline", "statistics", "sources", "data_pack"):
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, page
        assert not at.get("file_uploader"), page


def test_public_never_opens_the_store(monkeypatch, tmp_path, small_pack):
    monkeypatch.setenv(DATA_DIR_ENV, small_pack.data_dir)
    var = tmp_path / "never"
    monkeypatch.setenv("KZ_VAR_DIR", str(var))
    monkeypatch.setenv("KZ_MODE", "public")
    at = open_app()
    assert not at.exception
    assert not var.exists(), "no store file is created or read in public mode"


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_a_mode_not_understood_runs_read_only_and_says_why(stored, monkeypatch, lang):
    pack, _ = stored
    monkeypatch.setenv("KZ_MODE", "pubic")
    at = open_app(None, {"lang": lang})
    assert not at.exception
    expected = deploy.mode_of("pubic").problem.shown(i18n.load(lang))
    assert [e.value for e in at.error] == [expected]
    assert incidents_tile(at, lang) == str(len(pack.tables["events"]))  # the stored dataset is not shown
    assert not any("import" in p for p in page_link_paths(at))


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_a_store_that_cannot_be_read_is_said_once_in_the_language_then_recovers(stored, monkeypatch, lang):
    from components.store.base import StoreUnavailable
    from dashboard import data

    pack, _ = stored
    monkeypatch.delenv("KZ_MODE", raising=False)
    real = data.get_store

    def unreachable(path):
        raise StoreUnavailable(i18n.Msg("the store's server is not answering"))

    monkeypatch.setattr(data, "get_store", unreachable)
    t = i18n.load(lang)
    notice = t("The imported datasets could not be read; only the curated data is shown.")
    at = open_app(None, {"lang": lang})
    assert not at.exception
    assert [w.value for w in at.warning] == [notice]  # once, in the language chosen
    assert incidents_tile(at, lang) == str(len(pack.tables["events"]))  # the curated data alone
    at.switch_page("app_pages/map.py").run()
    assert [w.value for w in at.warning] == [notice]
    monkeypatch.setattr(data, "get_store", real)  # the store answers again
    at.switch_page("app_pages/overview.py").run()
    assert not at.exception and not at.warning
    assert incidents_tile(at, lang) == str(len(pack.tables["events"]) + 2)
