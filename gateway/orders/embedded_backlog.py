"""The embedded engine's stock and backlog: stock changes, fair allocation, date reviews."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.model import LineStatus, OrderLine, PurchaseOrder
from gateway.model.codec import document_from_json
from gateway.orders.amounts import quantity_text
from gateway.orders.atp import ZERO
from gateway.orders.backlog import WaitingLine, allocate, review_dates
from gateway.orders.catalog import Catalog
from gateway.orders.checks import CheckedLine
from gateway.orders.confirm import LineDecision
from gateway.orders.port import (
    Effect,
    Finding,
    LineAllocated,
    OrderActionError,
    StockChange,
    StockResult,
)
from gateway.orders.states import LineState
from gateway.store.order_catalog import default_warehouse, supply, waiting_lines
from gateway.store.order_state import (
    add_event,
    add_findings,
    change_stock,
    consume_replenishments,
    move_line,
    order_lines,
    settle_order,
)
from gateway.store.tables import OrderLineRow, OrderRow
from gateway.store.tables_orders import BinRow, ItemRow, StockLevelRow, WarehouseRow

# The reason code of a changed response that moves a backorder date (EDIFACT FTX ACD).
DELAYED = "delayed"
# Lines a cancellation still reaches: not what has shipped. A released line is taken back
# from the warehouse: its open shipment lines are dropped before picking or shipping.
CANCELLABLE = frozenset(
    {
        LineState.RECEIVED,
        LineState.ON_HOLD,
        LineState.READY,
        LineState.BACKORDERED,
        LineState.RELEASED,
    }
)
# Lines whose backorder date slipped, by order: the line and its new date.
Slips = dict[int, list[tuple[WaitingLine, date | None]]]


class Stockroom:
    """Stock changes and the backlog they serve, in the engine's transaction."""

    def __init__(self, session: Session, catalog: Catalog, now: Callable[[], datetime]) -> None:
        self._session = session
        self._catalog = catalog
        self._now = now

    def change(self, change: StockChange, kind: str, actor: str) -> StockResult:
        """Book a receipt or adjustment; an increase serves the backlog in fair order."""
        place = self._place_of(change)
        try:
            on_hand = change_stock(
                self._session,
                change.sku,
                place,
                change.quantity,
                kind,
                actor,
                self._now(),
                change.reference,
                change.reason,
            )
        except ValueError as exc:
            raise OrderActionError(str(exc)) from exc
        if kind == "receive":
            consume_replenishments(
                self._session, change.sku, place[0], change.quantity, change.reference
            )
        served = self.serve(change.sku, place[0], actor) if change.quantity > ZERO else []
        return StockResult(change.sku, place[0], place[1], on_hand, tuple(served))

    def serve(self, sku: str, warehouse: str, actor: str) -> list[LineAllocated]:
        """Give free stock of an item to its waiting lines in fair order."""
        waiting = waiting_lines(self._session, sku).get((sku, warehouse), [])
        if not waiting:
            return []
        allocations, _ = allocate(waiting, supply(self._session, sku, warehouse).free)
        return [self._allocate(a.line, a.units, actor) for a in allocations]

    def cancel(self, row: OrderRow, actor: str, reason: str) -> set[tuple[str, str]]:
        """Cancel the open lines of an order; the (item, warehouse) pairs whose stock it freed."""
        freed: set[tuple[str, str]] = set()
        lines = order_lines(self._session, row.id)
        for line in lines:
            if LineState(line.status) not in CANCELLABLE:
                continue
            if line.sku and line.allocated_quantity > ZERO and row.warehouse:
                freed.add((line.sku, row.warehouse))
            move_line(
                self._session,
                line,
                LineState.CANCELLED,
                actor=actor,
                at=self._now(),
                reason=reason,
                allocated_quantity=ZERO,
                backordered_quantity=ZERO,
                released_quantity=ZERO,
            )
        row.hold_reason = None
        settle_order(self._session, row, actor=actor, at=self._now(), reason=reason, lines=lines)
        return freed

    def slips(self, today: date, actor: str) -> Slips:
        """Serve every waiting line from free stock, then the lines whose date slipped."""
        for sku, warehouse in sorted(waiting_lines(self._session)):
            self.serve(sku, warehouse, actor)
        slipped: Slips = {}
        for (sku, warehouse), lines in sorted(waiting_lines(self._session).items()):
            incoming = supply(self._session, sku, warehouse).incoming
            for review in review_dates(lines, incoming, today):
                if review.slipped:
                    moved = slipped.setdefault(review.line.order_id, [])
                    moved.append((review.line, review.new_date))
        return slipped

    def delay(
        self,
        row: OrderRow,
        order: PurchaseOrder,
        moved: Sequence[tuple[WaitingLine, date | None]],
        actor: str,
    ) -> tuple[list[LineDecision], list[Finding]]:
        """Record the new backorder dates of one order: the lines to answer and the findings."""
        decisions: list[LineDecision] = []
        findings: list[Finding] = []
        for waiting, new_date in moved:
            line = self._session.get_one(
                OrderLineRow, waiting.line_id, with_for_update=True, populate_existing=True
            )
            if line.promised_date != waiting.promised_date:
                continue  # another worker's review told the buyer already
            shown = new_date.isoformat() if new_date else "not known (no replenishment covers it)"
            text = f"backorder date moved from {waiting.promised_date} to {shown}"
            findings.append(Finding("date.slipped", Effect.CHANGE, text, line.line_number))
            move = (line.status, line.status)
            add_event(self._session, row.id, line.line_number, move, actor, self._now(), text)
            line.promised_date = new_date
            decisions.append(self._backorder_decision(order, line, new_date))
        add_findings(self._session, row.id, findings, self._now())
        return decisions, findings

    def _allocate(self, waiting: WaitingLine, units: Decimal, actor: str) -> LineAllocated:
        row = self._session.get_one(OrderRow, waiting.order_id)
        line = self._session.get_one(OrderLineRow, waiting.line_id)
        left = line.backordered_quantity - units
        state = LineState.READY if left <= ZERO else LineState.BACKORDERED
        move_line(
            self._session,
            line,
            state,
            actor=actor,
            at=self._now(),
            reason=f"{quantity_text(units)} allocated from arrived stock",
            allocated_quantity=line.allocated_quantity + units,
            backordered_quantity=max(left, ZERO),
        )
        settle_order(self._session, row, actor=actor, at=self._now(), reason="stock arrived")
        return LineAllocated(
            row.id, row.order_number, line.line_number, units, state is LineState.READY
        )

    def _backorder_decision(
        self, order: PurchaseOrder, line: OrderLineRow, new_date: date | None
    ) -> LineDecision:
        ordered = order_line(order, line.line_number)
        item = self._catalog.item(line.sku) if line.sku else None
        checked = CheckedLine(ordered, item, line.factor, confirmed_price=line.confirmed_price)
        return LineDecision(
            checked,
            LineState.BACKORDERED,
            LineStatus.BACKORDERED,
            confirmed=line.confirmed_quantity or ZERO,
            allocated=line.allocated_quantity,
            backordered=line.backordered_quantity,
            backorder_date=new_date,
            reason=DELAYED,
        )

    def _place_of(self, change: StockChange) -> tuple[str, str]:
        """The (warehouse, bin) a stock change is booked in: as named, or the only one."""
        if self._session.get(ItemRow, change.sku) is None:
            raise OrderActionError(f"no item {change.sku!r} in the master data (items.csv)")
        warehouse = change.warehouse or default_warehouse(self._session, None)
        if warehouse is None or self._session.get(WarehouseRow, warehouse) is None:
            raise OrderActionError(
                f"no warehouse {warehouse!r} in the master data (warehouses.csv)"
            )
        if change.bin:
            if self._session.get(BinRow, (warehouse, change.bin)) is None:
                raise OrderActionError(f"no bin {change.bin!r} in {warehouse} (bins.csv)")
            return warehouse, change.bin
        query = (
            select(StockLevelRow.bin)
            .where(StockLevelRow.sku == change.sku, StockLevelRow.warehouse == warehouse)
            .order_by(StockLevelRow.bin)
        )
        bins = list(self._session.scalars(query))
        if len(bins) != 1:
            where = f"bins {', '.join(bins)}" if bins else "no bin yet"
            raise OrderActionError(f"{change.sku} has {where} in {warehouse}: name one with --bin")
        return warehouse, bins[0]


def stored_order(row: OrderRow) -> PurchaseOrder:
    """The purchase order as it was received, kept on its row."""
    document = document_from_json("purchase_order", row.document)
    if not isinstance(document, PurchaseOrder):
        raise OrderActionError(f"order {row.id} has no stored purchase order")
    return document


def order_line(order: PurchaseOrder, number: str) -> OrderLine:
    """The line of an order with this line number."""
    for line in order.lines:
        if line.line_number == number:
            return line
    raise OrderActionError(f"order {order.order_number} has no line {number}")
