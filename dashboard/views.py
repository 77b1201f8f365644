"""Memoised view builders shared by the pages and the presentation slides. Each takes the pack first and only
hashable arguments after it; call them through ``dashboard.data.memo`` and treat the results as read-only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from components.figures import statistics as sc
from components.figures import timeline as tl
from components.figures import yearly as charts
from components.filters import Filters
from components.map import mapping
from components.pack import alternatives as alt
from components.pack.load import DataPack
from components.text import date_iso, web_url
from components.views import details as details_text
from components.views import summary
from dashboard.data import filtered_events
from dashboard.frame import escape_md


class FrozenFigure(go.Figure):
    """A memoised figure: built once, then only read. Streamlit turns the figure into a dict on every rerun, and
    ``to_dict`` deep-copies every trace; this one does that once and keeps the dict (which is only read: Streamlit
    serialises it to JSON). Anything that would change the figure must work on a copy (``go.Figure(fig)``)."""

    def to_dict(self) -> dict:
        kept = getattr(self, "_frozen_dict", None)
        if kept is None:
            kept = self._frozen_dict = super().to_dict()
        return kept


def frozen(fig: go.Figure) -> FrozenFigure:
    """``fig`` itself, marked as frozen (no copy: a copy of the timeline costs 20 ms)."""
    fig.__class__ = FrozenFigure
    return fig


def yearly_view(pack: DataPack, key: tuple):
    """Per-year table, policy milestones and the overview figure for a filter (make_subplots is slow)."""
    f = Filters.from_key(key)
    per_year = summary.per_year(filtered_events(pack, key), f.years)
    rows = charts.milestones(pack.tables["policies"], f.years)
    return per_year, rows, frozen(charts.make_yearly_figure(per_year, rows))


def map_view(pack: DataPack, key: tuple, shade: str, basemap: bool):
    """Deck and ``mapping.Aggregation`` (incidents drawn one by one, or as grid cells above ``mapping.POINT_LIMIT``)
    for a filter. The deck's JSON is built here, once per filter, not on every rerun. The legend: ``map_legend``."""
    f = Filters.from_key(key)
    events = filtered_events(pack, key)
    deck = mapping.make_map(events, pack.boundaries, shade, basemap, all_events=pack.tables["events"],
                            region_filter=f.regions)
    deck.to_json()  # serialised once (CompactDeck keeps it), inside the memoised builder
    return deck, mapping.aggregation(events)


def map_table(pack: DataPack, key: tuple):
    """The map's 'View as table' for a filter (at most mapping.TABLE_LIMIT rows, the most recent)."""
    return mapping.incident_table(filtered_events(pack, key))


def timeline_figure(pack: DataPack, key: tuple):
    f = Filters.from_key(key)
    t = pack.tables
    return frozen(tl.make_timeline_figure(f.apply_years(t["policies"]), t["phases"], filtered_events(pack, key),
                                          t["banned_organisations"], years=f.years))


TABLE_INCIDENTS = tl.INCIDENT_LIMIT  # incidents in the timeline's 'View as table' (the most recent beyond)


def timeline_table(pack: DataPack, key: tuple):
    """The timeline's 'View as table': every milestone and at most TABLE_INCIDENTS incidents (the most recent)."""
    f = Filters.from_key(key)
    t = pack.tables
    events = filtered_events(pack, key)
    if len(events) > TABLE_INCIDENTS:
        events = events.loc[events["date"].nlargest(TABLE_INCIDENTS, keep="first").index]
    return tl.timeline_table(f.apply_years(t["policies"]), events, t["banned_organisations"])


STATS_FIGURES = {"age": sc.make_age_figure, "prosecution": sc.make_prosecution_figure,
                 "fighters": sc.make_foreign_fighters_figure}


def stats_figure(pack: DataPack, name: str):
    """One of the statistics figures (they do not depend on the filters)."""
    return frozen(STATS_FIGURES[name](sc.chartable(pack.tables["statistics"]), pack.sources_by_id()))


def stats_alt(pack: DataPack, name: str) -> str:
    """The text alternative of a statistics chart, from the rows it draws."""
    return sc.chart_alt(pack.tables["statistics"], name)


def stats_chart_text(pack: DataPack, ids: tuple[str, ...]) -> dict:
    """The words around a statistics chart: its source line (of the source document's rows, and of the comparators'
    where it draws any), the reliability of that source, the caveats of its rows (as (metric, value, caveat)
    triples) and the contradictions recorded on them. None depend on the filters."""
    stats, sources = pack.tables["statistics"], pack.sources_by_id()
    rows = sc.stat_rows(stats, sources, list(ids))
    return {"line": sc.chart_source_line(stats, ids, sources),
            "comparators_line": sc.chart_source_line(stats, ids, sources, comparators=True),
            "reliability": sc.reliability_text(stats, ids, sources),
            "caveats": [(r["Metric"], r["Value"], r["Caveat"]) for r in rows.to_dict("records") if r["Caveat"]],
            "disagreements": sc.contradiction_notes(pack.tables["contradictions"], pack.tables["alternatives"],
                                                    sources, ids)}


def stats_age_text(pack: DataPack) -> tuple[str, str]:
    """(caveat, verbatim quote) of the perpetrators' age shares."""
    stats = pack.tables["statistics"]
    rows = sc.rows_by_id(stats, sc.AGE_IDS)
    caveat = next((r["caveat"] for r in rows.values() if isinstance(r.get("caveat"), str)), "")
    return caveat or sc.age_arithmetic(stats), rows.get(sc.AGE_UNDER_40, {}).get("quote", "")


def stats_topics(pack: DataPack) -> list[tuple[str, int]]:
    """(topic, rows) of the figures no chart draws, in the data dictionary's topic order."""
    order = pack.metadata["tables"]["statistics"]["columns"]["topic"].get("values", [])
    others = sc.other_document_rows(pack.tables["statistics"])
    counts = others["topic"].value_counts()
    topics = [t for t in order if t in counts] + sorted(set(counts.index) - set(order))
    return [(t, int(counts[t])) for t in topics]


RECENT = 8  # incidents in the overview's "most recent" list


def overview_summary(pack: DataPack, key: tuple) -> dict:
    """Headline figures, the count of incidents the sources disagree on, and the most recent incidents (their ids and
    the table shown, unknown figures written out) for a filter."""
    events = filtered_events(pack, key)
    # the latest without sorting a large table: candidates by nlargest (ties kept), then sorted
    candidates = events if len(events) <= 1000 else events.loc[events["date"].nlargest(RECENT, keep="all").index]
    recent = candidates.sort_values("date", ascending=False).head(RECENT)
    shown = summary.display_counts(recent[["date", "place", "region", "attack_type", "killed", "injured",
                                           "classification"]])
    return {"incidents": len(events), "headline": summary.headline(events), "tiles": summary.tiles(events),
            "disputed": summary.disputed_count(events), "recent_ids": recent["event_id"].tolist(), "recent": shown,
            "coverage": summary.coverage_text(events)}


def timeline_text(pack: DataPack, key: tuple) -> dict:
    """The words around the timeline for a filter: counts, the aggregation notice, the alt text, the key to the
    markers, and the citation of the phases' source."""
    f = Filters.from_key(key)
    policies, events, phases = f.apply_years(pack.tables["policies"]), filtered_events(pack, key), pack.tables["phases"]
    aggregated = tl.aggregated_incidents(events, f.years)
    n_imprecise = int(policies["date_precision"].isin(tl.IMPRECISE).sum())
    if not aggregated:
        n_imprecise += int(events["date_precision"].isin(tl.IMPRECISE).sum())
    unknown = int(events["killed"].isna().sum())
    bits = [f"{tl.plural(len(policies), 'milestone')} and {tl.plural(len(events), 'incident')} shown."
            if not aggregated else f"{tl.plural(len(policies), 'milestone')} and {len(events):,} incidents."]
    bits.append(f"Open markers with a dot: date known only to the month or approximate ({n_imprecise} here; "
                "the hover says which)." if n_imprecise else "Every date shown is known to the day.")
    if len(events) and not aggregated:
        bits.append("Filled stars: incidents, larger for more victims killed"
                    + (f"; open stars: {tl.plural(unknown, 'incident')} whose victims killed are unknown, "
                       "not zero." if unknown else "."))
    bits.append("Markers close in time are spread up and down within their row; that position has no meaning. "
                "Drag across the chart to zoom into a period, double-click to zoom out.")
    cited = ";".join(sorted(set(";".join(phases["source_ids"].dropna()).split(";")) - {""}))
    article = "; ".join(e["citation"] for e in details_text.source_entries(cited, pack.sources_by_id()))
    return {"policies": len(policies), "events": len(events), "aggregated": aggregated,
            "alt": tl.figure_alt(policies, events, f.years), "key": " ".join(bits),
            "covering": tl.phases_covering(phases, f.years), "article": article or "the 2018 Karaganda article"}


def bans_view(pack: DataPack, key: tuple) -> dict:
    """The banned organisations for a filter: totals, those decided in the filter's years (as the table shown),
    and the recorded disagreement on the total."""
    f = Filters.from_key(key)
    bans = pack.tables["banned_organisations"]
    table = tl.bans_table(bans, pack.tables["policies"])
    shown = f.apply_years(bans, "decision_date")
    return {"organisations": len(bans), "decisions": tl.decisions_count(bans),
            "shown": table[table["Record id"].isin(set(shown["ban_id"]))], "shown_decisions":
            tl.decisions_count(shown), "disagreement": tl.ban_count_disagreement(pack.tables["contradictions"], pack.tables["alternatives"],
                                                         pack.sources_by_id())}


def map_overlap_text(pack: DataPack, key: tuple) -> str:
    """The note under the map on incidents drawn at the same point or overlapping at the starting zoom ("" when
    none do, and when the incidents are drawn as grid cells)."""
    events = filtered_events(pack, key)
    if mapping.aggregation(events).aggregated:
        return ""
    groups = mapping.colocated(events)
    nearby = mapping.nearby_sentence(mapping.nearby_clusters(events))
    if not groups and not nearby:
        return ""
    text = "Points are never moved or spread apart, so incidents at the same place overlap."
    if groups:
        text += " Same point: " + mapping.colocated_sentence(groups) + "."
    if nearby:
        text += " Overlapping at the starting zoom (zoom in to separate them): " + nearby + "."
    return text + " Every incident is listed under 'View as table'."


def map_legend(pack: DataPack, key: tuple, shade: str) -> tuple[str, str]:
    """The map's legend as SVG and as text (its alt)."""
    items = mapping.legend_items(filtered_events(pack, key), pack.boundaries, shade, Filters.from_key(key).regions)
    note = ("Regions are shaded by the known figures: where some incidents lack one, the tooltip says "
            "'at least'." if shade == "victims" else "")
    return mapping.legend_svg(items, note=note), mapping.legend_text(items)


def contradiction_entries(pack: DataPack) -> list[tuple[str, str]]:
    """(expander label, markdown body) of every contradiction between sources, data text escaped. The other values
    and their sources come from the alternatives table (the records that name the contradiction)."""
    sources = pack.sources_by_id()
    alternatives = pack.tables["alternatives"]
    out = []
    for row in pack.tables["contradictions"].itertuples():
        lines = [f"**Value used, and why:** {escape_md(row.value_used)}"]
        if isinstance(row.record_ids, str):
            lines.append(f"**Rows:** {escape_md(row.table)}: {escape_md(row.record_ids.replace(';', ', '))}")
        others = [alt.describe(a, sources) for a in alt.contradiction_alternatives(alternatives, row.contradiction_id)]
        if others:
            lines.append("**Other values and who gives them:**\n" + "\n".join(alternative_md(d) for d in others))
        out.append((f"{row.contradiction_id} · {escape_md(row.topic)}", "\n\n".join(lines)))
    return out


def alternative_md(d: dict) -> str:
    """One described alternative as a markdown list item: column, value, status, note and linked sources."""
    cites = "; ".join(source_link_md(e) for e in d["sources"])
    note = f" {escape_md(d['note'])}" if d["note"] else ""
    return (f"- **{escape_md(d['label'])}: {escape_md(d['value'])}** ({escape_md(d['status_text'])}).{note} "
            f"Sources: {cites}")


def source_link_md(entry: dict) -> str:
    text = escape_md(entry["citation"])
    url = web_url(entry.get("url"))
    return f"[{text}]({url})" if url else text


def record_alternatives(pack: DataPack, table: str, record_id: str) -> list[dict]:
    """The described alternatives of one record (with their contradictions' topics and rules)."""
    sources = pack.sources_by_id()
    contradictions = {r["contradiction_id"]: r for r in pack.tables["contradictions"].to_dict("records")}
    return [alt.describe(a, sources, contradictions)
            for a in alt.of_record(pack.tables["alternatives"], table, record_id)]


DOCS_DIR = Path(__file__).resolve().parent.parent / "docs"
DOCS = {"criteria": "inclusion_criteria.md", "search_log": "search_log.md"}


AGREES_WORDS = {"yes": "states the value used", "no": "gives another value", "silent": "gives no figure"}


def record_checks(pack: DataPack, table: str, record_id: str):
    """What each source read says on each figure of one record (the verification record), for its detail."""
    checks = pack.tables["source_checks"]
    mine = checks[(checks["table"] == table) & (checks["record_id"] == record_id)]
    sources = pack.sources_by_id()
    return pd.DataFrame({
        "Figure": [alt.column_label(c) for c in mine["column"]],
        "Source": [alt.short_citation(sid, sources) for sid in mine["source_id"]],
        "What it says": mine["says"].tolist(),
        "Agrees": [AGREES_WORDS.get(a, a) for a in mine["agrees"]],
    })


def doc_text(pack: DataPack, name: str) -> str:
    """One of the project's method documents (docs/), as markdown; a short notice when it is missing."""
    try:
        return (DOCS_DIR / DOCS[name]).read_text(encoding="utf-8")
    except OSError:
        return f"(docs/{DOCS[name]} is missing from this installation.)"


def excluded_table(pack: DataPack):
    """The cases considered and left out, as shown on 'Sources and data' (date as precise as known)."""
    ex = pack.tables["excluded"]
    return pd.DataFrame({
        "Date": [date_iso(d, p) for d, p in zip(ex["date"], ex["date_precision"])],
        "Case": ex["title"], "Place": ex["place"], "Rule": ex["rule"], "Why it is left out": ex["reason"],
        "Sources": ex["source_ids"].fillna("").str.replace(";", "; "), "Notes": ex["notes"].fillna("")})


def excluded_summary(pack: DataPack) -> str:
    """'20 cases met in the search are left out: 7 abroad, 5 insufficient information, ...' (from the table)."""
    ex = pack.tables["excluded"]
    if ex.empty:
        return ""
    counts = ex["rule"].value_counts()
    parts = ", ".join(f"{int(n)} {rule}" for rule, n in counts.items())
    return (f"{tl.plural(len(ex), 'case')} met in the search {'is' if len(ex) == 1 else 'are'} left out, each "
            f"with its reason ({parts}): see 'Sources and data'.")


SOURCE_COLUMNS = ["source_id", "core_document", "title", "author", "publisher", "date_published", "date_accessed",
                  "kind", "reliability", "url", "missing_note"]


def sources_table(pack: DataPack):
    """The sources as listed on 'Sources and data' (one object per pack, so its Arrow form is made once)."""
    return pack.tables["sources"][SOURCE_COLUMNS]


def yearly_tables(pack: DataPack, key: tuple):
    """The overview chart's 'View as table': incidents and victims per year (unknowns counted apart) and the
    policy milestones drawn."""
    per_year, rows, _ = yearly_view(pack, key)
    return (per_year.rename(columns={"killed_known": "victims killed (known)",
                                     "killed_unknown": "incidents with unknown victims",
                                     "injured_known": "injured (known)",
                                     "injured_unknown": "incidents with unknown injured"}),
            rows[["date", "category", "title"]])
