"""Benchmark of the briefing-pack export: python -m scripts.bench_export [runs]  (prints figures; never a timed test).

Times building both files (PowerPoint deck and PDF, one content model) for the full data pack (default filter) and
for a one-region filter. The first run of the process includes importing matplotlib, python-pptx and reportlab and
registering the PDF fonts ("cold"); later runs show the steady state of a running dashboard. The content cache is
cleared before every run, so each run renders every image. Target: full pack < 5 s.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date

TARGET_S = 5.0


def main(runs: int = 3) -> int:
    t0 = time.perf_counter()
    from components import briefing
    from components.filters import Filters
    from components.pack.load import load_datapack

    pack = load_datapack()
    print(f"imports and data pack load: {time.perf_counter() - t0:.2f} s")
    cases = {"full pack (default filter)": Filters(),
             "one region (Almaty Region, 1991-2016)": Filters(regions=("Almaty Region",))}
    worst = 0.0
    for label, filters in cases.items():
        times, parts = [], []
        for _ in range(runs):
            pass  # no cache in the content model: every call builds it
            t = time.perf_counter()
            b = briefing.briefing_content(pack, filters, date.today())
            t_content = time.perf_counter() - t
            pptx = briefing.build_pptx(pack, filters, date.today(), briefing=b)
            t_pptx = time.perf_counter() - t - t_content
            pdf = briefing.build_pdf(pack, filters, date.today(), briefing=b)
            total = time.perf_counter() - t
            t_pdf = total - t_content - t_pptx
            times.append(total)
            parts.append((t_content, t_pptx, t_pdf))
        c, x, p = (statistics.median(v) for v in zip(*parts))
        print(f"{label}: {b.page_count} pages, pptx {len(pptx) / 1e6:.2f} MB, pdf {len(pdf) / 1e6:.2f} MB")
        print(f"  cold {times[0]:.2f} s; median of {runs} {statistics.median(times):.2f} s "
              f"(content and images {c:.2f} s, pptx {x:.2f} s, pdf {p:.2f} s)")
        worst = max(worst, times[0])
    verdict = "OK" if worst < TARGET_S else "OVER TARGET"
    print(f"slowest run {worst:.2f} s; target < {TARGET_S:.0f} s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
