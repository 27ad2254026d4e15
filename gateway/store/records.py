"""Plain frozen records the store hands out and takes in; no SQLAlchemy object leaves the store."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from gateway.errors import Issue
from gateway.store.tables import DocumentRow, EventRow, MessageRow, OrderLineRow, OrderRow

# A message marked with this status repeats an earlier one; look-ups for the original skip it.
DUPLICATE_STATUS = "duplicate"
# A message a person took out of the flow (e.g. replaced by a corrected copy) is no original either.
DISCARDED_STATUS = "discarded"
NOT_ORIGINAL = (DUPLICATE_STATUS, DISCARDED_STATUS)
# While a message has this status its claim lease is kept; any other new status releases it.
RUNNING_STATUS = "running"


@dataclass(frozen=True)
class MessageRecord:
    """One stored message with every column; datetimes are timezone-aware UTC."""

    id: int
    direction: str
    partner: str | None
    standard: str | None
    message_type: str | None
    version: str | None
    document_type: str | None
    interchange_ref: str | None
    group_ref: str | None
    message_ref: str | None
    stage: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    error_code: str | None
    error_text: str | None
    error_location: str | None
    error_issues: list[dict[str, Any]]
    traceback: str | None
    sha256: str | None
    size: int | None
    filename: str | None
    parent_id: int | None
    document: dict[str, Any] | list[Any] | None
    locked_until: datetime | None
    created_at: datetime
    updated_at: datetime
    accept_duplicate: bool
    test: bool = False
    document_ref: str | None = None
    ack_status: str | None = None
    ack_due_at: datetime | None = None
    progress: int = 0
    order_id: int | None = None


@dataclass(frozen=True)
class StoredDocument:
    """A canonical document as the map stage stored it: JSON body, envelope and test flag."""

    message_id: int
    seq: int
    type: str
    body: dict[str, Any]
    envelope: dict[str, Any]
    test: bool


@dataclass(frozen=True)
class NewDocument:
    """A canonical document to store for an inbound message (JSON body and envelope)."""

    type: str
    body: dict[str, Any]
    envelope: dict[str, Any]
    test: bool = False


@dataclass(frozen=True)
class NewMessage:
    """What the caller knows about a message before it is stored."""

    direction: str
    partner: str | None
    standard: str | None
    message_type: str | None
    version: str | None
    stage: str
    status: str
    filename: str | None = None
    sha256: str | None = None
    size: int | None = None
    interchange_ref: str | None = None
    group_ref: str | None = None
    message_ref: str | None = None
    parent_id: int | None = None
    document_type: str | None = None
    document: dict[str, Any] | list[Any] | None = None
    next_attempt_at: datetime | None = None
    test: bool = False
    document_ref: str | None = None
    order_id: int | None = None


@dataclass(frozen=True)
class MessageEvent:
    """One history entry of a message (None as from_* means it was just created)."""

    id: int
    message_id: int
    at: datetime
    actor: str
    from_stage: str | None
    to_stage: str | None
    from_status: str | None
    to_status: str | None
    reason: str


@dataclass(frozen=True)
class OrderRecord:
    """The header of a stored purchase order: every column of its row."""

    id: int
    message_id: int
    partner: str
    order_number: str
    order_date: date | None
    currency: str | None
    requested_delivery_date: date | None
    buyer_id: str | None
    buyer_scheme: str | None
    buyer_name: str | None
    seller_id: str | None
    ship_to_id: str | None
    bill_to_id: str | None
    status: str
    created_at: datetime
    # What the order engine decided (see gateway/orders/states.py and tables.OrderRow).
    customer_id: str | None = None
    hold_reason: str | None = None
    warehouse: str | None = None
    test: bool = False
    responses_sent: int = 0
    updated_at: datetime | None = None


@dataclass(frozen=True)
class OrderLineRecord:
    """One stored order line; quantities and prices are Decimal."""

    id: int
    order_id: int
    line_number: str
    gtin: str | None
    buyer_part: str | None
    seller_part: str | None
    description: str | None
    quantity: Decimal
    uom: str | None
    unit_price: Decimal | None
    requested_delivery_date: date | None
    confirmed_quantity: Decimal | None
    status: str


@dataclass(frozen=True)
class MessageFilter:
    """Which messages `Store.list_messages` returns; None means any."""

    direction: str | None = None
    partner: str | None = None
    status: str | None = None
    stage: str | None = None
    limit: int = 100


def issues_to_json(issues: Sequence[Issue]) -> list[dict[str, Any]]:
    """Issues as the JSON objects kept in messages.error_issues."""
    return [
        {
            "code": issue.code,
            "message": issue.message,
            "location": str(issue.location),
            "severity": issue.severity,
        }
        for issue in issues
    ]


def _copy(record_type: type[Any], row: object) -> Any:
    return record_type(**{f.name: getattr(row, f.name) for f in dataclasses.fields(record_type)})


def message_record(row: MessageRow) -> MessageRecord:
    """The frozen record of a message row."""
    record: MessageRecord = _copy(MessageRecord, row)
    return dataclasses.replace(record, error_issues=list(row.error_issues or []))


def document_record(row: DocumentRow) -> StoredDocument:
    """The frozen record of a mapped document row."""
    document: StoredDocument = _copy(StoredDocument, row)
    return document


def event_record(row: EventRow) -> MessageEvent:
    """The frozen record of a history row."""
    event: MessageEvent = _copy(MessageEvent, row)
    return event


def order_record(row: OrderRow) -> OrderRecord:
    """The frozen record of an order row."""
    order: OrderRecord = _copy(OrderRecord, row)
    return order


def order_line_record(row: OrderLineRow) -> OrderLineRecord:
    """The frozen record of an order line row."""
    line: OrderLineRecord = _copy(OrderLineRecord, row)
    return line
