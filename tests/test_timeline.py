"""Unit tests of the timeline builders (components/figures/timeline.py): lanes, phases, incidents, hovers, ids, years."""

from __future__ import annotations

import pandas as pd
import pytest

from components.figures import style
from components.figures import timeline as tl


@pytest.fixture(scope="module")
def t(pack):
    return pack.tables


@pytest.fixture(scope="module")
def fig(t):
    return tl.make_timeline_figure(t["policies"], t["phases"], t["events"], t["banned_organisations"])


def _traces(fig, kind):
    return [tr for tr in fig.data if (tr.meta or {}).get("kind") == kind]


def _ids(traces):
    return [cd[0] for tr in traces for cd in (tr.customdata or [])]


def _hover(fig, record_id):
    for tr in fig.data:
        for cd, text in zip(tr.customdata or [], tr.hovertext or []):
            if cd[0] == record_id:
                return text
    raise AssertionError(f"{record_id} not in the figure")


def _as_list(value, n):
    return list(value) if isinstance(value, (list, tuple)) else [value] * n


def test_every_policy_row_appears_once_in_its_lane(fig, t):
    policies = t["policies"]
    ids = _ids(_traces(fig, "policy"))
    assert sorted(ids) == sorted(policies["policy_id"]), "each milestone exactly once"
    lane_of_id = {cd[0]: tr.meta["lane"] for tr in _traces(fig, "policy") for cd in tr.customdata}
    for row in policies.itertuples():
        assert lane_of_id[row.policy_id] == style.POLICY_LANES[row.category]


def test_lanes_follow_lane_order(fig):
    y = fig.layout.yaxis
    labels = [tl.plain_label(text) for text in y.ticktext]
    lanes = [label for label in labels if label not in tl.PHASE_ROW_NAMES.values()]
    assert lanes == style.LANE_ORDER
    centres = list(y.tickvals)
    assert centres == sorted(centres, reverse=True), "rows are drawn top to bottom in that order"
    # every marker sits inside its own lane's band
    centre_of = dict(zip(labels, centres))
    for tr in _traces(fig, "policy"):
        for yy in tr.y:
            assert abs(yy - centre_of[tr.meta["lane"]]) < tl.LANE_HEIGHT / 2


def test_markers_differ_by_shape_as_well_as_colour(fig, t):
    policy = _traces(fig, "policy")
    precision = dict(zip(t["policies"]["policy_id"], t["policies"]["date_precision"]))
    for tr in policy:
        for cd, symbol in zip(tr.customdata, _as_list(tr.marker.symbol, len(tr.x))):
            if precision[cd[0]] == "day":
                assert symbol == style.LANE_SYMBOLS[tr.meta["lane"]]
    assert len(set(style.LANE_SYMBOLS.values())) == len(style.LANE_SYMBOLS), "one shape per lane"
    assert len({tr.marker.color for tr in policy}) == len(policy), "one colour per lane"


def test_phases_are_drawn_with_their_labels_and_marked_approximate(fig, t):
    phases = t["phases"]
    texts = {a.text for a in fig.layout.annotations}
    for label in phases["label"]:
        assert label in texts
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(rects) == len(phases)
    rows = [tl.plain_label(x) for x in fig.layout.yaxis.ticktext][:2]
    assert all("approx." in r for r in rows)
    for tr in _traces(fig, "phase"):
        assert all("approx." in h and "approximate readings" in h for h in tr.hovertext)


def test_phase_labels_do_not_overlap_within_a_row(t):
    items = tl._phase_items(t["phases"], (1991, 2016))
    for phase_set, rows in items.items():
        by_slot: dict[int, list] = {}
        for it in rows:
            by_slot.setdefault(it["slot"], []).append(it["extent"])
        for extents in by_slot.values():
            extents.sort()
            for (_, end), (start, _) in zip(extents, extents[1:]):
                assert end < start, phase_set


def test_incidents_with_unknown_victims_are_open_and_never_size_zero(fig, t):
    events = t["events"]
    incident = _traces(fig, "event")
    unknown = [tr for tr in incident if not tr.meta["victims_known"]]
    known = [tr for tr in incident if tr.meta["victims_known"]]
    n_unknown = int(events["killed"].isna().sum())
    assert n_unknown > 0 and sum(len(tr.x) for tr in unknown) == n_unknown
    for tr in unknown:
        assert all(s > 0 for s in _as_list(tr.marker.size, len(tr.x)))
        assert all("open" in s for s in _as_list(tr.marker.symbol, len(tr.x)))
        assert all("unknown" in h for h in tr.hovertext)
    for tr in known:
        sizes = _as_list(tr.marker.size, len(tr.x))
        assert all(s > 0 for s in sizes), "an incident with 0 victims killed is still drawn"
        assert all("open" not in s for s in _as_list(tr.marker.symbol, len(tr.x)))
    assert sorted(_ids(incident)) == sorted(events["event_id"])


def test_bigger_marker_for_more_victims():
    assert 0 < tl.victims_size(0) < tl.victims_size(2) < tl.victims_size(11)


def test_customdata_ids_map_back_to_rows(fig, t):
    policy_ids = set(t["policies"]["policy_id"])
    event_ids = set(t["events"]["event_id"])
    phase_ids = set(t["phases"]["phase_id"])
    for tr in fig.data:
        kind = (tr.meta or {}).get("kind")
        pool = {"policy": policy_ids, "event": event_ids, "phase": phase_ids}.get(kind)
        if pool is None:
            continue
        assert tr.customdata is not None and len(tr.customdata) == len(tr.x)
        for cd in tr.customdata:
            assert cd[0] in pool


def test_hover_of_markup_in_the_data_is_escaped(t):
    payload = "<script>alert('x')</script><b>bold</b>"
    policies = t["policies"].copy()
    policies.loc[0, "title"] = payload
    policies.loc[0, "notes"] = "<img src=x onerror=alert(1)>"
    events = t["events"].copy()
    events.loc[0, "place"] = payload
    phases = t["phases"].copy()
    phases.loc[0, "label"] = payload
    fig = tl.make_timeline_figure(policies, phases, events, t["banned_organisations"])
    for record_id in (policies.loc[0, "policy_id"], events.loc[0, "event_id"]):
        hover = _hover(fig, record_id)
        assert "<script>" not in hover and "<img" not in hover and "<b>bold" not in hover
        assert "&lt;script&gt;" in hover
    phase_hover = _hover(fig, phases.loc[0, "phase_id"])
    assert "<script>" not in phase_hover and "&lt;script&gt;" in phase_hover
    assert all("<script>" not in (a.text or "") for a in fig.layout.annotations)


def test_hover_states_date_precision_and_court_ban_organisations(fig, t):
    policies = t["policies"].set_index("policy_id")
    month = "po-2007-05-01-death-penalty-amendment"
    assert policies.loc[month, "date_precision"] == "month"
    assert "May 2007 (month only)" in _hover(fig, month)
    approx = policies.index[policies["date_precision"] == "approximate"][0]
    assert "(approximate)" in _hover(fig, approx)
    symbol_of = {cd[0]: sym for tr in _traces(fig, "policy") for cd, sym in
                 zip(tr.customdata, _as_list(tr.marker.symbol, len(tr.x)))}
    assert symbol_of[month].endswith("-open-dot") and symbol_of[approx].endswith("-open-dot")
    day = policies.index[policies["date_precision"] == "day"][0]
    assert not symbol_of[day].endswith("-dot")
    ban = _hover(fig, "po-2004-10-15-supreme-court-ban").replace("<br>", " ")
    assert "Supreme Court of the Republic of Kazakhstan bans 4 organisations: Al-Qaeda" in ban
    # a disagreement between sources is said beside the item
    assert "Sources disagree" in _hover(fig, "po-2011-10-11-religion-law")
    assert "Sources disagree" in _hover(fig, "ev-2011-05-17-aktobe")


def test_year_range_is_respected(t):
    years = (2011, 2012)
    fig = tl.make_timeline_figure(t["policies"], t["phases"], t["events"], t["banned_organisations"], years=years)
    lo, hi = (pd.Timestamp(x) for x in fig.layout.xaxis.range)
    assert lo.year == 2010 and hi.year == 2013 and lo.month >= 11 and hi.month <= 2
    for tr in fig.data:
        if (tr.meta or {}).get("kind") in ("policy", "event"):
            assert all(pd.Timestamp(x).year in (2011, 2012) for x in tr.x)
    expected = set(t["policies"].loc[t["policies"]["date"].dt.year.between(*years), "policy_id"])
    assert set(_ids(_traces(fig, "policy"))) == expected and expected
    expected_ev = set(t["events"].loc[t["events"]["date"].dt.year.between(*years), "event_id"])
    assert set(_ids(_traces(fig, "event"))) == expected_ev
    for rect in (s for s in fig.layout.shapes if s.type == "rect"):
        assert lo <= pd.Timestamp(rect.x0) and pd.Timestamp(rect.x1) <= hi, "phases clipped to the years"
    labels = {a.text for a in fig.layout.annotations}
    assert "Foreign terrorists" not in labels and "Local terrorists" in labels


def test_empty_inputs_do_not_fail(t):
    empty = t["policies"].iloc[0:0]
    fig = tl.make_timeline_figure(empty, t["phases"], t["events"].iloc[0:0], t["banned_organisations"],
                                  years=(1992, 1993))
    assert not _ids(_traces(fig, "policy")) and not _ids(_traces(fig, "event"))
    assert tl.timeline_table(empty, t["events"].iloc[0:0]).empty
    assert tl.phases_covering(t["phases"], (1992, 1993)) == ["Threat seen as external (response, approx. 1990-2011)"]


def test_timeline_table_lists_every_item_no_more_precisely_than_known(t):
    table = tl.timeline_table(t["policies"], t["events"], t["banned_organisations"])
    assert len(table) == len(t["policies"]) + len(t["events"])
    assert table["Record id"].is_unique
    row = table[table["Record id"] == "po-2007-05-01-death-penalty-amendment"].iloc[0]
    assert row["Date"] == "2007-05" and row["Date precision"] == "month"
    approx = table[table["Date precision"] == "approximate"]
    assert approx["Date"].str.endswith("(approx.)").all()
    keys = [d[:10] for d in table["Date"]]
    assert keys == sorted(keys), "chronological"
    assert set(table["Lane"]) <= set(style.LANE_ORDER)
    ban = table[table["Record id"] == "po-2015-10-15-court-ban"].iloc[0]
    assert "2 organisations" in ban["Organisations banned"]
    unknown = table[table["Record id"] == "ev-2000-09-28-almaty"].iloc[0]
    assert "victims killed: unknown" in unknown["Title"]
    assert set(tl.TABLE_COLUMNS) == set(table.columns)


def test_bans_table_groups_21_organisations_by_decision(t):
    table = tl.bans_table(t["banned_organisations"], t["policies"])
    assert len(table) == 21
    assert tl.decisions_count(t["banned_organisations"]) == 10
    assert list(table["Decision date"]) == sorted(table["Decision date"])
    decisions = list(dict.fromkeys(zip(table["Decision date"], table["Court"])))
    assert len(decisions) == 10, "each decision's organisations are contiguous"
    kurdish = table[table["Organisation"].str.contains("Kongra-Gel")].iloc[0]
    assert kurdish["Name as written in the source"] == "Kurdish National Congress"
    assert (table["Decision (policy timeline)"] != "(not in the policy timeline)").all()
    for col in ("Decision date", "Court", "Organisation", "Name as written in the source", "Designation", "Notes"):
        assert col in table.columns


def test_ban_count_disagreement_is_found_in_the_data(t):
    row = tl.ban_count_disagreement(t["contradictions"], t["alternatives"], {})
    assert row is not None and "23" in row["alternatives"]


def test_lane_names_wrap_between_words(fig):
    for label in fig.layout.yaxis.ticktext:
        name = tl.plain_label(label)
        lines = [tl.plain_label(line) for line in label.split("<br>")]
        assert " ".join(lines) == name, "wrapped between words, none lost"
        assert all(len(line) <= tl.LANE_LABEL_WRAP or " " not in line for line in lines)
    assert any("<br>" in label for label in fig.layout.yaxis.ticktext), "long names do wrap"


def test_table_builders_stay_importable_from_the_figure_module():
    from components.figures import timeline_tables as tables

    for name in ("timeline_table", "bans_table", "TABLE_COLUMNS", "BANS_COLUMNS", "decisions_count",
                 "phases_covering", "ban_count_disagreement", "ban_sentence", "bans_by_policy", "victims_text"):
        assert getattr(tl, name) is getattr(tables, name), name
