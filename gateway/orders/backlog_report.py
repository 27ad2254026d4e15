"""The backlog of open backorders: grouped by customer and item, per currency, aged by bucket.

Pure: the lines come from `gateway.store.order_queries.backlog_lines`, the report goes to
`gateway.output_orders`. Quantities are in base units (backordered quantity, kept in the
ordered unit, times the line's factor); values are the backordered quantity at our confirmed
price, else the buyer's price, rounded per line to the cent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

NOT_DUE = "not due"
OVER_30 = "over 30"
# Aging buckets by days past the requested delivery date: (bucket, last day late in it).
LATE_BUCKETS: tuple[tuple[str, int], ...] = (("0-7", 7), ("8-14", 14), ("15-30", 30))
BUCKETS: tuple[str, ...] = (NOT_DUE, *(name for name, _ in LATE_BUCKETS), OVER_30)
CENT = Decimal("0.01")
ZERO = Decimal(0)
Key = TypeVar("Key", bound=tuple[str | None, ...])


@dataclass(frozen=True)
class BacklogLine:
    """One open backordered order line, with what the report needs of its order."""

    order_id: int
    order_number: str
    partner: str
    customer_id: str | None
    currency: str | None
    line_number: str
    sku: str | None
    gtin: str | None
    uom: str | None
    backordered_quantity: Decimal
    factor: Decimal
    confirmed_price: Decimal | None
    unit_price: Decimal | None
    line_requested_date: date | None
    order_requested_date: date | None
    promised_date: date | None

    @property
    def customer(self) -> str:
        """The master-data customer, or "partner:<partner>" when the customer is unknown."""
        return self.customer_id or f"partner:{self.partner}"

    @property
    def item(self) -> str:
        """Our item number, else the GTIN, else "-"."""
        return self.sku or self.gtin or "-"

    @property
    def requested_date(self) -> date | None:
        """The line's requested delivery date, else the order's."""
        return self.line_requested_date or self.order_requested_date

    @property
    def base_quantity(self) -> Decimal:
        """The backordered quantity in base units."""
        return self.backordered_quantity * self.factor

    @property
    def value(self) -> Decimal:
        """Backordered quantity at our price, else the buyer's, else zero; to the cent."""
        price = self.confirmed_price if self.confirmed_price is not None else self.unit_price
        amount = self.backordered_quantity * (price if price is not None else ZERO)
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class AgedLine:
    """A backlog line with its days late (negative: not due yet; None: no date) and bucket."""

    line: BacklogLine
    days_late: int | None
    bucket: str


@dataclass(frozen=True)
class Amount:
    """Quantity in base units and value of some backordered lines."""

    lines: int
    quantity: Decimal
    value: Decimal


@dataclass(frozen=True)
class Totals:
    """An amount in all, and one per aging bucket (in BUCKETS order)."""

    total: Amount
    buckets: tuple[Amount, ...]

    def bucket(self, name: str) -> Amount:
        """The amount in the aging bucket `name`."""
        return self.buckets[BUCKETS.index(name)]


@dataclass(frozen=True)
class BacklogGroup:
    """What one customer waits for of one item, in one currency."""

    customer: str
    item: str
    currency: str | None
    totals: Totals


@dataclass(frozen=True)
class CustomerTotal:
    """Everything one customer waits for, in one currency."""

    customer: str
    currency: str | None
    totals: Totals


@dataclass(frozen=True)
class CurrencyTotal:
    """The whole backlog in one currency."""

    currency: str | None
    totals: Totals


@dataclass(frozen=True)
class BacklogReport:
    """Groups, customer totals, grand totals per currency and the lines, as of a date."""

    as_of: date
    groups: tuple[BacklogGroup, ...]
    customers: tuple[CustomerTotal, ...]
    currencies: tuple[CurrencyTotal, ...]
    lines: tuple[AgedLine, ...]


def days_late(requested: date | None, as_of: date) -> int | None:
    """Days from the requested date to `as_of` (negative: not due yet); None without a date."""
    return None if requested is None else (as_of - requested).days


def aging_bucket(late: int | None) -> str:
    """The bucket of a line that is `late` days late: not due when no date or not yet past."""
    if late is None or late < 0:
        return NOT_DUE
    for name, last_day in LATE_BUCKETS:
        if late <= last_day:
            return name
    return OVER_30


def backlog_report(lines: Sequence[BacklogLine], as_of: date) -> BacklogReport:
    """Age every line at `as_of` and total it by customer and item, customer and currency."""
    aged = sorted((_aged(line, as_of) for line in lines), key=_line_order)
    groups = _grouped(aged, lambda a: (a.line.customer, a.line.item, a.line.currency))
    customers = _grouped(aged, lambda a: (a.line.customer, a.line.currency))
    currencies = _grouped(aged, lambda a: (a.line.currency,))
    return BacklogReport(
        as_of=as_of,
        groups=tuple(BacklogGroup(c, i, cur, t) for (c, i, cur), t in groups),
        customers=tuple(CustomerTotal(c, cur, t) for (c, cur), t in customers),
        currencies=tuple(CurrencyTotal(cur, t) for (cur,), t in currencies),
        lines=tuple(aged),
    )


def _aged(line: BacklogLine, as_of: date) -> AgedLine:
    late = days_late(line.requested_date, as_of)
    return AgedLine(line, late, aging_bucket(late))


def _grouped(aged: Iterable[AgedLine], key: Callable[[AgedLine], Key]) -> list[tuple[Key, Totals]]:
    """Totals per key, sorted by key (no currency sorts first)."""
    members: dict[Key, list[AgedLine]] = defaultdict(list)
    for line in aged:
        members[key(line)].append(line)
    ordered = sorted(members, key=lambda k: tuple(part or "" for part in k))
    return [(k, _totals(members[k])) for k in ordered]


def _totals(aged: Sequence[AgedLine]) -> Totals:
    buckets = tuple(_amount([a for a in aged if a.bucket == name]) for name in BUCKETS)
    return Totals(_amount(aged), buckets)


def _amount(aged: Sequence[AgedLine]) -> Amount:
    quantity = sum((a.line.base_quantity for a in aged), ZERO)
    value = sum((a.line.value for a in aged), ZERO.quantize(CENT))
    return Amount(len(aged), quantity, value)


def _line_order(aged: AgedLine) -> tuple[str, str, str, str, tuple[int, str], int]:
    line = aged.line
    return (
        line.customer,
        line.item,
        line.currency or "",
        line.order_number,
        _natural(line.line_number),
        line.order_id,
    )


def _natural(line_number: str) -> tuple[int, str]:
    """Line numbers in numeric order ("2" before "10"), others after them by text."""
    stripped = line_number.strip()
    return (int(stripped), "") if stripped.isdigit() else (1 << 62, stripped)
