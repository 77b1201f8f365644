"""Team mode end to end in Chromium, signing in through a real OpenID Connect provider on loopback
(tests/oidc/server.js): a signed-out visitor and a refused user see no licensed row and no upload; an editor signs
in, imports a file through the page, switches it off, and the change log names her; a member sees the log but no
control that changes data."""

from __future__ import annotations

import re

import pytest

from components.imports.preview import prepare_import
from components.imports.store import Store
from components.pack.load import load_datapack
from scripts.serve import free_port, running_app
from tests import test_browser
from tests.oidc_fixtures import OIDCProvider, oidc_provider_fixture, write_auth_secrets  # noqa: F401
from tests.test_importers import gtd_csv, gtd_row

pytestmark = pytest.mark.browser
playwright = pytest.importorskip("playwright.sync_api")
browser, wait_ready = test_browser.browser, test_browser.wait_ready  # one browser fixture, one wait

EDITOR, MEMBER, STRANGER = "alice@example.org", "bob@example.org", "mallory@elsewhere.test"
MARK = "Licensedtown"


@pytest.fixture(scope="module")
def team_app(oidc_provider, tmp_path_factory):
    folder = tmp_path_factory.mktemp("team")
    var = folder / "var"
    pack = load_datapack()
    rows = [gtd_row(city=MARK, summary=f"{MARK} row {i}.", iyear="2012") for i in range(2)]
    Store(var).add(prepare_import(gtd_csv(*rows), "licensed.csv", pack.tables["events"], pack.tables["regions"]),
                   f"{MARK} dataset")
    port = free_port()
    secrets = write_auth_secrets(folder / "secrets.toml", oidc_provider, port)
    with secrets.open("a", encoding="utf-8") as f:
        f.write(f'\n[team]\nallowed = ["@example.org"]\neditors = ["{EDITOR}"]\n')
    with running_app(env={"KZ_MODE": "team", "KZ_VAR_DIR": str(var)}, port=port,
                     args=("--secrets.files", str(secrets))) as url:
        yield url, var


def visit(browser, url: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(url)
    wait_ready(page)
    return context, page


def sign_in(page, provider: OIDCProvider, app_url: str, email: str) -> None:
    page.locator("[data-testid=stSidebar]").get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(re.escape(f"{provider.issuer}/authorize?")), timeout=30_000)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Name").fill(email.split("@")[0].title())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(re.escape(app_url) + r"/?(\?.*)?$"), timeout=30_000)
    wait_ready(page)
    # the address is written with a word joiner after '@' (frame.escape_md: no automatic mail link)
    page.wait_for_function("(email) => document.querySelector('[data-testid=stSidebar]').innerText"
                           ".replaceAll('\\u2060', '').includes(email)", arg=email, timeout=30_000)


def open_import(page, app_url: str) -> None:
    page.goto(f"{app_url}/import")
    wait_ready(page)
    playwright.expect(page.locator("h1")).to_have_text("Import your own data", timeout=30_000)


def test_signed_out_and_refused_see_no_licensed_row_and_no_upload(browser, team_app, oidc_provider):
    url, var = team_app
    for who in (None, STRANGER):
        context, page = visit(browser, url)
        try:
            if who:
                sign_in(page, oidc_provider, url, who)
                playwright.expect(page.locator("[data-testid=stSidebar]")).to_contain_text("not on this team's list")
            open_import(page, url)
            playwright.expect(page.get_by_text("Only the team's editors can import")).to_be_visible()
            assert not page.locator("input[type=file]").count()
            assert MARK not in page.locator("body").inner_text()
            page.goto(f"{url}/map")
            wait_ready(page)
            assert MARK not in page.locator("body").inner_text()
        finally:
            context.close()


def test_an_editor_imports_and_switches_off_and_the_log_names_her_then_a_member_reads_it(browser, team_app,
                                                                                        oidc_provider, tmp_path):
    url, var = team_app
    upload = tmp_path / "team-upload.csv"
    upload.write_bytes(gtd_csv(gtd_row(city="Teamtown", iyear="2015"), gtd_row(city="Teamtown", iyear="2016")))
    context, page = visit(browser, url)
    try:
        sign_in(page, oidc_provider, url, EDITOR)
        open_import(page, url)
        page.locator("input[type=file]").set_input_files(str(upload))
        page.get_by_role("button", name="Store this dataset").click(timeout=60_000)
        playwright.expect(page.get_by_text(re.compile(r"^Stored as dataset \d+"))).to_be_visible(timeout=60_000)
        stored = Store(var).datasets()
        new_id = int(stored.loc[stored["filename"] == upload.name, "dataset_id"].iloc[0])
        page.locator(f".st-key-ds_on_{new_id} input").focus()  # by keyboard: the switch's label covers it
        page.keyboard.press("Space")
        switched = f"dataset {new_id} switched off"
        for _ in range(60):  # the app's rerun writes the switch; wait for the store's state, not a fixed time
            if not bool(Store(var).datasets().set_index("dataset_id").loc[new_id, "enabled"]):
                break
            page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=30_000)
            page.wait_for_timeout(500)
        else:
            pytest.fail(f"not {switched}")
    finally:
        context.close()
    store = Store(var)
    log = store.changes()
    mine = log[log["dataset_id"] == new_id]
    assert set(mine["actor"]) == {EDITOR} and len(mine) == 2, "the import and the switch, each with who"

    context, page = visit(browser, url)
    try:
        sign_in(page, oidc_provider, url, MEMBER)
        open_import(page, url)
        assert MARK in page.locator("body").inner_text(), "a member sees the licensed dataset"
        assert not page.locator("input[type=file]").count()
        playwright.expect(page.get_by_role("heading", name="Changes")).to_be_visible()
        assert page.locator(f".st-key-ds_on_{new_id} input").is_disabled()
    finally:
        context.close()
