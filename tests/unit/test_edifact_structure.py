"""EDIFACT message structure validation: one test per rule, then the corpus files."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from gateway.errors import Issue
from gateway.formats.contrl import acknowledgement_for, render_contrl
from gateway.formats.edifact import parse_interchange
from gateway.formats.edifact_envelope import EdifactMessage
from gateway.formats.segments import Segment
from gateway.validate import EdifactSchemas, validate_message

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
ORDER = (
    "BGM+220+PO4711+9",
    "DTM+137:20240102:102",
    "NAD+BY+4012345000009::9",
    "NAD+SU+4000001000005::9",
    "LIN+1++4000862141404:EN",
    "QTY+21:12",
    "LIN+2++4000862141411:EN",
    "QTY+21:4.5",
    "UNS+S",
)


@pytest.fixture(scope="module")
def schemas() -> EdifactSchemas:
    return EdifactSchemas.load(SCHEMAS)


def message(
    *body: str, version: str = "D:96A:UN", una: str = "", syntax: str = "UNOC:3"
) -> tuple[EdifactMessage, str]:
    """One ORDERS message (UNB = segment 1, UNH = 2, the body from 3) and its decimal mark."""
    kind = "ORDERS"
    segments = [
        f"UNB+{syntax}+SENDER+RECIPIENT+240102:1200+1",
        f"UNH+1+{kind}:{version}",
        *body,
        f"UNT+{len(body) + 2}+1",
        "UNZ+1+1",
    ]
    data = (una + "'\n".join(segments) + "'\n").encode("latin-1")
    interchange = parse_interchange(data, "test.edi")
    return interchange.messages[0], interchange.delimiters.decimal


def check(schemas: EdifactSchemas, *body: str, **kwargs: str) -> list[Issue]:
    found, decimal = message(*body, **kwargs)
    return validate_message(found, schemas, decimal=decimal, file="test.edi")


def where(issue: Issue) -> tuple[str, int | None, str | None, int | None, int | None]:
    loc = issue.location
    return issue.code, loc.segment_position, loc.segment_tag, loc.element, loc.component


def test_a_valid_order_has_no_issues(schemas: EdifactSchemas) -> None:
    # given an ORDERS D96A as EANCOM writes it / when validated / then nothing is reported
    assert check(schemas, *ORDER) == []


def test_a_missing_mandatory_segment_is_reported_where_it_was_expected(
    schemas: EdifactSchemas,
) -> None:
    # given an order without BGM (mandatory after UNH)
    issues = check(schemas, *ORDER[1:])
    # then one issue, at the DTM (segment 3) where BGM was expected, naming BGM
    assert [where(i) for i in issues] == [("edifact.segment_missing", 3, "BGM", None, None)]
    assert issues[0].message.startswith("BGM is missing after UNH: it is mandatory in ORDERS D96A")


def test_an_unknown_segment_is_unexpected_and_matching_resumes(schemas: EdifactSchemas) -> None:
    # given an unknown tag inside the first line item, followed by that item's QTY
    body = (*ORDER[:5], "XYZ+1", *ORDER[5:])
    issues = check(schemas, *body)
    # then only XYZ is reported: the QTY after it still belongs to the line
    assert [where(i) for i in issues] == [("edifact.segment_unexpected", 8, "XYZ", None, None)]
    assert issues[0].message == "XYZ is not a segment of ORDERS D96A after LIN (segment 7)"


def test_a_known_segment_out_of_place_is_unexpected(schemas: EdifactSchemas) -> None:
    # given a PAI (allowed in the heading and in a line) after UNS
    issues = check(schemas, *ORDER, "PAI+::42")
    # then it is reported as not expected there
    assert [where(i) for i in issues] == [("edifact.segment_unexpected", 12, "PAI", None, None)]
    assert issues[0].message == "PAI is not expected here in ORDERS D96A after UNS (segment 11)"


def test_a_segment_repeated_beyond_its_maximum_is_reported_once(schemas: EdifactSchemas) -> None:
    # given 36 DTM after BGM where D96A ORDERS allows 35
    body = (ORDER[0], *["DTM+137:20240102:102"] * 36, *ORDER[2:])
    issues = check(schemas, *body)
    # then one issue at the 36th DTM (segment 3 + 1 + 35 = 39)
    assert [where(i) for i in issues] == [("edifact.segment_too_many", 39, "DTM", None, None)]
    assert issues[0].message == (
        "DTM occurs 36 times here (segment 4 to 39); at most 35 times allowed after BGM"
    )


def test_a_group_repeated_beyond_its_maximum_is_reported(schemas: EdifactSchemas) -> None:
    # given 11 RFF groups (SG1, at most 10 in D96A ORDERS)
    body = (*ORDER[:2], *[f"RFF+CT:C{n}" for n in range(11)], *ORDER[2:])
    issues = check(schemas, *body)
    # then the 11th RFF (segment 15) is where the group count is exceeded
    assert [where(i) for i in issues] == [("edifact.group_too_many", 15, "RFF", None, None)]
    assert "segment group SG1 (RFF) occurs 11 times" in issues[0].message


def test_a_value_longer_than_its_format_is_too_long(schemas: EdifactSchemas) -> None:
    # given NAD 3035 'BYZZ' (an..3)
    issues = check(schemas, *ORDER[:2], "NAD+BYZZ+4012345000009::9", *ORDER[3:])
    # then one issue, element 1; the code list is not consulted for a value of the wrong length
    assert [where(i) for i in issues] == [("edifact.element_too_long", 5, "NAD", 1, None)]
    assert issues[0].message == "NAD 3035 'BYZZ' is 4 characters, at most 3 allowed (an..3)"


def test_a_value_shorter_than_a_fixed_length_is_too_short(schemas: EdifactSchemas) -> None:
    # given a D01B order with a dangerous goods UNDG number of 3 digits (C234.7124 n4)
    issues = check(schemas, *ORDER[:4], "DGS+ADR++123", *ORDER[4:], version="D:01B:UN")
    # then the component is too short
    assert [where(i) for i in issues] == [("edifact.element_too_short", 7, "DGS", 3, 1)]
    assert issues[0].message == "DGS C234.7124 '123' is 3 digits, exactly 4 required (n4)"


def test_a_non_numeric_value_in_a_numeric_element_is_a_type_error(
    schemas: EdifactSchemas,
) -> None:
    # given QTY C186.6060 '1020A' (n..15)
    issues = check(schemas, *ORDER[:5], "QTY+21:1020A", *ORDER[6:])
    # then element 1, component 2 of segment 8
    assert [where(i) for i in issues] == [("edifact.element_type", 8, "QTY", 1, 2)]
    assert issues[0].message == "QTY C186.6060 '1020A' is not numeric (n..15)"


def test_a_number_with_the_other_decimal_mark_is_reported(schemas: EdifactSchemas) -> None:
    # given an interchange whose UNA announces a comma, with one quantity written 4.5
    una = "UNA:+,? '"
    comma = check(schemas, *ORDER[:7], "QTY+21:4,5", "UNS+S", una=una)
    point = check(schemas, *ORDER, una=una)
    # then the comma is fine and the full stop is a decimal mark issue
    assert comma == []
    assert [where(i) for i in point] == [("edifact.decimal_mark", 10, "QTY", 1, 2)]
    assert "uses '.' as decimal mark; this interchange's decimal mark is ','" in point[0].message


def test_a_decimal_mark_needs_a_digit_before_it(schemas: EdifactSchemas) -> None:
    # given QTY 6060 '.5'
    issues = check(schemas, *ORDER[:7], "QTY+21:.5", "UNS+S")
    # then a type error telling how to write it
    assert [where(i) for i in issues] == [("edifact.element_type", 10, "QTY", 1, 2)]
    assert "'.5' has no digit before the decimal mark; write 0.5" in issues[0].message


def test_sign_and_decimal_mark_do_not_count_towards_the_length(schemas: EdifactSchemas) -> None:
    # given 15 digits with a minus sign and a decimal mark (n..15), then 16 digits
    fits = check(schemas, *ORDER[:7], "QTY+21:-1234567890.12345", "UNS+S")
    too_long = check(schemas, *ORDER[:7], "QTY+21:1234567890123456", "UNS+S")
    # then only the 16 digits are too long
    assert fits == []
    assert [i.code for i in too_long] == ["edifact.element_too_long"]
    assert "is 16 digits, at most 15 allowed (n..15)" in too_long[0].message


def test_a_missing_mandatory_component_is_reported(schemas: EdifactSchemas) -> None:
    # given QTY with the qualifier but no quantity (C186.6060 is M)
    issues = check(schemas, *ORDER[:5], "QTY+21", *ORDER[6:])
    assert [where(i) for i in issues] == [("edifact.component_missing", 8, "QTY", 1, 2)]
    assert issues[0].message == "QTY C186.6060 is missing; it is mandatory in C186"


def test_a_missing_mandatory_element_is_reported(schemas: EdifactSchemas) -> None:
    # given NAD without its party qualifier 3035
    issues = check(schemas, *ORDER[:2], "NAD++4012345000009::9", *ORDER[3:])
    assert [where(i) for i in issues] == [("edifact.element_missing", 5, "NAD", 1, None)]


def test_more_elements_or_components_than_defined_are_too_many(schemas: EdifactSchemas) -> None:
    # given BGM with a fifth element and DTM with a fourth component
    issues = check(schemas, "BGM+220+PO4711+9++X", "DTM+137:20240102:102:Z", *ORDER[2:])
    assert [where(i) for i in issues] == [
        ("edifact.element_too_many", 3, "BGM", 5, None),
        ("edifact.element_too_many", 4, "DTM", 1, 4),
    ]


def test_syntax_4_repeats_beyond_the_allowed_count_are_too_many(schemas: EdifactSchemas) -> None:
    # given a D03B order (COM C076 may repeat 3 times) with four repeats, in syntax version 4
    body = (
        *ORDER[:4],
        "CTA+IC",
        "COM+a:EM*b:EM*c:EM*d:EM",
        *ORDER[4:],
    )
    issues = check(schemas, *body, version="D:03B:UN", syntax="UNOC:4")
    assert [where(i) for i in issues] == [("edifact.repetition_too_many", 8, "COM", 1, None)]
    assert issues[0].message == (
        "COM C076 occurs 4 times (repetition separator); at most 3 allowed in D03B"
    )


def test_an_unknown_code_is_an_error_in_a_complete_list_and_a_warning_otherwise(
    schemas: EdifactSchemas,
) -> None:
    # given BGM 1225 '99' (complete list in D96A) and NAD 3035 'Z9' (open list)
    issues = check(schemas, "BGM+220+PO4711+99", ORDER[1], "NAD+Z9+4012345000009::9", *ORDER[3:])
    assert [(i.code, i.severity, i.location.segment_position) for i in issues] == [
        ("edifact.code_unknown", "error", 3),
        ("edifact.code_unknown", "warning", 5),
    ]
    assert issues[0].message.startswith("BGM 1225 '99' is not a code of 1225")


def test_a_directory_without_structure_gives_one_warning(schemas: EdifactSchemas) -> None:
    # given an ORDERS D10A, for which no structure is written
    issues = check(schemas, *ORDER, version="D:10A:UN")
    assert [(i.code, i.severity) for i in issues] == [("edifact.structure_unknown", "warning")]
    assert issues[0].message == (
        "ORDERS D10A: no message structure in schemas/edifact/D10A; "
        "envelope checked, structure not validated"
    )


def test_every_issue_of_a_message_is_collected_with_its_position(schemas: EdifactSchemas) -> None:
    # given one order with five problems in four segments
    body = (
        "BGM+220+PO4711+99",
        ORDER[1],
        "NAD+BYZZ+4012345000009::9",
        ORDER[3],
        "LIN+1++4000862141404:EN",
        "QTY+21:X",
        "FOO+1",
        "QTY+21",
        "UNS+S",
    )
    issues = check(schemas, *body)
    # then each is reported, in segment order, with element and component
    assert [where(i) for i in issues] == [
        ("edifact.code_unknown", 3, "BGM", 3, None),
        ("edifact.element_too_long", 5, "NAD", 1, None),
        ("edifact.element_type", 8, "QTY", 1, 2),
        ("edifact.segment_unexpected", 9, "FOO", None, None),
        ("edifact.component_missing", 10, "QTY", 1, 2),
    ]


def test_a_missing_group_trigger_inside_a_group_reports_the_mandatory_segment(
    schemas: EdifactSchemas,
) -> None:
    # given an order without UNS (mandatory before UNT)
    issues = check(schemas, *ORDER[:-1])
    assert [where(i) for i in issues] == [("edifact.segment_missing", 11, "UNS", None, None)]


@pytest.mark.parametrize("syntax", ["3", "4"])
def test_the_contrl_we_send_matches_its_structure(schemas: EdifactSchemas, syntax: str) -> None:
    # given a CONTRL rejecting an order with a structure error, in syntax version 3 and 4
    interchange = parse_interchange(
        (
            b"UNB+UNOC:3+SENDER+RECIPIENT+240102:1200+1'UNH+1+ORDERS:D:96A:UN'"
            b"DTM+137:20240102:102'UNS+S'UNT+4+1'UNZ+1+1'"
        ),
        "in.edi",
    )
    found = validate_message(interchange.messages[0], schemas)
    ack = replace(
        acknowledgement_for(interchange, found, datetime(2024, 1, 2)), syntax_version=syntax
    )
    rendered = render_contrl(ack, "C1")
    segments = tuple(Segment(s.tag, s.elements, n) for n, s in enumerate(rendered, start=2))
    unh = segments[0]
    version = (unh.value(2, 2) or "") + (unh.value(2, 3) or "")
    contrl = EdifactMessage("C1", "CONTRL", version, "UN", None, segments)
    # when the CONTRL itself is validated / then it is clean
    assert validate_message(contrl, schemas) == []


def test_a_short_order_is_validated_in_well_under_a_fifth_of_a_millisecond(
    schemas: EdifactSchemas,
) -> None:
    # given a 13-segment ORDERS (UNH..UNT)
    found, _ = message(*ORDER[:2], "RFF+CT:C1", *ORDER[2:], "CNT+2:2")
    assert len(found.segments) == 13
    # when validated many times / then the best batch averages under 0.2 ms a message
    best = min(_batch_seconds(found, schemas) for _ in range(5))
    assert best / 500 < 0.0002


def _batch_seconds(found: EdifactMessage, schemas: EdifactSchemas) -> float:
    started = time.perf_counter()
    for _ in range(500):
        validate_message(found, schemas)
    return time.perf_counter() - started


# The corpus: real files, read in place.

CLEAN = [
    "pydifact__order_ORDERS_D96A_EAN008_noUNZ.edi",
    "pydifact__wikipedia_de_ORDERS_D96A.edi",
    "pydifact__aperak_rejected_APERAK_D96A_syntax4.edi",
    "smooks__ORDERS_D03B_syntax4_repetition.edi",
]


@pytest.mark.corpus
@pytest.mark.parametrize("name", CLEAN)
def test_corpus_orders_and_aperak_match_their_structure(
    corpus_dir: Path, schemas: EdifactSchemas, name: str
) -> None:
    # given a real ORDERS D96A / D03B or APERAK D96A file
    interchange = parse_interchange((corpus_dir / "edifact" / name).read_bytes(), name)
    # when each message is validated / then nothing is reported
    for found in interchange.messages:
        decimal = interchange.delimiters.decimal
        assert validate_message(found, schemas, decimal=decimal, file=name) == []


@pytest.mark.corpus
def test_corpus_bad_smooks_order_reports_exactly_the_36th_dtm(
    corpus_dir: Path, schemas: EdifactSchemas
) -> None:
    # given the smooks fixture with DTM repeated 36 times (D03B ORDERS allows 35)
    name = "INVALID__smooks__BAD_ORDERS_D03B.edi"
    interchange = parse_interchange((corpus_dir / "edifact" / name).read_bytes(), name)
    # when validated
    issues = validate_message(interchange.messages[0], schemas, file=name)
    # then that is the one structure issue (its wrong UNT count is an envelope issue)
    assert [where(i) for i in issues] == [("edifact.segment_too_many", 39, "DTM", None, None)]
    assert issues[0].message == (
        "DTM occurs 36 times here (segment 4 to 39); at most 35 times allowed after BGM"
    )
    assert str(issues[0].location) == f"{name}, segment 39 (DTM)"


@pytest.mark.parametrize(
    "path",
    sorted((Path(__file__).parent / "expected").glob("*.edi")),
    ids=lambda path: path.name,
)
def test_every_expected_outbound_file_matches_its_structure(
    schemas: EdifactSchemas, path: Path
) -> None:
    # given an interchange the gateway renders (the expected files of the mapping tests)
    interchange = parse_interchange(path.read_bytes(), path.name)
    # when each message is validated / then neither an error nor a warning is reported
    for found in interchange.messages:
        decimal = interchange.delimiters.decimal
        assert validate_message(found, schemas, decimal=decimal, file=path.name) == []
