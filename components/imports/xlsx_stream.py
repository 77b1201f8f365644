"""Bounded, streamed reading of an Excel workbook's parts (the zip members of an .xlsx), for ``xlsx_reader``.

An upload of a few megabytes can unpack to gigabytes, so every limit is checked before what it guards is read: the
zip's list of parts (:func:`open_zip`) and each part's declared unpacked size and compression ratio
(:func:`check_parts`), then a sheet's row count (:func:`count_rows`). Every read goes through :class:`PartReader`,
which never hands over more than the part's declared size nor its limit, and stops an import that has used up its
processing time (:class:`Budget`). Nothing is held whole but the table of shared strings (compactly, and bounded).

A sheet is read in one streamed pass that keeps only the wanted columns, in chunks of ``CHUNK_ROWS`` rows. Two
readers, as for CSV: a fast one (regular expressions over the SpreadsheetML that Excel, LibreOffice, openpyxl and
XlsxWriter write, checked well-formed by libxml2 as it goes) that gives up (``SlowPath``) on anything else, and an
exact one (a SAX parse that reads cells as openpyxl does). Both give what openpyxl gives with ``data_only=True``:
dates by the cells' number formats, booleans, inline and shared strings, formula cells by their saved value.
"""

from __future__ import annotations

import io
import posixpath
import re
import threading
import time
import zipfile
import zlib
from array import array
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
from lxml import etree

from components.i18n import Msg
from components.imports.source import ImportFileError, SlowPath, printable, tidy

KIB, MIB, GIB = 1 << 10, 1 << 20, 1 << 30

# Limits. The largest legitimate upload is a workbook of the whole GTD near the 200 MB upload limit: about 200,000
# rows x 135 columns. The synthetic GTD export of the import benchmark (100,000 rows x 52 columns) unpacks to a
# 132 MB sheet, about 25 bytes a cell; at Excel's 30-40 bytes a cell the whole GTD's sheet is 0.8-1.1 GB, and its
# long text columns (summary, three citations, motive, ...: 0.5-1 KB a row) make 100-200 MB of shared strings.
SHEET_LIMIT = 2 * GIB  # a sheet (streamed, never held): twice the whole GTD's
SHARED_STRINGS_LIMIT = 256 * MIB  # held in memory (about its own size, see SharedStrings): the whole GTD's fits
PART_LIMIT = 64 * MIB  # the other parts read (content types, workbook, relationships, styles): kilobytes in practice
TOTAL_LIMIT = 3 * GIB  # all parts together, those never read (pictures, themes, comments) included
# Deflate packs at most about 1000:1, which bombs reach. The most repetitive sheet measured (one word in each of
# 2 million cells) packs 25:1, GTD-like sheets 8:1 and their strings 20:1: 200:1 leaves a wide margin.
MAX_RATIO = 200
RATIO_FROM = 1 * MIB  # the ratio of a part smaller than this says nothing, and costs nothing to read
CENTRAL_DIRECTORY_LIMIT = 4 * MIB  # the zip's list of parts (about 40,000 parts; a workbook has tens)
# Excel's own limit of a sheet. The CSV reader has none (only the upload's size); the import benchmark's largest
# target is 1 million rows.
MAX_ROWS = 1_048_576
MAX_SHARED_STRINGS = 10_000_000  # 4 bytes each beside their text; the whole GTD has about 2 million
# Processing time (CPU seconds of the thread reading the file, so that a busy server does not cut a legitimate import
# short) that one import may use, mapping included. Measured on the shared development machine: a whole-GTD-sized
# workbook (200,000 rows x 135 columns, a 706 MB sheet) previews in 24 s with the fast reader; the exact reader
# alone takes 76 s over it. So a legitimate workbook finishes either way, and a pathological one holds a core for a
# minute and a half at most.
CPU_LIMIT_S = 90.0
BLOCK = 1 << 20  # unpacked bytes read at a time
# Rows handed over at a time. Smaller than the CSV reader's chunks (source.CHUNK_ROWS): a chunk's cells are held as
# Python strings while it is gathered, then as a frame (about 2 KB a GTD row in all), so this bounds the reading's
# memory to some 70 MB; the mapping's work per chunk does not grow from here.
FRAME_ROWS = 32_768
PROLOG_LIMIT = 16 * MIB  # what may come before <sheetData> (the sheet's views, column widths, ...)
ROW_BYTES_LIMIT = 16 * MIB  # XML read between two rows (one row, or what comes before the first) by the exact
# reader, which builds a tree of it: 16,384 columns of 1 KB each fit; a GTD row is about 5 KB.

_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError)
_DECLARED_ENCODING = re.compile(rb'^\s*<\?xml[^>]*encoding\s*=\s*["\']([\w.-]+)', re.IGNORECASE)
_SHEET_DATA = re.compile(rb"<(\w+:)?sheetData\b(/?)")


def size_text(n: int) -> Msg:
    """A size for a message: '1.5 GB', '12.0 MB', '3.2 KB', '12 bytes'."""
    if n >= GIB:
        return Msg("{size} GB", size=f"{n / GIB:.1f}")
    if n >= MIB:
        return Msg("{size} MB", size=f"{n / MIB:.1f}")
    return Msg("{size} KB", size=f"{n / KIB:.1f}") if n >= KIB else Msg.n("{n} byte", "{n} bytes", n)


def damaged(part: str) -> ImportFileError:
    return ImportFileError(Msg("the workbook is damaged: its part '{part}' is not well-formed XML (truncated or "
                               "corrupted); save it again as .xlsx or as CSV", part=printable(part)))


def missing(part: str, sheet: bool = False) -> ImportFileError:
    if sheet:
        return ImportFileError(Msg("the workbook is damaged: its part '{part}' (a sheet) is missing; save it again "
                                   "as .xlsx or as CSV", part=printable(part)))
    return ImportFileError(Msg("the workbook is damaged: its part '{part}' is missing; save it again as .xlsx or "
                               "as CSV", part=printable(part)))


def _corrupted(part: str) -> ImportFileError:
    return ImportFileError(Msg("the workbook is damaged: its part '{part}' is corrupted (cut short, or its data do "
                               "not match their checksum); save it again as .xlsx or as CSV", part=printable(part)))


def _too_large(part: str, size: int, limit: int) -> ImportFileError:
    return ImportFileError(Msg("the workbook's part '{part}' unpacks to {size}, over the limit of {limit} for that "
                               "part; split the data into smaller files or save it as CSV", part=printable(part),
                               size=size_text(size), limit=size_text(limit)))


def _bad_cell(part: str, cell: str, value: object) -> ImportFileError:
    return ImportFileError(Msg("the workbook is damaged: in its part '{part}', cell {cell} holds a value that cannot "
                               "be read ({value}); save it again as .xlsx or as CSV", part=printable(part),
                               cell=printable(cell, 20), value=repr(printable(str(value), 40))))


# ---------------------------------------------------------------- the zip's directory, before anything is read


def open_zip(data: bytes) -> zipfile.ZipFile:
    """The upload as a zip, once the size of its list of parts is checked (zipfile builds an object per part, so a
    list of millions of parts would take gigabytes). Raises zipfile.BadZipFile for a file that is no zip."""
    size = _central_directory_size(data)
    if size is not None and size > CENTRAL_DIRECTORY_LIMIT:
        raise ImportFileError(Msg("the workbook has too many parts (its list of parts takes {size}, over the limit "
                                  "of {limit}); save it again as .xlsx or as CSV", size=size_text(size),
                                  limit=size_text(CENTRAL_DIRECTORY_LIMIT)))
    return zipfile.ZipFile(io.BytesIO(data))


def _central_directory_size(data: bytes) -> int | None:
    """The size of the zip's central directory, from its end record (as zipfile finds it), or None if not found."""
    tail = data[-(22 + 0xFFFF):]
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or len(tail) < end + 22:
        return None
    size = int.from_bytes(tail[end + 12:end + 16], "little")
    locator = end - 20  # a zip64 archive keeps the true size in the record before its locator
    if size == 0xFFFFFFFF and locator >= 0 and tail[locator:locator + 4] == b"PK\x06\x07":
        at = len(data) - len(tail) + locator - 56
        if at >= 0 and data[at:at + 4] == b"PK\x06\x06":
            size = int.from_bytes(data[at + 40:at + 48], "little")
    return size


def part_limit(name: str) -> int:
    """The unpacked size allowed for a part, by its role (known from its conventional name)."""
    low = name.lower()
    if low.startswith("xl/worksheets/"):
        return SHEET_LIMIT
    if low.endswith("sharedstrings.xml"):
        return SHARED_STRINGS_LIMIT
    if low in ("[content_types].xml", "xl/workbook.xml", "xl/styles.xml") or low.endswith(".rels"):
        return PART_LIMIT
    return SHEET_LIMIT  # a part never read: only its share of the total matters


def check_parts(zf: zipfile.ZipFile) -> None:
    """Refuse a workbook whose parts, as its zip directory declares them, unpack to more than their limits, or that
    pack more tightly than any spreadsheet does (a zip bomb). Nothing is unpacked."""
    total = 0
    for info in zf.infolist():
        limit = part_limit(info.filename)
        if info.file_size > limit:
            raise _too_large(info.filename, info.file_size, limit)
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * info.compress_size:
            ratio = info.file_size // max(info.compress_size, 1)
            raise ImportFileError(Msg(
                "the workbook's part '{part}' unpacks to {size} from {packed} ({ratio} times smaller), far more "
                "tightly than spreadsheets pack (at most {limit} times): it is refused as a possible zip bomb; save "
                "it again as .xlsx or as CSV", part=printable(info.filename), size=size_text(info.file_size),
                packed=size_text(info.compress_size), ratio=f"{ratio:,}", limit=MAX_RATIO))
        total += info.file_size
    if total > TOTAL_LIMIT:
        raise ImportFileError(Msg("the workbook unpacks to {size} in all, over the limit of {limit}; split the data "
                                  "into smaller files or save it as CSV", size=size_text(total),
                                  limit=size_text(TOTAL_LIMIT)))


# ---------------------------------------------------------------- time, and bounded reads


class Budget:
    """The processing time one import may use: the CPU time of the threads that read it (accumulated between
    checks, so reading on another thread counts from there), checked at every block read and every row batch."""

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = CPU_LIMIT_S if seconds is None else seconds
        self.spent = 0.0
        self.row: int | None = None  # the row being read, for the message
        self._thread, self._last = threading.get_ident(), time.thread_time()

    def check(self) -> None:
        now, thread = time.thread_time(), threading.get_ident()
        if thread != self._thread:
            self._thread, self._last = thread, now
        self.spent += now - self._last
        self._last = now
        if self.spent >= self.seconds:
            raise ImportFileError(Msg("reading the workbook was stopped after {seconds} s of processing time, the "
                                      "limit for one import; split it into smaller files or save it as CSV",
                                      seconds=f"{self.seconds:g}"), row=self.row)


class PartReader:
    """A part of the zip, read in blocks: never more than its declared size (zipfile stops there, and a part whose
    header lies about its size then fails its checksum) nor its limit, and within the import's time. With
    ``between``, at most that many bytes between two resets of ``since`` (by the reader of a sheet's rows, which
    builds a tree of what it reads until the next row)."""

    def __init__(self, zf: zipfile.ZipFile, name: str, limit: int, budget: Budget, between: int | None = None) -> None:
        try:
            info = zf.getinfo(name)
        except KeyError:
            raise missing(name) from None
        if info.file_size > limit:
            raise _too_large(name, info.file_size, limit)
        self.name, self.budget, self._left = name, budget, min(info.file_size, limit)
        self.between, self.since = between, 0
        try:
            self._fh = zf.open(info)
        except (RuntimeError, NotImplementedError):  # encrypted, or a compression zipfile cannot undo
            raise ImportFileError(Msg("the workbook's part '{part}' is encrypted or packed in a way that cannot be "
                                      "read; save it again as .xlsx without a password, or as CSV",
                                      part=printable(name))) from None
        except _ERRORS:
            raise _corrupted(name) from None

    def read(self, n: int = BLOCK) -> bytes:
        try:
            data = self._fh.read(min(n, BLOCK))
        except _ERRORS:
            raise _corrupted(self.name) from None
        self._left -= len(data)
        if self._left < 0:  # zipfile never reads past the declared size; should one ever, stop here all the same
            raise _corrupted(self.name)
        if self.between is not None:
            self.since += len(data)
            if self.since > self.between:
                raise ImportFileError(Msg("the workbook's part '{part}' has more than {limit} of XML in one row (or "
                                          "before its first row); save it again as .xlsx or as CSV",
                                          part=printable(self.name), limit=size_text(self.between)))
        self.budget.check()
        return data

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> PartReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _parser(target=None) -> etree.XMLParser:
    """libxml2 with no DTD, no entity expansion, no network and its default size limits (a text node of at most
    10 MB), as a SAX parser calling ``target`` (or, with none, checking well-formedness only)."""
    return etree.XMLParser(target=target or _WellFormed(), resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False)


class _WellFormed:
    """A SAX target that keeps nothing: the parser only checks that the part is well-formed XML."""

    def close(self) -> None:
        return None


def parse_part(reader: PartReader, target) -> None:
    """Feed a whole part to the SAX ``target``; a part that is not well-formed XML is named."""
    parser = _parser(target)
    try:
        while data := reader.read():
            parser.feed(data)
        parser.close()
    except etree.XMLSyntaxError:
        raise damaged(reader.name) from None


def checked_blocks(reader: PartReader):
    """The part's blocks, each checked by libxml2 on the way to be well-formed XML so far (a part that is not is
    named), then an empty block at its end, once the whole part is known to be well-formed."""
    checker = _parser()
    while True:
        block = reader.read()
        try:
            if block:
                checker.feed(block)
            else:
                checker.close()
        except etree.XMLSyntaxError:
            raise damaged(reader.name) from None
        yield block
        if not block:
            return


_LOCAL: dict[str, str] = {}


def _local(tag: str) -> str:
    """'{namespace}name' -> 'name' (memoised: a sheet has a handful of tags)."""
    name = _LOCAL.get(tag)
    if name is None:
        name = _LOCAL[tag] = tag.rpartition("}")[2] if isinstance(tag, str) else ""
    return name


# ---------------------------------------------------------------- the workbook's structure


class _Collect:
    """A SAX target keeping the attributes of the elements named in ``names``: [(name, attributes)]."""

    def __init__(self, names: set[str]) -> None:
        self.names, self.found = names, []

    def start(self, tag, attrib) -> None:
        name = _local(tag)
        if name in self.names:
            self.found.append((name, {_local(k): v for k, v in attrib.items()}))

    def close(self) -> None:
        return None


@dataclass
class Sheet:
    name: str
    part: str


@dataclass
class Styles:
    """The cell formats (indices into cellXfs) whose number format is a date, or a duration, as openpyxl sees them."""

    dates: frozenset[int] = frozenset()
    durations: frozenset[int] = frozenset()


@dataclass
class Book:
    """An opened workbook: its sheets in order, what reading their cells needs, and the import's time budget."""

    zf: zipfile.ZipFile
    sheets: list[Sheet]
    missing_sheet: str | None  # a sheet part the content types list but the zip lacks
    strings: SharedStrings
    styles: Styles
    epoch: datetime
    budget: Budget = field(default_factory=Budget)


def open_book(data: bytes, budget: Budget) -> Book:
    """The workbook's structure: parts checked, content types, workbook, its relationships, styles and shared
    strings read (each bounded and streamed). Raises ImportFileError naming a part that is missing, too large or not
    well-formed, and zipfile.BadZipFile for a file that is no zip."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    zf = open_zip(data)
    check_parts(zf)
    names = set(zf.namelist())
    types = _collect(zf, "[Content_Types].xml", {"Override"}, budget)
    overrides = {a.get("PartName", "").lstrip("/"): a.get("ContentType", "") for _, a in types}
    book_part = next((p for p, t in overrides.items() if t.endswith(".main+xml") and "sheet" in t), "xl/workbook.xml")
    missing_sheet = next((p for p, t in overrides.items() if t.endswith("worksheet+xml") and p and p not in names),
                         None)
    found = _collect(zf, book_part, {"sheet", "workbookPr"}, budget)
    base = posixpath.dirname(book_part)
    rels_part = posixpath.join(base, "_rels", posixpath.basename(book_part) + ".rels")
    rels = {a.get("Id"): a for _, a in _collect(zf, rels_part, {"Relationship"}, budget)}
    by_type = {a.get("Type", "").rpartition("/")[2]: _target(base, a.get("Target", "")) for a in rels.values()}

    sheets = []
    for name, attrs in found:
        if name != "sheet":
            continue
        rel = rels.get(attrs.get("id"))
        if rel is None or not rel.get("Type", "").endswith("/worksheet"):
            continue  # a chart sheet, or a sheet without a part: openpyxl skips it too
        sheets.append(Sheet(attrs.get("name", ""), _target(base, rel.get("Target", ""))))
    props = next((a for n, a in found if n == "workbookPr"), {})
    epoch = CALENDAR_MAC_1904 if props.get("date1904", "").lower() in ("1", "true") else CALENDAR_WINDOWS_1900

    styles_part = by_type.get("styles") or "xl/styles.xml"
    styles = _styles(zf, styles_part, budget) if styles_part in names else Styles()
    strings_part = by_type.get("sharedStrings") or next(
        (p for p, t in overrides.items() if t.endswith("sharedStrings+xml")), None)
    strings = (read_shared_strings(zf, strings_part, budget) if strings_part and strings_part in names
               else SharedStrings(strings_part or "xl/sharedStrings.xml"))
    return Book(zf, sheets, missing_sheet, strings, styles, epoch, budget)


def _target(base: str, target: str) -> str:
    """A relationship's target as a zip member name (relative to the workbook's folder, or absolute)."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(base, target))


def _collect(zf: zipfile.ZipFile, part: str, names: set[str], budget: Budget) -> list[tuple[str, dict]]:
    target = _Collect(names)
    with PartReader(zf, part, PART_LIMIT, budget) as reader:
        parse_part(reader, target)
    return target.found


class _StylesTarget:
    """numFmts/numFmt (id -> code) and cellXfs/xf (each format's numFmtId, in order)."""

    def __init__(self) -> None:
        self.codes: dict[int, str] = {}
        self.xfs: list[int] = []
        self.depth = self.in_xfs = 0

    def start(self, tag, attrib) -> None:
        self.depth += 1
        name = _local(tag)
        if name == "cellXfs":
            self.in_xfs = self.depth
        elif name == "xf" and self.in_xfs and self.depth == self.in_xfs + 1:
            self.xfs.append(_int(attrib.get("numFmtId")))
        elif name == "numFmt":
            self.codes[_int(attrib.get("numFmtId"))] = attrib.get("formatCode", "")

    def end(self, tag) -> None:
        if self.depth == self.in_xfs:
            self.in_xfs = 0
        self.depth -= 1

    def close(self) -> None:
        return None


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


def _styles(zf: zipfile.ZipFile, part: str, budget: Budget) -> Styles:
    """Which cell formats are dates and durations, decided as openpyxl decides (its is_date_format on the format's
    code, custom or built in)."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

    target = _StylesTarget()
    with PartReader(zf, part, PART_LIMIT, budget) as reader:
        parse_part(reader, target)
    dates, durations = set(), set()
    for index, fmt_id in enumerate(target.xfs):
        code = target.codes[fmt_id] if fmt_id in target.codes else BUILTIN_FORMATS.get(fmt_id)
        if is_date_format(code):
            dates.add(index)
        if is_timedelta_format(code):
            durations.add(index)
    return Styles(frozenset(dates), frozenset(durations))


# ---------------------------------------------------------------- shared strings


class SharedStrings:
    """The workbook's table of strings, kept compactly: the strings joined in batches of 4,096, with the end of each
    in an array (4 bytes a string instead of a Python object's 50 or more)."""

    BATCH = 4096

    def __init__(self, part: str) -> None:
        self.part = part
        self.batches: list[str] = []
        self.ends = array("I")
        self._open: list[str] = []
        self._length = 0

    def add(self, text: str) -> None:
        self._open.append(text)
        self._length += len(text)
        self.ends.append(self._length)
        if len(self._open) == self.BATCH:
            self._seal()

    def _seal(self) -> None:
        self.batches.append("".join(self._open))
        self._open, self._length = [], 0

    def finish(self) -> SharedStrings:
        if self._open:
            self._seal()
        return self

    def __len__(self) -> int:
        return len(self.ends)

    def get(self, index: int) -> str:
        """String ``index``; IndexError for one the table lacks (negative ones included)."""
        if not 0 <= index < len(self.ends):
            raise IndexError(index)
        start = self.ends[index - 1] if index % self.BATCH else 0
        return self.batches[index // self.BATCH][start:self.ends[index]]


class _Text:
    """The text of a string item (<si>, <is>) as openpyxl's Text.content: the plain <t>, then the <t> of each
    rich-text run <r>; phonetic runs (<rPh>) left out."""

    __slots__ = ("depth", "where", "buf", "plain", "runs", "run")

    def __init__(self) -> None:
        self.depth, self.where, self.buf, self.plain, self.runs, self.run = 0, "", None, None, [], None

    def start(self, name: str) -> None:
        self.depth += 1
        if self.depth == 1:
            self.where = name
            if name == "t":
                self.buf = []
        elif self.depth == 2 and self.where == "r" and name == "t":
            self.buf = []

    def end(self, name: str) -> None:
        if self.buf is not None and name == "t":
            text = "".join(self.buf)
            self.buf = None
            if self.depth == 1:
                self.plain = text
            else:
                self.run = text
        elif self.depth == 1 and name == "r":
            if self.run is not None:
                self.runs.append(self.run)
            self.run = None
        self.depth -= 1

    def content(self) -> str:
        return "".join([self.plain, *self.runs] if self.plain is not None else self.runs)


class _StringsTarget:
    def __init__(self, strings: SharedStrings) -> None:
        self.strings, self.item = strings, None

    def start(self, tag, attrib) -> None:
        name = _local(tag)
        if self.item is not None:
            self.item.start(name)
        elif name == "si":
            self.item = _Text()

    def end(self, tag) -> None:
        name = _local(tag)
        item = self.item
        if item is None:
            return
        if item.depth:
            item.end(name)
            return
        # openpyxl drops 'x005F_' (Excel's escape of '_' in its _xHHHH_ codes) from shared strings
        self.strings.add(item.content().replace("x005F_", ""))
        self.item = None
        if len(self.strings) > MAX_SHARED_STRINGS:
            raise _too_many_strings(self.strings.part)

    def data(self, text: str) -> None:
        if self.item is not None and self.item.buf is not None:
            self.item.buf.append(text)

    def close(self) -> None:
        return None


def read_shared_strings(zf: zipfile.ZipFile, part: str, budget: Budget) -> SharedStrings:
    """The table of strings: read with a regular expression when every item is a plain <t> (as writers write
    strings without formatting), else parsed (SAX)."""
    try:
        return _plain_strings(zf, part, budget)
    except SlowPath:
        pass
    strings = SharedStrings(part)
    with PartReader(zf, part, SHARED_STRINGS_LIMIT, budget) as reader:
        parse_part(reader, _StringsTarget(strings))
    return strings.finish()


_SST = re.compile(rb"<(\w+:)?sst\b")


def _plain_strings(zf: zipfile.ZipFile, part: str, budget: Budget) -> SharedStrings:
    """The table of strings when each item is <si><t>text</t></si> (checked well-formed as it goes); SlowPath at
    the first item written otherwise."""
    strings = SharedStrings(part)
    item, buf = None, b""
    with PartReader(zf, part, SHARED_STRINGS_LIMIT, budget) as reader:
        for block in checked_blocks(reader):
            buf = buf + block if buf else block
            pos = 0
            if item is None:
                m = _DECLARED_ENCODING.match(buf)
                if buf[:2] in (b"\xff\xfe", b"\xfe\xff") or (m and m.group(1).lower() not in (b"utf-8", b"utf8")):
                    raise SlowPath
                root = _SST.search(buf)
                if root is None:
                    if len(buf) > PROLOG_LIMIT or not block:
                        raise SlowPath
                    continue
                if buf.find(b"<!", 0, root.start()) >= 0:
                    raise SlowPath
                p = root.group(1) or b""
                item = re.compile(b"<" + p + b"si><" + p + rb't(?: xml:space="preserve")?>([^<]*)</' + p + b"t></"
                                  + p + b"si>|<" + p + b"si><" + p + b"t/></" + p + b"si>")
                opening, closing = b"<" + p + b"si", b"</" + p + b"si>"
                pos = root.start()
            cut = buf.rfind(closing, pos) + len(closing) if block else len(buf)
            if cut >= len(closing):
                if buf.find(b"<!", pos, cut) >= 0 or buf.find(b"<?", pos, cut) >= 0:
                    raise SlowPath
                found = item.findall(buf, pos, cut)
                if len(found) != buf.count(opening, pos, cut):
                    raise SlowPath
                try:
                    for text in found:
                        # openpyxl drops 'x005F_' (Excel's escape of '_' in its _xHHHH_ codes) from shared strings
                        strings.add(_text(text).replace("x005F_", "") if text else "")
                except ValueError:
                    raise SlowPath from None
                if len(strings) > MAX_SHARED_STRINGS:
                    raise _too_many_strings(part)
                buf = buf[cut:]
            elif len(buf) - pos > ROW_BYTES_LIMIT:
                raise SlowPath
            if not block:
                return strings.finish()


def _too_many_strings(part: str) -> ImportFileError:
    return ImportFileError(Msg("the workbook's part '{part}' holds more than {limit} strings; split the data into "
                               "smaller files or save it as CSV", part=printable(part),
                               limit=f"{MAX_SHARED_STRINGS:,}"))


# ---------------------------------------------------------------- counting a sheet's rows, before reading them

def count_rows(book: Book, sheet: Sheet) -> int:
    """The number of rows of the sheet (its row elements, or its highest row number if higher), counted in its
    bytes without parsing them, and refused over MAX_ROWS as soon as the count passes it."""
    count = highest = 0
    tail, row_tag, numbered = b"", None, None
    with PartReader(book.zf, sheet.part, SHEET_LIMIT, book.budget) as reader:
        while True:
            block = reader.read()
            buf = tail + block if tail else block
            if row_tag is None:  # the rows' tag, with the document's prefix (usually none)
                data = _SHEET_DATA.search(buf)
                if data is None and len(buf) <= PROLOG_LIMIT and block:
                    tail = buf
                    continue
                p = (data.group(1) or b"") if data else b""
                row_tag = re.compile(b"<" + p + rb"row[\s>/]")
                numbered = b"<" + p + b'row r="'
            cut = buf.rfind(b"<") if block else len(buf)  # a tag never spans the cut: it starts there or after
            if cut > 0:
                count += len(row_tag.findall(buf, 0, cut))
                k = buf.rfind(numbered, 0, cut)
                if k >= 0:
                    number = buf[k + len(numbered):buf.find(b'"', k + len(numbered))]
                    highest = max(highest, int(number) if number.isdigit() else 0)
            if max(count, highest) > MAX_ROWS:
                raise too_many_rows(sheet.name, max(count, highest))
            if not block:
                return max(count, highest)
            # no '<' at all: no tag starts in the buffer; a single tag longer than a row may be is not counted
            tail = buf[cut:] if 0 <= cut and len(buf) - cut <= ROW_BYTES_LIMIT else b""


def too_many_rows(sheet: str, n: int) -> ImportFileError:
    return ImportFileError(Msg.n(
        "sheet '{sheet}' has {n} row, over the import limit of {limit}; split it or export only the rows you need "
        "(e.g. Kazakhstan, 1991-2016)",
        "sheet '{sheet}' has {n} rows, over the import limit of {limit}; split it or export only the rows you need "
        "(e.g. Kazakhstan, 1991-2016)", n, sheet=printable(sheet),
        limit=Msg.n("{n} row", "{n} rows", MAX_ROWS)))


# ---------------------------------------------------------------- cell values, as openpyxl reads them


def cell_text(value: object) -> str:
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


def _number(text: str) -> int | float:
    """openpyxl's reading of a number cell: a float if written with a point or an exponent, else an int."""
    return float(text) if "." in text or "E" in text or "e" in text else int(text)


def _date(number: int | float, book: Book, duration: bool) -> object:
    """A number in a date-formatted cell as openpyxl gives it (a datetime, time or timedelta; '#VALUE!' when
    outside the dates Python can hold)."""
    from openpyxl.utils.datetime import from_excel

    try:
        return from_excel(number, book.epoch, timedelta=duration)
    except (OverflowError, ValueError):
        return "#VALUE!"


def cell_value(book: Book, part: str, ref: str, kind: str, style: int, value: str | None, inline: str | None):
    """The value of a cell as openpyxl reads it with ``data_only=True``: ``kind`` its t attribute, ``value`` the
    text of its <v> (None if absent or empty), ``inline`` the text of its <is>."""
    from openpyxl.utils.datetime import from_ISO8601

    if kind == "inlineStr":
        return inline
    if value is None:
        return None
    try:
        if kind == "n":
            number = _number(value)
            if style in book.styles.dates:
                return _date(number, book, style in book.styles.durations)
            return number
        if kind == "s":
            return book.strings.get(int(value))
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return from_ISO8601(value)
    except (ValueError, IndexError, TypeError):
        raise _bad_cell(part, ref, value) from None
    return value  # 'str' (a formula's text), 'e' (an error such as #N/A), or a type openpyxl keeps as written


# ---------------------------------------------------------------- frames of the wanted columns


class _Frames:
    """The wanted columns of the rows read, handed over as tidied chunks of FRAME_ROWS rows (indexed by spreadsheet
    row; rows without a cell are blank rows)."""

    def __init__(self, want: list[str], first: int) -> None:
        self.want, self.start = want, first
        self.end = first + FRAME_ROWS
        self.cols = self._fresh()

    def _fresh(self) -> list[list[str]]:
        return [[""] * FRAME_ROWS for _ in self.want]

    def advance(self, row: int) -> list:
        """The chunks completed before ``row`` (which then falls in the current one)."""
        done = []
        while row >= self.end:
            done.append(self._flush(FRAME_ROWS))
        return done

    def finish(self, last: int) -> list:
        """The chunks up to and including row ``last`` (the sheet's last row with a cell)."""
        done = self.advance(last)
        if last >= self.start:
            done.append(self._flush(last - self.start + 1))
        return done

    def _flush(self, n: int):
        df = pd.DataFrame({w: pd.Series(c[:n] if n < FRAME_ROWS else c, dtype="str")
                           for w, c in zip(self.want, self.cols, strict=True)})
        df.index = pd.RangeIndex(self.start, self.start + n)
        self.start += n
        self.end = self.start + FRAME_ROWS
        self.cols = self._fresh()
        return tidy(df)


@dataclass
class Formulas:
    """Formula cells read as blank (no saved value): the first ``keep`` (row, column) and how many in all."""

    keep: int
    cells: list[tuple[int, str]] = field(default_factory=list)
    total: int = 0

    def add(self, row: int, column: str) -> None:
        self.total += 1
        if len(self.cells) < self.keep:
            self.cells.append((row, column))


# ---------------------------------------------------------------- the exact reader (lxml iterparse, as openpyxl)

_ROW_TAGS = ("{*}row", "{*}sheetData")


def _text_content(item) -> str:
    """openpyxl's Text.content of a string item (<si>, <is>): its plain <t>, then the <t> of each rich-text run
    <r>; phonetic runs (<rPh>) left out. A later <t> replaces an earlier one, as in openpyxl."""
    plain, runs = None, []
    for child in item:
        name = _local(child.tag)
        if name == "t":
            plain = child.text or ""
        elif name == "r":
            run = None
            for part in child:
                if _local(part.tag) == "t":
                    run = part.text or ""
            if run is not None:
                runs.append(run)
    return "".join([plain, *runs] if plain is not None else runs)


def _row_number(text: str | None, previous: int, sheet: Sheet) -> int:
    """A row element's number as openpyxl reads it (its r attribute, written as an integer or a whole float; the
    previous row's + 1 without one); rows must come in order (openpyxl would skip one that does not)."""
    if text is None:
        row = previous + 1
    else:
        try:
            row = int(text)
        except ValueError:
            number = _float(text)
            if number is None or not number.is_integer():
                raise ImportFileError(Msg("the workbook is damaged: its part '{part}' has a row numbered {row}; save "
                                          "it again as .xlsx or as CSV", part=printable(sheet.part),
                                          row=repr(printable(text, 20)))) from None
            row = int(number)
    if row <= previous:
        raise ImportFileError(Msg("the workbook is damaged: its part '{part}' has row {row} after row {previous}; save "
                                  "it again as .xlsx or as CSV", part=printable(sheet.part), row=row,
                                  previous=previous))
    if row > MAX_ROWS:
        raise too_many_rows(sheet.name, row)
    return row


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


_COLUMNS: dict[str, int] = {}  # column letters -> number (from 1)


def _column(ref: str) -> int:
    """The column number (from 1) of a cell reference such as 'AB12', checked as openpyxl checks it."""
    from openpyxl.utils.cell import coordinate_to_tuple

    letters = ref.rstrip("0123456789")
    column = _COLUMNS.get(letters)
    if column is None or letters == ref:
        column = coordinate_to_tuple(ref)[1]  # raises ValueError for what is no reference
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = column
    return column


def _cells(book: Book, sheet: Sheet, row: int, element, wanted) -> tuple[list[tuple[int, object, bool]], bool]:
    """([(column from 0, value, formula)] of a row element's cells in the columns ``wanted`` (all if None), as
    openpyxl's parse_cell reads them (data_only); whether the row has any cell)."""
    cells, column, found = [], 0, False
    for c in element:
        if _local(c.tag) != "c":
            continue
        found = True
        ref = c.get("r")
        if ref:
            try:
                column = _column(ref)
            except (ValueError, TypeError):
                raise _bad_cell(sheet.part, ref, ref) from None
        else:
            column += 1
            ref = f"{column}:{row}"
        if wanted is not None and column - 1 not in wanted:
            continue
        kind, style = c.get("t", "n"), c.get("s")
        try:
            style = int(style) if style else 0
        except ValueError:
            raise _bad_cell(sheet.part, ref, style) from None
        value, inline, formula = None, None, False
        for child in c:
            name = _local(child.tag)
            if name == "v":
                if value is None:
                    value = child.text or ""
            elif name == "f":
                formula = True
            elif name == "is" and inline is None:
                inline = _text_content(child)
        cells.append((column - 1, cell_value(book, sheet.part, ref, kind, style, value or None, inline), formula))
    return cells, found


def exact_rows(book: Book, sheet: Sheet, wanted=None):
    """(row, [(column, value, formula)], whether the row has any cell) for each row element of the sheet, as
    openpyxl reads them (values typed: numbers, strings, booleans, dates), the cells of the columns ``wanted`` only
    (all if None). Each row's tree is dropped once read, and whatever is not a row with it; the parse stops at the end
    of the sheet's data. Stop iterating to stop reading."""
    row = 0
    with PartReader(book.zf, sheet.part, SHEET_LIMIT, book.budget, between=ROW_BYTES_LIMIT) as reader:
        events = etree.iterparse(reader, events=("end",), tag=_ROW_TAGS, resolve_entities=False, no_network=True,
                                 load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True)
        try:
            for _, element in events:
                if _local(element.tag) == "sheetData":
                    return
                row = _row_number(element.get("r"), row, sheet)
                cells, found = _cells(book, sheet, row, element, wanted)
                reader.since = 0
                element.clear()
                parent = element.getparent()
                while element.getprevious() is not None:
                    del parent[0]
                while parent.getprevious() is not None:  # what came before the sheet's data
                    del parent.getparent()[0]
                yield row, cells, found
        except etree.XMLSyntaxError:
            raise damaged(sheet.part) from None


def exact_chunks(book: Book, sheet: Sheet, want: list[str], positions: dict[int, int], header_row: int,
                 formulas: Formulas):
    """The exact reader: the wanted columns (``positions``: column -> index in ``want``) of the rows after the
    header, in chunks."""
    frames = _Frames(want, header_row + 1)
    last = header_row
    for n, (row, cells, found) in enumerate(exact_rows(book, sheet, positions)):
        if row <= header_row or not found:
            continue
        if n % 1000 == 0:
            book.budget.row = row
            book.budget.check()
        yield from frames.advance(row)
        offset = row - frames.start
        for column, value, formula in cells:
            j = positions.get(column)
            if j is None:
                continue
            text = cell_text(value)
            frames.cols[j][offset] = text
            if formula and text == "":
                formulas.add(row, want[j])
        last = row
    yield from frames.finish(last)


# ---------------------------------------------------------------- the fast reader (regular expressions)

_ATTR = re.compile(rb'\s([a-z]+)="([^"]*)"')
_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9A-Fa-f]+));")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _cell_pattern(letters: list[bytes], p: bytes) -> re.Pattern:
    """A cell of one of the columns ``letters`` as SpreadsheetML writers write it (with the document's prefix ``p``,
    usually none): r first, other attributes in double quotes, then an optional formula, an optional value and an
    optional plain inline string. Groups: column, row, attributes, '<f' (a formula), the value, the inline string,
    and one character when the cell is written otherwise (the exact reader then reads the sheet); the last is empty
    for every regular cell, so it costs nothing."""
    columns = b"|".join(sorted(letters, key=len, reverse=True))
    attrs = rb'(?:\s[a-z]+="[^"<]*")*'
    return re.compile(
        b"<" + p + rb'c r="(' + columns + rb')(\d+)"(' + attrs + rb')'
        rb'(?:/>'
        rb'|>\s*(?:(<' + p + rb'f\b)' + attrs + rb'\s*(?:/>|>[^<]*</' + p + rb'f>)\s*)?'
        rb'(?:<' + p + rb'v>([^<]*)</' + p + rb'v>\s*|<' + p + rb'v/>\s*)?'
        rb'(?:<' + p + rb'is><' + p + rb't(?: xml:space="preserve")?>([^<]*)</' + p + rb't></' + p + rb'is>\s*)?'
        rb'</' + p + rb'c>'
        rb'|([\s\S]))')


def _text(raw: bytes) -> str:
    """Character data as an XML parser hands it over: line ends normalised, the five entities and character
    references replaced (any other entity makes the part ill-formed, which the well-formedness check reports)."""
    text = raw.decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in text:
        text = _ENTITY.sub(_entity, text)
    return text


def _entity(m: re.Match) -> str:
    if m.group(1):
        return _ENTITIES[m.group(1)]
    return chr(int(m.group(2))) if m.group(2) else chr(int(m.group(3), 16))


_SHARED, _NUMBER, _INLINE, _OTHER = 1, 2, 3, 4  # how a cell's value is read (never 0: looked up with `or`)


def _kind(attrs: bytes, book: Book) -> tuple[int, str, int]:
    """(how to read the value, the t attribute, the style) from a cell's attributes after r; SlowPath for ones the
    fast reader does not expect."""
    found = dict(_ATTR.findall(attrs))
    if set(found) - {b"t", b"s", b"cm", b"vm", b"ph"}:
        raise SlowPath
    t = found.get(b"t", b"n").decode("ascii", "replace")
    try:
        style = int(found.get(b"s") or 0)
    except ValueError:
        raise SlowPath from None
    if t == "s":
        return _SHARED, t, style
    if t == "n" and style not in book.styles.dates:
        return _NUMBER, t, style
    return (_INLINE if t == "inlineStr" else _OTHER), t, style


def _number_text(v: bytes) -> str:
    """The text of a number cell's value: '12' as written, else as openpyxl reads it then cell_text gives it."""
    if not v:
        return ""
    if v.isdigit() and (v[0] != 0x30 or len(v) == 1):
        return v.decode()
    return cell_text(_number(v.decode()))


def _row_end(buf: bytes, pos: int, cut: int, p: bytes) -> int | None:
    """The number of the last row element in buf[pos:cut] that holds anything (not <row .../> nor <row ...></row>)."""
    start, close_tag = b"<" + p + b'row r="', b"</" + p + b"row>"
    k = buf.rfind(start, pos, cut)
    while k >= 0:
        close = buf.find(b">", k, cut)
        if buf[close - 1] != 0x2F and not buf.startswith(close_tag, close + 1):
            try:
                return int(buf[k + len(start):buf.index(b'"', k + len(start))])
            except ValueError:
                raise SlowPath from None
        k = buf.rfind(start, pos, k)
    return None


def _fast_region_ok(buf: bytes, pos: int, cut: int, p: bytes) -> bool:
    """Whether buf[pos:cut] holds only what the fast reader reads: no comment, CDATA or processing instruction, and
    every cell with its r attribute first (as every writer puts it). Within the sheet's data the only tags that start
    '<c' are cells."""
    if buf.find(b"<!", pos, cut) >= 0 or buf.find(b"<?", pos, cut) >= 0:
        return False
    return buf.count(b"<" + p + b"c", pos, cut) == buf.count(b"<" + p + b'c r="', pos, cut)


def fast_chunks(book: Book, sheet: Sheet, want: list[str], positions: dict[int, int], header_row: int,
                formulas: Formulas, max_row: int):
    """The fast reader: the wanted columns of the rows after the header, in chunks, from regular expressions over
    the sheet's bytes, which libxml2 checks are well-formed as they go by. Raises SlowPath on anything it does not
    read exactly as openpyxl would (the exact reader then reads the sheet)."""
    from openpyxl.utils.cell import get_column_letter

    letters = {get_column_letter(col + 1).encode(): j for col, j in positions.items()}
    if not letters:
        raise SlowPath
    strings, part = book.strings, sheet.part
    hows: dict[bytes, int] = {}
    kinds: dict[bytes, tuple[int, str, int]] = {}
    shared: dict[bytes, str] = {}  # value -> text, for the current chunk (values repeat: one string object each)
    numbers: dict[bytes, str] = {}
    frames = _Frames(want, header_row + 1)
    cols, base = frames.cols, frames.start
    pattern = p = end_data = end_row = None
    last, current, row_b, skip, offset = header_row, 0, None, True, 0
    ended = False
    buf = b""
    with PartReader(book.zf, part, SHEET_LIMIT, book.budget) as reader:
        for block in checked_blocks(reader):
            if ended:
                if not block:
                    break
                continue
            buf = buf + block if buf else block
            pos = 0
            if pattern is None:  # the prolog: what comes before <sheetData>
                m = _DECLARED_ENCODING.match(buf)
                if buf[:2] in (b"\xff\xfe", b"\xfe\xff") or (m and m.group(1).lower() not in (b"utf-8", b"utf8")):
                    raise SlowPath
                data = _SHEET_DATA.search(buf)
                if data is None:
                    if len(buf) > PROLOG_LIMIT or not block:
                        raise SlowPath
                    continue
                if buf.find(b"<!", 0, data.start()) >= 0:  # a DTD, entities, comments: the exact reader's
                    raise SlowPath
                p = data.group(1) or b""
                pattern = _cell_pattern(list(letters), p)
                end_data, end_row = b"</" + p + b"sheetData>", b"</" + p + b"row>"
                pos = data.start()
                if data.group(2):  # <sheetData/>: no rows at all
                    ended = True
                    continue
            stop = buf.find(end_data, pos)
            if stop >= 0:
                cut, ended = stop, True
            else:
                cut = buf.rfind(end_row, pos) + len(end_row)
                if cut < len(end_row):
                    if len(buf) - pos > ROW_BYTES_LIMIT or not block:
                        raise SlowPath
                    buf = buf[pos:]
                    continue
            if not _fast_region_ok(buf, pos, cut, p):
                raise SlowPath
            try:
                for col, row, attrs, formula, v, inline, odd in pattern.findall(buf, pos, cut):
                    if odd:
                        raise SlowPath
                    if row != row_b:
                        r = int(row)
                        if r < current or r > max_row:
                            raise SlowPath
                        row_b, current = row, r
                        if r >= frames.end:
                            done = frames.advance(r)
                            cols, base = frames.cols, frames.start  # the gathered lists go
                            shared.clear()
                            numbers.clear()
                            yield from done
                            del done
                        skip, offset = r <= header_row, r - base
                    if skip:
                        continue
                    how = hows.get(attrs)
                    if how is None:
                        kind = kinds[attrs] = _kind(attrs, book)
                        how = hows[attrs] = kind[0]
                    if how == _SHARED:
                        text = shared.get(v)
                        if text is None:
                            text = shared[v] = strings.get(int(v)) if v else ""
                    elif how == _NUMBER:
                        text = numbers.get(v)
                        if text is None:
                            text = numbers[v] = _number_text(v)
                    elif how == _INLINE:
                        text = _text(inline)
                    else:
                        t, style = kinds[attrs][1:]
                        text = cell_text(cell_value(book, part, "", t, style, _text(v) or None, None)) if v else ""
                    j = letters[col]
                    cols[j][offset] = text
                    if formula and not text:
                        formulas.add(current, want[j])
            except (ValueError, IndexError):  # a value the exact reader reads (or names as damaged)
                raise SlowPath from None
            end = _row_end(buf, pos, cut, p)
            last = max(last, current, end or 0)
            if last > max_row:
                raise SlowPath
            book.budget.row = current or None
            book.budget.check()
            buf = buf[cut:]
            if not block:
                break
    if pattern is not None and not ended:
        raise damaged(part)
    del cols, shared, numbers
    if last > header_row:
        yield from frames.finish(last)
