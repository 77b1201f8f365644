"""Policy timeline: milestones of counter-terrorism policy in lanes by kind, the incidents, and the approximate
phases of the 2018 Karaganda article; the same as a table; the banned organisations by court decision."""

from __future__ import annotations

import streamlit as st

from components.views import timeline as timeline_view
from dashboard import data, details, frame
from dashboard.data import arrow_of, current_pack

pack = current_pack()
filters = st.session_state["filters"]
tables = pack.tables
view = data.timeline(pack, filters.key())
n_policies, n_events = len(view.policies), view.incidents
span = view.span
TABLE_INCIDENTS = timeline_view.TABLE_INCIDENTS


def selected_ids(state: object) -> list[str]:
    """Record ids of the selected points, read dict-style: state["selection"]["points"][i]["customdata"]."""
    try:
        points = state["selection"]["points"]  # type: ignore[index]
    except (KeyError, TypeError, AttributeError):
        return []
    ids: list[str] = []
    for point in points or []:
        data = point.get("customdata") if hasattr(point, "get") else None
        if isinstance(data, (list, tuple)):
            data = data[0] if data else None
        if isinstance(data, str):
            ids.append(data)
    return ids


t = frame.t()
st.title(t("Policy timeline, 1991-2016"))
frame.filter_statement(filters, n_events)
st.markdown(t("Laws, court bans, programmes, institutions and international agreements, one row per kind, set "
              "against the incidents and the phases of terrorism and of the state's response described in a 2018 "
              "article from Karaganda. Point at a marker for its date and notes; click it for the full record and "
              "its sources."))

if not n_policies and not n_events:
    covering = view.covering
    message = t("No policy milestone and no incident in {span} matches the filters.").format(span=span)
    if covering:
        message += " " + t("The article's phases covering these years: {phases}.").format(phases="; ".join(covering))
    st.info(frame.escape_md(message) + " " + t("Widen the years in the sidebar to see the timeline."),
            icon=":material/filter_alt_off:")
else:
    if view.aggregated:  # said above the chart, where it cannot be missed
        st.info(frame.escape_md(view.aggregated), icon=":material/stacked_bar_chart:")
    fig = data.timeline_figure(pack, filters.key())
    state = st.plotly_chart(
        fig, key="timeline", on_select="rerun", selection_mode="points",
        alt=view.alt,
        # the image export stays in the toolbar; only the plotly logo goes
        config={"displaylogo": False,
                "toImageButtonOptions": {"format": "png", "filename": f"kz-policy-timeline-{span}", "scale": 2}},
    )
    ids = selected_ids(state)
    policy_ids = set(tables["policies"]["policy_id"])
    # (no set of every event id: with a million imported incidents that alone costs a tenth of a second per rerun)
    event_ids = {i for i in ids if i not in policy_ids and bool((tables["events"]["event_id"] == i).any())}
    chosen = next((i for i in ids if i in policy_ids or i in event_ids), None)
    details.open_once("policy", chosen if chosen in policy_ids else None, pack)
    details.open_once("event", chosen if chosen in event_ids else None, pack)

    st.caption(view.key)
    if not n_policies:
        st.info(t("No policy milestone falls in {span}; only incidents are shown.").format(span=span),
                icon=":material/filter_alt_off:")

frame.source_line(t("phases and the list of banned organisations: {article}. Policy rows and incidents cite their "
                    "own sources: see details (click a marker) or the table below.").format(article=view.article))
if pack.status["phases"].loaded:
    st.caption(t("Phases: their start and end years are approximate readings of the article's text (it gives "
                 "periods such as 'the end of the 1990s - the beginning of the 2000s'), so neighbouring phases "
                 "overlap."))
else:
    st.warning(t("The phases table did not load, so no phases are drawn; see 'Data pack checks'."),
               icon=":material/error:")

with frame.table_box(t("View as table"), "timeline") as table_box:
    if table_box.open:  # drawn only when opened: a closed expander sends nothing
        table = data.timeline_table(pack, filters.key())
        if n_events > TABLE_INCIDENTS:
            st.caption(t("Every milestone and the {limit} most recent of the {n} incidents; all the incidents are in "
                         "the CSV download on 'Sources and data'.").format(limit=t.number(TABLE_INCIDENTS),
                                                                           n=t.number(n_events)))
        if table.empty:
            st.write(t("No milestone or incident in {span}.").format(span=span))
        else:
            st.caption(t("Dates are written only as precisely as known: 2007-05 is May 2007 (day unknown); '{approx}' "
                         "marks an approximate date.").format(approx=t("(approx.)")))
            st.caption(t("Select a row (click it, or Shift+Space on a cell) to open its full record."))
            picked = st.dataframe(arrow_of(table), hide_index=True, width="stretch", key="timeline_table",
                                  on_select="rerun", selection_mode="single-row",
                                  column_config={t("Sources"): st.column_config.TextColumn(
                                      help=t("Ids in the sources table ('Sources and data' page)"))})
            # the table is the keyboard's way to the records the chart's markers open (once per new pick)
            rows = list(picked["selection"]["rows"]) if picked else []
            record = str(table.iloc[rows[0]][t("Record id")]) if rows and 0 <= rows[0] < len(table) else None
            if record != st.session_state.get("_timeline_table_pick"):
                st.session_state["_timeline_table_pick"] = record
                if record is not None:
                    (details.policy_dialog if record in set(tables["policies"]["policy_id"]) else
                     details.event_dialog)(pack, record)

st.subheader(t("Banned organisations"))
bans_status = pack.status["banned_organisations"]
if not bans_status.loaded:
    st.warning(t("The banned organisations table did not load, so the list cannot be shown; see 'Data pack "
                 "checks'."),
               icon=":material/error:")
else:
    bans = data.bans(pack, filters.key())
    shown = bans.shown
    st.markdown(frame.escape_md(bans.lead(filters.years, bans_status.rows_read - bans_status.rows_loaded)))
    if bans.disagreement_text:
        st.warning(frame.escape_md(bans.disagreement_text), icon=":material/balance:")
    if shown.empty:
        st.info(t("No court ban in {span}. Widen the years in the sidebar to see the list.").format(span=span),
                icon=":material/filter_alt_off:")
    else:
        st.dataframe(arrow_of(shown), hide_index=True, width="stretch", key="bans_table",
                     column_config={t("Designation"): st.column_config.TextColumn(
                         help=t("{terrorist}, {extremist}, {disputed} (sources differ) or {not_stated} (no source "
                                "says)").format(**{k.replace(" ", "_"): t.value("designation", k) for k in
                                                   ("terrorist", "extremist", "disputed", "not stated")}))})
        st.caption(t("Name as written in the source: exactly as the Karaganda article spells it. Open a court-ban "
                     "marker on the timeline for the decision's sources."))

details.translation_note(t)  # the milestones, phases and bans come from the data pack
