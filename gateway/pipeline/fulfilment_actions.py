"""Fulfilment steps as ops, the warehouse and the scheduler drive them, one transaction each.

A step and what it sends commit together: the ship notice is queued in the transaction that
confirms the shipment, and a per-shipment invoice with it. Printable documents (pick lists,
labels) are written to the warehouse outbox after the commit; they are derived from the
store, so a failed write is logged and `gateway shipments labels` writes labels again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from gateway.app import Gateway
from gateway.config_partners import InvoicePolicy
from gateway.fulfilment.billing import Billed, bill
from gateway.fulfilment.label_data import shipment_labels
from gateway.fulfilment.notices import ship_notice
from gateway.fulfilment.packing import PackingRules
from gateway.fulfilment.release import Released, release
from gateway.fulfilment.shipping import (
    GivenCarton,
    Packing,
    ShipDetails,
    Step,
    deliver,
    pack,
    pick,
    ship,
)
from gateway.pipeline.order_responses import Outgoing, queue_document
from gateway.store import MessageRecord, UnitOfWork
from gateway.store.fulfilment_store import shipment_by_number
from gateway.store.tables import OrderRow
from gateway.store.tables_fulfilment import ShipmentRow
from gateway.transport.local import write_whole

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReleaseOutcome:
    """A release: its shipments, why orders stayed, and the pick list files written."""

    released: Released
    files: tuple[Path, ...]


@dataclass(frozen=True)
class Invoiced:
    """An invoice written and the outbound message that carries it (None: partner takes none)."""

    billed: Billed
    message: MessageRecord | None


@dataclass(frozen=True)
class Shipped:
    """A confirmed shipment: its ship notice message, the invoices it made, the label files."""

    shipment: str
    notice: MessageRecord | None
    invoices: tuple[Invoiced, ...]
    files: tuple[Path, ...]
    # Every line of its order was cancelled after packing: cancelled, not shipped.
    cancelled: bool = False


def release_orders(gateway: Gateway, order_ids: Sequence[int] | None, actor: str) -> ReleaseOutcome:
    """Release allocated lines of these orders (None: of every order) to the warehouse."""
    with gateway.store.unit_of_work() as uow:
        released = release(uow.session, uow.now(), actor, order_ids, _partial(gateway))
    files: tuple[Path, ...] = ()
    if released.pick_list is not None:
        # Imported here: reportlab takes a quarter of a second, which no other command needs.
        from gateway.fulfilment.pick_list import pick_list_csv, pick_list_pdf

        outbox = gateway.settings.fulfilment.warehouse_outbox
        number = released.pick_list.number
        files = _write(outbox / f"{number}.pdf", pick_list_pdf(released.pick_list)) + _write(
            outbox / f"{number}.csv", pick_list_csv(released.pick_list).encode("utf-8")
        )
        log.info("pick list %s: shipments %s", number, ", ".join(released.shipments))
    return ReleaseOutcome(released, files)


def pick_shipment(
    gateway: Gateway, number: str, picked: Mapping[str, Decimal] | None, actor: str
) -> list[str]:
    """Confirm a shipment's pick (None: all in full); the short picks in sentences."""
    with gateway.store.unit_of_work() as uow:
        return pick(_step(uow, actor), shipment_by_number(uow.session, number), picked)


def pack_shipment(
    gateway: Gateway, number: str, given: Sequence[GivenCarton] | None, actor: str
) -> tuple[Packing, tuple[Path, ...]]:
    """Pack a picked shipment (by the rules, or as given) and write its labels."""
    with gateway.store.unit_of_work() as uow:
        plan = pack_in(gateway, uow, number, given, actor)
    return plan, write_labels(gateway, number)


def pack_in(
    gateway: Gateway, uow: UnitOfWork, number: str, given: Sequence[GivenCarton] | None, actor: str
) -> Packing:
    """Pack a shipment in the caller's transaction (labels are the caller's to write)."""
    shipment = shipment_by_number(uow.session, number)
    return pack(_step(uow, actor), shipment, gateway.settings.company, _rules(gateway), given)


def ship_shipment(gateway: Gateway, number: str, details: ShipDetails, actor: str) -> Shipped:
    """Confirm a shipment left: stock out, ship notice queued, invoiced when per shipment."""
    with gateway.store.unit_of_work() as uow:
        shipped = ship_in(gateway, uow, number, details, actor)
    if shipped.cancelled:
        return shipped
    return Shipped(number, shipped.notice, shipped.invoices, write_labels(gateway, number))


def ship_in(
    gateway: Gateway, uow: UnitOfWork, number: str, details: ShipDetails, actor: str
) -> Shipped:
    """Ship in the caller's transaction: a picked shipment is packed by the rules first."""
    step = _step(uow, actor)
    shipment = shipment_by_number(uow.session, number)
    if shipment.status == "picked":
        pack(step, shipment, gateway.settings.company, _rules(gateway))
    if not ship(step, shipment, details):
        log.warning("shipment %s: its order was cancelled, so it is cancelled", number)
        return Shipped(number, None, (), (), cancelled=True)
    notice = _queue_notice(gateway, uow, shipment, actor)
    invoices = _bill(gateway, uow, actor, shipment=shipment.number)
    return Shipped(number, notice, tuple(invoices), ())


def deliver_shipment(
    gateway: Gateway,
    number: str,
    delivered_on: date | None,
    actor: str,
    *,
    received_by: str | None = None,
    note: str | None = None,
) -> str:
    """Record proof of delivery; the order's status after it (closed when also invoiced)."""
    with gateway.store.unit_of_work() as uow:
        shipment = shipment_by_number(uow.session, number)
        when = delivered_on or uow.now().date()
        deliver(_step(uow, actor), shipment, when, received_by, note)
        return uow.session.get_one(OrderRow, shipment.order_id).status


def run_invoices(gateway: Gateway, as_of: date, actor: str) -> list[Invoiced]:
    """Invoice every shipped, uninvoiced line whose partner's invoicing is due on `as_of`."""
    with gateway.store.unit_of_work() as uow:
        return _bill(gateway, uow, actor, as_of=as_of)


def write_labels(gateway: Gateway, number: str) -> tuple[Path, ...]:
    """Write a shipment's carton labels (PDF and ZPL) to the warehouse outbox."""
    with gateway.store.read() as session:
        shipment = shipment_by_number(session, number)
        labels = shipment_labels(session, shipment, gateway.settings.company)
    if not labels:
        return ()
    from gateway.fulfilment.labels import label_pdf, label_zpl  # reportlab: see release_orders

    outbox = gateway.settings.fulfilment.warehouse_outbox
    return _write(outbox / f"{number}-labels.pdf", label_pdf(labels)) + _write(
        outbox / f"{number}-labels.zpl", label_zpl(labels).encode("utf-8")
    )


def _bill(
    gateway: Gateway,
    uow: UnitOfWork,
    actor: str,
    *,
    as_of: date | None = None,
    shipment: str | None = None,
) -> list[Invoiced]:
    billed = bill(
        uow.session,
        uow.now(),
        actor,
        company=gateway.settings.company,
        policy_of=lambda partner: _policy(gateway, partner),
        as_of=as_of or uow.now().date(),
        shipment=shipment,
    )
    return [Invoiced(one, _queue_invoice(gateway, uow, one, actor)) for one in billed]


def _queue_notice(
    gateway: Gateway, uow: UnitOfWork, shipment: ShipmentRow, actor: str
) -> MessageRecord | None:
    partner = gateway.settings.partners.get(shipment.partner)
    if partner is None:
        return None
    spec = partner.outbound_for("ship_notice")
    notice = ship_notice(
        uow.session,
        shipment,
        gateway.settings.company,
        prefer_scac=spec is not None and spec.standard == "X12",
        today=uow.now().date(),
    )
    order = uow.session.get_one(OrderRow, shipment.order_id)
    message = queue_document(
        uow,
        partner,
        notice,
        Outgoing(
            order_id=order.id,
            parent_id=order.message_id,
            test=shipment.test,
            reference=shipment.number,
            reason=f"ship notice {shipment.number} for order {order.order_number}",
        ),
        actor=actor,
    )
    if message is not None:
        shipment.notice_message_id = message.id
    return message


def _queue_invoice(
    gateway: Gateway, uow: UnitOfWork, billed: Billed, actor: str
) -> MessageRecord | None:
    partner = gateway.settings.partners.get(billed.row.partner)
    if partner is None:
        return None
    order = uow.session.get_one(OrderRow, billed.order_id)
    message = queue_document(
        uow,
        partner,
        billed.invoice,
        Outgoing(
            order_id=order.id,
            parent_id=order.message_id,
            test=billed.row.test,
            reference=billed.row.number,
            reason=f"invoice {billed.row.number} for order {order.order_number}",
        ),
        actor=actor,
    )
    if message is not None:
        billed.row.message_id = message.id
    return message


def _policy(gateway: Gateway, partner_id: str) -> InvoicePolicy | None:
    partner = gateway.settings.partners.get(partner_id)
    return partner.invoices if partner is not None else None


def _partial(gateway: Gateway) -> Callable[[str], bool]:
    def allowed(partner_id: str) -> bool:
        partner = gateway.settings.partners.get(partner_id)
        return partner.orders.partial_shipments if partner is not None else True

    return allowed


def _rules(gateway: Gateway) -> PackingRules:
    settings = gateway.settings.fulfilment
    return PackingRules(
        max_weight_kg=settings.max_carton_weight_kg, tare_kg=settings.carton_tare_kg
    )


def _step(uow: UnitOfWork, actor: str) -> Step:
    return Step(uow.session, uow.now(), actor)


def _write(path: Path, data: bytes) -> tuple[Path, ...]:
    """Write a printable document whole; () when it cannot be written. The step it belongs to
    has committed already, so a full disk or a missing folder is logged, not raised."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return (write_whole(path, data),)
    except OSError as exc:
        log.error("cannot write %s (%s); the step itself is done", path, exc.strerror or exc)
        return ()
