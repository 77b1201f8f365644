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
