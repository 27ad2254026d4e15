"""What the gateway sees of a remote server, without paramiko: its errors and its files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gateway.errors import TransientError


class TransportError(TransientError):
    """The partner's SFTP server could not be reached or refused an operation: retry later."""

    code = "transport"


class HostKeyRefused(TransportError):
    """The server's host key is not the trusted one: nothing was sent to it."""

    code = "host_key"

    def __init__(self, message: str, presented: str, expected: str) -> None:
        super().__init__(message)
        self.presented = presented
        self.expected = expected


@dataclass(frozen=True)
class RemoteFile:
    """A file on the server: its name and what the server reports about it."""

    name: str
    size: int
    # Seconds since the epoch, as the server reports them.
    mtime: int


@dataclass(frozen=True)
class Downloaded:
    """A remote file copied into a local file, with the digest of the bytes received."""

    path: Path
    size: int
    sha256: str
