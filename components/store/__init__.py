"""The stores of imported datasets, one interface (``base.BaseStore``) and two databases:

- ``base``: the errors (``StoreError``, ``StoreUnavailable``, ``DuplicateDatasetError``, ``DatasetGone``), the shapes every store hands
  out (the datasets listing, the events with the curated dtypes), fingerprints and categories, ``combine_events``.
- ``duckdb_store``: ``DuckDBStore``, an embedded file under ``var/`` for one server process (the default).
- ``postgres_store``: ``PostgresStore``, a PostgreSQL database that several server processes share.

``components.imports.store`` is the entry the app uses: ``Store`` (the DuckDB store) and ``open_store(url_or_dir)``.
No Streamlit here.
"""
