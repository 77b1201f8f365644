"""The shared frame of every page: sidebar filters bound to the URL, notices about bad links, the filter in
words, source lines. Streamlit code; the logic lives in components.filters."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from components import filters as flt
from components import i18n
from components.pack.load import DataPack
from components.text import escape_html, escape_md  # noqa: F401 (the pages' escaping, re-exported)
from dashboard import data

KEY_LANG = "lang"


def t() -> i18n.Translator:
    """The translator of the language chosen (the sidebar's switch, the link's ``lang``, or the browser's), with the
    data pack's labels of that language (``t.value(column, value)``)."""
    return data.translator(i18n.pick(st.session_state.get(KEY_LANG)))


def language_switch() -> str:
    """The language switch, first in the sidebar. Not a bound widget (a bound selectbox would write its label,
    'Русский', into the link): ``read_link`` sets it from the link, or from the browser's language when the link has
    none, and ``write_link`` writes it back with the filters."""
    with st.sidebar:
        st.selectbox("Language · Тіл · Язык", i18n.LANGS, format_func=i18n.NAMES.get, key=KEY_LANG)
    lang = i18n.pick(st.session_state.get(KEY_LANG))
    # the page's lang attribute follows the language (screen readers, hyphenation); the value is one of LANGS
    st.html(f"<script>window.parent.document.documentElement.lang = '{lang}';"
            f"document.documentElement.lang = '{lang}';</script>", unsafe_allow_javascript=True)
    st.html(PAGE_CSS)
    return lang


# A headline value, a metric's label and a pill's or segment's label wrap rather than being cut off: 'не менее 49'
# and 'кемінде 49' are wider than 'at least 49', «Убито жертв» than 'Victims'.
# Whatever has the keyboard's focus shows it (WCAG 2.4.7): several of Streamlit's controls draw no focus ring of
# their own (page links, the selectbox, the multiselects, the map). A table's first column (dates) is not broken.
PAGE_CSS = """<style>
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; overflow-wrap: anywhere; }
:focus-visible { outline: 3px solid #0B5394 !important; outline-offset: 2px !important; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; }
[data-testid="stButtonGroup"] button, [data-testid="stButtonGroup"] button * { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; height: auto !important; }
[data-testid="stButtonGroup"] > div { flex-wrap: wrap !important; }
[data-testid="stTable"] td:first-child, [data-testid="stTable"] td:first-child * { white-space: nowrap !important; }
</style>"""


# Page-level parameters that may appear in a link, with their allowed values (None: free). Pages register here so
# the frame can tell a known parameter from a stray one.
PAGE_KEYS: dict[str, tuple[str, ...] | None] = {
    KEY_LANG: i18n.LANGS,
    "shade": ("incidents", "victims"),
    "basemap": ("true", "false"),
    "present": ("true", "false"),
    "slide": ("Overview", "Map", "Timeline", "Statistics"),
}
_LINK_NOTICES = "_link_notices"  # set once per session by read_link; popped when shown


def perpetrator_options(pack: DataPack) -> tuple[str, ...]:
    """What the perpetrator filter offers: every group, or when there are more than flt.PERPETRATOR_OPTIONS, the
    most frequent ones and every curated one, plus any group the link or the current selection names (so a shared
    link keeps its choice)."""
    offer = data.perpetrator_offer(pack)
    every = data.filter_vocabulary(pack)[flt.KEY_PERPETRATORS]
    if len(offer) == len(every):
        return offer
    chosen = set(st.query_params.get_all(flt.KEY_PERPETRATORS)) | set(st.session_state.get(flt.KEY_PERPETRATORS)
                                                                        or ())
    extra = chosen - set(offer)
    if not extra:
        return offer
    known = set(every)
    return offer + tuple(sorted(p for p in extra if p in known))


def read_link(pack: DataPack) -> None:
    """Once per session, before any widget is drawn: read the link with the one parser (``filters.parse_link``),
    take out of the address what the view cannot honour and write the rest in canonical form, so that the filter
    widgets (seeded here), the bound page controls, presentation mode and the notices all see the same values. The
    notices wait for ``url_notices``."""
    if _LINK_NOTICES in st.session_state:
        return
    raw = {k: st.query_params.get_all(k) for k in st.query_params}
    clean, notices = flt.parse_link(raw, data.filter_vocabulary(pack), PAGE_KEYS)
    for key, values in raw.items():
        if key not in clean:
            del st.query_params[key]
        elif clean[key] != values:
            st.query_params[key] = clean[key]
    _reseed(raw, clean)
    _seed_filters(clean, data.filter_vocabulary(pack))
    # the link's language, or without one the browser's (written into the link by write_link, unless English)
    lang = i18n.pick(clean.get(KEY_LANG, [None])[-1], st.context.locale)
    st.session_state[KEY_LANG] = lang
    st.session_state[_LINK_NOTICES] = notices


def _seed_filters(clean: dict[str, list[str]], vocab: dict[str, tuple[str, ...]]) -> None:
    """The filter widgets' first values, from the cleaned link (a filter the link does not name: its default). The
    filters are not bound widgets: the app writes them into the link itself (``write_link``), every run."""
    years = clean.get(flt.KEY_YEARS)
    st.session_state[flt.KEY_YEARS] = (int(years[0]), int(years[-1])) if years else (flt.YEAR_MIN, flt.YEAR_MAX)
    for key in (flt.KEY_REGIONS, flt.KEY_ATTACK_TYPES, flt.KEY_PERPETRATORS):
        st.session_state[key] = [v for v in clean.get(key, []) if v]
    for key in (flt.KEY_EVENT_TYPES, flt.KEY_CLASSIFICATIONS):
        st.session_state[key] = [v for v in clean[key] if v] if key in clean else list(vocab[key])


def write_link(pack: DataPack) -> None:
    """Write the filters and the language as set into the link, after the widgets are drawn (``link_params``:
    defaults left out), so the address names the view on every page, always; only what changed is sent."""
    params = link_params(pack)
    for key in (*flt.FILTER_KEYS, KEY_LANG):
        if key in params:
            if st.query_params.get_all(key) != params[key]:
                st.query_params[key] = params[key]
        elif key in st.query_params:
            del st.query_params[key]


def _reseed(raw: dict[str, list[str]], clean: dict[str, list[str]]) -> None:
    """Give the bound widgets the cleaned link as their first value. Streamlit seeds a bound widget on a session's
    first run from the address as it arrived (its own copy, parsed its own way: 'years=2011.5' becomes 2011 and
    '+2011' 2011), not from ``st.query_params`` as the script left it; so that copy is replaced too. Internal to
    Streamlit 1.67 (``QueryParams._initial_query_params``): if it moves, the link tests of the overview fail."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    state = getattr(getattr(ctx, "session_state", None), "_state", None)
    seed = getattr(getattr(state, "query_params", None), "_initial_query_params", None)
    if not isinstance(seed, dict):
        return
    for key in raw:
        if key in clean:
            seed[key] = list(clean[key])
        else:
            seed.pop(key, None)


def _reset_filters(vocab: dict[str, tuple[str, ...]]) -> None:
    st.session_state[flt.KEY_YEARS] = (flt.YEAR_MIN, flt.YEAR_MAX)
    for key in (flt.KEY_REGIONS, flt.KEY_ATTACK_TYPES, flt.KEY_PERPETRATORS):
        st.session_state[key] = []
    for key in (flt.KEY_EVENT_TYPES, flt.KEY_CLASSIFICATIONS):
        st.session_state[key] = list(vocab[key])


def sidebar_filters(pack: DataPack) -> flt.Filters:
    """Draw the filters in the sidebar (bound to the URL) and return what they select."""
    read_link(pack)
    vocab = data.filter_vocabulary(pack)
    tr = t()
    with st.sidebar:
        st.markdown("### " + tr("Filters"))
        st.slider(tr("Years"), flt.YEAR_MIN, flt.YEAR_MAX, key=flt.KEY_YEARS)
        # options are the English values (the link's); the labels are in the language
        st.multiselect(tr("Regions"), vocab[flt.KEY_REGIONS], key=flt.KEY_REGIONS,
                       placeholder=tr("All regions"), format_func=_label(tr, "region"))
        st.multiselect(tr("Attack type (GTD)"), vocab[flt.KEY_ATTACK_TYPES], key=flt.KEY_ATTACK_TYPES,
                       placeholder=tr("All attack types"), format_func=_label(tr, "attack_type"))
        st.pills(tr("Incident kind"), vocab[flt.KEY_EVENT_TYPES], selection_mode="multi", key=flt.KEY_EVENT_TYPES,
                 format_func=_label(tr, "event_type"),
                 help=tr("Attacks, security operations started by the authorities, and premature or accidental "
                         "explosions. All are included by default."))
        st.pills(tr("Classification"), vocab[flt.KEY_CLASSIFICATIONS], selection_mode="multi",
                 key=flt.KEY_CLASSIFICATIONS, format_func=_label(tr, "classification"),
                 help=tr("How officials and sources classified each incident. Disputed and not-classified "
                         "incidents are included by default; deselect them to see only officially recognised "
                         "terrorism."))
        offered = perpetrator_options(pack)
        n_all = len(vocab[flt.KEY_PERPETRATORS])
        st.multiselect(tr("Perpetrator"), offered, key=flt.KEY_PERPETRATORS,
                       placeholder=tr("All perpetrators"), format_func=_label(tr, "perpetrator_group"),
                       help=None if len(offered) >= n_all else
                       tr("{n} groups are named in the data: the {top} most frequent and every group of the curated "
                          "incidents are listed, most frequent first.").format(n=tr.number(n_all),
                                                                               top=flt.PERPETRATOR_OPTIONS))
        st.button(tr("Reset filters"), icon=":material/restart_alt:", on_click=_reset_filters, args=(vocab,),
                  width="stretch")
    values = {key: st.session_state.get(key) for key in flt.FILTER_KEYS}
    return flt.Filters.from_values(values, vocab)


def _label(tr: i18n.Translator, column: str) -> Callable[[object], str]:
    """A widget's format_func: an English value shown by its label in the language."""
    return lambda value: str(tr.value(column, value))


def link_params(pack: DataPack) -> dict[str, list[str]]:
    """The filters as set, written as the link writes them (a filter at its default is left out, an emptied
    choice is ``key=``): carried by the page links, so that the page opened shows the same view at once and its
    address names it, without waiting for Streamlit to write the bound parameters back."""
    vocab = data.filter_vocabulary(pack)
    out: dict[str, list[str]] = {}
    lang = i18n.pick(st.session_state.get(KEY_LANG))
    if lang != i18n.DEFAULT:
        out[KEY_LANG] = [lang]
    years = st.session_state.get(flt.KEY_YEARS)
    if years and tuple(years) != (flt.YEAR_MIN, flt.YEAR_MAX):
        out[flt.KEY_YEARS] = [str(int(y)) for y in years]
    for key in (flt.KEY_REGIONS, flt.KEY_ATTACK_TYPES, flt.KEY_PERPETRATORS):
        if st.session_state.get(key):
            out[key] = [str(v) for v in st.session_state[key]]
    for key in (flt.KEY_EVENT_TYPES, flt.KEY_CLASSIFICATIONS):
        chosen = st.session_state.get(key)
        if chosen is not None and set(chosen) != set(vocab[key]):
            out[key] = [str(v) for v in chosen] or [""]
    return out


def page_links(pack: DataPack, pages: list) -> None:
    """The navigation: one link per visible page, each carrying the filters (see ``link_params``)."""
    params = link_params(pack)
    for page in pages:
        st.page_link(page, query_params=params or None)


def url_notices(pack: DataPack) -> None:
    """Say once, at the top of the page, which parts of the link could not be honoured. The link's own words are
    escaped: a value written as markdown (a link, an image) shows as typed, and nothing is fetched."""
    for notice in st.session_state.get(_LINK_NOTICES) or ():
        st.warning(escape_md(notice), icon=":material/link_off:")
    st.session_state[_LINK_NOTICES] = ()


def filter_statement(filters: flt.Filters, n_incidents: int) -> None:
    """The current filter in words, at the top of a view."""
    st.markdown(f"**{escape_md(filters.describe(n_incidents, t()))}**")


def source_line(text: str) -> None:
    st.caption(t()("Source: {text}").format(text=escape_md(text)))




TABLE_BOX = "_table_open"  # the end of every 'View as table' expander's key (tests open them all by it)


def table_box(label: str, key: str):
    """A 'View as table' expander whose content runs only while it is open: a closed one sends nothing, so the
    page draws sooner (no data grid to load). ``with frame.table_box(...) as box: if box.open: ...``"""
    return st.expander(label, key=key + TABLE_BOX, on_change="rerun")
