"""Benchmark: memory of one server over a long session (prints figures; never a timed test).

A fresh process writes a synthetic GTD-format file of 100,000 rows (scripts/gen_gtd.py: every value made up) and
imports it into a temporary store. A second fresh process serves the dashboard from that store (``KZ_VAR_DIR``) and
makes 1,000 different filter changes across the pages (overview, map, timeline, sources: 25 changes on one page,
then the next), each a filter the process has not seen before (a year range, with a region or an attack type now
and then). Every 100 changes it prints the process's resident memory (``VmRSS``), the bytes each of the app's caches
holds, and the median rerun of the block (wall clock, and the process's CPU time, which the other work on a shared
machine does not inflate). Memory must level off: the caches are bounded in bytes (``dashboard.data.BUDGETS``).

The server is Streamlit's AppTest in the measuring process: the same script runs, the same process-wide caches
and session state, with the scripts compiled once as a server does (``bench.share_script_cache``). What it leaves
out is the websocket and Streamlit's message cache, which Streamlit bounds itself; a browser would add its own
drawing to every change and 1,000 of them would take an hour.

    python -m scripts.bench_memory                      # 100,000 rows, 1,000 changes
    python -m scripts.bench_memory --rows 20000 --changes 300
    python -m scripts.bench_memory --var-dir DIR        # a store already holding a dataset (no import)
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from scripts.benchproc import run_child

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("app_pages/overview.py", "app_pages/map.py", "app_pages/timeline.py", "app_pages/sources.py")
PER_PAGE = 25  # changes on one page before going to the next
BLOCK = 100
LEVEL_OFF = 0.10  # growth over the second half of the run, as a share of the memory at its middle


def rss_mb() -> float:
    """This process's resident memory now (``VmRSS``), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def filter_changes(n: int, regions: list[str], attack_types: list[str]) -> list[dict]:
    """``n`` different filters, none the default: every year range in turn (351 of them), the second time round
    with one region, the third with one attack type, and so on."""
    ranges = [(lo, hi) for lo in range(1991, 2017) for hi in range(lo, 2017) if (lo, hi) != (1991, 2016)]
    out, seen = [], set()
    i = 0
    while len(out) < n:
        years = ranges[(i * 37) % len(ranges)]  # 37 is prime to 350: every range once per round, jumping about
        lap = i // len(ranges)
        region = [regions[(i + lap) % len(regions)]] if lap % 3 == 1 else []
        attack = [attack_types[(i + lap) % len(attack_types)]] if lap % 3 == 2 else []
        key = (years, tuple(region), tuple(attack))
        if key not in seen:
            seen.add(key)
            out.append({"years": years, "region": region, "type": attack})
        i += 1
    return out


def child_serve(var_dir: str, changes: int) -> dict:
    os.environ["KZ_VAR_DIR"] = var_dir
    from streamlit.testing.v1 import AppTest

    from dashboard import data
    from scripts.bench import share_script_cache

    share_script_cache()
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=900)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    vocab = data.filter_vocabulary(data.current_pack("en"))
    plan = filter_changes(changes, list(vocab["region"]), list(vocab["type"]))
    print(f"start: {rss_mb():.0f} MB after the first run", flush=True)
    print(f"{'changes':>7} {'RSS MB':>7} {'views MB':>8} {'filtered MB':>11} {'packs MB':>8} "
          f"{'median ms':>9} {'cpu ms':>6}", flush=True)
    blocks, walls, cpus = [], [], []
    for i, change in enumerate(plan, start=1):
        if i % PER_PAGE == 1:
            at.switch_page(PAGES[(i // PER_PAGE) % len(PAGES)])
        for key, value in change.items():
            at.session_state[key] = value
        c0, t0 = time.process_time(), time.perf_counter()
        at.run()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        assert not at.exception, [e.value for e in at.exception]
        if i % BLOCK == 0:
            caches = data.cache_report()
            row = {"changes": i, "rss_mb": rss_mb(), "wall_ms": statistics.median(walls) * 1000,
                   "cpu_ms": statistics.median(cpus) * 1000,
                   **{f"{name}_mb": c["bytes"] / 2**20 for name, c in caches.items()}}
            blocks.append(row)
            print(f"{i:7d} {row['rss_mb']:7.0f} {row['views_mb']:8.1f} {row['filtered_mb']:11.1f} "
                  f"{row['packs_mb']:8.1f} {row['wall_ms']:9.0f} {row['cpu_ms']:6.0f}", flush=True)
            walls, cpus = [], []
    return {"blocks": blocks, "caches": data.cache_report()}


def _run_echoing(*args: str) -> dict:
    """``python -m scripts.bench_memory --child <args>`` in a fresh process, its lines printed as they come (the
    run takes minutes); its last line, read as JSON."""
    import json
    import subprocess
    import sys

    with tempfile.TemporaryFile("w+") as err:  # a file: warnings never fill a pipe nobody reads yet
        proc = subprocess.Popen([sys.executable, "-m", "scripts.bench_memory", "--child", *args], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=err, text=True)
        last = ""
        for line in proc.stdout:
            if line.startswith("{"):
                last = line
            else:
                print(line, end="", flush=True)
        if proc.wait() or not last:
            err.seek(0)
            raise SystemExit(f"the serving process failed:\n{err.read()[-4000:]}")
    return json.loads(last)


def main() -> None:
    ap = argparse.ArgumentParser(description="Memory of one server over many filter changes.")
    ap.add_argument("--rows", type=int, default=100_000, help="synthetic GTD rows imported (default 100,000)")
    ap.add_argument("--changes", type=int, default=1000, help="filter changes (default 1,000)")
    ap.add_argument("--var-dir", help="a store already holding the dataset(s) to serve (nothing is imported)")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        import json

        print(json.dumps(child_serve(args.child[1], int(args.child[2]))))
        return
    with tempfile.TemporaryDirectory(prefix="kz-bench-memory-") as tmp:
        var_dir = args.var_dir
        if not var_dir:
            var_dir = str(Path(tmp) / "var")
            imp = run_child("scripts.bench_scale", "import", str(args.rows), var_dir)
            print(f"Imported {imp['accepted']:,} of {args.rows:,} synthetic GTD rows in {imp['import_s']:.1f} s.")
        print(f"{args.changes:,} different filter changes across {len(PAGES)} pages ({PER_PAGE} on each in turn), "
              "AppTest in one process; RSS = the process's resident memory; views, filtered, packs = the bytes the "
              "app's caches hold; median = the block's median rerun (wall clock), cpu = its median CPU time.",
              flush=True)
        res = _run_echoing("serve", var_dir, str(args.changes))
    blocks = res["blocks"]
    if len(blocks) >= 4:
        mid, end = blocks[len(blocks) // 2 - 1], blocks[-1]
        growth = (end["rss_mb"] - mid["rss_mb"]) / mid["rss_mb"]
        verdict = "levels off" if growth < LEVEL_OFF else "STILL GROWING"
        print(f"Memory from change {mid['changes']:,} to {end['changes']:,}: {mid['rss_mb']:.0f} -> "
              f"{end['rss_mb']:.0f} MB ({growth:+.0%}): {verdict} (target: under {LEVEL_OFF:+.0%}). Median rerun: "
              f"{blocks[0]['wall_ms']:.0f} ms in the first block, {end['wall_ms']:.0f} ms in the last (CPU "
              f"{blocks[0]['cpu_ms']:.0f} -> {end['cpu_ms']:.0f} ms). Load average: "
              + ", ".join(f"{x:.1f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
