"""The policy timeline page in AppTest: renders by default, with a year filter and with a range that matches
nothing; a selection opens the right detail dialog; data text stays text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.data import DATA_DIR_ENV
from tests.conftest import edit_table, open_app

PAGE = "app_pages/timeline.py"


def _app(monkeypatch, data_dir: Path | None = None, years: tuple[str, str] | None = None) -> AppTest:
    if data_dir is not None:
        monkeypatch.setenv(DATA_DIR_ENV, str(data_dir))
    return open_app(PAGE, {"years": list(years)} if years is not None else None, tables=True)


def _spec(at: AppTest) -> dict:
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.spec)


def _ids(spec: dict, kind: str) -> set[str]:
    return {cd[0] for tr in spec["data"] if (tr.get("meta") or {}).get("kind") == kind
            for cd in tr.get("customdata") or []}


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [w.value for w in at.warning] + [s.value for s in at.subheader] + [t.value for t in at.title]
    return "\n".join(parts)


def _selection(record_id: str) -> dict:
    return {"selection": {"points": [{"curve_number": 0, "point_number": 0, "point_index": 0,
                                      "customdata": [record_id]}],
                          "point_indices": [0], "box": [], "lasso": []}}


def _dialogs(at: AppTest):
    return [b for b in at.get("dialog")]


def test_page_renders_everything_by_default(monkeypatch, pack):
    at = _app(monkeypatch)
    assert not at.exception
    assert at.title[0].value == "Policy timeline, 1991-2016"
    n = len(pack.tables["events"])
    assert "1991\\-2016" in at.markdown[0].value and f"{n} incidents" in at.markdown[0].value
    spec = _spec(at)
    assert _ids(spec, "policy") == set(pack.tables["policies"]["policy_id"])
    assert _ids(spec, "event") == set(pack.tables["events"]["event_id"])
    chart = at.get("plotly_chart")[0].proto
    config = json.loads(chart.config)
    assert config.get("displaylogo") is False and "toImage" not in str(config.get("modeBarButtonsToRemove", ""))
    assert "incidents" in chart.alt and "approximate phases" in chart.alt
    text = _text(at)
    assert "Source:" in text and "Karaganda" in text and "approximate readings" in text
    assert "month or approximate" in text
    # view as table and the banned organisations
    tables = [d.value for d in at.dataframe]
    timeline = next(df for df in tables if "Lane" in df.columns)
    assert len(timeline) == len(pack.tables["policies"]) + len(pack.tables["events"])
    bans = next(df for df in tables if "Name as written in the source" in df.columns)
    assert len(bans) == 21
    assert "21 organisations" in text and "10 court decisions" in text
    assert any("23" in w.value and "c\\-19" in w.value for w in at.warning), "the minister's 23 is stated"
    assert not _dialogs(at)


def test_year_filter_2011_2012(monkeypatch, pack):
    at = _app(monkeypatch, years=("2011", "2012"))
    assert not at.exception
    assert "2011\\-2012" in at.markdown[0].value
    spec = _spec(at)
    policies = pack.tables["policies"]
    expected = set(policies.loc[policies["date"].dt.year.between(2011, 2012), "policy_id"])
    assert _ids(spec, "policy") == expected
    assert all(cd.startswith(("ev-2011", "ev-2012")) for cd in _ids(spec, "event"))
    lo, hi = spec["layout"]["xaxis"]["range"]
    assert lo.startswith("2010") and hi.startswith("2013")
    bans = next(d.value for d in at.dataframe if "Name as written in the source" in d.value.columns)
    assert set(bans["Decision date"]) == {"2011-11-25", "2012-06-07"}


def test_range_matching_nothing_shows_an_empty_state(monkeypatch, pack):
    policies, events = pack.tables["policies"], pack.tables["events"]
    assert not policies["date"].dt.year.between(1992, 1993).any()
    assert not events["date"].dt.year.between(1992, 1993).any()
    at = _app(monkeypatch, years=("1992", "1993"))
    assert not at.exception
    assert not at.get("plotly_chart")
    infos = " ".join(i.value for i in at.info)
    assert "No policy milestone and no incident in 1992\u20131993" in infos
    assert "No court ban in 1992\u20131993" in infos
    assert "Banned organisations" in [s.value for s in at.subheader]


def test_selected_policy_opens_its_dialog(monkeypatch, pack):
    at = _app(monkeypatch)
    record = "po-2004-10-15-supreme-court-ban"
    at.session_state["timeline"] = _selection(record)
    at.run()
    assert not at.exception
    dialogs = _dialogs(at)
    assert len(dialogs) == 1
    title = pack.tables["policies"].set_index("policy_id").loc[record, "title"]
    assert title in [s.value for s in dialogs[0].subheader]
    orgs = dialogs[0].dataframe[0].value
    assert len(orgs) == 4 and "Al-Qaeda" in set(orgs["organisation"])


def test_selected_incident_opens_the_incident_dialog(monkeypatch, pack):
    at = _app(monkeypatch)
    at.session_state["timeline"] = _selection("ev-2011-11-12-taraz")
    at.run()
    assert not at.exception
    dialogs = _dialogs(at)
    assert len(dialogs) == 1
    assert any(s.value.startswith("Taraz") for s in dialogs[0].subheader)


def test_selecting_a_phase_opens_nothing(monkeypatch):
    at = _app(monkeypatch)
    at.session_state["timeline"] = _selection("ph-terrorism-1")
    at.run()
    assert not at.exception
    assert not _dialogs(at)


@pytest.mark.parametrize("payload", ["<script>alert('x')</script>", "**bold** [l](javascript:alert(1))"])
def test_markup_in_policy_data_stays_text(monkeypatch, pack_copy, payload):
    def inject(header, rows):
        row = next(r for r in rows if r["policy_id"] == "po-2004-10-15-supreme-court-ban")
        row["title"] = payload
        row["notes"] = payload
    edit_table(pack_copy, "policies.csv", inject)

    def inject_ban(header, rows):
        rows[0]["organisation"] = payload
    edit_table(pack_copy, "banned_organisations.csv", inject_ban)
    at = _app(monkeypatch, pack_copy)
    assert not at.exception
    spec = _spec(at)
    hovers = [h for tr in spec["data"] for h in (tr.get("hovertext") or [])]
    assert not any("<script>" in h for h in hovers)
    if "<script>" in payload:
        assert any("&lt;script&gt;" in h for h in hovers)
    assert payload not in _text(at), "no data text reaches markdown unescaped"
    bans = next(d.value for d in at.dataframe if "Name as written in the source" in d.value.columns)
    assert payload in set(bans["Organisation"]), "shown as text in the table"


def test_page_survives_missing_phases_and_bans(monkeypatch, pack_copy):
    (pack_copy / "phases.csv").write_bytes(b"")
    (pack_copy / "banned_organisations.csv").unlink()
    at = _app(monkeypatch, pack_copy)
    assert not at.exception
    spec = _spec(at)
    assert _ids(spec, "policy") and not any((tr.get("meta") or {}).get("kind") == "phase" for tr in spec["data"])
    assert any("did not load" in w.value and "banned organisations" in w.value for w in at.warning)
    assert any("phases table did not load" in w.value for w in at.warning)
