"""Presentation mode: the views one per screen for projecting in a briefing, with the chrome hidden, larger text,
previous/next buttons and keyboard navigation (Left, Right, Esc). Each slide states the filter in words and
carries its source line. The sidebar stays rendered (only hidden), so the filters and the link survive leaving."""

from __future__ import annotations

import streamlit as st

from components.figures import slides
from components.figures import statistics as sc
from components.figures import yearly as charts
from components.filters import Filters
from components.map.regions import DEFAULT_SHADE
from components.pack.load import DataPack
from components.views.sources import meta_text
from dashboard import data, details, frame
from dashboard.data import filtered_events

KEY_PRESENT = "present"
KEY_SLIDE = "slide"
SLIDES = ("Overview", "Map", "Timeline", "Statistics")


def headings(t) -> dict[str, str]:
    """Each slide's heading in the language shown (the slide names stay English: they are the link's values)."""
    return {"Overview": t("Incidents and victims per year, with policy milestones"),
            "Map": t("Where the incidents took place"),
            "Timeline": t("Counter-terrorism policy, 1991-2016"),
            "Statistics": t("Perpetrators' ages, prosecution and prevention")}

def slide_names(t) -> dict[str, str]:
    """Each slide's name on the switch, in the language shown."""
    return {"Overview": t("Overview"), "Map": t("Map"), "Timeline": t("Policy timeline"),
            "Statistics": t("Statistics")}


# Static CSS written here, never built from data.
CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.8rem 2.5rem 0.5rem 2.5rem !important; max-width: 100% !important; }
[data-testid="stMain"] p, [data-testid="stMain"] li { font-size: 1.2rem; }
[data-testid="stMain"] h2 { font-size: 2.1rem; padding: 0.2rem 0 0.1rem 0; }
[data-testid="stMetricValue"] p { font-size: 2.2rem !important; line-height: 1.15; }
[data-testid="stMetricLabel"] p { font-size: 1.1rem !important; }
[data-testid="stCaptionContainer"] { font-size: 1rem; }
</style>
"""


def presenting() -> bool:
    """On: the switch is on, or (before the switch exists in a session's first run) the link says present=true."""
    if KEY_PRESENT in st.session_state:
        return bool(st.session_state[KEY_PRESENT])
    return str(st.query_params.get(KEY_PRESENT, "")).strip().lower() == "true"


def hide_chrome() -> None:
    """The presentation CSS, sent first in the run so that nothing of the sidebar or toolbar shows even for a
    moment while the rest of the slide is drawn."""
    st.html(CSS)


def toggle() -> None:
    """The switch in the sidebar (bound to the link, so a prepared link opens straight into the mode)."""
    t = frame.t()
    st.toggle(t("Presentation mode"), key=KEY_PRESENT, bind="query-params",
              help=t("One view per screen for a projector: chrome hidden, larger text. Left/Right arrows or the "
                     "buttons move between views; Esc leaves. The filters stay as they are."))


def _step(delta: int) -> None:
    current = st.session_state.get(KEY_SLIDE) or SLIDES[0]
    index = SLIDES.index(current) if current in SLIDES else 0
    st.session_state[KEY_SLIDE] = SLIDES[max(0, min(len(SLIDES) - 1, index + delta))]


def _leave() -> None:
    st.session_state[KEY_PRESENT] = False
    forget_slide()


def forget_slide() -> None:
    """Out of presentation mode the link names no slide."""
    if KEY_SLIDE in st.query_params:
        del st.query_params[KEY_SLIDE]


def _plot(pack: DataPack, kind: str, key: tuple, height: int, alt: str) -> None:
    st.plotly_chart(data.slide_figure(pack, kind, key, height), key=f"slide-{kind}", alt=alt,
                    config={"displaylogo": False}, theme=None if kind in data.STATS_FIGURES else "streamlit")


def render(pack: DataPack, filters: Filters) -> None:
    t = frame.t()
    bar = st.columns([1, 1, 5.6, 1.4], vertical_alignment="center")  # room for "Шығу"/"Выход" and the Esc hint
    # The options are the link's values (English in every language), shown by their names in the language. Not a
    # bound widget (a bound one writes its shown label, 'Карта', into the link): seeded from the link when first
    # drawn and written back below, as the frame does the filters and the map its shading.
    if st.session_state.get(KEY_SLIDE) not in SLIDES:
        linked = st.query_params.get(KEY_SLIDE)
        st.session_state[KEY_SLIDE] = linked if linked in SLIDES else SLIDES[0]
    names = slide_names(t)
    with bar[2]:  # first, so that a slide named in the link is known before the buttons are drawn
        name = st.segmented_control(t("View"), SLIDES, key=KEY_SLIDE, required=True, format_func=names.get,
                                    label_visibility="collapsed")
    name = name if name in SLIDES else SLIDES[0]
    if st.query_params.get(KEY_SLIDE) != name:  # the link names the slide shown, in English
        st.query_params[KEY_SLIDE] = name
    index = SLIDES.index(name)
    bar[0].button(t("Back"), icon=":material/arrow_back:", shortcut="Left", on_click=_step, args=(-1,),
                  disabled=index == 0, width="stretch", key="slide_prev")
    bar[1].button(t("Next"), icon=":material/arrow_forward:", shortcut="Right", on_click=_step, args=(1,),
                  disabled=index == len(SLIDES) - 1, width="stretch", key="slide_next")
    bar[3].button(t("Exit"), icon=":material/close:", shortcut="Esc", help=t("Leave presentation mode; the filters stay"),
                  on_click=_leave, width="stretch", key="slide_exit")

    events = filtered_events(pack, filters.key())
    key = filters.key()
    st.header(headings(t)[name], anchor=False)
    frame.filter_statement(filters, len(events))
    {"Overview": _overview, "Map": _map, "Timeline": _timeline, "Statistics": _statistics}[name](
        pack, filters, events, key)
    # the slide's number, and in Kazakh and Russian the standard note on the data pack's texts (one line: the slide
    # keeps its height)
    st.caption(" · ".join(bit for bit in (f"{index + 1} / {len(SLIDES)}", details.translation_note_text(t)) if bit))


def _overview(pack, filters, events, key) -> None:
    view = data.overview(pack, key)
    for i, (col, tile) in enumerate(zip(st.columns(4), view.tiles)):
        col.metric(tile.label, tile.value, border=True)
        if i:  # the incidents' kinds are in the sidebar's filter
            col.caption(tile.note)
    _plot(pack, "overview", key, 320, view.chart_alt)
    t = frame.t()
    frame.source_line(t("data pack events and policies tables, each row citing its own sources.") + " "
                      + t(charts.YEARLY_NOTE))


def _map(pack, filters, events, key) -> None:
    shade = DEFAULT_SHADE
    view = data.map_view(pack, key)
    if view.aggregation.aggregated:  # the circles are cells, not incidents: said on the slide
        st.markdown(f"**{frame.escape_md(view.headline)}**")
    left, right = st.columns([4, 1])
    with left:
        st.pydeck_chart(data.slide_deck(pack, key, shade), height=slides.SLIDE_MAP_HEIGHT, key="slide-map",
                        alt=view.slide_alt)
    with right:
        legend_svg, legend_text = data.map_legend(pack, key, shade)
        st.image(legend_svg, alt=legend_text)
    frame.source_line(frame.t()("data pack events table; most points are settlement centres, not incident sites.")
                      + " " + meta_text(pack.metadata, ("boundaries", "attribution"), frame.t()))


def _timeline(pack, filters, events, key) -> None:
    view = data.timeline(pack, key)
    if view.policies.empty and not view.incidents:
        st.info(frame.t()("No policy milestone and no incident in these years."))
    else:
        aggregated = view.aggregated
        if aggregated:  # the incidents row shows periods, not incidents: said on the slide
            st.markdown(f"**{frame.escape_md(aggregated)}**")
        _plot(pack, "timeline", key, 490 if not aggregated else 440, view.alt)
    frame.source_line(frame.t()("data pack policies, phases and banned organisations; phases from the 2018 "
                                "Karaganda article (their years are approximate readings of its text)."))


def _statistics(pack, filters, events, key) -> None:
    t = frame.t()
    st.caption(t("National figures as reported; the region and year filters do not apply to them."))
    left, right = st.columns([1, 1], gap="large")
    with left:
        _plot(pack, "age", (), 310, data.stats_text(pack, sc.AGE_IDS).alt)
        st.warning("**" + t("The bands do not add up.") + "** " + frame.escape_md(data.stats_age(pack).caveat),
                   icon=":material/warning:")
    with right:
        for row in data.stats_prosecution(pack):
            st.markdown(f"<span style='display:block;line-height:1.3'><span style='font-size:1.6rem;font-weight:600'>"
                        f"{frame.escape_html(row['value_as_stated'])}</span> "
                        f"{frame.escape_html(row['unit'])} · {frame.escape_html(row['metric'])}<br>"
                        f"<span style='color:#555;font-size:0.95rem'>{t('Period:')} "  # our catalogue's words, not data
                        f"{frame.escape_html(row['period'])}"
                        "</span></span>", unsafe_allow_html=True)
    frame.source_line(data.stats_text(pack, sc.AGE_IDS + sc.PROSECUTION_IDS).line + ". "
                      + t("Each figure covers its own period; they are not a series."))
