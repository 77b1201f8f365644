"""Bounded work per XLSX upload (issue 11): a workbook that unpacks to too much, packs like a zip bomb, lies about
its sizes, has too many rows or takes too long is refused with a message naming what and how much, before the
server has done the work; and the streamed readers that replace openpyxl's cell-by-cell reading give exactly what
openpyxl gives.

Every workbook is built here, small on disk: the limits are either met by a size the zip's directory declares
(patched into it) or lowered for the test. Every fixture is synthetic: no real GTD row.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zipfile

import openpyxl
import pytest
import xlsxwriter

from components import i18n
from components.imports import read, xlsx_stream
from components.imports.source import ImportFileError, SlowPath
from components.imports.xlsx_stream import GIB, MAX_RATIO, MAX_ROWS, MIB
from tests.test_importers import GTD_COLS, gtd_row, prep

SHEET = "xl/worksheets/sheet1.xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


# ---------------------------------------------------------------- building workbooks


def gtd_workbook(n: int = 2) -> bytes:
    """A GTD sheet as openpyxl writes it (strings inline in the cells)."""
    wb = openpyxl.Workbook()
    wb.active.title = "Events"
    wb.active.append(GTD_COLS)
    for _ in range(n):
        wb.active.append([int(v) if v.isdigit() else v for v in gtd_row().values()])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def gtd_shared_strings(n: int = 2) -> bytes:
    """A GTD sheet as Excel and XlsxWriter write it (strings in the table of shared strings)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("Events")
    ws.write_row(0, 0, GTD_COLS)
    for i in range(1, n + 1):
        ws.write_row(i, 0, [int(v) if v.isdigit() else v for v in gtd_row().values()])
    wb.close()
    return buf.getvalue()


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def rezip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return out.getvalue()


def with_part(data: bytes, name: str, change) -> bytes:
    members = parts(data)
    members[name] = change(members[name])
    return rezip(members)


def declare_size(data: bytes, name: str, size: int, packed: int | None = None) -> bytes:
    """The zip ``data`` with the unpacked size of ``name`` (and, with ``packed``, its packed size) declared as
    ``size`` in its local header and in the central directory (the data themselves unchanged), as a crafted file
    would."""
    out = bytearray(data)
    encoded = name.encode()
    at = 0
    while (at := out.find(b"PK\x01\x02", at)) >= 0:  # central directory entries
        length = struct.unpack_from("<H", out, at + 28)[0]
        if bytes(out[at + 46:at + 46 + length]) == encoded:
            struct.pack_into("<I", out, at + 24, size)
            local = struct.unpack_from("<I", out, at + 42)[0]
            struct.pack_into("<I", out, local + 22, size)
            if packed is not None:
                struct.pack_into("<I", out, at + 20, packed)
                struct.pack_into("<I", out, local + 18, packed)
            return bytes(out)
        at += 4
    raise AssertionError(f"{name} not in the zip")


def refusal(data: bytes, name: str = "upload.xlsx") -> ImportFileError:
    with pytest.raises(ImportFileError) as err:
        prep(data, name)
    return err.value


@pytest.fixture
def nothing_read(monkeypatch):
    """Fail the test if any part of the workbook is unpacked."""
    def never(*args, **kwargs):
        raise AssertionError("a part was read")
    monkeypatch.setattr(xlsx_stream, "PartReader", never)


# ---------------------------------------------------------------- 1. parts' sizes, from the zip's directory


def test_a_part_declaring_a_gigabyte_is_refused_before_anything_is_unpacked(nothing_read):
    """The issue's bomb: a 1 GiB [Content_Types].xml (here declared, with the real limits)."""
    data = declare_size(gtd_workbook(), "[Content_Types].xml", GIB)
    err = refusal(data, "bomb.xlsx")
    assert str(err) == ("bomb.xlsx: the workbook's part '[Content_Types].xml' unpacks to 1.0 GB, over the limit of "
                        "64.0 MB for that part; split the data into smaller files or save it as CSV")


def test_a_stored_part_declaring_more_than_a_sheet_may_hold_is_refused(nothing_read):
    members = parts(gtd_workbook())
    data = declare_size(rezip(members, zipfile.ZIP_STORED), SHEET, 3 * GIB)
    assert str(refusal(data)) == ("upload.xlsx: the workbook's part 'xl/worksheets/sheet1.xml' unpacks to 3.0 GB, "
                                  "over the limit of 2.0 GB for that part; split the data into smaller files or save "
                                  "it as CSV")


def test_parts_that_together_unpack_to_too_much_are_refused(nothing_read):
    members = parts(gtd_workbook())
    members.update({f"xl/media/image{i}.bin": b"\x00" for i in range(2)})
    data = rezip(members, zipfile.ZIP_STORED)
    for i in range(2):  # two parts never read, each within its limit, together over the total
        data = declare_size(data, f"xl/media/image{i}.bin", int(1.6 * GIB), packed=int(1.6 * GIB))
    err = refusal(data)
    assert "the workbook unpacks to 3.2 GB in all, over the limit of 3.0 GB" in str(err)


def test_a_part_that_packs_like_a_zip_bomb_is_refused(nothing_read):
    comment = b"<!--" + b" " * (2 * MIB) + b"-->"
    data = with_part(gtd_workbook(), "[Content_Types].xml", lambda body: comment + body)
    assert len(data) < 100_000
    msg = str(refusal(data))
    assert msg.startswith("upload.xlsx: the workbook's part '[Content_Types].xml' unpacks to 2.0 MB from ")
    assert "times smaller" in msg and f"(at most {MAX_RATIO} times)" in msg and "zip bomb" in msg


def test_the_size_limit_of_a_part_read_whole_is_met_by_a_real_comment(monkeypatch):
    """The same bomb, unpacked for real past a lowered limit: refused from the directory, nothing parsed."""
    monkeypatch.setattr(xlsx_stream, "PART_LIMIT", 1 * MIB)
    monkeypatch.setattr(xlsx_stream, "MAX_RATIO", 10_000)
    comment = b"<!--" + b" " * (2 * MIB) + b"-->"
    data = with_part(gtd_workbook(), "[Content_Types].xml", lambda body: comment + body)
    msg = str(refusal(data))
    assert "part '[Content_Types].xml' unpacks to 2.0 MB, over the limit of 1.0 MB for that part" in msg


def test_a_part_whose_header_lies_about_its_size_is_read_no_further(monkeypatch):
    """A sheet that declares 200 bytes but unpacks to far more: never more than 200 bytes come out, and the file is
    refused as damaged (its checksum fails)."""
    handed: dict[str, int] = {}
    real_read = xlsx_stream.PartReader.read

    def counting_read(self, n=xlsx_stream.BLOCK):
        data = real_read(self, n)
        handed[self.name] = handed.get(self.name, 0) + len(data)
        return data

    monkeypatch.setattr(xlsx_stream.PartReader, "read", counting_read)
    data = declare_size(gtd_workbook(200), SHEET, 200)
    msg = str(refusal(data))
    assert msg == ("upload.xlsx: the workbook is damaged: its part 'xl/worksheets/sheet1.xml' is corrupted (cut "
                   "short, or its data do not match their checksum); save it again as .xlsx or as CSV")
    assert handed.get(SHEET, 0) <= 200


def test_a_part_declaring_more_than_it_holds_gives_only_what_it_holds():
    """The other lie is harmless: the declared size only bounds what may come out (checked against the limits)."""
    members = parts(gtd_workbook(2))
    data = declare_size(rezip(members), SHEET, len(members[SHEET]) + 5000)
    assert prep(data, "longer.xlsx").n_accepted == 2


def test_a_zip_with_too_long_a_list_of_parts_is_refused_before_it_is_listed(monkeypatch):
    data = bytearray(gtd_workbook())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<I", data, end + 12, 64 * MIB)  # the size of the central directory, as the end record says
    monkeypatch.setattr(zipfile, "ZipFile", lambda *a, **k: pytest.fail("the zip was listed"))
    msg = str(refusal(bytes(data)))
    assert "the workbook has too many parts (its list of parts takes 64.0 MB, over the limit of 4.0 MB)" in msg


# ---------------------------------------------------------------- 2. rows, counted before they are read


def test_a_sheet_with_more_rows_than_the_limit_is_refused_before_its_cells_are_read(monkeypatch):
    monkeypatch.setattr(xlsx_stream, "MAX_ROWS", 5)
    for reader in ("fast_chunks", "exact_chunks"):
        monkeypatch.setattr(xlsx_stream, reader, lambda *a, **k: pytest.fail("cells were read"))
    err = refusal(gtd_workbook(8))
    assert str(err) == ("upload.xlsx: sheet 'Events' has 9 rows, over the import limit of 5 rows; split it or "
                        "export only the rows you need (e.g. Kazakhstan, 1991-2016)")


def test_a_row_numbered_past_excels_last_row_is_refused_with_the_real_limit():
    data = with_part(gtd_workbook(1), SHEET, lambda body: re.sub(rb'(<row r=")2(")', rb"\g<1>1048577\2", body)
                     .replace(b'r="A2"', b'r="A1048577"'))
    msg = str(refusal(data))
    assert f"sheet 'Events' has 1,048,577 rows, over the import limit of {MAX_ROWS:,} rows" in msg


def test_rows_out_of_order_are_refused_as_damaged():
    def swap(body: bytes) -> bytes:
        rows = re.findall(rb"<row .*?</row>", body, re.S)
        return body.replace(rows[1] + rows[2], rows[2] + rows[1])
    msg = str(refusal(with_part(gtd_workbook(3), SHEET, swap)))
    assert "the workbook is damaged: its part 'xl/worksheets/sheet1.xml' has row 2 after row 3" in msg


def test_too_many_shared_strings_are_refused(monkeypatch):
    monkeypatch.setattr(xlsx_stream, "MAX_SHARED_STRINGS", 10)
    msg = str(refusal(gtd_shared_strings(3)))
    assert "the workbook's part 'xl/sharedStrings.xml' holds more than 10 strings" in msg


# ---------------------------------------------------------------- 3. the time bound


def test_an_import_over_its_processing_time_is_stopped(monkeypatch):
    monkeypatch.setattr(xlsx_stream, "CPU_LIMIT_S", 0.0)
    assert str(refusal(gtd_workbook(), "slow.xlsx")) == (
        "slow.xlsx: reading the workbook was stopped after 0 s of processing time, the limit for one import; split "
        "it into smaller files or save it as CSV")


def test_the_time_bound_counts_processing_time_and_names_the_row(monkeypatch):
    clock = iter(range(100))
    monkeypatch.setattr(xlsx_stream.time, "thread_time", lambda: next(clock))
    budget = xlsx_stream.Budget(3)
    budget.check()
    budget.row = 40
    budget.check()
    with pytest.raises(ImportFileError) as err:
        budget.check()
    assert str(err.value) == ("row 40: reading the workbook was stopped after 3 s of processing time, the limit for "
                              "one import; split it into smaller files or save it as CSV")


def test_a_legitimate_workbook_is_read_within_the_real_limits():
    p = prep(gtd_workbook(50), "ok.xlsx")
    assert p.n_accepted == 50 and p.sheet == "Events"


# ---------------------------------------------------------------- 4. the readers give what openpyxl gives

HEADER = ["id", "when", "time", "span", "flag", "count", "share", "text", "note", "blank", "formula", "error"]


def varied_rows() -> list[list[object]]:
    """Every kind of value a cell can hold."""
    return [
        [1, dt.datetime(2012, 3, 15), dt.time(12, 30), dt.timedelta(hours=30), True, 12.0, 0.1, "Атырау", "a & b",
         None, "=1+1", "#N/A"],
        [2, dt.datetime(2013, 5, 6, 7, 8, 9), dt.time(0, 0, 1), dt.timedelta(days=2), False, -3.5, 1e-05,
         "  spaced  ", "<tag> \"quoted\" 'single'", None, "=A2*2", "#DIV/0!"],
        [3, dt.date(1999, 12, 31), None, None, None, 10 ** 15, 1e20, "Қазақстан", "line\nbreak", None, None, None],
        [None] * 12,
        [5, 41000, None, None, None, 0, -0.0, "", "x005F_underscore", None, None, "#VALUE!"],
        [6, None, None, None, None, 123456789012, 3.14159, "last", None, None, None, None],
    ]


def varied_openpyxl() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in varied_rows():
        ws.append(row)
    ws["B6"].number_format = "dd/mm/yyyy"  # a serial number shown as a date
    ws["G2"].number_format = "0.00%"  # a number format that is no date
    ws["M3"] = "beyond the header"  # a cell in a column without a name
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def varied_xlsxwriter(inline: bool = False, rich: bool = False) -> bytes:
    """Shared strings (or, with ``inline``, XlsxWriter's constant-memory mode: strings inline), a formula with its
    saved value, and, with ``rich``, a string in two formatted runs (always a shared string)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"constant_memory": inline, "in_memory": True})
    ws = wb.add_worksheet("Inline")
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, HEADER)
    ws.write_row(1, 0, [1, None, None, None, True, 12.0, 0.1, "Атырау", "a & b"])
    ws.write_datetime(1, 1, dt.datetime(2012, 3, 15), date_format)
    ws.write_formula(1, 10, "=1+1", None, 2)
    ws.write_row(2, 0, [2, None, None, None, False, -3.5, 1e-05, "  spaced  ", "line\nbreak"])
    ws.write_number(3, 0, 3)
    if rich:
        ws.write_rich_string(3, 7, wb.add_format({"bold": True}), "bold ", "plain")
    wb.close()
    return buf.getvalue()


def openpyxl_cells(data: bytes) -> dict[int, dict[str, str]]:
    """{row: {column: text}} of the first sheet's non-blank rows below the header, as openpyxl reads them."""
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    ws = wb.worksheets[0]
    out = {}
    for row, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        texts = {HEADER[i].lower(): xlsx_stream.cell_text(v).strip() for i, v in enumerate(values) if i < len(HEADER)}
        if any(texts.values()):
            out[row] = {k: texts.get(k, "") for k in (h.lower() for h in HEADER)}
    wb.close()
    return out


def reader_cells(data: bytes, which: str) -> tuple[dict[int, dict[str, str]], list[int]]:
    src = read.open_source(data, "varied.xlsx", wanted=lambda names: [n for n in names if n],
                           require_format=False)
    out, blank = {}, []
    for frame, blank_rows in getattr(src, which)():
        blank += blank_rows
        for row, values in frame.iterrows():
            out[int(row)] = {k: values[k] for k in (h.lower() for h in HEADER)}
    return out, blank


def varied_inline() -> bytes:
    return varied_xlsxwriter(inline=True)


def varied_rich() -> bytes:
    return varied_xlsxwriter(rich=True)


@pytest.mark.parametrize("build", [varied_openpyxl, varied_xlsxwriter, varied_inline, varied_rich])
@pytest.mark.parametrize("which", ["fast", "slow"])
def test_both_readers_give_what_openpyxl_gives(build, which):
    data = build()
    expected = openpyxl_cells(data)
    cells, _ = reader_cells(data, which)
    assert cells == expected
    assert len(expected) >= 3 and any(v for row in expected.values() for v in row.values())


def test_the_kinds_of_value_are_read_as_a_csv_export_would_hold_them():
    cells, blank = reader_cells(varied_openpyxl(), "fast")
    assert blank == [5]
    first, second, serial = cells[2], cells[3], cells[6]
    assert (first["when"], first["time"], first["span"], first["flag"]) == ("2012-03-15", "12:30:00",
                                                                           "1 day, 6:00:00", "True")
    assert (first["count"], first["share"], first["text"], first["note"]) == ("12", "0.1", "Атырау", "a & b")
    assert first["formula"] == "" and first["error"] == "#N/A"  # a formula saved without its value reads blank
    assert (second["when"], second["flag"], second["count"], second["share"]) == ("2013-05-06 07:08:09", "False",
                                                                                 "-3.5", "1e-05")
    assert second["text"] == "spaced" and second["note"] == "<tag> \"quoted\" 'single'"
    assert cells[4]["count"] == str(10 ** 15) and cells[4]["share"] == str(10 ** 20)  # a whole float, as 12.0
    assert cells[4]["note"] == "line\nbreak"
    assert serial["when"] == "2012-04-01" and serial["note"] == "x005F_underscore"


def test_formatted_strings_are_read_as_openpyxl_reads_them():
    """Formatted runs and a phonetic guide (left out), in the table of strings and inline in a cell."""
    shared = varied_rich()
    assert openpyxl_cells(shared)[4]["text"] == "bold plain" == reader_cells(shared, "fast")[0][4]["text"]
    inline = with_part(shared, SHEET, lambda body: re.sub(
        rb'<c r="H4"[^>]*>.*?</c>', b'<c r="H4" t="inlineStr"><is><r><rPr><b/></rPr><t>bold </t></r><r><t>plain</t>'
        b'</r><rPh sb="0" eb="1"><t>guide</t></rPh></is></c>', body))
    src = read.open_source(inline, "rich.xlsx", wanted=lambda names: [n for n in names if n], require_format=False)
    with pytest.raises(SlowPath):  # the fast reader leaves formatted inline strings to the exact one
        list(src.fast())
    cells, _ = reader_cells(inline, "slow")
    assert cells == openpyxl_cells(inline) and cells[4]["text"] == "bold plain"


def _prefixed(body: bytes) -> bytes:
    """The sheet written with a namespace prefix on every element (as some .NET writers do)."""
    body = re.sub(rb"<(/?)([A-Za-z]+)([\s>/])", rb"<\1x:\2\3", body)
    return body.replace(b"<x:worksheet ", f'<x:worksheet xmlns:x="{MAIN_NS}" '.encode(), 1)


def _attributes_swapped(body: bytes) -> bytes:
    """Cells with their r attribute after the others (valid XML; no common writer does it)."""
    return re.sub(rb'<c r="([A-Z]+\d+)"((?: [a-z]+="[^"]*")+)', rb'<c\2 r="\1"', body)


@pytest.mark.parametrize(("change", "fast_reads_it"), [(_prefixed, True), (_attributes_swapped, False)])
def test_sheets_written_otherwise_are_read_the_same(change, fast_reads_it):
    data = with_part(varied_openpyxl(), SHEET, change)
    expected = openpyxl_cells(varied_openpyxl())
    assert reader_cells(data, "slow")[0] == expected
    if fast_reads_it:
        assert reader_cells(data, "fast")[0] == expected
    else:
        with pytest.raises(SlowPath):
            reader_cells(data, "fast")


def test_formula_cells_without_a_value_are_noted_by_either_reader():
    data = varied_openpyxl()
    for which in ("fast", "slow"):
        src = read.open_source(data, "f.xlsx", wanted=lambda names: [n for n in names if n], require_format=False)
        list(getattr(src, which)())
        assert [str(n) for n in src.notes] == [
            "Sheet 'Sheet': 2 formula cells have no saved value and were read as blank: row 2 column 'formula', row "
            "3 column 'formula'. The workbook was saved without its calculated values; open it in Excel or "
            "LibreOffice and save it again to import them."]


def test_a_sheet_of_many_rows_is_handed_over_in_bounded_chunks():
    n = xlsx_stream.FRAME_ROWS + 10
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"constant_memory": True, "in_memory": True})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["id", "text"])
    for i in range(1, n + 1):
        ws.write_row(i, 0, [i, f"row {i}"])
    wb.close()
    src = read.open_source(buf.getvalue(), "many.xlsx", wanted=lambda names: names, require_format=False)
    frames = [frame for frame, _ in src.fast()]
    assert [len(f) for f in frames] == [xlsx_stream.FRAME_ROWS, 10]
    assert frames[1]["text"].iloc[-1] == f"row {n}" and frames[1].index[-1] == n + 1


# ---------------------------------------------------------------- 5. in the user's language


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_refused_workbook_is_explained_in_the_language(lang):
    t = i18n.load(lang)
    err = refusal(declare_size(gtd_workbook(), "[Content_Types].xml", GIB), "bomb.xlsx")
    template = ("the workbook's part '{part}' unpacks to {size}, over the limit of {limit} for that part; split the "
                "data into smaller files or save it as CSV")
    expected = t(template).format(part="[Content_Types].xml", size=t("{size} GB").format(size="1.0"),
                                  limit=t("{size} MB").format(size="64.0"))
    assert err.shown(t) == "bomb.xlsx: " + expected
    assert t(template) != template and "unpacks" not in expected
