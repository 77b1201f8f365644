"""The pydeck deck of the incident map (``make_map``): its starting view, its layers (regions, incidents or grid
cells, and their text labels placed at the starting view) and the compact JSON sent to the browser
(``CompactDeck``). Pure code: no Streamlit, no I/O.

- no basemap by default (``map_provider=None``): works offline, no token;
- tooltips use pydeck's ``{"text": ...}`` form, never ``"html"``: the text of each object is precomputed in its
  ``tooltip`` field and the browser shows it as text.

The points layer holds every located incident of the whole table in a fixed order and hides those outside the
filter with deck.gl's DataFilterExtension: Streamlit remembers a chart selection by position in the layer data,
so a stable order keeps a remembered selection pointing at the same incident when the filter changes. That trick
is kept while the whole table has at most ``POINT_LIMIT`` located incidents; with more (large imported datasets),
the layer holds only the filtered incidents. Above ``POINT_LIMIT`` located incidents in the filter, grid cells
replace the incidents (a million points would be hundreds of MB of JSON).
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from components.figures import style
from components.i18n import ENGLISH, Translator
from components.map import geometry, points
from components.map.clusters import CELL_DEG, POINT_LIMIT, compact_count, located_mask, nearby_clusters
from components.map.regions import DEFAULT_SHADE, SHADE_OPTIONS, region_layer_data

LAYER_REGIONS = "regions"
LAYER_INCIDENTS = "incidents"
LAYER_LABELS = "labels"
LAYER_CELLS = "cells"
LAYER_CELL_LABELS = "cell_labels"

# Fits Kazakhstan (lon 46.5-87.3, lat 40.6-55.4: about 590 px wide at this zoom) in a map 560 px high and about
# 600 px wide (the map column of a 1280 px wide window with the sidebar open).
VIEW = {"latitude": 48.3, "longitude": 67.2, "zoom": 3.3}

CARTO_LIGHT = pdk.map_styles.CARTO_LIGHT

TOOLTIP = {"text": "{tooltip}",
           "style": {"backgroundColor": "#FFFFFF", "color": "#14171A", "border": "1px solid #767676",
                     "fontFamily": style.FONT_FAMILY, "fontSize": "13px", "maxWidth": "260px",
                     "whiteSpace": "pre-line"}}

CELL_LABEL_MIN_RADIUS_PX = 10.0  # cells at least this big carry their count as a label
CELL_LABELS_MAX = 60

LABEL_OFFSET_PX = 16
LABEL_CHAR_PX, LABEL_LINE_PX = 7.3, 15.0  # rough size of 13 px bold text
MAP_HALF_WIDTH_PX, MAP_HALF_HEIGHT_PX = 320, 280  # the smallest map the page draws (640 x 560)
# Where a label may go, in order of preference: (text anchor, baseline, pixel offset).
_LABEL_SPOTS = (("start", "center", (LABEL_OFFSET_PX, 0)), ("end", "center", (-LABEL_OFFSET_PX, 0)),
                ("middle", "bottom", (0, -LABEL_OFFSET_PX)), ("middle", "top", (0, LABEL_OFFSET_PX)))


# ------------------------------------------------------------------ labels at the starting view

def _pixels(lat, lon):
    """Web Mercator pixel position at the starting view, relative to its centre (y down); of one point (floats) or
    of arrays of points."""
    scale = 512 * 2 ** VIEW["zoom"]

    def y(la):
        return scale / (2 * math.pi) * np.log(np.tan(math.pi / 4 + np.radians(la) / 2))

    return (lon - VIEW["longitude"]) * scale / 360, y(VIEW["latitude"]) - y(lat)


def _label_box(x: float, y: float, text: str, spot: tuple) -> geometry.Box:
    anchor, baseline, (dx, dy) = spot
    lines = text.split("\n")
    w, h = max(len(line) for line in lines) * LABEL_CHAR_PX + 6, len(lines) * LABEL_LINE_PX + 2
    x0 = {"start": x + dx, "end": x + dx - w, "middle": x + dx - w / 2}[anchor]
    y0 = {"center": y + dy - h / 2, "bottom": y + dy - h, "top": y + dy}[baseline]
    return x0, y0, x0 + w, y0 + h


def _label_cost(box: geometry.Box, px_: np.ndarray, py_: np.ndarray, pr: np.ndarray,
                placed: list[geometry.Box]) -> int:
    """What a label in ``box`` would cover: 1 per point (of radius ``pr``), 3 per label already placed, 10 if it
    leaves the map."""
    x0, y0, x1, y1 = box
    hits = int(np.count_nonzero((x0 - pr < px_) & (px_ < x1 + pr) & (y0 - pr < py_) & (py_ < y1 + pr)))
    hits += sum(3 for a in placed if geometry.boxes_overlap(box, a))
    outside = x0 < -MAP_HALF_WIDTH_PX or x1 > MAP_HALF_WIDTH_PX or y0 < -MAP_HALF_HEIGHT_PX or y1 > MAP_HALF_HEIGHT_PX
    return hits + (10 if outside else 0)


def label_data(events: pd.DataFrame, t: Translator = ENGLISH) -> list[dict]:
    """Labels of the places where several incidents overlap at the starting zoom: 'Aktobe: 4 incidents',
    'Almaty area: 9 incidents' (on two lines, in the translator's language). Each goes right, left, above or below
    its point, whichever covers the fewest other points and labels and stays inside the map; labels are drawn
    under the points, so a label never hides one."""
    located = events[located_mask(events)]
    px_, py_ = _pixels(located["latitude"].to_numpy(float), located["longitude"].to_numpy(float))
    pr = points.radii_px(located["killed"])
    placed: list[geometry.Box] = []
    out = []
    for c in nearby_clusters(events):
        name = c["place"] if c["points"] == 1 else t("{place} area").format(place=c["place"])
        text = f"{name}:\n" + t.n("{n} incident", "{n} incidents", c["n"])
        x, y = _pixels(c["latitude"], c["longitude"])
        costs = [_label_cost(_label_box(x, y, text, s), px_, py_, pr, placed) for s in _LABEL_SPOTS]
        spot = _LABEL_SPOTS[costs.index(min(costs))]  # the first of equal costs: the preferred spot
        placed.append(_label_box(x, y, text, spot))
        out.append({"longitude": c["longitude"], "latitude": c["latitude"], "text": text, "anchor": spot[0],
                    "baseline": spot[1], "offset": list(spot[2])})
    return out


def cell_label_data(cells: list[dict], t: Translator = ENGLISH) -> list[dict]:
    """The count of each big enough cell, written on its circle (at most CELL_LABELS_MAX, largest first); a label
    that would overlap one already placed at the starting zoom is left out (the tooltip still gives the count)."""
    out: list[dict] = []
    placed: list[geometry.Box] = []
    for c in cells:
        if c["radius"] < CELL_LABEL_MIN_RADIUS_PX or len(out) >= CELL_LABELS_MAX:
            continue
        text = compact_count(c["incidents"], t)
        x, y = _pixels(c["latitude"], c["longitude"])
        half_w, half_h = (len(text) * LABEL_CHAR_PX + 6) / 2, LABEL_LINE_PX / 2 + 1
        box = (x - half_w, y - half_h, x + half_w, y + half_h)
        if any(geometry.boxes_overlap(box, b) for b in placed):
            continue
        placed.append(box)
        out.append({"longitude": c["longitude"], "latitude": c["latitude"], "text": text})
    return out


# ------------------------------------------------------------------ the deck

def make_map(events: pd.DataFrame, boundaries: Mapping | None, shade_by: str = DEFAULT_SHADE,
             basemap: bool = False, *, all_events: pd.DataFrame | None = None,
             region_filter: Collection[str] = (), point_limit: int = POINT_LIMIT,
             cell_deg: float = CELL_DEG, t: Translator = ENGLISH) -> pdk.Deck:
    """The map of the filtered incidents ``events``. ``all_events`` (default: ``events``) fixes the order of the
    points layer; the ones outside ``events`` are hidden (only while ``all_events`` has at most ``point_limit``
    located incidents; beyond, the layer holds the filtered incidents only). Above ``point_limit`` located incidents
    in ``events``, grid cells of ``cell_deg`` degrees are drawn instead of the incidents (layers ``cells`` and
    ``cell_labels``). No basemap unless ``basemap`` (Carto light, needs internet, no token). Tooltips and labels
    are in the translator's language; the layers' data keep the table's values."""
    if shade_by not in SHADE_OPTIONS:
        raise ValueError(f"shade_by must be one of {', '.join(SHADE_OPTIONS)}, not {shade_by!r}")
    all_events = events if all_events is None else all_events
    regions = _regions_layer(region_layer_data(events, boundaries, shade_by, region_filter, basemap, t))
    if int(located_mask(events).sum()) > point_limit:
        layers = [regions, *_cell_layers(events, cell_deg, point_limit, t)]
    else:
        # Every located incident of the table in a fixed order (selection stability), unless the table is large.
        base = all_events if int(located_mask(all_events).sum()) <= point_limit else events
        layers = [regions, _label_layer(events, t), _points_layer(points.point_data(base, events, t))]
    if basemap:
        return CompactDeck(layers=layers, initial_view_state=pdk.ViewState(**VIEW),
                           map_provider="carto", map_style=CARTO_LIGHT, tooltip=TOOLTIP)
    # No basemap: pydeck then writes its placeholder style, which Streamlit reads as "no basemap". (Passing
    # map_style=None instead would make Streamlit fetch a Carto style that follows the theme.)
    return CompactDeck(layers=layers, initial_view_state=pdk.ViewState(**VIEW), map_provider=None, tooltip=TOOLTIP)


def _regions_layer(data: dict) -> pdk.Layer:
    return pdk.Layer(
        "GeoJsonLayer", id=LAYER_REGIONS, data=data,
        pickable=True, auto_highlight=True, highlight_color=[0, 0, 0, 40], stroked=True, filled=True,
        get_fill_color="properties.fill", get_line_color="properties.line", line_width_units="'pixels'",
        get_line_width=1, line_width_min_pixels=1,
    )


def _points_layer(records: list[dict]) -> pdk.Layer:
    return pdk.Layer(
        "ScatterplotLayer", id=LAYER_INCIDENTS, data=records,
        pickable=True, auto_highlight=True, highlight_color=[0, 0, 0, 60], stroked=True, filled=True,
        get_position=["longitude", "latitude"], get_radius="radius", radius_units="'pixels'",
        radius_min_pixels=points.RADIUS_MIN_PX, radius_max_pixels=points.RADIUS_MAX_PX,
        get_fill_color="fill", get_line_color="line", get_line_width="line_width", line_width_units="'pixels'",
        get_filter_value="in_filter", filter_range=[1, 1],
        extensions=[{"@@type": "DataFilterExtension", "filterSize": 1}],
    )


def _text_layer(layer_id: str, data: list[dict], **kwargs) -> pdk.Layer:
    return pdk.Layer(
        "TextLayer", id=layer_id, data=data, pickable=False,
        get_position=["longitude", "latitude"], get_size=13, size_units="'pixels'",
        get_color=[20, 23, 26, 255], character_set="'auto'", font_family='"Arial, Helvetica, sans-serif"',
        font_weight=600, background=True, get_background_color=[255, 255, 255, 220], background_padding=[3, 1],
        **kwargs,
    )


def _label_layer(events: pd.DataFrame, t: Translator = ENGLISH) -> pdk.Layer:
    return _text_layer(LAYER_LABELS, label_data(events, t), get_text="text", get_text_anchor="anchor",
                       get_alignment_baseline="baseline", get_pixel_offset="offset")


def _cell_layers(events: pd.DataFrame, cell_deg: float, limit: int,
                 t: Translator = ENGLISH) -> list[pdk.Layer]:
    """Grid cells: a circle per cell (area ~ incidents) and the count written on the bigger ones."""
    cells = points.cell_data(events, cell_deg, limit, t)
    circles = pdk.Layer(
        "ScatterplotLayer", id=LAYER_CELLS, data=cells,
        pickable=True, auto_highlight=True, highlight_color=[0, 0, 0, 60], stroked=True, filled=True,
        get_position=["longitude", "latitude"], get_radius="radius", radius_units="'pixels'",
        radius_min_pixels=points.CELL_RADIUS_MIN_PX, radius_max_pixels=points.CELL_RADIUS_MAX_PX,
        get_fill_color=list(points.CELL_FILL), get_line_color=list(points.CELL_LINE), get_line_width=1.5,
        line_width_units="'pixels'",
    )
    labels = _text_layer(LAYER_CELL_LABELS, cell_label_data(cells, t), get_text="text", get_text_anchor="'middle'",
                         get_alignment_baseline="'center'")
    return [circles, labels]


class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation. Streamlit sends ``Deck.to_json()`` to the browser on every rerun, and
    pydeck indents it (indent=2), which made the region polygons 1.2 MB instead of 0.24 MB."""

    def to_json(self) -> str:
        # Built once and then only read (the page memoises decks), so the JSON is kept after the first call.
        if getattr(self, "_json_cache", None) is None:
            self._json_cache = json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))
        return self._json_cache


def zoomed(deck: CompactDeck, zoom: float) -> CompactDeck:
    """The same map (layers, tooltip, no basemap) opening at another zoom around the same centre: for a slide,
    where the map has more room than on the page. Labels keep their pixel offsets from their points."""
    return CompactDeck(layers=deck.layers, initial_view_state=pdk.ViewState(**{**VIEW, "zoom": zoom}),
                       map_provider=None, tooltip=TOOLTIP)
