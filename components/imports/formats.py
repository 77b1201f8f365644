"""The three formats side by side: recognising a file's format from its header (:func:`detect_format`), the columns
read for each, and what each format's module provides - its row mapping, its id column, its citation and licence.

- ``events``: the dashboard's own ``events`` table (``data/metadata.json``), module ``own``;
- ``gtd``: an export of the Global Terrorism Database (START), codebook columns ``eventid, iyear, imonth, iday, ...``;
- ``acled``: an ACLED export, ``event_id_cnty, event_date, ...``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import pandas as pd

from components.i18n import Msg
from components.imports import acled, gtd, own
from components.imports.columns import FORMAT_ACLED, FORMAT_EVENTS, FORMAT_GTD, FORMAT_LABELS, event_columns
from components.imports.messages import Joined
from components.imports.rows import Mapped, col
from components.imports.source import ImportFileError, norm_header, printable

# Columns that identify each format (all must be present). Listed in this order in messages; tried in DETECTION_ORDER.
REQUIRED = {FORMAT_EVENTS: own.REQUIRED, FORMAT_GTD: gtd.REQUIRED, FORMAT_ACLED: acled.REQUIRED}
DETECTION_ORDER = (FORMAT_GTD, FORMAT_ACLED, FORMAT_EVENTS)
ID_COLUMNS = {FORMAT_EVENTS: own.ID_COLUMN, FORMAT_GTD: gtd.ID_COLUMN, FORMAT_ACLED: acled.ID_COLUMN}
MAPPERS: dict[str, Callable[[pd.DataFrame, tuple[str, ...]], Mapped]] = {
    FORMAT_GTD: gtd.map_rows, FORMAT_ACLED: acled.map_rows, FORMAT_EVENTS: own.map_rows}
# Whether a format's terms allow its rows to be redistributed (in a downloadable CSV or zip). GTD's and ACLED's terms
# of use do not; a file in the dashboard's own format is its owner's to license, so its rows go out with the licence
# the dataset states. Aggregated figures, charts and briefings may use every format, citing it.
REDISTRIBUTABLE = {FORMAT_EVENTS: True, FORMAT_GTD: False, FORMAT_ACLED: False}


def detect_format(columns: Iterable[object]) -> str:
    """'events', 'gtd' or 'acled' from the header names; raises :class:`ImportFileError` otherwise, saying which
    format the header comes close to and what it lacks."""
    names = {norm_header(c) for c in columns}
    for fmt in DETECTION_ORDER:
        if all(c in names for c in REQUIRED[fmt]):
            return fmt
    near = []
    for fmt, req in REQUIRED.items():
        have = [c for c in req if c in names]
        if len(have) >= max(2, len(req) // 3):
            missing = [c for c in req if c not in names]
            near.append(Msg.n("It looks like a {format} but lacks the column: {columns}",
                              "It looks like a {format} but lacks the columns: {columns}", len(missing),
                              format=Msg(FORMAT_LABELS[fmt]), columns=", ".join(missing)))
    expected = Joined([Joined([Msg(FORMAT_LABELS[f]), ": " + ", ".join(req)]) for f, req in REQUIRED.items()], "; ")
    shown = ", ".join(printable(n, 40) for n in sorted(n for n in names if n)[:12]) or Msg("(none)")
    # One sentence per format the header comes close to, then what the header has.
    raise ImportFileError(Joined([Msg("not a recognised format; expected columns - {expected}", expected=expected),
                                  *near, Msg("The file's header has: {columns}", columns=shown)], ". "), row=1)


def detect_or_none(names: list[str], header_row: int, require: bool) -> str | None:
    """The format of a header found at ``header_row``; None for an unknown one unless ``require``."""
    try:
        return detect_format(names)
    except ImportFileError as exc:
        if require:
            exc.row = header_row
            raise
        return None


def columns_read(fmt: str, names: Sequence[str]) -> list[str]:
    """The columns of ``names`` that the mapping of ``fmt`` reads."""
    if fmt == FORMAT_GTD:
        use = set(gtd.REQUIRED) | set(gtd.OPTIONAL)
    elif fmt == FORMAT_ACLED:
        use = set(acled.REQUIRED) | set(acled.OPTIONAL)
    else:
        use = set(event_columns())
    return [n for n in names if n in use]


def record_ids(fmt: str, raw: pd.DataFrame) -> pd.Series:
    """The source ids of raw rows, as the mapping of ``fmt`` reads them."""
    ids = col(raw, ID_COLUMNS[fmt])
    return gtd.record_ids(ids) if fmt == FORMAT_GTD else ids


def provenance(fmt: str, filename: str) -> tuple[str, str, str | None]:
    """(citation, licence, casualty note) of a file of format ``fmt``."""
    if fmt == FORMAT_GTD:
        return gtd.CITATION, gtd.LICENCE, gtd.CASUALTY_NOTE
    if fmt == FORMAT_ACLED:
        return acled.CITATION, acled.LICENCE, acled.CASUALTY_NOTE
    return own.citation(filename), own.LICENCE, None


def redistributable(fmt: str) -> bool:
    """Whether rows of a dataset of format ``fmt`` may be handed out in a download; a format not known here may not
    (the safe side: a new format says so explicitly in REDISTRIBUTABLE)."""
    return REDISTRIBUTABLE.get(str(fmt), False)
