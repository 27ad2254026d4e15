"""A real OpenSSH sshd on 127.0.0.1 for one test: its own keys, config, folders and log."""

from __future__ import annotations

import dataclasses
import getpass
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from gateway.config_sftp import HostKeyPin, SftpSettings
from tests.conftest import need

_STARTUP = 10.0
# The privilege separation directory sshd running as root needs (Debian's service makes it).
_PRIVSEP = Path("/run/sshd")
_LOGIN_RECORDS = (Path("/var/log/btmp"), Path("/var/log/wtmp"), Path("/var/log/lastlog"))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _sshd_program() -> str:
    found = shutil.which("sshd") or ("/usr/sbin/sshd" if Path("/usr/sbin/sshd").is_file() else None)
    if found is None:
        need("OpenSSH's sshd is not installed (apt-get install openssh-server)")
    return str(found)


def _keygen(path: Path) -> str:
    """Make an ed25519 key pair without passphrase; return the public key "type base64"."""
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "gateway-test", "-f", str(path)],
        check=True,
        capture_output=True,
        timeout=30,
    )
    kind, blob = path.with_name(path.name + ".pub").read_text().split()[:2]
    return f"{kind} {blob}"


def keygen(path: Path) -> str:
    """An ed25519 key pair at `path` and `path`.pub, as a partner makes one; its public line."""
    return _keygen(path)


def _fingerprint(public_key: Path) -> str:
    """The key's fingerprint as OpenSSH prints it: `ssh-keygen -lf` says "256 SHA256:... c"."""
    done = subprocess.run(
        ["ssh-keygen", "-l", "-E", "sha256", "-f", str(public_key)],
        check=True,
        capture_output=True,
        text=True,
        timeout=30,
    )
    return done.stdout.split()[1]


def _namespace_works() -> bool:
    """A private mount namespace can be made (root, `unshare` present, not forbidden)."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    done = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "true"],
        capture_output=True,
        check=False,
        timeout=30,
    )
    return done.returncode == 0


def _shadow_with_password(username: str, target: Path) -> str | None:
    """Write a copy of /etc/shadow giving `username` a fresh password; None when impossible."""
    if shutil.which("openssl") is None:
        return None
    try:
        lines = Path("/etc/shadow").read_text().splitlines()
    except OSError:
        return None
    password = secrets.token_urlsafe(12)
    hashed = subprocess.run(
        ["openssl", "passwd", "-6", "-stdin"],
        input=password,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.strip()
    changed = [_with_hash(line, username, hashed) for line in lines]
    if changed == lines:
        return None
    target.touch(mode=0o600)
    target.write_text("\n".join(changed) + "\n")
    return password


def _with_hash(line: str, username: str, hashed: str) -> str:
    fields = line.split(":")
    if len(fields) < 2 or fields[0] != username:
        return line
    return ":".join([fields[0], hashed, *fields[2:]])


class SshServer:
    """One sshd serving SFTP on 127.0.0.1 from its own temporary folder."""

    def __init__(
        self,
        root: Path,
        *,
        allow_users: Sequence[str] = (),
        strict_modes: bool = False,
        extra_config: str = "",
        setup: Sequence[str] = (),
    ) -> None:
        """`allow_users` may log in besides us, `extra_config` is appended to sshd_config, and
        `setup` (shell commands) runs as root in sshd's private mount namespace before it starts
        (the test is skipped where no such namespace can be made)."""
        self.root = root
        self.home = root / "home"
        self.username = getpass.getuser()
        self.port = _free_port()
        self.client_key = root / "client_ed25519"
        self.known_hosts_file = root / "known_hosts"
        self.log_file = root / "sshd.log"
        self._program = _sshd_program()
        self._process: subprocess.Popen[bytes] | None = None
        self._mounts: list[str] = []
        self._users = [self.username, *allow_users]
        self._strict_modes = strict_modes
        self._extra_config = extra_config
        self.password: str | None = None
        if setup and not _namespace_works():
            need("setting up sshd needs root and `unshare --mount` (a private mount namespace)")
        self._prepare()
        # After our own mounts: a setup may stack its own over them (e.g. over /etc/shadow).
        self._mounts.extend(setup)

    def _prepare(self) -> None:
        (self.home / "out").mkdir(parents=True)
        (self.home / "in").mkdir()
        host_key = self.root / "host_ed25519"
        public = _keygen(host_key)
        self.host_key_line = f"[127.0.0.1]:{self.port} {public}"
        self.host_fingerprint = _fingerprint(host_key.with_name(host_key.name + ".pub"))
        self.known_hosts_file.write_text(self.host_key_line + "\n")
        authorized = self.root / "authorized_keys"
        authorized.write_text(_keygen(self.client_key) + "\n")
        if os.geteuid() == 0:
            self._prepare_root()
        self._write_config(host_key, authorized)

    def _prepare_root(self) -> None:
        # sshd (UsePAM no) checks passwords in /etc/shadow: inside a private mount namespace
        # a copy with a known password is bind-mounted there; the real file is never touched.
        in_namespace = _namespace_works()
        if in_namespace:
            shadow = self.root / "shadow"
            self.password = _shadow_with_password(self.username, shadow)
            if self.password is not None:
                self._mounts.append(f"mount --bind {shlex.quote(str(shadow))} /etc/shadow")
        if not _PRIVSEP.is_dir():
            if not in_namespace:
                need(
                    f"sshd as root needs {_PRIVSEP}: mkdir -m 755 {_PRIVSEP} (as its service does)"
                )
            # Only this sshd sees the tmpfs: /run stays as it is for everyone else.
            self._mounts.append(f"mount -t tmpfs -o mode=755 tmpfs /run && mkdir -m 755 {_PRIVSEP}")
        if in_namespace:
            # sshd records failed logins in btmp and sessions in wtmp/lastlog: this sshd writes
            # them into empty copies, so the tests' refused logins leave no trace on the host.
            for record in _LOGIN_RECORDS:
                if record.is_file():
                    copy = self.root / record.name
                    copy.touch()
                    self._mounts.append(f"mount --bind {shlex.quote(str(copy))} {record}")

    def _write_config(self, host_key: Path, authorized: Path) -> None:
        lines = [
            "ListenAddress 127.0.0.1",
            f"Port {self.port}",
            f'HostKey "{host_key}"',
            f'PidFile "{self.root / "sshd.pid"}"',
            f'AuthorizedKeysFile "{authorized}"',
            # The login directory is our home folder, not the user's real home.
            f'Subsystem sftp internal-sftp -d "{self.home}"',
            f"AllowUsers {' '.join(self._users)}",
            "PermitRootLogin yes",
            "PubkeyAuthentication yes",
            f"PasswordAuthentication {'yes' if self.password else 'no'}",
            "KbdInteractiveAuthentication no",
            f"StrictModes {'yes' if self._strict_modes else 'no'}",
            "UsePAM no",
            "UseDNS no",
            "PrintMotd no",
            "AllowTcpForwarding no",
            "X11Forwarding no",
            "LogLevel VERBOSE",
        ]
        (self.root / "sshd_config").write_text("\n".join(lines) + "\n" + self._extra_config)

    def _argv(self) -> list[str]:
        config = self.root / "sshd_config"
        argv = [self._program, "-D", "-e", "-f", str(config), "-E", str(self.log_file)]
        if not self._mounts:
            return argv
        script = " && ".join([*self._mounts, "exec " + shlex.join(argv)])
        return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script]

    def start(self) -> None:
        """Start sshd (again: same port, same keys) and wait until it speaks SSH."""
        if self._process is not None:
            raise RuntimeError("sshd is already running")
        with (self.root / "sshd.stderr").open("ab") as stderr:
            self._process = subprocess.Popen(
                self._argv(),
                stdin=subprocess.DEVNULL,
                stdout=stderr,
                stderr=stderr,
                start_new_session=True,
            )
        self._wait_for_banner()

    def _wait_for_banner(self) -> None:
        deadline = time.monotonic() + _STARTUP
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                self._process = None
                raise RuntimeError(f"sshd exited at start:\n{self.log()}")
            if _answers_ssh(self.port):
                return
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"sshd did not answer on port {self.port} in {_STARTUP}s:\n{self.log()}")

    def stop(self) -> None:
        """Stop sshd and its sessions; raise with its log if it had died on its own."""
        process, self._process = self._process, None
        if process is None:
            return
        died = process.poll()
        if died is None:
            # The group is the one made for this sshd by start_new_session: its sessions too.
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        elif died != 0:
            raise RuntimeError(f"sshd died during the test (exit {died}):\n{self.log()}")

    def log(self) -> str:
        """What sshd wrote: its log file and anything on its standard error."""
        parts = [self.log_file, self.root / "sshd.stderr"]
        return "\n".join(p.read_text(errors="replace") for p in parts if p.exists())

    def settings(self, **overrides: Any) -> SftpSettings:
        """SftpSettings for this server: key login, host key pinned, small timeouts."""
        settings = SftpSettings(
            host="127.0.0.1",
            port=self.port,
            username=self.username,
            password_env=None,
            key_file=self.client_key,
            key_passphrase_env=None,
            host_keys=(HostKeyPin(self.host_fingerprint, "ssh-ed25519"),),
            known_hosts=None,
            remote_inbox="out",
            file_pattern="*",
            poll_interval=timedelta(seconds=1),
            complete="settle",
            settle_time=timedelta(seconds=0.5),
            markers=(".ok", ".done"),
            processing_folder=None,
            after_download="delete",
            archive_folder=None,
            remote_outbox="in",
            timeout=timedelta(seconds=5),
            keepalive=timedelta(seconds=5),
            unhealthy_after=3,
        )
        return dataclasses.replace(settings, **overrides)


def _answers_ssh(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            return sock.recv(4).startswith(b"SSH-")
    except OSError:
        return False


@pytest.fixture()
def sshd(tmp_path: Path) -> Iterator[SshServer]:
    """A running sshd for this test; home/out and home/in exist, home is the login folder."""
    server = SshServer(tmp_path / "sshd")
    print(f"sshd on 127.0.0.1:{server.port}, log: {server.log_file}")
    server.start()
    try:
        yield server
    finally:
        server.stop()
