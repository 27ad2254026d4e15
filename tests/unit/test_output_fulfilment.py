"""Printing shipments and invoices: tables compared to expected files, JSON as strings and ISO."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from gateway.commands import CommandFailed
from gateway.commands_fulfilment_read import unbalanced, write_journal
from gateway.fulfilment.accounting import JournalEntry
from gateway.model.documents import (
    AllowanceCharge,
    AllowanceOrCharge,
    Invoice,
    InvoiceLine,
    Party,
    TaxLine,
)
from gateway.output_fulfilment import (
    render_shipment_detail,
    render_shipments,
    shipment_detail_json,
    shipments_json,
)
from gateway.output_fulfilment_invoices import (
    export_summary,
    invoice_detail_json,
    invoices_json,
    render_invoice_detail,
    render_invoices,
)
from gateway.store.fulfilment_records import (
    CartonContent,
    CartonDetail,
    InvoiceDetail,
    InvoiceRef,
    InvoiceSummary,
    MessageState,
    ShipmentDetail,
    ShipmentLineDetail,
    ShipmentRef,
    ShipmentSummary,
)

D = Decimal
EXPECTED = Path(__file__).resolve().parent / "expected" / "fulfilment"
AT = datetime(2024, 3, 4, 9, 30, tzinfo=UTC)
NOTICE = MessageState(12, "DESADV", "sent", "done", "accepted")
S19 = TaxLine("S", D("19.00"), D("0.00"), D("0.00"))
AA7 = TaxLine("AA", D("7.00"), D("0.00"), D("0.00"))


def expected(name: str) -> str:
    """The expected text kept beside the tests (without its final newline)."""
    return (EXPECTED / name).read_text(encoding="utf-8").removesuffix("\n")


def shipment(number: str, **columns: object) -> ShipmentSummary:
    """A shipment of order 7 (PO-4711), delivered in two cartons and invoiced."""
    values: dict[str, object] = {
        "number": number,
        "order_id": 7,
        "order_number": "PO-4711",
        "partner": "ACME",
        "warehouse": "WH1",
        "status": "delivered",
        "test": False,
        "cartons": 2,
        "quantity": D("12.0000"),
        "carrier": "DHL",
        "tracking_number": "00340434161234567890",
        "ship_date": date(2024, 3, 4),
        "delivered_on": date(2024, 3, 6),
        "invoices": ("INV-000001",),
        "created_at": AT,
    }
    values.update(columns)
    return ShipmentSummary(**values)  # type: ignore[arg-type]


def shipment_detail() -> ShipmentDetail:
    """SH-000001: one line from two bins, one line in cases, two cartons, its ship notice."""
    return ShipmentDetail(
        summary=shipment("SH-000001"),
        pick_list="PL-000001",
        service="EXPRESS",
        weight_kg=D("12.5000"),
        received_by="J. Doe",
        delivery_note="left at\nthe gate",
        updated_at=datetime(2024, 3, 6, 15, 0, 5, tzinfo=UTC),
        lines=(
            ShipmentLineDetail("1", "SKU-1", "A-01", "PCE", D("6.0000"), D("6.0000")),
            ShipmentLineDetail("1", "SKU-1", "A-02", "PCE", D("4.0000"), D("4.0000")),
            ShipmentLineDetail("2", "SKU-2", "B-01", "CS", D("3.0000"), D("2.0000")),
        ),
        cartons=(
            CartonDetail(
                1,
                "054123450000000013",
                D("7.0000"),
                (CartonContent("1", "SKU-1", D("6.0000")), CartonContent("2", "SKU-2", D("1"))),
            ),
            CartonDetail(
                2,
                "054123450000000020",
                None,
                (CartonContent("1", "SKU-1", D("4")), CartonContent("2", "SKU-2", D("1"))),
            ),
        ),
        notice=NOTICE,
        invoices=(InvoiceRef("INV-000001", date(2024, 3, 5), "EUR", D("110.08")),),
    )


def invoice_summary(number: str, **columns: object) -> InvoiceSummary:
    """An invoice of order 7 in EUR, sent and waiting for the partner's acknowledgement."""
    values: dict[str, object] = {
        "number": number,
        "issue_date": date(2024, 3, 5),
        "due_date": date(2024, 4, 4),
        "partner": "ACME",
        "customer_id": "C-100",
        "order_id": 7,
        "order_number": "PO-4711",
        "currency": "EUR",
        "net_total": D("97.50"),
        "tax_total": D("11.03"),
        "gross_total": D("108.53"),
        "test": False,
        "message": MessageState(14, "INVOIC", "sent", "done", "pending"),
    }
    values.update(columns)
    return InvoiceSummary(**values)  # type: ignore[arg-type]


def invoice_document() -> Invoice:
    """Two rates, a freight charge and a discount: lines 87.50 + 15.00 - 5.00 = 97.50 net."""
    return Invoice(
        invoice_number="INV-000001",
        order_number="PO-4711",
        issue_date=date(2024, 3, 5),
        currency="EUR",
        lines=(
            InvoiceLine(
                "1",
                D("10"),
                D("2.50"),
                D("25.00"),
                gtin="04012345678901",
                seller_part="SKU-1",
                description="Blue widget, boxed, with a description longer than the column",
                uom="PCE",
                tax=S19,
            ),
            InvoiceLine("2", D("2"), D("31.25"), D("62.50"), buyer_part="B-2", uom="CS", tax=AA7),
        ),
        taxes=(
            TaxLine("AA", D("7.00"), D("62.50"), D("4.38")),
            TaxLine("S", D("19.00"), D("35.00"), D("6.65")),
        ),
        net_total=D("97.50"),
        tax_total=D("11.03"),
        gross_total=D("108.53"),
        due_date=date(2024, 4, 4),
        ship_notice_number="SH-000001",
        buyer=Party(id="4012345000009", id_scheme="GLN", name="Buyer GmbH", city="Köln"),
        seller=Party(
            id="5412345000013",
            id_scheme="GLN",
            name="Example Supplies NV",
            street="Main street 1",
            postal_code="2000",
            city="Antwerpen",
            country="BE",
            tax_id="BE0123456789",
        ),
        order_date=date(2024, 2, 29),
        payment_terms_days=30,
        payment_terms_text="net 30 days",
        allowances_charges=(
            AllowanceCharge(AllowanceOrCharge.CHARGE, D("15.00"), "FC", S19),
            AllowanceCharge(AllowanceOrCharge.ALLOWANCE, D("5.00"), "DI", S19),
        ),
        lines_total=D("87.50"),
        allowance_charge_total=D("10.00"),
        ship_date=date(2024, 3, 4),
    )


def invoice_detail() -> InvoiceDetail:
    """INV-000001 with its document and the shipment it bills."""
    return InvoiceDetail(
        summary=invoice_summary("INV-000001"),
        invoice=invoice_document(),
        shipments=(
            ShipmentRef("SH-000001", "delivered", date(2024, 3, 4), "DHL", "0034043416", 12),
        ),
    )


def test_shipment_list_table_has_one_row_per_shipment_and_marks_test_ones() -> None:
    # given a delivered shipment and a released test shipment without carrier or invoice
    released = shipment(
        "SH-000002",
        status="released",
        test=True,
        cartons=0,
        quantity=D("3.5000"),
        carrier=None,
        tracking_number=None,
        ship_date=None,
        delivered_on=None,
        invoices=(),
    )
    # when rendered, then it is exactly the expected table
    assert render_shipments([released, shipment("SH-000001")]) == expected("shipments_list.txt")
    assert render_shipments([]) == "no shipments"


def test_shipment_detail_table_shows_header_lines_cartons_and_invoices() -> None:
    # given a hand-made delivered shipment; when rendered, then it is the expected text
    assert render_shipment_detail(shipment_detail()) == expected("shipment_show.txt")


def test_shipment_detail_of_a_released_shipment_says_what_it_has_not_yet() -> None:
    # given a released shipment without cartons, notice or invoices
    detail = shipment_detail()
    bare = ShipmentDetail(
        summary=shipment("SH-000002", status="released", invoices=()),
        pick_list=None,
        service=None,
        weight_kg=None,
        received_by=None,
        delivery_note=None,
        updated_at=AT,
        lines=detail.lines,
        cartons=(),
        notice=None,
        invoices=(),
    )
    # when rendered
    text = render_shipment_detail(bare)
    # then the empty parts say "none" and the notice is a dash
    assert "cartons: none" in text.split("\n\n")
    assert "invoices: none" in text.split("\n\n")
    assert "SHIP NOTICE  -" in text.splitlines()


def test_shipment_json_has_decimals_as_strings_iso_dates_and_every_part() -> None:
    # given the hand-made shipment; when turned into JSON (through the json module)
    data = json.loads(json.dumps(shipment_detail_json(shipment_detail())))
    # then it has its parts, the header merged with the detail columns
    assert set(data) == {"shipment", "lines", "cartons", "notice", "invoices"}
    head = data["shipment"]
    assert (head["number"], head["pick_list"], head["weight_kg"]) == (
        "SH-000001",
        "PL-000001",
        "12.5000",
    )
    assert (head["ship_date"], head["updated_at"]) == ("2024-03-04", "2024-03-06T15:00:05+00:00")
    assert head["invoices"] == ["INV-000001"]
    assert data["lines"][2] == {
        "line_number": "2",
        "sku": "SKU-2",
        "bin": "B-01",
        "uom": "CS",
        "released": "3.0000",
        "picked": "2.0000",
    }
    assert data["cartons"][1]["weight_kg"] is None
    assert data["cartons"][0]["contents"][0] == {
        "line_number": "1",
        "sku": "SKU-1",
        "quantity": "6.0000",
    }
    assert data["notice"] == {
        "id": 12,
        "message_type": "DESADV",
        "stage": "sent",
        "status": "done",
        "ack_status": "accepted",
    }
    assert data["invoices"][0]["gross_total"] == "110.08"
    # and the list is the summaries as they are
    listed = json.loads(json.dumps(shipments_json([shipment("SH-000001")])))
    assert (listed[0]["quantity"], listed[0]["delivered_on"]) == ("12.0000", "2024-03-06")


def test_invoice_list_table_shows_totals_message_and_acknowledgement() -> None:
    # given a sent invoice and a test invoice in USD whose message failed, of no known customer
    failed = invoice_summary(
        "INV-000002",
        issue_date=date(2024, 3, 31),
        due_date=None,
        partner="GLOBEX",
        customer_id=None,
        order_id=9,
        order_number="G-1",
        currency="USD",
        net_total=D("87.50"),
        tax_total=D("16.63"),
        gross_total=D("104.13"),
        test=True,
        message=MessageState(15, "810", "rendered", "failed", None),
    )
    never_sent = invoice_summary("INV-000003", message=None)
    # when rendered, then it is exactly the expected table
    text = render_invoices([failed, never_sent, invoice_summary("INV-000001")])
    assert text == expected("invoices_list.txt")
    assert render_invoices([]) == "no invoices"


def test_invoice_detail_shows_parties_lines_charges_taxes_totals_and_references() -> None:
    # given a hand-made invoice at two rates with freight and a discount
    # when rendered, then it is exactly the expected text
    assert render_invoice_detail(invoice_detail()) == expected("invoice_show.txt")


def test_invoice_json_has_the_summary_the_document_as_sent_and_the_shipments() -> None:
    # given the hand-made invoice; when turned into JSON (through the json module)
    data = json.loads(json.dumps(invoice_detail_json(invoice_detail())))
    # then the summary, the canonical document and the shipments are there
    assert set(data) == {"invoice", "document", "shipments"}
    assert (data["invoice"]["number"], data["invoice"]["gross_total"]) == ("INV-000001", "108.53")
    assert data["invoice"]["message"]["ack_status"] == "pending"
    assert data["document"]["allowances_charges"][1] == {
        "indicator": "allowance",
        "amount": "5.00",
        "reason": "DI",
        "tax": {"category": "S", "rate": "19.00", "taxable_amount": "0.00", "amount": "0.00"},
    }
    assert data["document"]["issue_date"] == "2024-03-05"
    assert data["shipments"] == [
        {
            "number": "SH-000001",
            "status": "delivered",
            "ship_date": "2024-03-04",
            "carrier": "DHL",
            "tracking_number": "0034043416",
            "notice_message_id": 12,
        }
    ]
    listed = json.loads(json.dumps(invoices_json([invoice_summary("INV-9", message=None)])))
    assert (listed[0]["net_total"], listed[0]["message"]) == ("97.50", None)


def test_export_summary_counts_invoices_and_totals_each_currency() -> None:
    # given two EUR invoices and one in USD
    eur = invoice_document()
    usd = Invoice(
        "INV-000002", "G-1", date(2024, 3, 31), "USD", (), (), D("87.50"), D("16.63"), D("104.13")
    )
    # when summarised for stderr
    text = export_summary([eur, usd, eur], date(2024, 3, 1), date(2024, 3, 31))
    # then the count, the period and the totals per currency in code order are said
    assert text == (
        "exported 3 invoices issued 2024-03-01 to 2024-03-31: "
        "EUR net 195.00, tax 22.06, gross 217.06; USD net 87.50, tax 16.63, gross 104.13"
    )
    assert export_summary([], date(2024, 3, 1), date(2024, 3, 31)) == (
        "exported 0 invoices issued 2024-03-01 to 2024-03-31"
    )


def test_an_unbalanced_journal_names_each_currency_that_is_off() -> None:
    # given EUR entries that balance and USD entries that do not
    def entry(debit: str, credit: str, currency: str) -> JournalEntry:
        return JournalEntry(
            date(2024, 3, 5), "INV-1", "C-100", "1200", "x", D(debit), D(credit), currency
        )

    entries = [
        entry("10.00", "0", "EUR"),
        entry("0", "10.00", "EUR"),
        entry("5.00", "0", "USD"),
        entry("0", "4.99", "USD"),
    ]
    # then only USD is named, with both sums; a balanced journal gives nothing
    assert unbalanced(entries) == "USD: debit 5.00, credit 4.99"
    assert unbalanced(entries[:2]) == ""


def test_journal_file_is_written_whole_and_an_unwritable_one_is_refused(tmp_path: Path) -> None:
    # given a CSV text
    text = "date,invoice\n2024-03-05,INV-1\n"
    # when written to a file, then the file has exactly the text and no partial file is left
    target = tmp_path / "journal.csv"
    write_journal(text, str(target))
    assert target.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journal.csv"]
    # and a file in a folder that does not exist is refused with a sentence, exit 1
    with pytest.raises(CommandFailed) as refused:
        write_journal(text, str(tmp_path / "missing" / "journal.csv"))
    assert refused.value.exit_code == 1
    assert str(refused.value).startswith(f"cannot write {tmp_path / 'missing' / 'journal.csv'}")
