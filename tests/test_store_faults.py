"""Faults while the app runs, in a real server and browser: the store's PostgreSQL server stops and starts again
(every page says the imported datasets cannot be read, shows the curated data, then recovers with nothing lost),
and the app's process is killed (SIGKILL) at random points while it stores an upload, ten times: the store is
intact after each (the datasets stored before, complete; the interrupted one either whole or absent)."""

from __future__ import annotations

import os
import random
import signal
import time

import pytest

from components.imports.preview import prepare_import
from components.imports.store import open_store
from components.pack.load import load_datapack
from scripts.serve import started_app
from tests import test_browser
from tests.store_fixtures import own_cluster, table_counts
from tests.test_importers import gtd_csv, gtd_row

pytestmark = pytest.mark.browser
playwright = pytest.importorskip("playwright.sync_api")
browser, wait_ready, open_page = test_browser.browser, test_browser.wait_ready, test_browser.open_page

MARK = "Faulttown"
UNREADABLE = "The imported datasets could not be read; only the curated data is shown."  # every view's notice
UNREACHABLE = "The store of imported datasets cannot be reached at the moment."  # the import page's
KILLS = 10


@pytest.fixture(scope="module")
def cluster():
    with own_cluster() as c:  # not the session's: this one is stopped and started again
        yield c


def _stored(store, n: int, name: str, city: str = MARK) -> int:
    pack = load_datapack()
    rows = [gtd_row(city=city, summary=f"{city} incident {i}.", iyear="2013") for i in range(n)]
    preview = prepare_import(gtd_csv(*rows), f"{name}.csv", pack.tables["events"], pack.tables["regions"])
    return store.add(preview, name)


def _no_failure_shown(page) -> None:
    body = page.locator("body").inner_text()
    assert not page.locator("[data-testid=stException]").count(), body[:2000]
    for word in ("Traceback", "psycopg", "connection", "server closed", "refused"):  # no error's own words
        assert word not in body, body[:2000]


def test_the_store_server_stops_and_starts_again_while_the_app_runs(browser, cluster):
    url = cluster.create_database("kz_faults")
    store = open_store(url)
    dataset = _stored(store, 3, "Fault dataset")
    before = store.datasets()
    with started_app(env={"KZ_STORE_URL": url}) as app:
        context, page = open_page(browser, f"{app.url}/import")
        try:
            wait_ready(page)
            playwright.expect(page.get_by_text("Fault dataset").first).to_be_visible()
            cluster.pause()
            for path in ("import", "", "map", "data"):
                page.goto(f"{app.url}/{path}")
                wait_ready(page)
                _no_failure_shown(page)
                notice, other = (UNREACHABLE, UNREADABLE) if path == "import" else (UNREADABLE, UNREACHABLE)
                playwright.expect(page.get_by_text(notice, exact=False)).to_have_count(1)  # said once
                assert not page.get_by_text(other, exact=False).count()
                assert MARK not in page.locator("[data-testid=stMain]").inner_text()
            playwright.expect(page.locator("h1")).to_have_text("Data pack")  # the curated pack is still served
            cluster.resume()
            page.goto(f"{app.url}/import")
            wait_ready(page)
            _no_failure_shown(page)
            playwright.expect(page.get_by_text("Fault dataset").first).to_be_visible()
            assert not page.get_by_text(UNREACHABLE, exact=False).count()
            page.goto(f"{app.url}/map?region=Atyrau")
            wait_ready(page)
            assert not page.get_by_text(UNREADABLE).count(), "the views read the store again"
        finally:
            context.close()
    after = open_store(url).datasets()
    assert after.equals(before), "no dataset lost or changed"
    assert int(after.loc[after["dataset_id"] == dataset, "rows_accepted"].iloc[0]) == 3


def _store_in_browser(page, url: str, upload) -> float:
    """Upload ``upload`` on the import page and press Store once its preview is shown: the moment of the click."""
    page.goto(f"{url}/import")
    wait_ready(page)
    page.locator("input[type=file]").set_input_files(str(upload))
    page.get_by_role("button", name="Store this dataset").click(timeout=60_000)
    return time.monotonic()


@pytest.mark.parametrize("kind", ["duckdb", "postgres"])
def test_killing_the_app_while_it_stores_an_upload_leaves_the_store_intact(browser, cluster, tmp_path, kind):
    location = str(tmp_path / "var") if kind == "duckdb" else cluster.create_database("kz_kills")
    store = open_store(location)
    kept = _stored(store, 2, "Kept dataset")
    store.close()
    rows = 4000  # a few seconds of storing on this machine: the kills land before, during and after the writes
    upload = tmp_path / "interrupted.csv"
    upload.write_bytes(gtd_csv(*[gtd_row(city="Killtown", iyear=str(1991 + i % 26)) for i in range(rows)]))
    env = {"KZ_STORE_URL": location} if kind == "postgres" else {"KZ_VAR_DIR": location}
    seed = int(os.environ.get("KZ_FAULT_SEED", time.time_ns() % 10**6))
    rng = random.Random(seed)

    # How long storing takes, measured once: the kills are spread over that time.
    with started_app(env=env) as app:
        context, page = open_page(browser, f"{app.url}/import")
        try:
            clicked = _store_in_browser(page, app.url, upload)
            playwright.expect(page.get_by_text("Stored as dataset")).to_be_visible(timeout=120_000)
            took = time.monotonic() - clicked
        finally:
            context.close()
    store = open_store(location)
    reference = store.datasets()
    measured_id = int(reference.loc[reference["filename"] == upload.name, "dataset_id"].iloc[0])
    store.delete(measured_id)
    counts = table_counts(store)  # the baseline: the kept dataset, and the log of the measured import's add and delete
    store.close()

    outcomes = []
    for kill in range(KILLS):
        delay = rng.uniform(0, took)
        with started_app(env=env) as app:
            context, page = open_page(browser, f"{app.url}/import")
            try:
                clicked = _store_in_browser(page, app.url, upload)
                time.sleep(max(0.0, clicked + delay - time.monotonic()))  # the random point of the kill, measured from the click
                os.kill(app.pid, signal.SIGKILL)
                app.proc.wait(30)
            finally:
                context.close()
        store = open_store(location)
        try:
            datasets = store.datasets()
            ids = set(datasets["dataset_id"])
            assert kept in ids, f"kill {kill} (seed {seed}, {delay:.2f} s): a dataset stored before is lost"
            events = store.events()
            assert (events["dataset_id"] == kept).sum() == 2, f"kill {kill} (seed {seed}): the kept dataset changed"
            new = datasets[datasets["filename"] == upload.name]
            if len(new):  # stored whole before the kill: every row, its issues and its log entry
                new_id = int(new["dataset_id"].iloc[0])
                assert (events["dataset_id"] == new_id).sum() == int(new["rows_accepted"].iloc[0]) == rows, (
                    f"kill {kill} (seed {seed}): a half-written dataset")
                outcomes.append("whole")
                store.delete(new_id)
            else:
                outcomes.append("absent")
            # nothing left behind: no rows of a dataset that is not there, no log entry of a change not made (each
            # whole import logged its add and the test's delete)
            expected = {**counts, "changes": counts["changes"] + 2 * outcomes.count("whole")}
            assert table_counts(store) == expected, f"kill {kill} (seed {seed}, {delay:.2f} s): rows left behind"
        finally:
            store.close()
    print(f"{kind}: seed {seed}, storing took {took:.1f} s, outcomes {outcomes}")
