"""What the `gateway partners` sub-commands do, returning their exit code."""

from __future__ import annotations

import json
import pwd
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gateway.commands import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    CommandFailed,
    Context,
    _gateway,
    _settings,
    guarded,
)
from gateway.config import Settings
from gateway.config_partners import Partner
from gateway.hosting import HostingPlan, hosting_json, hosting_plan, render_hosting
from gateway.output_partners import (
    partner_json,
    partner_list_json,
    render_partner,
    render_partner_list,
)


@guarded
def cmd_partners_list(ctx: Context) -> int:
    """Every configured partner: standards, transport, SFTP address, pull and push."""
    settings = _settings(ctx)
    partners = [settings.partners[key] for key in sorted(settings.partners)]
    if ctx.args.json:
        _print_json(partner_list_json(partners))
    else:
        print(render_partner_list(partners))
    return EXIT_OK


@guarded
def cmd_partners_show(ctx: Context) -> int:
    """One partner's profile and, for a local drop, how to host it on this host's OpenSSH."""
    settings = _settings(ctx)
    partner = _partner(settings, ctx.args.id)
    plan = _plan(settings, partner, ctx) if partner.transport.kind == "local" else None
    if ctx.args.json:
        data = partner_json(partner, settings.inbox, settings.outbox, ctx.environ)
        data["hosting"] = hosting_json(plan) if plan else None
        _print_json(data)
        return EXIT_OK
    print(render_partner(partner, settings.inbox, settings.outbox, ctx.environ))
    print()
    print(render_hosting(plan) if plan else _not_hosted(partner), end="")
    return EXIT_OK


@guarded
def cmd_partners_check(ctx: Context) -> int:
    """Connect to an SFTP partner's server as a poll would: host key, login, both folders."""
    from gateway.pipeline.remote_check import check_connection

    with _gateway(ctx) as gateway:
        partner = _partner(gateway.settings, ctx.args.id)
        sftp = partner.transport.sftp
        if sftp is None:
            raise CommandFailed(
                f"partner {partner.id} has kind = {partner.transport.kind!r}: there is no server "
                "of theirs to connect to",
                EXIT_USAGE,
            )
        check = check_connection(gateway, sftp)
    if ctx.args.json:
        _print_json(
            {"partner": partner.id, "address": check.address, "ok": check.ok, "steps": check.lines}
        )
    else:
        print(f"sftp {check.address} (partner {partner.id})")
        for line in check.lines:
            print(f"  {line}")
    return EXIT_OK if check.ok else EXIT_FAILED


def _partner(settings: Settings, partner_id: str) -> Partner:
    partner = settings.partners.get(partner_id)
    if partner is None:
        known = ", ".join(sorted(settings.partners)) or "none (config/partners/ is empty)"
        raise CommandFailed(
            f"there is no partner {partner_id!r} (no config/partners/{partner_id}.toml); "
            f"the partners are {known}",
            EXIT_USAGE,
        )
    return partner


def _plan(settings: Settings, partner: Partner, ctx: Context) -> HostingPlan:
    args = ctx.args
    try:
        return hosting_plan(
            partner.id,
            settings.inbox,
            settings.outbox,
            Path(args.chroot_root),
            user=args.user,
            gateway_user=args.gateway_user or _owner(settings.workspace),
            settle_time=partner.settle_time,
            host=args.host or socket.gethostname(),
            port=args.port,
        )
    except ValueError as exc:
        raise CommandFailed(str(exc), EXIT_USAGE) from exc


def _owner(folder: Path) -> str:
    """The workspace folder's owner: the user that runs the gateway on it, as a rule."""
    uid = folder.stat().st_uid
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _not_hosted(partner: Partner) -> str:
    return (
        f"Hosting: partner {partner.id} has kind = {partner.transport.kind!r}: the gateway "
        "connects to the partner's own SFTP server.\nA drop on this host's OpenSSH is for "
        'partners with kind = "local", who upload into inbox/<partner>/ themselves.\n'
    )


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


HANDLERS: dict[tuple[str, str | None], Callable[[Context], int]] = {
    ("partners", "list"): cmd_partners_list,
    ("partners", "show"): cmd_partners_show,
    ("partners", "check"): cmd_partners_check,
}
