"""Order responses decided by the order system, queued as outbound messages to the partner."""

from __future__ import annotations

from gateway.config import Partner
from gateway.model.codec import to_json
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
    spec = partner.outbound_for("order_response")
    if response is None or spec is None:
        return None
    # A response to a test interchange (UNB 0035 = 1, ISA15 = T) is a test interchange too.
    test = placement.test
    return uow.add_message(
        NewMessage(
            direction="out",
            partner=partner.id,
            standard=spec.standard,
            message_type=spec.message_type,
            version=spec.version,
            stage=status.CREATED,
            status=status.PENDING,
            parent_id=parent_id,
            document_type="order_response",
            document={"type": "order_response", "document": to_json(response), "test": test},
            test=test,
            document_ref=response.response_number,
            order_id=placement.order_id,
        ),
        actor=actor,
        reason=f"order response {response.response_number} for order {placement.order_number}",
    )
