"""Read queries on fulfilment for people and the accounting export: shipments and invoices.

Every function takes a SQLAlchemy Session (`Store.read()`) and returns frozen records; no
SQLAlchemy object leaves this module. Quantities are in each order line's ordered unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from gateway.model.codec import document_from_json
from gateway.model.documents import Invoice
from gateway.store.fulfilment_records import (
    CartonContent,
    CartonDetail,
    InvoiceDetail,
    InvoiceRef,
    InvoiceSummary,
    MessageState,
    ShipmentDetail,
    ShipmentLineDetail,
    ShipmentRef,
    ShipmentSummary,
)
from gateway.store.tables import MessageRow, OrderLineRow, OrderRow
from gateway.store.tables_fulfilment import (
    CartonLineRow,
    CartonRow,
    InvoiceRow,
    PickListRow,
    ShipmentLineRow,
    ShipmentRow,
)

ZERO = Decimal(0)


# -- shipments --------------------------------------------------------------------------------


def list_shipments(
    session: Session,
    *,
    status: str | None = None,
    order_id: int | None = None,
    partner: str | None = None,
    limit: int = 100,
) -> list[ShipmentSummary]:
    """Shipments matching every filter given, newest first, at most `limit`."""
    query = _shipments_with_order()
    for column, wanted in (
        (ShipmentRow.status, status),
        (ShipmentRow.order_id, order_id),
        (ShipmentRow.partner, partner),
    ):
        if wanted is not None:
            query = query.where(column == wanted)
    rows = session.execute(query.order_by(ShipmentRow.id.desc()).limit(limit)).all()
    return _summaries(session, rows)


def shipment_detail(session: Session, number: str) -> ShipmentDetail | None:
    """The shipment with this number in full, or None."""
    query = _shipments_with_order().where(ShipmentRow.number == number.strip())
    found = session.execute(query).one_or_none()
    if found is None:
        return None
    shipment = found[0]
    pick_list = session.get(PickListRow, shipment.pick_list_id) if shipment.pick_list_id else None
    return ShipmentDetail(
        summary=_summaries(session, [found])[0],
        pick_list=pick_list.number if pick_list else None,
        service=shipment.service,
        weight_kg=shipment.weight_kg,
        received_by=shipment.received_by,
        delivery_note=shipment.delivery_note,
        updated_at=shipment.updated_at,
        lines=_shipment_lines(session, shipment.id),
        cartons=_cartons(session, shipment.id),
        notice=_message_state(session, shipment.notice_message_id),
        invoices=_invoice_refs(
            session,
            InvoiceRow.id.in_(
                select(ShipmentLineRow.invoice_id).where(ShipmentLineRow.shipment_id == shipment.id)
            ),
        ),
    )


def order_shipments(session: Session, order_id: int) -> tuple[ShipmentRef, ...]:
    """The shipments of one order, oldest first."""
    query = select(ShipmentRow).where(ShipmentRow.order_id == order_id)
    return _shipment_refs(session.scalars(query.order_by(ShipmentRow.id)))


def order_invoices(session: Session, order_id: int) -> tuple[InvoiceRef, ...]:
    """The invoices of one order, oldest first."""
    return _invoice_refs(session, InvoiceRow.order_id == order_id)


def _shipments_with_order() -> Select[ShipmentRow, str]:
    return select(ShipmentRow, OrderRow.order_number).join(
        OrderRow, OrderRow.id == ShipmentRow.order_id
    )


def _summaries(session: Session, rows: Sequence[tuple[ShipmentRow, str]]) -> list[ShipmentSummary]:
    ids = [shipment.id for shipment, _ in rows]
    cartons = _carton_counts(session, ids)
    quantities = _quantities(session, ids)
    invoices = _invoice_numbers(session, ids)
    return [
        ShipmentSummary(
            number=shipment.number,
            order_id=shipment.order_id,
            order_number=order_number,
            partner=shipment.partner,
            warehouse=shipment.warehouse,
            status=shipment.status,
            test=shipment.test,
            cartons=cartons.get(shipment.id, 0),
            quantity=quantities.get(shipment.id, ZERO),
            carrier=shipment.carrier,
            tracking_number=shipment.tracking_number,
            ship_date=shipment.ship_date,
            delivered_on=shipment.delivered_on,
            invoices=tuple(invoices.get(shipment.id, ())),
            created_at=shipment.created_at,
        )
        for shipment, order_number in rows
    ]


def _carton_counts(session: Session, ids: Sequence[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    query = select(CartonRow.shipment_id).where(CartonRow.shipment_id.in_(ids))
    for shipment_id in session.scalars(query):
        counts[shipment_id] = counts.get(shipment_id, 0) + 1
    return counts


def _quantities(session: Session, ids: Sequence[int]) -> dict[int, Decimal]:
    # Summed here, not in SQL: SQLite would sum the NUMERIC column as a float.
    totals: dict[int, Decimal] = {}
    query = select(
        ShipmentLineRow.shipment_id, ShipmentLineRow.quantity, ShipmentLineRow.picked_quantity
    ).where(ShipmentLineRow.shipment_id.in_(ids))
    for shipment_id, released, picked in session.execute(query):
        taken = released if picked is None else picked
        totals[shipment_id] = totals.get(shipment_id, ZERO) + taken
    return totals


def _invoice_numbers(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    query = (
        select(ShipmentLineRow.shipment_id, InvoiceRow.number)
        .join(InvoiceRow, InvoiceRow.id == ShipmentLineRow.invoice_id)
        .where(ShipmentLineRow.shipment_id.in_(ids))
        .distinct()
        .order_by(InvoiceRow.number)
    )
    numbers: dict[int, list[str]] = {}
    for shipment_id, number in session.execute(query):
        numbers.setdefault(shipment_id, []).append(number)
    return numbers


def _shipment_lines(session: Session, shipment_id: int) -> tuple[ShipmentLineDetail, ...]:
    query = (
        select(ShipmentLineRow, OrderLineRow.uom)
        .join(OrderLineRow, OrderLineRow.id == ShipmentLineRow.order_line_id)
        .where(ShipmentLineRow.shipment_id == shipment_id)
        .order_by(ShipmentLineRow.order_line_id, ShipmentLineRow.bin, ShipmentLineRow.id)
    )
    return tuple(
        ShipmentLineDetail(
            line_number=line.line_number,
            sku=line.sku,
            bin=line.bin,
            uom=uom,
            released=line.quantity,
            picked=line.picked_quantity,
        )
        for line, uom in session.execute(query)
    )


def _cartons(session: Session, shipment_id: int) -> tuple[CartonDetail, ...]:
    cartons = session.scalars(
        select(CartonRow).where(CartonRow.shipment_id == shipment_id).order_by(CartonRow.sequence)
    ).all()
    query = (
        select(
            CartonLineRow.carton_id,
            OrderLineRow.line_number,
            OrderLineRow.sku,
            CartonLineRow.quantity,
        )
        .join(OrderLineRow, OrderLineRow.id == CartonLineRow.order_line_id)
        .where(CartonLineRow.carton_id.in_([carton.id for carton in cartons]))
        .order_by(CartonLineRow.id)
    )
    # One entry per order line and carton, in the order packed (bins merged).
    packed: dict[int, dict[tuple[str, str | None], Decimal]] = {}
    for carton_id, line_number, sku, quantity in session.execute(query):
        lines = packed.setdefault(carton_id, {})
        lines[line_number, sku] = lines.get((line_number, sku), ZERO) + quantity
    return tuple(
        CartonDetail(
            c.sequence,
            c.sscc,
            c.weight_kg,
            tuple(CartonContent(n, sku, q) for (n, sku), q in packed.get(c.id, {}).items()),
        )
        for c in cartons
    )


def _message_state(session: Session, message_id: int | None) -> MessageState | None:
    message = session.get(MessageRow, message_id) if message_id is not None else None
    return None if message is None else _state(message)


def _state(message: MessageRow) -> MessageState:
    return MessageState(
        id=message.id,
        message_type=message.message_type,
        stage=message.stage,
        status=message.status,
        ack_status=message.ack_status,
    )


def _shipment_refs(shipments: Iterable[ShipmentRow]) -> tuple[ShipmentRef, ...]:
    return tuple(
        ShipmentRef(
            number=s.number,
            status=s.status,
            ship_date=s.ship_date,
            carrier=s.carrier,
            tracking_number=s.tracking_number,
            notice_message_id=s.notice_message_id,
        )
        for s in shipments
    )


def _invoice_refs(session: Session, which: ColumnElement[bool]) -> tuple[InvoiceRef, ...]:
    query = select(InvoiceRow).where(which)
    rows = session.scalars(query.order_by(InvoiceRow.issue_date, InvoiceRow.number))
    return tuple(
        InvoiceRef(row.number, row.issue_date, row.currency, row.gross_total) for row in rows
    )


# -- invoices ---------------------------------------------------------------------------------


def list_invoices(
    session: Session,
    *,
    partner: str | None = None,
    customer: str | None = None,
    issued_from: date | None = None,
    issued_to: date | None = None,
    limit: int = 100,
) -> list[InvoiceSummary]:
    """Invoices matching every filter given (dates inclusive), newest first, at most `limit`."""
    query = _invoices_with_order()
    if partner is not None:
        query = query.where(InvoiceRow.partner == partner)
    if customer is not None:
        query = query.where(InvoiceRow.customer_id == customer)
    if issued_from is not None:
        query = query.where(InvoiceRow.issue_date >= issued_from)
    if issued_to is not None:
        query = query.where(InvoiceRow.issue_date <= issued_to)
    query = query.order_by(InvoiceRow.issue_date.desc(), InvoiceRow.number.desc()).limit(limit)
    return [_invoice_summary(*row) for row in session.execute(query)]


def invoice_detail(session: Session, number: str) -> InvoiceDetail | None:
    """The invoice with this number, its canonical document and its shipments, or None."""
    query = _invoices_with_order().where(InvoiceRow.number == number.strip())
    found = session.execute(query).one_or_none()
    if found is None:
        return None
    row = found[0]
    billed = select(ShipmentLineRow.shipment_id).where(ShipmentLineRow.invoice_id == row.id)
    shipments = session.scalars(
        select(ShipmentRow).where(ShipmentRow.id.in_(billed)).order_by(ShipmentRow.number)
    )
    return InvoiceDetail(
        summary=_invoice_summary(*found),
        invoice=stored_invoice(row),
        shipments=_shipment_refs(shipments),
    )


def invoices_for_journal(
    session: Session, issued_from: date, issued_to: date
) -> list[tuple[str, Invoice]]:
    """(customer, invoice) of the invoices issued in the period (inclusive), test ones left out.

    The customer is the master-data customer, or "partner:<partner>" when it was unknown.
    """
    query = (
        select(InvoiceRow)
        .where(
            InvoiceRow.issue_date >= issued_from,
            InvoiceRow.issue_date <= issued_to,
            InvoiceRow.test.is_(False),
        )
        .order_by(InvoiceRow.issue_date, InvoiceRow.number)
    )
    return [
        (row.customer_id or f"partner:{row.partner}", stored_invoice(row))
        for row in session.scalars(query)
    ]


def stored_invoice(row: InvoiceRow) -> Invoice:
    """The canonical Invoice kept with an invoice row, exactly as it was sent."""
    invoice = document_from_json("invoice", row.document)
    if not isinstance(invoice, Invoice):
        raise TypeError(f"invoice {row.number}: the stored document is a {type(invoice).__name__}")
    return invoice


def _invoices_with_order() -> Select[InvoiceRow, str, MessageRow]:
    return (
        select(InvoiceRow, OrderRow.order_number, MessageRow)
        .join(OrderRow, OrderRow.id == InvoiceRow.order_id)
        .outerjoin(MessageRow, MessageRow.id == InvoiceRow.message_id)
    )


def _invoice_summary(
    row: InvoiceRow, order_number: str, message: MessageRow | None
) -> InvoiceSummary:
    return InvoiceSummary(
        number=row.number,
        issue_date=row.issue_date,
        due_date=row.due_date,
        partner=row.partner,
        customer_id=row.customer_id,
        order_id=row.order_id,
        order_number=order_number,
        currency=row.currency,
        net_total=row.net_total,
        tax_total=row.tax_total,
        gross_total=row.gross_total,
        test=row.test,
        message=None if message is None else _state(message),
    )
