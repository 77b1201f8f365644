"""Sign-in tests without an outside service: a local OpenID Connect provider, and Streamlit apps pointed at it.

The provider is tests/oidc/server.js (oauth2-mock-server on Node.js, pinned by tests/oidc/package-lock.json); its
sign-in page lets a test choose the user by email and name. Each Streamlit app under test gets a secrets file of
its own through the `secrets.files` option, so neither the project's `.streamlit/secrets.toml` nor a developer's
`~/.streamlit/secrets.toml` is read or touched.

The session fixture is `oidc_provider`: a test module imports ``oidc_provider_fixture`` (the function's own name
keeps ruff from reading each test's `oidc_provider` argument as a redefinition), or tests/conftest.py lists
``pytest_plugins = ["tests.oidc_fixtures"]``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from scripts.serve import free_port, stop

ROOT = Path(__file__).resolve().parent.parent
OIDC_DIR = ROOT / "tests" / "oidc"
# Written inside node_modules by a successful `npm ci`: an install made from another package-lock.json (or a
# half-finished one) has no such file, or another digest, and is installed again.
INSTALL_STAMP = OIDC_DIR / "node_modules" / ".kz-package-lock.sha256"


@dataclass(frozen=True)
class OIDCProvider:
    """Where the local provider answers, and the one client it knows."""

    issuer: str
    client_id: str
    client_secret: str
    log: Path

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-chars:] if self.log.exists() else ""


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"`{name}` is missing: the sign-in tests run their OpenID Connect provider on Node.js "
                    "(Debian: apt-get install nodejs npm)")
    return path


def ensure_node_modules(timeout: float = 300) -> None:
    """Install tests/oidc's packages with `npm ci`, once per package-lock.json.

    pytest-xdist workers may all start here at the same moment; an exclusive lock on a file beside package.json lets
    the first one install while the others wait, and they then find the stamp and go on.
    """
    npm = _tool("npm")
    digest = hashlib.sha256((OIDC_DIR / "package-lock.json").read_bytes()).hexdigest()
    with (OIDC_DIR / ".npm-ci.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if INSTALL_STAMP.exists() and INSTALL_STAMP.read_text(encoding="utf-8") == digest:
            return
        result = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=OIDC_DIR,
                                capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            pytest.fail(f"`npm ci` in {OIDC_DIR} failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}")
        INSTALL_STAMP.write_text(digest, encoding="utf-8")


def _wait_for(url: str, proc: subprocess.Popen, deadline: float, what: str, log: Path) -> bytes:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return response.read()
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:] if log.exists() else ""
            raise RuntimeError(f"{what} did not answer {url} (exit status {proc.poll()}):\n{tail}")
        time.sleep(0.2)


@contextlib.contextmanager
def running_oidc_provider(log_dir: Path, client_id: str = "kz-dashboard-test", client_secret: str | None = None,
                          timeout: float = 30) -> Iterator[OIDCProvider]:
    """Run tests/oidc/server.js on a free loopback port until the block ends; yield where it answers."""
    ensure_node_modules()
    port = free_port()
    provider = OIDCProvider(issuer=f"http://127.0.0.1:{port}", client_id=client_id,
                            client_secret=client_secret or secrets.token_urlsafe(24), log=log_dir / "oidc-provider.log")
    env = {**os.environ, "OIDC_CLIENT_ID": provider.client_id, "OIDC_CLIENT_SECRET": provider.client_secret}
    with provider.log.open("wb") as out:
        proc = subprocess.Popen([_tool("node"), "server.js", str(port)], cwd=OIDC_DIR, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        metadata = json.loads(_wait_for(provider.metadata_url, proc, time.monotonic() + timeout,
                                        "the OIDC provider", provider.log))
        # Authlib refuses an id token whose issuer differs from the discovery document's by a single character.
        if metadata.get("issuer") != provider.issuer:
            raise RuntimeError(f"the OIDC provider names itself {metadata.get('issuer')!r}, not {provider.issuer!r}")
        yield provider
    finally:
        stop(proc)


@pytest.fixture(scope="session", name="oidc_provider")
def oidc_provider_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OIDCProvider]:
    """The local OpenID Connect provider, one per test process (each xdist worker has its own)."""
    with running_oidc_provider(tmp_path_factory.mktemp("oidc")) as provider:
        yield provider


def require_streamlit_auth() -> None:
    """Fail at once, and say why, where st.login() would only show an error in the page the test waits on."""
    try:
        import authlib.deprecate  # noqa: F401 (puts its own "always" filter first: ours must come after it)

        with warnings.catch_warnings():
            # Authlib 1.9 prefers httpx2, but Streamlit's `auth` extra names httpx: Streamlit's choice, not a defect.
            warnings.filterwarnings("ignore", message="The httpx module is deprecated")
            from authlib.integrations import starlette_client  # noqa: F401 (needs Authlib and httpx)
    except ImportError as error:
        pytest.fail(f"Streamlit's authentication needs its `auth` extra (Authlib, httpx): {error}")


def _toml_string(value: str) -> str:
    # A JSON string with non-ASCII escaped is also a valid TOML basic string (the same escapes, \uXXXX included).
    return json.dumps(value, ensure_ascii=True)


def write_auth_secrets(path: Path, provider: OIDCProvider, app_port: int, *, provider_name: str | None = None,
                       client_kwargs: Mapping[str, str] | None = None) -> Path:
    """Write a secrets.toml whose [auth] section signs in through `provider`, for an app on 127.0.0.1:app_port.

    Without `provider_name` the client settings sit in [auth] itself and the app calls ``st.login()``; with one
    they sit in [auth.<provider_name>] and the app calls ``st.login("<provider_name>")``. Streamlit refuses
    provider names with an underscore.
    """
    require_streamlit_auth()
    if provider_name is not None and not re.fullmatch(r"[A-Za-z0-9-]+", provider_name):
        raise ValueError(f"provider name {provider_name!r}: letters, digits and hyphens only")
    shared = {
        # The host the browser opens (127.0.0.1): Streamlit keeps the login's state in a cookie of that host, so a
        # callback to "localhost" finds none and signs nobody in, silently ("Missing provider for OAuth callback"
        # in its log); the identity cookie is also checked against the page's origin.
        "redirect_uri": f"http://127.0.0.1:{app_port}/oauth2callback",
        "cookie_secret": secrets.token_urlsafe(32),
    }
    client = {"client_id": provider.client_id, "client_secret": provider.client_secret,
              "server_metadata_url": provider.metadata_url}
    lines = ["[auth]", *(f"{key} = {_toml_string(value)}" for key, value in shared.items())]
    section = "auth"
    if provider_name is not None:
        section = f"auth.{provider_name}"
        lines += ["", f"[{section}]"]
    lines += [f"{key} = {_toml_string(value)}" for key, value in client.items()]
    if client_kwargs:
        lines += ["", f"[{section}.client_kwargs]",
                  *(f"{key} = {_toml_string(value)}" for key, value in client_kwargs.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@contextlib.contextmanager
def running_streamlit(script: Path, *, secrets_file: Path, port: int, log_dir: Path,
                      env: Mapping[str, str] | None = None, timeout: float = 60) -> Iterator[str]:
    """Serve `script` with `streamlit run` on 127.0.0.1:port, reading only `secrets_file`; yield its base URL.

    The port is chosen by the caller because the secrets file names it (redirect_uri) before the app starts.
    """
    log = log_dir / f"streamlit-{port}.log"
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--secrets.files", str(secrets_file)]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{url}/_stcore/health", proc, time.monotonic() + timeout, "streamlit", log)
        yield url
    finally:
        stop(proc)
