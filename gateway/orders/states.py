"""The order state machine: the states of an order and of its lines, and the moves allowed.

An order's status follows from its lines (`order_status`), except while it is on hold: a held
order waits whole for a person (`gateway orders release|reject`). Fulfilment moves lines on:
ready -> released (with the warehouse) -> shipped -> delivered; an order whose every live line
is delivered and invoiced is closed. Picking and packing are steps of a shipment, not of a line.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable


class OrderStatus(enum.StrEnum):
    """Where an order stands as a whole."""

    RECEIVED = "received"
    ON_HOLD = "on_hold"
    CONFIRMED = "confirmed"
    PARTIALLY_CONFIRMED = "partially_confirmed"
    BACKORDERED = "backordered"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    # Recorded only (a duplicate under the "ignore" policy, or the engine is not ours).
    RECORDED = "recorded"
    # Fulfilment: every confirmed line with the warehouse, some or all shipped, all delivered,
    # and finally closed (delivered and invoiced).
    RELEASED = "released"
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CLOSED = "closed"


class LineState(enum.StrEnum):
    """Where one order line stands."""

    RECEIVED = "received"
    ON_HOLD = "on_hold"
    # Everything confirmed is allocated: ready to be released to the warehouse.
    READY = "ready"
    # Some of the confirmed quantity still waits for stock.
    BACKORDERED = "backordered"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    # All that is allocated and not shipped is with the warehouse (in an open shipment).
    RELEASED = "released"
    # All confirmed quantity has left the warehouse; then the buyer confirmed receipt.
    SHIPPED = "shipped"
    DELIVERED = "delivered"


# The moves a line may make; anything else is a bug in the engine.
LINE_MOVES: dict[LineState, frozenset[LineState]] = {
    LineState.RECEIVED: frozenset(
        {
            LineState.ON_HOLD,
            LineState.READY,
            LineState.BACKORDERED,
            LineState.REJECTED,
            LineState.CANCELLED,
        }
    ),
    LineState.ON_HOLD: frozenset(
        {LineState.READY, LineState.BACKORDERED, LineState.REJECTED, LineState.CANCELLED}
    ),
    LineState.BACKORDERED: frozenset(
        {LineState.READY, LineState.BACKORDERED, LineState.RELEASED, LineState.CANCELLED}
    ),
    LineState.READY: frozenset({LineState.RELEASED, LineState.CANCELLED}),
    # A short pick sends the missing quantity back to the backlog (or to ready when the partner
    # takes no backorders); a shipment sends a partial line back to ready for its rest.
    LineState.RELEASED: frozenset(
        {LineState.READY, LineState.BACKORDERED, LineState.SHIPPED, LineState.CANCELLED}
    ),
    LineState.SHIPPED: frozenset({LineState.DELIVERED}),
    LineState.DELIVERED: frozenset(),
    LineState.REJECTED: frozenset(),
    LineState.CANCELLED: frozenset(),
}


class IllegalMove(Exception):
    """A state change the order state machine does not allow."""


def check_move(before: LineState, after: LineState) -> None:
    """Raise IllegalMove unless a line may go from `before` to `after`."""
    if after != before and after not in LINE_MOVES[before]:
        raise IllegalMove(f"an order line cannot go from {before} to {after}")


def order_status(lines: Iterable[LineState]) -> OrderStatus:
    """The order's status from its lines' states."""
    states = set(lines)
    if not states:
        return OrderStatus.REJECTED
    if LineState.ON_HOLD in states:
        return OrderStatus.ON_HOLD
    if states <= {LineState.REJECTED, LineState.CANCELLED}:
        return OrderStatus.CANCELLED if LineState.CANCELLED in states else OrderStatus.REJECTED
    live = states - {LineState.REJECTED, LineState.CANCELLED}
    if live <= {LineState.DELIVERED}:
        return OrderStatus.DELIVERED
    if live <= {LineState.SHIPPED, LineState.DELIVERED}:
        return OrderStatus.SHIPPED
    if live & {LineState.SHIPPED, LineState.DELIVERED}:
        return OrderStatus.PARTIALLY_SHIPPED
    if LineState.BACKORDERED in states:
        return OrderStatus.BACKORDERED
    if live <= {LineState.RELEASED}:
        return OrderStatus.RELEASED
    if states <= {LineState.READY, LineState.RECEIVED, LineState.RELEASED}:
        return OrderStatus.CONFIRMED
    return OrderStatus.PARTIALLY_CONFIRMED
