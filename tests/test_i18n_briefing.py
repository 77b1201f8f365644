"""The briefing pack in Kazakh and Russian, read back as a reader would (python-pptx for the deck, poppler's pdftotext
and pdftoppm for the PDF): built from the small pack (tests/fixtures.py) in each language, its page titles, source
lines, notes, table headers, images and the exports' README are in that language; the data's texts are the pack's
translations ("ru: ..."), its categories and regions are shown by their labels, and the English tests
(tests/test_briefing.py) keep the English pack as it was.

Two translators are used: the catalogue's (``localized(pack, lang).t``: what the app shows, so the expected words
come from ``pack.t``), and a marking one, which puts MARK before every string it translates, so that any word a
module shows without passing it through the translator stands out whatever the catalogue holds.
"""

from __future__ import annotations

import dataclasses
import gettext
import io
import re
from datetime import date
from types import SimpleNamespace

import matplotlib.text
import pandas as pd
import pytest
from pptx import Presentation

from components import briefing, exports, i18n
from components.briefing import content, images, layout
from components.briefing import pptx as deck_module
from components.filters import Filters, vocabulary
from components.pack.translate import localized
from tests import fixtures
from tests.test_briefing import pdf_pages, pdf_text, shape_named, slide_text, slide_title, table_rows

TODAY = date(2025, 3, 14)
URL = "http://localhost:8501/?lang=ru"
LANGS = ("ru", "kk")
MARK = "\u00a4"  # ¤: in DejaVu Sans and Arial, and kept by pdftotext
KAZAKH_LETTERS = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"
# the kinds of page the small pack's default view has, in order (an empty view has its own)
KINDS = ["title", "headline", "per_year", "milestones", "map", "timeline", "age", "prosecution", "fighters",
         "incidents", "disagreements", "sources", "licences"]


class _Marked(gettext.NullTranslations):
    """Every message, translated or not, comes back with MARK in front (placeholders kept)."""

    def gettext(self, message):
        return MARK + message

    def ngettext(self, singular, plural, n):
        return MARK + (singular if n == 1 else plural)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return fixtures.load_small_pack(tmp_path_factory.mktemp("small-pack-briefing-i18n") / "data")


def _build(pack, f: Filters | None = None) -> dict:
    f = f or Filters()
    files = briefing.build_pack(pack, f, TODAY, URL)
    return {"pack": pack, "model": briefing.briefing_content(pack, f, TODAY, URL), "pdf": files["pdf"],
            "deck": Presentation(io.BytesIO(files["pptx"]))}


@pytest.fixture(scope="module")
def built(small):
    """For each language: the small pack in it, its content model, the deck (opened) and the PDF bytes."""
    return {lang: _build(localized(small, lang)) for lang in LANGS}


def marked(pack):
    """The pack with the marking translator (its data labels kept)."""
    return dataclasses.replace(pack, t=i18n.Translator(pack.lang, _Marked(), pack.t.values))


@pytest.fixture(scope="module")
def built_marked(small):
    return {lang: _build(marked(localized(small, lang))) for lang in LANGS}


def _english_title(title: str) -> str:
    """A title without its year span or page numbering (as tests/test_briefing.py reads them)."""
    title = re.sub(r" \(\d+ (of|из) \d+\)$|\s\(\d+ ішінен \d+\)$", "", title)
    return re.sub(r", \d{4}(\u2013\d{4})?$", "", title)


# ------------------------------------------------------------------------------------------------ the catalogue's words
@pytest.mark.parametrize("lang", LANGS)
def test_page_titles_are_the_translated_titles(built, lang):
    deck, model, t = built[lang]["deck"], built[lang]["model"], built[lang]["pack"].t
    titles = [slide_title(s) for s in deck.slides]
    assert titles == model.titles()
    assert [p.kind for p in model.pages] == KINDS
    for page, title in zip(model.pages, titles):
        assert title.startswith(t(content.TITLES[page.kind])), (page.kind, title)
    english = {k: v for k, v in content.TITLES.items() if t(v) != v}  # the titles the catalogue translates
    for title in titles:
        assert _english_title(title) not in english.values(), title


@pytest.mark.parametrize("lang", LANGS)
def test_the_data_is_shown_in_the_language(built, lang):
    deck, t = built[lang]["deck"], built[lang]["pack"].t
    text = {slide_title(s): slide_text(s) for s in deck.slides}
    milestones = next(v for k, v in text.items() if k.startswith(t(content.TITLES["milestones"])))
    assert f"{lang}: Supreme Court bans Al-Qaeda" in milestones  # a translated text column
    assert t.value("category", "court ban")[:1].upper() + t.value("category", "court ban")[1:] in milestones
    slide = next(s for s in deck.slides if slide_title(s).startswith(t(content.TITLES["incidents"])))
    header, rows = table_rows(slide)
    assert header == [t(c) for c, _ in content.INCIDENT_COLUMNS]
    aktobe, taraz = rows[0], rows[1]  # in date order: Aktobe May 2011, Taraz Nov 2011
    assert aktobe[1] == f"{lang}: Aktobe"
    assert aktobe[2] == t.value("region", "Aktobe Region") == fixtures.OFFICIAL[("regions", "region",
                                                                                 "Aktobe Region")][LANGS.index(lang)]
    assert taraz[3] == f"{t.value('attack_type', 'Armed Assault')} ({t.value('event_type', 'attack')})"
    assert aktobe[6] == t.value("classification", "disputed") == f"{lang}:disputed"
    assert aktobe[0] == "17.05.2011"  # a day as Kazakh and Russian tables write it
    unknown = [r for r in rows if r[4] == t("unknown")]  # Almaty, Sept 2016: victims unknown, known to the month
    assert len(unknown) == 1 and unknown[0][0].endswith("2016" + t(" (month only)"))


@pytest.mark.parametrize("lang", LANGS)
def test_title_page_states_the_view_and_the_date_in_the_language(built, lang):
    deck, pack = built[lang]["deck"], built[lang]["pack"]
    t = pack.t
    text = slide_text(deck.slides[0])
    assert Filters().describe(5, t) in text
    assert t("Exported {date}").format(date=t.date(pd.Timestamp(TODAY), "day")) in text
    assert "2025" in text and "March" not in text
    assert t("Briefing pack") in text


@pytest.mark.parametrize("lang", LANGS)
def test_statistics_and_licences_in_the_language(built, lang):
    deck, t = built[lang]["deck"], built[lang]["pack"].t
    slides = {slide_title(s): s for s in deck.slides}
    age = slides[t(content.TITLES["age"])]
    assert shape_named(age, "Subtitle").text_frame.text == t(content.NATIONAL_NOTE)
    quote = shape_named(age, "Quote").text_frame.text
    assert fixtures.STATISTICS[0]["quote"] in quote  # verbatim, with the project's translation beside it
    assert t("Translation: {text}").format(text=f"{lang}: {fixtures.STATISTICS[0]['quote']}") in quote
    chart = next(s.chart for s in age.shapes if s.has_chart)
    assert list(chart.plots[0].categories) == [t(c) for c in content.AGE_CATEGORIES]
    prosecution = slides[t(content.TITLES["prosecution"])]
    assert f"{lang}: Convictions for extremism" in slide_text(prosecution)
    licences = slide_text(slides[t(content.TITLES["licences"])])
    assert t(content.TRANSLATION_NOTE) in licences and "CC BY 4.0" in licences


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_says_it_in_the_language(built, lang, tmp_path):
    model, t = built[lang]["model"], built[lang]["pack"].t
    pages = pdf_text(built[lang]["pdf"], tmp_path).split("\f")
    (tmp_path / "png").mkdir()
    assert len(pdf_pages(built[lang]["pdf"], tmp_path / "png")) == model.page_count
    for page, text in zip(model.pages, pages):
        flat = " ".join(text.split())
        assert " ".join(page.title.split()) in flat, page.title
        assert " ".join(page.source.split())[:40] in flat, page.source  # the footer's source line
    whole = " ".join(" ".join(pages).split())
    assert f"{lang}: Supreme Court bans Al-Qaeda" in whole
    assert t.value("region", "Aktobe Region") in whole
    if lang == "kk":  # Kazakh letters come out as letters (a missing glyph would not extract)
        assert set("ққұү") <= set(whole)


def test_the_pdf_font_and_the_images_font_have_every_kazakh_letter():
    """DejaVu Sans (the PDF's and matplotlib's) draws each Kazakh letter: no empty boxes."""
    from matplotlib import font_manager
    from reportlab.pdfbase import pdfmetrics

    from components.briefing import pdf

    pdf._pdf_fonts()
    for face in ("", "-Bold", "-Oblique", "-BoldOblique"):
        font = pdfmetrics.getFont(pdf.PDF_FONT + face).face
        missing = [ch for ch in KAZAKH_LETTERS if ord(ch) not in font.charToGlyph]
        assert missing == [], (face, missing)
    from fontTools.ttLib import TTFont

    path = font_manager.findfont(font_manager.FontProperties(family=images.FONT), fallback_to_default=False)
    cmap = TTFont(path).getBestCmap()
    assert [ch for ch in KAZAKH_LETTERS if ord(ch) not in cmap] == []


# ------------------------------------------------------------------------------------------------ nothing left in English
@pytest.mark.parametrize("lang", LANGS)
def test_every_word_of_the_deck_goes_through_the_translator(built_marked, lang):
    """Titles, source lines, subtitles, table headers and chart series of every slide are the translator's."""
    deck = built_marked[lang]["deck"]
    for slide in deck.slides:
        title = slide_title(slide)
        assert title.startswith(MARK), title
        assert shape_named(slide, "Source line").text_frame.text.startswith(MARK), title
        subtitle = shape_named(slide, "Subtitle")
        if subtitle is not None:
            assert subtitle.text_frame.text.startswith(MARK), (title, subtitle.text_frame.text)
        if any(s.has_table for s in slide.shapes):
            header, _ = table_rows(slide)
            assert all(h.startswith(MARK) for h in header), header
        for shape in slide.shapes:
            if shape.has_chart:
                names = [s.name for s in shape.chart.plots[0].series]
                assert all(n.startswith(MARK) for n in names), names


@pytest.mark.parametrize("lang", LANGS)
def test_every_block_of_words_goes_through_the_translator(built_marked, lang):
    """No text of the layout's blocks is English words that bypassed the translator: each piece of text with two
    or more Latin letters in a row is marked, or is the data's (its translation 'ru: ...', a label, a number, a
    source's own title, the address)."""
    model, pack = built_marked[lang]["model"], built_marked[lang]["pack"]
    data = _data_words(pack)
    for page in model.pages:
        if page.kind in ("sources",):  # the list of sources: the sources' own titles and addresses
            continue
        for text in _block_texts(layout.blocks(page, model.t)):
            if MARK in text or not re.search(r"[A-Za-z]{2,}", text):
                continue
            assert any(d and d in text for d in data), (page.kind, text)


def _block_texts(blocks) -> list[str]:
    out = []
    for block in blocks:
        if isinstance(block, layout.Columns):
            out += _block_texts(block.left + block.right)
            continue
        paragraphs = {layout.Paragraphs: lambda b: [b], layout.Box: lambda b: [b.content],
                      layout.Tiles: lambda b: [t.content for t in b.tiles]}.get(type(block), lambda b: [])(block)
        out += ["".join(r.text for r in p) for blk in paragraphs for p in blk.paras]
        if isinstance(block, layout.Table):
            out += list(block.columns) + [r.text for row in block.rows for r in row]
        if isinstance(block, layout.Chart):
            out += [name for name, _ in block.series] + list(block.categories)
        if isinstance(block, layout.Image):
            out.append(block.alt)
    return [t for t in out if t.strip()]


def _data_words(pack) -> list[str]:
    """Texts a page may show as they are: translated data ('ru: '), labels ('ru:'), metadata (citation, licence,
    attribution), source names, verbatim quotations and the view's address."""
    meta = pack.metadata
    sources = pack.tables["sources"]
    return [f"{pack.lang}: ", f"{pack.lang}:", f"{pack.lang.capitalize()}:", meta["citation"], meta["license"], meta["boundaries"]["attribution"],
            meta["title"], URL, "http", "ODbL", *sources["publisher"].dropna(), *sources["title"].dropna(),
            *pack.tables["statistics"]["quote"].dropna()]  # quotations stay verbatim


@pytest.mark.parametrize("lang", LANGS)
def test_every_word_of_the_images_goes_through_the_translator(small, lang, monkeypatch):
    """The texts matplotlib draws (axis titles, legends, labels, the scale bar, annotations) are the translator's,
    or the data's: numbers, years, the labels and translations of the pack, and the region names of the boundary
    file that the small pack does not name."""
    pack = marked(localized(small, lang))
    drawn: list[str] = []
    real_png = images._png

    def recording(fig):
        drawn.extend(t.get_text() for t in fig.findobj(matplotlib.text.Text))
        return real_png(fig)

    monkeypatch.setattr(images, "_png", recording)
    briefing.briefing_content(pack, Filters(), TODAY, URL)
    unnamed = {images.region_label(str((f.get("properties") or {}).get("region", "")), pack.t)
               for f in pack.boundaries["features"]}
    words = [d for d in drawn if re.search(r"[A-Za-z]{2,}", d)]
    assert words  # the images were drawn and recorded
    for text in words:
        assert MARK in text or f"{lang}:" in text or text in unnamed, text


# ------------------------------------------------------------------------------------------------ layout and fit
def test_cyrillic_text_is_measured_wider_than_latin():
    latin, cyrillic = "incidents " * 20, "инциденты " * 20
    assert content._lines(cyrillic, 4.0, content.TABLE_PT) > content._lines(latin, 4.0, content.TABLE_PT)
    assert content._widening("abc") == 1.0 and content._widening("абв") == pytest.approx(1 + content.CYRILLIC_WIDER)


def test_a_column_too_narrow_for_a_word_of_another_language_is_widened():
    headers, widths = [h for h, _ in content.INCIDENT_COLUMNS], [w for _, w in content.INCIDENT_COLUMNS]
    english = content._fit_widths(headers, widths, [["12 Nov 2011", "Taraz", "Jambyl Region", "Armed Assault",
                                                     "unknown", "3", "disputed", "[1]"]])
    assert english == widths  # the English widths stay as tuned
    kazakh = content._fit_widths(["Күні", "Орны", "Өңір", "Түрі", "Қаза тапқандар", "Жараланғандар", "Саралау",
                                  "Дереккөздер"], widths, [["12.11.2011", "Тараз", "Жамбыл облысы", "Қарулы шабуыл",
                                                            "белгісіз", "3", "даулы", "[1]"]])
    assert sum(kazakh) == pytest.approx(sum(widths))
    for i, word in ((4, "тапқандар"), (4, "белгісіз"), (5, "Жараланғандар")):  # now fit their columns
        assert len(word) > content._chars(word, widths[i], content.TABLE_PT)
        assert len(word) <= content._chars(word, kazakh[i], content.TABLE_PT)


@pytest.mark.parametrize("lang", LANGS)
def test_table_headers_and_unknowns_fit_their_columns(built, lang):
    for page in built[lang]["model"].pages:
        if page.kind not in ("incidents", "milestones", "disagreements"):
            continue
        for i, (header, width) in enumerate(zip(page.body["columns"], page.body["widths"])):
            for word in [*header.split(), *(w for r in page.body["rows"] for w in r[i].split()
                                            if r[i] == built[lang]["pack"].t("unknown"))]:
                assert len(word) <= content._chars(word, width, content.TABLE_PT), (page.kind, header, word, width)


@pytest.mark.parametrize("lang", LANGS)
def test_titles_fit_their_line(built, lang):
    """Every page title fits one line at the title size (or is set smaller, never under MIN_TITLE_PT, to fit): the
    titles with a year span and page numbering at their longest."""
    t = built[lang]["pack"].t

    def numbered(title: str) -> str:
        return t("{title} ({i} of {n})").format(title=title, i=12, n=12)

    span = "1991\u20132016"
    titles = [numbered(f"{t(content.TITLES['milestones'])}, {span}"), f"{t(content.TITLES['timeline'])}, {span}",
              *(numbered(t(content.TITLES[k])) for k in ("incidents", "disagreements", "sources")),
              *(t(content.TITLES[k]) for k in ("headline", "per_year", "map", "age", "prosecution", "fighters",
                                                "licences", "empty"))]
    for title in titles:
        size = deck_module.title_size(title)
        assert size >= deck_module.MIN_TITLE_PT and content._lines(title, content.CONTENT_W, size) == 1, title
    for slide in built[lang]["deck"].slides:
        run = slide.shapes.title.text_frame.paragraphs[0].runs[0]
        assert run.font.size.pt >= deck_module.MIN_TITLE_PT


def test_paginated_titles_are_numbered_in_the_language(small):
    """A list longer than a page says which page of how many, with the language's words."""
    t = localized(small, "ru").t
    page = content._table_pages("incidents", t(content.TITLES["incidents"]), content.INCIDENT_COLUMNS,
                                [["01.01.2011", "x", "y", "z", "1", "1", "c", "[1]"]] * 40, "s", "v", "", 5.0, t)
    assert len(page) > 1
    assert [p.title for p in page] == [t("{title} ({i} of {n})").format(title=t(content.TITLES["incidents"]), i=i,
                                                                         n=len(page)) for i in range(1, len(page) + 1)]


def test_a_headline_figure_keeps_its_translated_qualifier_legibly(small):
    t = localized(small, "ru").t
    value = t("at least {n}").format(n=18)
    runs = layout.value_runs(value, t=t)
    assert "".join(r.text for r in runs) == value and "18" in [r.text for r in runs]
    number = next(r for r in runs if r.text == "18")
    assert all(r.size < number.size for r in runs if r is not number)
    (word,) = layout.value_runs(t("unknown"), t=t)
    assert word.size < layout.value_runs("45", t=t)[0].size


@pytest.mark.parametrize("lang", LANGS)
def test_deck_text_is_tagged_with_its_language(built, lang):
    deck = built[lang]["deck"]
    assert deck.core_properties.language == deck_module.LANGUAGE_TAGS[lang]
    tags = set(re.findall(rb'lang="([^"]+)"', deck.slides[1]._element.xml.encode()))
    assert tags == {deck_module.LANGUAGE_TAGS[lang].encode()}


@pytest.mark.parametrize("lang", LANGS)
def test_the_empty_pack_in_the_language(small, lang, tmp_path):
    pack = localized(small, lang)
    t = pack.t
    nothing = Filters(classifications=())
    got = _build(pack, nothing)
    titles = [slide_title(s) for s in got["deck"].slides]
    assert titles == [t(content.TITLES[k]) for k in ("title", "empty", "licences")]
    text = slide_text(got["deck"].slides[1])
    tables = pack.tables
    named = dataclasses.replace(nothing, vocab=vocabulary(tables["events"], tables["regions"], pack.metadata))
    assert t("No incident matches these filters: {filters}.").format(filters=named.describe(t=t)) in text
    assert t("no classified category selected") in text
    assert " ".join(t(content.NO_MATCH).split()) in " ".join(pdf_text(got["pdf"], tmp_path).split())
    marked_titles = [slide_title(s) for s in _build(marked(pack), nothing)["deck"].slides]
    assert all(title.startswith(MARK) for title in marked_titles)


# ------------------------------------------------------------------------------------------------ exports
@pytest.mark.parametrize("lang", LANGS)
def test_readme_in_the_language_and_csv_columns_in_english(small, lang):
    pack = localized(small, lang)
    t = pack.t
    tables = exports.filtered_tables(pack.tables, Filters())
    text = Filters().describe(len(tables["events"]), t)
    readme = exports.readme_text(pack.metadata, text, tables, TODAY, URL, t=t)
    assert t("Filters: {filters}").format(filters=text) in readme
    assert t("Exported: {date}").format(date="2025-03-14") in readme
    assert t("Files:") in readme and pack.metadata["citation"] in readme
    assert "  " + t("{file} ({rows}): {description}").format(
        file="events.csv", rows=t.n("{n} row", "{n} rows", 5), description=t("Incidents")) in readme
    marked_readme = exports.readme_text(pack.metadata, text, tables, TODAY, URL, t=marked(pack).t)
    for line in marked_readme.splitlines()[3:]:  # after the data pack's title and its rule
        assert not line.strip() or MARK in line or line.strip() == pack.metadata["citation"], line
    csv = exports.to_csv_bytes(tables["events"]).decode("utf-8-sig").splitlines()[0]
    assert csv.split(",") == list(tables["events"].columns)  # the column names are data: English
    assert "event_id" in csv and "region" in csv


def test_english_readme_is_unchanged(small):
    tables = exports.filtered_tables(small.tables, Filters())
    readme = exports.readme_text(small.metadata, "view", tables, TODAY)
    assert "Exported: 2025-03-14" in readme and "Filters: view" in readme and "Files:" in readme
    assert f"  events.csv (5 rows): {small.metadata['tables']['events']['description']}" in readme


# ------------------------------------------------------------------------------------------------ the sidebar control
def test_a_pack_prepared_in_another_language_is_stale_and_says_why():
    from dashboard.briefing_ui import _stale_reason

    t = i18n.ENGLISH
    pack = SimpleNamespace(lang="ru", data_dir="data#lang=ru")
    assert "language changed" in _stale_reason((("data", ()), "", {}, "en"), pack, t)
    assert "filters changed" in _stale_reason((("data#lang=ru", ()), "", {}, "ru"), pack, t)
    assert "data changed" in _stale_reason((("other#lang=ru", ()), "", {}, "ru"), pack, t)


@pytest.mark.parametrize("lang", LANGS)
def test_the_sidebar_button_prepares_the_pack_in_the_session_language(lang):
    """The app passes the pack in the session's language: the prepared deck speaks it (the shipped pack, AppTest)."""
    from components.pack.load import DEFAULT_DATA_DIR, load_datapack
    from dashboard.briefing_ui import _PREPARED
    from tests.conftest import open_app

    at = open_app(None, {"lang": lang, "region": "Jambyl Region", "years": ["2011", "2016"]}, timeout=180)
    assert not at.exception, [e.value for e in at.exception]
    at.button(key="briefing_prepare").click().run()
    assert not at.exception, [e.value for e in at.exception]
    files = at.session_state[_PREPARED][2]
    deck = Presentation(io.BytesIO(files["pptx"]))
    t = localized(load_datapack(DEFAULT_DATA_DIR), lang).t
    first = slide_text(deck.slides[0])
    assert Filters(regions=("Jambyl Region",), years=(2011, 2016)).describe(1, t) in first
    assert t("Briefing pack") in first
    assert [slide_title(s) for s in deck.slides][1].startswith(t(content.TITLES["headline"]))
