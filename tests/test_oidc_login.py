"""Sign-in with Streamlit's own authentication (st.login, st.user, st.logout), end to end in Debian's Chromium.

A local OpenID Connect provider (tests/oidc/server.js) stands in for a real one: the browser goes through its
sign-in page, Streamlit exchanges the code and checks the id token as it would with any provider.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request

import pytest

from scripts.serve import free_port
from tests import test_browser
from tests.oidc_fixtures import (  # noqa: F401 (oidc_provider_fixture: the `oidc_provider` fixture, by its name)
    OIDC_DIR,
    OIDCProvider,
    oidc_provider_fixture,
    running_streamlit,
    write_auth_secrets,
)

playwright = pytest.importorskip("playwright.sync_api")
browser, wait_ready = test_browser.browser, test_browser.wait_ready  # one browser fixture, one wait

LOGIN_APP = OIDC_DIR / "login_app.py"
EDITORS = "alice@example.org"


def serve_login_app(oidc_provider: OIDCProvider, tmp_path_factory, provider_name: str | None):
    port = free_port()
    folder = tmp_path_factory.mktemp("login-app")
    secrets_file = write_auth_secrets(folder / "secrets.toml", oidc_provider, port, provider_name=provider_name)
    env = {"LOGIN_APP_PROVIDER": provider_name or "", "LOGIN_APP_EDITORS": EDITORS}
    return running_streamlit(LOGIN_APP, secrets_file=secrets_file, port=port, log_dir=folder, env=env)


@pytest.fixture(scope="module")
def login_app(oidc_provider, tmp_path_factory):
    """The app with the client settings in [auth] itself: st.login() with no provider name."""
    with serve_login_app(oidc_provider, tmp_path_factory, None) as url:
        yield url


@pytest.fixture(scope="module")
def named_login_app(oidc_provider, tmp_path_factory):
    """The app with the client settings in [auth.team]: st.login("team")."""
    with serve_login_app(oidc_provider, tmp_path_factory, "team") as url:
        yield url


def open_app(browser, url: str):
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    page.goto(url)
    wait_ready(page)
    return context, page


def sign_in(page, provider: OIDCProvider, app_url: str, email: str, name: str) -> None:
    """Press the app's login button and sign in on the provider's page as `email`, back to the app."""
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(re.escape(f"{provider.issuer}/authorize?")), timeout=30_000)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{app_url}/", timeout=30_000)
    wait_ready(page)


def expect_text(page, text: str) -> None:
    playwright.expect(page.get_by_text(text, exact=True)).to_be_visible(timeout=30_000)


def jwt_claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def authorization_code(provider: OIDCProvider, redirect_uri: str, email: str, name: str, nonce: str,
                       verifier: str) -> str:
    """Sign in through the provider's page without a browser: the form's submission is one GET."""
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urllib.parse.urlencode({
        "client_id": provider.client_id, "redirect_uri": redirect_uri, "response_type": "code",
        "scope": "openid email profile", "state": "s", "nonce": nonce, "code_challenge": challenge,
        "code_challenge_method": "S256", "login_email": email, "login_name": name})
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(f"{provider.issuer}/authorize?{query}", timeout=10)
    assert redirect.value.code == 302
    location = urllib.parse.urlparse(redirect.value.headers["Location"])
    assert location._replace(query="").geturl() == redirect_uri
    return urllib.parse.parse_qs(location.query)["code"][0]


def token_request(provider: OIDCProvider, code: str, redirect_uri: str, verifier: str, secret: str):
    body = urllib.parse.urlencode({"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                                   "code_verifier": verifier}).encode()
    basic = base64.b64encode(f"{provider.client_id}:{secret}".encode()).decode()
    request = urllib.request.Request(f"{provider.issuer}/token", data=body,
                                     headers={"Authorization": f"Basic {basic}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_provider_puts_the_chosen_user_in_the_id_token_and_refuses_a_wrong_client_secret(oidc_provider):
    redirect_uri = "http://127.0.0.1:9/oauth2callback"
    verifier = secrets.token_urlsafe(48)

    code = authorization_code(oidc_provider, redirect_uri, "alice@example.org", "Alice Example", "n-1", verifier)
    status, body = token_request(oidc_provider, code, redirect_uri, verifier, "not-the-secret")
    assert (status, body["error"]) == (401, "invalid_client")

    code = authorization_code(oidc_provider, redirect_uri, "alice@example.org", "Alice Example", "n-2", verifier)
    status, body = token_request(oidc_provider, code, redirect_uri, verifier, oidc_provider.client_secret)
    assert status == 200, body
    claims = jwt_claims(body["id_token"])
    assert claims["email"] == "alice@example.org"
    assert claims["name"] == "Alice Example"
    assert claims["sub"].startswith("user-")
    assert (claims["iss"], claims["aud"], claims["nonce"]) == (oidc_provider.issuer, oidc_provider.client_id, "n-2")

    # A code is good once, as with a real provider (oauth2-mock-server's PKCE check answers first, with
    # invalid_request rather than invalid_grant).
    status, body = token_request(oidc_provider, code, redirect_uri, verifier, oidc_provider.client_secret)
    assert status == 400 and "id_token" not in body, body

    # Another user gets another subject; the same email always the same one.
    other = authorization_code(oidc_provider, redirect_uri, "bob@example.org", "Bob Example", "n-3", verifier)
    _, bob = token_request(oidc_provider, other, redirect_uri, verifier, oidc_provider.client_secret)
    again = authorization_code(oidc_provider, redirect_uri, "alice@example.org", "Alice Example", "n-4", verifier)
    _, alice = token_request(oidc_provider, again, redirect_uri, verifier, oidc_provider.client_secret)
    assert jwt_claims(bob["id_token"])["sub"] != claims["sub"] == jwt_claims(alice["id_token"])["sub"]


@pytest.mark.browser
def test_visitor_signs_in_sees_their_email_and_signs_out(browser, oidc_provider, login_app):
    context, page = open_app(browser, login_app)
    try:
        expect_text(page, "Signed out")
        playwright.expect(page.get_by_role("button", name="Log in")).to_be_visible()

        sign_in(page, oidc_provider, login_app, "alice@example.org", "Alice Example")
        expect_text(page, "Signed in as alice@example.org")
        expect_text(page, "Name: Alice Example")
        assert page.get_by_text("Signed out", exact=True).count() == 0

        # The identity cookie outlives the page: a reload is still signed in.
        page.reload()
        wait_ready(page)
        expect_text(page, "Signed in as alice@example.org")

        page.get_by_role("button", name="Log out").click()
        page.wait_for_url(f"{login_app}/", timeout=30_000)
        wait_ready(page)
        expect_text(page, "Signed out")
        playwright.expect(page.get_by_role("button", name="Log in")).to_be_visible()
        page.reload()
        wait_ready(page)
        expect_text(page, "Signed out")
    finally:
        context.close()


@pytest.mark.browser
def test_two_users_sign_in_and_the_app_tells_them_apart(browser, oidc_provider, login_app):
    alice_context, alice = open_app(browser, login_app)
    bob_context, bob = open_app(browser, login_app)
    try:
        sign_in(alice, oidc_provider, login_app, "alice@example.org", "Alice Example")
        sign_in(bob, oidc_provider, login_app, "bob@example.org", "Bob Example")

        expect_text(bob, "Signed in as bob@example.org")
        expect_text(bob, "Read only")  # bob is not on the app's list of editors
        alice.reload()
        wait_ready(alice)
        expect_text(alice, "Signed in as alice@example.org")
        expect_text(alice, "May change imported data")
    finally:
        alice_context.close()
        bob_context.close()


@pytest.mark.browser
def test_a_named_provider_section_signs_in_with_its_name(browser, oidc_provider, named_login_app):
    context, page = open_app(browser, named_login_app)
    try:
        expect_text(page, "Signed out")
        sign_in(page, oidc_provider, named_login_app, "carol@example.org", "Carol Example")
        expect_text(page, "Signed in as carol@example.org")
        expect_text(page, "Read only")
    finally:
        context.close()
