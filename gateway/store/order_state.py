"""The order engine's writes: orders and lines with their history and findings, and stock."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.model import PurchaseOrder
from gateway.model.codec import to_json
from gateway.orders.amounts import quantity_text
from gateway.orders.port import Finding, OrderSource
from gateway.orders.states import LineState, OrderStatus, check_move, order_status
from gateway.store.tables import OrderLineRow, OrderRow
from gateway.store.tables_orders import (
    OrderEventRow,
    OrderFindingRow,
    ReplenishmentRow,
    StockLevelRow,
    StockMovementRow,
)
from gateway.store.unit_of_work import UnitOfWork


def record_order(uow: UnitOfWork, source: OrderSource, order: PurchaseOrder) -> OrderRow:
    """Store a received order, header and lines, as received (kept whole as JSON too)."""
    order_id = uow.add_order(source.message_id, source.partner, order, status="received")
    row = uow.session.get_one(OrderRow, order_id)
    row.test = source.test
    row.document = to_json(order)
    row.updated_at = uow.now()
    add_event(
        uow.session,
        row.id,
        None,
        (None, OrderStatus.RECEIVED),
        "runner",
        uow.now(),
        f"received in message {source.message_id}",
    )
    return row


def order_lines(session: Session, order_id: int) -> list[OrderLineRow]:
    """The lines of an order in the order they were received."""
    query = select(OrderLineRow).where(OrderLineRow.order_id == order_id).order_by(OrderLineRow.id)
    return list(session.scalars(query))


def add_event(  # noqa: PLR0917 - one history row
    session: Session,
    order_id: int,
    line_number: str | None,
    move: tuple[str | None, str | None],
    actor: str,
    at: datetime,
    reason: str = "",
) -> None:
    """Append one entry to an order's history."""
    session.add(
        OrderEventRow(
            order_id=order_id,
            line_number=line_number,
            at=at,
            actor=actor,
            from_status=move[0],
            to_status=move[1],
            reason=reason,
        )
    )


def add_findings(
    session: Session, order_id: int, findings: Iterable[Finding], at: datetime
) -> None:
    """Record findings not recorded before on this order (a re-check repeats the old ones)."""
    findings = list(findings)
    if not findings:
        return
    known = {
        (f.line_number, f.code, f.text)
        for f in session.scalars(
            select(OrderFindingRow).where(OrderFindingRow.order_id == order_id)
        )
    }
    for finding in findings:
        if (finding.line_number, finding.code, finding.text) in known:
            continue
        known.add((finding.line_number, finding.code, finding.text))
        session.add(
            OrderFindingRow(
                order_id=order_id,
                line_number=finding.line_number,
                code=finding.code,
                effect=finding.effect.value,
                text=finding.text,
                at=at,
            )
        )


def move_line(
    session: Session,
    line: OrderLineRow,
    state: LineState,
    *,
    actor: str,
    at: datetime,
    reason: str = "",
    **columns: Any,
) -> None:
    """Set a line's state (checked against the state machine) and columns; history if it moved."""
    before = LineState(line.status)
    check_move(before, state)
    for name, value in columns.items():
        setattr(line, name, value)
    line.status = state.value
    if before != state:
        add_event(session, line.order_id, line.line_number, (before, state), actor, at, reason)


def settle_order(
    session: Session,
    order: OrderRow,
    *,
    actor: str,
    at: datetime,
    reason: str = "",
    lines: Sequence[OrderLineRow] | None = None,
) -> OrderStatus:
    """Derive the order's status from its lines (all of them, read when not given)."""
    if lines is None:
        session.flush()
        lines = order_lines(session, order.id)
    status = order_status(LineState(line.status) for line in lines)
    if status is OrderStatus.DELIVERED and all(
        line.invoiced_quantity >= line.shipped_quantity for line in lines
    ):
        # Every live line delivered and all that shipped invoiced: nothing is left to do.
        status = OrderStatus.CLOSED
    set_order_status(session, order, status, actor=actor, at=at, reason=reason)
    return status


def set_order_status(
    session: Session,
    order: OrderRow,
    status: OrderStatus,
    *,
    actor: str,
    at: datetime,
    reason: str = "",
) -> None:
    """Move an order to a status, with a history entry when it changes."""
    if order.status != status.value:
        add_event(session, order.id, None, (order.status, status.value), actor, at, reason)
        order.status = status.value
    order.updated_at = at


def change_stock(  # noqa: PLR0917 - one stock movement
    session: Session,
    sku: str,
    place: tuple[str, str],
    delta: Decimal,
    kind: str,
    actor: str,
    at: datetime,
    reference: str | None = None,
    reason: str = "",
) -> Decimal:
    """Change on-hand stock of an item in a (warehouse, bin) and record the movement; new on hand.

    Raises ValueError when the bin would hold less than nothing.
    """
    warehouse, bin_ = place
    level = session.get(StockLevelRow, (sku, warehouse, bin_), with_for_update=True)
    before = level.on_hand if level is not None else Decimal(0)
    after = before + delta
    if after < 0:
        raise ValueError(
            f"{sku} in {warehouse}/{bin_} has {quantity_text(before)} on hand; "
            f"cannot take {quantity_text(abs(delta))}"
        )
    if level is None:
        level = StockLevelRow(sku=sku, warehouse=warehouse, bin=bin_, on_hand=after)
        session.add(level)
    level.on_hand = after
    session.add(
        StockMovementRow(
            at=at,
            actor=actor,
            kind=kind,
            sku=sku,
            warehouse=warehouse,
            bin=bin_,
            quantity=delta,
            reference=reference,
            reason=reason,
        )
    )
    return after


def consume_replenishments(
    session: Session, sku: str, warehouse: str, quantity: Decimal, reference: str | None
) -> Decimal:
    """Take arrived stock off what is expected: the named replenishment first, then by date."""
    query = select(ReplenishmentRow).where(
        ReplenishmentRow.sku == sku, ReplenishmentRow.warehouse == warehouse
    )
    rows = sorted(
        session.scalars(query),
        key=lambda r: (r.reference != reference or reference is None, r.expected_date, r.id),
    )
    left = quantity
    for row in rows:
        if left <= 0:
            break
        taken = min(row.quantity, left)
        left -= taken
        if taken == row.quantity:
            session.delete(row)
        else:
            row.quantity -= taken
    return quantity - left
