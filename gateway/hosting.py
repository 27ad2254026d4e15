"""A partner's drop hosted on this host's OpenSSH: user, chroot, bind mounts, sshd_config."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from gateway.jobs.schedule import duration_text

DEFAULT_CHROOT_ROOT = Path("/srv/edi")
AUTHORIZED_KEYS_DIR = Path("/etc/ssh/authorized_keys")
SSHD_DROP_IN_DIR = Path("/etc/ssh/sshd_config.d")
USER_PREFIX = "edi-"
# shadow-utils useradd refuses names longer than 32 characters; the portable set (POSIX
# 3.437 "portable filename character set", lower case, not starting with '-') works
# everywhere, where useradd's own rules differ between distributions.
MAX_USER_NAME = 32
_USER_NAME = re.compile(r"^[a-z_][a-z0-9_-]*$")
# sshd_config(5) splits arguments at white space and quotes, and expands %-tokens in
# ChrootDirectory and AuthorizedKeysFile: a path written there must hold none of them.
_SSHD_UNSAFE = re.compile(r'[\s"\'%\\#]')
# internal-sftp -u: the partner's files are rw-r----- so the group (the gateway) reads them.
SFTP_UMASK = "0027"
# Workspace folders, owned by the gateway user and the partner's group. inbox: setgid (2) so
# files take the group, sticky (1) so the partner cannot rename or delete the gateway's claim
# folder; outbox: setgid only, as the partner deletes our files once fetched.
INBOX_MODE = "3770"
OUTBOX_MODE = "2770"
CHROOT_MODE = "0755"


@dataclass(frozen=True)
class HostingPlan:
    """Everything needed to let one partner drop files over SFTP into this workspace."""

    partner: str
    # The partner's system user, and its group of the same name.
    user: str
    # Who runs `gateway run`: owns the workspace folders and joins the partner's group.
    gateway_user: str
    chroot: Path
    # The workspace folders the gateway reads (inbox/<partner>) and writes (outbox/<partner>).
    inbox: Path
    outbox: Path
    settle_time: timedelta
    host: str
    port: int

    @property
    def chroot_inbox(self) -> Path:
        """Where inbox/<partner> is bind-mounted inside the chroot."""
        return self.chroot / "inbox"

    @property
    def chroot_outbox(self) -> Path:
        """Where outbox/<partner> is bind-mounted inside the chroot."""
        return self.chroot / "outbox"

    @property
    def authorized_keys(self) -> Path:
        """The partner's own authorized_keys file, owned by root."""
        return AUTHORIZED_KEYS_DIR / self.user

    @property
    def drop_in(self) -> Path:
        """The sshd_config.d file holding the partner's Match block."""
        return SSHD_DROP_IN_DIR / f"{self.user}.conf"


def default_user_name(partner_id: str) -> str:
    """The partner's system user: `edi-<id>`, so it starts with a letter and says what it is."""
    return f"{USER_PREFIX}{partner_id}"


def check_user_name(name: str) -> str:
    """The name when useradd takes it everywhere; ValueError saying what is wrong otherwise."""
    if len(name) > MAX_USER_NAME:
        raise ValueError(
            f"user name {name!r} is {len(name)} characters long; useradd takes at most "
            f"{MAX_USER_NAME}: choose a shorter one with --user"
        )
    if not _USER_NAME.match(name):
        raise ValueError(
            f"user name {name!r} is not portable: use lower-case letters, digits, '_' and '-', "
            "starting with a letter or '_' (choose one with --user)"
        )
    return name


def hosting_plan(
    partner_id: str,
    inbox_root: Path,
    outbox_root: Path,
    chroot_root: Path,
    *,
    user: str | None = None,
    gateway_user: str,
    settle_time: timedelta,
    host: str = "HOST",
    port: int = 22,
) -> HostingPlan:
    """The plan for one partner of a workspace; ValueError for a name or path sshd cannot use."""
    for label, path in (("inbox", inbox_root), ("outbox", outbox_root), ("chroot", chroot_root)):
        if not path.is_absolute():
            raise ValueError(f"the {label} folder {path} must be an absolute path")
    if _SSHD_UNSAFE.search(str(chroot_root)):
        raise ValueError(
            f"the chroot root {str(chroot_root)!r} cannot be written in sshd_config: leave out "
            "spaces, quotes, '%', '#' and backslashes"
        )
    return HostingPlan(
        partner=partner_id,
        user=check_user_name(user or default_user_name(partner_id)),
        gateway_user=gateway_user,
        chroot=chroot_root / partner_id,
        inbox=inbox_root / partner_id,
        outbox=outbox_root / partner_id,
        settle_time=settle_time,
        host=host,
        port=port,
    )


def account_commands(plan: HostingPlan) -> list[list[str]]:
    """Create the partner's group and locked-down system user; put the gateway in the group."""
    return [
        ["groupadd", "--system", plan.user],
        # No home of its own: after the chroot sshd changes to the home directory, and "/" is
        # the chroot itself. The shell is never run (ForceCommand), nologin refuses it anyway.
        [
            "useradd",
            "--system",
            "--gid",
            plan.user,
            "--no-create-home",
            "--home-dir",
            "/",
            "--shell",
            "/usr/sbin/nologin",
            plan.user,
        ],
        ["usermod", "--append", "--groups", plan.user, plan.gateway_user],
    ]


def folder_commands(plan: HostingPlan) -> list[list[str]]:
    """The root-owned chroot, its two mount points, and the workspace folders they show."""
    return [
        ["install", "-d", "-o", "root", "-g", "root", "-m", CHROOT_MODE, *_chroot_parts(plan)],
        # Mount points: mkdir leaves a folder that is already mounted alone.
        ["mkdir", "-p", str(plan.chroot_inbox), str(plan.chroot_outbox)],
        _owned_folder(plan, plan.inbox, INBOX_MODE),
        _owned_folder(plan, plan.outbox, OUTBOX_MODE),
    ]


def _chroot_parts(plan: HostingPlan) -> list[str]:
    """The chroot and every parent below "/": sshd checks each component of the path."""
    parents = [p for p in reversed(plan.chroot.parents) if p != Path(p.anchor)]
    return [str(p) for p in (*parents, plan.chroot)]


def _owned_folder(plan: HostingPlan, folder: Path, mode: str) -> list[str]:
    return ["install", "-d", "-o", plan.gateway_user, "-g", plan.user, "-m", mode, str(folder)]


def fstab_lines(plan: HostingPlan) -> list[str]:
    """The /etc/fstab bind mounts that show the workspace folders inside the chroot."""
    return [
        f"{_fstab_field(source)} {_fstab_field(target)} none bind 0 0"
        for source, target in _mounts(plan)
    ]


def mount_commands(plan: HostingPlan) -> list[list[str]]:
    """`mount --bind` for each folder, to mount now what fstab mounts at boot."""
    return [["mount", "--bind", str(source), str(target)] for source, target in _mounts(plan)]


def _mounts(plan: HostingPlan) -> list[tuple[Path, Path]]:
    return [(plan.inbox, plan.chroot_inbox), (plan.outbox, plan.chroot_outbox)]


def _fstab_field(path: Path) -> str:
    """fstab(5): white space and backslash in a path are written as octal escapes."""
    escapes = {" ": "\\040", "\t": "\\011", "\n": "\\012", "\\": "\\134"}
    return "".join(escapes.get(char, char) for char in str(path))


def key_commands(plan: HostingPlan) -> list[str]:
    """Create the partner's authorized_keys file (root-owned, StrictModes) and add a key."""
    keys = shlex.quote(str(plan.authorized_keys))
    return [
        f"install -d -o root -g root -m 0755 {shlex.quote(str(AUTHORIZED_KEYS_DIR))}",
        f"install -o root -g root -m 0644 /dev/null {keys}",
        # sshd(8) AUTHORIZED_KEYS FILE FORMAT: "restrict" turns off every forwarding, the
        # PTY and ~/.ssh/rc for the key, whatever sshd_config says.
        f"echo 'restrict ssh-ed25519 AAAA...the partner key... {plan.partner}' >> {keys}",
        f"ssh-keygen -lf {keys}",
    ]


def sshd_match_block(plan: HostingPlan) -> str:
    """The sshd_config Match block: SFTP only, in the chroot, by key, nothing forwarded."""
    lines = [
        f"# EDI partner {plan.partner}: SFTP only, locked in its drop "
        f"(gateway partners show {plan.partner})",
        f"Match User {plan.user}",
        f"    ChrootDirectory {plan.chroot}",
        f"    ForceCommand internal-sftp -d /inbox -u {SFTP_UMASK}",
        f"    AuthorizedKeysFile {plan.authorized_keys}",
        "    AuthenticationMethods publickey",
        "    PasswordAuthentication no",
        "    PermitTTY no",
        "    AllowTcpForwarding no",
        "    AllowAgentForwarding no",
        "    AllowStreamLocalForwarding no",
        "    X11Forwarding no",
        "    PermitTunnel no",
    ]
    return "\n".join(lines) + "\n"


def check_commands(plan: HostingPlan) -> list[str]:
    """Check the configuration, reload sshd, and try the login as the partner would."""
    effective = "^(chrootdirectory|forcecommand|permittty|allowtcpforwarding) "
    return [
        "sshd -t",
        f"sshd -T -C user={plan.user},host=localhost,addr=127.0.0.1 | grep -E '{effective}'",
        "systemctl reload ssh",
        f"sftp -P {plan.port} -i PARTNER_KEY {plan.user}@{plan.host}",
        "ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub",
    ]


def shell(command: list[str]) -> str:
    """One command as a person pastes it into a root shell."""
    return shlex.join(command)


def render_hosting(plan: HostingPlan) -> str:
    """The "Hosting this partner's drop" text: what to run as root, step by step."""
    sections = [
        _intro(plan),
        _account_text(plan),
        _folder_text(plan),
        _mount_text(plan),
        _key_text(plan),
        _sshd_text(plan),
        _check_text(plan),
        _upload_text(plan),
    ]
    return "\n\n".join("\n".join(lines) for lines in sections) + "\n"


def _intro(plan: HostingPlan) -> list[str]:
    return [
        "Hosting this partner's drop on this host's OpenSSH",
        f"The partner logs in by SFTP as {plan.user}, locked (chroot) into {plan.chroot},",
        f"which holds only inbox/ (bind-mounted from {plan.inbox}, where the gateway takes",
        f"its files) and outbox/ (from {plan.outbox}, our files, which it fetches and",
        "deletes). Run the commands as root.",
    ]


def _account_text(plan: HostingPlan) -> list[str]:
    return [
        "1. System user and group (no home, no shell); the gateway's user joins the group",
        *_indented(shell(command) for command in account_commands(plan)),
        f"   Then restart `gateway run` (run by {plan.gateway_user}): a process gets a new group",
        '   only when it starts. Under `UsePAM no` sshd refuses the locked ("!") account that',
        f"   useradd makes: then also run usermod -p '*' {plan.user}",
    ]


def _folder_text(plan: HostingPlan) -> list[str]:
    return [
        "2. The chroot and the workspace folders",
        '   sshd_config(5), ChrootDirectory: "sshd(8) checks that all components of the',
        "   pathname are root-owned directories which are not writable by any other user or",
        '   group." The partner writes only in the two folders mounted below it.',
        *_indented(shell(command) for command in folder_commands(plan)),
        f"   namei -l {shlex.quote(str(plan.chroot))}",
        "     (every folder down to the chroot: root root, not writable by group or other)",
        f"   inbox {INBOX_MODE}: the partner writes and renames its files, which take the group",
        f"   (setgid) and at most rw-r----- (umask {SFTP_UMASK}); the gateway reads them and,",
        "   owning the folder, moves them; the sticky bit keeps the partner off the gateway's",
        "   .claimed folder. The partner's client picks each file's mode (OpenSSH sftp sends",
        "   the local file's) and the umask only takes bits away: a file uploaded as rw-------",
        "   is unreadable to the gateway, so partners must upload group-readable files.",
        f"   outbox {OUTBOX_MODE}: the gateway writes (its umask must leave group read: 0022 or",
        "   0027), the partner reads and deletes.",
    ]


def _mount_text(plan: HostingPlan) -> list[str]:
    return [
        "3. Bind mounts: the workspace folders seen inside the chroot. A symlink will not do:",
        "   it is resolved inside the chroot, where the workspace path does not exist.",
        "   /etc/fstab (mounted at boot):",
        *_indented(fstab_lines(plan), "     "),
        "   and now:",
        *_indented((shell(command) for command in mount_commands(plan)), "     "),
    ]


def _key_text(plan: HostingPlan) -> list[str]:
    return [
        "4. The partner's public key: its own file, owned by root; one line per key, each",
        '   starting with "restrict" (no forwarding, no terminal for that key)',
        *_indented(key_commands(plan)),
    ]


def _sshd_text(plan: HostingPlan) -> list[str]:
    return [
        f"5. sshd_config: this block in its own file {plan.drop_in} (when",
        "   /etc/ssh/sshd_config starts with `Include /etc/ssh/sshd_config.d/*.conf`), or at",
        "   the end of /etc/ssh/sshd_config: a Match block runs to the next Match or the end",
        "   of the file. The main configuration needs `Subsystem sftp internal-sftp` (with no",
        "   Subsystem sftp line sshd refuses every SFTP session; internal-sftp needs no",
        "   programs inside the chroot).",
        "",
        *_indented(sshd_match_block(plan).splitlines(), "   "),
    ]


def _check_text(plan: HostingPlan) -> list[str]:
    check, effective, reload, login, fingerprint = check_commands(plan)
    return [
        "6. Check and test",
        f"   {check}",
        "     (prints nothing and exits 0 when the configuration is valid)",
        f"   {effective}",
        "     (the partner's effective settings; for any other user chrootdirectory is none)",
        f"   {reload}",
        "     (the unit is sshd on RHEL and Fedora)",
        f"   {login}",
        "     (from the partner's side: lands in /inbox; `ssh` to the same user gets no shell)",
        f"   {fingerprint}",
        "     (the host key fingerprint to give the partner, to pin)",
    ]


def _upload_text(plan: HostingPlan) -> list[str]:
    settle = duration_text(plan.settle_time)
    return [
        f"7. Uploads: partner {plan.partner}'s settle_time is {settle}: a file is taken once",
        f"   it has not changed for {settle}. Ask the partner to upload under a temporary name",
        "   (ending .tmp, .part or .filepart, or starting with a dot) and rename it when complete:",
        "   `gateway run` then takes it at once, and never a half-written file.",
    ]


def _indented(lines: Iterable[str], prefix: str = "   ") -> list[str]:
    return [f"{prefix}{line}" for line in lines]


def hosting_json(plan: HostingPlan) -> dict[str, Any]:
    """The same plan for scripts: names, paths, and each step's commands and lines."""
    return {
        "user": plan.user,
        "group": plan.user,
        "gateway_user": plan.gateway_user,
        "chroot": str(plan.chroot),
        "inbox": str(plan.inbox),
        "outbox": str(plan.outbox),
        "authorized_keys": str(plan.authorized_keys),
        "account_commands": [shell(c) for c in account_commands(plan)],
        # Under `UsePAM no` sshd refuses the locked account useradd makes; harmless otherwise.
        "unlock_command": shell(["usermod", "-p", "*", plan.user]),
        "folder_commands": [shell(c) for c in folder_commands(plan)],
        "fstab": fstab_lines(plan),
        "mount_commands": [shell(c) for c in mount_commands(plan)],
        "key_commands": key_commands(plan),
        "sshd_config": sshd_match_block(plan),
        "sshd_config_file": str(plan.drop_in),
        "check_commands": check_commands(plan),
        "settle_time_seconds": plan.settle_time.total_seconds(),
    }
