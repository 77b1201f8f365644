"""Defects of the import engine (components.imports), one group of tests per defect: what a user notices - the
rows accepted or rejected, the reason given (what is wrong and where), and that nothing raises.

Every fixture is synthetic (made-up ids, places and figures): no real GTD or ACLED row.
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile

import openpyxl
import pytest

from components.imports.columns import event_columns
from components.imports.read import read_table
from components.imports.source import ImportFileError
from components.pack.load import DEFAULT_DATA_DIR
from tests.test_importers import ACLED_COLS, GTD_COLS, acled_row, blank, gtd_csv, gtd_row, one, prep, to_csv

GTD_COUNTS = {"nkill": "total_deaths", "nkillter": "perpetrators_killed", "nwound": "injured",
              "nwoundte": None}  # nwoundte only separates the injured perpetrators


def own_rows(pack, n: int = 1) -> list[dict[str, str]]:
    """Curated rows in the dashboard's own format, with new ids (so they are not linked to the curated ones)."""
    events = pack.tables["events"].head(n)
    rows = [dict(r) for r in events.astype(object).where(events.notna(), "").to_dict("records")]
    for r in rows:
        r["date"] = r["date"].strftime("%Y-%m-%d")
        r["event_id"] = r["event_id"] + "-synthetic"
        for k, v in r.items():
            if isinstance(v, float) and v.is_integer() and k not in ("latitude", "longitude"):
                r[k] = str(int(v))
    return rows


def xlsx_bytes(header: list[str], *rows: list[object]) -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(header)
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def gtd_xlsx(*rows: dict[str, object]) -> bytes:
    return xlsx_bytes(GTD_COLS, *[[r[c] for c in GTD_COLS] for r in rows])


def rezip(data: bytes, member: str, change) -> bytes:
    """The workbook ``data`` with ``member``'s bytes replaced by ``change(bytes)``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info.filename, change(body) if info.filename == member else body)
    return out.getvalue()


def refusal(data: bytes, name: str) -> str:
    with pytest.raises(ImportFileError) as err:
        prep(data, name)
    return str(err.value)


# ---------------------------------------------------------------- 1. non-finite numbers in count columns

NON_FINITE = ["inf", "-inf", "nan", "NaN", "Infinity", "-Infinity", "+inf", "1e999"]


@pytest.mark.parametrize("value", NON_FINITE)
def test_non_finite_gtd_casualties_are_a_rejected_row_with_its_reason(value):
    p = prep(gtd_csv(gtd_row(), gtd_row(nkill=value), gtd_row(nwound=value)), "gtd.csv")
    assert p.n_accepted == 1 and p.n_rejected == 2
    reasons = p.rejected.set_index("row")["reason"].to_dict()
    assert reasons[3].startswith(f"nkill: '{value}' is not")
    assert reasons[4].startswith(f"nwound: '{value}' is not")


@pytest.mark.parametrize("value", NON_FINITE)
def test_non_finite_acled_fatalities_and_own_format_counts_are_rejected(pack, value):
    p = prep(to_csv([acled_row(fatalities=value), acled_row()], ACLED_COLS), "acled.csv")
    assert p.n_accepted == 1
    assert p.rejected["reason"].tolist() == [f"fatalities: '{value}' is not a number written in digits "
                                            "(leave the cell blank if unknown)"]
    rows = own_rows(pack)
    rows[0]["killed"] = value
    p = prep(to_csv(rows, list(event_columns())), "own.csv")
    assert p.n_accepted == 0 and p.rejected.loc[0, "reason"].startswith(f"killed: '{value}' is not")


@pytest.mark.parametrize("value", ["inf", "nan", "-Infinity"])
def test_non_finite_coordinates_are_not_numbers_and_the_row_is_kept(value):
    p = prep(gtd_csv(gtd_row(latitude=value)))
    assert p.n_accepted == 1
    assert p.missing_coordinates["reason"].tolist() == ["the coordinates are not numbers"]


def test_non_finite_values_in_an_xlsx_are_rejected_not_raised():
    # A workbook cannot hold an infinite number: it holds the text 'inf' or an error value such as #NUM!.
    data = gtd_xlsx(gtd_row(nkill="inf"), gtd_row(nkill="#NUM!"), gtd_row())
    p = prep(data, "gtd.xlsx")
    assert p.n_accepted == 1 and p.rejected["row"].tolist() == [2, 3]
    assert all(r.startswith("nkill: '") for r in p.rejected["reason"])


# ---------------------------------------------------------------- 2. counts and years written as digits


@pytest.mark.parametrize(("column", "value"), [("nkill", "1e2"), ("nwound", "1E1"), ("nkillter", "0x10"),
                                               ("nwoundte", "1_0"), ("nkill", "+3"), ("nwound", "٣")])
def test_counts_not_written_as_digits_are_rejected(column, value):
    p = prep(gtd_csv(gtd_row(**{"nkill": "5", column: value})))
    assert p.n_accepted == 0
    assert p.rejected.loc[0, "reason"] == (f"{column}: '{value}' is not a number written in digits "
                                           "(leave the cell blank if unknown)")


@pytest.mark.parametrize(("column", "value"), [("iyear", "1e3"), ("iyear", "2.012e3"), ("iyear", "inf"),
                                               ("imonth", "9e0"), ("iday", "1e1"), ("iyear", "2012.5")])
def test_gtd_date_parts_not_written_as_digits_are_rejected(column, value):
    p = prep(gtd_csv(gtd_row(**{column: value})))
    assert p.n_accepted == 0 and p.n_out_of_scope == 0
    assert p.rejected.loc[0, "reason"].startswith(f"{column}: '{value}' is not a")


def test_whole_numbers_with_a_trailing_point_zero_are_still_read():
    row = one(prep(gtd_csv(gtd_row(iyear="2012.0", imonth="9.0", iday="14.0", nkill="12.0", nwound="3.00",
                                   nkillter="2.0"))))
    assert row["date"].strftime("%Y-%m-%d") == "2012-09-14"
    assert (row["total_deaths"], row["injured"], row["perpetrators_killed"], row["killed"]) == (12, 3, 2, 10)
    assert one(prep(to_csv([acled_row(fatalities="4.0")], ACLED_COLS)))["total_deaths"] == 4


def test_acled_fatalities_in_exponent_notation_are_rejected():
    p = prep(to_csv([acled_row(fatalities="1e1")], ACLED_COLS))
    assert p.n_accepted == 0 and "fatalities: '1e1' is not a number written in digits" in p.rejected.loc[0, "reason"]


def test_a_count_too_large_to_be_a_number_of_persons_is_rejected():
    p = prep(gtd_csv(gtd_row(nkill="99999999999999999999999")))
    assert p.n_accepted == 0 and "nkill: '99999999999999999999999' is too large" in p.rejected.loc[0, "reason"]


# ---------------------------------------------------------------- 3. GTD unknown codes in every count column


@pytest.mark.parametrize("column", list(GTD_COUNTS))
@pytest.mark.parametrize("code", ["-99", "-9", "-99.0", "-9.0"])
def test_gtd_unknown_codes_are_unknown_with_a_note_in_every_count_column(column, code):
    row = one(prep(gtd_csv(gtd_row(**{"nkill": "3", "nkillter": "1", "nwound": "4", "nwoundte": "1", column: code}))))
    ours = GTD_COUNTS[column]
    if ours:
        assert blank(row[ours])
    if column == "nkill":
        assert blank(row["killed"])
    if column == "nwoundte":
        assert row["injured"] == 4  # nwound as given: the perpetrators among the injured are unknown
    assert f"{column} coded as unknown ({code.removesuffix('.0')})" in row["casualty_note"]


def test_gtd_unknown_codes_in_an_xlsx_are_unknown():
    row = one(prep(gtd_xlsx(gtd_row(nkill=-99, nwound=-9.0, nkillter="", nwoundte="")), "gtd.xlsx"))
    assert blank(row["total_deaths"]) and blank(row["injured"])
    assert "nkill coded as unknown (-99)" in row["casualty_note"]
    assert "nwound coded as unknown (-9)" in row["casualty_note"]


def test_other_negative_gtd_counts_are_still_rejected():
    p = prep(gtd_csv(gtd_row(nwoundte="-3"), gtd_row(nkillter="-98")))
    assert p.rejected["reason"].tolist() == ["nwoundte: '-3' is negative (a count cannot be negative)",
                                             "nkillter: '-98' is negative (a count cannot be negative)"]


def test_unknown_codes_are_gtds_only():
    p = prep(to_csv([acled_row(fatalities="-99")], ACLED_COLS))
    assert p.rejected["reason"].tolist() == ["fatalities: '-99' is negative (a count cannot be negative)"]


# ---------------------------------------------------------------- 4. XLSX with broken XML


def _truncate(body: bytes) -> bytes:
    return body[: len(body) // 2]


@pytest.mark.parametrize(("member", "change"), [
    ("xl/worksheets/sheet1.xml", _truncate),
    ("[Content_Types].xml", _truncate),
    ("[Content_Types].xml", lambda body: body.replace(b"<Types", b"<Types <<", 1)),
    ("xl/workbook.xml", _truncate),
    ("xl/_rels/workbook.xml.rels", _truncate),
    ("xl/styles.xml", lambda body: b"\x00\x01 not xml"),
])
def test_an_xlsx_with_broken_xml_says_the_workbook_is_damaged_and_which_part(member, change):
    data = rezip(gtd_xlsx(gtd_row(), gtd_row()), member, change)
    msg = refusal(data, "broken.xlsx")
    assert msg.startswith("broken.xlsx: ")
    assert "the workbook is damaged" in msg and f"'{member}'" in msg
    assert "no element found" not in msg and "line 1, column" not in msg and "\x00" not in msg


def test_an_xlsx_with_a_missing_sheet_part_names_it():
    data = gtd_xlsx(gtd_row())
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info.filename, src.read(info.filename))
    msg = refusal(out.getvalue(), "missing.xlsx")
    assert "the workbook is damaged" in msg and "xl/worksheets/sheet1.xml" in msg


# ---------------------------------------------------------------- 5. XLSX formulas without a cached value


def test_xlsx_formula_cells_without_a_value_are_reported_per_row_and_column():
    rows = [gtd_row(nkill="=1+1"), gtd_row(), gtd_row(nwound="=SUM(A1:A2)", nkill="=2*2")]
    data = gtd_xlsx(*({k: (int(v) if v.isdigit() else v) for k, v in r.items()} for r in rows))
    p = prep(data, "formulas.xlsx")
    assert p.n_accepted == 3 and p.n_rejected == 0  # the row is kept: its value is unknown, not wrong
    assert blank(p.accepted.loc[0, "total_deaths"])
    note = next(n for n in p.notes if "formula" in n)
    assert "3 formula cells have no saved value" in note and "read as blank" in note
    assert "row 2 column 'nkill'" in note and "row 4 column 'nkill'" in note and "row 4 column 'nwound'" in note
    assert "row 3" not in note
    assert "formula" not in " ".join(n for n in prep(gtd_xlsx(gtd_row()), "plain.xlsx").notes)


def test_xlsx_formula_cells_with_a_cached_value_are_read_silently():
    data = gtd_xlsx({**gtd_row(), "nkill": "=1+2"})
    # Give the formula a cached value, as Excel does when it saves.
    data = rezip(data, "xl/worksheets/sheet1.xml", lambda b: b.replace(b"<f>1+2</f><v></v>", b"<f>1+2</f><v>3</v>")
                 .replace(b"<f>1+2</f></c>", b"<f>1+2</f><v>3</v></c>"))
    p = prep(data, "cached.xlsx")
    assert one(p)["total_deaths"] == 3
    assert not any("formula" in n for n in p.notes)


# ---------------------------------------------------------------- 6. a malformed CSV row


def _gtd_lines(n: int) -> list[str]:
    return gtd_csv(*(gtd_row() for _ in range(n))).decode().splitlines()


def test_one_row_with_too_many_fields_is_rejected_and_the_rest_imported():
    lines = _gtd_lines(4)
    lines[2] = lines[2].replace("Synthtown", "Synth,town", 1)  # an unquoted delimiter in a value
    p = prep("\n".join(lines).encode(), "gtd.csv")
    assert p.n_accepted == 3 and p.rows_read == 4
    assert p.accepted["source_row"].tolist() == [2, 4, 5]
    rejected = p.rejected.to_dict("records")
    assert len(rejected) == 1 and rejected[0]["row"] == 3
    assert rejected[0]["source_record_id"] == lines[2].split(",")[0]
    assert rejected[0]["reason"].startswith("row 3 has 29 fields, the header has 28")
    assert "unquoted" in rejected[0]["reason"]


def test_a_row_with_too_few_fields_before_the_end_is_rejected_too():
    lines = _gtd_lines(3)
    lines[1] = ",".join(lines[1].split(",")[:20])
    p = prep("\n".join(lines).encode(), "gtd.csv")
    assert p.n_accepted == 2 and p.rejected["row"].tolist() == [2]
    assert p.rejected.loc[0, "reason"].startswith("row 2 has 20 fields, the header has 28")


def test_malformed_rows_are_rejected_with_a_semicolon_delimiter_and_blank_lines():
    lines = gtd_csv(*(gtd_row() for _ in range(3)), sep=";").decode().splitlines()
    lines[3] += ";extra;more"
    p = prep("\n".join([lines[0], "", *lines[1:]]).encode(), "gtd.csv")
    assert p.blank_rows == [2] and p.accepted["source_row"].tolist() == [3, 4]
    assert p.rejected["reason"].tolist()[0].startswith("row 5 has 30 fields, the header has 28")


def test_a_mostly_malformed_csv_is_refused_with_a_clear_message():
    lines = _gtd_lines(5)
    for i in (1, 2, 4):
        lines[i] += ",x"
    msg = refusal("\n".join(lines).encode(), "bad.csv")
    assert msg.startswith("bad.csv")
    assert "3 of the 5 data rows" in msg and "28" in msg and "row 2" in msg


def test_a_malformed_row_in_read_table_is_listed_not_raised():
    df = read_table(b"a,b\n1,2\n3,4,5\n6,7\n", "t.csv")
    assert df.index.tolist() == [2, 4]
    assert list(df.attrs["malformed_rows"]) == [3]
    assert df.attrs["malformed_rows"][3].startswith("row 3 has 3 fields, the header has 2")


# ---------------------------------------------------------------- 7. files that are not CSV text


def _text() -> str:
    return gtd_csv(gtd_row(city="Алматы"), gtd_row()).decode()


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "synthetic")
    return buf.getvalue()


def _office(member: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(member, "<x/>")
    return buf.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256))
NOT_TEXT = [
    (_text().encode("utf-16-le"), "the file appears to be UTF-16 text without a byte-order mark: save it as UTF-8"),
    (_text().encode("utf-16-be"), "the file appears to be UTF-16 text without a byte-order mark: save it as UTF-8"),
    (_text().encode("utf-32"), "the file appears to be UTF-32 text: save it as UTF-8"),
    (_text().encode("utf-32-le"), "the file appears to be UTF-32 text: save it as UTF-8"),
    (_text().encode("utf-32-be"), "the file appears to be UTF-32 text: save it as UTF-8"),
    (PNG, "the file is a PNG image, not a CSV or XLSX"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)), "the file is a JPEG image, not a CSV or XLSX"),
    (b"GIF89a\x10\x00\x10\x00" + bytes(range(256)), "the file is a GIF image, not a CSV or XLSX"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n", "the file is a PDF document, not a CSV or XLSX"),
    (_zip(), "the file is a ZIP archive, not a CSV or XLSX"),
    (_office("word/document.xml"), "the file is a Word document (.docx), not a CSV or XLSX"),
    (gzip.compress(b"a,b\n1,2\n"), "the file is a gzip archive, not a CSV or XLSX"),
    (b"SQLite format 3\x00" + bytes(100), "the file is an SQLite database, not a CSV or XLSX"),
    (b"\x7fELF\x02\x01\x01" + bytes(range(256)), "the file is a program (ELF executable), not a CSV or XLSX"),
    (b"eventid,iyear\n\x00\x01\x02\x03\x04\x05\x06binary\x00\x00\x9a\xff" * 20, "binary data"),
]


@pytest.mark.parametrize(("data", "words"), NOT_TEXT, ids=[w[:40] for _, w in NOT_TEXT])
@pytest.mark.parametrize("name", ["renamed.csv", "renamed.txt"])
def test_a_file_that_is_not_csv_text_says_what_it_appears_to_be(data, words, name):
    msg = refusal(data, name)
    assert msg.startswith(f"{name}: ") and words in msg
    assert "not a recognised format" not in msg
    assert msg.isprintable() and "\x00" not in msg and "IHDR" not in msg and "JFIF" not in msg


def test_utf16_with_a_byte_order_mark_and_cp1251_are_still_read():
    p = prep(_text().encode("utf-16"), "u16.csv")
    assert p.n_accepted == 2 and p.accepted.loc[0, "place"] == "Алматы"
    p = prep(_text().encode("cp1251"), "cp.csv")
    assert p.n_accepted == 2 and p.accepted.loc[0, "place"] == "Алматы"


def test_broken_utf8_still_reports_its_byte_offset():
    data = gtd_csv(gtd_row(city="Алматы"), gtd_row(city="Астана"))
    cut = data.index("Астана".encode())
    data = data[:cut + 1] + b"," + data[cut + 2:]  # a lead byte without its continuation byte
    msg = refusal(data, "broken.csv")
    assert f"byte 0xd0 at byte {cut}, line 3" in msg and "UTF-8" in msg


def test_an_unrecognised_header_never_echoes_control_characters():
    msg = refusal(b"name,price\x1b,colour,size,weight\nsynth,3,red,4,5\n", "odd.csv")
    assert "not a recognised format" in msg and msg.isprintable()


# ---------------------------------------------------------------- 8. points outside Kazakhstan


def test_swapped_coordinates_are_kept_without_a_point_and_listed():
    # 47.1 N 51.9 E is in Atyrau; swapped it is 51.9 N 47.1 E, in Russia - inside Kazakhstan's bounding box.
    p = prep(gtd_csv(gtd_row(), gtd_row(latitude="51.9", longitude="47.1"),
                     gtd_row(latitude="41.3", longitude="69.2"),  # Tashkent
                     gtd_row(latitude="55.0", longitude="73.4")))  # Omsk
    assert p.n_accepted == 4 and p.n_rejected == 0
    listed = p.missing_coordinates.set_index("row")["reason"].to_dict()
    assert listed == {3: "the point lies outside Kazakhstan (latitude and longitude may be swapped)",
                      4: "the point lies outside Kazakhstan", 5: "the point lies outside Kazakhstan"}
    acc = p.accepted.set_index("source_row")
    assert acc.loc[[3, 4, 5], "latitude"].isna().all() and acc.loc[[3, 4, 5], "longitude"].isna().all()
    assert acc.loc[2, "latitude"] == 47.1 and acc.loc[2, "longitude"] == 51.9  # never moved
    assert "(51.9, 47.1) is not drawn: the point lies outside Kazakhstan" in acc.loc[3, "geo_note"]


def test_points_outside_kazakhstan_in_acled_and_own_format_are_listed(pack):
    p = prep(to_csv([acled_row(latitude="51.9", longitude="47.1")], ACLED_COLS))
    assert p.n_accepted == 1 and blank(p.accepted.loc[0, "latitude"])
    assert p.missing_coordinates["reason"].str.startswith("the point lies outside Kazakhstan").all()
    rows = own_rows(pack)
    rows[0]["latitude"], rows[0]["longitude"] = "42.87", "74.6"  # Bishkek
    p = prep(to_csv(rows, list(event_columns())))
    assert p.n_accepted == 1 and p.missing_coordinates["reason"].tolist() == ["the point lies outside Kazakhstan"]


def test_points_inside_kazakhstan_near_its_border_are_drawn(pack):
    data = (DEFAULT_DATA_DIR / "events.csv").read_bytes()
    p = prep(data, "events.csv", pack)
    assert not p.missing_coordinates["reason"].str.contains("outside Kazakhstan").any()
    near_border = [("42.32", "69.59"), ("43.24", "76.89"), ("54.87", "69.15"), ("43.65", "51.17"), ("50.4", "80.25")]
    p = prep(gtd_csv(*(gtd_row(latitude=la, longitude=lo) for la, lo in near_border)))
    assert p.n_accepted == len(near_border) and p.n_missing_coordinates == 0


def test_the_csv_round_trip_of_the_listing_is_readable():
    p = prep(gtd_csv(gtd_row(latitude="51.9", longitude="47.1")))
    text = p.missing_coordinates.to_csv(index=False)
    assert list(csv.reader(io.StringIO(text)))[1][3].startswith("the point lies outside Kazakhstan")
