"""The store port's adapter: short read transactions, one write transaction per unit of work."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, Select, func, or_, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from gateway.errors import TransientError
from gateway.store import coordination
from gateway.store.engine import create_engine_for, migrate, writer
from gateway.store.records import (
    NOT_ORIGINAL,
    MessageEvent,
    MessageFilter,
    MessageRecord,
    OrderLineRecord,
    OrderRecord,
    StoredDocument,
    document_record,
    event_record,
    message_record,
    order_line_record,
    order_record,
)
from gateway.store.tables import (
    DocumentRow,
    EventRow,
    MessageRow,
    OrderLineRow,
    OrderRow,
    PayloadChunkRow,
    PayloadRow,
)
from gateway.store.unit_of_work import UnitOfWork


def _utc_now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def database_errors_are_transient() -> Iterator[None]:
    """A busy or unreachable database (OperationalError: locked, connection lost) is transient."""
    try:
        yield
    except OperationalError as exc:
        raise TransientError(f"database unavailable: {exc.orig or exc}") from exc


class Store:
    """Messages, their raw bytes, history, counters and orders in SQLite or PostgreSQL."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = _utc_now) -> None:
        self._engine = engine
        self._writer = writer(engine)
        self._clock = clock

    @classmethod
    def open(cls, url: str, clock: Callable[[], datetime] = _utc_now) -> Store:
        """Create the engine for `url` and migrate the schema to the newest revision."""
        engine = create_engine_for(url)
        migrate(engine)
        return cls(engine, clock)

    @property
    def engine(self) -> Engine:
        """The engine the store runs on."""
        return self._engine

    def close(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        """One transaction: committed when the block ends, rolled back when it raises.

        A database that is busy or unreachable (SQLAlchemy OperationalError: locked, connection
        lost) raises TransientError, so the runner retries the message later.
        """
        with (
            database_errors_are_transient(),
            Session(self._writer, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield UnitOfWork(session, self._clock)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A short read-only transaction (order and master-data queries use it); the rows it
        returns stay readable after it ends."""
        with (
            database_errors_are_transient(),
            Session(self._engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self._engine) as session, session.begin():
            yield session

    def get(self, message_id: int) -> MessageRecord | None:
        """The message with this id, or None."""
        with self._read() as session:
            row = session.get(MessageRow, message_id)
            return None if row is None else message_record(row)

    def raw(self, message_id: int) -> bytes | None:
        """The stored bytes of a message exactly as received or sent, or None."""
        with self._read() as session:
            if session.get(PayloadRow, message_id) is None:
                return None
        return b"".join(self.raw_chunks(message_id))

    def raw_chunks(self, message_id: int) -> Iterator[bytes]:
        """The stored bytes piece by piece, so that a large file is never whole in memory."""
        seq = 0
        while True:
            query = select(PayloadChunkRow.data).where(
                PayloadChunkRow.message_id == message_id, PayloadChunkRow.seq == seq
            )
            with self._read() as session:
                piece = session.scalar(query)
            if piece is None:
                return
            yield bytes(piece)
            seq += 1

    def documents(
        self, message_id: int, after_seq: int = 0, limit: int = 500
    ) -> list[StoredDocument]:
        """The mapped documents of an inbound message with seq > after_seq, in order."""
        query = (
            select(DocumentRow)
            .where(DocumentRow.message_id == message_id, DocumentRow.seq > after_seq)
            .order_by(DocumentRow.seq)
            .limit(limit)
        )
        with self._read() as session:
            return [document_record(row) for row in session.scalars(query)]

    def outbound_by_reference(self, partner: str, reference: str) -> list[MessageRecord]:
        """Our outbound messages to a partner with this interchange, group, message or doc ref."""
        return self._messages(
            select(MessageRow)
            .where(
                MessageRow.partner == partner,
                MessageRow.direction == "out",
                or_(
                    MessageRow.interchange_ref == reference,
                    MessageRow.message_ref == reference,
                    MessageRow.document_ref == reference,
                    # X12 GS06 is numeric: a partner may quote it zero-padded (AK102).
                    MessageRow.group_ref == (reference.lstrip("0") or reference),
                ),
            )
            .order_by(MessageRow.id)
        )

    def acks_overdue(self, now: datetime, limit: int = 100) -> list[MessageRecord]:
        """Sent messages whose expected acknowledgement is past its due time."""
        return self._messages(
            select(MessageRow)
            .where(
                MessageRow.ack_status.in_(("pending", "received")),
                MessageRow.ack_due_at < now,
            )
            .order_by(MessageRow.ack_due_at)
            .limit(limit)
        )

    def history(self, message_id: int) -> list[MessageEvent]:
        """Every stage/status change of a message, oldest first."""
        query = select(EventRow).where(EventRow.message_id == message_id).order_by(EventRow.id)
        with self._read() as session:
            return [event_record(row) for row in session.scalars(query)]

    def children(self, message_id: int) -> list[MessageRecord]:
        """The messages whose parent is this one, oldest first."""
        query = select(MessageRow).where(MessageRow.parent_id == message_id)
        return self._messages(query.order_by(MessageRow.id))

    def list_messages(self, flt: MessageFilter) -> list[MessageRecord]:
        """Messages matching the filter, newest first, at most `flt.limit`."""
        query = select(MessageRow)
        for column, wanted in (
            (MessageRow.direction, flt.direction),
            (MessageRow.partner, flt.partner),
            (MessageRow.status, flt.status),
            (MessageRow.stage, flt.stage),
        ):
            if wanted is not None:
                query = query.where(column == wanted)
        return self._messages(query.order_by(MessageRow.id.desc()).limit(flt.limit))

    def find_by_sha256(
        self,
        sha256: str,
        direction: str = "in",
        exclude_id: int | None = None,
        skip_statuses: Sequence[str] = NOT_ORIGINAL,
    ) -> MessageRecord | None:
        """The oldest message with these exact bytes, skipping duplicates and discarded ones."""
        query = select(MessageRow).where(MessageRow.sha256 == sha256.lower())
        return self._first_original(query, direction, exclude_id, skip_statuses)

    def find_by_interchange(
        self,
        partner: str,
        interchange_ref: str,
        exclude_id: int | None = None,
        direction: str = "in",
        skip_statuses: Sequence[str] = NOT_ORIGINAL,
    ) -> MessageRecord | None:
        """The oldest message of this partner with this interchange reference (as above)."""
        query = select(MessageRow).where(
            MessageRow.partner == partner, MessageRow.interchange_ref == interchange_ref
        )
        return self._first_original(query, direction, exclude_id, skip_statuses)

    def interchange_messages(
        self, partner: str, interchange_ref: str, direction: str = "in"
    ) -> list[MessageRecord]:
        """Every message of this partner with this interchange reference, oldest first."""
        return self._messages(
            select(MessageRow)
            .where(
                MessageRow.partner == partner,
                MessageRow.interchange_ref == interchange_ref,
                MessageRow.direction == direction,
            )
            .order_by(MessageRow.id)
        )

    def orders_for(self, message_id: int) -> list[tuple[OrderRecord, list[OrderLineRecord]]]:
        """The orders recorded from a message, each with its lines in line order."""
        orders = select(OrderRow).where(OrderRow.message_id == message_id).order_by(OrderRow.id)
        with self._read() as session:
            result = []
            for order in session.scalars(orders):
                lines = select(OrderLineRow).where(OrderLineRow.order_id == order.id)
                rows = session.scalars(lines.order_by(OrderLineRow.id))
                result.append((order_record(order), [order_line_record(r) for r in rows]))
            return result

    def status_counts(self) -> dict[tuple[str, str], int]:
        """How many messages there are per (direction, status)."""
        query = select(MessageRow.direction, MessageRow.status, func.count()).group_by(
            MessageRow.direction, MessageRow.status
        )
        with self._read() as session:
            return {(d, s): int(n) for d, s, n in session.execute(query)}

    def ack_counts(self) -> dict[str, int]:
        """How many outbound messages there are per partner acknowledgement state."""
        query = (
            select(MessageRow.ack_status, func.count())
            .where(MessageRow.ack_status.is_not(None))
            .group_by(MessageRow.ack_status)
        )
        with self._read() as session:
            return {str(state): int(n) for state, n in session.execute(query)}

    def claim_due(
        self,
        now: datetime,
        limit: int,
        lease: timedelta,
        statuses: Sequence[str] = ("pending", "retrying"),
    ) -> list[MessageRecord]:
        """Lease up to `limit` due messages, oldest first; no two callers get the same one."""
        with (
            database_errors_are_transient(),
            Session(self._writer, expire_on_commit=False) as session,
            session.begin(),
        ):
            return coordination.claim_due(session, now, limit, lease, statuses)

    def next_control_number(
        self, partner: str, kind: str, start: int = 1, wrap_at: int | None = None
    ) -> int:
        """The next value of a persistent counter, in its own transaction; wraps to `start`."""
        with database_errors_are_transient(), self._writer.begin() as connection:
            return coordination.next_control_number(connection, partner, kind, start, wrap_at)

    def _messages(self, query: Select[MessageRow]) -> list[MessageRecord]:
        with self._read() as session:
            return [message_record(row) for row in session.scalars(query)]

    def _first_original(
        self,
        query: Select[MessageRow],
        direction: str,
        exclude_id: int | None,
        skip_statuses: Sequence[str],
    ) -> MessageRecord | None:
        filtered = query.where(
            MessageRow.direction == direction, MessageRow.status.not_in(list(skip_statuses))
        )
        if exclude_id is not None:
            filtered = filtered.where(MessageRow.id != exclude_id)
        found = self._messages(filtered.order_by(MessageRow.id).limit(1))
        return found[0] if found else None
