"""What several workers share through the database: claimed messages and control numbers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Connection, case, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from gateway.store.records import MessageRecord, message_record
from gateway.store.tables import ControlNumberRow, MessageRow, require_aware


def claim_due(
    session: Session, now: datetime, limit: int, lease: timedelta, statuses: Sequence[str]
) -> list[MessageRecord]:
    """Lease the oldest due, unleased messages to the caller (inside the caller's transaction)."""
    now = require_aware(now, "now")
    # PostgreSQL: FOR UPDATE SKIP LOCKED lets a second worker pass over rows the first holds.
    # SQLite ignores FOR UPDATE; the write transaction (BEGIN IMMEDIATE) serialises claimers.
    due = (
        select(MessageRow.id)
        .where(
            MessageRow.status.in_(list(statuses)),
            (MessageRow.next_attempt_at.is_(None)) | (MessageRow.next_attempt_at <= now),
            (MessageRow.locked_until.is_(None)) | (MessageRow.locked_until < now),
        )
        .order_by(MessageRow.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(session.scalars(due))
    if not ids:
        return []
    session.execute(
        update(MessageRow).where(MessageRow.id.in_(ids)).values(locked_until=now + lease)
    )
    rows = session.scalars(select(MessageRow).where(MessageRow.id.in_(ids)).order_by(MessageRow.id))
    return [message_record(row) for row in rows]


def next_control_number(
    connection: Connection, partner: str, kind: str, start: int, wrap_at: int | None
) -> int:
    """Increment one counter in a single upsert statement and return the new value."""
    if wrap_at is not None and wrap_at < start:
        raise ValueError(f"wrap_at {wrap_at} is below start {start}")
    value = ControlNumberRow.value
    following = value + 1 if wrap_at is None else case((value >= wrap_at, start), else_=value + 1)
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    # INSERT ... ON CONFLICT DO UPDATE is atomic on both databases: the conflicting row is
    # locked (PostgreSQL) or the database is (SQLite), so no two callers get the same value.
    statement = (
        insert(ControlNumberRow)
        .values(partner=partner, kind=kind, value=start)
        .on_conflict_do_update(
            index_elements=[ControlNumberRow.partner, ControlNumberRow.kind],
            set_={"value": following},
        )
        .returning(value)
    )
    return int(connection.execute(statement).scalar_one())
