"""Import your own data: preview a GTD, ACLED or native file, store it in the local store, switch it on or off,
delete it. Nothing is ever written to the repository or to the curated data pack."""

from __future__ import annotations

import logging

import streamlit as st

from components import deploy
from components.i18n import Msg, shown
from components.imports import store as store_mod
from components.imports.csv_reader import DELIMITER_NAMES
from components.imports.preview import ImportPreview, prepare_import
from components.imports.source import ImportFileError
from dashboard import access, frame
from dashboard.data import data_dir, get_pack, get_store, licensed_datasets, var_dir

PREVIEW = "_import_preview"  # (checksum, ImportPreview)
LISTED = 1000  # rows shown of each list of rows (the download has them all)
COLUMNS_LISTED = 20  # names of the file's unused columns shown (a GTD export has over a hundred)

LOG = logging.getLogger(__name__)

pack = get_pack(data_dir())  # the curated pack: duplicates are found against it
t = frame.t()
# Said when the store's server (or disk) cannot be reached; the cause, which names the server, goes to the log.
UNREACHABLE = t("The store of imported datasets cannot be reached at the moment. Nothing is lost, and the curated "
                "data is shown in every view; try again in a moment.")


def _unreachable(exc: Exception) -> str:
    LOG.error("the store of imported datasets cannot be reached: %s", exc)
    return UNREACHABLE


try:
    store = get_store(var_dir())
except store_mod.StoreUnavailable as exc:
    store = None
    _unreachable(exc)

mode = deploy.current()
who = access.current()  # on a workstation: its analyst, who may do everything
st.title(t("Import your own data"))
if mode.sign_in:
    st.markdown(t(
        "Load a **GTD** export, an **ACLED** export or a file in this dashboard's own incident format (CSV or XLSX). "
        "The format is recognised from the columns. You see a preview first; nothing is stored until you say so. "
        "Stored datasets are shared with the team on this server, never enter the repository or the curated data "
        "pack, and each can be switched off or deleted here by the team's editors; every change is recorded below."))
else:
    st.markdown(t(
        "Load a **GTD** export, an **ACLED** export or a file in this dashboard's own incident format (CSV or XLSX). "
        "The format is recognised from the columns. You see a preview first; nothing is stored until you say so. "
        "Stored datasets stay on this machine, in the local store, and never enter the repository or the curated "
        "data pack; each can be switched off or deleted here."))
if mode is deploy.WORKSTATION:  # the analyst's own machine: where their data is; a server's path is
    # never shown to its visitors
    st.caption(t("Local store: {path}. Licensed data (GTD, ACLED) may not be redistributed: exports that include "
                 "imported rows carry the dataset's citation and licence.").format(
        path=frame.escape_md(store_mod.shown_location(var_dir()))))
else:
    st.caption(t("Licensed data (GTD, ACLED) may not be redistributed: exports that include imported rows carry the "
                 "dataset's citation and licence."))
# The listings' columns by name in the language shown (the download keeps the names, as every export does).
COLUMNS = {"row": t("Row"), "source_record_id": t("Id in the file"), "kind": t("Kind"), "reason": t("Reason"),
           "place": t("Place"), "date": t("Date"), "duplicate_of": t("Duplicate of"),
           "curated_place": t("Place of the curated incident"), "days_apart": t("Days apart"),
           "km_apart": t("Distance (km)")}

if who.can_change:
    upload = st.file_uploader(t("File to import"), type=["csv", "xlsx", "txt"], key="upload",
                              help=t("Limit: 200 MB. Encodings UTF-8 (with or without BOM) and Windows-1251; comma, "
                                     "semicolon or tab delimiters."))
else:  # team mode: only the team's editors import or change; the sidebar says who is signed in
    upload = None
    st.info(t("Only the team's editors can import or change datasets. Sign in (in the sidebar) with an editor's "
              "account to do so.") if not who.signed_in or who.refused else
            t("Your account may look at the team's datasets but not change them; ask the team's administrator to "
              "add you to the editors."), icon=":material/lock:")


def _preview(data: bytes, name: str) -> ImportPreview:
    import hashlib

    digest = hashlib.sha256(data).hexdigest()
    held = st.session_state.get(PREVIEW)
    if held and held[0] == digest:
        return held[1]
    preview = prepare_import(data, name, pack.tables["events"], pack.tables["regions"])
    st.session_state[PREVIEW] = (digest, preview)
    return preview


def _listing(df):
    """A list of rows as a table with its columns named in the language shown."""
    st.dataframe(df, hide_index=True, width="stretch", column_config={c: COLUMNS[c] for c in df if c in COLUMNS})


def _refusal(exc: Exception) -> str:
    """The store's refusal in the language shown: its errors carry their message as a Msg (``exc.shown(t)``); one
    that does not is given as it is (English)."""
    if isinstance(exc, store_mod.StoreUnavailable):
        return _unreachable(exc)
    return exc.shown(t) if callable(getattr(exc, "shown", None)) else str(exc)


def _store(preview: ImportPreview, name: str) -> None:
    actor = access.current()  # asked again when the button is pressed: a session signed out meanwhile may not
    if not actor.can_change:
        st.session_state["_import_message"] = ("warning", t("Not stored: you are no longer signed in as an editor."))
        return
    try:
        if store is None:
            raise store_mod.StoreUnavailable("the store could not be opened when the page was drawn")
        dataset_id = store.add(preview, name or preview.filename, actor=actor.email)
    except store_mod.StoreError as exc:  # the same file stored already, or a store that refuses or is away
        st.session_state["_import_message"] = ("warning", _refusal(exc))
    else:
        st.session_state["_import_message"] = ("success", t("Stored as dataset {id}; it is shown in every view now "
                                                 "(switch it off below).").format(id=dataset_id))
        st.session_state.pop(PREVIEW, None)
        st.session_state.pop("upload", None)


def _change(action, *args) -> None:
    """Switch or delete a stored dataset, then draw the page again; a dataset another session deleted meanwhile
    (or a store that refuses) is said, in the language shown, not raised."""
    if not who.can_change:
        return
    try:
        action(*args, actor=who.email)
    except store_mod.StoreError as exc:
        st.session_state["_import_message"] = ("warning", _refusal(exc))
    st.rerun()


def _how_read(preview: ImportPreview) -> str:
    """How the file was read: its encoding and delimiter, or its sheet; the columns not used; blank rows skipped."""
    parts = []
    if preview.sheet is not None:
        parts.append(t("Read from the sheet '{sheet}'.").format(sheet=preview.sheet))
    elif preview.encoding is not None:
        delimiter = preview.delimiter or ","
        parts.append(t("Read as {encoding}; the delimiter is {delimiter}.").format(
            encoding=shown(preview.encoding, t),
            delimiter=t(DELIMITER_NAMES[delimiter]) if delimiter in DELIMITER_NAMES else repr(delimiter)))
    ignored = preview.ignored_columns
    if ignored:
        listed = ", ".join(ignored[:COLUMNS_LISTED]) + (", …" if len(ignored) > COLUMNS_LISTED else "")
        parts.append(Msg.n("{n} column of the file is not used: {columns}.", "{n} columns of the file are not used: "
                           "{columns}.", len(ignored), columns=listed).shown(t))
    if preview.blank_rows:
        parts.append(t.n("{n} blank row was skipped.", "{n} blank rows were skipped.", len(preview.blank_rows)))
    return frame.escape_md(" ".join(parts))


if upload is not None:
    try:
        with st.spinner(t("Reading the file…")):
            preview = _preview(upload.getvalue(), upload.name)
    except ImportFileError as exc:
        st.error(t("This file cannot be imported: {reason}. Nothing was stored.").format(
            reason=frame.escape_md(exc.shown(t))), icon=":material/error:")
        preview = None
    if preview is not None:
        st.subheader(t("Preview: {file} ({format})").format(file=frame.escape_md(preview.filename),
                                                            format=t(preview.format_label)))
        cols = [*st.columns(3), *st.columns(3)]
        cols[0].metric(t("Rows read"), t.number(preview.rows_read))
        cols[1].metric(t("Accepted"), t.number(preview.n_accepted))
        cols[2].metric(t("Rejected"), t.number(preview.n_rejected))
        cols[3].metric(t("Outside Kazakhstan or 1991-2016"), t.number(preview.n_out_of_scope),
                       help=t("Kept out of the views and counted; not stored."))
        cols[4].metric(t("Duplicates of curated incidents"), t.number(len(preview.duplicates)),
                       help=t("Same place within a day of a curated incident: linked to it, not counted twice."))
        cols[5].metric(t("Without coordinates"), t.number(len(preview.missing_coordinates)),
                       help=t("Kept and listed; not drawn on the map."))
        if preview.casualty_note:
            st.info(frame.escape_md(t(preview.casualty_note)), icon=":material/info:")
        if preview.unmapped_regions:
            st.warning(t("Region names that match none of the {n} regions of 2016 (the rows are kept with no "
                         "region): {names}").format(n=len(pack.tables["regions"]), names=frame.escape_md(", ".join(f"{k} ({v})" for k, v in preview.unmapped_regions.items()))),
                       icon=":material/help:")
        if how := _how_read(preview):
            st.caption(how)
        for note in preview.notes:
            st.caption(frame.escape_md(shown(note, t)))
        if preview.n_rejected:
            with st.expander(t("Rejected rows ({n}) and why").format(n=t.number(preview.n_rejected))):
                _listing(preview.rejected_shown(t, LISTED))
                # The download gives the reasons in the language shown, as the dashboard's other exports give their
                # texts: it is read by the person who corrects the file. The row numbers, ids, column names and
                # values from the file are verbatim, so a tool can still match the rows (the store keeps English).
                st.download_button(t("Download the rejected rows (CSV)"), lambda: preview.rejected_csv(t),
                                   file_name=f"rejected-{preview.filename}.csv", mime="text/csv",
                                   on_click="ignore", key="dl_rejected")
        if preview.n_out_of_scope:
            with st.expander(t("Rows outside Kazakhstan or 1991-2016 ({n})").format(n=t.number(preview.n_out_of_scope))):
                _listing(preview.out_of_scope_shown(t, LISTED))
        if len(preview.duplicates):
            with st.expander(t("Likely duplicates of curated incidents ({n})").format(n=t.number(len(preview.duplicates)))):
                _listing(preview.duplicates)
        if len(preview.missing_coordinates):
            with st.expander(t("Accepted rows without coordinates ({n})").format(
                    n=t.number(len(preview.missing_coordinates)))):
                _listing(preview.missing_coordinates_shown(t, LISTED))
        with st.expander(t("First accepted rows")):
            st.dataframe(preview.accepted.head(50).astype(object), hide_index=True, width="stretch")
        name = st.text_input(t("Name of the dataset"), value=preview.filename, key="import_name", max_chars=120)
        st.button(t("Store this dataset"), type="primary", icon=":material/save:", key="import_store",
                  disabled=preview.n_accepted == 0, on_click=_store, args=(preview, name))

message = st.session_state.pop("_import_message", None)
if message:
    (st.success if message[0] == "success" else st.warning)(frame.escape_md(message[1]))

st.subheader(t("Stored datasets"))
try:
    if store is None:
        raise store_mod.StoreUnavailable("the store could not be opened")
    datasets = store.datasets()
    hidden = set() if who.sees_licensed else set(licensed_datasets(store))
    changes = store.changes() if mode.sign_in and who.sees_licensed else None
except store_mod.StoreUnavailable as exc:
    st.error(_unreachable(exc), icon=":material/database_off:")
    st.stop()
if not who.sees_licensed:  # team mode, not signed in as a member: the licensed datasets are not listed either
    if hidden:
        datasets = datasets[~datasets["dataset_id"].isin(hidden)]
        st.caption(t.n("{n} licensed dataset (GTD, ACLED) is shown to the team's signed-in members only.",
                       "{n} licensed datasets (GTD, ACLED) are shown to the team's signed-in members only.",
                       len(hidden)))
if datasets.empty:
    st.caption(t("No dataset imported yet."))
for row in datasets.itertuples():
    with st.container(border=True):
        st.markdown(t("**{name}** · {format} · file {file} · imported {when}").format(
            name=frame.escape_md(row.name), format=frame.escape_md(t(row.format_label)),
            file=frame.escape_md(row.filename), when=frame.escape_md(str(row.imported_at)[:16])))
        st.caption(t("{accepted} accepted, {rejected} rejected, {outside} outside the scope, {duplicates} duplicates "
                     "of curated incidents linked. sha256 {checksum}…").format(
            accepted=t.number(row.rows_accepted), rejected=t.number(row.rows_rejected),
            outside=t.number(row.rows_out_of_scope), duplicates=t.number(row.rows_duplicates),
            checksum=row.checksum[:16]))
        # The licence is the format's (translated) or the provider's own words (shown as they are).
        st.caption(t("Cite as: {citation} Licence: {licence}").format(citation=frame.escape_md(row.citation),
                                                                      licence=frame.escape_md(t(row.licence))))
        left, right = st.columns([3, 1])
        on = left.toggle(t("Shown in the views"), value=bool(row.enabled), key=f"ds_on_{row.dataset_id}",
                         disabled=not who.can_change)
        if on != bool(row.enabled):
            _change(store.set_enabled, int(row.dataset_id), on)
        if not who.can_change:
            continue
        with right.popover(t("Delete"), icon=":material/delete:"):
            st.markdown(t("Delete this dataset from the local store? The file itself is not touched."))
            if st.button(t("Delete for good"), key=f"ds_del_{row.dataset_id}", type="primary"):
                _change(store.delete, int(row.dataset_id))

if mode.sign_in and who.sees_licensed:  # the team's record of changes, to its members
    st.subheader(t("Changes"))
    if changes.empty:
        st.caption(t("No change recorded yet."))
    else:
        st.dataframe(
            changes.assign(action=changes["action"].map(lambda a: t(a)),
                           detail=changes["detail"].map(lambda d: shown(d, t) if d is not None else "")),
            hide_index=True, width="stretch",
            column_order=("at", "actor", "action", "dataset_id", "dataset_name", "detail"),
            column_config={"at": st.column_config.DatetimeColumn(t("When (UTC)"), format="YYYY-MM-DD HH:mm"),
                           "actor": t("Who"), "action": t("What"), "dataset_id": t("Dataset"),
                           "dataset_name": t("Name"), "detail": t("Detail")})
