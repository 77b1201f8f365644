"""Reading an Excel workbook upload (:func:`open_xlsx`, openpyxl): the first sheet with a header row of a recognised
format, its cells as text (dates as YYYY-MM-DD, 12.0 as 12).

A damaged workbook is refused naming what is wrong where that can be found: the zip part that is missing (a sheet
listed in ``[Content_Types].xml`` but absent, which openpyxl skips without a word) or that is not well-formed XML;
never the XML parser's own message. Formula cells saved without their calculated value are read as blank, and a
note lists them.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from datetime import date, datetime
from functools import partial

import pandas as pd

from components.i18n import Msg
from components.imports.formats import detect_or_none
from components.imports.messages import Joined
from components.imports.source import ImportFileError, RawSource, check_header, chunked, norm_header, printable

# openpyxl's errors for a workbook it cannot read: a damaged zip, a missing part (KeyError), XML that is not
# well-formed (SyntaxError: ElementTree's and lxml's parse errors), values its classes refuse (ValueError, TypeError).
_WORKBOOK_ERRORS = (zipfile.BadZipFile, KeyError, OSError, EOFError, SyntaxError, ValueError, TypeError)
_XML_PART_SUFFIXES = (".xml", ".rels", ".vml")
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
FORMULA_CELLS_LISTED = 20


def open_xlsx(data: bytes, wanted, require_format: bool) -> RawSource:
    """The first sheet with a header row of a recognised format (with ``require_format``) as a source.
    ``wanted(names)`` gives the columns to read."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _WORKBOOK_ERRORS as exc:
        raise _damaged_workbook(data, exc) from None
    missing = _missing_sheet_part(data)
    if missing:  # openpyxl skips a sheet whose part is missing without a word
        wb.close()
        raise ImportFileError(Msg("the workbook is damaged: its part '{part}' (a sheet) is missing; save it again "
                                  "as .xlsx or as CSV", part=printable(missing)))
    try:
        problems = []
        for ws in wb.worksheets:
            try:
                source = _sheet_source(data, ws, wanted, require_format)
            except _SheetFormatError as exc:
                problems.append((ws.title, exc.error))
                continue
            if source is not None:
                return source
    except ImportFileError:
        raise
    except _WORKBOOK_ERRORS as exc:
        raise _damaged_workbook(data, exc) from None
    finally:
        wb.close()
    if problems:
        title, exc = problems[0]
        raise ImportFileError(Msg("sheet '{sheet}': {message}", sheet=title, message=exc.message), row=exc.row)
    raise ImportFileError(Msg("the workbook has no sheet with a header row; expected a header row and data rows"))


class _SheetFormatError(Exception):
    """A sheet whose header is of no recognised format (the next sheet is tried)."""

    def __init__(self, error: ImportFileError) -> None:
        super().__init__(str(error))
        self.error = error


def _sheet_source(data: bytes, ws, wanted, require_format: bool) -> RawSource | None:
    """One sheet as a source (None if it has no header row). Raises _SheetFormatError for a header of no
    recognised format."""
    rows = ws.iter_rows(min_row=1, values_only=True)
    header, header_row = None, 0
    for i, values in enumerate(rows, start=1):
        if any(v is not None and str(v).strip() for v in values):
            header, header_row = list(values), i
            break
    if header is None:
        return None
    names = [norm_header(v) for v in header]
    try:
        fmt = detect_or_none(names, header_row, require_format)
    except ImportFileError as exc:
        raise _SheetFormatError(exc) from None
    try:
        check_header(names, header_row)
    except ImportFileError as exc:
        raise ImportFileError(Msg("sheet '{sheet}': {message}", sheet=ws.title, message=exc.message), row=exc.row,
                              column=exc.column) from None
    want = wanted(names)
    positions = dict(zip(want, (names.index(w) for w in want), strict=True))
    df = _read_cells(rows, positions, header_row)  # the rest of the sheet, after the header
    cells = _uncached_formulas(data, ws, header_row, positions, df)
    notes = [_formula_note(ws.title, cells)] if cells else []
    chunks = partial(chunked, df)
    return RawSource(names, want, fmt, sheet=ws.title, header_row=header_row, fast=chunks, slow=chunks, notes=notes)


def _read_cells(rows, positions: dict[str, int], header_row: int) -> pd.DataFrame:
    """The cells of ``positions`` (column name -> position) of the remaining ``rows``, as text, indexed by
    spreadsheet row."""
    columns: list[list[str]] = [[] for _ in positions]
    for values in rows:
        for column, pos in zip(columns, positions.values(), strict=True):
            column.append(_cell_text(values[pos]) if pos < len(values) else "")
    df = pd.DataFrame({w: pd.Series(c, dtype="str") for w, c in zip(positions, columns, strict=True)})
    df.index = pd.RangeIndex(header_row + 1, header_row + 1 + len(df))
    return df


def _cell_text(value: object) -> str:
    """A cell's value as the text a CSV export would hold: dates as YYYY-MM-DD (with the time if any), whole
    floats without '.0', booleans as True / False."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, datetime | date):
        ts = pd.Timestamp(value)
        return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.isoformat(sep=" ")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


# ---------------------------------------------------------------- damaged workbooks


def _damaged_workbook(data: bytes, exc: BaseException) -> ImportFileError:
    """The error for a workbook openpyxl cannot read, naming the part (zip member) that is missing or is not
    well-formed XML where that can be found; never the XML parser's own message."""
    missing = re.search(r"no item named '([^']+)'", str(exc)) if isinstance(exc, KeyError) else None
    if missing:
        return ImportFileError(Msg("the workbook is damaged: its part '{part}' is missing; save it again as .xlsx or "
                                   "as CSV", part=printable(missing.group(1))))
    part = _broken_xml_part(data)
    if part:
        return ImportFileError(Msg("the workbook is damaged: its part '{part}' is not well-formed XML (truncated or "
                                   "corrupted); save it again as .xlsx or as CSV", part=printable(part)))
    if isinstance(exc, SyntaxError):
        return ImportFileError(Msg("the workbook is damaged: one of its parts is not well-formed XML; save it again "
                                   "as .xlsx or as CSV"))
    # openpyxl's own words (English) are given as they are
    return ImportFileError(Msg("cannot be opened as an Excel workbook: the file is damaged or truncated ({error}); "
                               "save it again as .xlsx or as CSV", error=printable(str(exc), 120)))


def _missing_sheet_part(data: bytes) -> str | None:
    """The first sheet part that the workbook's [Content_Types].xml lists but the zip lacks, or None."""
    from xml.etree import ElementTree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            types = ElementTree.fromstring(zf.read("[Content_Types].xml"))
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, zlib.error, ElementTree.ParseError):
        return None
    for override in types:
        part = override.get("PartName", "").lstrip("/")
        if override.get("ContentType", "").endswith("worksheet+xml") and part and part not in names:
            return part
    return None


def _broken_xml_part(data: bytes) -> str | None:
    """The first XML part of the zip ``data`` that cannot be read to its end as well-formed XML, or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = sorted((i.filename for i in zf.infolist() if i.filename.endswith(_XML_PART_SUFFIXES)),
                           key=lambda n: n != "[Content_Types].xml")
            return next((n for n in names if not _well_formed(zf, n)), None)
    except (zipfile.BadZipFile, OSError, EOFError):
        return None


def _well_formed(zf: zipfile.ZipFile, name: str) -> bool:
    """Whether the member ``name`` parses as XML (streamed: no tree is built)."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    try:
        with zf.open(name) as fh:
            while chunk := fh.read(1 << 20):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError, zlib.error):
        return False
    return True


# ---------------------------------------------------------------- formulas without a saved value


def _has_formulas(data: bytes, member: str) -> bool:
    """Whether the sheet XML ``member`` has a formula element (a streamed search)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open(member) as fh:
        tail = b""
        while chunk := fh.read(1 << 20):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def _uncached_formulas(data: bytes, ws, header_row: int, columns: dict[str, int],
                       df: pd.DataFrame) -> list[tuple[int, str]]:
    """(row, column) of the cells read that hold a formula without a saved value (read as blank). The workbook is
    read a second time, for its formulas, only when the sheet has any."""
    import openpyxl
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    member = getattr(ws, "_worksheet_path", None)
    if not member or df.empty or not _has_formulas(data, member):
        return []
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    cells = []
    try:
        rows = wb[ws.title].iter_rows(min_row=header_row + 1, max_row=df.index[-1], values_only=True)
        for row, values in enumerate(rows, start=header_row + 1):
            for name, pos in columns.items():
                value = values[pos] if pos < len(values) else None
                formula = isinstance(value, ArrayFormula | DataTableFormula) or (
                    isinstance(value, str) and value.startswith("="))
                if formula and df.at[row, name] == "":
                    cells.append((row, name))
    finally:
        wb.close()
    return cells


def _formula_note(sheet: str, cells: list[tuple[int, str]]) -> Msg:
    listed = Joined([Msg("row {row} column '{column}'", row=row, column=name)
                     for row, name in cells[:FORMULA_CELLS_LISTED]], ", ")
    if len(cells) > FORMULA_CELLS_LISTED:
        listed = Msg("{cells} and {n} more", cells=listed, n=len(cells) - FORMULA_CELLS_LISTED)
    return Msg.n("Sheet '{sheet}': {n} formula cell has no saved value and was read as blank: {cells}. The workbook "
                 "was saved without its calculated values; open it in Excel or LibreOffice and save it again to "
                 "import it.",
                 "Sheet '{sheet}': {n} formula cells have no saved value and were read as blank: {cells}. The "
                 "workbook was saved without its calculated values; open it in Excel or LibreOffice and save it "
                 "again to import them.", len(cells), sheet=printable(sheet), cells=listed)
