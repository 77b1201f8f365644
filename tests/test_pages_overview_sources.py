"""Overview and Sources pages in AppTest: figures equal the tables, links set filters, bad links get notices."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from components.filters import Filters
from components.pack import alternatives as alt
from components.text import escape_md
from components.views import overview as overview_view
from components.views import summary
from tests.conftest import edit_table, open_app, open_tables


def run(query: dict | None = None, page: str | None = None) -> AppTest:
    return open_app(page, query)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


FILTER_SETS = [
    {},
    {"region": "Jambyl Region", "years": ["2011", "2016"]},
    {"class": "officially terrorism"},
    {"region": "Pavlodar Region"},  # matches nothing
    {"type": "Bombing/Explosion", "kind": ["attack", "premature or accidental explosion"]},
]


@pytest.mark.parametrize("query", FILTER_SETS, ids=lambda q: ",".join(q) or "default")
def test_overview_renders_and_headline_equals_the_table(pack, query):
    at = run(query)
    assert not at.exception
    values = {k: [v] if isinstance(v, str) else v for k, v in query.items()}
    f = Filters.from_values({**values, **({"years": tuple(map(int, values["years"]))} if "years" in values else {})})
    expected = f.apply(pack.tables["events"])
    shown = metrics(at)
    assert shown["Incidents"] == str(len(expected))
    for col, (_, _, label) in summary.MEASURES.items():
        assert shown[label] == summary.figure(expected, col).value_text
    statement = at.markdown[0].value.replace("\\", "")
    assert statement.endswith(f"{len(expected)} incident" + ("" if len(expected) == 1 else "s") + "**")


def test_link_reproduces_the_stated_view():
    at = run({"region": "Jambyl Region", "years": ["2011", "2016"]})
    assert "Jambyl Region, 2011-2016: 1 incident" in at.markdown[0].value.replace("\\", "")
    assert at.multiselect(key="region").value == ["Jambyl Region"]
    assert at.slider(key="years").value == (2011, 2016)


def test_nothing_matching_says_so():
    at = run({"region": "Pavlodar Region"})
    assert not at.exception
    assert any("No incident matches" in i.value for i in at.info)
    assert metrics(at)["Victims killed"] == "0"


@pytest.mark.parametrize("query,fragment", [
    ({"region": "Atlantis"}, "'Atlantis'"),
    ({"years": "abc"}, "year range"),
    ({"bogus": "1"}, "'bogus' is not one"),
])
def test_bad_link_falls_back_with_a_notice(pack, query, fragment):
    at = run(query)
    assert not at.exception
    assert any(fragment in w.value.replace("\\", "") for w in at.warning)
    assert metrics(at)["Incidents"] == str(len(pack.tables["events"]))


def test_reset_filters_restores_the_default_view(pack):
    at = run({"region": "Jambyl Region"})
    assert metrics(at)["Incidents"] == "1"
    at.button[0].click().run()
    assert metrics(at)["Incidents"] == str(len(pack.tables["events"]))
    assert at.multiselect(key="region").value == []


def test_the_most_recent_incidents_are_a_plain_table_and_a_list_that_opens_them(pack):
    at = run()
    view = overview_view.build(pack, Filters(), pack.tables["events"])
    shown = at.table[0].value
    assert list(shown.columns) == list(view.recent_table.columns) and "Date" in shown.columns
    newest = pack.tables["events"]["date"].max().strftime("%Y-%m-%d")
    assert shown["Date"].iloc[0] == escape_md(newest)  # newest first, as text (cells are drawn as markdown)
    assert shown["Date"].tolist() == sorted(shown["Date"].tolist(), reverse=True)
    assert at.selectbox(key="recent").options == [view.recent_choice(i) for i in view.recent_ids]
    assert at.selectbox(key="recent").value is None


@pytest.mark.parametrize("payload", ["<script>alert('x')</script>", "**bold** [l](javascript:alert(1))"])
def test_markup_in_the_recent_incidents_stays_text(monkeypatch, pack_copy, payload):
    from components.pack.load import load_datapack
    from dashboard.data import DATA_DIR_ENV

    latest = load_datapack(pack_copy).tables["events"].sort_values("date").iloc[-1]["event_id"]

    def inject(header, rows):
        next(r for r in rows if r["event_id"] == latest)["place"] = payload
    edit_table(pack_copy, "events.csv", inject)
    monkeypatch.setenv(DATA_DIR_ENV, str(pack_copy))
    at = run()
    assert not at.exception
    assert at.table[0].value["Place"].iloc[0] == escape_md(payload)  # drawn as markdown: escaped, shown as typed
    assert at.selectbox(key="recent").options[0].endswith(f", {payload} (" + latest_region(pack_copy, latest) + ")")


def latest_region(data_dir, event_id: str) -> str:
    from components.pack.load import load_datapack

    events = load_datapack(data_dir).tables["events"]
    return events.loc[events["event_id"] == event_id, "region"].iloc[0]


def test_the_chart_s_view_as_table_is_drawn_when_opened(pack):
    at = run()
    assert not at.dataframe  # closed: nothing sent, no data grid for the browser to load
    open_tables(at)
    view = overview_view.build(pack, Filters(), pack.tables["events"])
    years = next(df.value for df in at.dataframe if "victims killed (known)" in df.value)
    assert years.values.tolist() == view.year_tables[0].values.tolist()


def test_selecting_a_recent_incident_opens_its_detail(pack):
    at = run()
    latest = pack.tables["events"].sort_values("date").iloc[-1]
    at.selectbox(key="recent").select(latest["event_id"]).run()
    assert not at.exception
    assert at.selectbox(key="recent").value is None  # back to its placeholder
    text = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert latest["event_id"] in " ".join(c.value for c in at.caption).replace("\\", "")
    alts = pack.tables["alternatives"]
    mine = alts[(alts["table"] == "events") & (alts["record_id"] == latest["event_id"])]
    if len(mine):
        assert "Where sources disagree" in text and alt.value_text(mine.iloc[0]) in text
    else:
        assert "no disagreement recorded for this incident" in text
    # the dialog closed (no run in between) and the same incident chosen again: it opens again
    at.selectbox(key="recent").select(latest["event_id"]).run()
    assert latest["event_id"] in " ".join(c.value for c in at.caption).replace("\\", "")


def test_selecting_a_milestone_opens_the_policy_detail(pack):
    at = run()
    policy = pack.tables["policies"].query("category == 'court ban'").iloc[0]
    at.session_state["overview_chart"] = {"selection": {"milestone": [{"policy_id": policy["policy_id"]}]}}
    at.run()
    assert not at.exception
    assert policy["policy_id"] in " ".join(c.value for c in at.caption).replace("\\", "")
    assert any(df.value["organisation"].size for df in at.dataframe if "organisation" in df.value)


def test_sources_page_lists_sources_contradictions_and_offers_downloads(pack):
    at = run(page="app_pages/sources.py")
    assert not at.exception
    sources = next(df.value for df in at.dataframe if "source_id" in df.value)
    assert set(sources["source_id"]) == set(pack.tables["sources"]["source_id"])
    labels = [e.label for e in at.expander]
    assert sum(lbl.startswith("c-") for lbl in labels) == len(pack.tables["contradictions"])
    assert len(at.get("download_button")) == 2
