"""The data pack in Kazakh and Russian: its texts from ``translations.csv``, its vocabulary and region names from
``vocabulary.csv``.

The English in the tables is authoritative. ``localized(pack, lang)`` gives a copy of the pack whose text columns
(marked ``"translate": "text"`` in the data dictionary) hold the translation, whose quotations (``"quote"``) stay
verbatim with the translation beside them in ``<column>_translation``, and whose translator (``pack.t``) knows the
labels of every category value, region and perpetrator group (``t.value(column, value)``): filter values and links
keep the English. A translation whose ``en`` no longer matches the cell is stale: it is not shown (the English is)
and ``check`` reports it, as it reports any text or value with no translation. Pure code.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

import pandas as pd

from components import i18n
from components.i18n import Msg
from components.pack import alternatives as alts
from components.pack import schema

LANGS = tuple(lang for lang in i18n.LANGS if lang != i18n.DEFAULT)
TEXT, QUOTE, LABEL = "text", "quote", "label"
TRANSLATION_SUFFIX = "_translation"
_LETTER = re.compile(r"[^\W\d_]")


def needs_translation(value: object) -> bool:
    """A cell with words in it (numbers, dates and blanks read the same in every language)."""
    return isinstance(value, str) and bool(_LETTER.search(value))


def _id_column(table: str) -> str:
    from components.pack.load import ID_COLUMNS

    return ID_COLUMNS[table]


def _current(tables: Mapping[str, pd.DataFrame], meta: dict) -> dict[tuple[str, str, str], str]:
    """(table, record id, column) -> the English of every cell that needs a translation."""
    out: dict[tuple[str, str, str], str] = {}
    for (table, column) in schema.translated_columns(meta):
        df = tables.get(table)
        if df is None or column not in df:
            continue
        for rid, value in zip(df[_id_column(table)], df[column]):
            if needs_translation(value):
                out[(table, str(rid), column)] = value
    return out


def check(reader, tables: Mapping[str, pd.DataFrame], status: Mapping) -> None:
    """Warn of every text with no translation or a stale one, and of every category value or region with no
    label, in each language. (Rows of translations.csv that are malformed are errors of its own schema.) The
    messages are ``Msg``: English, shown translated on the data pack page."""
    if not status["translations"].loaded or not status["vocabulary"].loaded:
        return
    meta = reader.metadata
    tr = tables["translations"]
    file = meta["tables"]["translations"]["file"]
    have = {(r.table, r.record_id, r.column): (int(r.Index), r.en) for r in tr.itertuples()}
    for key, english in _current(tables, meta).items():
        table, rid, column = key
        if key not in have:
            reader.warn(file, Msg("{table} {record}, column '{column}' has no Russian or Kazakh translation: the "
                                  "English is shown", table=table, record=rid, column=column),
                        column=column, value=rid, rule="translated")
        elif have[key][1] != english:
            reader.warn(file, Msg("the translation of {table} {record}, column '{column}' is stale (the English has "
                                  "changed since): the English is shown until it is translated again",
                                  table=table, record=rid, column=column),
                        row=have[key][0], column="en", value=rid, rule="translation_current")
    voc = tables["vocabulary"]
    listed = set(zip(voc["table"], voc["column"], voc["value"]))
    vfile = meta["tables"]["vocabulary"]["file"]
    for (table, column), values in schema.vocabulary_columns(meta).items():
        if not values and (table, column) == ("regions", "region"):
            values = list(tables["regions"]["region"])
        for value in values:
            if (table, column, value) not in listed:
                reader.warn(vfile, Msg("the value '{value}' of {table}.{column} has no Russian or Kazakh label: the "
                                       "English is shown", value=value, table=table, column=column),
                            column="value", value=value, rule="vocabulary_complete")


@dataclasses.dataclass(frozen=True)
class Basis:
    """How a shown text came to be in this language: 'project' (the project's translation, the English is
    authoritative), 'official' (an official name or title) or 'original' (the text's own language)."""

    basis: str
    english: str
    source_ids: str | None = None


def _labels(pack, lang: str) -> dict[tuple[str, str], str]:
    """(column, English value) -> label: the vocabulary (region names under 'region') and the perpetrator groups."""
    voc = pack.tables["vocabulary"]
    labels = {(c, v): text for c, v, text in zip(voc["column"], voc["value"], voc[lang])}
    tr = pack.tables["translations"]
    label_columns = {c for (_, c), kind in schema.translated_columns(pack.metadata).items() if kind == LABEL}
    for column, english, text in zip(tr["column"], tr["en"], tr[lang]):
        if column in label_columns:
            labels.setdefault((column, english), text)
    return labels


def localized(pack, lang: str):
    """The pack with its texts in ``lang`` (a copy; the pack itself is not changed); the pack itself for English.
    Its ``data_dir`` names the language, so every memoised view is kept per language."""
    if lang not in LANGS:
        return pack
    meta = pack.metadata
    kinds = schema.translated_columns(meta)
    current = _current(pack.tables, meta)
    tr = pack.tables["translations"]
    by_cell: dict[tuple[str, str], dict[str, str]] = {}
    basis: dict[tuple[str, str, str], Basis] = {}
    for r in tr.itertuples():
        key = (r.table, r.record_id, r.column)
        if current.get(key) != r.en or kinds.get((r.table, r.column)) == LABEL:
            continue  # stale (the English is shown) or a label (translated where shown)
        by_cell.setdefault((r.table, r.column), {})[r.record_id] = getattr(r, lang)
        basis[key] = Basis(getattr(r, f"basis_{lang}"), r.en, r.source_ids if isinstance(r.source_ids, str) else None)
    tables = dict(pack.tables)
    for table in {*alts.TABLE_IDS, *(t for t, _ in by_cell)}:  # the copies this changes; never the pack's frames
        if table in tables:
            tables[table] = tables[table].copy()
    for (table, column), texts in by_cell.items():
        df = tables[table]
        ids = df[_id_column(table)].astype(str)
        shown = ids.map(texts)
        if kinds[(table, column)] == QUOTE:
            df[column + TRANSLATION_SUFFIX] = shown.astype("str")
        else:
            df[column] = shown.where(shown.notna(), df[column]).astype(df[column].dtype)
    t = i18n.load(lang).with_values(_labels(pack, lang))
    alts.attach(tables, t)
    return dataclasses.replace(pack, tables=tables, data_dir=f"{pack.data_dir}#lang={lang}", lang=lang, t=t,
                               basis=basis)
