"""The data pack: every table with its row count and description, its sources, and any validation problems."""

import pandas as pd
import streamlit as st

from dashboard import frame
from dashboard.data import data_dir, get_pack

pack = get_pack(data_dir())
meta = pack.metadata

t = frame.t()
st.title(t("Data pack"))
st.caption(meta["description"])

errors, warnings = pack.errors, pack.warnings
if errors:
    st.error(t("The data pack has {n} error(s). Rows and files with errors are left out of every view until they "
               "are fixed; they are listed below.").format(n=len(errors)), icon=":material/error:")
elif warnings:
    st.warning(t("The data pack loaded with {n} warning(s), listed below.").format(n=len(warnings)),
               icon=":material/warning:")
else:
    st.success(t("Every table validated without problems."), icon=":material/check_circle:")

overview = pd.DataFrame(
    [
        {
            "Table": spec["title"],
            "File": spec["file"],
            "Rows loaded": pack.status[name].rows_loaded,
            "Rows in file": pack.status[name].rows_read,
            "Status": (
                "not loaded" if not pack.status[name].loaded
                else "ok" if pack.status[name].rows_loaded == pack.status[name].rows_read
                else f"{pack.status[name].rows_read - pack.status[name].rows_loaded} row(s) left out"
            ),
            "Description": spec["description"],
            "Licence": spec["license"],
        }
        for name, spec in meta["tables"].items()
    ]
)
st.subheader(t("Tables"))
st.dataframe(overview, hide_index=True, width="stretch")

if pack.problems:
    st.subheader(t("Problems ({errors} errors, {warnings} warnings)").format(errors=len(errors),
                                                                            warnings=len(warnings)))
    st.dataframe(
        pd.DataFrame(
            [
                {"Severity": p.severity, "File": p.file, "Row": p.row, "Column": p.column, "Value": p.value,
                 "Problem": p.message, "Rule": p.rule}
                for p in pack.problems
            ]
        ),
        hide_index=True,
        width="stretch",
        column_config={"Row": st.column_config.NumberColumn(help=t("Spreadsheet row: the header is row 1"))},
    )

st.subheader(t("Browse a table"))
names = list(meta["tables"])
choice = st.selectbox(t("Table"), names, format_func=lambda n: meta["tables"][n]["title"], key="browse_table")
spec = meta["tables"][choice]
st.dataframe(
    pack.tables[choice],
    hide_index=True,
    width="stretch",
    column_config={col: st.column_config.Column(help=info["description"]) for col, info in spec["columns"].items()},
)
with st.expander(t("Column dictionary")):
    st.dataframe(
        pd.DataFrame(
            [{"Column": col, "Type": info["type"], "Unit": info.get("unit", ""), "Meaning": info["description"],
              "Allowed values": ", ".join(info.get("values", []))}
             for col, info in spec["columns"].items()]
        ),
        hide_index=True,
        width="stretch",
    )

st.subheader(t("Sources"))
st.dataframe(
    pack.tables["sources"],
    hide_index=True,
    width="stretch",
    column_config={"url": st.column_config.LinkColumn("url")},
)

st.caption(t("Licence: {licence}.").format(licence=meta["license"]) + f" {meta['boundaries']['attribution']}.")
