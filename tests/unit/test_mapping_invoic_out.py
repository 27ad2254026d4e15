"""INVOIC out: an invoice renders as EANCOM D96A/D01B with its totals exactly as carried."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from gateway.formats.segments import Segment
from gateway.mapping import MappingSet
from gateway.model import (
    AllowanceCharge,
    AllowanceOrCharge,
    Invoice,
    InvoiceLine,
    Party,
    TaxLine,
)
from tests.unit.edifact_out import (
    AWKWARD_NAME,
    MAPPINGS,
    as_pydifact,
    expected,
    pydifact_segments,
    render,
    reread,
    structure_errors,
)

CENT = Decimal("0.01")
STANDARD = ("S", Decimal("19"))  # UNCL 5305 S standard rate
REDUCED = ("AA", Decimal("7"))  # UNCL 5305 AA lower rate


@pytest.fixture(scope="module")
def mappings() -> MappingSet:
    return MappingSet.load(MAPPINGS)


def tax(category: str, rate: Decimal, taxable: Decimal) -> TaxLine:
    """Tax on an amount, rounded to the cent."""
    return TaxLine(category, rate, taxable, (taxable * rate / 100).quantize(CENT))


def invoice_line(
    number: str, quantity: str, price: str, vat: tuple[str, Decimal], **more: str
) -> InvoiceLine:
    """A line whose net amount is quantity x net price."""
    net = (Decimal(quantity) * Decimal(price)).quantize(CENT)
    return InvoiceLine(
        line_number=number,
        quantity=Decimal(quantity),
        unit_price=Decimal(price),
        net_amount=net,
        tax=tax(*vat, net),
        **more,
    )


def extra(
    indicator: AllowanceOrCharge, amount: str, reason: str, vat: tuple[str, Decimal]
) -> AllowanceCharge:
    """An allowance (DI discount) or charge (FC freight) under one VAT rate."""
    value = Decimal(amount)
    taxed = -value if indicator is AllowanceOrCharge.ALLOWANCE else value
    return AllowanceCharge(indicator, value, reason, tax(*vat, taxed))


def signed(item: AllowanceCharge) -> Decimal:
    return -item.amount if item.indicator is AllowanceOrCharge.ALLOWANCE else item.amount


def consistent_invoice(
    lines: Sequence[InvoiceLine], allowances_charges: Sequence[AllowanceCharge] = ()
) -> Invoice:
    """An invoice whose totals add up: per rate, taxable = lines + charges - allowances."""
    taxable: dict[tuple[str, Decimal], Decimal] = {}
    for item in lines:
        if item.tax is not None:
            key = (item.tax.category, item.tax.rate)
            taxable[key] = taxable.get(key, Decimal(0)) + item.net_amount
    for extra in allowances_charges:
        if extra.tax is not None:
            key = (extra.tax.category, extra.tax.rate)
            taxable[key] = taxable.get(key, Decimal(0)) + signed(extra)
    taxes = tuple(tax(category, rate, amount) for (category, rate), amount in taxable.items())
    lines_total = sum((item.net_amount for item in lines), Decimal(0))
    extras_total = sum((signed(extra) for extra in allowances_charges), Decimal(0))
    net_total = lines_total + extras_total
    tax_total = sum((t.amount for t in taxes), Decimal(0))
    return Invoice(
        invoice_number="INV-2024-301",
        order_number="PO-4711",
        order_date=date(2024, 2, 28),
        issue_date=date(2024, 3, 5),
        delivery_date=date(2024, 3, 6),
        ship_notice_number="DES-2024-88",
        currency="EUR",
        due_date=date(2024, 4, 4),
        payment_terms_days=30,
        payment_terms_text="30 days net",
        buyer=Party(id="5790000000001", id_scheme="GLN", tax_id="DK12345678"),
        seller=Party(id="5412345000013", id_scheme="GLN", name=AWKWARD_NAME, tax_id="BE0123456789"),
        bill_to=Party(id="5790000000025", id_scheme="GLN"),
        ship_to=Party(id="5790000000018", id_scheme="GLN"),
        lines=tuple(lines),
        allowances_charges=tuple(allowances_charges),
        taxes=taxes,
        lines_total=lines_total,
        allowance_charge_total=extras_total,
        net_total=net_total,
        tax_total=tax_total,
        gross_total=net_total + tax_total,
    )


def two_rates() -> Invoice:
    """Three lines at 19 % and 7 %, a discount and a freight charge at 19 %."""
    coffee = replace(
        invoice_line("3", "12", "3.10", REDUCED, gtin="4006381333955", uom="KGM"),
        description="Ground coffee",
    )
    return consistent_invoice(
        [
            invoice_line("1", "24", "2.35", STANDARD, gtin="4006381333931"),
            invoice_line("2", "6", "10.00", STANDARD, gtin="4006381333948", buyer_part="B-2"),
            coffee,
        ],
        [
            extra(AllowanceOrCharge.ALLOWANCE, "5.00", "DI", STANDARD),
            extra(AllowanceOrCharge.CHARGE, "12.00", "FC", STANDARD),
        ],
    )


def test_consistent_invoice_adds_up() -> None:
    # given the test invoice / when its totals are compared / then net + tax = gross
    invoice = two_rates()
    assert invoice.net_total + invoice.tax_total == invoice.gross_total
    assert sum(t.taxable_amount for t in invoice.taxes) == invoice.net_total
    assert (invoice.net_total, invoice.tax_total, invoice.gross_total) == (
        Decimal("160.60"),
        Decimal("26.05"),
        Decimal("186.65"),
    )


@pytest.mark.parametrize("version", ["D96A", "D01B"])
def test_two_rate_invoice_renders_the_expected_interchange(
    mappings: MappingSet, version: str
) -> None:
    # given an invoice at two VAT rates with an allowance and a charge
    # when it is rendered as a whole interchange
    data = render(two_rates(), mappings, "INVOIC", version)
    # then it is byte for byte the reviewed file
    assert data == expected(f"invoic_{version.lower()}_two_rates.edi")


@pytest.mark.parametrize(("version", "association"), [("D96A", "EAN008"), ("D01B", "EAN011")])
def test_rendered_invoic_is_read_back_by_our_reader_and_pydifact(
    mappings: MappingSet, version: str, association: str
) -> None:
    # given the rendered interchange
    data = render(two_rates(), mappings, "INVOIC", version)
    # when both readers parse it
    (message,) = reread(data).messages
    theirs = pydifact_segments(data)
    # then they agree, and the summary amounts add up as carried: 125 + 176 = 86
    assert (message.version, message.association) == (version, association)
    assert theirs == as_pydifact(message)
    tags = [tag for tag, _ in theirs]
    totals = theirs[tags.index("CNT") + 1 : tags.index("TAX", tags.index("UNS"))]
    amounts = {e[0][0]: Decimal(e[0][1]) for _, e in totals}
    assert amounts["125"] + amounts["176"] == amounts["86"]
    assert ("FTX", ["AAB", "", "", "30 days net"]) in theirs


@pytest.mark.parametrize("version", ["D96A", "D01B"])
def test_rendered_invoic_follows_the_directory_structure(
    mappings: MappingSet, version: str
) -> None:
    # given the rendered interchange
    (message,) = reread(render(two_rates(), mappings, "INVOIC", version)).messages
    # when it is validated against the message structure / then nothing is wrong
    assert [str(i) for i in structure_errors(message)] == []


def test_payment_terms_write_days_after_invoice_date_and_due_date(mappings: MappingSet) -> None:
    # given 30 days net terms
    mapping = mappings.outbound("invoice", "EDIFACT", "INVOIC", "D96A")
    # when rendered
    segments = mapping.apply(two_rates())
    # then PAT C112 says 5 (invoice date) 3 (after) D (days) 30, and DTM 13 the due date
    assert Segment("PAT", (("1",), ("",), ("5", "3", "D", "30"))) in segments
    assert Segment("DTM", (("13", "20240404", "102"),)) in segments


def test_invoice_without_terms_allowances_or_tax_writes_none_of_them(
    mappings: MappingSet,
) -> None:
    # given a bare invoice: one untaxed line, no terms, no allowances, no optional totals
    line = InvoiceLine("1", Decimal("1"), Decimal("9.99"), Decimal("9.99"))
    bare = Invoice(
        invoice_number="I1", order_number="PO1", issue_date=date(2024, 1, 2), currency="EUR",
        lines=(line,), taxes=(), net_total=Decimal("9.99"), tax_total=Decimal("0"),
        gross_total=Decimal("9.99"),
    )  # fmt: skip
    mapping = mappings.outbound("invoice", "EDIFACT", "INVOIC", "D96A")
    # when rendered
    tags = [s.tag for s in mapping.apply(bare)]
    # then no PAT, ALC or TAX, and only the totals the invoice carries
    assert tags == [
        "BGM", "DTM", "RFF", "CUX", "LIN", "QTY", "MOA", "PRI", "UNS", "CNT", "MOA", "MOA", "MOA",
    ]  # fmt: skip


@pytest.mark.parametrize(("version", "category"), [("D96A", "S"), ("D01B", "AA")])
def test_lower_rate_category_is_written_as_the_directory_knows_it(
    mappings: MappingSet, version: str, category: str
) -> None:
    # given the 7 % line of the invoice (canonical category AA, lower rate)
    mapping = mappings.outbound("invoice", "EDIFACT", "INVOIC", version)
    # when rendered
    taxes = [s for s in mapping.apply(two_rates()) if s.tag == "TAX"]
    # then D96A, whose 5305 lacks AA, writes S at rate 7; D01B writes AA
    reduced = [t for t in taxes if t.value(5, 4) == "7"]
    assert [t.value(6) for t in reduced] == [category, category]
