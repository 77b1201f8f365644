"""The overview, sources and data pack pages, the detail dialogs and the presentation slides in Kazakh and Russian,
on the small pack (tests/fixtures.py: its texts read 'ru: <English>' / 'kk: <English>' in translation, its labels
'ru:<value>', two regions their official names). Every expected value comes from the tables or the translator: the
headers, sentences and labels a user reads are in the language; the values filters and links use stay English;
each translated text of a detail is marked as the project's translation with its English original beside it."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from components import i18n
from components.figures import yearly, yearly_web
from components.filters import Filters
from components.pack.translate import localized
from components.text import COORD_WORDS, escape_md
from components.views import base, details, overview, sources, summary
from dashboard import details as dialogs
from tests import fixtures

LANGS = ("ru", "kk")
ALL = Filters()
AKTOBE = "ev-2011-05-17-aktobe"
TARAZ = "ev-2011-11-12-taraz"  # its summary has a real translation (fixtures.SUMMARY_TRANSLATED)
COURT_BAN = "po-2004-10-15-supreme-court-ban"


from tests import test_view_models  # noqa: E402

# the app opened on the small pack (conftest's small_pack, written once per session), as the view-model tests open it
app = test_view_models.app


def events(pack, filters: Filters = ALL):
    return base.events_in(pack, filters)


def official(region: str, lang: str) -> str:
    """A region's official name in the language (tests/fixtures.OFFICIAL)."""
    return fixtures.OFFICIAL[("regions", "region", region)][LANGS.index(lang)]


def row_of(pack, table: str, id_column: str, record_id: str) -> dict:
    return pack.tables[table].set_index(id_column, drop=False).loc[record_id].to_dict()


# ================================================================================================ view models
@pytest.mark.parametrize("lang", LANGS)
def test_overview_view_model_speaks_the_language(small_pack, lang):
    pack = localized(small_pack, lang)
    t = pack.t
    view = overview.build(pack, ALL, events(pack))
    english = overview.build(small_pack, ALL, events(small_pack))
    # the incidents' kinds under the first tile, by their labels
    assert view.tiles[0].note == "; ".join(f"{t.value('event_type', k)}: {n}"
                                           for k, n in (("attack", 4), ("security operation", 1)))
    assert view.classification_text == "; ".join(f"{t.value('classification', k)}: {n}"
                                                 for k, n in english.classifications)
    # the recent incidents: categories and regions by their labels, the same rows in the same order
    assert view.recent_ids == english.recent_ids
    for col in ("region", "attack_type", "classification"):
        assert view.recent[col].tolist() == [t.value(col, v) for v in english.recent[col]]
    assert view.recent["killed"].tolist() == [t("unknown") if v == "unknown" else v for v in english.recent["killed"]]
    assert official("Aktobe Region", lang) in view.recent["region"].tolist()  # the region's official name
    # the chart's 'View as table': headers and categories in the language, the English values stay in the pack
    years, milestones = view.year_tables
    assert list(years.columns) == [t(v) for v in overview.YEAR_TABLE_NAMES.values()]
    assert list(milestones.columns) == [t(v) for v in overview.MILESTONE_TABLE_NAMES.values()]
    assert milestones[t("category")].tolist() == [t.value("category", c) for c in english.milestones["category"]]
    assert view.milestones["category"].tolist() == english.milestones["category"].tolist()
    # the sentences: coverage, cases left out, chart alt
    assert view.coverage == t("Of these {n} incidents: {parts}; {doubt}.").format(
        n="5", parts=", ".join([t.n("{n} by the terrorism criteria", "{n} by the terrorism criteria", 3),
                                t.n("{n} classified as terrorism or extremism by officials, criteria not established",
                                    "{n} classified as terrorism or extremism by officials, criteria not "
                                    "established", 1),
                                t.n("{n} security operation", "{n} security operations", 1)]),
        doubt=t.n("{n} with doubt that it is terrorism", "{n} with doubt that they are terrorism", 2))
    parts = ", ".join(t("{n} {rule}").format(n=n, rule=t.value("rule", r)) for r, n in (("abroad", 2),
                                                                                        ("ordinary crime", 1)))
    cases = t.n("{n} case met in the search is left out, each with its reason",
                "{n} cases met in the search are left out, each with its reason", 3)
    assert view.left_out == t("{cases} ({parts}): see 'Sources and data'.").format(cases=cases, parts=parts)
    assert t.n("{n} policy milestone", "{n} policy milestones", 4) in view.chart_alt
    assert view.headline["killed"].sentence(t) in view.chart_alt
    assert view.headline["killed"].sentence(t) == t("{figure}; {unknown}").format(
        figure=t("{value} victims killed").format(value=t("at least {n}").format(n=18)),
        unknown=t.n("{n} incident with no figure", "{n} incidents with no figure", 1))


def test_english_sentences_read_as_before(small_pack):
    """The English of the sentences now built through the translator (their exact words are in
    tests/test_view_models.py): the defaults and the pack's own translator agree."""
    view = overview.build(small_pack, ALL, events(small_pack))
    assert view.t.lang == "en"
    killed = view.headline["killed"]
    assert killed.sentence() == killed.sentence(i18n.ENGLISH) == (f"{killed.value_text} {killed.label}; "
                                                                  f"{killed.unknown_text}")
    assert summary.coverage_text(events(small_pack)) == view.coverage
    assert details.COORD_PHRASES == COORD_WORDS  # the phrases marked for the catalogue are the text module's


@pytest.mark.parametrize("lang", LANGS)
def test_per_year_figure_in_the_language(small_pack, lang):
    pack = localized(small_pack, lang)
    t = pack.t
    view = overview.build(pack, ALL, events(pack))
    fig = yearly.make_yearly_figure(view.per_year, view.milestones, t)
    titles = [a.text for a in fig.layout.annotations]
    assert titles == [t("Policy milestones"), t("Incidents per year"),
                      t("Victims killed per year (excluding perpetrators)")]
    names = [tr.name for tr in fig.data]
    assert names[-2:] == [t("Incidents"), t("Victims killed")]
    assert t("Court bans and rulings") in names  # the lanes' names (components.figures.style) in the language
    assert fig.data[-2].hovertemplate == t("%{x}: %{y} incident(s)") + "<extra></extra>"
    assert "%{customdata}" in fig.data[-1].hovertemplate  # plotly's placeholders survive the translation
    hovers = [h for tr in fig.data if tr.hovertext is not None for h in tr.hovertext]
    first = view.milestones.iloc[0]
    assert any(h.startswith(first["title"] + "<br>" + t.date(first["date"], first["date_precision"]))
               and h.endswith(t.value("category", first["category"])) for h in hovers)
    assert first["title"].startswith(f"{lang}: ")  # the title is the pack's translation


@pytest.mark.parametrize("lang", LANGS)
def test_sources_view_models_in_the_language(small_pack, lang):
    pack = localized(small_pack, lang)
    t = pack.t
    table = sources.excluded_table(pack)
    assert list(table.columns) == [t(h) for h in sources.EXCLUDED_HEADERS]
    assert table[t("Rule")].tolist() == [t.value("rule", r) for r in small_pack.tables["excluded"]["rule"]]
    assert all(c.startswith(f"{lang}: ") for c in table[t("Case")])
    listed = sources.sources_table(pack)
    assert listed["source_id"].tolist() == [s["source_id"] for s in fixtures.SOURCES]  # ids stay ids
    assert listed["kind"].tolist() == [t.value("kind", s["kind"]) for s in fixtures.SOURCES]
    entries = sources.contradiction_entries(pack)
    label, body = entries[0]
    assert label.startswith("c-01 · " + escape_md(f"{lang}: "))
    assert body.startswith(f"**{t('Value used, and why:')}** ")
    assert f"**{t('Other values and who gives them:')}**" in body
    assert f"- **{escape_md(t('Injured'))}: 3** ({escape_md(t('other figure'))})" in body
    assert t("Sources: {sources}").format(sources="[AFP") in body
    assert sources.table_title(pack.metadata, "events", t) == t("Incidents")
    assert sources.meta_text(pack.metadata, ("tables", "events", "description"), t) == t(
        pack.metadata["tables"]["events"]["description"])


def test_the_data_dictionary_texts_are_in_the_catalogue_and_an_edited_one_reads_as_written():
    """The catalogues take metadata.json's titles, descriptions and licences (scripts/i18n.py), so every one is shown
    in the language; a text edited in metadata.json and not yet translated is shown as written."""
    from components.pack.load import DEFAULT_DATA_DIR, METADATA_FILE
    from scripts.i18n import extract

    meta = json.loads((DEFAULT_DATA_DIR / METADATA_FILE).read_text(encoding="utf-8"))
    marked = {msg[0] for msg in extract()}
    texts = [meta["description"], meta["tables"]["events"]["title"],
             meta["tables"]["events"]["columns"]["summary"]["description"]]
    assert all(text in marked for text in texts)
    ru = i18n.load("ru")
    assert all(sources.meta_text(meta, path, ru) != sources.meta_text(meta, path)
               for path in [("description",), ("tables", "events", "title"),
                            ("tables", "events", "columns", "summary", "description")])
    changed = {**meta, "description": "A new description."}
    assert sources.meta_text(changed, ("description",), ru) == "A new description."


@pytest.mark.parametrize("lang", LANGS)
def test_incident_and_policy_fields_in_the_language(small_pack, lang):
    pack = localized(small_pack, lang)
    t = pack.t
    row = row_of(pack, "events", "event_id", AKTOBE)
    fields = dict(details.event_fields(row, t))
    assert fields[t("Date")] == t.date(row["date"], row["date_precision"])
    assert fields[t("Place")] == f"{row['place']} ({t.value('region', 'Aktobe Region')})"
    assert fields[t("Place")].endswith(f"({official('Aktobe Region', lang)})")
    assert fields[t("Kind")] == t.value("event_type", row["event_type"])
    assert fields[t("Target type (GTD)")] == t.value("target_type", row["target_type"])
    basis = t.value("inclusion_basis", row["inclusion_basis"])
    assert fields[t("Why it is in the table")].startswith(basis[:1].upper() + basis[1:] + ". ")
    sept = dict(details.event_fields(row_of(pack, "events", "event_id", "ev-2016-09-01-almaty"), t))
    assert sept[t("Victims killed (excl. perpetrators)")] == t("unknown (no figure in the sources)")
    policy = dict(details.policy_fields(row_of(pack, "policies", "policy_id", COURT_BAN), t))
    assert policy[t("Category")] == t.value("category", "court ban")
    checks = details.record_checks(pack, "events", AKTOBE)
    assert list(checks.columns) == [t(h) for h in details.CHECK_HEADERS]
    assert checks[t("Agrees")].tolist() == [t(details.AGREES_WORDS["yes"]), t(details.AGREES_WORDS["no"])]
    others = details.record_alternatives(pack, "events", AKTOBE)
    assert [(d["label"], d["status_text"]) for d in others] == [(t("Injured"), t("other figure"))]


@pytest.mark.parametrize("lang", LANGS)
def test_translated_texts_are_marked_with_their_english(small_pack, lang):
    pack = localized(small_pack, lang)
    english = row_of(small_pack, "events", "event_id", TARAZ)
    assert details.basis_of(pack, "events", TARAZ, ("summary",)) == "project"
    assert details.basis_of(pack, "events", TARAZ, ()) == ""
    originals = dict(details.originals(pack, "events", TARAZ, [("S", ("summary",)), ("P", ("place",))]))
    assert originals == {"S": english["summary"], "P": english["place"]}
    assert details.basis_of(small_pack, "events", TARAZ, ("summary",)) == ""  # English: nothing translated


def test_the_translation_note_is_said_only_in_kazakh_and_russian(small_pack):
    assert dialogs.translation_note_text(i18n.ENGLISH) == ""
    for lang in LANGS:
        t = localized(small_pack, lang).t
        assert dialogs.translation_note_text(t) == t(dialogs.TRANSLATION_NOTE) != ""


# ================================================================================================ pages
def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def markdowns(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


@pytest.mark.parametrize("lang", LANGS)
def test_overview_page_in_the_language(app, small_pack, lang):
    pack = localized(small_pack, lang)
    t = pack.t
    at = app(None, {"lang": lang})
    view = overview.build(pack, ALL, events(pack))
    assert escape_md(t(summary.COVERAGE)) in markdowns(at)
    assert escape_md(view.coverage) in markdowns(at) and escape_md(view.left_out) in markdowns(at)
    assert t(yearly.YEARLY_NOTE) in captions(at)
    assert t(dialogs.TRANSLATION_NOTE) in captions(at)
    assert [c.proto.alt for c in at.get("vega_lite_chart")] == [view.chart_alt]
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert [row["title"]["text"] for row in spec["vconcat"]] == [
        t("Policy milestones"), t("Incidents per year"), t("Victims killed per year (excluding perpetrators)")]
    tips = [tip["title"] for row in spec["vconcat"][1:] for tip in row["layer"][0]["encoding"]["tooltip"]]
    assert tips == [t(yearly_web.TIP_YEAR), t(yearly_web.TIP_INCIDENTS), t(yearly_web.TIP_YEAR),
                    t(yearly_web.TIP_KILLED), t(yearly_web.TIP_NO_FIGURE)]
    milestones = spec["vconcat"][0]["data"]["values"]
    first = view.milestones.iloc[0]
    assert (milestones[0]["title"], milestones[0]["date"], milestones[0]["category"]) == (
        first["title"], yearly.hover_date(first["date"], first["date_precision"], t),
        t.value("category", first["category"]))
    recent = at.table[0].value  # the most recent incidents, headers in the language
    assert list(recent.columns) == [t(h) for h in overview.RECENT_TABLE_NAMES.values()]
    assert recent[t("Region")].tolist() == [escape_md(r) for r in view.recent["region"]]  # drawn as markdown
    years = next(df.value for df in at.dataframe if t("victims killed (known)") in df.value)
    assert years.values.tolist() == view.year_tables[0].values.tolist()


def test_overview_page_in_english_has_no_translation_note(app):
    at = app(None, {})
    assert i18n.ENGLISH(dialogs.TRANSLATION_NOTE) not in captions(at)
    assert yearly.YEARLY_NOTE in captions(at)


@pytest.mark.parametrize("lang", LANGS)
def test_sources_page_in_the_language(app, small_pack, lang):
    pack = localized(small_pack, lang)
    t = pack.t
    at = app("app_pages/sources.py", {"lang": lang})
    assert sources.excluded_summary(pack, pointer=False) in captions(at)
    entries = sources.contradiction_entries(pack)
    assert [e.label for e in at.expander if e.label.startswith("c-")] == [label for label, _ in entries]
    assert all(body in markdowns(at) for _, body in entries)
    excluded = next(df.value for df in at.dataframe if t("Why it is left out") in df.value)
    assert excluded[t("Case")].tolist() == sources.excluded_table(pack)[t("Case")].tolist()
    listed = next(df.value for df in at.dataframe if "source_id" in df.value)
    assert listed["kind"].tolist() == [t.value("kind", s["kind"]) for s in fixtures.SOURCES]
    dictionary = next(df.value for df in at.dataframe if t("Allowed values") in df.value)
    assert t("Meaning") in dictionary
    assert at.selectbox(key="dictionary_table").format_func("events") == t("Incidents")
    assert t(dialogs.TRANSLATION_NOTE) in captions(at)
    # the method documents are in English only: said so, and the inclusion criteria shown when asked for
    assert t("This document is in English.") in captions(at)
    assert not any(m.startswith("# Inclusion criteria") for m in markdowns(at))
    at.toggle(key="show_criteria_english").set_value(True).run()
    assert any(m.startswith("# Inclusion criteria") for m in markdowns(at))
    english = app("app_pages/sources.py")
    assert any(m.startswith("# Inclusion criteria") for m in markdowns(english))
    assert "This document is in English." not in captions(english)


@pytest.mark.parametrize("lang", LANGS)
def test_data_pack_page_in_the_language(app, small_pack, lang):
    t = localized(small_pack, lang).t
    at = app("app_pages/data_pack.py", {"lang": lang})
    tables = at.dataframe[0].value
    assert set(tables["Status"]) == {t("ok")}  # the frame keeps its English keys; the headers are configured
    assert tables.loc[tables["File"] == "events.csv", "Table"].item() == t("Incidents")
    assert at.selectbox(key="browse_table").format_func("sources") == t("Sources")
    meta = small_pack.metadata
    assert sources.meta_text(meta, ("description",), t) in captions(at)
    assert tables.loc[tables["File"] == "events.csv", "Description"].item() == sources.meta_text(
        meta, ("tables", "events", "description"), t)


# ------------------------------------------------------------------------------------------------ dialogs
def _open_incident(app, lang: str, event_id: str) -> AppTest:
    at = app("app_pages/timeline.py", {"lang": lang})
    at.session_state["timeline"] = {"selection": {"points": [{"curve_number": 0, "point_number": 0,
                                                              "point_index": 0, "customdata": [event_id]}],
                                                  "point_indices": [0], "box": [], "lasso": []}}
    at.run()
    assert not at.exception
    return at


@pytest.mark.parametrize("lang", LANGS)
def test_incident_dialog_marks_the_translation_and_offers_the_english(app, small_pack, lang):
    pack = localized(small_pack, lang)
    t = pack.t
    at = _open_incident(app, lang, TARAZ)
    dialog = at.get("dialog")[0]
    assert dialog.proto.dialog.title == t("Incident")
    row = row_of(pack, "events", "event_id", TARAZ)
    english = row_of(small_pack, "events", "event_id", TARAZ)
    assert row["summary"] == fixtures.SUMMARY_TRANSLATED[TARAZ][LANGS.index(lang)]
    assert f"{escape_md(row['place'])}, {t.date(row['date'], row['date_precision'])}" in [
        s.value for s in dialog.subheader]
    text = " ".join(m.value for m in dialog.markdown)
    mark = f":gray-badge[{escape_md(t(dialogs.MARKS['project']))}]"
    assert escape_md(row["summary"]) + " " + mark in text
    assert f"**{escape_md(t('Place'))}:** {escape_md(row['place'])} " in text
    assert f"**{escape_md(t('Kind'))}:** {escape_md(t.value('event_type', row['event_type']))}" in text
    assert f"**{t('Sources')}**" in text
    originals = next(e for e in dialog.expander if e.label == t("English original"))
    shown = " ".join(m.value for m in originals.markdown)
    assert escape_md(english["summary"]) in shown and escape_md(english["place"]) in shown
    assert t("Record id: {id}").format(id=escape_md(TARAZ)) in [c.value for c in dialog.caption]


def test_incident_dialog_in_english_has_no_marker(app, small_pack):
    at = _open_incident(app, "en", TARAZ)
    dialog = at.get("dialog")[0]
    assert dialog.proto.dialog.title == "Incident"
    text = " ".join(m.value for m in dialog.markdown)
    assert "gray-badge" not in text and "English original" not in [e.label for e in dialog.expander]


@pytest.mark.parametrize("lang", LANGS)
def test_policy_dialog_with_its_bans_in_the_language(app, small_pack, lang):
    pack = localized(small_pack, lang)
    t = pack.t
    at = app(None, {"lang": lang})
    at.session_state["overview_chart"] = {"selection": {"milestone": [{"policy_id": COURT_BAN}]}}
    at.run()
    assert not at.exception
    dialog = at.get("dialog")[0]
    assert dialog.proto.dialog.title == t("Policy milestone")
    row = row_of(pack, "policies", "policy_id", COURT_BAN)
    assert escape_md(row["title"]) in [s.value for s in dialog.subheader]
    text = " ".join(m.value for m in dialog.markdown)
    assert f"**{escape_md(t('Category'))}:** {escape_md(t.value('category', 'court ban'))}" in text
    bans = dialog.dataframe[0].value
    mine = pack.tables["banned_organisations"].query("policy_id == @COURT_BAN")
    assert bans["organisation"].tolist() == mine["organisation"].tolist()  # the pack's translation
    assert bans["designation"].tolist() == [t.value("designation", d) for d in mine["designation"]]
    assert t(dialogs.TRANSLATION_NOTE) in [c.value for c in dialog.caption]
    english = row_of(small_pack, "policies", "policy_id", COURT_BAN)
    shown = " ".join(m.value for e in dialog.expander if e.label == t("English original") for m in e.markdown)
    assert escape_md(english["title"]) in shown
    bans_english = next(e for e in dialog.expander if e.label == t("English original of the organisations' entries"))
    ban = small_pack.tables["banned_organisations"].query("policy_id == @COURT_BAN").iloc[0]
    assert escape_md(ban["organisation"]) in " ".join(m.value for m in bans_english.markdown)


# ------------------------------------------------------------------------------------------------ slides
@pytest.mark.parametrize("lang", LANGS)
def test_overview_slide_in_the_language(app, small_pack, lang):
    pack = localized(small_pack, lang)
    t = pack.t
    at = app(None, {"lang": lang, "present": "true", "slide": "Overview"})
    assert any(c.endswith(escape_md(t(yearly.YEARLY_NOTE))) for c in captions(at))  # in the source line
    assert f"1 / 4 · {t(dialogs.TRANSLATION_NOTE)}" in captions(at)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert t("Incidents per year") in [a["text"] for a in spec["layout"]["annotations"]]
    english = app(None, {"present": "true", "slide": "Overview"})
    assert "1 / 4" in captions(english)
