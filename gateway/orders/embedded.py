"""The embedded order engine: the OrderSystem port on the gateway's own database.

It runs the checks of `gateway.orders.checks` against the master data, confirms lines against
available-to-promise, records every finding and move in the order's history, serves the
backlog when stock arrives, and reviews backorder dates.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from gateway.model import OrderResponse, PurchaseOrder, ResponseStatus
from gateway.orders.atp import ZERO, Availability
from gateway.orders.checks import (
    CheckedLine,
    CheckedOrder,
    CustomerMatch,
    check_credit,
    check_line,
    check_ship_to,
    duplicate_findings,
    resolve_customer,
)
from gateway.orders.confirm import LineDecision, decide_lines, order_response, rejected
from gateway.orders.embedded_backlog import Stockroom, stored_order
from gateway.orders.port import (
    Effect,
    Finding,
    OrderActionError,
    OrderPolicy,
    OrderSource,
    Placement,
    StockChange,
    StockResult,
)
from gateway.orders.states import LineState, OrderStatus
from gateway.store import UnitOfWork
from gateway.store.order_catalog import (
    SqlCatalog,
    default_warehouse,
    earlier_order,
    exposure,
    live_order,
    supply,
)
from gateway.store.order_state import (
    add_event,
    add_findings,
    move_line,
    order_lines,
    record_order,
    set_order_status,
    settle_order,
)
from gateway.store.tables import OrderRow

RUNNER = "runner"
# Message functions (EDIFACT BGM 1225, X12 BEG01 353, as PurchaseOrder.function) that cancel
# the live order of the same number, replace it, or only inform.
CANCELLING = frozenset({"cancellation", "deletion"})
REPLACING = frozenset({"replace", "change"})
INFORMATION_ONLY = frozenset({"copy", "duplicate", "confirmation"})
log = logging.getLogger(__name__)


class EmbeddedOrderSystem:
    """The order engine on the gateway's database, inside the caller's unit of work."""

    def __init__(self, uow: UnitOfWork, today: date, policies: Mapping[str, OrderPolicy]) -> None:
        self._uow = uow
        self._session: Session = uow.session
        self._catalog = SqlCatalog(uow.session)
        self._today = today
        self._policies = policies
        # Within one transaction the engine alone changes stock and open orders, so supply and
        # credit exposure are read once and then kept up to date here (a batch of a large
        # interchange would otherwise sum every open line again for every order).
        self._supply: dict[tuple[str, str], Availability] = {}
        self._exposure: dict[str, Decimal] = {}
        self._stockroom = Stockroom(uow.session, self._catalog, uow.now)

    def place(self, order: PurchaseOrder, source: OrderSource) -> Placement:
        """Check, record and confirm a received order; cancel or replace the live order of the
        same number when the message function (BGM 1225, BEG01) says so."""
        row = record_order(self._uow, source, order)
        match = resolve_customer(order, self._catalog, source.partner)
        if order.function in INFORMATION_ONLY:
            text = f"message function {order.function}: recorded, not an order to fulfil"
            return self._record_only(row, [Finding("order.function", Effect.INFO, text)])
        if order.function in CANCELLING:
            return self._cancellation(row, match)
        if order.function in REPLACING:
            replaced = live_order(self._session, match.customer, row)
            if replaced is not None:
                self._cancel(replaced, f"replaced by order {row.id} ({order.function})")
        return self._decide(
            row,
            order,
            source.policy,
            match,
            actor=RUNNER,
            release=False,
            accept_duplicate=source.accept_duplicate,
        )

    def release(self, order_id: int, actor: str, reason: str) -> Placement:
        """Confirm an order that was on hold, overriding what held it."""
        row, order = self._held(order_id, "release")
        match = resolve_customer(order, self._catalog, row.partner)
        if match.customer is None:
            raise OrderActionError(
                f"order {order_id} still has no known customer ({_texts(match.findings)}); "
                "import the customer's master data first, or reject the order"
            )
        note = f"released by {actor}" + (f": {reason}" if reason else "")
        add_event(self._session, row.id, None, (row.status, row.status), actor, self._now(), note)
        return self._decide(row, order, self._policy(row), match, actor=actor, release=True)

    def reject(self, order_id: int, reason_code: str, text: str, actor: str) -> Placement:
        """Reject an order that was on hold, every line with the reason."""
        row, order = self._held(order_id, "reject")
        finding = Finding(
            "order.rejected", Effect.REJECT, f"rejected by {actor}: {text or reason_code}"
        )
        add_findings(self._session, row.id, (finding,), self._now())
        decisions = [rejected(CheckedLine(line), reason_code) for line in order.lines]
        self._save(row, decisions, actor=actor, reason=text or reason_code)
        return self._respond(row, order, decisions, (finding,), ResponseStatus.REJECTED)

    def receive_stock(self, change: StockChange, actor: str) -> StockResult:
        """Add arrived stock and serve the backlog from it in fair order."""
        if change.quantity <= ZERO:
            raise OrderActionError(f"received quantity must be more than 0, got {change.quantity}")
        return self._stockroom.change(change, "receive", actor)

    def adjust_stock(self, change: StockChange, actor: str) -> StockResult:
        """Correct on-hand stock by a signed quantity; an increase serves the backlog."""
        if change.quantity == ZERO:
            raise OrderActionError("an adjustment of 0 changes nothing")
        return self._stockroom.change(change, "adjust", actor)

    def review_backlog(self, today: date, actor: str) -> list[Placement]:
        """Serve waiting lines from free stock, then recompute backorder dates; one changed
        response per order whose date slipped past what the buyer was last told."""
        placements: list[Placement] = []
        for order_id, moved in sorted(self._stockroom.slips(today, actor).items()):
            row = self._session.get_one(OrderRow, order_id, with_for_update=True)
            if row.partner not in self._policies:
                # No profile any more: nobody to tell, so the promise stays as it was.
                log.warning(
                    "order %s (%s): backorder date moved, but partner %s has no profile; "
                    "not answered",
                    row.id,
                    row.order_number,
                    row.partner,
                )
                continue
            order = stored_order(row)
            decisions, findings = self._stockroom.delay(row, order, moved, actor)
            status = ResponseStatus.ACCEPTED_WITH_CHANGES
            if decisions:
                placements.append(self._respond(row, order, decisions, findings, status))
        return placements

    # -- cancelling -----------------------------------------------------------------------

    def _cancellation(self, row: OrderRow, match: CustomerMatch) -> Placement:
        """A cancelling message: the live order of its number is cancelled, it is recorded."""
        cancelled = live_order(self._session, match.customer, row)
        if cancelled is None:
            text = f"cancels order {row.order_number}, but no live order has that number"
            log.warning("order %s: %s", row.id, text)
            return self._record_only(row, [Finding("order.cancel_unknown", Effect.INFO, text)])
        self._cancel(cancelled, f"cancelled by order {row.id} (message {row.message_id})")
        text = f"cancels order {cancelled.id} ({cancelled.order_number})"
        return self._record_only(row, [Finding("order.cancels", Effect.INFO, text)])

    def _cancel(self, row: OrderRow, reason: str) -> None:
        """Cancel what is still open of an order; its stock goes to the backlog."""
        freed = self._stockroom.cancel(row, RUNNER, reason)
        add_findings(
            self._session, row.id, [Finding("order.cancelled", Effect.INFO, reason)], self._now()
        )
        if row.customer_id:
            self._exposure.pop(row.customer_id, None)
        for sku, warehouse in sorted(freed):
            self._supply.pop((sku, warehouse), None)
            self._stockroom.serve(sku, warehouse, RUNNER)

    def _record_only(self, row: OrderRow, findings: Sequence[Finding]) -> Placement:
        add_findings(self._session, row.id, findings, self._now())
        reason = "; ".join(f.text for f in findings)
        set_order_status(
            self._session, row, OrderStatus.RECORDED, actor=RUNNER, at=self._now(), reason=reason
        )
        return _placement(row, findings)

    # -- deciding -------------------------------------------------------------------------

    def _decide(
        self,
        row: OrderRow,
        order: PurchaseOrder,
        policy: OrderPolicy,
        match: CustomerMatch,
        *,
        actor: str,
        release: bool,
        accept_duplicate: bool = False,
    ) -> Placement:
        customer = match.customer
        if customer is None:
            return self._hold(
                row, [CheckedLine(line) for line in order.lines], match.findings, actor
            )
        row.customer_id = customer.id
        row.warehouse = default_warehouse(self._session, customer)
        checked = self._check(row, order, policy, match, accept_duplicate)
        add_findings(self._session, row.id, checked.findings, self._now())
        if any(f.code == "order.duplicate" for f in checked.findings) and not release:
            duplicate = self._duplicate(row, order, checked, policy, actor)
            if duplicate is not None:
                return duplicate
        if checked.hold_reason and not release:
            return self._hold(row, list(checked.lines), checked.findings, actor)
        supplies = self._supplies(checked.lines, row.warehouse)
        decisions = decide_lines(checked.lines, supplies, policy, self._today)
        self._save(row, decisions, actor=actor)
        if not row.test:
            self._taken(customer.id, row.warehouse, decisions)
        return self._respond(row, order, decisions, checked.findings)

    def _check(
        self,
        row: OrderRow,
        order: PurchaseOrder,
        policy: OrderPolicy,
        match: CustomerMatch,
        accept_duplicate: bool,
    ) -> CheckedOrder:
        customer = match.customer
        if customer is None:
            raise OrderActionError(f"order {row.id} has no customer")
        ship_to, findings = check_ship_to(order, customer, self._catalog, policy)
        lines: list[CheckedLine] = []
        all_findings: list[Finding] = [*match.findings, *findings]
        for line in order.lines:
            checked, line_findings = check_line(
                line, order, customer, self._catalog, policy, self._today
            )
            lines.append(checked)
            all_findings += line_findings
        earlier = earlier_order(self._session, customer, row)
        all_findings += duplicate_findings(earlier, policy, accept_duplicate)
        checked_order = CheckedOrder(order, customer, ship_to, tuple(lines), tuple(all_findings))
        if customer.id not in self._exposure:
            self._exposure[customer.id] = exposure(self._session, customer)
        credit = check_credit(customer, self._exposure[customer.id], checked_order.value)
        return replace(checked_order, findings=(*all_findings, *credit))

    def _duplicate(
        self,
        row: OrderRow,
        order: PurchaseOrder,
        checked: CheckedOrder,
        policy: OrderPolicy,
        actor: str,
    ) -> Placement | None:
        """A repeated order: rejected and answered, recorded only, or (hold) held like any hold."""
        if policy.duplicates == "reject":
            decisions = [rejected(line, "duplicate") for line in checked.lines]
            self._save(row, decisions, actor=actor, reason="duplicate order number")
            return self._respond(row, order, decisions, checked.findings, ResponseStatus.REJECTED)
        if policy.duplicates == "ignore":
            set_order_status(
                self._session,
                row,
                OrderStatus.RECORDED,
                actor=actor,
                at=self._now(),
                reason="duplicate order number, ignored by partner policy",
            )
            return _placement(row, checked.findings)
        return None

    def _hold(
        self, row: OrderRow, lines: Sequence[CheckedLine], findings: Sequence[Finding], actor: str
    ) -> Placement:
        add_findings(self._session, row.id, findings, self._now())
        reason = "; ".join(f.text for f in findings if f.effect is Effect.HOLD)
        for line_row, checked in zip(order_lines(self._session, row.id), lines, strict=True):
            move_line(
                self._session,
                line_row,
                LineState.ON_HOLD,
                actor=actor,
                at=self._now(),
                reason=reason,
                **_checked_columns(checked),
            )
        row.hold_reason = reason
        set_order_status(
            self._session, row, OrderStatus.ON_HOLD, actor=actor, at=self._now(), reason=reason
        )
        return _placement(row, findings)

    def _supplies(
        self, lines: Sequence[CheckedLine], warehouse: str | None
    ) -> dict[str, Availability]:
        skus = {c.item.sku for c in lines if c.item is not None}
        if warehouse is None:
            return {sku: Availability(ZERO) for sku in skus}
        # Sorted, so that two workers lock the items' stock in the same order.
        for sku in sorted(skus - {sku for sku, wh in self._supply if wh == warehouse}):
            self._supply[sku, warehouse] = supply(self._session, sku, warehouse)
        return {sku: self._supply[sku, warehouse] for sku in skus}

    def _taken(
        self, customer_id: str, warehouse: str | None, decisions: Sequence[LineDecision]
    ) -> None:
        """Keep the cached supply and exposure in step with what this order took."""
        value = ZERO
        for decision in decisions:
            checked = decision.checked
            if checked.item is None or decision.state is LineState.REJECTED:
                continue
            value += decision.confirmed * (checked.confirmed_price or ZERO)
            key = (checked.item.sku, warehouse or "")
            if key in self._supply:
                left = self._supply[key]
                self._supply[key] = replace(
                    left,
                    free=left.free - decision.allocated * checked.factor,
                    ahead=left.ahead + decision.backordered * checked.factor,
                )
        if customer_id in self._exposure:
            self._exposure[customer_id] += value

    def _save(
        self, row: OrderRow, decisions: Sequence[LineDecision], *, actor: str, reason: str = ""
    ) -> None:
        lines = order_lines(self._session, row.id)
        for line_row, decision in zip(lines, decisions, strict=True):
            move_line(
                self._session,
                line_row,
                decision.state,
                actor=actor,
                at=self._now(),
                reason=reason or (decision.reason or ""),
                confirmed_quantity=decision.confirmed,
                allocated_quantity=decision.allocated,
                backordered_quantity=decision.backordered,
                promised_date=decision.backorder_date
                if decision.backordered
                else decision.promised_date,
                response_status=decision.status.value,
                reason_code=decision.reason,
                **_checked_columns(decision.checked),
            )
        row.hold_reason = None
        settle_order(self._session, row, actor=actor, at=self._now(), reason=reason, lines=lines)

    def _respond(
        self,
        row: OrderRow,
        order: PurchaseOrder,
        decisions: Sequence[LineDecision],
        findings: Sequence[Finding],
        status: ResponseStatus | None = None,
    ) -> Placement:
        number = _response_number(row)
        response = order_response(order, decisions, number, self._today, status)
        row.responses_sent += 1
        return _placement(row, findings, response)

    # -- small things ---------------------------------------------------------------------

    def _held(self, order_id: int, action: str) -> tuple[OrderRow, PurchaseOrder]:
        row = self._session.get(OrderRow, order_id, with_for_update=True)
        if row is None:
            raise OrderActionError(f"no order {order_id}")
        if row.status != OrderStatus.ON_HOLD.value:
            raise OrderActionError(
                f"order {order_id} ({row.order_number}) is {row.status}, not on hold: "
                f"only a held order can be {action}d"
            )
        return row, stored_order(row)

    def _policy(self, row: OrderRow) -> OrderPolicy:
        return self._policies.get(row.partner, OrderPolicy())

    def _now(self) -> datetime:
        return self._uow.now()


def _placement(
    row: OrderRow, findings: Sequence[Finding], response: OrderResponse | None = None
) -> Placement:
    return Placement(
        order_id=row.id,
        order_number=row.order_number,
        status=OrderStatus(row.status),
        findings=tuple(findings),
        response=response,
        partner=row.partner,
        test=row.test,
        message_id=row.message_id,
    )


def _checked_columns(checked: CheckedLine) -> dict[str, object]:
    return {
        "sku": checked.item.sku if checked.item else None,
        "factor": checked.factor,
        "confirmed_price": checked.confirmed_price,
    }


def _response_number(row: OrderRow) -> str:
    """The first response carries the order number; each change after it a revision suffix."""
    return (
        row.order_number
        if row.responses_sent == 0
        else f"{row.order_number}-{row.responses_sent + 1}"
    )


def _texts(findings: Sequence[Finding]) -> str:
    return "; ".join(f.text for f in findings) or "no identifier"
