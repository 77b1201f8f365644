"""Bring your own data: format detection, reading, mapping and checking of uploaded files (components.imports:
read, formats, gtd, acled, own, preview).

Every fixture is written here and is synthetic (made-up ids, places, groups and figures): no real GTD or ACLED row.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import itertools
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from components.imports import acled, gtd
from components.imports import regions as regions_lookup
from components.imports.columns import event_columns, imported_events_schema, output_columns
from components.imports.formats import detect_format
from components.imports.preview import ImportPreview, prepare_import
from components.imports.read import DEFAULT_MAX_BYTES, read_table
from components.imports.source import ImportFileError
from components.imports.store import Store
from components.pack.load import DEFAULT_DATA_DIR

# ---------------------------------------------------------------- synthetic fixtures

GTD_COLS = ["eventid", "iyear", "imonth", "iday", "approxdate", "extended", "resolution", "country_txt", "provstate",
            "city", "latitude", "longitude", "specificity", "summary", "doubtterr", "alternative_txt",
            "attacktype1_txt", "targtype1_txt", "target1", "gname", "weaptype1_txt", "nkill", "nkillter", "nwound",
            "nwoundte", "scite1", "scite2", "scite3"]
_ids = itertools.count(1)


def gtd_row(**over: str) -> dict[str, str]:
    row = {"eventid": f"9{next(_ids):011d}", "iyear": "2012", "imonth": "9", "iday": "1", "approxdate": "",
           "extended": "0", "resolution": "", "country_txt": "Kazakhstan", "provstate": "Atyrau", "city": "Synthtown",
           "latitude": "47.1", "longitude": "51.9", "specificity": "1", "summary": "Synthetic incident for a test.",
           "doubtterr": "0", "alternative_txt": "", "attacktype1_txt": "Armed Assault", "targtype1_txt": "Police",
           "target1": "Synthetic target", "gname": "Synthetic Group", "weaptype1_txt": "Firearms", "nkill": "1",
           "nkillter": "", "nwound": "0", "nwoundte": "", "scite1": "Synthetic source 1", "scite2": "", "scite3": ""}
    row.update(over)
    return row


def to_csv(rows: list[dict[str, str]], columns: list[str] | None = None, sep: str = ",",
           encoding: str = "utf-8") -> bytes:
    columns = columns or list(rows[0])
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, delimiter=sep, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def gtd_csv(*rows: dict[str, str], **kw) -> bytes:
    return to_csv(list(rows), GTD_COLS, **kw)


ACLED_COLS = ["event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type", "actor1",
              "assoc_actor_1", "actor2", "inter2", "country", "admin1", "location", "latitude", "longitude",
              "geo_precision", "source", "notes", "fatalities"]


def acled_row(**over: str) -> dict[str, str]:
    row = {"event_id_cnty": f"KAZ{next(_ids)}", "event_date": "2012-09-01", "year": "2012", "time_precision": "1",
           "event_type": "Violence against civilians", "sub_event_type": "Attack",
           "actor1": "Unidentified Armed Group (Kazakhstan)", "assoc_actor_1": "", "actor2": "Civilians (Kazakhstan)",
           "inter2": "7", "country": "Kazakhstan", "admin1": "Atyrau", "location": "Synthtown", "latitude": "47.1",
           "longitude": "51.9", "geo_precision": "1", "source": "Synthetic Source", "notes": "Synthetic note.",
           "fatalities": "2"}
    row.update(over)
    return row


def prep(data: bytes, name: str = "upload.csv", pack=None, **kw) -> ImportPreview:
    curated = pack.tables["events"] if pack is not None else None
    regions = pack.tables["regions"] if pack is not None else None
    return prepare_import(data, name, curated, regions, **kw)


def one(preview: ImportPreview) -> dict:
    assert preview.n_accepted == 1, (preview.rejected, preview.out_of_scope)
    return preview.accepted.iloc[0].to_dict()


def blank(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value))


# ---------------------------------------------------------------- format detection


def test_detects_each_format_from_its_columns():
    assert detect_format(GTD_COLS) == "gtd"
    assert detect_format([c.upper() for c in ACLED_COLS]) == "acled"
    assert detect_format(event_columns()) == "events"


def test_unrelated_columns_are_not_a_recognised_format():
    with pytest.raises(ImportFileError) as err:
        detect_format(["name", "price", "colour"])
    msg = str(err.value)
    assert "not a recognised format; expected columns" in msg
    for col in ("eventid", "event_id_cnty", "event_id", "iday", "fatalities"):
        assert col in msg
    assert "colour" in msg  # says what the file has


def test_near_miss_names_the_missing_columns():
    with pytest.raises(ImportFileError,
                       match=r"looks like a Global Terrorism Database .* lacks the columns: .*nkill"):
        detect_format(["eventid", "iyear", "imonth", "iday", "country_txt", "provstate"])


# ---------------------------------------------------------------- GTD mapping


def test_gtd_import_maps_a_full_row(pack):
    p = prep(gtd_csv(gtd_row(iyear="2012", imonth="9", iday="14", provstate="Atyrau", city="Synthtown",
                             latitude="47.1", longitude="51.9", attacktype1_txt="Bombing/Explosion",
                             targtype1_txt="Police", gname="Synthetic Group", summary="Synthetic narrative.",
                             scite1="Synthetic A", scite2="Synthetic B")), "gtd.csv", pack)
    assert p.format == "gtd" and p.format_label.startswith("Global Terrorism Database")
    row = one(p)
    assert row["date"] == pd.Timestamp("2012-09-14") and row["date_precision"] == "day"
    assert row["region"] == "Atyrau Region" and row["place"] == "Synthtown"
    assert (row["latitude"], row["longitude"]) == (47.1, 51.9)
    assert row["event_type"] == "attack" and row["attack_type"] == "Bombing/Explosion"
    assert row["target_type"] == "Police" and row["perpetrator_group"] == "Synthetic Group"
    assert row["summary"] == "Synthetic narrative."
    assert row["source_citations"] == "Synthetic A | Synthetic B"
    assert row["source_format"] == "gtd" and row["source_record_id"].startswith("9")
    assert row["event_id"] == "gtd-" + row["source_record_id"]
    assert row["source_row"] == 2
    assert p.citation == gtd.CITATION
    assert "2022" in gtd.CITATION and "start.umd.edu/gtd" in gtd.CITATION
    assert "perpetrators" in p.casualty_note


def test_gtd_unknown_day_is_month_precision_not_a_guessed_day():
    row = one(prep(gtd_csv(gtd_row(iyear="2013", imonth="6", iday="0"))))
    assert row["date_precision"] == "month"
    assert row["date"] == pd.Timestamp("2013-06-01")
    assert "iday 0: day unknown" in row["date_note"]


def test_gtd_unknown_month_is_year_precision():
    row = one(prep(gtd_csv(gtd_row(iyear="2013", imonth="0", iday="0"))))
    assert row["date_precision"] == "year" and "imonth 0" in row["date_note"]


def test_gtd_approxdate_is_kept_as_a_note():
    with_day = one(prep(gtd_csv(gtd_row(iday="3", approxdate="between 2 and 4 September 2012"))))
    assert with_day["date_precision"] == "approximate"
    assert "GTD approxdate: 'between 2 and 4 September 2012'" in with_day["date_note"]
    no_day = one(prep(gtd_csv(gtd_row(iday="0", approxdate="September 2012"))))
    assert no_day["date_precision"] == "month" and "approxdate: 'September 2012'" in no_day["date_note"]


@pytest.mark.parametrize(("code", "precision"), [("1", "settlement"), ("2", "area"), ("3", "area"), ("4", "area"),
                                                 ("5", "area")])
def test_gtd_specificity_gives_coordinate_precision_and_note(code, precision):
    row = one(prep(gtd_csv(gtd_row(specificity=code))))
    assert row["coord_precision"] == precision
    assert row["precision_note"].startswith(f"GTD specificity {code}:")


def test_gtd_doubtterr_gives_classification_and_doubt_note():
    doubt = one(prep(gtd_csv(gtd_row(doubtterr="1", alternative_txt="Other Crime Type"))))
    assert doubt["classification"] == "disputed"
    assert "doubtterr 1" in doubt["doubt_note"] and "Other Crime Type" in doubt["doubt_note"]
    sure = one(prep(gtd_csv(gtd_row(doubtterr="0"))))
    assert sure["classification"] == "terrorism by dataset criteria" and "doubtterr 0" in sure["doubt_note"]
    assert "not an official classification" in sure["classification_note"]
    unrecorded = one(prep(gtd_csv(gtd_row(doubtterr="-9"))))
    assert "not recorded" in unrecorded["doubt_note"]


def test_gtd_nkill_is_total_deaths_with_the_perpetrators_note():
    row = one(prep(gtd_csv(gtd_row(nkill="5", nkillter=""))))
    assert row["total_deaths"] == 5
    assert blank(row["killed"]) and blank(row["perpetrators_killed"])  # victims are not known
    assert "perpetrators" in row["casualty_note"] and "total deaths" in row["casualty_note"]


def test_gtd_nkillter_separates_victims_from_perpetrators():
    row = one(prep(gtd_csv(gtd_row(nkill="5", nkillter="2", nwound="4", nwoundte="1"))))
    assert (row["total_deaths"], row["perpetrators_killed"], row["killed"]) == (5, 2, 3)
    assert row["injured"] == 3 and "nwound - nwoundte" in row["casualty_note"]


def test_gtd_blank_or_unknown_nkill_stays_unknown_never_zero():
    row = one(prep(gtd_csv(gtd_row(nkill="", nwound=""))))
    assert blank(row["total_deaths"]) and blank(row["killed"]) and blank(row["injured"])
    coded = one(prep(gtd_csv(gtd_row(nkill="-99"))))
    assert blank(coded["total_deaths"])
    zero = one(prep(gtd_csv(gtd_row(nkill="0"))))
    assert zero["total_deaths"] == 0


def test_gtd_target_types_outside_the_vocabulary_become_other_and_keep_the_gtd_name():
    row = one(prep(gtd_csv(gtd_row(targtype1_txt="Airports & Aircraft"))))
    assert row["target_type"] == "Other"
    assert "GTD target type: Airports & Aircraft" in row["attack_description"]


def test_gtd_missing_coordinates_are_kept_and_listed():
    p = prep(gtd_csv(gtd_row(latitude="", longitude="", city="Nowhere-synth"),
                     gtd_row(latitude="47.1", longitude=""),
                     gtd_row(latitude="10.0", longitude="10.0"),
                     gtd_row()))
    assert p.n_accepted == 4 and p.n_rejected == 0
    assert p.n_missing_coordinates == 3
    listed = p.missing_coordinates.set_index("row")["reason"].to_dict()
    assert listed == {2: "no coordinates in the source", 3: "only one of latitude and longitude is given",
                      4: "the point lies outside Kazakhstan"}
    acc = p.accepted.set_index("source_row")
    assert acc.loc[[2, 3, 4], "latitude"].isna().all() and acc.loc[[2, 3, 4], "coord_precision"].isna().all()
    assert "(10.0, 10.0) is not drawn" in acc.loc[4, "geo_note"]
    assert acc.loc[5, "latitude"] == 47.1


def test_gtd_soviet_union_rows_in_a_kazakh_region_are_in_scope():
    p = prep(gtd_csv(gtd_row(country_txt="Soviet Union", provstate="Alma-Ata Oblast", iyear="1991", imonth="12",
                             iday="1"),
                     gtd_row(country_txt="Soviet Union", provstate="Moscow", iyear="1991")))
    assert p.n_accepted == 1 and p.accepted.loc[0, "region"] == "Almaty Region"
    assert p.out_of_scope_counts == {"outside Kazakhstan": 1}


def test_rows_outside_kazakhstan_or_the_period_are_counted_not_imported():
    p = prep(gtd_csv(gtd_row(), gtd_row(country_txt="Kyrgyzstan", provstate="Chuy"), gtd_row(iyear="1989"),
                     gtd_row(iyear="2017"), gtd_row(country_txt="Uzbekistan", iyear="2019")))
    assert p.n_accepted == 1
    assert p.out_of_scope_counts == {"outside Kazakhstan": 2, "outside 1991-2016": 2}
    assert p.out_of_scope["row"].tolist() == [3, 4, 5, 6]
    assert "country_txt 'Kyrgyzstan'" in p.out_of_scope.loc[0, "reason"]
    assert "date 1989-09-01" in p.out_of_scope.loc[1, "reason"]


def test_rejected_rows_each_have_a_reason_and_download_as_csv():
    p = prep(gtd_csv(gtd_row(), gtd_row(iday="31", imonth="2"), gtd_row(attacktype1_txt="Cyber attack"),
                     gtd_row(nkill="-3"), gtd_row(nkill="2.5"), gtd_row(iyear="")))
    assert p.n_accepted == 1 and p.n_rejected == 5
    reasons = p.rejected.set_index("row")["reason"].to_dict()
    assert "is not a calendar date" in reasons[3]
    assert "attacktype1_txt: 'Cyber attack' is not a GTD attack type" in reasons[4]
    assert "nkill: '-3' is negative" in reasons[5]
    assert "nkill: '2.5' is not a whole number" in reasons[6]
    assert "iyear" in reasons[7]
    text = p.rejected_csv().decode("utf-8-sig")
    assert text.splitlines()[0] == "row,source_record_id,reason" and "Cyber attack" in text


def test_a_repeated_source_id_is_rejected_and_points_to_the_first():
    first = gtd_row()
    p = prep(gtd_csv(first, gtd_row(eventid=first["eventid"], city="Other")))
    assert p.n_accepted == 1
    assert p.rejected.to_dict("records") == [{"row": 3, "source_record_id": first["eventid"],
                                              "reason": "id: repeats the id of row 2"}]


def test_every_data_row_is_accepted_rejected_or_out_of_scope():
    rows = [gtd_row(), gtd_row(nkill="x"), gtd_row(country_txt="Tajikistan"), gtd_row(latitude=""),
            gtd_row(iyear="1980"), gtd_row(provstate="Atlantis")]
    p = prep(gtd_csv(*rows))
    assert p.rows_read == len(rows) == p.n_accepted + p.n_rejected + p.n_out_of_scope
    seen = sorted([*p.accepted["source_row"], *p.rejected["row"], *p.out_of_scope["row"]])
    assert seen == list(range(2, 2 + len(rows)))


# ---------------------------------------------------------------- regions


@pytest.mark.parametrize(("name", "region"), [
    ("Zhambyl", "Jambyl Region"), ("Jambyl", "Jambyl Region"), ("Dzhambul", "Jambyl Region"),
    ("Aqtobe", "Aktobe Region"), ("Aktyubinsk", "Aktobe Region"), ("Aktobe Region", "Aktobe Region"),
    ("Almaty Oblast", "Almaty Region"), ("Almaty Province", "Almaty Region"), ("Almaty (Province)", "Almaty Region"),
    ("Akmola", "Akmola Region"), ("Aqmola", "Akmola Region"),
    ("Shymkent", "South Kazakhstan Region"), ("South Kazakhstan", "South Kazakhstan Region"),
    ("Turkistan", "South Kazakhstan Region"), ("Turkestan Region", "South Kazakhstan Region"),
    ("Chimkent", "South Kazakhstan Region"),
    ("Abai", "East Kazakhstan Region"), ("East Kazakhstan", "East Kazakhstan Region"),
    ("Semipalatinsk", "East Kazakhstan Region"),
    ("Jetisu", "Almaty Region"), ("Zhetysu Region", "Almaty Region"), ("Taldy-Kurgan", "Almaty Region"),
    ("Ulytau", "Karaganda Region"), ("Qaraghandy", "Karaganda Region"), ("Zhezkazgan", "Karaganda Region"),
    ("Nur-Sultan", "Astana"), ("Astana", "Astana"), ("Akmola City", "Astana"), ("Tselinograd", "Astana"),
    ("Almaty City", "Almaty"), ("Almaty", "Almaty"), ("Alma-Ata", "Almaty"), ("City of Almaty", "Almaty"),
    ("Guryev", "Atyrau Region"), ("Kustanai", "Kostanay Region"), ("Qyzylorda", "Kyzylorda Region"),
    ("Mangghystau", "Mangystau Region"), ("Mangyshlak", "Mangystau Region"), ("North Kazakhstan",
                                                                            "North Kazakhstan Region"),
    ("Pavlodar Oblysy", "Pavlodar Region"), ("Uralsk", "West Kazakhstan Region"),
    ("Batys Qazaqstan", "West Kazakhstan Region"),
    ("Алматинская область", "Almaty Region"), ("г. Алматы", "Almaty"), ("Жамбыл облысы", "Jambyl Region"),
])
def test_region_name_variants_map_to_the_2016_units(name, region):
    assert regions_lookup.lookup(name) == region


@pytest.mark.parametrize("name", ["Turgay", "Kokchetav", "Unknown", "", "Chuy", "Atlantis"])
def test_names_that_cannot_be_placed_do_not_map(name):
    assert regions_lookup.lookup(name) is None


def test_all_sixteen_regions_map_to_themselves(pack):
    names = pack.tables["regions"]["region"].tolist()
    assert sorted(names) == sorted(regions_lookup.REGIONS_2016)
    assert [regions_lookup.lookup(n) for n in names] == names


def test_unmapped_region_names_are_reported_and_the_rows_kept():
    p = prep(gtd_csv(gtd_row(provstate="Turgay"), gtd_row(provstate="Turgay"), gtd_row(provstate="Unknown"),
                     gtd_row(provstate="Jetisu")))
    assert p.n_accepted == 4
    assert p.unmapped_regions == {"Turgay": 2}  # 'Unknown' is not a spelling to fix
    acc = p.accepted.set_index("source_row")
    assert acc["region"].isna().tolist() == [True, True, True, False]
    assert "region 'Turgay' in the source does not map" in acc.loc[2, "geo_note"]
    assert "the source gives no region" in acc.loc[4, "geo_note"]


# ---------------------------------------------------------------- duplicates of curated incidents


def test_likely_duplicates_of_curated_incidents_are_linked(pack):
    curated = pack.tables["events"].set_index("event_id").loc["ev-2011-11-12-taraz"]
    assert curated["date"] == pd.Timestamp("2011-11-12") and curated["region"] == "Jambyl Region"
    p = prep(gtd_csv(gtd_row(iyear="2011", imonth="11", iday="13", provstate="Zhambyl", city="Taraz",
                             latitude="42.9", longitude="71.37"),
                     gtd_row(iyear="2011", imonth="11", iday="16", provstate="Zhambyl", city="Taraz",
                             latitude="42.9", longitude="71.37"),
                     gtd_row(iyear="2011", imonth="11", iday="12", provstate="Atyrau", city="Synthtown"),
                     gtd_row(iyear="2011", imonth="11", iday="0", provstate="Zhambyl", city="Taraz",
                             latitude="42.9", longitude="71.37"),
                     gtd_row(iyear="2011", imonth="11", iday="12", provstate="Jambyl", city="Taraz", latitude="",
                             longitude="")),
             "gtd.csv", pack)
    assert p.n_accepted == 5 and p.n_duplicates == 2
    dup = p.duplicates.set_index("row")
    assert dup["duplicate_of"].to_dict() == {2: "ev-2011-11-12-taraz", 6: "ev-2011-11-12-taraz"}
    assert dup.loc[2, "days_apart"] == 1
    acc = p.accepted.set_index("source_row")["duplicate_of"]
    assert acc[2] == "ev-2011-11-12-taraz" and acc[[3, 4, 5]].isna().all()


# ---------------------------------------------------------------- ACLED


def test_acled_import_maps_precision_fatalities_and_actors(pack):
    p = prep(to_csv([
        acled_row(event_date="2012-09-14", time_precision="1", geo_precision="1", admin1="Aqtobe",
                  location="Synthtown", latitude="50.3", longitude="57.2", fatalities="3"),
        acled_row(event_date="15 March 2013", time_precision="3", geo_precision="3", admin1="Almaty Oblast"),
        acled_row(event_date="2013-04-02", time_precision="2", event_type="Battles", sub_event_type="Armed clash",
                  actor1="Police Forces of Kazakhstan (2011-)", actor2="Unidentified Armed Group (Kazakhstan)",
                  inter2="3", fatalities=""),
        acled_row(event_type="Protests", sub_event_type="Peaceful protest"),
        acled_row(country="Kyrgyzstan"),
        acled_row(event_date="2019-01-01"),
    ], ACLED_COLS), "acled.csv", pack)
    assert p.format == "acled" and p.citation == acled.CITATION
    assert p.n_accepted == 3
    assert p.out_of_scope_counts == {"not an incident of violence": 1, "outside Kazakhstan": 1,
                                     "outside 1991-2016": 1}
    a, b, c = (p.accepted.iloc[i].to_dict() for i in range(3))
    assert a["date"] == pd.Timestamp("2012-09-14") and a["date_precision"] == "day"
    assert a["region"] == "Aktobe Region" and a["coord_precision"] == "settlement"
    assert a["precision_note"].startswith("ACLED geo_precision 1")
    assert a["total_deaths"] == 3 and blank(a["killed"]) and "perpetrators" in a["casualty_note"]
    assert a["target_type"] == "Private Citizens & Property" and a["event_type"] == "attack"
    assert a["summary"] == "Synthetic note." and a["source_citations"] == "Synthetic Source"
    assert a["classification"] == "not classified as terrorism"
    assert b["date"] == pd.Timestamp("2013-03-15") and b["date_precision"] == "month"
    assert "time_precision 3" in b["date_note"] and b["coord_precision"] == "area"
    assert b["region"] == "Almaty Region"
    assert c["date_precision"] == "approximate" and c["event_type"] == "security operation"
    assert c["attack_type"] == "Armed Assault" and c["target_type"] == "Terrorists/Non-State Militia"
    assert blank(c["total_deaths"])
    assert c["event_id"] == "acled-" + c["source_record_id"].lower()


def test_acled_without_a_country_column_says_so():
    cols = [c for c in ACLED_COLS if c != "country"]
    p = prep(to_csv([acled_row()], cols))
    assert p.n_accepted == 1 and any("no 'country' column" in n for n in p.notes)


# ---------------------------------------------------------------- the dashboard's own format


def test_own_event_format_round_trip_links_every_curated_incident(pack):
    data = (DEFAULT_DATA_DIR / "events.csv").read_bytes()
    p = prep(data, "events.csv", pack)
    assert p.format == "events" and p.n_accepted == len(pack.tables["events"]) and p.n_rejected == 0
    assert (p.accepted["duplicate_of"] == p.accepted["source_record_id"]).all()
    curated = pack.tables["events"]
    for col in ("date", "date_precision", "region", "killed", "total_deaths", "classification", "summary"):
        assert p.accepted[col].astype(object).tolist() == curated[col].astype(object).tolist(), col


def test_own_event_format_rows_break_the_same_rules_as_the_curated_table(pack):
    rows = [dict(r) for r in pack.tables["events"].head(3).astype(object).where(
        pack.tables["events"].head(3).notna(), "").to_dict("records")]
    for r in rows:
        r["date"] = r["date"].strftime("%Y-%m-%d")
        r["event_id"] = r["event_id"] + "-synthetic"
    rows[0]["attack_type"] = "Laser"
    rows[1].update(killed="3", perpetrators_killed="2", total_deaths="4")
    p = prep(to_csv(rows, list(event_columns())))
    reasons = p.rejected.set_index("row")["reason"].to_dict()
    assert "attack_type: 'Laser' must be one of" in reasons[2]
    assert "total_deaths: must be at least killed + perpetrators_killed" in reasons[3]
    assert p.n_accepted == 1


# ---------------------------------------------------------------- files that are hard to read


def test_windows_1251_and_semicolons_are_read():
    data = gtd_csv(gtd_row(provstate="Алматинская область", city="Талдыкорган", summary="Синтетика; тест"),
                   sep=";", encoding="cp1251")
    p = prep(data, "export.csv")
    assert p.encoding.startswith("Windows-1251") and p.delimiter == ";"
    row = one(p)
    assert row["region"] == "Almaty Region" and row["place"] == "Талдыкорган" and row["summary"] == "Синтетика; тест"


def test_western_windows_1252_is_read_and_broken_utf8_is_refused():
    p = prep(gtd_csv(gtd_row(city="Société-synth"), encoding="cp1252"))
    assert p.encoding.startswith("Windows-1252") and one(p)["place"] == "Société-synth"
    data = gtd_csv(gtd_row(city="Öskemen-synth"), gtd_row(city="Synth\xadtown"))
    broken = data.replace("Synth\xadtown".encode(), b"Synth\xfftown")
    with pytest.raises(ImportFileError, match=r"not valid UTF-8 .*line 3"):
        prep(broken, "broken.csv")


def test_utf8_with_a_byte_order_mark_is_read():
    p = prep(b"\xef\xbb\xbf" + gtd_csv(gtd_row(city="Öskemen-synth")))
    assert p.encoding == "UTF-8 with a byte-order mark" and one(p)["place"] == "Öskemen-synth"


def test_blank_lines_are_skipped_and_row_numbers_stay_those_of_the_file():
    body = gtd_csv(gtd_row(), gtd_row(iday="32")).decode()
    header, first, second = body.splitlines()
    data = f"{header}\n\n{first}\n,,,,\n\n{second}\n".encode()
    p = prep(data)
    assert p.blank_rows == [2, 4, 5]
    assert p.accepted["source_row"].tolist() == [3] and p.rejected["row"].tolist() == [6]


def test_a_value_on_several_lines_counts_as_one_row():
    p = prep(gtd_csv(gtd_row(summary="line one\nline two"), gtd_row(iday="40")))
    assert one(p)["summary"] == "line one\nline two"
    assert p.rejected["row"].tolist() == [3]


def test_duplicate_headers_are_refused():
    data = b"eventid,iyear,iyear\n1,2012,2013\n"
    with pytest.raises(ImportFileError) as err:
        prep(data, "dupe.csv")
    assert err.value.row == 1 and err.value.column == "iyear"
    assert str(err.value).startswith("dupe.csv, row 1, column 'iyear': the header names the column 'iyear' twice")


def test_a_truncated_final_row_is_refused_with_its_row():
    data = gtd_csv(gtd_row(), gtd_row()) + b"900000000999,2012,9,1,,0,,Kazakh"
    with pytest.raises(ImportFileError) as err:
        prep(data, "cut.csv")
    assert err.value.row == 4
    assert "fewer than the 28 of the header" in str(err.value) and "truncated" in str(err.value)


def test_an_unterminated_quote_is_refused_with_its_row():
    data = gtd_csv(gtd_row(), gtd_row()) + b'900000000999,2012,9,1,,0,,Kazakhstan,Atyrau,"Synth'
    with pytest.raises(ImportFileError) as err:
        prep(data, "cut.csv")
    assert err.value.row == 4 and "never closed" in str(err.value)


def test_a_row_with_too_many_fields_is_rejected_with_its_row():
    good = gtd_csv(gtd_row(), gtd_row()).decode().splitlines()
    data = "\n".join([good[0], good[1] + ",surplus", good[2]]).encode()
    p = prep(data)
    assert p.accepted["source_row"].tolist() == [3]
    assert p.rejected["row"].tolist() == [2]
    assert p.rejected.loc[0, "reason"].startswith("row 2 has 29 fields, the header has 28")


def test_a_file_over_the_size_limit_is_refused():
    data = gtd_csv(*(gtd_row() for _ in range(50)))
    with pytest.raises(ImportFileError, match=r"over the import limit of 2\.0 KB"):
        prep(data, max_bytes=2048)
    assert DEFAULT_MAX_BYTES == 200 * 1024 * 1024
    assert prep(data, max_bytes=len(data)).n_accepted == 50


@pytest.mark.parametrize(("data", "name", "words"), [
    (b"", "empty.csv", "the file is empty"),
    (b"\n \n", "blank.csv", "the file is empty"),
    (b"name,age\nsynth,3\n", "people.csv", "not a recognised format"),
    (b"\xd0\xcf\x11\xe0rest of an old workbook", "old.xls", "Excel 97-2003"),
    (b"PK\x03\x04not really a zip", "broken.xlsx", "damaged or truncated"),
    (b"a,b\n1,2\n", "misnamed.xlsx", "not one"),
])
def test_unreadable_files_get_a_message_naming_the_file(data, name, words):
    with pytest.raises(ImportFileError) as err:
        prep(data, name)
    assert str(err.value).startswith(name) and words in str(err.value)


def test_a_truncated_xlsx_is_refused():
    wb = openpyxl.Workbook()
    wb.active.append(GTD_COLS)
    wb.active.append(list(gtd_row().values()))
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    with pytest.raises(ImportFileError, match="damaged or truncated"):
        prep(data[: len(data) // 2], "half.xlsx")


def test_bad_files_change_nothing(tmp_path):
    store = Store(tmp_path / "var")
    store.add(prep(gtd_csv(gtd_row())), "existing")
    before = (store.datasets()[["dataset_id", "name", "rows_accepted"]].to_dict("records"), len(store.events()))
    for data in (b"name,age\n", gtd_csv(gtd_row()) + b'9,2012,"cut', b"eventid,iyear,iyear\n1,2,3\n"):
        with pytest.raises(ImportFileError):
            store.add(prep(data), "never stored")
    after = (store.datasets()[["dataset_id", "name", "rows_accepted"]].to_dict("records"), len(store.events()))
    assert after == before


# ---------------------------------------------------------------- Excel


def xlsx(rows: list[list[object]], sheet: str = "Sheet1", before: list[list[object]] | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in before or []:
        ws.append(r)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_with_real_dates_and_serial_numbers():
    header = ["event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "admin1",
              "location", "latitude", "longitude", "geo_precision", "fatalities", "notes", "source"]
    base = ["Violence against civilians", "Attack", "Synthetic actor", "Atyrau", "Synthtown", 47.1, 51.9, 1]
    data = xlsx([header,
                 ["KAZ1", dt.datetime(2012, 3, 15), 1, *base, 0, "n", "s"],
                 ["KAZ2", 41000, 1, *base, 2, "n", "s"],          # Excel serial day number: 2012-04-01
                 [None] * len(header),
                 ["KAZ3", "2013-05-06", 1, *base, None, "n", "s"]], sheet="Events")
    p = prep(data, "acled.xlsx")
    assert p.sheet == "Events" and p.blank_rows == [4]
    assert p.accepted["date"].tolist() == [pd.Timestamp("2012-03-15"), pd.Timestamp("2012-04-01"),
                                           pd.Timestamp("2013-05-06")]
    assert p.accepted["source_row"].tolist() == [2, 3, 5]
    assert p.accepted["total_deaths"].tolist()[:2] == [0, 2] and blank(p.accepted["total_deaths"].iloc[2])


def test_xlsx_gtd_on_a_later_sheet_below_a_title_row():
    wb = openpyxl.Workbook()
    wb.active.title = "About"
    wb.active.append(["Synthetic workbook for tests"])
    ws = wb.create_sheet("GTD")
    ws.append([])
    ws.append(GTD_COLS)
    row = gtd_row(nkill="3", iday="0")
    ws.append([int(v) if v.isdigit() else v for v in row.values()])
    buf = io.BytesIO()
    wb.save(buf)
    p = prep(buf.getvalue(), "gtd.xlsx")
    assert p.format == "gtd" and p.sheet == "GTD"
    r = one(p)
    assert r["source_row"] == 3 and r["total_deaths"] == 3 and r["date_precision"] == "month"
    assert r["source_record_id"] == row["eventid"]


def test_a_date_written_as_an_excel_serial_in_a_csv_is_read():
    p = prep(to_csv([acled_row(event_date="41000")], ACLED_COLS))
    assert one(p)["date"] == pd.Timestamp("2012-04-01")


# ---------------------------------------------------------------- read_table, output shape, purity


def test_read_table_returns_text_indexed_by_spreadsheet_row():
    df = read_table(b"\xef\xbb\xbfA;B\n1;x\n\n2;y\n", "t.csv")
    assert list(df.columns) == ["a", "b"] and df.index.tolist() == [2, 4]
    assert df.attrs["delimiter"] == ";" and df.attrs["blank_rows"] == [3]
    assert df["a"].tolist() == ["1", "2"]


def test_accepted_rows_satisfy_the_imported_events_schema(pack):
    p = prep(gtd_csv(gtd_row(), gtd_row(latitude=""), gtd_row(provstate="Turgay"), gtd_row(nkill="")), pack=pack)
    imported_events_schema().validate(p.accepted, lazy=True)
    assert list(p.accepted.columns) == output_columns()


def test_the_curated_data_pack_is_never_modified(tmp_path, pack):
    def digest() -> dict[str, str]:
        return {str(f.relative_to(DEFAULT_DATA_DIR)): hashlib.sha256(f.read_bytes()).hexdigest()
                for f in sorted(DEFAULT_DATA_DIR.rglob("*")) if f.is_file()}

    before = digest()
    store = Store(tmp_path)
    store.add(prep((DEFAULT_DATA_DIR / "events.csv").read_bytes(), "events.csv", pack), "own")
    store.add(prep(gtd_csv(gtd_row()), "gtd.csv", pack), "gtd")
    assert digest() == before
    assert not any(Path(DEFAULT_DATA_DIR).rglob("*.duckdb"))


def test_the_synthetic_generator_makes_a_valid_gtd_file():
    from scripts import gen_gtd

    df = gen_gtd.generate(500, seed=3)
    assert detect_format(df.columns) == "gtd"
    assert df["summary"].str.contains("not a real event").all()
    p = prep(gen_gtd.to_csv_bytes(500, seed=3), "synthetic.csv")
    assert p.rows_read == 500 and p.n_rejected == 0
    assert p.n_accepted + p.n_out_of_scope == 500 and p.n_out_of_scope > 0
    assert p.n_missing_coordinates > 0 and (p.accepted["date_precision"] == "month").any()


def test_xlsx_zip_without_a_workbook_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "synthetic")
    with pytest.raises(ImportFileError, match="Excel workbook"):
        prep(buf.getvalue(), "archive.xlsx")
