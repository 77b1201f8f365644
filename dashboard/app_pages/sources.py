"""Sources and data: the sources, the column dictionary, the contradictions between sources, and downloads."""

import dataclasses
from datetime import date

import pandas as pd
import streamlit as st

from components import exports
from components.views.sources import SOURCE_HEADERS, meta_text, table_title
from dashboard import data, details, frame
from dashboard.data import arrow_of, current_pack, filtered_events

pack = current_pack()
meta = pack.metadata
filters = st.session_state["filters"]
n_events = len(filtered_events(pack, filters.key()))
filter_text = filters.describe(n_events, frame.t())


def _tables() -> dict:
    """The filtered tables, every column: built when a download is asked for, not on every rerun (a million
    imported rows make a copy of hundreds of MB)."""
    return exports.filtered_tables(pack.tables, filters)


# The imported datasets in this view, with their licences: the downloads leave out the rows of those whose terms forbid
# redistribution and say so beside the buttons (counted from the cached incidents of the filter: a few ms).
in_view = exports.imported_datasets(filtered_events(pack, filters.key()), pack.tables["sources"])


def _zip(tables: dict) -> bytes:
    return exports.zip_export(tables, meta, filter_text, date.today(), t=frame.t(), datasets=in_view)


t = frame.t()


def method_document(name: str, on_request: bool) -> None:
    """One of the method documents (docs/), which are written in English only: in Kazakh and Russian it says so and,
    with ``on_request``, shows the English when asked."""
    if t.lang != "en":
        st.caption(t("This document is in English."))
        if on_request and not st.toggle(t("Show the English text"), key=f"show_{name}_english"):
            return
    st.markdown(data.doc_text(name))


st.title(t("Sources and data"))
frame.filter_statement(filters, n_events)

st.subheader(t("Downloads"))
st.caption(t("Both downloads follow the filters in the sidebar. The zip adds a README with the citation, the "
             "licences, the filters used and the date. Cells that begin with =, +, - or @ get a leading apostrophe "
             "so that a spreadsheet does not run them as formulas."))
c1, c2 = st.columns(2)
c1.download_button(
    t("Incidents (CSV)"), data=lambda: exports.incidents_csv(_tables()["events"], meta, datasets=in_view),
    file_name="kz_incidents_filtered.csv",
    mime="text/csv", icon=":material/download:", key="dl_events", on_click="ignore", width="stretch",
)
c2.download_button(
    t("All tables for this view (zip)"),
    data=lambda: _zip(_tables()),
    file_name="kz_terrorism_datapack_filtered.zip", mime="application/zip", icon=":material/folder_zip:",
    key="dl_zip", on_click="ignore", width="stretch",
)
st.caption(t("Each incident in the downloads states its licence in the column licence: the data pack's, or that of "
             "the imported dataset it comes from."))
withheld = exports.withheld_sentences([dataclasses.replace(d, name=frame.escape_md(d.name)) for d in in_view], t)
if withheld:  # the zip's README says the same
    st.info(" ".join(withheld), icon=":material/block:")

st.subheader(t("Sources"))
sources = pack.tables["sources"]
core = sources[sources["core_document"]]
st.markdown(t("**{n} documents** are cited: the **{core} source documents** the project started from, and the "
              "public material used to check and complete them.").format(n=len(sources), core=len(core)))
st.dataframe(
    arrow_of(data.sources_table(pack)),
    hide_index=True, width="stretch", key="sources_table",
    column_config={**{col: t(label) for col, label in SOURCE_HEADERS.items()},
                   "url": st.column_config.LinkColumn(t("URL")), "core_document": st.column_config.CheckboxColumn(
        t("Source document"), help=t("One of the five documents the project started from"))},
)

st.subheader(t("Where sources disagree"))
st.caption(t("Every known disagreement between sources and every factual error found in them, with the value the "
             "data pack uses and the alternatives. The same notes appear beside the figures they concern."))
for label, body in data.contradiction_entries(pack):
    with st.expander(label):
        st.markdown(body)

st.subheader(t("What the incident table covers, and how it was searched"))
with st.expander(t("Inclusion criteria")):
    method_document("criteria", on_request=True)
with st.expander(t("Cases considered and left out")):
    st.caption(data.excluded_summary(pack, pointer=False))
    st.dataframe(arrow_of(data.excluded_table(pack)), hide_index=True, width="stretch", key="excluded_table")
# The log is long (about 500 lines): drawn when asked for, not sent on every rerun of the page.
if st.toggle(t("Show the search log, year by year 1991-2016"), key="show_search_log",
             help=t("How every year was searched: queries, sources read, what was found and what was left out.")):
    method_document("search_log", on_request=False)  # asked for already

st.subheader(t("Column dictionary"))
table = st.selectbox(t("Table"), list(meta["tables"]), format_func=lambda n: table_title(meta, n, t),
                     key="dictionary_table")
spec = meta["tables"][table]
st.caption(t("{description} File: data/{file}. Licence: {licence}.").format(
    description=meta_text(meta, ("tables", table, "description"), t), file=spec["file"],
    licence=meta_text(meta, ("tables", table, "license"), t)))
st.dataframe(
    pd.DataFrame([{t("Column"): col, t("Meaning"): t(info["description"]), t("Type"): info["type"],
                   t("Unit"): info.get("unit", ""), t("Allowed values"): ", ".join(info.get("values", []))}
                  for col, info in spec["columns"].items()]),
    hide_index=True, width="stretch",
)

details.translation_note(t)  # the sources' notes, the contradictions and the cases left out come from the data pack
frame.source_line(t("{title} (version {version}). Licence: {licence}. {attribution}.").format(
    title=meta_text(meta, ("title",), t), version=meta["version"], licence=meta_text(meta, ("license",), t),
    attribution=meta_text(meta, ("boundaries", "attribution"), t)))
