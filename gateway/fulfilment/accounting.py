"""The sales journal of issued invoices: double entries for receivables, revenue and tax."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from gateway.model.documents import AllowanceOrCharge, Invoice, TaxLine
from gateway.orders.amounts import money_text

CSV_HEADER = (
    "date",
    "invoice",
    "customer",
    "account",
    "description",
    "debit",
    "credit",
    "currency",
    "tax_rate",
)
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class JournalAccounts:
    """The ledger accounts the sales journal posts to."""

    receivable: str = "1200"
    revenue: str = "4000"
    freight: str = "4100"
    tax: str = "2200"


@dataclass(frozen=True)
class JournalEntry:
    """One posting: a debit or a credit on one account for one invoice."""

    date: date
    invoice_number: str
    customer: str
    account: str
    description: str
    debit: Decimal
    credit: Decimal
    currency: str
    tax_rate: Decimal | None = None


def journal(
    invoices: Sequence[tuple[str, Invoice]], accounts: JournalAccounts
) -> list[JournalEntry]:
    """The entries of (customer id, invoice) pairs: receivable against revenue, freight and tax."""
    entries: list[JournalEntry] = []
    for customer, invoice in invoices:
        posted = _invoice_entries(customer, invoice, accounts)
        debit = sum((entry.debit for entry in posted), Decimal(0))
        credit = sum((entry.credit for entry in posted), Decimal(0))
        if debit != credit:
            raise ValueError(
                f"invoice {invoice.invoice_number} does not balance: gross {money_text(debit)} "
                f"against {money_text(credit)} of revenue, freight and tax; its totals do not "
                "add up (see invoicing.check_totals)"
            )
        entries.extend(posted)
    return entries


def _invoice_entries(
    customer: str, invoice: Invoice, accounts: JournalAccounts
) -> list[JournalEntry]:
    def entry(account: str, description: str, debit: Decimal, credit: Decimal) -> JournalEntry:
        return JournalEntry(
            invoice.issue_date,
            invoice.invoice_number,
            customer,
            account,
            description,
            debit,
            credit,
            invoice.currency,
        )

    zero = Decimal(0)
    lines = sum((line.net_amount for line in invoice.lines), zero)
    lines_total = lines if invoice.lines_total is None else invoice.lines_total
    charges = _sum_of(invoice, AllowanceOrCharge.CHARGE)
    allowances = _sum_of(invoice, AllowanceOrCharge.ALLOWANCE)
    number = invoice.invoice_number
    entries = [
        entry(accounts.receivable, f"invoice {number}", invoice.gross_total, zero),
        entry(accounts.revenue, f"goods of invoice {number}", zero, lines_total - allowances),
    ]
    if charges:
        entries.append(entry(accounts.freight, f"freight of invoice {number}", zero, charges))
    entries.extend(_tax_entry(customer, invoice, tax, accounts) for tax in invoice.taxes)
    return entries


def _tax_entry(
    customer: str, invoice: Invoice, tax: TaxLine, accounts: JournalAccounts
) -> JournalEntry:
    # UNCL 5305 tax category with its rate: one entry per rate keeps the tax return readable.
    description = f"tax {tax.category} {money_text(tax.rate)} % of invoice {invoice.invoice_number}"
    return JournalEntry(
        invoice.issue_date,
        invoice.invoice_number,
        customer,
        accounts.tax,
        description,
        Decimal(0),
        tax.amount,
        invoice.currency,
        tax.rate,
    )


def _sum_of(invoice: Invoice, indicator: AllowanceOrCharge) -> Decimal:
    amounts = (a.amount for a in invoice.allowances_charges if a.indicator == indicator)
    return sum(amounts, Decimal(0))


def journal_csv(entries: Sequence[JournalEntry]) -> str:
    """The journal as CSV text, with a TOTAL row per currency after the entries."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for entry in entries:
        rate = "" if entry.tax_rate is None else money_text(entry.tax_rate)
        writer.writerow(
            (
                entry.date.isoformat(),
                entry.invoice_number,
                entry.customer,
                entry.account,
                entry.description,
                _amount(entry.debit),
                _amount(entry.credit),
                entry.currency,
                rate,
            )
        )
    for currency, (debit, credit) in _totals(entries).items():
        writer.writerow(("TOTAL", "", "", "", "", _amount(debit), _amount(credit), currency, ""))
    return out.getvalue()


def is_balanced(entries: Iterable[JournalEntry]) -> bool:
    """Whether debits equal credits in every currency."""
    return all(debit == credit for debit, credit in _totals(entries).values())


def _totals(entries: Iterable[JournalEntry]) -> dict[str, tuple[Decimal, Decimal]]:
    """(debit, credit) sums per currency, in currency code order."""
    totals: dict[str, tuple[Decimal, Decimal]] = {}
    for entry in entries:
        debit, credit = totals.get(entry.currency, (Decimal(0), Decimal(0)))
        totals[entry.currency] = (debit + entry.debit, credit + entry.credit)
    return dict(sorted(totals.items()))


def _amount(value: Decimal) -> str:
    return format(value.quantize(_CENT, ROUND_HALF_UP), "f")
