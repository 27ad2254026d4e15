"""Invoices on worked examples: tax rounding, rates, freight, exemption, grouping and totals."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from gateway.errors import BusinessRuleError
from gateway.fulfilment.invoicing import (
    BillableLine,
    InvoiceDraft,
    InvoiceTerms,
    build_invoice,
    check_totals,
    group_for_invoicing,
)
from gateway.model.documents import AllowanceCharge, AllowanceOrCharge, Invoice, Party, TaxLine

D = Decimal
RATES = {"S": D("19.00"), "AA": D("7.00"), "Z": D(0)}
TERMS = InvoiceTerms(currency="EUR", tax_rates=RATES)
SHIPPED = date(2026, 11, 2)  # a Monday
ISSUED = date(2026, 11, 30)


def billable(
    line_number: str = "1",
    quantity: str = "1",
    price: str = "0.35",
    category: str = "S",
    *,
    order: str = "PO-1",
    shipment: str = "SH-1",
    shipped: date = SHIPPED,
) -> BillableLine:
    return BillableLine(
        order_line_id=int(line_number) if line_number.isdigit() else 0,
        order_number=order,
        line_number=line_number,
        shipment_number=shipment,
        ship_date=shipped,
        quantity=D(quantity),
        unit_price=D(price),
        tax_category=category,
        sku=f"SKU-{line_number}",
    )


def draft(*lines: BillableLine) -> InvoiceDraft:
    shipments = tuple(dict.fromkeys(line.shipment_number for line in lines))
    return InvoiceDraft(lines[0].order_number, shipments, lines)


def invoice_of(terms: InvoiceTerms, *lines: BillableLine) -> Invoice:
    return build_invoice(draft(*lines), terms, number="INV-1", issue_date=ISSUED)


def test_tax_rounded_per_line_sums_the_rounded_line_taxes() -> None:
    # given three lines of net 0.35 at 19 %: each 0.0665 of tax, rounded to 0.07
    lines = [billable(str(n)) for n in (1, 2, 3)]
    # when invoiced with per-line rounding
    invoice = invoice_of(TERMS, *lines)
    # then the rate total is 0.07 x 3 = 0.21 and the invoice 1.05 + 0.21 = 1.26
    assert invoice.taxes == (TaxLine("S", D("19.00"), D("1.05"), D("0.21")),)
    assert (invoice.net_total, invoice.tax_total, invoice.gross_total) == (
        D("1.05"),
        D("0.21"),
        D("1.26"),
    )
    assert [line.tax for line in invoice.lines] == [
        TaxLine("S", D("19.00"), D("0.35"), D("0.07"))
    ] * 3
    assert check_totals(invoice) == []


def test_tax_rounded_per_rate_total_rounds_the_sum_once() -> None:
    # given the same three lines and per-rate-total rounding
    lines = [billable(str(n)) for n in (1, 2, 3)]
    terms = dataclasses.replace(TERMS, tax_rounding="total")
    # when invoiced
    invoice = invoice_of(terms, *lines)
    # then the rate total is 1.05 x 19 % = 0.1995 -> 0.20, one cent less than per line
    assert invoice.taxes == (TaxLine("S", D("19.00"), D("1.05"), D("0.20")),)
    assert (invoice.tax_total, invoice.gross_total) == (D("0.20"), D("1.25"))
    # and each line still shows its own rounded tax, for information
    assert [line.tax.amount for line in invoice.lines if line.tax] == [D("0.07")] * 3
    assert check_totals(invoice) == []


def test_two_rates_on_one_invoice_make_one_tax_line_each() -> None:
    # given 10 x 2.50 = 25.00 at S 19 % (4.75) and 3 x 4.99 = 14.97 at AA 7 % (1.0479 -> 1.05)
    invoice = invoice_of(TERMS, billable("1", "10", "2.50", "S"), billable("2", "3", "4.99", "AA"))
    # then one TaxLine per rate, ordered by category, and totals 39.97 + 5.80 = 45.77
    assert invoice.taxes == (
        TaxLine("AA", D("7.00"), D("14.97"), D("1.05")),
        TaxLine("S", D("19.00"), D("25.00"), D("4.75")),
    )
    assert invoice.lines_total == D("39.97")
    assert (invoice.net_total, invoice.tax_total, invoice.gross_total) == (
        D("39.97"),
        D("5.80"),
        D("45.77"),
    )


def test_line_net_is_rounded_half_up_to_the_currency_decimals() -> None:
    # given 3 x 0.335 = 1.005, which half-even rounding would make 1.00
    invoice = invoice_of(TERMS, billable("1", "3", "0.335", "Z"))
    # then the net is 1.01
    assert invoice.lines[0].net_amount == D("1.01")


def test_freight_is_charged_per_shipment_and_taxed() -> None:
    # given 25.00 of goods at 19 % and 5.95 freight per shipment, taxed S
    terms = dataclasses.replace(TERMS, freight_per_shipment=D("5.95"))
    # when invoiced
    invoice = invoice_of(terms, billable("1", "10", "2.50"))
    # then one FC charge with its own tax (5.95 x 19 % = 1.1305 -> 1.13) joins the S total:
    # taxable 25.00 + 5.95 = 30.95, tax 4.75 + 1.13 = 5.88, gross 36.83
    assert invoice.allowances_charges == (
        AllowanceCharge(
            AllowanceOrCharge.CHARGE,
            D("5.95"),
            "FC",
            TaxLine("S", D("19.00"), D("5.95"), D("1.13")),
        ),
    )
    assert invoice.allowance_charge_total == D("5.95")
    assert invoice.taxes == (TaxLine("S", D("19.00"), D("30.95"), D("5.88")),)
    assert (invoice.net_total, invoice.gross_total) == (D("30.95"), D("36.83"))
    assert check_totals(invoice) == []


@pytest.mark.parametrize(("price", "charges"), [("2.50", 0), ("2.499", 1)])
def test_freight_is_free_once_the_goods_total_reaches_the_threshold(
    price: str, charges: int
) -> None:
    # given freight free from 25.00 and goods of 10 x 2.50 = 25.00 or 10 x 2.499 = 24.99
    terms = dataclasses.replace(TERMS, freight_per_shipment=D(5), freight_free_from=D(25))
    # when invoiced, then freight is charged only below the threshold
    invoice = invoice_of(terms, billable("1", "10", price))
    assert len(invoice.allowances_charges) == charges
    assert invoice.net_total == D("25.00" if charges == 0 else "29.99")


def test_exempt_customer_pays_no_tax_on_goods_or_freight() -> None:
    # given an exempt customer (no rates needed) with 25.00 of S goods and 5.00 freight
    terms = InvoiceTerms("EUR", {}, tax_exempt=True, freight_per_shipment=D(5))
    # when invoiced
    invoice = invoice_of(terms, billable("1", "10", "2.50", "S"))
    # then everything is category E at 0 %, and gross equals net
    assert invoice.taxes == (TaxLine("E", D(0), D("30.00"), D("0.00")),)
    assert invoice.lines[0].tax == TaxLine("E", D(0), D("25.00"), D("0.00"))
    assert invoice.gross_total == invoice.net_total == D("30.00")


def test_unknown_tax_category_is_refused_naming_line_and_known_categories() -> None:
    # given a line of category K, for which the ship-to has no rate
    line = billable("2", category="K", shipment="SH-7")
    # when invoiced, then the error names order, line, shipment, category and the known ones
    with pytest.raises(BusinessRuleError) as raised:
        invoice_of(TERMS, billable("1"), line)
    assert str(raised.value).startswith(
        "order PO-1 line 2 (shipment SH-7) has tax category K, which has no rate for this "
        "ship-to (known categories: AA, S, Z)"
    )


def test_unknown_freight_tax_category_is_refused() -> None:
    terms = dataclasses.replace(TERMS, freight_per_shipment=D(5), freight_tax_category="X")
    with pytest.raises(BusinessRuleError, match="the freight has tax category X"):
        invoice_of(terms, billable("1"))


def test_due_date_follows_the_payment_terms() -> None:
    # given 30 days net, when invoiced on 30 November, then due on 30 December
    terms = dataclasses.replace(TERMS, payment_terms_days=30, payment_terms_text="30 days net")
    invoice = invoice_of(terms, billable("1"))
    assert invoice.due_date == date(2026, 12, 30)
    assert (invoice.payment_terms_days, invoice.payment_terms_text) == (30, "30 days net")
    # and without terms there is no due date
    assert invoice_of(TERMS, billable("1")).due_date is None


def test_invoice_carries_parties_and_references_given() -> None:
    buyer = Party(id="5790000000001", name="Corner Shop")
    invoice = build_invoice(
        draft(billable("1")),
        TERMS,
        number="INV-9",
        issue_date=ISSUED,
        buyer=buyer,
        order_date=date(2026, 10, 30),
        department="D1",
        vendor_number="V7",
    )
    assert (invoice.invoice_number, invoice.order_number, invoice.currency) == (
        "INV-9",
        "PO-1",
        "EUR",
    )
    assert (invoice.buyer, invoice.order_date) == (buyer, date(2026, 10, 30))
    assert (invoice.department, invoice.vendor_number) == ("D1", "V7")
    assert (invoice.ship_notice_number, invoice.ship_date, invoice.delivery_date) == (
        "SH-1",
        SHIPPED,
        SHIPPED,
    )
    assert invoice.lines[0].seller_part == "SKU-1"


def test_weekly_invoice_consolidates_shipments_of_completed_weeks_only() -> None:
    # given order PO-1 shipped Monday 2 Nov (SH-1, lines 1 and 10), Thursday 5 Nov (SH-2,
    # the rest of line 1) and Monday 9 Nov (SH-3), and PO-2 shipped Tuesday 3 Nov
    lines = [
        billable("10", shipment="SH-1"),
        billable("1", "2", shipment="SH-2", shipped=date(2026, 11, 5)),
        billable("1", shipment="SH-1"),
        billable("2", shipment="SH-3", shipped=date(2026, 11, 9)),
        billable("1", order="PO-2", shipment="SH-4", shipped=date(2026, 11, 3)),
    ]
    # when the weekly run looks on Wednesday 11 Nov (the week of 9 Nov is still open)
    drafts = group_for_invoicing(lines, "weekly", date(2026, 11, 11))
    # then PO-1 gets one draft for SH-1 and SH-2, a line per shipped line in ship order;
    # SH-3 waits for its week to end; PO-2 gets its own draft
    assert [(d.order_number, d.shipment_numbers) for d in drafts] == [
        ("PO-1", ("SH-1", "SH-2")),
        ("PO-2", ("SH-4",)),
    ]
    assert [(line.shipment_number, line.line_number) for line in drafts[0].lines] == [
        ("SH-1", "1"),
        ("SH-1", "10"),
        ("SH-2", "1"),
    ]
    # and its invoice refers to no single ship notice, is dated by the last shipment, and
    # bears one freight charge per shipment
    terms = dataclasses.replace(TERMS, freight_per_shipment=D(5))
    invoice = build_invoice(drafts[0], terms, number="INV-2", issue_date=date(2026, 11, 11))
    assert invoice.ship_notice_number is None
    assert invoice.delivery_date == invoice.ship_date == date(2026, 11, 5)
    assert [charge.amount for charge in invoice.allowances_charges] == [D("5.00"), D("5.00")]
    assert [line.line_number for line in invoice.lines] == ["1", "10", "1"]
    assert check_totals(invoice) == []


@pytest.mark.parametrize(
    ("mode", "as_of", "invoiced", "waiting"),
    [
        # ISO weeks end on Sunday: on Monday 9 Nov, Sunday 8 Nov is in a completed week
        ("weekly", date(2026, 11, 9), date(2026, 11, 8), date(2026, 11, 9)),
        ("monthly", date(2026, 12, 1), date(2026, 11, 30), date(2026, 12, 1)),
        ("daily", date(2026, 11, 10), date(2026, 11, 9), date(2026, 11, 10)),
    ],
)
def test_period_ends_at_the_start_of_as_of_period(
    mode: str, as_of: date, invoiced: date, waiting: date
) -> None:
    # given one shipment on the last day of the previous period and one on the first of the next
    lines = [
        billable("1", shipment="SH-A", shipped=invoiced),
        billable("2", shipment="SH-B", shipped=waiting),
    ]
    # when grouped as of the first day of the open period
    drafts = group_for_invoicing(lines, mode, as_of)
    # then only the completed period is invoiced
    assert [d.shipment_numbers for d in drafts] == [("SH-A",)]


def test_consolidation_keeps_each_completed_period_on_its_own_invoice() -> None:
    # given shipments in October and in November of one order, looked at on 1 December
    lines = [
        billable("1", shipment="SH-N", shipped=date(2026, 11, 3)),
        billable("1", shipment="SH-O", shipped=date(2026, 10, 20)),
    ]
    # when grouped monthly, then each month is a draft, the older first
    drafts = group_for_invoicing(lines, "monthly", date(2026, 12, 1))
    assert [d.shipment_numbers for d in drafts] == [("SH-O",), ("SH-N",)]


def test_per_shipment_mode_makes_one_draft_per_shipment_in_order() -> None:
    # given two shipments of PO-2 and one of PO-1, all in the current period
    lines = [
        billable("1", order="PO-2", shipment="SH-9", shipped=date(2026, 11, 4)),
        billable("1", order="PO-2", shipment="SH-3", shipped=date(2026, 11, 2)),
        billable("2", order="PO-1", shipment="SH-5", shipped=date(2026, 11, 3)),
        billable("1", order="PO-1", shipment="SH-5", shipped=date(2026, 11, 3)),
    ]
    # when grouped per shipment (nothing waits for a period)
    drafts = group_for_invoicing(lines, "per_shipment", date(2026, 11, 4))
    # then drafts follow order number, then ship date, each with its lines in number order
    assert [(d.order_number, d.shipment_numbers) for d in drafts] == [
        ("PO-1", ("SH-5",)),
        ("PO-2", ("SH-3",)),
        ("PO-2", ("SH-9",)),
    ]
    assert [line.line_number for line in drafts[0].lines] == ["1", "2"]


def test_unknown_invoicing_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="per_shipment, daily, weekly, monthly"):
        group_for_invoicing([billable("1")], "yearly", ISSUED)


def test_unknown_tax_rounding_is_refused() -> None:
    with pytest.raises(ValueError, match="tax rounding must be one of line, total"):
        InvoiceTerms("EUR", RATES, tax_rounding="banker")


def test_check_totals_says_what_does_not_add_up() -> None:
    # given a correct invoice of 25.00 + 4.75 = 29.75, then broken in two places
    invoice = invoice_of(TERMS, billable("1", "10", "2.50"))
    assert check_totals(invoice) == []
    broken = dataclasses.replace(invoice, tax_total=D("4.57"), gross_total=D("30.00"))
    # when checked, then each broken total is named with what it should be
    assert check_totals(broken) == [
        "tax_total is 4.57 but the tax amounts add up to 4.75",
        "gross_total is 30.00 but net_total plus tax_total is 29.57",
    ]


def test_check_totals_catches_lines_and_taxable_amounts_that_disagree() -> None:
    invoice = invoice_of(TERMS, billable("1", "10", "2.50"))
    line = dataclasses.replace(invoice.lines[0], net_amount=D("24.00"))
    broken = dataclasses.replace(invoice, lines=(line,))
    assert check_totals(broken) == ["lines_total is 25.00 but the line net amounts add up to 24.00"]
    untaxed = dataclasses.replace(invoice, taxes=(TaxLine("S", D(19), D(20), D("4.75")),))
    assert check_totals(untaxed) == ["net_total is 25.00 but the taxable amounts add up to 20.00"]
