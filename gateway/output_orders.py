"""What `gateway orders list|show` print: tables for people, JSON for scripts.

The `render_*` functions return the text (tests compare it to expected files); the `print_*`
functions choose between it and JSON. In JSON, decimals are strings, dates and datetimes ISO
8601 (datetimes with their UTC offset).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from gateway.model.codec import to_json
from gateway.orders.amounts import money_text, quantity_text
from gateway.output import _table
from gateway.store import OrderRecord
from gateway.store.fulfilment_records import InvoiceRef, ShipmentRef
from gateway.store.order_queries import (
    OrderDetail,
    OrderFinding,
    OrderLineDetail,
    OrderSummary,
    TimelineEntry,
)

NONE = "-"
HOLD_REASON_WIDTH = 40


def _text(value: object) -> str:
    """A cell, whole on one line: "-" for nothing, dates ISO, datetimes to the second (UTC)."""
    if value is None or value == "":
        return NONE
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M:%S}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return quantity_text(value)
    return " ".join(str(value).split())


def price_text(value: Decimal | None) -> str:
    """A price with at least two decimals and no trailing zeros beyond ("0.123456", "12.50")."""
    return NONE if value is None else money_text(value)


def _short(text: str | None, width: int) -> str:
    if not text:
        return NONE
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 3] + "..."


# -- orders list ------------------------------------------------------------------------------

LIST_HEADERS = (
    "ID",
    "PARTNER",
    "CUSTOMER",
    "NUMBER",
    "DATE",
    "STATUS",
    "LINES",
    "BACKORDERED",
    "VALUE",
    "HOLD REASON",
)


def render_orders(summaries: Sequence[OrderSummary]) -> str:
    """The order list as a table, or "no orders"."""
    if not summaries:
        return "no orders"
    rows = [_summary_row(s) for s in summaries]
    return _table(LIST_HEADERS, rows)


def _summary_row(s: OrderSummary) -> list[str]:
    value = NONE if s.value is None else f"{s.value} {s.currency or ''}".rstrip()
    return [
        str(s.id),
        s.partner,
        _text(s.customer_id),
        _text(s.order_number),
        _text(s.order_date),
        s.status,
        str(s.lines),
        str(s.backordered_lines),
        value,
        _short(s.hold_reason, HOLD_REASON_WIDTH),
    ]


def orders_json(summaries: Sequence[OrderSummary]) -> list[dict[str, Any]]:
    """The order list as JSON objects."""
    return [to_json(s) for s in summaries]


def print_orders(summaries: Sequence[OrderSummary], as_json: bool) -> None:
    """The order list for a person, or JSON for a script."""
    if as_json:
        print(json.dumps(orders_json(summaries), indent=2))
    else:
        print(render_orders(summaries))


# -- orders show ------------------------------------------------------------------------------


def render_order_detail(detail: OrderDetail) -> str:
    """One order: header, lines, fulfilment, shipments, invoices, findings and timeline."""
    order = detail.order
    parts = [f"order {order.id}: {order.order_number} ({order.status})", _header(order)]
    parts.append("lines:\n" + _lines_table(detail.lines) if detail.lines else "lines: none")
    parts += _fulfilment(detail)
    parts.append(
        "findings:\n" + _findings_table(detail.findings) if detail.findings else "findings: none"
    )
    parts.append(
        "timeline:\n" + _timeline_table(detail.timeline) if detail.timeline else "timeline: none"
    )
    return "\n\n".join(parts)


def _party(party_id: str | None, scheme: str | None = None, name: str | None = None) -> str:
    text = " ".join(p for p in (party_id, f"({scheme})" if scheme else None, name) if p)
    return text or NONE


def _header(order: OrderRecord) -> str:
    fields = (
        ("PARTNER", order.partner),
        ("CUSTOMER", order.customer_id or "unknown"),
        ("NUMBER", order.order_number),
        ("ORDER DATE", order.order_date),
        ("STATUS", order.status),
        ("HOLD REASON", order.hold_reason),
        ("CURRENCY", order.currency),
        ("REQUESTED", order.requested_delivery_date),
        ("BUYER", _party(order.buyer_id, order.buyer_scheme, order.buyer_name)),
        ("SELLER", order.seller_id),
        ("SHIP TO", order.ship_to_id),
        ("BILL TO", order.bill_to_id),
        ("WAREHOUSE", order.warehouse),
        ("TEST", "yes" if order.test else "no"),
        ("RESPONSES", str(order.responses_sent)),
        ("MESSAGE", str(order.message_id)),
        ("CREATED", order.created_at),
        ("UPDATED", order.updated_at),
    )
    return "\n".join(f"{label:<12} {_text(value)}" for label, value in fields)


LINE_HEADERS = (
    "LINE",
    "SKU",
    "GTIN",
    "BUYER PART",
    "ORDERED",
    "CONFIRMED",
    "ALLOCATED",
    "BACKORDERED",
    "BUYER PRICE",
    "OUR PRICE",
    "REQUESTED",
    "PROMISED",
    "STATE",
    "TOLD",
    "REASON",
)


def _lines_table(lines: Sequence[OrderLineDetail]) -> str:
    return _table(LINE_HEADERS, [_line_row(line) for line in lines])


def _line_row(line: OrderLineDetail) -> list[str]:
    ordered = f"{quantity_text(line.quantity)} {line.uom or ''}".rstrip()
    return [
        line.line_number,
        _text(line.sku),
        _text(line.gtin),
        _text(line.buyer_part),
        ordered,
        _text(line.confirmed_quantity),
        _text(line.allocated_quantity),
        _text(line.backordered_quantity),
        price_text(line.unit_price),
        price_text(line.confirmed_price),
        _text(line.requested_delivery_date),
        _text(line.promised_date),
        line.status,
        _text(line.response_status),
        _text(line.reason_code),
    ]


FULFILMENT_HEADERS = ("LINE", "ORDERED", "RELEASED", "SHIPPED", "DELIVERED", "INVOICED")


def _fulfilment(detail: OrderDetail) -> list[str]:
    """What the warehouse and billing did with the order: per line, shipments, invoices."""
    moved = [line for line in detail.lines if any(_fulfilled(line))]
    rows = [
        [line.line_number, f"{quantity_text(line.quantity)} {line.uom or ''}".rstrip()]
        + [quantity_text(q) for q in _fulfilled(line)]
        for line in detail.lines
    ]
    return [
        "fulfilment:\n" + _table(FULFILMENT_HEADERS, rows) if moved else "fulfilment: none",
        "shipments:\n" + shipment_refs_table(detail.shipments)
        if detail.shipments
        else "shipments: none",
        "invoices:\n" + invoice_refs_table(detail.invoices)
        if detail.invoices
        else "invoices: none",
    ]


def _fulfilled(line: OrderLineDetail) -> tuple[Decimal, ...]:
    return (
        line.released_quantity,
        line.shipped_quantity,
        line.delivered_quantity,
        line.invoiced_quantity,
    )


def invoice_refs_table(invoices: Sequence[InvoiceRef]) -> str:
    """Invoices mentioned by a shipment or an order: number, date, what is payable."""
    rows = [
        [i.number, _text(i.issue_date), f"{money_text(i.gross_total)} {i.currency}"]
        for i in invoices
    ]
    return _table(("INVOICE", "ISSUED", "GROSS"), rows)


def shipment_refs_table(shipments: Sequence[ShipmentRef]) -> str:
    """Shipments mentioned by an order or an invoice: stage, how and when they left."""
    rows = [
        [
            s.number,
            s.status,
            _text(s.ship_date),
            _text(s.carrier),
            _text(s.tracking_number),
            _text(s.notice_message_id),
        ]
        for s in shipments
    ]
    return _table(("SHIPMENT", "STATUS", "SHIPPED", "CARRIER", "TRACKING", "NOTICE MESSAGE"), rows)


def _findings_table(findings: Sequence[OrderFinding]) -> str:
    rows = [
        [f.line_number or "order", f.effect, f.code, " ".join(f.text.split())] for f in findings
    ]
    return _table(("LINE", "EFFECT", "CODE", "TEXT"), rows)


TIMELINE_HEADERS = ("WHEN", "ENTRY", "LINE", "WHAT", "STAGE/STATUS", "ACK", "MESSAGE", "REASON")


def _timeline_table(timeline: Sequence[TimelineEntry]) -> str:
    return _table(TIMELINE_HEADERS, [_timeline_row(entry) for entry in timeline])


def _timeline_row(entry: TimelineEntry) -> list[str]:
    when = _text(entry.at)
    if entry.kind == "event":
        change = f"{entry.from_status or NONE} -> {entry.to_status or NONE}"
        reason = " ".join((entry.reason or "").split()) or NONE
        return [
            when,
            f"event ({entry.actor})",
            entry.line_number or "order",
            change,
            "",
            "",
            "",
            reason,
        ]
    kind = " ".join(p for p in (entry.message_type, entry.document_type) if p) or NONE
    what = f"{kind} {entry.number}" if entry.number else kind
    direction = {"in": "inbound", "out": "outbound"}.get(entry.direction or "", NONE)
    return [
        when,
        direction,
        "",
        what,
        f"{entry.stage}/{entry.status}",
        _text(entry.ack_status),
        str(entry.message_id),
        "",
    ]


def order_detail_json(detail: OrderDetail) -> dict[str, Any]:
    """{"order", "lines", "findings", "timeline", "shipments", "invoices"}, each JSON."""
    return {
        "order": to_json(detail.order),
        "lines": to_json(detail.lines),
        "findings": to_json(detail.findings),
        "timeline": to_json(detail.timeline),
        "shipments": to_json(detail.shipments),
        "invoices": to_json(detail.invoices),
    }


def print_order_detail(detail: OrderDetail, as_json: bool) -> None:
    """One order for a person, or JSON for a script."""
    if as_json:
        print(json.dumps(order_detail_json(detail), indent=2))
    else:
        print(render_order_detail(detail))


# -- backlog ----------------------------------------------------------------------------------
