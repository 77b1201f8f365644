"""Large imported datasets (synthetic GTD rows; no real data): the map draws grid cells computed on the server above
POINT_LIMIT incidents and says so, with small JSON and cell counts that add up to the filtered incidents;
below the threshold the points are drawn as before (only the filtered ones when the table is large); the timeline
counts its incidents per period above its threshold; the briefing pack caps its incident list and aggregates its
map; repeated text is held as categoricals without changing what exports write; the perpetrator list is capped
without breaking links. The timings at 1k-1M rows are in scripts/bench_scale.py (figures, never a timed test)."""

from __future__ import annotations

import base64
import io
import json
import math
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components import briefing, exports
from components.figures import timeline as tl
from components.filters import Filters
from components.imports.preview import prepare_import
from components.imports.store import COMPACT_COLUMNS, Store
from components.map.clusters import (
    CELL_DEG,
    OVERLAP_DEG,
    POINT_LIMIT,
    aggregation,
    cell_victims_text,
    compact_count,
    grid_cells,
    located_mask,
    nearby_clusters,
)
from components.map.layers import make_map
from components.map.legend import legend_items, legend_svg
from components.map.points import point_data
from components.map.table import TABLE_LIMIT
from components.pack.load import DEFAULT_DATA_DIR, load_datapack
from dashboard.data import with_imports
from scripts import gen_gtd
from tests.conftest import open_app

N_LARGE = 6_000  # about 5,400 located incidents kept: above POINT_LIMIT (3,000)
N_BRIEFING = 20_000
RECENT = (2011, 2016)  # about a quarter of the synthetic years: below the threshold


def _store(path: Path, csv: bytes, name: str) -> Path:
    pack = load_datapack(DEFAULT_DATA_DIR)
    preview = prepare_import(csv, "synthetic_gtd.csv", pack.tables["events"], pack.tables["regions"])
    Store(path).add(preview, name)
    return path


@pytest.fixture(scope="module")
def large_store(tmp_path_factory) -> Path:
    return _store(tmp_path_factory.mktemp("var-large"), gen_gtd.to_csv_bytes(N_LARGE, seed=3), "Synthetic 6k")


@pytest.fixture(scope="module")
def large_pack(large_store):
    store = Store(large_store)
    return with_imports(load_datapack(DEFAULT_DATA_DIR), store, tuple(int(i) for i in store.datasets()["dataset_id"]))


def _layers(deck) -> dict[str, dict]:
    return {layer["id"]: layer for layer in json.loads(deck.to_json())["layers"]}


def _located(events: pd.DataFrame) -> pd.DataFrame:
    return events[located_mask(events)]


# ------------------------------------------------------------------------------------------------ map (component)
def test_map_draws_grid_cells_above_the_threshold(large_pack):
    events = large_pack.tables["events"]
    located = _located(events)
    assert len(located) > POINT_LIMIT
    deck = make_map(events, large_pack.boundaries, all_events=events)
    layers = _layers(deck)
    assert set(layers) == {"regions", "cells", "cell_labels"}  # no layer of individual incidents
    cells = layers["cells"]["data"]
    assert sum(c["incidents"] for c in cells) == len(located)
    assert sum(c["killed_known"] for c in cells) == int(located["killed"].sum())
    assert sum(c["killed_unknown"] for c in cells) == int(located["killed"].isna().sum())
    assert len(deck.to_json()) < 1_000_000
    for c in cells:  # at the centre of a 0.5° cell, with its counts in words (unknown counted apart)
        assert math.isclose((c["latitude"] / CELL_DEG) % 1, 0.5)
        assert c["tooltip"].startswith("Grid cell ") and f"{c['incidents']:,} incident" in c["tooltip"]
        assert "Narrow the filters below 3,000 incidents" in c["tooltip"]
    labels = layers["cell_labels"]["data"]
    assert labels and all(label["text"] for label in labels)


def test_the_map_says_how_many_incidents_are_in_how_many_cells(large_pack):
    events = large_pack.tables["events"]
    agg = aggregation(events)
    n, m = len(_located(events)), len(grid_cells(events))
    assert agg.aggregated and (agg.located, agg.cells) == (n, m)
    assert agg.sentence() == (f"{n:,} incidents shown as {m} grid cells of 0.5°; narrow the filters below 3,000 to "
                              "see individual incidents")
    items = legend_items(events, large_pack.boundaries)
    groups = {i.group for i in items}
    assert any(g.startswith("Grid cells of 0.5°") and "not one incident" in g for g in groups)
    assert not any(g.startswith("Colour: attack type") for g in groups)  # cells mix every attack type
    sizes = [i for i in items if i.kind == "size"]
    assert sizes[-1].label == f"{int(grid_cells(events)['incidents'].max()):,}"
    assert "Grid cells" in legend_svg(items)


def test_cell_figures_count_unknown_apart():
    assert cell_victims_text(10, 5, 8, 2) == "10 incidents; at least 5 victims killed; 2 with no figure"
    assert cell_victims_text(2, 4, 2, 0) == "2 incidents; 4 victims killed"
    assert cell_victims_text(3, 0, 0, 3) == "3 incidents; victims killed unknown (no figure for any of them)"
    assert compact_count(950) == "950" and compact_count(4_879) == "4.9k"
    assert compact_count(12_345) == "12k" and compact_count(1_000_000) == "1M"


def test_below_the_threshold_a_large_table_sends_only_the_filtered_points(large_pack):
    events = large_pack.tables["events"]
    sub = Filters(years=RECENT).apply(events)
    assert 0 < len(_located(sub)) <= POINT_LIMIT < len(_located(events))
    layers = _layers(make_map(sub, large_pack.boundaries, all_events=events))
    assert set(layers) == {"regions", "labels", "incidents"}
    points = layers["incidents"]["data"]
    assert len(points) == len(_located(sub)) and all(p["in_filter"] == 1 for p in points)
    assert {p["event_id"] for p in points} == set(_located(sub)["event_id"])


def test_small_tables_keep_every_point_in_a_fixed_order(pack):
    """Below the threshold for the whole table, nothing changes: every located incident, hidden when filtered out."""
    events = pack.tables["events"]
    some = events[events["region"] == "Almaty"]
    points = _layers(make_map(some, None, all_events=events))["incidents"]["data"]
    assert [p["event_id"] for p in points] == [r["event_id"] for r in point_data(events)]
    assert sum(p["in_filter"] for p in points) == len(_located(some))


def test_the_threshold_is_a_parameter(pack):
    events = pack.tables["events"]
    layers = _layers(make_map(events, pack.boundaries, point_limit=5))
    assert "cells" in layers and "incidents" not in layers
    assert sum(c["incidents"] for c in layers["cells"]["data"]) == len(_located(events))


def _nearby_reference(events: pd.DataFrame, threshold: float) -> list[tuple[int, int]]:
    """(n incidents, distinct points) of each overlap group, by brute-force union-find (the old algorithm)."""
    located = _located(events)
    pts = located.groupby(["latitude", "longitude"]).size()
    keys, counts = list(pts.index), list(pts)
    parent = list(range(len(keys)))

    def find(i):
        while parent[i] != i:
            i = parent[i]
        return i

    for i, (la1, lo1) in enumerate(keys):
        for j in range(i + 1, len(keys)):
            la2, lo2 = keys[j]
            if math.hypot(lo1 - lo2, (la1 - la2) / math.cos(math.radians((la1 + la2) / 2))) < threshold:
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(keys)):
        groups.setdefault(find(i), []).append(i)
    return sorted((sum(counts[i] for i in g), len(g)) for g in groups.values() if sum(counts[i] for i in g) > 1)


def test_vectorised_overlap_groups_match_the_brute_force_ones():
    rng = np.random.default_rng(5)
    n = 400
    lat = np.round(rng.uniform(42, 55, n), 1)
    lon = np.round(rng.uniform(50, 85, n), 1)
    lat[:40], lon[:40] = 43.25, 76.9  # a shared point
    events = pd.DataFrame({"event_id": [f"e{i}" for i in range(n)], "latitude": lat, "longitude": lon,
                           "place": [f"p{i % 7}" for i in range(n)], "killed": pd.array([1] * n, dtype="Int64")})
    got = sorted((c["n"], c["points"]) for c in nearby_clusters(events))
    assert got == _nearby_reference(events, OVERLAP_DEG)


# ------------------------------------------------------------------------------------------------ map page
def _app(monkeypatch, var_dir: Path, page: str, query: dict | None = None) -> AppTest:
    monkeypatch.setenv("KZ_VAR_DIR", str(var_dir))
    at = open_app(page, query, timeout=120, tables=True)
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_map_page_shows_cells_says_so_and_stays_small(monkeypatch, large_store, large_pack):
    at = _app(monkeypatch, large_store, "app_pages/map.py")
    n = len(_located(large_pack.tables["events"]))
    info = " ".join(i.value for i in at.info).replace("\\", "")
    assert f"{n:,} incidents shown as" in info and "grid cells of 0.5°" in info
    assert "narrow the filters below 3,000 to see individual incidents" in info
    chart = at.get("deck_gl_json_chart")[0]
    assert len(chart.proto.json) < 1_000_000
    spec = json.loads(chart.proto.json)
    ids = {layer["id"] for layer in spec["layers"]}
    assert "cells" in ids and "incidents" not in ids
    assert "grid cells" in chart.proto.alt
    svg = base64.b64decode(at.image[0].proto.imgs[0].url.split(",", 1)[1]).decode()
    assert "Grid cells of 0.5°" in svg
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "Each dark circle is a grid cell of 0.5°" in captions
    assert "The 3,000 most recent incidents" in captions
    assert len(at.dataframe[0].value) == TABLE_LIMIT

    at.session_state["years"] = RECENT  # narrowed below the threshold: the incidents themselves
    at.run()
    assert not at.exception
    assert not any("grid cells" in i.value for i in at.info)
    layers = {layer["id"]: layer for layer in json.loads(at.get("deck_gl_json_chart")[0].proto.json)["layers"]}
    shown = Filters(years=RECENT).apply(large_pack.tables["events"])
    assert len(layers["incidents"]["data"]) == len(_located(shown))
    assert len(at.get("deck_gl_json_chart")[0].proto.json) < 5 * 2**20


def test_presentation_map_slide_states_the_cells(monkeypatch, large_store):
    at = _app(monkeypatch, large_store, "app_pages/overview.py", {"present": "true", "slide": "Map"})
    text = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "grid cells of 0.5°" in text


# ------------------------------------------------------------------------------------------------ timeline
def test_timeline_counts_incidents_per_period_above_its_threshold(large_pack):
    t = large_pack.tables
    events = t["events"]
    fig = tl.make_timeline_figure(t["policies"], t["phases"], events, t["banned_organisations"])
    kinds = [(tr.meta or {}).get("kind") for tr in fig.data]
    assert "event_bins" in kinds and "event" not in kinds
    assert "policy" in kinds  # the policy lanes are unchanged
    trace = fig.data[kinds.index("event_bins")]
    bins = tl.incident_bins(events, "year")
    assert len(trace.x) == len(bins) and int(bins["incidents"].sum()) == int(events["date"].notna().sum())
    assert any(h.startswith("<b>") and " incidents in 2012</b>" in h for h in trace.hovertext)
    assert max(trace.marker.size) == tl.BIN_SIZE_MAX
    # a narrower filter: each incident again
    few = events[events["date"].dt.year == 2016]
    few = few[few["region"] == few["region"].iloc[0]]
    fig = tl.make_timeline_figure(t["policies"], t["phases"], few, t["banned_organisations"], years=(2016, 2016))
    assert "event" in [(tr.meta or {}).get("kind") for tr in fig.data]


def test_timeline_bins_by_month_quarter_or_year():
    assert tl.bin_unit((2012, 2012)) == "month" and tl.bin_unit((2010, 2016)) == "quarter"
    assert tl.bin_unit((1991, 2016)) == "year"
    events = pd.DataFrame({"date": pd.to_datetime(["2012-05-03", "2012-05-30", "2012-11-01"]),
                           "killed": pd.array([1, None, 3], dtype="Int64"),
                           "date_precision": ["day", "month", "day"]})
    bins = tl.incident_bins(events, "month")
    assert list(bins["label"]) == ["May 2012", "November 2012"]
    assert list(bins["incidents"]) == [2, 1] and list(bins["n_unknown"]) == [1, 0]
    hover = tl.bin_hover(bins.iloc[0].to_dict())
    assert "2 incidents in May 2012" in hover and "At least 1 victim killed; 1 with no figure" in hover


def test_timeline_page_says_the_incidents_are_counted(monkeypatch, large_store):
    at = _app(monkeypatch, large_store, "app_pages/timeline.py")
    info = " ".join(i.value for i in at.info).replace("\\", "")
    assert "too many to draw one by one" in info and "one circle per year" in info
    captions = " ".join(c.value for c in at.caption)
    assert f"the {tl.INCIDENT_LIMIT:,} most recent of the" in captions


# ------------------------------------------------------------------------------------------------ briefing
@pytest.fixture(scope="module")
def briefing_pack(tmp_path_factory):
    path = _store(tmp_path_factory.mktemp("var-20k"), gen_gtd.to_csv_bytes(N_BRIEFING, seed=4), "Synthetic 20k")
    store = Store(path)
    return with_imports(load_datapack(DEFAULT_DATA_DIR), store, tuple(int(i) for i in store.datasets()["dataset_id"]))


def test_briefing_pack_at_20k_rows_caps_the_list_and_aggregates_the_map(briefing_pack):
    b = briefing.briefing_content(briefing_pack, Filters(), date(2026, 11, 22))
    n = len(briefing_pack.tables["events"])
    listed = [p for p in b.pages if p.kind == "incidents"]
    rows = [r for p in listed for r in p.body["rows"]]
    # Of the GTD's rows (no redistribution) only a few are listed; the curated ones all are (fewer than LIST_LIMIT)
    gtd = int((briefing_pack.tables["events"]["source_format"] == "gtd").sum())
    assert len(rows) == n - gtd + briefing.content.RESTRICTED_LIST_LIMIT < briefing.content.LIST_LIMIT
    assert f"{len(rows):,} of the {n:,} incidents in this view" in listed[0].body["note"]
    assert f"{briefing.content.RESTRICTED_LIST_LIMIT} of its {gtd:,} incidents listed" in listed[0].body["note"]
    latest = briefing_pack.tables["events"]["date"].max()
    assert rows[-1][0].endswith(str(latest.year))  # the most recent, in date order
    map_page = next(p for p in b.pages if p.kind == "map")
    assert "grid cells of 0.5°" in map_page.body["notes"][0]
    timeline = next(p for p in b.pages if p.kind == "timeline")
    assert "one circle per year" in timeline.body["note"]
    files = briefing.build_pack(briefing_pack, Filters(), date(2026, 11, 22))
    assert files["pptx"][:2] == b"PK" and files["pdf"][:5] == b"%PDF-"
    assert len(files["pptx"]) < 5 * 2**20 and len(files["pdf"]) < 5 * 2**20


# ------------------------------------------------------------------------------------------------ memory and data
def test_repeated_text_is_held_as_categories_with_the_same_values(large_store, large_pack):
    store = Store(large_store)
    as_text = store.events()
    compact = store.events(categorical=COMPACT_COLUMNS)
    for col in COMPACT_COLUMNS:
        assert isinstance(compact[col].dtype, pd.CategoricalDtype), col
        assert list(compact[col].cat.categories) == sorted(compact[col].cat.categories), col
    pd.testing.assert_frame_equal(as_text.astype(object), compact.astype(object))
    events = large_pack.tables["events"]
    assert isinstance(events["casualty_note"].dtype, pd.CategoricalDtype)
    curated = events[events["source_format"] == "curated"]
    pack = load_datapack(DEFAULT_DATA_DIR)
    assert list(curated["place"].astype(object)) == list(pack.tables["events"]["place"])


def test_exports_neutralise_formulas_in_categorical_text():
    df = pd.DataFrame({"place": pd.Categorical(["=HYPERLINK(\"x\")", "Almaty", None]), "n": [1, 2, 3]})
    out = exports.neutralise(df)
    assert list(out["place"].iloc[:2]) == ["'=HYPERLINK(\"x\")", "Almaty"] and pd.isna(out["place"].iloc[2])
    assert exports.to_csv_bytes(df).decode("utf-8-sig").splitlines()[1].startswith("\"'=HYPERLINK")


def test_zip_export_of_a_large_view_leaves_the_gtd_rows_out_and_counts_them(large_pack):
    """The GTD's terms forbid redistributing its rows: the zip holds the curated incidents, each with its licence,
    and the README says how many of the GTD's were left out (tests/test_export_licences.py checks the rest)."""
    tables = exports.filtered_tables(large_pack.tables, Filters(years=(2016, 2016)))
    blob = exports.zip_export(tables, large_pack.metadata, "2016", date(2026, 11, 22))
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        csv = zf.read("events.csv").decode("utf-8-sig")
        readme = zf.read("README.txt").decode("utf-8")
    gtd = int((tables["events"]["source_format"] == "gtd").sum())
    assert gtd and len(csv.splitlines()) == len(tables["events"]) - gtd + 1
    assert "GTD nkill" not in csv and csv.splitlines()[0].endswith(",licence")
    assert f"{gtd:,} rows of the imported dataset 'Synthetic 6k'" in readme


def test_a_filter_matching_everything_returns_the_table_itself(large_pack):
    events = large_pack.tables["events"]
    assert Filters().apply(events) is events
    assert len(Filters(years=RECENT).apply(events)) < len(events)


# ------------------------------------------------------------------------------------------------ perpetrators
@pytest.fixture(scope="module")
def many_groups_store(tmp_path_factory) -> Path:
    df = gen_gtd.generate(3_000, seed=6)
    df["gname"] = [f"Synthetic Group {i % 700:03d}" for i in range(len(df))]
    df.loc[:2, "gname"] = "Synthetic Rare Group"  # fewer rows than (almost) any other: beyond the cap
    return _store(tmp_path_factory.mktemp("var-groups"), df.to_csv(index=False).encode(), "Synthetic groups")


def test_perpetrator_list_is_capped_and_links_still_work(monkeypatch, many_groups_store, pack):
    from components.filters import PERPETRATOR_OPTIONS

    curated = set(pack.tables["events"]["perpetrator_group"].dropna())
    at = _app(monkeypatch, many_groups_store, "app_pages/overview.py")
    options = at.multiselect(key="perp").options
    assert len(options) <= PERPETRATOR_OPTIONS + len(curated)
    assert curated <= set(options)
    assert "Synthetic Rare Group" not in options
    assert "most frequent" in at.multiselect(key="perp").help

    group = sorted(curated - {"Unknown"})[0]
    at = _app(monkeypatch, many_groups_store, "app_pages/overview.py", {"perp": group})
    assert at.multiselect(key="perp").value == [group]
    at = _app(monkeypatch, many_groups_store, "app_pages/overview.py", {"perp": "Synthetic Rare Group"})
    assert at.multiselect(key="perp").value == ["Synthetic Rare Group"]
    assert not any("unknown value" in w.value for w in at.warning)
    stored = Store(many_groups_store).events()
    assert int(next(m.value for m in at.metric if m.label == "Incidents")) == int(
        (stored["perpetrator_group"] == "Synthetic Rare Group").sum())


def test_an_imported_incident_opens_its_full_record(monkeypatch, large_store):
    """Categorical columns and the views' filtered copy (without the long texts) still give the whole record."""
    at = _app(monkeypatch, large_store, "app_pages/map.py", {"years": ["2016", "2016"], "region": "Almaty"})
    table = at.dataframe[0].value
    assert 0 < len(table) <= TABLE_LIMIT
    at.session_state["map_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "Synthetic test incident" in text  # the summary, read from the whole table
    assert "Synthetic Source, report" in text  # the dataset's own citation
