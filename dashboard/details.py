"""Detail dialogs of an incident or a policy milestone: every field, disagreements, sources as links."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.pack.load import DataPack
from components.text import web_url
from components.views import details
from components.views.sources import alternative_md
from dashboard import data
from dashboard.frame import escape_md


def _fields(pairs: list[tuple[str, str]]) -> None:
    # one block with line breaks: compact enough to read every field without scrolling far
    st.markdown("  \n".join(f"**{escape_md(label)}:** {escape_md(value)}" for label, value in pairs))


def _sources(cell: object, pack: DataPack) -> None:
    st.markdown("**Sources**")
    for entry in details.source_entries(cell, pack.sources_by_id()):
        url = web_url(entry["url"])
        st.markdown(f"- {escape_md(entry['citation'])}" + (f" — [link]({url})" if url else ""))


def _alternatives(others: list[dict], what: str) -> None:
    """'Where sources disagree': each other value with its status, note and linked sources, then how the data pack
    chose the value it uses (the contradiction's rule), once per contradiction."""
    if not others:
        st.markdown(f"**Where sources disagree:** no disagreement recorded for this {what}.")
        return
    st.markdown("**Where sources disagree** (the figures above are the values used; these are the others)")
    st.markdown("\n".join(alternative_md(d) for d in others))
    rules = {d["contradiction_id"]: d for d in others if d["contradiction_id"]}
    for cid, d in rules.items():
        st.caption(f"{escape_md(cid)} · {escape_md(d['topic'])}. Value used: {escape_md(d['value_used'])}")


def _checks(pack: DataPack, table: str, record_id: str) -> None:
    """The verification record of the row: what each source read says, figure by figure."""
    checks = data.record_checks(pack, table, record_id)
    if checks.empty:
        return
    with st.expander(f"What each source read says, figure by figure ({len(checks)} checks)"):
        st.dataframe(checks, hide_index=True, width="stretch")


def _bans_of(pack: DataPack, policy_id: str) -> pd.DataFrame:
    bans = pack.tables["banned_organisations"]
    return bans[bans["policy_id"] == policy_id]


@st.dialog("Incident", width="large")
def event_dialog(pack: DataPack, event_id: str) -> None:
    render_event(pack, event_id)


def render_event(pack: DataPack, event_id: str) -> None:
    events = pack.tables["events"]
    match = events[events["event_id"] == event_id]
    if match.empty:
        st.warning(f"No incident with id {escape_md(event_id)}.")
        return
    row = match.iloc[0].to_dict()
    st.subheader(f"{escape_md(row['place'])}, {details.date_text(row['date'], row['date_precision'])}")
    st.markdown(escape_md(row["summary"]))
    others = data.record_alternatives(pack, "events", event_id)
    if others:
        st.info("Sources disagree on this incident: see 'Where sources disagree' below.", icon=":material/balance:")
    _fields(details.event_fields(row))
    _alternatives(others, "incident")
    _sources(row["source_ids"], pack)
    _checks(pack, "events", event_id)
    st.caption(f"Record id: {escape_md(event_id)}")


@st.dialog("Policy milestone", width="large")
def policy_dialog(pack: DataPack, policy_id: str) -> None:
    render_policy(pack, policy_id)


def render_policy(pack: DataPack, policy_id: str) -> None:
    policies = pack.tables["policies"]
    match = policies[policies["policy_id"] == policy_id]
    if match.empty:
        st.warning(f"No policy milestone with id {escape_md(policy_id)}.")
        return
    row = match.iloc[0].to_dict()
    st.subheader(escape_md(row["title"]))
    _fields(details.policy_fields(row))
    _alternatives(data.record_alternatives(pack, "policies", policy_id), "milestone")
    bans = _bans_of(pack, policy_id)
    if not bans.empty:
        st.markdown("**Organisations banned by this decision**")
        st.dataframe(bans[["organisation", "name_in_source", "court", "designation", "notes"]].fillna(""),
                     hide_index=True, width="stretch",
                     column_config={"organisation": "Organisation", "name_in_source": "Name as written in the source",
                                    "court": "Court", "designation": "Designation", "notes": "Notes"})
    _sources(row["source_ids"], pack)
    _checks(pack, "policies", policy_id)
    st.caption(f"Record id: {escape_md(policy_id)}")


def open_once(kind: str, record_id: str | None, pack: DataPack) -> None:
    """Open the dialog for a newly selected record (a selection that persists across reruns opens it once)."""
    marker = f"_opened_{kind}"
    if not record_id:
        st.session_state.pop(marker, None)
        return
    if st.session_state.get(marker) == record_id:
        return
    st.session_state[marker] = record_id
    (event_dialog if kind == "event" else policy_dialog)(pack, record_id)
