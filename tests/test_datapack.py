"""The shipped data pack validates, is fully described, and keeps unknowns unknown."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd

from components.pack.load import DEFAULT_DATA_DIR, TABLE_ORDER
from components.pack.schema import split_ids
from tests.conftest import ROOT, read_rows


def test_shipped_pack_loads_without_errors(pack):
    assert pack.errors == [], "\n".join(map(str, pack.errors))
    for table in TABLE_ORDER:
        status = pack.status[table]
        assert status.loaded and status.rows_loaded == status.rows_read > 0, table


def test_tables_hold_what_the_sources_list(pack):
    t = pack.tables
    assert len(t["events"]) >= 23
    assert len(t["banned_organisations"]) == 21
    assert t["banned_organisations"]["decision_date"].nunique() == 10
    assert len(t["regions"]) == 16
    assert len(t["phases"]) == 6
    assert len(t["statistics"]) >= 66
    assert len(t["contradictions"]) >= 26
    assert len(t["policies"]) >= 37
    assert t["sources"]["core_document"].sum() == 5
    categories = set(t["policies"]["category"])
    assert {"law", "amendment", "decree", "court ban", "state programme", "institution", "international agreement",
            "context"} <= categories


def test_events_span_independence_to_2016(pack):
    dates = pack.tables["events"]["date"]
    assert dates.min() >= pd.Timestamp("1991-01-01") and dates.max() <= pd.Timestamp("2016-12-31")
    policies = pack.tables["policies"]
    assert policies["date"].min() == pd.Timestamp("1991-12-16")  # independence


def test_metadata_describes_every_table_and_column_and_nothing_else(pack):
    meta = json.loads((DEFAULT_DATA_DIR / "metadata.json").read_text(encoding="utf-8"))
    described_files = {spec["file"] for spec in meta["tables"].values()}
    assert described_files == {p.name for p in DEFAULT_DATA_DIR.glob("*.csv")}
    for name, spec in meta["tables"].items():
        header, _ = read_rows(DEFAULT_DATA_DIR / spec["file"])
        assert header == list(spec["columns"]), f"{spec['file']} header differs from metadata"
        for key in ("title", "description", "license"):
            assert spec.get(key), f"{name} lacks {key}"
        for col, info in spec["columns"].items():
            assert info.get("description") and info.get("type"), f"{name}.{col} lacks a description or type"
    assert (DEFAULT_DATA_DIR / meta["boundaries"]["file"]).is_file()


def test_every_source_id_resolves_and_every_source_is_cited(pack):
    known = set(pack.tables["sources"]["source_id"])
    cited: set[str] = set()
    for name, df in pack.tables.items():
        if "source_ids" in df:
            for cell in df["source_ids"].dropna():
                ids = split_ids(cell)
                assert set(ids) <= known, f"{name}: unknown {set(ids) - known}"
                cited.update(ids)
    cited |= set(pack.tables["source_checks"]["source_id"])  # read for a figure, recorded as what it says
    assert known == cited, f"sources never cited: {sorted(known - cited)}"


def test_every_row_cites_a_source(pack):
    # a translation is the project's own wording, not a fact; an official name or an original text cites its source
    for name, df in pack.tables.items():
        if "source_ids" in df and name not in ("contradictions", "translations", "vocabulary"):
            assert df["source_ids"].notna().all(), name
    for name in ("translations", "vocabulary"):
        df = pack.tables[name]
        sourced = df["basis_ru"].isin(["official", "original"]) | df["basis_kk"].isin(["official", "original"])
        assert sourced.any() and df.loc[sourced, "source_ids"].notna().all(), name


def test_casualty_unknowns_stay_missing_and_zeros_stay_zero(pack):
    _, raw = read_rows(DEFAULT_DATA_DIR / "events.csv")
    events = pack.tables["events"].set_index("event_id")
    seen_blank = seen_zero = False
    for row in raw:
        for col in ("killed", "injured", "perpetrators_killed", "total_deaths"):
            typed = events.loc[row["event_id"], col]
            assert str(events[col].dtype) == "Int64"
            if row[col] == "":
                assert pd.isna(typed), f"{row['event_id']}.{col} blank became {typed}"
                seen_blank = True
            else:
                assert typed == int(row[col])
                seen_zero |= row[col] == "0"
    assert seen_blank and seen_zero  # the pack has both unknowns and true zeros


def test_age_shares_carry_the_caveat_that_they_do_not_add_up(pack):
    ages = pack.tables["statistics"].query("topic == 'perpetrator age'")
    assert set(ages["value"]) >= {90.0, 55.0, 35.0}
    assert ages["caveat"].str.contains("20-29").any()


def test_boundaries_are_small_and_match_the_regions(pack):
    path = DEFAULT_DATA_DIR / pack.metadata["boundaries"]["file"]
    assert path.stat().st_size < 400_000
    names = {f["properties"]["region"] for f in pack.boundaries["features"]}
    assert names == set(pack.tables["regions"]["region"])
    assert (path.parent / "README.md").read_text(encoding="utf-8").count("ODbL") >= 2


def test_only_explained_points_fall_outside_their_region(pack):
    outside = [p for p in pack.warnings if p.rule == "point_in_region"]
    events = pack.tables["events"].set_index("event_id")
    for problem in outside:
        event_id = problem.message.split()[3]
        assert isinstance(events.loc[event_id, "geo_note"], str), problem


def test_check_data_command_reports_tables_and_exits_zero():
    result = subprocess.run([sys.executable, "-m", "scripts.check_data"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "events" in result.stdout and "0 error(s)" in result.stdout


def test_readme_states_the_row_count_of_every_table(pack):
    """The README's table of the data pack must not drift from the files it describes."""
    import re

    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stated = {m.group(1): int(m.group(2)) for m in re.finditer(r"^\| [^|]+ \| `([a-z_]+)\.csv` \| (\d+) \|", readme, re.M)}
    actual = {name: len(df) for name, df in pack.tables.items()}
    assert stated and set(stated) == set(actual), (stated, actual)
    assert stated == actual
