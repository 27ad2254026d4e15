"""What `gateway invoices list|show|export` print: tables for people, JSON for scripts.

Amounts print with at least two decimals; in JSON they are strings, dates ISO 8601. The
invoice shown is the canonical document exactly as it was sent: totals are read, never summed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from gateway.model.codec import to_json
from gateway.model.documents import AllowanceCharge, Invoice, InvoiceLine, Party, TaxLine
from gateway.orders.amounts import money_text, quantity_text
from gateway.output import _table
from gateway.output_fulfilment import ack_text, message_text, print_json
from gateway.output_orders import NONE, _short, _text, shipment_refs_table
from gateway.store.fulfilment_records import InvoiceDetail, InvoiceSummary

DESCRIPTION_WIDTH = 30

# -- invoices list ----------------------------------------------------------------------------

LIST_HEADERS = (
    "INVOICE",
    "ISSUED",
    "DUE",
    "PARTNER",
    "CUSTOMER",
    "ORDER",
    "ORDER NUMBER",
    "CURRENCY",
    "NET",
    "TAX",
    "GROSS",
    "MESSAGE",
    "ACK",
)


def render_invoices(summaries: Sequence[InvoiceSummary]) -> str:
    """The invoice list as a table, or "no invoices"."""
    if not summaries:
        return "no invoices"
    return _table(LIST_HEADERS, [_summary_row(s) for s in summaries])


def _summary_row(s: InvoiceSummary) -> list[str]:
    number = f"{s.number} (test)" if s.test else s.number
    return [
        number,
        _text(s.issue_date),
        _text(s.due_date),
        s.partner,
        _text(s.customer_id),
        str(s.order_id),
        s.order_number,
        s.currency,
        money_text(s.net_total),
        money_text(s.tax_total),
        money_text(s.gross_total),
        message_text(s.message),
        ack_text(s.message),
    ]


def invoices_json(summaries: Sequence[InvoiceSummary]) -> list[dict[str, Any]]:
    """The invoice list as JSON objects."""
    return [to_json(s) for s in summaries]


def print_invoices(summaries: Sequence[InvoiceSummary], as_json: bool) -> None:
    """The invoice list for a person, or JSON for a script."""
    if as_json:
        print_json(invoices_json(summaries))
    else:
        print(render_invoices(summaries))


# -- invoices show ----------------------------------------------------------------------------


def render_invoice_detail(detail: InvoiceDetail) -> str:
    """One invoice: header, parties, lines, allowances/charges, taxes, totals, references."""
    s, invoice = detail.summary, detail.invoice
    title = f"invoice {s.number} for order {s.order_id} ({s.order_number})"
    parts = [title + (" (test)" if s.test else ""), _header(s, invoice)]
    parts.append(_parties(invoice))
    parts.append("lines:\n" + _lines_table(invoice.lines) if invoice.lines else "lines: none")
    parts.append(
        "allowances and charges:\n" + _charges_table(invoice.allowances_charges)
        if invoice.allowances_charges
        else "allowances and charges: none"
    )
    parts.append("taxes:\n" + _taxes_table(invoice.taxes) if invoice.taxes else "taxes: none")
    parts.append("totals:\n" + _totals(invoice))
    parts.append(
        "shipments:\n" + shipment_refs_table(detail.shipments)
        if detail.shipments
        else "shipments: none"
    )
    return "\n\n".join(parts)


def _header(s: InvoiceSummary, invoice: Invoice) -> str:
    fields = (
        ("ISSUED", invoice.issue_date),
        ("DUE", invoice.due_date),
        ("TERMS", _terms(invoice)),
        ("CURRENCY", invoice.currency),
        ("PARTNER", s.partner),
        ("CUSTOMER", s.customer_id),
        ("ORDER", f"{invoice.order_number} of {_text(invoice.order_date)}"),
        ("SHIP NOTICE", invoice.ship_notice_number),
        ("SHIPPED", invoice.ship_date),
        ("DELIVERED", invoice.delivery_date),
        ("DEPARTMENT", invoice.department),
        ("VENDOR", invoice.vendor_number),
        ("MESSAGE", message_text(s.message)),
        ("ACK", ack_text(s.message)),
    )
    return "\n".join(f"{label:<12} {_text(value)}" for label, value in fields)


def _terms(invoice: Invoice) -> str | None:
    days = invoice.payment_terms_days
    parts = [f"{days} days" if days is not None else None, invoice.payment_terms_text]
    return ", ".join(p for p in parts if p) or None


PARTY_ROLES = (
    ("buyer", "BUYER"),
    ("seller", "SELLER"),
    ("bill_to", "BILL TO"),
    ("ship_to", "SHIP TO"),
)


def _parties(invoice: Invoice) -> str:
    rows = [
        [label, *_party_cells(party)]
        for role, label in PARTY_ROLES
        if (party := getattr(invoice, role)) is not None
    ]
    if not rows:
        return "parties: none"
    return "parties:\n" + _table(("ROLE", "ID", "NAME", "ADDRESS", "VAT"), rows)


def _party_cells(party: Party) -> list[str]:
    ident = " ".join(p for p in (party.id, f"({party.id_scheme})" if party.id_scheme else "") if p)
    town = " ".join(p for p in (party.postal_code, party.city) if p)
    address = ", ".join(p for p in (party.street, town, party.state, party.country) if p)
    return [ident or NONE, _text(party.name), address or NONE, _text(party.tax_id)]


def tax_text(tax: TaxLine | None) -> str:
    """A tax category (UNCL 5305) with its rate ("S 19.00 %"), or "-"."""
    return NONE if tax is None else f"{tax.category} {money_text(tax.rate)} %"


def _lines_table(lines: Sequence[InvoiceLine]) -> str:
    rows = [
        [
            line.line_number,
            _text(line.gtin),
            _text(line.seller_part or line.buyer_part),
            _short(line.description, DESCRIPTION_WIDTH),
            f"{quantity_text(line.quantity)} {line.uom or ''}".rstrip(),
            money_text(line.unit_price),
            money_text(line.net_amount),
            tax_text(line.tax),
        ]
        for line in lines
    ]
    headers = ("LINE", "GTIN", "PART", "DESCRIPTION", "QUANTITY", "PRICE", "NET", "TAX")
    return _table(headers, rows)


def _charges_table(charges: Sequence[AllowanceCharge]) -> str:
    # UNCL 7161 reason codes (FC freight, DI discount) are shown as sent.
    rows = [
        [c.indicator.value, _text(c.reason), money_text(c.amount), tax_text(c.tax)] for c in charges
    ]
    return _table(("TYPE", "REASON", "AMOUNT", "TAX"), rows)


def _taxes_table(taxes: Sequence[TaxLine]) -> str:
    rows = [
        [t.category, f"{money_text(t.rate)} %", money_text(t.taxable_amount), money_text(t.amount)]
        for t in taxes
    ]
    return _table(("CATEGORY", "RATE", "TAXABLE", "TAX"), rows)


def _totals(invoice: Invoice) -> str:
    fields = (
        ("LINES", invoice.lines_total),
        ("CHARGES", invoice.allowance_charge_total),
        ("NET", invoice.net_total),
        ("TAX", invoice.tax_total),
        ("GROSS", invoice.gross_total),
    )
    return "\n".join(
        f"{label:<12} {NONE if value is None else money_text(value)} {invoice.currency}"
        for label, value in fields
    )


def invoice_detail_json(detail: InvoiceDetail) -> dict[str, Any]:
    """{"invoice": {...summary}, "document": {...canonical Invoice}, "shipments": [...]}."""
    return {
        "invoice": to_json(detail.summary),
        "document": to_json(detail.invoice),
        "shipments": to_json(detail.shipments),
    }


def print_invoice_detail(detail: InvoiceDetail, as_json: bool) -> None:
    """One invoice for a person, or JSON for a script."""
    if as_json:
        print_json(invoice_detail_json(detail))
    else:
        print(render_invoice_detail(detail))


# -- invoices export --------------------------------------------------------------------------


def export_summary(invoices: Sequence[Invoice], issued_from: date, issued_to: date) -> str:
    """One sentence for stderr: how many invoices were exported and their totals per currency."""
    totals: dict[str, tuple[Decimal, Decimal, Decimal]] = {}
    for invoice in invoices:
        net, tax, gross = totals.get(invoice.currency, (Decimal(0), Decimal(0), Decimal(0)))
        totals[invoice.currency] = (
            net + invoice.net_total,
            tax + invoice.tax_total,
            gross + invoice.gross_total,
        )
    count = f"{len(invoices)} invoice{'' if len(invoices) == 1 else 's'}"
    period = f"issued {issued_from.isoformat()} to {issued_to.isoformat()}"
    if not totals:
        return f"exported {count} {period}"
    amounts = "; ".join(
        f"{currency} net {money_text(net)}, tax {money_text(tax)}, gross {money_text(gross)}"
        for currency, (net, tax, gross) in sorted(totals.items())
    )
    return f"exported {count} {period}: {amounts}"
