"""Start the dashboard on a free local port for browser tests and screenshots; stop it afterwards."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float) -> bool:
    """Wait until ``url``'s Streamlit health check answers (through a proxy too); False if ``proc`` ended first or
    ``timeout`` passed."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


@dataclasses.dataclass
class App:
    """A dashboard server started by :func:`started_app`: its base URL and process (the fault tests kill it)."""

    url: str
    proc: subprocess.Popen
    log: Path  # what the server printed (stdout and stderr): a file, so a chatty server never blocks on a pipe

    @property
    def pid(self) -> int:
        return self.proc.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def stop(proc: subprocess.Popen) -> None:
    """End a server process: asked first (SIGTERM), killed after 10 s."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def started_app(env: dict[str, str] | None = None, timeout: float = 60, *, port: int | None = None,
                args: tuple[str, ...] = ()) -> Iterator[App]:
    """A dashboard served on 127.0.0.1 (with extra environment ``env`` and Streamlit options ``args``, e.g.
    ``("--secrets.files", path)``), once it answers its health check; stopped afterwards (if still running)."""
    port = port or free_port()
    # started as `make run` starts it: the launcher (python dashboard/app.py) runs `streamlit run` and builds the shared
    # views in the background from the start (dashboard.data.warm_up; KZ_WARM_UP=0 in ``env`` skips it)
    cmd = [sys.executable, "dashboard/app.py", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
           *args]
    log_dir = Path(tempfile.mkdtemp(prefix="kz-serve-"))
    log = log_dir / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out,
                                stderr=subprocess.STDOUT)
    app = App(f"http://127.0.0.1:{port}", proc, log)
    try:
        if not wait_healthy(app.url, proc, timeout):
            raise RuntimeError(f"streamlit did not start: {app.output()[-4000:]}")
        yield app
    finally:
        stop(proc)
        shutil.rmtree(log_dir, ignore_errors=True)


@contextlib.contextmanager
def running_app(env: dict[str, str] | None = None, timeout: float = 60, *, port: int | None = None,
                args: tuple[str, ...] = ()) -> Iterator[str]:
    """Yield the base URL of a dashboard served on 127.0.0.1 (see :func:`started_app`)."""
    with started_app(env, timeout, port=port, args=args) as app:
        yield app.url
