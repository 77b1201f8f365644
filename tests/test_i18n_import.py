"""The import page in Kazakh and Russian: every message the import engine builds (components.imports) is a ``Msg``
the page shows in the user's language - a file that cannot be read, a rejected row's reasons, an out-of-scope row's
kind and reason, the notes - while the English stays what the store and the English page show.

Every fixture is synthetic (made-up ids, places and figures): no real GTD or ACLED row.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from components import i18n
from components.i18n import Msg
from components.imports import acled, csv_reader, encoding, geo, gtd, own, read, rows
from components.imports.columns import FORMAT_LABELS
from components.imports.messages import Joined, Reasons
from components.imports.preview import prepare_import
from components.imports.source import ImportFileError
from components.text import escape_md
from scripts.i18n import extract
from tests.conftest import open_app
from tests.test_importers import gtd_csv, gtd_row

ROOT = Path(__file__).resolve().parent.parent
IMPORTS = ROOT / "components" / "imports"
# store.py is the store's (its errors are about the database, not the file); every other module builds messages.
MODULES = sorted(p for p in IMPORTS.glob("*.py") if p.name != "store.py")
TRANSLATED = [lang for lang in i18n.LANGS if lang != i18n.DEFAULT]
BUILDERS = {"Msg", "Joined", "RowMsg"}  # what a message is built with (Msg.n included)


# ---------------------------------------------------------------- (a) every message is built as a Msg


def _name(node: ast.AST) -> str:
    """The last name of a call's target or an expression: 'issues' for issues.add, 'notes' for self.notes."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_builder(node: ast.AST) -> bool:
    """A call that builds a message: Msg(...), Msg.n(...), Joined(...), RowMsg(...)."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return _name(func) in BUILDERS or (isinstance(func, ast.Attribute) and func.attr == "n"
                                       and _name(func.value) == "Msg")


def _plain_text(node: ast.AST | None) -> str | None:
    """Why ``node`` is English text that no language can show instead ('a string literal', ...), or None."""
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
        return "a string literal"
    if isinstance(node, ast.JoinedStr):
        return "an f-string"
    if isinstance(node, ast.BinOp) and (_plain_text(node.left) or _plain_text(node.right)):
        return "text put together with +"
    if isinstance(node, ast.Lambda):
        return "a function returning text"
    if isinstance(node, ast.IfExp):
        return _plain_text(node.body) or _plain_text(node.orelse)
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "join")
            and isinstance(node.func.value, ast.Constant)):
        return f"str.{node.func.attr}()"
    return None


def _loose_text(nodes: list[ast.AST]):
    """The string literals among ``nodes`` and their parts, except those inside a call (a Msg built there)."""
    for node in nodes:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node
        elif not isinstance(node, ast.Call):
            yield from _loose_text(list(ast.iter_child_nodes(node)))


def _argument(call: ast.Call, position: int, keyword: str) -> ast.AST | None:
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _annotation(node: ast.AST | None) -> str:
    return ast.unparse(node) if node is not None else ""


def unmarked_messages(source: str, filename: str) -> tuple[list[str], dict[str, int]]:
    """(file:line of every message built as plain text, how many message sinks of each kind were found). The sinks
    are where the import engine hands a message on: ImportFileError(...), notes.append(...), issues.add(..., message),
    a scope rule's (mask, kind, reason), RowMsg's template (marked N_), a function that returns a Msg, and the text
    parts of Joined (punctuation only)."""
    tree = ast.parse(source)
    found: list[str] = []
    sinks = dict.fromkeys(("error", "note", "issue", "scope", "row template", "returned", "joined"), 0)

    def report(node: ast.AST, what: str, why: str) -> None:
        found.append(f"{filename}:{node.lineno}: {what} is {why}")

    def check(node: ast.AST | None, what: str, kind: str) -> None:
        sinks[kind] += 1
        why = _plain_text(node)
        if why:
            report(node, what, why)

    scope_lists: list[ast.List] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and "ScopeRule" in _annotation(node.annotation) and \
                isinstance(node.value, ast.List):
            scope_lists.append(node.value)
        if isinstance(node, ast.FunctionDef):
            returns = _annotation(node.returns)
            for sub in ast.walk(node):
                if isinstance(sub, ast.Return) and sub.value is not None:
                    if "ScopeRule" in returns and isinstance(sub.value, ast.List):
                        scope_lists.append(sub.value)
                    elif re.search(r"\bMsg\b", returns) and "ScopeRule" not in returns:
                        check(sub.value, f"the message {node.name}() returns", "returned")
        if not isinstance(node, ast.Call):
            continue
        func, target = node.func, _name(node.func)
        if target == "ImportFileError":
            check(_argument(node, 0, "message"), "an ImportFileError's message", "error")
        elif isinstance(func, ast.Attribute) and func.attr == "append" and "notes" in _name(func.value):
            check(_argument(node, 0, "object"), "a note", "note")
        elif isinstance(func, ast.Attribute) and func.attr == "add" and _name(func.value) in ("issues", "found"):
            check(_argument(node, 2, "message"), "a row's reason", "issue")
        elif target == "RowMsg":
            sinks["row template"] += 1
            template = _argument(node, 0, "template")
            marked = (isinstance(template, ast.Call) and _name(template.func) == "N_" and template.args
                      and isinstance(template.args[0], ast.Constant) and isinstance(template.args[0].value, str))
            if not marked:
                report(node, "a RowMsg's template", 'not N_("...") (the catalogue would lack it)')
        elif target == "Joined":
            sinks["joined"] += 1
            for sub in _loose_text(node.args + [k.value for k in node.keywords]):
                if re.search(r"[A-Za-z]", sub.value):
                    report(sub, "a text part of Joined", f"words ({sub.value!r}), not punctuation")
        if _is_builder(node) and target != "Joined":
            template = node.args[0] if node.args else None
            if isinstance(template, ast.JoinedStr | ast.BinOp):
                report(node, "a Msg's template", "not a literal (the catalogue would lack it)")
    for scope in scope_lists:
        for rule in scope.elts:
            if isinstance(rule, ast.Tuple) and len(rule.elts) == 3:
                check(rule.elts[2], "a scope rule's reason", "scope")
                if isinstance(rule.elts[1], ast.Constant):
                    report(rule.elts[1], "a scope rule's kind", "a string literal (mark it N_, show it with t())")
    return found, sinks


def test_every_message_the_import_engine_builds_is_a_msg():
    found, sinks = [], dict.fromkeys(("error", "note", "issue", "scope", "row template", "returned", "joined"), 0)
    for path in MODULES:
        more, counted = unmarked_messages(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
        found += more
        for kind, n in counted.items():
            sinks[kind] += n
    assert found == []
    # the scan sees the engine's real patterns (it would pass vacuously if it matched none)
    assert sinks["error"] >= 25 and sinks["issue"] >= 20 and sinks["note"] >= 3 and sinks["scope"] >= 5
    assert sinks["row template"] >= 15 and sinks["returned"] >= 10 and sinks["joined"] >= 4


def test_the_scan_reports_each_way_of_writing_a_message_in_english_only():
    source = '''
def f(issues, notes, c, n):
    raise ImportFileError(f"the file has {n} rows")
    raise ImportFileError("the file is empty")
    notes.append("a note")
    self.notes.append(str(n) + " rows were skipped")
    issues.add(mask, "iyear", "is not a year")
    issues.add(mask, "iyear", lambda: "'" + c("iyear") + "' is not a year")
    issues.add(mask, "iyear", RowMsg("'{value}' is not a year", value=c("iyear")))
    scope: list[ScopeRule] = [(mask, "outside Kazakhstan", "outside Kazakhstan")]
    Joined(["row", n], " and ")
    Msg(f"{n} rows")

def g() -> Msg:
    return "text"
'''
    found, _ = unmarked_messages(source, "x.py")
    lines = sorted(int(f.split(":")[1]) for f in found)
    assert lines == [3, 4, 5, 6, 7, 8, 9, 10, 10, 11, 11, 12, 15], found


def test_a_reason_in_english_only_is_refused_at_run_time():
    with pytest.raises(TypeError):
        Reasons().add([2], "iyear", "is not a year")


def test_every_constant_shown_through_the_catalogue_is_marked():
    """Texts kept as constants (stored in English, translated where shown) are all in the catalogue's extraction."""
    marked = {msg[0] for msg in extract()}
    shown = [*FORMAT_LABELS.values(), *csv_reader.DELIMITER_NAMES.values(), *geo.NO_POINT_REASONS,
             rows.OUTSIDE_KAZAKHSTAN, rows.OUTSIDE_PERIOD, acled.NOT_VIOLENT, gtd.LICENCE, gtd.CASUALTY_NOTE,
             acled.LICENCE, acled.CASUALTY_NOTE, own.LICENCE, *(kind for _, kind in read._SIGNATURES),
             *(kind for _, kind in read._ZIP_KINDS), *encoding._CODE_PAGE_LABELS.values()]
    assert sorted(set(shown) - marked) == []


# ---------------------------------------------------------------- (b) the page in Kazakh and Russian

# Row 2 is kept; row 3 is rejected for two reasons; row 4 is outside Kazakhstan; row 5, coded 'Soviet Union' in a
# Kazakh region, is kept with a note.
def sample() -> bytes:
    return gtd_csv(gtd_row(), gtd_row(nkill="2.5", attacktype1_txt="Cyber attack"),
                   gtd_row(country_txt="Kyrgyzstan", provstate="Osh", city="Synth-Osh"),
                   gtd_row(country_txt="Soviet Union", iyear="1991", imonth="12", iday="20"))


def english_words(template: str) -> set[str]:
    """The English words of a template (not its fields, nor a file's words it quotes, nor column names)."""
    literal = "".join(part for part, *_ in string.Formatter().parse(template))
    literal = re.sub(r"'[^']*'", "", literal)
    return {w for w in re.findall(r"[A-Za-z_]+", literal) if len(w) >= 4 and "_" not in w and not w.isupper()}


def texts(at) -> list[str]:
    """Every text the page shows (markdown escapes removed)."""
    items = [*at.markdown, *at.caption, *at.error, *at.warning, *at.info, *at.subheader]
    return [e.value.replace("\\", "") for e in items]


def upload(lang: str, name: str, data: bytes):
    at = open_app("app_pages/import_data.py", {"lang": lang}, timeout=120)
    at.file_uploader(key="upload").set_value((name, data, "text/csv")).run()
    assert not at.exception
    return at


def frame_with(at, column: str, value: str):
    """The page's table whose ``column`` holds ``value``."""
    return next(df.value for df in at.dataframe if column in df.value and value in set(df.value[column].astype(str)))


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_preview_shows_reasons_kinds_and_notes_in_the_language(lang, pack):
    t = i18n.load(lang)
    data = sample()
    preview = prepare_import(data, "sample.csv", pack.tables["events"], pack.tables["regions"])
    assert preview.n_rejected == 1 and preview.n_out_of_scope == 1 and preview.notes
    at = upload(lang, "sample.csv", data)

    # the rejected row's two reasons, each its template from the catalogue with the file's values
    reason = (t("'{value}' is not a GTD attack type ({allowed})").format(
        value="Cyber attack", allowed=", ".join(gtd.allowed("attack_type")))
        + "; nkill: " + t("'{value}' is not a whole number of persons").format(value="2.5"))
    rejected = frame_with(at, "row", "3")
    assert rejected["reason"].tolist() == ["attacktype1_txt: " + reason]
    assert preview.rejected["reason"].tolist() != rejected["reason"].tolist()  # English in the store, not here

    # the out-of-scope row's kind and reason
    outside = frame_with(at, "row", "4")
    assert outside["kind"].tolist() == [t("outside Kazakhstan")]
    assert outside["reason"].tolist() == [t("outside Kazakhstan (country_txt '{country}')").format(country="Kyrgyzstan")]

    # the note, with its plural form
    note = t.translations.ngettext("{n} row coded 'Soviet Union' was placed in Kazakhstan by its region.",
                                   "{n} rows coded 'Soviet Union' were placed in Kazakhstan by their region.",
                                   1).format(n=t.number(1))
    assert note in texts(at)
    assert note == preview.notes[0].shown(t) != str(preview.notes[0])

    # nothing English shows: not the English text of any of these messages, and no English word of their templates
    # in the translations the page used
    shown = " ".join([*texts(at), *rejected["reason"], *outside["reason"], *outside["kind"]])
    english = [*preview.rejected["reason"], *preview.out_of_scope["reason"], *preview.out_of_scope["kind"],
               *map(str, preview.notes)]
    assert [text for text in english if text in shown] == []
    parts = [*preview.rejected_reasons.parts, *preview.out_of_scope_reasons.parts]
    messages = [*preview.notes, *(p.msg or Msg(p.template) for p in parts), *map(Msg, preview.out_of_scope["kind"])]
    assert len(messages) == 5
    for msg in messages:
        translated = (t(msg.template) if msg.plural is None
                      else t.translations.ngettext(msg.template, msg.plural, msg.count))
        leaked = {w for w in english_words(msg.template) if re.search(rf"\b{w}\b", translated)}
        assert translated != msg.template and not leaked, (msg.template, translated, leaked)
    assert not any("given in English" in text for text in texts(at))
    # the download gives the reasons as the page does
    assert "attacktype1_txt: " + reason in preview.rejected_csv(t).decode("utf-8-sig")


@pytest.mark.parametrize("lang", TRANSLATED)
def test_a_file_that_cannot_be_read_is_explained_in_the_language(lang):
    t = i18n.load(lang)
    data = b"name,colour\nsynth,blue\n"
    with pytest.raises(ImportFileError) as err:
        prepare_import(data, "unrelated.csv")
    at = upload(lang, "unrelated.csv", data)
    expected = t("This file cannot be imported: {reason}. Nothing was stored.").format(
        reason=escape_md(err.value.shown(t)))
    assert [e.value for e in at.error] == [expected]
    located = Joined(["unrelated.csv", Msg("row {row}", row=1)], ", ").shown(t)
    assert err.value.shown(t).startswith(located + ": " + t("not a recognised format; expected columns - {expected}")
                                         .split("{expected}")[0])
    assert t("row {row}") != "row {row}" and "not a recognised format" not in expected


def test_english_is_what_it_was():
    """The English page and the store see the English text: the same reasons as the frames hold."""
    preview = prepare_import(sample(), "sample.csv")
    en = i18n.load("en")
    assert preview.rejected_shown(en).equals(preview.rejected)
    assert preview.out_of_scope_shown(en).equals(preview.out_of_scope)
    assert preview.rejected["reason"].tolist() == [
        "attacktype1_txt: 'Cyber attack' is not a GTD attack type (" + ", ".join(gtd.allowed("attack_type"))
        + "); nkill: '2.5' is not a whole number of persons"]
    assert preview.out_of_scope["reason"].tolist() == ["outside Kazakhstan (country_txt 'Kyrgyzstan')"]
    assert [str(n) for n in preview.notes][0] == "1 row coded 'Soviet Union' was placed in Kazakhstan by its region."
    assert preview.rejected_reasons.render(en).tolist() == preview.rejected["reason"].tolist()
