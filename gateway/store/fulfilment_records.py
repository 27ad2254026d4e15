"""Frozen records of fulfilment the read queries hand out: shipments, cartons, invoices.

Quantities are in each order line's ordered unit; amounts are in the invoice's currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from gateway.model.documents import Invoice

# The stages of a shipment, in the order it goes through them (tables_fulfilment.ShipmentRow).
SHIPMENT_STATUSES = ("released", "picked", "packed", "shipped", "delivered", "cancelled")


@dataclass(frozen=True)
class MessageState:
    """Where an outbound document (ship notice, invoice) stands, and the partner's answer."""

    id: int
    message_type: str | None
    stage: str
    status: str
    ack_status: str | None


@dataclass(frozen=True)
class ShipmentRef:
    """A shipment as another record mentions it: number, stage, how and when it left."""

    number: str
    status: str
    ship_date: date | None
    carrier: str | None
    tracking_number: str | None
    notice_message_id: int | None


@dataclass(frozen=True)
class InvoiceRef:
    """An invoice as another record mentions it: number, date and what is payable."""

    number: str
    issue_date: date
    currency: str
    gross_total: Decimal


@dataclass(frozen=True)
class ShipmentSummary:
    """One row of `gateway shipments list`."""

    number: str
    order_id: int
    order_number: str
    partner: str
    warehouse: str
    status: str
    test: bool
    cartons: int
    # Picked once the warehouse confirmed the pick, released before.
    quantity: Decimal
    carrier: str | None
    tracking_number: str | None
    ship_date: date | None
    delivered_on: date | None
    invoices: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True)
class ShipmentLineDetail:
    """A quantity of one order line taken from one bin: released, then what was picked."""

    line_number: str
    sku: str
    bin: str
    uom: str | None
    released: Decimal
    picked: Decimal | None


@dataclass(frozen=True)
class CartonContent:
    """How much of one order line is in a carton."""

    line_number: str
    sku: str | None
    quantity: Decimal


@dataclass(frozen=True)
class CartonDetail:
    """A packed carton: its place in the shipment, its SSCC-18 (GS1 AI 00), weight, contents."""

    sequence: int
    sscc: str
    weight_kg: Decimal | None
    contents: tuple[CartonContent, ...]


@dataclass(frozen=True)
class ShipmentDetail:
    """One shipment in full: lines, cartons, carrier, delivery, ship notice and invoices."""

    summary: ShipmentSummary
    pick_list: str | None
    service: str | None
    weight_kg: Decimal | None
    received_by: str | None
    delivery_note: str | None
    updated_at: datetime
    lines: tuple[ShipmentLineDetail, ...]
    cartons: tuple[CartonDetail, ...]
    notice: MessageState | None
    invoices: tuple[InvoiceRef, ...]


@dataclass(frozen=True)
class InvoiceSummary:
    """One row of `gateway invoices list`."""

    number: str
    issue_date: date
    due_date: date | None
    partner: str
    customer_id: str | None
    order_id: int
    order_number: str
    currency: str
    net_total: Decimal
    tax_total: Decimal
    gross_total: Decimal
    test: bool
    message: MessageState | None


@dataclass(frozen=True)
class InvoiceDetail:
    """One invoice: its summary, the canonical Invoice as sent, and the shipments it bills."""

    summary: InvoiceSummary
    invoice: Invoice
    shipments: tuple[ShipmentRef, ...]
