"""The map's view model: how the incidents of a filter are drawn (one by one, or summed into grid cells), the
legend, the sentences under the map (points at the same place, points that overlap at the starting zoom,
coordinate precision), the incidents without coordinates, and the map's text alternatives. Shared by the map page,
its presentation slide and the briefing pack's map page. The deck itself is drawn by ``components.map``."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components.filters import Filters
from components.map import clusters, regions
from components.map import legend as map_legend
from components.pack.load import DataPack
from components.text import clean, plural
from components.text import date_short as short_date

MISSING_LISTED = 20  # incidents without coordinates named in print; beyond, counted
SAME_PLACE = "Points are never moved or spread apart, so incidents at the same place overlap."


@dataclass(frozen=True)
class MapView:
    incidents: int
    located: int
    aggregation: clusters.Aggregation
    regions: int  # regions drawn (boundaries)
    settlement: int  # located incidents whose point is a settlement or area centre, not the site
    missing: list[tuple[str, str]]  # (place, date) of incidents without coordinates, the first MISSING_LISTED
    missing_more: int
    overlap_text: str  # the page's note on points at one place or overlapping at the starting zoom ('' if none)

    def alt(self, shade: str) -> str:
        """The page's text alternative for the map shaded by ``shade``."""
        agg, shaded = self.aggregation, regions.SHADE_OPTIONS[shade].lower()
        head = f"Map of Kazakhstan's {self.regions} regions shaded by {shaded}, with "
        if agg.aggregated:
            return (head + f"{agg.located:,} incidents summed into {agg.cells:,} grid cells of {clusters.CELL_DEG:g} "
                    "degrees, each drawn as a circle at the cell's centre whose area is proportional to its "
                    "incidents. The most recent incidents are listed under 'View as table'.")
        return head + (f"{plural(agg.located, 'incident point')}. The same incidents are listed under "
                       "'View as table'.")

    @property
    def slide_alt(self) -> str:
        agg = self.aggregation
        if agg.aggregated:
            return (f"Map of Kazakhstan's regions shaded by incidents, with {agg.located:,} incidents summed into "
                    f"{agg.cells:,} grid cells.")
        return f"Map of Kazakhstan's regions shaded by incidents, with {plural(self.located, 'incident')} drawn."

    @property
    def headline(self) -> str:
        """'93,000 incidents shown as 22 grid cells of 0.5°; ...' as a sentence ('' when drawn one by one)."""
        text = self.aggregation.sentence()
        return text[:1].upper() + text[1:] + "." if text else ""

    def print_notes(self, overlap: str = "") -> list[str]:
        """The notes beside the briefing pack's map image (``overlap``: what the image labels as overlapping)."""
        n, agg = self.incidents, self.aggregation
        if agg.aggregated:
            notes = [f"{self.located:,} incidents are too many to draw one by one: they are summed into "
                     f"{agg.cells:,} grid cells of {clusters.CELL_DEG:g}\u00b0, each drawn as a circle at the cell's "
                     "centre (not at an incident's place) whose area is proportional to its incidents; the bigger "
                     "cells carry their count."
                     + ("" if self.located == n else f" {n - self.located:,} incidents have no coordinates.")]
        else:
            notes = [f"All {plural(n, 'incident')} of this view are drawn." if self.located == n and n > 1 else
                     "The incident of this view is drawn." if self.located == n else
                     f"{self.located} of the {plural(n, 'incident')} of this view are drawn."]
            if self.missing:
                notes.append("Not on the map (no coordinates): " + "; ".join(f"{p} ({d})" for p, d in self.missing)
                             + (f"; and {self.missing_more:,} more." if self.missing_more else "."))
        if overlap:
            notes.append(f"Points that overlap: {clean(overlap)}.")
        if self.settlement and agg.aggregated:
            notes.append(f"The coordinates of {self.settlement:,} of the {self.located:,} incidents mark the centre "
                         "of the named settlement or area, not the incident site.")
        elif self.settlement:
            notes.append(("The point marks" if self.located == 1 else
                          f"{self.settlement} of the {self.located} points mark")
                         + " the centre of the named settlement or area, not the incident site.")
        return notes + ["Albers equal-area projection; no basemap."]


def overlap_text(events: pd.DataFrame, aggregated: bool) -> str:
    """The note under the map on incidents drawn at the same point or overlapping at the starting zoom ("" when
    none do, and when the incidents are drawn as grid cells)."""
    if aggregated:
        return ""
    groups = clusters.colocated(events)
    nearby = clusters.nearby_sentence(clusters.nearby_clusters(events))
    if not groups and not nearby:
        return ""
    text = SAME_PLACE
    if groups:
        text += " Same point: " + clusters.colocated_sentence(groups) + "."
    if nearby:
        text += " Overlapping at the starting zoom (zoom in to separate them): " + nearby + "."
    return text + " Every incident is listed under 'View as table'."


def build(pack: DataPack, filters: Filters, events: pd.DataFrame) -> MapView:
    located = clusters.located_mask(events)
    agg = clusters.aggregation(events)
    missing = events[~located]
    shown = missing.head(MISSING_LISTED).to_dict("records")
    features = (pack.boundaries or {}).get("features", [])
    return MapView(
        incidents=len(events), located=int(located.sum()), aggregation=agg,
        regions=len(features) or len(pack.tables["regions"]),
        settlement=int((events.loc[located, "coord_precision"] != "site").sum()),
        missing=[(clean(r["place"]), short_date(r["date"], r["date_precision"])) for r in shown],
        missing_more=len(missing) - len(shown), overlap_text=overlap_text(events, agg.aggregated))


def legend(pack: DataPack, filters: Filters, events: pd.DataFrame, shade: str) -> tuple[str, str]:
    """The map's legend as SVG and as text (its alt)."""
    items = map_legend.legend_items(events, pack.boundaries, shade, filters.regions)
    note = ("Regions are shaded by the known figures: where some incidents lack one, the tooltip says "
            "'at least'." if shade == "victims" else "")
    return map_legend.legend_svg(items, note=note), map_legend.legend_text(items)
