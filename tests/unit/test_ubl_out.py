"""UBL 2.1 out: order responses, despatch advices and invoices render to the expected files
and every rendering is valid against the OASIS UBL 2.1 maindoc schemas."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from gateway.errors import MappingError
from gateway.mapping import MappingSet
from gateway.model import (
    AllowanceCharge,
    AllowanceOrCharge,
    Document,
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
    document_type,
)

REPO = Path(__file__).resolve().parents[2]
EXPECTED = Path(__file__).resolve().parent / "expected" / "ubl"
ENVELOPE = {
    "timestamp": "2026-11-22T09:30:00+00:00",
    "uuid": "6f1c2e1a-8a43-4c55-9a57-6b5d2f0c9a10",
    "issue_time": "09:30:00",
    "test": "",
    "peppol": "",
}
PEPPOL = {**ENVELOPE, "peppol": "true"}
MESSAGES = {
    "order_response": "OrderResponse",
    "ship_notice": "DespatchAdvice",
    "invoice": "Invoice",
}
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


@pytest.fixture(scope="module")
def mappings() -> MappingSet:
    return MappingSet.load(REPO / "mappings")


@pytest.fixture(scope="session")
def ubl_schemas(corpus_dir: Path) -> dict[str, etree.XMLSchema]:
    """The OASIS UBL 2.1 maindoc schemas, read from the corpus without any network access."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    maindoc = corpus_dir / "schemas" / "ubl-2.1" / "xsd" / "maindoc"
    return {
        name: etree.XMLSchema(etree.parse(str(maindoc / f"UBL-{name}-2.1.xsd"), parser))
        for name in MESSAGES.values()
    }


def render(mappings: MappingSet, document: Document, envelope: dict[str, str]) -> bytes:
    """The UBL document the gateway would send to a partner without overrides."""
    kind = document_type(document)
    mapping = mappings.xml_outbound(kind, "UBL", MESSAGES[kind], "2.1", "retailer")
    return mapping.apply(document, envelope)


def schema_errors(data: bytes, schemas: dict[str, etree.XMLSchema]) -> list[str]:
    """What the OASIS schema of the document's root finds wrong (empty: valid)."""
    root = etree.fromstring(data)
    schema = schemas[etree.QName(root).localname]
    schema.validate(root)
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def matches_expected(data: bytes, name: str) -> None:
    """Compare with the reviewed file; UPDATE_EXPECTED=1 rewrites it (review the diff)."""
    path = EXPECTED / name
    if os.environ.get("UPDATE_EXPECTED") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if not path.is_file():
        pytest.fail(f"{path} is missing: run with UPDATE_EXPECTED=1 once and review it")
    assert data.decode("utf-8") == path.read_text(encoding="utf-8")


def gln(number: str, name: str, city: str, tax_id: str | None = None) -> Party:
    return Party(
        id=number, id_scheme="GLN", name=name, street="Storgatan 1", city=city,
        postal_code="11122", country="SE", tax_id=tax_id, state="AB",
    )  # fmt: skip


BUYER = gln("7300070011115", "Johnssons byggvaror", "Stockholm", "SE556677889901")
SELLER = gln("7302347231111", "Moderna Produkter AB", "Malmö", "SE112233445501")
SHIP_TO = gln("7300070011122", "Johnssons lager", "Södertälje")
BILL_TO = gln("7300070011139", "Johnssons ekonomi", "Stockholm", "SE556677889901")


def rich_response() -> OrderResponse:
    """Accepted with changes: one line as ordered, one partly backordered, one rejected."""
    return OrderResponse(
        response_number="RSP-7",
        order_number="PO-34",
        issue_date=date(2026, 11, 22),
        status=ResponseStatus.ACCEPTED_WITH_CHANGES,
        order_date=date(2026, 11, 20),
        currency="SEK",
        buyer=BUYER,
        seller=SELLER,
        ship_to=SHIP_TO,
        notes=("Line 2: the rest follows in December.",),
        lines=(
            ResponseLine(
                line_number="1", status=LineStatus.ACCEPTED, ordered_quantity=Decimal("120"),
                confirmed_quantity=Decimal("120"), gtin="07310000000018", seller_part="SP-1",
                buyer_part="BP-1", description="Wall bracket", uom="EA",
                unit_price=Decimal("12.5"), confirmed_delivery_date=date(2026, 11, 27),
            ),
            ResponseLine(
                line_number="2", status=LineStatus.BACKORDERED, ordered_quantity=Decimal("40"),
                confirmed_quantity=Decimal("25"), gtin="07310000000025", uom="EA",
                unit_price=Decimal("199.00"), confirmed_delivery_date=date(2026, 11, 27),
                backordered_quantity=Decimal("15"), backorder_date=date(2026, 12, 11),
                reason="AV",
            ),
            ResponseLine(
                line_number="3", status=LineStatus.REJECTED, ordered_quantity=Decimal("2"),
                confirmed_quantity=Decimal("0"), seller_part="SP-9", reason="Discontinued",
            ),
        ),
    )  # fmt: skip


def rich_notice() -> ShipNotice:
    """A pallet holding two cartons, with a carrier, a tracking number and batches."""
    return ShipNotice(
        notice_number="DN-871",
        order_number="PO-34",
        issue_date=date(2026, 11, 26),
        ship_date=date(2026, 11, 26),
        order_date=date(2026, 11, 20),
        estimated_delivery_date=date(2026, 11, 27),
        buyer=BUYER,
        seller=SELLER,
        ship_to=SHIP_TO,
        carrier="7350000000019",
        carrier_scheme="GLN",
        carrier_name="Snabbfrakt AB",
        tracking_number="SF123456789SE",
        transport_mode="3",
        bill_of_lading="BL-5531",
        vendor_number="V-1009",
        packages=(
            Package("373500000000000014", (), Decimal("86.4"), "PX"),
            Package(
                "373500000000000021",
                (
                    ShipNoticeLine("1", Decimal("60"), gtin="07310000000018", uom="EA",
                                   batch="B2611"),
                    ShipNoticeLine("2", Decimal("25"), gtin="07310000000025", uom="EA",
                                   seller_part="SP-2"),
                ),
                Decimal("41.2"), "CT", "373500000000000014",
            ),
            Package(
                "373500000000000038",
                (ShipNoticeLine("1", Decimal("60"), gtin="07310000000018", uom="EA",
                                batch="B2612", buyer_part="BP-1"),),
                Decimal("40.7"), "CT", "373500000000000014",
            ),
        ),
    )  # fmt: skip


STANDARD = TaxLine("S", Decimal("25"), Decimal("1610.00"), Decimal("402.50"))
FOOD = TaxLine("AA", Decimal("12"), Decimal("250.00"), Decimal("30.00"))


def rich_invoice() -> Invoice:
    """Two VAT rates, a freight charge and a discount, billed to another party."""
    return Invoice(
        invoice_number="INV-2026-118",
        order_number="PO-34",
        issue_date=date(2026, 11, 28),
        due_date=date(2026, 12, 28),
        currency="SEK",
        ship_notice_number="DN-871",
        buyer=BUYER,
        seller=SELLER,
        bill_to=BILL_TO,
        ship_to=SHIP_TO,
        order_date=date(2026, 11, 20),
        delivery_date=date(2026, 11, 27),
        ship_date=date(2026, 11, 26),
        payment_terms_days=30,
        payment_terms_text="30 days net",
        department="D-42",
        vendor_number="V-1009",
        lines=(
            InvoiceLine(
                "1", Decimal("120"), Decimal("12.5"), Decimal("1500.00"), gtin="07310000000018",
                buyer_part="BP-1", seller_part="SP-1", description="Wall bracket", uom="EA",
                tax=STANDARD,
            ),
            InvoiceLine(
                "2", Decimal("10"), Decimal("25.00"), Decimal("250.00"), gtin="07310000000025",
                description="Coffee, 500 g", uom="EA", tax=FOOD,
            ),
        ),
        allowances_charges=(
            AllowanceCharge(AllowanceOrCharge.CHARGE, Decimal("150.00"), "FC", STANDARD),
            AllowanceCharge(AllowanceOrCharge.ALLOWANCE, Decimal("40.00"), "DI", STANDARD),
        ),
        taxes=(STANDARD, FOOD),
        lines_total=Decimal("1750.00"),
        allowance_charge_total=Decimal("110.00"),
        net_total=Decimal("1860.00"),
        tax_total=Decimal("432.50"),
        gross_total=Decimal("2292.50"),
    )  # fmt: skip


RICH = {
    "order_response": rich_response,
    "ship_notice": rich_notice,
    "invoice": rich_invoice,
}


@pytest.mark.parametrize("kind", list(RICH))
def test_rich_document_renders_the_expected_ubl_and_is_schema_valid(
    mappings: MappingSet, ubl_schemas: dict[str, etree.XMLSchema], kind: str
) -> None:
    # given a canonical document using every field UBL has a place for
    document = RICH[kind]()
    # when it is rendered for a partner on plain OASIS UBL 2.1
    data = render(mappings, document, ENVELOPE)
    # then it is the reviewed file and valid against the OASIS maindoc schema
    matches_expected(data, f"{MESSAGES[kind]}_2.1.xml")
    assert schema_errors(data, ubl_schemas) == []


@pytest.mark.parametrize(
    ("kind", "customization", "profile"),
    [
        ("order_response", "urn:fdc:peppol.eu:poacc:trns:order_response:3",
         "urn:fdc:peppol.eu:poacc:bis:ordering:3"),
        ("ship_notice", "urn:fdc:peppol.eu:poacc:trns:despatch_advice:3",
         "urn:fdc:peppol.eu:poacc:bis:despatch_advice:3"),
        ("invoice",
         "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0",
         "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"),
    ],
)  # fmt: skip
def test_peppol_partner_gets_the_bis_3_identifiers_and_endpoints(
    mappings: MappingSet, ubl_schemas: dict[str, etree.XMLSchema], kind: str,
    customization: str, profile: str,
) -> None:  # fmt: skip
    # given a partner whose profile is Peppol BIS 3
    document = RICH[kind]()
    # when
    data = render(mappings, document, PEPPOL)
    root = etree.fromstring(data)
    # then the customization and profile of the transaction are written, with endpoints
    assert root.findtext(f"{{{CBC}}}CustomizationID") == customization
    assert root.findtext(f"{{{CBC}}}ProfileID") == profile
    endpoints = root.findall(f".//{{{CBC}}}EndpointID")
    assert endpoints and all(e.get("schemeID") == "0088" for e in endpoints)
    assert schema_errors(data, ubl_schemas) == []


def test_peppol_order_response_answers_with_uncl_4343_others_with_uncl_1225(
    mappings: MappingSet,
) -> None:
    # given an order accepted with changes
    document = rich_response()
    # when rendered for both kinds of partner
    codes = [
        etree.fromstring(render(mappings, document, envelope)).find(f"{{{CBC}}}OrderResponseCode")
        for envelope in (PEPPOL, ENVELOPE)
    ]
    # then Peppol gets CA (conditionally accepted), others UNCL 1225 4 (change)
    assert [(c.text, c.get("listID")) for c in codes if c is not None] == [
        ("CA", None),
        ("4", "UNCL1225"),
    ]


def minimal_response() -> OrderResponse:
    return OrderResponse(
        "R2", "PO9", date(2026, 2, 28), ResponseStatus.REJECTED,
        (ResponseLine("1", LineStatus.REJECTED, Decimal("3"), Decimal("0")),),
        buyer=Party(id="7300070011115"), seller=Party(name="Moderna Produkter AB"),
    )  # fmt: skip


def minimal_notice() -> ShipNotice:
    return ShipNotice(
        "DN-1", "PO9", date(2026, 2, 28), date(2026, 2, 28),
        (Package("373500000000000014", (ShipNoticeLine("1", Decimal("3")),)),),
        buyer=Party(id="7300070011115"), seller=Party(id="7302347231111"),
    )  # fmt: skip


def minimal_invoice() -> Invoice:
    return Invoice(
        "INV-1", "PO9", date(2026, 2, 28), "EUR",
        (InvoiceLine("1", Decimal("3"), Decimal("2"), Decimal("6")),),
        (), Decimal("6"), Decimal("0"), Decimal("6"),
        buyer=Party(name="Buyer"), seller=Party(name="Seller"),
    )  # fmt: skip


MINIMAL = {
    "order_response": minimal_response,
    "ship_notice": minimal_notice,
    "invoice": minimal_invoice,
}


@pytest.mark.parametrize("kind", list(MINIMAL))
def test_minimal_document_leaves_optional_parts_out_and_stays_schema_valid(
    mappings: MappingSet, ubl_schemas: dict[str, etree.XMLSchema], kind: str
) -> None:
    # given a document with only its required fields and a trace of each mandatory party
    document = MINIMAL[kind]()
    # when
    data = render(mappings, document, {"uuid": "", "issue_time": "", "peppol": ""})
    # then it is valid, and the empty optional parts are not written
    assert schema_errors(data, ubl_schemas) == []
    text = data.decode("utf-8")
    for absent in ("<cbc:UUID", "<cbc:IssueTime", "PostalAddress", 'schemeID="0088"',
                   "<cbc:Note", "PartyTaxScheme", "unitCode", "<cac:AllowanceCharge"):  # fmt: skip
        assert absent not in text


def test_rejected_line_without_item_ids_keeps_an_empty_item(mappings: MappingSet) -> None:
    # given a line rejected by number only; when rendered
    text = render(mappings, minimal_response(), ENVELOPE).decode("utf-8")
    # then LineItem still has its mandatory Item, empty, and UNCL 1229 7 (not accepted)
    assert "<cbc:LineStatusCode>7</cbc:LineStatusCode>" in text
    assert "<cac:Item/>" in text


@pytest.mark.parametrize(
    ("kind", "element"),
    [
        ("order_response", "/OrderResponse/cac:SellerSupplierParty"),
        ("ship_notice", "/DespatchAdvice/cac:DespatchSupplierParty"),
        ("invoice", "/Invoice/cac:AccountingSupplierParty"),
    ],
)
def test_missing_mandatory_party_fails_instead_of_writing_an_invalid_document(
    mappings: MappingSet, kind: str, element: str
) -> None:
    # given a document without the seller the UBL document must name
    document = replace(MINIMAL[kind](), seller=None)  # type: ignore[type-var]
    # when / then
    with pytest.raises(MappingError) as caught:
        render(mappings, document, ENVELOPE)
    issue = caught.value.issues[0]
    assert issue.code == "mapping.required"
    assert issue.message.startswith(f"{element}: is required")
    assert "{seller.id}" in issue.message
    assert f"mappings/ubl/{MESSAGES[kind]}_2.1.out.toml" in caught.value.message


def test_despatch_lines_are_numbered_over_all_packages_and_name_their_carton(
    mappings: MappingSet,
) -> None:
    # given a pallet with two cartons holding three items
    root = etree.fromstring(render(mappings, rich_notice(), ENVELOPE))
    ns = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
          "cbc": CBC}  # fmt: skip
    # when the lines are read back
    lines = [
        (
            line.findtext("cbc:ID", namespaces=ns),
            line.findtext("cac:OrderLineReference/cbc:LineID", namespaces=ns),
            line.findtext("cac:Shipment/cac:TransportHandlingUnit/cbc:ID", namespaces=ns),
        )
        for line in root.iterfind("cac:DespatchLine", ns)
    ]
    # then each item is a line numbered 1..3 that names its order line and its carton's SSCC
    assert lines == [
        ("1", "1", "373500000000000021"),
        ("2", "2", "373500000000000021"),
        ("3", "1", "373500000000000038"),
    ]
    units = root.findall("cac:Shipment/cac:TransportHandlingUnit/cbc:ID", ns)
    assert [u.text for u in units] == [p.sscc for p in rich_notice().packages]
