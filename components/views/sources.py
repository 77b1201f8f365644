"""The 'Sources and data' view model: the sources table, the contradictions with every other value and who gives
it, the cases considered and left out, the method documents, and the numbered list of sources a briefing pack
cites. Markdown is built here with every piece of data text escaped."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from components.i18n import DEFAULT, ENGLISH, N_, Translator
from components.pack import alternatives as alt
from components.pack.load import DataPack
from components.pack.values import is_blank
from components.text import clean, date_iso, escape_md, web_url

DOCS_DIR = Path(__file__).resolve().parents[2] / "docs"
DOCS = {"criteria": "inclusion_criteria.md", "search_log": "search_log.md"}
SOURCE_COLUMNS = ["source_id", "core_document", "title", "author", "publisher", "date_published", "date_accessed",
                  "kind", "reliability", "url", "missing_note"]


# The headers of the sources table as 'Sources and data' shows it: in English the file's column names (the frame
# keeps them), in Kazakh and Russian their translation.
SOURCE_HEADERS = {"source_id": N_("source_id"), "title": N_("title"), "author": N_("author"),
                  "publisher": N_("publisher"), "date_published": N_("date_published"),
                  "date_accessed": N_("date_accessed"), "kind": N_("kind"), "reliability": N_("reliability"),
                  "missing_note": N_("missing_note")}


def meta_text(meta: dict, path: tuple[str, ...], t: Translator = ENGLISH) -> str:
    """A text of the data dictionary (``path`` into metadata.json, e.g. ('tables', 'events', 'description')), in the
    language: ``scripts/i18n.py`` takes the dictionary's titles, descriptions and licences into the catalogues, so a
    text edited in metadata.json reads in English until it is translated (and the catalogue test says so)."""
    value = meta
    for key in path:
        value = value[key]
    return t(value) if isinstance(value, str) else value


def table_title(meta: dict, name: str, t: Translator = ENGLISH) -> str:
    """A table's title from the data dictionary, in the language (see ``meta_text``)."""
    return meta_text(meta, ("tables", name, "title"), t)


def sources_table(pack: DataPack) -> pd.DataFrame:
    """The sources as listed on 'Sources and data' (their kinds by their labels in the pack's language; the titles,
    authors and publishers as the sources write them)."""
    out = pack.tables["sources"][SOURCE_COLUMNS]
    t = pack.t
    if t.lang != DEFAULT:
        out = out.assign(kind=[t.value("kind", k) for k in out["kind"]])
    return out


def source_link_md(entry: dict) -> str:
    text = escape_md(entry["citation"])
    url = web_url(entry.get("url"))
    return f"[{text}]({url})" if url else text


def alternative_md(d: dict, t: Translator = ENGLISH) -> str:
    """One described alternative as a markdown list item: column, value, status, note and linked sources."""
    cites = "; ".join(source_link_md(e) for e in d["sources"])
    note = f" {escape_md(d['note'])}" if d["note"] else ""
    return (f"- **{escape_md(d['label'])}: {escape_md(d['value'])}** ({escape_md(d['status_text'])}).{note} "
            + t("Sources: {sources}").format(sources=cites))


def described(a: dict, sources: dict, contradictions: dict | None = None, t: Translator = ENGLISH) -> dict:
    """``alternatives.describe`` with its column, value and status in the translator's language."""
    d = alt.describe(a, sources, contradictions)
    if t.lang == DEFAULT:
        return d
    return {**d, "label": t(d["label"]), "value": alt.value_text(a, t), "status_text": t(d["status_text"])}


def contradiction_entries(pack: DataPack) -> list[tuple[str, str]]:
    """(expander label, markdown body) of every contradiction between sources, in the pack's language. The other
    values and their sources come from the alternatives table (the records that name the contradiction)."""
    sources, alternatives, t = pack.sources_by_id(), pack.tables["alternatives"], pack.t
    out = []
    for row in pack.tables["contradictions"].itertuples():
        lines = [f"**{t('Value used, and why:')}** {escape_md(row.value_used)}"]
        if isinstance(row.record_ids, str):
            lines.append(f"**{t('Rows:')}** {escape_md(t.value('table', row.table))}: "
                         f"{escape_md(row.record_ids.replace(';', ', '))}")
        others = [described(a, sources, t=t)
                  for a in alt.contradiction_alternatives(alternatives, row.contradiction_id)]
        if others:
            lines.append(f"**{t('Other values and who gives them:')}**\n"
                         + "\n".join(alternative_md(d, t) for d in others))
        out.append((f"{row.contradiction_id} · {escape_md(row.topic)}", "\n\n".join(lines)))
    return out


def doc_text(name: str) -> str:
    """One of the project's method documents (docs/), as markdown; a short notice when it is missing."""
    try:
        return (DOCS_DIR / DOCS[name]).read_text(encoding="utf-8")
    except OSError:
        return f"(docs/{DOCS[name]} is missing from this installation.)"


# The headers of the cases left out (English names kept as the table's columns)
EXCLUDED_HEADERS = (N_("Date"), N_("Case"), N_("Place"), N_("Rule"), N_("Why it is left out"), N_("Sources"),
                    N_("Notes"))


def _date_iso(value: pd.Timestamp, precision: str, t: Translator) -> str:
    """A sortable date no more precise than known; '(approx.)' in the language."""
    text = date_iso(value, precision)
    if t.lang != DEFAULT and precision == "approximate":
        text = text.replace(" (approx.)", t(" (approx.)"))
    return text


def excluded_table(pack: DataPack) -> pd.DataFrame:
    """The cases considered and left out, as shown on 'Sources and data' (date as precise as known), with headers
    and rules in the pack's language."""
    ex, t = pack.tables["excluded"], pack.t
    date, case, place, rule, why, cited, notes = (t(h) for h in EXCLUDED_HEADERS)
    return pd.DataFrame({
        date: [_date_iso(d, p, t) for d, p in zip(ex["date"], ex["date_precision"])],
        case: ex["title"], place: ex["place"], rule: [t.value("rule", r) for r in ex["rule"]], why: ex["reason"],
        cited: ex["source_ids"].fillna("").str.replace(";", "; "), notes: ex["notes"].fillna("")})


def excluded_summary(pack: DataPack, pointer: bool = True, t: Translator | None = None) -> str:
    """'9 cases met in the search are left out, each with its reason (3 abroad, ...)' (from the table), in the
    pack's language (or ``t``'s); with ``pointer``, where to find them."""
    t = t or pack.t
    ex = pack.tables["excluded"]
    if ex.empty:
        return ""
    parts = ", ".join(t("{n} {rule}").format(n=t.number(int(n)), rule=t.value("rule", rule))
                      for rule, n in ex["rule"].value_counts().items())
    cases = t.n("{n} case met in the search is left out, each with its reason",
                "{n} cases met in the search are left out, each with its reason", len(ex))
    if pointer:
        return t("{cases} ({parts}): see 'Sources and data'.").format(cases=cases, parts=parts)
    return t("{cases} ({parts}).").format(cases=cases, parts=parts)


def reference_text(src: dict, t: Translator = ENGLISH) -> str:
    """'author, “title”, publisher, date' of one source (and whether it is one of the five source documents)."""
    bits = [clean(src.get("author")), f"\u201c{clean(src.get('title'))}\u201d", clean(src.get("publisher")),
            clean(src.get("date_published"))]
    text = ", ".join(b for b in bits if b and b != "\u201c\u201d")
    if bool(src.get("core_document")) and not is_blank(src.get("core_document")):
        text += t(" (one of the five source documents)")
    return text


def references(pack: DataPack, source_ids: Iterable[str]) -> list[dict]:
    """The sources cited, numbered in id order: n, id, title, text, url (a missing source says so)."""
    sources, t = pack.sources_by_id(), pack.t
    out = []
    for n, sid in enumerate(sorted(set(source_ids)), 1):
        src = sources.get(sid)
        if src is None:
            out.append({"n": n, "id": sid, "title": "", "url": "", "text": t("not in the sources table")})
        else:
            out.append({"n": n, "id": sid, "title": clean(src.get("title")), "url": clean(src.get("url")),
                        "text": reference_text(src, t)})
    return out
