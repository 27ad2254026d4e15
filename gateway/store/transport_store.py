"""Remote transports in the store: receipts of fetched files, health, and the poll lease.

Writes take the caller's UnitOfWork, reads a Session from `Store.read()`; records leave, rows
never do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from gateway.store.job_runs import process_gone
from gateway.store.tables_transport import RemoteReceiptRow, TransportStateRow
from gateway.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class RemoteReceipt:
    """A file fetched from a partner's server and stored as message `message_id`."""

    id: int
    partner: str
    remote_name: str
    remote_path: str
    size: int
    mtime: int
    sha256: str
    message_id: int
    received_at: datetime
    cleaned_at: datetime | None


@dataclass(frozen=True)
class TransportState:
    """One partner transport's health and schedule."""

    partner: str
    consecutive_failures: int
    last_error: str | None
    last_failure_at: datetime | None
    last_success_at: datetime | None
    unhealthy_since: datetime | None
    next_poll_at: datetime | None
    lease_owner: str | None
    leased_until: datetime | None


def add_receipt(
    uow: UnitOfWork,
    partner: str,
    remote_name: str,
    remote_path: str,
    *,
    size: int,
    mtime: int,
    sha256: str,
    message_id: int,
) -> RemoteReceipt:
    """Record a fetched file in the transaction that stores its bytes."""
    row = RemoteReceiptRow(
        partner=partner,
        remote_name=remote_name,
        remote_path=remote_path,
        size=size,
        mtime=mtime,
        sha256=sha256,
        message_id=message_id,
        received_at=uow.now(),
    )
    uow.session.add(row)
    uow.session.flush()
    return _receipt(row)


def uncleaned_receipt(
    session: Session, partner: str, remote_name: str, sha256: str
) -> RemoteReceipt | None:
    """The stored, not yet cleaned-up receipt of this very file: the same name and bytes."""
    query = select(RemoteReceiptRow).where(
        RemoteReceiptRow.partner == partner,
        RemoteReceiptRow.remote_name == remote_name,
        RemoteReceiptRow.sha256 == sha256,
        RemoteReceiptRow.cleaned_at.is_(None),
    )
    row = session.scalars(query.order_by(RemoteReceiptRow.id).limit(1)).first()
    return _receipt(row) if row is not None else None


def mark_cleaned(uow: UnitOfWork, receipt_id: int) -> None:
    """The file is deleted or archived on the partner's server."""
    row = uow.session.get(RemoteReceiptRow, receipt_id)
    if row is not None and row.cleaned_at is None:
        row.cleaned_at = uow.now()


def delete_receipts(uow: UnitOfWork, cleaned_before: datetime) -> int:
    """Forget receipts of files cleaned up before `cleaned_before` (retention)."""
    statement = delete(RemoteReceiptRow).where(RemoteReceiptRow.cleaned_at < cleaned_before)
    return int(getattr(uow.session.execute(statement), "rowcount", 0) or 0)


def claim_poll(
    uow: UnitOfWork, partner: str, owner: str, lease: timedelta, *, force: bool = False
) -> bool:
    """Take the partner's poll lease when the poll is due (or `force`) and no other live
    process holds it; one process polls a partner's server at a time."""
    row = _locked_state(uow.session, partner)
    now = uow.now()
    held = (
        row.leased_until is not None
        and row.leased_until > now
        and row.lease_owner not in (None, owner)
        # A process on this host that was killed mid-poll holds its lease no more.
        and not process_gone(row.lease_owner or "")
    )
    due = force or row.next_poll_at is None or row.next_poll_at <= now
    if held or not due:
        return False
    row.lease_owner, row.leased_until = owner, now + lease
    return True


def finish_poll(uow: UnitOfWork, partner: str, owner: str, next_poll_at: datetime) -> None:
    """Give the lease back and say when the partner is polled next."""
    row = _locked_state(uow.session, partner)
    if row.lease_owner == owner:
        row.lease_owner, row.leased_until = None, None
    row.next_poll_at = next_poll_at


def record_success(uow: UnitOfWork, partner: str) -> TransportState:
    """A connection and its work went through; returns the state before the reset."""
    row = _locked_state(uow.session, partner)
    before = _state(row)
    row.consecutive_failures, row.unhealthy_since = 0, None
    row.last_success_at = uow.now()
    return before


def record_failure(
    uow: UnitOfWork, partner: str, error: str, unhealthy_after: int
) -> TransportState:
    """One more consecutive failure; unhealthy from the `unhealthy_after`th. Returns the new
    state."""
    row = _locked_state(uow.session, partner)
    now = uow.now()
    row.consecutive_failures = (row.consecutive_failures or 0) + 1
    row.last_error, row.last_failure_at = error[:2000], now
    if row.consecutive_failures >= unhealthy_after and row.unhealthy_since is None:
        row.unhealthy_since = now
    return _state(row)


def transport_states(session: Session) -> list[TransportState]:
    """Every partner transport that has been used, by partner."""
    rows = session.scalars(select(TransportStateRow).order_by(TransportStateRow.partner))
    return [_state(row) for row in rows]


def transport_state(session: Session, partner: str) -> TransportState | None:
    """One partner's transport state, or None before its first use."""
    row = session.get(TransportStateRow, partner)
    return _state(row) if row is not None else None


def _locked_state(session: Session, partner: str) -> TransportStateRow:
    """The partner's row (created on first use), locked until the transaction ends.

    PostgreSQL: SELECT ... FOR UPDATE makes a second poller wait for the first to commit;
    SQLite's write transaction (BEGIN IMMEDIATE) already serialises.
    """
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    values = {"partner": partner, "consecutive_failures": 0}
    session.execute(insert(TransportStateRow).values(**values).on_conflict_do_nothing())
    query = select(TransportStateRow).where(TransportStateRow.partner == partner)
    return session.scalars(query.with_for_update().execution_options(populate_existing=True)).one()


def _receipt(row: RemoteReceiptRow) -> RemoteReceipt:
    return RemoteReceipt(
        id=row.id,
        partner=row.partner,
        remote_name=row.remote_name,
        remote_path=row.remote_path,
        size=row.size,
        mtime=row.mtime,
        sha256=row.sha256,
        message_id=row.message_id,
        received_at=row.received_at,
        cleaned_at=row.cleaned_at,
    )


def _state(row: TransportStateRow) -> TransportState:
    return TransportState(
        partner=row.partner,
        consecutive_failures=row.consecutive_failures or 0,
        last_error=row.last_error,
        last_failure_at=row.last_failure_at,
        last_success_at=row.last_success_at,
        unhealthy_since=row.unhealthy_since,
        next_poll_at=row.next_poll_at,
        lease_owner=row.lease_owner,
        leased_until=row.leased_until,
    )
