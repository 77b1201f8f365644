"""The policy timeline and the statistics in Kazakh and Russian: every word around the data (figure titles, lanes,
legends, hovers, the key, the bans' sentences, the table headers, the charts' labels and text alternatives) comes
from the translator of the pack's language, category values are shown with their labels, and quotations stay
verbatim with their translation beside them, marked as one. Expected values come from the small pack's rows
(tests/fixtures.py) and the translator, never typed."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from babel.dates import format_date

from components.figures import statistics as sc
from components.figures import timeline as tl
from components.figures import timeline_tables as tt
from components.filters import Filters
from components.pack.translate import localized
from components.text import escape_md
from components.views import base
from components.views import statistics as stats_view
from components.views import timeline as timeline_view
from dashboard.data import DATA_DIR_ENV
from tests import fixtures
from tests.conftest import open_app

LANGS = ("ru", "kk")
ALL = Filters()
AKTOBE = "ev-2011-05-17-aktobe"
ALMATY_SEPT = "ev-2016-09-01-almaty"
STATE_PROGRAMME = "po-2013-10-02-state-programme"  # known to the month


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    return fixtures.load_small_pack(tmp_path_factory.mktemp("i18n-timeline-stats") / "data")


@pytest.fixture(scope="module", params=LANGS)
def pack(request, english):
    return localized(english, request.param)


def _events(pack, filters: Filters = ALL) -> pd.DataFrame:
    return base.events_in(pack, filters)


def _figure(pack, filters: Filters = ALL):
    view = timeline_view.build(pack, filters, _events(pack, filters))
    return tl.make_timeline_figure(view.policies, pack.tables["phases"], _events(pack, filters),
                                   pack.tables["banned_organisations"], years=view.years, t=pack.t)


def _hover(fig, record_id: str) -> str:
    for trace in fig.data:
        for cd, text in zip(trace.customdata if trace.customdata is not None else [], trace.hovertext or []):
            if list(cd) == [record_id]:
                return text
    raise AssertionError(record_id)


def _row(pack, table: str, id_column: str, record_id: str) -> dict:
    df = pack.tables[table]
    return df[df[id_column] == record_id].iloc[0].to_dict()


# ================================================================================================ timeline figure
def test_lanes_legend_and_axis_are_in_the_language(pack):
    t = pack.t
    fig = _figure(pack)
    lanes = [tl.plain_label(text) for text in fig.layout.yaxis.ticktext]
    expected = [t(tl.PHASE_ROW_NAMES[s]) for s in tl.PHASE_SETS] + [t(lane) for lane in tl.style.LANE_ORDER]
    assert lanes == [" ".join(name.split()) for name in expected]
    assert t("Incidents") != "Incidents" and t("Incidents") in lanes  # a lane whose translation the catalogue has
    legend = {trace.name for trace in fig.data if trace.showlegend is not False}
    assert {t("Incident (size: victims killed)"), t("Incident, victims killed unknown"),
            t("Date month-only or approximate")} <= legend
    # the traces keep the English lane in their meta (the page's selection and the tests read it)
    assert {trace.meta["lane"] for trace in fig.data if trace.meta.get("kind") == "policy"} <= set(tl.style.LANE_ORDER)


def test_hovers_say_dates_categories_and_regions_in_the_language(pack):
    t = pack.t
    fig = _figure(pack)
    policy = _row(pack, "policies", "policy_id", STATE_PROGRAMME)
    hover = _hover(fig, STATE_PROGRAMME)
    assert tl.escape_plotly(t.date(policy["date"], "month")) in hover
    label = str(t.value("category", policy["category"]))
    assert label != policy["category"]  # the small pack labels every value ('ru:state programme')
    assert t("{category} · lane: {lane}").format(category=label[:1].upper() + label[1:],
                                                 lane=t("State programmes")) in hover
    assert t("Click for the full record and its sources.") in hover
    event = _row(pack, "events", "event_id", AKTOBE)
    hover = _hover(fig, AKTOBE)
    region = str(t.value("region", event["region"]))
    assert region == fixtures.OFFICIAL[("regions", "region", event["region"])][LANGS.index(t.lang)]  # official name
    assert t("Incident: {place} ({region})").format(place=tl.escape_plotly(event["place"]),
                                                    region=tl.escape_plotly(region)) in hover
    assert tl.escape_plotly(t.date(event["date"], "day")) in hover
    assert t("Classification: {classification}").format(
        classification=tl.escape_plotly(t.value("classification", event["classification"]))) in hover
    unknown = _hover(fig, ALMATY_SEPT)
    assert t("Victims killed (excl. perpetrators): {n}").format(n=t("unknown (no figure in the sources)")) in unknown


def test_phase_hovers_and_phase_names_in_the_language(pack):
    t = pack.t
    phase = pack.tables["phases"].sort_values("phase_id").iloc[0].to_dict()
    text = tl.phase_hover(phase, t)
    kind = (t("Terrorism phase {order}, approx. {start}-{end}") if phase["phase_set"] == "terrorism"
            else t("Phase of the state's response {order}, approx. {start}-{end}"))
    assert kind.format(order=int(phase["order"]), start=int(phase["start_year"]), end=int(phase["end_year"])) in text
    assert t("Years are approximate readings of the 2018 Karaganda article.") in text
    covering = tt.phases_covering(pack.tables["phases"], (1991, 2016), t)
    assert all(str(t.value("phase_set", s)) in " ".join(covering) for s in tl.PHASE_SETS)
    assert str(t.value("phase_set", "response")) != "response"


def test_month_ticks_are_numbers_and_many_incidents_are_counted_in_the_language(pack):
    t = pack.t
    fig = _figure(pack, Filters(years=(2015, 2016)))
    assert fig.layout.xaxis.tickformat == "%m.%Y"  # plotly writes month names in English only
    many = pd.DataFrame({"date": pd.to_datetime(["2012-05-03", "2012-05-20", "2012-06-01"]),
                         "killed": [2, None, 1], "date_precision": ["day", "month", "day"]})
    bins = tl.incident_bins(many, "month", t)
    assert bins["label"].tolist()[0] == format_date(pd.Timestamp("2012-05-01").date(), "LLLL y", locale=t.lang)
    hover = tl.bin_hover(bins.iloc[0].to_dict(), t)
    assert t("{incidents} in {period}").format(incidents=t.n("{n} incident", "{n} incidents", 2),
                                               period=bins["label"][0]) in hover
    assert t("{killed}; {n} with no figure").format(
        killed=t.n("At least {n} victim killed", "At least {n} victims killed", 2), n=t.number(1)) in hover
    assert tl.aggregated_incidents(many, (2012, 2012), limit=2, t=t) == t(tl.AGGREGATED["month"]).format(
        n=t.number(3), limit=t.number(2))


# ================================================================================================ timeline words
def test_key_alt_and_print_note_are_in_the_language(pack):
    t = pack.t
    view = timeline_view.build(pack, ALL, _events(pack))
    counts = t.n("{n} milestone", "{n} milestones", 4) + ", " + t.n("{n} context event", "{n} context events", 1)
    incidents = t.n("{n} incident", "{n} incidents", 5)
    assert incidents != "5 incidents"  # the catalogue's plural forms
    assert view.key.startswith(t("{counts} and {incidents} shown.").format(counts=counts, incidents=incidents))
    assert t("Filled stars: incidents, larger for more victims killed; open stars: {incidents} whose victims killed "
             "are unknown, not zero.").format(incidents=t.n("{n} incident", "{n} incidents", 1)) in view.key
    assert view.print_note == " ".join([t("{counts} and {incidents}.").format(counts=counts, incidents=incidents),
                                        t("Phases: approximate readings of the 2018 Karaganda article.")])
    lanes = ", ".join(t(lane) for lane in tl.style.LANE_ORDER[:-1])
    assert view.alt == t(tl.ALT[""]).format(start=1991, end=2016, lanes=lanes, counts=counts, incidents=incidents)


def test_view_as_table_headers_lanes_and_categories_in_the_language(pack):
    t = pack.t
    table = timeline_view.table(pack, ALL, _events(pack))
    assert list(table.columns) == [t(c) for c in tl.TABLE_COLUMNS]
    assert t("Date") != "Date" and t("Date") in table.columns
    by_id = table.set_index(t("Record id"))
    policy = _row(pack, "policies", "policy_id", STATE_PROGRAMME)
    assert by_id.loc[STATE_PROGRAMME, t("Category")] == t.value("category", policy["category"])
    assert by_id.loc[STATE_PROGRAMME, t("Lane")] == t("State programmes")
    assert by_id.loc[STATE_PROGRAMME, t("Date precision")] == t.value("date_precision", "month")
    event = _row(pack, "events", "event_id", AKTOBE)
    assert by_id.loc[AKTOBE, t("Lane")] == t("Incidents")
    assert by_id.loc[AKTOBE, t("Category")] == t.value("event_type", event["event_type"])
    assert by_id.loc[AKTOBE, t("Title")] == t("{place} ({region}): {what}; victims killed: {victims}").format(
        place=event["place"], region=t.value("region", event["region"]), what=event["attack_description"],
        victims="0")


def test_bans_lead_table_and_disagreement_in_the_language(pack):
    t = pack.t
    bans = timeline_view.bans(pack, ALL)
    assert bans.lead(ALL.years) == t(
        "The data pack lists {organisations} banned by {decisions}, from the 2018 Karaganda article; one row per "
        "organisation, grouped by decision in date order.").format(
        organisations=t.n("{n} organisation", "{n} organisations", 2),
        decisions=t.n("{n} court decision", "{n} court decisions", 2))
    recent = timeline_view.bans(pack, Filters(years=(2011, 2016)))
    assert recent.lead((2011, 2016), rows_left_out=2).endswith(t("{organisations} under {decisions} falls in {span}.")
                                                               .format(organisations=t.n("{n} organisation",
                                                                                         "{n} organisations", 1),
                                                                       decisions=t.n("{n} decision", "{n} decisions",
                                                                                     1),
                                                                       span="2011\u20132016"))
    assert t.n("{n} row of the file was left out for errors (see 'Data pack checks').",
               "{n} rows of the file were left out for errors (see 'Data pack checks').", 2) in recent.lead(
        (2011, 2016), rows_left_out=2)
    assert list(bans.shown.columns) == [t(c) for c in tl.BANS_COLUMNS]
    assert bans.shown[t("Designation")].tolist() == [t.value("designation", "terrorist")] * 2
    assert bans.shown[t("Record id")].tolist() == ["ban-2004-10-15-al-qaeda", "ban-2015-10-15-islamic-state"]
    assert bans.disagreement_text.startswith(
        t("Sources disagree on the total (contradiction {id}): this list has {n}, as the Karaganda article gives "
          "them; another source gives {alternatives}. The organisations missing from the article's list are not "
          "identified.").split("{id}")[0])


# ================================================================================================ statistics
def test_numbers_and_qualifiers_are_written_in_the_language(pack):
    t = pack.t
    assert sc.number_text(51000, t=t) == "51\u00a0000" and sc.number_text(16.6, t=t) == "16,6"
    assert sc.number_text(51000) == "51,000" and sc.number_text(16.6) == "16.6"  # English unchanged
    for qualifier, phrase in sc.QUALIFIED.items():
        assert sc.value_text({"value": 2, "qualifier": qualifier, "unit": ""}, t) == t(phrase).format(n="2")
    assert t("at least {n}") != "at least {n}"


def test_quotes_stay_verbatim_with_their_translation_marked_beside_them(pack):
    t = pack.t
    row = _row(pack, "statistics", "stat_id", sc.AGE_UNDER_40)
    translation = row["quote_translation"]
    assert translation != row["quote"]
    hover = sc.hover_text(row, pack.sources_by_id(), t=t)
    assert sc._wrapped(row["quote"], sc.HOVER_WIDTH) in hover  # verbatim
    assert t("Translation: {text}").format(text=sc._wrapped(translation, sc.HOVER_WIDTH)) in hover
    same = {**row, "quote_translation": row["quote"]}  # a translation that reads as the quote is not repeated
    assert sc.quote_translation(same) == ""
    assert t("Translation: {text}").format(text="") not in sc.hover_text(same, {}, t=t)
    age = stats_view.age(pack)
    assert age.quote == row["quote"] and age.quote_translation == translation
    table = stats_view.table(pack, ("ids", *sc.AGE_IDS))
    columns = list(table.columns)
    assert columns.index(t(sc.QUOTE_TRANSLATION_COLUMN)) == columns.index(t("Quote (verbatim)")) + 1
    assert table[t("Quote (verbatim)")].iloc[0] == row["quote"]
    assert table[t(sc.QUOTE_TRANSLATION_COLUMN)].iloc[0] == translation


def test_statistics_tables_headers_and_values_in_the_language(pack):
    t = pack.t
    table = stats_view.table(pack, ("ids", *sc.PROSECUTION_IDS), drop=("Comparator",))
    assert t("Where sources disagree") in table.columns and t("Unit") in table.columns and "stat_id" in table.columns
    assert t("Comparator") not in table.columns  # dropped by its English name
    stats = pack.tables["statistics"].set_index("stat_id")
    assert table[t("Topic")].tolist() == [t.value("topic", stats.loc[i, "topic"]) for i in table["stat_id"]]
    comparators = stats_view.table(pack, ("comparators",))
    assert set(comparators[t("Comparator")]) == {t("yes: not a source document")}
    assert [(topic, n) for topic, n in stats_view.topics(pack)] == [("policy figures", 1)]  # English: the key


def test_same_as_above_is_resolved_though_the_period_is_translated(pack, english):
    t = pack.t
    rows = stats_view.prosecution(pack)
    periods = {r["id"]: r["period"] for r in rows}
    english_periods = {r["id"]: r["period"] for r in stats_view.prosecution(english)}
    plots, convictions = "st-prevention-plots-foiled", "st-prosecution-convictions-extremism"
    assert english.tables["statistics"].set_index("stat_id").loc[plots, "period"] == sc.SAME_AS_ABOVE
    assert periods[plots] == periods[convictions] != english_periods[convictions]  # the translated period
    fig = sc.make_prosecution_figure(sc.chartable(stats_view.statistics(pack)), pack.sources_by_id(), t=t)
    labels = " ".join(a.text for a in fig.layout.annotations)
    assert labels.count(t("Period: {period}").format(period=periods[convictions])) == 2
    assert "same as above" not in labels
    assert fig.layout.xaxis.title.text.replace("<br>", " ") == t("Number as reported (each bar: its own period and unit)")
    alt = stats_view.chart_text(pack, sc.PROSECUTION_IDS).alt
    assert alt.startswith(t("Horizontal bar chart of figures given by officials, each over its own period: {bars}.")
                          .split("{bars}")[0])
    assert alt.count(f"({periods[convictions]})") == 2


def test_age_and_fighters_charts_in_the_language(pack):
    t = pack.t
    stats, sources = sc.chartable(stats_view.statistics(pack)), pack.sources_by_id()
    age = sc.make_age_figure(stats, sources, t=t)
    assert list(age.layout.yaxis.ticktext) == sc.age_rows(t)
    assert list(age.layout.yaxis.tickvals) == list(sc.AGE_ROWS)  # the rows keep their English keys
    assert age.layout.xaxis.title.text == t("Share of terrorists, as reported")
    notes = [a.text for a in age.layout.annotations if a.y == sc.AGE_ROW_2029]
    assert notes[0].startswith(f"<b>{t('not reported')}</b>")
    # the arithmetic and its verdict on lines of their own: on one line the ru and kk words overflowed the frame
    heading, arithmetic, verdict = notes[0].split("<br>")
    assert arithmetic.count("−") == 2 and arithmetic.endswith(":")
    assert verdict and verdict in t("{total} − {under_20} − {aged_30_39} leaves {left}%: implausible")
    total = next(trace for trace in age.data if trace.meta == "age-total")
    assert list(total.text) == [t("{n}% (reported total)").format(n="90")]
    fighters = sc.make_foreign_fighters_figure(stats, sources, t=t)
    names = {trace.name for trace in fighters.data}
    assert names == {t("Source document: estimate given as a range"),
                     t("Comparator: public source, not one of the five source documents")}
    assert fighters.layout.xaxis.title.text == t("Kazakhstanis (as stated in each source)")
    text = stats_view.chart_text(pack, sc.AGE_IDS)
    assert text.alt.startswith(t("Bar chart of the perpetrators' age shares exactly as reported: {bands}; the 20 "
                                 "to 29 band is not reported and is drawn empty.").split("{bands}")[0])
    assert t("{figure} under 20").format(figure="55%") in text.alt
    assert stats_view.age(pack).arithmetic == t(
        "{under_20}% under 20 + {aged_30_39}% aged 30–39 = {sum}%; the reported total under 40 is {total}%. That "
        "leaves {left}% for ages 20–29.").format(under_20="55", aged_30_39="35", sum="90", total="90", left="0")


def test_the_english_figures_say_what_they_said(english):
    """English: the figures' words are the code's own (the tests of each file check them in detail)."""
    view = timeline_view.build(english, ALL, _events(english))
    assert view.key.startswith("4 milestones, 1 context event and 5 incidents shown.")
    assert list(timeline_view.table(english, ALL, _events(english)).columns) == tl.TABLE_COLUMNS
    assert list(stats_view.table(english, ("ids", *sc.AGE_IDS)).columns) == [
        "Topic", "Metric", "Value", "Unit", "Period", "Flag", "Caveat", "Where sources disagree", "Quote (verbatim)",
        "Source", "Comparator", "Links", "stat_id"]
    assert stats_view.age(english).quote_translation == ""


# ================================================================================================ the pages
@pytest.fixture
def app(monkeypatch, english):
    monkeypatch.setenv(DATA_DIR_ENV, english.data_dir)

    def run(page: str, lang: str):
        at = open_app(page, {"lang": lang}, tables=True)
        assert not at.exception, [e.value for e in at.exception]
        return at
    return run


@pytest.mark.parametrize("lang", LANGS)
def test_the_timeline_page_in_the_language(app, english, lang):
    pack = localized(english, lang)
    t = pack.t
    at = app("app_pages/timeline.py", lang)
    view = timeline_view.build(pack, ALL, _events(pack))
    captions = [c.value for c in at.caption]
    assert view.key in captions
    assert [c.proto.alt for c in at.get("plotly_chart")] == [view.alt]
    source = t("phases and the list of banned organisations: {article}. Policy rows and incidents cite their own "
               "sources: see details (click a marker) or the table below.").format(article=view.article)
    assert t("Source: {text}").format(text=escape_md(source)) in captions
    frames = [df.value for df in at.dataframe]
    assert [t(c) for c in tl.TABLE_COLUMNS] in [list(df.columns) for df in frames]
    assert [t(c) for c in tl.BANS_COLUMNS] in [list(df.columns) for df in frames]
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert t("Incidents") in " ".join(spec["layout"]["yaxis"]["ticktext"])


@pytest.mark.parametrize("lang", LANGS)
def test_the_statistics_page_in_the_language(app, english, lang):
    pack = localized(english, lang)
    t = pack.t
    at = app("app_pages/statistics.py", lang)
    age = stats_view.age(pack)
    captions = [c.value for c in at.caption]
    assert t("Translation: {text}").format(text=escape_md(age.quote_translation)) in captions
    assert "> " + escape_md(age.quote) in [m.value for m in at.markdown]  # the quote itself, verbatim
    expanders = [e for e in at.expander if e.label == t("View as table")]
    assert len(expanders) == 3
    label = str(t.value("topic", "policy figures"))
    assert f"{escape_md(label[:1].upper() + label[1:])} (1)" in [s.value for s in at.subheader]
    alts = [stats_view.chart_text(pack, ids).alt for ids in (sc.AGE_IDS, sc.PROSECUTION_IDS, sc.FIGHTERS_IDS)]
    assert [c.proto.alt for c in at.get("plotly_chart")] == alts
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert specs[0]["layout"]["xaxis"]["title"]["text"] == t("Share of terrorists, as reported")
    frame = expanders[0].dataframe[0].value
    assert list(frame["stat_id"]) == list(sc.AGE_IDS)
    assert {t("Quote (verbatim)"), t(sc.QUOTE_TRANSLATION_COLUMN), t("Caveat"), t("Period")} <= set(frame.columns)
    assert t("Download these rows (CSV)") in [b.proto.label for b in at.get("download_button")]
