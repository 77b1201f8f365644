"""A small data pack built in code, in the manner of datasette's tests/fixtures.py: a few readable rows per table,
written as CSVs under the shipped files' headers (so the columns always follow the schema), with the shipped
metadata.json and region boundaries copied beside them, and loaded by the app's own loader.

What it holds, and what the tests expect from it (each figure below follows from the rows, not from the shipped
data):

- 5 incidents in 3 regions (Aktobe Region 2, Jambyl Region 1, Almaty 2; Pavlodar Region has none), dated 2011,
  2012 and 2016. One has no victims-killed figure (Almaty, Sept 2016, known only to the month); one has no
  coordinates (Kenkiyak); the two Almaty incidents share one point. Victims killed: at least 18 (0 + 7 + 10 + 1),
  1 incident with no figure; injured 19; perpetrators killed 11.
- 4 policy milestones and 1 context row, written out of date order; 2 bans under 2 court decisions (2004, 2015).
- 4 phases (2 per set); the statistics rows the three charts draw (3 age shares that do not add up, 3 prosecution
  figures, one of them "same as above", a range of foreign fighters and one comparator) and 1 other figure.
- 8 sources, 3 cases left out (2 abroad, 1 ordinary crime), 2 contradictions (the Aktobe injured figure and the
  number of banned organisations), each with one alternative, and 2 source checks.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

from components.pack.load import DEFAULT_DATA_DIR, METADATA_FILE, DataPack, load_datapack

SOURCES = [
    {"source_id": "caravanserai-2016-bogatik", "title": "Kazakhstan steps up fight against extremism",
     "author": "Aigerim Bogatik", "publisher": "Caravanserai", "date_published": "2016-09-27",
     "url": "https://central.asia-news.com/en_GB/articles/cnmi_ca/features/2016/09/27/feature-01",
     "date_accessed": "2026-01-10", "kind": "news", "core_document": "True",
     "reliability": "Relays ministry and KNB figures without their documents."},
    {"source_id": "gazetteer-regions", "title": "Administrative divisions of Kazakhstan, 2016",
     "publisher": "Test gazetteer", "date_published": "2016", "url": "https://example.org/gazetteer/kaz-2016",
     "date_accessed": "2026-01-10", "kind": "reference work", "core_document": "False"},
    {"source_id": "karaganda-2018-article", "title": "Terrorism in Kazakhstan: phases and the state's response",
     "author": "A. Author", "publisher": "Bulletin of Karaganda University", "date_published": "2018",
     "url": "https://example.org/karaganda/2018/terrorism-phases", "date_accessed": "2026-01-10",
     "kind": "academic", "core_document": "True", "reliability": "Peer-reviewed; gives phases as periods."},
    {"source_id": "minister-2016-interview", "title": "Minister: three organisations are banned",
     "publisher": "Kazinform", "date_published": "2016-03-01", "url": "https://example.org/kazinform/2016/bans",
     "date_accessed": "2026-01-10", "kind": "news", "core_document": "False"},
    {"source_id": "news-2011-aktobe", "title": "Bomber blows himself up in Aktobe", "publisher": "Reuters",
     "date_published": "2011-05-17", "url": "https://example.org/reuters/2011/05/17/aktobe",
     "date_accessed": "2026-01-10", "kind": "news", "core_document": "False"},
    {"source_id": "news-2011-aktobe-other", "title": "Three hurt in Aktobe blast", "publisher": "AFP",
     "date_published": "2011-05-18", "url": "https://example.org/afp/2011/05/18/aktobe",
     "date_accessed": "2026-01-10", "kind": "news", "core_document": "False"},
    {"source_id": "news-2016-almaty", "title": "Gunman kills officers in Almaty", "publisher": "Tengrinews",
     "date_published": "2016-07-18", "url": "https://example.org/tengrinews/2016/07/18/almaty",
     "date_accessed": "2026-01-10", "kind": "news", "core_document": "False"},
    {"source_id": "usdos-2016-crt2015", "title": "Country Reports on Terrorism 2015",
     "publisher": "US Department of State", "date_published": "2016-06-02",
     "url": "https://example.org/state/crt/2015", "date_accessed": "2026-01-10", "kind": "government",
     "core_document": "False"},
]

REGIONS = [
    {"region": "Aktobe Region", "iso_code": "KZ-AKT", "unit_type": "region", "admin_centre_2016": "Aktobe",
     "centroid_lat": "48.6119", "centroid_lon": "58.5959", "source_ids": "gazetteer-regions"},
    {"region": "Almaty", "iso_code": "KZ-ALA", "unit_type": "city", "admin_centre_2016": "Almaty",
     "centroid_lat": "43.2155", "centroid_lon": "76.9429", "source_ids": "gazetteer-regions"},
    {"region": "Jambyl Region", "iso_code": "KZ-ZHA", "unit_type": "region", "admin_centre_2016": "Taraz",
     "centroid_lat": "44.3177", "centroid_lon": "72.1399", "notes": "Also spelled Zhambyl.",
     "source_ids": "gazetteer-regions"},
    {"region": "Pavlodar Region", "iso_code": "KZ-PAV", "unit_type": "region", "admin_centre_2016": "Pavlodar",
     "centroid_lat": "52.0706", "centroid_lon": "76.2421", "source_ids": "gazetteer-regions"},
]

# Written out of date order: the milestones must come out sorted.
POLICIES = [
    {"policy_id": "po-2013-10-02-state-programme", "date": "2013-10-01", "date_precision": "month",
     "category": "state programme", "title": "State Programme against religious extremism and terrorism, 2013-2017",
     "description": "A five-year programme of prevention.", "source_ids": "karaganda-2018-article"},
    {"policy_id": "po-2004-10-15-supreme-court-ban", "date": "2004-10-15", "date_precision": "day",
     "category": "court ban", "title": "Supreme Court bans Al-Qaeda", "description": "The first court ban.",
     "source_ids": "karaganda-2018-article"},
    {"policy_id": "po-2011-12-16-zhanaozen", "date": "2011-12-16", "date_precision": "day", "category": "context",
     "title": "Zhanaozen unrest", "description": "Riots in an oil town; not terrorism.",
     "source_ids": "news-2011-aktobe"},
    {"policy_id": "po-2010-04-08-law-266", "date": "2010-04-08", "date_precision": "day", "category": "law",
     "title": "Counter-terrorism law amended (266-IV)", "description": "Amends the 1999 law.",
     "source_ids": "karaganda-2018-article"},
    {"policy_id": "po-2015-10-15-court-ban", "date": "2015-10-15", "date_precision": "day", "category": "court ban",
     "title": "Esil district court bans Islamic State", "description": "A ban of one organisation.",
     "source_ids": "karaganda-2018-article"},
]

_CRITERIA = {"crit_aim": "yes", "crit_audience": "yes", "crit_outside_warfare": "yes", "criteria_note": "Test row."}
EVENTS = [
    {**_CRITERIA, "event_id": "ev-2011-05-17-aktobe", "date": "2011-05-17", "date_precision": "day",
     "place": "Aktobe", "region": "Aktobe Region", "latitude": "50.2839", "longitude": "57.167",
     "coord_precision": "settlement", "event_type": "attack", "attack_type": "Bombing/Explosion",
     "attack_description": "suicide bombing at the security service", "target_type": "Police",
     "perpetrator_group": "Aktobe 2011 bomber", "killed": "0", "injured": "2", "perpetrators_killed": "1",
     "total_deaths": "1", "classification": "disputed", "inclusion_basis": "terrorism criteria",
     "doubt_terrorism": "yes", "summary": "A bomber killed only himself.", "source_ids": "news-2011-aktobe"},
    {**_CRITERIA, "event_id": "ev-2011-11-12-taraz", "date": "2011-11-12", "date_precision": "day",
     "place": "Taraz", "region": "Jambyl Region", "latitude": "42.9", "longitude": "71.3667",
     "coord_precision": "site", "event_type": "attack", "attack_type": "Armed Assault",
     "attack_description": "shootings and a blast", "target_type": "Police", "perpetrator_group": "Jund al-Khilafah",
     "killed": "7", "injured": "3", "perpetrators_killed": "1", "total_deaths": "8",
     "classification": "officially terrorism", "inclusion_basis": "terrorism criteria", "doubt_terrorism": "no",
     "summary": "A gunman killed seven people.", "source_ids": "karaganda-2018-article"},
    {**_CRITERIA, "event_id": "ev-2016-07-18-almaty", "date": "2016-07-18", "date_precision": "day",
     "place": "Almaty", "region": "Almaty", "latitude": "43.2389", "longitude": "76.8897",
     "coord_precision": "settlement", "event_type": "attack", "attack_type": "Armed Assault",
     "attack_description": "shooting at police stations", "target_type": "Police",
     "perpetrator_group": "Ruslan Kulikbayev", "killed": "10", "injured": "9", "perpetrators_killed": "0",
     "total_deaths": "10", "classification": "officially terrorism", "inclusion_basis": "terrorism criteria",
     "doubt_terrorism": "no", "summary": "A gunman attacked two police stations.", "source_ids": "news-2016-almaty"},
    # the same point as the row above; no victims-killed figure (unknown, not zero); the date known to the month
    {**_CRITERIA, "event_id": "ev-2016-09-01-almaty", "date": "2016-09-01", "date_precision": "month",
     "place": "Almaty", "region": "Almaty", "latitude": "43.2389", "longitude": "76.8897",
     "coord_precision": "settlement", "event_type": "attack", "attack_type": "Bombing/Explosion",
     "attack_description": "explosion near an office", "target_type": "Government (General)",
     "perpetrator_group": "Unknown", "killed": "", "injured": "1", "perpetrators_killed": "0",
     "classification": "officially terrorism", "inclusion_basis": "official classification",
     "doubt_terrorism": "yes", "summary": "An explosion; the toll is not reported.", "source_ids": "news-2016-almaty"},
    # no coordinates: not drawn on the map, listed instead
    {**_CRITERIA, "event_id": "ev-2012-07-08-kenkiyak", "date": "2012-07-08", "date_precision": "day",
     "place": "Kenkiyak", "region": "Aktobe Region", "event_type": "security operation",
     "attack_type": "Armed Assault", "attack_description": "operation against an armed group", "target_type": "Police",
     "perpetrator_group": "Temir District group", "killed": "1", "injured": "4", "perpetrators_killed": "9",
     "total_deaths": "10", "classification": "officially terrorism", "inclusion_basis": "security operation",
     "doubt_terrorism": "no", "summary": "Nine suspects were killed.", "source_ids": "karaganda-2018-article"},
]

EXCLUDED = [
    {"case_id": "ex-2004-03-01-tashkent-attacks", "date": "2004-03-01", "date_precision": "month",
     "place": "Tashkent, Uzbekistan", "title": "Tashkent attacks with Kazakh participants",
     "reason": "The attacks took place in Uzbekistan.", "rule": "abroad", "source_ids": "usdos-2016-crt2015"},
    {"case_id": "ex-2012-05-01-arkankergen", "date": "2012-05-01", "date_precision": "month",
     "place": "Arkankergen border post", "title": "Killings at a border post",
     "reason": "A conscript was charged with murder.", "rule": "ordinary crime", "source_ids": "usdos-2016-crt2015"},
    {"case_id": "ex-2014-06-01-syria", "date": "2014-06-01", "date_precision": "month", "place": "Syria",
     "title": "Kazakh fighters in Syria", "reason": "Abroad.", "rule": "abroad", "source_ids": "usdos-2016-crt2015"},
]

BANNED_ORGANISATIONS = [
    {"ban_id": "ban-2004-10-15-al-qaeda", "organisation": "Al-Qaeda", "name_in_source": "Al-Qaeda",
     "court": "Supreme Court of the Republic of Kazakhstan", "decision_date": "2004-10-15",
     "designation": "terrorist", "policy_id": "po-2004-10-15-supreme-court-ban",
     "source_ids": "karaganda-2018-article"},
    {"ban_id": "ban-2015-10-15-islamic-state", "organisation": "Islamic State", "name_in_source": "ISIS",
     "court": "Esil district court of Astana", "decision_date": "2015-10-15", "designation": "terrorist",
     "policy_id": "po-2015-10-15-court-ban", "source_ids": "karaganda-2018-article"},
]

_AGE = {"topic": "perpetrator age", "qualifier": "exact", "unit": "%", "period": "as reported Sept 2016",
        "comparator": "False", "source_ids": "caravanserai-2016-bogatik", "flag": "inconsistent",
        "quote": "The 90% under 40 include 55% under 20 and 35% between 30 and 39."}
AGE_CAVEAT = "Does not add up: 55% under 20 and 35% aged 30-39 leave nothing for ages 20-29."
_DOCUMENT = {"qualifier": "exact", "comparator": "False", "source_ids": "caravanserai-2016-bogatik"}
STATISTICS = [
    {**_AGE, "stat_id": "st-age-under-40", "metric": "Share of terrorists under 40", "value": "90",
     "caveat": AGE_CAVEAT},
    {**_AGE, "stat_id": "st-age-under-20", "metric": "Share of terrorists under 20", "value": "55"},
    {**_AGE, "stat_id": "st-age-30-39", "metric": "Share of terrorists aged 30-39", "value": "35"},
    {**_DOCUMENT, "stat_id": "st-prosecution-convictions-extremism", "topic": "prosecution",
     "metric": "Convictions for extremism", "value": "445", "unit": "defendants",
     "period": "five years to Sept 2016", "quote": "Courts have convicted 445 defendants.",
     "caveat": "The quote says 'extremism and extremism' (sic)."},
    {**_DOCUMENT, "stat_id": "st-prevention-plots-foiled", "topic": "prevention", "metric": "Extremist plots foiled",
     "value": "73", "unit": "plots", "period": "same as above", "quote": "Authorities foiled 73 plots."},
    {**_DOCUMENT, "stat_id": "st-returns-returned-own-accord", "topic": "returns and extraditions",
     "metric": "Citizens returned of their own accord", "value": "33", "unit": "persons", "period": "since 2011",
     "quote": "33 returned of their own accord."},
    {"stat_id": "st-fighters-kazakhs-abroad-karaganda", "topic": "foreign fighters",
     "metric": "Kazakh fighters abroad", "value_low": "200", "value_high": "400", "qualifier": "range",
     "unit": "fighters", "period": "c. 2015-2018", "comparator": "False", "source_ids": "karaganda-2018-article",
     "quote": "Between 200 and 400 fighters.", "caveat": "Officials said 400 in July 2015.", "flag": "inconsistent"},
    {"stat_id": "st-fighters-abroad-security-council-2015", "topic": "foreign fighters",
     "metric": "Kazakhstanis fighting abroad", "value": "400", "qualifier": "exact", "unit": "persons",
     "period": "July 2015", "comparator": "True", "source_ids": "usdos-2016-crt2015",
     "quote": "400 Kazakhstanis are fighting abroad."},
    {"stat_id": "st-policy-banned-orgs-listed", "topic": "policy figures", "metric": "Organisations banned (listed)",
     "value": "2", "qualifier": "exact", "unit": "organisations", "period": "2004-2015", "comparator": "False",
     "source_ids": "karaganda-2018-article", "quote": "Two organisations are banned."},
]

PHASES = [
    {"phase_id": "ph-terrorism-1", "phase_set": "terrorism", "order": "1", "label": "Foreign terrorists",
     "start_year": "1997", "end_year": "2002", "description": "Foreign militants in Kazakhstan.",
     "quote": "Foreign terrorists (the end of the 1990s - the beginning of the 2000s)",
     "source_ids": "karaganda-2018-article"},
    {"phase_id": "ph-terrorism-2", "phase_set": "terrorism", "order": "2", "label": "Local terrorists",
     "start_year": "2005", "end_year": "2011", "description": "Citizens prosecuted at home.",
     "quote": "Local or own terrorists (2005-2011 years)", "source_ids": "karaganda-2018-article"},
    {"phase_id": "ph-response-1", "phase_set": "response", "order": "1", "label": "Threat seen as external",
     "start_year": "1990", "end_year": "2011", "description": "Terrorism seen as an external threat.",
     "quote": "Terrorism is an external and improbable threat.", "source_ids": "karaganda-2018-article"},
    {"phase_id": "ph-response-2", "phase_set": "response", "order": "2", "label": "Programmes and prevention",
     "start_year": "2013", "end_year": "2016", "description": "The 2013-2017 State Programme.",
     "quote": "A state program for 2013-17.", "source_ids": "karaganda-2018-article"},
]

CONTRADICTIONS = [
    {"contradiction_id": "c-01", "topic": "Aktobe bombing, 17 May 2011: number injured", "table": "events",
     "record_ids": "ev-2011-05-17-aktobe", "value_used": "Injured = 2, as Reuters reports."},
    {"contradiction_id": "c-02", "topic": "Number of banned organisations: 2 or 3", "table": "statistics",
     "record_ids": "st-policy-banned-orgs-listed", "value_used": "2, as listed in the Karaganda article."},
]

ALTERNATIVES = [
    {"alt_id": "alt-001", "table": "events", "record_id": "ev-2011-05-17-aktobe", "column": "injured", "value": "3",
     "status": "alternative", "source_ids": "news-2011-aktobe-other", "note": "The first agency report.",
     "contradiction_id": "c-01"},
    {"alt_id": "alt-002", "table": "statistics", "record_id": "st-policy-banned-orgs-listed", "column": "value",
     "value": "3", "status": "alternative", "source_ids": "minister-2016-interview", "contradiction_id": "c-02"},
]

SOURCE_CHECKS = [
    {"table": "events", "record_id": "ev-2011-05-17-aktobe", "column": "injured", "source_id": "news-2011-aktobe",
     "says": "two people were injured", "agrees": "yes"},
    {"table": "events", "record_id": "ev-2011-05-17-aktobe", "column": "injured",
     "source_id": "news-2011-aktobe-other", "says": "three people were hurt", "agrees": "no"},
]

TABLES: dict[str, list[dict[str, str]]] = {
    "sources": SOURCES, "regions": REGIONS, "policies": POLICIES, "events": EVENTS, "excluded": EXCLUDED,
    "banned_organisations": BANNED_ORGANISATIONS, "statistics": STATISTICS, "phases": PHASES,
    "contradictions": CONTRADICTIONS, "alternatives": ALTERNATIVES, "source_checks": SOURCE_CHECKS,
}

# Real names where the tests read them: the official Russian and Kazakh names of two regions, one summary.
OFFICIAL = {("regions", "region", "Aktobe Region"): ("Актюбинская область", "Ақтөбе облысы"),
            ("regions", "region", "Almaty"): ("город Алматы", "Алматы қаласы")}
SUMMARY_TRANSLATED = {"ev-2011-11-12-taraz": ("Стрелок убил семь человек.", "Қарулы адам жеті адамды өлтірді.")}


def _metadata() -> dict:
    return json.loads((DEFAULT_DATA_DIR / METADATA_FILE).read_text(encoding="utf-8"))


def translation_rows() -> list[dict[str, str]]:
    """A translation of every text the data dictionary marks 'translate': 'ru: <English>' and 'kk: <English>', so a
    test sees at once which language a text is shown in (and SUMMARY_TRANSLATED for one real one)."""
    from components.pack.load import ID_COLUMNS
    from components.pack.schema import translated_columns
    from components.pack.translate import needs_translation

    rows = []
    for (table, column) in translated_columns(_metadata()):
        for record in TABLES.get(table, []):
            english = record.get(column, "")
            if not needs_translation(english):
                continue
            rid = record[ID_COLUMNS[table]]
            ru, kk = SUMMARY_TRANSLATED.get(rid, (None, None)) if column == "summary" else (None, None)
            rows.append({"table": table, "record_id": rid, "column": column, "en": english,
                         "ru": ru or f"ru: {english}", "kk": kk or f"kk: {english}",
                         "basis_ru": "project", "basis_kk": "project"})
    return rows


def vocabulary_rows() -> list[dict[str, str]]:
    """A label of every category value and region: 'ru:<value>' / 'kk:<value>', official names for OFFICIAL."""
    from components.pack.schema import vocabulary_columns

    rows = []
    for (table, column), values in vocabulary_columns(_metadata()).items():
        for value in values or [r["region"] for r in REGIONS]:
            ru, kk = OFFICIAL.get((table, column, value), (f"ru:{value}", f"kk:{value}"))
            official = (table, column, value) in OFFICIAL
            rows.append({"table": table, "column": column, "value": value, "ru": ru, "kk": kk,
                         "basis_ru": "official" if official else "project",
                         "basis_kk": "official" if official else "project",
                         "source_ids": "gazetteer-regions" if official else ""})
    return rows


def shipped_header(file: str) -> list[str]:
    """The columns of a shipped CSV, in its order (the schema the small pack must follow)."""
    with (DEFAULT_DATA_DIR / file).open(encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


def write_small_pack(dest: Path) -> Path:
    """Write the small pack into ``dest`` (created): every table under its shipped header (a column a row leaves
    out is blank; a column the header lacks is an error here, not a silently dropped value), the shipped
    metadata.json and region boundaries copied beside them."""
    dest.mkdir(parents=True, exist_ok=True)
    metadata = DEFAULT_DATA_DIR / METADATA_FILE
    shutil.copy(metadata, dest / METADATA_FILE)
    shutil.copytree(DEFAULT_DATA_DIR / "boundaries", dest / "boundaries", dirs_exist_ok=True)
    files = {name: spec["file"] for name, spec in json.loads(metadata.read_text(encoding="utf-8"))["tables"].items()}
    for table, rows in {**TABLES, "translations": translation_rows(), "vocabulary": vocabulary_rows()}.items():
        header = shipped_header(files[table])
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n", extrasaction="raise")
        writer.writeheader()
        writer.writerows(rows)
        (dest / files[table]).write_text(buf.getvalue(), encoding="utf-8")
    return dest


def load_small_pack(dest: Path) -> DataPack:
    """Write the small pack into ``dest`` and load it with the app's loader; it must load without an error."""
    pack = load_datapack(write_small_pack(dest))
    assert pack.errors == [], [str(p) for p in pack.errors]
    return pack
