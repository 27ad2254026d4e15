"""Rows of fulfilment: numbers without gaps, shipments by number, bins with room, what to bill."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.errors import BusinessRuleError
from gateway.store.coordination import next_control_number
from gateway.store.tables import OrderLineRow, OrderRow
from gateway.store.tables_fulfilment import (
    CartonLineRow,
    CartonRow,
    ShipmentLineRow,
    ShipmentRow,
)
from gateway.store.tables_orders import StockLevelRow

# Counters of our own documents live beside the partners' control numbers, under no partner.
OWN = ""
# Shipments whose lines still hold stock in their bins (not shipped, not cancelled).
OPEN_SHIPMENTS = ("released", "picked", "packed")


def next_number(session: Session, kind: str) -> int:
    """The next value of one of our counters (shipment, pick_list, invoice, sscc).

    Taken in the caller's transaction: the counter row stays locked until it commits, and a
    rollback gives the number back, so invoice numbers have no gaps.
    """
    return next_control_number(session.connection(), OWN, kind, 1, None)


def numbered(prefix: str, value: int) -> str:
    """A document number such as SH-000012 (six digits, more when the counter grows)."""
    return f"{prefix}-{value:06d}"


def shipment_by_number(session: Session, number: str) -> ShipmentRow:
    """The shipment with this number, locked for the change at hand."""
    row = session.scalars(
        select(ShipmentRow).where(ShipmentRow.number == number.strip()).with_for_update()
    ).one_or_none()
    if row is None:
        raise BusinessRuleError(
            f"there is no shipment {number!r}; `gateway shipments list` shows the shipments"
        )
    return row


def shipment_lines(session: Session, shipment_id: int) -> list[ShipmentLineRow]:
    """A shipment's lines in order-line and bin order."""
    query = (
        select(ShipmentLineRow)
        .where(ShipmentLineRow.shipment_id == shipment_id)
        .order_by(ShipmentLineRow.order_line_id, ShipmentLineRow.bin)
    )
    return list(session.scalars(query))


def cartons(session: Session, shipment_id: int) -> list[tuple[CartonRow, list[CartonLineRow]]]:
    """A shipment's cartons in sequence, each with its lines."""
    rows = session.scalars(
        select(CartonRow).where(CartonRow.shipment_id == shipment_id).order_by(CartonRow.sequence)
    ).all()
    return [
        (
            row,
            list(
                session.scalars(
                    select(CartonLineRow)
                    .where(CartonLineRow.carton_id == row.id)
                    .order_by(CartonLineRow.id)
                )
            ),
        )
        for row in rows
    ]


def bins_with_room(session: Session, sku: str, warehouse: str) -> list[tuple[str, Decimal]]:
    """The bins holding an item, each with what open shipments have not already claimed
    (base units), fullest first so that a pick touches as few bins as possible."""
    levels = session.scalars(
        select(StockLevelRow).where(StockLevelRow.sku == sku, StockLevelRow.warehouse == warehouse)
    ).all()
    claimed = dict(
        session.execute(
            select(
                ShipmentLineRow.bin,
                func.sum(
                    func.coalesce(ShipmentLineRow.picked_quantity, ShipmentLineRow.quantity)
                    * OrderLineRow.factor
                ),
            )
            .join(ShipmentRow, ShipmentRow.id == ShipmentLineRow.shipment_id)
            .join(OrderLineRow, OrderLineRow.id == ShipmentLineRow.order_line_id)
            .where(
                ShipmentLineRow.sku == sku,
                ShipmentRow.warehouse == warehouse,
                ShipmentRow.status.in_(OPEN_SHIPMENTS),
            )
            .group_by(ShipmentLineRow.bin)
        ).all()
    )
    room = [(level.bin, level.on_hand - Decimal(claimed.get(level.bin) or 0)) for level in levels]
    return sorted(
        ((bin_, free) for bin_, free in room if free > 0), key=lambda pair: (-pair[1], pair[0])
    )


def releasable_orders(session: Session, order_ids: Sequence[int] | None) -> list[OrderRow]:
    """Orders with a line holding allocated stock not yet with the warehouse (no test orders)."""
    # By id from the lines, not DISTINCT rows: PostgreSQL cannot compare the JSON document.
    waiting = select(OrderLineRow.order_id).where(
        OrderLineRow.allocated_quantity > OrderLineRow.released_quantity
    )
    query = (
        select(OrderRow)
        .where(OrderRow.test.is_(False), OrderRow.id.in_(waiting))
        .order_by(OrderRow.id)
    )
    if order_ids is not None:
        query = query.where(OrderRow.id.in_(order_ids))
    return list(session.scalars(query))


def unbilled_lines(
    session: Session, shipment: str | None = None
) -> list[tuple[ShipmentLineRow, ShipmentRow]]:
    """Shipped or delivered shipment lines no invoice has taken yet (of one shipment, when
    named), oldest shipment first."""
    query = (
        select(ShipmentLineRow, ShipmentRow)
        .join(ShipmentRow, ShipmentRow.id == ShipmentLineRow.shipment_id)
        .where(
            ShipmentLineRow.invoice_id.is_(None),
            ShipmentRow.status.in_(("shipped", "delivered")),
            ShipmentRow.test.is_(False),
        )
        .order_by(ShipmentRow.id, ShipmentLineRow.id)
    )
    if shipment is not None:
        query = query.where(ShipmentRow.number == shipment)
    return [(line, ship) for line, ship in session.execute(query)]


def shipment_numbers(session: Session, status: str) -> list[str]:
    """The numbers of the shipments at one stage, oldest first (test shipments included)."""
    query = select(ShipmentRow.number).where(ShipmentRow.status == status).order_by(ShipmentRow.id)
    return list(session.scalars(query))


def shipment_status_counts(session: Session) -> dict[str, int]:
    """How many shipments are at each stage."""
    query = select(ShipmentRow.status, func.count()).group_by(ShipmentRow.status)
    return {str(status): int(count) for status, count in session.execute(query)}
