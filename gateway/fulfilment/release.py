"""Releasing allocated order lines to the warehouse: shipments, bins to pick from, a pick list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.fulfilment.documents_model import PickLine, PickList
from gateway.fulfilment.lines import ZERO, releasable, restate_line
from gateway.orders.amounts import quantity_text
from gateway.orders.states import LineState
from gateway.store.fulfilment_store import bins_with_room, next_number, numbered, releasable_orders
from gateway.store.order_state import settle_order
from gateway.store.tables import OrderLineRow, OrderRow
from gateway.store.tables_fulfilment import PickListRow, ShipmentLineRow, ShipmentRow
from gateway.store.tables_orders import ItemRow, WarehouseRow

# Lines whose allocated stock may go to the warehouse: ready ones, and the in-stock part of a
# backordered line when the partner takes partial shipments.
_RELEASABLE = (LineState.READY.value, LineState.BACKORDERED.value, LineState.RELEASED.value)


@dataclass(frozen=True)
class Released:
    """What one release did: the pick list of its shipments, and why orders were left out."""

    pick_list: PickList | None
    shipments: tuple[str, ...]
    skipped: tuple[str, ...]


def release(
    session: Session,
    now: datetime,
    actor: str,
    order_ids: Sequence[int] | None,
    partial_allowed: Callable[[str], bool],
) -> Released:
    """Release what is allocated and not yet with the warehouse, one shipment per order."""
    picks: list[PickLine] = []
    shipments: list[str] = []
    skipped: list[str] = []
    pick_list: PickListRow | None = None
    for order in releasable_orders(session, order_ids):
        lines = _locked_lines(session, order.id)
        if not any(_wanted(line) > ZERO for line in lines):
            continue  # a release running at the same time took it: nothing is left
        reason = _not_releasable(order, lines, partial_allowed(order.partner))
        if reason:
            skipped.append(f"order {order.id} ({order.order_number}): {reason}")
            continue
        if pick_list is None:
            pick_list = _new_pick_list(session, now, actor)
        shipment = _new_shipment(session, order, pick_list.id, now)
        taken = _release_lines(session, order, lines, shipment, now, actor)
        if not taken:
            session.delete(shipment)
            skipped.append(
                f"order {order.id} ({order.order_number}): no bin of warehouse "
                f"{order.warehouse} holds its allocated stock "
                "(`gateway masterdata show stock` lists the bins)"
            )
            continue
        picks += taken
        shipments.append(shipment.number)
    if pick_list is None or not picks:
        if pick_list is not None:
            session.delete(pick_list)  # no shipment made it: no empty pick list is left behind
        return Released(None, (), tuple(skipped))
    return Released(
        _pick_list_document(session, pick_list, picks), tuple(shipments), tuple(skipped)
    )


def _locked_lines(session: Session, order_id: int) -> list[OrderLineRow]:
    """The order's lines, locked and read afresh: a release of the same order running at the
    same time (PostgreSQL) waits here, then sees what the other one released."""
    query = (
        select(OrderLineRow)
        .where(OrderLineRow.order_id == order_id)
        .order_by(OrderLineRow.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(session.scalars(query))


def _wanted(line: OrderLineRow) -> Decimal:
    """What of a line is to go to the warehouse now."""
    if line.status not in _RELEASABLE or not line.sku:
        return ZERO
    return releasable(line.allocated_quantity, line.released_quantity)


def _not_releasable(order: OrderRow, lines: Sequence[OrderLineRow], partial: bool) -> str:
    if order.warehouse is None:
        return "no warehouse serves it"
    if order.status == "on_hold":
        return "it is on hold"
    waiting = [line.line_number for line in lines if line.status == LineState.BACKORDERED.value]
    if waiting and not partial:
        return (
            f"line(s) {', '.join(waiting)} still wait for stock and the partner takes whole "
            "orders only ([orders] partial_shipments = false)"
        )
    return ""


def _new_pick_list(session: Session, now: datetime, actor: str) -> PickListRow:
    row = PickListRow(
        number=numbered("PL", next_number(session, "pick_list")), created_at=now, actor=actor
    )
    session.add(row)
    session.flush()
    return row


def _new_shipment(
    session: Session, order: OrderRow, pick_list_id: int, now: datetime
) -> ShipmentRow:
    row = ShipmentRow(
        number=numbered("SH", next_number(session, "shipment")),
        order_id=order.id,
        partner=order.partner,
        warehouse=order.warehouse or "",
        status="released",
        pick_list_id=pick_list_id,
        test=order.test,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return row


def _release_lines(  # noqa: PLR0917 - one order's lines into its shipment
    session: Session,
    order: OrderRow,
    lines: Sequence[OrderLineRow],
    shipment: ShipmentRow,
    now: datetime,
    actor: str,
) -> list[PickLine]:
    picks: list[PickLine] = []
    for line in lines:
        wanted = _wanted(line)
        if wanted <= ZERO:
            continue
        taken = _take_from_bins(session, line, shipment, wanted)
        if not taken:
            continue
        total = sum((quantity for _bin, quantity in taken), ZERO)
        restate_line(
            session, line, now, actor, f"{quantity_text(total)} released in {shipment.number}"
        )
        picks += [_pick_line(session, order, line, shipment, one) for one in taken]
    if picks:
        settle_order(session, order, actor=actor, at=now, reason=f"released in {shipment.number}")
    return picks


def _take_from_bins(
    session: Session, line: OrderLineRow, shipment: ShipmentRow, wanted: Decimal
) -> list[tuple[str, Decimal]]:
    """Whole ordered units from the item's bins, fullest bin first."""
    taken: list[tuple[str, Decimal]] = []
    left = wanted
    for bin_, free_units in bins_with_room(session, line.sku or "", shipment.warehouse):
        if left <= ZERO:
            break
        fits = (free_units / line.factor).to_integral_value(rounding=ROUND_FLOOR)
        quantity = min(left, fits)
        if quantity <= ZERO:
            continue
        session.add(
            ShipmentLineRow(
                shipment_id=shipment.id,
                order_line_id=line.id,
                line_number=line.line_number,
                sku=line.sku or "",
                bin=bin_,
                quantity=quantity,
            )
        )
        taken.append((bin_, quantity))
        left -= quantity
    line.released_quantity += wanted - left
    return taken


def _pick_line(
    session: Session,
    order: OrderRow,
    line: OrderLineRow,
    shipment: ShipmentRow,
    taken: tuple[str, Decimal],
) -> PickLine:
    bin_, quantity = taken
    item = session.get(ItemRow, line.sku)
    return PickLine(
        warehouse=shipment.warehouse,
        bin=bin_,
        sku=line.sku or "",
        description=(item.description if item else None) or line.description or "",
        quantity=quantity,
        uom=line.uom or (item.base_uom if item else "EA"),
        order_number=order.order_number,
        line_number=line.line_number,
        shipment_number=shipment.number,
        gtin=(item.gtin if item else None) or line.gtin,
    )


def _pick_list_document(session: Session, row: PickListRow, picks: list[PickLine]) -> PickList:
    names = {
        warehouse: (found.name if (found := session.get(WarehouseRow, warehouse)) else warehouse)
        for warehouse in {pick.warehouse for pick in picks}
    }
    return PickList(
        number=row.number, created_at=row.created_at, lines=tuple(picks), warehouse_names=names
    )
