"""The preview of an import (:func:`prepare_import` -> :class:`ImportPreview`): read the file, map it chunk by
chunk with its format's mapping, sort every data row into exactly one of accepted, rejected (with its reason) or
out of scope (with its reason), and link duplicates of curated incidents. Nothing is stored; ``Store.add`` stores
a preview.

Principles: nothing is imputed (a row without coordinates is kept and listed; an unknown count stays blank); what a
source says about its own precision and doubt is kept beside the values; a file that cannot be read at all raises
:class:`~components.imports.source.ImportFileError`; no data row is ever silently dropped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from components.i18n import DEFAULT, ENGLISH, N_, Msg, Translator
from components.imports import formats, geo
from components.imports import regions as regions_lookup
from components.imports.columns import FORMAT_LABELS, as_text, concat_compact, empty_events, typed
from components.imports.duplicates import link_duplicates
from components.imports.messages import Reasons, RowMsg, shown_column
from components.imports.read import DEFAULT_MAX_BYTES, open_source
from components.imports.rows import Mapped, col, join
from components.imports.source import MALFORMED, ImportFileError

# The columns (and dtypes) of the lists of rows left out, and of accepted rows drawn without a point.
REJECTED_COLUMNS = {"row": "Int64", "source_record_id": "str", "reason": "str"}
OUT_OF_SCOPE_COLUMNS = {"row": "Int64", "source_record_id": "str", "kind": "str", "reason": "str"}
MISSING_COLUMNS = {"row": "Int64", "source_record_id": "str", "place": "str", "reason": "str"}


@dataclass
class ImportPreview:
    """What an import would store, and everything left out with its reason. Nothing has been stored yet.

    ``accepted`` has the curated event columns then PROVENANCE_COLUMNS; its PREVIEW_COMPACT_COLUMNS are categoricals
    (values compare as text) - ``Store.events()`` returns exactly the curated dtypes. Linked duplicates of curated
    incidents are included, with ``duplicate_of`` set. Row numbers are the file's spreadsheet rows (header = row 1).

    The frames' reasons and notes are in English (what the store keeps); ``rejected_reasons`` and
    ``out_of_scope_reasons`` keep them as templates with the rows' values, so the ``*_shown(t)`` frames give them in
    ``t``'s language. The notes are ``Msg``s (``note.shown(t)``).
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
    notes: list[Msg] = field(default_factory=list)
    rejected_reasons: Reasons = field(default_factory=Reasons, repr=False)  # the rejected rows' reasons, by rule
    out_of_scope_reasons: Reasons = field(default_factory=Reasons, repr=False)

    @property
    def format_label(self) -> str:
        """The format's name in English (marked for the catalogue: ``t(preview.format_label)``)."""
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
        """Kind of out-of-scope rule -> rows it took, in the order the kinds first occur."""
        if self.out_of_scope.empty:
            return {}
        return {str(k): int(v) for k, v in self.out_of_scope["kind"].value_counts(sort=False).items()}

    def rejected_shown(self, t: Translator = ENGLISH, limit: int | None = None) -> pd.DataFrame:
        """The rejected rows (the first ``limit``) with their reasons in ``t``'s language."""
        df = self.rejected if limit is None else self.rejected.head(limit)
        return df if t.lang == DEFAULT else _with_reasons(df, self.rejected_reasons, t)

    def out_of_scope_shown(self, t: Translator = ENGLISH, limit: int | None = None) -> pd.DataFrame:
        """The rows out of scope (the first ``limit``) with their kind and reason in ``t``'s language."""
        df = self.out_of_scope if limit is None else self.out_of_scope.head(limit)
        if t.lang == DEFAULT:
            return df
        df = _with_reasons(df, self.out_of_scope_reasons, t)
        df["kind"] = shown_column(df["kind"], t)
        return df

    def missing_coordinates_shown(self, t: Translator = ENGLISH, limit: int | None = None) -> pd.DataFrame:
        """The accepted rows without a point (the first ``limit``), the reason in ``t``'s language (a few
        constants, ``geo.NO_POINT_REASONS``)."""
        df = self.missing_coordinates if limit is None else self.missing_coordinates.head(limit)
        if t.lang == DEFAULT:
            return df
        return df.assign(reason=shown_column(df["reason"], t))

    def rejected_csv(self, t: Translator = ENGLISH) -> bytes:
        """The rejected rows with their reasons (in ``t``'s language), as a CSV download."""
        from components.exports import to_csv_bytes

        return to_csv_bytes(self.rejected_shown(t))


def _with_reasons(df: pd.DataFrame, reasons: Reasons, t: Translator) -> pd.DataFrame:
    """``df`` (rows with a 'row' and an English 'reason') with the reasons of its rows rendered in ``t``'s language
    (only these rows' are rendered); a row without a kept reason keeps its English one."""
    rows = df["row"].to_numpy(dtype="int64")
    shown = reasons.subset(rows).render(t).reindex(rows)
    out = df.copy()
    out["reason"] = shown.where(shown.notna(), df["reason"].to_numpy()).astype("str").to_numpy()
    return out


def prepare_import(data: bytes, filename: str, curated_events: pd.DataFrame | None = None,
                   regions: pd.DataFrame | Iterable[str] | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES,
                   citation: str | None = None, licence: str | None = None) -> ImportPreview:
    """Read, recognise, map and check a file; return what would be stored. Raises :class:`ImportFileError` (and
    changes nothing) when the file cannot be imported at all. The rows are mapped in chunks, so the memory needed
    is the file, the accepted rows and one chunk's working space."""
    units = _region_units(regions)
    src = open_source(data, filename, max_bytes)
    try:
        parts: list[_Part] = src.consume(lambda frame, blank: _process(frame, blank, src.format, units))
    except ImportFileError as exc:
        exc.set_file(filename)
        raise
    total = _combine(parts)
    del parts
    _release_memory()
    accepted, rejected, missing = _reject_repeated_ids(total.accepted, total.rejected, total.missing,
                                                       total.rejected_reasons)
    duplicates = link_duplicates(accepted, curated_events)
    if not duplicates.empty:
        accepted.loc[duplicates["row"].to_numpy(), "duplicate_of"] = duplicates["duplicate_of"].to_numpy()
    notes = list(dict.fromkeys([*src.notes, *total.notes]))
    if curated_events is None:
        notes.append(Msg("No curated incidents were given: duplicates were not looked for."))
    cit, lic, cas = formats.provenance(src.format, filename)
    return ImportPreview(
        filename=filename, checksum=hashlib.sha256(data).hexdigest(), size_bytes=len(data), format=src.format,
        rows_read=total.rows, accepted=accepted.reset_index(drop=True), rejected=rejected,
        out_of_scope=total.out_of_scope, duplicates=duplicates, missing_coordinates=missing,
        unmapped_regions={str(k): int(v) for k, v in total.unmapped.items()}, citation=citation or cit,
        licence=licence or lic, casualty_note=cas, encoding=src.encoding, delimiter=src.delimiter, sheet=src.sheet,
        blank_rows=total.blank, ignored_columns=[c for c in src.columns if c and c not in src.want], notes=notes,
        rejected_reasons=total.rejected_reasons, out_of_scope_reasons=total.out_of_scope_reasons)


def _region_units(regions: pd.DataFrame | Iterable[str] | None) -> tuple[str, ...]:
    if regions is None:
        return regions_lookup.REGIONS_2016
    if isinstance(regions, pd.DataFrame):
        return tuple(regions["region"].dropna().astype(str))
    return tuple(regions)


@dataclass
class _Part:
    """The outcome of one chunk of rows (or, from _combine, of all of them)."""

    accepted: pd.DataFrame
    rejected: pd.DataFrame
    out_of_scope: pd.DataFrame
    missing: pd.DataFrame
    unmapped: pd.Series  # region name as written -> accepted rows
    rows: int
    blank: list[int]
    notes: list[Msg]
    rejected_reasons: Reasons = field(default_factory=Reasons)
    out_of_scope_reasons: Reasons = field(default_factory=Reasons)


def _empty(columns: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in columns.items()})


def _combine(parts: list[_Part]) -> _Part:
    """The chunks' outcomes as one, in file order (notes not yet deduplicated; unmapped regions by count,
    largest first)."""
    def cat(frames: list[pd.DataFrame], empty: pd.DataFrame) -> pd.DataFrame:
        frames = [f for f in frames if len(f)]
        return (pd.concat(frames) if frames else empty).reset_index(drop=True)

    unmapped = [p.unmapped for p in parts if len(p.unmapped)]
    return _Part(
        accepted=concat_compact([p.accepted for p in parts], empty_events(compact=True)),
        rejected=cat([p.rejected for p in parts], _empty(REJECTED_COLUMNS)),
        out_of_scope=cat([p.out_of_scope for p in parts], _empty(OUT_OF_SCOPE_COLUMNS)),
        missing=cat([p.missing for p in parts], _empty(MISSING_COLUMNS)),
        unmapped=(pd.concat(unmapped).groupby(level=0).sum().sort_values(ascending=False) if unmapped
                  else pd.Series(dtype="int64")),
        rows=sum(p.rows for p in parts), blank=[r for p in parts for r in p.blank],
        notes=[n for p in parts for n in p.notes],
        rejected_reasons=Reasons.combine(p.rejected_reasons for p in parts),
        out_of_scope_reasons=Reasons.combine(p.out_of_scope_reasons for p in parts))


def _reject_repeated_ids(accepted: pd.DataFrame, rejected: pd.DataFrame, missing: pd.DataFrame,
                         reasons: Reasons) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """One row per source id: a repeated id is rejected (the first one stands, its row added to ``reasons``) and
    leaves the accepted rows and the list of rows without coordinates."""
    ids = accepted["event_id"]
    repeated = ids.duplicated(keep="first").to_numpy() & ids.notna().to_numpy()
    if not repeated.any():
        return accepted, rejected, missing
    first = pd.Series(accepted.index[~repeated], index=ids[~repeated].to_numpy())
    rows = accepted.index[repeated].to_numpy()
    found = Reasons()
    found.add(rows, "id", RowMsg(N_("repeats the id of row {row}"), row=ids[repeated].map(first).astype("Int64")))
    reasons.extend(found)
    extra = pd.DataFrame({
        "row": pd.Series(rows, dtype="Int64"),
        "source_record_id": accepted["source_record_id"][repeated].to_numpy(),
        "reason": found.render().reindex(rows).to_numpy()})
    rejected = pd.concat([rejected, extra]).sort_values("row").reset_index(drop=True)
    missing = missing[~missing["row"].isin(extra["row"])].reset_index(drop=True)
    return accepted[~repeated], rejected, missing


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
        msgs = malformed.pop("msg")
        frames = [f for f in (part.rejected, malformed) if len(f)]
        part.rejected = pd.concat(frames).sort_values("row", kind="stable")
        part.rejected_reasons.add_each(malformed["row"].to_numpy(dtype="int64"), msgs.to_numpy(dtype=object))
        part.rows += len(malformed)
    return part


def _split_malformed(raw: pd.DataFrame, fmt: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the well-formed rows, the malformed ones as rejected rows: row, source_record_id, reason, and the reason's
    Msg, for the page's language)."""
    if MALFORMED not in raw:
        return raw, pd.DataFrame()
    reason = raw.pop(MALFORMED)
    bad = (reason != "").to_numpy()
    if not bad.any():
        return raw, pd.DataFrame()
    ids = formats.record_ids(fmt, raw)[bad]
    rejected = pd.DataFrame({"row": pd.Series(raw.index[bad], dtype="Int64"),
                             "source_record_id": as_text(ids).to_numpy(),
                             "reason": reason[bad].astype("str").to_numpy(),
                             "msg": pd.Series(reason[bad].to_numpy(dtype=object), dtype=object)})
    return raw[~bad], rejected


def _scope(mapped: Mapped) -> tuple[np.ndarray, pd.Series, Reasons]:
    """(mask of rows out of scope, their kind, their reasons). The first rule that takes a row gives its reason."""
    idx = mapped.frame.index
    oos_kind = pd.Series("", index=idx, dtype="str")
    found = Reasons()
    taken = np.zeros(len(idx), dtype=bool)
    for mask, kind, reason in mapped.out_of_scope:
        mask = np.asarray(mask, dtype=bool) & ~taken
        if not mask.any():
            continue
        oos_kind[mask] = kind
        found.add(idx[mask].to_numpy(), None, reason, mask)
        taken |= mask
    return taken, oos_kind, found


def _process_rows(raw: pd.DataFrame, blank: list[int], fmt: str, units: tuple[str, ...]) -> _Part:
    """Map one chunk of well-formed rows and sort them into accepted, rejected and out of scope."""
    mapped = formats.MAPPERS[fmt](raw, units)
    frame = mapped.frame
    idx = frame.index

    # Scope first: a row outside Kazakhstan is not checked further; a row with a valid date outside the period
    # neither. Rows whose date cannot be read are rejected (their scope is unknown).
    taken, oos_kind, oos_reasons = _scope(mapped)
    rejected_mask = mapped.issues.mask() & ~taken

    # Coordinates: kept where usable; otherwise the row is kept without a point and listed.
    frame["latitude"], frame["longitude"], coord_reason, point_note = geo.points(mapped)
    no_point = (coord_reason != "").to_numpy()
    frame["coord_precision"] = col(frame, "coord_precision").astype("str").where(~no_point)
    unmapped, region_note = geo.unmapped_regions(mapped)
    frame["geo_note"] = join([col(frame, "geo_note").astype("str").fillna(""), region_note, point_note])

    accepted_mask = ~taken & ~rejected_mask
    frame["source_row"] = pd.Series(idx, index=idx, dtype="Int64")
    ids = frame["source_record_id"]
    rej_rows = idx[rejected_mask]
    rej_reasons = mapped.issues.found.subset(rej_rows.to_numpy())
    rejected = pd.DataFrame({"row": pd.Series(rej_rows, dtype="Int64"),
                             "source_record_id": as_text(ids[rejected_mask]).to_numpy(),
                             "reason": rej_reasons.render().reindex(rej_rows).astype("str").to_numpy()})
    out_of_scope = pd.DataFrame({"row": pd.Series(idx[taken], dtype="Int64"),
                                 "source_record_id": as_text(ids[taken]).to_numpy(),
                                 "kind": oos_kind[taken].astype("str").to_numpy(),
                                 "reason": oos_reasons.render().reindex(idx[taken]).astype("str").to_numpy()})
    miss = accepted_mask & no_point
    missing = pd.DataFrame({"row": pd.Series(idx[miss], dtype="Int64"),
                            "source_record_id": as_text(ids[miss]).to_numpy(),
                            "place": as_text(frame["place"].astype("str")[miss]).to_numpy(),
                            "reason": coord_reason[miss].astype("str").to_numpy()})
    part = _Part(typed(frame[accepted_mask], compact=True), rejected, out_of_scope, missing,
                 mapped.region_source[accepted_mask & unmapped].value_counts(), len(frame), blank, mapped.notes,
                 rej_reasons, oos_reasons)
    del mapped, frame
    _release_memory()
    return part


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
