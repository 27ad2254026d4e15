"""The retention clean-up: forget finished work older than [jobs] retention_days.

Deleted: messages in a final status (done, duplicate, discarded) untouched for that long, with
their history, mapped documents and stored raw bytes; archived inbox files; finished job runs.
Kept whatever the age: failed, parked, pending and retrying messages; invoices (tax law wants
them for years); messages of an order that is not closed, cancelled or rejected; any message
another table's row points at (the message an order was received in, a shipment's notice);
and any message a kept message points at as its parent, so that its history stays whole.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import (
    ColumnElement,
    Delete,
    Select,
    column,
    delete,
    exists,
    inspect,
    or_,
    select,
    table,
)
from sqlalchemy.orm import Session, aliased

from gateway.errors import TransientError
from gateway.orders.states import OrderStatus
from gateway.pipeline import status
from gateway.store import Store
from gateway.store.job_runs import delete_runs
from gateway.store.tables import (
    DocumentRow,
    EventRow,
    MessageRow,
    OrderRow,
    PayloadChunkRow,
    PayloadRow,
)
from gateway.store.transport_store import delete_receipts

if TYPE_CHECKING:
    from gateway.app import Gateway

FINAL_STATUSES = (status.DONE, status.DUPLICATE, status.DISCARDED)
KEPT_DOCUMENT_TYPES = ("invoice",)
# Orders nobody works on any more: their messages may go once old enough.
FINISHED_ORDERS = (
    OrderStatus.CLOSED.value,
    OrderStatus.CANCELLED.value,
    OrderStatus.REJECTED.value,
)
# Tables whose rows go with their message; a row of any other table pointing at a message
# keeps it (messages.parent_id is the parent rule).
DELETED_WITH_MESSAGE = frozenset(
    {"messages", "message_events", "documents", "payloads", "payload_chunks"}
)
# Messages deleted per transaction, so that a first clean-up of years of traffic holds no
# long lock and a failure keeps what was already done.
BATCH = 500
# How the intake files an archived inbound file: <partner>/<YYYY-MM-DD>/<message id>/<name>.
_DAY_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def run_retention(gateway: Gateway, now: datetime) -> Mapping[str, int]:
    """The retention job: what it deleted, by kind."""
    cutoff = now - timedelta(days=gateway.settings.jobs.retention_days)
    counts = delete_old_messages(gateway.store, cutoff)
    counts["archived_files"] = delete_archived_files(gateway.settings.archive, cutoff)
    with gateway.store.unit_of_work() as uow:
        counts["job_runs"] = delete_runs(uow, cutoff)
        counts["remote_receipts"] = delete_receipts(uow, cutoff)
    return counts


def delete_old_messages(store: Store, cutoff: datetime) -> Counter[str]:
    """Delete finished messages last changed before `cutoff`, children before their parents."""
    counts: Counter[str] = Counter(
        {"messages": 0, "message_events": 0, "documents": 0, "raw_payloads": 0}
    )
    query = _deletable(cutoff, _pointed_at(store)).limit(BATCH)
    while True:
        with store.unit_of_work() as uow:
            ids = list(uow.session.scalars(query))
            if not ids:
                return counts
            counts.update(_delete_messages(uow.session, ids))


def _pointed_at(store: Store) -> list[ColumnElement[bool]]:
    """One test per column of another table that points at messages (orders.message_id, a
    shipment's notice_message_id...), read from the database itself so that a table added
    later keeps its messages too."""
    tests: list[ColumnElement[bool]] = []
    with store.engine.connect() as connection:
        inspector = inspect(connection)
        for name in inspector.get_table_names():
            if name in DELETED_WITH_MESSAGE:
                continue
            for key in inspector.get_foreign_keys(name):
                if key["referred_table"] == MessageRow.__tablename__:
                    tests += [
                        exists().where(table(name, column(c)).c[c] == MessageRow.id)
                        for c in key["constrained_columns"]
                    ]
    return tests


def _deletable(cutoff: datetime, pointed_at: list[ColumnElement[bool]]) -> Select[int]:
    """The ids of messages that may go now: old, final, not kept, and no message's parent.

    A parent goes in a later batch, once its children went (the foreign key wants that order);
    one with a kept child never goes.
    """
    child = aliased(MessageRow)
    return (
        select(MessageRow.id)
        .where(
            MessageRow.status.in_(FINAL_STATUSES),
            MessageRow.updated_at < cutoff,
            or_(
                MessageRow.document_type.is_(None),
                MessageRow.document_type.not_in(KEPT_DOCUMENT_TYPES),
            ),
            *(~test for test in pointed_at),
            ~_of_open_order(),
            ~exists().where(child.parent_id == MessageRow.id),
        )
        .order_by(MessageRow.id)
    )


def _of_open_order() -> ColumnElement[bool]:
    """The message answers an order (messages.order_id) that is still being worked on."""
    return exists().where(
        OrderRow.id == MessageRow.order_id, OrderRow.status.not_in(FINISHED_ORDERS)
    )


def _delete_messages(session: Session, ids: list[int]) -> dict[str, int]:
    """Delete messages with everything that points at them; how many rows of each kind."""
    # The stored bytes' pieces go with their payload row, counted once as raw_payloads.
    session.execute(delete(PayloadChunkRow).where(PayloadChunkRow.message_id.in_(ids)))
    return {
        "message_events": _rows(session, delete(EventRow).where(EventRow.message_id.in_(ids))),
        "documents": _rows(session, delete(DocumentRow).where(DocumentRow.message_id.in_(ids))),
        "raw_payloads": _rows(session, delete(PayloadRow).where(PayloadRow.message_id.in_(ids))),
        "messages": _rows(session, delete(MessageRow).where(MessageRow.id.in_(ids))),
    }


def _rows(session: Session, statement: Delete) -> int:
    return int(getattr(session.execute(statement), "rowcount", 0) or 0)


def delete_archived_files(archive: Path | None, cutoff: datetime) -> int:
    """Delete the archive's day folders of days wholly before `cutoff`; how many files went.

    Files the intake did not file (outside <partner>/<YYYY-MM-DD>/) are left alone.
    """
    if archive is None or not archive.is_dir():
        return 0
    removed = 0
    for folder in sorted(archive.glob("*/*")):
        day = _day(folder)
        if day is None or day >= cutoff.date():
            continue
        files = sum(1 for path in folder.rglob("*") if path.is_file())
        try:
            shutil.rmtree(folder)
        except OSError as exc:
            raise TransientError(
                f"cannot delete the archived files in {folder}: {exc.strerror or exc}"
            ) from exc
        removed += files
    return removed


def _day(folder: Path) -> date | None:
    """The day of an archive day folder, or None for anything else."""
    if not folder.is_dir() or not _DAY_FOLDER.match(folder.name):
        return None
    try:
        return date.fromisoformat(folder.name)
    except ValueError:
        return None
