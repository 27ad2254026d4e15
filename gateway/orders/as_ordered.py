"""An order system that decides nothing: every line confirmed as ordered.

For a gateway that only translates: the company's ERP takes the orders from the gateway's
database (or its exports) and decides there. Held orders, stock and backlog do not exist here.
"""

from __future__ import annotations

from datetime import date

from gateway.model import (
    LineStatus,
    OrderResponse,
    PurchaseOrder,
    ResponseLine,
    ResponseStatus,
)
from gateway.orders.port import OrderActionError, OrderSource, Placement, StockChange, StockResult
from gateway.orders.states import LineState, OrderStatus
from gateway.store import UnitOfWork
from gateway.store.order_state import move_line, order_lines, record_order, settle_order

OFF = 'the order engine is off ([orders] engine = "confirm_as_ordered" in gateway.toml)'


class ConfirmAsOrdered:
    """The OrderSystem port without an engine: orders recorded and confirmed as ordered."""

    def __init__(self, uow: UnitOfWork, today: date) -> None:
        self._uow = uow
        self._today = today

    def place(self, order: PurchaseOrder, source: OrderSource) -> Placement:
        """Record the order, every line ready as ordered, and answer so."""
        row = record_order(self._uow, source, order)
        for line in order_lines(self._uow.session, row.id):
            move_line(
                self._uow.session,
                line,
                LineState.READY,
                actor="runner",
                at=self._uow.now(),
                confirmed_quantity=line.quantity,
                response_status=LineStatus.ACCEPTED.value,
            )
        settle_order(self._uow.session, row, actor="runner", at=self._uow.now())
        row.responses_sent = 1
        return Placement(
            row.id,
            row.order_number,
            OrderStatus(row.status),
            response=confirm_as_ordered(order, self._today),
            partner=source.partner,
            test=source.test,
            message_id=source.message_id,
        )

    def release(self, order_id: int, actor: str, reason: str) -> Placement:
        """Nothing is ever held here."""
        raise OrderActionError(f"cannot release order {order_id}: {OFF}")

    def reject(self, order_id: int, reason_code: str, text: str, actor: str) -> Placement:
        """Nothing is ever held here."""
        raise OrderActionError(f"cannot reject order {order_id}: {OFF}")

    def receive_stock(self, change: StockChange, actor: str) -> StockResult:
        """No stock is kept here."""
        raise OrderActionError(f"no stock is kept: {OFF}")

    def adjust_stock(self, change: StockChange, actor: str) -> StockResult:
        """No stock is kept here."""
        raise OrderActionError(f"no stock is kept: {OFF}")

    def review_backlog(self, today: date, actor: str) -> list[Placement]:
        """There is no backlog."""
        return []


def confirm_as_ordered(order: PurchaseOrder, today: date) -> OrderResponse:
    """Every line confirmed as ordered, on the date requested."""
    return OrderResponse(
        response_number=order.order_number,
        order_number=order.order_number,
        issue_date=today,
        status=ResponseStatus.ACCEPTED,
        order_date=order.order_date,
        currency=order.currency,
        buyer=order.buyer,
        seller=order.seller,
        ship_to=order.ship_to,
        lines=tuple(
            ResponseLine(
                line_number=line.line_number,
                status=LineStatus.ACCEPTED,
                ordered_quantity=line.quantity,
                confirmed_quantity=line.quantity,
                gtin=line.gtin,
                buyer_part=line.buyer_part,
                seller_part=line.seller_part,
                description=line.description,
                uom=line.uom,
                unit_price=line.unit_price,
                confirmed_delivery_date=line.requested_delivery_date
                or order.requested_delivery_date,
            )
            for line in order.lines
        ),
    )
