"""Data pack 2.0: alternatives as data, supporting and contradicting sources apart, criteria for every incident,
deep source addresses; and the alternatives reach the detail dialog, hovers, tooltips, statistics and the pack."""

from __future__ import annotations

import json
import re
from datetime import date

import pandas as pd
import pytest

from components import briefing
from components.figures import statistics as sc
from components.figures import timeline as tl
from components.filters import Filters
from components.map.points import incident_tooltip
from components.pack import alternatives as alt
from components.pack.load import load_datapack
from components.pack.schema import split_ids
from tests.conftest import edit_table, open_app

ID_COLUMNS = alt.TABLE_IDS


# ------------------------------------------------------------------ the shipped pack keeps its own rules
def test_every_alternative_points_to_an_existing_record_and_column(pack):
    alts = pack.tables["alternatives"]
    assert len(alts) > 0
    for a in alts.to_dict("records"):
        table = pack.tables[a["table"]]
        assert a["record_id"] in set(table[ID_COLUMNS[a["table"]]]), a["alt_id"]
        assert a["column"] in pack.metadata["tables"][a["table"]]["columns"], a["alt_id"]


def test_every_contradiction_has_alternatives_and_each_names_a_record_of_it(pack):
    alts, con = pack.tables["alternatives"], pack.tables["contradictions"]
    stats = pack.tables["statistics"]
    flagged = set(stats.loc[stats["flag"].notna(), "stat_id"])
    for c in con.to_dict("records"):
        mine = alts[alts["contradiction_id"] == c["contradiction_id"]]
        # a document's own impossible figures (flagged statistics) may have no other value to offer
        self_evident = c["table"] == "statistics" and set(split_ids(c["record_ids"])) <= flagged
        assert len(mine) or self_evident, f"{c['contradiction_id']} has no alternative"
        assert set(mine["record_id"]) <= set(split_ids(c["record_ids"])), c["contradiction_id"]
        for rid in split_ids(c["record_ids"]):
            assert rid in set(pack.tables[c["table"]][ID_COLUMNS[c["table"]]]), rid


def test_every_record_in_a_contradiction_shows_its_alternatives(pack):
    """The reverse direction: a record a contradiction names has alternatives of its own, so the disagreement is
    seen from the record, not only on the contradictions page."""
    alts = pack.tables["alternatives"]
    have = set(zip(alts["table"], alts["record_id"]))
    stats = pack.tables["statistics"]
    flagged = set(stats.loc[stats["flag"].notna(), "stat_id"])  # the document's own figures, flagged
    for c in pack.tables["contradictions"].to_dict("records"):
        for rid in split_ids(c["record_ids"]):
            assert (c["table"], rid) in have or rid in flagged, \
                f"{rid} is named by {c['contradiction_id']} but has no alternative"


def test_no_source_supports_both_the_value_used_and_an_alternative(pack):
    """For every figure (count, date, place, classification, a statistic's value...): a source that gives another
    value is not among the record's sources. Descriptive text may word a detail differently."""
    cited = {(t, r): set(split_ids(s)) for t, col in ID_COLUMNS.items() if "source_ids" in pack.tables[t]
             for r, s in zip(pack.tables[t][col], pack.tables[t]["source_ids"])}
    n = 0
    for a in pack.tables["alternatives"].to_dict("records"):
        if a["column"] not in alt.FIGURE_COLUMNS:
            continue
        n += 1
        both = cited.get((a["table"], a["record_id"]), set()) & set(split_ids(a["source_ids"]))
        assert not both, f"{a['alt_id']}: {both} cited on both sides"
    assert n, "alternatives of figures exist"
    checks = pack.tables["source_checks"]
    for c in checks[(checks["agrees"] == "no") & checks["column"].isin(alt.FIGURE_COLUMNS)].to_dict("records"):
        assert c["source_id"] not in cited.get((c["table"], c["record_id"]), set()), c


def test_derived_disagreements_match_the_alternatives(pack):
    alts = pack.tables["alternatives"]
    with_alts = set(alts.loc[alts["table"] == "events", "record_id"])
    events = pack.tables["events"]
    has_text = set(events.loc[events["disagreements"].notna(), "event_id"])
    assert has_text == with_alts
    one = alts[alts["table"] == "events"].iloc[0]
    text = events.set_index("event_id").loc[one["record_id"], "disagreements"]
    assert alt.value_text(one) in text and alt.column_label(one["column"]) in text


def test_criteria_are_filled_for_every_incident(pack):
    events = pack.tables["events"]
    meta = pack.metadata["tables"]["events"]["columns"]
    for col in ("crit_aim", "crit_audience", "crit_outside_warfare", "inclusion_basis", "doubt_terrorism"):
        assert events[col].notna().all(), col
        assert set(events[col]) <= set(meta[col]["values"]), col
    assert events["criteria_note"].notna().all()
    basis_terror = events[events["inclusion_basis"] == "terrorism criteria"]
    met = (basis_terror[["crit_aim", "crit_audience", "crit_outside_warfare"]] == "yes").sum(axis=1)
    assert (met >= 2).all(), "terrorism criteria need at least two of the three criteria"
    official = events[events["inclusion_basis"] == "official classification"]
    assert (official["doubt_terrorism"] == "yes").all(), "fewer than two criteria met: always doubtful"
    dropped = events[events["inclusion_basis"] == "official version dropped"]
    assert (dropped["classification"] == "not classified as terrorism").all()


def test_every_source_has_a_deep_url_and_a_date_or_says_why(pack):
    for s in pack.tables["sources"].to_dict("records"):
        note = s.get("missing_note")
        if isinstance(note, str) and note.strip():
            continue
        assert alt.url_has_path(s["url"]), f"{s['source_id']}: no deep URL and no missing_note"
        assert isinstance(s["date_published"], str), f"{s['source_id']}: no date published and no missing_note"


def test_core_documents_are_dated_to_the_day_or_say_why(pack):
    core = pack.tables["sources"][pack.tables["sources"]["core_document"]]
    assert len(core) == 5
    for s in core.to_dict("records"):
        assert alt.url_has_path(s["url"]), s["source_id"]
        precise = isinstance(s["date_published"], str) and len(s["date_published"]) == 10
        assert precise or (isinstance(s["missing_note"], str) and s["missing_note"]), s["source_id"]


def test_statistics_flagged_as_errors_are_never_charted(pack):
    stats = pack.tables["statistics"]
    errors = set(stats.loc[stats["flag"] == "error", "stat_id"])
    assert errors, "the source documents' known errors are flagged"
    assert not errors & set(sc.chartable(stats)["stat_id"])
    for name in ("age", "prosecution", "fighters"):
        fig = {"age": sc.make_age_figure, "prosecution": sc.make_prosecution_figure,
               "fighters": sc.make_foreign_fighters_figure}[name](sc.chartable(stats), pack.sources_by_id())
        drawn = {cd[0] if isinstance(cd, (list, tuple)) else cd for tr in fig.data
                 for cd in (getattr(tr, "customdata", None) or [])}
        assert not errors & drawn, name


# ------------------------------------------------------------------ broken copies are reported where they are wrong
def _alt_rows(data_dir, change):
    edit_table(data_dir, "alternatives.csv", change)
    return load_datapack(data_dir)


@pytest.mark.parametrize("column, value, rule", [
    ("record_id", "ev-1999-01-01-nowhere", "known_record"),
    ("column", "no_such_column", "known_column"),
    ("status", "maybe", None),
    ("source_ids", "no-such-source", "known_sources"),
])
def test_a_broken_alternative_is_located(pack_copy, column, value, rule):
    def change(header, rows):
        rows[0][column] = value
    p = _alt_rows(pack_copy, change)
    hits = [e for e in p.errors if e.file == "alternatives.csv" and e.row == 2]
    assert hits, [str(e) for e in p.errors]
    if rule:
        assert any(e.rule == rule for e in hits), [str(e) for e in hits]


def test_a_contradiction_without_alternatives_is_an_error(pack_copy, pack):
    cid = pack.tables["contradictions"]["contradiction_id"].iloc[0]

    def change(header, rows):
        return header, [r for r in rows if r["contradiction_id"] != cid]
    p = _alt_rows(pack_copy, change)
    assert any(e.rule == "contradiction_has_alternatives" and e.value == cid for e in p.errors)


def test_a_source_on_both_sides_is_an_error(pack_copy, pack):
    alts = pack.tables["alternatives"]
    a = alts[alts["column"].isin(alt.FIGURE_COLUMNS)].iloc[0]
    row = int(a.name) + 2  # spreadsheet row of that alternative
    record_sources = pack.tables[a["table"]].set_index(ID_COLUMNS[a["table"]]).loc[a["record_id"], "source_ids"]
    first = split_ids(record_sources)[0]

    def change(header, rows):
        rows[row - 2]["source_ids"] = rows[row - 2]["source_ids"] + ";" + first
    p = _alt_rows(pack_copy, change)
    assert any(e.rule == "sources_one_side" and e.row == row for e in p.errors)


def test_missing_criteria_are_reported_by_row_and_column(pack_copy):
    def change(header, rows):
        rows[0]["inclusion_basis"] = ""
    edit_table(pack_copy, "events.csv", change)
    p = load_datapack(pack_copy)
    assert any(e.file == "events.csv" and e.row == 2 and e.column == "inclusion_basis" for e in p.errors)


# ------------------------------------------------------------------ pure helpers
def test_value_text_and_lines():
    assert alt.value_text({"value": "3", "value_low": None, "value_high": None}) == "3"
    assert alt.value_text({"value": None, "value_low": 200.0, "value_high": 400.0}) == "200–400"
    sources = {"a": {"publisher": "Reuters (copy via X)", "date_published": "2011-05-24"}}
    line = alt.line({"column": "injured", "value": "3", "status": "superseded", "source_ids": "a"}, sources)
    assert line == "Injured: 3 (earlier report, since revised; Reuters, 2011-05-24)"


@pytest.mark.parametrize("url, deep", [
    ("https://www.rferl.org/a/kazakhstan/24177028.html", True), ("https://adilet.zan.kz/rus/docs/Z990000416_", True),
    ("https://cis-legislation.com/document.fwx?rgn=1162", True), ("https://it.wiki7.org/", False),
    ("https://example.org", False), (None, False), ("ftp://example.org/x", False),
])
def test_url_has_path(url, deep):
    assert alt.url_has_path(url) is deep


# ------------------------------------------------------------------ what the user sees
def _event_with_alternatives(pack) -> str:
    alts = pack.tables["alternatives"]
    located = set(pack.tables["events"].dropna(subset=["latitude"])["event_id"])
    return next(r for r in alts.loc[alts["table"] == "events", "record_id"] if r in located)


def _dialog_of(record_id: str):
    """The detail dialog the timeline opens for a selected record."""
    at = open_app("app_pages/timeline.py")
    at.session_state["timeline"] = {"selection": {"points": [{"curve_number": 0, "point_number": 0,
                                                              "point_index": 0, "customdata": [record_id]}],
                                                  "point_indices": [0], "box": [], "lasso": []}}
    at.run()
    assert not at.exception
    return at.get("dialog")[0]


def test_incident_dialog_lists_the_alternatives_with_their_sources(pack):
    eid = _event_with_alternatives(pack)
    dialog = _dialog_of(eid)
    text = " ".join(m.value for m in dialog.markdown).replace("\\", "")
    alts = pack.tables["alternatives"]
    sources = pack.sources_by_id()
    for a in alts[(alts["table"] == "events") & (alts["record_id"] == eid)].to_dict("records"):
        assert alt.value_text(a) in text
        for sid in split_ids(a["source_ids"]):
            assert alt.short_citation(sid, sources) in text
    checks = pack.tables["source_checks"]
    mine = checks[(checks["table"] == "events") & (checks["record_id"] == eid)]
    if len(mine):
        shown = next(df.value for df in dialog.dataframe if "What it says" in df.value)
        assert list(shown["What it says"]) == list(mine["says"])


def test_policy_dialog_lists_its_alternatives(pack):
    alts = pack.tables["alternatives"]
    pid = alts.loc[alts["table"] == "policies", "record_id"].iloc[0]
    text = " ".join(m.value for m in _dialog_of(pid).markdown).replace("\\", "")
    assert "Where sources disagree" in text
    first = alts[(alts["table"] == "policies") & (alts["record_id"] == pid)].iloc[0]
    assert alt.value_text(first) in text


def test_map_tooltip_and_timeline_hover_carry_the_alternatives(pack):
    eid = _event_with_alternatives(pack)
    row = pack.tables["events"].set_index("event_id").loc[eid].to_dict()
    row["event_id"] = eid
    tip = incident_tooltip(row)
    first = pack.tables["alternatives"].query("record_id == @eid").iloc[0]
    assert "Sources disagree: " + alt.column_label(first["column"]) in tip
    assert "Sources disagree" in tl.event_hover(row)
    quiet = pack.tables["events"][pack.tables["events"]["disagreements"].isna()]
    if len(quiet):
        assert "Sources disagree" not in incident_tooltip(quiet.iloc[0].to_dict())


def test_statistics_table_shows_the_alternatives_of_a_row(pack):
    alts = pack.tables["alternatives"]
    stat_alts = alts[alts["table"] == "statistics"]
    sid = stat_alts["record_id"].iloc[0]
    col = sc.disagreement_column(pack.tables["statistics"], [sid])[0]
    for a in stat_alts[stat_alts["record_id"] == sid].to_dict("records"):
        assert alt.value_text(a) in col


def test_briefing_pack_has_a_page_of_disagreements_with_their_sources(pack):
    b = briefing.briefing_content(pack, Filters(), date(2026, 12, 1))
    pages = [p for p in b.pages if p.kind == "disagreements"]
    assert pages
    rows = [r for p in pages for r in p.body["rows"]]
    alts = pack.tables["alternatives"]
    figures = alts[alts["table"].isin(["events", "policies"]) & alts["column"].isin(alt.FIGURE_COLUMNS)]
    assert len(rows) == figures["record_id"].nunique(), "one row per incident or milestone"
    text = " ".join(r[1] for r in rows)
    for a in figures.to_dict("records"):
        assert alt.value_text(a) in text and alt.column_label(a["column"]) in text
    # every value cites its sources by number, and the numbers resolve to the references of the pack
    numbers = {int(n) for r in rows for grp in re.findall(r"\[([\d, ]+)\]", r[1]) for n in grp.split(", ")}
    assert numbers and numbers <= {ref["n"] for ref in b.references}


def test_the_zip_carries_the_alternatives_of_the_rows_it_holds(pack):
    from components import exports
    f = Filters(regions=("Aktobe Region",))
    tables = exports.filtered_tables(pack.tables, f)
    kept = tables["alternatives"]
    ev_ids = set(tables["events"]["event_id"])
    assert set(kept.loc[kept["table"] == "events", "record_id"]) <= ev_ids
    all_alts = pack.tables["alternatives"]
    expected = all_alts[(all_alts["table"] == "events") & all_alts["record_id"].isin(ev_ids)]
    assert len(kept[kept["table"] == "events"]) == len(expected)


def test_overview_states_what_the_table_covers(pack):
    at = open_app()
    assert not at.exception
    body = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "foiled plots with arrests only" in body
    n = len(pack.tables["events"])
    assert f"Of these {n} incidents" in body
    n_ops = int((pack.tables["events"]["inclusion_basis"] == "security operation").sum())
    if n_ops:
        assert f"{n_ops} security operation" in body


def test_sources_page_shows_criteria_and_search_log():
    at = open_app("app_pages/sources.py")
    assert not at.exception
    assert "Inclusion criteria" in [e.label for e in at.expander]
    text = " ".join(m.value for m in at.markdown)
    assert "premature explosion" in text and "year by year" not in text.lower()
    at.toggle(key="show_search_log").set_value(True).run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "| 2011 |" in text and "no incident found" in text.lower()


def test_metadata_describes_the_new_table(pack):
    spec = pack.metadata["tables"]["alternatives"]
    assert spec["file"] == "alternatives.csv"
    assert json.dumps(spec["columns"]["status"]["values"]) == json.dumps(["alternative", "superseded", "error"])
    assert isinstance(pack.tables["alternatives"], pd.DataFrame)
