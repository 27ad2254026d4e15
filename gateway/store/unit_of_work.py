"""The write side: everything done inside one `Store.unit_of_work()` transaction."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from gateway.errors import Issue, Location
from gateway.model.documents import OrderLine, Party, PurchaseOrder
from gateway.store.records import (
    RUNNING_STATUS,
    MessageRecord,
    NewDocument,
    NewMessage,
    issues_to_json,
    message_record,
)
from gateway.store.tables import (
    DocumentRow,
    EventRow,
    MessageRow,
    OrderLineRow,
    OrderRow,
    PayloadChunkRow,
    PayloadRow,
    require_aware,
)

Clock = Callable[[], datetime]
# Rows per INSERT when a large interchange's documents are stored.
DOCUMENT_BATCH = 500
# The largest piece of raw bytes stored in one row.
RAW_CHUNK = 1 << 20

# Columns a caller may change; id and the timestamps belong to the store.
UPDATABLE = frozenset(f.name for f in dataclasses.fields(MessageRecord)) - {
    "id",
    "created_at",
    "updated_at",
}


class UnitOfWork:
    """Writes that commit together or not at all (see `Store.unit_of_work`)."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    @property
    def session(self) -> Session:
        """The transaction's session, for the order engine's queries in the same transaction."""
        return self._session

    def now(self) -> datetime:
        """The store clock's time, timezone-aware UTC."""
        return self._now()

    def _now(self) -> datetime:
        return require_aware(self._clock(), "clock()")

    def add_message(
        self,
        new: NewMessage,
        raw: bytes | Iterable[bytes] | None = None,
        actor: str = "runner",
        reason: str = "",
    ) -> MessageRecord:
        """Insert a message, its raw bytes (sha256 and size derived) and its first history event.

        `raw` may be pieces (an iterator over a file) so that a large file is never whole in
        memory; they are stored as they come.
        """
        fields = dataclasses.asdict(new)
        if new.next_attempt_at is not None:
            fields["next_attempt_at"] = require_aware(new.next_attempt_at, "next_attempt_at")
        now = self._now()
        row = MessageRow(**fields, attempts=0, error_issues=[], created_at=now, updated_at=now)
        self._session.add(row)
        self._session.flush()
        if raw is not None:
            digest, size = self._store_raw(row.id, raw)
            row.sha256 = _checked_digest(digest, new.sha256)
            row.size = size
            self._session.add(PayloadRow(message_id=row.id, sha256=row.sha256))
        self._event(
            row.id,
            actor=actor,
            reason=reason,
            before=(None, None),
            after=(row.stage, row.status),
            at=now,
        )
        self._session.flush()
        return message_record(row)

    def _store_raw(self, message_id: int, raw: bytes | Iterable[bytes]) -> tuple[str, int]:
        """Write the bytes as numbered pieces of at most RAW_CHUNK; their sha256 and size."""
        digest, size = hashlib.sha256(), 0
        for seq, piece in enumerate(_pieces(raw)):
            digest.update(piece)
            size += len(piece)
            self._session.execute(
                insert(PayloadChunkRow), {"message_id": message_id, "seq": seq, "data": piece}
            )
        return digest.hexdigest(), size

    def update_message(
        self, message_id: int, *, actor: str, reason: str = "", **changes: object
    ) -> MessageRecord:
        """Set columns; history is appended when stage, status or ack_status changes.

        A status change to anything but "running" also releases the claim lease
        (locked_until = None) unless `locked_until` is given explicitly.
        """
        unknown = sorted(set(changes) - UPDATABLE)
        if unknown:
            raise TypeError(f"update_message() got unknown message column(s): {', '.join(unknown)}")
        row = self._message_row(message_id)
        before, ack_before = (row.stage, row.status), row.ack_status
        for name, value in changes.items():
            setattr(row, name, _column_value(name, value))
        after = (row.stage, row.status)
        if before[1] != after[1] and after[1] != RUNNING_STATUS and "locked_until" not in changes:
            row.locked_until = None
        now = self._now()
        row.updated_at = now
        # A partner's acknowledgement is history too, even when stage and status stay.
        if before != after or row.ack_status != ack_before:
            self._event(message_id, actor=actor, reason=reason, before=before, after=after, at=now)
        self._session.flush()
        return message_record(row)

    def set_raw(self, message_id: int, data: bytes) -> None:
        """Store or replace the payload of a message (e.g. rendered outbound bytes)."""
        row = self._message_row(message_id)
        self._session.execute(
            delete(PayloadChunkRow).where(PayloadChunkRow.message_id == message_id)
        )
        digest, size = self._store_raw(message_id, data)
        payload = self._session.get(PayloadRow, message_id)
        if payload is None:
            self._session.add(PayloadRow(message_id=message_id, sha256=digest))
        else:
            payload.sha256 = digest
        row.sha256 = digest
        row.size = size
        row.updated_at = self._now()
        self._session.flush()

    def replace_documents(self, message_id: int, documents: Iterable[NewDocument]) -> int:
        """Store the mapped documents of a message (earlier ones removed), in batches; the count."""
        self._session.execute(delete(DocumentRow).where(DocumentRow.message_id == message_id))
        count, batch = 0, []
        for count, document in enumerate(documents, start=1):
            batch.append(
                {
                    "message_id": message_id,
                    "seq": count,
                    "type": document.type,
                    "body": document.body,
                    "envelope": document.envelope,
                    "test": document.test,
                }
            )
            if len(batch) == DOCUMENT_BATCH:
                self._session.execute(insert(DocumentRow), batch)
                batch = []
        if batch:
            self._session.execute(insert(DocumentRow), batch)
        return count

    def add_order(
        self,
        message_id: int,
        partner: str,
        order: PurchaseOrder,
        status: str = "received",
        confirmed: Mapping[str, tuple[Decimal, str]] | None = None,
    ) -> int:
        """Record a purchase order and its lines (repeats are kept), returning its id.

        `confirmed` gives the confirmed quantity and line status per line number.
        """
        header = {
            "message_id": message_id,
            "partner": partner,
            "order_number": order.order_number,
            "order_date": order.order_date,
            "currency": order.currency,
            "requested_delivery_date": order.requested_delivery_date,
            "buyer_id": _party_id(order.buyer),
            "buyer_scheme": order.buyer.id_scheme if order.buyer else None,
            "buyer_name": order.buyer.name if order.buyer else None,
            "seller_id": _party_id(order.seller),
            "ship_to_id": _party_id(order.ship_to),
            "bill_to_id": _party_id(order.bill_to),
            "status": status,
            "created_at": self._now(),
        }
        order_id = int(
            self._session.execute(insert(OrderRow).returning(OrderRow.id), header).scalar_one()
        )
        lines = [_line_row(order_id, line, status, confirmed or {}) for line in order.lines]
        if lines:
            self._session.execute(insert(OrderLineRow), lines)
        return order_id

    def set_line_confirmation(
        self, order_id: int, line_number: str, confirmed_quantity: Decimal, status: str
    ) -> None:
        """Record what was confirmed for one order line."""
        query = select(OrderLineRow).where(
            OrderLineRow.order_id == order_id, OrderLineRow.line_number == line_number
        )
        lines = self._session.scalars(query).all()
        if not lines:
            raise LookupError(f"order {order_id} has no line {line_number!r}")
        for line in lines:
            line.confirmed_quantity = confirmed_quantity
            line.status = status
        self._session.flush()

    def set_order_status(self, order_id: int, status: str) -> None:
        """Move an order to a new status."""
        row = self._session.get(OrderRow, order_id, with_for_update=True)
        if row is None:
            raise LookupError(f"no order with id {order_id}")
        row.status = status
        self._session.flush()

    def _message_row(self, message_id: int) -> MessageRow:
        row = self._session.get(MessageRow, message_id, with_for_update=True)
        if row is None:
            raise LookupError(f"no message with id {message_id}")
        return row

    def _event(
        self,
        message_id: int,
        *,
        actor: str,
        reason: str,
        before: tuple[str | None, str | None],
        after: tuple[str | None, str | None],
        at: datetime,
    ) -> None:
        self._session.add(
            EventRow(
                message_id=message_id,
                at=at,
                actor=actor,
                from_stage=before[0],
                to_stage=after[0],
                from_status=before[1],
                to_status=after[1],
                reason=reason,
            )
        )


def _pieces(raw: bytes | Iterable[bytes]) -> Iterator[bytes]:
    if isinstance(raw, bytes | bytearray | memoryview):
        data = bytes(raw)
        yield from (data[i : i + RAW_CHUNK] for i in range(0, len(data), RAW_CHUNK))
        return
    for piece in raw:
        for i in range(0, len(piece), RAW_CHUNK):
            yield bytes(piece[i : i + RAW_CHUNK])


def _checked_digest(digest: str, given: str | None) -> str:
    if given is not None and given.lower() != digest:
        raise ValueError(f"sha256 {given} does not match the raw bytes ({digest})")
    return digest


def _column_value(name: str, value: object) -> Any:
    if isinstance(value, datetime):
        return require_aware(value, name)
    if name == "error_issues" and isinstance(value, list | tuple):
        return [issues_to_json([v])[0] if isinstance(v, Issue) else v for v in value]
    if name == "error_location" and isinstance(value, Location):
        return str(value)
    return value


def _party_id(party: Party | None) -> str | None:
    return party.id if party else None


def _line_row(
    order_id: int, line: OrderLine, status: str, confirmed: Mapping[str, tuple[Decimal, str]]
) -> dict[str, Any]:
    quantity, line_status = confirmed.get(line.line_number, (None, status))
    return {
        "order_id": order_id,
        "line_number": line.line_number,
        "gtin": line.gtin,
        "buyer_part": line.buyer_part,
        "seller_part": line.seller_part,
        "description": line.description,
        "quantity": line.quantity,
        "uom": line.uom,
        "unit_price": line.unit_price,
        "requested_delivery_date": line.requested_delivery_date,
        "confirmed_quantity": quantity,
        "status": line_status,
    }
