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

st.title(frame.t()("Import your own data"))
st.markdown(
    "Load a **GTD** export, an **ACLED** export or a file in this dashboard's own incident format (CSV or XLSX). "
    "The format is recognised from the columns. You see a preview first; nothing is stored until you say so. "
    "Stored datasets stay on this machine, in the local store, and never enter the repository or the curated data "
    "pack; each can be switched off or deleted here.")
st.caption(f"Local store: {frame.escape_md(var_dir())}. Licensed data (GTD, ACLED) may not be redistributed: "
           "exports that include imported rows carry the dataset's citation and licence.")

upload = st.file_uploader("File to import", type=["csv", "xlsx", "txt"], key="upload",
                          help="Limit: 200 MB. Encodings UTF-8 (with or without BOM) and Windows-1251; comma, "
                               "semicolon or tab delimiters.")


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
        st.session_state["_import_message"] = ("success", f"Stored as dataset {dataset_id}; it is shown in every "
                                               "view now (switch it off below).")
        st.session_state.pop(PREVIEW, None)
        st.session_state.pop("upload", None)


if upload is not None:
    try:
        with st.spinner("Reading the file…"):
            preview = _preview(upload.getvalue(), upload.name)
    except ImportFileError as exc:
        st.error(f"This file cannot be imported: {frame.escape_md(str(exc))}. Nothing was stored.",
                 icon=":material/error:")
        preview = None
    if preview is not None:
        st.subheader(f"Preview: {frame.escape_md(preview.filename)} ({preview.format_label})")
        cols = [*st.columns(3), *st.columns(3)]
        cols[0].metric("Rows read", f"{preview.rows_read:,}")
        cols[1].metric("Accepted", f"{preview.n_accepted:,}")
        cols[2].metric("Rejected", f"{preview.n_rejected:,}")
        cols[3].metric("Outside Kazakhstan or 1991-2016", f"{preview.n_out_of_scope:,}",
                       help="Kept out of the views and counted; not stored.")
        cols[4].metric("Duplicates of curated incidents", f"{len(preview.duplicates):,}",
                       help="Same place within a day of a curated incident: linked to it, not counted twice.")
        cols[5].metric("Without coordinates", f"{len(preview.missing_coordinates):,}",
                       help="Kept and listed; not drawn on the map.")
        if preview.casualty_note:
            st.info(frame.escape_md(preview.casualty_note), icon=":material/info:")
        if preview.unmapped_regions:
            st.warning(f"Region names that match none of the {len(pack.tables['regions'])} regions of 2016 (the rows "
                       "are kept with no region): "
                       + frame.escape_md(", ".join(f"{k} ({v})" for k, v in preview.unmapped_regions.items())),
                       icon=":material/help:")
        for note in preview.notes:
            st.caption(frame.escape_md(note))
        if preview.n_rejected:
            with st.expander(f"Rejected rows ({preview.n_rejected:,}) and why"):
                st.dataframe(preview.rejected.head(1000), hide_index=True, width="stretch")
                st.download_button("Download the rejected rows (CSV)", lambda: to_csv_bytes(preview.rejected),
                                   file_name=f"rejected-{preview.filename}.csv", mime="text/csv",
                                   on_click="ignore", key="dl_rejected")
        if preview.n_out_of_scope:
            with st.expander(f"Rows outside Kazakhstan or 1991-2016 ({preview.n_out_of_scope:,})"):
                st.dataframe(preview.out_of_scope.head(1000), hide_index=True, width="stretch")
        if len(preview.duplicates):
            with st.expander(f"Likely duplicates of curated incidents ({len(preview.duplicates):,})"):
                st.dataframe(preview.duplicates, hide_index=True, width="stretch")
        if len(preview.missing_coordinates):
            with st.expander(f"Accepted rows without coordinates ({len(preview.missing_coordinates):,})"):
                st.dataframe(preview.missing_coordinates.head(1000), hide_index=True, width="stretch")
        with st.expander("First accepted rows"):
            st.dataframe(preview.accepted.head(50).astype(object), hide_index=True, width="stretch")
        name = st.text_input("Name of the dataset", value=preview.filename, key="import_name", max_chars=120)
        st.button("Store this dataset", type="primary", icon=":material/save:", key="import_store",
                  disabled=preview.n_accepted == 0, on_click=_store, args=(preview, name))

message = st.session_state.pop("_import_message", None)
if message:
    (st.success if message[0] == "success" else st.warning)(frame.escape_md(message[1]))

st.subheader("Stored datasets")
datasets = store.datasets()
if datasets.empty:
    st.caption("No dataset imported yet.")
for row in datasets.itertuples():
    with st.container(border=True):
        st.markdown(f"**{frame.escape_md(row.name)}** · {frame.escape_md(row.format_label)} · "
                    f"file {frame.escape_md(row.filename)} · imported {frame.escape_md(str(row.imported_at)[:16])}")
        st.caption(f"{row.rows_accepted:,} accepted, {row.rows_rejected:,} rejected, {row.rows_out_of_scope:,} "
                   f"outside the scope, {row.rows_duplicates:,} duplicates of curated incidents linked. "
                   f"sha256 {row.checksum[:16]}…")
        st.caption("Cite as: " + frame.escape_md(row.citation) + " Licence: " + frame.escape_md(row.licence))
        left, right = st.columns([3, 1])
        shown = left.toggle("Shown in the views", value=bool(row.enabled), key=f"ds_on_{row.dataset_id}")
        if shown != bool(row.enabled):
            store.set_enabled(int(row.dataset_id), shown)
            st.rerun()
        with right.popover("Delete", icon=":material/delete:"):
            st.markdown("Delete this dataset from the local store? The file itself is not touched.")
            if st.button("Delete for good", key=f"ds_del_{row.dataset_id}", type="primary"):
                store.delete(int(row.dataset_id))
                st.rerun()
