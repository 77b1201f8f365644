"""Region shading: what the filtered incidents say about each region (``RegionFigure``), the classes of the shading
(``ShadeClass``), each region's colour and state (a value, unknown, no incident, outside the region filter) and its
tooltip, written into a copy of the boundary GeoJSON for the regions layer. A region whose incidents all lack a
victim figure reads "unknown", never 0. Pure code: no Streamlit, no I/O."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from components.figures import style
from components.i18n import ENGLISH, N_, Translator
from components.map.geometry import region_name

# The options are the link's values (English in every language); their labels are translated where shown.
SHADE_OPTIONS = {"incidents": N_("Incidents"), "victims": N_("Victims killed")}
DEFAULT_SHADE = "incidents"

REGION_OUTLINE_RGB = (60, 60, 60)
NO_INCIDENT_RGB = style.NO_DATA_RGB  # no incident in the filtered set
UNKNOWN_VICTIMS_RGB = (190, 190, 190)  # incidents, but none with a victim figure
OUTSIDE_FILTER_RGB = (255, 255, 255)  # region not in the region filter
OUTSIDE_FILTER_LINE_RGB = (160, 160, 160)  # ... drawn with a fainter outline
BASEMAP_REGION_ALPHA = 150


@dataclass(frozen=True)
class ShadeClass:
    """One step of the region shading: values lo..hi (inclusive) drawn in rgb."""

    lo: int
    hi: int
    rgb: tuple[int, int, int]

    @property
    def label(self) -> str:
        return str(self.lo) if self.lo == self.hi else f"{self.lo}-{self.hi}"

    def contains(self, value: int) -> bool:
        return self.lo <= value <= self.hi


@dataclass(frozen=True)
class RegionFigure:
    """What the filtered incidents say about one region."""

    region: str
    incidents: int
    killed_known: int  # sum of the known figures
    n_killed_known: int
    n_killed_unknown: int
    in_filter: bool = True

    def value(self, shade_by: str) -> int | None:
        """The number the region is shaded by; None when unknown (or when there is nothing to count)."""
        if shade_by == "incidents":
            return self.incidents
        return self.killed_known if self.n_killed_known else None

    @property
    def killed_text(self) -> str:
        """'12 victims killed', 'at least 12 victims killed; 2 incidents with no figure', 'victims killed: unknown
        (no figure for any of its 3 incidents)', 'no incident'."""
        return self.killed_words()

    def killed_words(self, t: Translator = ENGLISH) -> str:
        """``killed_text`` in the translator's language."""
        if not self.incidents:
            return t("no incident")
        k = self.n_killed_unknown
        if not self.n_killed_known:
            return (t("victims killed: unknown (no figure for its incident)") if k == 1 else
                    t.n("victims killed: unknown (no figure for any of its {n} incident)",
                        "victims killed: unknown (no figure for any of its {n} incidents)", k))
        if k:
            return (t.n("at least {n} victim killed", "at least {n} victims killed", self.killed_known) + "; "
                    + t.n("{n} incident with no figure", "{n} incidents with no figure", k))
        return t.n("{n} victim killed", "{n} victims killed", self.killed_known)


def region_figures(events: pd.DataFrame, regions: Collection[str],
                   region_filter: Collection[str] = ()) -> dict[str, RegionFigure]:
    """Incidents and victims killed per region (every region named, with zeros where no incident)."""
    killed = events["killed"]
    # Counted by each region's code (the categorical's, or factorised text): no copy of the column into Python
    # strings, which cost 30 ms at 200,000 incidents.
    column = events["region"]
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes, names = column.cat.codes.to_numpy(), column.cat.categories
    else:
        codes, names = pd.factorize(column)
    found = codes >= 0
    codes = codes[found]
    known = killed.notna().to_numpy(bool)[found]
    total = killed.fillna(0).to_numpy("int64")[found]
    counts = np.bincount(codes, minlength=len(names))
    known_counts = np.bincount(codes, weights=known, minlength=len(names))
    killed_sums = np.bincount(codes, weights=total, minlength=len(names))
    table = {str(name): (int(counts[i]), int(known_counts[i]), int(killed_sums[i]))
             for i, name in enumerate(names) if counts[i]}
    out = {}
    for region in regions:
        n, known, total = table.get(region, (0, 0, 0))
        out[region] = RegionFigure(region=region, incidents=n, killed_known=total, n_killed_known=known,
                                   n_killed_unknown=n - known, in_filter=not region_filter or region in region_filter)
    return out


def shade_classes(values: Collection[int], shade_by: str = DEFAULT_SHADE) -> list[ShadeClass]:
    """Classes for the shading, from the values present: at most 4 (incidents) or 3 (victims, above the 0 class)
    equal-width integer steps. Victims killed = 0 has its own class."""
    vals = [int(v) for v in values if v is not None]
    blues = style.SEQUENTIAL_REGION_RAMP
    classes: list[ShadeClass] = []
    # The darkest shade is left out so that the points stay visible on every region. The lightest is left out too:
    # it cannot be told from the grey of 'no incident'.
    available = list(range(1, len(blues) - 1))  # indices of blues for positive values
    if shade_by == "victims":
        if 0 in vals:
            classes.append(ShadeClass(0, 0, blues[1]))
        available = available[1:]
    top = max([v for v in vals if v > 0], default=0)
    if top == 0:
        return classes
    n = min(len(available), top)
    step = math.ceil(top / n)
    n = math.ceil(top / step)
    picks = [available[-1]] if n == 1 else [available[round(i * (len(available) - 1) / (n - 1))] for i in range(n)]
    for i in range(n):
        lo, hi = i * step + 1, min(top, (i + 1) * step)
        classes.append(ShadeClass(lo, hi, blues[picks[i]]))
    return classes


def shade_rgb(value: int | None, classes: list[ShadeClass]) -> tuple[int, int, int]:
    """The colour of the class holding ``value`` (the 'no incident' grey if none does)."""
    for c in classes:
        if value is not None and c.contains(value):
            return c.rgb
    return NO_INCIDENT_RGB


def region_tooltip(fig: RegionFigure, t: Translator = ENGLISH) -> str:
    """Plain text shown on hover over a region (its name in the translator's language)."""
    name = str(t.value("region", fig.region))
    if not fig.in_filter:
        return "\n".join([name, t("Outside the region filter."), t("Click to show only this region.")])
    lines = [name, t.n("{n} incident in the current filter", "{n} incidents in the current filter", fig.incidents)]
    if fig.incidents:
        killed = fig.killed_words(t)
        lines.append(killed[:1].upper() + killed[1:])
    lines.append(t("Click to show only this region."))
    return "\n".join(lines)


def _shading(events: pd.DataFrame, features: list[Mapping], shade_by: str,
             region_filter: Collection[str]) -> tuple[dict[str, RegionFigure], list[ShadeClass]]:
    """The figures of the regions the features outline, and the shading classes of the values present."""
    figures = region_figures(events, [region_name(f) for f in features], region_filter)
    classes = shade_classes([f.value(shade_by) for f in figures.values() if f.incidents and f.in_filter], shade_by)
    return figures, classes


def _colour(fig: RegionFigure, value: int | None, classes: list[ShadeClass]) -> tuple[tuple[int, int, int], str]:
    """A region's fill and its state: 'outside filter', 'no incident', 'unknown' or 'value'."""
    if not fig.in_filter:
        return OUTSIDE_FILTER_RGB, "outside filter"
    if not fig.incidents:
        return NO_INCIDENT_RGB, "no incident"
    if value is None:
        return UNKNOWN_VICTIMS_RGB, "unknown"
    return shade_rgb(value, classes), "value"


def shade_states(events: pd.DataFrame, boundaries: Mapping | None, shade_by: str = DEFAULT_SHADE,
                 region_filter: Collection[str] = ()) -> tuple[list[ShadeClass], set[str]]:
    """The shading classes and the states the regions are drawn in (what the legend lists), without building the
    layer's GeoJSON."""
    features = list((boundaries or {}).get("features", []))
    figures, classes = _shading(events, features, shade_by, region_filter)
    states = set()
    for fig in (figures[region_name(f)] for f in features):
        states.add(_colour(fig, fig.value(shade_by) if fig.incidents else None, classes)[1])
    return classes, states


def region_layer_data(events: pd.DataFrame, boundaries: Mapping | None, shade_by: str = DEFAULT_SHADE,
                      region_filter: Collection[str] = (), basemap: bool = False,
                      t: Translator = ENGLISH) -> dict:
    """The boundary GeoJSON (copied, never modified) with each feature's properties extended by the figures, the
    fill colour and the tooltip (in the translator's language; ``region`` stays the English name, which a click
    filters by). ``shade`` is the value the region is shaded by (None: unknown or no incident)."""
    collection = {"type": "FeatureCollection", "features": []}
    if not boundaries:
        return collection
    # Each feature is a new dict with new properties; the geometry (the bulk: 16 polygons of thousands of points) is
    # shared with the boundaries, which are only read (a deep copy cost 40 ms per filter).
    features = [dict(f) for f in boundaries.get("features", [])]
    figures, classes = _shading(events, features, shade_by, region_filter)
    alpha = BASEMAP_REGION_ALPHA if basemap else 255
    for feature in features:
        fig = figures[region_name(feature)]
        value = fig.value(shade_by) if fig.incidents else None
        rgb, state = _colour(fig, value, classes)
        feature["properties"] = {
            **(feature.get("properties") or {}),
            "incidents": fig.incidents,
            "killed_known": fig.killed_known,
            "killed_unknown_incidents": fig.n_killed_unknown,
            "killed_text": fig.killed_words(t),
            "shade": value,
            "shade_state": state,
            "fill": [*rgb, alpha],
            "line": [*(OUTSIDE_FILTER_LINE_RGB if state == "outside filter" else REGION_OUTLINE_RGB), 255],
            "tooltip": region_tooltip(fig, t),
        }
        collection["features"].append(feature)
    return collection
