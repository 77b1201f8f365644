"""Every export states the licence of every dataset in it, and no download holds a row of a dataset whose terms
forbid redistribution (GTD, ACLED).

The view: the shipped data pack with two imported datasets merged (``dashboard.data.with_imports``): a synthetic
GTD export (``scripts.gen_gtd``: no real GTD row) and a small file in the dashboard's own format. Expected values
come from the data pack's metadata, the store's record of each dataset and the formats, not from typed numbers."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pandas as pd
import pytest
from pptx import Presentation

from components import briefing, exports, i18n
from components.briefing import content
from components.filters import Filters
from components.imports import formats, own
from components.imports.columns import FORMAT_EVENTS, FORMAT_GTD, FORMAT_LABELS, event_columns
from components.imports.preview import prepare_import
from components.imports.store import Store
from components.pack.load import DEFAULT_DATA_DIR, load_datapack
from dashboard.data import with_imports
from scripts import gen_gtd
from tests.conftest import open_app
from tests.test_briefing import pdf_text, slide_text, slide_title
from tests.test_importers import to_csv

TODAY = date(2026, 11, 22)
GTD_NAME = "Synthetic GTD sample"
OWN_NAME = "Own incident table"


def _own_rows() -> list[dict[str, str]]:
    """Two incidents in the dashboard's own format, at a place and on days no curated incident has."""
    base = {**dict.fromkeys(event_columns(), ""), "date_precision": "day", "region": "Aqtobe", "event_type": "attack",
            "attack_type": "Unknown", "target_type": "Unknown", "perpetrator_group": "Unknown",
            "classification": "not classified as terrorism", "summary": "Synthetic incident for a licence test.",
            "place": "Synthville", "latitude": "50.283333", "longitude": "57.166667"}
    return [{**base, "event_id": "ev-2013-03-05-synthville", "date": "2013-03-05"},
            {**base, "event_id": "ev-2014-06-07-synthville", "date": "2014-06-07"}]


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A store with the synthetic GTD export (enough rows to pass the briefing's list limit for it) and the own-format
    file; returns (store folder, store, GTD id, own id)."""
    path = tmp_path_factory.mktemp("var-licences")
    pack = load_datapack(DEFAULT_DATA_DIR)
    store = Store(path)
    gtd_preview = prepare_import(gen_gtd.to_csv_bytes(80, seed=21), "synthetic_gtd.csv", pack.tables["events"],
                                 pack.tables["regions"])
    own_preview = prepare_import(to_csv(_own_rows(), list(event_columns())), "own_incidents.csv",
                                 pack.tables["events"], pack.tables["regions"])
    assert own_preview.n_accepted == 2 and own_preview.n_duplicates == 0
    gtd_id, own_id = store.add(gtd_preview, GTD_NAME), store.add(own_preview, OWN_NAME)
    return path, store, gtd_id, own_id


@pytest.fixture(scope="module")
def view(stored):
    _, store, gtd_id, own_id = stored
    return with_imports(load_datapack(DEFAULT_DATA_DIR), store, (gtd_id, own_id))


@pytest.fixture(scope="module")
def records(stored):
    """The store's record of each dataset (format, licence, citation), by id."""
    _, store, _, _ = stored
    return store.datasets().set_index("dataset_id")


@pytest.fixture(scope="module")
def gtd_rows(stored):
    """The event ids of the GTD rows the view holds (the store's rows that are not duplicates of a curated one)."""
    _, store, gtd_id, _ = stored
    events = store.events(dataset_ids=[gtd_id])
    kept = events[events["duplicate_of"].isna()]
    assert len(kept) > content.RESTRICTED_LIST_LIMIT
    return set(kept["event_id"])


@pytest.fixture(scope="module")
def own_rows(stored):
    _, store, _, own_id = stored
    return set(store.events(dataset_ids=[own_id])["event_id"])


def _unzip(blob: bytes) -> tuple[str, dict[str, pd.DataFrame]]:
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        readme = zf.read("README.txt").decode("utf-8")
        tables = {n[:-4]: pd.read_csv(io.BytesIO(zf.read(n)), encoding="utf-8-sig", dtype=str, keep_default_na=False)
                  for n in zf.namelist() if n.endswith(".csv")}
    return readme, tables


def _zip_of(pack, filters: Filters | None = None) -> tuple[str, dict[str, pd.DataFrame]]:
    filters = filters or Filters()
    tables = exports.filtered_tables(pack.tables, filters)
    return _unzip(exports.zip_export(tables, pack.metadata, filters.describe(len(tables["events"])), TODAY))


# ------------------------------------------------------------------------------------------------ the flag
def test_the_flag_follows_the_format_and_the_gtd_record_says_so(records, stored):
    """GTD and ACLED: no redistribution; the dashboard's own format: the owner's licence, rows go out with it."""
    _, _, gtd_id, own_id = stored
    assert not formats.redistributable(records.loc[gtd_id, "format"])
    assert formats.redistributable(records.loc[own_id, "format"])
    assert not formats.redistributable("acled") and not formats.redistributable("a format nobody knows")


def test_the_datasets_of_a_view_with_their_licences_from_the_pack_or_the_store(view, records, stored):
    _, store, gtd_id, own_id = stored
    events = exports.filtered_tables(view.tables, Filters())["events"]
    from_pack = exports.imported_datasets(events, view.tables["sources"])
    from_store = exports.imported_datasets(events, datasets=store.datasets())
    assert from_pack == from_store
    by_id = {d.dataset_id: d for d in from_pack}
    assert set(by_id) == {gtd_id, own_id}
    for i, d in by_id.items():
        assert (d.name, d.format, d.licence, d.citation) == tuple(records.loc[i, ["name", "format", "licence",
                                                                                  "citation"]])
    assert by_id[gtd_id].withheld == by_id[gtd_id].rows and by_id[own_id].withheld == 0
    assert exports.imported_datasets(load_datapack(DEFAULT_DATA_DIR).tables["events"]) == []


# ------------------------------------------------------------------------------------------------ the incidents CSV
def test_incidents_csv_has_no_gtd_row_and_each_row_states_its_licence(view, records, stored, gtd_rows, own_rows, pack):
    _, _, _, own_id = stored
    events = exports.filtered_tables(view.tables, Filters())["events"]
    csv = pd.read_csv(io.BytesIO(exports.incidents_csv(events, view.metadata, view.tables["sources"])),
                      encoding="utf-8-sig", dtype=str, keep_default_na=False)
    ids = set(csv["event_id"])
    assert not ids & gtd_rows
    assert ids == set(pack.tables["events"]["event_id"]) | own_rows
    licence = csv.set_index("event_id")[exports.LICENCE_COLUMN]
    assert set(licence[list(own_rows)]) == {records.loc[own_id, "licence"]} == {own.LICENCE}
    curated = licence[list(pack.tables["events"]["event_id"])]
    assert set(curated) == {pack.metadata["tables"]["events"]["license"]}


def test_no_download_can_be_built_with_gtd_rows_in_it(view):
    """A page that bypassed the export functions would fail, not hand the rows out."""
    tables = exports.filtered_tables(view.tables, Filters())
    with pytest.raises(ValueError, match="may not be redistributed"):
        exports.to_csv_bytes(tables["events"])
    with pytest.raises(ValueError, match="may not be redistributed"):
        exports.zip_bytes(tables, "README")


# ------------------------------------------------------------------------------------------------ the zip
def test_zip_leaves_the_gtd_rows_out_and_its_readme_names_every_licence(view, records, stored, gtd_rows, own_rows):
    _, _, gtd_id, own_id = stored
    readme, files = _zip_of(view)
    assert not set(files["events"]["event_id"]) & gtd_rows and own_rows <= set(files["events"]["event_id"])
    for name, df in files.items():  # no file carries a GTD row, by id or by format
        if "source_format" in df:
            assert FORMAT_GTD not in set(df["source_format"]), name
        for column in ("event_id", "record_id"):
            if column in df:
                assert not set(df[column]) & gtd_rows, (name, column)
    meta = view.metadata
    assert f"The data pack's tables: {meta['license']}" in readme
    assert re.search(r"events\.csv \([\d,]+ rows\): .* Licence: each row's, in its licence column \(the data "
                     rf"pack's rows: {re.escape(meta['tables']['events']['license'])}\)\.", readme)
    for table in ("policies", "regions", "sources"):  # every other file states its table's licence
        assert re.search(rf"  {table}\.csv .* Licence: {re.escape(meta['tables'][table]['license'])}\.\n", readme)
    for i in (gtd_id, own_id):  # every imported dataset with its licence and citation
        record = records.loc[i]
        label = FORMAT_LABELS[record["format"]]
        assert f"Imported dataset '{record['name']}' ({label}): {record['licence']}" in readme
        assert f"Cite as: {record['citation']}" in readme
    withheld = readme.split("Rows left out:\n", 1)[1].split("\n\n", 1)[0]
    assert f"{len(gtd_rows):,} rows of the imported dataset '{GTD_NAME}' ({FORMAT_LABELS[FORMAT_GTD]}) are left " \
           "out: its terms of use do not allow redistributing its rows." in withheld
    assert OWN_NAME not in withheld  # its rows are in the files: "In these files: 2 rows in events.csv."
    assert f"In these files: {len(own_rows)} rows in events.csv." in readme


def test_a_curated_only_export_states_only_the_curated_licences(pack):
    readme, files = _zip_of(pack, Filters(years=(2011, 2012)))
    meta = pack.metadata
    table_licences = {spec["license"] for spec in meta["tables"].values()}
    stated = set(re.findall(r" Licence: (.*)\.\n", readme))
    assert stated and stated <= table_licences
    assert set(files["events"][exports.LICENCE_COLUMN]) == {meta["tables"]["events"]["license"]}
    for word in ("Imported dataset", "Rows left out", "licence column", own.LICENCE, formats.gtd.LICENCE[:40]):
        assert word not in readme, word
    assert f"The data pack's tables: {meta['license']}" in readme


def test_a_view_without_gtd_rows_withholds_nothing(view):
    """The own-format rows' classification ('not classified as terrorism') is one the GTD's rows never have (the
    GTD's are terrorism by its criteria, or disputed): in that view nothing is withheld and the own-format dataset
    is still named with its licence."""
    unclassified = Filters(classifications=("not classified as terrorism",))
    events = unclassified.apply(view.tables["events"])
    assert FORMAT_GTD not in set(events["source_format"]) and FORMAT_EVENTS in set(events["source_format"])
    readme, files = _zip_of(view, unclassified)
    assert "Rows left out" not in readme and GTD_NAME not in readme
    assert f"Imported dataset '{OWN_NAME}' ({FORMAT_LABELS[FORMAT_EVENTS]}): {own.LICENCE}" in readme
    assert len(files["events"]) == len(events)


# ------------------------------------------------------------------------------------------------ the page
@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_sources_page_says_beside_the_downloads_which_rows_are_left_out(stored, gtd_rows, monkeypatch, lang):
    path, _, _, _ = stored
    monkeypatch.setenv("KZ_VAR_DIR", str(path))
    at = open_app("app_pages/sources.py", {"lang": lang}, timeout=120)
    assert not at.exception
    t = i18n.load(lang)
    expected = t("{rows} of the imported dataset '{name}' ({format}) are left out: its terms of use do not allow "
                 "redistributing its rows. The dashboard's figures and charts count them.").format(
        rows=t.n("{n} row", "{n} rows", len(gtd_rows)), name=GTD_NAME, format=t(FORMAT_LABELS[FORMAT_GTD]))
    notices = [i.value.replace("\\", "") for i in at.info]
    assert expected in notices
    assert {b.proto.label for b in at.get("download_button")} >= {t("Incidents (CSV)"),
                                                                   t("All tables for this view (zip)")}


def test_sources_page_of_the_curated_pack_withholds_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("KZ_VAR_DIR", str(tmp_path / "empty-var"))
    at = open_app("app_pages/sources.py", timeout=120)
    assert not at.exception
    assert not [i for i in at.info if "are left out" in i.value]


# ------------------------------------------------------------------------------------------------ the briefing pack
@pytest.fixture(scope="module")
def built(view):
    model = briefing.briefing_content(view, Filters(), TODAY)
    files = briefing.build_pack(view, Filters(), TODAY)
    return model, Presentation(io.BytesIO(files["pptx"])), files["pdf"]


def test_briefing_licences_name_the_gtd_licence_and_citation(built, records, stored, tmp_path):
    _, deck, pdf = built
    _, _, gtd_id, own_id = stored
    slide = next(s for s in deck.slides if slide_title(s) == content.TITLES["licences"])
    text = " ".join(slide_text(slide).split())
    flat_pdf = " ".join(pdf_text(pdf, tmp_path).split())
    for i in (gtd_id, own_id):
        record = records.loc[i]
        for words in (record["licence"], record["citation"], f"Imported dataset: {record['name']}"):
            assert " ".join(words.split()) in text, words
            assert " ".join(words.split()) in flat_pdf, words
    assert f"lists at most {content.RESTRICTED_LIST_LIMIT} of its incidents" in text


def test_briefing_lists_only_a_few_gtd_incidents_and_says_so(built, view, stored, gtd_rows, own_rows):
    """The figures count every GTD row; the list names at most RESTRICTED_LIST_LIMIT of them (the most recent),
    not a table of its rows, and says the CSV export holds none."""
    model, _, _ = built
    _, _, gtd_id, _ = stored
    number = next(r["n"] for r in model.references if r["id"] == f"import-{gtd_id}")
    pages = [p for p in model.pages if p.kind == "incidents"]
    rows = [r for p in pages for r in p.body["rows"]]
    listed_gtd = [r for r in rows if r[7] == f"[{number}]"]
    assert len(listed_gtd) == content.RESTRICTED_LIST_LIMIT
    n = len(view.tables["events"])
    assert len(rows) == n - len(gtd_rows) + content.RESTRICTED_LIST_LIMIT
    note = pages[0].body["note"]
    assert f"{GTD_NAME}: {content.RESTRICTED_LIST_LIMIT} of its {len(gtd_rows)} incidents listed" in note
    assert "the CSV export holds none" in note
    headline = next(p for p in model.pages if p.kind == "headline")
    assert f"{n} incidents" in headline.source  # the figures count them all
    # the most recent of them, as the table writes their dates
    events = view.tables["events"]
    gtd = events[events["event_id"].isin(gtd_rows)].sort_values("date", ascending=False, kind="stable")
    latest = gtd.head(content.RESTRICTED_LIST_LIMIT)
    assert sorted(r[0] for r in listed_gtd) == sorted(content.short_date(d, p) for d, p in
                                                      zip(latest["date"], latest["date_precision"]))
