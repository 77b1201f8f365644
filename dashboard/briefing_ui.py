"""The briefing-pack control in the sidebar: prepare the current view as PowerPoint and PDF, then download. The pack
is in the session's language (the pack the app passes is in it); one prepared in another language is stale."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import streamlit as st

from components.filters import Filters
from components.pack.load import DataPack
from dashboard import data, frame

_PREPARED = "_briefing_prepared"  # ((data key, filters key), view url, {'pptx': bytes, 'pdf': bytes}, language)


def _key(pack: DataPack, filters: Filters) -> tuple:
    """What a prepared pack was built from: the data (the pack's key names the imported datasets switched on, by
    fingerprint, and the language) and the filters."""
    return pack.data_dir, filters.key()


def view_url() -> str:
    """The address of the current view (page and filters), for the title slide."""
    base = (st.context.url or "").split("?")[0]
    query = urlencode([(k, v) for k in st.query_params for v in st.query_params.get_all(k)])
    return f"{base}?{query}" if query else base


def _prepare(pack: DataPack, filters: Filters, url: str) -> None:
    with st.spinner(pack.t("Preparing the briefing pack…")):
        files = data.briefing_files(pack, filters.key(), date.today(), url)
    st.session_state[_PREPARED] = (_key(pack, filters), url, files, pack.lang)


def _stale_reason(prepared: tuple, pack: DataPack, t) -> str:
    """Why a prepared pack is not the current view's: the language, the filters or the data changed."""
    if len(prepared) > 3 and prepared[3] != pack.lang:
        return t("The language changed since the last pack: prepare it again.")
    if prepared[0][0] == pack.data_dir:
        return t("The filters changed since the last pack: prepare it again.")
    return t("The data changed since the last pack (an imported dataset was switched on or off, added or removed): "
             "prepare it again.")


def sidebar_control(pack: DataPack, filters: Filters) -> None:
    with st.sidebar:
        t = frame.t()
        st.markdown("### " + t("Briefing pack"))
        url = view_url()
        prepared = st.session_state.get(_PREPARED)
        current = prepared is not None and prepared[0] == _key(pack, filters)
        st.button(t("Prepare briefing pack") if not current else t("Prepare again"), icon=":material/slideshow:",
                  key="briefing_prepare", on_click=_prepare, args=(pack, filters, url), width="stretch",
                  help=t("The current view (filters as set) as a PowerPoint deck with editable charts and an A4 "
                         "PDF handout: headline figures, per-year chart, map, timeline, statistics, the incidents "
                         "and every source cited. Takes a few seconds."))
        if not current:
            if prepared is not None:
                st.caption(_stale_reason(prepared, pack, t))
            return
        stem = "kz-briefing-" + date.today().isoformat()
        files = prepared[2]
        st.download_button(t("PowerPoint (.pptx)"), files["pptx"], file_name=f"{stem}.pptx", on_click="ignore",
                           mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                           icon=":material/download:", key="briefing_pptx", width="stretch")
        st.download_button(t("PDF handout"), files["pdf"], file_name=f"{stem}.pdf", mime="application/pdf",
                           on_click="ignore", icon=":material/download:", key="briefing_pdf", width="stretch")
        st.caption(t("For: {view}").format(view=filters.describe(t=t)))
