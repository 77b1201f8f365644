"""View models: what each view shows, computed once, as plain data, for its page, its presentation slide and the
briefing pack alike. Each is a pure function of the data pack (whose ``data_dir`` names the imported datasets
switched on, by fingerprint), the filter and the incidents in that filter (``base.events_in``); no Streamlit.

- ``base``: the incidents in a filter, and the years in words
- ``summary``: headline figures and per-year sums with the unknowns counted apart
- ``overview``: the overview page (headline tiles, per year, milestones, most recent incidents, coverage)
- ``map``: how the map draws a filter, its legend, notes and text alternatives
- ``timeline``: the policy timeline's counts, key, notes and table; the banned organisations
- ``statistics``: each statistics chart's source line, caveats, disagreements and alt; the tables
- ``sources``: sources, contradictions, cases left out, method documents, numbered references
- ``details``: one record's fields, sources, alternatives and verification record
"""
