"""The messages of an import in any language: what is wrong with a file, with a row, what was noticed.

Every message is built in English where it is found, and remembers its template and values so that the page can
show it in the user's language (``components.i18n.Msg``):

- :class:`Joined`: messages and plain text put together ('; '-separated lists, a label and its columns, a location
  and a message), each part shown in the language asked for;
- :class:`RowMsg`: a message whose values differ row by row (the value of the cell that does not parse), its
  template marked with ``N_`` for the catalogue;
- :class:`Reasons`: the reasons of many rows, rule by rule, kept as templates with their values as arrays: built
  and shown vectorised (one string operation per rule, never a Python object per row), in English for the preview's
  frames and the store, in another language for the page.

The values of a message (a file's own words, a column's name, a row's value, a row number) are shown as they are.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from components.i18n import ENGLISH, Msg, Translator, shown

_FORMATTER = string.Formatter()


class Joined(Msg):
    """Messages and plain text put together with ``sep``: the English is the parts' English joined; ``shown(t)``
    joins each part shown in ``t``'s language. Plain text parts (punctuation, a file's words) stay as they are."""

    items: tuple
    sep: str

    def __new__(cls, items: Iterable[object], sep: str = "") -> Joined:
        items = tuple(items)
        self = str.__new__(cls, sep.join(str(i) for i in items))
        self.template, self.plural, self.count, self.params = sep.join(str(i) for i in items), None, None, {}
        self.items, self.sep = items, sep
        return self

    def __reduce__(self):
        return Joined, (self.items, self.sep)

    def shown(self, t: Translator) -> str:
        return self.sep.join(shown(i, t) for i in self.items)


class RowMsg:
    """A message per row: a template (marked ``N_("...")`` at the call site, so the catalogue has it) and its values,
    each a Series aligned with the rows (or a function returning one, called only when the rule takes some row), or
    one value for every row (text, a number, a ``Msg``)."""

    __slots__ = ("template", "params")

    def __init__(self, template: str, /, **params: object) -> None:
        self.template, self.params = template, params

    def values(self, mask: np.ndarray) -> dict[str, object]:
        """The values of the rows where ``mask`` holds: arrays of text, or the one value of every row."""
        out = {}
        for name, value in self.params.items():
            if callable(value):
                value = value()
            if isinstance(value, pd.Series):  # the failing rows' values only, as text (a missing one as blank)
                value = value[mask].astype("str").fillna("").to_numpy(dtype=object)
            elif isinstance(value, np.ndarray):
                value = value[mask].astype(str).astype(object)
            out[name] = value
        return out


@dataclass
class _Part:
    """The rows one rule took, with their message: a template and its values (arrays or one value), one ``Msg``
    for every row, or a ``Msg`` per row (``msgs``, from the careful CSV reader, which reads row by row anyway)."""

    rows: np.ndarray
    column: str | None
    template: str | None = None
    values: dict[str, object] = field(default_factory=dict)
    msg: Msg | None = None
    msgs: np.ndarray | None = None

    def take(self, keep: np.ndarray) -> _Part:
        values = {k: (v[keep] if isinstance(v, np.ndarray) else v) for k, v in self.values.items()}
        return _Part(self.rows[keep], self.column, self.template, values, self.msg,
                     None if self.msgs is None else self.msgs[keep])

    def text(self, t: Translator) -> np.ndarray:
        """The message of each row in ``t``'s language (an object array of str), the column named before it."""
        n = len(self.rows)
        if self.msgs is not None:
            out = np.array([shown(m, t) for m in self.msgs], dtype=object)
        elif self.msg is not None:
            out = np.full(n, self.msg.shown(t), dtype=object)
        else:
            out = fill(t(self.template), self.values, n, t)
        return out if not self.column else self.column + ": " + out


def fill(template: str, values: dict[str, object], n: int, t: Translator = ENGLISH) -> np.ndarray:
    """``template`` filled in for ``n`` rows at once: each field an array of the rows' values or one value (a
    ``Msg`` shown in ``t``'s language). A string operation per field, not per row."""
    out = np.full(n, "", dtype=object)
    for literal, name, spec, conversion in _FORMATTER.parse(template):
        if literal:
            out = out + literal
        if name is None:
            continue
        if spec or conversion:
            raise ValueError(f"a row message's fields are plain names: {template!r}")
        value = values[name]
        out = out + (value if isinstance(value, np.ndarray) else shown(value, t))
    return out


class Reasons:
    """The reasons of rows, rule by rule (each rule: its rows, the column it checks, its message): ``render(t)``
    gives row -> the rule's messages '; '-joined in the order the rules were added, in ``t``'s language."""

    def __init__(self, parts: Iterable[_Part] = ()) -> None:
        self.parts: list[_Part] = [p for p in parts if len(p.rows)]

    def add(self, rows: np.ndarray, column: str | None, message: Msg | RowMsg, mask: np.ndarray | None = None,
            ) -> None:
        """``rows`` (labels) get ``message``; a :class:`RowMsg`'s values are taken where ``mask`` (over the Series
        it was given) holds. Plain text is refused: it could be shown in English only."""
        rows = np.asarray(rows)
        if not len(rows):
            return
        if isinstance(message, RowMsg):
            mask = np.ones(len(rows), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
            self.parts.append(_Part(rows, column, message.template, message.values(mask)))
        elif isinstance(message, Msg):
            self.parts.append(_Part(rows, column, msg=message))
        else:
            raise TypeError(f"a row's reason is a Msg or a RowMsg (shown in every language), not {message!r}")

    def add_each(self, rows: np.ndarray, msgs: np.ndarray, column: str | None = None) -> None:
        """``rows`` get a message each (``msgs``, aligned with them)."""
        if len(rows):
            self.parts.append(_Part(np.asarray(rows), column, msgs=np.asarray(msgs, dtype=object)))

    def extend(self, other: Reasons) -> None:
        self.parts.extend(other.parts)

    @classmethod
    def combine(cls, many: Iterable[Reasons]) -> Reasons:
        return cls(p for r in many for p in r.parts)

    def rows(self) -> np.ndarray:
        """The rows that have a reason (with repeats, when several rules took one)."""
        if not self.parts:
            return np.array([], dtype="int64")
        return np.concatenate([p.rows for p in self.parts])

    def subset(self, rows: Iterable[int]) -> Reasons:
        """The reasons of ``rows`` only."""
        rows = np.asarray(list(rows) if not isinstance(rows, np.ndarray | pd.Index) else rows)
        return Reasons(p.take(np.isin(p.rows, rows)) for p in self.parts)

    def render(self, t: Translator = ENGLISH) -> pd.Series:
        """Row -> its reasons '; '-joined, in ``t``'s language, rows in order."""
        if not self.parts:
            return pd.Series(dtype="str")
        rows, texts = self.rows(), np.concatenate([p.text(t) for p in self.parts])
        # Rows in order, each row's reasons in the order of the rules: a row's k-th reason is appended to the k-1
        # before it for all rows at once (a few rounds: few rules take the same row), not a join per row.
        order = np.argsort(rows, kind="stable")
        rows, texts = rows[order], texts[order]
        first = np.r_[True, rows[1:] != rows[:-1]]
        group = np.cumsum(first) - 1
        rank = np.arange(len(rows)) - np.flatnonzero(first)[group]
        out = texts[first]
        for k in range(1, int(rank.max()) + 1):
            more = rank == k
            out[group[more]] = out[group[more]] + "; " + texts[more]
        return pd.Series(out, index=rows[first]).astype("str")


def shown_column(values: pd.Series, t: Translator) -> pd.Series:
    """A column of a few distinct constant texts (kinds, reasons marked ``N_``) in ``t``'s language, each distinct
    value translated once."""
    text = values.astype("str")
    return text.map({v: t(v) for v in pd.unique(text.dropna())})
