"""The data pack's texts in Russian and Kazakh (translations.csv, vocabulary.csv): loaded, checked, shown in place of
the English, never in place of the values filters and links use."""

from __future__ import annotations

import csv

import pytest

from components.filters import Filters
from components.pack.load import DEFAULT_DATA_DIR, load_datapack
from components.pack.schema import translated_columns
from components.pack.translate import localized, needs_translation
from components.views.base import events_in
from tests.fixtures import OFFICIAL, SUMMARY_TRANSLATED, write_small_pack


@pytest.fixture()
def pack_dir(tmp_path):
    return write_small_pack(tmp_path / "pack")


def _rewrite(path, change):
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    header = list(rows[0])
    rows = change(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_the_shipped_pack_translates_every_text_and_value():
    pack = load_datapack(DEFAULT_DATA_DIR)
    missing = [str(p) for p in pack.problems
               if p.rule in ("translated", "translation_current", "vocabulary_complete")]
    assert missing == []
    assert pack.status["translations"].rows_loaded > 0 and pack.status["vocabulary"].rows_loaded > 0


def test_texts_are_shown_in_the_language_and_the_pack_itself_stays_english(pack_dir):
    pack = load_datapack(pack_dir)
    ru, kk = localized(pack, "ru"), localized(pack, "kk")
    rid = next(iter(SUMMARY_TRANSLATED))
    summary = {p.lang: p.tables["events"].set_index("event_id").loc[rid, "summary"] for p in (pack, ru, kk)}
    english = pack.tables["events"].set_index("event_id").loc[rid, "summary"]
    assert summary == {"en": english, "ru": SUMMARY_TRANSLATED[rid][0], "kk": SUMMARY_TRANSLATED[rid][1]}
    assert load_datapack(pack_dir).tables["events"]["summary"].tolist() == pack.tables["events"]["summary"].tolist()
    assert ru.data_dir != pack.data_dir != kk.data_dir  # every memoised view is kept per language
    assert ru.basis[("events", rid, "summary")].basis == "project"
    assert ru.basis[("events", rid, "summary")].english == english


def test_every_marked_text_is_replaced_except_quotations_which_stay_verbatim(pack_dir):
    pack = load_datapack(pack_dir)
    ru = localized(pack, "ru")
    for (table, column), kind in translated_columns(pack.metadata).items():
        before, after = pack.tables[table][column], ru.tables[table][column]
        texts = before.map(needs_translation)
        if not texts.any():
            continue
        if kind == "text":
            assert after[texts].str.startswith(("ru: ", *[v[0] for v in SUMMARY_TRANSLATED.values()])).all(), column
        else:  # a quotation, or a name the filters use: the English stays; a quotation's translation is beside it
            assert after[texts].tolist() == before[texts].tolist(), column
        if kind == "quote":
            assert ru.tables[table][column + "_translation"][texts].str.startswith("ru: ").all()


def test_values_keep_their_english_and_are_labelled_in_the_language(pack_dir):
    pack = load_datapack(pack_dir)
    ru = localized(pack, "ru")
    (table, column, value), (ru_name, kk_name) = next(iter(OFFICIAL.items()))
    assert ru.t.value("region", value) == ru_name
    assert localized(pack, "kk").t.value("region", value) == kk_name
    assert ru.t.value("attack_type", "Armed Assault") == "ru:Armed Assault"
    assert ru.t.value("perpetrator_group", "Jund al-Khilafah") == "ru: Jund al-Khilafah"
    assert pack.t.value("region", value) == value
    # filtering by the English value (as links carry it) finds the same incidents in every language
    f = Filters(regions=(value,))
    assert events_in(ru, f)["event_id"].tolist() == events_in(pack, f)["event_id"].tolist() != []


def test_disagreements_are_worded_in_the_language(pack_dir):
    pack = load_datapack(pack_dir)
    en = pack.tables["events"]["disagreements"].dropna().iloc[0]
    ru = localized(pack, "ru").tables["events"]["disagreements"].dropna().iloc[0]
    assert en.startswith("Injured: 3 (other figure;")
    assert ru.startswith("Ранены: 3 (другая цифра;")


def test_a_stale_translation_is_not_shown_and_is_reported(pack_dir):
    events = pack_dir / "events.csv"
    _rewrite(events, lambda rows: [{**r, "summary": r["summary"] + " Revised."} if r["event_id"] == "ev-2011-11-12-taraz"
                                   else r for r in rows])
    pack = load_datapack(pack_dir)
    stale = [p for p in pack.problems if p.rule == "translation_current"]
    assert [(p.file, p.column, p.value) for p in stale] == [("translations.csv", "en", "ev-2011-11-12-taraz")]
    assert "stale" in stale[0].message and stale[0].row is not None
    shown = localized(pack, "ru").tables["events"].set_index("event_id").loc["ev-2011-11-12-taraz", "summary"]
    assert shown == "A gunman killed seven people. Revised."


def test_a_text_or_value_without_translation_is_reported(pack_dir):
    _rewrite(pack_dir / "translations.csv",
             lambda rows: [r for r in rows if not (r["table"] == "policies" and r["column"] == "title")])
    _rewrite(pack_dir / "vocabulary.csv", lambda rows: [r for r in rows if r["value"] != "Armed Assault"])
    pack = load_datapack(pack_dir)
    untranslated = {p.value for p in pack.problems if p.rule == "translated"}
    assert untranslated == set(pack.tables["policies"]["policy_id"])
    assert [p.value for p in pack.problems if p.rule == "vocabulary_complete"] == ["Armed Assault"]
    assert localized(pack, "kk").t.value("attack_type", "Armed Assault") == "Armed Assault"  # English, not blank


@pytest.mark.parametrize("change, rule", [
    (lambda r: {**r, "basis_ru": "official", "source_ids": ""}, "basis_cited"),
    (lambda r: {**r, "column": "event_type"}, "translatable_column"),
    (lambda r: {**r, "record_id": "ev-1999-01-01-nowhere"}, "known_record"),
    (lambda r: {**r, "basis_kk": "machine"}, "isin"),
])
def test_a_malformed_translation_row_is_an_error_with_its_row(pack_dir, change, rule):
    _rewrite(pack_dir / "translations.csv", lambda rows: [change(rows[0]), *rows[1:]])
    pack = load_datapack(pack_dir)
    errors = [p for p in pack.errors if p.file == "translations.csv"]
    assert len(errors) == 1 and errors[0].row == 2 and rule in (errors[0].rule or "")
    assert pack.status["translations"].rows_loaded == pack.status["translations"].rows_read - 1

