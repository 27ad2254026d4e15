"""`gateway shipments list|show` and `gateway invoices list|show|export`: grammar and handlers."""

from __future__ import annotations

import argparse
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from gateway.cli_fulfilment_read import add_invoice_commands, add_shipment_commands
from gateway.commands import Context
from gateway.commands_fulfilment_read import HANDLERS
from gateway.config import load_settings
from gateway.model.codec import to_json
from gateway.store import Store
from gateway.store.tables import OrderRow
from gateway.store.tables_fulfilment import InvoiceRow
from gateway.workspace import init_workspace
from tests.integration.test_fulfilment_queries import add_invoice, document, seed


def parser() -> argparse.ArgumentParser:
    """The gateway grammar as far as these commands go."""
    root = argparse.ArgumentParser(prog="gateway")
    sub = root.add_subparsers(dest="command", required=True)
    add_shipment_commands(sub)
    add_invoice_commands(sub)
    return root


def run(workspace: Path, *argv: str) -> int:
    """Parse `argv` and run its handler on the workspace."""
    args = parser().parse_args(argv)
    handler = HANDLERS[(args.command, getattr(args, "action", None))]
    return handler(Context(workspace, {}, args))


def open_store(workspace: Path) -> Store:
    """The workspace's own store."""
    return Store.open(load_settings(workspace, {}).database_url)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A workspace holding the shipments and invoices of the query tests."""
    folder = tmp_path / "ws"
    init_workspace(folder)
    store = open_store(folder)
    try:
        seed(store)
    finally:
        store.close()
    return folder


def test_invoices_export_writes_the_periods_journal_and_says_what_it_holds(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given invoices issued in March (one a test invoice) and one in April
    target = tmp_path / "march.csv"
    # when March is exported to a file
    period = ("--from", "2024-03-01", "--to", "2024-03-31")
    code = run(workspace, "invoices", "export", *period, "--output", str(target))
    # then the journal of the two real March invoices is in the file, balanced per currency
    assert code == 0
    rows = target.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "date,invoice,customer,account,description,debit,credit,currency,tax_rate"
    assert {row.split(",")[1] for row in rows[1:] if not row.startswith("TOTAL")} == {
        "INV-1",
        "INV-2",
    }
    assert rows[-2:] == ["TOTAL,,,,,110.08,110.08,EUR,", "TOTAL,,,,,104.13,104.13,USD,"]
    # and stderr says how many invoices and their totals per currency; stdout stays empty
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip() == (
        "gateway: exported 2 invoices issued 2024-03-01 to 2024-03-31: "
        "EUR net 92.50, tax 17.58, gross 110.08; USD net 87.50, tax 16.63, gross 104.13"
    )


def test_invoices_export_without_output_prints_the_csv(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given the seeded invoices; when the last day of March is exported without --output
    code = run(workspace, "invoices", "export", "--from", "2024-03-31", "--to", "2024-03-31")
    # then the CSV of that day's one invoice goes to stdout
    out, err = capsys.readouterr()
    assert code == 0
    assert out.splitlines()[-1] == "TOTAL,,,,,104.13,104.13,USD,"
    assert "exported 1 invoice issued" in err


def test_invoices_export_refuses_an_invoice_whose_totals_do_not_add_up(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a May invoice whose gross is a cent more than net and tax
    store = open_store(workspace)
    try:
        with store.unit_of_work() as uow:
            order = uow.session.scalars(
                select(OrderRow).where(OrderRow.order_number == "PO-1")
            ).one()
            invoice = document("INV-5", "PO-1", date(2024, 5, 2))
            row: InvoiceRow = add_invoice(uow.session, invoice, order)
            off = to_json(invoice)
            off["gross_total"] = str(invoice.gross_total + Decimal("0.01"))
            row.document = off
    finally:
        store.close()
    target = tmp_path / "may.csv"
    # when May is exported
    period = ("--from", "2024-05-01", "--to", "2024-05-31")
    code = run(workspace, "invoices", "export", *period, "--output", str(target))
    # then nothing is written and the refusal names the invoice
    assert code == 1
    assert not target.exists()
    err = capsys.readouterr().err
    assert err.startswith("gateway: nothing exported: invoice INV-5 does not balance")


def test_invoices_export_refuses_a_period_that_ends_before_it_starts(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a period given back to front; when exported, then it is a usage error
    code = run(workspace, "invoices", "export", "--from", "2024-03-31", "--to", "2024-03-01")
    assert code == 2
    assert "--from 2024-03-31 is after --to 2024-03-01" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ("invoices", "export", "--from", "1.3.2024", "--to", "2024-03-31"),
        ("invoices", "list", "--to", "2024-02-30"),
        ("invoices", "export", "--from", "2024-03-01"),
        ("shipments", "list", "--status", "lost"),
        ("shipments", "list", "--limit", "0"),
    ],
)
def test_bad_arguments_are_refused_by_the_grammar(
    argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    # given a date not written YYYY-MM-DD, a missing --to, an unknown stage or a zero limit
    # when parsed, then argparse refuses it with exit 2
    with pytest.raises(SystemExit) as refused:
        parser().parse_args(argv)
    assert refused.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_a_date_not_written_yyyy_mm_dd_is_explained(capsys: pytest.CaptureFixture[str]) -> None:
    # given a date written the European way; when parsed, then the error says the expected form
    with pytest.raises(SystemExit):
        parser().parse_args(["invoices", "list", "--from", "1.3.2024"])
    assert "expected a date as YYYY-MM-DD, got '1.3.2024'" in capsys.readouterr().err


def test_shipments_list_and_show_print_json(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given the seeded shipments
    # when GLOBEX's are listed as JSON
    assert run(workspace, "shipments", "list", "--partner", "GLOBEX", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    # then both of its shipments, newest first
    assert [s["number"] for s in listed] == ["SH-4", "SH-3"]
    # and when one is shown as JSON, its cartons and notice are there
    assert run(workspace, "shipments", "show", "SH-1", "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert (len(shown["cartons"]), shown["notice"]["message_type"]) == (2, "DESADV")


def test_shipments_show_of_an_unknown_number_fails_with_a_sentence(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given no shipment SH-9; when it is shown, then exit 1 and a pointer to the list
    assert run(workspace, "shipments", "show", "SH-9") == 1
    assert capsys.readouterr().err.strip() == (
        "gateway: no shipment 'SH-9'; `gateway shipments list` shows the shipments"
    )


def test_invoices_list_and_show_for_people(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given the seeded invoices
    # when ACME's of March are listed for a person
    period = ("--from", "2024-03-01", "--to", "2024-03-31")
    code = run(workspace, "invoices", "list", "--customer", "C-100", *period)
    # then the table has the two March invoices of C-100, newest first
    assert code == 0
    rows = capsys.readouterr().out.splitlines()
    assert [row.split()[0] for row in rows[1:]] == ["INV-3", "INV-1"]
    # and one shown has its totals and the shipment it bills
    assert run(workspace, "invoices", "show", "INV-1") == 0
    text = capsys.readouterr().out
    assert "GROSS        110.08 EUR" in text.splitlines()
    assert "SH-1      delivered  2024-03-04  DHL      TRK-1" in text
    # and an unknown invoice fails with a sentence
    assert run(workspace, "invoices", "show", "INV-404") == 1
    assert "no invoice 'INV-404'" in capsys.readouterr().err
