"""Reading an Excel workbook upload (:func:`open_xlsx`): the first sheet with a header row of a recognised format, its
cells as text (dates as YYYY-MM-DD, 12.0 as 12), read in bounded work (module ``xlsx_stream``).

Before anything is parsed the workbook's parts are checked against their limits from the zip's directory (a part
that unpacks to gigabytes, or packs like a zip bomb, is refused naming it and its sizes), and the chosen sheet's rows
are counted (refused over ``xlsx_stream.MAX_ROWS``). The sheet is then streamed, only the wanted columns kept, within
the import's processing time (``xlsx_stream.CPU_LIMIT_S``).

A damaged workbook is refused naming what is wrong where that can be found: the zip part that is missing (a sheet
listed in ``[Content_Types].xml`` but absent), corrupted or not well-formed XML; never the XML parser's own message.
Formula cells saved without their calculated value are read as blank, and a note lists them.
"""

from __future__ import annotations

import zipfile

from components.i18n import Msg
from components.imports import xlsx_stream
from components.imports.formats import detect_or_none
from components.imports.messages import Joined
from components.imports.source import ImportFileError, RawSource, check_header, norm_header, printable
from components.imports.xlsx_stream import Book, Formulas, Sheet

FORMULA_CELLS_LISTED = 20


def open_xlsx(data: bytes, wanted, require_format: bool) -> RawSource:
    """The first sheet with a header row of a recognised format (with ``require_format``) as a source.
    ``wanted(names)`` gives the columns to read."""
    budget = xlsx_stream.Budget()
    try:
        book = xlsx_stream.open_book(data, budget)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        if isinstance(exc, ImportFileError):
            raise
        raise _not_a_workbook(exc) from None
    if book.missing_sheet:  # a sheet the content types list, absent from the zip
        raise xlsx_stream.missing(book.missing_sheet, sheet=True)
    problems = []
    parts = set(book.zf.namelist())
    for sheet in book.sheets:
        if sheet.part not in parts:
            raise xlsx_stream.missing(sheet.part, sheet=True)
        try:
            source = _sheet_source(book, sheet, wanted, require_format)
        except _SheetFormatError as exc:
            problems.append((sheet.name, exc.error))
            continue
        if source is not None:
            return source
    if problems:
        title, exc = problems[0]
        raise ImportFileError(Msg("sheet '{sheet}': {message}", sheet=title, message=exc.message), row=exc.row)
    raise ImportFileError(Msg("the workbook has no sheet with a header row; expected a header row and data rows"))


class _SheetFormatError(Exception):
    """A sheet whose header is of no recognised format (the next sheet is tried)."""

    def __init__(self, error: ImportFileError) -> None:
        super().__init__(str(error))
        self.error = error


def _header(book: Book, sheet: Sheet) -> tuple[int, list[object]] | None:
    """(row, values) of the sheet's first row with a value (values by column, None where blank), or None. Only the
    rows up to it are read."""
    rows = xlsx_stream.exact_rows(book, sheet)
    try:
        for row, cells, _ in rows:
            if any(v is not None and str(v).strip() for _, v, _ in cells):
                values: list[object] = [None] * (max(c for c, _, _ in cells) + 1)
                for column, value, _ in cells:
                    values[column] = value
                return row, values
    finally:
        rows.close()
    return None


def _sheet_source(book: Book, sheet: Sheet, wanted, require_format: bool) -> RawSource | None:
    """One sheet as a source (None if it has no header row). Raises _SheetFormatError for a header of no
    recognised format."""
    found = _header(book, sheet)
    if found is None:
        return None
    header_row, header = found
    names = [norm_header(v) for v in header]
    try:
        fmt = detect_or_none(names, header_row, require_format)
    except ImportFileError as exc:
        raise _SheetFormatError(exc) from None
    try:
        check_header(names, header_row)
    except ImportFileError as exc:
        raise ImportFileError(Msg("sheet '{sheet}': {message}", sheet=sheet.name, message=exc.message),
                              row=exc.row, column=exc.column) from None
    want = wanted(names)
    positions = {names.index(w): j for j, w in enumerate(want)}
    rows = xlsx_stream.count_rows(book, sheet)  # refused over the row limit before a cell is read
    notes: list[Msg] = []

    def read(reader):
        def chunks():
            if not want:
                return
            formulas = Formulas(FORMULA_CELLS_LISTED)
            yield from reader(formulas)
            if formulas.total:
                notes.append(_formula_note(sheet.name, formulas))
        return chunks

    fast = read(lambda f: xlsx_stream.fast_chunks(book, sheet, want, positions, header_row, f, rows))
    slow = read(lambda f: xlsx_stream.exact_chunks(book, sheet, want, positions, header_row, f))
    return RawSource(names, want, fmt, sheet=sheet.name, header_row=header_row, fast=fast, slow=slow, notes=notes)


def _not_a_workbook(exc: BaseException) -> ImportFileError:
    """A file that is no zip at all, or one zipfile cannot list: its own words (English) are given as they are."""
    return ImportFileError(Msg("cannot be opened as an Excel workbook: the file is damaged or truncated ({error}); "
                               "save it again as .xlsx or as CSV", error=printable(str(exc), 120)))


def _formula_note(sheet: str, formulas: Formulas) -> Msg:
    listed = Joined([Msg("row {row} column '{column}'", row=row, column=name) for row, name in formulas.cells], ", ")
    if formulas.total > len(formulas.cells):
        listed = Msg("{cells} and {n} more", cells=listed, n=formulas.total - len(formulas.cells))
    return Msg.n("Sheet '{sheet}': {n} formula cell has no saved value and was read as blank: {cells}. The workbook "
                 "was saved without its calculated values; open it in Excel or LibreOffice and save it again to "
                 "import it.",
                 "Sheet '{sheet}': {n} formula cells have no saved value and were read as blank: {cells}. The "
                 "workbook was saved without its calculated values; open it in Excel or LibreOffice and save it "
                 "again to import them.", formulas.total, sheet=printable(sheet), cells=listed)
