"""Domain vocabularies for display: labels, colours and symbols in one place. Colours are the Okabe-Ito palette
(safe for the common colour-vision deficiencies); every colour is paired with a label, symbol or pattern so that
meaning never rests on colour alone."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from components.i18n import N_

OKABE_ITO = {
    "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "black": "#000000", "grey": "#767676",  # grey darkened from #999999 for 4.5:1 contrast on white
}

ATTACK_TYPE_COLOURS = {
    "Bombing/Explosion": OKABE_ITO["vermillion"],
    "Armed Assault": OKABE_ITO["blue"],
    "Assassination": OKABE_ITO["purple"],
    "Facility/Infrastructure Attack": OKABE_ITO["orange"],
    "Hostage Taking (Barricade Incident)": OKABE_ITO["green"],
    "Hostage Taking (Kidnapping)": OKABE_ITO["sky"],
    "Hijacking": OKABE_ITO["yellow"],
    "Unarmed Assault": OKABE_ITO["black"],
    "Unknown": OKABE_ITO["grey"],
}

# Lanes of the policy timeline: each policy category's lane, top to bottom, the incidents lane last. The names are
# the lanes' keys (English, as the figures and tests name them); show them with ``t(lane)``.
INCIDENTS_LANE = N_("Incidents")
POLICY_LANES = {
    "law": N_("Laws, amendments and decrees"),
    "amendment": N_("Laws, amendments and decrees"),
    "decree": N_("Laws, amendments and decrees"),
    "parliamentary step": N_("Laws, amendments and decrees"),
    "court ban": N_("Court bans and rulings"),
    "court ruling": N_("Court bans and rulings"),
    "state programme": N_("State programmes"),
    "institution": N_("Institutions"),
    "international agreement": N_("International agreements"),
    "context": N_("Context"),
    # plots stopped with arrests only: context, not incidents (docs/inclusion_criteria.md)
    "foiled plot": N_("Context"),
}
LANE_ORDER = ["Context", "International agreements", "Institutions", "State programmes", "Court bans and rulings",
              "Laws, amendments and decrees", INCIDENTS_LANE]
LANE_COLOURS = {
    "Laws, amendments and decrees": OKABE_ITO["blue"],
    "Court bans and rulings": OKABE_ITO["vermillion"],
    "State programmes": OKABE_ITO["green"],
    "Institutions": OKABE_ITO["purple"],
    "International agreements": OKABE_ITO["orange"],
    "Context": OKABE_ITO["grey"],
    INCIDENTS_LANE: OKABE_ITO["black"],
}
LANE_SYMBOLS = {
    "Laws, amendments and decrees": "square", "Court bans and rulings": "x", "State programmes": "diamond",
    "Institutions": "triangle-up", "International agreements": "circle", "Context": "circle-open",
    INCIDENTS_LANE: "star",
}


def lane_of(category: object) -> str:
    """The timeline lane of a policy category; a category the vocabulary does not know goes to Context."""
    return POLICY_LANES.get(str(category), "Context")


# Region shading: a sequential blue-purple ramp (ColorBrewer Purples, colour-blind safe), light to dark, as RGB for
# pydeck. Not the Okabe-Ito blue of the Armed Assault points, so the points stand out on any region.
SEQUENTIAL_REGION_RAMP = [(242, 240, 247), (218, 218, 235), (188, 189, 220), (158, 154, 200), (117, 107, 177),
                          (84, 39, 143)]
NO_DATA_RGB = (247, 247, 247)

FONT_FAMILY = "Source Sans Pro, Arial, sans-serif"
BASE_FONT_SIZE = 15


def hex_to_rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def plotly_layout(**overrides) -> dict:
    """Common plotly layout: legible on a projector, white background, no title (the page states it)."""
    layout = dict(
        template="simple_white",
        font=dict(family=FONT_FAMILY, size=BASE_FONT_SIZE, color="#14171A"),
        margin=dict(l=10, r=10, t=30, b=10),
        hoverlabel=dict(font_size=BASE_FONT_SIZE),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
    )
    layout.update(overrides)
    return layout


def make_figure(data: list[dict], layout: dict) -> go.Figure:
    """``go.Figure`` of trace dicts and a layout dict, validated once, with the layout's template (a registered
    name) set the way plotly sets its default template: registered templates are validated already, so it is not
    validated again (which deep-copies the whole template: 20 ms a figure, a third of building one). The figure is
    the same as the one ``add_trace`` and ``update_layout`` make."""
    layout = dict(layout)
    template = layout.pop("template", None)
    fig = go.Figure(dict(data=data, layout=layout))
    if template is None:
        return fig
    inner = getattr(fig, "_layout_obj", None)  # plotly internals (7.x): if they move, validate as usual
    if inner is None or not hasattr(inner, "_validate") or template not in pio.templates:
        fig.update_layout(template=template)
        return fig
    inner._validate = False
    try:
        inner.template = pio.templates[template]
    finally:
        inner._validate = fig._validate
    return fig
