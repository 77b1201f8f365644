"""Bring your own data: read an uploaded event file (CSV or XLSX), recognise its format (GTD, ACLED or the
dashboard's own), map it onto the dashboard's event table, preview the result, and keep it in a local store.
No Streamlit here. The modules, in the order an import runs through them:

- ``read``: opening an upload - size and file-kind checks, then the CSV or Excel reader; ``read_table``.
- ``messages``: what an import says, in any language: ``Joined`` messages, ``RowMsg`` (a message per row) and
  ``Reasons`` (the rows' reasons rule by rule, rendered vectorised in English or in the page's language).
- ``source``: ``ImportFileError`` and the ``RawSource`` (header + chunks of text rows) every reader hands over.
- ``encoding``: a CSV's text encoding - strict UTF-8 (byte offsets), UTF-16, cp1251/cp1252; non-text refused.
- ``csv_reader``: CSV delimiter, header and rows (fast pyarrow reader, careful reader for malformed rows).
- ``xlsx_reader``: Excel workbooks (damaged workbooks named part by part, formula cells without a saved value).
- ``formats``: the three formats side by side - ``detect_format``, the columns read, mapping, id, citation.
- ``gtd``: the Global Terrorism Database export - its codebook columns, citation and row mapping.
- ``acled``: the ACLED export - its columns, citation and row mapping.
- ``own``: the dashboard's own events format - its columns and row checks.
- ``rows``: what the mappings share - per-row issues, counts, codes, dates (incl. Excel serial days), notes.
- ``columns``: the event and provenance columns of imported events, their dtypes and the pandera contract.
- ``geo``: a row's point (only inside Kazakhstan; swapped coordinates noticed) and unmapped region names.
- ``regions``: region names as other datasets write them -> the 16 regions of 2016.
- ``duplicates``: matching imported rows to the curated incidents they duplicate.
- ``preview``: ``prepare_import`` -> ``ImportPreview``: every row accepted, rejected or out of scope, with reasons.
- ``store``: the DuckDB store of imported datasets (add, list, switch on/off, delete, read events back).
"""
