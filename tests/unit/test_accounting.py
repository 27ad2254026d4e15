"""The sales journal on worked examples: entries per invoice, balance per currency, CSV text."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from gateway.fulfilment.accounting import (
    JournalAccounts,
    JournalEntry,
    is_balanced,
    journal,
    journal_csv,
)
from gateway.fulfilment.invoicing import (
    BillableLine,
    InvoiceDraft,
    InvoiceTerms,
    build_invoice,
    check_totals,
)
from gateway.model.documents import (
    AllowanceCharge,
    AllowanceOrCharge,
    Invoice,
    InvoiceLine,
    TaxLine,
)

D = Decimal
ISSUED = date(2026, 11, 30)
ACCOUNTS = JournalAccounts()


def line(number: str, quantity: str, price: str, category: str) -> BillableLine:
    return BillableLine(
        int(number), "PO-1", number, "SH-1", date(2026, 11, 27), D(quantity), D(price), category
    )


def invoice(
    *lines: BillableLine, currency: str = "EUR", freight: str = "0", number: str = "INV-1"
) -> Invoice:
    terms = InvoiceTerms(
        currency, {"S": D("19.00"), "AA": D("7.00")}, freight_per_shipment=D(freight)
    )
    draft = InvoiceDraft("PO-1", ("SH-1",), lines)
    return build_invoice(draft, terms, number=number, issue_date=ISSUED)


def entry(
    account: str, description: str, debit: str, credit: str, rate: str | None = None
) -> JournalEntry:
    return JournalEntry(
        ISSUED,
        "INV-1",
        "SHOP",
        account,
        description,
        D(debit),
        D(credit),
        "EUR",
        None if rate is None else D(rate),
    )


def test_invoice_with_two_rates_and_freight_posts_balanced_entries() -> None:
    # given 25.00 of goods at 19 % (4.75), 14.97 at 7 % (1.05) and 5.95 freight at 19 % (1.13):
    # taxes AA 1.05 and S 4.75 + 1.13 = 5.88, net 45.92, gross 52.85
    sold = invoice(line("1", "10", "2.50", "S"), line("2", "3", "4.99", "AA"), freight="5.95")
    assert check_totals(sold) == []
    # when journalised
    entries = journal([("SHOP", sold)], ACCOUNTS)
    # then receivable 52.85 is debited against goods, freight and each tax rate
    assert entries == [
        entry("1200", "invoice INV-1", "52.85", "0"),
        entry("4000", "goods of invoice INV-1", "0", "39.97"),
        entry("4100", "freight of invoice INV-1", "0", "5.95"),
        entry("2200", "tax AA 7.00 % of invoice INV-1", "0", "1.05", "7.00"),
        entry("2200", "tax S 19.00 % of invoice INV-1", "0", "5.88", "19.00"),
    ]
    assert sum(e.debit for e in entries) == sum(e.credit for e in entries) == D("52.85")
    assert is_balanced(entries)


def test_allowance_is_taken_off_revenue() -> None:
    # given 100.00 of goods less a 10.00 discount (UNCL 7161 DI), taxed 19 % on 90.00 = 17.10
    discount = AllowanceCharge(
        AllowanceOrCharge.ALLOWANCE, D("10.00"), "DI", TaxLine("S", D(19), D("10.00"), D("1.90"))
    )
    sold = Invoice(
        invoice_number="INV-1",
        order_number="PO-1",
        issue_date=ISSUED,
        currency="EUR",
        lines=(InvoiceLine("1", D(1), D(100), D("100.00")),),
        taxes=(TaxLine("S", D(19), D("90.00"), D("17.10")),),
        net_total=D("90.00"),
        tax_total=D("17.10"),
        gross_total=D("107.10"),
        allowances_charges=(discount,),
        lines_total=D("100.00"),
        allowance_charge_total=D("-10.00"),
    )
    # when journalised, then revenue is 100.00 - 10.00 and no freight entry is made
    entries = journal([("SHOP", sold)], ACCOUNTS)
    assert [(e.account, e.debit, e.credit) for e in entries] == [
        ("1200", D("107.10"), D(0)),
        ("4000", D(0), D("90.00")),
        ("2200", D(0), D("17.10")),
    ]


def test_invoice_whose_totals_do_not_add_up_is_not_journalised() -> None:
    # given an invoice whose gross total is one cent off
    sold = invoice(line("1", "1", "10", "S"))
    broken = dataclasses.replace(sold, gross_total=D("11.91"))
    # when journalised, then it is refused naming the invoice and both sides
    with pytest.raises(
        ValueError, match=r"invoice INV-1 does not balance: gross 11\.91 against 11\.90"
    ):
        journal([("SHOP", broken)], ACCOUNTS)


def test_accounts_are_configurable() -> None:
    sold = invoice(line("1", "1", "10", "S"))
    accounts = JournalAccounts(receivable="10000", revenue="80000", freight="80100", tax="17760")
    assert [e.account for e in journal([("SHOP", sold)], accounts)] == ["10000", "80000", "17760"]


def test_two_currencies_are_totalled_separately() -> None:
    # given a EUR invoice of 10.00 + 1.90 and a USD invoice of 20.00 + 3.80
    eur = invoice(line("1", "1", "10", "S"))
    usd = invoice(line("1", "2", "10", "S"), currency="USD", number="INV-2")
    entries = journal([("SHOP", eur), ("DINER", usd)], ACCOUNTS)
    # when written as CSV, then each currency has its own TOTAL row, in currency order
    rows = journal_csv(entries).splitlines()
    assert rows[-2:] == ["TOTAL,,,,,11.90,11.90,EUR,", "TOTAL,,,,,23.80,23.80,USD,"]
    assert is_balanced(entries)
    # and a journal that balances only across currencies is not balanced
    lopsided = [entries[0], dataclasses.replace(entries[1], currency="USD", credit=D("11.90"))]
    assert sum(e.debit for e in lopsided) == sum(e.credit for e in lopsided)
    assert not is_balanced(lopsided)


def test_journal_csv_text_is_exact_for_a_small_example() -> None:
    # given one invoice of 10.00 at 19 % (1.90) to customer SHOP
    entries = journal([("SHOP", invoice(line("1", "1", "10", "S")))], ACCOUNTS)
    # when written as CSV, then amounts have 2 decimals and the rate is on the tax entry only
    assert journal_csv(entries) == (
        "date,invoice,customer,account,description,debit,credit,currency,tax_rate\n"
        "2026-11-30,INV-1,SHOP,1200,invoice INV-1,11.90,0.00,EUR,\n"
        "2026-11-30,INV-1,SHOP,4000,goods of invoice INV-1,0.00,10.00,EUR,\n"
        "2026-11-30,INV-1,SHOP,2200,tax S 19.00 % of invoice INV-1,0.00,1.90,EUR,19.00\n"
        "TOTAL,,,,,11.90,11.90,EUR,\n"
    )


def test_empty_journal_is_a_header_and_balanced() -> None:
    assert journal_csv([]) == (
        "date,invoice,customer,account,description,debit,credit,currency,tax_rate\n"
    )
    assert is_balanced([])
