"""The sources a row cites, as readable citations with their addresses."""

from __future__ import annotations

from collections.abc import Mapping

from components.pack.schema import split_ids
from components.pack.values import is_blank
from components.text import or_unknown


def source_entries(cell: object, sources: Mapping[str, Mapping]) -> list[dict[str, str]]:
    """Citations of a row: id, a readable citation and the URL (may be empty)."""
    out = []
    for sid in split_ids(cell):
        src = sources.get(sid)
        if src is None:
            out.append({"id": sid, "citation": f"{sid} (not in the sources table)", "url": ""})
            continue
        parts = [or_unknown(src.get(k), "") for k in ("author", "title", "publisher", "date_published")]
        out.append({"id": sid, "citation": ", ".join(p for p in parts if p), "url": or_unknown(src.get("url"), ""),
                    "core": bool(src.get("core_document")) if not is_blank(src.get("core_document")) else False})
    return out
