"""Opening an SFTP session: secrets read, the host key checked before any credential is sent,
the login, and every step time-bounded (used by gateway.transport.sftp)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import paramiko

from gateway.config_sftp import SftpSettings, sha256_fingerprint
from gateway.transport.sftp_types import HostKeyRefused, TransportError

# What paramiko, the socket layer and the SFTP server's status replies raise.
FAILURES = (OSError, EOFError, paramiko.SSHException)
# An RSA host key is presented under the rsa-sha2 signature algorithms (RFC 8332).
_HOST_KEY_ALGORITHMS = {"ssh-rsa": ("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa")}


@dataclass(frozen=True)
class _Credentials:
    key: Any = field(repr=False)
    password: str | None = field(repr=False)
    # "key file K / password from ENV": how we log in, never the secret itself.
    method: str


@dataclass(frozen=True)
class _Trust:
    # (key type or None for any type, "SHA256:..." fingerprint) pairs we accept.
    keys: tuple[tuple[str | None, str], ...]
    expected: str
    remedy: str

    def accepts(self, key_type: str, fingerprint: str) -> bool:
        return any(t in (None, key_type) and f == fingerprint for t, f in self.keys)

    def types(self) -> tuple[str, ...]:
        """The trusted key types; none when some trusted key may be of any type."""
        if any(t is None for t, _ in self.keys):
            return ()
        return tuple(sorted({t for t, _ in self.keys if t is not None}))

    def algorithms(self) -> tuple[str, ...]:
        """The host key algorithms that present a key of a trusted type."""
        return tuple(a for t in self.types() for a in _HOST_KEY_ALGORITHMS.get(t, (t,)))


def credentials(settings: SftpSettings, environ: Mapping[str, str]) -> _Credentials:
    methods: list[str] = []
    key = None
    if settings.key_file is not None:
        key = _load_key(settings, environ, settings.key_file)
        methods.append(f"key file {settings.key_file}")
    password = None
    if settings.password_env is not None:
        password = _secret(settings, environ, settings.password_env, "password_env")
        methods.append(f"password from {settings.password_env}")
    if not methods:
        raise TransportError(
            f"sftp {settings.address}: no way to log in: set key_file or password_env"
        )
    return _Credentials(key, password, " / ".join(methods))


def _secret(settings: SftpSettings, environ: Mapping[str, str], name: str, option: str) -> str:
    value = environ.get(name)
    if value is None:
        raise TransportError(
            f"sftp {settings.address}: the environment variable {name} ({option}) is not set; "
            "set it in the gateway's environment"
        )
    return value


def _load_key(settings: SftpSettings, environ: Mapping[str, str], path: Path) -> Any:
    passphrase = None
    if settings.key_passphrase_env is not None:
        passphrase = _secret(settings, environ, settings.key_passphrase_env, "key_passphrase_env")
    where = f"sftp {settings.address}: key file {path}"
    try:
        # The second argument is the passphrase (named `password` from paramiko 5), as bytes.
        return paramiko.PKey.from_path(path, None if passphrase is None else passphrase.encode())
    except (*FAILURES, ValueError, TypeError, paramiko.UnknownKeyType) as exc:
        # paramiko 5 reports an encrypted key read without passphrase as a TypeError.
        encrypted = isinstance(exc, (paramiko.PasswordRequiredException, TypeError))
        if encrypted and passphrase is None:
            raise TransportError(
                f"{where} is encrypted: set key_passphrase_env to the variable holding its "
                "passphrase"
            ) from exc
        raise TransportError(
            f"{where} cannot be loaded ({cause(exc)}): it must be an ed25519, RSA or ECDSA "
            "private key, and key_passphrase_env must hold its passphrase if it has one"
        ) from exc


def trust(settings: SftpSettings) -> _Trust:
    remedy = "verify the server's key with the partner, then update host_key"
    pins = settings.host_keys
    if pins:
        shown = " or ".join(
            f"{p.key_type} {p.fingerprint}" if p.key_type else p.fingerprint for p in pins
        )
        keys = tuple((p.key_type, p.fingerprint) for p in pins)
        return _Trust(keys, f"{shown} (host_key)", remedy)
    if settings.known_hosts is None:
        raise TransportError(f"sftp {settings.address}: no host_key or known_hosts to check")
    # OpenSSH names a host on another port than 22 "[host]:port" in known_hosts.
    name = settings.host if settings.port == 22 else f"[{settings.host}]:{settings.port}"
    entry = _known_hosts(settings).lookup(name) or {}
    keys = tuple((str(t), sha256_fingerprint(k.asbytes())) for t, k in entry.items())
    where = f"for {name} in {settings.known_hosts}"
    shown = ", ".join(f"{t} {f}" for t, f in keys)
    expected = f"{shown} {where}" if keys else f"no key {where}"
    remedy = f"verify the server's key with the partner, then update {settings.known_hosts}"
    return _Trust(keys, expected, remedy)


def _known_hosts(settings: SftpSettings) -> Any:
    where = f"sftp {settings.address}: known_hosts file {settings.known_hosts}"
    try:
        return paramiko.HostKeys(str(settings.known_hosts))
    except paramiko.hostkeys.InvalidHostKey as exc:
        raise TransportError(f"{where}: a key is not valid base64 in {exc.line!r}") from exc
    except (*FAILURES, ValueError) as exc:
        raise TransportError(f"{where} cannot be read: {cause(exc)}") from exc


def handshake(settings: SftpSettings, trusted: _Trust) -> Any:
    seconds = settings.timeout.total_seconds()
    with failing(settings.address, "connect"):
        sock = socket.create_connection((settings.host, settings.port), timeout=seconds)
    transport = None
    try:
        with failing(settings.address, "SSH handshake"):
            transport = paramiko.Transport(sock)
            transport.banner_timeout = seconds
            transport.handshake_timeout = seconds
            transport.auth_timeout = seconds
            _prefer_key_types(transport, trusted.algorithms())
            _negotiate(transport, seconds, trusted)
    except BaseException:
        if transport is not None:
            transport.close()
        sock.close()
        raise
    return transport


def _negotiate(transport: Any, seconds: float, trusted: _Trust) -> None:
    # start_client(timeout=...) returns quietly when its time is up; wait on our own event.
    done = threading.Event()
    transport.start_client(event=done)
    finished = done.wait(seconds)
    if not transport.is_active():
        failure = transport.get_exception() or paramiko.SSHException("negotiation failed")
        if isinstance(failure, paramiko.IncompatiblePeer) and trusted.types():
            raise paramiko.SSHException(
                f"{failure}: the server offers no {' or '.join(trusted.types())} host key, the "
                f"type we trust ({trusted.expected})"
            ) from failure
        raise failure
    if not finished:
        raise TimeoutError("timed out")


def _prefer_key_types(transport: Any, wanted: tuple[str, ...]) -> None:
    # Ask for the trusted key's type, as OpenSSH does for hosts in known_hosts, so that a
    # server with several host keys presents the one we can check.
    options = transport.get_security_options()
    usable = tuple(t for t in options.key_types if t in wanted)
    if usable:
        options.key_types = usable


def verify_host_key(settings: SftpSettings, transport: Any, trusted: _Trust) -> None:
    key = transport.get_remote_server_key()
    key_type, fingerprint = str(key.get_name()), sha256_fingerprint(key.asbytes())
    if trusted.accepts(key_type, fingerprint):
        return
    presented = f"{key_type} {fingerprint}"
    raise HostKeyRefused(
        f"sftp {settings.address}: host key refused: the server presented {presented}, "
        f"expected {trusted.expected}; nothing was sent to it. If the partner changed its key, "
        f"{trusted.remedy}",
        presented,
        trusted.expected,
    )


def login(settings: SftpSettings, transport: Any, secrets: _Credentials) -> None:
    attempts: list[Callable[[], object]] = []
    if secrets.key is not None:
        attempts.append(lambda: transport.auth_publickey(settings.username, secrets.key))
    if secrets.password is not None:
        attempts.append(lambda: transport.auth_password(settings.username, secrets.password))
    answer = "the server asked for more than we have"
    for attempt in attempts:
        with failing(settings.address, "login"):
            try:
                attempt()
            except paramiko.AuthenticationException as exc:
                answer = cause(exc)
        if transport.is_authenticated():
            return
    raise TransportError(
        f"sftp {settings.address}: login refused for user {settings.username} "
        f"({secrets.method}): {answer}"
    )


def open_sftp(settings: SftpSettings, transport: Any) -> Any:
    seconds = settings.timeout.total_seconds()
    with failing(settings.address, "open the SFTP session"):
        channel = transport.open_session(timeout=seconds)
        channel.settimeout(seconds)
        _within(seconds, transport, lambda: channel.invoke_subsystem("sftp"))
        return paramiko.SFTPClient(channel)


def _within(seconds: float, transport: Any, action: Callable[[], object]) -> None:
    # paramiko waits for some answers without a limit; closing the transport ends the wait.
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        transport.close()

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        action()
    except FAILURES as exc:
        if expired.is_set():
            raise TimeoutError("timed out") from exc
        raise
    finally:
        timer.cancel()


@contextmanager
def failing(address: str, operation: str) -> Iterator[None]:
    try:
        yield
    except FAILURES as exc:
        raise TransportError(f"sftp {address}: {operation} failed: {cause(exc)}") from exc


def cause(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, EOFError):
        return "the server closed the connection or the file ended early"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__
