"""The `gateway` command: parses arguments and dispatches; the work happens elsewhere."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from gateway import commands
from gateway.cli_engine import add_order_actions, add_stock_commands
from gateway.cli_fulfilment import (
    add_invoice_run,
    add_release,
    add_shipment_labels,
    add_warehouse_commands,
    add_warehouse_steps,
)
from gateway.cli_fulfilment_read import add_invoice_commands, add_shipment_commands
from gateway.cli_jobs import add_jobs_commands
from gateway.cli_masterdata import add_masterdata_commands
from gateway.cli_orders import add_order_commands
from gateway.cli_partners import add_partners_commands

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def workspace_from(args: argparse.Namespace, environ: dict[str, str]) -> Path:
    """--workspace, then GATEWAY_WORKSPACE, then the current folder."""
    chosen = args.workspace or environ.get("GATEWAY_WORKSPACE") or Path.cwd()
    return Path(chosen).resolve()


def build_parser() -> argparse.ArgumentParser:
    """The whole command-line grammar."""
    parser = argparse.ArgumentParser(prog="gateway", description="EDI order gateway")
    parser.add_argument(
        "--workspace",
        metavar="DIR",
        help="workspace folder (default: $GATEWAY_WORKSPACE, then the current folder)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    init = sub.add_parser("init", help="create a workspace with sample partners")
    init.add_argument("dir", nargs="?", help="folder to create (default: the workspace)")
    sub.add_parser("run", help="run until Ctrl-C: watch the inboxes, process, send")
    sub.add_parser("batch", help="one pass over inboxes, retries and outbound, then exit")
    translate = sub.add_parser("translate", help="parse, validate and map one file; print JSON")
    translate.add_argument("file", help="the file to translate")
    translate.add_argument("--partner", metavar="ID", help="partner whose overrides apply")
    _add_messages(sub)
    _add_failed(sub)
    orders = add_order_commands(sub)
    add_release(orders)
    add_order_actions(orders)
    add_warehouse_steps(orders)
    add_stock_commands(sub)
    add_warehouse_commands(sub)
    add_shipment_labels(add_shipment_commands(sub))
    add_invoice_run(add_invoice_commands(sub))
    add_masterdata_commands(sub)
    add_jobs_commands(sub)
    add_partners_commands(sub)
    status = sub.add_parser("status", help="counts by direction and status")
    status.add_argument("--json", action="store_true", help="print JSON")
    return parser


def _add_messages(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    messages = sub.add_parser("messages", help="inspect messages").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    listing = messages.add_parser("list", help="newest first")
    listing.add_argument("--direction", choices=("in", "out"))
    listing.add_argument("--partner")
    listing.add_argument("--status")
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--json", action="store_true", help="print JSON")
    show = messages.add_parser("show", help="one message with history and linked messages")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true", help="print JSON")
    show.add_argument("--raw", action="store_true", help="print the stored bytes only")


def _add_failed(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    failed = sub.add_parser("failed", help="the failed queue").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    listing = failed.add_parser("list", help="failed and parked messages")
    listing.add_argument("--json", action="store_true", help="print JSON")
    show = failed.add_parser("show", help="one failed message with every issue")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true", help="print JSON")
    show.add_argument("--raw", action="store_true", help="print the stored bytes only")
    retry = failed.add_parser("retry", help="run a failed message again")
    retry.add_argument("id", type=int)
    retry.add_argument("--file", help="a corrected copy of the inbound file to run instead")
    retry.add_argument(
        "--accept-duplicate",
        action="store_true",
        help="process a reviewed duplicate all the same (releases the hold policy)",
    )
    discard = failed.add_parser("discard", help="take a message out of the failed queue")
    discard.add_argument("id", type=int)
    discard.add_argument("--reason", default="", help="why (kept in the history)")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code not in (0, None) else EXIT_OK
    environ = dict(os.environ)
    context = commands.Context(workspace_from(args, environ), environ, args)
    return handler_for(args.command, getattr(args, "action", None))(context)


# Where each command's handlers live, searched in order. Only the modules of the command at
# hand are imported: a list or show does not pay for the runner, the fulfilment steps or
# reportlab (about half a second of start-up).
HANDLER_MODULES: dict[str, tuple[str, ...]] = {
    "orders": ("commands_orders", "commands_engine", "commands_fulfilment"),
    "backlog": ("commands_orders",),
    "stock": ("commands_engine",),
    "masterdata": ("commands_masterdata",),
    "jobs": ("commands_jobs",),
    "partners": ("commands_partners",),
    "warehouse": ("commands_fulfilment",),
    "shipments": ("commands_fulfilment_read", "commands_fulfilment"),
    "invoices": ("commands_fulfilment_read", "commands_fulfilment"),
}


def handler_for(command: str, action: str | None) -> Callable[[commands.Context], int]:
    """The function that runs `gateway COMMAND [ACTION]`."""
    for name in HANDLER_MODULES.get(command, ("commands",)):
        module = importlib.import_module(f"gateway.{name}")
        handlers: dict[tuple[str, str | None], Callable[[commands.Context], int]]
        handlers = module.HANDLERS
        if (command, action) in handlers:
            return handlers[(command, action)]
    raise KeyError(f"no handler for {command} {action or ''}".strip())


if __name__ == "__main__":
    sys.exit(main())
