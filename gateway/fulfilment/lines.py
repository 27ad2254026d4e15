"""Where an order line stands in fulfilment, from its quantities."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from gateway.orders.states import LineState
from gateway.store.order_state import move_line
from gateway.store.tables import OrderLineRow

ZERO = Decimal(0)
# States the engine decides and fulfilment never overrides.
_DECIDED = frozenset(
    {LineState.RECEIVED, LineState.ON_HOLD, LineState.REJECTED, LineState.CANCELLED}
)


def fulfilment_state(
    current: LineState,
    *,
    allocated: Decimal,
    backordered: Decimal,
    released: Decimal,
    shipped: Decimal,
    delivered: Decimal,
) -> LineState:
    """The line's state once its quantities changed: waiting stock first, then the earliest
    stage any of its quantity is in (ready, with the warehouse, shipped, delivered)."""
    if current in _DECIDED:
        return current
    if backordered > ZERO:
        return LineState.BACKORDERED
    if allocated - released > ZERO:
        return LineState.READY
    if released > ZERO:
        return LineState.RELEASED
    if shipped > ZERO:
        return LineState.DELIVERED if delivered >= shipped else LineState.SHIPPED
    return current


def releasable(allocated: Decimal, released: Decimal) -> Decimal:
    """What of a line is allocated but not yet with the warehouse."""
    return max(allocated - released, ZERO)


def restate_line(
    session: Session, line: OrderLineRow, now: datetime, actor: str, reason: str
) -> None:
    """Move a line to the state its quantities now put it in, with a history entry."""
    state = fulfilment_state(
        LineState(line.status),
        allocated=line.allocated_quantity,
        backordered=line.backordered_quantity,
        released=line.released_quantity,
        shipped=line.shipped_quantity,
        delivered=line.delivered_quantity,
    )
    move_line(session, line, state, actor=actor, at=now, reason=reason)
