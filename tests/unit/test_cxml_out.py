"""cXML 1.2 outbound mappings: ConfirmationRequest, ShipNoticeRequest, InvoiceDetailRequest.

Each document is rendered from a rich canonical document, compared byte for byte with the
file under expected/cxml (UPDATE_EXPECTED=1 rewrites it), then read back with lxml and checked
field by field against the canonical document.
"""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from gateway.errors import MappingError
from gateway.formats.cxml_header import Credential, read_cxml_header
from gateway.formats.xml_kind import xml_kind
from gateway.formats.xml_safe import parse_xml
from gateway.mapping import MappingSet
from gateway.mapping.xml_outbound import XmlOutboundMapping
from gateway.model.documents import (
    AllowanceCharge,
    AllowanceOrCharge,
    Invoice,
    InvoiceLine,
    LineStatus,
    OrderResponse,
    Package,
    Party,
    ResponseLine,
    ResponseStatus,
    ShipNotice,
    ShipNoticeLine,
    TaxLine,
)

REPO = Path(__file__).resolve().parents[2]
EXPECTED = Path(__file__).resolve().parent / "expected" / "cxml"
ORDER_PAYLOAD = "1763629200.4711.po@buyer.example"
SELLER = Party("4000001000002", "GLN", "Acme Supply GmbH", "Hafenstr. 1", "Bremen", "28195", "DE",
               tax_id="DE123456789")  # fmt: skip
BUYER = Party("128293714", "DUNS", "Buyer Inc", "5 Main St", "New York", "10018", "US",
              state="NY")  # fmt: skip


@pytest.fixture(scope="module")
def mappings() -> MappingSet:
    return MappingSet.load(REPO / "mappings")


def envelope(payload_id: str = "20261122100000.42.a1b2c3d4@gateway.example") -> dict[str, str]:
    """The values the pipeline passes to a cXML render (fixed, so the bytes are stable)."""
    return {
        "timestamp": "2026-11-22T10:00:00+00:00",
        "uuid": "8d5b1f9e-0c3e-4c7b-9a59-2f8f3c1b6a10",
        "issue_time": "10:00:00",
        "test": "true",
        "payload_id": payload_id,
        "deployment_mode": "test",
        "from_domain": "DUNS",
        "from_identity": "313000001",
        "to_domain": "NetworkID",
        "to_identity": "AN01000000001",
        "sender_domain": "DUNS",
        "sender_identity": "313000001",
        "user_agent": "EDI order gateway",
        "order_payload_id": ORDER_PAYLOAD,
        "order_id": "PO-4711",
    }


def cxml(mappings: MappingSet, document_type: str, message_type: str) -> XmlOutboundMapping:
    """The default cXML 1.2 mapping, as the pipeline asks for it (a partner without override)."""
    return mappings.xml_outbound(document_type, "CXML", message_type, "1.2.050", "buyer")


def compare(name: str, data: bytes) -> None:
    """The rendering equals the expected file; UPDATE_EXPECTED=1 rewrites the file."""
    path = EXPECTED / name
    if os.environ.get("UPDATE_EXPECTED") == "1":
        path.write_bytes(data)
    assert path.is_file(), f"{path} is missing: run once with UPDATE_EXPECTED=1 and review it"
    assert data.decode() == path.read_text(encoding="utf-8")


def reread(data: bytes) -> etree._Element:
    """The rendered document read back as a partner's file is read, its envelope checked."""
    root = parse_xml(data, "rendered.xml")
    header = read_cxml_header(root, "rendered.xml")
    assert header.payload_id == envelope()["payload_id"]
    assert header.timestamp.isoformat() == "2026-11-22T10:00:00+00:00"
    assert header.version == "1.2.050"
    assert header.deployment_mode == "test"
    assert header.from_credentials == (Credential("DUNS", "313000001"),)
    assert header.to_credentials == (Credential("NetworkID", "AN01000000001"),)
    assert header.sender_credentials == (Credential("DUNS", "313000001"),)
    assert header.shared_secret is None
    assert header.user_agent == "EDI order gateway"
    return root


def attrs(element: etree._Element | None, *names: str) -> tuple[str | None, ...]:
    """Some attributes of an element that must be there."""
    assert element is not None
    return tuple(element.get(name) for name in names)


def order_response() -> OrderResponse:
    """A response with every kind of line: accepted, part backordered, changed, rejected."""
    return OrderResponse(
        response_number="OR-2026-0042",
        order_number="PO-4711",
        issue_date=date(2026, 11, 22),
        status=ResponseStatus.ACCEPTED_WITH_CHANGES,
        order_date=date(2026, 11, 20),
        currency="EUR",
        buyer=BUYER,
        seller=SELLER,
        notes=("Line 2: the rest follows in December",),
        lines=(
            ResponseLine("1", LineStatus.ACCEPTED, Decimal("10"), Decimal("10"), uom="EA",
                         confirmed_delivery_date=date(2026, 12, 1)),
            ResponseLine("2", LineStatus.BACKORDERED, Decimal("10"), Decimal("4"), uom="EA",
                         confirmed_delivery_date=date(2026, 12, 1),
                         backordered_quantity=Decimal("6"), backorder_date=date(2026, 12, 20)),
            ResponseLine("3", LineStatus.CHANGED, Decimal("5"), Decimal("5"), uom="PK",
                         unit_price=Decimal("9.5"), confirmed_delivery_date=date(2026, 12, 3)),
            ResponseLine("4", LineStatus.REJECTED, Decimal("2"), Decimal("0"), uom="EA",
                         reason="AV"),
            ResponseLine("5", LineStatus.BACKORDERED, Decimal("3"), Decimal("0"), uom="EA",
                         backordered_quantity=Decimal("3"), backorder_date=date(2026, 12, 20)),
        ),
    )  # fmt: skip


def ship_notice() -> ShipNotice:
    """A pallet with two cartons; line 1 in the first carton, line 2 in the second."""
    return ShipNotice(
        notice_number="ASN-2026-0007",
        order_number="PO-4711",
        issue_date=date(2026, 11, 22),
        ship_date=date(2026, 11, 22),
        estimated_delivery_date=date(2026, 11, 25),
        order_date=date(2026, 11, 20),
        carrier="UPSN",
        carrier_scheme="SCAC",
        carrier_name="UPS",
        tracking_number="1Z999AA10123456784",
        bill_of_lading="BOL-9",
        seller=SELLER,
        ship_to=BUYER,
        packages=(
            Package("340123450000000018", (), Decimal("120.5"), "PX"),
            Package("340123450000000025",
                    (ShipNoticeLine("1", Decimal("4"), "04012345000010", "B-1", "S-1", "EA",
                                    "LOT7"),),
                    Decimal("12.5"), "CT", "340123450000000018"),
            Package("340123450000000032",
                    (ShipNoticeLine("2", Decimal("6"), seller_part="S-2", uom="EA"),),
                    None, "CT", "340123450000000018"),
        ),
    )  # fmt: skip


def invoice() -> Invoice:
    """Two lines at two VAT rates and a freight charge."""
    standard = TaxLine("S", Decimal("19"), Decimal("110.00"), Decimal("20.90"))
    reduced = TaxLine("AA", Decimal("7"), Decimal("50.00"), Decimal("3.50"))
    return Invoice(
        invoice_number="INV-2026-0042",
        order_number="PO-4711",
        issue_date=date(2026, 11, 23),
        currency="EUR",
        lines=(
            InvoiceLine("1", Decimal("10"), Decimal("10.00"), Decimal("100.00"), "04012345000010",
                        "B-1", "S-1", "Widget", "EA",
                        TaxLine("S", Decimal("19"), Decimal("100.00"), Decimal("19.00"))),
            InvoiceLine("2", Decimal("5"), Decimal("10"), Decimal("50.00"), seller_part="S-2",
                        description="Book", uom="EA", tax=reduced),
        ),
        taxes=(standard, reduced),
        net_total=Decimal("160.00"),
        tax_total=Decimal("24.40"),
        gross_total=Decimal("184.40"),
        due_date=date(2026, 12, 23),
        ship_notice_number="ASN-2026-0007",
        buyer=BUYER,
        seller=SELLER,
        order_date=date(2026, 11, 20),
        payment_terms_days=30,
        payment_terms_text="30 days net",
        allowances_charges=(
            AllowanceCharge(AllowanceOrCharge.CHARGE, Decimal("10.00"), "FC",
                            TaxLine("S", Decimal("19"), Decimal("10.00"), Decimal("1.90"))),
        ),
        lines_total=Decimal("150.00"),
        allowance_charge_total=Decimal("10.00"),
    )  # fmt: skip


def test_confirmation_request_renders_the_expected_document(mappings: MappingSet) -> None:
    data = cxml(mappings, "order_response", "ConfirmationRequest").apply(
        order_response(), envelope()
    )
    compare("ConfirmationRequest_backorder.xml", data)


def test_confirmation_request_reads_back_line_by_line(mappings: MappingSet) -> None:
    # given the response rendered as a cXML ConfirmationRequest
    root = reread(
        cxml(mappings, "order_response", "ConfirmationRequest").apply(order_response(), envelope())
    )
    assert xml_kind(root).document == "ConfirmationRequest"
    assert root.getroottree().docinfo.system_url.endswith("/1.2.050/Fulfill.dtd")
    request = root.find("Request/ConfirmationRequest")
    assert request is not None
    # then the header says detail (lines changed), with our number and the order's reference
    assert attrs(request.find("ConfirmationHeader"), "type", "confirmID", "operation") == (
        "detail",
        "OR-2026-0042",
        "new",
    )
    assert request.findtext("ConfirmationHeader/Comments") == "Line 2: the rest follows in December"
    assert attrs(request.find("OrderReference"), "orderID", "orderDate") == (
        "PO-4711",
        "2026-11-20T00:00:00+00:00",
    )
    assert attrs(request.find("OrderReference/DocumentReference"), "payloadID") == (ORDER_PAYLOAD,)
    # and every line carries its ordered quantity and statuses adding up to it
    items = request.findall("ConfirmationItem")
    got = [
        (
            item.get("lineNumber"),
            item.get("quantity"),
            item.findtext("UnitOfMeasure"),
            [
                (
                    s.get("type"),
                    s.get("quantity"),
                    s.get("deliveryDate"),
                    s.findtext("UnitOfMeasure"),
                )
                for s in item.findall("ConfirmationStatus")
            ],
        )
        for item in items
    ]
    assert got == [
        ("1", "10", "EA", [("accept", "10", "2026-12-01T00:00:00+00:00", "EA")]),
        ("2", "10", "EA", [("accept", "4", "2026-12-01T00:00:00+00:00", "EA"),
                           ("backordered", "6", "2026-12-20T00:00:00+00:00", "EA")]),
        ("3", "5", "PK", [("detail", "5", "2026-12-03T00:00:00+00:00", "PK")]),
        ("4", "2", "EA", [("reject", "2", None, "EA")]),
        ("5", "3", "EA", [("backordered", "3", "2026-12-20T00:00:00+00:00", "EA")]),
    ]  # fmt: skip
    for item in items:
        statuses = item.findall("ConfirmationStatus")
        assert sum(Decimal(s.get("quantity") or "") for s in statuses) == Decimal(
            item.get("quantity") or ""
        )
    changed = items[2].find("ConfirmationStatus/UnitPrice/Money")
    assert (attrs(changed, "currency"), changed.text if changed is not None else None) == (
        ("EUR",),
        "9.50",
    )
    assert items[3].findtext("ConfirmationStatus/Comments") == "AV"


@pytest.mark.parametrize(("status", "header"), [(ResponseStatus.ACCEPTED, "accept"),
                                                (ResponseStatus.REJECTED, "reject")])  # fmt: skip
def test_a_whole_order_accepted_or_rejected_sets_the_header_type(
    mappings: MappingSet, status: ResponseStatus, header: str
) -> None:
    # given a response accepting or rejecting the whole order
    lines = order_response().lines[:1] if status == ResponseStatus.ACCEPTED else ()
    response = OrderResponse("OR-1", "PO-4711", date(2026, 11, 22), status, lines, currency="EUR")
    root = parse_xml(
        cxml(mappings, "order_response", "ConfirmationRequest").apply(response, envelope())
    )
    # then the header type follows; a rejection carries no item (cXML: reject has no items)
    assert attrs(root.find("Request/ConfirmationRequest/ConfirmationHeader"), "type") == (header,)
    assert len(root.findall(".//ConfirmationItem")) == len(lines)


def test_a_confirmation_without_the_orders_payload_id_is_refused(mappings: MappingSet) -> None:
    # given no payloadID of the OrderRequest (cXML: OrderReference/DocumentReference required)
    values = {**envelope(), "order_payload_id": ""}
    with pytest.raises(MappingError) as caught:
        cxml(mappings, "order_response", "ConfirmationRequest").apply(order_response(), values)
    # then the render fails naming the element rather than writing an invalid document
    assert "DocumentReference" in str([str(i) for i in caught.value.issues])


def test_two_renders_carry_their_own_payload_ids(mappings: MappingSet) -> None:
    mapping = cxml(mappings, "order_response", "ConfirmationRequest")
    first = parse_xml(mapping.apply(order_response(), envelope("1.one@gateway.example")))
    second = parse_xml(mapping.apply(order_response(), envelope("2.two@gateway.example")))
    assert (first.get("payloadID"), second.get("payloadID")) == (
        "1.one@gateway.example",
        "2.two@gateway.example",
    )


def test_ship_notice_request_renders_the_expected_document(mappings: MappingSet) -> None:
    data = cxml(mappings, "ship_notice", "ShipNoticeRequest").apply(ship_notice(), envelope())
    compare("ShipNoticeRequest_pallet.xml", data)


def test_ship_notice_request_reads_back_carrier_items_and_ssccs(mappings: MappingSet) -> None:
    root = reread(
        cxml(mappings, "ship_notice", "ShipNoticeRequest").apply(ship_notice(), envelope())
    )
    request = root.find("Request/ShipNoticeRequest")
    assert request is not None
    assert attrs(request.find("ShipNoticeHeader"), "shipmentID", "operation", "noticeDate",
                 "shipmentDate", "deliveryDate") == (
        "ASN-2026-0007", "new", "2026-11-22T00:00:00+00:00", "2026-11-22T00:00:00+00:00",
        "2026-11-25T00:00:00+00:00",
    )  # fmt: skip
    contacts = request.findall("ShipNoticeHeader/Contact")
    assert [(c.get("role"), c.findtext("Name"), c.get("addressIDDomain")) for c in contacts] == [
        ("shipFrom", "Acme Supply GmbH", "ILN"),
        ("shipTo", "Buyer Inc", "DUNS"),
    ]
    control = request.find("ShipControl")
    assert control is not None
    assert [(c.get("domain"), c.text) for c in control.findall("CarrierIdentifier")] == [
        ("SCAC", "UPSN"),
        ("companyName", "UPS"),
    ]
    assert [(s.get("domain"), s.text) for s in control.findall("ShipmentIdentifier")] == [
        ("trackingNumber", "1Z999AA10123456784"),
        ("billOfLading", "BOL-9"),
    ]
    [portion] = request.findall("ShipNoticePortion")
    assert attrs(portion.find("OrderReference"), "orderID") == ("PO-4711",)
    assert attrs(portion.find("OrderReference/DocumentReference"), "payloadID") == (ORDER_PAYLOAD,)
    items = portion.findall("ShipNoticeItem")
    got = [
        (
            i.get("lineNumber"), i.get("shipNoticeLineNumber"), i.get("quantity"),
            i.findtext("UnitOfMeasure"), i.findtext("ItemID/SupplierPartID"),
            i.findtext("Packaging/ShippingContainerSerialCode"),
            i.findtext("Packaging/ShippingContainerSerialCodeReference"),
            i.findtext("SupplierBatchID"),
        )
        for i in items
    ]  # fmt: skip
    assert got == [
        ("1", "1", "4", "EA", "S-1", "340123450000000025", "340123450000000018", "LOT7"),
        ("2", "2", "6", "EA", "S-2", "340123450000000032", "340123450000000018", None),
    ]
    assert attrs(items[0].find("Packaging/Dimension"), "type", "quantity") == (
        "grossWeight",
        "12.5",
    )
    assert items[1].find("Packaging/Dimension") is None


def test_a_ship_notice_without_tracking_has_no_ship_control(mappings: MappingSet) -> None:
    # given a notice without tracking number (cXML ShipControl needs ShipmentIdentifier+)
    notice = ShipNotice("ASN-1", "PO-4711", date(2026, 11, 22), date(2026, 11, 22),
                        ship_notice().packages, carrier="UPSN", carrier_scheme="SCAC")  # fmt: skip
    root = parse_xml(cxml(mappings, "ship_notice", "ShipNoticeRequest").apply(notice, envelope()))
    assert root.find(".//ShipControl") is None
    assert len(root.findall(".//ShipNoticeItem")) == 2


def test_invoice_detail_request_renders_the_expected_document(mappings: MappingSet) -> None:
    data = cxml(mappings, "invoice", "InvoiceDetailRequest").apply(invoice(), envelope())
    compare("InvoiceDetailRequest_two_rates.xml", data)


def test_invoice_detail_request_reads_back_amounts_and_totals(mappings: MappingSet) -> None:
    root = reread(cxml(mappings, "invoice", "InvoiceDetailRequest").apply(invoice(), envelope()))
    assert root.getroottree().docinfo.system_url.endswith("/1.2.050/InvoiceDetail.dtd")
    request = root.find("Request/InvoiceDetailRequest")
    assert request is not None
    header = request.find("InvoiceDetailRequestHeader")
    assert attrs(header, "invoiceID", "purpose", "operation", "invoiceDate") == (
        "INV-2026-0042", "standard", "new", "2026-11-23T00:00:00+00:00",
    )  # fmt: skip
    assert header is not None
    assert [
        (p.get("role"), p.findtext("Name")) for p in header.findall("InvoicePartner/Contact")
    ] == [
        ("remitTo", "Acme Supply GmbH"),
        ("billTo", "Buyer Inc"),
        ("soldTo", "Buyer Inc"),
    ]
    assert attrs(header.find("InvoicePartner/IdReference"), "domain", "identifier") == (
        "vatID",
        "DE123456789",
    )
    assert attrs(header.find("PaymentTerm"), "payInNumberOfDays") == ("30",)
    assert attrs(header.find("ShipNoticeIDInfo"), "shipNoticeID") == ("ASN-2026-0007",)
    info = request.find("InvoiceDetailOrder/InvoiceDetailOrderInfo/OrderReference")
    assert attrs(info, "orderID") == ("PO-4711",)
    assert info is not None and attrs(info.find("DocumentReference"), "payloadID") == (
        ORDER_PAYLOAD,
    )

    def money(element: etree._Element, path: str) -> tuple[str | None, str | None]:
        found = element.find(path)
        assert found is not None, path
        return found.get("currency"), found.text

    items = request.findall("InvoiceDetailOrder/InvoiceDetailItem")
    got = [
        (
            i.get("invoiceLineNumber"), i.get("quantity"), i.findtext("UnitOfMeasure"),
            money(i, "UnitPrice/Money"), attrs(i.find("InvoiceDetailItemReference"), "lineNumber"),
            i.findtext("InvoiceDetailItemReference/ItemID/SupplierPartID"),
            money(i, "SubtotalAmount/Money"), money(i, "Tax/Money"),
            attrs(i.find("Tax/TaxDetail"), "category", "percentageRate"),
        )
        for i in items
    ]  # fmt: skip
    assert got == [
        ("1", "10", "EA", ("EUR", "10.00"), ("1",), "S-1", ("EUR", "100.00"), ("EUR", "19.00"),
         ("vat", "19")),
        ("2", "5", "EA", ("EUR", "10.00"), ("2",), "S-2", ("EUR", "50.00"), ("EUR", "3.50"),
         ("vat", "7")),
    ]  # fmt: skip
    summary = request.find("InvoiceDetailSummary")
    assert summary is not None
    assert money(summary, "SubtotalAmount/Money") == ("EUR", "150.00")
    assert money(summary, "Tax/Money") == ("EUR", "24.40")
    details = summary.findall("Tax/TaxDetail")
    assert [(d.get("percentageRate"), money(d, "TaxableAmount/Money")[1],
             money(d, "TaxAmount/Money")[1]) for d in details] == [
        ("19", "110.00", "20.90"), ("7", "50.00", "3.50"),
    ]  # fmt: skip
    assert money(summary, "ShippingAmount/Money") == ("EUR", "10.00")
    assert summary.find("SpecialHandlingAmount") is None
    assert money(summary, "NetAmount/Money") == ("EUR", "184.40")
    assert money(summary, "DueAmount/Money") == ("EUR", "184.40")


def test_an_invoice_for_an_order_of_unknown_payload_names_the_order_id(
    mappings: MappingSet,
) -> None:
    # given no payloadID of the order (an order that did not come as a cXML OrderRequest)
    values = {**envelope(), "order_payload_id": ""}
    root = parse_xml(cxml(mappings, "invoice", "InvoiceDetailRequest").apply(invoice(), values))
    # then the order is named by OrderIDInfo (cXML InvoiceDetailOrderInfo's second choice)
    info = root.find(".//InvoiceDetailOrderInfo")
    assert info is not None
    assert [child.tag for child in info] == ["OrderIDInfo"]
    assert attrs(info.find("OrderIDInfo"), "orderID") == ("PO-4711",)
