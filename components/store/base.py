"""What every store of imported datasets shares: the errors, the shape of what a store hands back (the datasets
listing, the events frame with the curated dtypes, the rows left out), fingerprints and categories, and
:class:`BaseStore`, the interface with the logic that does not depend on the database. The databases themselves
are in ``duckdb_store`` (an embedded file, one server process) and ``postgres_store`` (a shared server).

A store's contract, which both implementations keep and the tests check on both:

- ``add`` writes a dataset's record, its events and its rows left out in one transaction: all of it or, if the
  process dies or anything fails, nothing. Two adds at once both succeed with different ids (or one waits for the
  other); the same file stored twice at once gives one dataset and one :class:`DuplicateDatasetError`.
- A dataset that no longer exists (deleted, perhaps by another session) is left out of ``datasets()``, ``state()``
  and ``events()``; asking for it by id (``dataset``, ``row_issues``, ``set_enabled``, ``rename``, ``delete``)
  raises :class:`DatasetGone`. Of two deletes of one dataset at once, one deletes and the other gets ``DatasetGone``.
- Every error a user may see carries a :class:`components.i18n.Msg` (``err.message``; ``err.shown(t)``).
- Every write that changes something (``add``, ``set_enabled``, ``rename``, ``delete``) writes one row of the
  change log, ``changes``, in its own transaction: a change rolled back leaves no row, a committed one always has
  one, and a write that changes nothing (switching on a dataset that is on) writes none.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from components.i18n import N_, Msg, Translator, shown
from components.imports.columns import FORMAT_LABELS, PROVENANCE_COLUMNS, empty_events, event_columns

if TYPE_CHECKING:
    import pyarrow as pa

    from components.imports.preview import ImportPreview

VAR_DIR_ENV = "KZ_VAR_DIR"
DEFAULT_VAR_DIR = Path(__file__).resolve().parents[2] / "var"
STORE_COLUMNS = ("dataset_id", "dataset_name")  # added to the imported columns by events()

DATASET_COLUMNS = ("dataset_id", "name", "filename", "checksum", "format", "imported_at", "size_bytes", "rows_read",
                   "rows_accepted", "rows_rejected", "rows_out_of_scope", "rows_duplicates",
                   "rows_missing_coordinates", "enabled", "citation", "licence", "casualty_note", "encoding",
                   "unmapped_regions", "out_of_scope_counts", "notes")
_COUNT_COLUMNS = ("size_bytes", "rows_read", "rows_accepted", "rows_rejected", "rows_out_of_scope",
                  "rows_duplicates", "rows_missing_coordinates")
_JSON_COLUMNS = ("unmapped_regions", "out_of_scope_counts", "notes")
ISSUE_COLUMNS = ("status", "row", "source_record_id", "kind", "reason")

# The change log: what was done to which dataset, by whom, when. Actions are stored as these English identifiers
# (a log written in one language is read in all three); the page shows them with ``t(action)``.
ACTION_IMPORT = N_("import")
ACTION_SWITCH_ON = N_("switch on")
ACTION_SWITCH_OFF = N_("switch off")
ACTION_RENAME = N_("rename")
ACTION_DELETE = N_("delete")
ACTIONS = (ACTION_IMPORT, ACTION_SWITCH_ON, ACTION_SWITCH_OFF, ACTION_RENAME, ACTION_DELETE)
CHANGE_COLUMNS = ("change_id", "at", "actor", "action", "dataset_id", "dataset_name", "detail")
# As stored: the detail's English, and beside it the message it was built from (JSON), so the page can show it in
# any language. change_id comes from the database.
CHANGE_STORED_COLUMNS = (*CHANGE_COLUMNS[1:], "detail_msg")

# Text columns of events with few distinct values (notes repeated on every row of a dataset, categories, places):
# the views hold imported events with these as categoricals. At a million rows they are about 650 MB as strings and
# a few MB as categoricals. Free text unique to each row (ids, summaries, citations) stays text.
COMPACT_COLUMNS = ("date_precision", "date_note", "place", "region", "coord_precision", "coord_source", "event_type",
                   "attack_type", "attack_description", "target_type", "perpetrator_group", "perpetrator",
                   "classification", "classification_note", "source_ids", "disagreements", "geo_note", "dataset_name",
                   "source_format", "precision_note", "doubt_note", "casualty_note", "duplicate_of")

Progress = Callable[[str], None]


# ------------------------------------------------------------------ errors

class StoreError(RuntimeError):
    """The store cannot be opened, read or written; nothing was changed. ``message`` is a ``Msg`` (``str(err)``
    is English, ``err.shown(t)`` the same in ``t``'s language)."""

    def __init__(self, message: Msg | str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)

    def shown(self, t: Translator) -> str:
        return shown(self.message, t)


class StoreUnavailable(StoreError):
    """The store's server (or disk) cannot be reached at the moment: nothing was read or changed, nothing is lost.
    Pages say so in general words (the message, which names the server and its error, goes to the log only) and
    try again on the next rerun."""


class DuplicateDatasetError(StoreError):
    """The same file (same sha256) is already stored, as ``dataset_id``."""

    def __init__(self, message: Msg | str, dataset_id: int | None = None) -> None:
        super().__init__(message)
        self.dataset_id = dataset_id

    def __reduce__(self):  # pickled across processes with its id
        return type(self), (self.message, self.dataset_id)


class DatasetGone(StoreError, KeyError):
    """The dataset asked for is not in the store (any more): deleted, perhaps by another session. A ``KeyError``
    too, as an unknown id always was."""

    def __init__(self, dataset_id: int, message: Msg | str | None = None) -> None:
        self.dataset_id = int(dataset_id)
        super().__init__(message or Msg("Dataset {id} is no longer in the import store: it has been deleted, perhaps "
                                        "in another window or by another user.", id=self.dataset_id))

    def __reduce__(self):
        return type(self), (self.dataset_id, self.message)


def duplicate_error(dataset_id: int, name: str, imported_at) -> DuplicateDatasetError:
    """The refusal of a file that is stored already as ``dataset_id``."""
    when = pd.Timestamp(imported_at).strftime("%Y-%m-%d %H:%M")
    return DuplicateDatasetError(Msg(
        "this file was already imported as dataset {id} '{name}' on {when} UTC (same sha256 checksum); delete that "
        "dataset first to import it again", id=int(dataset_id), name=name, when=when), int(dataset_id))


def not_stored(reason: object) -> StoreError:
    """A write that failed in the database: the transaction was rolled back."""
    return StoreError(Msg("the dataset could not be stored ({reason}); nothing was stored", reason=str(reason)))


# ------------------------------------------------------------------ shared helpers

def default_var_dir() -> Path:
    return Path(os.environ.get(VAR_DIR_ENV) or DEFAULT_VAR_DIR)


def utc_now() -> datetime:
    """Now in UTC, without a time zone: how both databases store the times of imports and changes."""
    return datetime.now(UTC).replace(tzinfo=None)


def event_sql_columns() -> list[tuple[str, str]]:
    """Every stored event column with its kind: 'integer', 'number', 'date' or 'text' (each database names its
    own types for these)."""
    kinds = {"integer": "integer", "number": "number", "date": "date"}
    cols = [(name, kinds.get(spec["type"], "text")) for name, spec in event_columns().items()]
    cols += [(name, "integer" if name == "source_row" else "text") for name in PROVENANCE_COLUMNS]
    return cols


def fingerprint(dataset) -> str:
    """A short digest of what the views show of a dataset (a row of ``Store.datasets()``): its file, name and time
    of import."""
    return hashlib.sha256(f"{dataset.checksum}\n{dataset.name}\n{dataset.imported_at}".encode()).hexdigest()[:16]


def writes(method):
    """Mark a Store method as a write: whatever it does, cached reads of this handle are stale afterwards."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        finally:
            self._writes += 1
    return wrapper


def row_issues_frame(preview: ImportPreview) -> pd.DataFrame:
    """The preview's rejected and out-of-scope rows as one table: status, row, source_record_id, kind, reason."""
    issues = pd.concat([
        preview.rejected.assign(status="rejected", kind=pd.NA)[list(ISSUE_COLUMNS)],
        preview.out_of_scope.assign(status="out of scope")[list(ISSUE_COLUMNS)],
    ], ignore_index=True)
    return issues_dtypes(issues)


def issues_dtypes(issues: pd.DataFrame) -> pd.DataFrame:
    for col in ("status", "source_record_id", "kind", "reason"):
        issues[col] = issues[col].astype("str")
    issues["row"] = issues["row"].astype("Int64")
    return issues


def dataset_record(name: str, preview: ImportPreview, enabled: bool, imported_at) -> dict:
    """The dataset's record, as stored: its file, counts, citation and licence, and what the preview noted (JSON).
    Counts as Python ints: database drivers need not know numpy's."""
    def count(value) -> int | None:
        return None if value is None else int(value)

    return {"name": name, "filename": preview.filename, "checksum": preview.checksum, "format": preview.format,
            "imported_at": imported_at, "size_bytes": count(preview.size_bytes), "rows_read": count(preview.rows_read),
            "rows_accepted": count(preview.n_accepted), "rows_rejected": count(preview.n_rejected),
            "rows_out_of_scope": count(preview.n_out_of_scope), "rows_duplicates": count(preview.n_duplicates),
            "rows_missing_coordinates": count(preview.n_missing_coordinates), "enabled": bool(enabled),
            "citation": preview.citation, "licence": preview.licence, "casualty_note": preview.casualty_note,
            "encoding": preview.encoding, "unmapped_regions": json.dumps(preview.unmapped_regions),
            "out_of_scope_counts": json.dumps(preview.out_of_scope_counts), "notes": json.dumps(preview.notes)}


def listing_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The datasets table as every store hands it out: JSON decoded, the format's label added, one dtype per
    column whatever the database (ids int64, counts int64 or Int64 when one is blank, text 'str')."""
    df = df.reset_index(drop=True)
    df["dataset_id"] = df["dataset_id"].astype("int64")
    for col in _COUNT_COLUMNS:
        df[col] = df[col].astype("int64" if df[col].notna().all() else "Int64")
    for col in ("name", "filename", "checksum", "format", "citation", "licence", "casualty_note", "encoding"):
        df[col] = df[col].astype("str")
    df["imported_at"] = df["imported_at"].astype("datetime64[us]")
    df["enabled"] = df["enabled"].astype(bool)
    for col in _JSON_COLUMNS:
        df[col] = df[col].map(lambda v: json.loads(v) if isinstance(v, str) else None).astype(object)
    df["format_label"] = df["format"].map(FORMAT_LABELS)
    return df


# ------------------------------------------------------------------ the change log

def _actor(actor: str | None) -> str | None:
    """Who made a change: the signed-in user's address, or None for the workstation's one user (a blank is that)."""
    return (str(actor).strip() or None) if actor is not None else None


def _msg_json(message: Msg) -> str:
    return json.dumps({"template": message.template, "plural": message.plural, "count": message.count,
                       "params": {k: str(v) for k, v in message.params.items()}}, ensure_ascii=False)


def _msg_from_json(text: object, english: object) -> Msg | str | None:
    """The stored detail as the message it was built from; its English if that cannot be rebuilt (a row written
    by hand, say), None if there is none."""
    if isinstance(text, str):
        try:
            spec = json.loads(text)
            params = dict(spec["params"])
            if spec["plural"] is not None:
                params.pop("n", None)  # Msg.n writes the count in again, digits grouped
                return Msg.n(spec["template"], spec["plural"], int(spec["count"]), **params)
            return Msg(spec["template"], **params)
        except (ValueError, KeyError, TypeError, IndexError):
            pass
    return english if isinstance(english, str) else None


def change_record(action: str, dataset_id: int, dataset_name: str, detail: Msg | None, actor: str | None,
                  at: datetime | None = None) -> dict:
    """One row of the change log, as stored (``CHANGE_STORED_COLUMNS``)."""
    return {"at": at or utc_now(), "actor": _actor(actor), "action": action, "dataset_id": int(dataset_id),
            "dataset_name": dataset_name, "detail": None if detail is None else str(detail),
            "detail_msg": None if detail is None else _msg_json(detail)}


def import_change(dataset_id: int, name: str, preview: ImportPreview, actor: str | None, at: datetime) -> dict:
    """The log row of an import: its file and the rows stored, at the dataset's time of import."""
    detail = Msg.n("file {file}: {n} row stored", "file {file}: {n} rows stored", int(preview.n_accepted or 0),
                   file=preview.filename)
    return change_record(ACTION_IMPORT, dataset_id, name, detail, actor, at)


def update_change(dataset_id: int, name: str, enabled: bool, column: str, value: object,
                  actor: str | None) -> dict | None:
    """The log row of setting ``column`` to ``value`` in a dataset now named ``name`` and switched ``enabled``;
    None if that changes nothing (then nothing is written, nor logged)."""
    if column == "enabled":
        if bool(value) == bool(enabled):
            return None
        return change_record(ACTION_SWITCH_ON if value else ACTION_SWITCH_OFF, dataset_id, name, None, actor)
    if column == "name":
        if value == name:
            return None
        return change_record(ACTION_RENAME, dataset_id, str(value), Msg("'{old}' → '{new}'", old=name, new=value),
                             actor)
    raise ValueError(f"not a column a change is logged for: {column}")


def delete_change(dataset_id: int, name: str, filename: str, rows: int | None, actor: str | None) -> dict:
    """The log row of a delete, keeping the name and file of the dataset that is gone."""
    detail = (Msg("file {file}", file=filename) if rows is None or pd.isna(rows) else
              Msg.n("file {file}: {n} row removed", "file {file}: {n} rows removed", int(rows), file=filename))
    return change_record(ACTION_DELETE, dataset_id, name, detail, actor)


def changes_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The change log as every store hands it out (``CHANGE_COLUMNS``): change_id and dataset_id int64, at
    datetime64[us] (UTC), actor, action and dataset_name 'str' (actor NaN for the workstation's user), detail an
    object column of :class:`Msg` (English as text, ``shown(detail, t)`` in a language) or None."""
    df = df.reset_index(drop=True)
    return pd.DataFrame({
        "change_id": df["change_id"].astype("int64"),
        "at": df["at"].astype("datetime64[us]"),
        "actor": df["actor"].astype("str"),
        "action": df["action"].astype("str"),
        "dataset_id": df["dataset_id"].astype("int64"),
        "dataset_name": df["dataset_name"].astype("str"),
        "detail": pd.Series([_msg_from_json(m, d) for m, d in zip(df["detail_msg"], df["detail"], strict=True)],
                            dtype=object, index=df.index),
    })


def _arrow_dtypes() -> dict:
    """Arrow -> pandas dtypes for events(): text as the curated 'str' dtype, integers as nullable Int64."""
    import numpy as np
    import pyarrow as pa

    text = pd.StringDtype("pyarrow", na_value=np.nan)
    return {pa.string(): text, pa.large_string(): text, pa.int64(): pd.Int64Dtype(), pa.int32(): pd.Int64Dtype()}


def _text_categories(values) -> pd.Index:
    return pd.Index(sorted({str(v) for v in values if isinstance(v, str)}), dtype=object)


def categorical_text(series: pd.Series) -> pd.Series:
    """A text column as a categorical whose categories are its distinct values in sorted order (so that sorting by
    it sorts by the text, as for the ``str`` column)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        cats = _text_categories(series.cat.categories)
        if list(series.cat.categories) == list(cats):
            return series
        return series.cat.set_categories(cats)
    return series.astype(pd.CategoricalDtype(_text_categories(series.dropna().unique())))


def unify_categories(frames: list[pd.DataFrame], columns: Collection[str]) -> list[pd.DataFrame]:
    """The frames with each of ``columns`` as a categorical of the same sorted categories (the union of the frames'
    values), so that ``pd.concat`` keeps them categorical instead of falling back to text."""
    out = [f.copy(deep=False) for f in frames]
    for col in columns:
        if not all(col in f for f in out):
            continue
        values: set[str] = set()
        for f in out:
            s = f[col]
            values |= set(s.cat.categories if isinstance(s.dtype, pd.CategoricalDtype) else s.dropna().unique())
        dtype = pd.CategoricalDtype(_text_categories(values))
        for f in out:
            f[col] = f[col].astype(dtype) if not isinstance(f[col].dtype, pd.CategoricalDtype) \
                else f[col].cat.set_categories(dtype.categories)
    return out


def combine_events(curated: pd.DataFrame, imported: pd.DataFrame, *, consume: bool = False) -> pd.DataFrame:
    """Curated incidents followed by imported ones that are not linked duplicates of a curated incident (a row with
    ``duplicate_of`` set is the same incident and is not counted twice). Curated rows get ``source_format`` 'curated'
    and blank provenance; the columns and dtypes of both are kept (a categorical column of ``imported`` stays
    categorical, its categories joined with the curated values).

    Built column by column. With ``consume=True`` each column of ``imported`` is deleted from it once copied, so a
    million rows are never held twice (the caller must not use ``imported`` afterwards: it ends with no columns)."""
    keep = imported["duplicate_of"].isna().to_numpy(bool) if "duplicate_of" in imported else None
    if keep is not None and keep.all():
        keep = None
    cur = curated.copy()
    for col in imported.columns:
        if col not in cur:
            cur[col] = pd.Series(pd.NA, index=cur.index).astype(imported[col].dtype)
    cur["source_format"] = "curated"
    columns: dict[str, pd.Series] = {}
    for col in list(imported.columns):
        part = imported[col].reset_index(drop=True)
        if keep is not None:
            part = part[keep]
        head = cur[col].reset_index(drop=True)
        if isinstance(part.dtype, pd.CategoricalDtype):  # the same categories on both sides: stays categorical
            head, part = (f[col] for f in unify_categories([head.to_frame(col), part.to_frame(col)], [col]))
        combined = pd.concat([head, part], ignore_index=True)
        if combined.dtype != part.dtype:
            combined = combined.astype(part.dtype)
        columns[col] = combined
        del part, head
        if consume:
            del imported[col]
    return pd.DataFrame(columns, copy=False)


@functools.cache
def _event_dtypes() -> tuple[tuple[str, ...], dict]:
    """The columns of stored events in order, and their dtypes (built once: an empty typed frame costs 0.1 s)."""
    expected = empty_events().dtypes
    order = (*event_columns(), *STORE_COLUMNS, *PROVENANCE_COLUMNS)
    return order, {**expected.to_dict(), "dataset_id": pd.Int64Dtype(), "dataset_name": expected["event_id"]}


def shape_events(df: pd.DataFrame, categorical: Collection[str] = ()) -> pd.DataFrame:
    """Curated event columns, then dataset_id and dataset_name, then provenance; dtypes as the curated table
    (converted only where they differ, so the million-row case is not copied), except the ``categorical``
    columns, which are categoricals of sorted text categories."""
    order, dtypes = _event_dtypes()
    out = df[list(order)]
    for col in order:
        if col in categorical:
            out[col] = categorical_text(out[col])
        elif out[col].dtype != dtypes[col]:
            out[col] = out[col].astype(dtypes[col])
    return out.reset_index(drop=True)


def empty_store_events(categorical: Collection[str] = ()) -> pd.DataFrame:
    order, dtypes = _event_dtypes()
    empty = pd.DataFrame({col: pd.Series(dtype=dtypes[col]) for col in order})
    return shape_events(empty, categorical)


# ------------------------------------------------------------------ the interface

class BaseStore(ABC):
    """Imported datasets in a database. Subclasses write and read the database (``_add``, ``_update``,
    ``_delete``, ``_fetch_*``, ``_event_tables``); the shape of everything handed out is decided here, once."""

    #: What names the store in messages and in the keys of the views (a file, or a URL without its password).
    path: Path | str

    def __init__(self) -> None:
        self._writes = 0  # bumped by every write through this handle: the kept listing never outlives one
        self._listing_cache: tuple[tuple, pd.DataFrame, tuple] | None = None

    def close(self) -> None:
        """Give back what the handle holds open (connections); it can still be used afterwards."""
        return None  # the DuckDB store holds nothing open between calls

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ writing
    # Each takes ``actor``: who makes the change (the signed-in user's address; None on a workstation, whose one
    # user is not named), written to the change log with it.
    @writes
    def add(self, preview: ImportPreview, name: str | None = None, *, enabled: bool = True,
            allow_same_file: bool = False, progress: Progress | None = None, actor: str | None = None) -> int:
        """Store a previewed import in one transaction, with its 'import' row of the change log; return its dataset
        id. Raises :class:`DuplicateDatasetError` if the same file (sha256) is already stored, unless
        ``allow_same_file``; :class:`StoreError` if the database refuses the write (nothing is stored or logged
        then). ``progress(stage)`` is called at 'begin', 'dataset' (the record and its log row written), 'rows'
        (after each batch of events written), 'events', 'issues' (all before the commit) and 'commit' (after it)."""
        step = progress or (lambda stage: None)
        name = (name or preview.filename).strip() or preview.filename
        dataset_id = self._add(preview, name, row_issues_frame(preview), enabled, allow_same_file, step,
                               _actor(actor))
        step("commit")
        return dataset_id

    @writes
    def set_enabled(self, dataset_id: int, enabled: bool, *, actor: str | None = None) -> None:
        """Switch a dataset on (its events are shown) or off (kept, not shown), logged as 'switch on' or 'switch
        off' (nothing if it is so already). :class:`DatasetGone` if it is not stored."""
        self._update(int(dataset_id), "enabled", bool(enabled), _actor(actor))

    @writes
    def rename(self, dataset_id: int, name: str, *, actor: str | None = None) -> None:
        """Give a dataset another name, logged as 'rename' with the old and new names (nothing if it is the same).
        :class:`DatasetGone` if it is not stored."""
        self._update(int(dataset_id), "name", name.strip(), _actor(actor))

    @writes
    def delete(self, dataset_id: int, *, progress: Progress | None = None, actor: str | None = None) -> None:
        """Remove a dataset, its events and its row lists, in one transaction with its 'delete' row of the change
        log (which keeps the name). :class:`DatasetGone` if it is not stored (deleted already, perhaps by another
        session at the same moment). ``progress(stage)`` is called at 'deleted' (before the commit) and
        'commit'."""
        step = progress or (lambda stage: None)
        self._delete(int(dataset_id), step, _actor(actor))
        step("commit")

    @abstractmethod
    def _add(self, preview: ImportPreview, name: str, issues: pd.DataFrame, enabled: bool, allow_same_file: bool,
             step: Progress, actor: str | None) -> int:
        """Write the record (with ``import_change``'s log row), events and rows left out in one transaction."""

    @abstractmethod
    def _update(self, dataset_id: int, column: str, value: object, actor: str | None) -> None:
        """Set one column of a dataset's record with ``update_change``'s log row, in one transaction, the record
        locked while it is read; nothing if that changes nothing; DatasetGone if there is no record."""

    @abstractmethod
    def _delete(self, dataset_id: int, step: Progress, actor: str | None) -> None:
        """Delete the dataset's rows everywhere and write ``delete_change``'s log row, in one transaction."""

    # ------------------------------------------------------------ reading
    def datasets(self) -> pd.DataFrame:
        """One row per imported dataset, oldest first (JSON columns decoded)."""
        return self._listing()[0].copy()

    def state(self) -> tuple[tuple[int, str, bool], ...]:
        """(id, fingerprint, enabled) of every dataset: what keys the views of the imported data. The fingerprint
        (``fingerprint``) changes with the file, the name and the import, so a dataset deleted and replaced by
        another under the same id is never mistaken for the old one."""
        return self._listing()[1]

    def _listing(self) -> tuple[pd.DataFrame, tuple]:
        """The datasets table and its state, read on every rerun of every page, so kept until the store changes:
        a write through this handle, or a change the database shows in ``_signature()`` (made elsewhere). The
        signature is read before the table, so a change that lands between them only costs a second read."""
        signature = (self._writes, self._signature())
        cached = self._listing_cache
        if cached is not None and cached[0] == signature:
            return cached[1], cached[2]
        df = listing_frame(self._fetch_datasets())
        state = tuple((int(r.dataset_id), fingerprint(r), bool(r.enabled)) for r in df.itertuples())
        self._listing_cache = (signature, df, state)
        return df, state

    @abstractmethod
    def _signature(self) -> tuple:
        """Something cheap that changes whenever the datasets table does."""

    @abstractmethod
    def _fetch_datasets(self) -> pd.DataFrame:
        """The datasets table (DATASET_COLUMNS, JSON as text), ordered by id."""

    def dataset(self, dataset_id: int) -> dict:
        """A dataset's record; :class:`DatasetGone` if it is not stored."""
        df = self.datasets()
        rows = df[df["dataset_id"] == int(dataset_id)]
        if rows.empty:
            raise DatasetGone(dataset_id)
        return rows.iloc[0].to_dict()

    def row_issues(self, dataset_id: int, status: str | None = None) -> pd.DataFrame:
        """Rows of a dataset's file left out: status 'rejected' or 'out of scope', with row, id, kind and reason.
        :class:`DatasetGone` if the dataset is not stored (an empty list would say it had none)."""
        df = self._fetch_row_issues(int(dataset_id), status)
        if df is None:
            raise DatasetGone(dataset_id)
        return issues_dtypes(df.reset_index(drop=True)[list(ISSUE_COLUMNS)])

    @abstractmethod
    def _fetch_row_issues(self, dataset_id: int, status: str | None) -> pd.DataFrame | None:
        """The rows left out, ordered by row; None if the dataset is not stored."""

    def changes(self, limit: int = 200) -> pd.DataFrame:
        """The change log, newest first, at most ``limit`` rows: ``CHANGE_COLUMNS`` with the dtypes of
        ``changes_frame``. Rows of deleted datasets stay, with the name the dataset had."""
        return changes_frame(self._fetch_changes(max(int(limit), 0)))

    @abstractmethod
    def _fetch_changes(self, limit: int) -> pd.DataFrame:
        """The newest ``limit`` rows of the log, ``change_id`` then ``CHANGE_STORED_COLUMNS``, newest first."""

    def citations(self, enabled_only: bool = True) -> list[dict[str, str]]:
        """Name, citation and licence of each (enabled) dataset, for exports."""
        df = self.datasets()
        if enabled_only:
            df = df[df["enabled"]]
        return [{"dataset_id": int(r.dataset_id), "name": r.name, "citation": r.citation, "licence": r.licence}
                for r in df.itertuples()]

    def events(self, enabled_only: bool = True, dataset_ids: list[int] | None = None,
               categorical: Collection[str] = ()) -> pd.DataFrame:
        """Stored events: the curated ``events`` columns with the same dtypes, then ``dataset_id``,
        ``dataset_name`` and the provenance columns (``columns.PROVENANCE_COLUMNS``); in dataset order, then file
        order. Event ids are ``imp<dataset_id>-<id>``. Read one dataset at a time, streamed out of the database in
        batches, so the database's memory does not bound the size of the result; a dataset deleted meanwhile is
        simply not there.

        The text columns named in ``categorical`` come back as pandas categoricals (categories sorted) instead of
        ``str``: they are dictionary-encoded batch by batch as they stream out, so a million rows of repeated notes
        never sit in memory as a million strings (see ``COMPACT_COLUMNS``)."""
        import pyarrow as pa

        wanted = None if dataset_ids is None else {int(d) for d in dataset_ids}
        frames = []
        for dataset_id, name, table in self._event_tables(enabled_only, wanted, categorical):
            if not table.num_rows:
                continue
            df = table.to_pandas(types_mapper=_arrow_dtypes().get, date_as_object=False, self_destruct=True,
                                 split_blocks=True)
            del table
            if not df["source_row"].is_monotonic_increasing:
                df = df.sort_values("source_row", kind="stable")
            df["dataset_id"] = dataset_id
            df["dataset_name"] = name
            frames.append(df)
        pa.default_memory_pool().release_unused()  # give the batches' memory back (the peak, not the result)
        if not frames:
            return empty_store_events(categorical)
        if len(frames) > 1 and categorical:
            frames = unify_categories(frames, categorical)
        return shape_events(frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True), categorical)

    @abstractmethod
    def _event_tables(self, enabled_only: bool, wanted: set[int] | None,
                      categorical: Collection[str]) -> Iterator[tuple[int, str, pa.Table]]:
        """(id, name, Arrow table of the ``event_sql_columns()``) for each dataset asked for, in id order, from one
        consistent view of the store; the ``categorical`` text columns may come dictionary-encoded."""
