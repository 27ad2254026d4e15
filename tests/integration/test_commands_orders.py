"""`gateway orders list|show` and `gateway backlog`: grammar and handlers on a real workspace."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from gateway.cli_orders import add_order_commands
from gateway.commands import Context
from gateway.commands_orders import HANDLERS
from gateway.config import load_settings
from gateway.store import NewMessage, Store
from gateway.store.tables import OrderLineRow, OrderRow
from gateway.workspace import init_workspace


def parser() -> argparse.ArgumentParser:
    """The gateway grammar as far as these commands go."""
    root = argparse.ArgumentParser(prog="gateway")
    add_order_commands(root.add_subparsers(dest="command", required=True))
    return root


def run(workspace: Path, *argv: str) -> int:
    """Parse `argv` and run its handler on the workspace."""
    args = parser().parse_args(argv)
    handler = HANDLERS[(args.command, getattr(args, "action", None))]
    return handler(Context(workspace, {}, args))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A workspace with one backordered order (id returned by `order_id`)."""
    init_workspace(tmp_path)
    store = Store.open(load_settings(tmp_path, {}).database_url)
    try:
        with store.unit_of_work() as uow:
            message = uow.add_message(
                NewMessage("in", "ACME", "EDIFACT", "ORDERS", "D:96A:UN", "processed", "done")
            )
            order = OrderRow(
                message_id=message.id,
                partner="ACME",
                order_number="PO-1",
                status="backordered",
                currency="EUR",
                customer_id="C-100",
                requested_delivery_date=date(2024, 3, 10),
                created_at=datetime(2024, 3, 1, tzinfo=UTC),
            )
            uow.session.add(order)
            uow.session.flush()
            uow.session.add(
                OrderLineRow(
                    order_id=order.id,
                    line_number="1",
                    sku="SKU-1",
                    quantity=Decimal(5),
                    uom="CS",
                    factor=Decimal(12),
                    status="backordered",
                    confirmed_quantity=Decimal(5),
                    allocated_quantity=Decimal(2),
                    backordered_quantity=Decimal(3),
                    unit_price=Decimal(30),
                )
            )
    finally:
        store.close()
    return tmp_path


def test_orders_list_prints_the_order_as_json(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a workspace with one backordered order
    # when the orders are listed as JSON, filtered by status
    code = run(workspace, "orders", "list", "--status", "backordered", "--json")
    # then the order is there with its counts and value
    (order,) = json.loads(capsys.readouterr().out)
    assert code == 0
    assert (order["order_number"], order["lines"], order["backordered_lines"]) == ("PO-1", 1, 1)
    assert order["value"] == "150.00"


def test_orders_list_rejects_an_unknown_status() -> None:
    # given a status that is no order status; when parsed, then argparse refuses it
    with pytest.raises(SystemExit):
        parser().parse_args(["orders", "list", "--status", "lost"])


def test_orders_show_prints_the_order_and_an_unknown_id_fails(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given the workspace's order
    # when it is shown, then its table is printed
    assert run(workspace, "orders", "show", "1") == 0
    assert capsys.readouterr().out.startswith("order 1: PO-1 (backordered)\n")
    # when an order that does not exist is shown, then one sentence and exit 1
    assert run(workspace, "orders", "show", "99") == 1
    assert capsys.readouterr().err == "gateway: no order 99\n"


def test_backlog_ages_at_the_given_date(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given the backordered line, requested on 10 March
    # when the backlog is asked for as of 1 April
    code = run(workspace, "backlog", "--as-of", "2024-04-01", "--json")
    # then it is 22 days late, 36 base units at the buyer's price
    data = json.loads(capsys.readouterr().out)
    assert (code, data["as_of"]) == (0, "2024-04-01")
    ((group,), (line,)) = data["groups"], data["lines"]
    assert (group["customer"], group["item"], group["quantity"], group["value"]) == (
        "C-100",
        "SKU-1",
        "36",
        "90.00",
    )
    assert (line["days_late"], line["bucket"]) == (22, "15-30")


def test_backlog_defaults_to_the_clock_date(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given no --as-of; when the backlog is asked for, then it is aged at today (UTC)
    assert run(workspace, "backlog", "--json") == 0
    assert json.loads(capsys.readouterr().out)["as_of"] == datetime.now(UTC).date().isoformat()


def test_backlog_rejects_a_malformed_date(capsys: pytest.CaptureFixture[str]) -> None:
    # given a date that is not YYYY-MM-DD; when parsed, then the error names the format
    with pytest.raises(SystemExit):
        parser().parse_args(["backlog", "--as-of", "1.4.2024"])
    assert "expected a date as YYYY-MM-DD, got '1.4.2024'" in capsys.readouterr().err
