"""Shared fixtures: the shipped data pack, and writable copies of it to break."""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

# Tests never read or write a developer's store of imported datasets: every run gets its own empty one (set before
# any app code runs, and inherited by the servers the browser tests start).
os.environ["KZ_VAR_DIR"] = tempfile.mkdtemp(prefix="kz-test-var-")

from components.pack.load import DEFAULT_DATA_DIR, DataPack, load_datapack

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")


@pytest.fixture(scope="session")
def pack() -> DataPack:
    return load_datapack(DEFAULT_DATA_DIR)


@pytest.fixture(scope="session")
def small_pack(tmp_path_factory) -> DataPack:
    """The small pack built in code (tests/fixtures.py), written once per session; ``fixtures.load_small_pack``
    asserts it loads without an error."""
    from tests import fixtures

    return fixtures.load_small_pack(tmp_path_factory.mktemp("small-pack") / "data")


def serve_with_a_stored_gtd_dataset(monkeypatch, var: Path, pack: DataPack, name: str) -> int:
    """Serve ``pack`` (KZ_DATA_DIR) with a store in ``var`` (KZ_VAR_DIR) that holds one GTD dataset (licensed: no
    redistribution) called ``name``, switched on: two rows, Ekibastuz 2014 and Shu 2013. Its id."""
    from components.imports.preview import prepare_import
    from components.imports.store import Store
    from dashboard.data import DATA_DIR_ENV
    from tests.test_importers import gtd_csv, gtd_row

    monkeypatch.setenv(DATA_DIR_ENV, pack.data_dir)
    monkeypatch.setenv("KZ_VAR_DIR", str(var))
    rows = [gtd_row(iyear="2014", provstate="Pavlodar", city="Ekibastuz", latitude="51.72", longitude="75.32"),
            gtd_row(iyear="2013", provstate="Zhambyl", city="Shu", latitude="43.6", longitude="73.76")]
    preview = prepare_import(gtd_csv(*rows), "two.csv", pack.tables["events"], pack.tables["regions"])
    return Store(var).add(preview, name)


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped data pack."""
    dest = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, dest)
    return dest


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def edit_table(data_dir: Path, file: str, change: Callable[[list[str], list[dict[str, str]]], tuple[list[str], list[dict[str, str]]] | None]) -> None:
    """Rewrite data_dir/file after ``change(header, rows)`` edited them in place (or returned new ones)."""
    path = data_dir / file
    header, rows = read_rows(path)
    result = change(header, rows)
    if result is not None:
        header, rows = result
    write_rows(path, header, rows)


def open_tables(at):
    """Open every 'View as table' expander of the page shown (they run their content only while open: see
    dashboard.frame.table_box) and rerun; the AppTest, for chaining."""
    from dashboard.frame import TABLE_BOX

    for key in [k for k in at.session_state.keys() if str(k).endswith(TABLE_BOX)]:
        at.session_state[key] = True
    return at.run()


def open_app(page: str | None = None, query: Mapping[str, object] | None = None, timeout: float = 90,
             tables: bool = False):
    """The dashboard in AppTest, opened at `page` (a script under dashboard/) with `query` as its URL parameters;
    with `tables`, its 'View as table' expanders open."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    return open_tables(at) if tables else at
