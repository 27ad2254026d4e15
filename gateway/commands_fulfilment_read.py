"""What `gateway shipments list|show` and `gateway invoices list|show|export` do."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

from gateway import output_fulfilment, output_fulfilment_invoices
from gateway.commands import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    CommandFailed,
    Context,
    _gateway,
    guarded,
)
from gateway.config import Settings
from gateway.fulfilment.accounting import (
    JournalAccounts,
    JournalEntry,
    is_balanced,
    journal,
    journal_csv,
)
from gateway.orders.amounts import money_text
from gateway.store.fulfilment_queries import (
    invoice_detail,
    invoices_for_journal,
    list_invoices,
    list_shipments,
    shipment_detail,
)
from gateway.transport.local import write_whole


@guarded
def cmd_shipments_list(ctx: Context) -> int:
    """List shipments, newest first, with cartons, carrier and invoices."""
    a = ctx.args
    with _gateway(ctx) as gateway, gateway.store.read() as session:
        summaries = list_shipments(
            session, status=a.status, order_id=a.order, partner=a.partner, limit=a.limit
        )
    output_fulfilment.print_shipments(summaries, as_json=a.json)
    return EXIT_OK


@guarded
def cmd_shipments_show(ctx: Context) -> int:
    """Show one shipment: lines, cartons, carrier, delivery, ship notice and invoices."""
    with _gateway(ctx) as gateway, gateway.store.read() as session:
        detail = shipment_detail(session, ctx.args.number)
    if detail is None:
        raise CommandFailed(
            f"no shipment {ctx.args.number!r}; `gateway shipments list` shows the shipments",
            EXIT_FAILED,
        )
    output_fulfilment.print_shipment_detail(detail, as_json=ctx.args.json)
    return EXIT_OK


@guarded
def cmd_invoices_list(ctx: Context) -> int:
    """List invoices, newest first, with totals and the state of their message."""
    a = ctx.args
    with _gateway(ctx) as gateway, gateway.store.read() as session:
        summaries = list_invoices(
            session,
            partner=a.partner,
            customer=a.customer,
            issued_from=a.issued_from,
            issued_to=a.issued_to,
            limit=a.limit,
        )
    output_fulfilment_invoices.print_invoices(summaries, as_json=a.json)
    return EXIT_OK


@guarded
def cmd_invoices_show(ctx: Context) -> int:
    """Show one invoice as it was sent, with its shipments and message."""
    with _gateway(ctx) as gateway, gateway.store.read() as session:
        detail = invoice_detail(session, ctx.args.number)
    if detail is None:
        raise CommandFailed(
            f"no invoice {ctx.args.number!r}; `gateway invoices list` shows the invoices",
            EXIT_FAILED,
        )
    output_fulfilment_invoices.print_invoice_detail(detail, as_json=ctx.args.json)
    return EXIT_OK


@guarded
def cmd_invoices_export(ctx: Context) -> int:
    """Write the sales journal of the invoices issued in the period; refuse one that is off."""
    a = ctx.args
    if a.issued_from > a.issued_to:
        raise CommandFailed(
            f"--from {a.issued_from} is after --to {a.issued_to}; give the first day of the "
            "period, then the last",
            EXIT_USAGE,
        )
    with _gateway(ctx) as gateway:
        accounts = journal_accounts(gateway.settings)
        with gateway.store.read() as session:
            invoices = invoices_for_journal(session, a.issued_from, a.issued_to)
    try:
        entries = journal(invoices, accounts)
    except ValueError as exc:
        raise CommandFailed(f"nothing exported: {exc}", EXIT_FAILED) from exc
    if not is_balanced(entries):
        raise CommandFailed(
            f"nothing exported: the journal of the invoices issued {a.issued_from} to "
            f"{a.issued_to} does not balance ({unbalanced(entries)}); check them with "
            "`gateway invoices show`",
            EXIT_FAILED,
        )
    write_journal(journal_csv(entries), a.output)
    documents = [invoice for _customer, invoice in invoices]
    summary = output_fulfilment_invoices.export_summary(documents, a.issued_from, a.issued_to)
    print(f"gateway: {summary}", file=sys.stderr)
    return EXIT_OK


def journal_accounts(settings: Settings) -> JournalAccounts:
    """The ledger accounts of the [accounting] section, as the journal takes them."""
    accounts = settings.accounts
    return JournalAccounts(
        receivable=accounts.receivable,
        revenue=accounts.revenue,
        freight=accounts.freight,
        tax=accounts.tax,
    )


def unbalanced(entries: Sequence[JournalEntry]) -> str:
    """The currencies whose debits and credits differ, as text ("" when all balance)."""
    sums: dict[str, tuple[Decimal, Decimal]] = {}
    for entry in entries:
        debit, credit = sums.get(entry.currency, (Decimal(0), Decimal(0)))
        sums[entry.currency] = (debit + entry.debit, credit + entry.credit)
    return "; ".join(
        f"{currency}: debit {money_text(debit)}, credit {money_text(credit)}"
        for currency, (debit, credit) in sorted(sums.items())
        if debit != credit
    )


def write_journal(text: str, output: str | None) -> None:
    """The CSV to stdout, or to a file written whole (a partial journal never appears)."""
    if output is None:
        sys.stdout.write(text)
        return
    path = Path(output)
    try:
        write_whole(path, text.encode("utf-8"))
    except OSError as exc:
        raise CommandFailed(f"cannot write {path}: {exc.strerror}", EXIT_FAILED) from exc


HANDLERS: dict[tuple[str, str | None], Callable[[Context], int]] = {
    ("shipments", "list"): cmd_shipments_list,
    ("shipments", "show"): cmd_shipments_show,
    ("invoices", "list"): cmd_invoices_list,
    ("invoices", "show"): cmd_invoices_show,
    ("invoices", "export"): cmd_invoices_export,
}
