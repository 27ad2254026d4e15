"""Order read queries on SQLite and PostgreSQL: the list and its filters, one order, the backlog."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from gateway.store import Store
from gateway.store.order_queries import OrderFilter, backlog_lines, list_orders, order_detail
from gateway.store.tables import MessageRow, OrderLineRow, OrderRow
from gateway.store.tables_orders import OrderEventRow, OrderFindingRow

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def at(seconds: int) -> datetime:
    """A moment `seconds` after the first order came in."""
    return T0 + timedelta(seconds=seconds)


def add_message(session: Session, direction: str, created: datetime, **columns: object) -> int:
    """A stored message (inbound order or outbound answer); its id."""
    row = MessageRow(
        direction=direction,
        partner="ACME",
        stage="processed" if direction == "in" else "sent",
        status="done",
        attempts=0,
        error_issues=[],
        created_at=created,
        updated_at=created,
        **columns,
    )
    session.add(row)
    session.flush()
    return row.id


def add_order(session: Session, number: str, **columns: object) -> int:
    """An order of partner ACME, customer C-100, from its own inbound message; its id."""
    values: dict[str, object] = {
        "partner": "ACME",
        "customer_id": "C-100",
        "status": "confirmed",
        "currency": "EUR",
        "created_at": T0,
    }
    values.update(columns)
    message_id = add_message(session, "in", values["created_at"], message_type="ORDERS")  # type: ignore[arg-type]
    row = OrderRow(message_id=message_id, order_number=number, **values)
    session.add(row)
    session.flush()
    return row.id


def add_line(session: Session, order_id: int, number: str, **columns: object) -> None:
    """A line of 10 pieces, ready, unless `columns` say otherwise."""
    values: dict[str, object] = {
        "quantity": Decimal(10),
        "uom": "PCE",
        "status": "ready",
        "confirmed_quantity": Decimal(10),
        "allocated_quantity": Decimal(10),
    }
    values.update(columns)
    session.add(OrderLineRow(order_id=order_id, line_number=number, **values))


def test_order_list_filters_by_status_partner_customer_and_number(store: Store) -> None:
    # given four orders of two partners and customers in different states
    with store.unit_of_work() as uow:
        s = uow.session
        first = add_order(s, "PO-1")
        held = add_order(s, "PO-2", status="on_hold", customer_id=None, hold_reason="unknown")
        globex = add_order(s, "G-1", partner="GLOBEX", customer_id="C-200")
        again = add_order(s, "PO-1", status="backordered")
    with store.read() as session:

        def ids(**wanted: object) -> list[int]:
            return [o.id for o in list_orders(session, OrderFilter(**wanted))]  # type: ignore[arg-type]

        # when listed without a filter, then newest first
        assert ids() == [again, globex, held, first]
        # when filtered, then only the matching orders
        assert ids(status="on_hold") == [held]
        assert ids(partner="GLOBEX") == [globex]
        assert ids(customer="C-100") == [again, first]
        assert ids(number="PO-1") == [again, first]
        assert ids(number="PO-1", status="confirmed") == [first]
        assert ids(limit=2) == [again, globex]
        assert ids(partner="NOBODY") == []
        # and the held order shows its unknown customer and its reason
        (row,) = list_orders(session, OrderFilter(status="on_hold"))
        assert (row.customer_id, row.hold_reason, row.partner) == (None, "unknown", "ACME")


def test_order_list_counts_lines_backorders_and_value_at_our_price(store: Store) -> None:
    # given an order with a line at our price, one at the buyer's, one partly backordered
    # and one rejected (nothing confirmed)
    with store.unit_of_work() as uow:
        s = uow.session
        order_id = add_order(s, "PO-1", status="backordered")
        add_line(s, order_id, "1", unit_price=Decimal(2), confirmed_price=Decimal("2.5"))
        add_line(s, order_id, "2", confirmed_quantity=Decimal(5), unit_price=Decimal(3))
        add_line(
            s,
            order_id,
            "3",
            status="backordered",
            unit_price=Decimal("0.333333"),
            allocated_quantity=Decimal(4),
            backordered_quantity=Decimal(6),
        )
        add_line(s, order_id, "4", status="rejected", confirmed_quantity=None, unit_price=None)
        empty = add_order(s, "PO-2")
    # when listed
    with store.read() as session:
        found = {o.id: o for o in list_orders(session, OrderFilter())}
    # then lines and backordered lines are counted and the value is 25 + 15 + 3.33333
    summary = found[order_id]
    assert (summary.lines, summary.backordered_lines) == (4, 1)
    assert (summary.value, summary.currency) == (Decimal("43.33"), "EUR")
    # and an order without priced confirmations has no value rather than zero
    assert (found[empty].lines, found[empty].value) == (0, None)


def test_order_detail_returns_findings_events_and_linked_messages_in_time_order(
    store: Store,
) -> None:
    # given an order with two lines, findings, events, its order response (later acked),
    # and another order's response that must not show
    with store.unit_of_work() as uow:
        s = uow.session
        order_id = add_order(
            s, "PO-1", status="backordered", warehouse="WH1", responses_sent=1, updated_at=at(9)
        )
        add_line(s, order_id, "2", sku="SKU-2", factor=Decimal(12), promised_date=date(2024, 3, 9))
        add_line(s, order_id, "1", sku="SKU-1", response_status="accepted")
        s.add_all(
            [
                OrderFindingRow(
                    order_id=order_id,
                    line_number="2",
                    code="price.tolerance",
                    effect="change",
                    text="ours",
                    at=at(2),
                ),
                OrderFindingRow(
                    order_id=order_id,
                    line_number=None,
                    code="date.lead_time",
                    effect="info",
                    text="soon",
                    at=at(1),
                ),
                OrderEventRow(
                    order_id=order_id,
                    at=at(8),
                    actor="cli",
                    from_status="backordered",
                    to_status="backordered",
                    reason="stock received",
                ),
                OrderEventRow(
                    order_id=order_id,
                    line_number="2",
                    at=at(3),
                    actor="engine",
                    from_status="received",
                    to_status="backordered",
                    reason="short",
                ),
            ]
        )
        response = add_message(
            s,
            "out",
            at(5),
            order_id=order_id,
            message_type="ORDRSP",
            document_type="order_response",
            document_ref="PO-1-1",
            ack_status="accepted",
        )
        other = add_order(s, "PO-9", created_at=at(4))
        add_message(s, "out", at(6), order_id=other, message_type="ORDRSP")
    # when the order is read in full
    with store.read() as session:
        detail = order_detail(session, order_id)
    # then the header has every column
    assert detail is not None
    order = detail.order
    assert (order.id, order.order_number, order.status, order.customer_id) == (
        order_id,
        "PO-1",
        "backordered",
        "C-100",
    )
    assert (order.warehouse, order.responses_sent, order.updated_at) == ("WH1", 1, at(9))
    # and the lines come in the order they were stored, with the engine's columns
    assert [(x.line_number, x.sku) for x in detail.lines] == [("2", "SKU-2"), ("1", "SKU-1")]
    assert detail.lines[0].factor == Decimal(12)
    assert detail.lines[0].promised_date == date(2024, 3, 9)
    assert detail.lines[1].response_status == "accepted"
    # and the findings in time order
    assert [(f.line_number, f.code) for f in detail.findings] == [
        (None, "date.lead_time"),
        ("2", "price.tolerance"),
    ]
    # and the timeline merges the inbound order, the events and our response by time
    timeline = [(e.kind, e.at, e.message_id or e.reason) for e in detail.timeline]
    assert timeline == [
        ("message", T0, order.message_id),
        ("event", at(3), "short"),
        ("message", at(5), response),
        ("event", at(8), "stock received"),
    ]
    inbound, _, outbound, _ = detail.timeline
    assert (inbound.direction, inbound.message_type, inbound.number) == ("in", "ORDERS", "PO-1")
    assert (outbound.direction, outbound.document_type, outbound.number) == (
        "out",
        "order_response",
        "PO-1-1",
    )
    assert (outbound.stage, outbound.status, outbound.ack_status) == ("sent", "done", "accepted")


def test_order_detail_of_an_unknown_id_is_none(store: Store) -> None:
    # given an empty store; when an order is asked for, then there is none
    with store.read() as session:
        assert order_detail(session, 4711) is None


def test_backlog_lines_are_open_backorders_of_orders_still_open(store: Store) -> None:
    # given backordered lines with and without quantity left, a ready line with a stray
    # backordered quantity, and backordered lines on held, rejected and cancelled orders
    with store.unit_of_work() as uow:
        s = uow.session
        open_order = add_order(
            s, "PO-1", status="backordered", requested_delivery_date=date(2024, 3, 5)
        )
        add_line(
            s,
            open_order,
            "1",
            status="backordered",
            sku="SKU-1",
            uom="CS",
            factor=Decimal(12),
            backordered_quantity=Decimal(3),
            unit_price=Decimal(30),
            confirmed_price=Decimal("31.25"),
            requested_delivery_date=date(2024, 3, 10),
            promised_date=date(2024, 3, 22),
        )
        add_line(s, open_order, "2", status="backordered", backordered_quantity=Decimal(0))
        add_line(s, open_order, "3", status="ready", backordered_quantity=Decimal(2))
        held = add_order(s, "PO-2", status="on_hold", customer_id=None)
        add_line(s, held, "1", status="backordered", backordered_quantity=Decimal(1))
        for closed in ("rejected", "cancelled"):
            order_id = add_order(s, f"PO-{closed}", status=closed)
            add_line(s, order_id, "1", status="backordered", backordered_quantity=Decimal(5))
    # when the backlog lines are read
    with store.read() as session:
        lines = backlog_lines(session)
    # then only the open backordered lines with quantity left are there
    assert [(x.order_number, x.line_number) for x in lines] == [("PO-1", "1"), ("PO-2", "1")]
    # and each carries what the report needs, exactly
    first = lines[0]
    assert (first.order_id, first.partner, first.customer_id, first.currency) == (
        open_order,
        "ACME",
        "C-100",
        "EUR",
    )
    assert (first.sku, first.uom, first.factor, first.backordered_quantity) == (
        "SKU-1",
        "CS",
        Decimal(12),
        Decimal(3),
    )
    assert (first.confirmed_price, first.unit_price) == (Decimal("31.25"), Decimal(30))
    assert (first.line_requested_date, first.order_requested_date, first.promised_date) == (
        date(2024, 3, 10),
        date(2024, 3, 5),
        date(2024, 3, 22),
    )
    assert lines[1].customer == "partner:ACME"
