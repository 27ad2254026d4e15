"""The command-line grammar of the warehouse steps: `gateway orders release|pick|pack|ship|deliver`
and `gateway warehouse take`."""

from __future__ import annotations

import argparse
from decimal import Decimal

from gateway.cli_engine import quantity
from gateway.cli_orders import SubParsers, iso_date


def line_quantity(text: str) -> tuple[str, Decimal]:
    """An argparse type: `LINE=QUANTITY`, a line number and what was picked of it."""
    line, sep, amount = text.partition("=")
    if not sep or not line.strip():
        raise argparse.ArgumentTypeError(f"expected LINE=QUANTITY such as 1=24, got {text!r}")
    return line.strip(), quantity(amount.strip())


def weight(text: str) -> Decimal:
    """An argparse type: a weight in kg above 0."""
    value = quantity(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a weight in kg above 0, got {text!r}")
    return value


def add_release(orders: SubParsers) -> None:
    """Add `orders release [ID ...] [--all]`: a held order confirmed, or ready lines released."""
    release = orders.add_parser(
        "release",
        help="let orders go on: a held order is confirmed; a confirmed one goes to the warehouse",
        description=(
            "An order on hold is confirmed now (its hold overridden) and its order response "
            "sent. Any other order has its allocated, ready lines released to the warehouse: "
            "one shipment per order and one pick list (PDF and CSV in the warehouse outbox)."
        ),
    )
    release.add_argument("id", type=int, nargs="*", help="order ids (see `gateway orders list`)")
    release.add_argument(
        "--all", action="store_true", help="release every order with ready lines to the warehouse"
    )
    release.add_argument("--reason", default="", help="why a hold is overridden (kept in history)")
    release.add_argument("--json", action="store_true", help="print JSON")


def add_warehouse_steps(orders: SubParsers) -> None:
    """Add `orders pick|pack|ship|deliver SHIPMENT`."""
    pick = orders.add_parser("pick", help="confirm a shipment was picked (in full, or per line)")
    pick.add_argument("shipment", help="the shipment number (SH-...)")
    pick.add_argument(
        "--line",
        type=line_quantity,
        action="append",
        metavar="LINE=QTY",
        help="what was picked of a line; give every line when any is short (default: all in full)",
    )
    pack = orders.add_parser("pack", help="pack a picked shipment into cartons with SSCC labels")
    pack.add_argument("shipment", help="the shipment number")
    given = pack.add_mutually_exclusive_group()
    given.add_argument(
        "--cartons",
        metavar="SPEC",
        help='cartons as packed: "1:12,2:6;2:6" = carton 1 holds 12 of line 1 and 6 of line 2, '
        "carton 2 holds 6 of line 2 (default: by weight rules)",
    )
    given.add_argument("--file", metavar="FILE", help="cartons as packed, from a JSON or CSV file")
    ship = orders.add_parser("ship", help="confirm a packed shipment left; sends the ship notice")
    ship.add_argument("shipment", help="the shipment number")
    ship.add_argument("--carrier", required=True, help="our carrier id (carriers.csv)")
    ship.add_argument("--service", help="the carrier's service (default: the carrier's)")
    ship.add_argument("--tracking", help="the carrier's tracking number")
    ship.add_argument("--date", type=iso_date, help="ship date YYYY-MM-DD (default: today)")
    ship.add_argument("--weight", type=weight, help="gross weight in kg (default: the cartons')")
    deliver = orders.add_parser("deliver", help="record proof of delivery of a shipment")
    deliver.add_argument("shipment", help="the shipment number")
    deliver.add_argument("--date", type=iso_date, help="delivery date (default: today)")
    deliver.add_argument("--received-by", help="who signed for it")
    deliver.add_argument("--note", help="a remark from the proof of delivery")
    for parser in (pick, pack, ship, deliver):
        parser.add_argument("--json", action="store_true", help="print JSON")


def add_warehouse_commands(sub: SubParsers) -> None:
    """Add `warehouse take`: apply the warehouse's confirmation files now."""
    warehouse = sub.add_parser(
        "warehouse", help="the warehouse's confirmation files"
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    take = warehouse.add_parser("take", help="apply every complete file in the warehouse inbox now")
    take.add_argument("--json", action="store_true", help="print JSON")


def add_invoice_run(invoices: SubParsers) -> None:
    """Add `invoices run [--as-of DATE]`: the invoice run now."""
    run = invoices.add_parser(
        "run", help="invoice what has shipped and is due (the scheduled invoice run, now)"
    )
    run.add_argument(
        "--as-of", type=iso_date, help="the invoice date, and the day periods end before"
    )
    run.add_argument("--json", action="store_true", help="print JSON")


def add_shipment_labels(shipments: SubParsers) -> None:
    """Add `shipments labels SH`: write a shipment's carton labels again."""
    labels = shipments.add_parser(
        "labels", help="write a packed shipment's carton labels (PDF, ZPL) again"
    )
    labels.add_argument("shipment", help="the shipment number (SH-...)")
