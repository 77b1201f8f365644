"""What the three row mappings (gtd, acled, own) share: the :class:`Mapped` result a mapping returns, the
:class:`Issues` it collects per row, and the parsing of cell values - whole numbers and counts, numbers, codes,
dates (text or Excel serial days) - and the building of note columns. Vectorised: nothing here loops over rows.

Every cell arrives as text ("" = blank); nothing is imputed: a blank count stays unknown, a cell that does not parse
is an issue of its row with a message naming the value. The messages are templates with the rows' values
(``messages.RowMsg``), so the page can give them in the user's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from components.i18n import ENGLISH, N_, Msg, Translator
from components.imports.messages import Reasons, RowMsg
from components.pack import schema

# A rule that puts rows out of scope: (mask, kind, reason). The kind is a short constant marked N_ (stored as it is,
# translated where shown); the reason a Msg, or a RowMsg whose values are the rows' own.
ScopeRule = tuple[np.ndarray, str, Msg | RowMsg]
Column = Callable[[str], pd.Series]  # a raw column by name: ``partial(col, raw)`` (blank if the file lacks it)

OUTSIDE_KAZAKHSTAN = N_("outside Kazakhstan")  # kinds of out-of-scope rows
OUTSIDE_PERIOD = N_("outside 1991-2016")


class Issues:
    """Reasons per row, collected rule by rule (vectorised)."""

    def __init__(self, index: pd.Index) -> None:
        self.index = index
        self.found = Reasons()

    def add(self, mask, column: str | None, message: Msg | RowMsg) -> None:
        """Rows where ``mask`` holds get ``message``, after the column's name: a ``Msg``, or a ``RowMsg`` whose
        values are taken from the failing rows only (so messages are not built for clean files)."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        self.found.add(self.index[mask].to_numpy(), column, message, mask)

    def mask(self) -> np.ndarray:
        """Which rows have at least one issue."""
        if not self.found.parts:
            return np.zeros(len(self.index), dtype=bool)
        return self.index.isin(pd.Index(self.found.rows()))

    def reasons(self, t: Translator = ENGLISH) -> pd.Series:
        """Row -> '; '-joined reasons (in English unless ``t`` says otherwise)."""
        return self.found.render(t)


@dataclass
class Mapped:
    """A chunk of raw rows mapped onto the event columns, before scope, coordinates and regions are settled."""

    frame: pd.DataFrame  # event columns + provenance, one row per raw row
    issues: Issues
    out_of_scope: list[ScopeRule]  # in order: the first rule that takes a row gives its reason
    region_source: pd.Series  # the region name as written in the file
    latitude: pd.Series  # raw text
    longitude: pd.Series
    coord_label: str  # who gave the point, for notes ('GTD', 'ACLED', 'file')
    notes: list[Msg] = field(default_factory=list)


def col(raw: pd.DataFrame, name: str) -> pd.Series:
    """The column ``name`` of ``raw``, or a blank one if the file has no such column."""
    if name in raw:
        return raw[name]
    return pd.Series("", index=raw.index, dtype="str")


def code(s: pd.Series) -> pd.Series:
    """A column of codes as text, without the trailing '.0' spreadsheets write ('1.0' -> '1')."""
    return s.str.replace(r"\.0+$", "", regex=True)


def num(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """(float values, mask of cells that are not blank but not a finite number: 'inf', 'nan', 'x')."""
    blank = (s == "").to_numpy()
    values = pd.to_numeric(s.where(~blank), errors="coerce").astype("float64")
    values = values.where(np.isfinite(values.to_numpy()))
    return values, (~blank) & values.isna().to_numpy()


_WHOLE_RE = re.compile(r"-?[0-9]+(?:\.0+)?")  # digits only; GTD writes 12 as "12.0"
_FRACTION_RE = re.compile(r"-?[0-9]*\.[0-9]+")
MAX_WHOLE = 10**9  # beyond any count of persons or year; keeps the values exact and within Int64


def _parse_whole(text: str) -> tuple[float, str]:
    """(value, status) of one cell read as a whole number written in ASCII digits. Status: 'ok', 'blank',
    'fraction' (a decimal number such as '2.5'), 'large' or 'text' (anything else: '1e2', 'inf', 'nan', '+3',
    '0x10', 'x'); the value is NaN unless the status is 'ok'."""
    if text == "":
        return np.nan, "blank"
    if _WHOLE_RE.fullmatch(text):
        value = int(text.split(".", 1)[0])
        return (float(value), "ok") if abs(value) <= MAX_WHOLE else (np.nan, "large")
    return np.nan, "fraction" if _FRACTION_RE.fullmatch(text) else "text"


def whole(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(float values, status per cell) of a column of whole numbers (:func:`_parse_whole`), parsing each distinct
    value once."""
    table = {v: _parse_whole(v) for v in pd.unique(s)}
    values = s.map({v: r[0] for v, r in table.items()}).astype("float64")
    return values, s.map({v: r[1] for v, r in table.items()}).astype("str")


def count(s: pd.Series, column: str, issues: Issues) -> pd.Series:
    """Whole non-negative numbers written in digits; blank -> <NA>; anything else is an issue of the row."""
    values, status = whole(s)
    issues.add((status == "text").to_numpy(), column,
               RowMsg(N_("'{value}' is not a number written in digits (leave the cell blank if unknown)"), value=s))
    issues.add((status == "fraction").to_numpy(), column,
               RowMsg(N_("'{value}' is not a whole number of persons"), value=s))
    issues.add((status == "large").to_numpy(), column, RowMsg(N_("'{value}' is too large for a count"), value=s))
    negative = (values < 0).fillna(False).to_numpy()
    issues.add(negative, column, RowMsg(N_("'{value}' is negative (a count cannot be negative)"), value=s))
    return values.where(~negative).astype("Int64")


def join(parts: Sequence[pd.Series], sep: str = "; ") -> pd.Series:
    """Join text columns row by row, skipping blanks ("" or missing)."""
    out = None
    for p in parts:
        p = p.astype("str").fillna("")
        if out is None:
            out = p
            continue
        both = (out != "") & (p != "")
        out = out + pd.Series(np.where(both.to_numpy(), sep, ""), index=out.index, dtype="str") + p
    return out


def where(mask, text, index: pd.Index) -> pd.Series:
    """``text`` (a string, a Series or a function returning one, called only if needed) where ``mask``, else ""."""
    mask = np.asarray(mask, dtype=bool)
    base = pd.Series("", index=index, dtype="str")
    if not mask.any():
        return base
    if callable(text):
        text = text()
    if isinstance(text, pd.Series):
        return base.where(~mask, text.astype("str"))
    return base.where(~mask, text)


def constant(value: str, index: pd.Index) -> pd.Series:
    """A text column holding ``value`` on every row."""
    return pd.Series(value, index=index, dtype="str")


def map_unique(s: pd.Series, fn) -> pd.Series:
    """``s.map(fn)`` calling ``fn`` once per distinct value (a Python function, so never once per row)."""
    table = {v: fn(v) for v in pd.unique(s)}
    return s.map(table)


def slug_id(prefix: str, ids: pd.Series) -> pd.Series:
    """Event ids from source ids: ``prefix`` + the id in lower case, runs of other characters as '-'."""
    slug = ids.str.lower().str.replace(r"[^a-z0-9]+", "-", regex=True).str.strip("-")
    return (prefix + slug).where(ids != "", "")


def excel_serial(s: pd.Series) -> pd.Series:
    """Excel serial day numbers (5 digits: 1927-2173) -> timestamps; anything else NaT."""
    is_serial = s.str.fullmatch(r"\d{5}(\.\d+)?").fillna(False)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    if is_serial.any():
        days = pd.to_numeric(s[is_serial]).astype("float64").apply(np.floor)
        out[is_serial] = pd.to_datetime(days, unit="D", origin="1899-12-30").astype("datetime64[us]")
    return out


def parse_dates(s: pd.Series, formats: Sequence[str]) -> pd.Series:
    """Text dates in any of ``formats`` (tried in order) or Excel serial numbers -> datetime64[us] (NaT if none)."""
    out = excel_serial(s)
    for fmt in formats:
        todo = out.isna() & (s != "")
        if not todo.any():
            break
        out[todo] = pd.to_datetime(s[todo], format=fmt, errors="coerce").astype("datetime64[us]")
    return out.astype("datetime64[us]")


def in_period(date: pd.Series) -> np.ndarray:
    """Which dates fall in the dashboard's period (1991-2016, by year); NaT is not in it."""
    return date.dt.year.between(schema.PERIOD_START.year, schema.PERIOD_END.year).fillna(False).to_numpy()


def period_reason(date: pd.Series) -> RowMsg:
    """The out-of-scope reason of dates outside the period (the dates written only for the rows it takes)."""
    return RowMsg(N_("outside 1991-2016 (date {date})"), date=lambda: date.dt.strftime("%Y-%m-%d"))
