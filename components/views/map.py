"""The map's view model: how the incidents of a filter are drawn (one by one, or summed into grid cells), the
legend, the sentences under the map (points at the same place, points that overlap at the starting zoom,
coordinate precision), the incidents without coordinates, and the map's text alternatives, in the pack's language.
Shared by the map page, its presentation slide and the briefing pack's map page. The deck itself is drawn by
``components.map``."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components.filters import Filters
from components.i18n import ENGLISH, N_, Translator
from components.map import clusters
from components.map import legend as map_legend
from components.map.points import date_text
from components.pack.load import DataPack
from components.text import clean
from components.text import date_short as short_date

MISSING_LISTED = 20  # incidents without coordinates named in print; beyond, counted
SAME_PLACE = N_("Points are never moved or spread apart, so incidents at the same place overlap.")

# The page's text alternative, by shading and by how the incidents are drawn (one by one, or as grid cells).
_ALT = {
    ("incidents", False): N_("Map of Kazakhstan's {regions} regions shaded by incidents, with {points}. The same "
                             "incidents are listed under 'View as table'."),
    ("victims", False): N_("Map of Kazakhstan's {regions} regions shaded by victims killed, with {points}. The same "
                           "incidents are listed under 'View as table'."),
    ("incidents", True): N_("Map of Kazakhstan's {regions} regions shaded by incidents, with {incidents} summed "
                            "into {cells} of {deg} degrees, each drawn as a circle at the cell's centre whose area "
                            "is proportional to its incidents. The most recent incidents are listed under 'View "
                            "as table'."),
    ("victims", True): N_("Map of Kazakhstan's {regions} regions shaded by victims killed, with {incidents} summed "
                          "into {cells} of {deg} degrees, each drawn as a circle at the cell's centre whose area is "
                          "proportional to its incidents. The most recent incidents are listed under 'View as "
                          "table'."),
}


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
    t: Translator = ENGLISH  # the language of its sentences

    def alt(self, shade: str) -> str:
        """The page's text alternative for the map shaded by ``shade``."""
        agg, t = self.aggregation, self.t
        template = t(_ALT[(shade, agg.aggregated)])
        if agg.aggregated:
            return template.format(regions=t.number(self.regions),
                                   incidents=t.n("{n} incident", "{n} incidents", agg.located),
                                   cells=t.n("{n} grid cell", "{n} grid cells", agg.cells),
                                   deg=clusters.deg_number(clusters.CELL_DEG, t))
        return template.format(regions=t.number(self.regions),
                               points=t.n("{n} incident point", "{n} incident points", agg.located))

    @property
    def slide_alt(self) -> str:
        agg, t = self.aggregation, self.t
        if agg.aggregated:
            return t("Map of Kazakhstan's regions shaded by incidents, with {incidents} summed into {cells}.").format(
                incidents=t.n("{n} incident", "{n} incidents", agg.located),
                cells=t.n("{n} grid cell", "{n} grid cells", agg.cells))
        return t("Map of Kazakhstan's regions shaded by incidents, with {incidents} drawn.").format(
            incidents=t.n("{n} incident", "{n} incidents", self.located))

    @property
    def headline(self) -> str:
        """'93,000 incidents shown as 22 grid cells of 0.5°; ...' as a sentence ('' when drawn one by one)."""
        text = self.aggregation.sentence(self.t)
        return text[:1].upper() + text[1:] + "." if text else ""

    def print_notes(self, overlap: str = "") -> list[str]:
        """The notes beside the briefing pack's map image (``overlap``: what the image labels as overlapping)."""
        n, agg, t = self.incidents, self.aggregation, self.t
        if agg.aggregated:
            note = t("{incidents} are too many to draw one by one: they are summed into {cells} of {deg}, each drawn "
                     "as a circle at the cell's centre (not at an incident's place) whose area is proportional to "
                     "its incidents; the bigger cells carry their count.").format(
                incidents=t.n("{n} incident", "{n} incidents", self.located),
                cells=t.n("{n} grid cell", "{n} grid cells", agg.cells), deg=clusters.deg_text(clusters.CELL_DEG, t))
            if self.located != n:
                note += " " + t.n("{n} incident has no coordinates.", "{n} incidents have no coordinates.",
                                  n - self.located)
            notes = [note]
        else:
            notes = [t.n("All {n} incident of this view are drawn.", "All {n} incidents of this view are drawn.", n)
                     if self.located == n and n > 1 else
                     t("The incident of this view is drawn.") if self.located == n else
                     t("{located} of the {incidents} of this view are drawn.").format(
                         located=t.number(self.located), incidents=t.n("{n} incident", "{n} incidents", n))]
            if self.missing:
                listed = "; ".join(f"{p} ({d})" for p, d in self.missing)
                notes.append(t("Not on the map (no coordinates): {listed}; and {more} more.").format(
                    listed=listed, more=t.number(self.missing_more)) if self.missing_more else
                    t("Not on the map (no coordinates): {listed}.").format(listed=listed))
        if overlap:
            notes.append(t("Points that overlap: {overlap}.").format(overlap=clean(overlap)))
        if self.settlement and agg.aggregated:
            notes.append(t("The coordinates of {settlement} of the {located} incidents mark the centre of the named "
                           "settlement or area, not the incident site.").format(
                settlement=t.number(self.settlement), located=t.number(self.located)))
        elif self.settlement:
            notes.append(t("The point marks the centre of the named settlement or area, not the incident site.")
                         if self.located == 1 else
                         t("{settlement} of the {located} points mark the centre of the named settlement or area, "
                           "not the incident site.").format(settlement=t.number(self.settlement),
                                                            located=t.number(self.located)))
        return notes + [t("Albers equal-area projection; no basemap.")]


def overlap_text(events: pd.DataFrame, aggregated: bool, t: Translator = ENGLISH) -> str:
    """The note under the map on incidents drawn at the same point or overlapping at the starting zoom ("" when
    none do, and when the incidents are drawn as grid cells)."""
    if aggregated:
        return ""
    groups = clusters.colocated(events)
    nearby = clusters.nearby_sentence(clusters.nearby_clusters(events), t)
    if not groups and not nearby:
        return ""
    text = t(SAME_PLACE)
    if groups:
        text += " " + t("Same point: {groups}.").format(groups=clusters.colocated_sentence(groups, t))
    if nearby:
        text += " " + t("Overlapping at the starting zoom (zoom in to separate them): {groups}.").format(groups=nearby)
    return text + " " + t("Every incident is listed under 'View as table'.")


def _missing_date(value: object, precision: object, t: Translator) -> str:
    """An unlocated incident's date in the notes: short in English ('12 Nov 2011'), as the language writes it
    otherwise."""
    return short_date(value, precision) if t.lang == "en" else date_text(value, clean(precision), t)


def build(pack: DataPack, filters: Filters, events: pd.DataFrame, t: Translator | None = None) -> MapView:
    """The map's view model of the incidents ``events`` (those of ``filters``), in the pack's language (or
    ``t``'s)."""
    t = t or pack.t
    located = clusters.located_mask(events)
    agg = clusters.aggregation(events)
    missing = events[~located]
    shown = missing.head(MISSING_LISTED).to_dict("records")
    features = (pack.boundaries or {}).get("features", [])
    return MapView(
        incidents=len(events), located=int(located.sum()), aggregation=agg,
        regions=len(features) or len(pack.tables["regions"]),
        settlement=int((events.loc[located, "coord_precision"] != "site").sum()),
        missing=[(clean(r["place"]), _missing_date(r["date"], r["date_precision"], t)) for r in shown],
        missing_more=len(missing) - len(shown), overlap_text=overlap_text(events, agg.aggregated, t), t=t)


def legend(pack: DataPack, filters: Filters, events: pd.DataFrame, shade: str) -> tuple[str, str]:
    """The map's legend as SVG and as text (its alt), in the pack's language."""
    t = pack.t
    items = map_legend.legend_items(events, pack.boundaries, shade, filters.regions, t=t)
    note = (t("Regions are shaded by the known figures: where some incidents lack one, the tooltip says "
              "'at least'.") if shade == "victims" else "")
    return map_legend.legend_svg(items, note=note), map_legend.legend_text(items)
