"""Memoised view builders shared by the pages and the presentation slides. Each takes the pack first and only
hashable arguments after it; call them through ``dashboard.data.memo`` and treat the results as read-only."""

from __future__ import annotations

from components import charts, mapping, summary
from components import stats_charts as sc
from components import timeline as tl
from components.datapack import DataPack
from components.filters import Filters
from dashboard.data import filtered_events


def yearly_view(pack: DataPack, key: tuple):
    """Per-year table, policy milestones and the overview figure for a filter (make_subplots is slow)."""
    f = Filters.from_key(key)
    per_year = summary.per_year(filtered_events(pack, key), f.years)
    rows = charts.milestones(pack.tables["policies"], f.years)
    return per_year, rows, charts.make_yearly_figure(per_year, rows)


def map_view(pack: DataPack, key: tuple, shade: str, basemap: bool):
    """Deck, legend and ``mapping.Aggregation`` (incidents drawn one by one, or as grid cells above
    ``mapping.POINT_LIMIT``) for a filter. The deck's JSON is built here, once per filter, not on every rerun."""
    f = Filters.from_key(key)
    events = filtered_events(pack, key)
    deck = mapping.make_map(events, pack.boundaries, shade, basemap, all_events=pack.tables["events"],
                            region_filter=f.regions)
    deck.to_json()  # serialised once (CompactDeck keeps it), inside the memoised builder
    return deck, mapping.legend_items(events, pack.boundaries, shade, f.regions), mapping.aggregation(events)


def map_table(pack: DataPack, key: tuple):
    """The map's 'View as table' for a filter (at most mapping.TABLE_LIMIT rows, the most recent)."""
    return mapping.incident_table(filtered_events(pack, key))


def timeline_figure(pack: DataPack, key: tuple):
    f = Filters.from_key(key)
    t = pack.tables
    return tl.make_timeline_figure(f.apply_years(t["policies"]), t["phases"], filtered_events(pack, key),
                                   t["banned_organisations"], years=f.years)


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
    return STATS_FIGURES[name](pack.tables["statistics"], pack.sources_by_id())


def sources_of(pack: DataPack) -> dict:
    return pack.sources_by_id()


def stats_chart_text(pack: DataPack, ids: tuple[str, ...], with_comparators: bool) -> dict:
    """The words around a statistics chart: its source line, the reliability of that source, the caveats of its rows
    (as (metric, value, caveat) triples) and the contradictions recorded on them. None depend on the filters."""
    stats, sources = pack.tables["statistics"], pack.sources_by_id()
    line = sc.chart_source_line(stats, ids, sources)
    if with_comparators:
        comp = sc.chart_source_line(stats, ids, sources, comparators=True)
        line = f"{line} (source document); comparators: {comp}" if comp else line
    rows = sc.stat_rows(stats, sources, list(ids))
    return {"line": line, "reliability": sc.reliability_text(stats, ids, sources),
            "caveats": [(r["Metric"], r["Value"], r["Caveat"]) for r in rows.to_dict("records") if r["Caveat"]],
            "disagreements": sc.contradiction_notes(pack.tables["contradictions"], ids)}


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
    return {"incidents": len(events), "headline": summary.headline(events),
            "disputed": summary.disputed_count(events), "recent_ids": recent["event_id"].tolist(), "recent": shown}
