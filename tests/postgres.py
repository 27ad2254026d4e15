"""A real throwaway PostgreSQL server for the test session (initdb + pg_ctl on 127.0.0.1)."""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import need

# initdb refuses to run as root; as root (here and in CI) the server runs as this user.
_SERVER_USER = "nobody"
_database_numbers = itertools.count(1)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_server_user(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    runuser = shutil.which("runuser")
    if runuser is None:
        need("running as root without `runuser` to start PostgreSQL as an unprivileged user")
    return [str(runuser), "-u", _SERVER_USER, "--", *argv]


def _run(argv: list[str], log: Path | None = None) -> None:
    done = subprocess.run(
        _as_server_user(argv), capture_output=True, text=True, check=False, cwd="/", timeout=120
    )
    if done.returncode != 0:
        server_log = log.read_text(errors="replace") if log and log.exists() else ""
        raise RuntimeError(
            f"{argv[0]} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}\n{server_log}"
        )


def _create_database(port: int, name: str) -> None:
    import psycopg
    from psycopg import sql

    admin = f"host=127.0.0.1 port={port} user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def postgres_port() -> Iterator[int]:
    """Start a throwaway PostgreSQL on 127.0.0.1 for the test session and yield its port."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb is None or pg_ctl is None:
        need("PostgreSQL server binaries (initdb, pg_ctl) are not on PATH")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        need("the psycopg driver is not installed (pip install 'psycopg[binary]')")
    root = Path(tempfile.mkdtemp(prefix="gateway-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, user=_SERVER_USER)
    data, log, port = root / "data", root / "server.log", _free_port()
    _run(
        [
            str(initdb),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-locale",
            "-E",
            "UTF8",
        ]
    )
    options = f"-k {root} -c listen_addresses=127.0.0.1 -p {port} -c fsync=off"
    _run(
        [str(pg_ctl), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", options, "start"],
        log,
    )
    try:
        yield port
    finally:
        _run([str(pg_ctl), "-D", str(data), "-w", "-m", "fast", "stop"], log)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url(postgres_port: int) -> str:
    """A SQLAlchemy URL of the database "gateway_test" on the throwaway server."""
    _create_database(postgres_port, "gateway_test")
    return f"postgresql+psycopg://postgres@127.0.0.1:{postgres_port}/gateway_test"


@pytest.fixture()
def new_postgres_database(postgres_port: int) -> Callable[[], str]:
    """Make a fresh, empty database on the throwaway server and return its URL."""

    def make() -> str:
        name = f"gateway_test_{next(_database_numbers)}"
        _create_database(postgres_port, name)
        return f"postgresql+psycopg://postgres@127.0.0.1:{postgres_port}/{name}"

    return make
