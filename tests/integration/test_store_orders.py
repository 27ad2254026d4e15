"""Store contract, orders: Decimal quantities, prices and dates round-trip."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gateway.model.documents import OrderLine, Party, PurchaseOrder
from gateway.store import NewMessage, Store

ORDER = PurchaseOrder(
    order_number="PO-4711",
    order_date=date(2024, 2, 29),
    currency="EUR",
    requested_delivery_date=date(2024, 3, 15),
    buyer=Party(id="4012345000009", id_scheme="GLN", name="Buyer GmbH"),
    seller=Party(id="4098765000007", id_scheme="GLN"),
    ship_to=Party(id="4012345000016"),
    bill_to=Party(id="4012345000023"),
    lines=(
        OrderLine(
            "1",
            Decimal("12.5"),
            gtin="04012345678901",
            buyer_part="B-1",
            seller_part="S-1",
            description="Widget, blue",
            uom="PCE",
            unit_price=Decimal("0.123456"),
            requested_delivery_date=date(2024, 3, 1),
        ),
        # fifteen significant digits: the most SQLite's NUMERIC affinity keeps exactly
        OrderLine("2", Decimal("99999999999.9999"), uom="KGM", unit_price=Decimal("1234.5")),
    ),
)


def stored_order(store: Store) -> tuple[int, int]:
    """A message with ORDER recorded from it: (message id, order id)."""
    with store.unit_of_work() as uow:
        message = uow.add_message(
            NewMessage("in", "ACME", "EDIFACT", "ORDERS", "D:96A:UN", "mapped", "running")
        )
        order_id = uow.add_order(message.id, "ACME", ORDER)
    return message.id, order_id


def test_orders_round_trip_with_decimals_and_dates_intact(store: Store) -> None:
    # given an order recorded from a message
    message_id, order_id = stored_order(store)
    # when it is read back
    ((order, lines),) = store.orders_for(message_id)
    # then header, parties, dates, quantities and prices are exactly what was given
    assert (order.id, order.message_id, order.partner) == (order_id, message_id, "ACME")
    assert (order.order_number, order.order_date, order.currency) == (
        "PO-4711",
        date(2024, 2, 29),
        "EUR",
    )
    assert order.requested_delivery_date == date(2024, 3, 15)
    assert (order.buyer_id, order.buyer_scheme, order.buyer_name) == (
        "4012345000009",
        "GLN",
        "Buyer GmbH",
    )
    assert (order.seller_id, order.ship_to_id, order.bill_to_id) == (
        "4098765000007",
        "4012345000016",
        "4012345000023",
    )
    assert order.status == "received"
    assert [line.line_number for line in lines] == ["1", "2"]
    first, second = lines
    assert isinstance(first.quantity, Decimal)
    assert str(first.quantity) == "12.5000"
    assert str(first.unit_price) == "0.123456"
    assert first.requested_delivery_date == date(2024, 3, 1)
    assert (first.gtin, first.buyer_part, first.seller_part, first.uom) == (
        "04012345678901",
        "B-1",
        "S-1",
        "PCE",
    )
    assert first.description == "Widget, blue"
    assert first.confirmed_quantity is None
    assert second.quantity == Decimal("99999999999.9999")
    assert second.unit_price == Decimal("1234.500000")


def test_line_confirmation_and_order_status_are_recorded(store: Store) -> None:
    message_id, order_id = stored_order(store)
    with store.unit_of_work() as uow:
        uow.set_line_confirmation(order_id, "2", Decimal("7.25"), "changed")
        uow.set_order_status(order_id, "confirmed")
    ((order, lines),) = store.orders_for(message_id)
    assert order.status == "confirmed"
    assert [(line.confirmed_quantity, line.status) for line in lines] == [
        (None, "received"),
        (Decimal("7.2500"), "changed"),
    ]


def test_repeated_order_numbers_are_recorded_not_refused(store: Store) -> None:
    message_id, first_id = stored_order(store)
    with store.unit_of_work() as uow:
        second_id = uow.add_order(message_id, "ACME", ORDER)
    assert second_id != first_id
    assert [order.order_number for order, _ in store.orders_for(message_id)] == ["PO-4711"] * 2


def test_confirming_a_missing_line_is_a_lookup_error(store: Store) -> None:
    _, order_id = stored_order(store)
    with store.unit_of_work() as uow, pytest.raises(LookupError, match="'9'"):
        uow.set_line_confirmation(order_id, "9", Decimal(1), "accepted")
    with store.unit_of_work() as uow, pytest.raises(LookupError, match="no order"):
        uow.set_order_status(order_id + 100, "confirmed")
