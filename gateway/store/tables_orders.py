"""Tables of the order engine: master data, stock, and what the engine found and did per order.

Master data tables (`md_*`) are replaced whole by `gateway masterdata import`; stock levels and
replenishments are changed by stock commands too, and every change is a stock movement.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from gateway.store.tables import Base, ExactDecimal, UTCDateTime

MONEY = (18, 2)
PRICE = (18, 6)
QUANTITY = (18, 4)


class CustomerRow(Base):
    """A customer (see `gateway.orders.masterdata.Customer`)."""

    __tablename__ = "md_customers"

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    partner: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str | None] = mapped_column(String(3))
    credit_limit: Mapped[Decimal | None] = mapped_column(ExactDecimal(*MONEY))
    open_balance: Mapped[Decimal] = mapped_column(ExactDecimal(*MONEY))
    payment_terms_days: Mapped[int | None] = mapped_column(Integer)
    payment_terms_text: Mapped[str | None] = mapped_column(String(200))
    tax_exempt: Mapped[bool] = mapped_column(Boolean)
    warehouse: Mapped[str | None] = mapped_column(String(60))
    street: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(60))
    country: Mapped[str | None] = mapped_column(String(2))


class CustomerIdentifierRow(Base):
    """An identifier that names a customer in partners' files."""

    __tablename__ = "md_customer_identifiers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer: Mapped[str] = mapped_column(String(60))
    value: Mapped[str] = mapped_column(String(60))
    scheme: Mapped[str | None] = mapped_column(String(20))

    __table_args__ = (Index(None, "value"),)


class ShipToRow(Base):
    """A delivery location of a customer."""

    __tablename__ = "md_ship_tos"

    customer: Mapped[str] = mapped_column(String(60), primary_key=True)
    location: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    street: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(60))
    country: Mapped[str | None] = mapped_column(String(2))


class ItemRow(Base):
    """An item (SKU)."""

    __tablename__ = "md_items"

    sku: Mapped[str] = mapped_column(String(60), primary_key=True)
    gtin: Mapped[str | None] = mapped_column(String(14))
    description: Mapped[str] = mapped_column(Text)
    base_uom: Mapped[str] = mapped_column(String(10))
    weight_kg: Mapped[Decimal | None] = mapped_column(ExactDecimal(*QUANTITY))
    tax_category: Mapped[str] = mapped_column(String(10))
    lead_time_days: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)
    ships_alone: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (Index(None, "gtin"),)


class ItemUnitRow(Base):
    """A unit an item is ordered in, with its number of base units."""

    __tablename__ = "md_item_units"

    sku: Mapped[str] = mapped_column(String(60), primary_key=True)
    uom: Mapped[str] = mapped_column(String(10), primary_key=True)
    factor: Mapped[Decimal] = mapped_column(ExactDecimal(*PRICE))


class BuyerPartRow(Base):
    """A customer's article number for one of our items."""

    __tablename__ = "md_buyer_parts"

    customer: Mapped[str] = mapped_column(String(60), primary_key=True)
    buyer_part: Mapped[str] = mapped_column(String(60), primary_key=True)
    sku: Mapped[str] = mapped_column(String(60))


class PriceRow(Base):
    """One price-list row (customer NULL: the default list)."""

    __tablename__ = "md_prices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(60))
    customer: Mapped[str | None] = mapped_column(String(60))
    currency: Mapped[str] = mapped_column(String(3))
    min_quantity: Mapped[Decimal] = mapped_column(ExactDecimal(*QUANTITY))
    uom: Mapped[str | None] = mapped_column(String(10))
    unit_price: Mapped[Decimal] = mapped_column(ExactDecimal(*PRICE))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (Index(None, "sku", "customer"),)


class TaxRateRow(Base):
    """A tax rate by category, country and region (NULL: the whole country)."""

    __tablename__ = "md_tax_rates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(10))
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str | None] = mapped_column(String(60))
    rate: Mapped[Decimal] = mapped_column(ExactDecimal(7, 4))


class WarehouseRow(Base):
    """A warehouse."""

    __tablename__ = "md_warehouses"

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    street: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))


class BinRow(Base):
    """A bin inside a warehouse."""

    __tablename__ = "md_bins"

    warehouse: Mapped[str] = mapped_column(String(60), primary_key=True)
    bin: Mapped[str] = mapped_column(String(60), primary_key=True)


class CarrierRow(Base):
    """A carrier."""

    __tablename__ = "md_carriers"

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    scac: Mapped[str | None] = mapped_column(String(4))
    gln: Mapped[str | None] = mapped_column(String(13))
    service: Mapped[str | None] = mapped_column(String(60))


class StockLevelRow(Base):
    """On hand of an item in one bin, in base units."""

    __tablename__ = "stock_levels"

    sku: Mapped[str] = mapped_column(String(60), primary_key=True)
    warehouse: Mapped[str] = mapped_column(String(60), primary_key=True)
    bin: Mapped[str] = mapped_column(String(60), primary_key=True)
    on_hand: Mapped[Decimal] = mapped_column(ExactDecimal(*QUANTITY))


class ReplenishmentRow(Base):
    """Stock still expected (quantity is what has not arrived yet)."""

    __tablename__ = "replenishments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(60))
    warehouse: Mapped[str] = mapped_column(String(60))
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal(*QUANTITY))
    expected_date: Mapped[date] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(60))

    __table_args__ = (Index(None, "sku", "warehouse"),)


class StockMovementRow(Base):
    """One change of on-hand stock (import, receipt, adjustment), signed, with who and why."""

    __tablename__ = "stock_movements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    sku: Mapped[str] = mapped_column(String(60))
    warehouse: Mapped[str] = mapped_column(String(60))
    bin: Mapped[str] = mapped_column(String(60))
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal(*QUANTITY))
    reference: Mapped[str | None] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index(None, "sku"),)


class OrderFindingRow(Base):
    """Something a check found on an order or one of its lines, and what it led to."""

    __tablename__ = "order_findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    line_number: Mapped[str | None] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(40))
    # hold, reject, change or info: what the finding did to the order or line.
    effect: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class OrderEventRow(Base):
    """One append-only entry of an order's history: a status change of the order or a line."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    line_number: Mapped[str | None] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    from_status: Mapped[str | None] = mapped_column(String(40))
    to_status: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text, default="")
