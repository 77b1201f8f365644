"""The first page renders the data pack in AppTest: tables, counts, problems as a list, data as text."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components import i18n
from dashboard.data import DATA_DIR_ENV
from dashboard.frame import escape_md
from tests.conftest import edit_table, open_app, read_rows


def _run(monkeypatch, data_dir: Path | None = None) -> AppTest:
    if data_dir is not None:
        monkeypatch.setenv(DATA_DIR_ENV, str(data_dir))
    return open_app("app_pages/data_pack.py")


def _frames(at: AppTest):
    return [el.value for el in at.dataframe]


def test_data_page_lists_every_table_with_its_rows(monkeypatch, pack):
    at = _run(monkeypatch)
    assert not at.exception
    assert at.title[0].value == "Data pack"
    assert not at.error
    assert at.warning[0].value == i18n.ENGLISH.n("The data pack loaded with {n} warning, listed below.",
                                                 "The data pack loaded with {n} warnings, listed below.",
                                                 len(pack.warnings))
    overview = _frames(at)[0]
    for name, spec in pack.metadata["tables"].items():
        row = overview[overview["File"] == spec["file"]].iloc[0]
        assert row["Rows loaded"] == pack.status[name].rows_loaded > 0
        assert row["Status"] == "ok"


def test_broken_pack_shows_problems_as_a_list_not_a_traceback(monkeypatch, pack_copy):
    def break_it(header, rows):
        rows[0]["date"] = "2011-02-30"
        rows[1]["region"] = "Atlantis"
    edit_table(pack_copy, "events.csv", break_it)
    (pack_copy / "phases.csv").write_bytes(b"")
    at = _run(monkeypatch, pack_copy)
    assert not at.exception
    assert any(e.value.startswith("The data pack has 3 errors.") for e in at.error)
    problems = next(f for f in _frames(at) if "Problem" in f.columns)
    located = problems[(problems["File"] == "events.csv") & (problems["Column"] == "region")].iloc[0]
    assert located["Row"] == 3 and located["Value"] == "Atlantis"
    assert (problems["File"] == "phases.csv").any()
    overview = _frames(at)[0]
    assert overview.loc[overview["File"] == "phases.csv", "Status"].item() == "not loaded"
    assert overview.loc[overview["File"] == "events.csv", "Status"].item() == "2 rows left out"


def cited_source(data_dir) -> tuple[str, str]:
    """(event id, the first source it cites): the source the payload is written into, and an incident citing it."""
    event = read_rows(data_dir / "events.csv")[1][0]
    return event["event_id"], event["source_ids"].split(";")[0]


@pytest.mark.parametrize("payload", ["<script>alert('x')</script>", "<img src=x onerror=alert(1)>", "**bold** [l](javascript:alert(1))"])
def test_markup_in_data_stays_text(monkeypatch, pack_copy, payload):
    event_id, source_id = cited_source(pack_copy)

    def inject(header, rows):
        next(r for r in rows if r["source_id"] == source_id)["title"] = payload
    edit_table(pack_copy, "sources.csv", inject)
    at = _run(monkeypatch, pack_copy)
    assert not at.exception
    sources = _frames(at)[-1]
    assert payload in set(sources["title"])
    rendered = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert payload not in rendered
    # a page that does render the title as markdown: the citation in an incident's detail, escaped
    at = open_app("app_pages/timeline.py")
    at.session_state["timeline"] = {"selection": {"points": [{"curve_number": 0, "point_number": 0, "point_index": 0,
                                                              "customdata": [event_id]}],
                                                  "point_indices": [0], "box": [], "lasso": []}}
    at.run()
    assert not at.exception
    shown = " ".join(m.value for m in at.get("dialog")[0].markdown)
    assert escape_md(payload) in shown and payload not in shown
