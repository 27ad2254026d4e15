"""The store's tables as typed SQLAlchemy 2 declarative classes (the metadata Alembic compares)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def require_aware(value: datetime, what: str = "datetime") -> datetime:
    """The same instant in UTC; a naive datetime is a programming error (ValueError)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {value.isoformat()}")
    return value.astimezone(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else require_aware(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime from the database, got {value!r}")
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class ExactDecimal(TypeDecorator[Decimal]):
    """NUMERIC(p, s) always returned as a Decimal at the column's scale, on every database."""

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int, scale: int) -> None:
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self._quantum = Decimal(1).scaleb(-scale)

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value).quantize(self._quantum)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        # SQLite has no decimal type: its NUMERIC affinity keeps 15 significant digits exactly,
        # and SQLAlchemy formats the float it returns at the column's scale.
        return None if value is None else Decimal(value).quantize(self._quantum)


class Base(DeclarativeBase):
    """Declarative base carrying the naming convention used by the migrations."""

    metadata = MetaData(naming_convention=NAMING)


class MessageRow(Base):
    """One interchange, message or outbound document, with its stage, status and error."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    direction: Mapped[str] = mapped_column(String(8))
    partner: Mapped[str | None] = mapped_column(String(100))
    standard: Mapped[str | None] = mapped_column(String(20))
    message_type: Mapped[str | None] = mapped_column(String(40))
    version: Mapped[str | None] = mapped_column(String(40))
    document_type: Mapped[str | None] = mapped_column(String(60))
    interchange_ref: Mapped[str | None] = mapped_column(String(100))
    group_ref: Mapped[str | None] = mapped_column(String(100))
    message_ref: Mapped[str | None] = mapped_column(String(100))
    stage: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(40))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error_code: Mapped[str | None] = mapped_column(String(60))
    error_text: Mapped[str | None] = mapped_column(Text)
    error_location: Mapped[str | None] = mapped_column(Text)
    error_issues: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    traceback: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(Integer)
    filename: Mapped[str | None] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    document: Mapped[Any] = mapped_column(JSON, nullable=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set by a person who reviewed a held duplicate and wants it processed all the same.
    accept_duplicate: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A test interchange (EDIFACT UNB 0035 = 1, X12 ISA15 = T) and everything answering it.
    test: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The business number of an outbound document (order response, despatch advice, invoice
    # number), which a partner's APERAK refers to.
    document_ref: Mapped[str | None] = mapped_column(String(100))
    # Outbound: the partner's acknowledgement (pending, received, accepted, rejected, overdue)
    # and when it is due; inbound: unused.
    ack_status: Mapped[str | None] = mapped_column(String(20))
    ack_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Inbound: how many mapped documents the process stage has finished (resumes after a crash).
    progress: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Outbound: the order this document answers (order response, ship notice, invoice).
    order_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        Index(None, "order_id"),
        Index(None, "sha256"),
        Index(None, "partner", "interchange_ref"),
        Index(None, "status", "next_attempt_at"),
        Index(None, "parent_id"),
        Index(None, "partner", "document_ref"),
        Index(None, "ack_status", "ack_due_at"),
    )


class DocumentRow(Base):
    """One canonical document mapped from an inbound message, in interchange order."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(60))
    body: Mapped[Any] = mapped_column(JSON)
    envelope: Mapped[Any] = mapped_column(JSON)
    test: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index(None, "message_id", "seq", unique=True),)


class PayloadRow(Base):
    """That a message has raw bytes, and their sha256; the bytes are in payload_chunks."""

    __tablename__ = "payloads"

    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))


class PayloadChunkRow(Base):
    """One piece (1 MiB at most) of a message's raw bytes, so no file is ever whole in memory."""

    __tablename__ = "payload_chunks"

    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class EventRow(Base):
    """One append-only history entry: who moved a message from which stage/status to which."""

    __tablename__ = "message_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    from_stage: Mapped[str | None] = mapped_column(String(40))
    to_stage: Mapped[str | None] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(40))
    to_status: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text, default="")


class ControlNumberRow(Base):
    """A persistent counter per partner and kind (interchange, group, message)."""

    __tablename__ = "control_numbers"

    partner: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class OrderRow(Base):
    """A received purchase order, as the header columns of its canonical document."""

    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    partner: Mapped[str] = mapped_column(String(100))
    order_number: Mapped[str] = mapped_column(String(60))
    order_date: Mapped[date | None] = mapped_column(Date)
    currency: Mapped[str | None] = mapped_column(String(10))
    requested_delivery_date: Mapped[date | None] = mapped_column(Date)
    buyer_id: Mapped[str | None] = mapped_column(String(60))
    buyer_scheme: Mapped[str | None] = mapped_column(String(20))
    buyer_name: Mapped[str | None] = mapped_column(String(200))
    seller_id: Mapped[str | None] = mapped_column(String(60))
    ship_to_id: Mapped[str | None] = mapped_column(String(60))
    bill_to_id: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The master-data customer the order was resolved to (None: unknown customer).
    customer_id: Mapped[str | None] = mapped_column(String(60))
    # Why the order waits for a person (credit, blocked customer, duplicate, ...).
    hold_reason: Mapped[str | None] = mapped_column(Text)
    warehouse: Mapped[str | None] = mapped_column(String(60))
    test: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # How many order responses were sent (the first, then one per change); numbers revisions.
    responses_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The canonical order as received (JSON), so that a held order can be decided later.
    document: Mapped[Any] = mapped_column(JSON, nullable=True)

    # Not unique on purpose: a repeated order number is recorded and policy decides.
    __table_args__ = (
        Index(None, "partner", "buyer_id", "order_number"),
        Index(None, "customer_id", "order_number"),
    )


class OrderLineRow(Base):
    """One line of a received purchase order, with its confirmation."""

    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    line_number: Mapped[str] = mapped_column(String(20))
    gtin: Mapped[str | None] = mapped_column(String(35))
    buyer_part: Mapped[str | None] = mapped_column(String(60))
    seller_part: Mapped[str | None] = mapped_column(String(60))
    description: Mapped[str | None] = mapped_column(Text)
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal(18, 4))
    uom: Mapped[str | None] = mapped_column(String(20))
    unit_price: Mapped[Decimal | None] = mapped_column(ExactDecimal(18, 6))
    requested_delivery_date: Mapped[date | None] = mapped_column(Date)
    confirmed_quantity: Mapped[Decimal | None] = mapped_column(ExactDecimal(18, 4))
    status: Mapped[str] = mapped_column(String(40))
    # The engine's view of the line. Quantities are in the ordered unit; `factor` base units
    # make one ordered unit (a case of 12: 12).
    sku: Mapped[str | None] = mapped_column(String(60))
    factor: Mapped[Decimal] = mapped_column(
        ExactDecimal(18, 6), default=Decimal(1), server_default="1"
    )
    allocated_quantity: Mapped[Decimal] = mapped_column(
        ExactDecimal(18, 4), default=Decimal(0), server_default="0"
    )
    backordered_quantity: Mapped[Decimal] = mapped_column(
        ExactDecimal(18, 4), default=Decimal(0), server_default="0"
    )
    confirmed_price: Mapped[Decimal | None] = mapped_column(ExactDecimal(18, 6))
    # The delivery date last promised to the buyer (for the backorder: when the rest comes).
    promised_date: Mapped[date | None] = mapped_column(Date)
    # What the buyer was told: accepted, changed, backordered or rejected, and the reason code.
    response_status: Mapped[str | None] = mapped_column(String(20))
    reason_code: Mapped[str | None] = mapped_column(String(20))
    # Fulfilment, in the ordered unit: with the warehouse (released, not yet shipped), shipped,
    # confirmed delivered, invoiced. `allocated_quantity` keeps what is allocated and not shipped.
    released_quantity: Mapped[Decimal] = mapped_column(
        ExactDecimal(18, 4), default=Decimal(0), server_default="0"
    )
    shipped_quantity: Mapped[Decimal] = mapped_column(
        ExactDecimal(18, 4), default=Decimal(0), server_default="0"
    )
    delivered_quantity: Mapped[Decimal] = mapped_column(
        ExactDecimal(18, 4), default=Decimal(0), server_default="0"
    )
    invoiced_quantity: Mapped[Decimal] = mapped_column(
        ExactDecimal(18, 4), default=Decimal(0), server_default="0"
    )

    __table_args__ = (Index(None, "sku", "status"),)
