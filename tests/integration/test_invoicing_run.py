"""Invoicing on a real database (SQLite and PostgreSQL): numbers without gaps, invoices per
ISO week by the invoice run, and the two tax rounding rules, through the whole flow. Prices
are the sample master data's (mugs 3.00, pens 0.45, pen sets 12.50 for ACME); acme pays 9.50
freight per shipment and Danish VAT, 25 %."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from gateway.fulfilment.shipping import ShipDetails
from gateway.pipeline.fulfilment_actions import (
    deliver_shipment,
    pack_shipment,
    pick_shipment,
    run_invoices,
    ship_in,
    ship_shipment,
)
from gateway.pipeline.fulfilment_jobs import invoice_run
from gateway.store.tables import MessageRow
from tests.integration.test_fulfilment import (
    ACTOR,
    MONDAY,
    MUG,
    PEN,
    PEN_SET,
    World,
    invoices,
    line_of,
    order_status,
    place,
    receive,
    released,
    ship,
    shipment,
    template,  # noqa: F401 - the fixtures, shared
    world,  # noqa: F401
)

D = Decimal


def test_a_rolled_back_invoice_gives_its_number_back(world: World) -> None:  # noqa: F811
    gw = world.gateway
    # given two orders packed, and the first shipped and invoiced as INV-000001
    first, second = released(gw, place(gw, "PO-1", (PEN, 10)), place(gw, "PO-2", (PEN, 20)))
    for number in (first, second):
        pick_shipment(gw, number, None, ACTOR)
        pack_shipment(gw, number, None, ACTOR)
    ship_shipment(gw, first, ShipDetails("DHL", "JD1"), ACTOR)
    # when the second ships and is invoiced, and its transaction then fails
    taken: list[str] = []
    with (
        pytest.raises(RuntimeError, match="the database went away"),
        gw.store.unit_of_work() as uow,
    ):
        shipped = ship_in(gw, uow, second, ShipDetails("DHL", "JD2"), ACTOR)
        taken += [one.billed.row.number for one in shipped.invoices]
        raise RuntimeError("the database went away")
    assert taken == ["INV-000002"]
    # then nothing of it stayed: the shipment is packed, only INV-000001 exists
    assert shipment(gw, second).status == "packed"
    assert [bill.number for bill in invoices(gw)] == ["INV-000001"]
    # and when it ships again the number it gave back is used: no gap
    again = ship_shipment(gw, second, ShipDetails("DHL", "JD2"), ACTOR)
    assert [one.billed.row.number for one in again.invoices] == ["INV-000002"]
    assert [bill.number for bill in invoices(gw)] == ["INV-000001", "INV-000002"]


def test_weekly_invoicing_bills_the_weeks_shipments_once_after_the_week(
    world: World,  # noqa: F811
) -> None:
    # given a partner invoiced per ISO week, and 30 mugs ordered on Monday with 24 on hand
    gw = world.with_partner(invoices={"mode": "weekly"})
    order_id = place(gw, "PO-1", (MUG, 30))
    # when 24 ship on Monday and the other 6, arrived, ship on Wednesday
    (first,) = released(gw, order_id)
    ship(gw, first)
    receive(gw, "MUG-01", 6)
    world.clock.now = MONDAY + timedelta(days=2)
    (second,) = released(gw, order_id)
    ship(gw, second, "JD0002")
    # then nothing is invoiced as they ship, nor by the run during the week (Sunday evening)
    assert invoices(gw) == []
    sunday = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)
    assert invoice_run(gw, sunday) == {"invoices": 0, "sent": 0}
    # and the order delivered but not invoiced is not closed
    for number in (first, second):
        deliver_shipment(gw, number, date(2026, 11, 27), ACTOR)
    assert order_status(gw, order_id) == "delivered"
    # when the run comes after the week (Monday 30 November, 02:00)
    done = invoice_run(gw, datetime(2026, 11, 30, 2, 0, tzinfo=UTC))
    # then one invoice bills both shipments: 30 x 3.00, freight twice, 25 % on the total
    assert done == {"invoices": 1, "sent": 1}
    (bill,) = invoices(gw)
    assert (bill.number, bill.issue_date, bill.due_date) == (
        "INV-000001",
        date(2026, 11, 30),
        date(2026, 12, 30),  # ACME pays in 30 days
    )
    assert (
        bill.lines_total,
        bill.charges_total,
        bill.net_total,
        bill.tax_total,
        bill.gross_total,
    ) == (D("90.00"), D("19.00"), D("109.00"), D("27.25"), D("136.25"))
    lines = bill.document["lines"]
    assert [D(line["quantity"]) for line in lines] == [D(24), D(6)]
    assert len(bill.document["allowances_charges"]) == 2
    # and the order, delivered and now invoiced, is closed; the invoice is queued once
    assert order_status(gw, order_id) == "closed"
    assert line_of(gw, order_id).invoiced_quantity == D(30)
    with gw.store.read() as session:
        sent = session.scalars(
            select(MessageRow.message_type).where(MessageRow.direction == "out")
        ).all()
    assert sorted(sent) == ["DESADV", "DESADV", "INVOIC"]
    # and a later run invoices nothing twice
    assert run_invoices(gw, date(2026, 12, 7), ACTOR) == []


def test_tax_rounding_per_line_or_per_total_through_the_whole_flow(
    world: World,  # noqa: F811
) -> None:
    # given two partner profiles on one store: tax rounded per line, or on the rate's total
    per_line = world.with_partner(invoices={"tax_rounding": "line"})
    per_total = world.with_partner(invoices={"tax_rounding": "total"})
    # when the same order, one pen set and one pen, is released, picked, packed and shipped
    # under each
    orders = [place(per_line, number, (PEN_SET, 1), (PEN, 1)) for number in ("PO-L", "PO-T")]
    by_line, by_total = released(per_line, *orders)
    ship(per_line, by_line)
    ship(per_total, by_total)
    # then the goods and freight are the same: 12.50 + 0.45 + 9.50 = 22.45
    bill_line, bill_total = invoices(per_line)
    assert [bill.order_id for bill in (bill_line, bill_total)] == orders
    assert bill_line.net_total == bill_total.net_total == D("22.45")
    # and per line, 12.50 x 25 % = 3.125 -> 3.13, 0.45 x 25 % = 0.1125 -> 0.11 and the
    # freight's 2.375 -> 2.38 add up to 5.62
    assert (bill_line.tax_total, bill_line.gross_total) == (D("5.62"), D("28.07"))
    # but on the total, 22.45 x 25 % = 5.6125 is rounded once: 5.61
    assert (bill_total.tax_total, bill_total.gross_total) == (D("5.61"), D("28.06"))
    # and each invoice's one rate line (category S, 25 %) carries its own amount
    for bill, tax in ((bill_line, "5.62"), (bill_total, "5.61")):
        (rate,) = bill.document["taxes"]
        assert (rate["category"], D(rate["rate"]), D(rate["taxable_amount"])) == (
            "S",
            D(25),
            D("22.45"),
        )
        assert D(rate["amount"]) == D(tax)
