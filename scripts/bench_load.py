"""Load benchmark: K simulated users changing filters and switching pages at once, against one app process and
against two replicas sharing one PostgreSQL store (prints figures; never a timed test).

Each user is a websocket speaking Streamlit's protocol (``scripts/load_client.py``), not a browser: 25 Chromium
contexts on this 2-core machine would take the cores from the server they measure. ``--chromium`` runs the same
users in headless Chromium contexts instead (Debian's /usr/bin/chromium through Playwright), to see the browser's
share: the protocol client stops the clock when the script is idle (``script_finished``); Chromium stops it when the
page has drawn the run (no skeleton, every Plotly chart has its SVG, every map its canvas).

For each topology and each K, fresh servers are started (so every K begins equally cold), each is warmed with one
visit of every page at the default filter, then K users open the home page; once every one has it drawn, all run
for ``--seconds``, each looping over a short think time (``--think``) and an interaction. An interaction is a filter change in the sidebar (years,
regions, attack type, incident kind, classification), a click on a page link (overview, map, timeline,
statistics, sources, data pack checks), "Reset filters", or the map's shading. Users are spread over the replicas
round-robin and stay on theirs (as behind a reverse proxy with sticky sessions). Each user's choices come from its
own seeded random stream, so the same user makes the same choices at every K. The servers run without a file
watcher, as ``make serve-team`` runs them; ``--server-option KEY=VALUE`` adds a Streamlit option.

Printed per topology and K: interactions, p50 / p95 / max interaction time (from the change sent until the script
is idle), errors (an exception on the page, a closed websocket, no answer within ``--timeout``), interactions per
second, the servers' CPU per interaction (utime + stime from /proc), the load client's own CPU share, and the
servers' resident memory (VmRSS, summed over the app processes): idle before the users, at its peak while they
run, and after they have gone. Then p95(K=10) / p95(K=1) against the issue's target (within 3x).

``--soak 600`` instead runs one topology for 10 minutes with users coming and going (``--users``: how many at most at
once; each stays 15-60 s, then leaves and another arrives) and prints memory every 30 s, and at the end the growth
after the first two minutes, in all and per session ended. The arrivals repeat a few behaviours (``--variety``), so
that the memoised views stop adding up once each has been seen: what still grows then is held per session.
Streamlit keeps a disconnected session two minutes for a reconnect (and drops it only when it next stores one), so
the memory is read again 125 s after the last user left, after one more visit.

``--profile`` samples the first server with py-spy while the largest K runs (``--py-spy`` or py-spy on PATH) and
prints where its Python time went: script runs, the clean-up after each, the event loop; within the runs, by
function and package.

    python -m scripts.bench_load                                  # K = 1 5 10 25, one process and two replicas
    python -m scripts.bench_load --users 1 5 --seconds 20         # a quick look
    python -m scripts.bench_load --chromium --users 1 10 --topology one
    python -m scripts.bench_load --soak 600 --users 10
    python -m scripts.bench_load --import-rows 100000             # with a synthetic GTD dataset in the store

Targets (issue 11): zero errors at every K; p95 at K=10 within 3x of K=1; memory flat over a 10-minute run.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from scripts import serve  # noqa: E402
from scripts.load_client import DONE, STREAM, LoadError, Session  # noqa: E402
from scripts.screenshots import READY  # noqa: E402

USERS = (1, 5, 10, 25)
TOPOLOGIES = {"one": 1, "two": 2}
TOPOLOGY_NAMES = {"one": "one process", "two": "two replicas"}
PAGES = ("", "map", "timeline", "statistics", "sources", "data")  # '' is the home page (the overview)
RATIO_TARGET = 3.0
FLAT_TARGET = 0.05  # growth over the soak, after the first two minutes, as a share of the memory then
SESSION_TTL_S = 120  # Streamlit keeps a disconnected session this long for a reconnect (MemorySessionStorage)
# What a user does next, and how often: filter changes and page switches, as an analyst exploring does.
ACTIONS = {"filter": 0.5, "page": 0.38, "reset": 0.06, "shade": 0.06}
FILTER_WEIGHTS = {"years": 0.35, "region": 0.3, "type": 0.15, "kind": 0.1, "class": 0.1}


# ------------------------------------------------------------------------------------------ servers and memory
def pid_listening_on(port: int) -> int | None:
    """The process listening on loopback ``port`` (read from /proc: the socket's inode, then which process holds
    it), for when the server was started by a helper that does not say its pid."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if len(parts) > 9 and parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(f"socket:[{parts[9]}]")
    if not inodes:
        return None
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                        return int(pid)
    return None


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Streamlit starts none today; a worker pool would count)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{p}/task"):
                with contextlib.suppress(OSError):
                    todo += [int(c) for c in Path(f"/proc/{p}/task/{task}/children").read_text().split()]
    return out


def rss_mb(pids: list[int]) -> float:
    """Resident memory of the servers and their children, summed (VmRSS, MB)."""
    total = 0
    for pid in {c for p in pids for c in process_tree(p)}:
        with contextlib.suppress(OSError, ValueError, IndexError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def _cpu_of(pid: int) -> float:
    """CPU time (user + system) of one process, with that of its children that have ended and been waited for (a
    closed browser tab's renderer: its time is its parent's cutime)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime stime cutime cstime: 14-17
    return 0.0


def cpu_s(pids: list[int]) -> float:
    """CPU time used so far by the processes ``pids`` and their descendants."""
    return sum(_cpu_of(p) for p in {c for p in pids for c in process_tree(p)})


@dataclass
class Server:
    url: str
    pid: int


# As `make serve-team` and `make serve-public` run the servers: no file watcher (a thread polling the sources).
SERVER_OPTIONS = ("--server.fileWatcherType", "none", "--server.runOnSave", "false")


def server_args(options: list[str]) -> tuple[str, ...]:
    """Streamlit's command-line options from ``KEY=VALUE`` pairs (``runner.postScriptGC=false``), after ours."""
    out = list(SERVER_OPTIONS)
    for option in options:
        key, sep, value = option.partition("=")
        if not sep:
            raise SystemExit(f"--server-option wants KEY=VALUE, not {option!r}")
        out += [f"--{key.lstrip('-')}", value]
    return tuple(out)


@contextlib.contextmanager
def app_server(env: dict[str, str], args: tuple[str, ...] = SERVER_OPTIONS) -> Iterator[Server]:
    """One dashboard process on a free loopback port. ``serve.started_app`` says its pid where it exists; else
    ``running_app`` is used and the pid read from /proc by port."""
    started = getattr(serve, "started_app", None)
    if started is not None:
        with started(env=env, timeout=180, args=args) as app:
            yield Server(app.url, app.pid)
        return
    port = serve.free_port()
    with serve.running_app(env=env, timeout=180, port=port, args=args) as url:
        pid = pid_listening_on(port)
        if pid is None:
            raise RuntimeError(f"no process found listening on port {port}")
        yield Server(url, pid)


@contextlib.contextmanager
def servers(n: int, env: dict[str, str], args: tuple[str, ...] = SERVER_OPTIONS) -> Iterator[list[Server]]:
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(app_server(env, args)) for _ in range(n)]


@contextlib.contextmanager
def store_env(args: argparse.Namespace) -> Iterator[tuple[dict[str, str], str]]:
    """The environment of every app process: one PostgreSQL store (a throwaway cluster) shared by all replicas,
    holding a synthetic GTD dataset if ``--import-rows``; a description of it for the header."""
    env = {"KZ_MODE": args.mode}
    with tempfile.TemporaryDirectory(prefix="kz-bench-load-") as tmp:
        env["KZ_VAR_DIR"] = str(Path(tmp) / "var")  # never the developer's var/
        if args.store == "duckdb":
            if args.import_rows:
                _import(str(Path(tmp) / "var"), args.import_rows)
            yield env, f"DuckDB in {tmp}" + (f", {args.import_rows:,} synthetic GTD rows" if args.import_rows else "")
            return
        from scripts import pg_local

        cluster = pg_local.start()
        try:
            url = cluster.create_database("kz_bench_load")
            if args.import_rows:
                _import(url, args.import_rows)
            env["KZ_STORE_URL"] = url
            yield env, (f"PostgreSQL {cluster.url('kz_bench_load').rsplit('@', 1)[1]} (throwaway)"
                        + (f", {args.import_rows:,} synthetic GTD rows" if args.import_rows else ", no import"))
        finally:
            cluster.stop()


def _import(location: str, rows: int) -> None:
    """Store a synthetic GTD file of ``rows`` rows, as the import page does (prepare_import, then add)."""
    from components.imports import store as store_mod
    from components.imports.preview import prepare_import
    from components.pack.load import load_datapack
    from scripts import gen_gtd

    pack = load_datapack()
    data = gen_gtd.to_csv_bytes(rows, seed=1)
    preview = prepare_import(data, f"synthetic_gtd_{rows}.csv", pack.tables["events"], pack.tables["regions"],
                             max_bytes=len(data) + 1)
    store = store_mod.open_store(location)
    store.add(preview, f"Synthetic GTD, {rows:,} rows")
    store.close()


# ------------------------------------------------------------------------------------------ the users
@dataclass
class Record:
    t: float  # when the interaction ended (monotonic)
    seconds: float
    action: str
    page: str  # the page shown after it
    error: str = ""  # LoadError.kind, '' if it went well
    idle: float | None = None  # Chromium: until script_finished reached the browser (seconds is until drawn)


@dataclass
class Log:
    records: list[Record] = field(default_factory=list)
    opens: list[float] = field(default_factory=list)  # first loads (connect + first run), kept apart
    errors: collections.Counter = field(default_factory=collections.Counter)
    messages: list[str] = field(default_factory=list)  # the first few errors' texts
    started: int = 0  # sessions opened
    ended: int = 0  # sessions closed

    def error(self, exc: LoadError) -> None:
        self.errors[exc.kind] += 1
        if len(self.messages) < 5:
            self.messages.append(str(exc))


def _other(rng: random.Random, current: object, make) -> object:
    """A value different from ``current`` (the frontend sends no rerun for a widget left as it was)."""
    for _ in range(10):
        value = make()
        if value != current:
            return value
    return value


def plan_change(session: Session, rng: random.Random) -> tuple[str, object] | None:
    """A filter change a user might make on what the page shows: (widget key, new value)."""
    keys = [k for k in FILTER_WEIGHTS if k in session.widgets]
    if not keys:
        return None
    key = rng.choices(keys, [FILTER_WEIGHTS[k] for k in keys])[0]
    w = session.widgets[key]
    if key == "years":
        lo_min, hi_max = int(w.bounds[0]), int(w.bounds[1])

        def make() -> list[float]:
            lo = rng.randint(lo_min, hi_max)
            return [float(lo), float(rng.randint(lo, hi_max))]
    elif w.kind == "multiselect":
        def make() -> list[str]:
            return rng.sample(w.options, k=min(len(w.options), rng.choice((0, 1, 1, 2))))
    else:  # pills: all but at most one option
        def make() -> list[str]:
            return [o for o in w.options if o != rng.choice(w.options)] if rng.random() < 0.6 else list(w.options)
    return key, _other(rng, w.value, make)


async def interact(session: Session, rng: random.Random, pages: tuple[str, ...]) -> str:
    """One interaction of a user; returns its name."""
    action = rng.choices(list(ACTIONS), list(ACTIONS.values()))[0]
    if action == "shade" and "shade" in session.widgets:
        w = session.widgets["shade"]
        await session.change("shade", [_other(rng, (w.value or [None])[0], lambda: rng.choice(w.options))])
        return "shade"
    if action == "reset":
        reset = next((w.key for w in session.widgets.values() if w.kind == "button" and w.sidebar
                      and w.key.startswith("$$ID-")), None)  # the sidebar's one button without a key
        if reset is not None:
            await session.click(reset)
            return "reset"
    if action in ("filter", "reset", "shade"):
        change = plan_change(session, rng)
        if change is not None:
            await session.change(*change)
            return f"filter:{change[0]}"
    target = rng.choice([p for p in pages if p != session.path and p in session.links] or list(pages))
    await session.go(target)
    return "page"


@dataclass
class Window:
    """When the users interact: from ``start`` (set once every user has its first page drawn, so that a slow first
    load, a browser's above all, does not eat into the time measured) until ``until``."""

    until: float = float("inf")
    start: asyncio.Event | None = None  # None: at once (the soak's users come and go)
    ready: int = 0  # users whose first load is over, well or not

    async def opened(self) -> None:
        self.ready += 1
        if self.start is not None:
            await self.start.wait()


async def protocol_user(index: int, url: str, window: Window, log: Log, args: argparse.Namespace,
                        lifetime: float | None = None) -> None:
    """One simulated user: open the home page, then interact and think, again and again, until the window closes
    (or for ``lifetime`` seconds). After an error the user loads the page again, as a person reloading would."""
    rng = random.Random(args.seed * 100_003 + index)
    session: Session | None = None

    async def open_page() -> bool:
        nonlocal session
        session = Session(url, timeout=args.timeout)
        log.started += 1
        t0 = time.perf_counter()
        try:
            await session.open()
            log.opens.append(time.perf_counter() - t0)
            return True
        except LoadError as exc:
            log.error(exc)
            log.records.append(Record(time.monotonic(), time.perf_counter() - t0, "open", "", exc.kind))
            await session.close()
            log.ended += 1
            session = None
            return False

    try:
        await open_page()
        await window.opened()
        end = min(window.until, time.monotonic() + lifetime) if lifetime else window.until
        while time.monotonic() < end:
            await asyncio.sleep(rng.uniform(*args.think))
            if time.monotonic() >= end:
                break
            if session is None:
                await open_page()
                continue
            t0 = time.perf_counter()
            try:
                action = await interact(session, rng, args.pages)
                log.records.append(Record(time.monotonic(), time.perf_counter() - t0, action, session.path))
            except LoadError as exc:
                log.error(exc)
                log.records.append(Record(time.monotonic(), time.perf_counter() - t0, "?", session.path, exc.kind))
                await session.close()
                log.ended += 1
                session = None
    finally:
        if session is not None:
            await session.close()
            log.ended += 1


async def warm(server_urls: list[str], pages: tuple[str, ...], timeout: float) -> None:
    """One visit of every page on every server, at the default filter: the data pack loaded, the code imported."""
    for url in server_urls:
        session = Session(url, timeout=timeout)
        try:
            await session.open()
            for page in pages[1:] + pages[:1]:
                await session.go(page)
        finally:
            await session.close()


# ------------------------------------------------------------------------------------------ Chromium users
# Whether the page has drawn the last run: the script idle, no status widget or skeleton left, every chart drawn.
CHROMIUM_DRAWN = f"window.__kzDrawn = {READY};"  # the check the screenshots and bench-scale wait for
NEXT_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


class RunWatch:
    """The script runs a page's websocket reports: Chromium's received frames are read with the protocol client's
    protobuf classes and each ``script_finished`` counted, so a run is never missed however quickly it ends (the
    page's own 'running' state can be skipped by React when a run is short)."""

    def __init__(self, page) -> None:
        self.finished = 0
        self.changed = asyncio.Event()
        page.on("websocket", self._on_socket)

    def _on_socket(self, ws) -> None:
        if ws.url.endswith(STREAM):
            ws.on("framereceived", self._on_frame)

    def _on_frame(self, payload) -> None:
        if not isinstance(payload, (bytes, bytearray)):
            return
        msg = ForwardMsg()
        msg.ParseFromString(bytes(payload))
        if msg.WhichOneof("type") == "script_finished" and msg.script_finished == DONE:
            self.finished += 1
            self.changed.set()

    async def finished_after(self, before: int, timeout: float) -> None:
        """Wait until a run has finished since the count was ``before``."""
        async with asyncio.timeout(timeout):
            while self.finished <= before:
                self.changed.clear()
                await self.changed.wait()


def _first_line(exc: BaseException) -> str:
    """An exception's first line, for the error list (a bare TimeoutError has no text)."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0][:200]}" if text else type(exc).__name__


async def _drawn(page, timeout_ms: float) -> None:
    """Wait until the page has drawn what it was sent (then two frames more, for the charts' own drawing after
    React has placed them)."""
    await page.wait_for_function("() => window.__kzDrawn()", timeout=timeout_ms, polling="raf")
    await page.evaluate(NEXT_FRAMES)


async def chromium_interact(page, rng: random.Random, pages: tuple[str, ...], current: str,
                            tried: list[str]) -> tuple[str, str]:
    """One interaction through the page, as a user's mouse and keyboard would do it; returns (action, page).
    ``tried`` gets what is being done before it is done (for the message of an error)."""
    sidebar = page.locator("[data-testid=stSidebar]")
    action = rng.choices(list(ACTIONS), list(ACTIONS.values()))[0]
    if action == "shade" and current == "map":
        # an option not chosen (the chosen one, clicked, stays chosen and sends nothing)
        buttons = page.locator("[data-testid=stMain] [data-testid=stButtonGroup] "
                               "button[data-variant]:not([data-selected=true])")
        count = await buttons.count()
        if count:
            tried.append("a click on the map's shading")
            await buttons.nth(rng.randrange(count)).click()
            return "shade", current
    if action == "reset":
        tried.append("'Reset filters'")
        await sidebar.get_by_role("button", name="Reset filters").click()
        return "reset", current
    if action in ("filter", "reset", "shade"):
        key = rng.choices(list(FILTER_WEIGHTS), list(FILTER_WEIGHTS.values()))[0]
        if key == "years":
            # A key that moves a thumb (one at an end, or against the other thumb, would not move and send nothing)
            thumbs = sidebar.locator("[data-testid=stSlider] input[type=range]")
            (lo, lo_min, _), (hi, _, hi_max) = await thumbs.evaluate_all(
                "els => els.map(e => [Number(e.value), Number(e.min), Number(e.max)])")
            moves = [(0, "ArrowRight")] * (lo < hi) + [(0, "ArrowLeft")] * (lo > lo_min) \
                + [(1, "ArrowLeft")] * (hi > lo) + [(1, "ArrowRight")] * (hi < hi_max)
            index, key_name = rng.choice(moves)
            tried.append(f"{key_name} on the years slider's {('start', 'end')[index]} ({lo}-{hi})")
            await thumbs.nth(index).focus()
            await page.keyboard.press(key_name)
            return "filter:years", current
        if key in ("region", "type"):
            box = sidebar.locator("[data-testid=stMultiSelect]").nth(0 if key == "region" else 1)
            remove = box.locator("button[aria-label^='Remove ']")
            if await remove.count() and rng.random() < 0.5:  # take a chosen one out again
                tried.append(f"removing a choice from {key!r}")
                await remove.nth(rng.randrange(await remove.count())).click()
                return f"filter:{key}", current
            await box.locator("input").click()
            options = page.locator("[role=option]:not([id$='__select_all__'])")  # one option, not "Select all"
            await options.first.wait_for(timeout=10_000)
            option = options.nth(rng.randrange(await options.count()))
            tried.append(f"choosing {await option.inner_text()!r} in {key!r}")
            await option.click()
            await page.keyboard.press("Escape")
            return f"filter:{key}", current
        group = sidebar.locator("[data-testid=stButtonGroup]").nth(0 if key == "kind" else 1)
        buttons = group.locator("button[data-variant]")  # the options, not the help button
        button = buttons.nth(rng.randrange(await buttons.count()))
        tried.append(f"a click on {await button.inner_text()!r} in {key!r}")
        await button.click()
        return f"filter:{key}", current
    target = rng.choice([p for p in pages if p != current] or list(pages))
    links = sidebar.locator("[data-testid=stPageLink-NavLink]")
    hrefs = await links.evaluate_all("els => els.map(e => new URL(e.href).pathname.replace(/^\\/+|\\/+$/g, ''))")
    # The first link is the home page's; its href is relative and empty ('?region=...'), so it reads as the page
    # shown (Streamlit 1.67's page_link to the default page): it is known by its place, first, as app.py puts it.
    paths = ["", *hrefs[1:]]
    index = paths.index(target) if target in paths else None
    if index is None:
        raise LoadError("protocol", f"no link to {target!r} in the sidebar (has {hrefs})")
    tried.append(f"the link to {target or 'overview'}")
    await links.nth(index).click()
    return "page", target


async def chromium_user(index: int, url: str, window: Window, log: Log, args: argparse.Namespace, browser) -> None:
    """One user in its own Chromium context (its own cookies and cache, as a separate person's browser)."""
    rng = random.Random(args.seed * 100_003 + index)
    timeout_ms = args.timeout * 1000
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    await context.add_init_script(CHROMIUM_DRAWN)
    page = await context.new_page()
    watch = RunWatch(page)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    current = ""
    log.started += 1

    async def load() -> bool:
        """The home page, loaded and drawn: a first visit fetches and compiles the frontend's code, several times
        an interaction's work, hence the longer wait."""
        t0 = time.perf_counter()
        before = watch.finished
        try:
            await page.goto(f"{url}/", timeout=3 * timeout_ms)
            await watch.finished_after(before, 3 * args.timeout)
            await _drawn(page, 3 * timeout_ms)
            log.opens.append(time.perf_counter() - t0)
            return True
        except Exception as exc:  # Playwright's errors: the page never drew
            log.error(LoadError("timeout", f"first load: {_first_line(exc)}"))
            return False

    try:
        loaded = await load()
        await window.opened()
        while time.monotonic() < window.until:
            await asyncio.sleep(rng.uniform(*args.think))
            if time.monotonic() >= window.until:
                break
            if not loaded:
                loaded, current = await load(), ""
                continue
            before = watch.finished
            t0 = time.perf_counter()
            try:
                tried: list[str] = []
                action, current = await chromium_interact(page, rng, args.pages, current, tried)
                await watch.finished_after(before, args.timeout)
                idle = time.perf_counter() - t0
                await _drawn(page, timeout_ms)
                error = ""
                if await page.locator("[data-testid=stException]").count():
                    error = "exception"
                    log.error(LoadError("exception", "an exception is shown on the page"))
                log.records.append(Record(time.monotonic(), time.perf_counter() - t0, action, current, error, idle))
            except Exception as exc:  # a click that found nothing, or a run that never ended
                kind = exc.kind if isinstance(exc, LoadError) else "timeout"
                log.error(LoadError(kind, f"{' '.join(tried[-1:]) or 'interaction'} on {current or 'overview'}: "
                                          f"{_first_line(exc)}"))
                log.records.append(Record(time.monotonic(), time.perf_counter() - t0, "?", current, kind))
                loaded, current = await load(), ""
    finally:
        for e in errors[:3]:
            log.error(LoadError("pageerror", e[:200]))
        await context.close()
        log.ended += 1


# ------------------------------------------------------------------------------------------ one level of load
def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile (``q`` in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


@dataclass
class Level:
    topology: str
    users: int
    log: Log
    seconds: float
    server_cpu: float
    client_cpu: float
    rss_idle: float
    rss_peak: float
    rss_after: float
    profile: Path | None = None  # py-spy's samples of this level (--profile)

    @property
    def ok(self) -> list[float]:
        return [r.seconds for r in self.log.records if not r.error]

    @property
    def n_errors(self) -> int:
        return sum(self.log.errors.values())


async def _sample_memory(pids: list[int], peak: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], rss_mb(pids))
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


def own_cpu_s(servers_: list[int]) -> float:
    """CPU time of the load client: this process and its descendants (Playwright's driver, Chromium's processes),
    less the app servers, which are its children too."""
    theirs = {c for p in servers_ for c in process_tree(p)}
    return sum(_cpu_of(p) for p in process_tree(os.getpid()) if p not in theirs)


async def run_level(servers_: list[Server], users: int, args: argparse.Namespace, topology: str) -> Level:
    pids = [s.pid for s in servers_]
    urls = [s.url for s in servers_]
    log = Log()
    window = Window(start=asyncio.Event())
    rss_idle = rss_mb(pids)
    async with contextlib.AsyncExitStack() as stack:
        if args.chromium:
            from playwright.async_api import async_playwright

            p = await stack.enter_async_context(async_playwright())
            browser = await p.chromium.launch(executable_path=serve.CHROMIUM, args=serve.CHROMIUM_ARGS)
            stack.push_async_callback(browser.close)
            tasks = [asyncio.create_task(chromium_user(i, urls[i % len(urls)], window, log, args, browser))
                     for i in range(users)]
        else:
            tasks = [asyncio.create_task(protocol_user(i, urls[i % len(urls)], window, log, args))
                     for i in range(users)]
        while window.ready < users and not all(t.done() for t in tasks):
            await asyncio.sleep(0.05)  # every user's first page drawn: then the clock starts for all
        peak = [rss_mb(pids)]
        stop = asyncio.Event()
        sampler = asyncio.create_task(_sample_memory(pids, peak, stop))
        cpu0, client0, t0 = cpu_s(pids), own_cpu_s(pids), time.monotonic()
        window.until = t0 + args.seconds
        profiler = _start_profiler(args, pids[0], users)
        window.start.set()
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - t0
        server_cpu = cpu_s(pids) - cpu0
        client_cpu = own_cpu_s(pids) - client0  # the browser still open: its closed tabs' time is in its own
        stop.set()
        await sampler
    profile = _stop_profiler(profiler)
    await asyncio.sleep(args.settle)  # the sessions' ends handled, their script threads gone
    return Level(topology, users, log, elapsed, server_cpu, client_cpu, rss_idle, peak[0], rss_mb(pids), profile)


# ------------------------------------------------------------------------------------------ profiling
@dataclass
class Profile:
    proc: subprocess.Popen
    out: Path
    users: int


def _start_profiler(args: argparse.Namespace, pid: int, users: int) -> Profile | None:
    if not args.profile or users != max(args.users):
        return None
    spy = args.py_spy or shutil.which("py-spy")
    if not spy:
        print("  (--profile: py-spy not found; pass --py-spy PATH)", flush=True)
        return None
    out = Path(tempfile.mkdtemp(prefix="kz-bench-load-spy-")) / f"k{users}.txt"
    # --nonblocking: the server is not paused to be sampled (the figures of this level stay honest); --gil: only the
    # thread holding the GIL, i.e. where the process's Python time goes (one process runs one thread at a time);
    # raw: collapsed stacks, one line per distinct stack with its count, read by print_profile.
    proc = subprocess.Popen([spy, "record", "--pid", str(pid), "--format", "raw", "--rate", "50", "--nonblocking",
                             "--gil",
                             "--output", str(out), "--duration", str(int(args.seconds))],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return Profile(proc, out, users)


def _stop_profiler(profile: Profile | None) -> Path | None:
    if profile is None:
        return None
    try:
        profile.proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        profile.proc.terminate()
        profile.proc.wait()
    if not profile.out.exists():
        print(f"  (py-spy wrote nothing: {profile.proc.stderr.read()[-500:] if profile.proc.stderr else ''})")
        return None
    return profile.out


PAGE_SCRIPTS = {p.name for p in (ROOT / "dashboard" / "app_pages").glob("*.py")}


def _own(where: str) -> bool:
    """A frame in the project's code (py-spy names files relative to the server's directory; page scripts, which
    Streamlit runs by path, by their base name)."""
    path = where.rsplit(":", 1)[0]
    return path.startswith(("dashboard/", "components/")) or path in PAGE_SCRIPTS


def _package(where: str) -> str:
    path = where.rsplit(":", 1)[0]
    if _own(where):
        return "the project's own code"
    if path.startswith("<frozen") or "/" not in path:
        return "Python's standard library"
    return path.split("/", 1)[0]


# What a server thread is doing, by a frame in its stack (the first that matches).
PHASES = (
    ("exec_func_with_error_handling", "script runs (the app's code and Streamlit's elements)"),
    ("_on_script_finished", "after each run: Streamlit's full garbage collection (runner.postScriptGC)"),
    ("run_forever", "the event loop (websockets, sending the messages)"),
    ("watcher/", "the file watcher"),
)


def print_profile(path: Path, users: int, topology: str, top: int = 15) -> None:
    """Where the server's Python time went (py-spy samples of the thread holding the GIL): by phase (a script
    run, the clean-up after it, the event loop), then within the script runs, the share of each of the project's
    functions (inclusive), of each package at the top of the stack, and of each function at the top (exclusive)."""
    inclusive: collections.Counter = collections.Counter()
    leaf: collections.Counter = collections.Counter()
    packages: collections.Counter = collections.Counter()
    phases: collections.Counter = collections.Counter()
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        frames = stack.split(";")
        phase = next((label for marker, label in PHASES if any(marker in f for f in frames)), "other threads")
        phases[phase] += n
        if phase != PHASES[0][1]:
            continue
        seen = set()
        for frame in frames:
            name, where = _split_frame(frame)
            if _own(where) and (name, where) not in seen:
                seen.add((name, where))
                inclusive[f"{name} ({where})"] += n
        name, where = _split_frame(frames[-1])
        leaf[f"{name} ({where})"] += n
        packages[_package(where)] += n
    total, busy = sum(phases.values()), phases[PHASES[0][1]]
    if not busy:
        print("  (py-spy: no sample in a script run)")
        return
    print(f"\nWhere the server's Python time went, {TOPOLOGY_NAMES[topology]}, K={users} (py-spy on the first server, "
          f"{total} samples of the thread holding the GIL):")
    for label, n in phases.most_common():
        print(f"  {100 * n / total:5.1f}%  {label}")
    print("  within the script runs, the project's functions (inclusive):")
    for name, n in inclusive.most_common(top):
        print(f"    {100 * n / busy:5.1f}%  {name}")
    print("  within the script runs, by package at the top of the stack:")
    for name, n in packages.most_common(8):
        print(f"    {100 * n / busy:5.1f}%  {name}")
    print("  within the script runs, functions at the top of the stack:")
    for name, n in leaf.most_common(10):
        print(f"    {100 * n / busy:5.1f}%  {name}")


def _split_frame(frame: str) -> tuple[str, str]:
    """'func (path/to/mod.py:12)' -> ('func', 'path/to/mod.py:12'), site-packages and the interpreter's lib
    folder left out of the path."""
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    for marker in ("site-packages/", str(ROOT) + "/", "/lib/python3.11/", "/lib/python3.12/", "/lib/python3.13/"):
        if marker in where:
            where = where.split(marker, 1)[1]
            break
    return name, where


# ------------------------------------------------------------------------------------------ printing
HEAD = (f"{'topology':<13} {'K':>3} {'done':>5} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'errors':>6} {'per s':>6} "
        f"{'srv CPU ms':>10} {'client CPU':>10} {'open p50':>8}  {'RSS idle':>8} {'peak':>6} {'after':>6}")


def print_level(level: Level) -> None:
    ok = level.ok
    n = len(level.log.records)
    per_int = 1000 * level.server_cpu / n if n else float("nan")
    print(f"{TOPOLOGY_NAMES[level.topology]:<13} {level.users:>3} {len(ok):>5} {1000 * percentile(ok, 50):7.0f} "
          f"{1000 * percentile(ok, 95):7.0f} {1000 * max(ok, default=float('nan')):7.0f} {level.n_errors:>6} "
          f"{len(ok) / level.seconds:6.2f} {per_int:10.0f} {100 * level.client_cpu / level.seconds:9.0f}% "
          f"{1000 * percentile(level.log.opens, 50):8.0f}  {level.rss_idle:8.0f} {level.rss_peak:6.0f} "
          f"{level.rss_after:6.0f}", flush=True)
    idle = [r.idle for r in level.log.records if not r.error and r.idle is not None]
    if idle:
        print(f"{'':<13} {'':>3} of which until the script was idle (script_finished in the browser): p50 "
              f"{1000 * percentile(idle, 50):.0f} ms, p95 {1000 * percentile(idle, 95):.0f} ms; the rest is "
              f"drawing", flush=True)
    for message in level.log.messages:
        print(f"    error: {message}")


def print_breakdown(level: Level) -> None:
    """p50 and p95 by what the user did (a page switch by the page it led to)."""
    groups: dict[str, list[float]] = collections.defaultdict(list)
    for r in level.log.records:
        if not r.error:
            groups[f"page -> {r.page or 'overview'}" if r.action == "page" else r.action].append(r.seconds)
    print(f"\nBy interaction, {TOPOLOGY_NAMES[level.topology]}, K={level.users}:")
    for name in sorted(groups, key=lambda g: -percentile(groups[g], 50)):
        values = groups[name]
        print(f"  {name:<24} n={len(values):>4}  p50 {1000 * percentile(values, 50):6.0f} ms  "
              f"p95 {1000 * percentile(values, 95):6.0f} ms")


def print_ratios(levels: list[Level]) -> None:
    for topology in dict.fromkeys(level.topology for level in levels):
        by_k = {level.users: level for level in levels if level.topology == topology}
        if 1 in by_k and 10 in by_k and by_k[1].ok and by_k[10].ok:
            ratio = percentile(by_k[10].ok, 95) / percentile(by_k[1].ok, 95)
            print(f"{TOPOLOGY_NAMES[topology]}: p95(K=10) / p95(K=1) = {ratio:.1f}x (target within "
                  f"{RATIO_TARGET:.0f}x): " + ("met" if ratio <= RATIO_TARGET else "NOT MET"))
        errors = {k: lv.n_errors for k, lv in by_k.items() if lv.n_errors}
        print(f"{TOPOLOGY_NAMES[topology]}: errors " + (", ".join(f"K={k}: {n}" for k, n in errors.items())
                                                        if errors else "none at any K (target: zero): met"))


# ------------------------------------------------------------------------------------------ soak
async def soak(servers_: list[Server], args: argparse.Namespace) -> None:
    """Users coming and going for ``args.soak`` seconds; memory printed every ``args.every`` seconds."""
    pids = [s.pid for s in servers_]
    urls = [s.url for s in servers_]
    log = Log()
    t0 = time.monotonic()
    until = t0 + args.soak
    users = max(args.users)
    samples: list[tuple[float, int, float]] = []  # (seconds in, sessions ended, RSS MB)

    async def slot(i: int) -> None:
        """One place for a user: a user arrives, stays 15-60 s, leaves; after a pause another arrives."""
        rng = random.Random(args.seed * 7919 + i)
        n = 0
        await asyncio.sleep(rng.uniform(0, 5))
        while time.monotonic() < until - 5:
            # The users repeat a few behaviours (--variety): once each has been seen, the memoised views are built
            # and the caches full, so memory that still grows is held per session.
            behaviour = (i * 7 + n) % args.variety
            await protocol_user(behaviour, urls[(i + n) % len(urls)], Window(until=until), log, args,
                                lifetime=rng.uniform(15, 60))
            n += 1
            await asyncio.sleep(rng.uniform(0, 5))

    print(f"{'s':>5} {'active':>6} {'sessions':>8} {'ended':>6} {'done':>6} {'p95 ms':>7} {'errors':>6} "
          f"{'RSS MB':>7}", flush=True)
    tasks = [asyncio.create_task(slot(i)) for i in range(users)]
    start_rss = rss_mb(pids)
    print(f"{0:5.0f} {0:>6} {0:>8} {0:>6} {0:>6} {'':>7} {0:>6} {start_rss:7.0f}", flush=True)
    seen = 0
    while time.monotonic() < until:
        await asyncio.sleep(min(args.every, max(0.0, until - time.monotonic())))
        now = time.monotonic() - t0
        window = [r.seconds for r in log.records[seen:] if not r.error]
        seen = len(log.records)
        rss = rss_mb(pids)
        samples.append((now, log.ended, rss))
        print(f"{now:5.0f} {log.started - log.ended:>6} {log.started:>8} {log.ended:>6} {len(window):>6} "
              f"{1000 * percentile(window, 95):7.0f} {sum(log.errors.values()):>6} {rss:7.0f}", flush=True)
    await asyncio.gather(*tasks)
    await asyncio.sleep(args.settle)
    rss_end = rss_mb(pids)
    print(f"all {log.started} sessions ended: RSS {rss_end:.0f} MB")
    # Streamlit evicts a disconnected session kept for a reconnect only when the store of them is next written
    # (cachetools' TTLCache): after the two minutes, one more visit lets it drop the old ones.
    if args.after_ttl:
        await asyncio.sleep(SESSION_TTL_S + 5)
        probe = Session(urls[0], timeout=args.timeout)
        with contextlib.suppress(LoadError):
            await probe.open()
        await probe.close()
        await asyncio.sleep(args.settle)
        print(f"{SESSION_TTL_S + 5} s later, after one more visit (kept sessions evicted): RSS {rss_mb(pids):.0f} MB")
    for message in log.messages:
        print(f"  error: {message}")
    late = [s for s in samples if s[0] >= SESSION_TTL_S]
    if len(late) >= 2:
        (t_a, ended_a, rss_a), (t_b, ended_b, rss_b) = late[0], late[-1]
        per_session = (rss_b - rss_a) / max(1, ended_b - ended_a)
        growth = (rss_b - rss_a) / rss_a
        print(f"from {t_a:.0f} s to {t_b:.0f} s: RSS {rss_a:.0f} -> {rss_b:.0f} MB ({100 * growth:+.1f}%), "
              f"{ended_b - ended_a} sessions ended, {1024 * per_session:+.0f} KB per session ended; flat (growth "
              f"under {100 * FLAT_TARGET:.0f}%): " + ("met" if growth < FLAT_TARGET else "NOT MET"))
    ok = [r.seconds for r in log.records if not r.error]
    print(f"interactions {len(ok)}, p50 {1000 * percentile(ok, 50):.0f} ms, p95 {1000 * percentile(ok, 95):.0f} ms, "
          f"errors {sum(log.errors.values())} {dict(log.errors) or ''}")


# ------------------------------------------------------------------------------------------ main
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m scripts.bench_load", description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", nargs="+", type=int, default=list(USERS), help="values of K (default 1 5 10 25)")
    ap.add_argument("--topology", nargs="+", choices=list(TOPOLOGIES), default=list(TOPOLOGIES),
                    help="one: one app process; two: two replicas sharing the store (default both)")
    ap.add_argument("--seconds", type=float, default=60, help="how long each K runs (default 60)")
    ap.add_argument("--think", nargs=2, type=float, default=(0.5, 1.5), metavar=("MIN", "MAX"),
                    help="a user's pause between interactions, uniform (default 0.5 1.5 s)")
    ap.add_argument("--timeout", type=float, default=60, help="an interaction with no answer in this time is an "
                                                              "error (default 60 s)")
    ap.add_argument("--pages", nargs="+", default=list(PAGES), help="the pages users switch between ('' the home "
                                                                    "page; default all but the import page)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--mode", default="workstation", choices=("workstation", "team", "public"),
                    help="KZ_MODE of the servers (default workstation: an imported GTD dataset is in every view; "
                         "team mode hides licensed datasets from visitors who are not signed in)")
    ap.add_argument("--store", default="postgresql", choices=("postgresql", "duckdb"),
                    help="the store of imported datasets (default one PostgreSQL store for every topology; duckdb "
                         "allows one process only)")
    ap.add_argument("--import-rows", type=int, default=0, help="store a synthetic GTD dataset of this many rows")
    ap.add_argument("--chromium", action="store_true", help="users in headless Chromium contexts instead of the "
                                                            "protocol client")
    ap.add_argument("--soak", type=float, default=0, help="soak mode: users coming and going for this many seconds")
    ap.add_argument("--every", type=float, default=30, help="soak: print memory this often (default 30 s)")
    ap.add_argument("--variety", type=int, default=6,
                    help="soak: how many distinct users' behaviours (seeds) the arrivals cycle through (default 6)")
    ap.add_argument("--after-ttl", action=argparse.BooleanOptionalAction, default=True,
                    help="soak: also print memory once Streamlit has dropped the sessions kept for a reconnect")
    ap.add_argument("--settle", type=float, default=3, help="seconds between the users leaving and the memory read")
    ap.add_argument("--server-option", action="append", default=[], metavar="KEY=VALUE",
                    help="a Streamlit option for the servers, e.g. runner.postScriptGC=false (repeatable; the "
                         "servers always run without a file watcher, as make serve-team does)")
    ap.add_argument("--profile", action="store_true", help="py-spy on the first server during the largest K")
    ap.add_argument("--py-spy", help="path of py-spy (default: on PATH)")
    ap.add_argument("--breakdown", action=argparse.BooleanOptionalAction, default=True,
                    help="print p50/p95 by interaction for K=10 (or the largest K)")
    args = ap.parse_args(argv)
    args.pages = tuple("" if p in ("", "/", "overview", "home") else p.strip("/") for p in args.pages)
    if args.store == "duckdb" and "two" in args.topology:
        ap.error("two replicas need the PostgreSQL store (a DuckDB file is one process's)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import streamlit

    with store_env(args) as (env, store_text):
        client = "headless Chromium contexts" if args.chromium else "websocket clients (Streamlit's protocol)"
        print(f"Load benchmark: {client}; Streamlit {streamlit.__version__}; KZ_MODE={args.mode}; store: "
              f"{store_text}; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start.")
        print(f"Server options: {' '.join(server_args(args.server_option))}")
        print(f"Each user: think {args.think[0]:g}-{args.think[1]:g} s, then a filter change, a page switch, "
              f"'Reset filters' or the map's shading; interaction time = change sent until the script is idle"
              + (" and the page drawn." if args.chromium else " (script_finished): the browser's drawing is not in it."))
        if args.soak:
            topology = args.topology[0]
            print(f"Soak: {TOPOLOGY_NAMES[topology]}, {args.soak:.0f} s, up to {max(args.users)} users at once, "
                  f"each staying 15-60 s.", flush=True)
            with servers(TOPOLOGIES[topology], env, server_args(args.server_option)) as srv:
                asyncio.run(warm([s.url for s in srv], args.pages, args.timeout))
                asyncio.run(soak(srv, args))
            return 0
        print(f"{args.seconds:.0f} s per K; fresh servers for each K, warmed with one visit of every page. done = "
              f"interactions without error; srv CPU = the servers' CPU time per interaction; client CPU = the load "
              f"client's CPU time (with Chromium's processes) as a share of one core; open = a user's first page load; RSS in MB (idle before the users, "
              f"peak while they run, {args.settle:g} s after they left).\n", flush=True)
        print(HEAD, flush=True)
        levels: list[Level] = []
        for topology in args.topology:
            for users in args.users:
                with servers(TOPOLOGIES[topology], env, server_args(args.server_option)) as srv:
                    asyncio.run(warm([s.url for s in srv], args.pages, args.timeout))
                    level = asyncio.run(run_level(srv, users, args, topology))
                levels.append(level)
                print_level(level)
        print()
        print_ratios(levels)
        for level in levels:
            if level.profile is not None:
                print_profile(level.profile, level.users, level.topology)
        if args.breakdown and levels:
            k = 10 if 10 in args.users else max(args.users)
            for level in levels:
                if level.users == k:
                    print_breakdown(level)
        print(f"\nLoad average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} (the figures are "
              "indicative unless the machine was otherwise idle).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
