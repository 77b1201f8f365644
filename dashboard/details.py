"""Detail dialogs of an incident or a policy milestone: every field, disagreements, sources as links; in Kazakh and
Russian each translated text marked as the project's translation (or an official name) with its English original
offered beside it. Also the one standard note on translated data texts that pages show (``translation_note``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.i18n import DEFAULT, N_, Translator
from components.pack.load import DataPack
from components.pack.schema import translated_columns
from components.pack.translate import TRANSLATION_SUFFIX
from components.text import web_url
from components.views import details
from components.views.sources import alternative_md
from dashboard import data
from dashboard.frame import escape_md

TRANSLATION_NOTE = N_("Texts from the data pack are the project's translation; the English original is authoritative.")
MARKS = {"project": N_("project's translation; the English original is authoritative"),
         "official": N_("official name")}
BAN_HEADERS = {"organisation": N_("Organisation"), "name_in_source": N_("Name as written in the source"),
               "court": N_("Court"), "designation": N_("Designation"), "notes": N_("Notes")}


def translation_note_text(t: Translator) -> str:
    """The standard note on the data pack's texts in Kazakh and Russian ('' in English)."""
    return "" if t.lang == DEFAULT else t(TRANSLATION_NOTE)


def translation_note(t: Translator) -> None:
    """The standard caption of a page that shows the data pack's texts: in Kazakh and Russian they are the project's
    translation and the English is authoritative (nothing in English)."""
    note = translation_note_text(t)
    if note:
        st.caption(note)


def _mark(t: Translator, basis: str) -> str:
    """The marker after a translated text (markdown): '' when it is not translated."""
    return f" :gray-badge[{escape_md(t(MARKS[basis]))}]" if basis in MARKS else ""


def _fields(pack: DataPack, table: str, record_id: str, fields: list[details.Field]) -> None:
    # one block with line breaks: compact enough to read every field without scrolling far
    st.markdown("  \n".join(f"**{escape_md(f.label)}:** {escape_md(f.value)}"
                            + _mark(pack.t, details.basis_of(pack, table, record_id, f.columns)) for f in fields))


def _text(pack: DataPack, table: str, row: dict, column: str, id_column: str) -> str:
    """A data text of the record as markdown: escaped, marked when translated; a quotation verbatim with its
    translation beside it, marked as a translation."""
    t = pack.t
    basis = details.basis_of(pack, table, row[id_column], (column,))
    if translated_columns(pack.metadata).get((table, column)) != "quote":
        return escape_md(row[column]) + _mark(t, basis)
    translation = row.get(column + TRANSLATION_SUFFIX)
    if not isinstance(translation, str):
        return escape_md(row[column])
    return (escape_md(row[column]) + "  \n" + escape_md(t("Translation: {text}").format(text=translation))
            + _mark(t, basis or "project"))


def _originals(pack: DataPack, table: str, record_id: str, fields: list[tuple[str, tuple[str, ...]]]) -> None:
    """'English original': the English of every translated text of the record (Kazakh and Russian only)."""
    originals = details.originals(pack, table, record_id, fields)
    if not originals:
        return
    with st.expander(pack.t("English original")):
        st.markdown("  \n".join(f"**{escape_md(label)}:** {escape_md(english)}" for label, english in originals))


def _sources(cell: object, pack: DataPack) -> None:
    t = pack.t
    known = pack.sources_by_id()
    st.markdown(f"**{t('Sources')}**")
    for entry in details.source_entries(cell, known):
        citation = entry["citation"] if entry["id"] in known else t("{id} (not in the sources table)").format(
            id=entry["id"])
        url = web_url(entry["url"])
        st.markdown(f"- {escape_md(citation)}" + (f" — [{t('link')}]({url})" if url else ""))


def _alternatives(t: Translator, others: list[dict], what: str) -> None:
    """'Where sources disagree': each other value with its status, note and linked sources, then how the data pack
    chose the value it uses (the contradiction's rule), once per contradiction."""
    if not others:
        st.markdown(t("**Where sources disagree:** no disagreement recorded for this incident.") if what == "incident"
                    else t("**Where sources disagree:** no disagreement recorded for this milestone."))
        return
    st.markdown(t("**Where sources disagree** (the figures above are the values used; these are the others)"))
    st.markdown("\n".join(alternative_md(d, t) for d in others))
    rules = {d["contradiction_id"]: d for d in others if d["contradiction_id"]}
    for cid, d in rules.items():
        st.caption(t("{id} · {topic}. Value used: {value}").format(id=escape_md(cid), topic=escape_md(d["topic"]),
                                                                  value=escape_md(d["value_used"])))


def _checks(pack: DataPack, table: str, record_id: str) -> None:
    """The verification record of the row: what each source read says, figure by figure."""
    checks = data.record_checks(pack, table, record_id)
    if checks.empty:
        return
    with st.expander(pack.t.n("What each source read says, figure by figure ({n} check)",
                              "What each source read says, figure by figure ({n} checks)", len(checks))):
        st.dataframe(checks, hide_index=True, width="stretch")


def _bans_of(pack: DataPack, policy_id: str) -> pd.DataFrame:
    bans = pack.tables["banned_organisations"]
    return bans[bans["policy_id"] == policy_id]


def event_dialog(pack: DataPack, event_id: str) -> None:
    st.dialog(pack.t("Incident"), width="large")(render_event)(pack, event_id)


EVENT_TEXTS = ("place", "summary")  # the incident's texts shown above its fields


def render_event(pack: DataPack, event_id: str) -> None:
    t = pack.t
    events = pack.tables["events"]
    match = events[events["event_id"] == event_id]
    if match.empty:
        st.warning(t("No incident with id {id}.").format(id=escape_md(event_id)))
        return
    row = match.iloc[0].to_dict()
    st.subheader(f"{escape_md(row['place'])}, {details.date_text(row['date'], row['date_precision'], t)}")
    st.markdown(_text(pack, "events", row, "summary", "event_id"))
    others = data.record_alternatives(pack, "events", event_id)
    if others:
        st.info(t("Sources disagree on this incident: see 'Where sources disagree' below."), icon=":material/balance:")
    fields = details.event_details(row, t)
    _fields(pack, "events", event_id, fields)
    _originals(pack, "events", event_id, [(t(details.TEXT_LABELS["summary"]), ("summary",)),
                                          *((f.label, f.columns) for f in fields)])
    _alternatives(t, others, "incident")
    _sources(row["source_ids"], pack)
    _checks(pack, "events", event_id)
    st.caption(t("Record id: {id}").format(id=escape_md(event_id)))


def policy_dialog(pack: DataPack, policy_id: str) -> None:
    st.dialog(pack.t("Policy milestone"), width="large")(render_policy)(pack, policy_id)


def render_policy(pack: DataPack, policy_id: str) -> None:
    t = pack.t
    policies = pack.tables["policies"]
    match = policies[policies["policy_id"] == policy_id]
    if match.empty:
        st.warning(t("No policy milestone with id {id}.").format(id=escape_md(policy_id)))
        return
    row = match.iloc[0].to_dict()
    st.subheader(escape_md(row["title"]))
    basis = details.basis_of(pack, "policies", policy_id, ("title",))
    if basis:
        st.markdown(_mark(t, basis).strip())
    fields = details.policy_details(row, t)
    _fields(pack, "policies", policy_id, fields)
    _originals(pack, "policies", policy_id, [(t(details.TEXT_LABELS["title"]), ("title",)),
                                             *((f.label, f.columns) for f in fields)])
    _alternatives(t, data.record_alternatives(pack, "policies", policy_id), "milestone")
    bans = _bans_of(pack, policy_id)
    if not bans.empty:
        _bans(pack, bans)
    _sources(row["source_ids"], pack)
    _checks(pack, "policies", policy_id)
    st.caption(t("Record id: {id}").format(id=escape_md(policy_id)))


def _bans(pack: DataPack, bans: pd.DataFrame) -> None:
    """The organisations a court-ban milestone banned: names as the source wrote them, designations by their labels;
    in Kazakh and Russian the English of the translated cells beside them."""
    t = pack.t
    st.markdown(f"**{t('Organisations banned by this decision')}**")
    shown = bans[list(BAN_HEADERS)].fillna("")
    if t.lang != DEFAULT:
        shown = shown.assign(designation=[t.value("designation", v) for v in shown["designation"]])
    st.dataframe(shown, hide_index=True, width="stretch",
                 column_config={col: t(label) for col, label in BAN_HEADERS.items()})
    columns = [(t(label), (col,)) for col, label in BAN_HEADERS.items()]
    originals = [(f"{org} · {label}", english) for org, ban_id in zip(bans["organisation"], bans["ban_id"])
                 for label, english in details.originals(pack, "banned_organisations", ban_id, columns)]
    if originals:
        st.caption(translation_note_text(t))
        with st.expander(t("English original of the organisations' entries")):
            st.markdown("  \n".join(f"**{escape_md(label)}:** {escape_md(english)}" for label, english in originals))


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
