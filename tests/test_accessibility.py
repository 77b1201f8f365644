"""Accessibility audit in a real browser: axe-core (bundled by axe-playwright-python) with the WCAG 2.0, 2.1 and
2.2 A and AA rules, on every page and presentation slide, in every language. A violation fails with the rule, its
help text and the elements concerned. The page's lang attribute follows the language."""

from __future__ import annotations

import pytest

from components import i18n
from tests import test_browser
from tests.test_browser import PAGES, SLIDE_LINKS, open_page, wait_ready

pytestmark = pytest.mark.browser
axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
VIEWS = ["import", *PAGES, *SLIDE_LINKS]


def _with_lang(path: str, lang: str) -> str:
    if lang == i18n.DEFAULT:
        return path
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


def _report(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines.extend(f"    {n['target']}: {n.get('failureSummary', '').splitlines()[-1:]}" for n in v["nodes"][:5])
    return "\n".join(lines)


browser, app_url = test_browser.browser, test_browser.app_url  # the browser tests' fixtures: one server, one browser


@pytest.fixture(scope="module")
def axe():
    return axe_module.Axe()


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_page_and_slide_passes_the_wcag_aa_audit(browser, app_url, axe, lang):
    context, page = open_page(browser, f"{app_url}/{_with_lang(VIEWS[0], lang)}")
    found = {}
    try:
        for path in VIEWS:
            page.goto(f"{app_url}/{_with_lang(path, lang)}")
            wait_ready(page)
            page.wait_for_function(f"() => document.documentElement.lang === '{lang}'", timeout=30_000)
            result = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA},
                                            "resultTypes": ["violations"]})
            violations = result.response["violations"]
            if violations:
                found[path or "overview"] = _report(violations)
    finally:
        context.close()
    assert found == {}, "\n".join(f"{p}:\n{r}" for p, r in found.items())
