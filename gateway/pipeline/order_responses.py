"""Outbound documents the gateway decides (order responses, ship notices, invoices), queued as
messages to the partner in its standard."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.config import Partner
from gateway.model.codec import to_json
from gateway.model.documents import Document, document_type
from gateway.orders.port import Placement
from gateway.pipeline import status
from gateway.store import MessageRecord, NewMessage, UnitOfWork


def queue_order_response(
    uow: UnitOfWork, partner: Partner, placement: Placement, *, parent_id: int | None, actor: str
) -> MessageRecord | None:
    """The outbound order response of a placement, in the partner's standard; None if none.

    Nothing is queued when the order system has nothing to say (an order on hold) or the
    partner takes no order responses (no [[outbound]] order_response).
    """
    response = placement.response
    if response is None:
        return None
    # A response to a test interchange (UNB 0035 = 1, ISA15 = T) is a test interchange too.
    return queue_document(
        uow,
        partner,
        response,
        Outgoing(
            order_id=placement.order_id,
            parent_id=parent_id,
            test=placement.test,
            reference=response.response_number,
            reason=f"order response {response.response_number} for order {placement.order_number}",
        ),
        actor=actor,
    )


@dataclass(frozen=True)
class Outgoing:
    """What an outbound document answers: its order and inbound message, test or not, why."""

    order_id: int | None
    parent_id: int | None
    test: bool
    reference: str
    reason: str


def queue_document(
    uow: UnitOfWork, partner: Partner, document: Document, outgoing: Outgoing, *, actor: str
) -> MessageRecord | None:
    """Queue a canonical document to the partner in its standard; None when the partner takes
    no such document (no [[outbound]] for its type)."""
    kind = document_type(document)
    spec = partner.outbound_for(kind)
    if spec is None:
        return None
    return uow.add_message(
        NewMessage(
            direction="out",
            partner=partner.id,
            standard=spec.standard,
            message_type=spec.message_type,
            version=spec.version,
            stage=status.CREATED,
            status=status.PENDING,
            parent_id=outgoing.parent_id,
            document_type=kind,
            document={"type": kind, "document": to_json(document), "test": outgoing.test},
            test=outgoing.test,
            document_ref=outgoing.reference,
            order_id=outgoing.order_id,
        ),
        actor=actor,
        reason=outgoing.reason,
    )
