"""The embedded order engine on a real database (SQLite and PostgreSQL), with master data
imported from CSV files."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, update

from gateway.errors import BusinessRuleError
from gateway.model import LineStatus, OrderLine, Party, PurchaseOrder, ResponseStatus
from gateway.orders.as_ordered import ConfirmAsOrdered
from gateway.orders.embedded import EmbeddedOrderSystem
from gateway.orders.port import OrderPolicy, OrderSource, Placement, StockChange
from gateway.orders.states import LineState, OrderStatus
from gateway.store import NewMessage, Store
from gateway.store.masterdata_store import import_masterdata
from gateway.store.order_catalog import waiting_lines
from gateway.store.tables import OrderLineRow, OrderRow
from gateway.store.tables_orders import OrderEventRow, OrderFindingRow, ReplenishmentRow

TODAY = date(2026, 11, 22)
D = Decimal
MASTER_DATA = {
    "warehouses.csv": "id,name,country\nWH1,Main,BE\n",
    "bins.csv": "warehouse,bin\nWH1,A-1\nWH1,B-1\n",
    "customers.csv": (
        "id,name,partner,status,currency,credit_limit,open_balance,warehouse,country\n"
        "SHOP,Corner Shop,acme,active,EUR,5000,0,WH1,DK\n"
        "TIGHT,Tight Budget,acme,active,EUR,100,90,WH1,DK\n"
    ),
    "customer_identifiers.csv": (
        "customer,value,scheme\nSHOP,5790000000001,GLN\nTIGHT,5790000000025,GLN\n"
    ),
    "items.csv": (
        "sku,gtin,description,base_uom,tax_category,lead_time_days\n"
        "PEN,4006381333931,Pen,EA,S,2\n"
        "SET,4006381333948,Pen set,EA,S,2\n"
    ),
    "prices.csv": "sku,unit_price,currency\nPEN,1.00,EUR\nSET,10.00,EUR\n",
    "stock.csv": "sku,warehouse,bin,on_hand\nPEN,WH1,A-1,100\nSET,WH1,B-1,5\n",
    "replenishments.csv": (
        "sku,warehouse,quantity,expected_date,reference\nSET,WH1,50,2026-12-10,PO-7002\n"
    ),
}
POLICIES = {"acme": OrderPolicy()}


@pytest.fixture
def stocked(store: Store, tmp_path: Path) -> Iterator[Store]:
    """The store with the small master data set imported from CSV files."""
    folder = tmp_path / "masterdata"
    folder.mkdir()
    for name, text in MASTER_DATA.items():
        (folder / name).write_text(text, encoding="utf-8")
    import_masterdata(store, folder, actor="test")
    yield store


def purchase_order(
    number: str, *lines: tuple[str, str], buyer: str = "5790000000001"
) -> PurchaseOrder:
    """An order from a buyer GLN for (GTIN, quantity) lines, wanted on 1 December."""
    return PurchaseOrder(
        number,
        tuple(OrderLine(str(n), D(q), gtin=g) for n, (g, q) in enumerate(lines, 1)),
        order_date=date(2026, 11, 20),
        currency="EUR",
        requested_delivery_date=date(2026, 12, 1),
        buyer=Party(buyer, "GLN"),
    )


def place(
    store: Store, order: PurchaseOrder, policy: OrderPolicy = POLICIES["acme"], test: bool = False
) -> Placement:
    """Place an order as the process stage does, in one transaction."""
    with store.unit_of_work() as uow:
        message = uow.add_message(
            NewMessage(
                direction="in",
                partner="acme",
                standard="EDIFACT",
                message_type="ORDERS",
                version="D96A",
                stage="mapped",
                status="running",
            )
        )
        engine = EmbeddedOrderSystem(uow, TODAY, POLICIES)
        return engine.place(order, OrderSource("acme", message.id, policy, test=test))


def act(store: Store, today: date = TODAY) -> Iterator[EmbeddedOrderSystem]:
    """The engine in a fresh transaction."""
    with store.unit_of_work() as uow:
        yield EmbeddedOrderSystem(uow, today, POLICIES)


def lines_of(store: Store, order_id: int) -> list[OrderLineRow]:
    """The stored lines of an order."""
    with store.read() as session:
        query = (
            select(OrderLineRow).where(OrderLineRow.order_id == order_id).order_by(OrderLineRow.id)
        )
        return list(session.scalars(query))


def test_one_line_in_stock_and_one_backordered_with_its_date(stocked: Store) -> None:
    # given 100 pens and 5 sets on hand, 50 sets arriving 10 December (2 days lead time)
    # when an order for 10 pens and 8 sets is placed
    placement = place(
        stocked, purchase_order("PO-1", ("4006381333931", "10"), ("4006381333948", "8"))
    )
    # then the order is backordered and its response says so, line by line, with the date
    assert placement.status is OrderStatus.BACKORDERED
    response = placement.response
    assert response is not None and response.status is ResponseStatus.ACCEPTED_WITH_CHANGES
    pens, sets = response.lines
    assert (pens.status, pens.confirmed_quantity, pens.backordered_quantity) == (
        LineStatus.ACCEPTED,
        D(10),
        None,
    )
    assert (sets.status, sets.confirmed_quantity, sets.backordered_quantity) == (
        LineStatus.BACKORDERED,
        D(5),
        D(3),
    )
    assert sets.backorder_date == date(2026, 12, 12) and pens.unit_price == D("1.00")
    # and the stored lines agree
    pen_row, set_row = lines_of(stocked, placement.order_id)
    assert (pen_row.status, pen_row.allocated_quantity) == ("ready", D(10))
    assert (set_row.status, set_row.allocated_quantity, set_row.backordered_quantity) == (
        "backordered",
        D(5),
        D(3),
    )
    assert set_row.promised_date == date(2026, 12, 12) and set_row.sku == "SET"


def test_arrived_stock_makes_the_backordered_line_ready(stocked: Store) -> None:
    # given an order with 3 sets backordered
    placement = place(stocked, purchase_order("PO-1", ("4006381333948", "8")))
    # when 10 sets arrive against PO-7002
    for engine in act(stocked):
        result = engine.receive_stock(StockChange("SET", D(10), reference="PO-7002"), "test")
    # then the line got its 3 and is ready, and the order is confirmed
    assert result.on_hand == D(15) and result.bin == "B-1"
    (served,) = result.allocated
    assert (served.quantity, served.ready) == (D(3), True)
    (row,) = lines_of(stocked, placement.order_id)
    assert (row.status, row.allocated_quantity, row.backordered_quantity) == ("ready", D(8), D(0))
    with stocked.read() as session:
        assert session.get_one(OrderRow, placement.order_id).status == "confirmed"
        (left,) = session.scalars(select(ReplenishmentRow))
        assert left.quantity == D(40)


def test_a_date_slip_sends_exactly_one_changed_response(stocked: Store) -> None:
    # given 3 sets backordered for 12 December
    placement = place(stocked, purchase_order("PO-1", ("4006381333948", "8")))
    # when the replenishment moves to 20 December and the backlog is reviewed twice
    with stocked.unit_of_work() as uow:
        uow.session.execute(update(ReplenishmentRow).values(expected_date=date(2026, 12, 20)))
    first = [p for engine in act(stocked) for p in engine.review_backlog(TODAY, "test")]
    second = [p for engine in act(stocked) for p in engine.review_backlog(TODAY, "test")]
    # then the first review answers once with the new date, numbered as a revision
    (changed,) = first
    assert changed.order_id == placement.order_id and changed.response is not None
    assert changed.response.response_number == "PO-1-2"
    (line,) = changed.response.lines
    assert (line.status, line.backorder_date, line.reason) == (
        LineStatus.BACKORDERED,
        date(2026, 12, 22),
        "delayed",
    )
    # and the second review has nothing to say
    assert second == []
    (row,) = lines_of(stocked, placement.order_id)
    assert row.promised_date == date(2026, 12, 22)


def test_over_the_credit_limit_waits_on_hold_until_released(stocked: Store) -> None:
    # given a customer with 10 of credit left, ordering 20 pens at 1.00
    placement = place(
        stocked, purchase_order("PO-9", ("4006381333931", "20"), buyer="5790000000025")
    )
    # then it is held, nothing is answered, nothing allocated, and the finding says why
    assert placement.status is OrderStatus.ON_HOLD and placement.response is None
    assert [f.code for f in placement.findings] == ["credit.limit"]
    (row,) = lines_of(stocked, placement.order_id)
    assert (row.status, row.allocated_quantity) == ("on_hold", D(0))
    # when ops release it
    released = [
        engine.release(placement.order_id, "ops", "paid in advance") for engine in act(stocked)
    ]
    # then it is confirmed and answered, and the history has the release
    (done,) = released
    assert done.status is OrderStatus.CONFIRMED and done.response is not None
    assert done.response.status is ResponseStatus.ACCEPTED
    with stocked.read() as session:
        reasons = session.scalars(
            select(OrderEventRow.reason).where(OrderEventRow.order_id == placement.order_id)
        ).all()
    assert any("released by ops: paid in advance" in r for r in reasons)


def test_a_held_order_can_be_rejected_with_a_reason(stocked: Store) -> None:
    # given a held order
    placement = place(
        stocked, purchase_order("PO-9", ("4006381333931", "20"), buyer="5790000000025")
    )
    # when ops reject it
    (rejected,) = [
        engine.reject(placement.order_id, "credit", "no payment", "ops") for engine in act(stocked)
    ]
    # then every line is rejected with the reason, and the response says so
    assert rejected.status is OrderStatus.REJECTED and rejected.response is not None
    assert rejected.response.status is ResponseStatus.REJECTED
    assert [line.reason for line in rejected.response.lines] == ["credit"]
    # and it cannot be released afterwards
    with pytest.raises(BusinessRuleError, match="is rejected, not on hold"):
        for engine in act(stocked):
            engine.release(placement.order_id, "ops", "")


def test_a_repeated_order_number_is_rejected_under_the_reject_policy(stocked: Store) -> None:
    # given PO-1 placed once
    place(stocked, purchase_order("PO-1", ("4006381333931", "1")))
    # when the same customer sends PO-1 again
    again = place(stocked, purchase_order("PO-1", ("4006381333931", "1")))
    # then it is rejected as a duplicate, every line with that reason
    assert again.status is OrderStatus.REJECTED and again.response is not None
    assert [line.reason for line in again.response.lines] == ["duplicate"]
    # and under "hold" it waits for a person instead
    held = place(
        stocked, purchase_order("PO-1", ("4006381333931", "1")), OrderPolicy(duplicates="hold")
    )
    assert held.status is OrderStatus.ON_HOLD and held.response is None


def test_an_unknown_customer_is_held_and_cannot_be_released_blind(stocked: Store) -> None:
    # given an order from a GLN nobody has, from a partner with two customers
    placement = place(
        stocked, purchase_order("PO-5", ("4006381333931", "1"), buyer="4000000000000")
    )
    # then it is held with the identifier named
    assert placement.status is OrderStatus.ON_HOLD
    with stocked.read() as session:
        (finding,) = session.scalars(
            select(OrderFindingRow).where(OrderFindingRow.order_id == placement.order_id)
        )
    assert finding.code == "customer.unknown" and "4000000000000" in finding.text
    # and releasing it says what to do first
    with pytest.raises(BusinessRuleError, match="import the customer's master data first"):
        for engine in act(stocked):
            engine.release(placement.order_id, "ops", "")


def test_an_unknown_item_is_rejected_and_the_rest_confirmed(stocked: Store) -> None:
    placement = place(
        stocked, purchase_order("PO-2", ("4006381333931", "1"), ("4006381333900", "1"))
    )
    assert placement.status is OrderStatus.PARTIALLY_CONFIRMED
    assert placement.response is not None
    assert [line.status for line in placement.response.lines] == [
        LineStatus.ACCEPTED,
        LineStatus.REJECTED,
    ]
    assert [r.status for r in lines_of(stocked, placement.order_id)] == [
        LineState.READY.value,
        LineState.REJECTED.value,
    ]


def test_a_test_order_is_answered_but_holds_no_stock(stocked: Store) -> None:
    # given a test order (UNB 0035 = 1) for 8 of the 5 sets on hand
    trial = place(stocked, purchase_order("T-1", ("4006381333948", "8")), test=True)
    # then it is answered as a real one would be: 5 now, 3 backordered
    assert trial.test and trial.response is not None
    (answer,) = trial.response.lines
    assert (answer.confirmed_quantity, answer.backordered_quantity) == (D(5), D(3))
    # when a real order for 5 sets follows
    real = place(stocked, purchase_order("PO-1", ("4006381333948", "5")))
    # then it gets all 5: the test order took nothing, and nothing of it waits in the backlog
    assert real.response is not None
    assert real.response.lines[0].status is LineStatus.ACCEPTED
    with stocked.read() as session:
        assert waiting_lines(session) == {}


def test_the_review_leaves_orders_of_a_partner_without_profile_alone(stocked: Store) -> None:
    # given 3 sets backordered for 12 December, and the replenishment moved to 20 December
    placement = place(stocked, purchase_order("PO-1", ("4006381333948", "8")))
    with stocked.unit_of_work() as uow:
        uow.session.execute(update(ReplenishmentRow).values(expected_date=date(2026, 12, 20)))
    # when the review runs with no partner profile for acme
    with stocked.unit_of_work() as uow:
        changed = EmbeddedOrderSystem(uow, TODAY, {}).review_backlog(TODAY, "test")
    # then nobody is answered and the promise stays what the buyer was told
    assert changed == []
    (row,) = lines_of(stocked, placement.order_id)
    assert row.promised_date == date(2026, 12, 12)


def test_two_workers_cannot_promise_the_same_stock(stocked: Store) -> None:
    # given 5 sets on hand and two workers, each placing an order for 5 sets
    first_placed, first_may_commit = threading.Event(), threading.Event()
    results: dict[str, Placement] = {}

    def worker(name: str, number: str) -> None:
        with stocked.unit_of_work() as uow:
            message = uow.add_message(
                NewMessage("in", "acme", "EDIFACT", "ORDERS", "D96A", "mapped", "running")
            )
            engine = EmbeddedOrderSystem(uow, TODAY, POLICIES)
            results[name] = engine.place(
                purchase_order(number, ("4006381333948", "5")), OrderSource("acme", message.id)
            )
            if name == "first":
                first_placed.set()
                first_may_commit.wait(10)

    first = threading.Thread(target=worker, args=("first", "PO-A"))
    second = threading.Thread(target=worker, args=("second", "PO-B"))
    # when the first has promised the stock but not committed, and the second starts
    first.start()
    assert first_placed.wait(10)
    second.start()
    second.join(0.5)
    # then the second waits for the first ...
    assert second.is_alive() and "second" not in results
    first_may_commit.set()
    first.join(10)
    second.join(10)
    # ... and once it may go on, it sees the stock taken: nothing is promised twice
    assert results["first"].status is OrderStatus.CONFIRMED
    assert results["second"].status is OrderStatus.BACKORDERED
    second_response = results["second"].response
    assert second_response is not None
    (line,) = second_response.lines
    assert (line.confirmed_quantity, line.backordered_quantity) == (D(0), D(5))


def test_without_the_engine_every_line_is_confirmed_as_ordered(stocked: Store) -> None:
    # given the engine-less order system and an order with an unknown item
    with stocked.unit_of_work() as uow:
        message = uow.add_message(
            NewMessage("in", "acme", "EDIFACT", "ORDERS", "D96A", "mapped", "running")
        )
        placement = ConfirmAsOrdered(uow, TODAY).place(
            purchase_order("PO-1", ("4006381333900", "7")), OrderSource("acme", message.id)
        )
    # then it is confirmed as ordered and recorded so
    assert placement.status is OrderStatus.CONFIRMED and placement.response is not None
    (line,) = placement.response.lines
    assert (line.status, line.confirmed_quantity) == (LineStatus.ACCEPTED, D(7))
    assert [row.status for row in lines_of(stocked, placement.order_id)] == ["ready"]
    # and what only an engine can do is refused with the reason
    with (
        pytest.raises(BusinessRuleError, match="the order engine is off"),
        stocked.unit_of_work() as uow,
    ):
        ConfirmAsOrdered(uow, TODAY).release(placement.order_id, "ops", "")


def test_a_cancellation_cancels_the_live_order_and_frees_its_stock(stocked: Store) -> None:
    # given PO-A holding all 5 sets, and PO-B waiting for 3
    first = place(stocked, purchase_order("PO-A", ("4006381333948", "5")))
    waiting = place(stocked, purchase_order("PO-B", ("4006381333948", "3")))
    assert waiting.status is OrderStatus.BACKORDERED
    # when the buyer cancels PO-A (BGM 1225 = 1, BEG01 = 01)
    cancel = replace(purchase_order("PO-A", ("4006381333948", "5")), function="cancellation")
    answer = place(stocked, cancel)
    # then the cancelling message is recorded, not answered, and says what it cancelled
    assert answer.status is OrderStatus.RECORDED and answer.response is None
    assert [f.code for f in answer.findings] == ["order.cancels"]
    # and PO-A is cancelled, and its sets went to PO-B, which is now ready
    with stocked.read() as session:
        assert session.get_one(OrderRow, first.order_id).status == "cancelled"
        assert session.get_one(OrderRow, waiting.order_id).status == "confirmed"
    (line,) = lines_of(stocked, first.order_id)
    assert (line.status, line.allocated_quantity) == ("cancelled", D(0))


def test_a_replacement_cancels_the_old_order_and_is_decided_afresh(stocked: Store) -> None:
    # given PO-1 for 5 pens
    old = place(stocked, purchase_order("PO-1", ("4006381333931", "5")))
    # when the buyer replaces it (BGM 1225 = 5) with 7 pens
    new = place(
        stocked, replace(purchase_order("PO-1", ("4006381333931", "7")), function="replace")
    )
    # then the new one is confirmed and answered (no duplicate), the old one cancelled
    assert new.status is OrderStatus.CONFIRMED and new.response is not None
    assert new.response.lines[0].confirmed_quantity == D(7)
    assert "order.duplicate" not in [f.code for f in new.findings]
    with stocked.read() as session:
        assert session.get_one(OrderRow, old.order_id).status == "cancelled"


def test_a_cancellation_of_no_live_order_and_a_copy_are_only_recorded(stocked: Store) -> None:
    # given nothing ordered as PO-X
    cancel = replace(purchase_order("PO-X", ("4006381333931", "1")), function="cancellation")
    copy = replace(purchase_order("PO-Y", ("4006381333931", "1")), function="copy")
    # when a cancellation of it and a copy of another order arrive
    cancelled, copied = place(stocked, cancel), place(stocked, copy)
    # then both are recorded with their reason, nothing answered, no stock taken
    assert (cancelled.status, copied.status) == (OrderStatus.RECORDED, OrderStatus.RECORDED)
    assert [f.code for f in cancelled.findings] == ["order.cancel_unknown"]
    assert "recorded, not an order to fulfil" in copied.findings[0].text
    assert cancelled.response is None and copied.response is None
