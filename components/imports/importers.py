"""Bring your own data: read an uploaded event file (CSV or XLSX), recognise its format, map it onto the dashboard's
event table and preview the result before anything is stored. Pure code: no Streamlit, nothing written anywhere.

Three formats are recognised from the header row:

- ``events``: the dashboard's own ``events`` table (``data/metadata.json``);
- ``gtd``: an export of the Global Terrorism Database (START), codebook columns ``eventid, iyear, imonth, iday, ...``;
- ``acled``: an ACLED export, ``event_id_cnty, event_date, ...``.

Principles: nothing is imputed (a GTD ``iday`` of 0 is an unknown day, a blank ``nkill`` an unknown toll, a row
without coordinates is kept and listed); what a source says about its own precision and doubt is kept beside the
values (``date_note``, ``precision_note``, ``doubt_note``, ``casualty_note``); a file that cannot be read raises
:class:`ImportFileError` saying what is wrong and where; every data row ends up in exactly one of accepted,
rejected (with its reason) or out of scope (with its reason) - never silently dropped.

Entry points: :func:`detect_format`, :func:`read_table`, :func:`prepare_import` -> :class:`ImportPreview`.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, partial

import numpy as np
import pandas as pd

from components.imports import regions as regions_lookup
from components.pack import schema
from components.pack.load import DEFAULT_DATA_DIR, METADATA_FILE

DEFAULT_MAX_BYTES = 200 * 1024 * 1024  # 200 MB
FORMAT_EVENTS, FORMAT_GTD, FORMAT_ACLED = "events", "gtd", "acled"
FORMAT_LABELS = {FORMAT_EVENTS: "dashboard event table", FORMAT_GTD: "Global Terrorism Database (GTD) export",
                 FORMAT_ACLED: "ACLED export"}

# Citations and licence texts stored with each dataset, so exports can carry them.
GTD_CITATION = ("START (National Consortium for the Study of Terrorism and Responses to Terrorism). (2022). "
                "Global Terrorism Database 1970 - 2020 [data file]. https://www.start.umd.edu/gtd")
GTD_LICENCE = ("Used under START's terms of use for the Global Terrorism Database (https://www.start.umd.edu/gtd). "
               "Not for redistribution: kept only in this installation's local store, never in the data pack.")
ACLED_CITATION = "Armed Conflict Location & Event Data Project (ACLED); www.acleddata.com"
ACLED_LICENCE = ("Used under ACLED's terms of use (www.acleddata.com). Not for redistribution: kept only in this "
                 "installation's local store, never in the data pack.")
EVENTS_LICENCE = "As stated by the provider of the file; kept only in this installation's local store."

GTD_CASUALTY_NOTE = ("GTD's nkill counts everyone killed, perpetrators included, so it is shown as total deaths, not "
                     "as victims killed; victims killed = nkill - nkillter only where the GTD gives nkillter. nwound "
                     "likewise includes injured perpetrators unless nwoundte separates them.")
ACLED_CASUALTY_NOTE = ("ACLED's fatalities count everyone reported killed, perpetrators included, so they are shown "
                       "as total deaths, not as victims killed.")

# Columns that identify each format (all must be present) and the further columns used when present.
EVENTS_REQUIRED = ("event_id", "date", "date_precision", "place", "region", "event_type", "attack_type",
                   "target_type", "perpetrator_group", "classification")
GTD_REQUIRED = ("eventid", "iyear", "imonth", "iday", "country_txt", "provstate", "city", "latitude", "longitude",
                "attacktype1_txt", "targtype1_txt", "gname", "nkill", "nwound")
GTD_OPTIONAL = ("approxdate", "extended", "resolution", "specificity", "summary", "doubtterr", "alternative_txt",
                "crit1", "crit2", "crit3",
                "nkillter", "nwoundte", "weaptype1_txt", "target1", "scite1", "scite2", "scite3", "dbsource")
ACLED_REQUIRED = ("event_id_cnty", "event_date", "event_type", "actor1", "admin1", "location", "latitude",
                  "longitude", "fatalities")
ACLED_OPTIONAL = ("time_precision", "sub_event_type", "geo_precision", "notes", "source", "source_scale", "country",
                  "assoc_actor_1", "actor2", "assoc_actor_2", "inter2", "admin2", "admin3", "disorder_type")
REQUIRED = {FORMAT_EVENTS: EVENTS_REQUIRED, FORMAT_GTD: GTD_REQUIRED, FORMAT_ACLED: ACLED_REQUIRED}

# Provenance columns added after the event columns. dataset_id / dataset_name are added by the store.
PROVENANCE_COLUMNS = ("source_format", "source_record_id", "source_row", "precision_note", "doubt_note",
                      "casualty_note", "source_citations", "duplicate_of")
DUPLICATE_MAX_DAYS = 1
DUPLICATE_MAX_KM = 50.0

# GTD codebook vocabularies and how they map onto the dashboard's.
GTD_SPECIFICITY = {
    "1": ("settlement", "GTD specificity 1: point = the town or village of the incident"),
    "2": ("area", "GTD specificity 2: town not located; point = centre of the smallest area known"),
    "3": ("area", "GTD specificity 3: not in a town; point = centre of the smallest area known"),
    "4": ("area", "GTD specificity 4: point = centre of the first-level region"),
    "5": ("area", "GTD specificity 5: no region known; point = centre of the country"),
}
GTD_TARGET_TYPES = {
    "Business": "Business", "Government (General)": "Government (General)", "Police": "Police",
    "Military": "Military", "Government (Diplomatic)": "Government (Diplomatic)",
    "Educational Institution": "Educational Institution", "Journalists & Media": "Journalists & Media",
    "Private Citizens & Property": "Private Citizens & Property",
    "Religious Figures/Institutions": "Religious Figures/Institutions",
    "Terrorists/Non-State Militia": "Terrorists/Non-State Militia", "Transportation": "Transportation",
    "Utilities": "Utilities", "Other": "Other", "Unknown": "Unknown",
    # GTD categories the dashboard's vocabulary does not have: "Other" (the GTD name is kept in attack_description).
    "Abortion Related": "Other", "Airports & Aircraft": "Other", "Food or Water Supply": "Other", "Maritime": "Other",
    "NGO": "Other", "Telecommunication": "Other", "Tourists": "Other", "Violent Political Party": "Other",
}
# The GTD includes an incident because its coders judge it terrorism by the GTD's criteria; doubtterr says how
# sure they are. That is the dataset's judgement, not an official classification, and says so.
GTD_CLASSIFICATION = {"0": "terrorism by dataset criteria", "1": "disputed", "-9": "terrorism by dataset criteria",
                      "": "terrorism by dataset criteria"}
GTD_DOUBT_NOTES = {
    "0": "GTD doubtterr 0: essentially no doubt it is terrorism",
    "1": "GTD doubtterr 1: doubt that it is terrorism",
    "-9": "GTD doubtterr -9: doubt not recorded",
    "": "GTD doubtterr blank: doubt not recorded",
}
GTD_CLASSIFICATION_NOTE = "GTD's coding (in the GTD as terrorism), not an official classification"
GTD_UNKNOWN_CODES = ("-99", "-9")  # GTD's "unknown" codes in count columns
# GTD's inclusion criteria (crit1-3, 1 = met, 0 = not) and doubtterr map onto the same columns as the curated rows'.
GTD_CRITERIA = {"crit1": "crit_aim", "crit2": "crit_audience", "crit3": "crit_outside_warfare"}
GTD_YES_NO = {"1": "yes", "0": "no"}
GTD_DOUBT = {"1": "yes", "0": "no"}

ACLED_TIME_PRECISION = {
    "1": ("day", "ACLED time_precision 1: the source gives the day"),
    "2": ("approximate", "ACLED time_precision 2: only the week or a few days are known"),
    "3": ("month", "ACLED time_precision 3: only the month is known; ACLED dates the event within it"),
}
ACLED_GEO_PRECISION = {
    "1": ("settlement", "ACLED geo_precision 1: point = the named town or village"),
    "2": ("area", "ACLED geo_precision 2: near the named place or in part of a region; point = that place"),
    "3": ("area", "ACLED geo_precision 3: only a larger region is known; point = its centre or main town"),
}
ACLED_ATTACK_TYPES = {
    "Armed clash": "Armed Assault", "Government regains territory": "Armed Assault",
    "Non-state actor overtakes territory": "Armed Assault", "Suicide bomb": "Bombing/Explosion",
    "Remote explosive/landmine/IED": "Bombing/Explosion", "Grenade": "Bombing/Explosion",
    "Shelling/artillery/missile attack": "Bombing/Explosion", "Air/drone strike": "Bombing/Explosion",
    "Abduction/forced disappearance": "Hostage Taking (Kidnapping)",
    "Looting/property destruction": "Facility/Infrastructure Attack",
}
# ACLED event types that are not incidents of violence (peaceful protests, arrests, agreements, ...): out of scope.
ACLED_VIOLENT_EVENT_TYPES = ("battles", "explosions/remote violence", "violence against civilians", "riots")
ACLED_VIOLENT_SUB_EVENTS = ("excessive force against protesters", "excessive force against protestors",
                            "looting/property destruction")
ACLED_CLASSIFICATION = "not classified as terrorism"
ACLED_CLASSIFICATION_NOTE = "ACLED does not classify events as terrorism; official classification not given"

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}


# ================================================================ errors


class ImportFileError(ValueError):
    """A file that cannot be imported at all. Nothing was stored; ``str(err)`` says what is wrong and where."""

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 column: str | None = None, value: str | None = None) -> None:
        self.message, self.file, self.row, self.column, self.value = message, file, row, column, value
        super().__init__(str(self))

    def location(self) -> str:
        parts = [p for p in (self.file, f"row {self.row}" if self.row is not None else None,
                             f"column '{self.column}'" if self.column else None) if p]
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        value = f" value {self.value!r}:" if self.value is not None else ""
        return f"{where}:{value} {self.message}" if where else self.message


# ================================================================ metadata


@cache
def _metadata() -> dict:
    return json.loads((DEFAULT_DATA_DIR / METADATA_FILE).read_text(encoding="utf-8"))


def event_columns() -> dict[str, dict]:
    """The curated ``events`` table's columns (name -> spec), in order, then its derived columns (filled when the
    pack is loaded: imported rows carry them too, so that curated and imported incidents share one frame)."""
    spec = _metadata()["tables"]["events"]
    return {**spec["columns"], **spec.get("derived_columns", {})}


def allowed(column: str) -> list[str]:
    return event_columns()[column]["values"]


def output_columns() -> list[str]:
    return [*event_columns(), *PROVENANCE_COLUMNS]


def empty_events(compact: bool = False) -> pd.DataFrame:
    """An empty accepted-events frame with the right columns and dtypes."""
    return _typed(pd.DataFrame({c: pd.Series(dtype="str") for c in output_columns()}), compact=compact)


# Text columns that repeat a few values (vocabularies, per-dataset notes). In a preview they are held as pandas
# categoricals, which keeps a million-row import within memory; the store returns them as plain text again.
COMPACT_COLUMNS = frozenset({
    "date_precision", "place", "region", "coord_precision", "coord_source", "event_type", "attack_type",
    "attack_description", "target_type", "perpetrator_group", "perpetrator", "classification", "classification_note",
    "source_format", "precision_note", "doubt_note", "casualty_note"})


def _typed(df: pd.DataFrame, compact: bool = False) -> pd.DataFrame:
    """Columns in order with the curated dtypes (str, Int64, float64, datetime64[us]) plus provenance dtypes; with
    ``compact``, the COMPACT_COLUMNS as categoricals."""
    out = {}
    for name, spec in event_columns().items():
        s = df[name] if name in df else pd.Series(pd.NA, index=df.index)
        kind = spec["type"]
        if kind == "integer":
            out[name] = s.astype("Int64")
        elif kind == "number":
            out[name] = s.astype("float64")
        elif kind == "date":
            out[name] = s.astype("datetime64[us]")
        else:
            out[name] = _text(s)
    for name in PROVENANCE_COLUMNS:
        s = df[name] if name in df else pd.Series(pd.NA, index=df.index)
        out[name] = s.astype("Int64") if name == "source_row" else _text(s)
    if compact:
        for name in COMPACT_COLUMNS:
            out[name] = out[name].astype("category")
    return pd.DataFrame(out, index=df.index)


def _concat(frames: list[pd.DataFrame], empty: pd.DataFrame) -> pd.DataFrame:
    """Concatenate chunks, keeping categorical columns categorical (their categories are united)."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty
    if len(frames) == 1:
        return frames[0]
    cats = [c for c in frames[0].columns if isinstance(frames[0][c].dtype, pd.CategoricalDtype)]
    plain = pd.concat([f.drop(columns=cats) for f in frames])
    for c in cats:
        united = pd.api.types.union_categoricals([f[c] for f in frames], ignore_order=True)
        plain[c] = pd.Series(united, index=plain.index)
    return plain[frames[0].columns]


def _text(s: pd.Series) -> pd.Series:
    """Text column with blank -> missing."""
    s = s.astype("str")
    return s.mask(s == "")


def imported_events_schema():  # -> pandera DataFrameSchema
    """The contract of imported events (a preview's ``accepted`` or the store's events), as a pandera schema: the
    curated table's value rules, with what an import may leave unknown (region, place, summary, sources) allowed
    blank. Checks values, not dtypes (a preview holds repeated text as categoricals)."""
    import pandera.pandas as pa

    def vocab(column: str, required: bool = True) -> pa.Column:
        return pa.Column(None, pa.Check.isin(allowed(column)), nullable=not required)

    count = pa.Column(None, pa.Check.ge(0), nullable=True)
    return pa.DataFrameSchema({
        "event_id": pa.Column(None, pa.Check.str_matches(r"^[a-z0-9][a-z0-9-]*$"), nullable=False, unique=True),
        "date": pa.Column(None, pa.Check.in_range(schema.PERIOD_START, schema.PERIOD_END), nullable=False),
        "date_precision": vocab("date_precision"),
        "region": pa.Column(None, pa.Check.isin(regions_lookup.REGIONS_2016), nullable=True),
        "latitude": pa.Column(None, pa.Check.in_range(*schema.LAT_RANGE), nullable=True),
        "longitude": pa.Column(None, pa.Check.in_range(*schema.LON_RANGE), nullable=True),
        "coord_precision": vocab("coord_precision", required=False),
        "event_type": vocab("event_type"),
        "attack_type": vocab("attack_type"),
        "target_type": vocab("target_type"),
        "classification": vocab("classification"),
        "killed": count, "injured": count, "perpetrators_killed": count, "total_deaths": count,
        "source_format": pa.Column(None, pa.Check.isin(list(FORMAT_LABELS)), nullable=False),
        "source_record_id": pa.Column(None, nullable=False),
        "source_row": pa.Column(None, pa.Check.ge(1), nullable=False),
    }, checks=[pa.Check(lambda df: df["latitude"].isna() == df["longitude"].isna(), name="coordinates_paired")],
        strict=False, name="imported_events")


# ================================================================ format detection


def _norm_header(name: object) -> str:
    return str(name if name is not None else "").replace("\ufeff", "").strip().lower()


def detect_format(columns: Iterable[object]) -> str:
    """'events', 'gtd' or 'acled' from the header names; raises :class:`ImportFileError` otherwise."""
    names = {_norm_header(c) for c in columns}
    for fmt in (FORMAT_GTD, FORMAT_ACLED, FORMAT_EVENTS):
        if all(c in names for c in REQUIRED[fmt]):
            return fmt
    near = []
    for fmt, req in REQUIRED.items():
        have = [c for c in req if c in names]
        if len(have) >= max(2, len(req) // 3):
            missing = [c for c in req if c not in names]
            near.append(f"it looks like a {FORMAT_LABELS[fmt]} but lacks the column(s): {', '.join(missing)}")
    expected = "; ".join(f"{FORMAT_LABELS[f]}: {', '.join(req)}" for f, req in REQUIRED.items())
    shown = ", ".join(_printable(n, 40) for n in sorted(n for n in names if n)[:12]) or "(none)"
    message = f"not a recognised format; expected columns - {expected}"
    if near:
        joined = "; ".join(near)
        message += ". " + joined[0].upper() + joined[1:]
    message += f". The file's header has: {shown}"
    raise ImportFileError(message, row=1)


def _printable(text: str, limit: int = 200) -> str:
    """``text`` fit to be shown in a message: characters that are not printable as '?', at most ``limit`` of
    them."""
    shown = "".join(ch if ch.isprintable() else "?" for ch in text[:limit])
    return shown + ("..." if len(text) > limit else "")


def _wanted(fmt: str, names: Sequence[str]) -> list[str]:
    """The columns of ``names`` that the mapping of ``fmt`` reads."""
    if fmt == FORMAT_GTD:
        use = set(GTD_REQUIRED) | set(GTD_OPTIONAL)
    elif fmt == FORMAT_ACLED:
        use = set(ACLED_REQUIRED) | set(ACLED_OPTIONAL)
    else:
        use = set(event_columns())
    return [n for n in names if n in use]


# ================================================================ reading


class _SlowPath(Exception):
    """The fast reader met a row it cannot place (wrong number of fields, odd quotes): read the file carefully."""


# A column the careful CSV reader adds to a chunk when some of its rows have more or fewer fields than the header:
# the reason for each such row ("" for the others). Header names are stripped, so none can be this one.
MALFORMED = " malformed"
MOSTLY_MALFORMED = 0.5  # above this share of malformed data rows the file is refused, not read row by row
ID_COLUMNS = {FORMAT_EVENTS: "event_id", FORMAT_GTD: "eventid", FORMAT_ACLED: "event_id_cnty"}
CHUNK_ROWS = 100_000  # rows mapped at a time (bounds the memory of the mapping)
ARROW_BLOCK = 16 << 20  # bytes of CSV parsed per batch by the fast reader


@dataclass
class RawSource:
    """An opened file: its header, and its data rows as chunks of text columns (blank = ""), indexed by spreadsheet
    row (the header is ``header_row``; blank rows are left out and reported with each chunk)."""

    columns: list[str]  # every header name, normalised (lower case, stripped)
    want: list[str]  # the columns read
    format: str | None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_row: int = 1
    fast: Callable[[], Iterator[tuple[pd.DataFrame, list[int]]]] | None = None  # may raise _SlowPath
    slow: Callable[[], Iterator[tuple[pd.DataFrame, list[int]]]] | None = None
    notes: list[str] = field(default_factory=list)  # what the reader noticed (e.g. formulas without a value)

    def consume(self, fn):
        """[fn(frame, blank_rows) for each chunk], read carefully if the fast reader gives up."""
        try:
            return [fn(frame, blank) for frame, blank in self.fast()]
        except _SlowPath:
            return [fn(frame, blank) for frame, blank in self.slow()]


def read_table(data: bytes, filename: str, max_bytes: int = DEFAULT_MAX_BYTES,
               columns: Iterable[str] | None = None) -> pd.DataFrame:
    """The whole file as a DataFrame of text (blank = ""), index = spreadsheet row, column names normalised. Raises
    :class:`ImportFileError` for a file that is empty, too large, not decodable, damaged, truncated, or has
    duplicate headers. ``df.attrs`` holds encoding, delimiter, sheet, the blank rows skipped, the malformed rows left
    out (row -> reason) and notes about the reading (e.g. formulas without a value)."""
    keep = None if columns is None else [_norm_header(c) for c in columns]
    src = open_source(data, filename, max_bytes,
                      wanted=lambda names: [n for n in names if n and (keep is None or n in keep)],
                      require_format=False)
    parts = src.consume(lambda frame, blank: (frame, blank))
    frames = [f for f, _ in parts]
    df = pd.concat(frames) if frames else pd.DataFrame({c: pd.Series(dtype="str") for c in src.want})
    malformed = {}
    if MALFORMED in df:
        reason = df.pop(MALFORMED)
        malformed = {int(row): str(text) for row, text in reason[reason != ""].items()}
        df = df[reason == ""]
    df.attrs.update(encoding=src.encoding, delimiter=src.delimiter, sheet=src.sheet, format=src.format,
                    blank_rows=[r for _, b in parts for r in b], malformed_rows=malformed, notes=list(src.notes))
    return df


def open_source(data: bytes, filename: str, max_bytes: int = DEFAULT_MAX_BYTES, wanted=None,
                require_format: bool = True) -> RawSource:
    """Check the file's size and kind, read its header and recognise its format (raising :class:`ImportFileError`
    when any of that fails); the rows are read when the source is consumed."""
    def default_wanted(names: list[str]) -> list[str]:
        return _wanted(detect_format(names), names)

    wanted = wanted or default_wanted
    try:
        if len(data) > max_bytes:
            raise ImportFileError(f"the file is {_mb(len(data))}, over the import limit of {_mb(max_bytes)}; split "
                                  "it or export only the rows you need (e.g. Kazakhstan, 1991-2016)")
        if not data or data.isspace():  # (data.strip() would copy the whole file)
            raise ImportFileError("the file is empty; expected a header row and data rows")
        kind = _file_kind(data)
        if kind:
            raise ImportFileError(f"the file is {kind}, not a CSV or XLSX; export the data as CSV (UTF-8) or as an "
                                  "Excel workbook (.xlsx)")
        lower = filename.lower()
        if data[:4] == _XLS_MAGIC or lower.endswith(".xls"):
            raise ImportFileError("this is an old Excel 97-2003 workbook (.xls); save it as .xlsx or as CSV")
        if data[:4] == _XLSX_MAGIC or lower.endswith((".xlsx", ".xlsm")):
            if data[:4] != _XLSX_MAGIC:
                raise ImportFileError("the file is named like an Excel workbook but is not one (damaged, truncated "
                                      "or mis-named); save it again as .xlsx or as CSV")
            return _open_xlsx(data, wanted, require_format)
        return _open_csv(data, wanted, require_format)
    except ImportFileError as exc:
        exc.file = exc.file or filename
        exc.args = (str(exc),)
        raise


# What a file that is not a table is, from its first bytes (the file's "magic number").
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"), (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"),
    (b"%PDF-", "a PDF document"), (b"{\\rtf", "an RTF document"), (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"), (b"Rar!\x1a\x07", "a RAR archive"), (b"\xfd7zXZ\x00", "an xz archive"),
    (b"SQLite format 3\x00", "an SQLite database"), (b"\x7fELF", "a program (ELF executable)"),
)
_ZIP_KINDS = (("word/", "a Word document (.docx)"), ("ppt/", "a PowerPoint presentation (.pptx)"))


def _file_kind(data: bytes) -> str | None:
    """What the file is, when its first bytes say it is no text table nor workbook ('a PNG image'); else None."""
    head = data[:16]
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    if head.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "a WebP image"
    if head.startswith(b"PAR1") and data.endswith(b"PAR1"):
        return "a Parquet file"
    if head.startswith(b"MZ") and b"\x00" in data[:512]:
        return "a Windows program (.exe)"
    return _zip_kind(data) if head.startswith(_XLSX_MAGIC) else None


def _zip_kind(data: bytes) -> str | None:
    """What a ZIP file is when it is not an Excel workbook (None for a workbook, or a zip too damaged to list: the
    workbook reader says so)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            mimetype = zf.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, zlib.error):
        return None
    if any(n.startswith("xl/") for n in names):
        return None
    if b"opendocument.spreadsheet" in mimetype:
        return "an OpenDocument spreadsheet (.ods)"
    kind = next((k for prefix, k in _ZIP_KINDS if any(n.startswith(prefix) for n in names)), None)
    if kind:
        return kind
    tables = [n for n in names if n.lower().endswith((".csv", ".xlsx"))]
    inside = f" (it holds {_printable(tables[0], 80)!r}: unpack it and import that file)" if tables else ""
    return f"a ZIP archive{inside}"


def _mb(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    return f"{n / 1024:.1f} KB" if n >= 1024 else f"{n} bytes"


# ---------------------------------------------------------------- CSV


def _check_decodes(data: bytes, codec: str = "utf-8") -> int | None:
    """Offset of the first byte that does not decode, or None. Chunked: no copy of the whole file."""
    dec = codecs.getincrementaldecoder(codec)()
    step = 1 << 22
    view = memoryview(data)
    for start in range(0, len(data), step):
        pending = len(dec.getstate()[0])
        try:
            dec.decode(view[start:start + step], final=start + step >= len(data))
        except UnicodeDecodeError as exc:
            return max(0, start + exc.start - pending)
    return None


SNIFF_BYTES = 1 << 16  # the head of a file looked at to tell text from binary data
CONTROL_SHARE = 0.1  # above this share of control characters (other than tab and line ends) it is not text
_CONTROL_BYTES = np.array([b < 0x20 and b not in (0x09, 0x0A, 0x0B, 0x0C, 0x0D) for b in range(256)])


def _refuse_non_text(data: bytes) -> None:
    """Refuse, saying what it appears to be, a file that is UTF-32 or UTF-16 without a byte-order mark (NUL bytes
    between the characters; charset-normalizer tells which) or binary data. Raw bytes are never echoed."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise ImportFileError("the file appears to be UTF-32 text: save it as UTF-8 (e.g. 'CSV UTF-8' in Excel)")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return  # UTF-16 with a byte-order mark is converted
    head = data[:SNIFF_BYTES]
    if b"\x00" in head:
        width = _wide_encoding(head)
        if width == "UTF-16":
            raise ImportFileError("the file appears to be UTF-16 text without a byte-order mark: save it as UTF-8 "
                                  "(e.g. 'CSV UTF-8' in Excel)")
        if width == "UTF-32":
            raise ImportFileError("the file appears to be UTF-32 text: save it as UTF-8 (e.g. 'CSV UTF-8' in Excel)")
        raise ImportFileError(f"the file holds binary data, not text (a NUL byte at byte {head.index(0)}), so it is "
                              "not a CSV; export the data as CSV (UTF-8) or as an Excel workbook (.xlsx)")
    controls = int(_CONTROL_BYTES[np.frombuffer(head, dtype=np.uint8)].sum())
    if controls > CONTROL_SHARE * len(head):
        raise ImportFileError(f"the file holds binary data, not text ({controls} control characters in its first "
                              f"{len(head)} bytes), so it is not a CSV; export the data as CSV (UTF-8) or as an "
                              "Excel workbook (.xlsx)")


def _wide_encoding(head: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' if the bytes read as text in one of them (charset-normalizer's best guess, which must
    decode the head), else None."""
    import charset_normalizer

    best = charset_normalizer.from_bytes(head).best()
    if best is None:
        return None
    name = best.encoding.lower().replace("-", "_")
    for prefix, label in (("utf_32", "UTF-32"), ("utf_16", "UTF-16")):
        if name.startswith(prefix):
            try:
                text = head[: len(head) - len(head) % 4].decode(best.encoding, errors="strict")
            except UnicodeDecodeError:
                return None
            readable = sum(ch.isprintable() or ch in "\t\r\n" for ch in text)
            return label if readable >= 0.95 * len(text) else None
    return None


def _encoding(data: bytes) -> tuple[bytes, str, str, str]:
    """(data, pyarrow encoding, python codec, label) for a text file."""
    _refuse_non_text(data)
    if data.startswith(codecs.BOM_UTF8):
        bad = _check_decodes(data)
        if bad is None:
            return data, "utf8", "utf-8-sig", "UTF-8 with a byte-order mark"
        _not_decodable(data, bad, "it starts with a UTF-8 byte-order mark but is not valid UTF-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").encode("utf-8"), "utf8", "utf-8", "UTF-16 (converted to UTF-8)"
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                f"it starts with a UTF-16 byte-order mark but cannot be read as UTF-16 ({exc})") from None
    bad = None if data.isascii() else _check_decodes(data)
    if bad is None:
        return data, "utf8", "utf-8", "UTF-8"
    if not data[:bad].isascii():  # UTF-8 text up to a broken byte: a damaged file, not another encoding
        _not_decodable(data, bad, "it is UTF-8 up to this byte, which is not valid UTF-8 (a damaged file?)")
    # Not UTF-8: a single-byte Windows code page. Cyrillic text puts non-ASCII bytes next to each other (whole words);
    # accented Latin text puts single ones between ASCII letters.
    arr = np.frombuffer(data, dtype=np.uint8)
    high = arr >= 0x80
    n_high = int(high.sum())
    paired = int((high[1:] & high[:-1]).sum())
    order = ("cp1251", "cp1252") if paired >= 0.4 * n_high else ("cp1252", "cp1251")
    labels = {"cp1251": "Windows-1251 (Cyrillic)", "cp1252": "Windows-1252 (Western European)"}
    for codec in order:
        if _check_decodes(data, codec) is None:
            return data, codec, codec, labels[codec] + "; the file is not UTF-8"
    _not_decodable(data, _check_decodes(data) or 0, "it is neither UTF-8 nor Windows-1251 nor Windows-1252")
    raise AssertionError  # unreachable


def _not_decodable(data: bytes, offset: int, why: str) -> None:
    line = data.count(b"\n", 0, offset) + 1
    raise ImportFileError(f"cannot be decoded: {why} (byte 0x{data[offset]:02x} at byte {offset}, line {line}); save "
                          "the file as UTF-8 CSV")


def _head_text(data: bytes, codec: str, limit: int = 1 << 20) -> str:
    dec = codecs.getincrementaldecoder(codec)(errors="replace")
    return dec.decode(data[:limit], final=len(data) <= limit)


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _open_csv(data: bytes, wanted, require_format: bool) -> RawSource:
    data, arrow_enc, codec, label = _encoding(data)
    head = _head_text(data, codec)
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
        raise ImportFileError("the file has no header row; expected a header row and data rows")
    header_lines = reader.line_num
    header_row = records_before + 1
    names = [_norm_header(c) for c in header]
    _check_header(names, header_row)
    fmt = _format_or_none(names, header_row, require_format)
    want = wanted(names)
    if not want:
        raise ImportFileError("none of the expected columns is in the header", row=header_row)
    return RawSource(
        names, want, fmt, encoding=label, delimiter=delim, header_row=header_row,
        fast=lambda: _arrow_chunks(data, arrow_enc, delim, names, want, header_lines, header_row),
        slow=lambda: _python_chunks(data, codec, delim, names, want, header_lines, header_row))


def _format_or_none(names: list[str], header_row: int, require: bool) -> str | None:
    try:
        return detect_format(names)
    except ImportFileError as exc:
        if require:
            exc.row = header_row
            raise
        return None


def _check_header(names: list[str], header_row: int) -> None:
    seen: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        if not name:
            continue
        if name in seen:
            raise ImportFileError(f"the header names the column '{name}' twice (columns {seen[name]} and {i}); each "
                                  "column needs a unique name", row=header_row, column=name)
        seen[name] = i


def _arrow_chunks(data: bytes, encoding: str, delim: str, names: list[str], want: list[str], header_lines: int,
                  header_row: int):
    """Fast reader (pyarrow, streamed in batches). Gives up (_SlowPath) on any row of the wrong length and on an odd
    number of quote characters, where the careful reader finds and names the faulty row."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if data.count(b'"') % 2:
        raise _SlowPath
    placeholders = [f"c{i}" for i in range(len(names))]
    include = [placeholders[names.index(w)] for w in want]
    bad: list[object] = []

    def invalid(row) -> str:
        bad.append(row)
        return "skip"

    try:
        reader = pacsv.open_csv(
            pa.BufferReader(pa.py_buffer(data)),
            read_options=pacsv.ReadOptions(column_names=placeholders, skip_rows=header_lines, encoding=encoding,
                                           block_size=ARROW_BLOCK, use_threads=False),
            parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=True, ignore_empty_lines=False,
                                             invalid_row_handler=invalid),
            convert_options=pacsv.ConvertOptions(include_columns=include,
                                                 column_types={c: pa.string() for c in include},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
        row = header_row + 1
        for batch in reader:
            if bad:
                raise _SlowPath
            df = batch.to_pandas()
            del batch
            df.columns = want
            df.index = pd.RangeIndex(row, row + len(df))
            row += len(df)
            yield _drop_blank(_strip(df))
    except (pa.ArrowInvalid, UnicodeDecodeError, StopIteration):
        raise _SlowPath from None
    if bad:
        raise _SlowPath


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
            raise ImportFileError(f"the file ends inside a quoted value that starts on line {rows.last_line + 1}: a "
                                  "quote is opened but never closed. The file looks truncated.",
                                  row=rows.row + 1) from None
        raise ImportFileError(f"cannot be read as CSV on line {header_lines + reader.line_num}: {exc}",
                              row=rows.row + 1) from None
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"cannot be decoded as {codec}: {exc}", row=rows.row) from None
    df = rows.frame()
    for start in range(0, len(df), CHUNK_ROWS):
        yield _drop_blank(_strip(df.iloc[start:start + CHUNK_ROWS].copy()))


class _CsvRows:
    """The wanted columns of the records read so far, with the reason of each malformed record."""

    def __init__(self, names: list[str], want: list[str], delim: str, header_lines: int, header_row: int) -> None:
        self.want, self.width, self.delim = want, len(names), delim
        self.positions = [names.index(w) for w in want]
        self.columns: list[list[str]] = [[] for _ in want]
        self.malformed: list[str] = []
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
        for col, pos in zip(self.columns, self.positions, strict=True):
            col.append(rec[pos] if pos < len(rec) else "")
        self.malformed.append(reason)
        self.last_line = line

    def _reason(self, fields: int, line: int) -> str:
        if fields > self.width:
            hint = (f"a value may contain an unquoted {_DELIMITER_NAMES.get(self.delim, self.delim)}: put that value "
                    "in double quotes")
        else:
            hint = "the row may be cut short, or a value contains an unquoted line break"
        return f"row {self.row} has {fields} fields, the header has {self.width} (line {line}): {hint}"

    def frame(self) -> pd.DataFrame:
        """The rows as text columns (plus MALFORMED if any row is malformed); refuses a truncated or mostly
        malformed file."""
        if self.last_short is not None:
            row, fields, line = self.last_short
            raise ImportFileError(f"this row has {fields} field(s), fewer than the {self.width} of the header (line "
                                  f"{line}). The file looks truncated.", row=row)
        if self.n_bad and self.n_bad > MOSTLY_MALFORMED * self.n_data:
            first = next(r for r in self.malformed if r)
            raise ImportFileError(
                f"{self.n_bad} of the {self.n_data} data rows have a different number of fields from the header "
                f"({self.width} fields, {_DELIMITER_NAMES.get(self.delim, self.delim)}-separated), so the file is not "
                f"a table that can be read row by row; the first: {first}. Check the delimiter and the quoting, or "
                "save the file again as CSV")
        df = pd.DataFrame({w: pd.Series(col, dtype="str") for w, col in zip(self.want, self.columns, strict=True)})
        if self.n_bad:
            df[MALFORMED] = pd.Series(self.malformed, dtype="str")
        self.columns = []
        df.index = pd.RangeIndex(self.header_row + 1, self.header_row + 1 + len(df))
        return df


def _strip(df: pd.DataFrame) -> pd.DataFrame:
    for col in df.columns:
        df[col] = df[col].astype("str").str.strip()
    return df


def _drop_blank(df: pd.DataFrame) -> tuple[pd.DataFrame, list[int]]:
    if df.empty:
        return df, []
    nonblank = np.zeros(len(df), dtype=bool)
    for col in df.columns:
        nonblank |= (df[col] != "").to_numpy()
    if nonblank.all():
        return df, []
    return df[nonblank], df.index[~nonblank].tolist()


# ---------------------------------------------------------------- Excel


def _cell_text(value: object) -> str:
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


# openpyxl's errors for a workbook it cannot read: a damaged zip, a missing part (KeyError), XML that is not
# well-formed (SyntaxError: ElementTree's and lxml's parse errors), values its classes refuse (ValueError, TypeError).
_WORKBOOK_ERRORS = (zipfile.BadZipFile, KeyError, OSError, EOFError, SyntaxError, ValueError, TypeError)
_XML_PART_SUFFIXES = (".xml", ".rels", ".vml")
FORMULA_CELLS_LISTED = 20


def _open_xlsx(data: bytes, wanted, require_format: bool) -> RawSource:
    """The first sheet with a header row of a recognised format (with ``require_format``) as a source."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _WORKBOOK_ERRORS as exc:
        raise _damaged_workbook(data, exc) from None
    missing = _missing_sheet_part(data)
    if missing:  # openpyxl skips a sheet whose part is missing without a word
        wb.close()
        raise ImportFileError(f"the workbook is damaged: its part '{_printable(missing)}' (a sheet) is missing; save "
                              "it again as .xlsx or as CSV")
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
        raise ImportFileError(f"sheet '{title}': {exc.message}", row=exc.row)
    raise ImportFileError("the workbook has no sheet with a header row; expected a header row and data rows")


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
    names = [_norm_header(v) for v in header]
    try:
        fmt = _format_or_none(names, header_row, require_format)
    except ImportFileError as exc:
        raise _SheetFormatError(exc) from None
    try:
        _check_header(names, header_row)
    except ImportFileError as exc:
        raise ImportFileError(f"sheet '{ws.title}': {exc.message}", row=exc.row, column=exc.column) from None
    want = wanted(names)
    positions = [names.index(w) for w in want]
    columns: list[list[str]] = [[] for _ in want]
    for values in rows:
        for col, pos in zip(columns, positions, strict=True):
            col.append(_cell_text(values[pos]) if pos < len(values) else "")
    df = pd.DataFrame({w: pd.Series(c, dtype="str") for w, c in zip(want, columns, strict=True)})
    del columns
    df.index = pd.RangeIndex(header_row + 1, header_row + 1 + len(df))
    cells = _uncached_formulas(data, ws, header_row, dict(zip(want, positions, strict=True)), df)
    notes = [_formula_note(ws.title, cells)] if cells else []

    def chunks(df=df):
        for start in range(0, len(df), CHUNK_ROWS):
            yield _drop_blank(_strip(df.iloc[start:start + CHUNK_ROWS].copy()))

    return RawSource(names, want, fmt, sheet=ws.title, header_row=header_row, fast=chunks, slow=chunks, notes=notes)


def _damaged_workbook(data: bytes, exc: BaseException) -> ImportFileError:
    """The error for a workbook openpyxl cannot read, naming the part (zip member) that is missing or is not
    well-formed XML where that can be found; never the XML parser's own message."""
    missing = re.search(r"no item named '([^']+)'", str(exc)) if isinstance(exc, KeyError) else None
    if missing:
        return ImportFileError(f"the workbook is damaged: its part '{_printable(missing.group(1))}' is missing; save "
                               "it again as .xlsx or as CSV")
    part = _broken_xml_part(data)
    if part:
        return ImportFileError(f"the workbook is damaged: its part '{_printable(part)}' is not well-formed XML "
                               "(truncated or corrupted); save it again as .xlsx or as CSV")
    if isinstance(exc, SyntaxError):
        return ImportFileError("the workbook is damaged: one of its parts is not well-formed XML; save it again as "
                               ".xlsx or as CSV")
    return ImportFileError(f"cannot be opened as an Excel workbook: the file is damaged or truncated "
                           f"({_printable(str(exc), 120)}); save it again as .xlsx or as CSV")


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


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


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


def _formula_note(sheet: str, cells: list[tuple[int, str]]) -> str:
    shown = ", ".join(f"row {row} column '{name}'" for row, name in cells[:FORMULA_CELLS_LISTED])
    more = f" and {len(cells) - FORMULA_CELLS_LISTED} more" if len(cells) > FORMULA_CELLS_LISTED else ""
    return (f"Sheet '{_printable(sheet)}': {len(cells)} formula cell(s) have no saved value and were read as blank: "
            f"{shown}{more}. The workbook was saved without its calculated values; open it in Excel or LibreOffice "
            "and save it again to import them.")


# ================================================================ vectorised helpers


class _Issues:
    """Reasons per row, collected rule by rule (vectorised)."""

    def __init__(self, index: pd.Index) -> None:
        self.index = index
        self.parts: list[pd.Series] = []

    def add(self, mask, column: str | None, message) -> None:
        """Rows where ``mask`` holds get ``message``: text, a Series, or a function returning one (called only when
        some row fails, so messages are not built for clean files)."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        rows = self.index[mask]
        prefix = f"{column}: " if column else ""
        if callable(message):
            message = message()
        if isinstance(message, pd.Series):
            text = prefix + message[mask].astype("str").to_numpy(dtype=object)
        else:
            text = np.full(len(rows), prefix + message, dtype=object)
        self.parts.append(pd.Series(text, index=rows, dtype=object))

    def mask(self) -> np.ndarray:
        if not self.parts:
            return np.zeros(len(self.index), dtype=bool)
        return self.index.isin(pd.Index(np.concatenate([p.index.to_numpy() for p in self.parts])))

    def reasons(self) -> pd.Series:
        """Row -> '; '-joined reasons."""
        if not self.parts:
            return pd.Series(dtype="str")
        allp = pd.concat(self.parts)
        return allp.groupby(level=0, sort=True).agg("; ".join).astype("str")


def _col(raw: pd.DataFrame, name: str) -> pd.Series:
    if name in raw:
        return raw[name]
    return pd.Series("", index=raw.index, dtype="str")


def _num(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """(float values, mask of cells that are not blank but not a finite number: 'inf', 'nan', 'x')."""
    blank = (s == "").to_numpy()
    values = pd.to_numeric(s.where(~blank), errors="coerce").astype("float64")
    values = values.where(np.isfinite(values.to_numpy()))
    return values, (~blank) & values.isna().to_numpy()


_WHOLE_RE = re.compile(r"-?[0-9]+(?:\.0+)?")  # digits only; GTD writes 12 as "12.0"
_FRACTION_RE = re.compile(r"-?[0-9]*\.[0-9]+")
MAX_WHOLE = 10**9  # beyond any count of persons or year; keeps the values exact and within Int64


def _parse_whole(text: str) -> tuple[float, str]:
    """(value, status) of one cell read as a whole number written in ASCII digits. Status: 'ok', 'blank',
    'fraction' (a decimal number such as '2.5'), 'large' or 'text' (anything else: '1e2', 'inf', 'nan', '+3',
    '0x10', 'x'); the value is NaN unless the status is 'ok'."""
    if text == "":
        return np.nan, "blank"
    if _WHOLE_RE.fullmatch(text):
        value = int(text.split(".", 1)[0])
        return (float(value), "ok") if abs(value) <= MAX_WHOLE else (np.nan, "large")
    return np.nan, "fraction" if _FRACTION_RE.fullmatch(text) else "text"


def _whole(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(float values, status per cell) of a column of whole numbers (:func:`_parse_whole`), parsing each distinct
    value once."""
    table = {v: _parse_whole(v) for v in pd.unique(s)}
    values = s.map({v: r[0] for v, r in table.items()}).astype("float64")
    return values, s.map({v: r[1] for v, r in table.items()}).astype("str")


def _count(s: pd.Series, column: str, issues: _Issues) -> pd.Series:
    """Whole non-negative numbers written in digits; blank -> <NA>; anything else is an issue of the row."""
    values, status = _whole(s)

    def quoted() -> pd.Series:
        return "'" + s + "'"

    issues.add((status == "text").to_numpy(), column,
               lambda: quoted() + " is not a number written in digits (leave the cell blank if unknown)")
    issues.add((status == "fraction").to_numpy(), column, lambda: quoted() + " is not a whole number of persons")
    issues.add((status == "large").to_numpy(), column, lambda: quoted() + " is too large for a count")
    negative = (values < 0).fillna(False).to_numpy()
    issues.add(negative, column, lambda: quoted() + " is negative (a count cannot be negative)")
    return values.where(~negative).astype("Int64")


def _gtd_count(s: pd.Series, column: str, issues: _Issues) -> tuple[pd.Series, pd.Series]:
    """A GTD count column: (values, note). GTD_UNKNOWN_CODES (also written '-99.0') are unknown, not negative: the
    value is blank and the note says which code the GTD gave."""
    values, status = _whole(s)
    codes = [float(code) for code in GTD_UNKNOWN_CODES]
    coded = ((status == "ok") & values.isin(codes)).to_numpy()
    counts = _count(s.where(~coded, ""), column, issues)
    note = _where(coded, lambda: f"{column} coded as unknown (" + values.astype("Int64").astype("str") + ")",
                  s.index)
    return counts, note


def _join(parts: Sequence[pd.Series], sep: str = "; ") -> pd.Series:
    """Join text columns row by row, skipping blanks ("" or missing)."""
    out = None
    for p in parts:
        p = p.astype("str").fillna("")
        if out is None:
            out = p
            continue
        both = (out != "") & (p != "")
        out = out + pd.Series(np.where(both.to_numpy(), sep, ""), index=out.index, dtype="str") + p
    return out


def _where(mask, text, index: pd.Index) -> pd.Series:
    """``text`` (a string, a Series or a function returning one, called only if needed) where ``mask``, else ""."""
    mask = np.asarray(mask, dtype=bool)
    base = pd.Series("", index=index, dtype="str")
    if not mask.any():
        return base
    if callable(text):
        text = text()
    if isinstance(text, pd.Series):
        return base.where(~mask, text.astype("str"))
    return base.where(~mask, text)


def _map_unique(s: pd.Series, fn) -> pd.Series:
    """``s.map(fn)`` calling ``fn`` once per distinct value (a Python function, so never once per row)."""
    table = {v: fn(v) for v in pd.unique(s)}
    return s.map(table)


def _slug_id(prefix: str, ids: pd.Series) -> pd.Series:
    slug = ids.str.lower().str.replace(r"[^a-z0-9]+", "-", regex=True).str.strip("-")
    return (prefix + slug).where(ids != "", "")


def _excel_serial(s: pd.Series) -> pd.Series:
    """Excel serial day numbers (5 digits: 1927-2173) -> timestamps; anything else NaT."""
    is_serial = s.str.fullmatch(r"\d{5}(\.\d+)?").fillna(False)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    if is_serial.any():
        days = pd.to_numeric(s[is_serial]).astype("float64").apply(np.floor)
        out[is_serial] = (pd.Timestamp("1899-12-30") + pd.to_timedelta(days, unit="D")).astype("datetime64[us]")
    return out


def _period_reason(date: pd.Series) -> pd.Series:
    return "outside 1991-2016 (date " + date.dt.strftime("%Y-%m-%d") + ")"


def _parse_dates(s: pd.Series, formats: Sequence[str]) -> pd.Series:
    """Text dates in any of ``formats`` (tried in order) or Excel serial numbers -> datetime64[us] (NaT if none)."""
    out = _excel_serial(s)
    for fmt in formats:
        todo = out.isna() & (s != "")
        if not todo.any():
            break
        out[todo] = pd.to_datetime(s[todo], format=fmt, errors="coerce").astype("datetime64[us]")
    return out.astype("datetime64[us]")


# ================================================================ mapping


@dataclass
class _Mapped:
    frame: pd.DataFrame  # event columns + provenance, one row per raw row
    issues: _Issues
    out_of_scope: list[tuple[np.ndarray, str, pd.Series | str]]  # (mask, kind, reason)
    region_source: pd.Series  # the region name as written in the file
    latitude: pd.Series  # raw text
    longitude: pd.Series
    coord_label: str
    notes: list[str] = field(default_factory=list)


def _map_gtd(raw: pd.DataFrame, units: tuple[str, ...]) -> _Mapped:
    # Long by nature: one short block per group of codebook fields, read top to bottom, then the frame of columns.
    idx = raw.index
    c = partial(_col, raw)
    issues = _Issues(idx)
    notes: list[str] = []

    eventid = c("eventid").str.replace(r"\.0+$", "", regex=True)
    issues.add(eventid == "", "eventid", "is blank (every GTD row has an eventid)")

    # Scope: country. A 1991 incident may be coded "Soviet Union": it is in scope when its region is Kazakh.
    country = c("country_txt")
    country_l = country.str.lower()
    provstate = c("provstate")
    region = regions_lookup.map_names(provstate.where(provstate != ""), units)
    soviet = (country_l == "soviet union") & region.notna()
    in_kz = ((country_l == "kazakhstan") | soviet).to_numpy()
    scope: list[tuple[np.ndarray, str, pd.Series | str]] = [
        (~in_kz, "outside Kazakhstan", lambda: "outside Kazakhstan (country_txt '" + country + "')")]

    date, precision, date_note, date_bad = _gtd_dates(c, issues, idx)
    outside = in_kz & ~date_bad & ~date.dt.year.between(schema.PERIOD_START.year,
                                                         schema.PERIOD_END.year).fillna(False).to_numpy()
    scope.append((outside, "outside 1991-2016", lambda: _period_reason(date)))

    # Coordinates' precision.
    spec = c("specificity").str.replace(r"\.0+$", "", regex=True)
    coord_precision = spec.map({k: v[0] for k, v in GTD_SPECIFICITY.items()}).astype("str")
    precision_note = spec.map({k: v[1] for k, v in GTD_SPECIFICITY.items()}).astype("str")
    unknown_spec = (spec != "").to_numpy() & coord_precision.isna().to_numpy()
    if unknown_spec.any():
        precision_note = precision_note.where(~unknown_spec, "GTD specificity '" + spec + "' is not a codebook value")
    precision_note = precision_note.where((spec != "").to_numpy(), "GTD specificity not given")

    # Type of attack and target.
    attack = c("attacktype1_txt").where(c("attacktype1_txt") != "", "Unknown")
    bad_attack = ~attack.isin(allowed("attack_type")).to_numpy()
    issues.add(bad_attack, "attacktype1_txt",
               lambda: "'" + attack + "' is not a GTD attack type (" + ", ".join(allowed("attack_type")) + ")")
    target_src = c("targtype1_txt").where(c("targtype1_txt") != "", "Unknown")
    target = target_src.map(GTD_TARGET_TYPES).astype("str")
    issues.add(target.isna().to_numpy(), "targtype1_txt", lambda: "'" + target_src + "' is not a GTD target type")
    description = _join([attack,
                         _where((c("weaptype1_txt") != "").to_numpy(), lambda: "weapon: " + c("weaptype1_txt"), idx),
                         _where((target != target_src).to_numpy() & target.notna().to_numpy(),
                                lambda: "GTD target type: " + target_src, idx),
                         _where((c("target1") != "").to_numpy(), lambda: "target: " + c("target1"), idx)])

    # Doubt.
    doubt = c("doubtterr").str.replace(r"\.0+$", "", regex=True)
    classification = doubt.map(GTD_CLASSIFICATION).astype("str")
    issues.add(classification.isna().to_numpy(), "doubtterr", lambda: "'" + doubt + "' is not a GTD code (0, 1 or -9)")
    doubt_note = _join([doubt.map(GTD_DOUBT_NOTES).astype("str"),
                        _where(((doubt == "1") & (c("alternative_txt") != "")).to_numpy(),
                               lambda: "GTD alternative: " + c("alternative_txt"), idx)])

    casualties = _gtd_casualties(c, issues, idx)

    group = c("gname").where(c("gname") != "", "Unknown")
    citations = _join([c("scite1"), c("scite2"), c("scite3")], sep=" | ")
    frame = pd.DataFrame({
        "event_id": _slug_id("gtd-", eventid),
        "date": date,
        "date_precision": precision,
        "date_note": date_note,
        "place": c("city"),
        "region": region,
        "coord_precision": coord_precision,
        "coord_source": pd.Series("GTD latitude/longitude", index=idx, dtype="str"),
        "event_type": pd.Series("attack", index=idx, dtype="str"),
        "attack_type": attack,
        "attack_description": description,
        "target_type": target,
        "perpetrator_group": group,
        "perpetrator": group,
        **casualties,
        "classification": classification,
        "classification_note": pd.Series(GTD_CLASSIFICATION_NOTE, index=idx, dtype="str"),
        **{ours: c(code).str.replace(r"\.0+$", "", regex=True).map(GTD_YES_NO).astype("str")
           for code, ours in GTD_CRITERIA.items()},
        "inclusion_basis": pd.Series("dataset criteria", index=idx, dtype="str"),
        "doubt_terrorism": doubt.map(GTD_DOUBT).astype("str"),
        "summary": c("summary"),
        "source_format": pd.Series(FORMAT_GTD, index=idx, dtype="str"),
        "source_record_id": eventid,
        "precision_note": precision_note,
        "doubt_note": doubt_note,
        "source_citations": citations,
    }, index=idx)
    if soviet.any():
        frame["geo_note"] = _where(soviet.to_numpy(), "GTD country 'Soviet Union': placed in Kazakhstan by its "
                                                      "region", idx)
        notes.append(f"{int(soviet.sum())} row(s) coded 'Soviet Union' were placed in Kazakhstan by their region.")
    return _Mapped(frame, issues, scope, provstate, c("latitude"), c("longitude"), "GTD", notes)


def _gtd_dates(c: Callable[[str], pd.Series], issues: _Issues,
               idx: pd.Index) -> tuple[pd.Series, pd.Series, pd.Series, np.ndarray]:
    """(date, date_precision, date_note, mask of rows whose date cannot be read) from GTD's iyear, imonth, iday,
    approxdate, extended and resolution."""
    # iday 0 = unknown day, imonth 0 = unknown month (the codebook's convention); blank is unknown too.
    # Years, months and days are whole numbers written in digits (GTD's '2012.0' too; '1e3' is not a year).
    year, year_status = _whole(c("iyear"))
    month, month_status = _whole(c("imonth"))
    day, day_status = _whole(c("iday"))
    bad_year = (year_status != "ok").to_numpy()
    bad_month = ~month_status.isin(["ok", "blank"]).to_numpy() | ~(month.isna() | month.isin(range(13))).to_numpy()
    bad_day = ~day_status.isin(["ok", "blank"]).to_numpy() | ~(day.isna() | day.isin(range(32))).to_numpy()
    issues.add(bad_year, "iyear", lambda: "'" + c("iyear") + "' is not a year")
    issues.add(bad_month, "imonth", lambda: "'" + c("imonth") + "' is not a month (1-12, or 0 if unknown)")
    issues.add(bad_day, "iday", lambda: "'" + c("iday") + "' is not a day of the month (1-31, or 0 if unknown)")
    m = month.fillna(0)
    d = day.fillna(0).where(m > 0, 0)
    date = pd.to_datetime(pd.DataFrame({"year": year.where(~bad_year), "month": m.clip(lower=1).where(~bad_month),
                                        "day": d.clip(lower=1).where(~bad_day)}), errors="coerce")
    date = date.astype("datetime64[us]")
    fields_ok = ~(bad_year | bad_month | bad_day)
    not_calendar = fields_ok & date.isna().to_numpy()
    issues.add(not_calendar, "iday",
               lambda: c("iyear") + "-" + c("imonth") + "-" + c("iday") + " is not a calendar date")
    date_bad = ~fields_ok | not_calendar
    precision = pd.Series(np.select([m.to_numpy() == 0, d.to_numpy() == 0], ["year", "month"], "day"), index=idx)
    approx = c("approxdate")
    has_approx = (approx != "").to_numpy()
    precision = precision.where(~(has_approx & (precision == "day").to_numpy()), "approximate")
    date_note = _join([
        _where((m == 0).to_numpy(), "GTD imonth 0: month and day unknown; the date shown is 1 January", idx),
        _where(((m > 0) & (d == 0)).to_numpy(), "GTD iday 0: day unknown; the date shown is the 1st of the month", idx),
        _where(has_approx, lambda: "GTD approxdate: '" + approx + "'", idx),
        _where((c("extended") == "1").to_numpy(), "GTD extended 1: the incident lasted more than 24 hours", idx),
        _where((c("resolution") != "").to_numpy(), lambda: "GTD resolution (end date): " + c("resolution"), idx),
    ])
    return date, precision, date_note, date_bad


def _gtd_casualties(c: Callable[[str], pd.Series], issues: _Issues, idx: pd.Index) -> dict[str, pd.Series]:
    """killed, injured, perpetrators_killed, total_deaths and casualty_note from GTD's counts. nkill includes
    perpetrators, so it is the total; victims are known only where nkillter separates them (likewise nwoundte)."""
    counts = {name: _gtd_count(c(name), name, issues) for name in ("nkill", "nkillter", "nwound", "nwoundte")}
    (nkill, _), (nkillter, _), (nwound, _), (nwoundte, _) = counts.values()
    separable = (nkill.notna() & nkillter.notna() & (nkill >= nkillter)).fillna(False)
    wound_sep = (nwound.notna() & nwoundte.notna() & (nwound >= nwoundte)).fillna(False)
    casualty_note = _join([
        pd.Series("GTD nkill includes perpetrators: shown as total deaths", index=idx, dtype="str"),
        _where(separable.to_numpy(), "victims killed = nkill - nkillter", idx),
        _where((nkill.notna() & nkillter.notna() & ~separable).fillna(False).to_numpy(),
               "nkillter exceeds nkill: victims killed left blank", idx),
        _where((nwound.notna() & ~wound_sep).fillna(False).to_numpy(),
               "nwound may include perpetrators", idx),
        _where(wound_sep.to_numpy(), "injured = nwound - nwoundte", idx),
        *(note for _, note in counts.values()),
    ])
    return {"killed": (nkill - nkillter).where(separable), "injured": (nwound - nwoundte).where(wound_sep, nwound),
            "perpetrators_killed": nkillter, "total_deaths": nkill, "casualty_note": casualty_note}


ACLED_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y", "%d/%m/%Y", "%d-%m-%Y",
                      "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d")


def _map_acled(raw: pd.DataFrame, units: tuple[str, ...]) -> _Mapped:
    # Long by nature, like _map_gtd: one short block per group of ACLED fields, then the frame of columns.
    idx = raw.index
    c = partial(_col, raw)
    issues = _Issues(idx)
    notes: list[str] = []

    rid = c("event_id_cnty")
    issues.add(rid == "", "event_id_cnty", "is blank (every ACLED row has an event_id_cnty)")
    admin1 = c("admin1")
    region = regions_lookup.map_names(admin1.where(admin1 != ""), units)
    if "country" in raw:
        in_kz = (c("country").str.lower() == "kazakhstan").to_numpy()
    else:
        in_kz = np.ones(len(raw), dtype=bool)
        notes.append("The file has no 'country' column: every row is taken to be in Kazakhstan.")
    scope: list[tuple[np.ndarray, str, pd.Series | str]] = [
        (~in_kz, "outside Kazakhstan", lambda: "outside Kazakhstan (country '" + c("country") + "')")]

    date = _parse_dates(c("event_date"), ACLED_DATE_FORMATS)
    date_bad = date.isna().to_numpy()
    issues.add(date_bad & (c("event_date") != "").to_numpy(), "event_date",
               lambda: "'" + c("event_date") + "' is not a date (expected e.g. 2012-03-15 or 15 March 2012)")
    issues.add((c("event_date") == "").to_numpy(), "event_date", "is blank")
    tp = c("time_precision").str.replace(r"\.0+$", "", regex=True)
    precision = tp.map({k: v[0] for k, v in ACLED_TIME_PRECISION.items()}).astype("str")
    issues.add((tp != "").to_numpy() & precision.isna().to_numpy(), "time_precision",
               lambda: "'" + tp + "' is not an ACLED code (1, 2 or 3)")
    precision = precision.fillna("day").where((tp != "").to_numpy(), "day")
    date_note = _join([tp.map({k: v[1] for k, v in ACLED_TIME_PRECISION.items()}).astype("str"),
                       _where((tp == "").to_numpy(), "ACLED time_precision not given: taken as the day", idx)])
    outside = in_kz & ~date_bad & ~date.dt.year.between(schema.PERIOD_START.year,
                                                         schema.PERIOD_END.year).fillna(False).to_numpy()
    scope.append((outside, "outside 1991-2016", lambda: _period_reason(date)))

    etype = c("event_type")
    sub = c("sub_event_type")
    violent = (etype.str.lower().isin(ACLED_VIOLENT_EVENT_TYPES) | sub.str.lower().isin(ACLED_VIOLENT_SUB_EVENTS))
    nonviolent = in_kz & ~date_bad & ~outside & ~violent.to_numpy()
    scope.append((nonviolent, "not an incident of violence",
                  lambda: "not an incident of violence (ACLED " + etype + ": " + sub + ")"))

    gp = c("geo_precision").str.replace(r"\.0+$", "", regex=True)
    coord_precision = gp.map({k: v[0] for k, v in ACLED_GEO_PRECISION.items()}).astype("str")
    precision_note = _join([
        gp.map({k: v[1] for k, v in ACLED_GEO_PRECISION.items()}).astype("str"),
        _where((gp != "").to_numpy() & coord_precision.isna().to_numpy(),
               lambda: "ACLED geo_precision '" + gp + "' is not a codebook value", idx),
        _where((gp == "").to_numpy(), "ACLED geo_precision not given", idx)])

    attack = sub.map(ACLED_ATTACK_TYPES).astype("str").fillna("Unknown")
    actor1, actor2 = c("actor1"), c("actor2")
    state = actor1.str.match(r"(?i)^(military|police) forces of ").fillna(False)
    event_type = pd.Series(np.where(state.to_numpy(), "security operation", "attack"), index=idx, dtype="str")
    target = pd.Series("Unknown", index=idx, dtype="str")
    inter2 = c("inter2").str.lower()
    target = target.mask(inter2.isin(["7", "civilians"]) | actor2.str.match(r"(?i)^civilians").fillna(False),
                         "Private Citizens & Property")
    target = target.mask(inter2.isin(["2", "3", "4", "rebel group", "political militia", "identity militia"]),
                         "Terrorists/Non-State Militia")
    target = target.mask(actor2.str.match(r"(?i)^military forces of ").fillna(False), "Military")
    target = target.mask(actor2.str.match(r"(?i)^police forces of ").fillna(False), "Police")
    description = _join([_where((etype != "").to_numpy(), lambda: "ACLED " + etype, idx),
                         _where((sub != "").to_numpy(), sub, idx)], sep=": ")
    assoc = c("assoc_actor_1")
    perpetrator = _join([actor1, _where((assoc != "").to_numpy(), lambda: "with " + assoc, idx),
                         _where((actor2 != "").to_numpy(), lambda: "other party: " + actor2, idx)])
    fatalities = _count(c("fatalities"), "fatalities", issues)
    frame = pd.DataFrame({
        "event_id": _slug_id("acled-", rid),
        "date": date,
        "date_precision": precision,
        "date_note": date_note,
        "place": c("location"),
        "region": region,
        "coord_precision": coord_precision,
        "coord_source": pd.Series("ACLED latitude/longitude", index=idx, dtype="str"),
        "event_type": event_type,
        "attack_type": attack,
        "attack_description": description,
        "target_type": target,
        "perpetrator_group": actor1.where(actor1 != "", "Unknown"),
        "perpetrator": perpetrator,
        "total_deaths": fatalities,
        "classification": pd.Series(ACLED_CLASSIFICATION, index=idx, dtype="str"),
        "classification_note": pd.Series(ACLED_CLASSIFICATION_NOTE, index=idx, dtype="str"),
        "summary": c("notes"),
        "source_format": pd.Series(FORMAT_ACLED, index=idx, dtype="str"),
        "source_record_id": rid,
        "precision_note": precision_note,
        "casualty_note": pd.Series("ACLED fatalities include perpetrators: shown as total deaths", index=idx,
                                   dtype="str"),
        "source_citations": _join([c("source"), _where((c("source_scale") != "").to_numpy(),
                                                       lambda: "scale: " + c("source_scale"), idx)]),
    }, index=idx)
    return _Mapped(frame, issues, scope, admin1, c("latitude"), c("longitude"), "ACLED", notes)


EVENTS_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S")


def _map_events(raw: pd.DataFrame, units: tuple[str, ...]) -> _Mapped:
    idx = raw.index
    c = partial(_col, raw)
    issues = _Issues(idx)
    eid = c("event_id")
    issues.add(eid == "", "event_id", "is blank but required")
    date = _parse_dates(c("date"), EVENTS_DATE_FORMATS)
    date_bad = date.isna().to_numpy()
    issues.add(date_bad & (c("date") != "").to_numpy(), "date",
               lambda: "'" + c("date") + "' must be a date written YYYY-MM-DD")
    issues.add((c("date") == "").to_numpy(), "date", "is blank but required")
    outside = ~date_bad & ~date.dt.year.between(schema.PERIOD_START.year,
                                                 schema.PERIOD_END.year).fillna(False).to_numpy()
    scope: list[tuple[np.ndarray, str, pd.Series | str]] = [
        (outside, "outside 1991-2016", lambda: "outside 1991-2016 (date " + date.dt.strftime("%Y-%m-%d") + ")")]
    required = {"date_precision", "event_type", "attack_type", "target_type", "classification"}
    for name in ("date_precision", "coord_precision", "event_type", "attack_type", "target_type", "classification",
                 "crit_aim", "crit_audience", "crit_outside_warfare", "inclusion_basis", "doubt_terrorism"):
        s = c(name)
        vocab = allowed(name)
        if name in required:
            issues.add((s == "").to_numpy(), name, "is blank but required")
        issues.add(((s != "") & ~s.isin(vocab)).to_numpy(), name,
                   lambda s=s, vocab=vocab: "'" + s + "' must be one of: " + ", ".join(vocab))
    counts = {name: _count(c(name), name, issues) for name in
              ("killed", "injured", "perpetrators_killed", "total_deaths", "coord_uncertainty_km")}
    parts = counts["killed"].fillna(0) + counts["perpetrators_killed"].fillna(0)
    adds_up = counts["total_deaths"].isna() | (counts["total_deaths"] >= parts)
    issues.add(~adds_up.fillna(True).to_numpy(), "total_deaths",
               "must be at least killed + perpetrators_killed")
    frame = pd.DataFrame({name: c(name) for name in event_columns() if name not in
                          ("date", "region", "latitude", "longitude", *counts)}, index=idx)
    frame["date"] = date
    frame["region"] = regions_lookup.map_names(c("region").where(c("region") != ""), units)
    for name, values in counts.items():
        frame[name] = values
    frame["source_format"] = FORMAT_EVENTS
    frame["source_record_id"] = eid
    return _Mapped(frame, issues, scope, c("region"), c("latitude"), c("longitude"), "file", [])


_MAPPERS = {FORMAT_GTD: _map_gtd, FORMAT_ACLED: _map_acled, FORMAT_EVENTS: _map_events}


# ================================================================ preview


@dataclass
class ImportPreview:
    """What an import would store, and everything left out with its reason. Nothing has been stored yet.

    ``accepted`` has the curated event columns then PROVENANCE_COLUMNS; its COMPACT_COLUMNS are categoricals (values
    compare as text) - ``Store.events()`` returns exactly the curated dtypes. Linked duplicates of curated incidents
    are included, with ``duplicate_of`` set. Row numbers are the file's spreadsheet rows (header = row 1).
    """

    filename: str
    checksum: str  # sha256 of the file's bytes
    size_bytes: int
    format: str
    rows_read: int  # data rows (blank rows not counted)
    accepted: pd.DataFrame  # event columns + provenance, one row per accepted incident (duplicates included)
    rejected: pd.DataFrame  # row, source_record_id, reason
    out_of_scope: pd.DataFrame  # row, source_record_id, kind, reason
    duplicates: pd.DataFrame  # row, source_record_id, date, place, duplicate_of, curated_place, days_apart, km_apart
    missing_coordinates: pd.DataFrame  # row, source_record_id, place, reason (accepted rows drawn without a point)
    unmapped_regions: dict[str, int]  # region name as written -> accepted rows
    citation: str
    licence: str
    casualty_note: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    blank_rows: list[int] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def format_label(self) -> str:
        return FORMAT_LABELS[self.format]

    @property
    def n_accepted(self) -> int:
        return len(self.accepted)

    @property
    def n_rejected(self) -> int:
        return len(self.rejected)

    @property
    def n_out_of_scope(self) -> int:
        return len(self.out_of_scope)

    @property
    def n_duplicates(self) -> int:
        return len(self.duplicates)

    @property
    def n_missing_coordinates(self) -> int:
        return len(self.missing_coordinates)

    @property
    def out_of_scope_counts(self) -> dict[str, int]:
        if self.out_of_scope.empty:
            return {}
        return {str(k): int(v) for k, v in self.out_of_scope["kind"].value_counts(sort=False).items()}

    def rejected_csv(self) -> bytes:
        """The rejected rows with their reasons, as a CSV download."""
        from components.exports import to_csv_bytes

        return to_csv_bytes(self.rejected)

    def out_of_scope_csv(self) -> bytes:
        from components.exports import to_csv_bytes

        return to_csv_bytes(self.out_of_scope)

    def _scope_counts_text(self) -> str:
        counts = self.out_of_scope_counts
        return " (" + ", ".join(f"{k}: {v}" for k, v in counts.items()) + ")" if counts else ""

    def summary_lines(self) -> list[str]:
        read = (f", read as {self.encoding}" if self.encoding else "") + (
            f", {_DELIMITER_NAMES.get(self.delimiter, self.delimiter)}-separated" if self.delimiter else "") + (
            f", sheet '{self.sheet}'" if self.sheet else "")
        lines = [f"{self.filename}: {self.format_label}, {self.rows_read} data row(s){read}",
                 (f"{self.n_accepted} accepted ({self.n_duplicates} linked to curated incidents, "
                  f"{self.n_missing_coordinates} without a point on the map)"),
                 f"{self.n_rejected} rejected",
                 f"{self.n_out_of_scope} out of scope" + self._scope_counts_text()]
        if self.blank_rows:
            lines.append(f"{len(self.blank_rows)} blank row(s) skipped")
        if self.unmapped_regions:
            lines.append("Regions that do not map to a 2016 region: "
                         + ", ".join(f"'{k}' ({v})" for k, v in self.unmapped_regions.items()))
        lines.extend(self.notes)
        return lines


def _region_units(regions: pd.DataFrame | Iterable[str] | None) -> tuple[str, ...]:
    if regions is None:
        return regions_lookup.REGIONS_2016
    if isinstance(regions, pd.DataFrame):
        return tuple(regions["region"].dropna().astype(str))
    return tuple(regions)


@dataclass
class _Part:
    """The outcome of one chunk of rows."""

    accepted: pd.DataFrame
    rejected: pd.DataFrame
    out_of_scope: pd.DataFrame
    missing: pd.DataFrame
    unmapped: pd.Series
    rows: int
    blank: list[int]
    notes: list[str]


def _process(raw: pd.DataFrame, blank: list[int], fmt: str, units: tuple[str, ...]) -> _Part:
    """Map and check one chunk of rows. Rows the reader could not split into the header's fields are rejected with
    the reader's reason and not mapped (their values are in the wrong columns)."""
    raw, malformed = _split_malformed(raw, fmt)
    if raw.empty:
        part = _Part(empty_events(compact=True), pd.DataFrame(), pd.DataFrame(), pd.DataFrame(),
                     pd.Series(dtype="int64"), 0, blank, [])
    else:
        part = _process_rows(raw, blank, fmt, units)
    if len(malformed):
        frames = [f for f in (part.rejected, malformed) if len(f)]
        part.rejected = pd.concat(frames).sort_values("row", kind="stable")
        part.rows += len(malformed)
    return part


def _split_malformed(raw: pd.DataFrame, fmt: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the well-formed rows, the malformed ones as rejected rows: row, source_record_id, reason)."""
    if MALFORMED not in raw:
        return raw, pd.DataFrame()
    reason = raw.pop(MALFORMED)
    bad = (reason != "").to_numpy()
    if not bad.any():
        return raw, pd.DataFrame()
    ids = _col(raw, ID_COLUMNS[fmt])[bad]
    if fmt == FORMAT_GTD:
        ids = ids.str.replace(r"\.0+$", "", regex=True)
    rejected = pd.DataFrame({"row": pd.Series(raw.index[bad], dtype="Int64"), "source_record_id": _text(ids).to_numpy(),
                             "reason": reason[bad].astype("str").to_numpy()})
    return raw[~bad], rejected


def _scope(mapped: _Mapped) -> tuple[np.ndarray, pd.Series, pd.Series]:
    """(mask of rows out of scope, their kind, their reason). The first rule that takes a row gives its reason."""
    idx = mapped.frame.index
    oos_reason = pd.Series("", index=idx, dtype="str")
    oos_kind = pd.Series("", index=idx, dtype="str")
    taken = np.zeros(len(idx), dtype=bool)
    for mask, kind, reason in mapped.out_of_scope:
        mask = np.asarray(mask, dtype=bool) & ~taken
        if not mask.any():
            continue
        if callable(reason):
            reason = reason()
        oos_kind[mask] = kind
        oos_reason[mask] = reason[mask] if isinstance(reason, pd.Series) else reason
        taken |= mask
    return taken, oos_kind, oos_reason


OUTSIDE_KAZAKHSTAN = "the point lies outside Kazakhstan"
MAYBE_SWAPPED = " (latitude and longitude may be swapped)"


def _points(mapped: _Mapped) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """(latitude, longitude, reason why there is no point ("" where there is one), note for geo_note). A point that
    is not two numbers or lies outside Kazakhstan is not drawn (and never moved): the row keeps its other values."""
    idx = mapped.frame.index
    lat, lat_bad = _num(mapped.latitude)
    lon, lon_bad = _num(mapped.longitude)
    lat_blank = (mapped.latitude == "").to_numpy()
    lon_blank = (mapped.longitude == "").to_numpy()
    located = ~(lat.isna() | lon.isna()).to_numpy()
    outside = located & ~_in_kazakhstan(lat.to_numpy(), lon.to_numpy())
    swapped = outside & _in_kazakhstan(np.where(outside, lon.to_numpy(), np.nan),
                                       np.where(outside, lat.to_numpy(), np.nan))
    reason = pd.Series(np.select(
        [lat_blank & lon_blank, lat_blank | lon_blank, lat_bad | lon_bad, swapped, outside],
        ["no coordinates in the source", "only one of latitude and longitude is given",
         "the coordinates are not numbers", OUTSIDE_KAZAKHSTAN + MAYBE_SWAPPED, OUTSIDE_KAZAKHSTAN], ""),
        index=idx, dtype="str")
    no_point = (reason != "").to_numpy()
    given = no_point & ~(lat_blank & lon_blank)
    label, lat_text, lon_text = mapped.coord_label, mapped.latitude, mapped.longitude
    note = _join([
        _where(given, lambda: f"the {label} point (" + lat_text + ", " + lon_text + ") is not drawn: " + reason, idx),
        _where(lat_blank & lon_blank, "no coordinates in the source: not on the map", idx)])
    return lat.where(~no_point), lon.where(~no_point), reason, note


BORDER_TOLERANCE_DEG = 0.05  # about 5 km: the outline is simplified, and a border town's point may lie just beyond it


@cache
def _kazakhstan_outline():  # -> prepared shapely geometry | None
    """Kazakhstan's outline: the union of the data pack's region polygons, or None if they cannot be read (then
    only the bounding box schema.LAT_RANGE / LON_RANGE is checked)."""
    try:
        import shapely
        from shapely.geometry import shape

        path = DEFAULT_DATA_DIR / _metadata()["boundaries"]["file"]
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        outline = shapely.union_all([shape(f["geometry"]) for f in features])
        shapely.prepare(outline)
    except (ImportError, OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return outline


def _in_kazakhstan(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Which points (NaN = no point) lie in Kazakhstan: inside its bounding box and within BORDER_TOLERANCE_DEG of
    its outline. Points inside the outline are found at once; only the others are measured."""
    with np.errstate(invalid="ignore"):
        inside = ((lat >= schema.LAT_RANGE[0]) & (lat <= schema.LAT_RANGE[1]) & (lon >= schema.LON_RANGE[0])
                  & (lon <= schema.LON_RANGE[1]))
    outline = _kazakhstan_outline()
    if outline is None or not inside.any():
        return inside
    import shapely

    pos = np.flatnonzero(inside)
    hit = shapely.contains_xy(outline, lon[pos], lat[pos])
    if not hit.all():
        near = pos[~hit]
        hit[~hit] = shapely.dwithin(outline, shapely.points(lon[near], lat[near]), BORDER_TOLERANCE_DEG)
    inside[pos] = hit
    return inside


def _regions(mapped: _Mapped) -> tuple[np.ndarray, pd.Series]:
    """(mask of rows whose region name maps to no 2016 region, note for geo_note)."""
    idx, region_src = mapped.frame.index, mapped.region_source
    no_region = mapped.frame["region"].isna().to_numpy()
    unmapped = no_region & ~_map_unique(region_src, regions_lookup.is_unknown).astype(bool).to_numpy()
    note = _join([
        _where(unmapped, lambda: "region '" + region_src + "' in the source does not map to a 2016 region", idx),
        _where(no_region & ~unmapped, "the source gives no region", idx)])
    return unmapped, note


def _process_rows(raw: pd.DataFrame, blank: list[int], fmt: str, units: tuple[str, ...]) -> _Part:
    """Map one chunk of well-formed rows and sort them into accepted, rejected and out of scope."""
    mapped = _MAPPERS[fmt](raw, units)
    frame = mapped.frame
    idx = frame.index

    # Scope first: a row outside Kazakhstan is not checked further; a row with a valid date outside the period
    # neither. Rows whose date cannot be read are rejected (their scope is unknown).
    taken, oos_kind, oos_reason = _scope(mapped)
    rejected_mask = mapped.issues.mask() & ~taken

    # Coordinates: kept where usable; otherwise the row is kept without a point and listed.
    frame["latitude"], frame["longitude"], coord_reason, point_note = _points(mapped)
    no_point = (coord_reason != "").to_numpy()
    frame["coord_precision"] = _col(frame, "coord_precision").astype("str").where(~no_point)
    unmapped, region_note = _regions(mapped)
    frame["geo_note"] = _join([_col(frame, "geo_note").astype("str").fillna(""), region_note, point_note])

    accepted_mask = ~taken & ~rejected_mask
    frame["source_row"] = pd.Series(idx, index=idx, dtype="Int64")
    accepted = _typed(frame[accepted_mask], compact=True)

    reasons = mapped.issues.reasons()
    ids = frame["source_record_id"]
    rej_rows = idx[rejected_mask]
    rejected = pd.DataFrame({"row": pd.Series(rej_rows, dtype="Int64"),
                             "source_record_id": _text(ids[rejected_mask]).to_numpy(),
                             "reason": reasons.reindex(rej_rows).astype("str").to_numpy()})
    out_of_scope = pd.DataFrame({"row": pd.Series(idx[taken], dtype="Int64"),
                                 "source_record_id": _text(ids[taken]).to_numpy(),
                                 "kind": oos_kind[taken].astype("str").to_numpy(),
                                 "reason": oos_reason[taken].astype("str").to_numpy()})
    miss = accepted_mask & no_point
    missing = pd.DataFrame({"row": pd.Series(idx[miss], dtype="Int64"),
                            "source_record_id": _text(ids[miss]).to_numpy(),
                            "place": _text(frame["place"].astype("str")[miss]).to_numpy(),
                            "reason": coord_reason[miss].astype("str").to_numpy()})
    unmapped_counts = mapped.region_source[accepted_mask & unmapped].value_counts()
    n_rows, notes = len(frame), mapped.notes
    del mapped, frame
    _release_memory()
    return _Part(accepted, rejected, out_of_scope, missing, unmapped_counts, n_rows, blank, notes)


def _release_memory() -> None:
    """Hand memory freed by the chunked mapping back to the system: pyarrow keeps a pool, and glibc keeps freed
    blocks (best effort; nothing happens where either is missing)."""
    try:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except (ImportError, AttributeError):
        pass
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def prepare_import(data: bytes, filename: str, curated_events: pd.DataFrame | None = None,
                   regions: pd.DataFrame | Iterable[str] | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES,
                   citation: str | None = None, licence: str | None = None) -> ImportPreview:
    """Read, recognise, map and check a file; return what would be stored. Raises :class:`ImportFileError` (and
    changes nothing) when the file cannot be imported at all. The rows are mapped in chunks, so the memory needed
    is the file, the accepted rows and one chunk's working space."""
    # Long: the steps of one import in order (read, unite the chunks, repeated ids, duplicates, provenance).
    units = _region_units(regions)
    checksum = hashlib.sha256(data).hexdigest()
    src = open_source(data, filename, max_bytes)
    fmt = src.format
    try:
        parts: list[_Part] = src.consume(lambda frame, blank: _process(frame, blank, fmt, units))
    except ImportFileError as exc:
        exc.file = exc.file or filename
        exc.args = (str(exc),)
        raise

    def cat(frames: list[pd.DataFrame], empty: pd.DataFrame) -> pd.DataFrame:
        frames = [f for f in frames if len(f)]
        return pd.concat(frames) if frames else empty

    empty_issue = pd.DataFrame({"row": pd.Series(dtype="Int64"), "source_record_id": pd.Series(dtype="str"),
                                "reason": pd.Series(dtype="str")})
    accepted = _concat([p.accepted for p in parts], empty_events(compact=True))
    rejected = cat([p.rejected for p in parts], empty_issue).reset_index(drop=True)
    out_of_scope = cat([p.out_of_scope for p in parts], empty_issue.assign(kind=pd.Series(dtype="str"))[
        ["row", "source_record_id", "kind", "reason"]]).reset_index(drop=True)
    missing = cat([p.missing for p in parts], empty_issue.rename(columns={"reason": "place"}).assign(
        reason=pd.Series(dtype="str"))).reset_index(drop=True)
    unmapped_all = [p.unmapped for p in parts if len(p.unmapped)]
    unmapped_regions = ({str(k): int(v) for k, v in pd.concat(unmapped_all).groupby(level=0).sum()
                         .sort_values(ascending=False).items()} if unmapped_all else {})
    rows_read = sum(p.rows for p in parts)
    blank_rows = [r for p in parts for r in p.blank]
    notes = list(dict.fromkeys([*src.notes, *(n for p in parts for n in p.notes)]))
    del parts
    _release_memory()

    # One row per source id: a repeated id is rejected (the first one stands).
    ids = accepted["event_id"]
    repeated = ids.duplicated(keep="first").to_numpy() & ids.notna().to_numpy()
    if repeated.any():
        first = pd.Series(accepted.index[~repeated], index=ids[~repeated].to_numpy())
        extra = pd.DataFrame({
            "row": pd.Series(accepted.index[repeated], dtype="Int64"),
            "source_record_id": accepted["source_record_id"][repeated].to_numpy(),
            "reason": ("id: repeats the id of row " + ids[repeated].map(first).astype("Int64").astype("str"))
            .to_numpy()})
        rejected = pd.concat([rejected, extra]).sort_values("row").reset_index(drop=True)
        accepted = accepted[~repeated]
        missing = missing[~missing["row"].isin(extra["row"])].reset_index(drop=True)

    duplicates = _link_duplicates(accepted, curated_events)
    if not duplicates.empty:
        accepted.loc[duplicates["row"].to_numpy(), "duplicate_of"] = duplicates["duplicate_of"].to_numpy()
    accepted = accepted.reset_index(drop=True)

    if curated_events is None:
        notes.append("No curated incidents were given: duplicates were not looked for.")
    ignored = [c for c in src.columns if c and c not in src.want]
    if fmt == FORMAT_GTD:
        cit, lic, cas = GTD_CITATION, GTD_LICENCE, GTD_CASUALTY_NOTE
    elif fmt == FORMAT_ACLED:
        cit, lic, cas = ACLED_CITATION, ACLED_LICENCE, ACLED_CASUALTY_NOTE
    else:
        cit, lic, cas = f"Imported event table '{filename}'", EVENTS_LICENCE, None
    return ImportPreview(
        filename=filename, checksum=checksum, size_bytes=len(data), format=fmt, rows_read=rows_read,
        accepted=accepted, rejected=rejected, out_of_scope=out_of_scope, duplicates=duplicates,
        missing_coordinates=missing, unmapped_regions=unmapped_regions, citation=citation or cit,
        licence=licence or lic, casualty_note=cas, encoding=src.encoding, delimiter=src.delimiter, sheet=src.sheet,
        blank_rows=blank_rows, ignored_columns=ignored, notes=notes)


# ================================================================ duplicates of curated incidents


def _place_key(s: pd.Series) -> pd.Series:
    """First word of a place name, plain ASCII: 'Tan dacha settlement' -> 'tan'."""
    return _map_unique(s.fillna("").astype(str), lambda v: (regions_lookup.plain(v).split() or [""])[0]).astype("str")


def _link_duplicates(accepted: pd.DataFrame, curated: pd.DataFrame | None) -> pd.DataFrame:
    """Imported rows that are the same incident as a curated one: a row in the dashboard's own format that carries a
    curated incident's id is that incident (whatever its date precision); the others are linked by place and date
    (``_link_by_place``)."""
    by_place = _link_by_place(accepted, curated)
    if curated is None or curated.empty or accepted.empty or "event_id" not in curated:
        return by_place
    ids = curated.set_index("event_id")
    own = accepted[(accepted["source_format"].astype("str") == FORMAT_EVENTS).fillna(False)
                   & accepted["source_record_id"].astype("str").isin(ids.index)]
    if own.empty:
        return by_place
    rid = own["source_record_id"].astype("str")
    exact = pd.DataFrame({
        "row": pd.array(own.index, dtype="Int64"), "source_record_id": rid.to_numpy(),
        "date": own["date"].to_numpy(), "place": own["place"].astype("str").to_numpy(),
        "duplicate_of": rid.to_numpy(), "curated_place": ids.loc[rid, "place"].astype("str").to_numpy(),
        "days_apart": pd.array([0] * len(own), dtype="Int64"), "km_apart": [0.0] * len(own)})
    rest = by_place[~by_place["row"].isin(exact["row"])]
    return pd.concat([rest, exact], ignore_index=True).sort_values("row", kind="stable").reset_index(drop=True)


def _link_by_place(accepted: pd.DataFrame, curated: pd.DataFrame | None) -> pd.DataFrame:
    """Imported rows that are likely the same incident as a curated one: dated to the day, at most
    ``DUPLICATE_MAX_DAYS`` apart, and at the same place (points at most ``DUPLICATE_MAX_KM`` apart, or the same region
    and settlement name). The closest curated incident is linked."""
    cols = ["row", "source_record_id", "date", "place", "duplicate_of", "curated_place", "days_apart", "km_apart"]
    empty = pd.DataFrame({c: pd.Series(dtype="str") for c in cols})
    if curated is None or curated.empty or accepted.empty:
        return empty
    cur = curated
    if "date_precision" in cur:
        cur = cur[cur["date_precision"] == "day"]
    cur = cur[["event_id", "date", "place", "region", "latitude", "longitude"]].dropna(subset=["date"])
    if cur.empty:
        return empty
    cur_dates = pd.DatetimeIndex(cur["date"]).normalize()
    window = cur_dates.append([cur_dates + pd.Timedelta(days=k) for k in range(-DUPLICATE_MAX_DAYS,
                                                                               DUPLICATE_MAX_DAYS + 1) if k])
    cand = accepted[(accepted["date_precision"] == "day").fillna(False) & accepted["date"].isin(window)]
    if cand.empty:
        return empty
    left = cand[["source_record_id", "date", "place", "region", "latitude", "longitude"]].copy()
    for col in ("place", "region"):
        left[col] = left[col].astype("str")
    left["_pos"] = cand.index
    pairs = left.merge(cur.rename(columns=lambda c: c + "_cur"), how="cross")
    days = (pairs["date"] - pairs["date_cur"]).abs().dt.days
    lat1, lon1 = np.radians(pairs["latitude"]), np.radians(pairs["longitude"])
    lat2, lon2 = np.radians(pairs["latitude_cur"]), np.radians(pairs["longitude_cur"])
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    km = 2 * 6371.0 * np.arcsin(np.sqrt(a))
    same_name = (pairs["region"] == pairs["region_cur"]).fillna(False) & \
        (_place_key(pairs["place"]) == _place_key(pairs["place_cur"])) & (_place_key(pairs["place"]) != "")
    same_place = (km <= DUPLICATE_MAX_KM).fillna(False) | same_name
    pairs = pairs.assign(days_apart=days, km_apart=km.round(1))[(days <= DUPLICATE_MAX_DAYS) & same_place]
    if pairs.empty:
        return empty
    best = pairs.sort_values(["days_apart", "km_apart"], na_position="last").drop_duplicates("_pos")
    best = best.sort_values("_pos")
    return pd.DataFrame({
        "row": best["_pos"].astype("Int64").to_numpy(),  # spreadsheet row (the accepted frame's index before reset)
        "source_record_id": best["source_record_id"].astype("str").to_numpy(),
        "date": best["date"].to_numpy(),
        "place": best["place"].astype("str").to_numpy(),
        "duplicate_of": best["event_id_cur"].astype("str").to_numpy(),
        "curated_place": best["place_cur"].astype("str").to_numpy(),
        "days_apart": best["days_apart"].astype("Int64").to_numpy(),
        "km_apart": best["km_apart"].astype("float64").to_numpy(),
    })
