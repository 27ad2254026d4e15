"""The command-line grammar of `gateway shipments list|show` and `invoices list|show|export`."""

from __future__ import annotations

import argparse

from gateway.cli_orders import SubParsers, iso_date, positive_int
from gateway.store.fulfilment_records import SHIPMENT_STATUSES

DEFAULT_LIMIT = 100


def add_shipment_commands(sub: SubParsers) -> SubParsers:
    """Add `shipments list|show`; return the `shipments` actions (for the steps that change one)."""
    shipments = sub.add_parser("shipments", help="inspect shipments to customers").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    listing = shipments.add_parser("list", help="shipments, newest first")
    listing.add_argument("--status", choices=SHIPMENT_STATUSES, help="only shipments at this stage")
    listing.add_argument("--order", type=int, metavar="ID", help="only this order's shipments")
    listing.add_argument("--partner", metavar="P", help="only this partner's shipments")
    _add_limit(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    show = shipments.add_parser("show", help="one shipment: lines, cartons, carrier, invoices")
    show.add_argument("number", help="the shipment number, e.g. SH-000012")
    show.add_argument("--json", action="store_true", help="print JSON")
    return shipments


def add_invoice_commands(sub: SubParsers) -> SubParsers:
    """Add `invoices list|show|export`; return the `invoices` actions."""
    invoices = sub.add_parser("invoices", help="inspect and export issued invoices").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    listing = invoices.add_parser("list", help="invoices, newest first")
    listing.add_argument("--partner", metavar="P", help="only this partner's invoices")
    listing.add_argument("--customer", metavar="C", help="only this customer's invoices")
    _add_period(listing, required=False)
    _add_limit(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    show = invoices.add_parser("show", help="one invoice: lines, taxes, totals, references")
    show.add_argument("number", help="the invoice number, e.g. INV-000007")
    show.add_argument("--json", action="store_true", help="print JSON")
    export = invoices.add_parser(
        "export", help="the sales journal (CSV) of the invoices issued in a period"
    )
    _add_period(export, required=True)
    export.add_argument(
        "--output", metavar="FILE", help="write the CSV to this file (default: standard output)"
    )
    return invoices


def _add_period(parser: argparse.ArgumentParser, required: bool) -> None:
    parser.add_argument(
        "--from",
        dest="issued_from",
        type=iso_date,
        required=required,
        metavar="YYYY-MM-DD",
        help="issued on or after this date",
    )
    parser.add_argument(
        "--to",
        dest="issued_to",
        type=iso_date,
        required=required,
        metavar="YYYY-MM-DD",
        help="issued on or before this date",
    )


def _add_limit(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--limit",
        type=positive_int,
        default=DEFAULT_LIMIT,
        help=f"at most this many (default {DEFAULT_LIMIT})",
    )
