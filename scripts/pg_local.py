"""A throwaway PostgreSQL cluster for the tests and for trying the shared store by hand:
``python -m scripts.pg_local start [--dir D] [--port P]`` prints its URL, ``python -m scripts.pg_local stop --dir D``
stops it and removes its files.

The cluster is Debian's PostgreSQL (``apt-get install postgresql``; the binaries under /usr/lib/postgresql/*/bin),
initialised in a temporary directory: it listens on 127.0.0.1 only (trust authentication there, no password) and
on a unix socket inside that directory, and is made for speed, not safety (``fsync`` off): nothing in it survives
by design. PostgreSQL refuses to run as root, so as root the cluster belongs to an unprivileged user (``postgres``
if the system has one, else ``nobody``) and every server command runs as that user through ``runuser``.

Usage from Python::

    cluster = pg_local.start()           # a free port, a fresh directory under the system's temp dir
    cluster.create_database("t1")        # -> "postgresql://postgres@127.0.0.1:<port>/t1"
    cluster.stop()                       # stops the server and removes the directory
"""

from __future__ import annotations

import argparse
import glob
import os
import pwd
import re
import shlex
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"  # the cluster's superuser (initdb -U), whatever the operating-system user
DATA = "data"  # PGDATA inside the cluster's directory; the socket and the log sit beside it
LOG = "postgres.log"
INSTALL_HINT = ("PostgreSQL's server programs (initdb, pg_ctl, postgres) were not found: install them with "
                "`apt-get install postgresql` (Debian), or set PG_BIN to the folder that holds them")
# Made for tests: nothing needs to survive a crash, so nothing waits for the disk.
FAST_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
SETTINGS = {"shared_buffers": "64MB", "max_connections": "60", "log_min_messages": "warning",
            "max_wal_size": "1GB"}


class PgNotInstalled(RuntimeError):
    """The PostgreSQL server programs are missing."""


class PgStartError(RuntimeError):
    """The cluster could not be initialised or started (the message quotes its log)."""


def find_bin_dir() -> Path:
    """The folder with initdb, pg_ctl and postgres: $PG_BIN, else the newest /usr/lib/postgresql/<version>/bin,
    else the folder of an initdb on PATH (Debian puts only wrappers there, so its real folder is resolved)."""
    wanted = ("initdb", "pg_ctl", "postgres")
    candidates = [os.environ.get("PG_BIN", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).resolve().parent))
    for folder in filter(None, candidates):
        if all(os.access(Path(folder) / name, os.X_OK) for name in wanted):
            return Path(folder)
    raise PgNotInstalled(INSTALL_HINT)


def _version_key(path: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", path)) or (0,)


def free_port() -> int:
    """A loopback port free right now (the kernel's choice: two test workers asking at once get different ones)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_user() -> str | None:
    """The unprivileged user the server runs as when we are root (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise PgStartError("running as root, and neither a 'postgres' nor a 'nobody' user exists to run PostgreSQL as")


def _as_user(user: str | None, argv: list[str]) -> list[str]:
    if user is None:
        return argv
    if shutil.which("runuser"):
        return ["runuser", "-u", user, "--", *argv]
    return ["su", "-s", "/bin/sh", user, "-c", shlex.join(argv)]


def _run(user: str | None, argv: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess:
    # cwd: the server user may not be allowed into our working directory, and initdb looks at it.
    return subprocess.run(_as_user(user, argv), cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "LC_ALL": "C", "LANG": "C"})


def _check_searchable(path: Path, user: str) -> None:
    """As root, every folder above the cluster's must let the server user through: say so plainly if not (the
    servers' own messages name only the data directory)."""
    info = pwd.getpwnam(user)
    for folder in path.resolve().parents:
        st = folder.stat()
        if st.st_uid == info.pw_uid:
            ok = st.st_mode & stat.S_IXUSR
        elif st.st_gid == info.pw_gid:
            ok = st.st_mode & stat.S_IXGRP
        else:
            ok = st.st_mode & stat.S_IXOTH
        if not ok:
            raise PgStartError(f"the user {user!r} that PostgreSQL runs as cannot enter {folder}; choose a "
                               f"directory under {tempfile.gettempdir()} (--dir)")


@dataclass
class Cluster:
    """A running throwaway cluster: its directory, port and the programs that run it."""

    dir: Path
    port: int
    bin_dir: Path
    user: str | None  # the operating-system user the server runs as (None: ourselves)

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@{self.host}:{self.port}/{dbname}"

    @property
    def data_dir(self) -> Path:
        return self.dir / DATA

    def log(self) -> str:
        try:
            return (self.dir / LOG).read_text(errors="replace")
        except OSError:
            return ""

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create database ``name`` (a copy of ``template`` if given) and return its URL."""
        import psycopg
        from psycopg import sql

        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            # FILE_COPY: copying the template's files is much faster than WAL-logging every block (PG 15's default)
            # for the small databases of tests, and the cluster has fsync off.
            query += sql.SQL(" TEMPLATE {} STRATEGY FILE_COPY").format(sql.Identifier(template))
        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(query)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def end_sessions(self, name: str) -> None:
        """End every session connected to database ``name`` (what a test left open)."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                        "AND pid <> pg_backend_pid()", [name])

    def stop(self, remove: bool = True) -> None:
        stop(self.dir, remove=remove)

    def pause(self, timeout: float = 60) -> None:
        """Shut the server down cleanly, keeping its data (the fault tests: the store's server goes away)."""
        stop(self.dir, remove=False, timeout=timeout)

    def resume(self, timeout: float = 60) -> None:
        """Start the server again on its data and port, after :meth:`pause`."""
        result = _run(self.user, [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-l", str(self.dir / LOG),
                                  "-w", "-t", str(int(timeout)), "start"], self.dir, timeout + 10)
        if result.returncode != 0:
            raise PgStartError(f"PostgreSQL did not start again on port {self.port}: {result.stderr.strip()}\n"
                               f"{self.log()[-2000:]}")


def start(directory: str | Path | None = None, port: int | None = None, *, fast: bool = True,
          timeout: float = 60) -> Cluster:
    """Initialise and start a cluster in ``directory`` (created if missing; a fresh one under the system's temp dir
    by default) on ``port`` (a free one by default, tried again on another if it is taken meanwhile). Raises
    :class:`PgNotInstalled` when the programs are missing, :class:`PgStartError` when the server does not start."""
    bin_dir = find_bin_dir()
    user = server_user()
    made = directory is None
    root = Path(tempfile.mkdtemp(prefix="kz-pg-")) if made else Path(directory).resolve()
    root.mkdir(parents=True, exist_ok=True)
    if (root / DATA).exists():
        raise PgStartError(f"{root / DATA} exists already: stop that cluster first (stop --dir {root})")
    try:
        os.chmod(root, 0o700)  # the socket lives here: only the server's user (and root) may connect through it
        if user is not None:
            info = pwd.getpwnam(user)
            os.chown(root, info.pw_uid, info.pw_gid)
            _check_searchable(root, user)
        _initdb(bin_dir, user, root, timeout)
        for attempt in range(5):
            chosen = port or free_port()
            _configure(root, chosen, fast)
            with suppress(OSError):
                (root / LOG).unlink()  # pg_ctl appends: each attempt's own messages only
            cluster = Cluster(root, chosen, bin_dir, user)
            result = _run(user, [str(bin_dir / "pg_ctl"), "-D", str(root / DATA), "-l", str(root / LOG), "-w",
                                 "-t", str(int(timeout)), "start"], root, timeout + 10)
            if result.returncode == 0:
                return cluster
            if port is None and "already in use" in cluster.log() and attempt < 4:
                continue  # another process took the port between our look and the server's bind
            log = cluster.log()[-2000:]
            with suppress(PgStartError, subprocess.TimeoutExpired):  # pg_ctl may have given up on a slow start
                stop(root, timeout=10)
            raise PgStartError(f"PostgreSQL did not start on port {chosen}: {result.stderr.strip()}\n{log}")
        raise AssertionError("unreachable")
    except BaseException:
        _remove(root)  # the data and log are ours (refused above if they were there); --dir keeps the rest
        raise


def _initdb(bin_dir: Path, user: str | None, root: Path, timeout: float) -> None:
    result = _run(user, [str(bin_dir / "initdb"), "-D", str(root / DATA), "-U", SUPERUSER, "-A", "trust",
                         "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"], root, timeout)
    if result.returncode != 0:
        raise PgStartError(f"initdb failed: {result.stderr.strip() or result.stdout.strip()}")
    # Trust on the loopback address and on the private socket only; nothing else may connect.
    hba = root / DATA / "pg_hba.conf"
    hba.write_text("# written by scripts/pg_local.py: a throwaway cluster\n"
                   "local all all trust\n"
                   "host  all all 127.0.0.1/32 trust\n")


def _configure(root: Path, port: int, fast: bool) -> None:
    """The cluster's own settings, in postgresql.auto.conf (read after postgresql.conf; rewritten on a retry)."""
    settings = {"listen_addresses": "127.0.0.1", "port": str(port), "unix_socket_directories": str(root),
                **SETTINGS, **(FAST_SETTINGS if fast else {})}
    lines = [f"{key} = '{value}'" for key, value in settings.items()]
    auto = root / DATA / "postgresql.auto.conf"
    auto.write_text("# written by scripts/pg_local.py\n" + "\n".join(lines) + "\n")
    if os.geteuid() == 0:
        st = (root / DATA).stat()
        os.chown(auto, st.st_uid, st.st_gid)


def stop(directory: str | Path, *, remove: bool = True, timeout: float = 60) -> None:
    """Stop the cluster in ``directory`` and, with ``remove``, delete what ``start`` put there (then the server is
    stopped at once, as in a crash: nothing of it is kept anyway; without, it shuts down cleanly, ending open
    sessions). Stopping a cluster that is not running only removes its files."""
    root = Path(directory).resolve()
    data = root / DATA
    if (data / "postmaster.pid").exists():
        bin_dir = find_bin_dir()
        user = None
        if os.geteuid() == 0:
            user = pwd.getpwuid(data.stat().st_uid).pw_name
        result = _run(user if user != "root" else None,
                      [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate" if remove else "fast", "-w", "-t",
                       str(int(timeout)), "stop"],
                      root, timeout + 10)
        if result.returncode != 0 and (data / "postmaster.pid").exists():
            raise PgStartError(f"PostgreSQL in {data} did not stop: {result.stderr.strip()}")
    if remove:
        _remove(root)


def _remove(root: Path) -> None:
    """What ``start`` put in ``root`` (the data, the log, a stale socket), then ``root`` itself if that left it
    empty: a directory given with --dir keeps whatever else it held."""
    shutil.rmtree(root / DATA, ignore_errors=True)
    for leftover in [root / LOG, *root.glob(".s.PGSQL.*")]:
        with suppress(OSError):
            leftover.unlink()
    with suppress(OSError):
        root.rmdir()


def wait_ready(url: str, timeout: float = 30) -> None:
    """Wait until the server at ``url`` accepts connections (pg_ctl -w already does; for clusters started
    elsewhere)."""
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            psycopg.connect(url, connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def existing(directory: str | Path) -> Cluster:
    """The cluster kept in ``directory`` (stopped with ``stop --keep``), on the port it was configured with."""
    root = Path(directory).resolve()
    auto = root / DATA / "postgresql.auto.conf"
    found = re.search(r"^port = '(\d+)'", auto.read_text(), re.MULTILINE) if auto.exists() else None
    if not found:
        raise PgStartError(f"{root} holds no cluster made by this script")
    user = pwd.getpwuid((root / DATA).stat().st_uid).pw_name if os.geteuid() == 0 else None
    return Cluster(root, int(found.group(1)), find_bin_dir(), user if user != "root" else None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.pg_local", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("start", "stop"))
    parser.add_argument("--dir", help="the cluster's directory (start: created; default a fresh temp directory)")
    parser.add_argument("--port", type=int, help="loopback port (start; default a free one)")
    parser.add_argument("--keep", action="store_true", help="stop: keep the directory instead of removing it")
    parser.add_argument("--durable", action="store_true",
                        help="start: wait for the disk on every commit (a store kept by hand; tests need not)")
    args = parser.parse_args(argv)
    try:
        if args.command == "start" and args.dir and (Path(args.dir) / DATA).exists():
            cluster = existing(args.dir)  # kept by `stop --keep`: started again on its data and port
            cluster.resume()
            print(cluster.url())
        elif args.command == "start":
            cluster = start(args.dir, args.port, fast=not args.durable)
            print(cluster.url())
            print(f"started in {cluster.dir}; stop with: python -m scripts.pg_local stop --dir {cluster.dir} "
                  "(with --keep to keep its data)",
                  file=sys.stderr)
        else:
            if not args.dir:
                parser.error("stop needs --dir")
            stop(args.dir, remove=not args.keep)
    except (PgNotInstalled, PgStartError) as exc:
        print(f"pg_local: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
