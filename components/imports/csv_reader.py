"""Reading a CSV upload (:func:`open_csv`): its encoding (module ``encoding``), its delimiter (comma, semicolon, tab
or vertical bar, from the header line), its header row, then its rows in chunks.

Two readers: a fast one (pyarrow, streamed in batches) and, when the fast one meets a row it cannot place, a careful
one (the csv module). The careful reader keeps a row with more or fewer fields than the header aside with its reason
(it is rejected, not mapped); it refuses a file whose last row is cut short or whose quote never closes (a truncated
file), and a file where most rows are malformed (the wrong delimiter or quoting).
"""

from __future__ import annotations

import csv
import io

import pandas as pd

from components.i18n import N_, Msg
from components.imports import encoding
from components.imports.formats import detect_or_none
from components.imports.source import (
    MALFORMED,
    ImportFileError,
    RawSource,
    SlowPath,
    check_header,
    chunked,
    norm_header,
    tidy,
)

MOSTLY_MALFORMED = 0.5  # above this share of malformed data rows the file is refused, not read row by row
ARROW_BLOCK = 16 << 20  # bytes of CSV parsed per batch by the fast reader
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": N_("comma"), ";": N_("semicolon"), "\t": N_("tab"), "|": N_("vertical bar")}


def open_csv(data: bytes, wanted, require_format: bool) -> RawSource:
    """The CSV file as a source: encoding, delimiter, header and format found now; rows read when consumed.
    ``wanted(names)`` gives the columns to read."""
    decoded = encoding.text_encoding(data)
    data, codec = decoded.data, decoded.codec
    head = encoding.head_text(data, codec)
    first = next((ln for ln in head.splitlines() if ln.strip()), "")
    delim = _delimiter(first)
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delim)
    header: list[str] | None = None
    records_before = 0
    for rec in reader:
        if any(cell.strip() for cell in rec):
            header = rec
            break
        records_before += 1
    if header is None:
        raise ImportFileError(Msg("the file has no header row; expected a header row and data rows"))
    header_lines = reader.line_num
    header_row = records_before + 1
    names = [norm_header(c) for c in header]
    check_header(names, header_row)
    fmt = detect_or_none(names, header_row, require_format)
    want = wanted(names)
    if not want:
        raise ImportFileError(Msg("none of the expected columns is in the header"), row=header_row)
    return RawSource(
        names, want, fmt, encoding=decoded.label, delimiter=delim, header_row=header_row,
        fast=lambda: _arrow_chunks(data, decoded.arrow, delim, names, want, header_lines, header_row),
        slow=lambda: _python_chunks(data, codec, delim, names, want, header_lines, header_row))


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _arrow_chunks(data: bytes, arrow_encoding: str, delim: str, names: list[str], want: list[str], header_lines: int,
                  header_row: int):
    """Fast reader (pyarrow, streamed in batches). Gives up (SlowPath) on any row of the wrong length and on an odd
    number of quote characters, where the careful reader finds and names the faulty row."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if data.count(b'"') % 2:
        raise SlowPath
    placeholders = [f"c{i}" for i in range(len(names))]
    include = [placeholders[names.index(w)] for w in want]
    bad: list[object] = []

    def invalid(row) -> str:
        bad.append(row)
        return "skip"

    try:
        reader = pacsv.open_csv(
            pa.BufferReader(pa.py_buffer(data)),
            read_options=pacsv.ReadOptions(column_names=placeholders, skip_rows=header_lines, encoding=arrow_encoding,
                                           block_size=ARROW_BLOCK, use_threads=False),
            parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=True, ignore_empty_lines=False,
                                             invalid_row_handler=invalid),
            convert_options=pacsv.ConvertOptions(include_columns=include,
                                                 column_types={c: pa.string() for c in include},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
        row = header_row + 1
        for batch in reader:
            if bad:
                raise SlowPath
            df = batch.to_pandas()
            del batch
            df.columns = want
            df.index = pd.RangeIndex(row, row + len(df))
            row += len(df)
            yield tidy(df)
    except (pa.ArrowInvalid, UnicodeDecodeError, StopIteration):
        raise SlowPath from None
    if bad:
        raise SlowPath


def _python_chunks(data: bytes, codec: str, delim: str, names: list[str], want: list[str], header_lines: int,
                   header_row: int):
    """Careful reader (the csv module): a row with more or fewer fields than the header is kept aside with its reason
    (column MALFORMED), unless it is the file's last row and short (a truncated file) or most rows are malformed
    (then the file is refused); a quote that never closes refuses the file."""
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=codec, newline="")
    for _ in range(header_lines):
        stream.readline()
    reader = csv.reader(stream, delimiter=delim, strict=True)
    rows = _CsvRows(names, want, delim, header_lines, header_row)
    try:
        for rec in reader:
            rows.add(rec, header_lines + reader.line_num)
    except csv.Error as exc:
        if "end of data" in str(exc):
            raise ImportFileError(Msg("the file ends inside a quoted value that starts on line {line}: a quote is "
                                      "opened but never closed. The file looks truncated.", line=rows.last_line + 1),
                                  row=rows.row + 1) from None
        # the csv module's own words (English) are given as they are
        raise ImportFileError(Msg("cannot be read as CSV on line {line}: {error}",
                                  line=header_lines + reader.line_num, error=str(exc)), row=rows.row + 1) from None
    except UnicodeDecodeError as exc:
        raise ImportFileError(Msg("cannot be decoded as {codec}: {error}", codec=codec, error=str(exc)),
                              row=rows.row) from None
    yield from chunked(rows.frame())


class _CsvRows:
    """The wanted columns of the records read so far, with the reason of each malformed record."""

    def __init__(self, names: list[str], want: list[str], delim: str, header_lines: int, header_row: int) -> None:
        self.want, self.width, self.delim = want, len(names), delim
        self.positions = [names.index(w) for w in want]
        self.columns: list[list[str]] = [[] for _ in want]
        self.malformed: list[Msg | str] = []  # a reason per record ("" for a well-formed one)
        self.row, self.last_line, self.header_row = header_row, header_lines, header_row
        self.n_data = self.n_bad = 0
        self.last_short: tuple[int, int, int] | None = None  # (row, fields, line) of a short last record

    def add(self, rec: list[str], line: int) -> None:
        self.row += 1
        reason = ""
        if any(cell.strip() for cell in rec):  # not a blank line, nor a row of empty cells
            self.n_data += 1
            self.last_short = None
            if len(rec) != self.width:
                reason = self._reason(len(rec), line)
                self.n_bad += 1
                self.last_short = (self.row, len(rec), line) if len(rec) < self.width else None
        for column, pos in zip(self.columns, self.positions, strict=True):
            column.append(rec[pos] if pos < len(rec) else "")
        self.malformed.append(reason)
        self.last_line = line

    def _reason(self, fields: int, line: int) -> Msg:
        """Why a record is malformed: a Msg per record (this reader reads record by record anyway)."""
        if fields > self.width:
            hint = Msg("a value may contain an unquoted {delimiter}: put that value in double quotes",
                       delimiter=self._delimiter_name())
        else:
            hint = Msg("the row may be cut short, or a value contains an unquoted line break")
        return Msg.n("row {row} has {n} field, the header has {width} (line {line}): {hint}",
                     "row {row} has {n} fields, the header has {width} (line {line}): {hint}", fields,
                     row=self.row, width=self.width, line=line, hint=hint)

    def _delimiter_name(self) -> Msg | str:
        return Msg(DELIMITER_NAMES[self.delim]) if self.delim in DELIMITER_NAMES else self.delim

    def frame(self) -> pd.DataFrame:
        """The rows as text columns (plus MALFORMED if any row is malformed); refuses a truncated or mostly
        malformed file."""
        if self.last_short is not None:
            row, fields, line = self.last_short
            raise ImportFileError(Msg.n("this row has {n} field, fewer than the {width} of the header (line {line}). "
                                        "The file looks truncated.",
                                        "this row has {n} fields, fewer than the {width} of the header (line {line}). "
                                        "The file looks truncated.", fields, width=self.width, line=line), row=row)
        if self.n_bad and self.n_bad > MOSTLY_MALFORMED * self.n_data:
            first = next(r for r in self.malformed if r)
            raise ImportFileError(Msg.n(
                "{bad} of the {n} data row has a different number of fields from the header ({width} fields, "
                "{delimiter}-separated), so the file is not a table that can be read row by row; the first: {first}. "
                "Check the delimiter and the quoting, or save the file again as CSV",
                "{bad} of the {n} data rows have a different number of fields from the header ({width} fields, "
                "{delimiter}-separated), so the file is not a table that can be read row by row; the first: {first}. "
                "Check the delimiter and the quoting, or save the file again as CSV",
                self.n_data, bad=self.n_bad, width=self.width, delimiter=self._delimiter_name(), first=first))
        df = pd.DataFrame({w: pd.Series(c, dtype="str") for w, c in zip(self.want, self.columns, strict=True)})
        if self.n_bad:
            df[MALFORMED] = pd.Series(self.malformed, dtype=object)  # the Msgs kept, for the page's language
        self.columns = []
        df.index = pd.RangeIndex(self.header_row + 1, self.header_row + 1 + len(df))
        return df
