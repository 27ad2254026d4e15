"""The order state machine: the states of an order and of its lines, and the moves allowed.

An order's status follows from its lines (`order_status`), except while it is on hold: a held
order waits whole for a person (`gateway orders release|reject`). Later stages (released,
picked, packed, shipped, delivered, invoiced, closed) belong to fulfilment.
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
    LineState.BACKORDERED: frozenset({LineState.READY, LineState.BACKORDERED, LineState.CANCELLED}),
    LineState.READY: frozenset({LineState.CANCELLED}),
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
    if LineState.BACKORDERED in states:
        return OrderStatus.BACKORDERED
    if states <= {LineState.READY, LineState.RECEIVED}:
        return OrderStatus.CONFIRMED
    return OrderStatus.PARTIALLY_CONFIRMED
