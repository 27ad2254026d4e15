"""Invoices for shipped lines: grouping by shipment or period, prices, freight, taxes, totals."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from gateway.errors import BusinessRuleError, Issue
from gateway.model.documents import (
    AllowanceCharge,
    AllowanceOrCharge,
    Invoice,
    InvoiceLine,
    Party,
    TaxLine,
)
from gateway.orders.amounts import money_text

MODES = ("per_shipment", "daily", "weekly", "monthly")
TAX_ROUNDINGS = ("line", "total")
# UNCL 5305 tax category E: exempt from tax.
EXEMPT = "E"
# UNCL 7161 special service code FC: freight charge.
FREIGHT = "FC"
_DIGITS = re.compile(r"[0-9]+")
_CHARGES = "charges minus allowances are"
_NET = "lines_total plus allowance_charge_total is"
_GROSS = "net_total plus tax_total is"


@dataclass(frozen=True)
class BillableLine:
    """A shipped quantity not yet invoiced."""

    order_line_id: int
    order_number: str
    line_number: str
    shipment_number: str
    ship_date: date
    quantity: Decimal  # in the ordered unit
    unit_price: Decimal  # confirmed price per ordered unit
    tax_category: str  # UNCL 5305 (S, AA, Z, E)
    sku: str | None = None
    gtin: str | None = None
    buyer_part: str | None = None
    description: str | None = None
    uom: str | None = None


@dataclass(frozen=True)
class InvoiceTerms:
    """How a customer is invoiced: currency, tax rates and rounding, freight, payment terms."""

    currency: str
    tax_rates: Mapping[str, Decimal] = field(hash=False)  # category -> percent (19.00)
    tax_rounding: str = "line"  # "line": round each line's tax; "total": round per rate total
    tax_exempt: bool = False  # customer exempt: every line category E, rate 0
    freight_per_shipment: Decimal = Decimal(0)
    freight_free_from: Decimal | None = None  # no freight when the goods total reaches this
    freight_tax_category: str = "S"
    payment_terms_days: int | None = None
    payment_terms_text: str | None = None
    decimals: int = 2  # currency minor units (ISO 4217)

    def __post_init__(self) -> None:
        if self.tax_rounding not in TAX_ROUNDINGS:
            raise ValueError(
                f"tax rounding must be one of {', '.join(TAX_ROUNDINGS)}, got {self.tax_rounding!r}"
            )
        if not 0 <= self.decimals <= 4:
            raise ValueError(f"a currency has 0 to 4 minor unit decimals, got {self.decimals}")


@dataclass(frozen=True)
class InvoiceDraft:
    """The lines one invoice will bill: one order, one or more shipments."""

    order_number: str
    shipment_numbers: tuple[str, ...]
    lines: tuple[BillableLine, ...]


def group_for_invoicing(
    lines: Sequence[BillableLine], mode: str, as_of: date
) -> list[InvoiceDraft]:
    """Drafts per shipment, or per order and completed day, ISO week or month before as_of's."""
    if mode == "per_shipment":
        groups = _group(lines, lambda line: (line.order_number, line.shipment_number))
    elif mode in MODES:
        open_from = _period_start(mode, as_of)
        closed = [line for line in lines if line.ship_date < open_from]
        groups = _group(
            closed, lambda line: (line.order_number, _period_start(mode, line.ship_date))
        )
    else:
        raise ValueError(f"invoicing mode must be one of {', '.join(MODES)}, got {mode!r}")
    drafts = [_draft(group) for group in groups]
    return sorted(drafts, key=lambda d: (d.order_number, d.lines[0].ship_date, d.shipment_numbers))


def _period_start(mode: str, day: date) -> date:
    """The first day of the invoicing period a day lies in."""
    if mode == "daily":
        return day
    if mode == "weekly":
        # ISO 8601 weeks run Monday (weekday 0) to Sunday.
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _group(
    lines: Iterable[BillableLine], key: Callable[[BillableLine], Hashable]
) -> list[list[BillableLine]]:
    groups: dict[Hashable, list[BillableLine]] = {}
    for line in lines:
        groups.setdefault(key(line), []).append(line)
    return list(groups.values())


def _draft(lines: Sequence[BillableLine]) -> InvoiceDraft:
    ordered = tuple(sorted(lines, key=_billing_order))
    shipments = tuple(dict.fromkeys(line.shipment_number for line in ordered))
    return InvoiceDraft(ordered[0].order_number, shipments, ordered)


def _billing_order(line: BillableLine) -> tuple[date, str, bool, int, str]:
    """Ship date, shipment, then line number (numbers in numeric order: 2 before 10)."""
    numeric = bool(_DIGITS.fullmatch(line.line_number))
    number = int(line.line_number) if numeric else 0
    return (line.ship_date, line.shipment_number, not numeric, number, line.line_number)


def build_invoice(
    draft: InvoiceDraft,
    terms: InvoiceTerms,
    *,
    number: str,
    issue_date: date,
    buyer: Party | None = None,
    seller: Party | None = None,
    bill_to: Party | None = None,
    ship_to: Party | None = None,
    order_date: date | None = None,
    department: str | None = None,
    vendor_number: str | None = None,
) -> Invoice:
    """The invoice of a draft at the confirmed prices, with freight, taxes and carried totals."""
    if not draft.lines:
        raise ValueError(f"the invoice draft for order {draft.order_number} has no lines")
    quantum = Decimal(1).scaleb(-terms.decimals)
    lines = _invoice_lines(draft, terms, quantum)
    lines_total = sum((line.net_amount for line in lines), Decimal(0))
    charges = _freight(draft, terms, lines_total, quantum)
    charge_total = sum((charge.amount for charge in charges), Decimal(0))
    taxed = [line.tax for line in lines] + [charge.tax for charge in charges]
    taxes = _tax_totals([tax for tax in taxed if tax is not None], terms.tax_rounding, quantum)
    tax_total = sum((tax.amount for tax in taxes), Decimal(0))
    latest = max(line.ship_date for line in draft.lines)
    return Invoice(
        invoice_number=number,
        order_number=draft.order_number,
        issue_date=issue_date,
        currency=terms.currency,
        lines=lines,
        taxes=taxes,
        net_total=lines_total + charge_total,
        tax_total=tax_total,
        gross_total=lines_total + charge_total + tax_total,
        due_date=_due_date(issue_date, terms),
        ship_notice_number=draft.shipment_numbers[0] if len(draft.shipment_numbers) == 1 else None,
        buyer=buyer,
        seller=seller,
        bill_to=bill_to,
        order_date=order_date,
        delivery_date=latest,
        ship_to=ship_to,
        payment_terms_days=terms.payment_terms_days,
        payment_terms_text=terms.payment_terms_text,
        allowances_charges=charges,
        lines_total=lines_total,
        allowance_charge_total=charge_total,
        ship_date=latest,
        department=department,
        vendor_number=vendor_number,
    )


def _due_date(issue_date: date, terms: InvoiceTerms) -> date | None:
    if terms.payment_terms_days is None:
        return None
    return issue_date + timedelta(days=terms.payment_terms_days)


def _invoice_lines(
    draft: InvoiceDraft, terms: InvoiceTerms, quantum: Decimal
) -> tuple[InvoiceLine, ...]:
    """Each billable line at its confirmed price, with its own tax; unknown categories refused."""
    issues: list[Issue] = []
    lines: list[InvoiceLine] = []
    for billable in draft.lines:
        what = (
            f"order {billable.order_number} line {billable.line_number} "
            f"(shipment {billable.shipment_number})"
        )
        category_rate = _category_rate(billable.tax_category, terms, what, issues)
        if category_rate is None:
            continue
        net = (billable.quantity * billable.unit_price).quantize(quantum, ROUND_HALF_UP)
        lines.append(_invoice_line(billable, net, _tax(net, *category_rate, quantum)))
    if issues:
        raise BusinessRuleError("; ".join(issue.message for issue in issues), issues)
    return tuple(lines)


def _invoice_line(billable: BillableLine, net: Decimal, tax: TaxLine) -> InvoiceLine:
    return InvoiceLine(
        line_number=billable.line_number,
        quantity=billable.quantity,
        unit_price=billable.unit_price,
        net_amount=net,
        gtin=billable.gtin,
        buyer_part=billable.buyer_part,
        seller_part=billable.sku,
        description=billable.description,
        uom=billable.uom,
        tax=tax,
    )


def _category_rate(
    category: str, terms: InvoiceTerms, what: str, issues: list[Issue]
) -> tuple[str, Decimal] | None:
    """The (UNCL 5305 category, percent) a line is taxed at; None after noting an issue."""
    if terms.tax_exempt:
        return EXEMPT, Decimal(0)
    rate = terms.tax_rates.get(category)
    if rate is None:
        known = ", ".join(sorted(terms.tax_rates)) or "none"
        message = (
            f"{what} has tax category {category}, which has no rate for this ship-to "
            f"(known categories: {known}); add the rate to tax_rates.csv or fix the item"
        )
        issues.append(Issue("invoice.tax_category", message))
        return None
    return category, rate


def _tax(taxable: Decimal, category: str, rate: Decimal, quantum: Decimal) -> TaxLine:
    amount = (taxable * rate / Decimal(100)).quantize(quantum, ROUND_HALF_UP)
    return TaxLine(category, rate, taxable, amount)


def _freight(
    draft: InvoiceDraft, terms: InvoiceTerms, goods_total: Decimal, quantum: Decimal
) -> tuple[AllowanceCharge, ...]:
    """One freight charge per shipment, unless the goods total reaches the free-freight level."""
    free = terms.freight_free_from is not None and goods_total >= terms.freight_free_from
    if terms.freight_per_shipment <= 0 or free:
        return ()
    issues: list[Issue] = []
    category_rate = _category_rate(terms.freight_tax_category, terms, "the freight", issues)
    if category_rate is None:
        raise BusinessRuleError(issues[0].message, issues)
    amount = terms.freight_per_shipment.quantize(quantum, ROUND_HALF_UP)
    charge = AllowanceCharge(
        AllowanceOrCharge.CHARGE, amount, FREIGHT, _tax(amount, *category_rate, quantum)
    )
    return tuple(charge for _ in draft.shipment_numbers)


def _tax_totals(taxes: Sequence[TaxLine], rounding: str, quantum: Decimal) -> tuple[TaxLine, ...]:
    """One TaxLine per (category, rate): the sum of rounded line taxes, or the rounded total."""
    groups: dict[tuple[str, Decimal], list[TaxLine]] = {}
    for tax in taxes:
        groups.setdefault((tax.category, tax.rate), []).append(tax)
    totals: list[TaxLine] = []
    for (category, rate), group in sorted(groups.items()):
        taxable = sum((tax.taxable_amount for tax in group), Decimal(0))
        if rounding == "line":
            amount = sum((tax.amount for tax in group), Decimal(0))
            totals.append(TaxLine(category, rate, taxable, amount))
        else:
            totals.append(_tax(taxable, category, rate, quantum))
    return tuple(totals)


def check_totals(invoice: Invoice) -> list[str]:
    """What in an invoice's carried totals does not add up; empty when everything does."""
    line_sum = sum((line.net_amount for line in invoice.lines), Decimal(0))
    charges = _sum_of(invoice, AllowanceOrCharge.CHARGE)
    allowances = _sum_of(invoice, AllowanceOrCharge.ALLOWANCE)
    lines_total = line_sum if invoice.lines_total is None else invoice.lines_total
    act = charges - allowances
    act_total = act if invoice.allowance_charge_total is None else invoice.allowance_charge_total
    checks = [
        ("lines_total", invoice.lines_total, line_sum, "the line net amounts add up to"),
        ("allowance_charge_total", invoice.allowance_charge_total, act, _CHARGES),
        ("net_total", invoice.net_total, lines_total + act_total, _NET),
        ("tax_total", invoice.tax_total, _tax_sum(invoice), "the tax amounts add up to"),
        ("gross_total", invoice.gross_total, invoice.net_total + invoice.tax_total, _GROSS),
    ]
    if invoice.taxes:
        taxable = sum((tax.taxable_amount for tax in invoice.taxes), Decimal(0))
        checks.append(("net_total", invoice.net_total, taxable, "the taxable amounts add up to"))
    return [
        f"{name} is {money_text(carried)} but {what} {money_text(expected)}"
        for name, carried, expected, what in checks
        if carried is not None and carried != expected
    ]


def _sum_of(invoice: Invoice, indicator: AllowanceOrCharge) -> Decimal:
    amounts = (a.amount for a in invoice.allowances_charges if a.indicator == indicator)
    return sum(amounts, Decimal(0))


def _tax_sum(invoice: Invoice) -> Decimal:
    return sum((tax.amount for tax in invoice.taxes), Decimal(0))
