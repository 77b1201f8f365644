"""Benchmark of the import engine and store (prints figures; never a timed test).

For each size, a synthetic GTD-format CSV (scripts/gen_gtd.py; no real GTD rows) is written to a temporary folder,
then a fresh Python process reads it into memory as an upload would, previews it (``prepare_import``) and stores it
(``Store.add``) in a fresh store. Its peak resident memory (the whole process: interpreter, libraries, the file's
bytes, the preview and DuckDB; /proc/self/status VmHWM, else ``resource.getrusage``) is the import's peak. A second
fresh process opens the store and reads the events back (``Store.events``).

Targets: a 200k-row import under 10 s; peak memory under 1.5 GB at 1M rows.

    python -m scripts.bench_import                 # 1k, 10k, 100k, 200k, 1M
    python -m scripts.bench_import 1000 200000     # chosen sizes
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scripts.benchproc import peak_mb, run_child

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1_000, 10_000, 100_000, 200_000, 1_000_000)
IMPORT_TARGET_ROWS, IMPORT_TARGET_S = 200_000, 10.0
MEMORY_TARGET_ROWS, MEMORY_TARGET_MB = 1_000_000, 1536.0


def child_import(csv_path: str, var_dir: str) -> dict:
    from components.imports.preview import prepare_import
    from components.imports.store import Store
    from components.pack.load import load_datapack

    pack = load_datapack()
    curated, regions = pack.tables["events"], pack.tables["regions"]
    data = Path(csv_path).read_bytes()
    c0 = time.process_time()
    t0 = time.perf_counter()
    preview = prepare_import(data, Path(csv_path).name, curated, regions, max_bytes=len(data) + 1)
    t1 = time.perf_counter()
    Store(var_dir).add(preview, "benchmark")
    t2 = time.perf_counter()
    return {"prepare_s": t1 - t0, "add_s": t2 - t1, "import_s": t2 - t0, "cpu_s": time.process_time() - c0,
            "accepted": preview.n_accepted, "out_of_scope": preview.n_out_of_scope,
            "duplicates": preview.n_duplicates, "peak_mb": peak_mb()}


def child_events(var_dir: str) -> dict:
    from components.imports.store import Store

    t0 = time.perf_counter()
    events = Store(var_dir).events()
    return {"events_s": time.perf_counter() - t0, "rows": len(events), "peak_mb": peak_mb()}


def main() -> None:
    ap = argparse.ArgumentParser(description="Import benchmark (synthetic GTD-format files).")
    ap.add_argument("sizes", nargs="*", type=int, default=list(SIZES))
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, *rest = args.child
        result = child_import(*rest) if kind == "import" else child_events(*rest)
        print(json.dumps(result))
        return

    print("rows        file MB  prepare s  store s  import s  (CPU s)   rows/s  import peak MB  events() s  "
          "events peak MB")
    notes = []
    with tempfile.TemporaryDirectory(prefix="kz-bench-") as tmp:
        for n in args.sizes:
            csv_path = Path(tmp) / f"gtd_{n}.csv"
            var_dir = Path(tmp) / f"var_{n}"
            subprocess.run([sys.executable, "-m", "scripts.gen_gtd", str(n), str(csv_path), "--seed", "1"], cwd=ROOT,
                           check=True, capture_output=True)
            size_mb = csv_path.stat().st_size / 2**20
            imp = run_child("scripts.bench_import", "import", str(csv_path), str(var_dir))
            ev = run_child("scripts.bench_import", "events", str(var_dir))
            print(f"{n:>9,}  {size_mb:8.1f}  {imp['prepare_s']:9.2f}  {imp['add_s']:7.2f}  {imp['import_s']:8.2f}"
                  f"  {imp['cpu_s']:8.2f}  {n / imp['import_s']:7,.0f}  {imp['peak_mb']:14.0f}"
                  f"  {ev['events_s']:10.2f}  {ev['peak_mb']:14.0f}", flush=True)
            if n == IMPORT_TARGET_ROWS:
                ok = imp["import_s"] < IMPORT_TARGET_S
                notes.append(f"{n:,} rows imported in {imp['import_s']:.2f} s (target < {IMPORT_TARGET_S:.0f} s): "
                             + ("met" if ok else "NOT MET"))
            if n == MEMORY_TARGET_ROWS:
                ok = imp["peak_mb"] < MEMORY_TARGET_MB
                notes.append(f"{n:,} rows: import peak {imp['peak_mb']:.0f} MB (target < 1.5 GB): "
                             + ("met" if ok else "NOT MET"))
            if size_mb * 2**20 > 200 * 2**20:
                notes.append(f"{n:,} rows make a {size_mb:.0f} MB file: over the default 200 MB upload limit "
                             "(the benchmark raises max_bytes)")
            csv_path.unlink()
    print()
    print("Peak = maximum resident memory of the whole process (interpreter, libraries, the file's bytes held as "
          "an upload, the preview and DuckDB). Times are wall-clock; CPU s is the importing process's CPU time "
          "(a guide when the machine is busy). Load average at the end: "
          + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
