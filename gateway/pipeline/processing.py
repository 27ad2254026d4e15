"""The process stage: each mapped document acted on, in batches that commit their progress.

A batch of documents and the record's `progress` (the last document done) commit together,
so a crash in the middle of a large interchange resumes after the last whole batch and no
order is confirmed twice.
"""

from __future__ import annotations

import logging

from gateway.app import Gateway
from gateway.config import Partner
from gateway.model import PurchaseOrder
from gateway.model.codec import document_from_json
from gateway.orders.port import OrderSource, OrderSystem
from gateway.pipeline.acks import PARTNER_ACK, ack_from_json, reconcile
from gateway.pipeline.order_responses import queue_order_response
from gateway.store import MessageRecord, StoredDocument, UnitOfWork

log = logging.getLogger(__name__)

PROCESS_BATCH = 200


def process_documents(
    gateway: Gateway, record: MessageRecord, partner: Partner
) -> tuple[MessageRecord, str]:
    """Act on every stored document after `record.progress`; the record and a summary."""
    counts: dict[str, int] = {}
    while batch := gateway.store.documents(record.id, record.progress, PROCESS_BATCH):
        with gateway.store.unit_of_work() as uow:
            orders = gateway.order_system(uow)
            for document in batch:
                outcome = _process_one(gateway, uow, orders, record, partner, document)
                counts[outcome] = counts.get(outcome, 0) + 1
            record = uow.update_message(record.id, actor="runner", progress=batch[-1].seq)
    return record, ", ".join(f"{n} {what}" for what, n in counts.items())


def _process_one(  # noqa: PLR0917 - one document in its batch's transaction
    gateway: Gateway,
    uow: UnitOfWork,
    orders: OrderSystem,
    record: MessageRecord,
    partner: Partner,
    stored: StoredDocument,
) -> str:
    if stored.type == PARTNER_ACK:
        ack = ack_from_json(stored.body)
        reconciled = reconcile(gateway, uow, record, ack)
        return f"{ack.kind} {ack.status} reconciled" if reconciled else f"{ack.kind} unmatched"
    document = document_from_json(stored.type, stored.body)
    if isinstance(document, PurchaseOrder):
        source = OrderSource(
            partner.id,
            record.id,
            partner.orders,
            test=stored.test,
            accept_duplicate=record.accept_duplicate,
        )
        placement = orders.place(document, source)
        queue_order_response(uow, partner, placement, parent_id=record.id, actor="runner")
        return f"orders {placement.status.value.replace('_', ' ')}"
    return f"{stored.type} recorded"
