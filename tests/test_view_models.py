"""The view models (components/views) on the small data pack built in tests/fixtures.py: what each view shows, with
every expected value worked out from the pack's literal rows; then, view by view, the page (AppTest), its
presentation slide and the briefing pack show the same figures and sentences as the view model.

The small pack, in short (see tests/fixtures.py): 5 incidents, Aktobe 2011 (disputed, 0 killed), Taraz 2011
(7 killed), Kenkiyak 2012 (no coordinates, 1 killed), Almaty July 2016 (10 killed) and Almaty Sept 2016 (same point,
victims unknown); 4 milestones and a context row; 2 bans; 4 phases; 9 statistics rows; 3 cases left out.
"""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from components.briefing import briefing_content
from components.figures import statistics as sc
from components.filters import Filters
from components.text import escape_html, escape_md
from components.views import base, details, summary
from components.views import map as map_view
from components.views import overview as overview_view
from components.views import sources as sources_view
from components.views import statistics as stats_view
from components.views import timeline as timeline_view
from dashboard.data import DATA_DIR_ENV
from tests import fixtures
from tests.conftest import open_app

TODAY = date(2026, 1, 1)
ALL = Filters()
RECENT = Filters(years=(2011, 2016))
AKTOBE = "ev-2011-05-17-aktobe"
TARAZ = "ev-2011-11-12-taraz"
KENKIYAK = "ev-2012-07-08-kenkiyak"
ALMATY_JULY = "ev-2016-07-18-almaty"
ALMATY_SEPT = "ev-2016-09-01-almaty"
MILESTONES = ["po-2004-10-15-supreme-court-ban", "po-2010-04-08-law-266", "po-2013-10-02-state-programme",
              "po-2015-10-15-court-ban"]
ALL_KNOWN = summary.ALL_KNOWN
TILES = [("Incidents", "5", "attack: 4; security operation: 1"),
         ("Victims killed", "at least 18", "1 incident with no figure"),  # 0 + 7 + 1 + 10, Almaty Sept unknown
         ("Injured", "19", ALL_KNOWN),  # 2 + 3 + 4 + 9 + 1
         ("Perpetrators killed", "11", ALL_KNOWN)]  # 1 + 1 + 9 + 0 + 0
SAME_POINT = "Almaty: 2 incidents at one point"




@pytest.fixture
def app(monkeypatch, small_pack):
    """Open the dashboard on the small pack: ``app(page, query)`` (KZ_DATA_DIR points the app at its folder)."""
    monkeypatch.setenv(DATA_DIR_ENV, small_pack.data_dir)

    def run(page: str | None = None, query: dict | None = None) -> AppTest:
        at = open_app(page, query, tables=True)
        assert not at.exception, [e.value for e in at.exception]
        return at
    return run


def slide(app, name: str, query: dict | None = None) -> AppTest:
    return app(None, {**(query or {}), "present": "true", "slide": name})


def events(pack, filters: Filters = ALL):
    return base.events_in(pack, filters)


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def markdowns(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def chart_alts(at: AppTest, kind: str = "plotly_chart") -> list[str]:
    return [c.proto.alt for c in at.get(kind)]


def briefing_page(pack, kind: str, filters: Filters = ALL):
    return next(p for p in briefing_content(pack, filters, TODAY).pages if p.kind == kind)


def tile_triples(tiles) -> list[tuple[str, str, str]]:
    return [(t.label, t.value, t.note) for t in tiles]


# ================================================================================================ overview
def test_headline_tiles_say_at_least_and_count_the_unknown_figure_apart(small_pack):
    view = overview_view.build(small_pack, ALL, events(small_pack))
    assert view.incidents == 5
    assert tile_triples(view.tiles) == TILES
    killed = view.headline["killed"]
    assert (killed.known_sum, killed.n_known, killed.n_unknown) == (18, 4, 1)
    assert killed.sentence() == "at least 18 victims killed; 1 incident with no figure"


def test_headline_of_the_one_unknown_figure_alone_is_unknown_not_zero(small_pack):
    sept = Filters(years=(2016, 2016), regions=("Almaty",), attack_types=("Bombing/Explosion",))
    view = overview_view.build(small_pack, sept, events(small_pack, sept))
    assert view.incidents == 1
    assert (view.tiles[1].value, view.tiles[1].note) == ("unknown", "1 incident with no figure")


def test_per_year_has_every_year_of_the_filter_with_zeros(small_pack):
    view = overview_view.build(small_pack, RECENT, events(small_pack, RECENT))
    table = view.per_year
    assert table["year"].tolist() == [2011, 2012, 2013, 2014, 2015, 2016]
    assert table["incidents"].tolist() == [2, 1, 0, 0, 0, 2]
    assert table["killed_known"].tolist() == [7, 1, 0, 0, 0, 10]
    assert table["killed_unknown"].tolist() == [0, 0, 0, 0, 0, 1]
    assert table["injured_known"].tolist() == [5, 4, 0, 0, 0, 10]
    whole = overview_view.build(small_pack, ALL, events(small_pack)).per_year
    assert whole["year"].tolist() == list(range(1991, 2017))
    assert int(whole["incidents"].sum()) == 5 and int(whole.loc[whole["year"] < 2011, "incidents"].sum()) == 0


def test_disputed_count_and_sentence(small_pack):
    view = overview_view.build(small_pack, ALL, events(small_pack))
    assert view.disputed == 1  # the Aktobe injured figure (alt-001)
    assert view.disputed_sentence == ("Sources disagree on 1 of these 5 incidents (casualties, dates or "
                                      "classification)")
    aktobe_2011 = Filters(years=(2011, 2011), regions=("Aktobe Region",))
    one = overview_view.build(small_pack, aktobe_2011, events(small_pack, aktobe_2011))
    assert one.disputed_sentence == "The sources disagree on this incident (casualties, dates or classification)"
    almaty = Filters(regions=("Almaty",))
    assert overview_view.build(small_pack, almaty, events(small_pack, almaty)).disputed_sentence == ""


def test_classifications_coverage_and_cases_left_out(small_pack):
    view = overview_view.build(small_pack, ALL, events(small_pack))
    assert view.classifications == [("officially terrorism", 4), ("disputed", 1)]
    assert view.classification_text == "officially terrorism: 4; disputed: 1"
    assert view.coverage.startswith("Of these 5 incidents: 3 by the terrorism criteria, 1 classified as terrorism "
                                    "or extremism by officials, criteria not established, 1 security operation")
    assert view.coverage.endswith("; 2 with doubt that they are terrorism.")  # Aktobe 2011 and Almaty Sept 2016
    assert view.left_out == ("3 cases met in the search are left out, each with its reason (2 abroad, 1 ordinary "
                             "crime): see 'Sources and data'.")


def test_coverage_says_one_security_operation_in_the_singular(small_pack):
    view = overview_view.build(small_pack, ALL, events(small_pack))
    assert "1 security operation;" in view.coverage


def test_overview_milestones_leave_out_the_context_row_in_date_order(small_pack):
    view = overview_view.build(small_pack, ALL, events(small_pack))
    assert view.milestones["policy_id"].tolist() == MILESTONES  # written out of order in the CSV
    assert view.year_tables[1]["title"].tolist()[0] == "Supreme Court bans Al-Qaeda"
    assert list(view.year_tables[0].columns) == ["year", "incidents", "victims killed (known)",
                                                 "incidents with unknown victims", "injured (known)",
                                                 "incidents with unknown injured"]
    recent = overview_view.build(small_pack, RECENT, events(small_pack, RECENT))
    assert recent.milestones["policy_id"].tolist() == MILESTONES[2:]


def test_recent_incidents_come_latest_first_with_unknown_written_out(small_pack):
    view = overview_view.build(small_pack, ALL, events(small_pack))
    assert view.recent_ids == [ALMATY_SEPT, ALMATY_JULY, KENKIYAK, TARAZ, AKTOBE]
    assert view.recent["killed"].tolist() == ["unknown", "10", "1", "7", "0"]


def test_the_list_that_opens_a_recent_incident_names_its_date_place_and_region(small_pack):
    ev = events(small_pack)
    view = overview_view.build(small_pack, ALL, ev)
    row = ev.set_index("event_id").loc[TARAZ]
    assert view.recent_choice(TARAZ) == f"{row['date']:%Y-%m-%d}, {row['place']} ({row['region']})"
    nameless = ev.assign(place=[None if i == TARAZ else p for i, p in zip(ev["event_id"], ev["place"])])
    view = overview_view.build(small_pack, ALL, nameless)
    assert view.recent_choice(TARAZ) == f"{row['date']:%Y-%m-%d}, unknown ({row['region']})"  # never 'nan'


def test_overview_chart_alt_states_its_numbers(small_pack):
    view = overview_view.build(small_pack, ALL, events(small_pack))
    assert view.chart_alt == ("Three stacked charts over 1991-2016: 4 policy milestones by kind; 5 incidents per "
                              "year (most in 2011: 2); and victims killed per year, at least 18 victims killed; "
                              "1 incident with no figure.")


# ================================================================================================ map
def test_map_counts_the_incident_without_coordinates_as_missing_and_names_it(small_pack):
    view = map_view.build(small_pack, ALL, events(small_pack))
    assert (view.incidents, view.located, view.missing, view.missing_more) == (5, 4, [("Kenkiyak", "8 Jul 2012")], 0)
    assert not view.aggregation.aggregated and view.headline == ""
    notes = view.print_notes()
    assert notes[:2] == ["4 of the 5 incidents of this view are drawn.",
                         "Not on the map (no coordinates): Kenkiyak (8 Jul 2012)."]
    almaty = Filters(regions=("Almaty",))
    located = map_view.build(small_pack, almaty, events(small_pack, almaty))
    assert located.missing == [] and located.print_notes()[0] == "All 2 incidents of this view are drawn."


def test_two_incidents_at_one_point_are_named_in_the_overlap_text(small_pack):
    view = map_view.build(small_pack, ALL, events(small_pack))
    assert view.overlap_text == (f"{map_view.SAME_PLACE} Same point: {SAME_POINT}. Every incident is listed under "
                                 "'View as table'.")
    no_almaty = Filters(regions=("Aktobe Region", "Jambyl Region"))
    assert map_view.build(small_pack, no_almaty, events(small_pack, no_almaty)).overlap_text == ""


def test_map_alt_legend_and_settlement_points(small_pack):
    view = map_view.build(small_pack, ALL, events(small_pack))
    assert view.regions == 16  # the boundaries copied from data/
    assert view.alt("incidents") == ("Map of Kazakhstan's 16 regions shaded by incidents, with 4 incident points. "
                                     "The same incidents are listed under 'View as table'.")
    assert "shaded by victims killed, with 4 incident points" in view.alt("victims")
    assert view.settlement == 3  # Taraz is a site; Aktobe and both Almaty points are settlement centres
    assert ("3 of the 4 points mark the centre of the named settlement or area, not the incident site."
            in view.print_notes())
    _, legend = map_view.legend(small_pack, ALL, events(small_pack), "incidents")
    for words in ("Bombing/Explosion (2)", "Armed Assault (2)", "unknown (1)"):  # drawn points only
        assert words in legend


def test_map_slide_alt_counts_the_incidents_drawn(small_pack):
    view = map_view.build(small_pack, ALL, events(small_pack))
    assert view.slide_alt == "Map of Kazakhstan's regions shaded by incidents, with 4 incidents drawn."


# ================================================================================================ timeline
def test_timeline_milestones_leave_out_the_context_row_and_are_in_date_order(small_pack):
    view = timeline_view.build(small_pack, ALL, events(small_pack))
    assert len(view.policies) == 5 and view.context_events == 1
    assert view.milestones["policy_id"].tolist() == MILESTONES
    recent = timeline_view.build(small_pack, RECENT, events(small_pack, RECENT))
    assert recent.milestones["policy_id"].tolist() == MILESTONES[2:] and recent.context_events == 1
    assert recent.span == "2011\u20132016" and recent.incidents == 5


def test_timeline_phases_article_and_sources(small_pack):
    view = timeline_view.build(small_pack, RECENT, events(small_pack, RECENT))
    assert view.phases["phase_id"].tolist() == ["ph-terrorism-2", "ph-response-1", "ph-response-2"]
    assert view.covering == ["Local terrorists (terrorism, approx. 2005-2011)",
                             "Threat seen as external (response, approx. 1990-2011)",
                             "Programmes and prevention (response, approx. 2013-2016)"]
    assert view.article == ("A. Author, Terrorism in Kazakhstan: phases and the state's response, Bulletin of "
                            "Karaganda University, 2018")
    assert view.bans["ban_id"].tolist() == ["ban-2015-10-15-islamic-state"]
    assert set(view.source_ids) == {"karaganda-2018-article", "news-2011-aktobe"}  # the context row's source


def test_timeline_key_counts_imprecise_dates_and_unknown_victims(small_pack):
    view = timeline_view.build(small_pack, ALL, events(small_pack))
    # the state programme (month) and Almaty Sept 2016 (month); the Almaty Sept 2016 victims are unknown
    assert "date known only to the month or approximate (2 here; the hover says which)." in view.key
    assert "open stars: 1 incident whose victims killed are unknown, not zero." in view.key
    early = Filters(years=(2011, 2012))  # the context row and three incidents, all known to the day and counted
    quiet = timeline_view.build(small_pack, early, events(small_pack, early))
    assert "Every date shown is known to the day." in quiet.key
    assert "Filled stars: incidents, larger for more victims killed." in quiet.key and "open stars" not in quiet.key


def test_timeline_print_note_and_alt(small_pack):
    view = timeline_view.build(small_pack, ALL, events(small_pack))
    assert view.print_note == ("4 milestones, 1 context event and 5 incidents. Phases: approximate readings of the "
                               "2018 Karaganda article.")
    assert view.alt.startswith("Timeline 1991-2016 with one row per kind of policy milestone")
    assert " and 5 incidents. " in view.alt and view.aggregated == ""


def test_timeline_key_and_alt_count_milestones_as_the_print_note_does(small_pack):
    view = timeline_view.build(small_pack, ALL, events(small_pack))
    assert view.key.startswith("4 milestones")
    assert "4 milestones, 1 context event and 5 incidents" in view.alt


def test_timeline_table_lists_milestones_context_and_incidents_in_date_order(small_pack):
    table = timeline_view.table(small_pack, ALL, events(small_pack))
    assert table["Record id"].tolist() == [
        "po-2004-10-15-supreme-court-ban", "po-2010-04-08-law-266", AKTOBE, TARAZ, "po-2011-12-16-zhanaozen",
        KENKIYAK, "po-2013-10-02-state-programme", "po-2015-10-15-court-ban", ALMATY_JULY, ALMATY_SEPT]
    rows = table.set_index("Record id")
    assert rows.loc["po-2013-10-02-state-programme", "Date"] == "2013-10"  # month only
    assert rows.loc["po-2004-10-15-supreme-court-ban", "Organisations banned"] == (
        "Supreme Court of the Republic of Kazakhstan bans 1 organisation: Al-Qaeda")
    assert rows.loc[ALMATY_SEPT, "Title"].endswith("victims killed: unknown (no figure in the sources)")


def test_bans_lead_counts_organisations_and_decisions(small_pack):
    lead = ("The data pack lists 2 organisations banned by 2 court decisions, from the 2018 Karaganda article; one "
            "row per organisation, grouped by decision in date order.")
    every = timeline_view.bans(small_pack, ALL)
    assert (every.organisations, every.decisions, every.shown_decisions) == (2, 2, 2)
    assert every.lead(ALL.years) == lead  # all of them shown: no sentence on the years
    recent = timeline_view.bans(small_pack, RECENT)
    assert recent.shown["Record id"].tolist() == ["ban-2015-10-15-islamic-state"]
    assert recent.lead(RECENT.years).startswith(lead + " 1 organisation under 1 decision fall")
    assert recent.lead(RECENT.years).endswith(" in 2011\u20132016.")
    assert every.lead(ALL.years, rows_left_out=2) == (
        lead + " 2 rows of the file were left out for errors (see 'Data pack checks').")
    nothing = timeline_view.bans(small_pack, Filters(years=(1991, 2000)))
    assert nothing.shown.empty and nothing.lead((1991, 2000)) == lead


def test_bans_lead_verbs_agree_with_a_count_of_one(small_pack):
    recent = timeline_view.bans(small_pack, RECENT)
    assert " 1 organisation under 1 decision falls in 2011\u20132016." in recent.lead(RECENT.years)
    assert " 1 row of the file was left out" in recent.lead(RECENT.years, rows_left_out=1)


def test_bans_disagreement_on_the_total(small_pack):
    bans = timeline_view.bans(small_pack, ALL)
    assert bans.disagreement["contradiction_id"] == "c-02"
    assert bans.disagreement_text == (
        "Sources disagree on the total (contradiction c-02): this list has 2, as the Karaganda article gives them; "
        "another source gives 3 (Kazinform, 2016-03-01). The organisations missing from the article's list are not "
        "identified.")


# ================================================================================================ statistics
def test_age_shares_as_reported_with_their_caveat_and_arithmetic(small_pack):
    age = stats_view.age(small_pack)
    assert (age.under_20, age.aged_30_39, age.under_40) == (55.0, 35.0, 90.0)
    assert age.complete and age.missing == []
    assert age.caveat == fixtures.AGE_CAVEAT
    assert age.arithmetic == ("55% under 20 + 35% aged 30\u201339 = 90%; the reported total under 40 is 90%. That "
                              "leaves 0% for ages 20\u201329.")
    assert age.quote == "The 90% under 40 include 55% under 20 and 35% between 30 and 39."


def test_prosecution_resolves_same_as_above_periods(small_pack):
    rows = stats_view.prosecution(small_pack)
    assert [r["id"] for r in rows] == ["st-prosecution-convictions-extremism", "st-prevention-plots-foiled",
                                       "st-returns-returned-own-accord"]
    assert [r["period"] for r in rows] == ["five years to Sept 2016", "five years to Sept 2016", "since 2011"]
    assert [r["value_text"] for r in rows] == ["445 defendants", "73 plots", "33 persons"]
    assert rows[0]["caveat"] == "The quote says 'extremism and extremism' (sic)." and rows[1]["caveat"] == ""


def test_fighters_range_and_comparator_are_kept_apart(small_pack):
    fighters = stats_view.fighters(small_pack)
    assert fighters.range["value"] == "200\u2013400" and fighters.range["unit"] == "fighters"
    assert fighters.range["who"] == "Bulletin of Karaganda University, 2018"
    assert fighters.comparators == [{"value": "400", "unit": "persons",
                                     "who": "Comparator: Security Council secretary, July 2015",
                                     "metric": "Kazakhstanis fighting abroad",
                                     "source": "US Department of State, 2016-06-02"}]


def test_chart_alts_contain_the_numbers(small_pack):
    age = stats_view.chart_text(small_pack, sc.AGE_IDS).alt
    for words in ("55% under 20", "35% aged 30 to 39", "90% under 40 (the reported total)", "20 to 29 band is not "
                  "reported"):
        assert words in age
    prosecution = stats_view.chart_text(small_pack, sc.PROSECUTION_IDS).alt
    for words in ("445 defendants: Convictions for extremism (five years to Sept 2016)", "73 plots",
                  "33 persons: Citizens returned of their own accord (since 2011)"):
        assert words in prosecution
    fighters = stats_view.chart_text(small_pack, sc.FIGHTERS_IDS).alt
    assert "Kazakh fighters abroad, 200\u2013400 fighters, drawn as an interval" in fighters
    assert "400 persons: Kazakhstanis fighting abroad (July 2015)" in fighters


def test_prosecution_chart_alt_resolves_same_as_above(small_pack):
    alt = stats_view.chart_text(small_pack, sc.PROSECUTION_IDS).alt
    assert "73 plots: Extremist plots foiled (five years to Sept 2016)" in alt


def test_chart_source_lines_caveats_and_reliability(small_pack):
    age = stats_view.chart_text(small_pack, sc.AGE_IDS)
    assert age.line == "Caravanserai, \u201cKazakhstan steps up fight against extremism\u201d, 2016-09-27"
    assert age.comparators_line == "" and age.disagreements == []
    assert age.caveats == [("Share of terrorists under 40", "90", fixtures.AGE_CAVEAT)]
    assert age.reliability == "Relays ministry and KNB figures without their documents."
    fighters = stats_view.chart_text(small_pack, sc.FIGHTERS_IDS)
    assert fighters.comparators_line == ("US Department of State, \u201cCountry Reports on Terrorism 2015\u201d, "
                                         "2016-06-02")
    assert stats_view.source_ids(small_pack, sc.FIGHTERS_IDS, comparators=True) == ["usdos-2016-crt2015"]


def test_other_figures_and_comparators_tables(small_pack):
    assert stats_view.topics(small_pack) == [("policy figures", 1)]
    other = stats_view.table(small_pack, ("topic", "policy figures"))
    assert other["stat_id"].tolist() == ["st-policy-banned-orgs-listed"]
    assert other["Where sources disagree"].tolist() == ["Figure: 3 (other figure; Kazinform, 2016-03-01)"]
    comparators = stats_view.table(small_pack, ("comparators",), drop=("Comparator",))
    assert comparators["stat_id"].tolist() == ["st-fighters-abroad-security-council-2015"]
    assert "Comparator" not in comparators.columns


# ================================================================================================ sources, details
def test_references_are_numbered_in_id_order_and_a_missing_source_says_so(small_pack):
    refs = sources_view.references(small_pack, ["news-2016-almaty", "nowhere-1999", "karaganda-2018-article",
                                                "news-2016-almaty"])
    assert [(r["n"], r["id"]) for r in refs] == [(1, "karaganda-2018-article"), (2, "news-2016-almaty"),
                                                 (3, "nowhere-1999")]
    assert refs[0]["text"] == ("A. Author, \u201cTerrorism in Kazakhstan: phases and the state's response\u201d, "
                               "Bulletin of Karaganda University, 2018 (one of the five source documents)")
    assert refs[1]["text"] == "\u201cGunman kills officers in Almaty\u201d, Tengrinews, 2016-07-18"
    assert (refs[2]["text"], refs[2]["url"]) == ("not in the sources table", "")


def test_contradictions_with_their_other_values_and_sources(small_pack):
    entries = sources_view.contradiction_entries(small_pack)
    assert [label for label, _ in entries] == ["c-01 \u00b7 Aktobe bombing, 17 May 2011\\: number injured",
                                               "c-02 \u00b7 Number of banned organisations\\: 2 or 3"]
    body = entries[0][1]
    assert "**Value used, and why:** Injured \\= 2, as Reuters reports\\." in body
    assert ("- **Injured: 3** (other figure). The first agency report\\. Sources: [AFP, 2011\\-05\\-18]"
            "(https://example.org/afp/2011/05/18/aktobe)") in body


def test_cases_left_out_table_and_summary(small_pack):
    table = sources_view.excluded_table(small_pack)
    assert table["Date"].tolist() == ["2004-03", "2012-05", "2014-06"]  # month precision
    assert table["Rule"].tolist() == ["abroad", "ordinary crime", "abroad"]
    assert sources_view.excluded_summary(small_pack, pointer=False) == (
        "3 cases met in the search are left out, each with its reason (2 abroad, 1 ordinary crime).")
    assert sources_view.sources_table(small_pack)["source_id"].tolist() == [s["source_id"] for s in fixtures.SOURCES]


def test_incident_detail_says_unknown_and_lists_alternatives_and_checks(small_pack):
    rows = small_pack.tables["events"].set_index("event_id", drop=False)
    sept = dict(details.event_fields(rows.loc[ALMATY_SEPT].to_dict()))
    assert sept["Victims killed (excl. perpetrators)"] == "unknown (no figure in the sources)"
    assert sept["Date"] == "September 2016 (month only)"
    assert dict(details.event_fields(rows.loc[KENKIYAK].to_dict()))["Coordinates"] == "not given"
    others = details.record_alternatives(small_pack, "events", AKTOBE)
    assert [(d["label"], d["value"], d["topic"]) for d in others] == [
        ("Injured", "3", "Aktobe bombing, 17 May 2011: number injured")]
    checks = details.record_checks(small_pack, "events", AKTOBE)
    assert checks["Agrees"].tolist() == ["states the value used", "gives another value"]
    assert checks["Source"].tolist() == ["Reuters, 2011-05-17", "AFP, 2011-05-18"]


# ================================================================================================ agreement
# The page, its presentation slide and the briefing pack show what the view model says.

def assert_overview_agrees(app, pack, filters: Filters, query: dict, expected: list[tuple[str, str, str]]) -> AppTest:
    """The overview page, its slide and the briefing pack's headline page show ``expected`` tiles (the view
    model's), with the same notes, chart alt and per-year figures. Returns the page."""
    view = overview_view.build(pack, filters, events(pack, filters))
    assert tile_triples(view.tiles) == expected
    page, present = app(None, query), slide(app, "Overview", query)
    for at in (page, present):
        assert [(m.label, m.value) for m in at.metric] == [(label, value) for label, value, _ in expected]
        assert all(note in captions(at) for _, _, note in expected[1:])
    assert chart_alts(page, "vega_lite_chart") == chart_alts(present) == [view.chart_alt]
    said = [c for c in captions(page) if "ources disagree" in c]  # said only where sources disagree
    assert len(said) == (1 if view.disputed else 0)
    assert all(c.startswith(escape_md(view.disputed_sentence)) for c in said)
    year_table = next(df.value for df in page.dataframe if "victims killed (known)" in df.value)
    assert year_table.values.tolist() == view.year_tables[0].values.tolist()
    pages = {p.kind: p for p in briefing_content(pack, filters, TODAY).pages}
    assert pages["headline"].body["tiles"] == expected
    first_note = view.disputed_sentence if view.disputed else "No disagreement between sources is recorded"
    assert pages["headline"].body["notes"][0].startswith(first_note)
    assert pages["headline"].body["notes"][1] == f"Classification: {view.classification_text}."
    assert pages["per_year"].body["per_year"] == view.per_year[["year", "incidents", "killed_known",
                                                                "killed_unknown"]].to_dict("list")
    return page


@pytest.mark.parametrize("filters,query", [
    (ALL, {}),
    (Filters(years=(2016, 2016), regions=("Almaty",)), {"region": "Almaty", "years": ["2016", "2016"]}),
], ids=["default", "almaty-2016"])
def test_overview_agrees_on_page_slide_and_briefing_pack(app, small_pack, filters, query):
    if filters == ALL:
        expected = TILES
    else:  # Almaty, July 2016 (10 killed, 9 injured, 0 perpetrators) and Sept 2016 (unknown, 1, 0)
        expected = [("Incidents", "2", "attack: 2"), ("Victims killed", "at least 10", "1 incident with no figure"),
                    ("Injured", "10", ALL_KNOWN), ("Perpetrators killed", "0", ALL_KNOWN)]
    page = assert_overview_agrees(app, small_pack, filters, query, expected)
    view = overview_view.build(small_pack, filters, events(small_pack, filters))
    assert escape_md(view.coverage) in markdowns(page) and escape_md(view.left_out) in markdowns(page)


# Two imported incidents (synthetic GTD rows): Pavlodar Region 2014, 3 dead of whom 1 perpetrator, 2 wounded; Jambyl
# Region 2013, no death figure, none wounded.
IMPORTED = [
    {"iyear": "2014", "imonth": "3", "iday": "5", "provstate": "Pavlodar", "city": "Ekibastuz", "latitude": "51.72",
     "longitude": "75.32", "nkill": "3", "nkillter": "1", "nwound": "2", "attacktype1_txt": "Armed Assault"},
    {"iyear": "2013", "imonth": "6", "iday": "1", "provstate": "Zhambyl", "city": "Shu", "latitude": "43.6",
     "longitude": "73.76", "nkill": "", "nwound": "0", "attacktype1_txt": "Bombing/Explosion"},
]


def test_overview_agrees_with_an_imported_dataset_switched_on_then_off(app, small_pack, monkeypatch, tmp_path):
    from components.imports.preview import prepare_import
    from components.imports.store import Store
    from dashboard.data import with_imports
    from tests.test_importers import gtd_csv, gtd_row

    var_dir = tmp_path / "var"
    monkeypatch.setenv("KZ_VAR_DIR", str(var_dir))
    preview = prepare_import(gtd_csv(*(gtd_row(**r) for r in IMPORTED)), "two-rows.csv",
                             small_pack.tables["events"], small_pack.tables["regions"])
    assert len(preview.accepted) == 2 and preview.duplicates.empty
    dataset_id = Store(var_dir).add(preview, "Two synthetic rows")
    assert Store(var_dir).datasets()["enabled"].tolist() == [True]  # an import is stored switched on
    with_two = with_imports(small_pack, Store(var_dir), (dataset_id,))
    switched_on = [("Incidents", "7", "attack: 6; security operation: 1"),
                   ("Victims killed", "at least 20", "2 incidents with no figure"),  # 18 + (3 - 1); Jambyl unknown
                   ("Injured", "21", ALL_KNOWN),  # 19 + 2 + 0
                   ("Perpetrators killed", "at least 12", "1 incident with no figure")]  # 11 + 1; Jambyl unknown
    assert_overview_agrees(app, with_two, ALL, {}, switched_on)

    at = app("app_pages/import_data.py")
    at.toggle(key=f"ds_on_{dataset_id}").set_value(False).run()
    assert not at.exception and not Store(var_dir).datasets()["enabled"].any()
    at.switch_page("app_pages/overview.py").run()
    assert [(m.label, m.value) for m in at.metric] == [(label, value) for label, value, _ in TILES]
    assert_overview_agrees(app, small_pack, ALL, {}, TILES)


def test_map_agrees_on_page_slide_and_briefing_pack(app, small_pack):
    view = map_view.build(small_pack, ALL, events(small_pack))
    page = app("app_pages/map.py")
    assert escape_md(view.overlap_text) in captions(page)
    assert escape_md(f"Same point: {SAME_POINT}.") in escape_md(view.overlap_text)
    assert "1 incident in the filter has no coordinates and is not drawn; see 'View as table'." in captions(page)
    assert chart_alts(page, "deck_gl_json_chart") == [view.alt("incidents")]
    table = page.dataframe[0].value
    assert table.loc[table["Place"] == "Kenkiyak", "Point on the map"].tolist() == ["no coordinates: not on the map"]
    assert chart_alts(slide(app, "Map"), "deck_gl_json_chart") == [view.slide_alt]
    notes = briefing_page(small_pack, "map").body["notes"]
    assert notes == view.print_notes(SAME_POINT)
    assert f"Points that overlap: {SAME_POINT}." in notes
    assert "Not on the map (no coordinates): Kenkiyak (8 Jul 2012)." in notes


def test_timeline_agrees_on_page_slide_and_briefing_pack(app, small_pack):
    view = timeline_view.build(small_pack, ALL, events(small_pack))
    bans = timeline_view.bans(small_pack, ALL)
    page = app("app_pages/timeline.py")
    assert view.key in captions(page)
    assert chart_alts(page) == [view.alt]
    assert escape_md(bans.lead(ALL.years)) in markdowns(page)
    assert [w.value for w in page.warning] == [escape_md(bans.disagreement_text)]
    shown = {tuple(df.value.columns): df.value for df in page.dataframe}
    table = next(df for cols, df in shown.items() if "Lane" in cols)
    assert table["Record id"].tolist() == timeline_view.table(small_pack, ALL, events(small_pack))["Record id"].tolist()
    listed = next(df for cols, df in shown.items() if "Name as written in the source" in cols)
    assert listed["Record id"].tolist() == bans.shown["Record id"].tolist() == [
        "ban-2004-10-15-al-qaeda", "ban-2015-10-15-islamic-state"]
    assert chart_alts(slide(app, "Timeline")) == [view.alt]
    pages = {p.kind: p for p in briefing_content(small_pack, ALL, TODAY).pages}
    assert pages["timeline"].title == f"Policy timeline, {view.span}"
    assert pages["timeline"].body["note"] == view.print_note
    assert [row[2] for row in pages["milestones"].body["rows"]] == view.milestones["title"].tolist()


def test_statistics_agree_on_page_slide_and_briefing_pack(app, small_pack):
    age = stats_view.age(small_pack)
    alts = [stats_view.chart_text(small_pack, ids).alt for ids in (sc.AGE_IDS, sc.PROSECUTION_IDS, sc.FIGHTERS_IDS)]
    page = app("app_pages/statistics.py")
    assert chart_alts(page) == alts
    assert any(w.value.endswith("\n\n" + escape_md(age.caveat)) for w in page.warning)
    present = slide(app, "Statistics")
    assert chart_alts(present) == alts[:1]
    assert [w.value for w in present.warning] == ["**The bands do not add up.** " + escape_md(age.caveat)]
    rows = stats_view.prosecution(small_pack)
    for row in rows:  # 'same as above' resolved on the slide as in the view model
        assert any(f"Period: {escape_html(row['period'])}</span>" in m for m in markdowns(present))
    assert not any("same as above" in m for m in markdowns(present))
    pages = {p.kind: p for p in briefing_content(small_pack, ALL, TODAY).pages}
    assert pages["age"].body["caveat"] == age.caveat
    assert pages["age"].body["values"] == [55.0, None, 35.0, 90.0]
    assert pages["prosecution"].body["rows"] == rows
    assert pages["fighters"].body["range"] == stats_view.fighters(small_pack).range


def test_sources_agree_on_page_and_briefing_pack(app, small_pack):
    page = app("app_pages/sources.py")
    assert sources_view.excluded_summary(small_pack, pointer=False) in captions(page)
    entries = sources_view.contradiction_entries(small_pack)
    assert [e.label for e in page.expander if e.label.startswith("c-")] == [label for label, _ in entries]
    assert all(body in markdowns(page) for _, body in entries)
    excluded = next(df.value for df in page.dataframe if "Why it is left out" in df.value)
    assert excluded["Case"].tolist() == sources_view.excluded_table(small_pack)["Case"].tolist()
    listed = next(df.value for df in page.dataframe if "source_id" in df.value)
    assert listed["source_id"].tolist() == [s["source_id"] for s in fixtures.SOURCES]
    # the briefing pack cites every source of the rows it shows, numbered in id order; the minister's interview
    # is cited only by an alternative to a statistic no page of the pack shows
    cited = sorted(s["source_id"] for s in fixtures.SOURCES if s["source_id"] != "minister-2016-interview")
    briefing = briefing_content(small_pack, ALL, TODAY)
    assert briefing.references == sources_view.references(small_pack, cited)
    assert [(e["n"], e["id"]) for p in briefing.pages if p.kind == "sources" for e in p.body["entries"]] == [
        (n, sid) for n, sid in enumerate(cited, 1)]
