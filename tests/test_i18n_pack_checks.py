"""The data pack checks in the user's language: every problem the loader records is a Msg (English as a str for the
command line and the tests, translated on the data pack page), and a broken pack's problems read in Kazakh and
Russian on the page, also after the pack has been pickled."""

from __future__ import annotations

import ast
import pickle
from pathlib import Path

import pytest

from components import i18n
from components.i18n import Msg
from components.pack.load import load_datapack
from dashboard.data import DATA_DIR_ENV
from tests.conftest import ROOT, edit_table, open_app

PACK_CODE = ROOT / "components" / "pack"
TRANSLATED = [lang for lang in i18n.LANGS if lang != i18n.DEFAULT]
# The calls that record a problem, and the position of their message: reader.error(file, message, ...),
# reader.warn(file, message, ...), Problem(severity, file, message, ...).
REPORTERS = {"error": 1, "warn": 1, "Problem": 2}


# ---------------------------------------------------------------- (a) every message is built as a Msg

def _is_msg_call(node: ast.expr) -> bool:
    func = node.func if isinstance(node, ast.Call) else None
    return (isinstance(func, ast.Name) and func.id == "Msg") or (
        isinstance(func, ast.Attribute) and func.attr == "n" and isinstance(func.value, ast.Name)
        and func.value.id == "Msg")


class _Scan:
    """Finds the messages of one module that are not built as a Msg. A message given as a variable is followed to
    where it is made: its assignments in the function (a tuple taken from another function of the module is followed
    into that function's returns), and the entries of a module-level table it is looked up in. A function's
    parameter or an attribute (a check's ``error``) is checked where it is made, so it passes here."""

    def __init__(self, source: str) -> None:
        self.tree = ast.parse(source)
        self.functions = {n.name: n for n in ast.walk(self.tree) if isinstance(n, ast.FunctionDef)}
        self.tables = {t.id: n.value for n in self.tree.body if isinstance(n, ast.Assign)
                       for t in n.targets if isinstance(t, ast.Name) and isinstance(n.value, ast.Dict)}
        self.parents = {child: node for node in ast.walk(self.tree) for child in ast.iter_child_nodes(node)}
        self.found: set[int] = set()
        self.seen: set[tuple[int, str]] = set()

    def _function_of(self, node: ast.AST) -> ast.FunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef):
                return node
        return None

    def check(self, expr: ast.expr, where: ast.AST) -> None:
        if _is_msg_call(expr) or isinstance(expr, ast.Attribute):
            return
        if isinstance(expr, ast.IfExp):
            self.check(expr.body, where)
            self.check(expr.orelse, where)
        elif isinstance(expr, ast.Name):
            self._follow(expr, self._function_of(where))
        elif isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name) and expr.value.id in self.tables:
            for value in self.tables[expr.value.id].values:
                self.check(value, value)
        else:  # a str, an f-string, a concatenation, a .format() or .join(): English only
            self.found.add(expr.lineno)

    def _follow(self, variable: ast.Name, function: ast.FunctionDef | None) -> None:
        name = variable.id
        if function is None or (function.lineno, name) in self.seen:
            return
        self.seen.add((function.lineno, name))
        parameters = {a.arg: a.annotation for a in [*function.args.args, *function.args.kwonlyargs]}
        if name in parameters and "str" in ast.unparse(parameters[name] or ast.Constant("")).split(" | "):
            self.found.add(variable.lineno)  # a parameter typed as plain text (pandera's check name ...)
        for node in ast.walk(function):
            if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
                self.found.add(node.lineno)  # message += "...": appends English
            if not isinstance(node, ast.Assign):
                continue
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id == name:
                    self.check(node.value, node)
                elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Call):
                    index = next((i for i, e in enumerate(target.elts) if isinstance(e, ast.Name) and e.id == name),
                                 None)
                    callee = node.value.func
                    if index is not None and isinstance(callee, ast.Name) and callee.id in self.functions:
                        self._returns(self.functions[callee.id], index)

    def _returns(self, function: ast.FunctionDef, index: int) -> None:
        for node in ast.walk(function):
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and len(node.value.elts) > index:
                self.check(node.value.elts[index], node)

    def run(self) -> list[int]:
        for node in ast.walk(self.tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            position = REPORTERS.get(name)
            message = next((k.value for k in node.keywords if k.arg == "message"), None)
            if message is None and position is not None and len(node.args) > position:
                message = node.args[position]
            if message is not None:
                self.check(message, node)
            for keyword in [] if _is_msg_call(node) else node.keywords:
                if keyword.arg == "error":  # a pandera check's error= is the message of the problems it finds
                    self.check(keyword.value, node)
        return sorted(self.found)


def english_messages(source: str) -> list[int]:
    """The lines where a module builds a problem's message that is not a Msg."""
    return _Scan(source).run()


def test_the_scan_finds_every_way_of_writing_an_english_message():
    source = '''
def load(reader, file, exc, dupes, value):
    reader.error(file, f"cannot be read as CSV: {exc}", rule="csv_syntax")
    reader.warn(file, "is not described in metadata.json", rule="described")
    reader.error(file, "the header names a column twice: " + ", ".join(dupes), row=1)
    message, rule = _describe(value)
    reader.error(file, message + "; row left out", rule=rule)
    reader.error(file, message, rule=rule)
    reader.warn(file, UNCHECKED[value])
    return Problem("error", file, "cannot be read")

UNCHECKED = {"sources": Msg("did not load"), "regions": "did not load, so event regions were not checked"}

def _describe(value):
    if value is None:
        return "is blank but required", "required"
    message = Msg("every id must exist in {table}", table=value)
    message += " (unknown: x)"
    return message, "known"

def _fallback(check: str) -> tuple[str, str]:
    return check, check

def check():
    message, _ = _fallback("x")
    Problem("error", "a.csv", message)
    return pa.Check.isin(["a"], error="must be one of: a")
'''
    assert english_messages(source) == [3, 4, 5, 7, 10, 12, 16, 18, 22, 27]


def test_good_messages_pass_the_scan():
    source = '''
def error(self, file: str, message: Msg, **where) -> None:
    self.problems.append(Problem("error", file, message, **where))

def load(reader, file, exc, inside):
    reader.error(file, Msg("cannot be read as CSV: {error}", error=str(exc)), rule="csv_syntax")
    where = Msg("inside the '{polygon}' polygon", polygon=inside) if inside else Msg("outside every region polygon")
    message = Msg.n("{problem} (unknown: {ids})", "{problem} (unknown: {ids})", 2, problem=where, ids="a, b")
    reader.warn(file, message, rule="x")
'''
    assert english_messages(source) == []


@pytest.mark.parametrize("path", sorted(PACK_CODE.glob("*.py")), ids=lambda p: p.name)
def test_every_problem_message_of_the_pack_is_a_msg(path: Path):
    found = english_messages(path.read_text(encoding="utf-8"))
    assert found == [], [f"{path.relative_to(ROOT)}:{line}" for line in found]


# ---------------------------------------------------------------- (b) a broken pack on the page in each language

def _break(data_dir: Path) -> None:
    """Errors of the loader (an empty file), of pandera (a blank required cell, a duplicate row of a table with
    unique columns), of the schema's own checks (a date that does not exist, an unknown region) and warnings of the
    cross-table checks (a point outside its region, a file nobody describes)."""
    def events(header, rows):
        rows[0]["date"] = "2011-02-30"
        rows[1]["region"] = "Atlantis"
        rows[2]["place"] = ""
        jambyl = next(r for r in rows if r["region"] == "Jambyl Region")
        jambyl["latitude"], jambyl["longitude"], jambyl["geo_note"] = "43.25", "76.9", ""
    edit_table(data_dir, "events.csv", events)
    edit_table(data_dir, "source_checks.csv", lambda header, rows: (header, [*rows, dict(rows[0])]))
    (data_dir / "phases.csv").write_bytes(b"")
    (data_dir / "notes.csv").write_text("note\nundescribed\n", encoding="utf-8")


@pytest.fixture
def broken(pack_copy: Path):
    _break(pack_copy)
    return pack_copy, load_datapack(pack_copy)


def _problems_frame(at):
    return next(el.value for el in at.dataframe if "Problem" in el.value.columns)


def test_the_broken_pack_has_the_problems_it_was_built_for(broken):
    _, pack = broken
    rules = {p.rule for p in pack.problems}
    assert {"calendar_date", "known_regions", "required", "multiple_fields_uniqueness", "not_empty",
            "point_in_region", "described"} <= rules
    assert all(isinstance(p.message, Msg) for p in pack.problems), [str(p) for p in pack.problems
                                                                   if not isinstance(p.message, Msg)]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_problems_are_shown_in_the_language(monkeypatch, broken, lang):
    data_dir, pack = broken
    t = i18n.load(lang)
    monkeypatch.setenv(DATA_DIR_ENV, str(data_dir))
    at = open_app("app_pages/data_pack.py", {"lang": lang})
    assert not at.exception
    shown = _problems_frame(at)
    expected = [p.message.shown(t) for p in pack.problems]
    assert list(shown["Problem"]) == expected
    untranslated = [text for text, p in zip(expected, pack.problems) if text == str(p.message)]
    assert untranslated == []  # every message reads differently from the English
    assert list(shown["Severity"]) == [t(p.severity) for p in pack.problems]
    assert list(shown["Rule"]) == [p.rule for p in pack.problems]  # identifiers, the same in every language
    errors = len(pack.errors)
    assert t.n(
        "The data pack has {n} error. Rows and files with errors are left out of every view until they are fixed; "
        "it is listed below.",
        "The data pack has {n} errors. Rows and files with errors are left out of every view until they are fixed; "
        "they are listed below.", errors) in [e.value for e in at.error]
    overview = next(el.value for el in at.dataframe if "Rows loaded" in el.value.columns)
    left_out = pack.status["events"].rows_read - pack.status["events"].rows_loaded
    assert overview.loc[overview["File"] == "events.csv", "Status"].item() == t.n("{n} row left out",
                                                                                 "{n} rows left out", left_out)


def test_in_english_the_page_shows_the_loaders_own_words(monkeypatch, broken):
    data_dir, pack = broken
    monkeypatch.setenv(DATA_DIR_ENV, str(data_dir))
    at = open_app("app_pages/data_pack.py")
    assert not at.exception
    assert list(_problems_frame(at)["Problem"]) == [str(p.message) for p in pack.problems]
    unknown = next(p for p in pack.problems if p.rule == "known_regions")
    assert str(unknown.message) == "every id must exist in regions.csv (region) (unknown: Atlantis); row left out"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_problems_keep_their_translation_through_pickling(broken, lang):
    """Streamlit's caches may pickle the pack: a problem's message keeps its template and values."""
    _, pack = broken
    t = i18n.load(lang)
    copied = pickle.loads(pickle.dumps(pack.problems))
    assert [str(p) for p in copied] == [str(p) for p in pack.problems]
    assert [p.message.shown(t) for p in copied] == [p.message.shown(t) for p in pack.problems]
    assert all(p.message.shown(t) != str(p.message) for p in copied)
    located = next(p for p in copied if p.rule == "calendar_date")
    where = located.location()
    assert str(where) == f"events.csv, row {located.row}, column 'date'"
    assert where.shown(t) != str(where) and "events.csv" in where.shown(t) and "'date'" not in where.shown(t)
