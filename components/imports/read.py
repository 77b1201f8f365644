"""Opening an upload: the checks every file gets (size, empty, not a table at all - an image, a PDF, an archive, an
old .xls - told from its first bytes), then the CSV or Excel reader (``csv_reader``, ``xlsx_reader``) by content.

Entry points: :func:`open_source` (used by the preview: the rows are read in chunks as the source is consumed) and
:func:`read_table` (the whole file as one frame of text). Both raise :class:`~components.imports.source.ImportFileError`
saying what is wrong and where.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterable

import pandas as pd

from components.i18n import N_, Msg
from components.imports.csv_reader import open_csv
from components.imports.formats import columns_read, detect_format
from components.imports.source import MALFORMED, ImportFileError, RawSource, norm_header, printable
from components.imports.xlsx_reader import open_xlsx
from components.imports.xlsx_stream import open_zip, size_text

DEFAULT_MAX_BYTES = 200 * 1024 * 1024  # 200 MB

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
# What a file that is not a table is, from its first bytes (the file's "magic number"); marked for the catalogue,
# since the kind is a part of the message shown.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", N_("a PNG image")), (b"\xff\xd8\xff", N_("a JPEG image")), (b"GIF87a", N_("a GIF image")),
    (b"GIF89a", N_("a GIF image")), (b"II*\x00", N_("a TIFF image")), (b"MM\x00*", N_("a TIFF image")),
    (b"%PDF-", N_("a PDF document")), (b"{\\rtf", N_("an RTF document")), (b"\x1f\x8b", N_("a gzip archive")),
    (b"7z\xbc\xaf\x27\x1c", N_("a 7-Zip archive")), (b"Rar!\x1a\x07", N_("a RAR archive")),
    (b"\xfd7zXZ\x00", N_("an xz archive")), (b"SQLite format 3\x00", N_("an SQLite database")),
    (b"\x7fELF", N_("a program (ELF executable)")),
)
_ZIP_KINDS = (("word/", N_("a Word document (.docx)")), ("ppt/", N_("a PowerPoint presentation (.pptx)")))


def read_table(data: bytes, filename: str, max_bytes: int = DEFAULT_MAX_BYTES,
               columns: Iterable[str] | None = None) -> pd.DataFrame:
    """The whole file as a DataFrame of text (blank = ""), index = spreadsheet row, column names normalised. Raises
    :class:`ImportFileError` for a file that is empty, too large, not decodable, damaged, truncated, or has
    duplicate headers. ``df.attrs`` holds encoding, delimiter, sheet, the blank rows skipped, the malformed rows left
    out (row -> reason) and notes about the reading (e.g. formulas without a value)."""
    keep = None if columns is None else [norm_header(c) for c in columns]
    src = open_source(data, filename, max_bytes,
                      wanted=lambda names: [n for n in names if n and (keep is None or n in keep)],
                      require_format=False)
    try:
        parts = src.consume(lambda frame, blank: (frame, blank))
    except ImportFileError as exc:  # the rows are read here: a fault found in them names the file too
        exc.set_file(filename)
        raise
    frames = [f for f, _ in parts]
    df = pd.concat(frames) if frames else pd.DataFrame({c: pd.Series(dtype="str") for c in src.want})
    malformed = {}
    if MALFORMED in df:
        reason = df.pop(MALFORMED)
        malformed = {int(row): text for row, text in reason[reason != ""].items()}  # text: a Msg
        df = df[reason == ""]
    df.attrs.update(encoding=src.encoding, delimiter=src.delimiter, sheet=src.sheet, format=src.format,
                    blank_rows=[r for _, b in parts for r in b], malformed_rows=malformed, notes=list(src.notes))
    return df


def open_source(data: bytes, filename: str, max_bytes: int = DEFAULT_MAX_BYTES, wanted=None,
                require_format: bool = True) -> RawSource:
    """Check the file's size and kind, read its header and recognise its format (raising :class:`ImportFileError`
    when any of that fails); the rows are read when the source is consumed. ``wanted(names)`` gives the columns to
    read (by default those the format's mapping reads)."""
    def default_wanted(names: list[str]) -> list[str]:
        return columns_read(detect_format(names), names)

    wanted = wanted or default_wanted
    try:
        if _is_workbook(data, filename, max_bytes):
            return open_xlsx(data, wanted, require_format)
        return open_csv(data, wanted, require_format)
    except ImportFileError as exc:
        exc.set_file(filename)
        raise


def _is_workbook(data: bytes, filename: str, max_bytes: int) -> bool:
    """Whether the file is an Excel workbook (else it is read as CSV); refuses a file that is too large, empty, not
    a table at all, an old .xls, or named .xlsx but not one."""
    if len(data) > max_bytes:
        raise ImportFileError(Msg("the file is {size}, over the import limit of {limit}; split it or export only "
                                  "the rows you need (e.g. Kazakhstan, 1991-2016)",
                                  size=size_text(len(data)), limit=size_text(max_bytes)))
    if not data or data.isspace():  # (data.strip() would copy the whole file)
        raise ImportFileError(Msg("the file is empty; expected a header row and data rows"))
    kind = _file_kind(data)
    if kind:
        raise ImportFileError(Msg("the file is {kind}, not a CSV or XLSX; export the data as CSV (UTF-8) or as an "
                                  "Excel workbook (.xlsx)", kind=kind))
    lower = filename.lower()
    if data[:4] == _XLS_MAGIC or lower.endswith(".xls"):
        raise ImportFileError(Msg("this is an old Excel 97-2003 workbook (.xls); save it as .xlsx or as CSV"))
    if data[:4] == _XLSX_MAGIC or lower.endswith((".xlsx", ".xlsm")):
        if data[:4] != _XLSX_MAGIC:
            raise ImportFileError(Msg("the file is named like an Excel workbook but is not one (damaged, truncated "
                                      "or mis-named); save it again as .xlsx or as CSV"))
        return True
    return False


def _file_kind(data: bytes) -> Msg | None:
    """What the file is, when its first bytes say it is no text table nor workbook ('a PNG image'); else None."""
    head = data[:16]
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return Msg(kind)
    if head.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return Msg("a WebP image")
    if head.startswith(b"PAR1") and data.endswith(b"PAR1"):
        return Msg("a Parquet file")
    if head.startswith(b"MZ") and b"\x00" in data[:512]:
        return Msg("a Windows program (.exe)")
    return _zip_kind(data) if head.startswith(_XLSX_MAGIC) else None


def _zip_kind(data: bytes) -> Msg | None:
    """What a ZIP file is when it is not an Excel workbook (None for a workbook, or a zip too damaged to list: the
    workbook reader says so). A zip whose list of parts is too long to be listed safely is refused here."""
    try:
        with open_zip(data) as zf:
            names = zf.namelist()
            mimetype = b""
            if "mimetype" in names:
                with zf.open("mimetype") as fh:  # its first bytes only: the member may be anything
                    mimetype = fh.read(100)
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, zlib.error, RuntimeError, NotImplementedError):
        return None
    if any(n.startswith("xl/") for n in names):
        return None
    if b"opendocument.spreadsheet" in mimetype:
        return Msg("an OpenDocument spreadsheet (.ods)")
    kind = next((k for prefix, k in _ZIP_KINDS if any(n.startswith(prefix) for n in names)), None)
    if kind:
        return Msg(kind)
    tables = [n for n in names if n.lower().endswith((".csv", ".xlsx"))]
    if tables:
        return Msg("a ZIP archive (it holds {name}: unpack it and import that file)",
                   name=repr(printable(tables[0], 80)))
    return Msg("a ZIP archive")

