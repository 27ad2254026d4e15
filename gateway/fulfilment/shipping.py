"""A shipment's steps after release: picked, packed into cartons with SSCCs, shipped, delivered.

Each step checks the shipment is where the step expects it, so a confirmation given twice
(the same warehouse file dropped again) is refused and does nothing twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.config_fulfilment import Company
from gateway.errors import BusinessRuleError
from gateway.fulfilment.lines import ZERO, restate_line
from gateway.fulfilment.packing import (
    PackingPlan,
    PackingRules,
    PackItem,
    pack_by_rules,
    pack_explicit,
)
from gateway.fulfilment.sscc import check_sscc, sscc
from gateway.orders.amounts import quantity_text
from gateway.orders.states import LineState
from gateway.store.fulfilment_store import cartons, next_number, shipment_lines
from gateway.store.order_state import change_stock, settle_order
from gateway.store.tables import OrderLineRow, OrderRow
from gateway.store.tables_fulfilment import CartonLineRow, CartonRow, ShipmentLineRow, ShipmentRow
from gateway.store.tables_orders import CarrierRow, ItemRow


@dataclass(frozen=True)
class Step:
    """Who does a step, when, in which session."""

    session: Session
    now: datetime
    actor: str


@dataclass(frozen=True)
class GivenCarton:
    """A carton as a person or the warehouse packed it: quantities per line number."""

    lines: Mapping[str, Decimal]
    weight_kg: Decimal | None = None
    sscc: str | None = None


@dataclass(frozen=True)
class Packing:
    """A packing plan as carried out: the cartons' SSCCs in carton order."""

    plan: PackingPlan
    ssccs: tuple[str, ...]


@dataclass(frozen=True)
class ShipDetails:
    """How a shipment left: carrier (our carrier id), service, tracking number, date, weight."""

    carrier: str
    tracking_number: str | None = None
    service: str | None = None
    ship_date: date | None = None
    weight_kg: Decimal | None = None


def expect_status(shipment: ShipmentRow, wanted: str, step: str) -> None:
    """Refuse a step on a shipment that is not at the stage the step follows."""
    if shipment.status != wanted:
        raise BusinessRuleError(
            f"shipment {shipment.number} cannot be {step}: it is {shipment.status}, "
            f"and only a {wanted} shipment can be"
        )


def pick(step: Step, shipment: ShipmentRow, picked: Mapping[str, Decimal] | None) -> list[str]:
    """Confirm what was picked, per line number (None: everything in full); sentences of the
    short picks. A short pick corrects the bin's stock and sends the rest back to the backlog."""
    expect_status(shipment, "released", "picked")
    lines = _live_lines(step, shipment)
    by_number = _by_line_number(lines)
    if picked is not None:
        _check_picked(shipment, by_number, picked)
    notes: list[str] = []
    for number, rows in by_number.items():
        released = sum((row.quantity for row in rows), ZERO)
        got = released if picked is None else picked[number]
        _spread(rows, got)
        if got < released:
            notes.append(_short(step, shipment, rows, released - got))
    shipment.status = "picked" if any(row.picked_quantity for row in lines) else "cancelled"
    shipment.updated_at = step.now
    return notes


def pack(
    step: Step,
    shipment: ShipmentRow,
    company: Company,
    rules: PackingRules,
    given: Sequence[GivenCarton] | None = None,
) -> Packing:
    """Pack a picked shipment by the rules or as given; every carton gets an SSCC-18."""
    expect_status(shipment, "picked", "packed")
    lines = [row for row in _live_lines(step, shipment) if row.picked_quantity]
    if not lines:
        _cancel(step, shipment)
        warning = (
            f"every line of {shipment.number} was cancelled after it was picked: nothing is "
            "packed, the shipment is cancelled and its goods go back to their bins"
        )
        return Packing(PackingPlan((), (warning,)), ())
    items = _pack_items(step.session, lines)
    if given is None:
        plan = pack_by_rules(items, rules)
    else:
        plan = pack_explicit(items, [carton.lines for carton in given], rules)
    ids = {item.line_number: item.line_id for item in items}
    ssccs: list[str] = []
    for index, planned in enumerate(plan.cartons):
        told = given[index] if given is not None else None
        carton = CartonRow(
            shipment_id=shipment.id,
            sequence=index + 1,
            sscc=_carton_sscc(step.session, company, told.sscc if told else None),
            weight_kg=told.weight_kg if told and told.weight_kg is not None else planned.weight_kg,
        )
        step.session.add(carton)
        step.session.flush()
        ssccs.append(carton.sscc)
        for line in planned.lines:
            step.session.add(
                CartonLineRow(
                    carton_id=carton.id,
                    order_line_id=ids[line.line_number],
                    quantity=line.quantity,
                )
            )
    shipment.status = "packed"
    shipment.updated_at = step.now
    return Packing(plan, tuple(ssccs))


def ship(step: Step, shipment: ShipmentRow, details: ShipDetails) -> bool:
    """Confirm a packed shipment left: stock leaves its bins, lines count it shipped. False
    when every line was cancelled since packing: then the shipment is cancelled instead."""
    expect_status(shipment, "packed", "shipped")
    carrier = step.session.get(CarrierRow, details.carrier.strip())
    if carrier is None:
        known = ", ".join(sorted(step.session.scalars(select(CarrierRow.id)))) or "none"
        raise BusinessRuleError(
            f"carrier {details.carrier!r} is not in carriers.csv (known: {known})"
        )
    order = step.session.get_one(OrderRow, shipment.order_id)
    live = _live_lines(step, shipment)
    if not any(row.picked_quantity for row in live):
        _cancel(step, shipment)
        return False
    for row in live:
        _ship_line(step, shipment, row)
    boxes = cartons(step.session, shipment.id)
    shipment.carrier = carrier.id
    shipment.service = details.service or carrier.service
    shipment.tracking_number = details.tracking_number
    shipment.ship_date = details.ship_date or step.now.date()
    shipment.weight_kg = details.weight_kg or sum(
        (carton.weight_kg or ZERO for carton, _lines in boxes), ZERO
    )
    shipment.status = "shipped"
    shipment.updated_at = step.now
    settle_order(
        step.session, order, actor=step.actor, at=step.now, reason=f"{shipment.number} shipped"
    )
    return True


def deliver(
    step: Step,
    shipment: ShipmentRow,
    delivered_on: date,
    received_by: str | None = None,
    note: str | None = None,
) -> None:
    """Proof of delivery: the shipment's lines count delivered; a finished order may close."""
    expect_status(shipment, "shipped", "delivered")
    order = step.session.get_one(OrderRow, shipment.order_id)
    for row in shipment_lines(step.session, shipment.id):
        line = step.session.get_one(OrderLineRow, row.order_line_id, with_for_update=True)
        line.delivered_quantity += row.picked_quantity or ZERO
        restate_line(step.session, line, step.now, step.actor, f"delivered ({shipment.number})")
    shipment.status = "delivered"
    shipment.delivered_on = delivered_on
    shipment.received_by = received_by
    shipment.delivery_note = note
    shipment.updated_at = step.now
    settle_order(
        step.session, order, actor=step.actor, at=step.now, reason=f"{shipment.number} delivered"
    )


def _cancel(step: Step, shipment: ShipmentRow) -> None:
    """Nothing of the shipment is to go any more: it no longer holds stock in its bins."""
    shipment.status = "cancelled"
    shipment.updated_at = step.now


def _live_lines(step: Step, shipment: ShipmentRow) -> list[ShipmentLineRow]:
    """The shipment's lines, less those of order lines cancelled since the release."""
    live = []
    for row in shipment_lines(step.session, shipment.id):
        line = step.session.get_one(OrderLineRow, row.order_line_id)
        if line.status == LineState.CANCELLED.value:
            row.quantity = ZERO
            row.picked_quantity = ZERO
            continue
        live.append(row)
    return live


def _by_line_number(lines: Sequence[ShipmentLineRow]) -> dict[str, list[ShipmentLineRow]]:
    grouped: dict[str, list[ShipmentLineRow]] = {}
    for row in lines:
        grouped.setdefault(row.line_number, []).append(row)
    return grouped


def _check_picked(
    shipment: ShipmentRow,
    by_number: Mapping[str, list[ShipmentLineRow]],
    picked: Mapping[str, Decimal],
) -> None:
    problems = [
        f"line {number} is not in shipment {shipment.number} "
        f"(its lines: {', '.join(by_number) or 'none'})"
        for number in picked
        if number not in by_number
    ]
    for number, rows in by_number.items():
        released = sum((row.quantity for row in rows), ZERO)
        if number not in picked:
            problems.append(f"line {number} ({quantity_text(released)} released) is not confirmed")
        elif not ZERO <= picked[number] <= released:
            problems.append(
                f"line {number}: picked {quantity_text(picked[number])}, but "
                f"{quantity_text(released)} was released; expected 0 to {quantity_text(released)}"
            )
    if problems:
        raise BusinessRuleError(f"pick of {shipment.number} refused: " + "; ".join(problems))


def _spread(rows: Sequence[ShipmentLineRow], got: Decimal) -> None:
    """Record a line's picked quantity over its bins, in the order they were listed."""
    left = got
    for row in rows:
        row.picked_quantity = min(row.quantity, left)
        left -= row.picked_quantity


def _short(
    step: Step, shipment: ShipmentRow, rows: Sequence[ShipmentLineRow], short: Decimal
) -> str:
    """A short pick: the bins held less than the books said. Their stock is corrected and the
    missing quantity waits in the backlog for the next arrival."""
    line = step.session.get_one(OrderLineRow, rows[0].order_line_id, with_for_update=True)
    reason = f"short pick on {shipment.number}: {quantity_text(short)} not found"
    for row in rows:
        missing = row.quantity - (row.picked_quantity or ZERO)
        if missing <= ZERO:
            continue
        change_stock(
            step.session,
            row.sku,
            (shipment.warehouse, row.bin),
            -missing * line.factor,
            "pick_short",
            step.actor,
            step.now,
            reference=shipment.number,
            reason=reason,
        )
    line.released_quantity -= short
    line.allocated_quantity -= short
    line.backordered_quantity += short
    restate_line(step.session, line, step.now, step.actor, reason)
    return f"line {line.line_number}: {reason}; it waits in the backlog"


def _pack_items(session: Session, lines: Sequence[ShipmentLineRow]) -> list[PackItem]:
    """What to pack per order line, in the ordered unit (a case is never split)."""
    quantities: dict[int, Decimal] = {}
    for row in lines:
        quantities[row.order_line_id] = quantities.get(row.order_line_id, ZERO) + (
            row.picked_quantity or ZERO
        )
    items = []
    for line_id, quantity in quantities.items():
        line = session.get_one(OrderLineRow, line_id)
        item = session.get(ItemRow, line.sku)
        weight = item.weight_kg * line.factor if item and item.weight_kg is not None else None
        items.append(
            PackItem(
                line_id=line_id,
                line_number=line.line_number,
                sku=line.sku or "",
                quantity=quantity,
                unit_weight_kg=weight,
                ships_alone=bool(item and item.ships_alone),
            )
        )
    return items


def _carton_sscc(session: Session, company: Company, given: str | None) -> str:
    """The warehouse's own SSCC when it printed one, else the next of our serial range."""
    if given is not None:
        try:
            check_sscc(given)
        except ValueError as exc:
            raise BusinessRuleError(str(exc)) from exc
        taken = session.scalars(select(CartonRow.id).where(CartonRow.sscc == given)).first()
        if taken is not None:
            raise BusinessRuleError(f"SSCC {given} is already on another carton")
        return given
    serial = next_number(session, "sscc")
    return sscc(company.sscc_extension, company.gs1_company_prefix, serial)


def _ship_line(step: Step, shipment: ShipmentRow, row: ShipmentLineRow) -> None:
    """Stock leaves the bin; the order line counts the quantity shipped."""
    quantity = row.picked_quantity or ZERO
    if quantity <= ZERO:
        return
    line = step.session.get_one(OrderLineRow, row.order_line_id, with_for_update=True)
    change_stock(
        step.session,
        row.sku,
        (shipment.warehouse, row.bin),
        -quantity * line.factor,
        "ship",
        step.actor,
        step.now,
        reference=shipment.number,
        reason=f"shipped for order line {line.line_number}",
    )
    line.allocated_quantity -= quantity
    line.released_quantity -= quantity
    line.shipped_quantity += quantity
    restate_line(step.session, line, step.now, step.actor, f"shipped ({shipment.number})")
