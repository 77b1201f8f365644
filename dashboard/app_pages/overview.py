"""Overview: headline figures for the current filter, incidents and victims per year against policy milestones,
and the most recent incidents."""

import streamlit as st

from components.figures import yearly as charts
from components.views import summary
from dashboard import data, details, frame
from dashboard.data import arrow_of, current_pack

pack = current_pack()
filters = st.session_state["filters"]
t = frame.t()
view = data.overview(pack, filters.key())
n_events = view.incidents

st.title(t("Terrorism and counter-terrorism in Kazakhstan, 1991-2016"))
frame.filter_statement(filters, n_events)

for i, (col, tile) in enumerate(zip(st.columns(4), view.tiles)):
    col.metric(tile.label, tile.value, help=tile.help, border=True)
    if i:  # the incidents' kinds are in the sidebar's filter; the unknowns belong under their figure
        col.caption(tile.note)
if view.disputed:
    st.caption(frame.escape_md(view.disputed_sentence + t("; the figures above use the data pack's values. Open "
                                                          "an incident to see the alternatives.")))

with st.expander(t("What the incident table covers, and what it leaves out")):
    st.markdown(frame.escape_md(t(summary.COVERAGE)))
    if view.coverage:
        st.markdown(frame.escape_md(view.coverage))
    if view.left_out:
        st.markdown(frame.escape_md(view.left_out))
    st.caption(t("The criteria in full, and how each year 1991-2016 was searched: 'Sources and data'. Each "
                 "incident's detail says which criteria it meets."))

st.subheader(t("Incidents and victims per year, with policy milestones"))
fig = data.yearly_figure(pack, filters.key())
state = st.plotly_chart(
    fig, key="overview_chart", on_select="rerun", selection_mode="points", config={"displaylogo": False},
    alt=view.chart_alt,
)
points = (state or {}).get("selection", {}).get("points", []) if state else []
policy_ids = [p["customdata"][0] for p in points if isinstance(p.get("customdata"), list) and p["customdata"]]
details.open_once("policy", policy_ids[0] if policy_ids else None, pack)
st.caption(t(charts.YEARLY_NOTE))
frame.source_line(t("incidents and policy milestones from the data pack (events and policies tables), each row "
                    "citing its own sources; see 'Sources and data'. Click a milestone for its detail."))
with st.expander(t("View as table")):
    year_table, milestone_table = view.year_tables
    st.dataframe(arrow_of(year_table), hide_index=True, width="stretch")
    st.dataframe(arrow_of(milestone_table), hide_index=True, width="stretch",
                 column_config={t("date"): st.column_config.DateColumn(format="YYYY-MM-DD")})

st.subheader(t("Most recent incidents"))
if not n_events:
    st.info(t("No incident matches these filters. Widen the years or clear a filter in the sidebar."),
            icon=":material/filter_alt_off:")
else:
    table = st.dataframe(
        arrow_of(view.recent), hide_index=True, width="stretch", key="recent", on_select="rerun",
        selection_mode="single-row",
        column_config={"date": st.column_config.DateColumn(t("Date"), format="YYYY-MM-DD"), "place": t("Place"),
                       "region": t("Region"), "attack_type": t("Attack type"),
                       "classification": t("Classification"),
                       "killed": st.column_config.TextColumn(t("Killed"), help=t("Victims, excluding perpetrators")),
                       "injured": st.column_config.TextColumn(t("Injured"))},
    )
    rows = table["selection"]["rows"] if table else []
    details.open_once("event", view.recent_ids[rows[0]] if rows else None, pack)
    st.caption(t("Select a row to see every field, the disagreements between sources and the sources themselves."))
details.translation_note(t)  # the milestones' titles, the places and the coverage come from the data pack
