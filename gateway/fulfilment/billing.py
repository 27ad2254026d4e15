"""Invoicing what has shipped: per shipment or per period, numbered without gaps, with taxes.

The shipped lines no invoice has taken are grouped by the partner's `[invoices] mode`; each
group becomes one canonical Invoice at the confirmed prices, with freight, taxes by the
ship-to's rates and rounding rule, and the due date from the customer's payment terms. The
invoice number, the shipment lines it takes and the order lines' invoiced quantities are
written in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.config_fulfilment import Company
from gateway.config_partners import InvoicePolicy
from gateway.errors import BusinessRuleError
from gateway.fulfilment.invoicing import (
    BillableLine,
    InvoiceDraft,
    InvoiceTerms,
    build_invoice,
    check_totals,
    group_for_invoicing,
)
from gateway.fulfilment.lines import ZERO
from gateway.fulfilment.notices import seller_of
from gateway.model.codec import to_json
from gateway.model.documents import Invoice
from gateway.orders.embedded_backlog import stored_order
from gateway.store.fulfilment_store import next_number, numbered, unbilled_lines
from gateway.store.order_state import settle_order
from gateway.store.tables import OrderLineRow, OrderRow
from gateway.store.tables_fulfilment import InvoiceRow, ShipmentLineRow, ShipmentRow
from gateway.store.tables_orders import CustomerRow, ItemRow, ShipToRow, TaxRateRow


@dataclass(frozen=True)
class Billed:
    """One invoice written: its row (number, totals) and the canonical document to send."""

    row: InvoiceRow
    invoice: Invoice
    order_id: int


def bill(
    session: Session,
    now: datetime,
    actor: str,
    *,
    company: Company,
    policy_of: Callable[[str], InvoicePolicy | None],
    as_of: date,
    shipment: str | None = None,
) -> list[Billed]:
    """Invoice the shipped, uninvoiced lines whose invoicing is due on `as_of` (or those of
    one shipment, as it ships, when its partner is invoiced per shipment)."""
    pending = unbilled_lines(session, shipment)
    by_partner: dict[str, list[tuple[ShipmentLineRow, ShipmentRow]]] = {}
    for line, ship in pending:
        by_partner.setdefault(ship.partner, []).append((line, ship))
    billed: list[Billed] = []
    for partner, rows in sorted(by_partner.items()):
        policy = policy_of(partner)
        if policy is None or (shipment is not None and policy.mode != "per_shipment"):
            continue
        billables = _billables(session, rows)
        for draft in group_for_invoicing(list(billables), policy.mode, as_of):
            billed.append(_invoice(session, now, actor, company, policy, draft, as_of, billables))
    return billed


def _billables(
    session: Session, rows: Sequence[tuple[ShipmentLineRow, ShipmentRow]]
) -> dict[BillableLine, list[ShipmentLineRow]]:
    """One billable line per order line and shipment (bins merged), with its shipment lines."""
    merged: dict[tuple[int, int], list[ShipmentLineRow]] = {}
    ships: dict[int, ShipmentRow] = {}
    for line, ship in rows:
        merged.setdefault((ship.id, line.order_line_id), []).append(line)
        ships[ship.id] = ship
    billables: dict[BillableLine, list[ShipmentLineRow]] = {}
    for (ship_id, line_id), lines in merged.items():
        quantity = sum((row.picked_quantity or ZERO for row in lines), ZERO)
        if quantity <= ZERO:
            continue
        billables[_billable(session, ships[ship_id], line_id, quantity)] = lines
    return billables


def _billable(session: Session, ship: ShipmentRow, line_id: int, quantity: Decimal) -> BillableLine:
    line = session.get_one(OrderLineRow, line_id)
    order = session.get_one(OrderRow, line.order_id)
    item = session.get(ItemRow, line.sku) if line.sku else None
    price = line.confirmed_price if line.confirmed_price is not None else line.unit_price
    if price is None:
        raise BusinessRuleError(
            f"order {order.order_number} line {line.line_number} has no price to invoice"
        )
    return BillableLine(
        order_line_id=line.id,
        order_number=order.order_number,
        line_number=line.line_number,
        shipment_number=ship.number,
        ship_date=ship.ship_date or ship.updated_at.date(),
        quantity=quantity,
        unit_price=price,
        tax_category=item.tax_category if item else "S",
        sku=line.sku,
        gtin=line.gtin,
        buyer_part=line.buyer_part,
        description=(item.description if item else None) or line.description,
        uom=line.uom,
    )


def _invoice(  # noqa: PLR0917 - one invoice from its draft and context
    session: Session,
    now: datetime,
    actor: str,
    company: Company,
    policy: InvoicePolicy,
    draft: InvoiceDraft,
    as_of: date,
    billables: dict[BillableLine, list[ShipmentLineRow]],
) -> Billed:
    first = session.get_one(OrderLineRow, draft.lines[0].order_line_id)
    order_row = session.get_one(OrderRow, first.order_id)
    order = stored_order(order_row)
    customer = session.get(CustomerRow, order_row.customer_id) if order_row.customer_id else None
    terms = _terms(session, order_row, customer, policy, draft)
    number = numbered("INV", next_number(session, "invoice"))
    invoice = build_invoice(
        draft,
        terms,
        number=number,
        issue_date=as_of,
        buyer=order.buyer,
        seller=seller_of(order, company),
        bill_to=order.bill_to or order.buyer,
        ship_to=order.ship_to,
        order_date=order.order_date,
        department=order.department,
        vendor_number=order.vendor_number,
    )
    problems = check_totals(invoice)
    if problems:
        raise BusinessRuleError(f"invoice {number} does not add up: " + "; ".join(problems))
    row = _invoice_row(order_row, invoice, now, actor)
    session.add(row)
    session.flush()
    _mark_billed(session, row, draft, billables)
    settle_order(session, order_row, actor=actor, at=now, reason=f"invoiced ({number})")
    return Billed(row, invoice, order_row.id)


def _terms(
    session: Session,
    order: OrderRow,
    customer: CustomerRow | None,
    policy: InvoicePolicy,
    draft: InvoiceDraft,
) -> InvoiceTerms:
    currency = order.currency or (customer.currency if customer else None)
    if not currency:
        raise BusinessRuleError(
            f"order {order.order_number} has no currency and its customer none either; "
            "set currency in customers.csv"
        )
    categories = {line.tax_category for line in draft.lines} | {policy.freight_tax_category}
    country, region = _tax_place(session, order, customer)
    return InvoiceTerms(
        currency=currency,
        tax_rates={
            category: rate
            for category in sorted(categories)
            if (rate := _rate(session, category, country, region)) is not None
        },
        tax_rounding=policy.tax_rounding,
        tax_exempt=bool(customer and customer.tax_exempt),
        freight_per_shipment=policy.freight,
        freight_free_from=policy.freight_free_from,
        freight_tax_category=policy.freight_tax_category,
        payment_terms_days=customer.payment_terms_days if customer else None,
        payment_terms_text=customer.payment_terms_text if customer else None,
    )


def _tax_place(
    session: Session, order: OrderRow, customer: CustomerRow | None
) -> tuple[str | None, str | None]:
    """Where the goods go, for the tax rate: the ship-to in master data, the order's ship-to
    address, or the customer's own address."""
    if customer and order.ship_to_id:
        known = session.get(ShipToRow, (customer.id, order.ship_to_id))
        if known is not None and known.country:
            return known.country, known.region
    ship_to = stored_order(order).ship_to
    if ship_to is not None and ship_to.country:
        return ship_to.country, ship_to.state
    if customer is not None:
        return customer.country, customer.region
    return None, None


def _rate(
    session: Session, category: str, country: str | None, region: str | None
) -> Decimal | None:
    """The rate of a category in a country: the region's own first, then the country's."""
    if country is None:
        return None
    rows = session.scalars(
        select(TaxRateRow).where(TaxRateRow.category == category, TaxRateRow.country == country)
    ).all()
    exact = [row.rate for row in rows if region and row.region == region]
    whole = [row.rate for row in rows if row.region is None]
    found = exact or whole
    return found[0] if found else None


def _invoice_row(order: OrderRow, invoice: Invoice, now: datetime, actor: str) -> InvoiceRow:
    return InvoiceRow(
        number=invoice.invoice_number,
        order_id=order.id,
        partner=order.partner,
        customer_id=order.customer_id,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        currency=invoice.currency,
        lines_total=invoice.lines_total or ZERO,
        charges_total=invoice.allowance_charge_total or ZERO,
        net_total=invoice.net_total,
        tax_total=invoice.tax_total,
        gross_total=invoice.gross_total,
        test=order.test,
        created_at=now,
        actor=actor,
        document=to_json(invoice),
    )


def _mark_billed(
    session: Session,
    row: InvoiceRow,
    draft: InvoiceDraft,
    billables: dict[BillableLine, list[ShipmentLineRow]],
) -> None:
    """The shipment lines now belong to the invoice; the order lines count them invoiced."""
    for billable in draft.lines:
        for shipment_line in billables[billable]:
            shipment_line.invoice_id = row.id
        line = session.get_one(OrderLineRow, billable.order_line_id, with_for_update=True)
        line.invoiced_quantity += billable.quantity
