"""Presentation mode in AppTest: a link opens it, slides move with buttons, each states the filter and its source,
and leaving it keeps the filters."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from components.i18n import ENGLISH
from dashboard.present import SLIDES, headings
from tests.conftest import open_app

HEADINGS = headings(ENGLISH)


def run(query: dict) -> AppTest:
    return open_app(query=query)


def heading(at: AppTest) -> str:
    return at.header[0].value


@pytest.mark.parametrize("slide", SLIDES)
def test_link_opens_the_named_slide_with_filter_and_source(slide):
    at = run({"present": "true", "slide": slide, "region": "Atyrau Region"})
    assert not at.exception
    assert heading(at) == HEADINGS[slide]
    text = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "Atyrau Region, 1991-2016:" in text
    assert any(c.value.startswith("Source:") for c in at.caption)
    assert not at.title, "the regular page is not drawn under a slide"


def test_buttons_move_between_slides_and_stop_at_the_ends():
    at = run({"present": "true"})
    assert heading(at) == HEADINGS["Overview"] and at.button(key="slide_prev").disabled
    for slide in SLIDES[1:]:
        at.button(key="slide_next").click().run()
        assert heading(at) == HEADINGS[slide]
    assert at.button(key="slide_next").disabled
    at.button(key="slide_prev").click().run()
    assert heading(at) == HEADINGS[SLIDES[-2]]


def test_leaving_returns_to_the_same_filters():
    at = run({"present": "true", "region": "Aktobe Region", "years": ["2011", "2016"]})
    at.button(key="slide_exit").click().run()
    assert not at.exception and at.session_state["present"] is False
    assert at.multiselect(key="region").value == ["Aktobe Region"]
    assert at.slider(key="years").value == (2011, 2016)
    assert at.title[0].value.startswith("Terrorism and counter-terrorism")


def test_nothing_matching_still_presents(pack):
    """A region without incidents: the timeline slide still opens, says so in its filter line, and draws the
    milestones (national) with no incident on the chart. The same checks on a region that has incidents see its
    count and its incidents, so they tell the two apart."""
    import json

    from components.filters import Filters

    def timeline_slide(region: str) -> tuple[str, list[str], list[str]]:
        """(the slide's text, the policy ids drawn, the incident ids drawn) for the region."""
        at = run({"present": "true", "region": region, "slide": "Timeline"})
        assert not at.exception
        assert heading(at) == HEADINGS["Timeline"]
        spec = json.loads(at.get("plotly_chart")[0].proto.spec)

        def ids(kind: str) -> list[str]:
            return [cd[0] if isinstance(cd, list) else cd for tr in spec["data"]
                    if (tr.get("meta") or {}).get("kind") == kind for cd in tr.get("customdata") or []]
        return " ".join(m.value for m in at.markdown).replace("\\", ""), ids("policy"), ids("event")

    events = pack.tables["events"]
    empty = sorted(set(pack.tables["regions"]["region"]) - set(events["region"]))[0]
    text, policies, incidents = timeline_slide(empty)
    assert Filters(regions=(empty,)).describe(0) in text
    assert policies and incidents == []

    matching = events["region"].value_counts().index[-1]  # a region with incidents (the fewest)
    expected = events.loc[events["region"] == matching, "event_id"].tolist()
    text, policies, incidents = timeline_slide(matching)
    assert Filters(regions=(matching,)).describe(0) not in text
    assert Filters(regions=(matching,)).describe(len(expected)) in text
    assert policies and sorted(incidents) == sorted(expected)
