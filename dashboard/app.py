"""Entry point and router: page config, the shared frame, and the pages."""

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts only dashboard/ on sys.path; the project root holds components/.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

st.set_page_config(
    page_title="Kazakhstan Terrorism & Counter-Terrorism Dashboard",
    page_icon=":material/query_stats:",
    layout="wide",
)

PAGES_DIR = Path(__file__).resolve().parent / "app_pages"
pages = [
    st.Page(PAGES_DIR / "data_pack.py", title="Data pack", icon=":material/table_view:", url_path="data",
            default=True),
]
st.navigation(pages).run()
