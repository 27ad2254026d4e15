"""UBL and cXML in: corpus and hand-written documents map to canonical documents, field by
field; problems name the XPath and line; mapping files are checked when loaded."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from gateway.errors import ConfigError, MappingError
from gateway.formats.xml_kind import xml_kind
from gateway.formats.xml_safe import parse_xml
from gateway.mapping import MappingSet
from gateway.mapping.converters import ConversionError
from gateway.mapping.xml_converters import convert_date, convert_decimal
from gateway.model import (
    AllowanceOrCharge,
    Document,
    Invoice,
    InvoiceLine,
    LineStatus,
    OrderLine,
    OrderResponse,
    Party,
    PurchaseOrder,
    ResponseLine,
    ResponseStatus,
    TaxLine,
)

MAPPINGS = Path(__file__).resolve().parents[2] / "mappings"
DATA = Path(__file__).resolve().parent / "data" / "xml"


@pytest.fixture(scope="module")
def mappings() -> MappingSet:
    return MappingSet.load(MAPPINGS)


def mapped(mappings: MappingSet, data: bytes, filename: str) -> Document:
    """Parse safely, tell the kind, and map with the default mapping of that kind."""
    root = parse_xml(data, filename)
    kind = xml_kind(root, filename)
    # The OASIS Trivial invoice has no cbc:UBLVersionID: its namespace makes it UBL 2.x.
    mapping = mappings.xml_inbound(kind.standard, kind.document, kind.version or "2.1")
    return mapping.apply(root, filename)


def corpus(corpus_dir: Path, name: str) -> bytes:
    return (corpus_dir / "xml" / name).read_bytes()


def order_of(document: Document) -> PurchaseOrder:
    assert isinstance(document, PurchaseOrder)
    return document


def failure(mappings: MappingSet, data: bytes, filename: str) -> MappingError:
    with pytest.raises(MappingError) as caught:
        mapped(mappings, data, filename)
    return caught.value


# --- UBL Order ---------------------------------------------------------------------------


@pytest.mark.corpus
def test_oasis_ubl_order_maps_header_parties_and_lines(
    corpus_dir: Path, mappings: MappingSet
) -> None:
    # given the OASIS UBL 2.1 Order example
    data = corpus(corpus_dir, "oasis__UBL-Order-2.1-Example.xml")
    # when it is mapped
    order = order_of(mapped(mappings, data, "order.xml"))
    # then the header carries the order number, dates, currency and the note
    assert order.order_number == "34"
    assert order.order_date == date(2010, 1, 20)
    assert order.currency == "SEK"
    assert order.requested_delivery_date == date(2010, 2, 10)
    assert order.notes == ("Information text for the whole order",)
    assert order.function == "original"
    # and the buyer is identified by its GLN party identification, not its endpoint
    assert order.buyer == Party(
        id="7300070011115", id_scheme="GLN", name="Johnssons byggvaror",
        street="Rådhusgatan", city="Stockholm", postal_code="11000", country="SE",
        tax_id="SE1234567801", state="RegionX",
    )  # fmt: skip
    # and the seller, whose only party identification has no scheme, by its GLN endpoint
    assert order.seller is not None
    assert (order.seller.id, order.seller.id_scheme) == ("7302347231111", "GLN")
    assert order.seller.name == "Moderna Produkter AB"
    # and the delivery location and delivery party meet in ship_to
    assert order.ship_to is not None
    assert (order.ship_to.id, order.ship_to.id_scheme) == ("1234567890123", "GLN")
    assert order.ship_to.name == "Swedish trucking"
    assert (order.ship_to.street, order.ship_to.city) == ("Rådhusgatan", "Stockholm")
    assert order.bill_to is None  # no AccountingCustomerParty in the example
    # and each line has its number, quantity, unit, price, ids and name
    assert order.lines == (
        OrderLine(
            line_number="1", quantity=Decimal("120"), gtin="1234567890123",
            seller_part="SItemNo001", description="Falu Rödfärg", uom="LTR",
            unit_price=Decimal("50"), requested_delivery_date=date(2010, 2, 10),
        ),
        OrderLine(
            line_number="2", quantity=Decimal("15"), gtin="123452340123",
            seller_part="SItemNo011", description="Pensel 20 mm", uom="C62",
            unit_price=Decimal("15"), requested_delivery_date=date(2010, 2, 10),
        ),
    )  # fmt: skip


def test_peppol_bis3_order_maps_gln_parties_accounting_customer_and_gtin_lines(
    mappings: MappingSet,
) -> None:
    # given a Peppol BIS 3 order written after the BIS 3 specification
    data = (DATA / "peppol_bis3_order.xml").read_bytes()
    # when it is mapped
    order = order_of(mapped(mappings, data, "bis3.xml"))
    # then the header values are read, a note wrapped over two lines reads as one line
    assert (order.order_number, order.order_date) == ("BIS3-4711", date(2025, 5, 12))
    assert order.currency == "EUR"
    assert order.requested_delivery_date == date(2025, 5, 20)
    assert order.notes == (
        "Call the goods reception one hour before delivery",
        "Pallets must not exceed 1.2 m",
    )
    # and parties carry ICD 0088 identifiers as GLNs
    assert order.buyer == Party(
        id="4012345000016", id_scheme="GLN", name="Klinikum Nord", street="Hauptstrasse 12",
        city="Hamburg", postal_code="20095", country="DE", tax_id="DE123456789", state="HH",
    )  # fmt: skip
    # and a seller with only an endpoint and a legal name is still identified and named
    assert order.seller == Party(id="5412345000013", id_scheme="GLN", name="Medisupply NV")
    assert order.bill_to == Party(
        id="4012345000023", id_scheme="GLN", name="Klinikum Nord Kreditoren",
        street="Postfach 4410", city="Hamburg", postal_code="20001", country="DE",
    )  # fmt: skip
    assert order.ship_to == Party(
        id="4012345000030", id_scheme="GLN", name="Zentrallager Klinikum Nord",
        street="Lieferweg 3", city="Hamburg", postal_code="20097", country="DE",
    )  # fmt: skip
    # and lines carry the ICD 0160 GTIN, both part numbers, units and prices
    first, second = order.lines
    assert first == OrderLine(
        line_number="10", quantity=Decimal("24"), gtin="05412345000129", buyer_part="KN-55012",
        seller_part="MS-GZ-1010", description="Gauze swabs 10x10", uom="EA",
        unit_price=Decimal("3.60"),
    )  # fmt: skip
    assert (second.line_number, second.quantity, second.uom) == ("20", Decimal("12.5"), "KGM")
    assert (second.gtin, second.unit_price) == (None, Decimal("17.968"))
    assert second.requested_delivery_date == date(2025, 5, 27)


def test_the_same_order_with_other_prefixes_and_a_default_namespace_maps_identically(
    mappings: MappingSet,
) -> None:
    # given the BIS 3 order, and the same order with po:, a: and a default cbc namespace
    plain = (DATA / "peppol_bis3_order.xml").read_bytes()
    other = (DATA / "peppol_bis3_order_other_prefixes.xml").read_bytes()
    # when both are mapped
    first, second = mapped(mappings, plain, "a.xml"), mapped(mappings, other, "b.xml")
    # then the documents are equal, and not trivially so
    assert first == second
    assert len(order_of(second).lines) == 2


def test_a_missing_required_value_names_the_field_the_element_path_and_line(
    mappings: MappingSet,
) -> None:
    # given the BIS 3 order whose second line lost its cbc:Quantity
    data = (DATA / "peppol_bis3_order.xml").read_bytes()
    data = data.replace(b'<cbc:Quantity unitCode="KGM">12.5</cbc:Quantity>', b"")
    # when it is mapped
    error = failure(mappings, data, "bis3.xml")
    # then one problem names the field, the line item's path, its line and what was tried
    assert len(error.issues) == 1
    issue = error.issues[0]
    assert issue.code == "mapping.required"
    assert issue.location.file == "bis3.xml"
    assert issue.location.xpath == "/Order/cac:OrderLine[2]/cac:LineItem/cbc:Quantity"
    assert issue.location.line == _line_of(data, b"<cbc:ID>20</cbc:ID>") - 1
    assert "cac:LineItem/cbc:Quantity (quantity) is required" in issue.message
    assert "bis3.xml could not be mapped to purchase_order (1 problem" in error.message


def test_a_bad_decimal_names_the_value_the_element_and_its_line(mappings: MappingSet) -> None:
    # given an order line whose quantity uses a decimal comma
    data = (DATA / "peppol_bis3_order.xml").read_bytes()
    data = data.replace(b">12.5</cbc:Quantity>", b">12,5</cbc:Quantity>")
    # when it is mapped
    error = failure(mappings, data, "bis3.xml")
    # then the problem quotes the value and says what an xs:decimal is
    (issue,) = error.issues
    assert issue.code == "mapping.decimal"
    assert issue.message.startswith("cac:LineItem/cbc:Quantity (quantity) '12,5' is not an")
    assert "no ','" in issue.message
    assert issue.location.xpath == "/Order/cac:OrderLine[2]/cac:LineItem/cbc:Quantity"
    assert issue.location.line == _line_of(data, b">12,5</cbc:Quantity>")


def test_every_problem_of_a_document_is_reported_at_once(mappings: MappingSet) -> None:
    # given an order without its number, a bad issue date and a bad price
    data = (DATA / "peppol_bis3_order.xml").read_bytes()
    data = data.replace(b"<cbc:ID>BIS3-4711</cbc:ID>", b"")
    data = data.replace(b"2025-05-12", b"12.05.2025").replace(b">3.60<", b">3.6E0<")
    # when it is mapped
    error = failure(mappings, data, "bis3.xml")
    # then all three are listed, each with its own place
    codes = sorted((i.code, i.location.xpath) for i in error.issues)
    assert codes == [
        ("mapping.date", "/Order/cbc:IssueDate"),
        ("mapping.decimal", "/Order/cac:OrderLine[1]/cac:LineItem/cac:Price/cbc:PriceAmount"),
        ("mapping.required", "/Order/cbc:ID"),
    ]


def test_an_order_without_lines_is_refused(mappings: MappingSet) -> None:
    # given an order whose lines were all removed
    data = (DATA / "peppol_bis3_order.xml").read_bytes()
    data = data[: data.index(b"<cac:OrderLine>")] + b"</Order>\n"
    # when it is mapped, then the missing lines are the problem
    (issue,) = failure(mappings, data, "bis3.xml").issues
    assert issue.code == "mapping.required"
    assert "lines (lines) is required but /Order has no cac:OrderLine/cac:LineItem" in (
        issue.message
    )


# --- cXML OrderRequest -------------------------------------------------------------------


@pytest.mark.corpus
def test_cxml_order_request_maps_header_addresses_and_item_outs(
    corpus_dir: Path, mappings: MappingSet
) -> None:
    # given the cXML 1.2.050 OrderRequest sample
    data = corpus(corpus_dir, "cxmlphp__OrderRequest_cXML-1.2.050.xml")
    # when it is mapped
    order = order_of(mapped(mappings, data, "cxml.xml"))
    # then the header attributes are read; orderDate keeps the date it was written with
    assert (order.order_number, order.order_date) == ("DO1234", date(2000, 10, 12))
    assert (order.function, order.currency) == ("original", "EUR")
    # and a Comments holding only an Attachment gives no note
    assert order.notes == ()
    # and ShipTo and BillTo addresses are parties
    assert order.ship_to == Party(
        name="Acme", street="123 Anystreet", city="Sunnyvale", postal_code="90489",
        country="US", state="CA",
    )  # fmt: skip
    assert order.bill_to == Party(
        name="Zinc GmbH", street="An den Eichen 18", city="Solingen", postal_code="42699",
        country="DE",
    )  # fmt: skip
    # and the buyer is who Header/From names (a NetworkId: a mutually agreed identity), with
    # the BillTo organisation's name and address
    assert order.buyer == Party(
        id="inbound@prominate-platform.com", id_scheme="mutual", name="Zinc GmbH",
        street="An den Eichen 18", city="Solingen", postal_code="42699", country="DE",
    )  # fmt: skip
    # and each ItemOut is a line with its part, price, unit and requested date
    assert order.lines == (
        OrderLine(
            line_number="1", quantity=Decimal("10"), seller_part="1233244",
            description="hello from item 1", uom="EA", unit_price=Decimal("2.10"),
            requested_delivery_date=date(2020, 2, 28),
        ),
        OrderLine(
            line_number="2", quantity=Decimal("20"), seller_part="1233245",
            description="hello from item 2", uom="EA", unit_price=Decimal("3.20"),
            requested_delivery_date=date(2020, 2, 28),
        ),
    )  # fmt: skip


@pytest.mark.corpus
def test_coupa_order_requests_map_address_ids_and_header_comments(
    corpus_dir: Path, mappings: MappingSet
) -> None:
    # given the two Coupa cXML 1.2.014 OrderRequests
    first = order_of(
        mapped(mappings, corpus(corpus_dir, "officeluv__order_request_Coupa_cXML-1.2.014.xml"), "a")
    )
    name = "officeluv__purchase_order_request_200_Coupa_cXML-1.2.014.xml"
    second = order_of(mapped(mappings, corpus(corpus_dir, name), "b"))
    # then the first has its number, currency and the addressID as a buyer-assigned id
    assert (first.order_number, first.order_date, first.currency) == (
        "3309",
        date(2020, 3, 31),
        "USD",
    )
    assert first.ship_to == Party(
        id="21444", id_scheme="buyer", name="Network", street="Main Street", city="New York",
        postal_code="10018", country="US", state="NY",
    )  # fmt: skip
    assert [(li.line_number, li.quantity, li.seller_part, li.unit_price) for li in first.lines] == [
        ("1", Decimal("1"), "product:1861", Decimal("8.1")),
        ("2", Decimal("9"), "product:4884", Decimal("9.29")),
    ]
    assert first.lines[1].description == "Zingerman's Cheese Spreads Pimento Cheese"
    # and the second its header comment as a note and distinct ship-to and bill-to ids
    assert second.order_number == "6112"
    assert second.notes == ("header comment goes here if entered by user",)
    assert second.ship_to is not None and second.bill_to is not None
    assert (second.ship_to.id, second.ship_to.name) == ("3119", "jmadden")
    assert (second.bill_to.id, second.bill_to.name, second.bill_to.state) == ("142", "SOB1", "NJ")
    # and its From credential in the "duns" domain (Coupa's spelling) is a DUNS buyer id
    assert second.buyer is not None
    assert (second.buyer.id, second.buyer.id_scheme, second.buyer.name) == ("dell", "DUNS", "SOB1")
    assert [(li.quantity, li.seller_part, li.uom) for li in second.lines] == [
        (Decimal("1"), "223-4511", "EA"),
        (Decimal("2"), "223-4511", "EA"),
    ]
    assert second.lines[0].requested_delivery_date is None


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("order_type", "function"), [("update", "replace"), ("delete", "cancellation")]
)
def test_cxml_order_type_gives_the_order_function(
    corpus_dir: Path, mappings: MappingSet, order_type: str, function: str
) -> None:
    # given the cXML sample as an update or a delete of the order
    data = corpus(corpus_dir, "cxmlphp__OrderRequest_cXML-1.2.050.xml")
    data = data.replace(b'type="new"', f'type="{order_type}"'.encode())
    # when it is mapped, then the function says what the order does
    assert order_of(mapped(mappings, data, "cxml.xml")).function == function


# --- UBL OrderResponse, OrderResponseSimple ----------------------------------------------


@pytest.mark.corpus
def test_ubl_order_response_maps_status_and_line_statuses(
    corpus_dir: Path, mappings: MappingSet
) -> None:
    # given the OASIS OrderResponse example (no OrderResponseCode; NoStatus and Disputed lines)
    data = corpus(corpus_dir, "oasis__UBL-OrderResponse-2.1-Example.xml")
    # when it is mapped
    response = mapped(mappings, data, "rsp.xml")
    # then it answers order 34, accepted as a whole, with one accepted and one rejected line
    assert isinstance(response, OrderResponse)
    assert (response.response_number, response.order_number) == ("7", "34")
    assert (response.issue_date, response.currency) == (date(2010, 1, 21), "SEK")
    assert response.status is ResponseStatus.ACCEPTED
    assert [(li.line_number, li.status) for li in response.lines] == [
        ("1", LineStatus.ACCEPTED),
        ("2", LineStatus.REJECTED),
    ]
    assert response.lines[0].confirmed_quantity == Decimal("0")  # the example has none
    assert response.buyer is not None and response.seller is not None
    assert (response.buyer.id, response.seller.name) == ("7300070011115", "Moderna Produkter AB")
    assert response.notes == ("Information text for the whole order response",)


def test_peppol_order_response_codes_and_line_quantities_are_read(mappings: MappingSet) -> None:
    # given a BIS 3 style response: conditionally accepted, one line changed with a quantity
    data = b"""<?xml version="1.0"?>
<OrderResponse xmlns="urn:oasis:names:specification:ubl:schema:xsd:OrderResponse-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:fdc:peppol.eu:poacc:trns:order_response:3</cbc:CustomizationID>
  <cbc:ID>R-9</cbc:ID>
  <cbc:IssueDate>2025-05-13</cbc:IssueDate>
  <cbc:OrderResponseCode>CA</cbc:OrderResponseCode>
  <cac:OrderReference><cbc:ID>BIS3-4711</cbc:ID></cac:OrderReference>
  <cac:OrderLine>
    <cac:LineItem>
      <cbc:ID>1</cbc:ID>
      <cbc:LineStatusCode>3</cbc:LineStatusCode>
      <cbc:Quantity unitCode="EA">20</cbc:Quantity>
      <cac:Delivery><cac:PromisedDeliveryPeriod><cbc:StartDate>2025-05-23</cbc:StartDate>
      </cac:PromisedDeliveryPeriod></cac:Delivery>
      <cac:Item><cbc:Name>Gauze swabs 10x10</cbc:Name></cac:Item>
    </cac:LineItem>
    <cac:OrderLineReference><cbc:LineID>10</cbc:LineID></cac:OrderLineReference>
  </cac:OrderLine>
</OrderResponse>"""
    # when it is mapped
    response = mapped(mappings, data, "rsp.xml")
    # then the UNCL 4343 and 1229 codes give the statuses, the order line number is the
    # referenced one, and the promised date is the confirmed date
    assert isinstance(response, OrderResponse)
    assert response.status is ResponseStatus.ACCEPTED_WITH_CHANGES
    (line,) = response.lines
    assert (line.line_number, line.status) == ("10", LineStatus.CHANGED)
    assert (line.confirmed_quantity, line.uom) == (Decimal("20"), "EA")
    assert line.confirmed_delivery_date == date(2025, 5, 23)


def test_an_unknown_line_status_code_names_the_code_and_the_table(mappings: MappingSet) -> None:
    # given a response line with a status code no list knows
    data = (
        b'<OrderResponse xmlns="urn:oasis:names:specification:ubl:schema:xsd:OrderResponse-2"'
        b' xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"'
        b' xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
        b"<cbc:ID>R-1</cbc:ID><cbc:IssueDate>2025-05-13</cbc:IssueDate>"
        b"<cac:OrderReference><cbc:ID>O-1</cbc:ID></cac:OrderReference>"
        b"<cac:OrderLine><cac:LineItem><cbc:ID>1</cbc:ID>"
        b"<cbc:LineStatusCode>Maybe</cbc:LineStatusCode><cac:Item/></cac:LineItem></cac:OrderLine>"
        b"</OrderResponse>"
    )
    # when it is mapped, then the code, the table and the element are named
    (issue,) = failure(mappings, data, "rsp.xml").issues
    assert issue.code == "mapping.code"
    assert "cbc:LineStatusCode (line status) 'Maybe' is not in code table ubl_line_status" in (
        issue.message
    )
    assert issue.location.xpath == "/OrderResponse/cac:OrderLine/cac:LineItem/cbc:LineStatusCode"
    assert issue.location.line == 1


@pytest.mark.corpus
def test_order_response_simple_accepted_and_rejected_with_its_note(
    corpus_dir: Path, mappings: MappingSet
) -> None:
    # given the OASIS OrderResponseSimple example, and the same rejected with a reason
    data = corpus(corpus_dir, "oasis__UBL-OrderResponseSimple-2.1-Example.xml")
    rejected = data.replace(
        b"<cbc:AcceptedIndicator>true</cbc:AcceptedIndicator>",
        b"<cbc:AcceptedIndicator>false</cbc:AcceptedIndicator>"
        b"<cbc:RejectionNote>Item discontinued</cbc:RejectionNote>",
    )
    # when both are mapped
    accepted, refused = mapped(mappings, data, "a.xml"), mapped(mappings, rejected, "r.xml")
    # then the indicator gives the status, the rejection note is a note, there are no lines
    assert isinstance(accepted, OrderResponse) and isinstance(refused, OrderResponse)
    assert (accepted.response_number, accepted.order_number) == ("7", "34")
    assert (accepted.status, accepted.notes, accepted.lines) == (ResponseStatus.ACCEPTED, (), ())
    assert refused.status is ResponseStatus.REJECTED
    assert refused.notes == ("Item discontinued",)
    assert refused.seller is not None and refused.seller.id == "7302347231111"


# --- UBL Invoice -------------------------------------------------------------------------


@pytest.mark.corpus
def test_oasis_ubl_invoice_maps_totals_taxes_charges_and_lines(
    corpus_dir: Path, mappings: MappingSet
) -> None:
    # given the OASIS UBL 2.1 Invoice example
    invoice = mapped(mappings, corpus(corpus_dir, "oasis__UBL-Invoice-2.1-Example.xml"), "i.xml")
    # then the header, totals and tax subtotals are read
    assert isinstance(invoice, Invoice)
    assert (invoice.invoice_number, invoice.order_number) == ("TOSL108", "123")
    assert (invoice.issue_date, invoice.due_date) == (date(2009, 12, 15), date(2009, 12, 31))
    assert (invoice.currency, invoice.delivery_date) == ("EUR", date(2009, 12, 15))
    assert (invoice.net_total, invoice.tax_total, invoice.gross_total) == (
        Decimal("1436.5"), Decimal("292.20"), Decimal("729"),
    )  # fmt: skip
    assert invoice.lines_total == Decimal("1436.5")
    assert invoice.taxes == (
        TaxLine("S", Decimal("20"), Decimal("1460.5"), Decimal("292.1")),
        TaxLine("AA", Decimal("10"), Decimal("1"), Decimal("0.1")),
        TaxLine("E", Decimal("0"), Decimal("-25"), Decimal("0")),
    )
    assert [(a.indicator, a.amount, a.reason) for a in invoice.allowances_charges] == [
        (AllowanceOrCharge.CHARGE, Decimal("100"), "Packing cost"),
        (AllowanceOrCharge.ALLOWANCE, Decimal("100"), "Promotion discount"),
    ]
    # and the parties: seller and accounting customer (who is the buyer too)
    assert invoice.seller is not None and invoice.bill_to is not None
    assert (invoice.seller.id, invoice.seller.name, invoice.seller.tax_id) == (
        "1234567890123",
        "Salescompany ltd.",
        "DK12345",
    )
    assert (invoice.bill_to.name, invoice.bill_to.country) == ("Buyercompany ltd", "BE")
    assert invoice.buyer == invoice.bill_to
    assert invoice.ship_to is not None and invoice.ship_to.id == "6754238987648"
    # and five lines with quantity, unit, price, amount, ids and the line tax
    assert len(invoice.lines) == 5
    first, second = invoice.lines[:2]
    assert (first.line_number, first.quantity, first.uom) == ("1", Decimal("1"), "C62")
    assert (first.unit_price, first.net_amount) == (Decimal("1273"), Decimal("1273"))
    assert (first.gtin, first.seller_part, first.description) == (
        "1234567890124",
        "JB007",
        "Labtop computer",
    )
    assert first.tax == TaxLine("S", Decimal("20"), Decimal("1273"), Decimal("254.6"))
    assert (second.quantity, second.net_amount) == (Decimal("-1"), Decimal("-3.96"))
    assert second.tax == TaxLine("AA", Decimal("10"), Decimal("-3.96"), Decimal("-0.396"))
    assert invoice.lines[4].quantity == Decimal("250")


@pytest.mark.corpus
def test_trivial_invoice_takes_currency_from_amounts_and_has_no_order_number(
    corpus_dir: Path, mappings: MappingSet
) -> None:
    # given the OASIS Trivial invoice: no currency code, order reference, tax or quantities
    data = corpus(corpus_dir, "oasis__UBL-Invoice-2.1-Example-Trivial.xml")
    invoice = mapped(mappings, data, "trivial.xml")
    # then the payable amount's currencyID is the currency, the order number is empty
    assert isinstance(invoice, Invoice)
    assert (invoice.invoice_number, invoice.issue_date) == ("123", date(2011, 9, 22))
    assert (invoice.currency, invoice.order_number) == ("CAD", "")
    # and with no tax at all the payable amount is the net total
    assert (invoice.net_total, invoice.tax_total, invoice.gross_total) == (
        Decimal("100.00"), Decimal("0"), Decimal("100.00"),
    )  # fmt: skip
    assert invoice.taxes == ()
    # and the line without a quantity is one unit priced at its amount
    (line,) = invoice.lines
    assert (line.quantity, line.unit_price, line.net_amount) == (
        Decimal("1"), Decimal("100.00"), Decimal("100.00"),
    )  # fmt: skip
    assert (line.description, line.tax) == ("Cotter pin, MIL-SPEC", None)
    assert invoice.seller is not None and invoice.seller.name == "Custom Cotter Pins"
    assert invoice.bill_to is not None and invoice.bill_to.name == "North American Veeblefetzer"


# --- Our own outbound UBL, read back -----------------------------------------------------

BUYER = Party(
    id="7350000000016", id_scheme="GLN", name="Norrland Region", street="Storgatan 1",
    city="Umea", postal_code="90326", country="SE",
)  # fmt: skip
SELLER = Party(id="5412345000013", id_scheme="GLN", name="Our Company")
ENVELOPE = {"uuid": "6f1c1d3e-0000-4000-8000-000000000001", "issue_time": "10:00:00"}


def test_our_own_ubl_order_response_reads_back_as_it_was_sent(mappings: MappingSet) -> None:
    # given an order response with a changed line (part backordered) and an accepted one
    sent = OrderResponse(
        "R-1", "NR-7001", date(2026, 11, 21), ResponseStatus.ACCEPTED_WITH_CHANGES,
        (
            ResponseLine(
                "1", LineStatus.CHANGED, Decimal("200"), Decimal("150"), gtin="4006381333931",
                seller_part="PEN-BLUE", description="Ballpoint pen, blue", uom="EA",
                unit_price=Decimal("0.45"), confirmed_delivery_date=date(2026, 12, 2),
                backordered_quantity=Decimal("50"), backorder_date=date(2026, 12, 20),
                reason="AV",
            ),
            ResponseLine("2", LineStatus.ACCEPTED, Decimal("30"), Decimal("30"), uom="EA"),
        ),
        order_date=date(2026, 11, 20), currency="EUR", buyer=BUYER, seller=SELLER,
        notes=("Partial delivery",),
    )  # fmt: skip
    # when it is rendered by the UBL outbound mapping and read back by the inbound one
    data = mappings.xml_outbound("order_response", "UBL", "OrderResponse", "2.1", "p").apply(
        sent, ENVELOPE
    )
    read = mapped(mappings, data, "ordrsp.xml")
    # then nothing is lost: the backorder is the second delivery of the line's schedule
    assert read == sent


def test_our_own_ubl_invoice_reads_back_but_for_the_line_tax_amount(mappings: MappingSet) -> None:
    # given an invoice with one taxed line
    tax = TaxLine("S", Decimal("25"), Decimal("67.50"), Decimal("16.88"))
    line = InvoiceLine(
        "1", Decimal("150"), Decimal("0.45"), Decimal("67.50"), gtin="4006381333931",
        seller_part="PEN-BLUE", description="Ballpoint pen, blue", uom="EA", tax=tax,
    )  # fmt: skip
    sent = Invoice(
        "INV-1", "NR-7001", date(2026, 12, 5), "EUR", (line,), (tax,), Decimal("67.50"),
        Decimal("16.88"), Decimal("84.38"), due_date=date(2027, 1, 4), buyer=BUYER,
        seller=SELLER, bill_to=BUYER, lines_total=Decimal("67.50"),
    )  # fmt: skip
    # when it is rendered as UBL and read back
    data = mappings.xml_outbound("invoice", "UBL", "Invoice", "2.1", "p").apply(sent, ENVELOPE)
    read = mapped(mappings, data, "invoice.xml")
    # then it is the same invoice, except that a Peppol BIS 3 line carries its tax category
    # and rate but no tax amount, so the line's tax cannot be rebuilt
    assert read == replace(sent, lines=(replace(line, tax=None),))


# --- Converters --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["1,5", "1E3", "", "1.2.3", "NaN", "+"])
def test_decimal_refuses_what_is_not_an_xs_decimal(text: str) -> None:
    with pytest.raises(ConversionError) as caught:
        convert_decimal(text)
    assert caught.value.code == "mapping.decimal"


def test_decimal_reads_signs_leading_points_and_surrounding_space() -> None:
    assert convert_decimal(" -3.96\n") == Decimal("-3.96")
    assert convert_decimal("+.5") == Decimal("0.5")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2010-01-20", date(2010, 1, 20)),
        ("2000-10-12T18:41:29-08:00", date(2000, 10, 12)),  # the date as written, not UTC
        ("2020-02-28T00:00:00+00:00", date(2020, 2, 28)),
        ("2020-03-31T21:39:22.125Z", date(2020, 3, 31)),
        ("2020-03-31+01:00", date(2020, 3, 31)),
    ],
)
def test_date_reads_xs_date_and_the_date_part_of_xs_datetime(text: str, expected: date) -> None:
    assert convert_date(text) == expected


@pytest.mark.parametrize("text", ["2020-02-30", "12.10.2000", "20201012", "2020-10-12T25:00:00"])
def test_date_refuses_what_is_not_a_calendar_date(text: str) -> None:
    with pytest.raises(ConversionError) as caught:
        convert_date(text)
    assert caught.value.code == "mapping.date"


# --- Loading -----------------------------------------------------------------------------

BROKEN = """
[mapping]
standard = "UBL"
message_type = "Order"
version = "2.1"
direction = "in"
document = "purchase_order"

[namespaces]
cbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

[fields]
order_number = { from = "cbc:ID[" }
order_date = { from = "cbc:IssueDate", convert = "german_date" }
currency = { from = "zz:DocumentCurrencyCode" }
colour = { from = "cbc:Colour" }
notes = { from = "cbc:Note", convert = "decimal", many = true }
function = { from = "cbc:Function", default = "x", convert = "code:no_such_table" }

[groups.lines]
from = "cac:OrderLine"
into = "lines"

[groups.lines.fields]
line_number = { from = "cbc:ID" }
quantity = { from = "cbc:Quantity", convert = "decimal", default = "1,5" }

[groups.seller]
from = "cbc:Seller"
into = "seller"
like = "buyer"

[groups.ship_to]
from = "cbc:Delivery"
into = "ship_to"

[groups.ship_to.fields]
id_scheme = { of = "id", from = "@schemeID" }
"""

BAD_STATUS_TABLE = """
[mapping]
standard = "UBL"
message_type = "OrderResponseSimple"
version = "2.1"
direction = "in"
document = "order_response"

[namespaces]
cbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

[fields]
response_number = "cbc:ID"
order_number = "cbc:ID"
issue_date = { from = "cbc:IssueDate", convert = "date" }
status = { from = "cbc:AcceptedIndicator", convert = "code:ubl_accepted_indicator" }

[codes.ubl_accepted_indicator]
"maybe" = "perhaps"
"""


def test_every_problem_of_an_xml_mapping_file_is_reported_at_load(tmp_path: Path) -> None:
    # given a mapping folder with a broken UBL Order file and a status table naming no status
    root = tmp_path / "mappings"
    (root / "ubl").mkdir(parents=True)
    (root / "codes").mkdir()
    (root / "codes" / "ubl_accepted_indicator.toml").write_text('[codes]\n"true" = "accepted"\n')
    (root / "ubl" / "Order_2.1.in.toml").write_text(BROKEN)
    (root / "ubl" / "OrderResponseSimple_2.1.in.toml").write_text(BAD_STATUS_TABLE)
    # when it is loaded
    with pytest.raises(ConfigError) as caught:
        MappingSet.load(root)
    problems = "\n".join(caught.value.problems)
    # then every problem is named with its file and key
    where = "ubl/Order_2.1.in.toml: fields"
    assert f"{where}.order_number.from: XPath 'cbc:ID[' is not valid XPath 1.0" in problems
    assert f"{where}.order_date.convert: unknown converter 'german_date'" in problems
    assert (
        f"{where}.currency.from: XPath 'zz:DocumentCurrencyCode' uses prefix zz not declared"
        " in [namespaces] (declared: cbc)"
    ) in problems
    assert f"{where}.colour: PurchaseOrder has no field 'colour'" in problems
    assert f"{where}.notes.convert: 'decimal' gives Decimal values but the field is" in problems
    assert f"{where}.function.convert: unknown code table 'no_such_table'" in problems
    assert "ubl/Order_2.1.in.toml: groups.lines.from: XPath 'cac:OrderLine' uses prefix cac" in (
        problems
    )
    assert (
        "ubl/Order_2.1.in.toml: groups.lines.fields.quantity.default: '1,5' is not an xs:decimal"
    ) in problems
    assert "groups.seller.like: 'buyer' is not another group here" in problems
    assert "groups.ship_to.fields.id_scheme.of: 'id' is not a field of this table" in problems
    assert (
        "ubl/OrderResponseSimple_2.1.in.toml: fields.status.convert: code table"
        " ubl_accepted_indicator maps 'maybe' to 'perhaps', not a ResponseStatus"
    ) in problems


def test_a_partner_override_of_an_xml_mapping_replaces_one_field(tmp_path: Path) -> None:
    # given a partner whose order number is the one in cbc:CustomerReference
    root = tmp_path / "mappings"
    shutil.copytree(MAPPINGS, root)
    override = root / "partners" / "klinikum" / "Order_2.1.in.toml"
    override.parent.mkdir(parents=True)
    override.write_text('[fields]\norder_number = { from = "cbc:CustomerReference" }\n')
    mappings = MappingSet.load(root, partner_ids=["klinikum"])
    data = (DATA / "peppol_bis3_order.xml").read_bytes()
    root_element = parse_xml(data, "bis3.xml")
    # when the order is mapped for the partner and for anyone else
    own = mappings.xml_inbound("UBL", "Order", "2.1", "klinikum").apply(root_element, "bis3.xml")
    default = mappings.xml_inbound("UBL", "Order", "2.1").apply(root_element, "bis3.xml")
    # then only the partner's order number differs
    assert order_of(own).order_number == "CR-2025-88"
    assert order_of(default).order_number == "BIS3-4711"
    assert replace(order_of(own), order_number="BIS3-4711") == default


def _line_of(data: bytes, needle: bytes) -> int:
    """The 1-based line on which `needle` first stands."""
    return data[: data.index(needle)].count(b"\n") + 1
