"""Inbound XML checked against the gateway's XSDs (schemas/xml) and, when configured, OASIS's."""

from __future__ import annotations

import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from lxml import etree

from gateway.errors import ConfigError, Issue
from gateway.formats.xml_kind import xml_kind
from gateway.formats.xml_safe import parse_xml
from gateway.validate.xml_schema import MAX_ISSUES, XmlSchemas

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "schemas"
DATA = Path(__file__).resolve().parent / "data"
VALID = DATA / "xml_valid"
INVALID = DATA / "xml_invalid"
ORDER = "urn:oasis:names:specification:ubl:schema:xsd:Order-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


@pytest.fixture(scope="module")
def schemas() -> XmlSchemas:
    """The project's XSDs only."""
    return XmlSchemas.load(SCHEMAS)


@pytest.fixture(scope="module")
def with_oasis(corpus_dir: Path) -> XmlSchemas:
    """The project's XSDs and the OASIS UBL 2.1 ones from the corpus."""
    return XmlSchemas.load(SCHEMAS, corpus_dir / "schemas" / "ubl-2.1")


def read(path: Path) -> etree._Element:
    """A file as the gateway reads it."""
    return parse_xml(path.read_bytes(), path.name)


def check(schemas: XmlSchemas, root: etree._Element, filename: str = "in.xml") -> list[Issue]:
    """The schema issues of a document, its kind found as the pipeline finds it."""
    kind = xml_kind(root, filename)
    return schemas.issues(root, kind.standard, kind.document, filename)


def reprefixed(root: etree._Element, nsmap: dict[str | None, str]) -> etree._Element:
    """A copy of `root` written with other namespace prefixes, re-read from its bytes."""

    def copy(source: etree._Element, parent: etree._Element | None) -> etree._Element:
        if parent is None:
            target = etree.Element(source.tag, dict(source.attrib), nsmap=nsmap)
        else:
            target = etree.SubElement(parent, source.tag, dict(source.attrib))
        target.text, target.tail = source.text, source.tail
        for child in source.iterchildren(etree.Element):
            copy(child, target)
        return target

    return parse_xml(etree.tostring(copy(root, None)), "reprefixed.xml")


# Accepted documents.


def test_every_corpus_xml_file_passes_the_project_schemas(
    schemas: XmlSchemas, corpus_dir: Path
) -> None:
    # given every UBL and cXML sample of the corpus (OASIS examples, Coupa and cxml-php orders)
    files = sorted((corpus_dir / "xml").glob("*.xml"))
    assert len(files) >= 8
    # when each is checked against the project's schemas, then none has an issue
    for path in files:
        assert check(schemas, read(path), path.name) == [], path.name


def test_every_corpus_ubl_file_passes_the_oasis_schemas_too(
    with_oasis: XmlSchemas, corpus_dir: Path
) -> None:
    # given the OASIS XSDs configured and the OASIS UBL examples
    files = sorted((corpus_dir / "xml").glob("oasis__*.xml"))
    assert len(files) == 5
    # then each passes both schemas
    assert with_oasis.oasis
    for path in files:
        assert check(with_oasis, read(path), path.name) == [], path.name


def test_a_peppol_bis3_order_passes_the_project_schema(schemas: XmlSchemas) -> None:
    # given a Peppol BIS Ordering 3 order (Peppol identifiers, order type 220)
    root = read(VALID / "peppol_bis3_order.xml")
    # when it is checked, then it is accepted
    assert check(schemas, root) == []


def test_a_peppol_bis3_order_passes_the_oasis_schema(with_oasis: XmlSchemas) -> None:
    # given the same Peppol order, checked with the OASIS XSDs as well
    root = read(VALID / "peppol_bis3_order.xml")
    # then both accept it
    assert check(with_oasis, root) == []


@pytest.mark.parametrize("name", ["cxml_response_status_ok.xml", "cxml_message_status.xml"])
def test_a_cxml_status_answer_passes(schemas: XmlSchemas, name: str) -> None:
    # given a partner's answer to a document we posted: a Response (200 OK, with a DOCTYPE)
    # or a one-way Message (500) naming what it answers in inReplyTo
    root = read(VALID / name)
    # then it is accepted as the cXML "Status" document
    assert xml_kind(root).document == "Status"
    assert check(schemas, root) == []


@pytest.mark.parametrize(
    "nsmap",
    [
        {"o": ORDER, "x": CAC, "y": CBC},
        {"o": ORDER, "c": CAC, None: CBC},
    ],
    ids=["other prefixes", "cbc as the default namespace"],
)
def test_validity_does_not_depend_on_namespace_prefixes(
    schemas: XmlSchemas, nsmap: dict[str | None, str]
) -> None:
    # given the minimal order and the Peppol order rewritten with other prefixes
    for name in ("ubl_order_minimal.xml", "peppol_bis3_order.xml"):
        root = reprefixed(read(VALID / name), nsmap)
        prefixes = {prefix for prefix in nsmap if prefix}
        assert set(re.findall(rb"<(\w+):", etree.tostring(root))) <= {p.encode() for p in prefixes}
        # when checked, then still accepted
        assert check(schemas, root, name) == [], name


def test_errors_name_elements_by_ubl_prefixes_whatever_the_file_used(
    schemas: XmlSchemas,
) -> None:
    # given the order with a quantity in words, rewritten with prefixes x: and y:
    root = reprefixed(
        read(INVALID / "ubl_order_quantity_text.xml"), {"o": ORDER, "x": CAC, "y": CBC}
    )
    # when checked
    issues = check(schemas, root, "reprefixed.xml")
    # then the error's path and message use cac: and cbc: as UBL writes them
    assert [issue.location.xpath for issue in issues] == [
        "/Order/cac:OrderLine[2]/cac:LineItem/cbc:Quantity"
    ]
    assert issues[0].message.startswith("cbc:Quantity: 'twelve' is not a decimal number")


# Refused documents: what, where and what was expected.


@pytest.mark.parametrize(
    ("name", "xpath", "line", "message"),
    [
        (
            "ubl_order_missing_id.xml",
            "/Order/cbc:IssueDate",
            6,
            "cbc:IssueDate: not expected here; expected one of ext:UBLExtensions, "
            "cbc:UBLVersionID, cbc:CustomizationID, cbc:ProfileID, cbc:ProfileExecutionID, cbc:ID",
        ),
        (
            "ubl_order_quantity_text.xml",
            "/Order/cac:OrderLine[2]/cac:LineItem/cbc:Quantity",
            20,
            "cbc:Quantity: 'twelve' is not a decimal number such as 12.50",
        ),
        (
            "ubl_order_out_of_order.xml",
            "/Order/cac:SellerSupplierParty",
            8,
            # libxml2 lists the first ten elements that could come here, then "..."
            "cac:SellerSupplierParty: not expected here; expected one of cbc:IssueTime, "
            "cbc:OrderTypeCode, cbc:Note, cbc:RequestedInvoiceCurrencyCode, "
            "cbc:DocumentCurrencyCode, cbc:PricingCurrencyCode, cbc:TaxCurrencyCode, "
            "cbc:CustomerReference, cbc:AccountingCostCode, cbc:AccountingCost, ...",
        ),
        (
            "ubl_order_line_without_quantity.xml",
            "/Order/cac:OrderLine/cac:LineItem/cac:Item",
            13,
            "cac:Item: not expected here; expected one of cbc:SalesOrderID, cbc:UUID, cbc:Note, "
            "cbc:LineStatusCode, cbc:Quantity",
        ),
        (
            "cxml_missing_payload_id.xml",
            "/cXML",
            3,
            "cXML: the required attribute payloadID is missing",
        ),
        (
            "cxml_itemout_quantity_ten.xml",
            "/cXML/Request/OrderRequest/ItemOut",
            17,
            "ItemOut@quantity: 'ten' is not a decimal number such as 12.50",
        ),
        (
            "cxml_status_without_code.xml",
            "/cXML/Response/Status",
            5,
            "Status: the required attribute code is missing",
        ),
    ],
)
def test_a_broken_document_gets_one_issue_saying_what_where_and_what_was_expected(
    schemas: XmlSchemas, name: str, xpath: str, line: int, message: str
) -> None:
    # given a document with one mistake
    root = read(INVALID / name)
    # when checked
    issues = check(schemas, root, name)
    # then exactly one schema issue names the file, line and element, and says what was wrong
    assert len(issues) == 1, issues
    issue = issues[0]
    assert issue.code == "xml.schema"
    assert issue.severity == "error"
    assert (issue.location.file, issue.location.xpath, issue.location.line) == (name, xpath, line)
    assert issue.message.startswith(message), issue.message
    assert issue.message.endswith(".xsd)")


def test_a_root_in_the_wrong_namespace_is_named_with_the_namespace_expected(
    schemas: XmlSchemas,
) -> None:
    # given an Order whose root is in the UBL 2.0 draft namespace (xml_kind would not call it
    # UBL 2.1; the caller asks for an Order check anyway)
    root = read(INVALID / "ubl_order_wrong_namespace.xml")
    # when checked as a UBL Order
    issues = schemas.issues(root, "UBL", "Order", "wrong.xml")
    # then one issue says which namespace was found and which one a UBL 2.1 Order has
    assert [issue.code for issue in issues] == ["xml.schema"]
    assert "{urn:oasis:names:draft:ubl:schema:xsd:Order-2}Order" in issues[0].message
    assert f"root element Order in {ORDER}" in issues[0].message
    assert issues[0].location.xpath == "/*"


def test_a_cxml_root_checked_as_ubl_is_refused_at_the_root(schemas: XmlSchemas) -> None:
    # given a cXML order passed as a UBL Order by mistake
    root = read(INVALID / "cxml_itemout_quantity_ten.xml")
    # then the root is refused, nothing deeper reported
    issues = schemas.issues(root, "UBL", "Order", "po.xml")
    assert len(issues) == 1
    assert issues[0].message.startswith("the root element is {}cXML")


@pytest.mark.parametrize(
    ("standard", "document"),
    [("UBL", "DespatchAdvice"), ("CXML", "PunchOutOrderMessage"), ("EDIFACT", "ORDERS")],
)
def test_an_unknown_document_kind_gives_one_clear_issue(
    schemas: XmlSchemas, standard: str, document: str
) -> None:
    # given a kind of document no schema here checks
    root = read(VALID / "ubl_order_minimal.xml")
    # when asked to check it
    issues = schemas.issues(root, standard, document, "other.xml")
    # then one issue names the kind and lists the kinds accepted
    assert [issue.code for issue in issues] == ["xml.schema_unknown"]
    assert f"no schema checks a {standard} {document}" in issues[0].message
    assert "Order, OrderResponse, OrderResponseSimple, Invoice" in issues[0].message
    assert "cXML OrderRequest and Response (Status)" in issues[0].message


def test_the_standard_name_is_compared_without_case(schemas: XmlSchemas) -> None:
    # given a cXML order named "cXML" rather than xml_kind's "CXML"
    root = read(INVALID / "cxml_itemout_quantity_ten.xml")
    # then it is checked all the same
    assert len(schemas.issues(root, "cXML", "OrderRequest", "po.xml")) == 1


def test_issues_are_capped_with_a_count_of_the_rest(schemas: XmlSchemas) -> None:
    # given an order of 150 lines, each with a quantity in words
    line = (
        "<cac:OrderLine><cac:LineItem><cbc:ID>{n}</cbc:ID><cbc:Quantity>x</cbc:Quantity>"
        "<cac:Item/></cac:LineItem></cac:OrderLine>"
    )
    lines = "".join(line.format(n=n) for n in range(1, 151))
    data = (
        f'<Order xmlns="{ORDER}" xmlns:cac="{CAC}" xmlns:cbc="{CBC}"><cbc:ID>1</cbc:ID>'
        "<cbc:IssueDate>2024-05-02</cbc:IssueDate><cac:BuyerCustomerParty/>"
        f"<cac:SellerSupplierParty/>{lines}</Order>"
    ).encode()
    # when checked
    issues = check(schemas, parse_xml(data, "big.xml"), "big.xml")
    # then the first 100 are listed and one more issue counts the other 50
    assert len(issues) == MAX_ISSUES + 1
    assert issues[99].location.xpath == "/Order/cac:OrderLine[100]/cac:LineItem/cbc:Quantity"
    assert issues[-1].message == "50 more schema errors not listed (the first 100 are)"


# The OASIS schemas.


def test_the_oasis_schema_refuses_what_only_it_checks(with_oasis: XmlSchemas) -> None:
    # given an order with an element UBL does not have inside cac:Item, which the project's
    # schema accepts loosely
    root = read(INVALID / "ubl_order_unknown_item_element.xml")
    assert check(XmlSchemas.load(SCHEMAS), root) == []
    # when checked with the OASIS schemas configured
    issues = check(with_oasis, root, "colour.xml")
    # then the OASIS schema refuses it, naming itself and the element
    assert len(issues) == 1
    assert issues[0].location.xpath == "/Order/cac:OrderLine/cac:LineItem/cac:Item/cac:Colour"
    assert issues[0].message.startswith("cac:Colour: not expected here; expected one of")
    assert issues[0].message.endswith("(OASIS UBL-Order-2.1.xsd)")


def test_the_oasis_schema_is_not_asked_when_the_project_schema_already_refuses(
    with_oasis: XmlSchemas,
) -> None:
    # given an order missing its cbc:ID, which both schemas refuse
    issues = check(with_oasis, read(INVALID / "ubl_order_missing_id.xml"))
    # then it is reported once, by the project's schema
    assert len(issues) == 1
    assert issues[0].message.endswith("(schemas/xml/ubl-2.1/maindoc/Order.xsd)")


def test_the_oasis_schemas_are_compiled_once_per_process(corpus_dir: Path) -> None:
    # given the OASIS schemas loaded once
    oasis = corpus_dir / "schemas" / "ubl-2.1"
    XmlSchemas.load(SCHEMAS, oasis)
    # when loaded again (by another part of the gateway, or the xsd folder named directly)
    started = time.perf_counter()
    XmlSchemas.load(SCHEMAS, oasis)
    XmlSchemas.load(SCHEMAS, oasis / "xsd")
    # then nothing is compiled again (compiling takes about 0.2 s per document)
    assert time.perf_counter() - started < 0.15


def test_a_folder_without_the_oasis_xsds_stops_the_start(tmp_path: Path) -> None:
    # given an OASIS path that holds no UBL release
    # when the schemas are loaded, then the configuration problem names the folder
    with pytest.raises(ConfigError) as caught:
        XmlSchemas.load(SCHEMAS, tmp_path)
    assert caught.value.problems == (
        f"{tmp_path}: not the OASIS UBL 2.1 XSDs: expected the folders maindoc/ and common/ "
        "(or xsd/maindoc/ and xsd/common/) of the UBL 2.1 release",
    )


# The schema files themselves.


def test_missing_and_broken_schema_files_are_all_reported_at_once(tmp_path: Path) -> None:
    # given a copy of schemas/xml with the Invoice schema missing and the cXML one broken
    shutil.copytree(SCHEMAS / "xml", tmp_path / "xml")
    (tmp_path / "xml" / "ubl-2.1" / "maindoc" / "Invoice.xsd").unlink()
    (tmp_path / "xml" / "cxml-1.2" / "cXML.xsd").write_text("<xs:schema")
    # when loaded
    with pytest.raises(ConfigError) as caught:
        XmlSchemas.load(tmp_path)
    # then both problems are listed, once each, with their files
    problems = caught.value.problems
    assert len(problems) == 2
    assert problems[0] == (
        f"{tmp_path / 'xml' / 'ubl-2.1' / 'maindoc' / 'Invoice.xsd'}: missing; "
        "it is needed to check inbound XML"
    )
    assert problems[1].startswith(
        f"{tmp_path / 'xml' / 'cxml-1.2' / 'cXML.xsd'}: cannot be read as an XML schema: "
    )


def test_the_schemas_import_only_local_files() -> None:
    # given every XSD written for the project
    files = sorted((SCHEMAS / "xml").rglob("*.xsd"))
    assert len(files) == 9
    for path in files:
        tree = etree.parse(str(path), etree.XMLParser(no_network=True, resolve_entities=False))
        # then each import or include names a file beside it, never a URL
        for location in tree.xpath("//@schemaLocation"):
            assert "://" not in location, path
            assert (path.parent / location).is_file(), (path, location)


def test_an_edited_schema_is_compiled_again(tmp_path: Path) -> None:
    # given a copy of the schemas loaded once
    shutil.copytree(SCHEMAS / "xml", tmp_path / "xml")
    root = read(VALID / "ubl_order_minimal.xml")
    assert check(XmlSchemas.load(tmp_path), root) == []
    # when the cbc schema is edited to make cbc:IssueDate a time
    cbc = tmp_path / "xml" / "ubl-2.1" / "common" / "CommonBasicComponents.xsd"
    text = cbc.read_text().replace(
        'name="IssueDate" type="DateType"', 'name="IssueDate" type="TimeType"'
    )
    cbc.write_text(text)
    # then the next load uses the edit
    issues = check(XmlSchemas.load(tmp_path), root)
    assert [issue.location.xpath for issue in issues] == ["/Order/cbc:IssueDate"]


def test_documents_can_be_checked_from_several_threads_at_once(schemas: XmlSchemas) -> None:
    # given a valid and a broken order, each checked 50 times from four threads together
    good = read(VALID / "ubl_order_minimal.xml")
    bad = read(INVALID / "ubl_order_quantity_text.xml")
    results: list[tuple[bool, int]] = []

    def work(is_bad: bool) -> None:
        for _ in range(50):
            results.append((is_bad, len(check(schemas, bad if is_bad else good))))

    threads = [threading.Thread(target=work, args=(n % 2 == 1,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then every check of the broken one found its one error and none of the valid one did
    assert len(results) == 200
    assert all(count == (1 if is_bad else 0) for is_bad, count in results)
