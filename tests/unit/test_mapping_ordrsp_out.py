"""ORDRSP out: a canonical order response renders to the expected EANCOM D96A/D01B message."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from gateway.errors import MappingError
from gateway.formats.segments import Segment
from gateway.mapping import MappingSet
from gateway.model import (
    LineStatus,
    OrderResponse,
    Party,
    ResponseLine,
    ResponseStatus,
)
from tests.unit.edifact_out import (
    AWKWARD_NAME,
    as_pydifact,
    expected,
    pydifact_segments,
    render,
    reread,
    structure_errors,
)

MAPPINGS = Path(__file__).resolve().parents[2] / "mappings"
EXPECTED = Path(__file__).resolve().parent / "expected"


def to_edifact(seg: Segment) -> str:
    """One segment in EDIFACT syntax with default separators (test-only writer)."""

    def escape(text: str) -> str:
        return "".join(f"?{c}" if c in "?:+'" else c for c in text)

    elements = [":".join(escape(c) for c in element) for element in seg.elements]
    return "+".join([seg.tag, *elements]) + "'"


@pytest.fixture(scope="module")
def mappings() -> MappingSet:
    return MappingSet.load(MAPPINGS)


def basic_response() -> OrderResponse:
    return OrderResponse(
        response_number="RSP-1001",
        order_number="801715918011",
        issue_date=date(2015, 8, 4),
        status=ResponseStatus.ACCEPTED_WITH_CHANGES,
        order_date=date(2015, 8, 3),
        currency="EUR",
        buyer=Party(id="8711576000012", id_scheme="GLN"),
        seller=Party(id="5020436000004", id_scheme="GLN", name="Supplier+Co", city="Bristol"),
        ship_to=Party(id="8711576100019", id_scheme="GLN"),
        lines=(
            ResponseLine(
                line_number="1",
                status=LineStatus.ACCEPTED,
                ordered_quantity=Decimal("8"),
                confirmed_quantity=Decimal("8"),
                gtin="5020436373085",
                unit_price=Decimal("12.80"),
            ),
            ResponseLine(
                line_number="2",
                status=LineStatus.CHANGED,
                ordered_quantity=Decimal("8"),
                confirmed_quantity=Decimal("5.5"),
                gtin="5020436373108",
                buyer_part="B-77",
                seller_part="S-12",
                uom="KGM",
                confirmed_delivery_date=date(2015, 8, 10),
            ),
            ResponseLine(
                line_number="3",
                status=LineStatus.REJECTED,
                ordered_quantity=Decimal("2"),
                confirmed_quantity=Decimal("0"),
                seller_part="S-99",
                description="Discontinued widget",
            ),
        ),
    )


def test_order_response_renders_the_expected_ordrsp_d96a_body(mappings: MappingSet) -> None:
    # given an order response with one accepted, one changed and one rejected line
    mapping = mappings.outbound("order_response", "EDIFACT", "ORDRSP", "D96A")
    # when it is rendered with a decimal comma
    segments = mapping.apply(basic_response(), decimal_mark=",")
    # then the segments are exactly those in the expected file
    expected = (EXPECTED / "ordrsp_d96a_basic.txt").read_text(encoding="utf-8").splitlines()
    assert [to_edifact(s) for s in segments] == expected


def test_outbound_mapping_names_the_unh_message_identifier(mappings: MappingSet) -> None:
    # given / when
    mapping = mappings.outbound("order_response", "EDIFACT", "ORDRSP", "D:96A")
    # then UNH S009 can be written from it: EANCOM 97 publishes ORDRSP as subset version 005
    assert (mapping.message_type, mapping.version) == ("ORDRSP", "D96A")
    assert (mapping.agency, mapping.association) == ("UN", "EAN005")


def test_response_without_optional_parts_leaves_their_segments_out(mappings: MappingSet) -> None:
    # given a rejection with no order date, currency, parties or item ids
    response = OrderResponse(
        response_number="R2",
        order_number="PO9",
        issue_date=date(2024, 2, 29),
        status=ResponseStatus.REJECTED,
        lines=(
            ResponseLine(
                line_number="1",
                status=LineStatus.REJECTED,
                ordered_quantity=Decimal("3"),
                confirmed_quantity=Decimal("0"),
            ),
        ),
    )
    # when
    mapping = mappings.outbound("order_response", "EDIFACT", "ORDRSP", "D96A")
    segments = [to_edifact(s) for s in mapping.apply(response)]
    # then
    assert segments == [
        "BGM+231+R2+27'",
        "DTM+137:20240229:102'",
        "RFF+ON:PO9'",
        "LIN+1+7'",
        "QTY+21:3'",
        "QTY+113:0'",
        "UNS+S'",
        "CNT+2:1'",
    ]


def test_unknown_status_code_is_reported_not_written(mappings: MappingSet, tmp_path: Path) -> None:
    # given a partner whose line status table lacks 'backordered' and that has no default
    partner = tmp_path / "mappings"
    _copy_tree(MAPPINGS, partner)
    table = partner / "codes" / "line_status_1229.toml"
    table.write_text('[codes]\naccepted = "5"\n', encoding="utf-8")
    mapping = MappingSet.load(partner).outbound("order_response", "EDIFACT", "ORDRSP", "D96A")
    line = basic_response().lines[0]
    response = basic_response()
    backordered = ResponseLine(
        line_number="1",
        status=LineStatus.BACKORDERED,
        ordered_quantity=line.ordered_quantity,
        confirmed_quantity=Decimal("0"),
    )
    changed = OrderResponse(
        response.response_number,
        response.order_number,
        response.issue_date,
        response.status,
        (backordered,),
    )
    # when / then
    with pytest.raises(MappingError) as caught:
        mapping.apply(changed)
    assert [i.code for i in caught.value.issues] == ["mapping.code"]
    assert "LIN {line.status|code:line_status_1229}: 'backordered' is not in code table" in str(
        caught.value.issues[0]
    )


def _copy_tree(source: Path, target: Path) -> None:
    for path in source.rglob("*.*"):
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(path.read_bytes())


def backorder_response() -> OrderResponse:
    """Accepted, backordered, changed and rejected lines; parties with VAT numbers."""
    return OrderResponse(
        response_number="RSP-2024-17",
        order_number="PO-4711",
        issue_date=date(2024, 3, 1),
        status=ResponseStatus.ACCEPTED_WITH_CHANGES,
        order_date=date(2024, 2, 28),
        currency="EUR",
        buyer=Party(id="5790000000001", id_scheme="GLN", tax_id="DK12345678"),
        seller=Party(id="5412345000013", id_scheme="GLN", name=AWKWARD_NAME, tax_id="BE0123456789"),
        ship_to=Party(id="5790000000018", id_scheme="GLN"),
        lines=(
            ResponseLine(
                line_number="1",
                status=LineStatus.ACCEPTED,
                ordered_quantity=Decimal("24"),
                confirmed_quantity=Decimal("24"),
                gtin="4006381333931",
                unit_price=Decimal("2.35"),
                confirmed_delivery_date=date(2024, 3, 6),
            ),
            ResponseLine(
                line_number="2",
                status=LineStatus.BACKORDERED,
                ordered_quantity=Decimal("10"),
                confirmed_quantity=Decimal("6"),
                backordered_quantity=Decimal("4"),
                backorder_date=date(2024, 3, 20),
                gtin="4006381333948",
                buyer_part="B-2",
                uom="PCE",
                confirmed_delivery_date=date(2024, 3, 6),
            ),
            ResponseLine(
                line_number="3",
                status=LineStatus.CHANGED,
                ordered_quantity=Decimal("12.5"),
                confirmed_quantity=Decimal("12"),
                gtin="4006381333955",
                uom="KGM",
                reason="PC",
            ),
            ResponseLine(
                line_number="4",
                status=LineStatus.REJECTED,
                ordered_quantity=Decimal("5"),
                confirmed_quantity=Decimal("0"),
                seller_part="S-99",
                description="Discontinued widget",
                reason="AV",
            ),
        ),
    )


@pytest.mark.parametrize("version", ["D96A", "D01B"])
def test_backordered_and_rejected_lines_render_the_expected_interchange(
    mappings: MappingSet, version: str
) -> None:
    # given a response with a backordered, a changed and a rejected line
    response = backorder_response()
    # when it is rendered as a whole interchange
    data = render(response, mappings, "ORDRSP", version)
    # then it is byte for byte the reviewed file (QTY 83 with its DTM, FTX ACD reasons)
    assert data == expected(f"ordrsp_{version.lower()}_backorder.edi")


@pytest.mark.parametrize(("version", "association"), [("D96A", "EAN005"), ("D01B", "EAN009")])
def test_rendered_ordrsp_is_read_back_by_our_reader_and_pydifact(
    mappings: MappingSet, version: str, association: str
) -> None:
    # given the rendered interchange
    data = render(backorder_response(), mappings, "ORDRSP", version)
    # when both readers parse it
    (message,) = reread(data).messages
    theirs = pydifact_segments(data)
    # then both see the same segments, the EANCOM association and the escaped name intact
    assert (message.version, message.association) == (version, association)
    assert theirs == as_pydifact(message)
    nads = {e[0]: e for tag, e in theirs if tag == "NAD"}
    assert nads["SU"][3] == AWKWARD_NAME
    assert ("QTY", [["83", "4", "PCE"]]) in theirs
    assert ("FTX", ["ACD", "", "AV"]) in theirs


def test_service_characters_in_a_name_are_released_in_the_bytes(mappings: MappingSet) -> None:
    # given a seller whose name holds + : ' and ?
    data = render(backorder_response(), mappings, "ORDRSP", "D96A")
    # when / then the NAD carries each of them behind the release character
    assert b"NAD+SU+5412345000013::9++O?'Brien ?+ Sons?: 50%??'" in data


@pytest.mark.parametrize("version", ["D96A", "D01B"])
def test_rendered_ordrsp_follows_the_directory_structure(
    mappings: MappingSet, version: str
) -> None:
    # given the rendered interchange
    (message,) = reread(render(backorder_response(), mappings, "ORDRSP", version)).messages
    # when it is validated against the message structure / then nothing is wrong
    assert [str(i) for i in structure_errors(message)] == []


def test_backorder_date_qualifier_follows_the_directory(mappings: MappingSet) -> None:
    # given the backordered line alone
    response = backorder_response()
    line = response.lines[1]
    # when it is rendered in both directories
    d96a = mappings.outbound("order_response", "EDIFACT", "ORDRSP", "D96A").apply(response)
    d01b = mappings.outbound("order_response", "EDIFACT", "ORDRSP", "D01B").apply(response)
    # then D96A says 44 (availability; it has no 506) and D01B 506 (back order delivery)
    assert line.backorder_date == date(2024, 3, 20)
    assert Segment("DTM", (("44", "20240320", "102"),)) in d96a
    assert Segment("DTM", (("506", "20240320", "102"),)) in d01b
