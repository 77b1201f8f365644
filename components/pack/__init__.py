"""The data pack: the curated tables, their schema and their provenance, read and checked.

- ``load``: reading the pack (tables in dependency order, metadata, boundaries), the checks that span tables, and
  the report of every problem by file, row and column; ``DataPack``
- ``schema``: the pandera schema of each table (types, allowed values, references between tables)
- ``alternatives``: the other values sources give for a figure, and every "sources disagree" text derived from them
- ``values``: what counts as blank
"""
