"""The incident map, by concern. Pure code: no Streamlit, no I/O; the Map page, its slide and the briefing pack's map
image draw from it. What the user reads (tooltips, labels, legend, table) is in the language of the translator
passed as ``t`` (``components.i18n``, English by default); the layers' data keep the table's English values, which
clicks and links use.

- ``geometry``: region rings and their areas, the printed map's Albers projection, distances, overlapping points
- ``clusters``: located incidents, those at one point or overlapping, grid cells above POINT_LIMIT; their sentences
- ``regions``: each region's figures, shading class, colour, state and tooltip (the regions layer's GeoJSON)
- ``points``: each incident's point and each grid cell's circle: size, colour, text tooltip
- ``layers``: the pydeck deck: starting view, layers, label placement, compact JSON (``make_map``, ``CompactDeck``)
- ``legend``: the legend's items, as SVG and as text
- ``table``: the incidents under the map ('View as table')
"""
