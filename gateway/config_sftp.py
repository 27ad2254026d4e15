"""A partner's SFTP server: the `[transport]` options of `kind = "sftp"`, read and checked."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from gateway.config_values import Table

# How a remote file shows that the partner finished writing it.
COMPLETENESS = ("settle", "marker", "rename")
AFTER_DOWNLOAD = ("delete", "archive")
SFTP_KEYS = (
    "host",
    "port",
    "username",
    "password_env",
    "key_file",
    "key_passphrase_env",
    "host_key",
    "known_hosts",
    "remote_inbox",
    "file_pattern",
    "poll_interval",
    "complete",
    "settle_time",
    "markers",
    "processing_folder",
    "after_download",
    "archive_folder",
    "remote_outbox",
    "timeout",
    "keepalive",
    "unhealthy_after",
)
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# "SHA256:" and the unpadded base64 of 32 bytes, as `ssh-keygen -lf` prints it.
_SHA256_FINGERPRINT = re.compile(r"^SHA256:([A-Za-z0-9+/]{43})=?$")
_KEY_TYPES = (
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
)


@dataclass(frozen=True)
class HostKeyPin:
    """The server key we trust: a whole public key, or only its SHA256 fingerprint."""

    # "SHA256:<43 base64 characters>", as `ssh-keygen -lf` and OpenSSH's first-connect prompt
    # print it; a whole key pins its fingerprint too.
    fingerprint: str
    # The key type ("ssh-ed25519") when the whole key was given, else None.
    key_type: str | None = None


@dataclass(frozen=True)
class SftpSettings:
    """One partner's SFTP server: where, how to log in, which key to trust, what to poll."""

    host: str
    port: int
    username: str
    # Secrets by environment variable name only; read when connecting.
    password_env: str | None
    key_file: Path | None
    key_passphrase_env: str | None
    # The server's host keys (known_hosts lines, public keys or fingerprints; several while a
    # partner rotates its key), or a known_hosts file; any other key is refused before login.
    host_keys: tuple[HostKeyPin, ...]
    known_hosts: Path | None
    # Pull: the partner's folder of files for us (None: nothing to fetch).
    remote_inbox: str | None
    file_pattern: str
    poll_interval: timedelta
    complete: str
    settle_time: timedelta
    markers: tuple[str, ...]
    # Claim by renaming into this folder before download (relative to remote_inbox).
    processing_folder: str | None
    after_download: str
    archive_folder: str | None
    # Push: the partner's folder for our files (None: they stay in our outbox/<partner>/).
    remote_outbox: str | None
    timeout: timedelta
    keepalive: timedelta
    unhealthy_after: int

    @property
    def address(self) -> str:
        """user@host:port, for logs and messages."""
        return f"{self.username}@{self.host}:{self.port}"


def parse_host_key(text: str) -> HostKeyPin:
    """A pin from a known_hosts line, a `type base64` public key, or a SHA256 fingerprint."""
    text = text.strip()
    match = _SHA256_FINGERPRINT.match(text)
    if match:
        return HostKeyPin(f"SHA256:{match.group(1)}")
    fields = text.split()
    # A known_hosts line starts with the host pattern; a public key starts with its type.
    if len(fields) >= 3 and fields[1] in _KEY_TYPES:
        fields = fields[1:]
    if len(fields) >= 2 and fields[0] in _KEY_TYPES:
        try:
            blob = base64.b64decode(fields[1], validate=True)
        except binascii.Error as exc:
            raise ValueError(f"the {fields[0]} key is not valid base64") from exc
        return HostKeyPin(sha256_fingerprint(blob), fields[0])
    raise ValueError(
        "is not a host key: write a known_hosts line (host ssh-ed25519 AAAA...), a public key "
        "(ssh-ed25519 AAAA...) or a fingerprint (SHA256:...) as `ssh-keygen -lf` prints it"
    )


def sha256_fingerprint(key_blob: bytes) -> str:
    """OpenSSH's SHA256 fingerprint of a public key blob: unpadded base64 of its digest."""
    digest = hashlib.sha256(key_blob).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def read_sftp(table: Table, workspace: Path, default_settle: timedelta) -> SftpSettings:
    """The SFTP options of a `[transport]` table; every problem is added to the table's list."""
    host_keys = _host_keys(table)
    known_hosts = _path(table, "known_hosts", workspace)
    if not host_keys and known_hosts is None and not table.has("host_key"):
        table.problem(
            "host_key",
            'kind = "sftp" needs the server\'s host key: host_key = a known_hosts line or '
            '"SHA256:..." fingerprint, or known_hosts = a known_hosts file',
        )
    settings = SftpSettings(
        host=_required(table, "host"),
        port=table.integer("port", 22, 1),
        username=_required(table, "username"),
        password_env=_env_name(table, "password_env"),
        key_file=_path(table, "key_file", workspace),
        key_passphrase_env=_env_name(table, "key_passphrase_env"),
        host_keys=host_keys,
        known_hosts=known_hosts,
        remote_inbox=table.optional_text("remote_inbox"),
        file_pattern=table.text("file_pattern", "*"),
        poll_interval=table.positive_duration("poll_interval", timedelta(seconds=60)),
        complete=table.choice("complete", "settle", COMPLETENESS),
        settle_time=table.duration("settle_time", default_settle),
        markers=_markers(table),
        processing_folder=table.optional_text("processing_folder"),
        after_download=table.choice("after_download", "delete", AFTER_DOWNLOAD),
        archive_folder=table.optional_text("archive_folder"),
        remote_outbox=table.optional_text("remote_outbox"),
        timeout=table.positive_duration("timeout", timedelta(seconds=30)),
        keepalive=table.duration("keepalive", timedelta(seconds=15)),
        unhealthy_after=table.integer("unhealthy_after", 3, 1),
    )
    _check(table, settings)
    return settings


def _check(table: Table, settings: SftpSettings) -> None:
    if settings.password_env is None and settings.key_file is None:
        table.problem("password_env", 'kind = "sftp" needs password_env or key_file to log in')
    if settings.after_download == "archive" and not settings.archive_folder:
        table.problem("archive_folder", 'is required when after_download = "archive"')
    if settings.remote_inbox is None and settings.remote_outbox is None:
        table.problem(
            "remote_inbox",
            'kind = "sftp" needs remote_inbox (to fetch from) or remote_outbox (to upload to)',
        )


def _required(table: Table, key: str) -> str:
    value = table.optional_text(key)
    if not value:
        table.problem(key, 'is required when kind = "sftp"')
    return value or ""


def _host_keys(table: Table) -> tuple[HostKeyPin, ...]:
    """One key (a string), or several (an array) while the partner rotates its key."""
    if not table.has("host_key"):
        return ()
    value = table.values["host_key"]
    texts = table.text_list("host_key") if isinstance(value, list) else [table.text("host_key", "")]
    pins: list[HostKeyPin] = []
    for text in texts:
        try:
            pins.append(parse_host_key(text))
        except ValueError as exc:
            table.problem("host_key", f"{text[:40]!r} {exc}")
    return tuple(pins)


def _path(table: Table, key: str, workspace: Path) -> Path | None:
    text = table.optional_text(key)
    if not text:
        return None
    path = Path(text).expanduser()
    return path if path.is_absolute() else workspace / path


def _env_name(table: Table, key: str) -> str | None:
    value = table.optional_text(key)
    if value is not None and not _ENV_NAME.match(value):
        table.problem(key, f"{value!r} is not an environment variable name")
    return value


def _markers(table: Table) -> tuple[str, ...]:
    if not table.has("markers"):
        return (".ok", ".done")
    markers = tuple(table.text_list("markers"))
    for marker in markers:
        if not marker.startswith(".") or "/" in marker:
            table.problem("markers", f"{marker!r} is not a file name suffix such as '.ok'")
    return markers
