"""The Map page in AppTest: renders for any filter (including one matching nothing), sends both layers with a text
tooltip, honours shade=victims from the link, opens an incident's record on a click and filters to a clicked
region, and keeps text from the data as text."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest

from components.map.clusters import located_mask
from components.map.layers import TOOLTIP
from components.map.table import TABLE_LIMIT
from dashboard.data import DATA_DIR_ENV
from tests.conftest import edit_table, open_app, open_tables

PAGE = "app_pages/map.py"
PAYLOAD = "<script>alert('x')</script>"


def _open(monkeypatch, query: dict | None = None, data_dir: Path | None = None) -> AppTest:
    if data_dir is not None:
        monkeypatch.setenv(DATA_DIR_ENV, str(data_dir))
    at = open_app(PAGE, query, tables=True)
    assert not at.exception, [e.value for e in at.exception]
    return at


def _chart(at: AppTest):
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1
    return charts[0]


def _spec(at: AppTest) -> dict:
    return json.loads(_chart(at).proto.json)


def _layers(at: AppTest) -> dict[str, dict]:
    return {layer["id"]: layer for layer in _spec(at)["layers"]}


def _shown(at: AppTest) -> list[dict]:
    return [r for r in _layers(at)["incidents"]["data"] if r["in_filter"] == 1]


def _text(at: AppTest) -> str:
    """Everything the page wrote as markdown or captions, with markdown escapes removed."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    return " ".join(parts).replace("\\", "")


def _click(at: AppTest, layer: str, index: int, also: dict[str, int] | None = None) -> AppTest:
    """Send the selection a browser sends when the user clicks object ``index`` of ``layer`` (as a widget value,
    so that the chart's on_select callback runs as it does in the browser); ``also``: objects of other layers
    picked by the same click (an incident drawn over a region)."""
    picks = {layer: index, **(also or {})}
    indices, objects = {}, {}
    for name, i in picks.items():
        data = _layers(at)[name]["data"]
        objects[name] = [data["features"][i] if isinstance(data, dict) else data[i]]
        indices[name] = [i]
    states = WidgetStates()
    states.CopyFrom(at._tree.get_widget_states())
    widget = states.widgets.add()
    widget.id = _chart(at).proto.id
    widget.string_value = json.dumps({"selection": {"indices": indices, "objects": objects}})
    at._run(states)
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_default_filters_draw_every_incident_on_both_layers(monkeypatch, pack):
    at = _open(monkeypatch)
    assert at.title[0].value == "Map of incidents"
    events = pack.tables["events"]
    assert f"{len(events)} incidents" in _text(at)
    layers = _layers(at)
    assert {"regions", "incidents"} <= set(layers)
    assert len(layers["regions"]["data"]["features"]) == 16
    assert len(_shown(at)) == int(located_mask(events).sum())
    chart = _chart(at)
    assert json.loads(chart.proto.tooltip) == TOOLTIP and "html" not in chart.proto.tooltip
    assert "mapProvider" not in _spec(at) and "cartocdn" not in chart.proto.json  # offline: no basemap
    assert chart.proto.alt  # described for screen readers
    assert chart.proto.selection_mode  # clicks select


def test_page_states_precision_overlap_and_sources(monkeypatch, pack):
    at = _open(monkeypatch)
    text = _text(at)
    assert "most points are settlement centres, not incident sites" in text
    events = pack.tables["events"]
    at_almaty = events[events["place"] == "Almaty"].groupby(["latitude", "longitude"]).size().max()
    assert f"Almaty: {at_almaty} incidents at one point" in text
    assert pack.metadata["boundaries"]["attribution"] in text
    assert len(at.image) == 1, "the legend is drawn next to the map"
    url = at.image[0].proto.imgs[0].url
    assert url.startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(url.split(",", 1)[1]).decode()
    for words in ("Colour: attack type", "Armed Assault", "unknown", "Region: incidents", "no incident"):
        assert words in svg


def test_the_table_is_drawn_only_when_its_expander_is_opened(pack):
    at = open_app(PAGE)
    assert not at.dataframe  # closed: nothing sent, the page draws without a data grid
    at = open_tables(at)
    assert not at.exception
    assert len(at.dataframe[0].value) == min(len(pack.tables["events"]), TABLE_LIMIT)


def test_table_lists_the_incidents_with_unknown_as_unknown(monkeypatch, pack):
    at = _open(monkeypatch)
    table = at.dataframe[0].value
    events = pack.tables["events"]
    assert len(table) == len(events)
    assert {"Place", "Date", "Region", "Attack type (GTD)", "Victims killed", "Injured",
            "Point on the map"} <= set(table.columns)
    assert (table["Victims killed"] == "unknown").sum() == int(events["killed"].isna().sum())
    assert not (table["Victims killed"] == "0").sum() > int((events["killed"] == 0).sum())


def test_one_region_filter(monkeypatch, pack):
    at = _open(monkeypatch, {"region": "Almaty Region"})
    events = pack.tables["events"]
    assert "Almaty Region" in _text(at)
    assert {r["region"] for r in _shown(at)} == {"Almaty Region"}
    assert len(_shown(at)) == int((events["region"] == "Almaty Region").sum())
    regions = {f["properties"]["region"]: f["properties"] for f in _layers(at)["regions"]["data"]["features"]}
    assert regions["Aktobe Region"]["shade_state"] == "outside filter"
    assert len(at.dataframe[0].value) == len(_shown(at))


def test_filter_matching_nothing_draws_an_empty_map_with_a_notice(monkeypatch):
    at = _open(monkeypatch, {"type": "Hijacking"})
    assert any("No incident matches these filters" in i.value for i in at.info)
    assert _shown(at) == []
    assert {f["properties"]["shade_state"] for f in _layers(at)["regions"]["data"]["features"]} == {"no incident"}
    assert at.dataframe[0].value.empty


def test_shade_victims_from_the_link(monkeypatch, pack):
    at = _open(monkeypatch, {"shade": "victims"})
    assert at.button_group(key="shade").value == "victims"
    regions = {f["properties"]["region"]: f["properties"] for f in _layers(at)["regions"]["data"]["features"]}
    assert regions["Astana"]["shade_state"] == "unknown"  # its incident has no victim figure: not 0
    assert regions["Atyrau Region"]["shade"] == 0
    assert not at.warning, "shade=victims is a known link value"


def test_basemap_toggle_is_off_by_default_and_bound_to_the_link(monkeypatch):
    at = _open(monkeypatch)
    assert at.toggle(key="basemap").value is False
    at = _open(monkeypatch, {"basemap": "true"})
    assert at.toggle(key="basemap").value is True
    assert _spec(at)["mapProvider"] == "carto"
    assert "CARTO" in _text(at)


def _index_of(at: AppTest, event_id: str) -> int:
    return next(i for i, r in enumerate(_layers(at)["incidents"]["data"]) if r["event_id"] == event_id)


def test_injected_incident_selection_opens_its_record(monkeypatch, pack):
    at = _open(monkeypatch)
    event_id = "ev-2011-11-12-taraz"
    index = _index_of(at, event_id)
    at.session_state["map"] = {"selection": {"indices": {"incidents": [index]},
                                             "objects": {"incidents": [{"event_id": event_id}]}}}
    at.run()
    assert not at.exception
    assert "Taraz, 12 November 2011" in [s.value for s in at.subheader]
    # the selection persists across reruns: the record does not open again by itself
    at.run()
    assert "Taraz, 12 November 2011" not in [s.value for s in at.subheader]


def test_clicking_an_incident_opens_its_record(monkeypatch):
    at = _open(monkeypatch)
    _click(at, "incidents", _index_of(at, "ev-2011-11-12-taraz"))
    assert "Taraz, 12 November 2011" in [s.value for s in at.subheader]


def test_clicking_a_region_filters_to_it(monkeypatch, pack):
    at = _open(monkeypatch)
    features = _layers(at)["regions"]["data"]["features"]
    index = next(i for i, f in enumerate(features) if f["properties"]["region"] == "Jambyl Region")
    _click(at, "regions", index)
    assert at.session_state["region"] == ["Jambyl Region"]
    assert at.multiselect(key="region").value == ["Jambyl Region"]
    assert {r["region"] for r in _shown(at)} == {"Jambyl Region"}
    assert "Jambyl Region" in _text(at)
    # the chart keeps the selection; clearing the filter in the sidebar is not undone by it
    at.multiselect(key="region").set_value([]).run()
    assert not at.exception
    at.run()
    assert at.session_state["region"] == []
    assert len(_shown(at)) == int(located_mask(pack.tables["events"]).sum())


def test_clicking_a_region_while_an_incident_is_picked_does_not_filter(monkeypatch):
    """A click on an incident drawn over a region picks both: the incident's record opens, the region does not
    become a filter."""
    at = _open(monkeypatch)
    features = _layers(at)["regions"]["data"]["features"]
    index = next(i for i, f in enumerate(features) if f["properties"]["region"] == "Jambyl Region")
    taraz = _index_of(at, "ev-2011-11-12-taraz")
    _click(at, "incidents", taraz, also={"regions": index})
    # the click reached the page with both objects picked: the region under the incident was clicked too
    picked = at.session_state["map"]["selection"]["objects"]
    assert [f["properties"]["region"] for f in picked["regions"]] == ["Jambyl Region"]
    assert [o["event_id"] for o in picked["incidents"]] == ["ev-2011-11-12-taraz"]
    assert at.session_state["region"] == []
    assert at.multiselect(key="region").value == []
    assert len({r["region"] for r in _shown(at)}) > 1, "every region's incidents are still drawn"
    assert "Taraz, 12 November 2011" in [s.value for s in at.subheader]
    # the same region clicked alone does filter (so the test above can tell the two apart)
    at = _open(monkeypatch)
    _click(at, "regions", index)
    assert at.session_state["region"] == ["Jambyl Region"]


@pytest.mark.parametrize("payload", [PAYLOAD, "**bold** [l](javascript:alert(1))"])
def test_markup_in_data_stays_text(monkeypatch, pack_copy, payload):
    from components.text import escape_md

    def inject(header, rows):
        rows[0]["place"] = payload
        rows[0]["latitude"] = rows[0]["longitude"] = ""  # ...and drawn nowhere: listed in the table only
        rows[1]["place"] = payload
    edit_table(pack_copy, "events.csv", inject)
    at = _open(monkeypatch, data_dir=pack_copy)
    assert json.loads(_chart(at).proto.tooltip) == TOOLTIP  # text, never html
    tooltips = [r["tooltip"] for r in _layers(at)["incidents"]["data"]]
    assert any(t.startswith(payload + " (") for t in tooltips)  # unchanged, shown by the browser as text
    rendered = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert payload not in rendered
    # where the page does render the place as markdown, it is escaped (shown as typed): the note on incidents at
    # one point (the second row shares the Almaty city centre with other incidents) ...
    same_point = [c.value for c in at.caption if "Same point" in c.value]
    assert len(same_point) == 1 and escape_md(payload) in same_point[0]
    table = at.dataframe[0].value
    assert (table["Place"] == payload).sum() == 2
    assert "no coordinates: not on the map" in set(table["Point on the map"])
    assert any("no coordinates" in c.value for c in at.caption)
    # ... and the incident's record, opened from the table: its heading and its Place field
    drawn = table.index[(table["Place"] == payload) & (table["Point on the map"] != "no coordinates: not on the map")]
    at.session_state["map_table"] = {"selection": {"rows": [int(drawn[0])], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert any(s.value.startswith(escape_md(payload) + ", ") for s in at.subheader)
    record = " ".join(m.value for m in at.get("dialog")[0].markdown)
    assert f"**Place:** {escape_md(payload)} \\(" in record and payload not in record


def test_selecting_a_table_row_opens_its_record(monkeypatch, pack):
    """Incidents drawn on top of each other are reachable from the table."""
    at = _open(monkeypatch)
    table = at.dataframe[0].value
    row = int(table.index[table["Place"] == "Taraz"][0])
    at.session_state["map_table"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert "Taraz, 12 November 2011" in [s.value for s in at.subheader]
