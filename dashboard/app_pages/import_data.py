"""Import your own data: preview a GTD, ACLED or native file, store it in the local store, switch it on or off,
delete it. Nothing is ever written to the repository or to the curated data pack."""

from __future__ import annotations

import streamlit as st

from components.exports import to_csv_bytes
from components.imports import store as store_mod
from components.imports.preview import ImportPreview, prepare_import
from components.imports.source import ImportFileError
from dashboard import frame
from dashboard.data import data_dir, get_pack, get_store, var_dir

PREVIEW = "_import_preview"  # (checksum, ImportPreview)

pack = get_pack(data_dir())  # the curated pack: duplicates are found against it
store = get_store(var_dir())

t = frame.t()
st.title(t("Import your own data"))
st.markdown(t(
    "Load a **GTD** export, an **ACLED** export or a file in this dashboard's own incident format (CSV or XLSX). "
    "The format is recognised from the columns. You see a preview first; nothing is stored until you say so. "
    "Stored datasets stay on this machine, in the local store, and never enter the repository or the curated data "
    "pack; each can be switched off or deleted here."))
st.caption(t("Local store: {path}. Licensed data (GTD, ACLED) may not be redistributed: exports that include "
             "imported rows carry the dataset's citation and licence.").format(path=frame.escape_md(var_dir())))
if t.lang != "en":
    st.caption(t("Messages about the file's rows and columns are given in English, with the row and column named."))

upload = st.file_uploader(t("File to import"), type=["csv", "xlsx", "txt"], key="upload",
                          help=t("Limit: 200 MB. Encodings UTF-8 (with or without BOM) and Windows-1251; comma, "
                                 "semicolon or tab delimiters."))


def _preview(data: bytes, name: str) -> ImportPreview:
    import hashlib

    digest = hashlib.sha256(data).hexdigest()
    held = st.session_state.get(PREVIEW)
    if held and held[0] == digest:
        return held[1]
    preview = prepare_import(data, name, pack.tables["events"], pack.tables["regions"])
    st.session_state[PREVIEW] = (digest, preview)
    return preview


def _store(preview: ImportPreview, name: str) -> None:
    try:
        dataset_id = store.add(preview, name or preview.filename)
    except store_mod.DuplicateDatasetError as exc:
        st.session_state["_import_message"] = ("warning", str(exc))
    else:
        st.session_state["_import_message"] = ("success", t("Stored as dataset {id}; it is shown in every view now "
                                                 "(switch it off below).").format(id=dataset_id))
        st.session_state.pop(PREVIEW, None)
        st.session_state.pop("upload", None)


if upload is not None:
    try:
        with st.spinner(t("Reading the file…")):
            preview = _preview(upload.getvalue(), upload.name)
    except ImportFileError as exc:
        st.error(t("This file cannot be imported: {reason}. Nothing was stored.").format(
            reason=frame.escape_md(str(exc))), icon=":material/error:")
        preview = None
    if preview is not None:
        st.subheader(t("Preview: {file} ({format})").format(file=frame.escape_md(preview.filename),
                                                            format=preview.format_label))
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
            st.info(frame.escape_md(preview.casualty_note), icon=":material/info:")
        if preview.unmapped_regions:
            st.warning(t("Region names that match none of the {n} regions of 2016 (the rows are kept with no "
                         "region): {names}").format(n=len(pack.tables["regions"]), names=frame.escape_md(", ".join(f"{k} ({v})" for k, v in preview.unmapped_regions.items()))),
                       icon=":material/help:")
        for note in preview.notes:
            st.caption(frame.escape_md(note))
        if preview.n_rejected:
            with st.expander(t("Rejected rows ({n}) and why").format(n=t.number(preview.n_rejected))):
                st.dataframe(preview.rejected.head(1000), hide_index=True, width="stretch")
                st.download_button(t("Download the rejected rows (CSV)"), lambda: to_csv_bytes(preview.rejected),
                                   file_name=f"rejected-{preview.filename}.csv", mime="text/csv",
                                   on_click="ignore", key="dl_rejected")
        if preview.n_out_of_scope:
            with st.expander(t("Rows outside Kazakhstan or 1991-2016 ({n})").format(n=t.number(preview.n_out_of_scope))):
                st.dataframe(preview.out_of_scope.head(1000), hide_index=True, width="stretch")
        if len(preview.duplicates):
            with st.expander(t("Likely duplicates of curated incidents ({n})").format(n=t.number(len(preview.duplicates)))):
                st.dataframe(preview.duplicates, hide_index=True, width="stretch")
        if len(preview.missing_coordinates):
            with st.expander(t("Accepted rows without coordinates ({n})").format(
                    n=t.number(len(preview.missing_coordinates)))):
                st.dataframe(preview.missing_coordinates.head(1000), hide_index=True, width="stretch")
        with st.expander(t("First accepted rows")):
            st.dataframe(preview.accepted.head(50).astype(object), hide_index=True, width="stretch")
        name = st.text_input(t("Name of the dataset"), value=preview.filename, key="import_name", max_chars=120)
        st.button(t("Store this dataset"), type="primary", icon=":material/save:", key="import_store",
                  disabled=preview.n_accepted == 0, on_click=_store, args=(preview, name))

message = st.session_state.pop("_import_message", None)
if message:
    (st.success if message[0] == "success" else st.warning)(frame.escape_md(message[1]))

st.subheader(t("Stored datasets"))
datasets = store.datasets()
if datasets.empty:
    st.caption(t("No dataset imported yet."))
for row in datasets.itertuples():
    with st.container(border=True):
        st.markdown(t("**{name}** · {format} · file {file} · imported {when}").format(
            name=frame.escape_md(row.name), format=frame.escape_md(row.format_label),
            file=frame.escape_md(row.filename), when=frame.escape_md(str(row.imported_at)[:16])))
        st.caption(t("{accepted} accepted, {rejected} rejected, {outside} outside the scope, {duplicates} duplicates "
                     "of curated incidents linked. sha256 {checksum}…").format(
            accepted=t.number(row.rows_accepted), rejected=t.number(row.rows_rejected),
            outside=t.number(row.rows_out_of_scope), duplicates=t.number(row.rows_duplicates),
            checksum=row.checksum[:16]))
        st.caption(t("Cite as: {citation} Licence: {licence}").format(citation=frame.escape_md(row.citation),
                                                                      licence=frame.escape_md(row.licence)))
        left, right = st.columns([3, 1])
        shown = left.toggle(t("Shown in the views"), value=bool(row.enabled), key=f"ds_on_{row.dataset_id}")
        if shown != bool(row.enabled):
            store.set_enabled(int(row.dataset_id), shown)
            st.rerun()
        with right.popover(t("Delete"), icon=":material/delete:"):
            st.markdown(t("Delete this dataset from the local store? The file itself is not touched."))
            if st.button(t("Delete for good"), key=f"ds_del_{row.dataset_id}", type="primary"):
                store.delete(int(row.dataset_id))
                st.rerun()
