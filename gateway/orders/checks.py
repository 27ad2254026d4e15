"""The checks every incoming order goes through, as pure functions over a Catalog.

Each check returns findings; none raises. A finding with effect HOLD stops the order for a
person, REJECT rejects its line, CHANGE confirms the line with a change the buyer is told of,
INFO is only recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from gateway.model import OrderLine, Party, PurchaseOrder
from gateway.orders.amounts import money_text
from gateway.orders.catalog import Catalog, normalise_gtin
from gateway.orders.masterdata import Customer, CustomerStatus, Item, Price, ShipTo
from gateway.orders.port import Effect, Finding, OrderPolicy

HUNDRED = Decimal(100)
# Prices are kept to six decimals (the order_lines.confirmed_price column).
PRICE_QUANTUM = Decimal("0.000001")


@dataclass(frozen=True)
class CustomerMatch:
    """The customer an order belongs to (None: unknown) and how it was found."""

    customer: Customer | None
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class CheckedLine:
    """One order line after the checks: its item, unit factor, prices and dates."""

    line: OrderLine
    item: Item | None = None
    factor: Decimal = Decimal(1)
    list_price: Decimal | None = None  # our price for one ordered unit
    confirmed_price: Decimal | None = None
    requested_date: date | None = None
    earliest_date: date | None = None  # today + the item's lead time
    reject_reason: str | None = None  # reason code when the line is rejected
    changed: bool = False  # confirmed with a change of price or date

    @property
    def base_quantity(self) -> Decimal:
        """The ordered quantity in the item's base unit."""
        return self.line.quantity * self.factor

    @property
    def promised_date(self) -> date | None:
        """The delivery date we can promise from stock: requested, or the earliest possible."""
        if self.requested_date and self.earliest_date:
            return max(self.requested_date, self.earliest_date)
        return self.requested_date or self.earliest_date


@dataclass(frozen=True)
class CheckedOrder:
    """An order after every check: customer, ship-to, lines, findings and what they decide."""

    order: PurchaseOrder
    customer: Customer | None
    ship_to: ShipTo | None
    lines: tuple[CheckedLine, ...]
    findings: tuple[Finding, ...] = field(default=())

    @property
    def hold_reason(self) -> str | None:
        """Why the order waits for a person (the hold findings' texts), or None."""
        holds = [f.text for f in self.findings if f.effect is Effect.HOLD]
        return "; ".join(holds) if holds else None

    @property
    def value(self) -> Decimal:
        """The order's value at confirmed prices, over the lines not rejected."""
        return sum(
            (
                c.line.quantity * (c.confirmed_price or Decimal(0))
                for c in self.lines
                if c.reject_reason is None
            ),
            Decimal(0),
        )


def resolve_customer(order: PurchaseOrder, catalog: Catalog, partner: str) -> CustomerMatch:
    """The customer named by the buyer or bill-to identifier, else the partner's only one."""
    named = [(role, p) for role, p in (("buyer", order.buyer), ("bill-to", order.bill_to)) if p]
    for role, party in named:
        if not party.id:
            continue
        customer = catalog.customer_by_identifier(party.id, party.id_scheme)
        if customer is None:
            continue
        if customer.partner not in (None, partner):
            text = (
                f"{role} {party.id} is customer {customer.id}, who orders through partner "
                f"{customer.partner}, not {partner}"
            )
            return CustomerMatch(None, (Finding("customer.partner", Effect.HOLD, text),))
        return CustomerMatch(customer, _customer_status(customer))
    return _customer_of_partner(catalog, partner, [p.id for _, p in named if p.id])


def _customer_of_partner(catalog: Catalog, partner: str, ids: Sequence[str]) -> CustomerMatch:
    """A partner with a single customer needs no identifier (many retailers send none)."""
    customers = catalog.customers_of_partner(partner)
    if len(customers) == 1:
        (customer,) = customers
        shown = ", ".join(ids) if ids else "no buyer or bill-to identifier"
        text = f"customer {customer.id} taken as partner {partner}'s only customer ({shown})"
        return CustomerMatch(
            customer,
            (Finding("customer.by_partner", Effect.INFO, text), *_customer_status(customer)),
        )
    shown = " or ".join(ids) if ids else "no identifier in the buyer or bill-to party"
    text = f"unknown customer: {shown}; add it to customer_identifiers.csv"
    return CustomerMatch(None, (Finding("customer.unknown", Effect.HOLD, text),))


def _customer_status(customer: Customer) -> tuple[Finding, ...]:
    if customer.status is CustomerStatus.BLOCKED:
        text = f"customer {customer.id} is blocked"
        return (Finding("customer.blocked", Effect.HOLD, text),)
    return ()


def check_ship_to(
    order: PurchaseOrder, customer: Customer, catalog: Catalog, policy: OrderPolicy
) -> tuple[ShipTo | None, tuple[Finding, ...]]:
    """The customer's delivery location the order names; unknown ones per partner policy."""
    party: Party | None = order.ship_to
    if party is None or not party.id:
        return None, ()
    known = catalog.ship_to(customer.id, party.id)
    if known is not None:
        return known, ()
    effect = Effect.HOLD if policy.unknown_ship_to == "hold" else Effect.INFO
    text = f"ship-to {party.id} is not a delivery location of customer {customer.id}"
    return None, (Finding("ship_to.unknown", effect, text),)


def check_line(  # noqa: PLR0917 - the line and everything it is checked against
    line: OrderLine,
    order: PurchaseOrder,
    customer: Customer,
    catalog: Catalog,
    policy: OrderPolicy,
    today: date,
) -> tuple[CheckedLine, tuple[Finding, ...]]:
    """Resolve the item and unit, check the price and the requested date of one line."""
    requested = line.requested_delivery_date or order.requested_delivery_date
    item = resolve_item(line, customer, catalog)
    if item is None:
        text = f"no item has {_line_ids(line)}"
        return _rejected(line, requested, "item_unknown", "item.unknown", text)
    if not item.active:
        text = f"item {item.sku} is no longer sold"
        return _rejected(line, requested, "item_inactive", "item.inactive", text, item)
    factor = catalog.unit_factor(item.sku, line.uom) if line.uom else Decimal(1)
    if factor is None:
        text = f"item {item.sku} is not sold in unit {line.uom} (base unit {item.base_uom})"
        return _rejected(line, requested, "unit_unknown", "unit.unknown", text, item)
    earliest = today + timedelta(days=item.lead_time_days)
    checked = CheckedLine(line, item, factor, requested_date=requested, earliest_date=earliest)
    checked, findings = check_price(checked, order, customer, catalog, policy, today)
    if checked.reject_reason is None and requested is not None and requested < earliest:
        text = (
            f"requested {requested.isoformat()} is before the earliest delivery "
            f"{earliest.isoformat()} ({item.lead_time_days} days lead time)"
        )
        findings += (Finding("date.lead_time", Effect.CHANGE, text, line.line_number),)
        checked = _replace(checked, changed=True)
    return checked, findings


def resolve_item(line: OrderLine, customer: Customer, catalog: Catalog) -> Item | None:
    """The item by GTIN, then the buyer's article number, then our article number."""
    gtin = normalise_gtin(line.gtin)
    item = catalog.item_by_gtin(gtin) if gtin else None
    if item is None and line.buyer_part:
        item = catalog.item_by_buyer_part(customer.id, line.buyer_part)
    if item is None and line.seller_part:
        item = catalog.item(line.seller_part)
    return item


def check_price(  # noqa: PLR0917 - the line and everything its price depends on
    checked: CheckedLine,
    order: PurchaseOrder,
    customer: Customer,
    catalog: Catalog,
    policy: OrderPolicy,
    today: date,
) -> tuple[CheckedLine, tuple[Finding, ...]]:
    """Compare the buyer's price with the price list, within the partner's tolerance."""
    line, item = checked.line, checked.item
    if item is None:
        return checked, ()
    currency = order.currency or customer.currency
    price = list_price(catalog, item.sku, customer.id, currency, checked, order.order_date or today)
    offered = line.unit_price
    if price is None:
        if offered is None:
            text = f"no price for item {item.sku} in {currency or 'any currency'}"
            return _replace(checked, reject_reason="no_price"), (
                Finding("price.unknown", Effect.REJECT, text, line.line_number),
            )
        text = f"no list price for item {item.sku}; the buyer's {money_text(offered)} is confirmed"
        return _replace(checked, confirmed_price=offered), (
            Finding("price.no_list", Effect.INFO, text, line.line_number),
        )
    checked = _replace(checked, list_price=price)
    if offered is None or _within(offered, price, policy.price_tolerance):
        return _replace(checked, confirmed_price=offered if offered is not None else price), ()
    return _price_outside(checked, offered, price, policy)


def _price_outside(
    checked: CheckedLine, offered: Decimal, price: Decimal, policy: OrderPolicy
) -> tuple[CheckedLine, tuple[Finding, ...]]:
    deviation = (offered - price) / price * HUNDRED if price else HUNDRED
    side = "above" if offered > price else "below"
    text = (
        f"buyer's price {money_text(offered)} is {abs(deviation):.2f}% {side} our "
        f"{money_text(price)} (tolerance {policy.price_tolerance}%)"
    )
    number = checked.line.line_number
    if policy.price_mismatch == "reject_line":
        finding = Finding("price.tolerance", Effect.REJECT, text, number)
        return _replace(checked, reject_reason="price"), (finding,)
    if policy.price_mismatch == "accept":
        finding = Finding("price.tolerance", Effect.INFO, f"{text}; accepted", number)
        return _replace(checked, confirmed_price=offered), (finding,)
    finding = Finding("price.tolerance", Effect.CHANGE, f"{text}; answered with ours", number)
    return _replace(checked, confirmed_price=price, changed=True), (finding,)


def _within(offered: Decimal, price: Decimal, tolerance_percent: Decimal) -> bool:
    return abs(offered - price) <= abs(price) * tolerance_percent / HUNDRED


def list_price(  # noqa: PLR0917 - the price list's dimensions
    catalog: Catalog,
    sku: str,
    customer_id: str,
    currency: str | None,
    checked: CheckedLine,
    on: date,
) -> Decimal | None:
    """Our price for one ordered unit: customer list over default, then the best quantity break.

    A price row in another unit is converted through the item's unit factors.
    """
    best: tuple[tuple[bool, Decimal], Decimal] | None = None
    for row in catalog.prices(sku, customer_id):
        per_unit = _per_ordered_unit(catalog, row, checked.factor)
        if per_unit is None or not _applies(row, currency, checked.base_quantity, on):
            continue
        rank = (row.customer is not None, row.min_quantity)
        if best is None or rank > best[0]:
            best = (rank, per_unit)
    return None if best is None else best[1]


def _per_ordered_unit(catalog: Catalog, row: Price, factor: Decimal) -> Decimal | None:
    """A price row's price for one ordered unit of `factor` base units (to 6 decimals)."""
    row_factor = catalog.unit_factor(row.sku, row.uom) if row.uom else Decimal(1)
    if not row_factor:
        return None
    if row_factor == factor:
        return row.unit_price
    return (row.unit_price * factor / row_factor).quantize(PRICE_QUANTUM, ROUND_HALF_UP)


def _applies(row: Price, currency: str | None, base_quantity: Decimal, on: date) -> bool:
    return (
        (currency is None or row.currency == currency)
        and row.min_quantity <= base_quantity
        and (row.valid_from is None or row.valid_from <= on)
        and (row.valid_to is None or on <= row.valid_to)
    )


def check_credit(customer: Customer, exposure: Decimal, value: Decimal) -> tuple[Finding, ...]:
    """Open orders, open invoices and this order against the customer's credit limit."""
    limit = customer.credit_limit
    if limit is None or exposure + value <= limit:
        return ()
    text = (
        f"credit limit {money_text(limit)} exceeded: {money_text(exposure)} open (orders and "
        f"invoices) + {money_text(value)} this order = {money_text(exposure + value)}"
    )
    return (Finding("credit.limit", Effect.HOLD, text),)


def duplicate_findings(
    earlier_order: str | None, policy: OrderPolicy, accepted: bool = False
) -> tuple[Finding, ...]:
    """A repeated order number from the same customer, with the partner's duplicate policy.

    `accepted`: a person reviewed the repeat (`failed retry --accept-duplicate`) and let it in.
    """
    if earlier_order is None:
        return ()
    if accepted:
        text = f"same order number as {earlier_order}; let through by a person"
        return (Finding("order.duplicate_accepted", Effect.INFO, text),)
    effect = {"reject": Effect.REJECT, "hold": Effect.HOLD}.get(policy.duplicates, Effect.INFO)
    return (Finding("order.duplicate", effect, f"same order number as {earlier_order}"),)


def _rejected(  # noqa: PLR0917 - the parts of one rejection
    line: OrderLine,
    requested: date | None,
    reason: str,
    code: str,
    text: str,
    item: Item | None = None,
) -> tuple[CheckedLine, tuple[Finding, ...]]:
    checked = CheckedLine(line, item, requested_date=requested, reject_reason=reason)
    return checked, (Finding(code, Effect.REJECT, text, line.line_number),)


def _line_ids(line: OrderLine) -> str:
    ids = [
        f"{label} {value}"
        for label, value in (
            ("GTIN", line.gtin),
            ("buyer part", line.buyer_part),
            ("seller part", line.seller_part),
        )
        if value
    ]
    return " or ".join(ids) if ids else "no item identifier at all"


def _replace(checked: CheckedLine, **changes: Any) -> CheckedLine:
    return replace(checked, **changes)
