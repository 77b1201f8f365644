"""Broken copies of the data pack each give a specific, located message; the other tables still load."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.pack.load import load_datapack
from tests.conftest import edit_table


def _set(row_index: int, column: str, value: str):
    def change(header, rows):
        rows[row_index][column] = value
    return change


def _drop_column(column: str):
    def change(header, rows):
        for row in rows:
            del row[column]
        return [c for c in header if c != column], rows
    return change


def _add_column(column: str):
    def change(header, rows):
        for row in rows:
            row[column] = "x"
        return header + [column], rows
    return change


def _duplicate_id(header, rows):
    rows[1]["event_id"] = rows[0]["event_id"]


def _append_source(source_id: str):
    def change(header, rows):
        rows[0]["source_ids"] = rows[0]["source_ids"] + ";" + source_id
    return change


def _header_only(header, rows):
    return header, []


# (case, change to events.csv, rule, column, spreadsheet row or None, events still loaded, words in the message)
ROW_CASES = [
    ("bad date", _set(2, "date", "2011-02-30"), "calendar_date", "date", 4, "real calendar date"),
    ("date in another format", _set(0, "date", "12/11/2011"), "str_matches", "date", 2,
     "YYYY-MM-DD"),
    ("coordinate outside Kazakhstan", _set(3, "latitude", "60.1"), None, "latitude", 5, "inside Kazakhstan"),
    ("unknown region", _set(4, "region", "Atlantis Region"), "known_regions", "region", 6, "regions.csv"),
    ("unknown source id", _append_source("no-such-source"), "known_sources", "source_ids", 2, "unknown: no-such-source"),
    ("duplicate id", _duplicate_id, "unique_id", "event_id", 3, "duplicate id"),
    ("negative count", _set(5, "killed", "-1"), None, "killed", 7, "cannot be negative"),
    ("count that is not a number", _set(5, "injured", "seven"), None, "injured", 7, "whole number"),
    ("date before independence", _set(0, "date", "1989-05-01"), None, "date", 2, "1991-01-01 to 2016-12-31"),
]


@pytest.mark.parametrize("case,change,rule,column,row,words", ROW_CASES, ids=[c[0] for c in ROW_CASES])
def test_bad_cell_is_located_and_only_its_row_is_left_out(pack_copy: Path, pack, case, change, rule, column, row,
                                                           words):
    edit_table(pack_copy, "events.csv", change)
    broken = load_datapack(pack_copy)
    errors = [p for p in broken.errors if p.file == "events.csv"]
    assert errors, f"{case}: no error reported"
    match = [p for p in errors if p.column == column and p.row == row]
    assert match, f"{case}: expected row {row} column {column}, got {[str(p) for p in errors]}"
    assert words in match[0].message
    if rule:
        assert match[0].rule == rule
    assert match[0].value is not None and str(match[0]) .startswith("ERROR events.csv, row")
    # the table still loads, less the bad row(s) only
    status = broken.status["events"]
    assert status.loaded
    left_out = {p.row for p in errors if p.row is not None}
    assert status.rows_loaded == status.rows_read - len(left_out) >= len(pack.tables["events"]) - 2
    # every other table is untouched: rows linking to the left-out row are not dropped with it (except where the
    # change removed an id from the file altogether, as the duplicate case does)
    others = ("sources", "regions", "policies", "phases")
    for table in others if case == "duplicate id" else (*others, "statistics", "contradictions"):
        assert broken.status[table].rows_loaded == pack.status[table].rows_loaded


TABLE_CASES = [
    ("missing column", _drop_column("region"), "required_columns", "is missing the column 'region'"),
    ("extra column", _add_column("colour"), "no_extra_columns", "not in the data dictionary: 'colour'"),
    ("header only", _header_only, "has_rows", "header but no data rows"),
]


@pytest.mark.parametrize("case,change,rule,words", TABLE_CASES, ids=[c[0] for c in TABLE_CASES])
def test_structural_problem_names_file_and_rule(pack_copy: Path, pack, case, change, rule, words):
    edit_table(pack_copy, "events.csv", change)
    broken = load_datapack(pack_copy)
    match = [p for p in broken.errors if p.file == "events.csv" and p.rule == rule]
    assert match and words in match[0].message, [str(p) for p in broken.errors]
    assert broken.status["events"].rows_loaded == 0
    assert broken.tables["events"].empty and "killed" in broken.tables["events"]
    assert broken.status["policies"].rows_loaded == pack.status["policies"].rows_loaded


def test_non_utf8_file_names_the_line_and_byte(pack_copy: Path, pack):
    path = pack_copy / "policies.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(",", ",Закон ", 1)  # Cyrillic at the start of the date cell, saved as cp1251
    path.write_bytes("".join(lines[:3]).encode("utf-8") + "".join(lines[3:]).encode("cp1251", errors="replace"))
    broken = load_datapack(pack_copy)
    match = [p for p in broken.errors if p.file == "policies.csv" and p.rule == "utf8"]
    assert match and match[0].row == 4 and "not valid UTF-8" in match[0].message
    assert broken.status["events"].rows_loaded == pack.status["events"].rows_loaded


def test_empty_file_says_which_columns_are_expected(pack_copy: Path):
    (pack_copy / "statistics.csv").write_bytes(b"")
    broken = load_datapack(pack_copy)
    match = [p for p in broken.errors if p.file == "statistics.csv" and p.rule == "not_empty"]
    assert match and "stat_id, topic, metric" in match[0].message


def test_missing_file_is_reported_and_dependent_checks_are_flagged(pack_copy: Path, pack):
    (pack_copy / "sources.csv").unlink()
    broken = load_datapack(pack_copy)
    assert any(p.file == "sources.csv" and p.rule == "file_exists" for p in broken.errors)
    assert any(p.rule == "references_unchecked" and p.file == "sources.csv" for p in broken.warnings)
    assert broken.status["events"].rows_loaded == pack.status["events"].rows_loaded


def test_unknown_policy_link_of_a_ban_is_reported(pack_copy: Path):
    edit_table(pack_copy, "banned_organisations.csv", _set(0, "policy_id", "po-2004-10-15-nothing"))
    broken = load_datapack(pack_copy)
    match = [p for p in broken.errors if p.file == "banned_organisations.csv" and p.column == "policy_id"]
    assert match and match[0].row == 2 and "policies.csv" in match[0].message


def test_point_outside_its_region_is_a_warning_naming_both(pack_copy: Path, pack):
    def move_to_almaty(header, rows):
        row = next(r for r in rows if r["region"] == "Jambyl Region")
        row["latitude"], row["longitude"], row["geo_note"] = "43.25", "76.9", ""
    edit_table(pack_copy, "events.csv", move_to_almaty)
    broken = load_datapack(pack_copy)
    match = [p for p in broken.warnings if p.rule == "point_in_region" and "'Jambyl Region'" in p.message]
    assert match and "inside the 'Almaty' polygon" in match[0].message
    assert broken.status["events"].rows_loaded == pack.status["events"].rows_loaded  # a warning drops nothing


def test_source_files_are_never_modified(pack_copy: Path):
    before = {p.name: p.read_bytes() for p in pack_copy.glob("*.csv")}
    edit_table(pack_copy, "events.csv", _set(0, "killed", "-5"))
    before["events.csv"] = (pack_copy / "events.csv").read_bytes()
    load_datapack(pack_copy)
    assert {p.name: p.read_bytes() for p in pack_copy.glob("*.csv")} == before


def test_check_data_exits_non_zero_on_errors(pack_copy: Path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    edit_table(pack_copy, "events.csv", _set(0, "region", "Atlantis"))
    result = subprocess.run([sys.executable, "-m", "scripts.check_data", str(pack_copy)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "ERROR events.csv, row 2, column 'region': value 'Atlantis'" in result.stdout
