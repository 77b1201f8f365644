"""The memoised view builders: figures are kept serialised once, and copies made for slides leave them unchanged."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io
import pytest

from components.filters import Filters
from dashboard import data


def sent(fig_dict: dict) -> str:
    return plotly.io.to_json(fig_dict, validate=False)  # what st.plotly_chart sends to the browser


def test_a_frozen_figure_sends_the_same_chart_and_slides_do_not_change_it(pack):
    key = Filters(years=(2011, 2016)).key()
    fig = data.timeline_figure(pack, key)
    assert isinstance(fig, data.FrozenFigure)
    first = sent(fig.to_dict())
    assert first == sent(go.Figure.to_dict(fig))  # the kept dict is what plotly itself would give
    slide = data.slide_figure(pack, "timeline", key, 500)
    assert slide.to_dict()["layout"]["height"] == 500
    assert sent(fig.to_dict()) == first == sent(go.Figure.to_dict(fig))  # the slide's copy left the figure alone
    assert fig.to_dict()["layout"].get("height") != 500


def test_text_from_the_data_is_escaped_for_markdown_and_html():
    from dashboard.frame import escape_html, escape_md

    assert escape_md("<img src=x onerror=1> **b** [l](javascript:x) $1 :smile:") == (
        "\\<img src\\=x onerror\\=1\\> \\*\\*b\\*\\* \\[l\\]\\(javascript\\:x\\) \\$1 \\:smile\\:")
    assert escape_md(None) == "" and escape_md(12) == "12"
    # HTML escaped first, then markdown; the entities themselves are left whole so they render as characters
    assert escape_html("<b>A & B</b> *x*") == "&lt;b&gt;A &amp; B&lt;/b&gt; \\*x\\*"


def test_overview_slide_leaves_room_for_each_row_title(pack):
    """On a short slide the three rows keep a gap wide enough for the enlarged row titles, which sit on their row."""
    fig = data.slide_figure(pack, "overview", Filters().key(), 320)
    margin = fig.layout.margin
    plot_px = 320 - margin.t - margin.b
    domains = sorted((fig.layout[n].domain for n in ("yaxis", "yaxis2", "yaxis3")), key=lambda d: -d[1])
    gaps_px = [(upper[0] - lower[1]) * plot_px for upper, lower in zip(domains, domains[1:])]
    assert min(gaps_px) >= 45, gaps_px
    tops = sorted((a.y for a in fig.layout.annotations if a.yanchor == "bottom"), reverse=True)[:3]
    assert tops == [d[1] for d in domains]


def test_tables_are_sent_as_arrow_once_and_odd_columns_fall_back_to_pandas():
    import pandas as pd
    import pyarrow as pa

    from dashboard.data import arrow_of

    df = pd.DataFrame({"killed": pd.array([1, None], dtype="Int64"), "place": ["Taraz", "Aktobe"]})
    table = arrow_of(df)
    assert isinstance(table, pa.Table) and arrow_of(df) is table
    assert table.to_pandas()["killed"].isna().tolist() == [False, True]  # unknown stays unknown, not 0
    other = df.copy()
    assert arrow_of(other) is not table  # another frame gets its own conversion
    mixed = pd.DataFrame({"value": [1, "one"]})
    assert arrow_of(mixed) is mixed  # left to Streamlit's own conversion


@pytest.mark.parametrize("query", [{}, {"region": "Aktobe Region", "years": ["2011", "2016"]}])
def test_headline_figures_agree_on_page_slide_and_briefing_pack(pack, query):
    """The four headline figures come from one builder (summary.tiles): the overview page, the presentation slide
    and the briefing pack's headline slide show the same labels, values and notes."""
    from datetime import date

    from components import briefing
    from components.views import summary
    from tests.conftest import open_app

    values = {k: [v] if isinstance(v, str) else v for k, v in query.items()}
    f = Filters.from_values({**values, **({"years": tuple(map(int, values["years"]))} if "years" in values else {})})
    expected = summary.tiles(f.apply(pack.tables["events"]))
    page = open_app(None, query)
    slide = open_app(None, {**query, "present": "true", "slide": "Overview"})
    for at in (page, slide):
        assert not at.exception
        assert [(m.label, m.value) for m in at.metric] == [(t.label, t.value) for t in expected]
        notes = [c.value for c in at.caption]
        assert all(t.note in notes for t in expected[1:])
    pack_tiles = next(p for p in briefing.briefing_content(pack, f, date(2026, 12, 1)).pages
                      if p.kind == "headline").body["tiles"]
    assert pack_tiles == [(t.label, t.value, t.note) for t in expected]
