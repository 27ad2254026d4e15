"""The command-line grammar of `gateway partners list|show|check`."""

from __future__ import annotations

from pathlib import Path

from gateway.cli_orders import SubParsers, positive_int
from gateway.hosting import DEFAULT_CHROOT_ROOT


def add_partners_commands(sub: SubParsers) -> None:
    """Add `partners list` and `partners show ID` (with how to host its drop on our OpenSSH)."""
    partners = sub.add_parser(
        "partners", help="trading partners: their profiles and how to host their SFTP drop"
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = partners.add_parser(
        "list", help="every partner: standards, transport, SFTP address, pull and push folders"
    )
    listing.add_argument("--json", action="store_true", help="print JSON")
    show = partners.add_parser(
        "show",
        help="one partner's profile, and how to host its drop on this host's OpenSSH",
        description=(
            "Print the partner's profile (secrets only by environment variable name) and, for "
            'a partner with kind = "local", the system user, chroot, bind mounts and '
            "sshd_config block that let it upload into this workspace over SFTP."
        ),
    )
    show.add_argument("id", metavar="ID", help="the partner (see `gateway partners list`)")
    show.add_argument(
        "--chroot-root",
        metavar="DIR",
        type=Path,
        default=DEFAULT_CHROOT_ROOT,
        help=f"folder holding one chroot per partner (default {DEFAULT_CHROOT_ROOT})",
    )
    show.add_argument("--user", metavar="NAME", help="the partner's system user (edi-<id>)")
    show.add_argument(
        "--gateway-user",
        metavar="NAME",
        help="the user running `gateway run` (default: the workspace folder's owner)",
    )
    show.add_argument(
        "--host", metavar="NAME", help="the name partners connect to (default: this host's name)"
    )
    show.add_argument(
        "--port", type=positive_int, default=22, help="the port partners connect to (22)"
    )
    show.add_argument("--json", action="store_true", help="print JSON")
    check = partners.add_parser(
        "check",
        help="connect to an SFTP partner's server: host key, login, remote folders (exit 1 "
        "when a step fails)",
    )
    check.add_argument("id", metavar="ID", help="an SFTP partner (see `gateway partners list`)")
    check.add_argument("--json", action="store_true", help="print JSON")
