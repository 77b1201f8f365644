"""Two app processes on two loopback ports sharing one PostgreSQL store, behind HAProxy with the shipped sticky
configuration (deploy/haproxy.cfg), driven by two browsers: each browser stays on its replica (its uploads reach
the process that holds its session), a dataset stored through one replica is listed by the other, and a switch made
on the other is seen by the first."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from components.imports.store import open_store
from scripts.serve import free_port, started_app, wait_healthy
from tests import test_browser
from tests.store_fixtures import own_cluster
from tests.test_importers import gtd_csv, gtd_row

pytestmark = pytest.mark.browser
playwright = pytest.importorskip("playwright.sync_api")
browser, wait_ready, open_page = test_browser.browser, test_browser.wait_ready, test_browser.open_page

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "deploy" / "haproxy.cfg"
COOKIE = "KZ_REPLICA"


@contextmanager
def proxy(replicas: list[str]):
    """HAProxy on a free loopback port with the shipped configuration, in front of ``replicas`` (host:port)."""
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(haproxy).exists():
        pytest.fail("haproxy is missing: `make test` installs Debian's haproxy package", pytrace=False)
    port = free_port()
    env = {**os.environ, "KZ_PROXY_BIND": f"127.0.0.1:{port}", "KZ_REPLICA_A": replicas[0],
           "KZ_REPLICA_B": replicas[1]}
    proc = subprocess.Popen([haproxy, "-db", "-f", str(CONFIG)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        if not wait_healthy(url, proc, 30):
            raise RuntimeError(f"haproxy did not start: {proc.stderr.read() if proc.stderr else ''}")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def deployment():
    """(proxy URL, store URL): two replicas on one throwaway PostgreSQL, behind the proxy."""
    with own_cluster() as cluster:
        store_url = cluster.create_database("kz_replicas")
        open_store(store_url).close()  # the schema, before two processes start at once
        env = {"KZ_STORE_URL": store_url}
        with started_app(env=env) as a, started_app(env=env) as b, \
                proxy([a.url.removeprefix("http://"), b.url.removeprefix("http://")]) as url:
            yield url, store_url


def _replica(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == COOKIE)


def _on_other_replica(browser, url: str, taken: str):
    """A new browser that the proxy sent to the replica other than ``taken`` (round robin: the next one or two)."""
    for _ in range(4):
        context, page = open_page(browser, f"{url}/import")
        page.goto(f"{url}/import")
        wait_ready(page)
        if _replica(context) != taken:
            return context, page
        context.close()
    pytest.fail(f"every new browser was sent to replica {taken}: the proxy does not balance")


def test_two_replicas_share_the_store_and_keep_each_browser_on_its_own(browser, deployment, tmp_path):
    url, store_url = deployment
    upload = tmp_path / "replicated.csv"
    upload.write_bytes(gtd_csv(gtd_row(city="Replicatown", iyear="2014"), gtd_row(city="Replicatown", iyear="2015")))
    first, page_a = open_page(browser, f"{url}/import")
    page_a.goto(f"{url}/import")
    wait_ready(page_a)
    replica_a = _replica(first)
    second, page_b = _on_other_replica(browser, url, replica_a)  # open before the import
    try:
        # Stored through replica A: the upload went to A with the browser's cookie, as its websocket did.
        page_a.locator("input[type=file]").set_input_files(str(upload))
        page_a.get_by_role("button", name="Store this dataset").click(timeout=60_000)
        playwright.expect(page_a.get_by_text("Stored as dataset")).to_be_visible(timeout=60_000)
        assert _replica(first) == replica_a, "the browser stayed on its replica"
        stored = open_store(store_url).datasets()
        dataset = int(stored.loc[stored["filename"] == upload.name, "dataset_id"].iloc[0])

        # Replica B lists it at its next run, and switches it off.
        page_b.goto(f"{url}/import")
        wait_ready(page_b)
        assert _replica(second) != replica_a
        switch = page_b.locator(f".st-key-ds_on_{dataset} input")
        playwright.expect(switch).to_be_checked()
        switch.focus()  # by keyboard: the switch's label covers it
        page_b.keyboard.press("Space")
        deadline = time.monotonic() + 60
        while bool(open_store(store_url).datasets().set_index("dataset_id").loc[dataset, "enabled"]):
            assert time.monotonic() < deadline, "replica B did not switch the dataset off"
            page_b.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=30_000)
            time.sleep(0.2)  # between two looks at the store

        # Replica A sees the switch at its next run: it reads the shared store, not a copy of its own.
        page_a.goto(f"{url}/import")
        wait_ready(page_a)
        playwright.expect(page_a.locator(f".st-key-ds_on_{dataset} input")).not_to_be_checked()
        assert _replica(first) == replica_a
    finally:
        first.close()
        second.close()
