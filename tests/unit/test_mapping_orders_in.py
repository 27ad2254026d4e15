"""ORDERS in: the corpus samples map to the canonical purchase order, field by field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from gateway.errors import MappingError
from gateway.formats.segments import Segment, segment
from gateway.mapping import MappingSet
from gateway.model import OrderLine, Party, PurchaseOrder

MAPPINGS = Path(__file__).resolve().parents[2] / "mappings"


def _split(text: str, separator: str, release: str) -> list[str]:
    """Split on a separator that is not escaped by the release character (kept for later)."""
    parts, current, index = [], "", 0
    while index < len(text):
        char = text[index]
        if char == release:
            current += text[index : index + 2]
            index += 2
            continue
        if char == separator:
            parts.append(current)
            current = ""
        else:
            current += char
        index += 1
    parts.append(current)
    return parts


def _unescape(text: str, release: str) -> str:
    out, index = "", 0
    while index < len(text):
        if text[index] == release:
            index += 1
        if index < len(text):
            out += text[index]
        index += 1
    return out


def parse_interchange(data: bytes) -> tuple[list[Segment], str]:
    """A test-only EDIFACT reader: segments numbered from UNB = 1, and the decimal mark."""
    text = data.decode("latin-1")
    comp, elem, mark, release, term = ":", "+", ".", "?", "'"
    if text.startswith("UNA"):
        comp, elem, mark, release, term = text[3], text[4], text[5], text[6], text[8]
        text = text[9:]
    segments: list[Segment] = []
    for chunk in _split(text, term, release):
        raw = chunk.strip("\r\n")
        if not raw:
            continue
        elements = [
            tuple(_unescape(c, release) for c in _split(e, comp, release))
            for e in _split(raw, elem, release)
        ]
        segments.append(Segment(elements[0][0], tuple(elements[1:]), len(segments) + 1))
    return segments, mark


def first_message(segments: list[Segment]) -> list[Segment]:
    """UNH .. UNT of the first message."""
    start = next(i for i, s in enumerate(segments) if s.tag == "UNH")
    end = next(i for i, s in enumerate(segments) if s.tag == "UNT" and i > start)
    return segments[start : end + 1]


@pytest.fixture(scope="module")
def mappings() -> MappingSet:
    return MappingSet.load(MAPPINGS)


def map_corpus_file(
    corpus_dir: Path, mappings: MappingSet, name: str, version: str
) -> PurchaseOrder:
    segments, mark = parse_interchange((corpus_dir / "edifact" / name).read_bytes())
    mapping = mappings.inbound("EDIFACT", "ORDERS", version)
    order = mapping.apply(first_message(segments), decimal_mark=mark, file=name)
    assert isinstance(order, PurchaseOrder)
    return order


def test_eancom_d96a_order_maps_header_parties_and_lines(
    corpus_dir: Path, mappings: MappingSet
) -> None:
    # given the pydifact EANCOM sample (UNA decimal mark ',', DTM format 203)
    # when it is mapped
    order = map_corpus_file(
        corpus_dir, mappings, "pydifact__order_ORDERS_D96A_EAN008_noUNZ.edi", "D96A"
    )
    # then every field is taken from its segment
    assert order.order_number == "801715918011"
    assert order.function == "original"
    assert order.order_date == date(2015, 8, 3)
    assert order.requested_delivery_date == date(2015, 8, 6)
    assert order.seller == Party(id="5020436000004", id_scheme="GLN")
    assert order.buyer == Party(id="8711576000012", id_scheme="GLN")
    assert order.ship_to == Party(id="8711576100019", id_scheme="GLN")
    assert order.bill_to is None
    assert order.lines == (
        OrderLine(line_number="1", quantity=Decimal("8"), gtin="5020436373085"),
        OrderLine(line_number="2", quantity=Decimal("8"), gtin="5020436373108"),
    )


def test_plain_d96a_order_takes_nad_name_and_address_elements_as_written(
    corpus_dir: Path, mappings: MappingSet
) -> None:
    # given the German Wikipedia sample: DTM+4 order date, NAD elements 4,5,6,8,9, LIN ...:SA
    order = map_corpus_file(corpus_dir, mappings, "pydifact__wikipedia_de_ORDERS_D96A.edi", "D96A")
    # then
    assert order.order_number == "B10001"
    assert order.order_date == date(2006, 6, 20)
    assert order.buyer == Party(
        name="Bestellername", street="Strasse", city="Stadt", postal_code="23436", country="xx"
    )
    assert order.seller is None
    assert order.lines == (
        OrderLine(line_number="1", quantity=Decimal("1000"), seller_part="Produkt Schrauben"),
    )


def test_d96b_order_reuses_d96a_mapping_with_pia_imd_pri_and_notes(
    corpus_dir: Path, mappings: MappingSet
) -> None:
    # given the staedi EANCOM D96B sample inside a UNG group
    order = map_corpus_file(
        corpus_dir, mappings, "staedi__orders-with-group_ORDERS_D96B_UNG.edi", "D96B"
    )
    # then
    assert order.order_number == "C1441747"
    assert order.order_date == date(2001, 5, 2)
    assert order.notes == ("THIS IS AN EXAMPLE OF EDIFACT FILE.",)
    assert order.buyer == Party(id="5400110000009", id_scheme="GLN")
    assert order.seller == Party(id="5013546107732", id_scheme="GLN", name="COMPANY ABC")
    assert order.lines == (
        OrderLine(
            line_number="1",
            quantity=Decimal("288"),
            gtin="5400111864181",
            buyer_part="8641800",
            description="WIDGETS",
            unit_price=Decimal("12.80"),
        ),
    )


def test_d03b_order_takes_isbn_as_seller_part_and_line_ftx_as_description(
    corpus_dir: Path, mappings: MappingSet
) -> None:
    # given the smooks D03B sample (syntax 4, no UNA, discrete quantities QTY+1)
    order = map_corpus_file(
        corpus_dir, mappings, "smooks__ORDERS_D03B_syntax4_repetition.edi", "D03B"
    )
    # then
    assert order.order_number == "BKOD99"
    assert order.order_date == date(2005, 11, 7)
    assert order.buyer == Party(id="5412345000176", id_scheme="GLN")
    assert order.seller == Party(id="4012345000094", id_scheme="GLN")
    assert [
        (ln.line_number, ln.seller_part, ln.description, ln.quantity) for ln in order.lines
    ] == [
        ("1", "0764569104", "Lord of the Rings", Decimal("25")),
        ("2", "0764569090", "The Hobbit", Decimal("25")),
        ("3", "1861004656", "The Silmarillion", Decimal("16")),
        ("4", "0596006756", "The Children of Hurin", Decimal("10")),
    ]


def _message(*body: Segment) -> list[Segment]:
    segments = [segment("UNH", "1", ("ORDERS", "D", "96A", "UN")), *body, segment("UNT", "9", "1")]
    return [Segment(s.tag, s.elements, position) for position, s in enumerate(segments, start=2)]


def test_every_mapping_problem_is_reported_with_its_segment_position(mappings: MappingSet) -> None:
    # given a message whose BGM has no order number and whose QTY is not a number
    message = _message(
        segment("BGM", "220"),
        segment("DTM", ("137", "20240131", "102")),
        segment("LIN", "1", "", ("4000862141404", "EN")),
        segment("QTY", ("21", "1020A")),
        segment("UNS", "S"),
    )
    # when it is mapped
    with pytest.raises(MappingError) as caught:
        mappings.inbound("EDIFACT", "ORDERS", "D96A").apply(message, file="in.edi")
    # then both problems are listed, each where it was found
    issues = {issue.code: issue for issue in caught.value.issues}
    assert set(issues) == {"mapping.required", "mapping.decimal"}
    required = issues["mapping.required"]
    assert required.message == "BGM 1004 (order number) is required but missing in segment 3 (BGM)"
    assert (required.location.file, required.location.segment_position) == ("in.edi", 3)
    assert (required.location.segment_tag, required.location.element) == ("BGM", 2)
    decimal = issues["mapping.decimal"]
    assert decimal.message == "QTY C186.6060 (quantity) '1020A' is not a number"
    assert (decimal.location.segment_position, decimal.location.segment_tag) == (6, "QTY")
    assert (decimal.location.element, decimal.location.component) == (1, 2)


def test_bad_date_and_missing_line_quantity_are_both_reported(mappings: MappingSet) -> None:
    # given an impossible order date and a line without any QTY
    message = _message(
        segment("BGM", "220", "PO1"),
        segment("DTM", ("137", "20241340", "102")),
        segment("LIN", "1", "", ("4000862141404", "EN")),
        segment("UNS", "S"),
    )
    # when / then
    with pytest.raises(MappingError) as caught:
        mappings.inbound("EDIFACT", "ORDERS", "D96A").apply(message)
    messages = sorted(str(issue) for issue in caught.value.issues)
    assert messages == [
        "segment 4 (DTM), element 1: DTM C507.2380 (order date)"
        " '20241340' is not a date in 2379 format 102",
        "segment 5 (LIN): QTY C186.6060 (quantity) is required but there is no QTY"
        " segment in the group starting at segment 5 (LIN)",
    ]


def test_decimal_comma_from_una_is_honoured(mappings: MappingSet) -> None:
    # given a price written with the decimal comma announced in UNA
    message = _message(
        segment("BGM", "220", "PO1"),
        segment("LIN", "1"),
        segment("QTY", ("21", "2,5", "KGM")),
        segment("PRI", ("AAB", "9,99")),
        segment("PRI", ("AAA", "8,75")),
        segment("UNS", "S"),
    )
    # when
    order = mappings.inbound("EDIFACT", "ORDERS", "D96A").apply(message, decimal_mark=",")
    # then the net price AAA wins over the gross AAB, and the unit is kept as sent
    assert isinstance(order, PurchaseOrder)
    assert order.lines[0].quantity == Decimal("2.5")
    assert order.lines[0].unit_price == Decimal("8.75")
    assert order.lines[0].uom == "KGM"
