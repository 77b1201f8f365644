"""The policy timeline's tables: its 'View as table' alternative, the table of banned organisations, and the counts
and sentences the page prints beside them. Pure code: DataFrames in, DataFrames or text out; no Streamlit, no I/O.

The figure (``timeline.py``) builds its hovers from the record texts defined here (``ban_sentence``,
``victims_text``), so a hover and its table row say the same thing. Every public name here is also importable from
``components.figures.timeline``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from components.figures import style
from components.i18n import ENGLISH, N_, Translator
from components.pack import alternatives as alt
from components.pack.values import is_blank
from components.text import date_iso

# The columns as the builders name them (English); the tables shown carry each header in the language, ``t(col)``.
TABLE_COLUMNS = [N_("Date"), N_("Date precision"), N_("Date note"), N_("Lane"), N_("Category"), N_("Title"),
                 N_("Organisations banned"), N_("Notes and disagreements"), N_("Sources"), N_("Record id")]
BANS_COLUMNS = [N_("Decision date"), N_("Court"), N_("Organisation"), N_("Name as written in the source"),
                N_("Designation"), N_("Designation note"), N_("Notes"), N_("Decision (policy timeline)"),
                N_("Record id")]


def in_years(df: pd.DataFrame, years: tuple[int, int], column: str = "date") -> pd.DataFrame:
    """The rows dated within the years (inclusive); the table itself when every row is in (read-only use)."""
    if df is None or df.empty:
        return df.iloc[0:0] if df is not None else pd.DataFrame()
    mask = df[column].dt.year.between(*years).fillna(False).astype(bool)
    return df if bool(mask.all()) else df[mask]


def _plain(value: object) -> str:
    return "" if is_blank(value) else str(value)


def _sources_text(value: object) -> str:
    return "" if is_blank(value) else str(value).replace(";", "; ")


def precise_date(value: pd.Timestamp, precision: str, t: Translator = ENGLISH) -> str:
    """Sortable date text no more precise than known (``text.date_iso``), its '(approx.)' and 'unknown' in the
    language of ``t``."""
    text = date_iso(value, precision)
    if t.lang == ENGLISH.lang:
        return text
    if is_blank(value):
        return t("unknown")
    return text.replace(" (approx.)", " " + t("(approx.)")) if precision == "approximate" else text


def translated_headers(df: pd.DataFrame, t: Translator = ENGLISH) -> pd.DataFrame:
    """The table with its column headers in the language of ``t`` (the frame itself in English)."""
    return df if t.lang == ENGLISH.lang else df.rename(columns={c: t(c) for c in df.columns})


# ---------------------------------------------------------------------------------------------------- record texts
def victims_text(value: object, t: Translator = ENGLISH) -> str:
    return t("unknown (no figure in the sources)") if is_blank(value) else str(int(value))


def bans_by_policy(bans: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The banned organisations of each court decision, keyed by the decision's policy_id."""
    if bans is None or bans.empty:
        return {}
    return {str(pid): grp for pid, grp in bans.groupby("policy_id", sort=False)}


def ban_sentence(rows: pd.DataFrame, t: Translator = ENGLISH) -> str:
    """Plain text, e.g. 'Supreme Court of the Republic of Kazakhstan bans 4 organisations: Al-Qaeda, ...'."""
    courts = list(dict.fromkeys(str(c) for c in rows["court"] if not is_blank(c)))
    court = " / ".join(courts) if courts else t("A court")
    orgs = [str(o) for o in rows["organisation"]]
    return t("{court} bans {organisations}: {names}").format(
        court=court, organisations=t.n("{n} organisation", "{n} organisations", len(orgs)), names=", ".join(orgs))


# ---------------------------------------------------------------------------------------------------- view as table
def _policy_row(r: dict, bans: pd.DataFrame | None, lane_rank: Mapping[str, int], t: Translator = ENGLISH) -> dict:
    lane = style.lane_of(r["category"])
    return {
        "_date": r["date"], "_rank": lane_rank.get(lane, 99),
        "Date": precise_date(r["date"], r["date_precision"], t),
        "Date precision": t.value("date_precision", r["date_precision"]),
        "Lane": t(lane), "Category": t.value("category", r["category"]), "Title": r["title"],
        "Organisations banned": ban_sentence(bans, t) if bans is not None and not bans.empty else "",
        "Date note": _plain(r.get("date_note")),
        "Notes and disagreements": "; ".join(t for t in (_plain(r.get("notes")), _plain(r.get(alt.DERIVED))) if t),
        "Sources": _sources_text(r.get("source_ids")),
        "Record id": r["policy_id"],
    }


EVENT_ROW_COLUMNS = ("event_id", "date", "date_precision", "date_note", "event_type", "attack_type",
                     "attack_description", "place", "region", "killed", "disagreements", "source_ids")


def _event_row(r: dict, lane_rank: Mapping[str, int], t: Translator = ENGLISH) -> dict:
    what = (r.get("attack_description") if not is_blank(r.get("attack_description"))
            else t.value("attack_type", r.get("attack_type")))
    return {
        "_date": r["date"], "_rank": lane_rank[style.INCIDENTS_LANE],
        "Date": precise_date(r["date"], r["date_precision"], t),
        "Date precision": t.value("date_precision", r["date_precision"]),
        "Lane": t(style.INCIDENTS_LANE), "Category": t.value("event_type", r["event_type"]),
        "Title": t("{place} ({region}): {what}; victims killed: {victims}").format(
            place=r["place"], region=t.value("region", r["region"]), what=what,
            victims=victims_text(r.get("killed"), t)),
        "Organisations banned": "",
        "Date note": _plain(r.get("date_note")), "Notes and disagreements": _plain(r.get("disagreements")),
        "Sources": _sources_text(r.get("source_ids")),
        "Record id": r["event_id"],
    }


def timeline_table(policies: pd.DataFrame, events: pd.DataFrame | None = None, bans: pd.DataFrame | None = None,
                   years: tuple[int, int] | None = None, t: Translator = ENGLISH) -> pd.DataFrame:
    """The items of the figure as rows, in date order: dates only as precise as known (2007-05 for May 2007); the
    headers, lanes and category values in the language of ``t``."""
    if years is not None:
        policies = in_years(policies, years)
        events = in_years(events, years) if events is not None else None
    groups = bans_by_policy(bans) if bans is not None else {}
    lane_rank = {lane: i for i, lane in enumerate(style.LANE_ORDER)}
    rows = [_policy_row(r, groups.get(r["policy_id"]), lane_rank, t) for r in policies.to_dict("records")]
    if events is not None:  # the records of the columns a row reads (the incidents have dozens)
        events = events[[c for c in EVENT_ROW_COLUMNS if c in events]]
    rows += [_event_row(r, lane_rank, t) for r in ([] if events is None else events.to_dict("records"))]
    if not rows:
        return translated_headers(pd.DataFrame(columns=TABLE_COLUMNS), t)
    out = pd.DataFrame(rows).sort_values(["_date", "_rank", "Record id"], kind="stable")
    return translated_headers(out[TABLE_COLUMNS].reset_index(drop=True), t)


def phases_covering(phases: pd.DataFrame, years: tuple[int, int], t: Translator = ENGLISH) -> list[str]:
    """Plain-text names of the phases overlapping the years, e.g. 'Threat seen as external (response, approx.
    1990-2011)'."""
    if phases is None or phases.empty:
        return []
    hit = phases[(phases["end_year"] >= years[0]) & (phases["start_year"] <= years[1])]
    return [t("{label} ({phase_set}, approx. {start}-{end})").format(
                label=r["label"], phase_set=t.value("phase_set", r["phase_set"]), start=int(r["start_year"]),
                end=int(r["end_year"]))
            for r in hit.sort_values(["phase_set", "order"], ascending=[False, True]).to_dict("records")]


# ---------------------------------------------------------------------------------------------------- bans
def bans_table(bans: pd.DataFrame, policies: pd.DataFrame, t: Translator = ENGLISH) -> pd.DataFrame:
    """Banned organisations grouped by court decision (decision date, then court), in the order the data lists
    them within a decision; the headers and designations in the language of ``t``."""
    if bans is None or bans.empty:
        return translated_headers(pd.DataFrame(columns=BANS_COLUMNS), t)
    titles = dict(zip(policies["policy_id"], policies["title"])) if policies is not None else {}
    b = bans.reset_index(drop=True).copy()
    b["_pos"] = range(len(b))
    b = b.sort_values(["decision_date", "court", "_pos"], kind="stable")
    out = pd.DataFrame({
        "Decision date": [precise_date(d, "day", t) for d in b["decision_date"]],
        "Court": b["court"].tolist(),
        "Organisation": b["organisation"].tolist(),
        "Name as written in the source": b["name_in_source"].tolist(),
        "Designation": [t.value("designation", d) for d in b["designation"].astype("string")],
        "Designation note": b["designation_note"].tolist(),
        "Notes": b["notes"].tolist(),
        "Decision (policy timeline)": [titles.get(p, t("(not in the policy timeline)")) for p in b["policy_id"]],
        "Record id": b["ban_id"].tolist(),
    })
    return translated_headers(out.reset_index(drop=True), t)


def decisions_count(bans: pd.DataFrame) -> int:
    """Court decisions behind the bans: distinct (decision date, court) pairs."""
    if bans is None or bans.empty:
        return 0
    return int(bans[["decision_date", "court"]].drop_duplicates().shape[0])


def ban_count_disagreement(contradictions: pd.DataFrame, alternatives: pd.DataFrame | None = None,
                           sources: Mapping | None = None, t: Translator = ENGLISH) -> dict | None:
    """The contradiction row on the number of banned organisations (21 listed vs 23 stated), if the data has it, with
    its other values (from the alternatives table) as ``alternatives``."""
    if contradictions is None or contradictions.empty:
        return None
    topic = contradictions["topic"].fillna("").str.lower()
    ids = contradictions["record_ids"].fillna("").str.lower()
    hit = contradictions[(topic.str.contains("banned organisations") & topic.str.contains("number"))
                         | ids.str.contains("banned-orgs")]
    if hit.empty:
        return None
    row = hit.iloc[0].to_dict()
    others = alt.contradiction_alternatives(alternatives, row["contradiction_id"])
    row["alternatives"] = "; ".join(f"{alt.value_text(a, t)} ({alt.citations(a, sources or {})})" for a in others)
    return row
