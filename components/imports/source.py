"""What the readers (csv_reader, xlsx_reader) hand over and share: :class:`ImportFileError` for a file that cannot be
imported at all, the :class:`RawSource` an opened file becomes (its header, and its rows as chunks of text), and the
header and chunk helpers every reader uses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from components.i18n import Msg, Translator, shown
from components.imports.messages import Joined

# A column the careful CSV reader adds to a chunk when some of its rows have more or fewer fields than the header:
# the reason for each such row, a Msg ("" for the others). Header names are stripped, so none can be this one.
MALFORMED = " malformed"
CHUNK_ROWS = 100_000  # rows mapped at a time (bounds the memory of the mapping)

Chunks = Iterator[tuple[pd.DataFrame, list[int]]]  # (rows as text columns, the blank rows left out of them)


class ImportFileError(ValueError):
    """A file that cannot be imported at all. Nothing was stored; ``str(err)`` says what is wrong and where (in
    English), ``err.shown(t)`` the same in ``t``'s language. ``message`` is a ``Msg`` (plain text is shown as it
    is)."""

    def __init__(self, message: Msg | str, *, file: str | None = None, row: int | None = None,
                 column: str | None = None, value: str | None = None) -> None:
        self.message, self.file, self.row, self.column, self.value = message, file, row, column, value
        super().__init__(str(self))

    def location(self) -> Msg:
        """'file, row 3, column 'iday'' - the parts that are known."""
        return Joined([p for p in (self.file, Msg("row {row}", row=self.row) if self.row is not None else None,
                                   Msg("column '{column}'", column=self.column) if self.column else None) if p],
                      ", ")

    def msg(self) -> Msg | str:
        """The whole message: where, the value if known, and what is wrong."""
        where = self.location()
        if not where:
            return self.message
        if self.value is not None:
            return Msg("{where}: value {value}: {message}", where=where, value=repr(self.value), message=self.message)
        return Joined([where, self.message], ": ")

    def __str__(self) -> str:
        return str(self.msg())

    def shown(self, t: Translator) -> str:
        """The message in ``t``'s language."""
        return shown(self.msg(), t)

    def set_file(self, filename: str) -> None:
        """Name ``filename`` as the file where the error is, unless a file is named already (then re-raise)."""
        self.file = self.file or filename
        self.args = (str(self),)


class SlowPath(Exception):
    """The fast reader met a row it cannot place (wrong number of fields, odd quotes): read the file carefully."""


@dataclass
class RawSource:
    """An opened file: its header, and its data rows as chunks of text columns (blank = ""), indexed by spreadsheet
    row (the header is ``header_row``; blank rows are left out and reported with each chunk)."""

    columns: list[str]  # every header name, normalised (lower case, stripped)
    want: list[str]  # the columns read
    format: str | None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_row: int = 1
    fast: Callable[[], Chunks] | None = None  # may raise SlowPath
    slow: Callable[[], Chunks] | None = None
    notes: list[Msg] = field(default_factory=list)  # what the reader noticed (e.g. formulas without a value)

    def consume(self, fn):
        """[fn(frame, blank_rows) for each chunk], read carefully if the fast reader gives up."""
        try:
            return [fn(frame, blank) for frame, blank in self.fast()]
        except SlowPath:
            return [fn(frame, blank) for frame, blank in self.slow()]


def norm_header(name: object) -> str:
    """A header name as compared: without a byte-order mark, stripped, lower case."""
    return str(name if name is not None else "").replace("\ufeff", "").strip().lower()


def check_header(names: list[str], header_row: int) -> None:
    """Refuse a header that names a column twice."""
    seen: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        if not name:
            continue
        if name in seen:
            raise ImportFileError(Msg("the header names the column '{column}' twice (columns {first} and {second}); "
                                      "each column needs a unique name", column=name, first=seen[name], second=i),
                                  row=header_row, column=name)
        seen[name] = i


def printable(text: str, limit: int = 200) -> str:
    """``text`` fit to be shown in a message: characters that are not printable as '?', at most ``limit`` of
    them."""
    shown = "".join(ch if ch.isprintable() else "?" for ch in text[:limit])
    return shown + ("..." if len(text) > limit else "")


def tidy(df: pd.DataFrame) -> tuple[pd.DataFrame, list[int]]:
    """A chunk as the mapping gets it: every cell stripped text, blank rows left out (and listed). The MALFORMED
    column is the reader's, not the file's: its reasons (``Msg``, "" for a well-formed row) are kept as they are."""
    for name in df.columns:
        if name != MALFORMED:
            df[name] = df[name].astype("str").str.strip()
    if df.empty:
        return df, []
    nonblank = np.zeros(len(df), dtype=bool)
    for name in df.columns:
        nonblank |= (df[name] != "").to_numpy()
    if nonblank.all():
        return df, []
    return df[nonblank], df.index[~nonblank].tolist()


def chunked(df: pd.DataFrame) -> Chunks:
    """A frame read whole, handed over as tidied chunks of CHUNK_ROWS rows."""
    for start in range(0, len(df), CHUNK_ROWS):
        yield tidy(df.iloc[start:start + CHUNK_ROWS].copy())
