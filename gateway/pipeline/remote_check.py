"""Test a partner's SFTP connection the way a poll and a push would use it, changing nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gateway.app import Gateway
from gateway.config_sftp import SftpSettings
from gateway.errors import TransientError
from gateway.transport.remote_listing import Settler, complete_files, is_candidate

if TYPE_CHECKING:
    from gateway.transport.sftp import SftpConnection


@dataclass
class ConnectionCheck:
    """What `gateway partners check` found: one line per step, and whether all went well."""

    address: str
    lines: list[str] = field(default_factory=list)
    ok: bool = True

    def fail(self, line: str) -> None:
        """A step that went wrong."""
        self.lines.append(f"FAILED {line}")
        self.ok = False


def check_connection(gateway: Gateway, sftp: SftpSettings) -> ConnectionCheck:
    """Connect (host key, login), list the remote inbox and look at the remote outbox."""
    check = ConnectionCheck(sftp.address)
    pins = " or ".join(p.fingerprint for p in sftp.host_keys)
    pin = pins or f"an entry in {sftp.known_hosts}"
    try:
        connection = gateway.remote.connect(sftp)
    except TransientError as exc:
        check.fail(f"connect: {exc.message}")
        return check
    with connection:
        check.lines.append(f"ok     host key matches {pin}; logged in as {sftp.username}")
        if sftp.remote_inbox is not None:
            _inbox(connection, sftp, check)
        if sftp.remote_outbox is not None:
            _outbox(connection, sftp.remote_outbox, check)
    return check


def _inbox(connection: SftpConnection, sftp: SftpSettings, check: ConnectionCheck) -> None:
    folder = sftp.remote_inbox or ""
    try:
        listing = connection.listdir(folder)
    except TransientError as exc:
        check.fail(f"remote_inbox {folder}: {exc.message}")
        return
    matching = [f for f in listing if is_candidate(f.name, sftp.file_pattern, sftp.markers)]
    ready = complete_files(
        listing,
        convention=sftp.complete,
        pattern=sftp.file_pattern,
        markers=sftp.markers,
        settler=Settler(0.0),
        now=0.0,
    )
    # Settling needs two listings apart in time; one listing can say nothing about it.
    complete = "" if sftp.complete == "settle" else f", {len(ready)} complete by {sftp.complete}"
    check.lines.append(
        f"ok     remote_inbox {folder}: {len(listing)} file(s), {len(matching)} matching "
        f"{sftp.file_pattern!r}{complete}"
    )


def _outbox(connection: SftpConnection, folder: str, check: ConnectionCheck) -> None:
    try:
        files = connection.listdir(folder)
    except TransientError as exc:
        check.fail(f"remote_outbox {folder}: {exc.message}")
        return
    check.lines.append(f"ok     remote_outbox {folder}: reachable, {len(files)} file(s) there")
