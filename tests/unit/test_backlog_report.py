"""The backlog report: aging buckets, grouping by customer and item, totals per currency."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import pytest

from gateway.orders.backlog_report import (
    BUCKETS,
    BacklogLine,
    aging_bucket,
    backlog_report,
    days_late,
)

AS_OF = date(2024, 4, 1)


def line(**changes: object) -> BacklogLine:
    """A backordered line of 2 cases of 12 at 6.00 (our price), requested on AS_OF."""
    base = BacklogLine(
        order_id=1,
        order_number="PO-1",
        partner="ACME",
        customer_id="C-100",
        currency="EUR",
        line_number="1",
        sku="SKU-1",
        gtin="04012345678901",
        uom="CS",
        backordered_quantity=Decimal("2.0000"),
        factor=Decimal("12.000000"),
        confirmed_price=Decimal("6.000000"),
        unit_price=Decimal("5.500000"),
        line_requested_date=AS_OF,
        order_requested_date=None,
        promised_date=None,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("late", "bucket"),
    [
        (0, "0-7"),
        (7, "0-7"),
        (8, "8-14"),
        (14, "8-14"),
        (15, "15-30"),
        (30, "15-30"),
        (31, "over 30"),
        (-1, "not due"),
    ],
)
def test_aging_bucket_edges_follow_days_past_the_requested_date(late: int, bucket: str) -> None:
    # given a line requested `late` days before the as-of date
    requested = AS_OF - timedelta(days=late)
    # when the report ages it
    report = backlog_report([line(line_requested_date=requested)], AS_OF)
    # then it lands in the bucket whose edges include that many days
    (aged,) = report.lines
    assert (aged.days_late, aged.bucket) == (late, bucket)
    assert report.groups[0].totals.bucket(bucket).lines == 1


def test_line_without_any_requested_date_is_not_due() -> None:
    # given a line with no requested date on the line nor on the order
    undated = line(line_requested_date=None, order_requested_date=None)
    # when the report ages it
    (aged,) = backlog_report([undated], AS_OF).lines
    # then it has no days late and counts as not due
    assert (aged.days_late, aged.bucket) == (None, "not due")
    assert days_late(None, AS_OF) is None
    assert aging_bucket(None) == "not due"


def test_order_requested_date_is_used_when_the_line_has_none() -> None:
    # given a line without its own date on an order requested 10 days ago
    dated_by_order = line(line_requested_date=None, order_requested_date=AS_OF - timedelta(10))
    # when the report ages it
    (aged,) = backlog_report([dated_by_order], AS_OF).lines
    # then the order's date decides
    assert (aged.days_late, aged.bucket) == (10, "8-14")


def test_line_date_wins_over_the_order_date() -> None:
    # given a line due tomorrow on an order requested 40 days ago
    both = line(
        line_requested_date=AS_OF + timedelta(1), order_requested_date=AS_OF - timedelta(40)
    )
    # when aged
    (aged,) = backlog_report([both], AS_OF).lines
    # then the line's date counts: due tomorrow, not due yet
    assert (aged.days_late, aged.bucket) == (-1, "not due")


def test_quantity_is_in_base_units_and_value_uses_our_confirmed_price() -> None:
    # given 2 cases of 12, confirmed at 6.00 where the buyer sent 5.50
    report = backlog_report([line()], AS_OF)
    # then the quantity is 24 base units and the value 2 x 6.00
    total = report.groups[0].totals.total
    assert (total.lines, total.quantity, total.value) == (1, Decimal(24), Decimal("12.00"))


def test_value_falls_back_to_the_buyer_price_then_zero() -> None:
    # given one line without our price and one without any price
    buyer_priced = line(confirmed_price=None, order_number="PO-1")
    unpriced = line(confirmed_price=None, unit_price=None, order_number="PO-2")
    # when reported
    report = backlog_report([buyer_priced, unpriced], AS_OF)
    # then the first is valued at the buyer's price, the second at zero
    values = {a.line.order_number: a.line.value for a in report.lines}
    assert values == {"PO-1": Decimal("11.00"), "PO-2": Decimal("0.00")}
    assert report.groups[0].totals.total.value == Decimal("11.00")


def test_zero_confirmed_price_is_a_price_not_a_missing_one() -> None:
    # given a line we confirmed free of charge
    free = line(confirmed_price=Decimal(0))
    # then its value is zero, not the buyer's price
    assert free.value == Decimal("0.00")


def test_line_value_is_rounded_to_the_cent_half_up() -> None:
    # given 3 units at 0.125
    odd = line(backordered_quantity=Decimal(3), factor=Decimal(1), confirmed_price=Decimal("0.125"))
    # then 0.375 rounds half up to 0.38
    assert odd.value == Decimal("0.38")


def test_groups_by_customer_and_item_with_customer_and_currency_totals() -> None:
    # given two customers, two items, and one customer ordering in two currencies
    lines = [
        line(customer_id="C-200", sku="SKU-2", order_number="PO-9"),
        line(customer_id="C-100", sku="SKU-2", order_number="PO-3"),
        line(customer_id="C-100", sku="SKU-1", order_number="PO-2", line_number="10"),
        line(customer_id="C-100", sku="SKU-1", order_number="PO-2", line_number="2"),
        line(customer_id="C-100", sku="SKU-1", currency="USD", order_number="PO-4"),
        line(customer_id=None, partner="GLOBEX", sku="SKU-1", order_number="PO-5"),
    ]
    # when reported
    report = backlog_report(lines, AS_OF)
    # then groups are per customer, item and currency, sorted; unknown customers by partner
    assert [(g.customer, g.item, g.currency, g.totals.total.lines) for g in report.groups] == [
        ("C-100", "SKU-1", "EUR", 2),
        ("C-100", "SKU-1", "USD", 1),
        ("C-100", "SKU-2", "EUR", 1),
        ("C-200", "SKU-2", "EUR", 1),
        ("partner:GLOBEX", "SKU-1", "EUR", 1),
    ]
    # and each customer has one total per currency
    customers = [(c.customer, c.currency, c.totals.total.value) for c in report.customers]
    assert customers == [
        ("C-100", "EUR", Decimal("36.00")),
        ("C-100", "USD", Decimal("12.00")),
        ("C-200", "EUR", Decimal("12.00")),
        ("partner:GLOBEX", "EUR", Decimal("12.00")),
    ]
    # and the grand totals never add up different currencies
    grand = [(c.currency, c.totals.total.lines, c.totals.total.quantity) for c in report.currencies]
    assert grand == [("EUR", 5, Decimal(120)), ("USD", 1, Decimal(24))]
    # and the lines follow the same order (then order and line number, numerically)
    assert [(a.line.order_number, a.line.line_number) for a in report.lines] == [
        ("PO-2", "2"),
        ("PO-2", "10"),
        ("PO-4", "1"),
        ("PO-3", "1"),
        ("PO-9", "1"),
        ("PO-5", "1"),
    ]


def test_item_is_the_gtin_when_there_is_no_sku() -> None:
    # given a backordered line only known by its GTIN
    report = backlog_report([line(sku=None)], AS_OF)
    # then the item is the GTIN
    assert report.groups[0].item == "04012345678901"


def test_bucket_amounts_add_up_to_the_group_total() -> None:
    # given lines in three different buckets for the same customer and item
    lines = [
        line(line_requested_date=AS_OF - timedelta(days=late), order_number=f"PO-{late}")
        for late in (-3, 5, 45)
    ]
    # when reported
    totals = backlog_report(lines, AS_OF).groups[0].totals
    # then each bucket holds its line and the buckets sum to the total
    assert [totals.bucket(b).lines for b in BUCKETS] == [1, 1, 0, 0, 1]
    assert sum(totals.bucket(b).quantity for b in BUCKETS) == totals.total.quantity == 72
    assert sum(totals.bucket(b).value for b in BUCKETS) == totals.total.value


def test_empty_backlog_has_no_groups_and_no_totals() -> None:
    # given no open backorders
    report = backlog_report([], AS_OF)
    # then the report is empty but knows its date
    assert (report.groups, report.customers, report.currencies, report.lines) == ((), (), (), ())
    assert report.as_of == AS_OF
