"""The 'Sources and data' view model: the sources table, the contradictions with every other value and who gives
it, the cases considered and left out, the method documents, and the numbered list of sources a briefing pack
cites. Markdown is built here with every piece of data text escaped."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from components.pack import alternatives as alt
from components.pack.load import DataPack
from components.pack.values import is_blank
from components.text import clean, date_iso, escape_md, plural, web_url

DOCS_DIR = Path(__file__).resolve().parents[2] / "docs"
DOCS = {"criteria": "inclusion_criteria.md", "search_log": "search_log.md"}
SOURCE_COLUMNS = ["source_id", "core_document", "title", "author", "publisher", "date_published", "date_accessed",
                  "kind", "reliability", "url", "missing_note"]


def sources_table(pack: DataPack) -> pd.DataFrame:
    """The sources as listed on 'Sources and data'."""
    return pack.tables["sources"][SOURCE_COLUMNS]


def source_link_md(entry: dict) -> str:
    text = escape_md(entry["citation"])
    url = web_url(entry.get("url"))
    return f"[{text}]({url})" if url else text


def alternative_md(d: dict) -> str:
    """One described alternative as a markdown list item: column, value, status, note and linked sources."""
    cites = "; ".join(source_link_md(e) for e in d["sources"])
    note = f" {escape_md(d['note'])}" if d["note"] else ""
    return (f"- **{escape_md(d['label'])}: {escape_md(d['value'])}** ({escape_md(d['status_text'])}).{note} "
            f"Sources: {cites}")


def contradiction_entries(pack: DataPack) -> list[tuple[str, str]]:
    """(expander label, markdown body) of every contradiction between sources. The other values and their sources
    come from the alternatives table (the records that name the contradiction)."""
    sources, alternatives = pack.sources_by_id(), pack.tables["alternatives"]
    out = []
    for row in pack.tables["contradictions"].itertuples():
        lines = [f"**Value used, and why:** {escape_md(row.value_used)}"]
        if isinstance(row.record_ids, str):
            lines.append(f"**Rows:** {escape_md(row.table)}: {escape_md(row.record_ids.replace(';', ', '))}")
        others = [alt.describe(a, sources) for a in alt.contradiction_alternatives(alternatives, row.contradiction_id)]
        if others:
            lines.append("**Other values and who gives them:**\n" + "\n".join(alternative_md(d) for d in others))
        out.append((f"{row.contradiction_id} · {escape_md(row.topic)}", "\n\n".join(lines)))
    return out


def doc_text(name: str) -> str:
    """One of the project's method documents (docs/), as markdown; a short notice when it is missing."""
    try:
        return (DOCS_DIR / DOCS[name]).read_text(encoding="utf-8")
    except OSError:
        return f"(docs/{DOCS[name]} is missing from this installation.)"


def excluded_table(pack: DataPack) -> pd.DataFrame:
    """The cases considered and left out, as shown on 'Sources and data' (date as precise as known)."""
    ex = pack.tables["excluded"]
    return pd.DataFrame({
        "Date": [date_iso(d, p) for d, p in zip(ex["date"], ex["date_precision"])],
        "Case": ex["title"], "Place": ex["place"], "Rule": ex["rule"], "Why it is left out": ex["reason"],
        "Sources": ex["source_ids"].fillna("").str.replace(";", "; "), "Notes": ex["notes"].fillna("")})


def excluded_summary(pack: DataPack, pointer: bool = True) -> str:
    """'9 cases met in the search are left out, each with its reason (3 abroad, ...)' (from the table); with
    ``pointer``, where to find them."""
    ex = pack.tables["excluded"]
    if ex.empty:
        return ""
    parts = ", ".join(f"{int(n)} {rule}" for rule, n in ex["rule"].value_counts().items())
    return (f"{plural(len(ex), 'case')} met in the search {'is' if len(ex) == 1 else 'are'} left out, each "
            f"with its reason ({parts})" + (": see 'Sources and data'." if pointer else "."))


def reference_text(src: dict) -> str:
    """'author, “title”, publisher, date' of one source (and whether it is one of the five source documents)."""
    bits = [clean(src.get("author")), f"\u201c{clean(src.get('title'))}\u201d", clean(src.get("publisher")),
            clean(src.get("date_published"))]
    text = ", ".join(b for b in bits if b and b != "\u201c\u201d")
    if bool(src.get("core_document")) and not is_blank(src.get("core_document")):
        text += " (one of the five source documents)"
    return text


def references(pack: DataPack, source_ids: Iterable[str]) -> list[dict]:
    """The sources cited, numbered in id order: n, id, title, text, url (a missing source says so)."""
    sources = pack.sources_by_id()
    out = []
    for n, sid in enumerate(sorted(set(source_ids)), 1):
        src = sources.get(sid)
        if src is None:
            out.append({"n": n, "id": sid, "title": "", "url": "", "text": "not in the sources table"})
        else:
            out.append({"n": n, "id": sid, "title": clean(src.get("title")), "url": clean(src.get("url")),
                        "text": reference_text(src)})
    return out
