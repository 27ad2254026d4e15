"""The `gateway masterdata` command line: import a folder of CSV files, show one kind."""

from __future__ import annotations

import argparse

from gateway.orders.masterdata_schema import MASTERDATA_KINDS


def add_masterdata_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `masterdata import DIR [--dry-run]` and `masterdata show KIND [--json]`."""
    masterdata = sub.add_parser(
        "masterdata", help="master data from CSV files: customers, items, prices, stock"
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    importing = masterdata.add_parser(
        "import",
        help="replace the kinds whose CSV file is in DIR (all or nothing)",
        description="Check every CSV file in DIR and replace the kinds present; see "
        "masterdata/README.md in the workspace for the formats.",
    )
    importing.add_argument("dir", metavar="DIR", help="folder with customers.csv, items.csv, ...")
    importing.add_argument(
        "--dry-run", action="store_true", help="check and count only; write nothing"
    )
    show = masterdata.add_parser("show", help="list the rows of one kind")
    show.add_argument("kind", metavar="KIND", choices=MASTERDATA_KINDS, help=_kinds_help())
    show.add_argument("--json", action="store_true", help="print JSON")


def _kinds_help() -> str:
    return "one of " + ", ".join(MASTERDATA_KINDS)
