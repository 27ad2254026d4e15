"""Partners' XML read safely: hostile files refused fast with a clear error; real files named."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from gateway.errors import ParseError
from gateway.formats.xml_kind import XmlKind, xml_kind
from gateway.formats.xml_safe import parse_xml

SECRET = Path("/etc/hostname")


def refused(data: bytes, max_bytes: int | None = None) -> ParseError:
    """The error a file gets, checking it came within a second."""
    started = time.perf_counter()
    with pytest.raises(ParseError) as caught:
        if max_bytes is None:
            parse_xml(data, "hostile.xml")
        else:
            parse_xml(data, "hostile.xml", max_bytes=max_bytes)
    assert time.perf_counter() - started < 1.0
    return caught.value


def test_an_external_entity_is_refused_and_nothing_of_the_local_file_shows() -> None:
    # given an order whose DOCTYPE declares an entity reading a local file (XXE)
    data = (
        b'<?xml version="1.0"?><!DOCTYPE Order [<!ENTITY x SYSTEM "file://'
        + str(SECRET).encode()
        + b'">]><Order><Note>&x;</Note></Order>'
    )
    error = refused(data)
    # then it is refused as an entity declaration, naming the file, and the file's content
    # appears nowhere
    assert error.issues[0].code == "xml.entity"
    assert "hostile.xml declares entities (x)" in error.message
    content = SECRET.read_text().strip() if SECRET.is_file() else "unreadable"
    assert content not in error.message and content not in str(error.issues[0])


def test_a_parameter_entity_naming_a_url_is_refused_without_fetching() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:9/e.dtd"> %p;]>'
        b"<r/>"
    )
    assert refused(data).issues[0].code == "xml.entity"


def test_entity_expansion_billion_laughs_is_refused_fast() -> None:
    declarations = b'<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    data = b'<?xml version="1.0"?><!DOCTYPE lolz [' + declarations + b"]><lolz>&lol9;</lolz>"
    error = refused(data)
    assert error.issues[0].code == "xml.entity"
    assert "hostile.xml" in error.message


def test_a_deeply_nested_file_is_refused_with_its_line_and_column() -> None:
    data = b"<a>" * 10_000 + b"</a>" * 10_000
    error = refused(data)
    assert error.issues[0].code == "xml.depth"
    assert str(error.issues[0].location).startswith("hostile.xml, line 1, column ")


def test_an_oversize_file_is_refused_before_it_is_read() -> None:
    error = refused(b"<r>" + b"x" * 2_000 + b"</r>", max_bytes=1_000)
    assert error.issues[0].code == "xml.too_large"
    assert "2,007 bytes" in error.message and "1,000 bytes" in error.message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"ISA*00*not xml at all", "line 1, column 1"),
        (b"<Order>\n  <ID>1</Id>\n</Order>", "line 2, column"),
        (b"", "line 1"),
    ],
)
def test_a_file_that_is_not_well_formed_names_the_line_and_column(
    data: bytes, expected: str
) -> None:
    error = refused(data)
    assert error.issues[0].code == "xml.syntax"
    assert expected in str(error.issues[0].location)
    assert error.message.startswith("hostile.xml is not well-formed XML: ")


def test_a_cxml_doctype_naming_its_public_dtd_is_read_without_fetching_it() -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE cXML SYSTEM '
        b'"http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">\n'
        b'<cXML payloadID="1" timestamp="2026-11-22T10:00:00+00:00"><Request '
        b'deploymentMode="test"><OrderRequest/></Request></cXML>'
    )
    started = time.perf_counter()
    root = parse_xml(data, "order.xml")
    assert time.perf_counter() - started < 1.0
    assert xml_kind(root, "order.xml") == XmlKind("CXML", "OrderRequest", "1.2.014", "test")


def test_an_xml_file_of_another_vocabulary_is_named_as_such() -> None:
    root = parse_xml(b'<Order xmlns="urn:example:orders"/>', "other.xml")
    with pytest.raises(ParseError, match=r"other.xml is neither UBL 2.1 nor cXML") as caught:
        xml_kind(root, "other.xml")
    assert caught.value.issues[0].code == "xml.unknown"


EXPECTED_KINDS = {
    "oasis__UBL-Order-2.1-Example.xml": (
        "UBL",
        "Order",
        "2.1",
        "urn:www.cenbii.eu:transaction:biicoretrdm001:ver1.0",
    ),
    "oasis__UBL-OrderResponse-2.1-Example.xml": ("UBL", "OrderResponse", "2.1"),
    "oasis__UBL-OrderResponseSimple-2.1-Example.xml": ("UBL", "OrderResponseSimple", "2.1"),
    "oasis__UBL-Invoice-2.1-Example.xml": ("UBL", "Invoice", "2.1"),
    "oasis__UBL-Invoice-2.1-Example-Trivial.xml": ("UBL", "Invoice", None, None),
    "cxmlphp__OrderRequest_cXML-1.2.050.xml": ("CXML", "OrderRequest", "1.2.050", "test"),
    "officeluv__order_request_Coupa_cXML-1.2.014.xml": ("CXML", "OrderRequest", "1.2.014", None),
    "officeluv__purchase_order_request_200_Coupa_cXML-1.2.014.xml": (
        "CXML",
        "OrderRequest",
        "1.2.014",
        "production",
    ),
}


def test_every_corpus_xml_file_is_read_safely_and_named(corpus_dir: Path) -> None:
    # given every XML file of the corpus
    found = sorted((corpus_dir / "xml").glob("*.xml"))
    assert found, "no XML files in the corpus"
    for path in found:
        # when read with the safe parser, then its kind is what the provenance says
        kind = xml_kind(parse_xml(path.read_bytes(), path.name), path.name)
        expected = EXPECTED_KINDS.get(path.name)
        if expected is None:
            assert kind.standard in ("UBL", "CXML"), path.name
            continue
        assert (kind.standard, kind.document, kind.version) == expected[:3], path.name
        if len(expected) == 4:
            assert kind.profile == expected[3], path.name
