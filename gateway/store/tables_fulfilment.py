"""Tables of fulfilment: shipments with their pick lines and cartons, pick lists, invoices.

A shipment is what one release sends from one warehouse for one order; its lines say which
order line is taken from which bin, and its cartons (each with an SSCC) what is packed where.
Numbers of shipments, pick lists and invoices, and SSCC serials, come from `control_numbers`
counters taken inside the same transaction, so a rolled-back step leaves no gap.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.store.tables import Base, ExactDecimal, UTCDateTime
from gateway.store.tables_orders import MONEY, QUANTITY


class PickListRow(Base):
    """One pick list: the lines of the shipments released together, by warehouse and bin."""

    __tablename__ = "pick_lists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(100))


class ShipmentRow(Base):
    """What one release sends from a warehouse for one order, from release to delivery."""

    __tablename__ = "shipments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    partner: Mapped[str] = mapped_column(String(100))
    warehouse: Mapped[str] = mapped_column(String(60))
    # released, picked, packed, shipped, delivered, cancelled
    status: Mapped[str] = mapped_column(String(20), index=True)
    pick_list_id: Mapped[int | None] = mapped_column(ForeignKey("pick_lists.id"))
    test: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    carrier: Mapped[str | None] = mapped_column(String(60))
    service: Mapped[str | None] = mapped_column(String(60))
    tracking_number: Mapped[str | None] = mapped_column(String(60))
    ship_date: Mapped[date | None] = mapped_column(Date)
    weight_kg: Mapped[Decimal | None] = mapped_column(ExactDecimal(*QUANTITY))
    delivered_on: Mapped[date | None] = mapped_column(Date)
    received_by: Mapped[str | None] = mapped_column(String(100))
    delivery_note: Mapped[str | None] = mapped_column(Text)
    # The outbound ship notice (DESADV, 856) sent when the shipment was confirmed.
    notice_message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))


class ShipmentLineRow(Base):
    """A quantity of one order line taken from one bin; picked and shipped quantities follow.

    Quantities are in the order line's ordered unit (the line's `factor` converts to base
    units for stock).
    """

    __tablename__ = "shipment_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), index=True)
    line_number: Mapped[str] = mapped_column(String(20))
    sku: Mapped[str] = mapped_column(String(60))
    bin: Mapped[str] = mapped_column(String(60))
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal(*QUANTITY))
    picked_quantity: Mapped[Decimal | None] = mapped_column(ExactDecimal(*QUANTITY))
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), index=True)


class CartonRow(Base):
    """A packed carton of a shipment, identified by its SSCC-18 (GS1 AI 00)."""

    __tablename__ = "cartons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    sscc: Mapped[str] = mapped_column(String(18), unique=True)
    weight_kg: Mapped[Decimal | None] = mapped_column(ExactDecimal(*QUANTITY))


class CartonLineRow(Base):
    """How much of one order line is in a carton (ordered unit)."""

    __tablename__ = "carton_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    carton_id: Mapped[int] = mapped_column(ForeignKey("cartons.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"))
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal(*QUANTITY))


class InvoiceRow(Base):
    """An invoice the gateway issued: its totals for lists and the journal, and the document."""

    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    partner: Mapped[str] = mapped_column(String(100))
    customer_id: Mapped[str | None] = mapped_column(String(60))
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    lines_total: Mapped[Decimal] = mapped_column(ExactDecimal(*MONEY))
    charges_total: Mapped[Decimal] = mapped_column(ExactDecimal(*MONEY))
    net_total: Mapped[Decimal] = mapped_column(ExactDecimal(*MONEY))
    tax_total: Mapped[Decimal] = mapped_column(ExactDecimal(*MONEY))
    gross_total: Mapped[Decimal] = mapped_column(ExactDecimal(*MONEY))
    test: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    # The canonical Invoice (JSON) exactly as it was sent.
    document: Mapped[Any] = mapped_column(JSON)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))

    __table_args__ = (Index(None, "issue_date"),)
