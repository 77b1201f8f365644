"""Languages: the interface in Kazakh, Russian and English. Every user-facing string is written in English in the
code, marked with ``t("...")`` (or ``t.n(singular, plural, n)``), and looked up in a gettext catalogue,
``locales/<lang>/LC_MESSAGES/messages.po``, compiled in memory with Babel when it is loaded; plural forms follow the
catalogue's Plural-Forms (Russian one/few/many, Kazakh one/other). Dates and numbers are formatted by Babel for the
locale; English keeps the project's own formats. Pure code: the app keeps one ``Translator`` per language."""

from __future__ import annotations

import functools
import gettext
import io
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGS = ("kk", "ru", "en")
DEFAULT = "en"
NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"
DOMAIN = "messages"


def catalogue_path(lang: str) -> Path:
    return LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def N_(message: str) -> str:
    """Mark a string for the catalogue where it is defined (a label in a table of constants); translate it where
    it is shown, with ``t(label)``."""
    return message


class Msg(str):
    """A message built in pure code (an import's row reason, a data pack problem) that a page can show in the
    user's language: it *is* the English text (``str``, so logs, tests and comparisons see English), and remembers
    its template and values, so ``msg.shown(t)`` gives it in ``t``'s language. The template is written where the
    message is built, ``Msg("{column}: not a date", column=c)``, or with plural forms ``Msg.n(singular, plural, n)``;
    ``scripts/i18n.py`` takes both into the catalogue. A value that is itself a ``Msg`` is translated too; other
    values (a file's own words, a column's name, a row's value) are shown as they are."""

    template: str
    plural: str | None
    count: int | None
    params: dict

    def __new__(cls, template: str, /, **params) -> Msg:
        self = super().__new__(cls, template.format(**params) if params else template)
        self.template, self.plural, self.count, self.params = template, None, None, params
        return self

    @classmethod
    def n(cls, singular: str, plural: str, n: int, /, **params) -> Msg:
        """'{n} row' / '{n} rows' by ``n``, the English form chosen as English chooses."""
        self = cls(singular if n == 1 else plural, n=f"{n:,}", **params)
        self.template, self.plural, self.count = singular, plural, n
        return self

    def __reduce__(self):  # pickled by the caches: keep the template and values
        return _msg_restore, (str(self), self.template, self.plural, self.count, self.params)

    def shown(self, t: Translator) -> str:
        """The message in ``t``'s language (English when the catalogue lacks it)."""
        params = {k: (v.shown(t) if isinstance(v, Msg) else v) for k, v in self.params.items()}
        if self.plural is not None:
            params["n"] = t.number(self.count)
            return t.translations.ngettext(self.template, self.plural, self.count).format(**params)
        return t(self.template).format(**params) if params else t(self.template)


def _msg_restore(text: str, template: str, plural: str | None, count: int | None, params: dict) -> Msg:
    self = str.__new__(Msg, text)
    self.template, self.plural, self.count, self.params = template, plural, count, params
    return self


def shown(message: object, t: Translator) -> str:
    """Any message in ``t``'s language: a ``Msg`` translated, anything else as it is."""
    return message.shown(t) if isinstance(message, Msg) else str(message)


def pick(requested: object, browser_locale: object = None) -> str:
    """The language to show: the one the link asks for if known, else the browser's (``st.context.locale``, e.g.
    'ru-RU'), else English."""
    for value in (requested, browser_locale):
        code = str(value or "").strip().lower().replace("_", "-").split("-")[0]
        if code in LANGS:
            return code
    return DEFAULT


@dataclass(frozen=True)
class Translator:
    """The strings and formats of one language."""

    lang: str
    translations: gettext.NullTranslations
    # The data pack's vocabulary in this language: (column, English value) -> label (regions by their official
    # names, attack types, categories ...). Set by ``components.pack.translate``; empty for English.
    values: Mapping[tuple[str, str], str] = field(default_factory=dict, compare=False, hash=False)

    def __call__(self, message: str) -> str:
        return self.translations.gettext(message) if message else message

    def value(self, column: str, value: object) -> object:
        """A data value of ``column`` (a category, a region) in this language; the value itself when it has no
        translation (English, numbers, blanks, imported datasets' own words)."""
        if isinstance(value, str):
            return self.values.get((column, value), value)
        return value

    def with_values(self, values: Mapping[tuple[str, str], str]) -> Translator:
        return replace(self, values=values)

    def n(self, singular: str, plural: str, n: int) -> str:
        """The form for ``n`` ('{n} incident' / '{n} incidents'), with ``{n}`` filled in, digits grouped."""
        return self.translations.ngettext(singular, plural, n).format(n=self.number(n))

    def number(self, n: int) -> str:
        return f"{n:,}" if self.lang == "en" else f"{n:,}".replace(",", "\u00a0")

    def date(self, value: pd.Timestamp, precision: str) -> str:
        """A date as precise as it is known: day (Russian '16 февраля 1999 г.', Kazakh '1999 ж. 16 ақпан'), month
        (nominative: 'февраль 1999'), year."""
        from components.text import date_long

        if self.lang == "en" or pd.isna(value):
            return date_long(value, precision)
        t, day = self, value.date()
        if precision == "month":
            return format_date(day, "LLLL y", locale=self.lang) + t(" (month only)")
        if precision == "year":
            return str(day.year) + t(" (year only)")
        text = format_date(day, "long", locale=self.lang)
        return text + t(" (approximate)") if precision == "approximate" else text


@functools.lru_cache(maxsize=len(LANGS))
def load(lang: str) -> Translator:
    """The translator of ``lang`` from its catalogue (English: the code's own strings)."""
    if lang == DEFAULT or lang not in LANGS:
        return Translator(DEFAULT, gettext.NullTranslations())
    with catalogue_path(lang).open("rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return Translator(lang, gettext.GNUTranslations(buf))


ENGLISH = load(DEFAULT)
