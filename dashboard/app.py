"""Entry point and router: page config, the shared frame (filters, notices), and the pages."""

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts only dashboard/ on sys.path; the project root holds components/.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.runtime.scriptrunner import get_script_run_ctx  # noqa: E402

if __name__ == "__main__" and get_script_run_ctx(suppress_warning=True) is None:
    # Started as a program (`python dashboard/app.py [streamlit options]`, as `make run` does), not by Streamlit:
    # serve this file as `streamlit run` would, with the shared views built in a background thread from the start
    # (dashboard.data.warm_up), so the first visitor finds the first page ready instead of waiting for the data to
    # load. Streamlit then runs this file for each visitor, with a script context, and this block is skipped.
    import threading

    from streamlit.web import cli

    def _warm() -> None:  # imported in the thread too: the server starts listening meanwhile
        from dashboard import data

        data.start_warm_up()

    threading.Thread(target=_warm, name="kz-warm-up-start", daemon=True).start()
    sys.argv = ["streamlit", "run", str(Path(__file__).resolve()), *sys.argv[1:]]
    sys.exit(cli.main())

from components import deploy  # noqa: E402
from dashboard import access, briefing_ui, data, frame, present  # noqa: E402
from dashboard.data import current_pack  # noqa: E402

st.set_page_config(
    page_title="Kazakhstan Terrorism & Counter-Terrorism Dashboard",
    page_icon=str(Path(__file__).resolve().parent / "assets" / "favicon.png"),  # local: no font or CDN fetch
    layout="wide",
)

pack = current_pack()
frame.read_link(pack)  # one reading of the link, before presentation mode or any widget looks at it
if present.presenting():
    present.hide_chrome()
frame.language_switch()
t = frame.t()
pack = current_pack()  # in the language chosen

mode = deploy.current()
if mode is not deploy.WORKSTATION:  # a server: never an exception's text or a server path on the page, whatever
    # the config says
    st.set_option("client.showErrorDetails", "none")
if mode.problem:  # a setting not understood: read-only, said to whoever runs it
    st.error(mode.problem.shown(t), icon=":material/lock:")
PAGES_DIR = Path(__file__).resolve().parent / "app_pages"
overview = st.Page(PAGES_DIR / "overview.py", title=t("Overview"), icon=":material/dashboard:", url_path="home",
                   default=True)  # served at /; /overview (below) leads there too


pages = [
    overview,
    # /overview, the address the overview page had (and links in circulation use): the same page
    st.Page(PAGES_DIR / "overview.py", title=t("Overview"), url_path="overview", visibility="hidden"),
    st.Page(PAGES_DIR / "map.py", title=t("Map"), icon=":material/map:", url_path="map"),
    st.Page(PAGES_DIR / "timeline.py", title=t("Policy timeline"), icon=":material/timeline:", url_path="timeline"),
    st.Page(PAGES_DIR / "statistics.py", title=t("Statistics"), icon=":material/bar_chart:", url_path="statistics"),
    st.Page(PAGES_DIR / "sources.py", title=t("Sources and data"), icon=":material/menu_book:", url_path="sources"),
    # public mode: no import page at all (its address leads to the overview, like any unknown page)
    *([st.Page(PAGES_DIR / "import_data.py", title=t("Import your data"), icon=":material/upload_file:",
               url_path="import")] if mode.imports else []),
    st.Page(PAGES_DIR / "data_pack.py", title=t("Data pack checks"), icon=":material/fact_check:", url_path="data"),
]
# Streamlit's own menu is hidden: its links carry no query parameters, and now and then (Streamlit 1.67) the bound
# filters were not written back into the new page's address. Our links (frame.page_links) carry the filters.
page = st.navigation(pages, position="hidden")
if page.url_path != "import":  # the import page says it in its own words (the store is unreachable)
    data.store_notice(t)
menu = st.sidebar.container()
st.session_state["filters"] = frame.sidebar_filters(pack)
frame.write_link(pack)
if not present.presenting():
    with menu:
        frame.page_links(pack, [p for p in pages if p.visibility != "hidden"])
        st.divider()
with st.sidebar:
    access.sidebar_account()  # team mode: sign in / out
    present.toggle()
briefing_ui.sidebar_control(pack, st.session_state["filters"])
with st.sidebar:
    st.caption(t("Kazakhstan Terrorism & Counter-Terrorism Dashboard, 1991-2016. Every figure cites its sources; "
                 "blank means unknown, never zero."))
if pack.errors:
    st.error(t.n("The data pack has {n} error; the rows concerned are left out. See 'Data pack checks'.",
                 "The data pack has {n} errors; the rows concerned are left out. See 'Data pack checks'.",
                 len(pack.errors)), icon=":material/error:")
frame.url_notices(pack)
if present.presenting():
    present.render(pack, st.session_state["filters"])
else:
    present.forget_slide()
    page.run()
