"""The command-line grammar of `gateway orders list|show` and `gateway backlog`."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TypeAlias

from gateway.orders.states import OrderStatus

# A string: argparse's subparsers action is generic only to type checkers.
SubParsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def iso_date(text: str) -> date:
    """An argparse type: a calendar date written YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from exc


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        number = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from exc
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {number}")
    return number


def add_order_commands(sub: SubParsers) -> SubParsers:
    """Add `orders list|show` and `backlog`; return the `orders` actions (for release|reject)."""
    orders = sub.add_parser("orders", help="inspect received orders").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    _add_list(orders)
    show = orders.add_parser("show", help="one order: lines, findings and timeline")
    show.add_argument("id", type=int, help="the order id (see `gateway orders list`)")
    show.add_argument("--json", action="store_true", help="print JSON")
    _add_backlog(sub)
    return orders


def _add_list(orders: SubParsers) -> None:
    listing = orders.add_parser("list", help="orders, newest first")
    listing.add_argument(
        "--status", choices=[s.value for s in OrderStatus], help="only orders in this state"
    )
    listing.add_argument("--partner", metavar="P", help="only this partner's orders")
    listing.add_argument("--customer", metavar="C", help="only this customer's orders")
    listing.add_argument("--number", metavar="N", help="only orders with this order number")
    listing.add_argument(
        "--limit", type=positive_int, default=50, help="at most this many (default 50)"
    )
    listing.add_argument("--json", action="store_true", help="print JSON")


def _add_backlog(sub: SubParsers) -> None:
    backlog = sub.add_parser(
        "backlog", help="open backorders by customer and item, aged by days past due"
    )
    backlog.add_argument(
        "--as-of",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="age the backorders at this date (default: today by the gateway's clock)",
    )
    backlog.add_argument("--lines", action="store_true", help="list the backordered lines too")
    backlog.add_argument("--json", action="store_true", help="print JSON (always with the lines)")
