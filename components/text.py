"""Every sentence's small parts, in one place: plurals, dates by their precision, unknown counts, data text made safe
for markdown, HTML or XML. Pure code. The translated strings of the interface will be looked up here too.

- ``escape_md``: data text for ``st.markdown`` (shows as typed: no markup, no LaTeX, no emoji code, no autolink).
- ``escape_html``: data text for markdown with HTML on (markupsafe, as datasette does), then markdown-escaped.
- ``clean``: data text as plain text for a .pptx / PDF (characters XML cannot hold removed).
- ``date_long`` / ``date_iso`` / ``date_short``: a date no more precise than it is known.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

import markupsafe
import pandas as pd

from components.i18n import N_
from components.pack.values import is_blank

UNKNOWN = "unknown"

# ------------------------------------------------------------------------------------------------ numbers and words


def plural(n: int, word: str, words: str | None = None) -> str:
    """'1 incident', '3 incidents'; ``words`` for an irregular plural."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


def count_text(value: object) -> str:
    """A casualty figure: 'unknown' when blank, never 0."""
    return UNKNOWN if is_blank(value) else str(int(value))


# ------------------------------------------------------------------------------------------------ dates by precision
PRECISION_WORDS = {"day": "", "month": " (month only)", "year": " (year only)", "approximate": " (approximate)"}


def date_long(value: pd.Timestamp, precision: str) -> str:
    """'12 November 2011', 'November 2011 (month only)', '2011 (year only)', '10 June 2016 (approximate)'."""
    if is_blank(value):
        return UNKNOWN
    fmt = {"month": "%B %Y", "year": "%Y"}.get(precision, "%d %B %Y").replace("%d", str(value.day))
    return value.strftime(fmt) + PRECISION_WORDS.get(precision, "")


def date_iso(value: pd.Timestamp, precision: str) -> str:
    """Sortable date text no more precise than known: 2004-10-15, 2007-05, 2007 or 2016-06-10 (approx.)."""
    if is_blank(value):
        return UNKNOWN
    if precision == "month":
        return value.strftime("%Y-%m")
    if precision == "year":
        return value.strftime("%Y")
    if precision == "approximate":
        return value.strftime("%Y-%m-%d") + " (approx.)"
    return value.strftime("%Y-%m-%d")


def date_short(value: object, precision: object) -> str:
    """'12 Nov 2011', 'Nov 2011 (month only)', '2011 (year only)', '12 Nov 2011 (approx.)'."""
    if is_blank(value):
        return UNKNOWN
    d = pd.Timestamp(value)
    p = clean(precision)
    if p == "month":
        return d.strftime("%b %Y") + " (month only)"
    if p == "year":
        return d.strftime("%Y") + " (year only)"
    return f"{d.day} {d.strftime('%b %Y')}" + (" (approx.)" if p == "approximate" else "")


# ------------------------------------------------------------------------------------------------ safe text
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean(value: object, default: str = "") -> str:
    """Data text as plain text: blank -> default; characters that XML (hence a .pptx) cannot hold removed."""
    if is_blank(value):
        return default
    return _CONTROL.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n")


_MD_SPECIAL = "\\`*_{}[]()#+-.!|<>~$:=&\"'"
_MD_ESCAPES = str.maketrans({ch: "\\" + ch for ch in _MD_SPECIAL})
_MD_ESCAPES_KEEP_ENTITIES = str.maketrans({ch: "\\" + ch for ch in _MD_SPECIAL if ch not in "&;#"})
# Markdown turns a bare address ("http://...", "www...", "a@b.c") into a link even when its characters are escaped
# (GFM autolinks). A word joiner (U+2060, invisible, zero width) after the scheme, "www" or "@" stops that.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z]:)(?=//)|(?<=www)(?=\.)|(?<=@)")


def web_url(url: object) -> str:
    """A link target only for a web address (http or https, with a host), percent-encoded where markdown or XML
    would misread it (spaces, parentheses, quotes, angle brackets); '' for anything else, which stays plain text."""
    if is_blank(url):
        return ""
    parts = urlsplit(str(url).strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    return quote(str(url).strip(), safe=":/?#[]@!$&*+,;=%~")


def url_has_path(url: object) -> bool:
    """True for a deep address (http(s) with a path beyond '/' or a query), False for a bare domain or blank."""
    if is_blank(url):
        return False
    parts = urlsplit(str(url))
    return parts.scheme in ("http", "https") and bool(parts.netloc) and (parts.path.strip("/") != "" or bool(parts.query))


def escape_plotly(text: object) -> str:
    """Data text for plotly hovers, labels and annotations, which render a little HTML (<b>, <br>, <a>): <, > and &
    become entities, so data text never becomes markup. Quotes stay as they are (no attribute is written, and plotly
    would show their entities literally in some labels). Blank is ''."""
    return "" if is_blank(text) else html.escape(str(text), quote=False)


def escape_md(text: object) -> str:
    """Text from the data, made safe for st.markdown: every markdown, HTML, LaTeX and emoji-shortcode character
    is backslash-escaped, so it shows as typed and never as markup, and no bare address becomes a link."""
    return _AUTOLINK.sub("\u2060", "" if text is None else str(text)).translate(_MD_ESCAPES)


def escape_html(text: object) -> str:
    """Text from the data for st.markdown with HTML on: HTML-escaped by markupsafe (quotes too), then markdown
    characters backslash-escaped, leaving '&', '#' and ';' so that the entities still work."""
    escaped = str(markupsafe.escape("" if text is None else str(text)))
    return _AUTOLINK.sub("\u2060", escaped).translate(_MD_ESCAPES_KEEP_ENTITIES)


COORD_WORDS = {"site": N_("incident site"), "settlement": N_("centre of the named settlement, not the exact site"),
               "area": N_("rough location within the area")}
COORD_NOT_STATED = N_("precision not stated")


def or_unknown(value: object, unknown: str = "unknown") -> str:
    """The value as text, or ``unknown`` when it is blank."""
    return unknown if is_blank(value) else str(value)
