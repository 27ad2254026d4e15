"""SFTP against a real OpenSSH sshd on 127.0.0.1 (the one the tests start, tests/sshd.py):
files fetched per second, one large file's throughput and memory, uploads per second, and how
long a server that never answers holds up a poll of all partners.

Needs sshd (openssh-server). Each figure is taken on a fresh workspace with its SQLite store.
BENCH_FULL=1 uses more files and a larger file.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from bench.orders import make_order
from gateway.app import Gateway, build_gateway
from gateway.config import load_settings
from gateway.config_sftp import SftpSettings
from gateway.pipeline.remote_polling import poll_all
from gateway.pipeline.runner import run_due
from gateway.store import MessageFilter
from gateway.store.masterdata_store import import_masterdata
from gateway.transport.remote import RemoteConnections
from gateway.workspace import SAMPLE_MASTERDATA, init_workspace

if TYPE_CHECKING:
    # The tests' sshd and partner set-up (they import pytest) load only when this bench runs.
    from tests.sshd import SshServer

REPO = Path(__file__).resolve().parents[1]
FULL = bool(os.environ.get("BENCH_FULL"))
PULL_FILES = 2_000 if FULL else 500
LARGE_MB = 500 if FULL else 100
PUSH_ORDERS = 1_000 if FULL else 250
ISOLATION_FILES = 50
SILENT_TIMEOUT = "2s"
MB = 1_000_000


def bench_sftp() -> None:
    """Print pull, large-file, push and isolation figures against one local sshd."""
    if not Path("/usr/sbin/sshd").is_file() and not shutil.which("sshd"):
        print("sftp: skipped, OpenSSH's sshd is not installed (apt-get install openssh-server)")
        return
    # As `gateway` does: paramiko logs a traceback at ERROR for the silent server's banner
    # timeout, which the gateway reports itself in one sentence.
    logging.getLogger("paramiko").setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory(prefix="bench-sftp-") as tmp, _sshd(Path(tmp)) as server:
        root = Path(tmp)
        _pull(root / "pull", server, "pull, rename convention, delete")
        _clear(server)
        _pull(
            root / "pull-archive",
            server,
            "pull, claim in processing/, archive",
            processing_folder="processing",
            after_download="archive",
            archive_folder="archive",
        )
        _clear(server)
        _large(root / "large", server)
        _clear(server)
        _push(root / "push", server)
        _clear(server)
        _isolation(root / "isolation", server)


@contextmanager
def _sshd(root: Path) -> Iterator[SshServer]:
    from tests.sshd import SshServer

    server = SshServer(root / "sshd")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _clear(server: SshServer) -> None:
    """Empty the served folders between figures (out: the partner's files, in: ours)."""
    for folder in ("out", "in"):
        for path in sorted((server.home / folder).rglob("*"), reverse=True):
            if path.is_dir():
                path.rmdir()
            else:
                path.unlink()


def _gateway(workspace: Path, server: SshServer, **options: str) -> Gateway:
    """A new workspace whose partner acme is on `server`, files complete by rename."""
    from tests.sftp_partner import configure_sftp

    init_workspace(workspace)
    configure_sftp(workspace, server, complete="rename", **options)
    return build_gateway(load_settings(workspace, {}), environ={})


def _put_orders(server: SshServer, count: int, prefix: str) -> None:
    """The partner leaves `count` small ORDERS (5 lines, ~400 bytes) on its server."""
    out = server.home / "out"
    for i in range(count):
        reference = f"{prefix}{i:05d}"
        (out / f"ORDERS_{reference}.edi").write_bytes(make_order(reference, 5, acme=True))


def _pull(workspace: Path, server: SshServer, label: str, **options: str) -> None:
    gateway = _gateway(workspace, server, **options)
    try:
        _put_orders(server, PULL_FILES, "P")
        started = time.perf_counter()
        (result,) = poll_all(gateway)
        seconds = time.perf_counter() - started
    finally:
        gateway.close()
    left = len([p for p in (server.home / "out").iterdir() if p.is_file()])
    print(
        f"sftp {label:<40} {len(result.received):>5} files in {seconds:6.2f} s "
        f"{len(result.received) / seconds:7.1f} files/s  (error: {result.error}, "
        f"{left} left in the remote inbox)"
    )


def _large(workspace: Path, server: SshServer) -> None:
    """One large file, fetched in a child process so its peak RSS is this fetch's alone."""
    gateway = _gateway(workspace, server)
    gateway.close()
    order = make_order("LARGE", 50, acme=True)
    size = LARGE_MB * MB
    with (server.home / "out" / "LARGE.edi").open("wb") as out:
        for _ in range(size // len(order)):
            out.write(order)
        out.write(order[: size % len(order)])
    done = subprocess.run(
        [sys.executable, "-m", "bench.sftp", str(workspace)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(f"sftp large file: the child process failed:\n{done.stderr}")
        return
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"sftp {'one ' + str(LARGE_MB) + ' MB file, download alone':<40} "
        f"{figures['download_s']:6.2f} s  {LARGE_MB / figures['download_s']:7.1f} MB/s"
    )
    print(
        f"sftp {'one ' + str(LARGE_MB) + ' MB file, poll_all (+ store)':<40} "
        f"{figures['poll_s']:6.2f} s  {LARGE_MB / figures['poll_s']:7.1f} MB/s  "
        f"(stored {figures['stored'] / MB:.0f} MB, error: {figures['error']})"
    )
    print(
        f"sftp {'  peak RSS growth while fetching':<40} {figures['rss_growth_mib']:6.1f} MiB "
        f"(peak RSS of the fetching process, ru_maxrss {figures['rss_after_mib']:.0f} MiB, "
        f"minus its RSS before the fetch {figures['rss_before_mib']:.0f} MiB)"
    )


def _fetch_large(workspace: Path) -> dict[str, Any]:
    """In the child: download the file alone, then poll_all it into the store; peak RSS."""
    from gateway.transport.sftp import connect

    gateway = build_gateway(load_settings(workspace, {}), environ={})
    settings = _sftp(gateway)
    before = _rss_now_mib()
    target = workspace / "var" / "large.download"
    started = time.perf_counter()
    with connect(settings, {}) as connection:
        connection.download("out/LARGE.edi", target)
    download = time.perf_counter() - started
    target.unlink()
    started = time.perf_counter()
    (result,) = poll_all(gateway)
    poll = time.perf_counter() - started
    after = _max_rss_mib()
    stored = sum(len(p) for m in result.received for p in gateway.store.raw_chunks(m))
    gateway.close()
    return {
        "download_s": download,
        "poll_s": poll,
        "stored": stored,
        "error": result.error,
        "rss_before_mib": before,
        "rss_after_mib": after,
        "rss_growth_mib": after - before,
    }


def _rss_now_mib() -> float:
    # /proc/self/statm: size and resident set, in pages.
    resident = int(Path("/proc/self/statm").read_text().split()[1])
    return resident * os.sysconf("SC_PAGE_SIZE") / 2**20


def _max_rss_mib() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sftp(gateway: Gateway) -> SftpSettings:
    sftp = gateway.settings.partners["acme"].transport.sftp
    if sftp is None:
        raise RuntimeError("partner acme has no SFTP settings")
    return sftp


@dataclass
class _UploadClock:
    """Time spent inside SftpConnection.upload, summed over a pass."""

    seconds: float = 0.0
    uploads: int = 0


class _TimedConnection:
    """An SftpConnection whose uploads are timed; everything else passes through."""

    def __init__(self, connection: Any, clock: _UploadClock) -> None:
        self._connection = connection
        self._clock = clock

    def upload(self, folder: str, name: str, data: bytes) -> str:
        started = time.perf_counter()
        try:
            return cast(str, self._connection.upload(folder, name, data))
        finally:
            self._clock.seconds += time.perf_counter() - started
            self._clock.uploads += 1

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


def _push(workspace: Path, server: SshServer) -> None:
    """Orders fetched by SFTP, then one run_due answers each with CONTRL + ORDRSP by upload."""
    from gateway.transport.sftp import connect

    gateway = _gateway(workspace, server)
    import_masterdata(gateway.store, workspace / SAMPLE_MASTERDATA, actor="bench")
    try:
        _put_orders(server, PUSH_ORDERS, "Q")
        (result,) = poll_all(gateway)
        gateway.load_definitions()
        # The same gateway, its pushes made on connections that time each upload.
        clock = _UploadClock()
        gateway = replace(
            gateway,
            remote=RemoteConnections(
                {}, connector=lambda s: cast(Any, _TimedConnection(connect(s, {}), clock))
            ),
        )
        started = time.perf_counter()
        summary = run_due(gateway)
        seconds = time.perf_counter() - started
        gateway.remote.end_round()
        sent = gateway.store.list_messages(MessageFilter(direction="out", limit=10 * PUSH_ORDERS))
    finally:
        gateway.close()
    types = sorted({m.message_type or "?" for m in sent})
    by_type = ", ".join(f"{sum(m.message_type == t for m in sent)} {t}" for t in types)
    done = sum(m.status == "done" for m in sent)
    on_server = len([p for p in (server.home / "in").iterdir() if not p.name.startswith(".")])
    print(
        f"sftp {'push: run_due over ' + str(len(result.received)) + ' fetched orders':<40} "
        f"{seconds:6.2f} s  ({summary.total} messages: {len(sent)} outbound = {by_type}; "
        f"{done} done, {on_server} files on the server)"
    )
    print(
        f"sftp {'  uploads (temp name, size, rename)':<40} {clock.uploads:>5} in "
        f"{clock.seconds:6.2f} s {clock.uploads / clock.seconds:7.1f} uploads/s  "
        f"({clock.seconds * 1000 / clock.uploads:.1f} ms each)"
    )
    rest = seconds - clock.seconds
    print(
        f"sftp {'  run_due without the uploads':<40} {rest:6.2f} s  "
        f"(inbound processing, rendering, store; {clock.uploads / seconds:.1f} uploads/s overall)"
    )


def _isolation(workspace: Path, server: SshServer) -> None:
    """acme on the real server, globex on a listener that accepts and never says a word."""
    from tests.sftp_partner import configure_sftp

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        init_workspace(workspace)
        configure_sftp(workspace, server, complete="rename", timeout=SILENT_TIMEOUT)
        configure_sftp(
            workspace,
            server,
            partner="globex",
            port=silent.getsockname()[1],
            timeout=SILENT_TIMEOUT,
            filename_pattern="{partner}_{message_type}_{control_ref}.x12",
        )
        gateway = build_gateway(load_settings(workspace, {}), environ={})
        _put_orders(server, ISOLATION_FILES, "I")
        try:
            started = time.perf_counter()
            results = {r.partner: r for r in poll_all(gateway)}
            seconds = time.perf_counter() - started
        finally:
            gateway.close()
    finally:
        silent.close()
    acme, globex = results["acme"], results["globex"]
    print(
        f"sftp {'isolation: poll_all, one server silent':<40} {seconds:6.2f} s  "
        f"(timeout {SILENT_TIMEOUT}); healthy acme: {len(acme.received)} of "
        f"{ISOLATION_FILES} files fetched, error {acme.error}"
    )
    print(f"sftp {'  silent globex':<40} error: {globex.error}")


if __name__ == "__main__":
    # The child process of _large: python -m bench.sftp <workspace>
    print(json.dumps(_fetch_large(Path(sys.argv[1]))))
