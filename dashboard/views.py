"""Memoised view builders shared by the pages and the presentation slides. Each takes the pack first and only
hashable arguments after it; call them through ``dashboard.data.memo`` and treat the results as read-only."""

from __future__ import annotations

from components import charts, mapping, summary
from components import stats_charts as sc
from components import timeline as tl
from components.datapack import DataPack
from components.filters import Filters


def yearly_view(pack: DataPack, key: tuple):
    """Per-year table, policy milestones and the overview figure for a filter (make_subplots is slow)."""
    f = Filters.from_key(key)
    per_year = summary.per_year(f.apply(pack.tables["events"]), f.years)
    rows = charts.milestones(pack.tables["policies"], f.years)
    return per_year, rows, charts.make_yearly_figure(per_year, rows)


def map_view(pack: DataPack, key: tuple, shade: str, basemap: bool):
    """Deck and legend for a filter (building and serialising the polygons is the map's main cost)."""
    f = Filters.from_key(key)
    events = f.apply(pack.tables["events"])
    deck = mapping.make_map(events, pack.boundaries, shade, basemap, all_events=pack.tables["events"],
                            region_filter=f.regions)
    return deck, mapping.legend_items(events, pack.boundaries, shade, f.regions)


def timeline_figure(pack: DataPack, key: tuple):
    f = Filters.from_key(key)
    t = pack.tables
    return tl.make_timeline_figure(f.apply_years(t["policies"]), t["phases"], f.apply(t["events"]),
                                   t["banned_organisations"], years=f.years)


STATS_FIGURES = {"age": sc.make_age_figure, "prosecution": sc.make_prosecution_figure,
                 "fighters": sc.make_foreign_fighters_figure}


def stats_figure(pack: DataPack, name: str):
    """One of the statistics figures (they do not depend on the filters)."""
    return STATS_FIGURES[name](pack.tables["statistics"], pack.sources_by_id())


def sources_of(pack: DataPack) -> dict:
    return pack.sources_by_id()
