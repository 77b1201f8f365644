"""Builders of the incident map: region shading, incident points, tooltips, the legend. Pure code: no Streamlit,
no I/O.

Rules the map keeps (analysts brief from it):
- unknown is never zero: an incident whose victims are unknown is drawn as a ring of fixed size (never a dot of
  size zero), and a region whose incidents all lack a victim figure reads "unknown", not 0;
- no point is moved: points sit exactly at the table's coordinates; incidents at the same place overlap and are
  counted in ``colocated`` so the page can say so; incidents without coordinates are not drawn (``unlocated``);
- no basemap by default (``map_provider=None``): works offline, no token;
- tooltips use pydeck's ``{"text": ...}`` form, never ``"html"``: the text of each object is precomputed in its
  ``tooltip`` field and the browser shows it as text.

The points layer holds every located incident of the whole table in a fixed order and hides those outside the
filter with deck.gl's DataFilterExtension: Streamlit remembers a chart selection by position in the layer data,
so a stable order keeps a remembered selection pointing at the same incident when the filter changes.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape

import pandas as pd
import pydeck as pdk

from components import details, style

LAYER_REGIONS = "regions"
LAYER_INCIDENTS = "incidents"
LAYER_LABELS = "labels"

SHADE_OPTIONS = {"incidents": "Incidents", "victims": "Victims killed"}
DEFAULT_SHADE = "incidents"

# Fits Kazakhstan (lon 46.5-87.3, lat 40.6-55.4) in a map about 700 px wide and 560 px high.
VIEW = {"latitude": 48.2, "longitude": 66.9, "zoom": 3.4}

# Point sizes, in screen pixels. Radius grows with the square root of victims killed (area ~ victims).
RADIUS_MIN_PX = 3.5
RADIUS_PER_SQRT_KILLED_PX = 4.0
RADIUS_MAX_PX = 24.0
UNKNOWN_RADIUS_PX = 7.0  # victims unknown: a ring of fixed size, not to scale
RING_WIDTH_PX = 2.5
POINT_OUTLINE_RGB = (255, 255, 255)
POINT_ALPHA = 225

REGION_OUTLINE_RGB = (60, 60, 60)
NO_INCIDENT_RGB = style.NO_DATA_RGB  # no incident in the filtered set
UNKNOWN_VICTIMS_RGB = (190, 190, 190)  # incidents, but none with a victim figure
OUTSIDE_FILTER_RGB = (255, 255, 255)  # region not in the region filter
BASEMAP_REGION_ALPHA = 150

CARTO_LIGHT = pdk.map_styles.CARTO_LIGHT

TOOLTIP = {"text": "{tooltip}",
           "style": {"backgroundColor": "#FFFFFF", "color": "#14171A", "border": "1px solid #767676",
                     "fontFamily": style.FONT_FAMILY, "fontSize": "14px", "maxWidth": "360px",
                     "whiteSpace": "pre-line"}}


# ------------------------------------------------------------------ incidents

def located_mask(events: pd.DataFrame) -> pd.Series:
    """Incidents that have both coordinates (the others cannot be drawn)."""
    return (events["latitude"].notna() & events["longitude"].notna()).astype(bool)


def unlocated(events: pd.DataFrame) -> pd.DataFrame:
    """Incidents without coordinates: not drawn; the page lists them."""
    return events[~located_mask(events)]


def _blank(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def radius_px(killed: object) -> float:
    """Radius of a point in pixels: square-root scale of victims killed, clamped; unknown gets the ring's size."""
    if _blank(killed):
        return UNKNOWN_RADIUS_PX
    return float(min(RADIUS_MAX_PX, max(RADIUS_MIN_PX, RADIUS_PER_SQRT_KILLED_PX * math.sqrt(int(killed)))))


def _count(value: object) -> str:
    return "unknown" if _blank(value) else str(int(value))


def colocated(events: pd.DataFrame) -> list[dict]:
    """Groups of two or more incidents drawn at exactly the same point, largest first:
    [{"place": "Almaty", "latitude": .., "longitude": .., "n": 5}, ...]."""
    located = events[located_mask(events)]
    if located.empty:
        return []
    out = []
    for (lat, lon), group in located.groupby(["latitude", "longitude"], sort=False):
        if len(group) < 2:
            continue
        places = list(dict.fromkeys(group["place"].astype(str)))
        out.append({"place": " / ".join(places), "latitude": float(lat), "longitude": float(lon),
                    "n": int(len(group))})
    return sorted(out, key=lambda g: (-g["n"], g["place"]))


def colocated_sentence(groups: list[dict]) -> str:
    """'Almaty: 5 incidents at one point; Aktobe: 4 incidents at one point' (empty when none overlap)."""
    return "; ".join(f"{g['place']}: {g['n']} incidents at one point" for g in groups)


def incident_tooltip(row: Mapping, n_at_point: int = 1) -> str:
    """Plain text (never HTML) shown on hover over an incident."""
    lines = [
        f"{row['place']} ({details.text(row.get('region'))})",
        details.date_text(row["date"], row["date_precision"]),
        f"{details.text(row.get('attack_type'))} ({details.text(row.get('event_type'))})",
        f"Victims killed: {_count(row.get('killed'))}; injured: {_count(row.get('injured'))}",
        f"Perpetrators killed: {_count(row.get('perpetrators_killed'))}",
        "Point: " + details.COORD_WORDS.get(row.get("coord_precision"), "precision not stated"),
    ]
    if n_at_point > 1:
        lines.append(f"One of {n_at_point} incidents drawn at this point: all are listed under 'View as table'.")
    lines.append("Click for the full record.")
    return "\n".join(lines)


def point_data(events: pd.DataFrame, shown: pd.DataFrame | None = None) -> list[dict]:
    """One record per located incident of ``events``, in a stable drawing order (big points first so that small
    ones stay on top; rings last). ``in_filter`` is 1 for incidents of ``shown`` (default: all), else 0 (hidden).
    Coordinates are the table's, unchanged."""
    shown = events if shown is None else shown
    shown_ids = set(shown["event_id"])
    located = events[located_mask(events)]
    at_point = (shown[located_mask(shown)].groupby(["latitude", "longitude"]).size().to_dict()
                if not shown.empty else {})
    records = []
    for row in located.to_dict("records"):
        unknown = _blank(row["killed"])
        rgb = style.hex_to_rgb(style.ATTACK_TYPE_COLOURS.get(row["attack_type"], style.OKABE_ITO["grey"]))
        n_here = int(at_point.get((row["latitude"], row["longitude"]), 0))
        records.append({
            "event_id": row["event_id"],
            "place": row["place"],
            "region": row["region"],
            "attack_type": row["attack_type"],
            "longitude": float(row["longitude"]),
            "latitude": float(row["latitude"]),
            "killed": None if unknown else int(row["killed"]),
            "killed_known": not unknown,
            "radius": radius_px(row["killed"]),
            "fill": [*rgb, 0 if unknown else POINT_ALPHA],
            "line": [*rgb, 255] if unknown else [*POINT_OUTLINE_RGB, 255],
            "line_width": RING_WIDTH_PX if unknown else 1.0,
            "in_filter": 1 if row["event_id"] in shown_ids else 0,
            "tooltip": incident_tooltip(row, n_here),
        })
    records.sort(key=lambda r: (not r["killed_known"], -r["radius"], r["event_id"]))
    return records


# ------------------------------------------------------------------ regions

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
        """'12', 'at least 12 killed; 2 incidents with no figure', 'unknown (no figure for its 3 incidents)'."""
        if not self.incidents:
            return "no incident"
        k = self.n_killed_unknown
        plural = "s" if k != 1 else ""
        if not self.n_killed_known:
            return (f"unknown (no figure for its incident)" if k == 1
                    else f"unknown (no figure for any of its {k} incidents)")
        if k:
            return f"at least {self.killed_known} killed; {k} incident{plural} with no figure"
        return str(self.killed_known)


def region_figures(events: pd.DataFrame, regions: Collection[str],
                   region_filter: Collection[str] = ()) -> dict[str, RegionFigure]:
    """Incidents and victims killed per region (every region named, with zeros where no incident)."""
    out = {}
    for region in regions:
        sub = events[events["region"] == region]
        killed = sub["killed"]
        out[region] = RegionFigure(region=region, incidents=int(len(sub)),
                                   killed_known=int(killed.dropna().sum()), n_killed_known=int(killed.notna().sum()),
                                   n_killed_unknown=int(killed.isna().sum()),
                                   in_filter=not region_filter or region in region_filter)
    return out


def shade_classes(values: Collection[int], shade_by: str = DEFAULT_SHADE) -> list[ShadeClass]:
    """Classes for the shading, from the values present: at most 5 (incidents) or 4 (victims, above the 0 class)
    equal-width integer steps. Victims killed = 0 has its own class."""
    vals = [int(v) for v in values if v is not None]
    blues = style.SEQUENTIAL_BLUES
    classes: list[ShadeClass] = []
    available = list(range(1, len(blues)))  # indices of blues for positive values
    if shade_by == "victims":
        if 0 in vals:
            classes.append(ShadeClass(0, 0, blues[1]))
        available = list(range(2, len(blues)))
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
    for c in classes:
        if value is not None and c.contains(value):
            return c.rgb
    return NO_INCIDENT_RGB


def region_tooltip(fig: RegionFigure) -> str:
    """Plain text shown on hover over a region."""
    if not fig.in_filter:
        return f"{fig.region}\nOutside the region filter.\nClick to show only this region."
    noun = "incident" if fig.incidents == 1 else "incidents"
    lines = [fig.region, f"{fig.incidents} {noun} in the current filter"]
    if fig.incidents:
        lines.append(f"Victims killed: {fig.killed_text}")
    lines.append("Click to show only this region.")
    return "\n".join(lines)


def _region_name(feature: Mapping) -> str:
    return str((feature.get("properties") or {}).get("region", ""))


def region_layer_data(events: pd.DataFrame, boundaries: Mapping | None, shade_by: str = DEFAULT_SHADE,
                      region_filter: Collection[str] = (), basemap: bool = False) -> dict:
    """The boundary GeoJSON (copied, never modified) with each feature's properties extended by the figures, the
    fill colour and the tooltip. ``shade`` is the value the region is shaded by (None: unknown or no incident)."""
    collection = {"type": "FeatureCollection", "features": []}
    if not boundaries:
        return collection
    features = copy.deepcopy(list(boundaries.get("features", [])))
    figures = region_figures(events, [_region_name(f) for f in features], region_filter)
    classes = shade_classes([f.value(shade_by) for f in figures.values() if f.incidents and f.in_filter], shade_by)
    alpha = BASEMAP_REGION_ALPHA if basemap else 255
    for feature in features:
        fig = figures[_region_name(feature)]
        value = fig.value(shade_by) if fig.incidents else None
        if not fig.in_filter:
            rgb, state = OUTSIDE_FILTER_RGB, "outside filter"
        elif not fig.incidents:
            rgb, state = NO_INCIDENT_RGB, "no incident"
        elif value is None:
            rgb, state = UNKNOWN_VICTIMS_RGB, "unknown"
        else:
            rgb, state = shade_rgb(value, classes), "value"
        feature["properties"] = {
            **(feature.get("properties") or {}),
            "incidents": fig.incidents,
            "killed_known": fig.killed_known,
            "killed_unknown_incidents": fig.n_killed_unknown,
            "killed_text": fig.killed_text,
            "shade": value,
            "shade_state": state,
            "fill": [*rgb, alpha],
            "tooltip": region_tooltip(fig),
        }
        collection["features"].append(feature)
    return collection


# ------------------------------------------------------------------ the deck

def label_data(events: pd.DataFrame) -> list[dict]:
    """Labels of the points where several incidents overlap: 'Almaty: 5'."""
    return [{"longitude": g["longitude"], "latitude": g["latitude"], "text": f"{g['place']}: {g['n']}"}
            for g in colocated(events)]


def make_map(events: pd.DataFrame, boundaries: Mapping | None, shade_by: str = DEFAULT_SHADE,
             basemap: bool = False, *, all_events: pd.DataFrame | None = None,
             region_filter: Collection[str] = ()) -> pdk.Deck:
    """The map of the filtered incidents ``events``. ``all_events`` (default: ``events``) fixes the order of the
    points layer; the ones outside ``events`` are hidden. No basemap unless ``basemap`` (Carto light, needs
    internet, no token)."""
    if shade_by not in SHADE_OPTIONS:
        raise ValueError(f"shade_by must be one of {', '.join(SHADE_OPTIONS)}, not {shade_by!r}")
    all_events = events if all_events is None else all_events
    regions = pdk.Layer(
        "GeoJsonLayer", id=LAYER_REGIONS, data=region_layer_data(events, boundaries, shade_by, region_filter, basemap),
        pickable=True, auto_highlight=True, highlight_color=[0, 0, 0, 40], stroked=True, filled=True,
        get_fill_color="properties.fill", get_line_color=[*REGION_OUTLINE_RGB, 255], line_width_units="pixels",
        get_line_width=1, line_width_min_pixels=1,
    )
    points = pdk.Layer(
        "ScatterplotLayer", id=LAYER_INCIDENTS, data=point_data(all_events, events),
        pickable=True, auto_highlight=True, highlight_color=[0, 0, 0, 60], stroked=True, filled=True,
        get_position=["longitude", "latitude"], get_radius="radius", radius_units="pixels",
        radius_min_pixels=RADIUS_MIN_PX, radius_max_pixels=RADIUS_MAX_PX,
        get_fill_color="fill", get_line_color="line", get_line_width="line_width", line_width_units="pixels",
        get_filter_value="in_filter", filter_range=[1, 1],
        extensions=[{"@@type": "DataFilterExtension", "filterSize": 1}],
    )
    labels = pdk.Layer(
        "TextLayer", id=LAYER_LABELS, data=label_data(events), pickable=False,
        get_position=["longitude", "latitude"], get_text="text", get_size=13, size_units="pixels",
        get_color=[20, 23, 26, 255], get_text_anchor="'start'", get_alignment_baseline="'center'",
        get_pixel_offset=[RADIUS_MAX_PX * 0.6, 0], character_set="auto", font_family="'Arial', sans-serif",
        font_weight=600, outline_width=3, outline_color=[255, 255, 255, 255],
        font_settings={"sdf": True},
    )
    return pdk.Deck(
        layers=[regions, points, labels],
        initial_view_state=pdk.ViewState(**VIEW),
        map_provider="carto" if basemap else None,
        map_style=CARTO_LIGHT if basemap else None,
        tooltip=TOOLTIP,
    )


# ------------------------------------------------------------------ legend

@dataclass(frozen=True)
class LegendItem:
    """One line of the legend. ``kind``: 'point' (filled circle), 'ring' (hollow circle), 'size' (circle of a
    given radius), 'area' (square swatch); ``group`` heads the section it belongs to."""

    group: str
    kind: str
    label: str
    rgb: tuple[int, int, int]
    radius: float = 6.0
    outline: tuple[int, int, int] = REGION_OUTLINE_RGB


def legend_items(events: pd.DataFrame, boundaries: Mapping | None, shade_by: str = DEFAULT_SHADE,
                 region_filter: Collection[str] = ()) -> list[LegendItem]:
    """What the map draws, in legend order: attack types present, the unknown-victims ring, point sizes, and the
    region shading with its numbers."""
    items: list[LegendItem] = []
    located = events[located_mask(events)]
    counts = located["attack_type"].value_counts()
    for attack_type, hex_colour in style.ATTACK_TYPE_COLOURS.items():
        if attack_type in counts:
            n = int(counts[attack_type])
            items.append(LegendItem("Incident, by attack type (GTD)", "point", f"{attack_type} ({n})",
                                    style.hex_to_rgb(hex_colour), radius=6.0, outline=POINT_OUTLINE_RGB))
    for attack_type in counts.index:
        if attack_type not in style.ATTACK_TYPE_COLOURS:
            items.append(LegendItem("Incident, by attack type (GTD)", "point",
                                    f"{attack_type} ({int(counts[attack_type])})",
                                    style.hex_to_rgb(style.OKABE_ITO["grey"]), outline=POINT_OUTLINE_RGB))
    size_group = "Size: victims killed (area)"
    for k in (0, 1, 5, 10, 20):
        items.append(LegendItem(size_group, "size", str(k), (110, 110, 110), radius=radius_px(k),
                                outline=POINT_OUTLINE_RGB))
    n_unknown = int(located["killed"].isna().sum())
    items.append(LegendItem(size_group, "ring", f"unknown ({n_unknown}): ring, not to scale", (90, 90, 90),
                            radius=UNKNOWN_RADIUS_PX))
    group = f"Region: {SHADE_OPTIONS[shade_by].lower()}"
    data = region_layer_data(events, boundaries, shade_by, region_filter)
    states = {f["properties"]["shade_state"] for f in data["features"]}
    figures = region_figures(events, [_region_name(f) for f in data["features"]], region_filter)
    values = [f.value(shade_by) for f in figures.values() if f.incidents and f.in_filter]
    for c in shade_classes(values, shade_by):
        items.append(LegendItem(group, "area", c.label, c.rgb))
    if "unknown" in states:
        items.append(LegendItem(group, "area", "unknown (no victim figure)", UNKNOWN_VICTIMS_RGB))
    items.append(LegendItem(group, "area", "no incident", NO_INCIDENT_RGB))
    if "outside filter" in states:
        items.append(LegendItem(group, "area", "outside the region filter", OUTSIDE_FILTER_RGB))
    return items


def _rgb(rgb: tuple[int, int, int]) -> str:
    return "rgb({},{},{})".format(*rgb)


def legend_svg(items: list[LegendItem], width: int = 300, note: str = "") -> str:
    """The legend as a standalone SVG (all text escaped), to show as an image."""
    row_h, head_h, pad = 22, 24, 8
    parts: list[str] = []
    y = pad
    group = None
    for item in items:
        if item.group != group:
            group = item.group
            y += 6 if parts else 0
            parts.append(f'<text x="{pad}" y="{y + 15}" font-weight="700" font-size="14">{escape(group)}</text>')
            y += head_h
        h = max(row_h, int(2 * item.radius + 6)) if item.kind in ("size", "ring") else row_h
        cx, cy = pad + 14, y + h / 2
        if item.kind == "area":
            parts.append(f'<rect x="{pad + 4}" y="{cy - 8}" width="20" height="16" fill="{_rgb(item.rgb)}" '
                         f'stroke="{_rgb(item.outline)}" stroke-width="1"/>')
        elif item.kind == "ring":
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="{item.radius}" fill="none" stroke="{_rgb(item.rgb)}" '
                         f'stroke-width="{RING_WIDTH_PX}"/>')
        else:
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="{item.radius}" fill="{_rgb(item.rgb)}" '
                         f'stroke="rgb(60,60,60)" stroke-width="0.8"/>')
        parts.append(f'<text x="{pad + 40}" y="{cy + 5}" font-size="13.5">{escape(item.label)}</text>')
        y += h
    if note:
        for line in _wrap(note, 44):
            y += 18
            parts.append(f'<text x="{pad}" y="{y}" font-size="12.5" fill="rgb(70,70,70)">{escape(line)}</text>')
    height = int(y + pad + 4)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="{escape(style.FONT_FAMILY)}" fill="rgb(20,23,26)">'
            f'<rect width="{width}" height="{height}" fill="white"/>' + "".join(parts) + "</svg>")


def _wrap(text: str, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current] if current else lines


def legend_text(items: list[LegendItem]) -> str:
    """The legend in words (the image's alt text)."""
    by_group: dict[str, list[str]] = {}
    for item in items:
        by_group.setdefault(item.group, []).append(item.label)
    return ". ".join(f"{g}: {', '.join(labels)}" for g, labels in by_group.items()) + "."
