"""The process stage: each mapped document acted on, in batches that commit their progress.

A batch of documents and the record's `progress` (the last document done) commit together,
so a crash in the middle of a large interchange resumes after the last whole batch and no
order is confirmed twice.
"""

from __future__ import annotations

import logging
from datetime import date

from gateway.app import Gateway
from gateway.config import Partner
from gateway.model import PurchaseOrder
from gateway.model.codec import document_from_json, to_json
from gateway.pipeline import status
from gateway.pipeline.acks import PARTNER_ACK, ack_from_json, reconcile
from gateway.pipeline.stages import confirm_as_ordered
from gateway.store import MessageRecord, NewMessage, StoredDocument, UnitOfWork

log = logging.getLogger(__name__)

PROCESS_BATCH = 200


def process_documents(
    gateway: Gateway, record: MessageRecord, partner: Partner
) -> tuple[MessageRecord, str]:
    """Act on every stored document after `record.progress`; the record and a summary."""
    counts: dict[str, int] = {}
    today = gateway.clock().date()
    while batch := gateway.store.documents(record.id, record.progress, PROCESS_BATCH):
        with gateway.store.unit_of_work() as uow:
            for document in batch:
                outcome = _process_one(gateway, uow, record, partner, document, today)
                counts[outcome] = counts.get(outcome, 0) + 1
            record = uow.update_message(record.id, actor="runner", progress=batch[-1].seq)
    return record, ", ".join(f"{n} {what}" for what, n in counts.items())


def _process_one(  # noqa: PLR0917 - one document in its batch's transaction
    gateway: Gateway,
    uow: UnitOfWork,
    record: MessageRecord,
    partner: Partner,
    stored: StoredDocument,
    today: date,
) -> str:
    if stored.type == PARTNER_ACK:
        ack = ack_from_json(stored.body)
        reconciled = reconcile(gateway, uow, record, ack)
        return f"{ack.kind} {ack.status} reconciled" if reconciled else f"{ack.kind} unmatched"
    document = document_from_json(stored.type, stored.body)
    if isinstance(document, PurchaseOrder):
        _confirm(uow, record, partner, document, today=today, test=stored.test)
        return "orders confirmed"
    return f"{stored.type} recorded"


def _confirm(
    uow: UnitOfWork,
    record: MessageRecord,
    partner: Partner,
    order: PurchaseOrder,
    *,
    today: date,
    test: bool,
) -> None:
    response = confirm_as_ordered(order, today)
    confirmed = {
        line.line_number: (line.confirmed_quantity, line.status.value) for line in response.lines
    }
    uow.add_order(record.id, partner.id, order, status="confirmed", confirmed=confirmed)
    spec = partner.outbound_for("order_response")
    if spec is None:
        return
    uow.add_message(
        NewMessage(
            direction="out",
            partner=partner.id,
            standard=spec.standard,
            message_type=spec.message_type,
            version=spec.version,
            stage=status.CREATED,
            status=status.PENDING,
            parent_id=record.id,
            document_type="order_response",
            # A response to a test interchange (UNB 0035 = 1) is a test interchange too.
            document={"type": "order_response", "document": to_json(response), "test": test},
            test=test,
            document_ref=response.response_number,
        ),
        actor="runner",
        reason=f"order response for order {order.order_number}",
    )
