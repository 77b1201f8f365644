"""Benchmark of the import engine and store (prints figures; never a timed test).

For each size, a synthetic GTD-format CSV (scripts/gen_gtd.py; no real GTD rows) is written to a temporary folder,
then a fresh Python process reads it into memory as an upload would, previews it (``prepare_import``) and stores it
(``Store.add``) in a fresh store. Its peak resident memory (the whole process: interpreter, libraries, the file's
bytes, the preview and DuckDB; /proc/self/status VmHWM, else ``resource.getrusage``) is the import's peak. A second
fresh process opens the store and reads the events back (``Store.events``).

Targets: a 200k-row import under 10 s; peak memory under 1.5 GB at 1M rows.

Then the same for Excel workbooks (issue 11): a synthetic GTD-format XLSX written as Excel saves one (XlsxWriter:
numbers as numbers, strings in the shared-strings table) is previewed and stored the same way (target: 100k rows in
under 10 s), and a zip bomb - a 1 MB workbook whose [Content_Types].xml holds a 1 GiB comment - is uploaded: the
time to its refusal and the process's peak memory are printed.

    python -m scripts.bench_import                 # 1k, 10k, 100k, 200k, 1M; XLSX 100k; the bomb
    python -m scripts.bench_import 1000 200000     # chosen CSV sizes
    python -m scripts.bench_import 1000 --xlsx 10000 100000   # chosen XLSX sizes (--xlsx alone: none)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from scripts.benchproc import peak_mb, run_child

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1_000, 10_000, 100_000, 200_000, 1_000_000)
IMPORT_TARGET_ROWS, IMPORT_TARGET_S = 200_000, 10.0
MEMORY_TARGET_ROWS, MEMORY_TARGET_MB = 1_000_000, 1536.0
XLSX_SIZES = (100_000,)
XLSX_TARGET_ROWS, XLSX_TARGET_S = 100_000, 10.0
BOMB_GIB = 1.0  # the comment in the bomb's [Content_Types].xml, as in the issue


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


def child_refuse(path: str) -> dict:
    """Upload a workbook that must be refused: the time to the refusal, the peak memory and the message."""
    from components.imports.preview import prepare_import
    from components.imports.source import ImportFileError

    data = Path(path).read_bytes()
    c0, t0 = time.process_time(), time.perf_counter()
    try:
        prepare_import(data, Path(path).name, max_bytes=len(data) + 1)
        message = "NOT REFUSED"
    except ImportFileError as exc:
        message = str(exc)
    return {"refuse_s": time.perf_counter() - t0, "cpu_s": time.process_time() - c0, "peak_mb": peak_mb(),
            "message": message}


def write_xlsx(n: int, path: Path, seed: int = 1) -> None:
    """``n`` synthetic GTD-format rows (scripts/gen_gtd.py) as Excel saves a workbook: numbers as numbers, blank
    cells absent, strings in the shared-strings table (XlsxWriter)."""
    import pandas as pd
    import xlsxwriter

    from scripts import gen_gtd

    df = gen_gtd.generate(n, seed)
    columns = []
    for name in df.columns:
        text = df[name].astype(str)
        number = pd.to_numeric(text.where(text != ""), errors="coerce")
        if (text != "").any() and number.notna().sum() == (text != "").sum():
            columns.append([None if pd.isna(v) else (int(v) if float(v).is_integer() else float(v)) for v in number])
        else:
            columns.append([v or None for v in text])
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("GTD")
    ws.write_row(0, 0, list(df.columns))
    for i, values in enumerate(zip(*columns, strict=True), start=1):
        for j, value in enumerate(values):
            if value is not None:
                ws.write(i, j, value)
    wb.close()


def write_bomb(path: Path, gib: float = BOMB_GIB) -> None:
    """A GTD workbook of two rows whose [Content_Types].xml starts with a comment of ``gib`` GiB of spaces, deflated
    to about a megabyte."""
    small = Path(str(path) + ".small.xlsx")
    write_xlsx(2, small)
    with zipfile.ZipFile(small) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename != "[Content_Types].xml":
                dst.writestr(info.filename, body)
                continue
            member = zipfile.ZipInfo(info.filename)
            member.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(member, "w", force_zip64=True) as fh:
                fh.write(b"<!--")
                block = b" " * (1 << 24)
                for _ in range(int(gib * 64)):
                    fh.write(block)
                fh.write(b"-->" + body)
    small.unlink()


def sheet_mb(path: Path) -> float:
    with zipfile.ZipFile(path) as zf:
        return sum(i.file_size for i in zf.infolist() if i.filename.startswith("xl/worksheets/")) / 2**20


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def print_import_row(n: int, cells: list[str], imp: dict, tail: str = "") -> None:
    """One row of an import table: rows, the file's own columns (``cells``), then the import's figures."""
    print(f"{n:>9,}  " + "  ".join(cells) + f"  {imp['prepare_s']:9.2f}  {imp['add_s']:7.2f}  {imp['import_s']:8.2f}"
          f"  {imp['cpu_s']:8.2f}  {n / imp['import_s']:7,.0f}  {imp['peak_mb']:14.0f}" + tail, flush=True)


def child_events(var_dir: str) -> dict:
    from components.imports.store import Store

    t0 = time.perf_counter()
    events = Store(var_dir).events()
    return {"events_s": time.perf_counter() - t0, "rows": len(events), "peak_mb": peak_mb()}


def main() -> None:
    ap = argparse.ArgumentParser(description="Import benchmark (synthetic GTD-format files).")
    ap.add_argument("sizes", nargs="*", type=int, default=list(SIZES))
    ap.add_argument("--xlsx", nargs="*", type=int, default=list(XLSX_SIZES), metavar="ROWS",
                    help="sizes of the XLSX workbooks (none: skip them)")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "write-xlsx":
            write_xlsx(int(rest[0]), Path(rest[1]))
            result = {}
        elif kind == "write-bomb":
            write_bomb(Path(rest[0]))
            result = {}
        else:
            result = {"import": child_import, "events": child_events, "refuse": child_refuse}[kind](*rest)
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
            print_import_row(n, [f"{size_mb:8.1f}"], imp, f"  {ev['events_s']:10.2f}  {ev['peak_mb']:14.0f}")
            if n == IMPORT_TARGET_ROWS:
                notes.append(f"{n:,} rows imported in {imp['import_s']:.2f} s (target < {IMPORT_TARGET_S:.0f} s): "
                             + verdict(imp["import_s"] < IMPORT_TARGET_S))
            if n == MEMORY_TARGET_ROWS:
                notes.append(f"{n:,} rows: import peak {imp['peak_mb']:.0f} MB (target < 1.5 GB): "
                             + verdict(imp["peak_mb"] < MEMORY_TARGET_MB))
            if size_mb * 2**20 > 200 * 2**20:
                notes.append(f"{n:,} rows make a {size_mb:.0f} MB file: over the default 200 MB upload limit "
                             "(the benchmark raises max_bytes)")
            csv_path.unlink()
        if args.xlsx:
            print()
            print("XLSX (a synthetic GTD-format workbook as Excel saves it: numbers as numbers, shared strings)")
            print("rows        file MB  sheet MB  prepare s  store s  import s  (CPU s)   rows/s  import peak MB")
        for n in args.xlsx:
            path = Path(tmp) / f"gtd_{n}.xlsx"
            var_dir = Path(tmp) / f"var_xlsx_{n}"
            run_child("scripts.bench_import", "write-xlsx", str(n), str(path))
            imp = run_child("scripts.bench_import", "import", str(path), str(var_dir))
            print_import_row(n, [f"{path.stat().st_size / 2**20:8.1f}", f"{sheet_mb(path):8.1f}"], imp)
            if n == XLSX_TARGET_ROWS:
                notes.append(f"{n:,}-row XLSX imported in {imp['import_s']:.2f} s (target < {XLSX_TARGET_S:.0f} s): "
                             + verdict(imp["import_s"] < XLSX_TARGET_S))
            path.unlink()
        bomb = Path(tmp) / "bomb.xlsx"
        run_child("scripts.bench_import", "write-bomb", str(bomb))
        with zipfile.ZipFile(bomb) as zf:
            unpacked = zf.getinfo("[Content_Types].xml").file_size
        ref = run_child("scripts.bench_import", "refuse", str(bomb))
        print()
        print(f"Zip bomb: a {bomb.stat().st_size / 2**20:.1f} MB workbook whose [Content_Types].xml unpacks to "
              f"{unpacked / 2**30:.1f} GB: refused in {ref['refuse_s']:.2f} s (CPU {ref['cpu_s']:.2f} s), import "
              f"peak {ref['peak_mb']:.0f} MB.")
        print(f"  {ref['message']}")
    print()
    print("Peak = maximum resident memory of the whole process (interpreter, libraries, the file's bytes held as "
          "an upload, the preview and DuckDB). Times are wall-clock; CPU s is the importing process's CPU time "
          "(a guide when the machine is busy). Load average at the end: "
          + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
