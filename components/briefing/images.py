"""Images of the briefing pack, drawn server-side with matplotlib (Agg backend: no display, no browser, no network,
no tiles). Pure code: data in, PNG bytes out. Each image is rendered once and used by both the PowerPoint deck and the
PDF.

Honesty rules carried by the images (the same as the dashboard's):
- unknown is never zero: an incident whose victims are unknown is a hollow ring (map) or a hollow star (timeline) of
  fixed size, never a dot of size 0; the per-year chart draws the incidents with no victim figure as their own bar;
- the 20-29 age band is not reported and is drawn as an empty dashed frame, never as a bar;
- phases are approximate and labelled so;
- text from the data is drawn as text: mathtext is off (a '$' in a place name stays a '$').

Every word drawn is in the language of the translator ``t`` each function takes (the briefing's): the labels, legends,
axis titles and annotations marked here, category values and region names by their labels (``t.value``). DejaVu Sans
has every letter of Kazakh and Russian.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import wraps

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon, Rectangle

from components.figures import style
from components.figures import timeline as tl
from components.i18n import DEFAULT, ENGLISH, N_, Translator
from components.map import clusters, geometry
from components.map.legend import cell_legend_counts
from components.pack.values import is_blank

DPI = 170
FONT = "DejaVu Sans"  # ships with matplotlib: the same glyphs everywhere, including ≥, en dashes and Kazakh letters
RC = {
    "text.parse_math": False,  # data text is data: '$x$' must not become mathtext
    "font.family": FONT,
    "font.size": 13,
    "axes.titlesize": 14,
    "axes.labelsize": 13,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.fonttype": "none",
}
INK = "#14171A"
GREY = style.OKABE_ITO["grey"]
BLUE = style.OKABE_ITO["blue"]
VERMILLION = style.OKABE_ITO["vermillion"]
ORANGE = style.OKABE_ITO["orange"]
SKY = style.OKABE_ITO["sky"]
UNKNOWN_GREY = "#BDBDBD"

# Sizes at which each image is placed on a 13.33 x 7.5 in slide (inches); the PDF scales them to its page.
SIZES = {
    "per_year": (9.1, 5.0),
    "map": (9.0, 5.15),
    "timeline": (12.3, 5.05),
    "age": (7.6, 4.9),
    "prosecution": (7.6, 4.9),
}


LEGEND_FITS = 1.01  # a legend fits the image's width up to this share: its own border padding may touch the edge


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _plain(value: object) -> str:
    """Data text for a label: as typed, minus control characters (no font has glyphs for them)."""
    return "" if is_blank(value) else _CONTROL.sub("", str(value))


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor="white")
    return buf.getvalue()


def _figure(name: str) -> Figure:
    """A figure on its own Agg canvas: no pyplot, so no global figure list, no GUI backend, nothing to close."""
    fig = Figure(figsize=SIZES[name], dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


# matplotlib's rcParams are global: two exports rendering at once (two dashboard sessions) must not interleave
# their rc_context (one restoring the defaults, mathtext included, while the other draws).
_RENDER_LOCK = threading.Lock()


def _serialised(func):
    @wraps(func)
    def wrapper(*args, **kwargs):
        with _RENDER_LOCK, matplotlib.rc_context(RC):
            return func(*args, **kwargs)
    return wrapper


# ============================================================================================== per year
@_serialised
def per_year_png(per_year: pd.DataFrame, t: Translator = ENGLISH) -> bytes:
    """The per-year chart of the deck as an image: incidents, victims killed (known figures) and incidents with no
    victim figure, side by side for each year (the same three series as the deck's editable chart)."""
    fig = _figure("per_year")
    ax = fig.add_axes((0.07, 0.12, 0.91, 0.74))
    years = per_year["year"].to_numpy()
    series = [("incidents", t(N_("Incidents")), BLUE, None),
              ("killed_known", t(N_("Victims killed (known figures)")), VERMILLION, None),
              ("killed_unknown", t(N_("Incidents with no victim figure")), UNKNOWN_GREY, "///")]
    width = 0.27
    for k, (col, label, colour, hatch) in enumerate(series):
        values = per_year[col].to_numpy()
        x = years + (k - 1) * width
        ax.bar(x, values, width=width, color=colour, edgecolor="#333333" if hatch else colour, hatch=hatch,
               linewidth=0.6, label=label)
        for xi, v in zip(x, values):
            if v:
                ax.text(xi, v, str(int(v)), ha="center", va="bottom", fontsize=9 if len(years) > 14 else 11,
                        color=INK)
    top = max(1, int(per_year[["incidents", "killed_known", "killed_unknown"]].to_numpy().max()))
    ax.set_ylim(0, top * 1.15 + 0.5)
    span = len(years)
    step = 1 if span <= 13 else 2
    ax.set_xticks(years[::step])
    ax.set_xticklabels([str(y) for y in years[::step]], rotation=0)
    ax.set_xlim(years.min() - 0.6, years.max() + 0.6)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel(t("Number"))
    ax.grid(axis="y", color="#E3E6EA", linewidth=0.8)
    ax.set_axisbelow(True)
    legend = fig.legend(loc="upper left", bbox_to_anchor=(0.06, 0.995), ncol=3, frameon=False, fontsize=12)
    width, height = _legend_size(fig, legend)
    if width > LEGEND_FITS:  # longer labels (another language): the key on two rows, the chart below it lowered
        legend = fig.legend(loc="upper left", bbox_to_anchor=(0.06, 0.995), ncol=2, frameon=False, fontsize=12)
        taller = legend.get_window_extent(fig.canvas.get_renderer()).height / fig.bbox.height - height
        ax.set_position((0.07, 0.12, 0.91, 0.74 - taller))
    else:
        fig.legend(loc="upper left", bbox_to_anchor=(0.06, 0.995), ncol=3, frameon=False, fontsize=12)
    return _png(fig)


# ============================================================================================== map
# Point sizes: marker area grows with victims killed (square-root scale of the radius, as on the dashboard map).
def marker_size(killed: object) -> float:
    """Scatter size (points^2) of an incident; unknown victims get the fixed size of the hollow ring."""
    if is_blank(killed):
        return UNKNOWN_MARKER
    r = min(16.0, max(3.2, 3.0 * math.sqrt(int(killed))))
    return (2 * r) ** 2


UNKNOWN_MARKER = (2 * 6.0) ** 2
SHADE_IN_VIEW = "#D6E6F4"
SHADE_OTHER = "#F4F4F4"
SHADE_OUTSIDE_FILTER = "#FFFFFF"
REGION_EDGE = "#6E6E6E"
REGION_LABEL_MIN_KM2 = 20000  # smaller units carry no name (the cities of Astana and Almaty)


CELL_MAX_PT = 26.0  # diameter (points) of the fullest grid cell's circle
CELL_MIN_PT = 4.0
CELL_COLOUR = "#2D2D34"
CELL_LABELS_MAX = 40  # the fullest cells that may carry their count
CELL_LABEL_MIN_PT = 15  # ... if their circle is at least this wide

Ring = tuple[float, str, np.ndarray]  # area enclosed (km²), region name, outer ring on the Albers plane (km)


def cell_marker_size(incidents, most: int):
    """Scatter size (points^2) of a grid cell: area proportional to its incidents."""
    d = np.maximum(CELL_MIN_PT, CELL_MAX_PT * np.sqrt(np.asarray(incidents, dtype=float) / max(1, most)))
    return d ** 2


@_serialised
def map_png(events: pd.DataFrame, boundaries: Mapping | None, highlight: Sequence[str] = (),
            point_limit: int = clusters.POINT_LIMIT, t: Translator = ENGLISH) -> bytes:
    """Incidents over the region polygons: colour = attack type, size = victims killed, hollow ring = victims
    unknown. Regions with incidents in the view are shaded; with a region filter, the chosen regions are outlined.
    Every group of overlapping points is labelled with its place and number of incidents (points are never
    moved). Above ``point_limit`` located incidents: grid cells of ``clusters.CELL_DEG`` degrees instead, one circle
    per cell at its centre, area proportional to its incidents, the bigger ones labelled with their count."""
    fig = _figure("map")
    mask = clusters.located_mask(events)
    aggregated = int(mask.sum()) > point_limit
    legend = None if aggregated else _points_legend_layout(fig, events, t)
    raise_by = legend.raise_by if legend else 0.0  # a legend of more rows (a longer language) raises the map
    ax = fig.add_axes((0.005, 0.2 + raise_by, 0.99, 0.79 - raise_by))
    ax.set_axis_off()
    ax.set_aspect("equal")
    drawn = _projected_rings(boundaries)
    _draw_regions(ax, drawn, set(events["region"].dropna().astype(str)), set(highlight))
    if aggregated:
        return _cells_map(fig, ax, events, drawn, t)  # the cells are counted column by column: no copy of the rows
    located = _projected_points(events[mask])
    if not located.empty:
        _draw_points(ax, located)
    _fit(ax, drawn, located["_x"].to_numpy(), located["_y"].to_numpy())
    _scale_bar(ax, t)
    taken = _place_labels(fig, ax, located, t) if not located.empty else []
    _region_labels(fig, ax, drawn, taken, t)
    _points_legend(fig, legend)
    return _png(fig)


def _projected_rings(boundaries: Mapping | None) -> list[Ring]:
    """The outer rings of every region on the Albers plane, with the area each encloses, biggest first (so the
    cities, holes of their regions, are drawn on top)."""
    named = [(_plain((feat.get("properties") or {}).get("region", "")), ring)
             for feat in (boundaries or {}).get("features", [])
             for ring in geometry.exterior_rings(feat.get("geometry"))]
    rings = [np.column_stack(geometry.albers(ring[:, 0], ring[:, 1])) for _, ring in named]
    drawn = [(float(area), name, xy) for area, (name, _), xy in zip(geometry.ring_areas(rings), named, rings)]
    drawn.sort(key=lambda t: -t[0])
    return drawn


def _draw_regions(ax, drawn: Sequence[Ring], in_view: set[str], chosen: set[str]) -> None:
    """Regions with incidents in the view shaded; with a region filter, the others white and the chosen outlined."""
    for _, name, xy in drawn:
        if chosen and name not in chosen:
            face = SHADE_OUTSIDE_FILTER
        else:
            face = SHADE_IN_VIEW if name in in_view else SHADE_OTHER
        ax.add_patch(Polygon(xy, closed=True, facecolor=face, edgecolor=REGION_EDGE, linewidth=0.7, zorder=1))
        if chosen and name in chosen:
            ax.add_patch(Polygon(xy, closed=True, fill=False, edgecolor=INK, linewidth=1.8, zorder=2))


def _projected_points(located: pd.DataFrame) -> pd.DataFrame:
    """The located incidents with their position on the Albers plane (_x, _y), marker size (_s) and whether the
    victims are known (_known), biggest markers first so that the small ones are drawn on top."""
    located = located.copy()
    located["_x"], located["_y"] = geometry.albers(located["longitude"].to_numpy(float),
                                                   located["latitude"].to_numpy(float))
    located["_s"] = [marker_size(v) for v in located["killed"]]
    located["_known"] = located["killed"].notna().to_numpy(bool)
    return located.sort_values("_s", ascending=False, kind="stable")


def _draw_points(ax, located: pd.DataFrame) -> None:
    """Filled dots sized by victims killed; hollow rings of fixed size where the victims are unknown."""
    known = located[located["_known"]]
    colours = [style.ATTACK_TYPE_COLOURS.get(str(t), GREY) for t in known["attack_type"]]
    ax.scatter(known["_x"], known["_y"], s=known["_s"], c=colours, edgecolors="white", linewidths=1.0,
               zorder=5, alpha=0.92)
    unknown = located[~located["_known"]]
    ring_colours = [style.ATTACK_TYPE_COLOURS.get(str(t), GREY) for t in unknown["attack_type"]]
    ax.scatter(unknown["_x"], unknown["_y"], s=UNKNOWN_MARKER, facecolors="white", edgecolors=ring_colours,
               linewidths=2.2, zorder=6)


def _fit(ax, drawn: Sequence[Ring], x: np.ndarray, y: np.ndarray) -> None:
    """Frame the regions (40 km margin), or without them the points (300 km margin)."""
    if drawn:
        allxy = np.vstack([xy for _, _, xy in drawn])
        ax.set_xlim(allxy[:, 0].min() - 40, allxy[:, 0].max() + 40)
        ax.set_ylim(allxy[:, 1].min() - 40, allxy[:, 1].max() + 40)
    elif len(x):
        ax.set_xlim(x.min() - 300, x.max() + 300)
        ax.set_ylim(y.min() - 300, y.max() + 300)


ATTACK_LEGEND_Y = 0.095  # the bottom of the attack types' legend (share of the image's height), above the sizes'


@dataclass(frozen=True)
class _PointsLegend:
    """The map's two legends, laid out to fit the image's width: the attack types present (their labels) above the
    sizes and the unknown ring; each takes more rows (fewer columns) where its labels are longer (another language),
    the attack types' legend then sits higher and the map above it is raised by ``raise_by`` (share of the image's
    height; 0 when the legends fit as drawn in English)."""

    types: tuple[Line2D, ...]
    type_columns: int
    sizes: tuple
    size_columns: int
    types_y: float
    raise_by: float
    t: Translator


def _points_legend_layout(fig: Figure, events: pd.DataFrame, t: Translator = ENGLISH) -> _PointsLegend:
    types = [a for a in style.ATTACK_TYPE_COLOURS if a in set(events["attack_type"].astype(str))]
    handles = tuple(Line2D([], [], marker="o", linestyle="", markersize=10,
                           markerfacecolor=style.ATTACK_TYPE_COLOURS[a], markeredgecolor="white",
                           label=_plain(t.value("attack_type", a))) for a in types)
    sizes = [Line2D([], [], marker="o", linestyle="", markersize=math.sqrt(marker_size(k)),
                    markerfacecolor="#777777", markeredgecolor="white", label=t.n("{n} killed", "{n} killed", k))
             for k in (0, 2, 10)]
    sizes.append(Line2D([], [], marker="o", linestyle="", markersize=math.sqrt(UNKNOWN_MARKER),
                        markerfacecolor="white", markeredgecolor="#555555", markeredgewidth=2.2,
                        label=t("victims killed unknown (not to scale)")))
    sizes.append(Patch(facecolor=SHADE_IN_VIEW, edgecolor=REGION_EDGE, label=t("region with incidents")))
    size_columns, sizes_h = _fitting_columns(fig, lambda n: _sizes_legend(fig, tuple(sizes), n, t), (5, 3, 2, 1))
    sizes_extra = sizes_h - _legend_size(fig, _sizes_legend(fig, tuple(sizes), 5, t))[1]
    type_columns, raise_by = min(4, len(handles)), sizes_extra
    if handles:
        wanted = range(min(4, len(handles)), 0, -1)
        type_columns, types_h = _fitting_columns(fig, lambda n: _types_legend(fig, handles, n, 0.0, t), wanted)
        raise_by += types_h - _legend_size(fig, _types_legend(fig, handles, min(4, len(handles)), 0.0, t))[1]
    return _PointsLegend(handles, type_columns, tuple(sizes), size_columns, ATTACK_LEGEND_Y + sizes_extra, raise_by, t)


def _types_legend(fig: Figure, handles, columns: int, y: float, t: Translator):
    return fig.legend(handles=list(handles), loc="lower left", bbox_to_anchor=(0.01, y), ncol=columns, frameon=False,
                      fontsize=11, title=t("Colour: attack type (GTD)"), title_fontsize=11, alignment="left",
                      handletextpad=0.3, columnspacing=1.2)


def _sizes_legend(fig: Figure, handles, columns: int, t: Translator):
    return fig.legend(handles=list(handles), loc="lower left", bbox_to_anchor=(0.01, -0.005), ncol=columns,
                      frameon=False, fontsize=11, title=t("Size: victims killed (excluding perpetrators)"),
                      title_fontsize=11, alignment="left", handletextpad=0.3, columnspacing=1.0)


def _legend_size(fig: Figure, legend) -> tuple[float, float]:
    """A legend's width and height as shares of the image's, measured and then removed."""
    box = legend.get_window_extent(fig.canvas.get_renderer())
    legend.remove()
    return (box.x1 - fig.bbox.x0) / fig.bbox.width, box.height / fig.bbox.height


def _fitting_columns(fig: Figure, make, columns) -> tuple[int, float]:
    """The most columns (of ``columns``, most first) whose legend fits the image's width, with its height."""
    for n in columns:
        width, height = _legend_size(fig, make(n))
        if width <= LEGEND_FITS:
            return n, height
    return n, height


def _points_legend(fig: Figure, layout: _PointsLegend) -> None:
    """The legend, in two groups below the map: attack types present (by their labels), then sizes and the unknown
    ring, as ``_points_legend_layout`` fitted them."""
    if layout.types:
        _types_legend(fig, layout.types, layout.type_columns, layout.types_y, layout.t)
    _sizes_legend(fig, layout.sizes, layout.size_columns, layout.t)


def _cells_map(fig: Figure, ax, events: pd.DataFrame, drawn: Sequence[Ring], t: Translator = ENGLISH) -> bytes:
    """The map's incidents as grid cells (many incidents): circles at the cells' centres, area ~ incidents."""
    cells = clusters.grid_cells(events)
    most = int(cells["incidents"].max())
    x, y = geometry.albers(cells["longitude"].to_numpy(float), cells["latitude"].to_numpy(float))
    sizes = cell_marker_size(cells["incidents"].to_numpy(), most)
    ax.scatter(x, y, s=sizes, c=CELL_COLOUR, alpha=0.68, edgecolors="white", linewidths=1.0, zorder=5)
    _fit(ax, drawn, x, y)
    _scale_bar(ax, t)
    fig.canvas.draw()
    taken = _marker_boxes(fig, ax, x, y, sizes)
    _cell_labels(fig, ax, x, y, sizes, cells["incidents"], t)
    _region_labels(fig, ax, drawn, taken, t)
    _cells_legend(fig, cells, most, t)
    return _png(fig)


def _marker_boxes(fig: Figure, ax, x, y, sizes) -> list[geometry.Box]:
    """The box (display pixels, 2 px margin) of each scatter marker of size ``sizes`` (points^2) at x, y."""
    to_px = ax.transData.transform
    pt_px = fig.dpi / 72.0
    boxes = []
    for xi, yi, si in zip(x, y, sizes, strict=True):
        cx, cy = to_px((xi, yi))
        r = math.sqrt(si) / 2 * pt_px + 2
        boxes.append((cx - r, cy - r, cx + r, cy + r))
    return boxes


def _cell_labels(fig: Figure, ax, x, y, sizes, counts, t: Translator = ENGLISH) -> None:
    """The count of the fullest cells written on their circles, where the circle is big enough and the count
    clears the ones already written."""
    to_px = ax.transData.transform
    pt_px = fig.dpi / 72.0
    labelled: list[geometry.Box] = []
    for xi, yi, si, n in list(zip(x, y, sizes, counts, strict=True))[:CELL_LABELS_MAX]:
        text = clusters.compact_count(int(n), t)
        cx, cy = to_px((xi, yi))
        half_w, half_h = len(text) * 7.5 * 0.62 * pt_px / 2, 7.5 * pt_px / 2
        box = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
        if math.sqrt(si) >= CELL_LABEL_MIN_PT and not any(geometry.boxes_overlap(box, o) for o in labelled):
            ax.text(xi, yi, text, ha="center", va="center", fontsize=7.5, color="white", fontweight="bold",
                    zorder=6)
            labelled.append(box)


def _cells_legend(fig: Figure, cells: pd.DataFrame, most: int, t: Translator = ENGLISH) -> None:
    handles = [Line2D([], [], marker="o", linestyle="", markersize=math.sqrt(float(cell_marker_size(k, most))),
                      markerfacecolor=CELL_COLOUR, alpha=0.68, markeredgecolor="white", label=t.number(k))
               for k in cell_legend_counts(most)]
    handles.append(Patch(facecolor=SHADE_IN_VIEW, edgecolor=REGION_EDGE, label=t("region with incidents")))
    title = t("{incidents} summed into {cells} of {deg}, each drawn at the cell's centre, not at an incident's "
              "place.\nCircle area = incidents in the cell:").format(
        incidents=t.n("{n} incident", "{n} incidents", int(cells["incidents"].sum())),
        cells=t.n("{n} grid cell", "{n} grid cells", len(cells)), deg=clusters.deg_text(clusters.CELL_DEG, t))
    def legend(text: str):
        return fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.01, -0.005), ncol=len(handles),
                          frameon=False, fontsize=11, title=text, title_fontsize=11, alignment="left",
                          handletextpad=0.4, columnspacing=1.4)

    width = _legend_size(fig, legend(title))[0]
    if width > LEGEND_FITS:  # a longer language: the title's lines wrapped to the image's width
        chars = int(max(map(len, title.split("\n"))) / width * 0.97)
        title = "\n".join(textwrap.fill(line, chars) for line in title.split("\n"))
    legend(title)


def label_groups(located: pd.DataFrame) -> list[dict]:
    """Located incidents grouped where their points overlap (single linkage, the dashboard's distance rule
    ``clusters.OVERLAP_DEG``): place (the most frequent place at the group's busiest point), n incidents, distinct
    points, and the members' rows."""
    if located.empty:
        return []
    keys = pd.DataFrame({"latitude": located["latitude"].to_numpy(float),
                         "longitude": located["longitude"].to_numpy(float)})
    pid = keys.groupby(["latitude", "longitude"], sort=True).ngroup().to_numpy()  # each row's point (sorted)
    first = np.unique(pid, return_index=True)[1]  # each point's first row
    per_point = np.bincount(pid)
    labels = geometry.overlap_groups(keys["latitude"].to_numpy()[first], keys["longitude"].to_numpy()[first],
                                     clusters.OVERLAP_DEG)
    places = located["place"].astype(str).to_numpy(object)
    out = []
    for positions in pd.Series(labels[pid]).groupby(labels[pid], sort=False).indices.values():
        members = np.unique(pid[positions])
        busiest = min(members, key=lambda k: (-per_point[k], str(places[first[k]])))
        counts = pd.Series(places[positions[pid[positions] == busiest]]).value_counts()
        place = _plain(sorted(counts.index, key=lambda p: (-counts[p], p))[0])
        out.append({"place": place, "n": len(positions), "points": len(members), "rows": located.iloc[positions]})
    return sorted(out, key=lambda g: (-g["n"], g["place"]))


def group_label(group: Mapping, t: Translator = ENGLISH) -> str:
    """'Almaty: 2 incidents' (one point), 'Almaty area: 3 incidents' (points close together), in the language."""
    if group["n"] == 1:
        return group["place"]
    where = group["place"] if group["points"] == 1 else t("{place} area").format(place=group["place"])
    return t("{where}: {incidents}").format(where=where, incidents=t.n("{n} incident", "{n} incidents", group["n"]))


# How a region's name is shortened on the map, by language: the unit's word dropped or abbreviated (English drops
# ' Region'; Russian and Kazakh abbreviate 'область' / 'облысы' to 'обл.', as their maps do).
SHORT_UNITS = {"en": ((" Region", ""),), "ru": ((" область", " обл."), ("город ", "")),
               "kk": ((" облысы", " обл."), (" қаласы", ""))}
REGION_LINE = 16  # characters: a longer region label is set on two lines


def region_label(name: str, t: Translator = ENGLISH) -> str:
    """A region's name as the map writes it: its label in the language, the unit shortened, long names on two
    lines ('East\nKazakhstan', 'Восточно-\nКазахстанская обл.')."""
    text = _plain(t.value("region", name))
    if t.lang == DEFAULT or text == name:  # English, or a region the vocabulary does not name
        return name.replace(" Region", "").replace(" Kazakhstan", "\nKazakhstan")
    for long, short in SHORT_UNITS.get(t.lang, ()):
        text = text.replace(long, short)
    if len(text) <= REGION_LINE:
        return text
    if " " in text:
        return _two_lines(text)
    head, dash, tail = text.partition("-")
    return f"{head}{dash}\n{tail}" if dash and tail else text


def _region_labels(fig: Figure, ax, drawn: Sequence[Ring], taken: list[geometry.Box],
                   t: Translator = ENGLISH) -> None:
    """Region names (shortened: ``region_label``) at the mean of each region's ring points, grey, under the incident
    labels: a name that would sit under a point or a label is left out (the incident label names the place)."""
    renderer = fig.canvas.get_renderer()
    labelled: set[str] = set()
    for area, name, xy in drawn:
        if name in labelled or area < REGION_LABEL_MIN_KM2:
            continue
        labelled.add(name)
        cx, cy = float(xy[:, 0].mean()), float(xy[:, 1].mean())
        label = ax.text(cx, cy, region_label(name, t), ha="center", va="center", fontsize=8.5, color="#5A5F66",
                        zorder=3, linespacing=0.95)
        bb = label.get_window_extent(renderer)
        if any(geometry.boxes_overlap((bb.x0, bb.y0, bb.x1, bb.y1), o) for o in taken):
            label.remove()


def _label_spots(r: float) -> tuple[list[tuple[float, float, str, str]], int]:
    """Where a group's label may go, in order of preference, as (dx, dy in points from the group's centre,
    horizontal and vertical alignment): first just beside its points (``r`` away), then further out, with a
    leader line; and how many are just beside."""
    near = [(r, 0, "left", "center"), (-r, 0, "right", "center"), (0, r, "center", "bottom"),
            (0, -r, "center", "top"), (r * 0.8, r * 0.8, "left", "bottom"), (r * 0.8, -r * 0.8, "left", "top"),
            (-r * 0.8, r * 0.8, "right", "bottom"), (-r * 0.8, -r * 0.8, "right", "top")]
    far = [(r + 28, 22, "left", "bottom"), (r + 28, -22, "left", "top"), (-r - 28, 22, "right", "bottom"),
           (-r - 28, -22, "right", "top"), (0, r + 30, "center", "bottom"), (0, -r - 30, "center", "top"),
           (r + 12, r + 26, "right", "bottom"), (r + 12, -r - 26, "right", "top"),
           (-r - 12, r + 26, "left", "bottom"), (-r - 12, -r - 26, "left", "top")]
    return near + far, len(near)


def _place_labels(fig: Figure, ax, located: pd.DataFrame, t: Translator = ENGLISH) -> list[geometry.Box]:
    """Label each group of points beside it, choosing the first spot that covers no point, no other label and stays
    inside the map; a spot further out gets a leader line. Returns the boxes of the points and labels."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    to_px = ax.transData.transform
    pt_px = fig.dpi / 72.0
    obstacles = _marker_boxes(fig, ax, located["_x"], located["_y"], located["_s"])
    blocked = np.array(obstacles, dtype=float).reshape(-1, 4)
    # Labels may use the figure's margins (the map's own box is narrower: equal aspect), but not the legend below.
    limits = (fig.bbox.width, fig.bbox.height, ax.get_window_extent(renderer).y0)
    placed: list[geometry.Box] = []
    for group in label_groups(located):
        rows = group["rows"]
        gx, gy = geometry.albers(rows["longitude"].to_numpy(float), rows["latitude"].to_numpy(float))
        cx, cy = float(np.mean(gx)), float(np.mean(gy))
        px, py = to_px((cx, cy))
        spread = max(float(np.hypot(*(np.array(to_px(np.column_stack([gx, gy]))) - (px, py)).T).max()), 0.0)
        r = (spread + max(math.sqrt(marker_size(v)) / 2 * pt_px for v in rows["killed"])) / pt_px + 6
        spots, n_near = _label_spots(r)
        text = group_label(group, t)
        k, box = _best_spot(ax, renderer, text, (cx, cy), (px, py), spots, n_near, limits, blocked, placed)
        dx, dy, ha, va = spots[k]
        ax.annotate(text, (cx, cy), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va, fontsize=10.5,
                    color=INK, zorder=7,
                    bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="#9AA0A6", lw=0.6, alpha=0.92),
                    arrowprops=dict(arrowstyle="-", color="#555555", lw=0.8, shrinkA=0, shrinkB=r * 0.8)
                    if k >= n_near else None)
        placed.append(box)
    return obstacles + placed


def _best_spot(ax, renderer, text: str, at: tuple[float, float], at_px: tuple[float, float], spots: list,
               n_near: int, limits: tuple[float, float, float], blocked: np.ndarray,
               placed: list[geometry.Box]) -> tuple[int, geometry.Box]:
    """The spot (index into ``spots``) for a label: the first that is free, else the one that clashes least
    (leaving the figure, or above its bottom ``limits[2]``, counts 100), beside the points before further out,
    then the closest to them; with the label's box (display pixels, 2 pt margin)."""
    fig_w, fig_h, bottom = limits
    pad = 2 * ax.figure.dpi / 72.0
    px, py = at_px
    best = None  # (score, k, box)
    for k, (dx, dy, ha, va) in enumerate(spots):
        t = ax.annotate(text, at, xytext=(dx, dy), textcoords="offset points", ha=ha, va=va, fontsize=10.5)
        bb = t.get_window_extent(renderer)
        t.remove()
        box = (bb.x0 - pad, bb.y0 - pad, bb.x1 + pad, bb.y1 + pad)
        inside = box[0] >= 0 and box[2] <= fig_w and box[1] >= bottom and box[3] <= fig_h
        clashes = (0 if inside else 100) + geometry.count_overlaps(box, blocked) \
            + sum(geometry.boxes_overlap(box, o) for o in placed)
        gap = math.hypot(max(box[0] - px, 0, px - box[2]), max(box[1] - py, 0, py - box[3]))
        score = (clashes, k >= n_near, gap)  # free first, then beside the point, then the closest
        if best is None or score < best[0]:
            best = (score, k, box)
    return best[1], best[2]


def _scale_bar(ax, t: Translator = ENGLISH) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    bx, by = x0 + (x1 - x0) * 0.02, y0 + (y1 - y0) * 0.05
    ax.plot([bx, bx + 500], [by, by], color=INK, linewidth=2.5, solid_capstyle="butt", zorder=8)
    ax.text(bx + 250, by + (y1 - y0) * 0.015, t("{n} km").format(n=t.number(500)), ha="center", va="bottom",
            fontsize=10, color=INK, zorder=8)


# ============================================================================================== timeline
MPL_MARKERS = {"square": "s", "x": "X", "diamond": "D", "triangle-up": "^", "circle": "o", "circle-open": "o",
               "star": "*"}
PHASE_COLOURS = {"terrorism": (VERMILLION, (213 / 255, 94 / 255, 0, 0.22)),
                 "response": (BLUE, (0, 114 / 255, 178 / 255, 0.20))}
PHASE_NAMES = {"terrorism": N_("Terrorism phases\n(approx.)"), "response": N_("Response phases\n(approx.)")}
BINNED_KEY = {"month": N_("incidents per month (area: number)"), "quarter": N_("incidents per quarter (area: number)"),
              "year": N_("incidents per year (area: number)")}
LANE_LINE = 16  # characters: a longer lane name (in another language) is set on two lines
IMPRECISE = ("month", "year", "approximate")
AX_TIMELINE = (0.16, 0.15, 0.83, 0.835)
PHASE_ROW = 1.7  # height of a phase row in lane units: two sub-rows tall enough for two lines of text


def _two_lines(label: str) -> str:
    """The label broken into two lines of about equal length (at a space)."""
    words = label.split()
    if len(words) < 2:
        return label
    best = min(range(1, len(words)), key=lambda k: abs(len(" ".join(words[:k])) - len(" ".join(words[k:]))))
    return " ".join(words[:best]) + "\n" + " ".join(words[best:])


def _decimal_year(d: pd.Timestamp) -> float:
    return d.year + (d.day_of_year - 1) / 366.0


@dataclass(frozen=True)
class _Rows:
    """The timeline's frame: years lo..hi drawn from x_lo to x_hi, the rows from the top (the phase sets shown,
    then style.LANE_ORDER) with their heights and centres (y, downwards from 0 to -depth), and ``gap``, the least
    distance in years between two markers sharing a sub-row."""

    lo: int
    hi: int
    x_lo: float
    x_hi: float
    gap: float
    phase_sets: list[str]
    rows: list[str]
    heights: dict[str, float]
    centres: dict[str, float]
    depth: float


def _phases_in(phases: pd.DataFrame | None, phase_set: str, lo: int, hi: int) -> pd.DataFrame:
    if phases is None or phases.empty:
        return pd.DataFrame()
    return phases[(phases["phase_set"] == phase_set) & (phases["end_year"] >= lo) & (phases["start_year"] <= hi)]


def _timeline_rows(phases: pd.DataFrame | None, years: tuple[int, int]) -> _Rows:
    lo, hi = int(min(years)), int(max(years))
    span = hi - lo + 1
    phase_sets = [s for s in ("terrorism", "response") if not _phases_in(phases, s, lo, hi).empty]
    rows = [f"phase:{s}" for s in phase_sets] + list(style.LANE_ORDER)
    heights = {r: (2.0 if r == "Incidents" else PHASE_ROW if r.startswith("phase:") else 1.0) for r in rows}
    centres: dict[str, float] = {}
    cursor = 0.0
    for r in rows:
        centres[r] = -(cursor + heights[r] / 2)
        cursor += heights[r]
    return _Rows(lo, hi, lo - 0.02 * span, hi + 1 + 0.02 * span, span / 95.0, phase_sets, rows, heights, centres,
                 cursor)


@_serialised
def timeline_png(policies: pd.DataFrame, phases: pd.DataFrame, events: pd.DataFrame,
                 ban_counts: Mapping[str, int], years: tuple[int, int],
                 incident_limit: int = tl.INCIDENT_LIMIT, t: Translator = ENGLISH) -> bytes:
    """Lanes of policy milestones (style.LANE_ORDER, incidents at the bottom), the approximate phases as bands at the
    top, court bans marked with the number of organisations they ban. Hollow markers: date known only to the month
    or year, or approximate; hollow stars: incidents whose victims are unknown."""
    frame = _timeline_rows(phases, years)
    fig = _figure("timeline")
    ax = fig.add_axes(AX_TIMELINE)
    ax.set_xlim(frame.x_lo, frame.x_hi)
    ax.set_ylim(-frame.depth, 0)
    for r in frame.rows:  # lane separators
        ax.axhline(frame.centres[r] - frame.heights[r] / 2, color="#D0D4D9", linewidth=0.8, zorder=0)
    if frame.phase_sets:
        ax.axhline(frame.centres[frame.rows[len(frame.phase_sets) - 1]] - PHASE_ROW / 2, color="#7A828C",
                   linewidth=1.2, zorder=0)
    keyed = _draw_phases(ax, phases, frame)
    _draw_policies(ax, policies, ban_counts, frame)
    unit = _draw_incidents(ax, events, frame, incident_limit)
    _timeline_axes(ax, frame, t)
    _timeline_legend(fig, unit, keyed, t, ax)
    return _png(fig)


def _draw_phases(ax, phases: pd.DataFrame | None, frame: _Rows) -> list[str]:
    """Phases: bars in their set's row (overlapping phases alternate between two sub-rows), labelled inside the bar
    on one line, or on two smaller lines, or (when neither fits) by number; returns the key of the numbered ones."""
    years_per_pt = (frame.x_hi - frame.x_lo) / (AX_TIMELINE[2] * SIZES["timeline"][0] * 72)
    keyed: list[str] = []
    for s in frame.phase_sets:
        sub = _phases_in(phases, s, frame.lo, frame.hi).sort_values(["start_year", "order"])
        c = frame.centres[f"phase:{s}"]
        edge, fill = PHASE_COLOURS[s]
        last_end = -1e9
        alt = 0
        for r in sub.to_dict("records"):
            x0 = max(float(r["start_year"]), frame.x_lo)
            x1 = min(float(r["end_year"]) + 1, frame.x_hi)
            alt = 1 - alt if x0 < last_end else 0
            last_end = x1
            h = PHASE_ROW / 2 * 0.86
            y0 = c + 0.02 if alt == 0 else c - 0.02 - h
            ax.add_patch(Rectangle((x0, y0), x1 - x0, h, facecolor=fill, edgecolor=edge, linewidth=0.8,
                                   zorder=1))
            text, size = _phase_text(_plain(r["label"]), x1 - x0, years_per_pt, keyed)
            ax.text((x0 + x1) / 2, y0 + h / 2, text, ha="center", va="center", fontsize=size, color=INK,
                    zorder=2, linespacing=0.9)
    return keyed


def _phase_text(label: str, width: float, years_per_pt: float, keyed: list[str]) -> tuple[str, float]:
    """The text of a phase bar ``width`` years wide, and its font size: the label on one line at 10 pt, or on two
    at 8.5 pt, or else a number (the label is then added to ``keyed``)."""
    lines2 = _two_lines(label)
    if len(label) * 10 * 0.56 * years_per_pt < width * 0.96:
        return label, 10
    if max(len(t) for t in lines2.split("\n")) * 8.5 * 0.56 * years_per_pt < width * 0.96:
        return lines2, 8.5
    keyed.append(f"{len(keyed) + 1}: {label}")
    return str(len(keyed)), 9


def _draw_policies(ax, policies: pd.DataFrame | None, ban_counts: Mapping[str, int], frame: _Rows) -> None:
    """Policy milestones in their lanes, spread over sub-rows; hollow when the date is imprecise; court bans carry
    the number of organisations they ban."""
    pol = (policies[policies["date"].dt.year.between(frame.lo, frame.hi)].copy() if policies is not None
           else pd.DataFrame())
    if pol.empty:
        return
    pol["lane"] = pol["category"].map(lambda c: style.POLICY_LANES.get(str(c), "Context"))
    pol = pol.sort_values(["date", "policy_id"])
    for lane in style.LANE_ORDER:
        sub = pol[pol["lane"] == lane]
        if lane == "Incidents" or sub.empty:
            continue
        xs = [_decimal_year(d) for d in sub["date"]]
        offs = tl.centre_out_offsets(tl.sub_rows(xs, frame.gap, 3), 0.5 * 0.62)
        colour = style.LANE_COLOURS[lane]
        marker = MPL_MARKERS[style.LANE_SYMBOLS[lane]]
        y = frame.centres[lane]
        for x, off, r in zip(xs, offs, sub.to_dict("records")):
            hollow = r["date_precision"] in IMPRECISE or style.LANE_SYMBOLS[lane] == "circle-open"
            ax.plot([x], [y + off], marker=marker, markersize=9 if marker != "X" else 10,
                    markerfacecolor="white" if hollow else colour, markeredgecolor=colour,
                    markeredgewidth=1.6, linestyle="", zorder=4)
            n_banned = ban_counts.get(str(r["policy_id"]), 0)
            if n_banned:
                ax.text(x, y + off + 0.2, str(n_banned), ha="center", va="bottom", fontsize=9, color=INK, zorder=5)


def _draw_incidents(ax, events: pd.DataFrame | None, frame: _Rows, incident_limit: int) -> str | None:
    """Incidents in their lane: stars one by one, or (more than ``incident_limit`` in the years) circles per period;
    returns the period's unit when binned, else None."""
    in_years = events["date"].dt.year.between(frame.lo, frame.hi).fillna(False).to_numpy(bool) \
        if events is not None and not events.empty else np.zeros(0, bool)
    if int(in_years.sum()) > incident_limit:  # one circle per period, area ~ incidents (3 columns, not the rows)
        unit = tl.bin_unit((frame.lo, frame.hi))
        bins = tl.incident_bins(events.loc[in_years, ["date", "killed", "date_precision"]], unit)
        most = int(bins["incidents"].max())
        xs = np.array([_decimal_year(d) for d in bins["mid"]])
        diam = np.maximum(4.0, 22.0 * np.sqrt(bins["incidents"].to_numpy(float) / max(1, most)))
        ax.scatter(xs, np.full(len(xs), frame.centres["Incidents"]), s=diam ** 2, c=INK, alpha=0.45,
                   edgecolors=INK, linewidths=0.8, zorder=4)
        return unit
    if in_years.any():
        _draw_incident_stars(ax, events[in_years].sort_values(["date", "event_id"]), frame)
    return None


def _draw_incident_stars(ax, ev: pd.DataFrame, frame: _Rows) -> None:
    """Filled stars sized by victims killed, hollow stars of fixed size where unknown."""
    xs = [_decimal_year(d) for d in ev["date"]]
    offs = tl.centre_out_offsets(tl.sub_rows(xs, frame.gap * 1.2, 5), 1.0 * 0.62)
    c = frame.centres["Incidents"]
    for x, off, r in zip(xs, offs, ev.to_dict("records")):
        if is_blank(r["killed"]):
            ax.plot([x], [c + off], marker="*", markersize=13, markerfacecolor="white",
                    markeredgecolor=INK, markeredgewidth=1.3, linestyle="", zorder=4)
        else:
            size = 8 + 3.0 * math.sqrt(int(r["killed"]))
            ax.plot([x], [c + off], marker="*", markersize=size, markerfacecolor=INK,
                    markeredgecolor="white", markeredgewidth=0.5, linestyle="", zorder=4)


def _row_name(row: str, t: Translator = ENGLISH) -> str:
    """A row's name: a phase set's, or a lane's (the lanes are named by their English keys), in the language; a
    long one on two lines."""
    if row.startswith("phase:"):
        return t(PHASE_NAMES[row.split(":", 1)[1]])
    if t.lang == DEFAULT:
        return row.replace("amendments and decrees", "amendments,\ndecrees").replace("International agreements",
                                                                                    "International\nagreements")
    name = t(row)
    return _two_lines(name) if len(name) > LANE_LINE and "\n" not in name else name


def _timeline_axes(ax, frame: _Rows, t: Translator = ENGLISH) -> None:
    """Lane names as y labels (each lane's marker is in the legend below) and a year axis."""
    ax.set_yticks([frame.centres[r] for r in frame.rows])
    ax.set_yticklabels([_row_name(r, t) for r in frame.rows], fontsize=11.5, linespacing=0.95)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    span = frame.hi - frame.lo + 1
    step = 1 if span <= 12 else 2 if span <= 26 else 5
    ticks = [y for y in range(frame.lo, frame.hi + 2) if (y - frame.lo) % step == 0]
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(t) for t in ticks])
    ax.grid(axis="x", color="#E3E6EA", linewidth=0.8)
    ax.set_axisbelow(True)


def _timeline_legend(fig: Figure, unit: str | None, keyed: list[str], t: Translator = ENGLISH, ax=None) -> None:
    """The markers' key; ``unit``: the period the incidents are counted per (None: drawn one by one); ``keyed``:
    the phases too narrow for their name, numbered in the bar and named here. Where the key is wider than the image
    (a longer language) it takes more rows, and the chart ``ax`` is raised above it."""
    handles = [
        Line2D([], [], marker="s", linestyle="", markersize=8, markerfacecolor="white",
               markeredgecolor="#444444", markeredgewidth=1.5, label=t("hollow: date month/year only or approx.")),
        Line2D([], [], marker="X", linestyle="", markersize=9, markerfacecolor=VERMILLION,
               markeredgecolor=VERMILLION, label=t("court ban or ruling (n: organisations banned)")),
    ]
    if unit is None:
        handles += [
            Line2D([], [], marker="*", linestyle="", markersize=12, markerfacecolor=INK, markeredgecolor="white",
                   label=t("incident (size: victims killed)")),
            Line2D([], [], marker="*", linestyle="", markersize=12, markerfacecolor="white", markeredgecolor=INK,
                   label=t("incident, victims unknown")),
        ]
    else:
        label = t(BINNED_KEY[unit]) if unit in BINNED_KEY else f"incidents per {unit} (area: number)"
        handles.append(Line2D([], [], marker="o", linestyle="", markersize=12, markerfacecolor=INK, alpha=0.45,
                              markeredgecolor=INK, label=label))
    if keyed:
        handles.append(Line2D([], [], linestyle="", label=t("Phases: {key}").format(key="; ".join(keyed))))
    def legend(columns: int):
        return fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.005, -0.012), ncol=columns,
                          frameon=False, fontsize=10.5, handletextpad=0.2, columnspacing=1.2)

    columns, height = _fitting_columns(fig, legend, (4, 3, 2, 1))
    taller = height - _legend_size(fig, legend(4))[1]
    if taller > 0 and ax is not None:
        x, y, w, h = AX_TIMELINE
        ax.set_position((x, y + taller, w, h - taller))
    legend(columns)


# ============================================================================================== statistics
@_serialised
def age_png(under_20: float | None, band_30_39: float | None, total: float | None, t: Translator = ENGLISH) -> bytes:
    """The age shares exactly as reported: 55% under 20, 35% aged 30-39, the reported total 90% under 40; the 20-29
    band is an empty dashed frame marked 'not reported'."""
    fig = _figure("age")
    ax = fig.add_axes((0.30, 0.15, 0.66, 0.82))
    labels = [_wrapped_label(t("Under 20")), "20\u201329", "30\u201339", _wrapped_label(t("Under 40\n(reported total)"))]
    ys = [3, 2, 1, 0]
    for y, v, colour, hatch in ((3, under_20, BLUE, None), (1, band_30_39, SKY, "..")):
        if v is None:
            ax.text(1, y, t("not in the data pack"), va="center", fontsize=12, color=VERMILLION)
            continue
        ax.barh(y, v, height=0.6, color=colour, edgecolor="#000000", linewidth=0.8, hatch=hatch)
        ax.text(v + 1.5, y, f"{_num(v, t)}%", va="center", fontsize=14, fontweight="bold", color=INK)
    ax.add_patch(Rectangle((0, 2 - 0.3), 100, 0.6, fill=False, edgecolor=GREY, linestyle="--", linewidth=1.5))
    text = t("not reported")
    if None not in (under_20, band_30_39, total):
        text += "\n" + t("{total} \u2212 {under_20} \u2212 {band} leaves {rest}%: implausible").format(
            total=_num(total, t), under_20=_num(under_20, t), band=_num(band_30_39, t),
            rest=_num(total - under_20 - band_30_39, t))
    ax.text(50, 2, text, ha="center", va="center", fontsize=12, color="#222222")
    if total is not None:
        ax.barh(0, total, height=0.6, color="white", edgecolor=ORANGE, linewidth=2.5, hatch="//")
        ax.text(total + 1.5, 0, f"{_num(total, t)}%", va="center", fontsize=14, fontweight="bold", color=INK)
    ax.axhline(0.5, color="#555555", linewidth=1, linestyle=":")
    ax.set_yticks(ys)
    ax.set_yticklabels(labels, fontsize=13)
    ax.set_xlim(0, 112)
    ax.set_ylim(-0.55, 3.55)
    ax.set_xticks([0, 20, 40, 60, 80, 100])
    ax.set_xticklabels([f"{t}%" for t in (0, 20, 40, 60, 80, 100)])
    ax.set_xlabel(t("Share of terrorists, as reported"))
    ax.tick_params(axis="y", length=0)
    return _png(fig)


@_serialised
def prosecution_png(rows: Sequence[Mapping], t: Translator = ENGLISH) -> bytes:
    """Horizontal bars, one per figure, each labelled with its metric and its own period (the periods differ);
    the value as stated at the end of the bar. ``rows``: dicts with label, period, value, value_text."""
    fig = _figure("prosecution")
    ax = fig.add_axes((0.02, 0.12, 0.96, 0.86))
    n = max(len(rows), 1)
    top = max([float(r["value"]) for r in rows] or [1.0])
    values = []
    for i, r in enumerate(rows):
        y = n - 1 - i  # each row: metric (bold), its period (italic), then the bar
        ax.barh(y - 0.22, float(r["value"]), height=0.3, color=BLUE, edgecolor="#000000", linewidth=0.8)
        values.append(ax.text(float(r["value"]) + top * 0.015, y - 0.22, r["value_text"], va="center", fontsize=13,
                              fontweight="bold", color=INK))
        ax.text(0, y + 0.36, textwrap.shorten(str(r["label"]), 80, placeholder=" …"), va="center", ha="left",
                fontsize=11.5, color=INK, fontweight="bold")
        ax.text(0, y + 0.08, t("Period: {period}").format(period=textwrap.shorten(str(r["period"]), 90,
                                                                                 placeholder=" …")),
                va="center", ha="left", fontsize=10.5, color="#3A3F45", style="italic")
    ax.set_ylim(-0.5, n - 0.45)
    ax.set_xlim(0, _room_for(fig, ax, values, top * 1.3))
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_xlabel(t("Number as reported (each bar: its own period and unit)"), fontsize=11.5)
    return _png(fig)


AXIS_LABEL_LINE = 16  # characters: a longer line of an axis label (another language) is wrapped


def _wrapped_label(label: str) -> str:
    """An axis label whose lines longer than AXIS_LABEL_LINE are wrapped (labels that fit stay as they are)."""
    return "\n".join(textwrap.fill(line, AXIS_LABEL_LINE) if len(line) > AXIS_LABEL_LINE else line
                     for line in label.split("\n"))


def _room_for(fig: Figure, ax, texts, right: float) -> float:
    """The right end of the x axis (at least ``right``) that keeps every text, written from its x to the right,
    inside the image (a longer unit in another language)."""
    renderer = fig.canvas.get_renderer()
    ax.set_xlim(0, right)
    a0, a1 = ax.get_window_extent(renderer).x0, ax.get_window_extent(renderer).x1
    room = fig.bbox.x1 - 4
    for text in texts:
        width = text.get_window_extent(renderer).width
        x = text.get_position()[0]
        if a0 + x / right * (a1 - a0) + width > room and room - width > a0:
            right = max(right, x * (a1 - a0) / (room - width - a0))
    return right


def _num(v: float, t: Translator = ENGLISH) -> str:
    """A share as written: '55', '16.6' ('16,6' in Kazakh and Russian)."""
    v = float(v)
    text = str(int(v)) if v.is_integer() else f"{v:g}"
    return text if t.lang == DEFAULT else text.replace(".", ",")
