"""The map's legend: what the map draws, in legend order (``LegendItem``s: attack types present, point sizes and
the unknown-victims ring, or the grid cells and their sizes; then the region shading with its numbers), drawn as a
standalone SVG image (all text escaped) and said in words for its alt text. Pure code: no Streamlit, no I/O."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape

import pandas as pd

from components.figures import style
from components.i18n import ENGLISH, N_, Translator
from components.map import points, regions
from components.map.clusters import CELL_DEG, POINT_LIMIT, deg_text, grid_cells, located_mask

LEGEND_WIDTH_PX = 210
ATTACK_TYPE_GROUP = N_("Colour: attack type (GTD)")
SIZE_GROUP = N_("Size: victims killed")
REGION_GROUPS = {"incidents": N_("Region: incidents"), "victims": N_("Region: victims killed")}
REGION_STATES = (("unknown", N_("unknown (no victim figure)"), regions.UNKNOWN_VICTIMS_RGB),
                 ("no incident", N_("no incident"), regions.NO_INCIDENT_RGB),
                 ("outside filter", N_("outside the region filter"), regions.OUTSIDE_FILTER_RGB))


@dataclass(frozen=True)
class LegendItem:
    """One line of the legend. ``kind``: 'point' (filled circle), 'ring' (hollow circle), 'size' (circle of a
    given radius), 'area' (square swatch); ``group`` heads the section it belongs to."""

    group: str
    kind: str
    label: str
    rgb: tuple[int, int, int]
    radius: float = 6.0
    outline: tuple[int, int, int] = regions.REGION_OUTLINE_RGB


# ------------------------------------------------------------------ items

def cell_legend_counts(most: int) -> list[int]:
    """Reference counts for the legend of the grid cells: the fullest cell's count and round numbers below it
    (1-2-5 steps, each at most a tenth of the previous), smallest first."""
    if most <= 0:
        return []
    out = [most]
    step = 10 ** int(math.floor(math.log10(most)))
    for nice in (step, step // 10, step // 100):
        if 1 <= nice <= out[-1] / 4:
            out.append(nice)
    return sorted(set(out))[-3:]


def legend_items(events: pd.DataFrame, boundaries: Mapping | None, shade_by: str = regions.DEFAULT_SHADE,
                 region_filter: Collection[str] = (), point_limit: int = POINT_LIMIT,
                 cell_deg: float = CELL_DEG, t: Translator = ENGLISH) -> list[LegendItem]:
    """What the map draws, in legend order: attack types present, the unknown-victims ring, point sizes, and the
    region shading with its numbers. Above ``point_limit`` located incidents: the grid cells and their sizes
    instead of the incidents. Headings and labels in the translator's language."""
    mask = located_mask(events)
    if int(mask.sum()) > point_limit:
        items = _cell_items(events, cell_deg, t)
    else:
        located = events[mask]
        items = _attack_type_items(located, t) + _size_items(located, t)
    return items + _region_items(events, boundaries, shade_by, region_filter, t)


def _cell_items(events: pd.DataFrame, cell_deg: float, t: Translator = ENGLISH) -> list[LegendItem]:
    cells = grid_cells(events, cell_deg)
    most = int(cells["incidents"].max())
    group = t("Grid cells of {deg} ({cells}): size = incidents in the cell, not one incident").format(
        deg=deg_text(cell_deg, t), cells=t.number(len(cells)))
    rgb = points.CELL_FILL[:3]
    return [LegendItem(group, "size", t.number(k), rgb, radius=points.cell_radius_px(k, most), outline=rgb)
            for k in cell_legend_counts(most)]


def _attack_type_items(located: pd.DataFrame, t: Translator = ENGLISH) -> list[LegendItem]:
    """The attack types present, in the palette's order, then any type the palette lacks (grey)."""
    counts = located["attack_type"].value_counts()
    counts = counts[counts > 0]  # a categorical column also counts its unused categories
    group = t(ATTACK_TYPE_GROUP)

    def label(attack_type: str) -> str:
        return f"{t.value('attack_type', attack_type)} ({t.number(int(counts[attack_type]))})"

    items = [LegendItem(group, "point", label(attack_type), style.hex_to_rgb(hex_colour), radius=6.0,
                        outline=points.POINT_OUTLINE_RGB)
             for attack_type, hex_colour in style.ATTACK_TYPE_COLOURS.items() if attack_type in counts]
    items += [LegendItem(group, "point", label(attack_type), style.hex_to_rgb(style.OKABE_ITO["grey"]),
                         outline=points.POINT_OUTLINE_RGB)
              for attack_type in counts.index if attack_type not in style.ATTACK_TYPE_COLOURS]
    return items


def _size_items(located: pd.DataFrame, t: Translator = ENGLISH) -> list[LegendItem]:
    group = t(SIZE_GROUP)
    items = [LegendItem(group, "size", str(k), (110, 110, 110), radius=points.radius_px(k),
                        outline=points.POINT_OUTLINE_RGB) for k in (0, 1, 5, 10, 20)]
    n_unknown = int(located["killed"].isna().sum())
    items.append(LegendItem(group, "ring", t("unknown ({n}): ring, fixed size").format(n=t.number(n_unknown)),
                            (110, 110, 110), radius=points.UNKNOWN_RADIUS_PX))
    return items


def _region_items(events: pd.DataFrame, boundaries: Mapping | None, shade_by: str,
                  region_filter: Collection[str], t: Translator = ENGLISH) -> list[LegendItem]:
    group = t(REGION_GROUPS[shade_by])  # one heading per option of regions.SHADE_OPTIONS
    classes, states = regions.shade_states(events, boundaries, shade_by, region_filter)
    items = [LegendItem(group, "area", c.label, c.rgb) for c in classes]
    for state, label, rgb in REGION_STATES:
        if state in states:
            items.append(LegendItem(group, "area", t(label), rgb))
    return items


# ------------------------------------------------------------------ the SVG

_PAD, _LINE_H = 6, 16


def _rgb(rgb: tuple[int, int, int]) -> str:
    return "rgb({},{},{})".format(*rgb)


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters, broken at spaces only (a longer word keeps its own line)."""
    return textwrap.wrap(" ".join(text.split()), max(1, width), break_long_words=False, break_on_hyphens=False)


class _Svg:
    """The legend's SVG elements, written top to bottom; ``y`` is the height used so far."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.y = float(_PAD)

    def text(self, x: float, y: float, content: str, **attrs: str) -> None:
        extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
        self.parts.append(f'<text x="{x}" y="{y:.1f}"{extra}>{escape(content)}</text>')

    def heading(self, group: str, width: int) -> None:
        for line in _wrap(group, (width - 2 * _PAD) // 8):
            self.text(_PAD, self.y + 13, line, font_weight="700", font_size="14")
            self.y += 18
        self.y += 2

    def size_row(self, sizes: list[LegendItem], width: int) -> None:
        """Circles of the given sizes side by side, each labelled below."""
        r_max = max(m.radius for m in sizes)
        step = (width - 2 * _PAD) / len(sizes)
        cy = self.y + r_max + 1
        for i, m in enumerate(sizes):
            cx = _PAD + step * (i + 0.5)
            self.parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{m.radius:.2f}" fill="{_rgb(m.rgb)}" '
                              f'stroke="{_rgb(m.outline)}" stroke-width="1.2"/>')
            self.text(cx, cy + r_max + 15, m.label, font_size="13", text_anchor="middle")
        self.y = cy + r_max + 22

    def item(self, m: LegendItem, chars: int) -> None:
        """A swatch or a circle, with its label beside it (wrapped to ``chars`` characters)."""
        lines = _wrap(m.label, chars)
        cx, cy = _PAD + 12, self.y + 10
        if m.kind == "area":
            self.parts.append(f'<rect x="{_PAD + 2}" y="{cy - 8}" width="20" height="16" fill="{_rgb(m.rgb)}" '
                              f'stroke="{_rgb(m.outline)}" stroke-width="1"/>')
        elif m.kind == "ring":
            self.parts.append(f'<circle cx="{cx}" cy="{cy}" r="{m.radius}" fill="white" stroke="{_rgb(m.rgb)}" '
                              f'stroke-width="{points.RING_WIDTH_PX}"/>')
        else:
            self.parts.append(f'<circle cx="{cx}" cy="{cy}" r="{m.radius}" fill="{_rgb(m.rgb)}" '
                              f'stroke="{_rgb(m.outline)}" stroke-width="1.2"/>')
        for k, line in enumerate(lines):
            self.text(_PAD + 32, cy + 5 + k * _LINE_H, line, font_size="13.5")
        self.y += max(20.0, 2 * m.radius + 6, _LINE_H * len(lines) + 4)

    def note(self, note: str, width: int) -> None:
        self.y += 6
        for line in _wrap(note, (width - 2 * _PAD) // 6):
            self.y += 16
            self.text(_PAD, self.y, line, font_size="12.5", fill="rgb(70,70,70)")

    def document(self, width: int) -> str:
        height = int(self.y + _PAD + 4)
        font = escape(style.FONT_FAMILY, {'"': "&quot;"})
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                f'viewBox="0 0 {width} {height}" font-family="{font}" fill="rgb(20,23,26)">'
                f'<rect width="{width}" height="{height}" fill="white"/>' + "".join(self.parts) + "</svg>")


def _by_group(items: list[LegendItem]) -> dict[str, list[LegendItem]]:
    groups: dict[str, list[LegendItem]] = {}
    for item in items:
        groups.setdefault(item.group, []).append(item)
    return groups


def legend_svg(items: list[LegendItem], width: int = LEGEND_WIDTH_PX, note: str = "") -> str:
    """The legend as a standalone SVG (all text escaped), to show as an image. Point sizes are drawn side by side
    in one row; long labels wrap."""
    chars = max(12, (width - 2 * _PAD - 34) // 7)
    svg = _Svg()
    for g_index, (group, members) in enumerate(_by_group(items).items()):
        svg.y += 8 if g_index else 0
        svg.heading(group, width)
        sizes = [m for m in members if m.kind == "size"]
        if sizes:
            svg.size_row(sizes, width)
        for m in members:
            if m.kind != "size":
                svg.item(m, chars)
    if note:
        svg.note(note, width)
    return svg.document(width)


def legend_text(items: list[LegendItem]) -> str:
    """The legend in words (the image's alt text)."""
    return ". ".join(f"{g}: {', '.join(m.label for m in members)}" for g, members in _by_group(items).items()) + "."
