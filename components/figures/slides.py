"""The presentation slides' figures: a view's figure scaled for projection (taller or shorter, larger text, rows
opened up), and the map opened closer. Pure code: figures in, new figures out (the inputs are shared and never
changed)."""

from __future__ import annotations

import plotly.graph_objects as go

from components.map import layers

# The slide's map opens closer than the page's (zoom 3.3 fits a 640 x 560 map): Kazakhstan then spans about 830 by
# 450 pixels, which fills the slide at 1280 x 720 with the source line still on the screen.
SLIDE_MAP_ZOOM, SLIDE_MAP_HEIGHT = 3.8, 470


def bigger(fig: go.Figure, height: int | None, font_size: int | None) -> go.Figure:
    """A copy with the slide's height and, where the figure's layout allows it, a larger font."""
    out = go.Figure(fig)
    if height:
        out.update_layout(height=height)
    if font_size:
        out.update_layout(font_size=font_size, hoverlabel_font_size=font_size)
        out.update_annotations(font_size=font_size)
    return out


def open_rows(fig: go.Figure, height: int, gap_px: float) -> None:
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


def overview_slide(fig: go.Figure, height: int) -> go.Figure:
    out = bigger(fig, height, 16)
    # legend on the right so the three rows keep their height on a 720-pixel screen
    out.update_layout(legend=dict(orientation="v", x=1.01, y=1, yanchor="top", xanchor="left"), margin=dict(r=230))
    open_rows(out, height, gap_px=50)
    return out


def timeline_slide(fig: go.Figure, height: int) -> go.Figure:
    out = bigger(fig, height, None)  # its own fonts are >= 14 px
    # the legend sits a fraction of the plot's height below it: keep it 40 px down, clear of the year labels
    margin = out.layout.margin
    out.update_layout(legend_y=-40 / (height - (margin.t or 0) - (margin.b or 0)))
    return out


def statistics_slide(fig: go.Figure, height: int) -> go.Figure:
    return bigger(fig, height, None)  # the statistics figures place their own labels: keep their fonts


def map_slide(deck: layers.CompactDeck) -> layers.CompactDeck:
    out = layers.zoomed(deck, SLIDE_MAP_ZOOM)
    out.to_json()  # serialised once, inside the memoised builder
    return out
