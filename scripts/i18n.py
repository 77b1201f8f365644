"""The translation catalogues: python -m scripts.i18n update

``extract`` finds every string marked for translation in the code: ``t("...")``, ``tr("...")``,
``frame.t()("...")``, ``self.t("...")``, ``N_("...")`` (a label defined in a table of constants), ``Msg("...")`` and ``Msg.n(...)`` (a message built in pure code,
``components.i18n.Msg``) and the plural forms ``t.n("...", "...", n)``; ``update`` writes them into
``locales/<lang>/LC_MESSAGES/messages.po`` for each language, keeping the translations already made and dropping
the entries no code uses any more (tests/test_i18n.py fails while any entry is untranslated or unused)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from components import i18n

ROOT = Path(__file__).resolve().parent.parent
CODE = ("dashboard", "components")
NAMES = {"t", "tr", "N_", "Msg"}


def _marked(node: ast.Call) -> tuple[str, ...] | None:
    func = node.func
    is_t = (isinstance(func, ast.Name) and func.id in NAMES) or (isinstance(func, ast.Attribute) and func.attr == "t") or (
        isinstance(func, ast.Call) and ((isinstance(func.func, ast.Attribute) and func.func.attr == "t")
                                        or (isinstance(func.func, ast.Name) and func.func.id == "t")))
    is_plural = isinstance(func, ast.Attribute) and func.attr == "n" and (
        (isinstance(func.value, ast.Name) and func.value.id in NAMES)
        or (isinstance(func.value, ast.Attribute) and func.value.attr == "t"))
    # Msg.n(singular, plural, n) is a plural; Msg("...") (a Name in NAMES) a single message
    want = 2 if is_plural else 1 if is_t else 0
    args = node.args[:want]
    if not want or len(args) < want or not all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                                                for a in args):
        return None
    return tuple(a.value for a in args)


METADATA = ROOT / "data" / "metadata.json"
META_KEYS = ("title", "description", "license", "attribution")  # the data dictionary's texts shown to users


def _metadata_texts() -> dict[tuple[str, ...], list[str]]:
    """The data dictionary's titles, descriptions and licences (the pack's, each table's and column's, the
    boundaries'), shown on the sources and data pack pages through ``views.sources.meta_text``."""
    import json

    meta = json.loads(METADATA.read_text(encoding="utf-8"))
    found: dict[tuple[str, ...], list[str]] = {}

    def add(node: dict, where: str) -> None:
        for key in META_KEYS:
            if isinstance(node.get(key), str) and node[key].strip():
                found.setdefault((node[key],), []).append(f"data/metadata.json:{where}.{key}")

    add(meta, "pack")
    add(meta.get("boundaries", {}), "boundaries")
    for table, spec in meta["tables"].items():
        add(spec, table)
        for column, cspec in spec["columns"].items():
            add(cspec, f"{table}.{column}")
    return found


def extract() -> dict[tuple[str, ...], list[str]]:
    """{(msgid,) or (singular, plural): ['file:line', ...]} of every marked string in the code, and of the data
    dictionary's texts."""
    found: dict[tuple[str, ...], list[str]] = {}
    for msg, places in _metadata_texts().items():
        found.setdefault(msg, []).extend(places)
    for folder in CODE:
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and (msg := _marked(node)):
                    found.setdefault(msg, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def _location(place: str) -> tuple[str, int | None]:
    """('file', line) of a place 'file:line' in the code, or ('data/metadata.json', None) with the key as the file."""
    name, _, where = place.rpartition(":")
    return (name, int(where)) if where.isdigit() else (place, None)


def read(lang: str) -> Catalog:
    with i18n.catalogue_path(lang).open("rb") as f:
        return read_po(f, locale=lang)


def update() -> None:
    found = extract()
    for lang in i18n.LANGS:
        if lang == i18n.DEFAULT:
            continue
        path = i18n.catalogue_path(lang)
        old = read(lang) if path.exists() else Catalog(locale=lang)
        new = Catalog(locale=lang, project="kz-dashboard", copyright_holder="", charset="utf-8", fuzzy=False,
                      last_translator="Kazakhstan Terrorism & Counter-Terrorism Dashboard (project translation)")
        for msg, places in sorted(found.items()):
            key = msg[0]
            before = old.get(key)
            text = before.string if before is not None else ("", "", "") if len(msg) == 2 else ""
            new.add(msg if len(msg) == 2 else key, text, locations=[_location(p) for p in places])
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            write_po(f, new, width=120, sort_output=True)
        print(f"{path.relative_to(ROOT)}: {len(found)} entries")


if __name__ == "__main__":
    if sys.argv[1:] == ["update"]:
        update()
    else:
        print(__doc__)
