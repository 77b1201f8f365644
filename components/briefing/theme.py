"""The shared look of the briefing pack: the colours and type sizes that the deck and the handout both use.

Sizes are slide points; the PDF sets its text at ``pdf.PDF_SCALE`` of them. The body, table, source and title sizes
stay in ``content``, whose pagination measures text at those sizes; these are the others.
"""

from __future__ import annotations

from components.figures import style
from components.text import web_url

# ------------------------------------------------------------------------------------------------ colours
INK = "#14171A"
MUTED = "#4A5058"
WHITE = "#FFFFFF"
LINK = style.OKABE_ITO["blue"]
WARN = style.OKABE_ITO["vermillion"]  # 'unknown' in a table, a figure missing from the data pack
CAVEAT_FILL = "#FFF4D6"
CAVEAT_LINE = style.OKABE_ITO["orange"]
RANGE_LINE = style.OKABE_ITO["blue"]  # the estimate of the source documents
COMPARATOR_LINE = style.OKABE_ITO["vermillion"]  # figures from elsewhere, shown apart from the estimate
TILE_FILL = "#F7F8FA"
RULE = "#C8CDD3"  # the outline of a headline tile, the rule under a table row

# ------------------------------------------------------------------------------------------------ type sizes
LEAD_PT = 18  # the heading of a box, a tile's label, the title page's export date
FIGURE_PT = 44  # a headline figure
RANGE_PT = 40  # the foreign-fighter estimate
COMPARATOR_PT = 28

safe_url = web_url  # a link target only for web addresses; any other scheme from the data stays plain text
