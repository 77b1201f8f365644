"""Screenshot every page in headless Chromium: python -m scripts.screenshots [OUT_DIR] [WIDTHxHEIGHT ...]

Look at the PNGs before calling a page done.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from scripts.serve import CHROMIUM, CHROMIUM_ARGS, running_app

# Drawn: Streamlit idle, a heading, every plotly chart with its SVG and every map with its canvas.
READY = """() => {
  if (!document.querySelector('[data-testid=stApp][data-test-script-state=notRunning]')) return false;
  if (document.querySelector('[data-testid=stStatusWidget], [data-testid=stSkeleton]')) return false;
  if (!document.querySelector('h1, h2')) return false;
  const charts = [...document.querySelectorAll('[data-testid=stPlotlyChart]')];
  if (!charts.every(c => c.querySelector('.main-svg'))) return false;
  const vega = [...document.querySelectorAll('[data-testid=stVegaLiteChart]')];
  if (!vega.every(c => c.querySelector('svg.marks, canvas.marks'))) return false;
  return [...document.querySelectorAll('[data-testid=stDeckGlJsonChart]')].every(m => m.querySelector('canvas'));
}"""
PAGES = {"data": "data", "overview": "", "map": "map", "timeline": "timeline", "statistics": "statistics",
         "sources": "sources", "import": "import"}


def main(out_dir: str = "screenshots", sizes: list[str] | None = None, query: str = "", full: bool = True,
         pages: list[str] | None = None) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sizes = sizes or ["1280x720", "1920x1080"]
    with running_app() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size in sizes:
            w, h = map(int, size.split("x"))
            page = browser.new_page(viewport={"width": w, "height": h})
            for name, path in PAGES.items():
                if pages and name not in pages:
                    continue
                response = page.goto(f"{url}/{path}{query}")
                if response is None or response.status >= 400:
                    continue
                page.wait_for_selector("[data-testid='stApp']")
                page.wait_for_timeout(300)
                page.wait_for_function(READY, timeout=60_000, polling=100)
                # deck.gl paints a moment after its canvas appears (software WebGL in headless Chromium)
                page.wait_for_timeout(2500 if page.locator("[data-testid=stDeckGlJsonChart]").count() else 800)
                if page.get_by_text("Page not found").count():
                    continue
                target = out / f"{name}-{size}.png"
                page.screenshot(path=str(target))
                print(target)
                if full:
                    # Streamlit scrolls inside its main container: grow the viewport to its height instead.
                    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
                    page.set_viewport_size({"width": w, "height": max(h, min(int(height) + 40, 6000))})
                    page.wait_for_timeout(1500)
                    page.screenshot(path=str(out / f"{name}-{size}-full.png"))
                    page.set_viewport_size({"width": w, "height": h})
        browser.close()


if __name__ == "__main__":
    args = sys.argv[1:]
    only = [a.removeprefix("--page=") for a in args if a.startswith("--page=")]
    args = [a for a in args if not a.startswith("--page=")]
    main(args[0] if args else "screenshots", args[1:] or None, pages=only or None)
