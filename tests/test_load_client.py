"""The load benchmark's client (scripts/load_client.py) against a real server: two users at once speak Streamlit's
websocket protocol, their filter changes reach the app (the address and the filter statement it sends back say so),
each keeps its own session, and the benchmark's own interactions run without an error. No browser; no fixed wait
(every step waits for the run's end, with a timeout)."""

from __future__ import annotations

import asyncio
import random
import urllib.parse

import pytest

from components import filters as flt
from components.text import escape_md
from scripts import bench_load
from scripts.load_client import Session
from scripts.serve import running_app

TIMEOUT = 120  # one run under a loaded CI machine; never reached when the app answers


@pytest.fixture(scope="module")
def app_url():
    with running_app(timeout=180) as url:
        yield url


def statement(texts: list[str]) -> str:
    """The filter in words at the top of the page, as sent (bold markdown)."""
    return next(t for t in texts if t.startswith("**"))


def expected_statement(pack, *regions: str) -> str:
    """What the page says of the filter: the filter's own words and its count of the pack's incidents."""
    chosen = flt.Filters(regions=regions)
    n = int(chosen.mask(pack.tables["events"]).sum())
    return f"**{escape_md(chosen.describe(n))}**"


async def one_user(url: str, region: str, pack) -> dict:
    session = Session(url, timeout=TIMEOUT)
    try:
        first = await session.open()
        opened = statement(first.texts)
        regions = session.widget(flt.KEY_REGIONS)
        # the options are labels in the vocabulary's order (the regions table, sorted): the label of our region
        vocab = sorted(pack.tables["regions"]["region"])
        label = regions.options[vocab.index(region)]
        changed = await session.change(flt.KEY_REGIONS, [label])
        after_change = (dict(urllib.parse.parse_qsl(session.query_string)), statement(changed.texts))
        on_map = await session.go("map")
        after_map = (dict(urllib.parse.parse_qsl(session.query_string)), statement(on_map.texts),
                     on_map.elements.get("deck_gl_json_chart", 0))
        reset = next(w.key for w in session.widgets.values() if w.kind == "button" and w.sidebar
                     and w.key.startswith("$$ID-"))
        await session.click(reset)
        after_reset = session.query_string
        return {"open": opened, "change": after_change, "map": after_map, "reset": after_reset}
    finally:
        await session.close()


def test_two_users_filter_and_switch_pages(app_url, pack):
    counts = pack.tables["events"]["region"].value_counts()
    regions = [str(r) for r in counts.index[:2]]  # two regions with incidents: the statement counts them
    assert len(regions) == 2

    async def both():
        return await asyncio.gather(*(one_user(app_url, r, pack) for r in regions))

    results = asyncio.run(both())
    for region, result in zip(regions, results):
        assert result["open"] == expected_statement(pack)  # the default view: every incident
        params, text = result["change"]
        assert params.get(flt.KEY_REGIONS) == region  # the app wrote the user's choice into the address
        assert text == expected_statement(pack, region)
        params, text, maps = result["map"]
        assert params.get(flt.KEY_REGIONS) == region  # the page link carried the filter to the map
        assert text == expected_statement(pack, region)
        assert maps == 1
        assert flt.KEY_REGIONS not in urllib.parse.parse_qs(result["reset"])  # "Reset filters" cleared it
    # (each user saw its own region, never the other's: two sessions at once, each with its own filter)


def test_benchmark_interactions_complete_without_errors(app_url):
    """The benchmark's own interactions (random filters, page links, reset, shading), a few per user, two users at
    once: every one ends with the script idle and no exception on the page."""

    async def user(index: int) -> list[str]:
        rng = random.Random(index)
        session = Session(app_url, timeout=TIMEOUT)
        done = []
        try:
            await session.open()
            for _ in range(8):
                done.append(await bench_load.interact(session, rng, bench_load.PAGES))
        finally:
            await session.close()
        return done

    async def both():
        return await asyncio.gather(user(1), user(2), return_exceptions=True)

    results = asyncio.run(both())
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, [str(e) for e in errors]
    actions = [a for r in results for a in r]
    assert len(actions) == 16
    assert "page" in actions and any(a.startswith("filter:") for a in actions)


def test_server_memory_is_read_from_proc(app_url):
    port = urllib.parse.urlsplit(app_url).port
    pid = bench_load.pid_listening_on(port)
    assert pid is not None
    assert bench_load.rss_mb([pid]) > 50  # an interpreter with Streamlit, pandas and the data pack loaded
    assert bench_load.cpu_s([pid]) > 0
