"""What ops and the scheduler do to orders and stock, each in one transaction with its answers.

Every action that decides an order queues the order response it produced in the same
transaction, so an order is never released without its answer, nor answered twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from gateway.app import Gateway
from gateway.errors import BusinessRuleError
from gateway.orders.port import Placement, StockChange, StockResult
from gateway.pipeline.order_responses import queue_order_response
from gateway.store import MessageRecord, UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decided:
    """An order decision and the order response message it queued (None: nothing to send)."""

    placement: Placement
    response: MessageRecord | None


def release_order(gateway: Gateway, order_id: int, actor: str, reason: str) -> Decided:
    """Confirm a held order now, overriding its hold; queue its order response."""
    with gateway.store.unit_of_work() as uow:
        placement = gateway.order_system(uow).release(order_id, actor, reason)
        return _answered(gateway, uow, placement, actor)


def reject_order(
    gateway: Gateway, order_id: int, reason_code: str, text: str, actor: str
) -> Decided:
    """Reject a held order, every line with the reason; queue the rejecting order response."""
    with gateway.store.unit_of_work() as uow:
        placement = gateway.order_system(uow).reject(order_id, reason_code, text, actor)
        return _answered(gateway, uow, placement, actor)


def receive_stock(gateway: Gateway, change: StockChange, actor: str) -> StockResult:
    """Book arrived stock; the backlog is served from it in fair order."""
    with gateway.store.unit_of_work() as uow:
        return gateway.order_system(uow).receive_stock(change, actor)


def adjust_stock(gateway: Gateway, change: StockChange, actor: str) -> StockResult:
    """Correct on-hand stock by a signed quantity."""
    with gateway.store.unit_of_work() as uow:
        return gateway.order_system(uow).adjust_stock(change, actor)


def review_backlog(gateway: Gateway, actor: str) -> list[Decided]:
    """Serve waiting lines from free stock and send one changed response per slipped order."""
    with gateway.store.unit_of_work() as uow:
        placements = gateway.order_system(uow).review_backlog(gateway.clock().date(), actor)
        decided = [_answered(gateway, uow, p, actor) for p in placements]
    for one in decided:
        log.info(
            "order %s (%s): backorder date moved, changed order response %s",
            one.placement.order_id,
            one.placement.order_number,
            f"queued as message {one.response.id}" if one.response else "not sent (no outbound)",
        )
    return decided


def _answered(gateway: Gateway, uow: UnitOfWork, placement: Placement, actor: str) -> Decided:
    partner = gateway.settings.partners.get(placement.partner or "")
    if partner is None:
        if placement.response is not None:
            raise BusinessRuleError(
                f"order {placement.order_id} belongs to partner {placement.partner!r}, which has "
                "no profile in config/partners/ any more; its order response cannot be sent"
            )
        return Decided(placement, None)
    message = queue_order_response(
        uow, partner, placement, parent_id=placement.message_id, actor=actor
    )
    return Decided(placement, message)
