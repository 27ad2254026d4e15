"""The store: tables, migrations, queries and the raw archive."""

from gateway.store.engine import create_engine_for, migrate
from gateway.store.job_runs import JobRunRecord
from gateway.store.records import (
    DISCARDED_STATUS,
    DUPLICATE_STATUS,
    NOT_ORIGINAL,
    RUNNING_STATUS,
    MessageEvent,
    MessageFilter,
    MessageRecord,
    NewDocument,
    NewMessage,
    OrderLineRecord,
    OrderRecord,
    StoredDocument,
    issues_to_json,
)
from gateway.store.store import Store
from gateway.store.unit_of_work import UnitOfWork

__all__ = [
    "DISCARDED_STATUS",
    "DUPLICATE_STATUS",
    "NOT_ORIGINAL",
    "RUNNING_STATUS",
    "JobRunRecord",
    "MessageEvent",
    "MessageFilter",
    "MessageRecord",
    "NewDocument",
    "NewMessage",
    "OrderLineRecord",
    "OrderRecord",
    "Store",
    "StoredDocument",
    "UnitOfWork",
    "create_engine_for",
    "issues_to_json",
    "migrate",
]
