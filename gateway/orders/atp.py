"""Available-to-promise: what stock can serve a line now, and when incoming supply covers the rest.

Quantities here are in the item's base unit except where a name says "units" (the ordered unit,
of which `factor` base units make one). Stock is promised in whole ordered units when the
ordered unit is a pack (a case of 12 is not shipped as 7 pieces).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal

ZERO = Decimal(0)


@dataclass(frozen=True)
class Availability:
    """Supply of one item in one warehouse: free stock, replenishments by date, claims on them.

    `free` is on hand minus what is allocated to order lines; `ahead` is backordered quantity
    already waiting, which the fair order serves from incoming supply first.
    """

    free: Decimal
    incoming: tuple[tuple[date, Decimal], ...] = ()
    ahead: Decimal = ZERO


@dataclass(frozen=True)
class Promise:
    """For one line: units servable now, units left over, and when supply covers them."""

    now_units: Decimal
    later_units: Decimal
    later_date: date | None  # the replenishment date that covers the rest; None: none does


def promise(units: Decimal, factor: Decimal, supply: Availability) -> tuple[Promise, Availability]:
    """Promise `units` ordered units against `supply`; the promise and the supply left after it."""
    now = _servable_now(units, factor, supply.free)
    later = units - now
    later_date = covering_date(later * factor, supply) if later > ZERO else None
    left = replace(supply, free=supply.free - now * factor, ahead=supply.ahead + later * factor)
    return Promise(now, later, later_date), left


def _servable_now(units: Decimal, factor: Decimal, free: Decimal) -> Decimal:
    if free >= units * factor:
        return units
    if free <= ZERO:
        return ZERO
    return (free / factor).to_integral_value(rounding=ROUND_FLOOR)


def covering_date(quantity: Decimal, supply: Availability) -> date | None:
    """The replenishment date by which incoming supply, after claims ahead, covers `quantity`."""
    claimed, covered = supply.ahead, ZERO
    for arrives, incoming in sorted(supply.incoming):
        taken_by_others = min(incoming, max(claimed, ZERO))
        claimed -= taken_by_others
        covered += incoming - taken_by_others
        if covered >= quantity:
            return arrives
    return None


def delivery_after(
    arrives: date | None, today: date, lead_time_days: int, requested: date | None
) -> date | None:
    """Delivery of stock arriving on a date: arrival (not before today) plus lead time, not
    before the requested date; None when nothing arrives."""
    if arrives is None:
        return None
    delivery = max(arrives, today) + timedelta(days=lead_time_days)
    return max(delivery, requested) if requested else delivery
