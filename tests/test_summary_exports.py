"""Headline figures count unknowns instead of adding them as zero; exports neutralise formulas and state filters."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pandas as pd

from components import exports
from components.filters import Filters
from components.views import summary


def test_headline_sums_only_known_figures_and_counts_the_rest(pack):
    events = pack.tables["events"]
    for col, fig in summary.headline(events).items():
        assert fig.known_sum == int(events[col].dropna().sum())
        assert fig.n_unknown == int(events[col].isna().sum())
        assert fig.n_known + fig.n_unknown == len(events)
    killed = summary.figure(events, "killed")
    assert killed.value_text == f"at least {killed.known_sum}"
    assert killed.sentence().endswith(f"{killed.n_unknown} incidents with no figure")


def test_all_unknown_is_unknown_not_zero():
    df = pd.DataFrame({"killed": pd.array([None, None], dtype="Int64")})
    fig = summary.figure(df, "killed")
    assert fig.value_text == "unknown" and fig.unknown_text == "2 incidents with no figure"
    empty = summary.figure(df.iloc[:0], "killed")
    assert empty.value_text == "0" and empty.unknown_text == ""


def test_per_year_covers_every_year_and_keeps_unknowns_apart(pack):
    events = pack.tables["events"]
    table = summary.per_year(events, (1991, 2016))
    assert list(table["year"]) == list(range(1991, 2017))
    assert table["incidents"].sum() == len(events)
    assert table["killed_known"].sum() == int(events["killed"].dropna().sum())
    assert table["killed_unknown"].sum() == int(events["killed"].isna().sum())


def test_display_counts_say_unknown():
    df = pd.DataFrame({"killed": pd.array([3, None], dtype="Int64")})
    assert list(summary.display_counts(df)["killed"]) == ["3", "unknown"]


def test_formula_cells_are_neutralised_but_numbers_are_not():
    df = pd.DataFrame({"a": ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "plain", None], "n": [1, 2, 3, 4, 5, 6]})
    out = exports.neutralise(df)
    assert list(out["a"][:5]) == ["'=HYPERLINK(\"x\")", "'+1", "'-2", "'@SUM(A1)", "plain"]
    assert pd.isna(out["a"].iloc[5]) and list(out["n"]) == [1, 2, 3, 4, 5, 6]
    csv_text = exports.to_csv_bytes(df).decode("utf-8-sig")
    first_cell = csv_text.splitlines()[1].split(",")[0]
    assert first_cell.strip('"').startswith("'=HYPERLINK"), first_cell


def test_zip_has_readme_with_filters_citation_licences_and_every_table(pack):
    f = Filters(years=(2011, 2012), regions=("Atyrau Region",))
    tables = exports.filtered_tables(pack.tables, f)
    text = f.describe(len(tables["events"]))
    blob = exports.zip_bytes(tables, exports.readme_text(pack.metadata, text, tables, date(2026, 11, 22)))
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        names = set(zf.namelist())
        readme = zf.read("README.txt").decode("utf-8")
        events = pd.read_csv(io.BytesIO(zf.read("events.csv")), encoding="utf-8-sig")
    assert names == {"README.txt"} | {f"{n}.csv" for n in tables}
    assert "Filters: Atyrau Region, 2011-2012" in readme and "Exported: 2026-11-22" in readme
    assert pack.metadata["citation"] in readme and "ODbL" in readme and "CC BY 4.0" in readme
    assert set(events["region"]) == {"Atyrau Region"} and len(events) == len(tables["events"]) > 0
    # unknown stays blank in the export, never 0
    raw = pack.tables["events"].set_index("event_id")
    for row in events.itertuples():
        assert pd.isna(row.killed) == pd.isna(raw.loc[row.event_id, "killed"])


def test_zero_is_a_figure_and_only_missing_values_read_as_unknown():
    from components.pack.values import is_blank
    from components.views import details

    # a reported 0 killed must never be shown as "unknown", and a missing figure never as 0
    assert details.count_text(0) == "0"
    assert details.count_text(pd.NA).startswith("unknown")
    assert details.text("", unknown="unknown") == ""
    assert [is_blank(v) for v in (None, pd.NA, pd.NaT, float("nan"))] == [True] * 4
    assert [is_blank(v) for v in (0, 0.0, "", [], [None])] == [False] * 5
