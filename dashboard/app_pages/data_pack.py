"""The data pack: every table with its row count and description, its sources, and any validation problems (each
message in the language shown: the loader builds them as ``components.i18n.Msg``)."""

import pandas as pd
import streamlit as st

from components import i18n
from components.views.sources import meta_text, table_title
from dashboard import frame
from dashboard.data import data_dir, get_pack

pack = get_pack(data_dir())
meta = pack.metadata

t = frame.t()
st.title(t("Data pack"))
st.caption(meta_text(meta, ("description",), t))

errors, warnings = pack.errors, pack.warnings
if errors:
    st.error(t.n("The data pack has {n} error. Rows and files with errors are left out of every view until they are "
                 "fixed; it is listed below.",
                 "The data pack has {n} errors. Rows and files with errors are left out of every view until they are "
                 "fixed; they are listed below.", len(errors)), icon=":material/error:")
elif warnings:
    st.warning(t.n("The data pack loaded with {n} warning, listed below.",
                   "The data pack loaded with {n} warnings, listed below.", len(warnings)), icon=":material/warning:")
else:
    st.success(t("Every table validated without problems."), icon=":material/check_circle:")

overview = pd.DataFrame(
    [
        {
            "Table": table_title(meta, name, t),
            "File": spec["file"],
            "Rows loaded": pack.status[name].rows_loaded,
            "Rows in file": pack.status[name].rows_read,
            "Status": (
                t("not loaded") if not pack.status[name].loaded
                else t("ok") if pack.status[name].rows_loaded == pack.status[name].rows_read
                else t.n("{n} row left out", "{n} rows left out",
                         pack.status[name].rows_read - pack.status[name].rows_loaded)
            ),
            "Description": meta_text(meta, ("tables", name, "description"), t),
            "Licence": meta_text(meta, ("tables", name, "license"), t),
        }
        for name, spec in meta["tables"].items()
    ]
)
# The tables' headers in the language (the frames keep their English column names)
HEADERS = {"Table": t("Table"), "File": t("File"), "Rows loaded": t("Rows loaded"), "Rows in file": t("Rows in file"),
           "Status": t("Status"), "Description": t("Description"), "Licence": t("Licence"),
           "Severity": t("Severity"), "Row": t("Row"), "Column": t("Column"), "Value": t("Value"),
           "Problem": t("Problem"), "Rule": t("Rule"), "Type": t("Type"), "Unit": t("Unit"), "Meaning": t("Meaning"),
           "Allowed values": t("Allowed values")}
SEVERITY = {"error": t("error"), "warning": t("warning")}

st.subheader(t("Tables"))
st.dataframe(overview, hide_index=True, width="stretch", column_config=HEADERS)

if pack.problems:
    st.subheader(t("Problems ({errors}, {warnings})").format(errors=t.n("{n} error", "{n} errors", len(errors)),
                                                             warnings=t.n("{n} warning", "{n} warnings",
                                                                          len(warnings))))
    st.dataframe(
        pd.DataFrame(
            [
                # the message in the language; file, column and value are the file's own, the rule is the check's name
                {"Severity": SEVERITY.get(p.severity, p.severity), "File": p.file, "Row": p.row,
                 "Column": p.column, "Value": p.value, "Problem": i18n.shown(p.message, t), "Rule": p.rule}
                for p in pack.problems
            ]
        ),
        hide_index=True,
        width="stretch",
        column_config={**HEADERS, "Row": st.column_config.NumberColumn(
            t("Row"), help=t("Spreadsheet row: the header is row 1")),
            "Rule": st.column_config.TextColumn(
                t("Rule"), help=t("The check's name in the data pack's rules: an identifier, the same in every "
                                  "language"))},
    )

st.subheader(t("Browse a table"))
names = list(meta["tables"])
choice = st.selectbox(t("Table"), names, format_func=lambda n: table_title(meta, n, t), key="browse_table")
spec = meta["tables"][choice]
st.dataframe(
    pack.tables[choice],
    hide_index=True,
    width="stretch",
    column_config={col: st.column_config.Column(help=t(info["description"])) for col, info in spec["columns"].items()},
)
with st.expander(t("Column dictionary")):
    st.dataframe(
        pd.DataFrame(
            [{"Column": col, "Type": info["type"], "Unit": info.get("unit", ""), "Meaning": t(info["description"]),
              "Allowed values": ", ".join(info.get("values", []))}
             for col, info in spec["columns"].items()]
        ),
        hide_index=True,
        width="stretch",
        column_config=HEADERS,
    )

st.subheader(t("Sources"))
st.dataframe(
    pack.tables["sources"],
    hide_index=True,
    width="stretch",
    column_config={"url": st.column_config.LinkColumn("url")},
)

st.caption(t("Licence: {licence}.").format(licence=meta_text(meta, ("license",), t))
           + f" {meta_text(meta, ('boundaries', 'attribution'), t)}.")
