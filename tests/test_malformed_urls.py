"""500 malformed addresses across every page and every mode, each opened as a first visit is (a new session on a real
server, through Streamlit's own protocol: scripts/load_client.py): no exception on any page, every run finishes,
and in public mode no address reaches an upload or the import page.

The addresses are made from a fixed seed (``KZ_URL_SEED`` repeats another run): wrong types, out-of-range and
reversed years, unknown and repeated keys, values in other scripts, markup and script payloads, percent-encoding
gone wrong, control characters, very long values, and paths that are not pages."""

from __future__ import annotations

import asyncio
import os
import random
import urllib.parse

import pytest

from scripts.load_client import LoadError, Session
from scripts.serve import running_app

pytestmark = pytest.mark.browser  # a real server (no browser): with the slow end-to-end tests

TOTAL = 500
CONCURRENT = 6
MODES = ("workstation", "public", "team")
PAGES = ["", "map", "timeline", "statistics", "sources", "data", "import"]
KEYS = ["years", "region", "type", "kind", "class", "perp", "lang", "present", "slide", "shade", "basemap", "event",
        "policy", "utm_source", "", "YEARS", "region[]", "lang%00"]
VALUES = [
    "", " ", "-1", "0", "1990", "2017", "99999999999999999999", "2016,1991", "1991,2016,2011", "2011..2016", "1e3",
    "NaN", "inf", "-inf", "true", "TRUE", "false", "yes", "null", "None", "[]", "{}", "[1,2]", "'", '"', "\\",
    "%", "%ZZ", "%C0%AF", "%00", "%0d%0aSet-Cookie:x=1", "\u202e2016", "\u0661\u0669\u0669\u0661", "２０１１",
    "Алматы", "Алматы облысы", "Жамбыл", "Шымкент", "🙂", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))", "../../etc/passwd", "C:\\Windows", "Almaty;DROP TABLE events", "a" * 5000,
    "Overview", "Map", "Nonexistent", "kk", "ru", "en", "de", "zh-Hant", "ev-2011-10-31-atyrau", "pol-0", "\t\n",
]
PATHS = PAGES + ["nonexistent", "Map", "map/", "map/extra", "%2e%2e", "import%00", "app_pages/map.py", "data.csv",
                 "_stcore", "ОБЗОР"]


def malformed_urls(seed: int, total: int = TOTAL) -> list[tuple[str, str, str]]:
    """(mode, path, query string) triples: every mode and page many times over, the values from ``VALUES``."""
    rng = random.Random(seed)
    out = []
    for i in range(total):
        mode = MODES[i % len(MODES)]
        path = PATHS[(i // len(MODES)) % len(PATHS)] if i % 4 else rng.choice(PATHS)
        pairs = [(rng.choice(KEYS), rng.choice(VALUES)) for _ in range(rng.randint(1, 5))]
        if rng.random() < 0.5:  # written raw, as a hand-edited or truncated link can be
            query = "&".join(f"{k}={v}" for k, v in pairs)
        else:
            query = urllib.parse.urlencode(pairs)
        if rng.random() < 0.1:
            query = query[: rng.randint(0, len(query))]  # cut off mid-way
        out.append((mode, path, query))
    return out


@pytest.fixture(scope="module")
def servers():
    """One server per mode (team mode without sign-in settings: a visitor's view)."""
    with running_app(env={"KZ_MODE": "workstation"}) as ws, running_app(env={"KZ_MODE": "public"}) as public, \
            running_app(env={"KZ_MODE": "team"}) as team:
        yield {"workstation": ws, "public": public, "team": team}


async def _visit(url: str, path: str, query: str) -> tuple[str | None, object]:
    session = Session(url, timeout=120)
    try:
        run = await session.open(path, query)
        return None, run
    except LoadError as exc:
        last = session.last
        # A path that is no page: Streamlit says "page not found" and runs the main page, which is no failure.
        if last is not None and all(e.startswith("page not found") for e in last.exceptions) and last.exceptions:
            return None, last
        return f"{exc.kind}: {exc}", last
    finally:
        await session.close()


def test_malformed_addresses_never_raise_on_any_page_in_any_mode(servers):
    seed = int(os.environ.get("KZ_URL_SEED", "20261201"))
    urls = malformed_urls(seed)
    assert len(urls) == TOTAL and {m for m, _, _ in urls} == set(MODES) and {p for _, p, _ in urls} >= set(PAGES)

    async def visit_all():
        failures = []
        gate = asyncio.Semaphore(CONCURRENT)  # a few visitors at once per server, as on a real site

        async def one(mode: str, path: str, query: str) -> None:
            async with gate:
                failure, run = await _visit(servers[mode], path, query)
            where = f"{mode} /{path}?{query[:200]}"
            if failure:
                failures.append(f"{where}: {failure[:300]}")
            elif not run.texts:
                failures.append(f"{where}: the page drew no text")
            elif mode == "public" and ("file_uploader" in run.elements
                                       or any("Import your own data" in text for text in run.texts)):
                failures.append(f"{where}: an upload or the import page in public mode")

        await asyncio.gather(*(one(*url) for url in urls))
        return failures

    failures = asyncio.run(visit_all())
    assert not failures, f"seed {seed}: {len(failures)} of {TOTAL} addresses failed:\n" + "\n".join(failures[:20])
