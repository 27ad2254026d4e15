"""Confirmation: each checked line accepted, changed, backordered or rejected, and the response.

A line is decided against available-to-promise: what stock serves now is allocated, the rest
is backordered with the date incoming supply supports (or cancelled, when the partner takes no
backorders). The header status follows the lines (EDIFACT BGM 4343 / X12 BAK02).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from gateway.model import LineStatus, OrderResponse, PurchaseOrder, ResponseLine, ResponseStatus
from gateway.orders.atp import ZERO, Availability, Promise, delivery_after, promise
from gateway.orders.checks import CheckedLine
from gateway.orders.port import OrderPolicy
from gateway.orders.states import LineState

OUT_OF_STOCK = "out_of_stock"


@dataclass(frozen=True)
class LineDecision:
    """What the engine decided for one line, in ordered units."""

    checked: CheckedLine
    state: LineState
    status: LineStatus
    confirmed: Decimal = ZERO  # committed in all: allocated now plus backordered
    allocated: Decimal = ZERO
    backordered: Decimal = ZERO
    promised_date: date | None = None  # delivery of what is allocated now
    backorder_date: date | None = None  # delivery of the backordered rest
    reason: str | None = None

    @property
    def line_number(self) -> str:
        """The buyer's line number."""
        return self.checked.line.line_number


def decide_lines(
    lines: Sequence[CheckedLine],
    supply: Mapping[str, Availability],
    policy: OrderPolicy,
    today: date,
) -> tuple[LineDecision, ...]:
    """Decide every line in order; lines of the same item draw on the same supply in turn."""
    left = dict(supply)
    decisions: list[LineDecision] = []
    for checked in lines:
        if checked.reject_reason is not None or checked.item is None:
            decisions.append(rejected(checked, checked.reject_reason or "item_unknown"))
            continue
        sku = checked.item.sku
        promised, left[sku] = promise(
            checked.line.quantity, checked.factor, left.get(sku, Availability(ZERO))
        )
        decisions.append(_decide(checked, promised, policy, today))
    return tuple(decisions)


def _decide(
    checked: CheckedLine, promised: Promise, policy: OrderPolicy, today: date
) -> LineDecision:
    ordered = checked.line.quantity
    if promised.later_units == ZERO:
        status = LineStatus.CHANGED if checked.changed else LineStatus.ACCEPTED
        return LineDecision(
            checked, LineState.READY, status, ordered, ordered, ZERO, checked.promised_date
        )
    if policy.backorders == "cancel":
        return _cancel_rest(checked, promised)
    return LineDecision(
        checked,
        LineState.BACKORDERED,
        LineStatus.BACKORDERED,
        confirmed=ordered,
        allocated=promised.now_units,
        backordered=promised.later_units,
        promised_date=checked.promised_date if promised.now_units else None,
        backorder_date=backorder_date(checked, promised.later_date, today),
    )


def _cancel_rest(checked: CheckedLine, promised: Promise) -> LineDecision:
    if promised.now_units == ZERO:
        return rejected(checked, OUT_OF_STOCK)
    return LineDecision(
        checked,
        LineState.READY,
        LineStatus.CHANGED,
        confirmed=promised.now_units,
        allocated=promised.now_units,
        promised_date=checked.promised_date,
        reason=OUT_OF_STOCK,
    )


def backorder_date(checked: CheckedLine, arrives: date | None, today: date) -> date | None:
    """Delivery of a line's backordered rest from the replenishment that covers it."""
    if checked.item is None:
        return None
    return delivery_after(arrives, today, checked.item.lead_time_days, checked.requested_date)


def rejected(checked: CheckedLine, reason: str) -> LineDecision:
    """A line rejected whole with a reason code."""
    return LineDecision(checked, LineState.REJECTED, LineStatus.REJECTED, reason=reason)


def response_status(decisions: Sequence[LineDecision]) -> ResponseStatus:
    """Accepted when every line is, rejected when every line is, else accepted with changes."""
    statuses = {d.status for d in decisions}
    if statuses <= {LineStatus.ACCEPTED}:
        return ResponseStatus.ACCEPTED
    if statuses == {LineStatus.REJECTED}:
        return ResponseStatus.REJECTED
    return ResponseStatus.ACCEPTED_WITH_CHANGES


def order_response(
    order: PurchaseOrder,
    decisions: Sequence[LineDecision],
    response_number: str,
    today: date,
    status: ResponseStatus | None = None,
) -> OrderResponse:
    """The order response for these line decisions."""
    return OrderResponse(
        response_number=response_number,
        order_number=order.order_number,
        issue_date=today,
        status=status or response_status(decisions),
        order_date=order.order_date,
        currency=order.currency,
        buyer=order.buyer,
        seller=order.seller,
        ship_to=order.ship_to,
        lines=tuple(response_line(d) for d in decisions),
    )


def response_line(decision: LineDecision) -> ResponseLine:
    """One line of the response: quantities in the ordered unit, our price, dates, reason."""
    checked = decision.checked
    line = checked.line
    return ResponseLine(
        line_number=line.line_number,
        status=decision.status,
        ordered_quantity=line.quantity,
        # What is delivered as promised now (EDIFACT QTY 113, X12 ACK IA); the backordered
        # rest is reported apart (QTY 83, ACK IB) with its own date.
        confirmed_quantity=decision.allocated,
        gtin=line.gtin,
        buyer_part=line.buyer_part,
        seller_part=line.seller_part or (checked.item.sku if checked.item else None),
        description=line.description,
        uom=line.uom,
        unit_price=checked.confirmed_price if decision.state != LineState.REJECTED else None,
        confirmed_delivery_date=decision.promised_date,
        backordered_quantity=decision.backordered or None,
        backorder_date=decision.backorder_date,
        reason=decision.reason,
    )
