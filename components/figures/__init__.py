"""Figure builders: pure functions from data to plotly figures (``make_*_figure``), with their vocabularies.

- ``style``: palette (Okabe-Ito), lanes, symbols and the shared plotly layout
- ``yearly``: the overview's incidents and victims per year against the policy milestones
- ``timeline``: the policy timeline (lanes, phases, incidents as stars or per period); ``timeline_tables``: its
  'View as table' and the banned organisations' table
- ``statistics``: the age, prosecution and foreign-fighter charts, and the readable statistics rows
- ``slides``: a view's figure scaled for a presentation slide
"""
