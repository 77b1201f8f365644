"""Languages: every marked string has a translation in each catalogue and no catalogue entry is unused; plural
forms and dates follow the language; every page opens in each language, and the language travels with the link."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from components import i18n
from components.filters import Filters
from scripts.i18n import extract, read
from tests.conftest import open_app

TRANSLATED = [lang for lang in i18n.LANGS if lang != i18n.DEFAULT]
PAGES = {"overview": "Terrorism and counter-terrorism in Kazakhstan, 1991-2016", "map": "Map of incidents",
         "timeline": "Policy timeline, 1991-2016", "statistics": "Statistics", "sources": "Sources and data",
         "import_data": "Import your own data", "data_pack": "Data pack"}
FIELDS = re.compile(r"{(\w*)}")


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_marked_string_is_translated_and_every_entry_is_used(lang):
    marked = {msg[0] for msg in extract()}
    catalogue = read(lang)
    entries = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalogue if m.id}
    assert sorted(marked - set(entries)) == []  # a string the code shows that the catalogue lacks
    assert sorted(set(entries) - marked) == []  # an entry no code uses any more
    for msgid, m in entries.items():
        forms = [m.string] if isinstance(m.string, str) else list(m.string)
        assert all(forms), f"{lang}: no translation for {msgid!r}"
        for form in forms:
            # a translation may leave out a field its grammar does without, never add one
            assert set(FIELDS.findall(form)) <= set(FIELDS.findall(msgid)), (lang, msgid, form)


def test_plural_forms_follow_each_language():
    ru, kk, en = (i18n.load(lang) for lang in ("ru", "kk", "en"))
    forms = ("{n} incident", "{n} incidents")
    assert [ru.n(*forms, n) for n in (1, 3, 5, 11, 21, 22)] == [
        "1 инцидент", "3 инцидента", "5 инцидентов", "11 инцидентов", "21 инцидент", "22 инцидента"]
    assert [kk.n(*forms, n) for n in (1, 5)] == ["1 оқиға", "5 оқиға"]
    assert [en.n(*forms, n) for n in (1, 5, 1200)] == ["1 incident", "5 incidents", "1,200 incidents"]
    assert ru.n(*forms, 1200) == "1\u00a0200 инцидентов"


def test_dates_by_precision_in_each_language():
    day, month = pd.Timestamp("1999-02-16"), pd.Timestamp("2011-05-01")
    assert i18n.load("ru").date(day, "day") == "16 февраля 1999\u202fг."  # genitive (narrow no-break space, as CLDR writes it) month in a date
    assert i18n.load("ru").date(month, "month") == "май 2011 (только месяц)"  # nominative: the month alone
    assert i18n.load("kk").date(day, "day") == "1999\u202fж. 16 ақпан"  # four-digit year, never the short form
    assert i18n.load("kk").date(day, "year") == "1999 (тек жыл)"
    assert i18n.load("en").date(day, "day") == "16 February 1999"


def test_the_language_is_chosen_from_the_link_then_the_browser():
    assert i18n.pick("ru", "kk-KZ") == "ru"
    assert i18n.pick(None, "kk-KZ") == "kk"
    assert i18n.pick("xx", "ru_RU") == "ru"
    assert i18n.pick("", "de-DE") == "en"


def test_the_filter_in_words_in_each_language():
    f = Filters(years=(2011, 2016))
    assert f.describe(5, i18n.load("ru")) == "Весь Казахстан, 2011-2016: 5 инцидентов"
    assert f.describe(1, i18n.load("kk")) == "Бүкіл Қазақстан, 2011-2016: 1 оқиға"
    assert f.describe(1) == "All Kazakhstan, 2011-2016: 1 incident"


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_opens_in_each_language(lang, path):
    t = i18n.load(lang)
    at = open_app(None if path == "overview" else f"app_pages/{path}.py", {"lang": lang})
    assert not at.exception
    assert at.title[0].value == t(PAGES[path])
    assert "### " + t("Filters") in [m.value for m in at.sidebar.markdown]
    assert at.sidebar.selectbox(key="lang").value == lang


def test_page_links_carry_the_language():
    at = open_app(None, {"lang": "kk", "region": "Jambyl Region"})
    assert not at.exception
    t = i18n.load("kk")
    links = at.get("page_link")
    assert [link.proto.label for link in links][:3] == [t("Overview"), t("Map"), t("Policy timeline")]
    assert all("lang=kk" in link.proto.query_string for link in links)
    english = open_app(None, {})
    assert all("lang=" not in link.proto.query_string for link in english.get("page_link"))


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize("slide", ["Overview", "Map", "Timeline", "Statistics"])
def test_every_slide_opens_in_each_language(lang, slide):
    from dashboard.present import headings

    t = i18n.load(lang)
    at = open_app(None, {"lang": lang, "present": "true", "slide": slide})
    assert not at.exception
    assert at.header[0].value == headings(t)[slide]
    assert at.button(key="slide_next").label == t("Next")


@pytest.mark.parametrize("lang", TRANSLATED)
def test_slide_switch_names_slides_in_the_language_and_the_link_keeps_english(lang):
    from dashboard.present import SLIDES, headings, slide_names

    t = i18n.load(lang)
    at = open_app(None, {"lang": lang, "present": "true", "slide": "Map"})
    switch = at.button_group(key="slide")
    shown = [option.content for option in switch.proto.options]
    assert shown == [slide_names(t)[s] for s in SLIDES]
    assert not set(shown) & set(SLIDES), "no slide is named in English"
    switch.set_value("Timeline").run()
    assert at.header[0].value == headings(t)["Timeline"]
    assert at.query_params["slide"] == "Timeline"


def test_choosing_a_language_writes_it_into_the_link():
    at = open_app(None, {})
    at.sidebar.selectbox(key="lang").set_value("ru").run()
    assert not at.exception
    assert at.title[0].value == i18n.load("ru")(PAGES["overview"])
    written = at.query_params["lang"]  # AppTest keeps a single value as a string
    assert (written if isinstance(written, list) else [written]) == ["ru"]
    at.sidebar.selectbox(key="lang").set_value("en").run()
    assert "lang" not in at.query_params  # English, the default, is left out of the link


# Words that mark a sentence as English; a citation (a source's title, a publisher) may hold a few of them, so a
# text counts as English only with several and almost no Cyrillic. Names, figures and codes are not words here.
ENGLISH_WORDS = frozenset("the and of with from this that these are is was were not for which their by has have "
                          "on in to or an be as at its each every per than only".split())
_URL = re.compile(r"https?://\S+|`[^`]*`|\[[^\]]*\]\([^)]*\)")


def english_leftovers(texts: list[str]) -> list[str]:
    """The texts that read as English: three or more English words and at most a few Cyrillic letters."""
    out = []
    for text in texts:
        plain = _URL.sub(" ", text or "")
        words = re.findall(r"[A-Za-z]+", plain)
        cyrillic = len(re.findall(r"[\u0400-\u04FF]", plain))
        if sum(w.lower() in ENGLISH_WORDS for w in words) >= 3 and cyrillic < len("".join(words)) / 4:
            out.append(text)
    return out


def shown_texts(at, lang: str) -> list[str]:
    """Every text a page shows outside tables of data: headings, paragraphs, captions, notices, labels, help. Left
    out: block quotes (a source's words, verbatim by design, with the translation beside them) and the source lines
    after their translated 'Source:' (citations: titles and publishers as the sources write them)."""
    source = i18n.load(lang)("Source: {text}").split("{text}")[0]
    texts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        texts += [str(e.value) for e in getattr(at, kind)
                  if not str(e.value).startswith(("> ", source))]
    for kind in ("button", "multiselect", "selectbox", "slider", "toggle", "radio", "text_input", "expander",
                 "tabs", "metric"):
        for e in getattr(at, kind, []):
            texts += [str(getattr(e, "label", "") or ""), str(getattr(e.proto, "help", "") or "")]
    for frame in at.dataframe:
        texts += [str(c) for c in frame.value.columns]
    return texts


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize("path", list(PAGES))
def test_no_page_shows_english_text_in_kazakh_or_russian(lang, path):
    at = open_app(None if path == "overview" else f"app_pages/{path}.py", {"lang": lang})
    assert not at.exception
    assert english_leftovers(shown_texts(at, lang)) == []


def test_the_english_detector_finds_english_and_passes_translations():
    assert english_leftovers(["The sources disagree on the number of victims."]) != []
    assert english_leftovers(["Источники расходятся в числе жертв (Reuters, 2011; The Diplomat)."]) == []
    assert english_leftovers(["Source: RFE/RL, 2016-06-05", "Алматы"]) == []
