"""Point a workspace's sample partner at a test SFTP server (tests/sshd.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.sshd import SshServer


def configure_sftp(
    workspace: Path, server: SshServer, partner: str = "acme", **options: str | int | list[str]
) -> None:
    """Rewrite the partner's [transport] table (the last table of its file) for `server`."""
    path = workspace / "config" / "partners" / f"{partner}.toml"
    head, found, _ = path.read_text(encoding="utf-8").partition("[transport]")
    if not found:
        raise ValueError(f"{path} has no [transport] table")
    values: dict[str, str | int | list[str]] = {
        "kind": "sftp",
        "host": "127.0.0.1",
        "port": server.port,
        "username": server.username,
        "key_file": str(server.client_key),
        "host_key": server.host_key_line,
        "remote_inbox": "out",
        "remote_outbox": "in",
        "settle_time": "0.5s",
        "poll_interval": "1s",
        "timeout": "3s",
        "filename_pattern": "{partner}_{message_type}_{control_ref}.edi",
    }
    values.update(options)
    table = "".join(f"{key} = {json.dumps(value)}\n" for key, value in values.items())
    path.write_text(f"{head}[transport]\n{table}", encoding="utf-8")
