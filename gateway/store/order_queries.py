"""Read queries on orders for people: the order list, one order in full, the open backorders.

Every function takes a SQLAlchemy Session (`Store.read()`) and returns frozen records; no
SQLAlchemy object leaves this module.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.orders.backlog_report import BacklogLine
from gateway.orders.states import LineState, OrderStatus
from gateway.store.fulfilment_queries import order_invoices, order_shipments
from gateway.store.fulfilment_records import InvoiceRef, ShipmentRef
from gateway.store.records import OrderRecord
from gateway.store.tables import MessageRow, OrderLineRow, OrderRow
from gateway.store.tables_orders import OrderEventRow, OrderFindingRow

CENT = Decimal("0.01")
# Orders whose backorders nobody waits for any more.
CLOSED_ORDER_STATUSES = (OrderStatus.REJECTED.value, OrderStatus.CANCELLED.value)


@dataclass(frozen=True)
class OrderFilter:
    """Which orders `list_orders` returns; None means any."""

    status: str | None = None
    partner: str | None = None
    customer: str | None = None
    number: str | None = None
    limit: int = 50


@dataclass(frozen=True)
class OrderSummary:
    """One row of `gateway orders list`."""

    id: int
    partner: str
    customer_id: str | None
    order_number: str
    order_date: date | None
    status: str
    lines: int
    backordered_lines: int
    # Confirmed quantity at our price, else the buyer's (None: nothing confirmed has a price).
    value: Decimal | None
    currency: str | None
    hold_reason: str | None
    created_at: datetime


@dataclass(frozen=True)
class OrderLineDetail:
    """Every column of an order line; quantities are in the ordered unit."""

    id: int
    line_number: str
    gtin: str | None
    buyer_part: str | None
    seller_part: str | None
    sku: str | None
    description: str | None
    quantity: Decimal
    uom: str | None
    factor: Decimal
    unit_price: Decimal | None
    confirmed_price: Decimal | None
    confirmed_quantity: Decimal | None
    allocated_quantity: Decimal
    backordered_quantity: Decimal
    requested_delivery_date: date | None
    promised_date: date | None
    status: str
    response_status: str | None
    reason_code: str | None
    # Fulfilment: with the warehouse and not yet shipped, shipped, delivered, invoiced.
    released_quantity: Decimal
    shipped_quantity: Decimal
    delivered_quantity: Decimal
    invoiced_quantity: Decimal


@dataclass(frozen=True)
class OrderFinding:
    """What a check found on the order (line_number None) or a line, and its effect."""

    line_number: str | None
    code: str
    effect: str
    text: str
    at: datetime


@dataclass(frozen=True)
class TimelineEntry:
    """An order event (kind "event") or a message of the order (kind "message"), in time."""

    kind: str
    at: datetime
    # event
    line_number: str | None = None
    actor: str | None = None
    from_status: str | None = None
    to_status: str | None = None
    reason: str | None = None
    # message
    message_id: int | None = None
    direction: str | None = None
    message_type: str | None = None
    document_type: str | None = None
    number: str | None = None
    stage: str | None = None
    status: str | None = None
    ack_status: str | None = None


@dataclass(frozen=True)
class OrderDetail:
    """One order in full: header, lines, findings, timeline, and its shipments and invoices."""

    order: OrderRecord
    lines: tuple[OrderLineDetail, ...]
    findings: tuple[OrderFinding, ...]
    timeline: tuple[TimelineEntry, ...]
    shipments: tuple[ShipmentRef, ...] = ()
    invoices: tuple[InvoiceRef, ...] = ()


def list_orders(session: Session, flt: OrderFilter) -> list[OrderSummary]:
    """Orders matching the filter, newest first, at most `flt.limit`, with their line totals."""
    query = select(OrderRow)
    for column, wanted in (
        (OrderRow.status, flt.status),
        (OrderRow.partner, flt.partner),
        (OrderRow.customer_id, flt.customer),
        (OrderRow.order_number, flt.number),
    ):
        if wanted is not None:
            query = query.where(column == wanted)
    orders = list(session.scalars(query.order_by(OrderRow.id.desc()).limit(flt.limit)))
    lines = _lines_by_order(session, [order.id for order in orders])
    return [_summary(order, lines.get(order.id, [])) for order in orders]


def order_detail(session: Session, order_id: int) -> OrderDetail | None:
    """The order with this id in full, or None."""
    order = session.get(OrderRow, order_id)
    if order is None:
        return None
    lines = session.scalars(
        select(OrderLineRow).where(OrderLineRow.order_id == order_id).order_by(OrderLineRow.id)
    )
    findings = session.scalars(
        select(OrderFindingRow)
        .where(OrderFindingRow.order_id == order_id)
        .order_by(OrderFindingRow.at, OrderFindingRow.id)
    )
    return OrderDetail(
        order=_copy(OrderRecord, order),
        lines=tuple(_copy(OrderLineDetail, line) for line in lines),
        findings=tuple(_copy(OrderFinding, finding) for finding in findings),
        timeline=_timeline(session, order),
        shipments=order_shipments(session, order_id),
        invoices=order_invoices(session, order_id),
    )


def backlog_lines(session: Session) -> list[BacklogLine]:
    """Open backordered lines: state backordered, quantity left, order not rejected/cancelled."""
    query = (
        select(OrderLineRow, OrderRow)
        .join(OrderRow, OrderRow.id == OrderLineRow.order_id)
        .where(
            OrderLineRow.status == LineState.BACKORDERED.value,
            OrderLineRow.backordered_quantity > 0,
            OrderRow.status.not_in(CLOSED_ORDER_STATUSES),
            # A test order's lines hold no stock and never wait (see order_catalog).
            OrderRow.test.is_(False),
        )
        .order_by(OrderRow.id, OrderLineRow.id)
    )
    return [_backlog_line(line, order) for line, order in session.execute(query)]


def _lines_by_order(session: Session, order_ids: Sequence[int]) -> dict[int, list[OrderLineRow]]:
    if not order_ids:
        return {}
    query = select(OrderLineRow).where(OrderLineRow.order_id.in_(order_ids))
    found: dict[int, list[OrderLineRow]] = {order_id: [] for order_id in order_ids}
    for line in session.scalars(query.order_by(OrderLineRow.id)):
        found[line.order_id].append(line)
    return found


def _summary(order: OrderRow, lines: Sequence[OrderLineRow]) -> OrderSummary:
    priced = [
        line.confirmed_quantity * price
        for line in lines
        if line.confirmed_quantity is not None and (price := _price(line)) is not None
    ]
    value = sum(priced, Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP) if priced else None
    backordered = [
        line
        for line in lines
        if line.status == LineState.BACKORDERED.value and line.backordered_quantity > 0
    ]
    return OrderSummary(
        id=order.id,
        partner=order.partner,
        customer_id=order.customer_id,
        order_number=order.order_number,
        order_date=order.order_date,
        status=order.status,
        lines=len(lines),
        backordered_lines=len(backordered),
        value=value,
        currency=order.currency,
        hold_reason=order.hold_reason,
        created_at=order.created_at,
    )


def _price(line: OrderLineRow) -> Decimal | None:
    """Our confirmed price, else the buyer's."""
    return line.confirmed_price if line.confirmed_price is not None else line.unit_price


# Same instant: the inbound order first, then what the engine did, then what it sent.
_INBOUND, _EVENT, _OUTBOUND = 0, 1, 2


def _timeline(session: Session, order: OrderRow) -> tuple[TimelineEntry, ...]:
    ranked: list[tuple[datetime, int, int, TimelineEntry]] = []
    events = session.scalars(select(OrderEventRow).where(OrderEventRow.order_id == order.id))
    for event in events:
        ranked.append((event.at, _EVENT, event.id, _event_entry(event)))
    messages = session.scalars(
        select(MessageRow).where(
            (MessageRow.id == order.message_id) | (MessageRow.order_id == order.id)
        )
    )
    for message in messages:
        rank = _INBOUND if message.id == order.message_id else _OUTBOUND
        ranked.append((message.created_at, rank, message.id, _message_entry(message, order)))
    ranked.sort(key=lambda entry: entry[:3])
    return tuple(entry for *_, entry in ranked)


def _event_entry(event: OrderEventRow) -> TimelineEntry:
    return TimelineEntry(
        kind="event",
        at=event.at,
        line_number=event.line_number,
        actor=event.actor,
        from_status=event.from_status,
        to_status=event.to_status,
        reason=event.reason,
    )


def _message_entry(message: MessageRow, order: OrderRow) -> TimelineEntry:
    # The inbound message carries the order itself: its number is the order number.
    inbound = message.id == order.message_id
    number = message.document_ref or (order.order_number if inbound else None)
    return TimelineEntry(
        kind="message",
        at=message.created_at,
        message_id=message.id,
        direction=message.direction,
        message_type=message.message_type,
        document_type=message.document_type,
        number=number,
        stage=message.stage,
        status=message.status,
        ack_status=message.ack_status,
    )


def _backlog_line(line: OrderLineRow, order: OrderRow) -> BacklogLine:
    return BacklogLine(
        order_id=order.id,
        order_number=order.order_number,
        partner=order.partner,
        customer_id=order.customer_id,
        currency=order.currency,
        line_number=line.line_number,
        sku=line.sku,
        gtin=line.gtin,
        uom=line.uom,
        backordered_quantity=line.backordered_quantity,
        factor=line.factor,
        confirmed_price=line.confirmed_price,
        unit_price=line.unit_price,
        line_requested_date=line.requested_delivery_date,
        order_requested_date=order.requested_delivery_date,
        promised_date=line.promised_date,
    )


def _copy(record_type: type[Any], row: object) -> Any:
    return record_type(**{f.name: getattr(row, f.name) for f in dataclasses.fields(record_type)})


def order_status_counts(session: Session) -> dict[str, int]:
    """How many orders stand in each status."""
    query = select(OrderRow.status, func.count()).group_by(OrderRow.status)
    return {str(status): int(count) for status, count in session.execute(query)}
