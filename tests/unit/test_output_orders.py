"""Printing orders and the backlog: tables compared to expected files, JSON as strings and ISO."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from gateway.orders.amounts import quantity_text
from gateway.orders.backlog_report import BacklogLine, backlog_report
from gateway.output_backlog import backlog_json, render_backlog
from gateway.output_orders import (
    order_detail_json,
    orders_json,
    price_text,
    render_order_detail,
    render_orders,
)
from gateway.store import OrderRecord
from gateway.store.fulfilment_records import InvoiceRef, ShipmentRef
from gateway.store.order_queries import (
    OrderDetail,
    OrderFinding,
    OrderLineDetail,
    OrderSummary,
    TimelineEntry,
)

EXPECTED = Path(__file__).resolve().parent / "expected" / "orders"
AT = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def expected(name: str) -> str:
    """The expected text kept beside the tests (without its final newline)."""
    return (EXPECTED / name).read_text(encoding="utf-8").removesuffix("\n")


def at(minute: int, second: int = 0) -> datetime:
    """A moment on the day the order came in."""
    return AT.replace(minute=minute, second=second)


def order_line(number: str, **columns: object) -> OrderLineDetail:
    """A line of 10 pieces, confirmed and allocated in full at the buyer's price."""
    values: dict[str, object] = {
        "id": int(number),
        "line_number": number,
        "gtin": None,
        "buyer_part": None,
        "seller_part": None,
        "sku": None,
        "description": None,
        "quantity": Decimal("10.0000"),
        "uom": "PCE",
        "factor": Decimal("1.000000"),
        "unit_price": Decimal("2.500000"),
        "confirmed_price": None,
        "confirmed_quantity": Decimal("10.0000"),
        "allocated_quantity": Decimal("10.0000"),
        "backordered_quantity": Decimal("0.0000"),
        "requested_delivery_date": None,
        "promised_date": None,
        "status": "ready",
        "response_status": "accepted",
        "reason_code": None,
        "released_quantity": Decimal("0.0000"),
        "shipped_quantity": Decimal("0.0000"),
        "delivered_quantity": Decimal("0.0000"),
        "invoiced_quantity": Decimal("0.0000"),
    }
    values.update(columns)
    return OrderLineDetail(**values)  # type: ignore[arg-type]


def detail() -> OrderDetail:
    """A backordered order: one line ready, one partly backordered at a changed price."""
    header = OrderRecord(
        id=7,
        message_id=5,
        partner="ACME",
        order_number="PO-4711",
        order_date=date(2024, 2, 29),
        currency="EUR",
        requested_delivery_date=date(2024, 3, 15),
        buyer_id="4012345000009",
        buyer_scheme="GLN",
        buyer_name="Buyer GmbH",
        seller_id="4098765000007",
        ship_to_id="4012345000016",
        bill_to_id=None,
        status="backordered",
        customer_id="C-100",
        hold_reason=None,
        warehouse="WH1",
        test=False,
        responses_sent=1,
        created_at=at(0),
        updated_at=at(0, 2),
    )
    lines = (
        order_line("1", sku="SKU-1", gtin="04012345678901", buyer_part="B-1"),
        order_line(
            "2",
            sku="SKU-2",
            buyer_part="B-2",
            quantity=Decimal("5.0000"),
            uom="CS",
            factor=Decimal("12.000000"),
            unit_price=Decimal("30.000000"),
            confirmed_price=Decimal("31.250000"),
            confirmed_quantity=Decimal("5.0000"),
            allocated_quantity=Decimal("2.0000"),
            backordered_quantity=Decimal("3.0000"),
            requested_delivery_date=date(2024, 3, 10),
            promised_date=date(2024, 3, 22),
            status="backordered",
            response_status="backordered",
            reason_code="AV",
        ),
    )
    findings = (
        OrderFinding("2", "price.tolerance", "change", "buyer price 30.00, ours 31.25", at(0, 1)),
        OrderFinding(None, "date.lead_time", "info", "requested in 14 days, lead time 3", at(0, 1)),
    )
    timeline = (
        TimelineEntry(
            kind="message",
            at=at(0),
            message_id=5,
            direction="in",
            message_type="ORDERS",
            document_type="purchase_order",
            number="PO-4711",
            stage="processed",
            status="done",
        ),
        TimelineEntry(
            kind="event",
            at=at(0, 1),
            actor="engine",
            from_status="received",
            to_status="backordered",
            reason="checks passed, stock short",
        ),
        TimelineEntry(
            kind="event",
            at=at(0, 1),
            line_number="2",
            actor="engine",
            from_status="received",
            to_status="backordered",
            reason="3 CS wait for stock",
        ),
        TimelineEntry(
            kind="message",
            at=at(0, 2),
            message_id=6,
            direction="out",
            message_type="ORDRSP",
            document_type="order_response",
            number="PO-4711-1",
            stage="sent",
            status="done",
            ack_status="pending",
        ),
    )
    return OrderDetail(header, lines, findings, timeline)


def backlog_lines() -> list[BacklogLine]:
    """Two customers (one unknown), two items, two currencies, lines in three buckets."""

    def backordered(number: str, line: str, **columns: object) -> BacklogLine:
        values: dict[str, object] = {
            "order_id": 1,
            "order_number": number,
            "partner": "ACME",
            "customer_id": "C-100",
            "currency": "EUR",
            "line_number": line,
            "sku": "SKU-1",
            "gtin": None,
            "uom": "CS",
            "backordered_quantity": Decimal("3.0000"),
            "factor": Decimal("12.000000"),
            "confirmed_price": Decimal("31.250000"),
            "unit_price": Decimal("30.000000"),
            "line_requested_date": date(2024, 3, 10),
            "order_requested_date": None,
            "promised_date": date(2024, 3, 22),
        }
        values.update(columns)
        return BacklogLine(**values)  # type: ignore[arg-type]

    return [
        backordered("PO-4711", "2"),
        backordered("PO-4712", "1", line_requested_date=date(2024, 3, 25), promised_date=None),
        backordered("PO-4713", "1", sku="SKU-2", uom="PCE", factor=Decimal(1), unit_price=None),
        backordered(
            "US-1",
            "1",
            currency="USD",
            confirmed_price=None,
            unit_price=Decimal("4.100000"),
            line_requested_date=None,
            order_requested_date=date(2024, 1, 31),
        ),
        backordered(
            "G-9",
            "1",
            partner="GLOBEX",
            customer_id=None,
            sku=None,
            gtin="04000000000017",
            line_requested_date=None,
        ),
    ]


def test_order_detail_table_shows_header_lines_findings_and_timeline() -> None:
    # given a hand-made backordered order
    # when it is rendered for a person
    text = render_order_detail(detail())
    # then it is exactly the expected text
    assert text == expected("show_backordered.txt")


def shipped_detail() -> OrderDetail:
    """The order after a first shipment: line 1 shipped, delivered and invoiced, line 2 with
    the warehouse, and a second shipment released."""
    order = detail()
    first, second = order.lines
    lines = (
        dataclasses.replace(
            first,
            status="delivered",
            allocated_quantity=Decimal("0.0000"),
            shipped_quantity=Decimal("10.0000"),
            delivered_quantity=Decimal("10.0000"),
            invoiced_quantity=Decimal("10.0000"),
        ),
        dataclasses.replace(second, status="released", released_quantity=Decimal("2.0000")),
    )
    shipments = (
        ShipmentRef("SH-000001", "delivered", date(2024, 3, 4), "DHL", "TRK-1", 8),
        ShipmentRef("SH-000002", "released", None, None, None, None),
    )
    invoices = (InvoiceRef("INV-000001", date(2024, 3, 5), "EUR", Decimal("29.75")),)
    return dataclasses.replace(
        order, lines=lines, findings=(), timeline=(), shipments=shipments, invoices=invoices
    )


def test_order_detail_table_shows_fulfilment_per_line_shipments_and_invoices() -> None:
    # given the order after its first shipment
    # when it is rendered for a person
    text = render_order_detail(shipped_detail())
    # then it is exactly the expected text
    assert text == expected("show_shipped.txt")


def test_order_detail_json_adds_fulfilment_without_changing_earlier_keys() -> None:
    # given the order after its first shipment; when turned into JSON
    data = json.loads(json.dumps(order_detail_json(shipped_detail())))
    # then the earlier keys are all there and shipments and invoices come beside them
    assert set(data) == {"order", "lines", "findings", "timeline", "shipments", "invoices"}
    assert data["lines"][0]["delivered_quantity"] == "10.0000"
    assert data["lines"][1]["released_quantity"] == "2.0000"
    assert data["shipments"][1] == {
        "number": "SH-000002",
        "status": "released",
        "ship_date": None,
        "carrier": None,
        "tracking_number": None,
        "notice_message_id": None,
    }
    assert data["invoices"] == [
        {
            "number": "INV-000001",
            "issue_date": "2024-03-05",
            "currency": "EUR",
            "gross_total": "29.75",
        }
    ]


def test_backlog_table_groups_customers_and_items_with_totals() -> None:
    # given a small backlog, aged on 1 April 2024
    report = backlog_report(backlog_lines(), date(2024, 4, 1))
    # when it is rendered with its lines
    text = render_backlog(report, with_lines=True)
    # then it is exactly the expected text
    assert text == expected("backlog.txt")


def test_empty_backlog_says_so() -> None:
    # given no open backorders
    report = backlog_report([], date(2024, 4, 1))
    # then people read a sentence and scripts an empty list of groups
    assert render_backlog(report) == "no open backorders"
    assert backlog_json(report)["groups"] == []


def test_order_detail_json_has_decimals_as_strings_and_iso_dates_with_offset() -> None:
    # given the hand-made order
    # when it is turned into JSON (and through the json module, as printed)
    data = json.loads(json.dumps(order_detail_json(detail())))
    # then it has its parts, decimals as strings and ISO dates and datetimes
    assert set(data) == {"order", "lines", "findings", "timeline", "shipments", "invoices"}
    assert (data["shipments"], data["invoices"]) == ([], [])
    assert data["order"]["created_at"] == "2024-03-01T08:00:00+00:00"
    assert data["order"]["order_date"] == "2024-02-29"
    assert data["lines"][1]["backordered_quantity"] == "3.0000"
    assert data["lines"][1]["confirmed_price"] == "31.250000"
    assert data["findings"][1]["line_number"] is None
    assert [e["kind"] for e in data["timeline"]] == ["message", "event", "event", "message"]
    assert data["timeline"][3]["ack_status"] == "pending"


def test_backlog_json_lists_groups_totals_and_lines() -> None:
    # given the small backlog
    report = backlog_report(backlog_lines(), date(2024, 4, 1))
    # when turned into JSON
    data = json.loads(json.dumps(backlog_json(report)))
    # then the first group carries its buckets as quantity and value strings
    first = data["groups"][0]
    assert (first["customer"], first["item"], first["currency"]) == ("C-100", "SKU-1", "EUR")
    assert (first["lines"], first["quantity"], first["value"]) == (2, "72", "187.50")
    assert first["buckets"]["15-30"] == {"lines": 1, "quantity": "36", "value": "93.75"}
    assert first["buckets"]["0-7"] == {"lines": 1, "quantity": "36", "value": "93.75"}
    assert first["buckets"]["8-14"] == {"lines": 0, "quantity": "0", "value": "0.00"}
    # and the grand totals are per currency
    assert [(t["currency"], t["value"]) for t in data["totals"]] == [
        ("EUR", "375.00"),
        ("USD", "12.30"),
    ]
    # and every line is there with its days late
    assert [(x["order_number"], x["days_late"]) for x in data["lines"]] == [
        ("PO-4711", 22),
        ("PO-4712", 7),
        ("US-1", 61),
        ("PO-4713", 22),
        ("G-9", None),
    ]


def test_order_list_table_and_json() -> None:
    # given one held order with a long hold reason and one without priced confirmations
    held = OrderSummary(
        id=9,
        partner="ACME",
        customer_id=None,
        order_number="PO-9",
        order_date=date(2024, 3, 2),
        status="on_hold",
        lines=3,
        backordered_lines=0,
        value=None,
        currency="EUR",
        hold_reason="customer unknown: buyer GLN 4012345000009 is in no customer record",
        created_at=at(5),
    )
    confirmed = OrderSummary(
        id=8,
        partner="ACME",
        customer_id="C-100",
        order_number="PO-8",
        order_date=None,
        status="backordered",
        lines=2,
        backordered_lines=1,
        value=Decimal("181.25"),
        currency="EUR",
        hold_reason=None,
        created_at=at(4),
    )
    # when rendered
    text = render_orders([held, confirmed])
    # then the table has one row per order, the hold reason cut short, the value with currency
    assert text.splitlines() == [
        "ID  PARTNER  CUSTOMER  NUMBER  DATE        STATUS       LINES  BACKORDERED  VALUE"
        "       HOLD REASON",
        "9   ACME     -         PO-9    2024-03-02  on_hold      3      0            -"
        "           customer unknown: buyer GLN 401234500...",
        "8   ACME     C-100     PO-8    -           backordered  2      1            181.25 EUR  -",
    ]
    assert render_orders([]) == "no orders"
    assert orders_json([confirmed])[0]["value"] == "181.25"


@pytest.mark.parametrize(
    ("value", "text"),
    [("12.5000", "12.5"), ("60.000000", "60"), ("0.0000", "0"), ("100", "100")],
)
def test_quantities_print_without_trailing_zeros(value: str, text: str) -> None:
    # given a quantity at the column's scale; then it prints without trailing zeros
    assert quantity_text(Decimal(value)) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [("12.500000", "12.50"), ("0.123456", "0.123456"), ("3.000000", "3.00"), (None, "-")],
)
def test_prices_print_with_at_least_two_decimals(value: str | None, text: str) -> None:
    # given a price at the column's scale; then it prints with two decimals, or more if needed
    assert price_text(None if value is None else Decimal(value)) == text
