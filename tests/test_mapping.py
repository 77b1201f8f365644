"""The map builders: region shading equals counts from the table, unknown victims are never drawn or shaded as 0,
no point is moved, tooltips are text (never HTML), no basemap by default."""

from __future__ import annotations

import json
import xml.dom.minidom

import pandas as pd
import pytest

from components.figures import style
from components.filters import Filters
from components.map.clusters import colocated, colocated_sentence, located_mask, nearby_clusters, unlocated
from components.map.layers import CARTO_LIGHT, MAP_HALF_WIDTH_PX, TOOLTIP, _pixels, label_data, make_map
from components.map.legend import LegendItem, legend_items, legend_svg, legend_text
from components.map.points import (
    RADIUS_MAX_PX,
    RADIUS_MIN_PX,
    RING_FILL,
    RING_WIDTH_PX,
    UNKNOWN_RADIUS_PX,
    point_data,
    radius_px,
)
from components.map.regions import NO_INCIDENT_RGB, UNKNOWN_VICTIMS_RGB, region_layer_data, shade_classes

PAYLOAD = "<script>alert('x')</script>"


@pytest.fixture(scope="module")
def events(pack) -> pd.DataFrame:
    return pack.tables["events"]


def _walk_keys(node) -> set[str]:
    """Every dict key in a JSON-like structure."""
    keys: set[str] = set()
    if isinstance(node, dict):
        for k, v in node.items():
            keys.add(k)
            keys |= _walk_keys(v)
    elif isinstance(node, list):
        for v in node:
            keys |= _walk_keys(v)
    return keys


def _layers(deck) -> dict[str, dict]:
    return {layer["id"]: layer for layer in json.loads(deck.to_json())["layers"]}


def _props(collection: dict) -> dict[str, dict]:
    return {f["properties"]["region"]: f["properties"] for f in collection["features"]}


# ------------------------------------------------------------------ regions

def test_one_polygon_per_region_from_the_shipped_geojson(pack, events):
    data = region_layer_data(events, pack.boundaries)
    assert len(data["features"]) == 16
    assert set(_props(data)) == set(pack.tables["regions"]["region"])
    regions = _layers(make_map(events, pack.boundaries))["regions"]
    assert regions["@@type"] == "GeoJsonLayer" and regions["pickable"] is True
    assert len(regions["data"]["features"]) == 16


def test_boundaries_are_not_modified(pack, events):
    before = json.dumps(pack.boundaries, sort_keys=True)
    make_map(events, pack.boundaries, "victims")
    assert json.dumps(pack.boundaries, sort_keys=True) == before


def test_incident_shading_equals_counts_from_the_table(pack, events):
    props = _props(region_layer_data(events, pack.boundaries, "incidents"))
    counts = events["region"].value_counts()
    for region, p in props.items():
        expected = int(counts.get(region, 0))
        assert p["incidents"] == expected
        if expected:
            assert p["shade"] == expected
            assert p["fill"][:3] != list(NO_INCIDENT_RGB)
        else:
            assert p["shade_state"] == "no incident" and p["fill"][:3] == list(NO_INCIDENT_RGB)


def test_victim_shading_equals_known_sums_and_unknown_is_not_zero(pack, events):
    props = _props(region_layer_data(events, pack.boundaries, "victims"))
    for region, p in props.items():
        sub = events[events["region"] == region]
        known = sub["killed"].dropna()
        n_unknown = int(sub["killed"].isna().sum())
        assert p["killed_known"] == int(known.sum())
        assert p["killed_unknown_incidents"] == n_unknown
        if sub.empty:
            assert p["shade"] is None and p["shade_state"] == "no incident"
        elif known.empty:  # every incident of the region lacks a victim figure
            assert p["shade"] is None and p["shade_state"] == "unknown"
            assert p["fill"][:3] == list(UNKNOWN_VICTIMS_RGB)
            assert "unknown" in p["tooltip"] and "0 victims" not in p["tooltip"]
        else:
            assert p["shade"] == int(known.sum())
            if n_unknown:
                noun = "incident" if n_unknown == 1 else "incidents"
                assert f"at least {int(known.sum())} victim" in p["tooltip"].lower()
                assert f"{n_unknown} {noun} with no figure" in p["tooltip"]


def test_shipped_data_has_a_region_with_only_unknown_victims(pack, events):
    """Astana's one incident has no victim figure: it must read 'unknown', not 0 (guards the test above)."""
    p = _props(region_layer_data(events, pack.boundaries, "victims"))["Astana"]
    assert p["incidents"] >= 1 and p["shade"] is None and p["shade_state"] == "unknown"
    assert "Victims killed: unknown" in p["tooltip"]


def test_zero_known_victims_is_shaded_apart_from_no_incident(pack, events):
    props = _props(region_layer_data(events, pack.boundaries, "victims"))
    atyrau = props["Atyrau Region"]  # incidents, every figure known, all 0
    assert atyrau["shade"] == 0 and atyrau["shade_state"] == "value"
    assert atyrau["fill"][:3] not in (list(NO_INCIDENT_RGB), list(UNKNOWN_VICTIMS_RGB))


@pytest.mark.parametrize("shade_by", ["incidents", "victims"])
def test_every_shaded_value_falls_in_a_legend_class(pack, events, shade_by):
    props = _props(region_layer_data(events, pack.boundaries, shade_by))
    values = [p["shade"] for p in props.values() if p["shade"] is not None]
    classes = shade_classes(values, shade_by)
    for p in props.values():
        if p["shade"] is not None:
            hits = [c for c in classes if c.contains(p["shade"])]
            assert len(hits) == 1 and list(hits[0].rgb) == p["fill"][:3]
    legend = {i.label for i in legend_items(events, pack.boundaries, shade_by)}
    assert {c.label for c in classes} <= legend


def test_shade_classes_are_contiguous_and_ordered():
    for top in range(1, 40):
        classes = shade_classes([top, 1], "incidents")
        assert classes[0].lo == 1 and classes[-1].hi == top
        assert all(a.hi + 1 == b.lo for a, b in zip(classes, classes[1:]))
        assert len({c.rgb for c in classes}) == len(classes)
    victims = shade_classes([0, 3, 12], "victims")
    assert victims[0].label == "0" and victims[-1].hi == 12


def test_regions_outside_the_region_filter_say_so(pack, events):
    chosen = Filters(regions=("Almaty Region",)).apply(events)
    props = _props(region_layer_data(chosen, pack.boundaries, region_filter=("Almaty Region",)))
    assert props["Almaty Region"]["shade"] == int((events["region"] == "Almaty Region").sum())
    assert props["Aktobe Region"]["shade_state"] == "outside filter"
    assert "Outside the region filter" in props["Aktobe Region"]["tooltip"]
    labels = [i.label for i in legend_items(chosen, pack.boundaries, region_filter=("Almaty Region",))]
    assert "outside the region filter" in labels and "no incident" not in labels  # only what the map shows


# ------------------------------------------------------------------ points

def test_no_point_is_moved(pack, events):
    table = events.set_index("event_id")
    records = point_data(events)
    assert len(records) == int(located_mask(events).sum())
    for r in records:
        assert r["latitude"] == table.loc[r["event_id"], "latitude"]
        assert r["longitude"] == table.loc[r["event_id"], "longitude"]
    # ... and the deck sends exactly those coordinates to the browser
    layer = _layers(make_map(events, pack.boundaries))["incidents"]
    assert layer["getPosition"] == "@@=[longitude, latitude]"
    for r in layer["data"]:
        assert (r["latitude"], r["longitude"]) == (table.loc[r["event_id"], "latitude"],
                                                   table.loc[r["event_id"], "longitude"])


def test_unknown_victims_are_a_ring_of_fixed_size_never_size_zero(events):
    records = {r["event_id"]: r for r in point_data(events)}
    unknown = events.loc[events["killed"].isna() & located_mask(events), "event_id"]
    assert len(unknown) > 0
    for event_id in unknown:
        r = records[event_id]
        colour = list(style.hex_to_rgb(style.ATTACK_TYPE_COLOURS[r["attack_type"]]))
        assert r["radius"] == UNKNOWN_RADIUS_PX > 0
        assert r["fill"] == list(RING_FILL) and r["line"][:3] == colour
        assert r["line_width"] == RING_WIDTH_PX
        assert r["killed"] is None and r["killed_known"] is False
        assert "Victims killed: unknown" in r["tooltip"]
    known = [r for r in records.values() if r["killed_known"]]
    assert all(r["fill"] != list(RING_FILL) for r in known)
    assert all(r["radius"] >= RADIUS_MIN_PX > 0 for r in records.values())
    zero = [r for r in known if r["killed"] == 0]
    assert zero and all(r["radius"] == RADIUS_MIN_PX for r in zero)


def test_radius_grows_with_the_square_root_of_victims():
    assert radius_px(pd.NA) == UNKNOWN_RADIUS_PX
    assert radius_px(None) == UNKNOWN_RADIUS_PX
    assert radius_px(0) == RADIUS_MIN_PX
    assert radius_px(16) == pytest.approx(2 * radius_px(4))
    assert radius_px(10_000) == RADIUS_MAX_PX


def test_points_are_coloured_by_attack_type(events):
    for r in point_data(events):
        colour = list(style.hex_to_rgb(style.ATTACK_TYPE_COLOURS[r["attack_type"]]))
        assert (r["fill"][:3] if r["killed_known"] else r["line"][:3]) == colour


def test_incidents_without_coordinates_are_not_drawn_but_listed(events):
    copy = events.copy()
    gone = copy.dropna(subset=["latitude"]).index[0]
    already = set(copy.loc[copy["latitude"].isna(), "event_id"])
    copy.loc[gone, ["latitude", "longitude"]] = float("nan")
    ids = {r["event_id"] for r in point_data(copy)}
    assert ids == set(copy["event_id"]) - already - {copy.loc[gone, "event_id"]}
    assert set(unlocated(copy)["event_id"]) == already | {copy.loc[gone, "event_id"]}


def test_filtered_points_keep_their_order_and_are_hidden(events):
    """The layer always holds every located incident in the same order (a chart selection is remembered by
    position); the filter only switches in_filter."""
    some = Filters(regions=("Aktobe Region",)).apply(events)
    full = point_data(events)
    part = point_data(events, some)
    assert [r["event_id"] for r in full] == [r["event_id"] for r in part]
    shown = {r["event_id"] for r in part if r["in_filter"] == 1}
    assert shown == set(some.dropna(subset=["latitude"])["event_id"])
    layer = _layers(make_map(some, None, all_events=events))["incidents"]
    assert layer["filterRange"] == [1, 1] and layer["getFilterValue"] == "@@=in_filter"
    assert layer["extensions"] == [{"@@type": "DataFilterExtension", "filterSize": 1}]


def test_colocated_incidents_are_counted_from_the_table(events):
    groups = colocated(events)
    sizes = events.groupby(["latitude", "longitude"]).size()
    assert {(g["latitude"], g["longitude"]): g["n"] for g in groups} == {k: int(v) for k, v in sizes.items() if v > 1}
    almaty = next(g for g in groups if g["place"] == "Almaty")
    assert almaty["n"] == int(((events["latitude"] == almaty["latitude"])
                               & (events["longitude"] == almaty["longitude"])).sum())
    assert f"Almaty: {almaty['n']} incidents at one point" in colocated_sentence(groups)
    tooltips = [r["tooltip"] for r in point_data(events) if r["place"] == "Almaty"
                and (r["latitude"], r["longitude"]) == (almaty["latitude"], almaty["longitude"])]
    assert all(f"One of {almaty['n']} incidents drawn at this point" in t for t in tooltips)


def test_labels_sit_on_real_points_and_count_every_incident_of_a_cluster(events):
    points = {(r["latitude"], r["longitude"]) for r in point_data(events)}
    clusters = nearby_clusters(events)
    labels = label_data(events)
    assert len(labels) == len(clusters)
    for label, cluster in zip(labels, clusters, strict=True):
        assert (label["latitude"], label["longitude"]) in points
        assert f"{cluster['n']} incidents" in label["text"]
    assert sum(c["n"] for c in clusters) <= len(events)


# ------------------------------------------------------------------ the deck

def test_tooltip_is_text_never_html(pack, events):
    deck = make_map(events, pack.boundaries)
    assert deck._tooltip == TOOLTIP
    assert set(deck._tooltip) == {"text", "style"} and deck._tooltip["text"] == "{tooltip}"
    assert "html" not in _walk_keys(json.loads(deck.to_json()))
    layers = _layers(deck)
    assert all(f["properties"]["tooltip"] for f in layers["regions"]["data"]["features"])
    assert all(r["tooltip"] for r in layers["incidents"]["data"])


def test_markup_in_a_place_name_reaches_the_tooltip_unchanged_as_text(pack, events):
    copy = events.copy()
    copy.loc[copy.index[0], "place"] = PAYLOAD
    deck = make_map(copy, pack.boundaries)
    data = json.loads(deck.to_json())
    tooltips = [r["tooltip"] for r in _layers(deck)["incidents"]["data"]]
    assert any(t.startswith(PAYLOAD + " (") for t in tooltips)
    assert "html" not in _walk_keys(data) and "html" not in deck._tooltip


def test_no_basemap_by_default_and_carto_light_only_when_asked(pack, events):
    deck = make_map(events, pack.boundaries)
    assert deck.map_provider is None
    spec = json.loads(deck.to_json())
    assert "mapProvider" not in spec
    assert "cartocdn" not in deck.to_json() and "mapbox" not in deck.to_json()
    on = make_map(events, pack.boundaries, basemap=True)
    assert on.map_provider == "carto" and json.loads(on.to_json())["mapStyle"] == CARTO_LIGHT
    assert all(f["properties"]["fill"][3] < 255 for f in _layers(on)["regions"]["data"]["features"])


def test_initial_view_fits_kazakhstan(pack, events):
    view = json.loads(make_map(events, pack.boundaries).to_json())["initialViewState"]
    assert 46 < view["latitude"] < 50 and 64 < view["longitude"] < 70 and 3 <= view["zoom"] <= 4
    west, _ = _pixels(48.0, 46.5)
    east, _ = _pixels(48.0, 87.3)
    assert east - west < 2 * MAP_HALF_WIDTH_PX


def test_empty_selection_draws_an_empty_map(pack, events):
    empty = events.iloc[0:0]
    deck = make_map(empty, pack.boundaries, "victims", all_events=events)
    layers = _layers(deck)
    assert all(r["in_filter"] == 0 for r in layers["incidents"]["data"])
    assert {f["properties"]["shade_state"] for f in layers["regions"]["data"]["features"]} == {"no incident"}
    assert layers["labels"]["data"] == []
    labels = [i.label for i in legend_items(empty, pack.boundaries, "victims")]
    assert "no incident" in labels


def test_shade_by_must_be_known(pack, events):
    with pytest.raises(ValueError):
        make_map(events, pack.boundaries, "deaths")


# ------------------------------------------------------------------ legend

def test_legend_names_every_drawn_attack_type_and_the_unknown_ring(pack, events):
    items = legend_items(events, pack.boundaries, "victims")
    labels = [i.label for i in items]
    located = events[located_mask(events)]
    for attack_type, n in located["attack_type"].value_counts().items():
        item = next(i for i in items if i.label == f"{attack_type} ({n})")
        assert item.rgb == style.hex_to_rgb(style.ATTACK_TYPE_COLOURS[attack_type])
    ring = next(i for i in items if i.kind == "ring")
    assert ring.radius == UNKNOWN_RADIUS_PX
    assert f"({int(located['killed'].isna().sum())})" in ring.label
    assert "unknown (no victim figure)" in labels and "no incident" in labels


def test_legend_svg_is_valid_and_escapes_text():
    items = [LegendItem("Group <b>", "point", PAYLOAD, (1, 2, 3)),
             LegendItem("Group <b>", "area", "a & b", (4, 5, 6))]
    svg = legend_svg(items, note="note <i>")
    xml.dom.minidom.parseString(svg)
    assert PAYLOAD not in svg and "&lt;script&gt;" in svg and "a &amp; b" in svg
    assert PAYLOAD in legend_text(items)
