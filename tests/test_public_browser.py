"""Public mode in a real browser: a server whose store holds a licensed-looking dataset serves none of it. Every
page, the import page's address and malformed links are opened; every button, toggle and download on every page is
tried; nothing shows or downloads an imported row, a server path or a stack trace, and the store is unchanged."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from components.imports.preview import prepare_import
from components.imports.store import Store
from components.pack.load import load_datapack
from scripts.serve import running_app
from tests.test_browser import browser, open_page, wait_ready  # noqa: F401  (the module's browser fixture)
from tests.test_importers import gtd_csv, gtd_row

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
MARK = "Leakville"  # the imported rows' city and summary: must appear nowhere
# Each page with an element drawn late in its run: waited for, so that every control is there when they are counted
PAGES = {"?present=true": "stPlotlyChart", "": "stVegaLiteChart", "overview": "stVegaLiteChart", "map": "stDeckGlJsonChart", "timeline": "stPlotlyChart",
         "statistics": "stPlotlyChart", "sources": "stDownloadButton", "data": "stDataFrame"}
# Every button and switch of the page, then of the sidebar (the presentation switch, which hides the sidebar, is
# tried through its own link); not the charts' and data grids' own toolbars (zoom, search, columns, full screen),
# which change nothing on the server and download only what is shown, nor the help icons (a tooltip).
def controls_in(area: str) -> str:
    return (f"[data-testid={area}] button:visible:not([data-testid=stBaseButton-elementToolbar])"
            ":not(.modebar *):not([data-testid=stElementToolbar] *):not([aria-label^='Help for']), "
            f"[data-testid={area}] [data-testid=stToggle]:not(:has-text('Presentation mode')) input:visible")


LINKS = ["import", "import?upload=1", "map?region=%3Cscript%3E&years=9999&years=-1", "data?table=../../etc/passwd",
         "timeline?lang=xx&present=maybe&slide=Nowhere", "statistics?%ff%fe=1", "nowhere"]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    pack = load_datapack()
    var = tmp_path_factory.mktemp("public-var")
    rows = [gtd_row(city=MARK, summary=f"{MARK} licensed row {i}.", iyear="2012") for i in range(3)]
    preview = prepare_import(gtd_csv(*rows), "licensed.csv", pack.tables["events"], pack.tables["regions"])
    Store(var).add(preview, f"{MARK} dataset")
    return var


@pytest.fixture(scope="module")
def public_url(store_dir):
    with running_app(env={"KZ_MODE": "public", "KZ_VAR_DIR": str(store_dir)}) as url:
        yield url


def store_state(var: Path):
    store = Store(var)
    return store.datasets().to_dict("records"), len(store.events(enabled_only=False))


def _texts_of(payload: bytes) -> list[str]:
    """The text of a download: each member of a zip (exports, PowerPoint), else the bytes as text."""
    if payload[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(payload)) as z:
            return [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
    return [payload.decode("utf-8", "replace")]


def assert_clean(page, where: str, var: Path) -> None:
    body = page.locator("body").inner_text()
    assert MARK not in body, f"{where}: an imported row is shown"
    for secret in (str(var), str(ROOT)):
        assert secret not in page.content(), f"{where}: a server path is shown"
    assert "Traceback" not in body and not page.locator("[data-testid=stException]").count(), where
    assert not page.locator("input[type=file]").count(), f"{where}: an upload control"
    assert not page.locator("a[href*='/import']").count(), f"{where}: a link to the import page"


def test_public_pages_and_links_show_nothing_imported_or_private(browser, public_url, store_dir):  # noqa: F811
    before = store_state(store_dir)
    context, page = open_page(browser, public_url)
    try:
        for path in [*PAGES, *LINKS]:
            page.goto(f"{public_url}/{path}")
            wait_ready(page)
            assert_clean(page, path or "/", store_dir)
        page.goto(public_url)
        wait_ready(page)
        overview = page.locator("h1").first.inner_text()
        page.goto(f"{public_url}/import")
        wait_ready(page)
        assert page.locator("h1").first.inner_text() == overview, "the import address leads to the overview"
    finally:
        context.close()
    assert store_state(store_dir) == before


def test_public_every_control_changes_nothing_and_downloads_nothing_imported(browser, public_url,  # noqa: F811
                                                                            store_dir):
    before = store_state(store_dir)
    downloads: list = []  # playwright Downloads, read once the controls are tried
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.on("download", lambda d: downloads.append(d))
    tried = 0
    try:
        for path, last in PAGES.items():
            page.goto(f"{public_url}/{path}")
            page.wait_for_selector(f"[data-testid={last}]", timeout=30_000)
            wait_ready(page)
            # the sidebar is the same on every page: tried once (and the slides hide it)
            for area in ("stMain", "stSidebar") if path == "" else ("stMain",):
                i = 0
                while i < (controls := page.locator(controls_in(area))).count():  # found again: a control may add some
                    control = controls.nth(i)
                    i += 1
                    if not control.is_enabled():
                        continue
                    label = control.get_attribute("aria-label") or control.inner_text() or f"#{i}"
                    control.click(timeout=10_000)
                    tried += 1
                    if "Prepare briefing pack" in label:  # its run takes seconds, and may not have begun yet
                        page.locator(f"[data-testid={area}] [data-testid=stDownloadButton]").filter(
                            has_text="PDF handout").wait_for(timeout=120_000)
                    wait_ready(page)
                    assert_clean(page, f"{path or '/'}: after {label!r}", store_dir)
                    if page.locator("[role=dialog]").count():
                        page.keyboard.press("Escape")  # a record's dialog opened by the control closes
                        wait_ready(page)
        files = [(d.suggested_filename, Path(d.path()).read_bytes()) for d in downloads]
    finally:
        context.close()
    assert tried > 10, "the controls were found and tried"
    assert {Path(name).suffix for name, _ in files} >= {".csv", ".zip", ".pptx", ".pdf"}, "the downloads were tried"
    for name, payload in files:
        for text in _texts_of(payload):
            assert MARK not in text, f"the download {name} holds an imported row"
    assert store_state(store_dir) == before
