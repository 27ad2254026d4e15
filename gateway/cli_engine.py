"""The command-line grammar of `gateway orders release|reject` and `gateway stock`."""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation

from gateway.cli_orders import SubParsers


def quantity(text: str) -> Decimal:
    """An argparse type: a decimal quantity such as 12 or 2.5 (signed for adjustments)."""
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise argparse.ArgumentTypeError(
            f"expected a quantity such as 12 or 2.5, got {text!r}"
        ) from exc
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"expected a quantity such as 12 or 2.5, got {text!r}")
    return value


def add_order_actions(orders: SubParsers) -> None:
    """Add `orders reject ID --reason CODE` (`orders release` is in cli_fulfilment)."""
    reject = orders.add_parser("reject", help="reject a held order and send the rejection")
    reject.add_argument("id", type=int, help="the order id")
    reject.add_argument(
        "--reason",
        required=True,
        metavar="CODE",
        help="the reason code sent with every line (as agreed with the partner)",
    )
    reject.add_argument("--text", default="", help="a sentence for the history")


def add_stock_commands(sub: SubParsers) -> None:
    """Add `stock receive SKU QTY` and `stock adjust SKU QTY`."""
    stock = sub.add_parser("stock", help="book stock arrivals and corrections").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    receive = stock.add_parser("receive", help="stock arrived: add it and serve the backlog")
    adjust = stock.add_parser("adjust", help="correct on-hand stock by a signed quantity")
    for parser, what in ((receive, "arrived quantity in base units"), (adjust, "+/- base units")):
        parser.add_argument("sku", help="the item (items.csv sku)")
        parser.add_argument("quantity", type=quantity, help=what)
        parser.add_argument("--warehouse", help="default: the first warehouse")
        parser.add_argument("--bin", help="default: the item's only bin in the warehouse")
        parser.add_argument("--json", action="store_true", help="print JSON")
    receive.add_argument("--reference", help="the replenishment it fulfils (e.g. PO-7001)")
    adjust.add_argument("--reason", required=True, help="why (kept with the stock movement)")
