"""The hosting guide followed for real: partner acme uploads through its chroot drop on OpenSSH.

`gateway partners show acme --json` prints the plan (README "Hosting a partner's drop"); these
tests run its commands as root inside the private mount namespace of a test sshd, so that
nothing on the host changes: /srv is a tmpfs there, /etc/ssh a folder of the test's own, and
the partner's user lives in copies of /etc/passwd, /etc/group, /etc/shadow and /etc/gshadow
made with `useradd --prefix` and bind-mounted over the real ones.
"""

from __future__ import annotations

import hashlib
import io
import os
import pwd
import shlex
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paramiko
import pytest

from tests.conftest import need
from tests.e2e.conftest import Workspace
from tests.sshd import SshServer, keygen

PARTNER = "acme"
# sshd_config(5) ChrootDirectory: the chroot and every folder above it root-owned and not
# group/other-writable, so not under /tmp: a tmpfs over /srv, seen by the test sshd alone.
CHROOT_BASE = Path("/srv")
CHROOT_ROOT = CHROOT_BASE / "edi"
ETC_SSH = Path("/etc/ssh")
ACCOUNT_FILES = ("passwd", "group", "shadow", "gshadow")
# What the host must still have, byte for byte, when the test is over.
HOST_FILES = tuple(Path("/etc") / name for name in ACCOUNT_FILES)
HOST_FOLDERS = (CHROOT_BASE, ETC_SSH)
# key_commands leave this for the partner's key (sshd(8) AUTHORIZED_KEYS FILE FORMAT).
KEY_PLACEHOLDER = "ssh-ed25519 AAAA...the partner key..."
TOOLS = ("unshare", "useradd", "groupadd", "usermod", "install", "mount", "ssh-keygen")
# The partner's effective settings, as the plan's `sshd -T -C user=...` check prints them.
EFFECTIVE = (
    f"chrootdirectory {CHROOT_ROOT / PARTNER}",
    "forcecommand internal-sftp -d /inbox -u 0027",
    "permittty no",
    "allowtcpforwarding no",
)


@dataclass(frozen=True)
class HostedDrop:
    """A test sshd set up by the plan: the plan itself and the scratch account files."""

    server: SshServer
    plan: dict[str, Any]
    accounts: Path

    @property
    def user(self) -> str:
        """The partner's system user."""
        return str(self.plan["user"])

    def ids(self) -> tuple[int, int]:
        """The partner user's uid and gid, as useradd --prefix wrote them."""
        lines = (self.accounts / "etc" / "passwd").read_text().splitlines()
        fields = next(line.split(":") for line in lines if line.startswith(f"{self.user}:"))
        return int(fields[2]), int(fields[3])

    def connect(self, key: Path) -> paramiko.SSHClient:
        """Log in as the partner with this key."""
        return _connect(self.server, self.user, pkey=paramiko.Ed25519Key.from_private_key_file(key))


@pytest.fixture()
def host_snapshot() -> Iterator[None]:
    """The host's account files, /srv and /etc/ssh, checked unchanged after the test."""
    if os.geteuid() != 0 or any(shutil.which(tool) is None for tool in TOOLS):
        need(f"hosting a drop for real needs root and {', '.join(TOOLS)}")
    if not CHROOT_BASE.is_dir():
        need(f"{CHROOT_BASE} does not exist: nothing to put a tmpfs over for the chroot")
    before = _host_state()
    yield
    assert _host_state() == before, "the host's accounts, /srv or /etc/ssh changed"
    assert str(CHROOT_ROOT) not in Path("/proc/self/mountinfo").read_text()


def _host_state() -> dict[str, Any]:
    state: dict[str, Any] = {str(p): p.read_bytes() for p in HOST_FILES if p.exists()}
    for folder in HOST_FOLDERS:
        state[str(folder)] = sorted(_entry(p) for p in (folder, *folder.rglob("*")))
    return state


def _entry(path: Path) -> tuple[str, int, int, int, str]:
    info = path.lstat()
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    return (str(path), info.st_mode, info.st_uid, info.st_gid, digest)


def _plan(workspace: Workspace) -> dict[str, Any]:
    """The hosting plan as the real command prints it for scripts."""
    shown = workspace.gateway(
        "partners", "show", PARTNER, "--json",
        "--chroot-root", str(CHROOT_ROOT),
        # The gateway runs as the test's user (root): it owns the workspace folders.
        "--gateway-user", pwd.getpwuid(os.geteuid()).pw_name,
    )  # fmt: skip
    assert shown.code == 0, shown.stderr
    plan: dict[str, Any] = shown.json()["hosting"]
    assert plan["chroot"] == str(CHROOT_ROOT / PARTNER)
    return plan


def _account_setup(plan: dict[str, Any], scratch: Path) -> list[str]:
    """The plan's account commands on copies of the account files, then mounted over them."""
    etc = scratch / "etc"
    etc.mkdir(parents=True)
    copies = [f"/etc/{name}" for name in (*ACCOUNT_FILES, "login.defs")]
    # Copied inside the namespace: /etc/shadow there already gives the server's own user the
    # password SshServer chose, which the last test logs in with.
    commands = [shlex.join(["cp", "-p", *copies, str(etc)])]
    # Moved for isolation: each command works on the scratch copies (useradd --prefix), as a
    # file bind-mounted over /etc/passwd cannot be replaced by useradd's rename.
    # Under `UsePAM no`, as here, sshd refuses the locked ("!") account useradd makes: the
    # plan's unlock command too.
    for line in [*plan["account_commands"], plan["unlock_command"]]:
        program, *args = shlex.split(line)
        commands.append(shlex.join([program, "--prefix", str(scratch), *args]))
    commands += [f"mount --bind {etc / name} /etc/{name}" for name in ACCOUNT_FILES]
    return commands


def _etc_ssh(plan: dict[str, Any], folder: Path) -> Path:
    """A stand-in for /etc/ssh (mounted over it): moduli and the plan's sshd_config.d file."""
    folder.mkdir()
    # StrictModes checks each folder above the key file: root-owned, 0755 as /etc/ssh is.
    folder.chmod(0o755)
    if (ETC_SSH / "moduli").is_file():
        shutil.copy2(ETC_SSH / "moduli", folder / "moduli")
    drop_in = folder / Path(plan["sshd_config_file"]).relative_to(ETC_SSH)
    drop_in.parent.mkdir(mode=0o755)
    drop_in.write_text(plan["sshd_config"])
    return folder


def _key_setup(plan: dict[str, Any], partner_public_key: str) -> list[str]:
    """The plan's key commands with the partner's real key in place of the placeholder."""
    commands: list[str] = plan["key_commands"]
    assert sum(KEY_PLACEHOLDER in c for c in commands) == 1, commands
    return [c.replace(KEY_PLACEHOLDER, partner_public_key) for c in commands]


def _checks(plan: dict[str, Any]) -> list[str]:
    """The plan's `sshd -t` and `sshd -T -C user=...`; not the reload nor the manual login."""
    check, effective = plan["check_commands"][:2]
    assert (check, effective.split()[:2]) == ("sshd -t", ["sshd", "-T"])
    # sshd lives in /usr/sbin, on root's PATH as a rule but not always on a test runner's.
    return ['export PATH="$PATH:/usr/sbin:/sbin"', check, effective]


@pytest.fixture()
def partner_key(tmp_path: Path) -> Path:
    """The partner's own ed25519 key pair, made on its side."""
    path = tmp_path / "partner_ed25519"
    keygen(path)
    return path


@pytest.fixture()
def hosted(
    workspace: Workspace, partner_key: Path, tmp_path: Path, host_snapshot: None
) -> Iterator[HostedDrop]:
    """A test sshd set up by the plan for acme: its user, chroot, mounts, key and Match block."""
    plan = _plan(workspace)
    etc_ssh = _etc_ssh(plan, tmp_path / "etc_ssh")
    public = partner_key.with_name(partner_key.name + ".pub").read_text().split()[:2]
    setup = [
        f"mount -t tmpfs -o mode=755 tmpfs {CHROOT_BASE}",
        f"mount --bind {etc_ssh} {ETC_SSH}",
        *_account_setup(plan, tmp_path / "accounts"),
        *plan["folder_commands"],
        *plan["mount_commands"],
        *_key_setup(plan, " ".join(public)),
        *_checks(plan),
    ]
    server = SshServer(
        tmp_path / "sshd",
        allow_users=[plan["user"]],
        # The guide's key file is root-owned for StrictModes (OpenSSH's default): keep it on.
        strict_modes=True,
        # The guide's drop-in file, included as Debian's sshd_config does (there at the top).
        extra_config=f"Include {ETC_SSH}/sshd_config.d/*.conf\n",
        setup=setup,
    )
    # The plan's `sshd -t` reads /etc/ssh/sshd_config: this server's, in the stand-in folder.
    shutil.copy2(server.root / "sshd_config", etc_ssh / "sshd_config")
    server.start()
    try:
        yield HostedDrop(server, plan, tmp_path / "accounts")
    finally:
        server.stop()


def _connect(server: SshServer, user: str, **auth: Any) -> paramiko.SSHClient:
    """Log in as the partner's client would: only this server's host key is accepted."""
    client = paramiko.SSHClient()
    client.load_host_keys(str(server.known_hosts_file))
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(
        "127.0.0.1",
        port=server.port,
        username=user,
        look_for_keys=False,
        allow_agent=False,
        timeout=5,
        banner_timeout=5,
        auth_timeout=5,
        **auth,
    )
    return client


def test_partner_uploads_through_its_chroot_drop_and_fetches_our_answers(
    hosted: HostedDrop, workspace: Workspace, partner_key: Path, good_order: bytes
) -> None:
    # given the drop hosted as `gateway partners show acme` says: the inbox is the gateway's,
    # in the partner's group, setgid and sticky
    inbox = (workspace.root / "inbox" / PARTNER).stat()
    assert (inbox.st_uid, inbox.st_gid, inbox.st_mode & 0o7777) == (0, hosted.ids()[1], 0o3770)
    with hosted.connect(partner_key) as client:
        sftp = client.open_sftp()
        # when the partner logs in: it is in /inbox, locked into a root it cannot write
        assert sftp.normalize(".") == "/inbox"
        assert sorted(sftp.listdir("/")) == ["inbox", "outbox"]
        with pytest.raises(PermissionError):
            sftp.open("/escaped.edi", "w")
        # and it uploads under a temporary name, then renames (README step 7)
        sftp.putfo(io.BytesIO(good_order), "ORDERS_1.edi.part")
        sftp.rename("ORDERS_1.edi.part", "ORDERS_1.edi")
    # then the file is in the workspace's inbox: the partner's, group-readable (umask 0027)
    dropped = workspace.root / "inbox" / PARTNER / "ORDERS_1.edi"
    assert dropped.read_bytes() == good_order
    info = dropped.stat()
    assert (info.st_uid, info.st_gid, info.st_mode & 0o777) == (*hosted.ids(), 0o640)

    # when it has settled and the gateway runs a batch
    time.sleep(max(0.0, info.st_mtime + hosted.plan["settle_time_seconds"] + 0.2 - time.time()))
    batch = workspace.gateway("batch")
    # then it is taken and answered with a CONTRL and an ORDRSP in outbox/acme/
    assert batch.code == 0, batch.stderr
    assert not dropped.exists()
    assert len(workspace.sent(PARTNER, "CONTRL")) == len(workspace.sent(PARTNER, "ORDRSP")) == 1
    answers = {p.name: p.read_bytes() for p in workspace.outbox(PARTNER)}
    assert len(answers) == 2, answers

    # when the partner fetches its /outbox and deletes what it fetched
    fetched = {}
    with hosted.connect(partner_key) as client:
        sftp = client.open_sftp()
        assert sorted(sftp.listdir("/outbox")) == sorted(answers)
        for name in answers:
            with sftp.open(f"/outbox/{name}", "rb") as remote:
                fetched[name] = remote.read()
            sftp.remove(f"/outbox/{name}")
    # then it got our files byte for byte, and they are gone from outbox/acme/
    assert fetched == answers
    assert list((workspace.root / "outbox" / PARTNER).iterdir()) == []


def test_partner_gets_sftp_and_never_a_shell(hosted: HostedDrop, partner_key: Path) -> None:
    # given the drop hosted as planned, whose check commands showed the partner's settings
    log = hosted.server.log()
    assert all(f"\n{line}\n" in log for line in EFFECTIVE), log
    with hosted.connect(partner_key) as client:
        # when the partner asks for a command
        _stdin, stdout, _stderr = client.exec_command("echo shell-ran; id", timeout=5)
        stdout.channel.shutdown_write()
        output = stdout.read()
        # then no shell runs it: the session is SFTP whatever it asks for (ForceCommand)
        assert b"shell-ran" not in output and b"uid=" not in output
        assert f"forced-command (config) 'internal-sftp -d /inbox -u 0027' for {hosted.user}" in (
            hosted.server.log()
        )
        # and a terminal is refused (PermitTTY no, and "restrict" on the key)
        with pytest.raises(paramiko.SSHException):
            client.invoke_shell()


def test_partner_user_takes_its_own_key_only_never_a_password(
    hosted: HostedDrop, tmp_path: Path
) -> None:
    # given the drop hosted as planned and a key that is not the partner's
    stranger = tmp_path / "stranger_ed25519"
    keygen(stranger)
    # when someone logs in as the partner with it, then it is refused
    with pytest.raises(paramiko.AuthenticationException):
        hosted.connect(stranger)
    # when someone tries a password for the partner, then only publickey is offered
    with pytest.raises(paramiko.BadAuthenticationType) as refused:
        _connect(hosted.server, hosted.user, password="any password at all")
    assert refused.value.allowed_types == ["publickey"]
    # while this sshd lets other users in by password: the Match block is what refuses it
    if hosted.server.password is not None:
        _connect(hosted.server, hosted.server.username, password=hosted.server.password).close()
