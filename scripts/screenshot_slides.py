"""Screenshot every presentation slide: python -m scripts.screenshot_slides [OUT_DIR] [WIDTHxHEIGHT ...]
(KZ_LANG=kk or ru: the slides in that language, their files named slide-<lang>-...)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from dashboard.present import SLIDES
from scripts.screenshots import READY
from scripts.serve import CHROMIUM, CHROMIUM_ARGS, running_app


def main(out_dir: str = "screenshots", sizes: list[str] | None = None, lang: str = "") -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with running_app() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size in sizes or ["1280x720", "1920x1080"]:
            w, h = map(int, size.split("x"))
            page = browser.new_page(viewport={"width": w, "height": h})
            for slide in SLIDES:
                page.goto(f"{url}/?present=true&slide={slide}" + (f"&lang={lang}" if lang else ""))
                page.wait_for_selector("h2")
                page.wait_for_function(READY, timeout=60_000, polling=100)
                page.wait_for_timeout(2500 if slide == "Map" else 800)
                target = out / f"slide-{lang + '-' if lang else ''}{slide.lower()}-{size}.png"
                page.screenshot(path=str(target))
                print(target)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "screenshots", sys.argv[2:] or None, os.environ.get("KZ_LANG", ""))
