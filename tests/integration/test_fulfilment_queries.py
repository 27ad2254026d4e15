"""Fulfilment read queries on SQLite and PostgreSQL: shipments, invoices, the journal, orders."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from gateway.fulfilment.accounting import JournalAccounts, is_balanced, journal, journal_csv
from gateway.fulfilment.sscc import sscc
from gateway.model.codec import to_json
from gateway.model.documents import (
    AllowanceCharge,
    AllowanceOrCharge,
    Invoice,
    InvoiceLine,
    Party,
    TaxLine,
)
from gateway.store import Store
from gateway.store.fulfilment_queries import (
    invoice_detail,
    invoices_for_journal,
    list_invoices,
    list_shipments,
    shipment_detail,
)
from gateway.store.fulfilment_records import InvoiceRef, ShipmentRef
from gateway.store.order_queries import order_detail
from gateway.store.tables import MessageRow, OrderLineRow, OrderRow
from gateway.store.tables_fulfilment import (
    CartonLineRow,
    CartonRow,
    InvoiceRow,
    PickListRow,
    ShipmentLineRow,
    ShipmentRow,
)

D = Decimal
T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
RATE = D("19.00")


def at(hours: int) -> datetime:
    """A moment `hours` after the orders came in."""
    return T0 + timedelta(hours=hours)


def add_message(s: Session, direction: str, **columns: object) -> int:
    """A stored message of partner ACME (inbound order, or an outbound document); its id."""
    values: dict[str, object] = {
        "partner": "ACME",
        "stage": "processed" if direction == "in" else "sent",
        "status": "done",
        "created_at": T0,
        "updated_at": T0,
    }
    values.update(columns)
    row = MessageRow(direction=direction, attempts=0, error_issues=[], **values)
    s.add(row)
    s.flush()
    return row.id


def add_order(s: Session, number: str, partner: str = "ACME", **columns: object) -> OrderRow:
    """An order from its own inbound message."""
    values: dict[str, object] = {"customer_id": "C-100", "status": "released", "currency": "EUR"}
    values.update(columns)
    message_id = add_message(s, "in", partner=partner, message_type="ORDERS")
    row = OrderRow(
        message_id=message_id, partner=partner, order_number=number, created_at=T0, **values
    )
    s.add(row)
    s.flush()
    return row


def add_line(s: Session, order: OrderRow, number: str, **columns: object) -> OrderLineRow:
    """A line of 10 pieces of SKU-1, unless `columns` say otherwise."""
    values: dict[str, object] = {"quantity": D(10), "uom": "PCE", "sku": "SKU-1", "status": "ready"}
    values.update(columns)
    row = OrderLineRow(order_id=order.id, line_number=number, **values)
    s.add(row)
    s.flush()
    return row


def add_shipment(s: Session, number: str, order: OrderRow, **columns: object) -> ShipmentRow:
    """A shipment of the order from warehouse WH1, released at T0 unless told otherwise."""
    values: dict[str, object] = {
        "partner": order.partner,
        "warehouse": "WH1",
        "status": "released",
        "created_at": T0,
        "updated_at": T0,
    }
    values.update(columns)
    row = ShipmentRow(number=number, order_id=order.id, **values)
    s.add(row)
    s.flush()
    return row


def take(
    s: Session,
    shipment: ShipmentRow,
    line: OrderLineRow,
    bin_: str,
    quantity: str,
    *,
    picked: str | None = None,
) -> ShipmentLineRow:
    """A shipment line: `quantity` of the order line from one bin, and what was picked."""
    row = ShipmentLineRow(
        shipment_id=shipment.id,
        order_line_id=line.id,
        line_number=line.line_number,
        sku=line.sku,
        bin=bin_,
        quantity=D(quantity),
        picked_quantity=None if picked is None else D(picked),
    )
    s.add(row)
    s.flush()
    return row


def pack(
    s: Session,
    shipment: ShipmentRow,
    sequence: int,
    weight: str,
    *contents: tuple[OrderLineRow, str],
) -> None:
    """A carton with an SSCC of our serial range and the quantities of order lines in it."""
    carton = CartonRow(
        shipment_id=shipment.id,
        sequence=sequence,
        sscc=sscc(0, "5412345", shipment.id * 10 + sequence),
        weight_kg=D(weight),
    )
    s.add(carton)
    s.flush()
    for line, quantity in contents:
        s.add(CartonLineRow(carton_id=carton.id, order_line_id=line.id, quantity=D(quantity)))


def document(
    number: str, order_number: str, issued: date, currency: str = "EUR", freight: str = "0"
) -> Invoice:
    """A balanced invoice: 10 x 2.50 and 2 x 31.25, freight as a charge, 19 % tax on it all."""
    tax = TaxLine("S", RATE, D(0), D(0))
    lines = (
        InvoiceLine("1", D(10), D("2.50"), D("25.00"), gtin="04012345678901", uom="PCE", tax=tax),
        InvoiceLine("2", D(2), D("31.25"), D("62.50"), seller_part="SKU-2", uom="CS", tax=tax),
    )
    charges = (
        (AllowanceCharge(AllowanceOrCharge.CHARGE, D(freight), "FC", tax),) if D(freight) else ()
    )
    lines_total = D("87.50")
    net = lines_total + D(freight)
    tax_total = (net * RATE / 100).quantize(D("0.01"), ROUND_HALF_UP)
    return Invoice(
        invoice_number=number,
        order_number=order_number,
        issue_date=issued,
        currency=currency,
        lines=lines,
        taxes=(TaxLine("S", RATE, net, tax_total),),
        net_total=net,
        tax_total=tax_total,
        gross_total=net + tax_total,
        due_date=issued + timedelta(days=30),
        buyer=Party(id="4012345000009", id_scheme="GLN", name="Buyer GmbH"),
        payment_terms_days=30,
        allowances_charges=charges,
        lines_total=lines_total,
        allowance_charge_total=D(freight),
    )


def add_invoice(
    s: Session, invoice: Invoice, order: OrderRow, customer: str | None = "C-100", **columns: object
) -> InvoiceRow:
    """The row of an issued invoice, with its totals and the document as sent."""
    row = InvoiceRow(
        number=invoice.invoice_number,
        order_id=order.id,
        partner=order.partner,
        customer_id=customer,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        currency=invoice.currency,
        lines_total=invoice.lines_total,
        charges_total=invoice.allowance_charge_total,
        net_total=invoice.net_total,
        tax_total=invoice.tax_total,
        gross_total=invoice.gross_total,
        created_at=T0,
        actor="test",
        document=to_json(invoice),
        **columns,
    )
    s.add(row)
    s.flush()
    return row


def seed(store: Store) -> dict[str, int]:
    """Two orders of two partners, four shipments at different stages, five invoices.

    PO-1 (ACME): SH-1 delivered in two cartons and invoiced by INV-1; SH-2 released.
    G-1 (GLOBEX, customer unknown): SH-3 shipped, a test shipment SH-4, invoices in USD.
    """
    with store.unit_of_work() as uow:
        s = uow.session
        po1 = add_order(s, "PO-1", status="partially_shipped", warehouse="WH1")
        one = add_line(
            s, po1, "1", shipped_quantity=D(10), delivered_quantity=D(10), invoiced_quantity=D(10)
        )
        two = add_line(
            s,
            po1,
            "2",
            sku="SKU-2",
            uom="CS",
            quantity=D(5),
            released_quantity=D(3),
            shipped_quantity=D(2),
            delivered_quantity=D(2),
            invoiced_quantity=D(2),
        )
        pick_list = PickListRow(number="PL-000001", created_at=T0, actor="test")
        s.add(pick_list)
        s.flush()
        notice = add_message(
            s,
            "out",
            message_type="DESADV",
            document_type="ship_notice",
            document_ref="SH-1",
            ack_status="accepted",
            order_id=po1.id,
        )
        sh1 = add_shipment(
            s,
            "SH-1",
            po1,
            status="delivered",
            pick_list_id=pick_list.id,
            carrier="DHL",
            service="EXPRESS",
            tracking_number="TRK-1",
            ship_date=date(2024, 3, 4),
            weight_kg=D("12.5"),
            delivered_on=date(2024, 3, 6),
            received_by="J. Doe",
            delivery_note="left at the gate",
            notice_message_id=notice,
            updated_at=at(50),
        )
        invoiced = [
            take(s, sh1, one, "A-02", "4", picked="4"),
            take(s, sh1, one, "A-01", "6", picked="6"),
            take(s, sh1, two, "B-01", "2", picked="2"),
        ]
        pack(s, sh1, 2, "5.5", (two, "2"))
        pack(s, sh1, 1, "7", (one, "6"), (one, "4"))
        sh2 = add_shipment(s, "SH-2", po1, pick_list_id=pick_list.id, created_at=at(60))
        take(s, sh2, two, "B-01", "3")
        invoice_message = add_message(
            s,
            "out",
            message_type="INVOIC",
            document_type="invoice",
            document_ref="INV-1",
            ack_status="pending",
            order_id=po1.id,
        )
        inv1 = add_invoice(
            s,
            document("INV-1", "PO-1", date(2024, 3, 5), freight="5.00"),
            po1,
            message_id=invoice_message,
        )
        for row in invoiced:
            row.invoice_id = inv1.id
        add_invoice(s, document("INV-3", "PO-1", date(2024, 3, 10)), po1, test=True)
        add_invoice(s, document("INV-4", "PO-1", date(2024, 4, 1)), po1)
        g1 = add_order(s, "G-1", partner="GLOBEX", customer_id=None, currency="USD")
        g_line = add_line(s, g1, "1", shipped_quantity=D(7))
        sh3 = add_shipment(
            s, "SH-3", g1, status="shipped", carrier="UPS", ship_date=date(2024, 3, 7)
        )
        shipped = take(s, sh3, g_line, "C-01", "7", picked="7")
        sh4 = add_shipment(s, "SH-4", g1, status="picked", test=True)
        take(s, sh4, g_line, "C-01", "3", picked="1")
        failed = add_message(s, "out", partner="GLOBEX", message_type="810", status="failed")
        inv2 = add_invoice(
            s,
            document("INV-2", "G-1", date(2024, 3, 31), currency="USD"),
            g1,
            customer=None,
            message_id=failed,
        )
        shipped.invoice_id = inv2.id
        return {"po1": po1.id, "g1": g1.id, "notice": notice, "invoice_message": invoice_message}


def test_shipment_list_is_newest_first_and_filters_by_status_order_and_partner(
    store: Store,
) -> None:
    # given four shipments of two orders and partners at different stages
    ids = seed(store)
    with store.read() as session:

        def numbers(**wanted: object) -> list[str]:
            return [s.number for s in list_shipments(session, **wanted)]  # type: ignore[arg-type]

        # when listed without a filter, then newest first
        assert numbers() == ["SH-4", "SH-3", "SH-2", "SH-1"]
        # when filtered, then only the shipments matching every filter
        assert numbers(status="released") == ["SH-2"]
        assert numbers(order_id=ids["po1"]) == ["SH-2", "SH-1"]
        assert numbers(partner="GLOBEX") == ["SH-4", "SH-3"]
        assert numbers(partner="GLOBEX", status="shipped") == ["SH-3"]
        assert numbers(limit=2) == ["SH-4", "SH-3"]
        assert numbers(partner="NOBODY") == []


def test_shipment_summary_counts_cartons_picked_or_released_quantity_and_invoices(
    store: Store,
) -> None:
    # given the seeded shipments
    ids = seed(store)
    # when listed
    with store.read() as session:
        found = {s.number: s for s in list_shipments(session)}
    # then the delivered one has its two cartons, its picked quantity and its invoice
    sh1 = found["SH-1"]
    assert (sh1.order_id, sh1.order_number, sh1.partner, sh1.warehouse) == (
        ids["po1"],
        "PO-1",
        "ACME",
        "WH1",
    )
    assert (sh1.status, sh1.cartons, sh1.quantity, sh1.invoices) == (
        "delivered",
        2,
        D(12),
        ("INV-1",),
    )
    assert (sh1.carrier, sh1.tracking_number, sh1.ship_date, sh1.delivered_on) == (
        "DHL",
        "TRK-1",
        date(2024, 3, 4),
        date(2024, 3, 6),
    )
    # and a released one counts what was released, with no cartons or invoice yet
    assert (found["SH-2"].quantity, found["SH-2"].cartons, found["SH-2"].invoices) == (D(3), 0, ())
    # and a short-picked test shipment counts what was picked, and says it is a test
    assert (found["SH-4"].quantity, found["SH-4"].test) == (D(1), True)
    assert found["SH-3"].invoices == ("INV-2",)
    assert found["SH-2"].created_at == at(60)


def test_shipment_detail_has_lines_cartons_carrier_delivery_notice_and_invoices(
    store: Store,
) -> None:
    # given the delivered, invoiced shipment
    ids = seed(store)
    # when read in full (the number as typed, with spaces)
    with store.read() as session:
        detail = shipment_detail(session, " SH-1 ")
    # then the header has the pick list, carrier, delivery and the last change
    assert detail is not None
    assert (detail.summary.number, detail.pick_list, detail.service, detail.weight_kg) == (
        "SH-1",
        "PL-000001",
        "EXPRESS",
        D("12.5"),
    )
    assert (detail.received_by, detail.delivery_note, detail.updated_at) == (
        "J. Doe",
        "left at the gate",
        at(50),
    )
    # and the lines in order-line then bin order, released and picked, in the ordered unit
    assert [(x.line_number, x.sku, x.bin, x.uom, x.released, x.picked) for x in detail.lines] == [
        ("1", "SKU-1", "A-01", "PCE", D(6), D(6)),
        ("1", "SKU-1", "A-02", "PCE", D(4), D(4)),
        ("2", "SKU-2", "B-01", "CS", D(2), D(2)),
    ]
    # and the cartons in sequence with their SSCC, weight and contents
    first, second = detail.cartons
    assert (first.sequence, first.weight_kg, second.sequence, second.weight_kg) == (
        1,
        D(7),
        2,
        D("5.5"),
    )
    assert len(first.sscc) == 18
    # (an order line packed twice into one carton is one entry)
    assert [(c.line_number, c.sku, c.quantity) for c in first.contents] == [("1", "SKU-1", D(10))]
    assert [(c.line_number, c.quantity) for c in second.contents] == [("2", D(2))]
    # and the ship notice's message with the partner's answer
    assert detail.notice is not None
    assert (detail.notice.id, detail.notice.message_type) == (ids["notice"], "DESADV")
    assert (detail.notice.stage, detail.notice.status, detail.notice.ack_status) == (
        "sent",
        "done",
        "accepted",
    )
    # and the invoice that billed it
    assert detail.invoices == (InvoiceRef("INV-1", date(2024, 3, 5), "EUR", D("110.08")),)


def test_shipment_detail_of_a_released_shipment_has_no_cartons_notice_or_invoice(
    store: Store,
) -> None:
    # given the released shipment; when read, then what has not happened yet is empty
    seed(store)
    with store.read() as session:
        detail = shipment_detail(session, "SH-2")
        unknown = shipment_detail(session, "SH-999")
    assert detail is not None
    assert (detail.cartons, detail.notice, detail.invoices) == ((), None, ())
    assert [(x.released, x.picked) for x in detail.lines] == [(D(3), None)]
    # and an unknown number is None
    assert unknown is None


def test_invoice_list_is_newest_first_and_filters_by_partner_customer_and_inclusive_dates(
    store: Store,
) -> None:
    # given five invoices of two partners issued from 5 March to 1 April
    seed(store)
    with store.read() as session:

        def numbers(**wanted: object) -> list[str]:
            return [i.number for i in list_invoices(session, **wanted)]  # type: ignore[arg-type]

        # when listed without a filter, then newest issue date first
        assert numbers() == ["INV-4", "INV-2", "INV-3", "INV-1"]
        # when filtered, then the period includes its first and last day
        assert numbers(issued_from=date(2024, 3, 5), issued_to=date(2024, 3, 31)) == [
            "INV-2",
            "INV-3",
            "INV-1",
        ]
        assert numbers(issued_from=date(2024, 3, 6)) == ["INV-4", "INV-2", "INV-3"]
        assert numbers(issued_to=date(2024, 3, 5)) == ["INV-1"]
        assert numbers(partner="GLOBEX") == ["INV-2"]
        assert numbers(customer="C-100") == ["INV-4", "INV-3", "INV-1"]
        assert numbers(limit=1) == ["INV-4"]


def test_invoice_summary_has_totals_order_and_the_state_of_its_message(store: Store) -> None:
    # given the seeded invoices
    ids = seed(store)
    # when listed
    with store.read() as session:
        found = {i.number: i for i in list_invoices(session)}
    # then the first has its dates, parties, order, totals and pending acknowledgement
    inv1 = found["INV-1"]
    assert (inv1.issue_date, inv1.due_date, inv1.partner, inv1.customer_id) == (
        date(2024, 3, 5),
        date(2024, 4, 4),
        "ACME",
        "C-100",
    )
    assert (inv1.order_id, inv1.order_number, inv1.currency) == (ids["po1"], "PO-1", "EUR")
    assert (inv1.net_total, inv1.tax_total, inv1.gross_total) == (
        D("92.50"),
        D("17.58"),
        D("110.08"),
    )
    assert inv1.message is not None
    assert (inv1.message.id, inv1.message.status, inv1.message.ack_status) == (
        ids["invoice_message"],
        "done",
        "pending",
    )
    # and the GLOBEX one shows its failed message; an invoice never sent shows none
    assert found["INV-2"].message is not None
    assert (found["INV-2"].message.message_type, found["INV-2"].message.status) == (
        "810",
        "failed",
    )
    assert (found["INV-4"].message, found["INV-3"].test) == (None, True)


def test_invoice_detail_returns_the_document_as_sent_and_the_shipments_it_bills(
    store: Store,
) -> None:
    # given the invoice of the delivered shipment
    ids = seed(store)
    # when read in full
    with store.read() as session:
        detail = invoice_detail(session, "INV-1")
        unknown = invoice_detail(session, "INV-999")
    # then the canonical invoice is the one stored, exactly
    assert detail is not None
    assert detail.invoice == document("INV-1", "PO-1", date(2024, 3, 5), freight="5.00")
    assert detail.summary.message is not None
    assert detail.summary.message.id == ids["invoice_message"]
    # and it names the one shipment it bills (three lines, one shipment)
    assert detail.shipments == (
        ShipmentRef("SH-1", "delivered", date(2024, 3, 4), "DHL", "TRK-1", ids["notice"]),
    )
    assert unknown is None


def test_journal_invoices_are_the_periods_real_invoices_with_their_customer(
    store: Store,
) -> None:
    # given invoices in March (one of them a test invoice) and one on 1 April
    seed(store)
    # when the invoices of March are read for the journal
    with store.read() as session:
        march = invoices_for_journal(session, date(2024, 3, 1), date(2024, 3, 31))
        last_day = invoices_for_journal(session, date(2024, 3, 31), date(2024, 3, 31))
    # then the test invoice and April's are left out, oldest first
    assert [(customer, i.invoice_number) for customer, i in march] == [
        ("C-100", "INV-1"),
        ("partner:GLOBEX", "INV-2"),
    ]
    # and the period's last day is in it
    assert [i.invoice_number for _, i in last_day] == ["INV-2"]


def test_journal_of_a_period_balances_per_currency(store: Store) -> None:
    # given the March invoices in EUR (with freight) and USD
    seed(store)
    with store.read() as session:
        march = invoices_for_journal(session, date(2024, 3, 1), date(2024, 3, 31))
    # when journalised
    entries = journal(march, JournalAccounts())
    # then it balances and the CSV carries one TOTAL row per currency
    assert is_balanced(entries)
    totals = [row for row in journal_csv(entries).splitlines() if row.startswith("TOTAL")]
    assert totals == ["TOTAL,,,,,110.08,110.08,EUR,", "TOTAL,,,,,104.13,104.13,USD,"]


def test_order_detail_shows_fulfilment_quantities_shipments_and_invoices(store: Store) -> None:
    # given the partly shipped order PO-1
    ids = seed(store)
    # when read in full
    with store.read() as session:
        detail = order_detail(session, ids["po1"])
        other = order_detail(session, ids["g1"])
    # then each line has its released, shipped, delivered and invoiced quantities
    assert detail is not None
    quantities = [
        (
            x.line_number,
            x.released_quantity,
            x.shipped_quantity,
            x.delivered_quantity,
            x.invoiced_quantity,
        )
        for x in detail.lines
    ]
    assert quantities == [("1", D(0), D(10), D(10), D(10)), ("2", D(3), D(2), D(2), D(2))]
    # and its shipments oldest first, and its invoices by issue date, test ones too
    assert [(s.number, s.status, s.tracking_number) for s in detail.shipments] == [
        ("SH-1", "delivered", "TRK-1"),
        ("SH-2", "released", None),
    ]
    assert [(i.number, i.gross_total) for i in detail.invoices] == [
        ("INV-1", D("110.08")),
        ("INV-3", D("104.13")),
        ("INV-4", D("104.13")),
    ]
    # and another order's show only its own
    assert other is not None
    assert [s.number for s in other.shipments] == ["SH-3", "SH-4"]
    assert [i.number for i in other.invoices] == ["INV-2"]
