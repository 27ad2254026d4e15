"""The real `gateway` command on a temporary workspace."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gateway.formats.edifact import EdifactInterchange, parse_interchange
from tests.sshd import sshd  # noqa: F401 (a fixture, found by pytest)

DATA = Path(__file__).resolve().parent / "data"
GATEWAY = Path(sys.executable).with_name("gateway")


@dataclass(frozen=True)
class Result:
    """What one command printed and returned."""

    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """stdout as JSON."""
        return json.loads(self.stdout)


@dataclass(frozen=True)
class Workspace:
    """A workspace made by `gateway init`, and a way to run commands in it."""

    root: Path

    def gateway(self, *args: str, env: dict[str, str] | None = None, timeout: float = 60) -> Result:
        """Run the real console script with this workspace."""
        full_env = {**os.environ, "GATEWAY_WORKSPACE": str(self.root), **(env or {})}
        done = subprocess.run(
            [str(GATEWAY), *args],
            capture_output=True,
            text=True,
            env=full_env,
            timeout=timeout,
            check=False,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    def gateway_bytes(self, *args: str) -> bytes:
        """Run the command and return its stdout as bytes (for --raw)."""
        env = {**os.environ, "GATEWAY_WORKSPACE": str(self.root)}
        done = subprocess.run(
            [str(GATEWAY), *args], capture_output=True, env=env, timeout=60, check=True
        )
        return done.stdout

    def drop(self, partner: str, name: str, data: bytes, settled: bool = True) -> Path:
        """Put a file in the partner's inbox, as complete (old mtime) or just written."""
        path = self.root / "inbox" / partner / name
        path.write_bytes(data)
        # Complete: an old mtime. Just written: an mtime a little ahead, so that the check
        # does not depend on how long the command takes to start.
        stamp = time.time() - 60 if settled else time.time() + 30
        os.utime(path, (stamp, stamp))
        return path

    def outbox(self, partner: str) -> list[Path]:
        """Files sent to the partner, oldest name first."""
        folder = self.root / "outbox" / partner
        return sorted(p for p in folder.iterdir() if not p.name.startswith("."))

    def sent(self, partner: str, message_type: str) -> list[EdifactInterchange]:
        """Parsed outbound interchanges whose first message has this type."""
        found = [parse_interchange(p.read_bytes(), p.name) for p in self.outbox(partner)]
        return [ic for ic in found if ic.messages and ic.messages[0].message_type == message_type]

    def messages(self) -> list[dict[str, Any]]:
        """`gateway messages list --json`, oldest first."""
        result = self.gateway("messages", "list", "--json", "--limit", "500")
        assert result.code == 0, result.stderr
        return sorted(result.json(), key=lambda m: m["id"])


@pytest.fixture(scope="session")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One workspace made by the real `gateway init` (config, folders, master data imported),
    for every test to copy: init is tested here once, not paid for in each test."""
    if not GATEWAY.exists():
        pytest.fail(f"the gateway console script is not installed at {GATEWAY}")
    ws = Workspace(tmp_path_factory.mktemp("initialised") / "ws")
    result = ws.gateway("init", str(ws.root))
    assert result.code == 0, result.stderr
    return ws.root


@pytest.fixture()
def workspace(initialised: Path, tmp_path: Path) -> Workspace:
    """A fresh workspace with the sample partners: a copy of the initialised one."""
    ws = Workspace(tmp_path / "ws")
    shutil.copytree(initialised, ws.root)
    return ws


@pytest.fixture()
def good_order() -> bytes:
    """An ORDERS D96A from the sample partner acme, addressed to us."""
    return (DATA / "orders_d96a_acme.edi").read_bytes()


def values(ic: EdifactInterchange, tag: str) -> Sequence[tuple[tuple[str, ...], ...]]:
    """The elements of every segment with this tag in the first message."""
    return [s.elements for s in ic.messages[0].segments if s.tag == tag]
