"""Presentation mode: the views one per screen for projecting in a briefing, with the chrome hidden, larger text,
previous/next buttons and keyboard navigation (Left, Right, Esc). Each slide states the filter in words and
carries its source line. The sidebar stays rendered (only hidden), so the filters and the link survive leaving."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from components.figures import statistics as sc
from components.figures import yearly as charts
from components.filters import Filters
from components.map import mapping
from components.pack.load import DataPack
from dashboard import frame, views
from dashboard.data import filtered_events, memo

KEY_PRESENT = "present"
KEY_SLIDE = "slide"
SLIDES = ("Overview", "Map", "Timeline", "Statistics")
HEADINGS = {
    "Overview": "Incidents and victims per year, with policy milestones",
    "Map": "Where the incidents took place",
    "Timeline": "Counter-terrorism policy, 1991-2016",
    "Statistics": "Perpetrators' ages, prosecution and prevention",
}

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
    st.toggle("Presentation mode", key=KEY_PRESENT, bind="query-params",
              help="One view per screen for a projector: chrome hidden, larger text. Left/Right arrows or the "
                   "buttons move between views; Esc leaves. The filters stay as they are.")


def _step(delta: int) -> None:
    current = st.session_state.get(KEY_SLIDE) or SLIDES[0]
    index = SLIDES.index(current) if current in SLIDES else 0
    st.session_state[KEY_SLIDE] = SLIDES[max(0, min(len(SLIDES) - 1, index + delta))]


def _leave() -> None:
    st.session_state[KEY_PRESENT] = False


def _bigger(fig: go.Figure, height: int | None, font_size: int | None) -> go.Figure:
    """A copy (memoised figures are shared and read-only) with the slide's height and, where the figure's layout
    allows it, a larger font."""
    out = go.Figure(fig)
    if height:
        out.update_layout(height=height)
    if font_size:
        out.update_layout(font_size=font_size, hoverlabel_font_size=font_size)
        out.update_annotations(font_size=font_size)
    return out


def _open_rows(fig: go.Figure, height: int, gap_px: float) -> None:
    """Stacked subplots with ``gap_px`` between rows (their heights keep their proportions), and each row's title
    moved to the top of its row: on a short slide the default gap, a fraction of the height, is narrower than the
    enlarged titles, which then run into the axis above."""
    axes = sorted((name for name in fig.layout if name.startswith("yaxis") and fig.layout[name].domain),
                  key=lambda name: -fig.layout[name].domain[1])
    margin = fig.layout.margin
    plot_px = height - (margin.t or 0) - (margin.b or 0)
    gap = gap_px / plot_px
    spans = [fig.layout[name].domain[1] - fig.layout[name].domain[0] for name in axes]
    scale = (1 - gap * (len(axes) - 1)) / sum(spans)
    titles = [a for a in fig.layout.annotations if a.yref == "paper" and a.yanchor == "bottom"]
    titles.sort(key=lambda a: -a.y)
    top = 1.0
    for i, (name, span) in enumerate(zip(axes, spans)):
        bottom = max(0.0, top - span * scale)
        fig.layout[name].domain = (bottom, top)
        if i < len(titles):
            titles[i].y = top
        top = bottom - gap


def slide_figure(pack: DataPack, kind: str, key: tuple, height: int) -> go.Figure:
    """A view's figure scaled for projection (memoised through ``memo``)."""
    return views.frozen(_slide_figure(pack, kind, key, height))


def _slide_figure(pack: DataPack, kind: str, key: tuple, height: int) -> go.Figure:
    if kind == "overview":
        fig = _bigger(memo(views.yearly_view, pack, key)[2], height, 16)
        # legend on the right so the three rows keep their height on a 720-pixel screen
        fig.update_layout(legend=dict(orientation="v", x=1.01, y=1, yanchor="top", xanchor="left"),
                          margin=dict(r=230))
        _open_rows(fig, height, gap_px=50)
        return fig
    if kind == "timeline":
        fig = _bigger(memo(views.timeline_figure, pack, key), height, None)  # its own fonts are >= 14 px
        # the legend sits a fraction of the plot's height below it: keep it 40 px down, clear of the year labels
        margin = fig.layout.margin
        fig.update_layout(legend_y=-40 / (height - (margin.t or 0) - (margin.b or 0)))
        return fig
    # the statistics figures place their own labels: keep their fonts (already >= 14 px)
    return _bigger(memo(views.stats_figure, pack, kind), height, None)


def _plot(pack: DataPack, kind: str, key: tuple, height: int, alt: str) -> None:
    st.plotly_chart(memo(slide_figure, pack, kind, key, height), key=f"slide-{kind}", alt=alt,
                    config={"displaylogo": False}, theme=None if kind in views.STATS_FIGURES else "streamlit")


def render(pack: DataPack, filters: Filters) -> None:
    bar = st.columns([1, 1, 6, 1], vertical_alignment="center")
    with bar[2]:  # first, so that a slide named in the link is known before the buttons are drawn
        name = st.segmented_control("View", SLIDES, key=KEY_SLIDE, bind="query-params",
                                    label_visibility="collapsed") or SLIDES[0]
    index = SLIDES.index(name)
    bar[0].button("Back", icon=":material/arrow_back:", shortcut="Left", on_click=_step, args=(-1,),
                  disabled=index == 0, width="stretch", key="slide_prev")
    bar[1].button("Next", icon=":material/arrow_forward:", shortcut="Right", on_click=_step, args=(1,),
                  disabled=index == len(SLIDES) - 1, width="stretch", key="slide_next")
    bar[3].button("Exit", icon=":material/close:", shortcut="Esc", help="Leave presentation mode; the filters stay",
                  on_click=_leave, width="stretch", key="slide_exit")

    events = filtered_events(pack, filters.key())
    key = filters.key()
    st.header(HEADINGS[name], anchor=False)
    frame.filter_statement(filters, len(events))
    {"Overview": _overview, "Map": _map, "Timeline": _timeline, "Statistics": _statistics}[name](
        pack, filters, events, key)
    st.caption(f"{index + 1} / {len(SLIDES)}")


def _overview(pack, filters, events, key) -> None:
    for col, tile in zip(st.columns(4), memo(views.overview_summary, pack, key)["tiles"]):
        col.metric(tile.label, tile.value, border=True)
        if tile.label != "Incidents":
            col.caption(tile.note)
    _plot(pack, "overview", key, 320, "Policy milestones, incidents per year and victims killed per year.")
    frame.source_line("data pack events and policies tables, each row citing its own sources. "
                      + charts.YEARLY_NOTE)


# The slide's map opens closer than the page's (zoom 3.3 fits a 640 x 560 map): Kazakhstan then spans about 830 by
# 450 pixels, which fills the slide at 1280 x 720 with the source line still on the screen.
SLIDE_MAP_ZOOM, SLIDE_MAP_HEIGHT = 3.8, 470


def slide_deck(pack: DataPack, key: tuple, shade: str):
    deck = memo(views.map_view, pack, key, shade, False)[0]
    out = mapping.zoomed(deck, SLIDE_MAP_ZOOM)
    out.to_json()  # serialised once, here
    return out


def _map(pack, filters, events, key) -> None:
    shade = mapping.DEFAULT_SHADE
    agg = memo(views.map_view, pack, key, shade, False)[1]
    if agg.aggregated:  # the circles are cells, not incidents: said on the slide
        st.markdown(f"**{frame.escape_md(agg.sentence()[0].upper() + agg.sentence()[1:])}.**")
    left, right = st.columns([4, 1])
    with left:
        alt = (f"Map of Kazakhstan's regions shaded by incidents, with {agg.located:,} incidents summed into "
               f"{agg.cells:,} grid cells." if agg.aggregated else
               f"Map of Kazakhstan's regions shaded by incidents, with {len(events)} incidents.")
        st.pydeck_chart(memo(slide_deck, pack, key, shade), height=SLIDE_MAP_HEIGHT, key="slide-map", alt=alt)
    with right:
        legend_svg, legend_text = memo(views.map_legend, pack, key, shade)
        st.image(legend_svg, alt=legend_text)
    frame.source_line("data pack events table; most points are settlement centres, not incident sites. "
                      + pack.metadata["boundaries"]["attribution"])


def _timeline(pack, filters, events, key) -> None:
    text = memo(views.timeline_text, pack, key)
    if not text["policies"] and not text["events"]:
        st.info("No policy milestone and no incident in these years.")
    else:
        aggregated = text["aggregated"]
        if aggregated:  # the incidents row shows periods, not incidents: said on the slide
            st.markdown(f"**{frame.escape_md(aggregated)}**")
        _plot(pack, "timeline", key, 490 if not aggregated else 440,
              "Policy milestones by kind, the incidents, and the approximate phases.")
    frame.source_line("data pack policies, phases and banned organisations; phases from the 2018 Karaganda article "
                      "(their years are approximate readings of its text).")


def _statistics(pack, filters, events, key) -> None:
    st.caption("National figures as reported; the region and year filters do not apply to them.")
    left, right = st.columns([1, 1], gap="large")
    with left:
        _plot(pack, "age", (), 310, memo(views.stats_alt, pack, "age"))
        st.warning("**The bands do not add up.** " + frame.escape_md(memo(views.stats_age_text, pack)[0]),
                   icon=":material/warning:")
    with right:
        for row, period in memo(_prosecution_rows, pack):
            st.markdown(f"<span style='display:block;line-height:1.3'><span style='font-size:1.6rem;font-weight:600'>"
                        f"{frame.escape_html(row['Value'])}</span> "
                        f"{frame.escape_html(row['Unit'])} · {frame.escape_html(row['Metric'])}<br>"
                        f"<span style='color:#555;font-size:0.95rem'>Period: {frame.escape_html(period)}</span></span>",
                        unsafe_allow_html=True)
    frame.source_line(memo(views.stats_chart_text, pack, sc.AGE_IDS + sc.PROSECUTION_IDS)["line"]
                      + ". Each figure covers its own period; they are not a series.")


def _prosecution_rows(pack: DataPack) -> list[tuple[dict, str]]:
    """(readable row, period) of each prosecution figure; 'same as above' in the source repeats the period it
    refers to."""
    out, period = [], ""
    for row in sc.stat_rows(pack.tables["statistics"], pack.sources_by_id(), list(sc.PROSECUTION_IDS)).to_dict(
            "records"):
        period = period if row["Period"] == "same as above" else row["Period"]
        out.append((row, period))
    return out
