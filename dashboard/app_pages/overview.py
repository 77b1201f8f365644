"""Overview: headline figures for the current filter, incidents and victims per year against policy milestones,
and the most recent incidents."""

import streamlit as st

from components.figures import yearly as charts
from components.figures import yearly_web as charts_web
from components.views import summary
from dashboard import data, details, frame
from dashboard.data import arrow_of, current_pack


def _choose_recent() -> None:
    """The incident chosen opens its record once; the list goes back to its placeholder, so the same incident can
    be opened again after its dialog is closed."""
    st.session_state["_recent_chosen"] = st.session_state["recent"]
    st.session_state["recent"] = None


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
# Vega-Lite, not Plotly, on the first page every visitor opens: Plotly's script was the largest part of its first
# render (components/figures/yearly_web.py)
state = st.vega_lite_chart(data.yearly_spec(pack, filters.key()), key="overview_chart", on_select="rerun",
                           selection_mode=[charts_web.SELECTION], alt=view.chart_alt, width="stretch")
details.open_once("policy", charts_web.selected_policy(state), pack)
st.caption(t(charts.YEARLY_NOTE))
frame.source_line(t("incidents and policy milestones from the data pack (events and policies tables), each row "
                    "citing its own sources; see 'Sources and data'. Click a milestone for its detail."))
with frame.table_box(t("View as table"), "overview") as table_box:
    if table_box.open:
        year_table, milestone_table = view.year_tables
        st.dataframe(arrow_of(year_table), hide_index=True, width="stretch")
        st.dataframe(arrow_of(milestone_table), hide_index=True, width="stretch",
                     column_config={t("date"): st.column_config.DateColumn(format="YYYY-MM-DD")})

st.subheader(t("Most recent incidents"))
if not n_events:
    st.info(t("No incident matches these filters. Widen the years or clear a filter in the sidebar."),
            icon=":material/filter_alt_off:")
else:
    # a plain table (text a screen reader reads and a briefing's screenshot keeps), and a list to open a record
    st.table(arrow_of(view.recent_table), hide_index=True, border="horizontal",
             alt=t("The {n} most recent incidents of the filter: date, place, region, attack type, victims killed "
                   "and injured, classification.").format(n=t.number(len(view.recent_ids))))
    st.caption(t("Killed: victims, excluding perpetrators; \"unknown\" where no source gives a figure."))
    st.selectbox(t("Open an incident's record"), view.recent_ids, index=None, key="recent",
                 format_func=view.recent_choice, placeholder=t("Choose an incident of the list"),
                 help=t("Every field, the disagreements between sources and the sources themselves."),
                 on_change=_choose_recent)
    chosen = st.session_state.pop("_recent_chosen", None)
    if chosen:  # each choice opens the record, the same incident again included
        details.event_dialog(pack, chosen)
details.translation_note(t)  # the milestones' titles, the places and the coverage come from the data pack
