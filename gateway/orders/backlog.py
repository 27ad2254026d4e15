"""The backlog: backordered lines served in a fair order, and their dates reviewed.

Fair order: the earliest requested delivery date first (lines without one last), then the
earliest order date, then the order that arrived first, then line number. Arriving stock goes
to the first line in that order, a whole ordered unit at a time, before any later line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from gateway.orders.atp import ZERO, Availability, covering_date, delivery_after, promise

LAST = date.max


@dataclass(frozen=True)
class WaitingLine:
    """A backordered order line, as the backlog sees it (quantities in ordered units)."""

    order_id: int
    order_number: str
    line_number: str
    sku: str
    factor: Decimal
    backordered: Decimal
    requested_date: date | None
    order_date: date | None
    promised_date: date | None  # the backorder date the buyer was last told
    lead_time_days: int = 0
    line_id: int = 0  # the stored line, for the engine


@dataclass(frozen=True)
class Allocation:
    """Units of arrived stock given to a waiting line; `ready` when nothing waits any more."""

    line: WaitingLine
    units: Decimal

    @property
    def ready(self) -> bool:
        """Whether the whole backordered quantity is now allocated."""
        return self.units >= self.line.backordered


@dataclass(frozen=True)
class DateReview:
    """A waiting line's newly computed backorder date, and whether it slipped."""

    line: WaitingLine
    new_date: date | None

    @property
    def slipped(self) -> bool:
        """Later than the date last promised (or no longer covered by any replenishment)."""
        old = self.line.promised_date
        return old is not None and (self.new_date is None or self.new_date > old)


def _line_key(number: str) -> tuple[int, str]:
    return (int(number), "") if number.isdigit() else (1 << 62, number)


def fair_order(lines: Iterable[WaitingLine]) -> list[WaitingLine]:
    """The lines in the order the backlog serves them."""
    return sorted(
        lines,
        key=lambda w: (
            w.requested_date or LAST,
            w.order_date or LAST,
            w.order_id,
            _line_key(w.line_number),
        ),
    )


def allocate(lines: Sequence[WaitingLine], free: Decimal) -> tuple[list[Allocation], Decimal]:
    """Serve waiting lines of one item from `free` base units in fair order; what is left."""
    allocations: list[Allocation] = []
    for line in fair_order(lines):
        if free <= ZERO:
            break
        given, left = promise(line.backordered, line.factor, Availability(free))
        if given.now_units > ZERO:
            allocations.append(Allocation(line, given.now_units))
        free = left.free
    return allocations, free


def review_dates(
    lines: Sequence[WaitingLine], incoming: Sequence[tuple[date, Decimal]], today: date
) -> list[DateReview]:
    """Each waiting line's backorder date from incoming supply, claimed in fair order."""
    reviews: list[DateReview] = []
    ahead = ZERO
    for line in fair_order(lines):
        need = line.backordered * line.factor
        arrives = covering_date(need, Availability(ZERO, tuple(incoming), ahead))
        new_date = delivery_after(arrives, today, line.lead_time_days, line.requested_date)
        reviews.append(DateReview(line, new_date))
        ahead += need
    return reviews
