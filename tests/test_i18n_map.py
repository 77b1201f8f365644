"""The map in Kazakh and Russian: its tooltips (incidents, regions, grid cells), labels, legend, 'View as table',
notes and text alternatives come out in the language, region names and category values by their labels, while the
layers' data, the table's ids and the shading's link values keep the English.

A translator that wraps every marked string in ‹ › shows at once any text that reaches the user without going
through it: what is left once the marked parts are taken out must be data (place names, region and category labels)
and numbers only. The page tests use the small pack of tests/fixtures.py, whose labels read 'ru:<value>'."""

from __future__ import annotations

import base64
import dataclasses
import gettext
import json
import re

import pytest

from components import i18n
from components.filters import Filters
from components.map import clusters, layers, points
from components.map import legend as map_legend
from components.map import table as map_table
from components.map.regions import SHADE_OPTIONS
from components.pack.translate import localized
from components.text import COORD_WORDS
from components.views import map as map_view
from components.views.base import events_in
from dashboard.data import DATA_DIR_ENV
from scripts.i18n import extract
from tests import fixtures
from tests.conftest import open_app

ALL = Filters()
OPEN, CLOSE = "\u2039", "\u203a"
_MARKED_PART = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
PAGE = "app_pages/map.py"


class _Marked(gettext.NullTranslations):
    """Every marked string comes back in ‹ ›."""

    def gettext(self, message):
        return f"{OPEN}{message}{CLOSE}"

    def ngettext(self, singular, plural, n):
        return f"{OPEN}{singular if n == 1 else plural}{CLOSE}"


@pytest.fixture(scope="module")
def packs(tmp_path_factory):
    """The small pack in English, in Russian (the catalogue and the pack's labels) and in 'marked' Russian (the
    pack's labels, every interface string wrapped in ‹ ›)."""
    english = fixtures.load_small_pack(tmp_path_factory.mktemp("small-pack") / "data")
    ru = localized(english, "ru")
    marked = dataclasses.replace(ru, t=i18n.Translator("ru", _Marked(), ru.t.values),
                                 data_dir=ru.data_dir + "#marked")
    return english, ru, marked


def _data_words(pack) -> set[str]:
    """The Latin words data may show: the English place names (the small pack's translations read 'ru: <English>')
    and the labels ('ru:<value>') of regions and categories."""
    events = pack.tables["events"]
    words = {"ru"}
    for column in ("place", "region", "attack_type", "event_type"):
        for value in events[column].dropna().astype(str):
            words |= set(re.findall(r"[A-Za-z]+", value))
    return words


def _bare(text: str, pack) -> list[str]:
    """The Latin words of ``text`` outside its marked parts that are not data: [] when every word went through
    the translator."""
    while _MARKED_PART.search(text):
        text = _MARKED_PART.sub(" ", text)
    return [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in _data_words(pack)]


def _layers(deck) -> dict[str, dict]:
    return {layer["id"]: layer for layer in json.loads(deck.to_json())["layers"]}


# ------------------------------------------------------------------ the view model and the deck, marked

def test_the_view_model_s_sentences_go_through_the_translator(packs):
    _, _, marked = packs
    events = events_in(marked, ALL)
    view = map_view.build(marked, ALL, events)
    assert view.t is marked.t
    texts = [view.alt("incidents"), view.alt("victims"), view.slide_alt, view.overlap_text,
             *view.print_notes("Almaty: 2 incidents at one point")]
    for text in texts:
        assert text.startswith(OPEN) and _bare(text, marked) == [], text
    assert "ru: Almaty" in view.overlap_text  # the place as the pack translates it
    # the incident without coordinates is listed with its date as Russian writes it
    unlocated = clusters.unlocated(events).iloc[0]
    assert view.missing == [(unlocated["place"], marked.t.date(unlocated["date"], unlocated["date_precision"]))]
    assert view.missing[0][0].startswith("ru: ") and "г." in view.missing[0][1]


def test_grid_cells_are_said_in_the_language(packs):
    _, _, marked = packs
    events = events_in(marked, ALL)
    agg = clusters.Aggregation(located=5000, cells=3)
    view = dataclasses.replace(map_view.build(marked, ALL, events), aggregation=agg, settlement=2)
    for text in [view.alt("incidents"), view.alt("victims"), view.slide_alt, view.headline, *view.print_notes()]:
        assert _bare(text, marked) == [], text
    assert view.headline.startswith(OPEN) and "0,5°" in view.headline
    assert clusters.deg_text(0.5, marked.t) == "0,5°" and clusters.deg_text(0.5) == "0.5°"
    assert clusters.compact_count(4_879, marked.t) == f"{OPEN}4,9k{CLOSE}"
    assert clusters.compact_count(4_879) == "4.9k"


def test_tooltips_and_labels_are_in_the_language_and_the_data_stay_english(packs):
    english, _, marked = packs
    t = marked.t
    events = events_in(marked, ALL)
    found = _layers(layers.make_map(events, marked.boundaries, all_events=marked.tables["events"], t=t))
    for record in found["incidents"]["data"]:
        lines = record["tooltip"].split("\n")
        assert all(_bare(line, marked) == [] for line in lines), record["tooltip"]
        assert record["region"] in set(english.tables["events"]["region"])  # the English value, which links use
        assert lines[0].endswith(f"({t.value('region', record['region'])})")
        assert re.search("[а-я]", lines[1]), lines[1]  # the date as Russian writes it
    for feature in found["regions"]["data"]["features"]:
        props = feature["properties"]
        first, *rest = props["tooltip"].split("\n")
        assert first == t.value("region", props["region"])
        if props["region"] in set(english.tables["regions"]["region"]):  # the regions the small pack labels
            assert first != props["region"]
        assert all(line[:1] == OPEN for line in rest), props["tooltip"]
        assert props["region"] in {f["properties"]["region"] for f in english.boundaries["features"]}  # English
    for label in found["labels"]["data"]:
        assert _bare(label["text"], marked) == [], label
    # above the point limit: grid cells, their tooltips in the language
    cells = _layers(layers.make_map(events, marked.boundaries, point_limit=1, t=t))["cells"]["data"]
    assert cells and all(_bare(c["tooltip"], marked) == [] for c in cells)
    assert any(f"{OPEN}{{deg}} N{CLOSE}".format(deg="43,5°") in c["tooltip"] for c in cells)


def test_the_legend_is_in_the_language(packs):
    _, _, marked = packs
    t = marked.t
    events = events_in(marked, ALL)
    for shade in SHADE_OPTIONS:
        svg, text = map_view.legend(marked, ALL, events, shade)
        assert _bare(text, marked) == [], text
        assert t.value("attack_type", "Armed Assault") in text and t(map_legend.ATTACK_TYPE_GROUP) in text
        assert t(map_legend.REGION_GROUPS[shade]) in text
        assert f"{OPEN}Colour:" in svg and "ru:Armed" in svg  # the image says it too (its lines wrapped)
    cells = map_legend.legend_items(events, marked.boundaries, point_limit=1, t=t)
    assert all(_bare(f"{item.group} {item.label}", marked) == [] for item in cells)


def test_the_table_has_its_headers_and_values_in_the_language(packs):
    english, _, marked = packs
    t = marked.t
    events = events_in(marked, ALL)
    table = map_table.incident_table(events, t=t)
    assert list(table.columns) == ["event_id", *(t(c) for c in map_table.TABLE_COLUMNS[1:])]
    assert set(table["event_id"]) == set(english.tables["events"]["event_id"])  # the page opens records by it
    assert set(table[t("Region")]) == {t.value("region", r) for r in events["region"]}
    assert set(table[t("Attack type (GTD)")]) == {t.value("attack_type", a) for a in events["attack_type"]}
    assert all(_bare(str(v), marked) == [] for v in table[t("Point on the map")])
    assert t("unknown") in set(table[t("Victims killed")])
    assert list(map_table.incident_table(events_in(english, ALL)).columns) == map_table.TABLE_COLUMNS


def test_every_coordinate_precision_is_marked_for_the_catalogue():
    marked = {msg[0] for msg in extract()}
    assert {*COORD_WORDS.values(), "precision not stated"} <= marked
    assert set(points.COORD_MARKED) == {*COORD_WORDS.values(), "precision not stated"}


# ------------------------------------------------------------------ the view model with the catalogue

def test_the_russian_view_model_uses_the_catalogue_and_the_pack_s_words(packs):
    _, ru, _ = packs
    t = ru.t
    events = events_in(ru, ALL)
    view = map_view.build(ru, ALL, events)
    assert view.overlap_text.startswith(t(map_view.SAME_PLACE))
    assert t.n("{n} incident at one point", "{n} incidents at one point", 2) in view.overlap_text
    assert view.print_notes()[-1] == t("Albers equal-area projection; no basemap.")
    assert view.slide_alt == t("Map of Kazakhstan's regions shaded by incidents, with {incidents} drawn.").format(
        incidents=t.n("{n} incident", "{n} incidents", view.located))


# ------------------------------------------------------------------ the page

@pytest.fixture
def page(monkeypatch, packs):
    english, _, _ = packs
    monkeypatch.setenv(DATA_DIR_ENV, english.data_dir)

    def run(query: dict | None = None):
        at = open_app(PAGE, query, tables=True)
        assert not at.exception, [e.value for e in at.exception]
        return at
    return run


def test_the_russian_page_shows_the_map_s_words_in_russian(page, packs):
    _, ru, _ = packs
    t = ru.t
    at = page({"lang": "ru"})
    view = map_view.build(ru, ALL, events_in(ru, ALL))
    chart = at.get("deck_gl_json_chart")[0]
    assert chart.proto.alt == view.alt("incidents")
    found = {layer["id"]: layer for layer in json.loads(chart.proto.json)["layers"]}
    for feature in found["regions"]["data"]["features"]:
        props = feature["properties"]
        assert props["tooltip"].split("\n")[0] == t.value("region", props["region"])
    assert all(t("Click for the full record.") in r["tooltip"] for r in found["incidents"]["data"])
    svg = base64.b64decode(at.image[0].proto.imgs[0].url.split(",", 1)[1]).decode()
    assert t.value("attack_type", "Armed Assault") in svg
    table = at.dataframe[0].value
    assert [t(c) for c in map_table.TABLE_COLUMNS[1:]] == [c for c in table.columns if c != "event_id"]
    assert t.value("region", "Jambyl Region") in set(table[t("Region")])
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "ru: Almaty" in captions  # the overlap note names the place as the pack translates it


def test_the_shading_shows_labels_in_the_language_and_links_the_english_value(page, packs):
    _, ru, _ = packs
    t = ru.t
    at = page({"lang": "ru"})
    control = at.button_group(key="shade")
    assert control.options == [t(label) for label in SHADE_OPTIONS.values()]
    assert control.value == "incidents" and "shade" not in at.query_params
    control.set_value("victims").run()
    assert not at.exception
    assert at.button_group(key="shade").value == "victims"
    assert at.query_params["shade"] == "victims"  # the link's value, not the label shown
    at.button_group(key="shade").set_value("incidents").run()
    assert "shade" not in at.query_params  # the default is left out of the link
    # a shared link opens with its shading, in any language, without a notice
    for lang in ("ru", "kk", "en"):
        at = page({"lang": lang, "shade": "victims"})
        assert at.button_group(key="shade").value == "victims"
        assert not at.warning


def test_the_english_page_labels_the_shading_in_english(page):
    at = page()
    assert at.button_group(key="shade").options == list(SHADE_OPTIONS.values())
    assert at.button_group(key="shade").value == "incidents"
