"""Hosting a partner's drop on our OpenSSH: the plan, and a Match block the real sshd accepts."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from gateway.hosting import (
    HostingPlan,
    account_commands,
    check_user_name,
    default_user_name,
    folder_commands,
    fstab_lines,
    hosting_json,
    hosting_plan,
    mount_commands,
    render_hosting,
    sshd_match_block,
)
from tests.conftest import need

EXPECTED = Path(__file__).resolve().parent / "expected"
SSHD = Path("/usr/sbin/sshd")
ACME_BLOCK = """\
# EDI partner acme: SFTP only, locked in its drop (gateway partners show acme)
Match User edi-acme
    ChrootDirectory /srv/edi/acme
    ForceCommand internal-sftp -d /inbox -u 0027
    AuthorizedKeysFile /etc/ssh/authorized_keys/edi-acme
    AuthenticationMethods publickey
    PasswordAuthentication no
    PermitTTY no
    AllowTcpForwarding no
    AllowAgentForwarding no
    AllowStreamLocalForwarding no
    X11Forwarding no
    PermitTunnel no
"""


def acme_plan(user: str | None = None) -> HostingPlan:
    """The sample partner acme of a workspace at /ws, run by the user `edi`."""
    return hosting_plan(
        "acme",
        Path("/ws/inbox"),
        Path("/ws/outbox"),
        Path("/srv/edi"),
        user=user,
        gateway_user="edi",
        settle_time=timedelta(seconds=1),
        host="edi.example.com",
    )


def test_match_block_for_acme_has_exactly_the_expected_lines() -> None:
    # given the sample partner acme and the default chroot root
    plan = acme_plan()
    # when its sshd_config block is written
    block = sshd_match_block(plan)
    # then it matches the partner's own user: chrooted, SFTP only, by key, nothing forwarded
    assert block == ACME_BLOCK


def test_hosting_text_for_acme_is_the_expected_one() -> None:
    # given the sample partner acme of a workspace at /ws with a settle time of 1s
    plan = acme_plan()
    # when the whole hosting part is rendered
    text = render_hosting(plan)
    # then it is the reviewed text (a change in rendering shows as a diff of this file)
    assert text == (EXPECTED / "hosting_acme.txt").read_text(encoding="utf-8")


def test_every_path_of_the_plan_is_absolute() -> None:
    # given a plan
    plan = acme_plan()
    # when its folders, mounts and fstab lines are written
    paths = [plan.chroot, plan.inbox, plan.outbox, plan.authorized_keys, plan.drop_in]
    paths += [Path(arg) for command in mount_commands(plan) for arg in command[2:]]
    paths += [Path(field) for line in fstab_lines(plan) for field in line.split()[:2]]
    paths += [Path(arg) for arg in folder_commands(plan)[0][8:]]
    # then every one is absolute: the commands are run from wherever root's shell is
    assert len(paths) == 16
    assert all(path.is_absolute() for path in paths), paths
    assert plan.inbox == Path("/ws/inbox/acme") and plan.chroot == Path("/srv/edi/acme")


def test_chroot_and_every_parent_are_made_root_owned_and_not_writable_by_others() -> None:
    # given a plan under /srv/edi
    plan = acme_plan()
    # when the folder commands are written
    make_chroot, mount_points, inbox, outbox = folder_commands(plan)
    # then sshd's rule holds for each component (sshd_config(5) ChrootDirectory)
    assert make_chroot == [
        "install", "-d", "-o", "root", "-g", "root", "-m", "0755",
        "/srv", "/srv/edi", "/srv/edi/acme",
    ]  # fmt: skip
    # and the mount points are only created, never re-owned once mounted
    assert mount_points == ["mkdir", "-p", "/srv/edi/acme/inbox", "/srv/edi/acme/outbox"]
    # and the workspace folders belong to the gateway user and the partner's group
    assert inbox[3:] == ["edi", "-g", "edi-acme", "-m", "3770", "/ws/inbox/acme"]
    assert outbox[3:] == ["edi", "-g", "edi-acme", "-m", "2770", "/ws/outbox/acme"]


def test_relative_workspace_folder_is_refused() -> None:
    # given an inbox folder that is not absolute
    # when a plan is made, then it says which folder and why
    with pytest.raises(ValueError, match="inbox folder inbox must be an absolute path"):
        hosting_plan(
            "acme",
            Path("inbox"),
            Path("/ws/outbox"),
            Path("/srv/edi"),
            gateway_user="edi",
            settle_time=timedelta(seconds=1),
        )


def test_chroot_root_sshd_cannot_parse_is_refused() -> None:
    # given a chroot root with a space (sshd_config splits arguments at white space)
    # when a plan is made, then it is refused with the reason
    with pytest.raises(ValueError, match="cannot be written in sshd_config"):
        hosting_plan(
            "acme",
            Path("/ws/inbox"),
            Path("/ws/outbox"),
            Path("/srv/edi drops"),
            gateway_user="edi",
            settle_time=timedelta(seconds=1),
        )


def test_fstab_escapes_white_space_in_workspace_paths() -> None:
    # given a workspace whose path holds a space
    plan = hosting_plan(
        "acme",
        Path("/home/edi/EDI files/inbox"),
        Path("/home/edi/EDI files/outbox"),
        Path("/srv/edi"),
        gateway_user="edi",
        settle_time=timedelta(seconds=1),
    )
    # when the fstab lines are written
    lines = fstab_lines(plan)
    # then fstab(5)'s octal escape keeps each line at six fields
    assert lines[0] == "/home/edi/EDI\\040files/inbox/acme /srv/edi/acme/inbox none bind 0 0"
    assert all(len(line.split()) == 6 for line in lines)


def test_user_name_for_an_id_with_underscore_is_valid_for_useradd() -> None:
    # given a partner id with '_' (allowed in partner ids)
    # when its user name is made
    name = check_user_name(default_user_name("north_wind"))
    # then it starts with a letter and uses only the portable characters useradd takes
    assert name == "edi-north_wind"
    # and a chosen name is used as given
    assert account_commands(acme_plan(user="acme_sftp"))[1][-1] == "acme_sftp"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("edi-" + "x" * 29, "33 characters long"),
        ("edi-Acme", "not portable"),
        ("-acme", "not portable"),
        ("edi.acme", "not portable"),
    ],
)
def test_user_name_useradd_would_refuse_is_refused(name: str, reason: str) -> None:
    # given a user name too long or with characters outside the portable set
    # when it is checked, then the message says what is wrong and how to choose another
    with pytest.raises(ValueError, match=reason) as caught:
        check_user_name(name)
    assert "--user" in str(caught.value)


def test_printed_account_commands_run_with_the_real_useradd(tmp_path: Path) -> None:
    # given a scratch root with an empty user database (useradd --prefix writes there only)
    if os.geteuid() != 0:
        pytest.skip("useradd --prefix writes its files only when run as root")
    if shutil.which("useradd") is None:
        need("useradd (passwd package) is not installed")
    etc = tmp_path / "etc"
    etc.mkdir()
    for name, line in (("passwd", "root:x:0:0::/root:/bin/sh"), ("group", "root:x:0:")):
        (etc / name).write_text(line + "\n")
    (etc / "shadow").write_text("root:*:19000:0:99999:7:::\n")
    (etc / "gshadow").write_text("root:*::\n")
    (etc / "login.defs").write_text("")
    plan = hosting_plan(
        "north_wind",
        Path("/ws/inbox"),
        Path("/ws/outbox"),
        Path("/srv/edi"),
        gateway_user="root",
        settle_time=timedelta(seconds=1),
    )
    # when the printed groupadd, useradd and usermod run against it
    for command in account_commands(plan):
        done = subprocess.run(
            [command[0], "--prefix", str(tmp_path), *command[1:]],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
        assert done.returncode == 0, (command, done.stderr)
    # then the partner's user has its own group, "/" as home and no login shell
    users = {line.split(":")[0]: line.split(":") for line in (etc / "passwd").read_text().split()}
    groups = {line.split(":")[0]: line.split(":") for line in (etc / "group").read_text().split()}
    user = users["edi-north_wind"]
    assert (user[3], user[5], user[6]) == (groups["edi-north_wind"][2], "/", "/usr/sbin/nologin")
    # and the gateway's user is a member of that group
    assert groups["edi-north_wind"][3] == "root"


def test_json_names_the_same_commands_and_block_as_the_text() -> None:
    # given a plan
    plan = acme_plan()
    # when it is given as JSON
    data = hosting_json(plan)
    # then the block and every command in it also appear in the text for people
    text = render_hosting(plan)
    assert data["sshd_config"] == ACME_BLOCK
    assert data["user"] == data["group"] == "edi-acme"
    commands = data["account_commands"] + data["folder_commands"] + data["mount_commands"]
    assert all(command in text for command in commands + data["fstab"])
    assert data["settle_time_seconds"] == 1.0


# The real OpenSSH: a minimal main configuration plus the printed block must be valid, and the
# block must apply to the partner's user and to no one else.


@pytest.fixture()
def sshd_folder() -> Iterator[Path]:
    """A folder sshd can read when it runs as `nobody` (the pytest tmp_path is root-only)."""
    if not SSHD.is_file():
        need(f"OpenSSH's sshd is not installed at {SSHD} (apt-get install openssh-server)")
    if shutil.which("ssh-keygen") is None:
        need("ssh-keygen is not installed (apt-get install openssh-client)")
    with tempfile.TemporaryDirectory(prefix="hosting-sshd-") as name:
        folder = Path(name)
        folder.chmod(0o755)
        key = folder / "host_ed25519"
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)],
            check=True,
            capture_output=True,
            timeout=30,
        )
        if os.geteuid() == 0:
            os.chown(key, _nobody(), -1)
        yield folder


def _nobody() -> int:
    try:
        return pwd.getpwnam("nobody").pw_uid
    except KeyError:
        return 65534


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _main_config(folder: Path, *, include: Path | None = None) -> list[str]:
    lines = [f"Include {include}"] if include else []
    return [
        *lines,
        f"Port {_free_port()}",
        "ListenAddress 127.0.0.1",
        f"HostKey {folder / 'host_ed25519'}",
        f"PidFile {folder / 'sshd.pid'}",
        "Subsystem sftp internal-sftp",
        # Settings a Match block leaking past its file would wrongly take from other users.
        "PermitTTY yes",
        "AllowTcpForwarding yes",
    ]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o644)
    return path


def _sshd(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run sshd in test mode. As root it needs /run/sshd (privilege separation), which only
    its service creates; as an ordinary user it does not, so root runs it as `nobody`."""
    as_nobody: dict[str, object] = {}
    if os.geteuid() == 0:
        as_nobody = {"user": _nobody(), "group": _nobody(), "extra_groups": []}
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [str(SSHD), *args, "-f", str(config)],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
        **as_nobody,
    )


def _effective(config: Path, user: str) -> dict[str, str]:
    done = _sshd(config, "-T", "-C", f"user={user},host=partner.example,addr=127.0.0.1")
    assert done.returncode == 0, done.stderr
    pairs = (line.partition(" ") for line in done.stdout.splitlines())
    return {key: value for key, _, value in pairs}


def test_printed_block_is_valid_for_the_real_sshd(sshd_folder: Path) -> None:
    # given a minimal main configuration with the printed Match block at its end
    block = sshd_match_block(acme_plan())
    config = _write(sshd_folder / "sshd_config", [*_main_config(sshd_folder), block])
    # when sshd checks it
    done = _sshd(config, "-t")
    # then it is valid
    assert done.returncode == 0, done.stderr


def test_real_sshd_applies_the_block_to_the_partner_user_only(sshd_folder: Path) -> None:
    # given the main configuration with the printed block appended
    block = sshd_match_block(acme_plan())
    config = _write(sshd_folder / "sshd_config", [*_main_config(sshd_folder), block])
    # when sshd prints the effective settings for the partner's user (which need not exist on
    # this host: -C only matches the name) and for someone else
    partner = _effective(config, "edi-acme")
    other = _effective(config, "alice")
    # then the partner is chrooted, SFTP only, key only, no terminal and no forwarding
    assert partner["chrootdirectory"] == "/srv/edi/acme"
    assert partner["forcecommand"] == "internal-sftp -d /inbox -u 0027"
    assert partner["allowtcpforwarding"] == "no" and partner["permittty"] == "no"
    assert partner["authorizedkeysfile"] == "/etc/ssh/authorized_keys/edi-acme"
    assert partner["authenticationmethods"] == "publickey"
    # and nothing changes for another user
    assert other["chrootdirectory"] == "none" and other["forcecommand"] == "none"
    assert other["permittty"] == "yes" and other["allowtcpforwarding"] == "yes"


def test_block_in_a_drop_in_file_ends_with_that_file(sshd_folder: Path) -> None:
    # given the block in its own sshd_config.d file, included at the top of the main file as
    # Debian and Ubuntu do, with main settings after the Include
    drop_in = _write(sshd_folder / "edi-acme.conf", sshd_match_block(acme_plan()).splitlines())
    config = _write(sshd_folder / "sshd_config", _main_config(sshd_folder, include=drop_in))
    # when sshd checks it and prints the settings of the partner and of another user
    checked = _sshd(config, "-t")
    partner = _effective(config, "edi-acme")
    other = _effective(config, "alice")
    # then it is valid, the partner is chrooted, and the main settings still reach others
    assert checked.returncode == 0, checked.stderr
    assert partner["chrootdirectory"] == "/srv/edi/acme" and partner["permittty"] == "no"
    assert other["chrootdirectory"] == "none" and other["permittty"] == "yes"
