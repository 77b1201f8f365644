"""Benchmark: make bench (prints figures; never a timed test).

1. Script rerun after a filter change, per page: the median of N reruns of the real page (AppTest, alternating the
   year range) against the median of N reruns of a bare Streamlit script that has the same sidebar widgets and the
   same number of elements of each kind as the page but trivial content: the framework's floor. Target: <= 1.5x.
2. Navigation to all charts drawn, per page, in Debian's Chromium (Playwright): from page.goto until every Plotly
   and Vega-Lite chart has its SVG, every map its canvas, and Streamlit's running indicator is gone.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
PAGES = {"overview": "app_pages/overview.py", "map": "app_pages/map.py", "timeline": "app_pages/timeline.py",
         "statistics": "app_pages/statistics.py", "sources": "app_pages/sources.py"}
URLS = {"overview": "", "map": "map", "timeline": "timeline", "statistics": "statistics", "sources": "sources"}
RANGES = [(1991, 2016), (2011, 2016)]

BARE_HEADER = '''
import streamlit as st
import plotly.graph_objects as go
import pydeck as pdk
import pandas as pd
st.set_page_config(layout="wide")
with st.sidebar:
    st.slider("Years", 1991, 2016, (1991, 2016), key="years")
    st.multiselect("Regions", [f"r{i}" for i in range(16)], key="region")
    st.multiselect("Attack type", [f"a{i}" for i in range(9)], key="type")
    st.pills("Kind", ["a", "b", "c"], selection_mode="multi", default=["a", "b", "c"], key="kind")
    st.pills("Class", ["a", "b", "c"], selection_mode="multi", default=["a", "b", "c"], key="class")
    st.multiselect("Perpetrator", [f"p{i}" for i in range(15)], key="perp")
    st.button("Reset")
df = pd.DataFrame({"a": range(10), "b": list("abcdefghij")})
'''
BARE_ELEMENTS = {
    "title": 'st.title("t")', "subheader": 'st.subheader("s")', "markdown": 'st.markdown("m")',
    "caption": 'st.caption("c")', "metric": 'st.metric("m", 1)', "info": 'st.info("i")',
    "warning": 'st.warning("w")', "error": 'st.error("e")', "expander": 'st.expander("e")',
    "dataframe": 'st.dataframe(df, key="df{n}")',
    "plotly_chart": 'st.plotly_chart(go.Figure(go.Bar(x=[1, 2], y=[1, 2])), key="pc{n}")',
    "deck_gl_json_chart": 'st.pydeck_chart(pdk.Deck(layers=[], map_provider=None), key="dk{n}")',
    "selectbox": 'st.selectbox("s", ["a", "b"], key="s{n}")', "download_button": 'st.download_button("d", "x", key="d{n}")',
    "segmented_control": 'st.segmented_control("s", ["a", "b"], key="sc{n}")', "toggle": 'st.toggle("t", key="t{n}")',
    "radio": 'st.radio("r", ["a", "b"], key="r{n}")',
}


def _time_reruns(at: AppTest, n: int) -> float:
    times = []
    for i in range(n):
        at.session_state["years"] = RANGES[i % 2]
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        assert not at.exception, at.exception
    return statistics.median(times)


def _bare_script(at: AppTest) -> str:
    lines = [BARE_HEADER]
    for kind, code in BARE_ELEMENTS.items():
        for n in range(len(at.get(kind))):
            lines.append(code.format(n=n))
    return "\n".join(lines)


def share_script_cache() -> None:
    """Compile each script once, as the server does. AppTest gives every run a new ScriptCache, so each rerun would
    parse, rewrite ("magic") and compile the whole app again: a cost no user waits for, and one that grows with the
    length of the script, which would make the real pages look slower against the bare floor than they are."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    local_script_runner.ScriptCache = app_test.ScriptCache = lambda: shared


def rerun_ratios(n: int = 15) -> list[tuple[str, float, float]]:
    share_script_cache()
    rows = []
    for name, page in PAGES.items():
        at = AppTest.from_file(APP, default_timeout=120)
        at.run()
        at.switch_page(page).run()
        real = _time_reruns(at, n)
        with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
            fh.write(_bare_script(at))
        bare = AppTest.from_file(fh.name, default_timeout=120)
        bare.run()
        floor = _time_reruns(bare, n)
        rows.append((name, real, floor))
    return rows


def browser_times(repeats: int = 3) -> list[tuple[str, float]]:
    from playwright.sync_api import sync_playwright

    from scripts.screenshots import READY
    from scripts.serve import CHROMIUM, CHROMIUM_ARGS, running_app

    rows = []
    with running_app() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url)
        page.wait_for_function(READY, timeout=60_000)
        for name, path in URLS.items():
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                page.goto(f"{url}/{path}")
                page.wait_for_timeout(100)  # let the new run start before polling
                page.wait_for_function(READY, timeout=60_000, polling=50)
                times.append(time.perf_counter() - t0)
            rows.append((name, statistics.median(times)))
        browser.close()
    return rows


def main() -> int:
    print("Rerun after a filter change (median of 15; AppTest):")
    print(f"  {'page':<11} {'page ms':>8} {'floor ms':>9} {'ratio':>6}")
    for name, real, floor in rerun_ratios():
        print(f"  {name:<11} {real * 1000:8.1f} {floor * 1000:9.1f} {real / floor:6.2f}x")
    print("Navigation to all charts drawn (median of 3; Chromium):")
    for name, seconds in browser_times():
        print(f"  {name:<11} {seconds * 1000:8.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
