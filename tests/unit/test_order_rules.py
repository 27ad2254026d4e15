"""The order engine's rules on worked examples: customer, items, units, prices, credit, stock."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gateway.model import LineStatus, OrderLine, Party, PurchaseOrder, ResponseStatus
from gateway.orders.atp import Availability, covering_date, promise
from gateway.orders.backlog import WaitingLine, allocate, fair_order, review_dates
from gateway.orders.catalog import MemoryCatalog, normalise_gtin
from gateway.orders.checks import (
    CheckedLine,
    CheckedOrder,
    check_credit,
    check_line,
    check_ship_to,
    resolve_customer,
)
from gateway.orders.confirm import decide_lines, order_response
from gateway.orders.masterdata import (
    Customer,
    CustomerIdentifier,
    CustomerStatus,
    Item,
    ItemUnit,
    MasterData,
    Price,
    ShipTo,
)
from gateway.orders.port import Effect, Finding, OrderPolicy
from gateway.orders.states import LineState, OrderStatus, order_status

TODAY = date(2026, 11, 22)
D = Decimal

SHOP = Customer(
    "SHOP", "Corner Shop", partner="acme", currency="EUR", credit_limit=D(1000), open_balance=D(900)
)
PEN = Item("PEN", "Pen", gtin="04006381333931", lead_time_days=2)
WIDGET = Item("W-200", "Widget large", gtin="00012345678912", lead_time_days=3)
MASTER = MasterData(
    customers=(SHOP, Customer("OTHER", "Other", partner="globex")),
    customer_identifiers=(CustomerIdentifier("SHOP", "5790000000001", "GLN"),),
    ship_tos=(ShipTo("SHOP", "5790000000018", "DC North"),),
    items=(PEN, WIDGET),
    item_units=(ItemUnit("W-200", "CA", D(12)),),
    prices=(
        Price("PEN", D("10.00"), "EUR"),
        Price("PEN", D("9.00"), "EUR", min_quantity=D(100)),
        Price("PEN", D("9.50"), "EUR", customer="SHOP"),
        Price("W-200", D("30.00"), "EUR", uom="CA"),
    ),
)
CATALOG = MemoryCatalog(MASTER)
DEFAULT_POLICY = OrderPolicy()


def order(
    *lines: OrderLine, buyer: str = "5790000000001", ship_to: str | None = None
) -> PurchaseOrder:
    """A purchase order from the shop."""
    return PurchaseOrder(
        "PO-1",
        lines,
        order_date=date(2026, 11, 20),
        currency="EUR",
        requested_delivery_date=date(2026, 12, 1),
        buyer=Party(buyer, "GLN"),
        ship_to=Party(ship_to, "GLN") if ship_to else None,
    )


def checked(
    line: OrderLine, policy: OrderPolicy = DEFAULT_POLICY
) -> tuple[CheckedLine, tuple[Finding, ...]]:
    """One line through the line checks."""
    return check_line(line, order(line), SHOP, CATALOG, policy, TODAY)


def test_customer_is_found_by_the_buyer_gln() -> None:
    # given an order whose buyer GLN is one of the shop's identifiers
    # when the customer is resolved
    match = resolve_customer(order(), CATALOG, "acme")
    # then it is the shop, with nothing to report
    assert match.customer == SHOP and match.findings == ()


def test_unknown_customer_holds_the_order_with_the_identifier_named() -> None:
    # given a buyer nobody knows, from a partner with two customers... (acme has one: use globex)
    match = resolve_customer(
        order(buyer="4000000000000"),
        MemoryCatalog(MasterData(customers=(SHOP, Customer("B", "B", partner="acme")))),
        "acme",
    )
    # then there is no customer and a hold finding naming the identifier
    assert match.customer is None
    (finding,) = match.findings
    assert finding.effect is Effect.HOLD and "4000000000000" in finding.text


def test_a_partner_with_one_customer_needs_no_identifier() -> None:
    # given an order with an unknown buyer id from partner acme, whose only customer is the shop
    match = resolve_customer(order(buyer="4000000000000"), CATALOG, "acme")
    # then the shop is taken, and that is noted
    assert match.customer == SHOP
    assert [f.code for f in match.findings] == ["customer.by_partner"]


def test_blocked_customer_is_held() -> None:
    # given the shop blocked
    blocked = MemoryCatalog(
        MasterData(
            customers=(Customer("SHOP", "Corner Shop", status=CustomerStatus.BLOCKED),),
            customer_identifiers=MASTER.customer_identifiers,
        )
    )
    # then its order is held
    match = resolve_customer(order(), blocked, "acme")
    assert [(f.code, f.effect) for f in match.findings] == [("customer.blocked", Effect.HOLD)]


def test_unknown_ship_to_follows_the_partner_policy() -> None:
    # given an order to a delivery location the shop does not have
    unknown = order(ship_to="5790000000099")
    # then "accept" notes it and "hold" holds the order; a known one passes
    _, noted = check_ship_to(unknown, SHOP, CATALOG, OrderPolicy(unknown_ship_to="accept"))
    _, held = check_ship_to(unknown, SHOP, CATALOG, OrderPolicy(unknown_ship_to="hold"))
    known, none = check_ship_to(order(ship_to="5790000000018"), SHOP, CATALOG, OrderPolicy())
    assert [f.effect for f in noted] == [Effect.INFO]
    assert [f.effect for f in held] == [Effect.HOLD]
    assert known is not None and known.name == "DC North" and none == ()


def test_unknown_item_rejects_the_line_with_a_reason() -> None:
    # given a line whose GTIN, buyer part and seller part are all unknown
    line = OrderLine("1", D(5), gtin="4006381333900", buyer_part="X-1", seller_part="NOPE")
    # when it is checked
    result, findings = checked(line)
    # then it is rejected as an unknown item, and the finding names every identifier tried
    assert result.reject_reason == "item_unknown"
    (finding,) = findings
    assert finding.effect is Effect.REJECT
    assert "GTIN 4006381333900 or buyer part X-1 or seller part NOPE" in finding.text


def test_a_case_of_twelve_is_converted_to_base_units_and_priced_per_case() -> None:
    # given 5 cases of the widget, ordered by its UPC-12 and priced per case
    line = OrderLine("1", D(5), gtin="012345678912", uom="CA", unit_price=D("30.00"))
    # when it is checked
    result, findings = checked(line)
    # then the item is found, 60 base units are ordered, and 30.00 a case is our price too
    assert result.item == WIDGET and result.factor == D(12)
    assert result.base_quantity == D(60)
    assert result.list_price == D("30.00") and findings == ()


def test_a_unit_the_item_is_not_sold_in_rejects_the_line() -> None:
    # given the pen ordered by the pallet
    result, findings = checked(OrderLine("1", D(1), gtin="4006381333931", uom="PF"))
    # then the line is rejected for its unit
    assert result.reject_reason == "unit_unknown"
    assert "not sold in unit PF" in findings[0].text


def test_piece_units_are_the_same_unit() -> None:
    # given the pen (kept in EA) ordered in PCE (EANCOM) and C62 (UN/ECE Rec 20)
    for uom in ("PCE", "C62", "EA"):
        result, _ = checked(
            OrderLine("1", D(3), gtin="4006381333931", uom=uom, unit_price=D("9.50"))
        )
        # then the factor is 1
        assert result.factor == D(1), uom


def test_customer_price_list_wins_over_the_default_and_breaks_apply() -> None:
    # given the shop's own pen price (9.50) and a default break at 100 (9.00)
    small, _ = checked(OrderLine("1", D(10), gtin="4006381333931"))
    # then the shop's list wins, whatever the quantity (a customer list beats the default)
    big, _ = checked(OrderLine("1", D(500), gtin="4006381333931"))
    assert small.list_price == D("9.50") and big.list_price == D("9.50")
    # and for another customer the default break applies at 100
    other = Customer("OTHER", "Other", currency="EUR")
    line = OrderLine("1", D(100), gtin="4006381333931")
    result, _ = check_line(line, order(line), other, CATALOG, OrderPolicy(), TODAY)
    assert result.list_price == D("9.00")


@pytest.mark.parametrize(
    ("offered", "policy", "effect", "confirmed", "reason"),
    [
        # 5.26% above 9.50, tolerance 2%: answered with our price (a change the buyer is told)
        ("10.00", "our_price", Effect.CHANGE, "9.50", None),
        # 5.26% below: rejected under reject_line
        ("9.00", "reject_line", Effect.REJECT, None, "price"),
        # below, accept: the buyer's price stands, noted
        ("9.00", "accept", Effect.INFO, "9.00", None),
        # above, reject_line: rejected as well (the tolerance works both ways)
        ("10.00", "reject_line", Effect.REJECT, None, "price"),
    ],
)
def test_a_price_outside_the_tolerance_each_way(
    offered: str, policy: str, effect: Effect, confirmed: str | None, reason: str | None
) -> None:
    # given the shop's price 9.50 and a 2% tolerance
    rules = OrderPolicy(price_tolerance=D(2), price_mismatch=policy)
    # when a line offers another price
    result, findings = checked(
        OrderLine("1", D(10), gtin="4006381333931", unit_price=D(offered)), rules
    )
    # then the policy decides
    (finding,) = findings
    assert finding.code == "price.tolerance" and finding.effect is effect
    assert result.confirmed_price == (D(confirmed) if confirmed else None)
    assert result.reject_reason == reason
    assert ("above" if D(offered) > D("9.50") else "below") in finding.text


def test_a_price_within_the_tolerance_is_confirmed_as_offered() -> None:
    # given 9.60 against 9.50 (1.05%) with 2% tolerance
    rules = OrderPolicy(price_tolerance=D(2))
    result, findings = checked(
        OrderLine("1", D(1), gtin="4006381333931", unit_price=D("9.60")), rules
    )
    # then the buyer's price is confirmed without finding
    assert result.confirmed_price == D("9.60") and findings == ()


def test_a_requested_date_inside_the_lead_time_is_moved() -> None:
    # given the pen (2 days lead time) requested for tomorrow
    line = OrderLine("1", D(1), gtin="4006381333931", requested_delivery_date=date(2026, 11, 23))
    result, findings = checked(line)
    # then the line is changed to the earliest date, today + 2
    assert result.changed and result.promised_date == date(2026, 11, 24)
    assert findings[0].code == "date.lead_time" and findings[0].effect is Effect.CHANGE


def test_credit_over_the_limit_holds_the_order() -> None:
    # given the shop: limit 1000, 900 open, and an order worth 10 x 9.50 + 2 x 5 x 30.00 = 395
    lines = (
        OrderLine("1", D(10), gtin="4006381333931"),
        OrderLine("2", D(5), gtin="012345678912", uom="CA"),
        OrderLine("3", D(5), gtin="012345678912", uom="CA"),
    )
    results = tuple(checked(line)[0] for line in lines)
    value = CheckedOrder(order(*lines), SHOP, None, results).value
    # when credit is checked against the 900 already open
    (finding,) = check_credit(SHOP, D(900), value)
    # then the order is held, with the figures in the reason
    assert value == D("395.00")
    assert finding.effect is Effect.HOLD and "900.00 open" in finding.text
    assert finding.text.endswith("= 1295.00")
    # and an order within the limit passes
    assert check_credit(SHOP, D(500), value) == ()


def test_a_partial_backorder_gets_the_date_the_replenishment_supports() -> None:
    # given 30 pens free and 100 arriving on 10 December, and an order for 50 wanted 1 December
    line = OrderLine("1", D(50), gtin="4006381333931")
    result, _ = checked(line)
    supply = {"PEN": Availability(D(30), ((date(2026, 12, 10), D(100)),))}
    # when the line is decided
    (decision,) = decide_lines([result], supply, OrderPolicy(), TODAY)
    # then 30 are allocated for 1 December and 20 backordered for 10 December + 2 days lead
    assert decision.state is LineState.BACKORDERED and decision.status is LineStatus.BACKORDERED
    assert (decision.allocated, decision.backordered) == (D(30), D(20))
    assert decision.promised_date == date(2026, 12, 1)
    assert decision.backorder_date == date(2026, 12, 12)
    # and the response says the same: 30 now, 20 later with its date
    response = order_response(order(line), [decision], "PO-1", TODAY)
    assert response.status is ResponseStatus.ACCEPTED_WITH_CHANGES
    (answer,) = response.lines
    assert (answer.confirmed_quantity, answer.backordered_quantity) == (D(30), D(20))
    assert answer.backorder_date == date(2026, 12, 12)


def test_without_backorders_the_rest_is_cancelled() -> None:
    # given the same shortage for a partner that takes no backorders
    result, _ = checked(OrderLine("1", D(50), gtin="4006381333931"))
    (decision,) = decide_lines(
        [result], {"PEN": Availability(D(30))}, OrderPolicy(backorders="cancel"), TODAY
    )
    # then 30 are confirmed as a quantity change and nothing waits
    assert decision.status is LineStatus.CHANGED and decision.confirmed == D(30)
    assert decision.backordered == D(0) and decision.reason == "out_of_stock"


def test_cases_are_promised_whole() -> None:
    # given 50 widgets free and 5 cases of 12 ordered
    result, _ = checked(OrderLine("1", D(5), gtin="012345678912", uom="CA"))
    (decision,) = decide_lines([result], {"W-200": Availability(D(50))}, OrderPolicy(), TODAY)
    # then 4 whole cases (48) go now and 1 case waits, with no date (nothing incoming)
    assert (decision.allocated, decision.backordered) == (D(4), D(1))
    assert decision.backorder_date is None


def test_two_lines_of_one_item_share_its_stock() -> None:
    # given 30 pens free and two lines of 20
    lines = [checked(OrderLine(n, D(20), gtin="4006381333931"))[0] for n in ("1", "2")]
    first, second = decide_lines(lines, {"PEN": Availability(D(30))}, OrderPolicy(), TODAY)
    # then the first is served whole and the second gets the last 10
    assert first.state is LineState.READY and second.allocated == D(10)


def test_rejected_lines_make_a_rejected_response_only_when_all_are() -> None:
    good, _ = checked(OrderLine("1", D(1), gtin="4006381333931"))
    bad, _ = checked(OrderLine("2", D(1), gtin="4006381333900"))
    decisions = decide_lines([good, bad], {"PEN": Availability(D(10))}, OrderPolicy(), TODAY)
    assert (
        order_response(order(), decisions, "R", TODAY).status
        is ResponseStatus.ACCEPTED_WITH_CHANGES
    )
    (only_bad,) = decide_lines([bad], {}, OrderPolicy(), TODAY)
    assert order_response(order(), [only_bad], "R", TODAY).status is ResponseStatus.REJECTED
    assert order_status([LineState.READY, LineState.REJECTED]) is OrderStatus.PARTIALLY_CONFIRMED


def test_backorders_ahead_claim_incoming_supply_first() -> None:
    # given 100 arriving on 10 December and 150 on 20 December, with 80 already waiting
    supply = Availability(D(0), ((date(2026, 12, 20), D(150)), (date(2026, 12, 10), D(100))), D(80))
    # then 20 more are covered on 10 December, 21 only on 20 December, 171 never
    assert covering_date(D(20), supply) == date(2026, 12, 10)
    assert covering_date(D(21), supply) == date(2026, 12, 20)
    assert covering_date(D(171), supply) is None
    # and a promise from that supply leaves the claim for later lines
    given, left = promise(D(30), D(1), supply)
    assert given.later_date == date(2026, 12, 20) and left.ahead == D(110)


def waiting(
    number: str, order_id: int, requested: date | None, units: str, promised: date | None = None
) -> WaitingLine:
    """A backordered pen line."""
    return WaitingLine(
        order_id,
        f"PO-{order_id}",
        number,
        "PEN",
        D(1),
        D(units),
        requested,
        date(2026, 11, 1),
        promised,
        2,
    )


def test_arriving_stock_serves_the_earliest_requested_date_first() -> None:
    # given three waiting lines: the later order wants its goods first
    late = waiting("1", 1, date(2026, 12, 20), "10")
    early = waiting("1", 2, date(2026, 12, 5), "10")
    undated = waiting("1", 3, None, "10")
    # when 15 pens arrive
    allocations, left = allocate([late, undated, early], D(15))
    # then the early one is served whole, the late one gets 5, the undated one waits
    assert [(a.line.order_id, a.units, a.ready) for a in allocations] == [
        (2, D(10), True),
        (1, D(5), False),
    ]
    assert left == D(0)
    assert [w.order_id for w in fair_order([undated, late, early])] == [2, 1, 3]


def test_a_date_slip_is_reported_once() -> None:
    # given a line promised for 12 December, and its replenishment now arriving 18 December
    line = waiting("1", 1, date(2026, 12, 1), "20", promised=date(2026, 12, 12))
    incoming = ((date(2026, 12, 18), D(100)),)
    (review,) = review_dates([line], incoming, TODAY)
    # then the new date is 20 December (18 + 2 days) and it slipped
    assert review.new_date == date(2026, 12, 20) and review.slipped
    # and once the buyer has been told 20 December, the same supply is no slip
    told = waiting("1", 1, date(2026, 12, 1), "20", promised=date(2026, 12, 20))
    (again,) = review_dates([told], incoming, TODAY)
    assert not again.slipped
    # and a date that comes earlier is no slip either
    (earlier,) = review_dates([told], ((date(2026, 12, 5), D(100)),), TODAY)
    assert earlier.new_date == date(2026, 12, 7) and not earlier.slipped


def test_gtins_are_compared_as_fourteen_digits() -> None:
    assert normalise_gtin("012345678912") == "00012345678912"
    assert normalise_gtin("4006381333931") == "04006381333931"
    assert normalise_gtin("ABC") is None and normalise_gtin("123") is None


def test_a_price_per_case_is_converted_to_the_ordered_unit() -> None:
    # given the widget priced 30.00 a case of 12, ordered by the piece
    result, _ = checked(OrderLine("1", D(6), gtin="012345678912", uom="EA"))
    # then our price is 2.50 a piece, exactly
    assert result.list_price == D("2.500000") and result.factor == D(1)


def test_price_findings_show_amounts_as_money() -> None:
    # given a case offered at 31 against our 30.00 a case
    rules = OrderPolicy(price_tolerance=D("0.5"))
    line = OrderLine("1", D(5), gtin="012345678912", uom="CA", unit_price=D(31))
    _, (finding,) = checked(line, rules)
    # then the sentence reads like money
    assert "buyer's price 31.00 is 3.33% above our 30.00 (tolerance 0.5%)" in finding.text
