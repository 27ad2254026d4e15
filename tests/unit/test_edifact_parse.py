"""Reading EDIFACT: character sets, envelope checks and syntax errors, on small inputs."""

from __future__ import annotations

import pytest

from gateway.errors import ParseError
from gateway.formats.edifact import EdifactInterchange, parse_interchange

UNB = "UNB+UNOC:3+SENDER:14+RECEIVER:14+240131:0915+REF1'"
MESSAGE = "UNH+M1+ORDERS:D:96A:UN:EAN008'BGM+220+PO1+9'UNT+3+M1'"


def parse(text: str, encoding: str = "latin-1") -> EdifactInterchange:
    """Parse a test interchange given as text."""
    return parse_interchange(text.encode(encoding), "test.edi")


def issue_codes(text: str) -> list[str]:
    """The envelope issue codes of a test interchange."""
    return [issue.code for issue in parse(text).issues]


def parse_error(data: bytes) -> ParseError:
    """The ParseError raised for some bytes."""
    with pytest.raises(ParseError) as caught:
        parse_interchange(data, "test.edi")
    return caught.value


def test_good_envelope_has_no_issues_and_positions_start_at_unb() -> None:
    # given UNA, UNB, one message and UNZ, with CRLF after each terminator
    ic = parse(
        "\r\n".join(["UNA:+.? '", UNB, *MESSAGE.replace("'", "'\n").split("\n"), "UNZ+1+REF1'"])
    )
    # then there are no issues, UNA is not counted and line breaks are not data
    assert ic.issues == ()
    assert [(s.tag, s.position) for s in ic.segments] == [
        ("UNB", 1),
        ("UNH", 2),
        ("BGM", 3),
        ("UNT", 4),
        ("UNZ", 5),
    ]
    assert ic.messages[0].segments[1].elements == (("220",), ("PO1",), ("9",))


def test_unoc_latin1_byte_is_decoded() -> None:
    # given UNOC (ISO 8859-1) with byte 0xE9 in a name
    data = (UNB + "UNH+1+ORDERS:D:96A:UN'NAD+BY+++Caf").encode() + b"\xe9'UNT+3+1'UNZ+1+REF1'"
    nad = parse_interchange(data).segments[2]
    # then it is read as é
    assert nad.value(4) == "Café"


def test_unow_utf8_is_decoded_and_offsets_count_bytes() -> None:
    # given UNOW (UTF-8) with a two-byte character before a junk segment
    text = UNB.replace("UNOC", "UNOW") + "UNH+1+ORDERS:D:96A:UN'NAD+BY+++Müller'b@d+1'"
    error = parse_error(text.encode("utf-8"))
    # then the junk is found at its byte offset, not its character offset
    assert error.issues[0].location.offset == len(text.encode("utf-8")) - len("b@d+1'")
    assert error.issues[0].code == "edifact.junk"


def test_unoe_cyrillic_is_decoded() -> None:
    # given UNOE (ISO 8859-5)
    ic = parse(
        UNB.replace("UNOC", "UNOE") + "UNH+1+ORDERS:D:96A:UN'NAD+BY+++Иванов'UNT+3+1'UNZ+1+REF1'",
        "iso8859_5",
    )
    assert ic.segments[2].value(4) == "Иванов"


def test_unknown_syntax_identifier_is_a_parse_error() -> None:
    error = parse_error((UNB.replace("UNOC", "UNOZ") + MESSAGE + "UNZ+1+REF1'").encode())
    assert "unknown UNB S001.0001 syntax identifier 'UNOZ'" in error.message
    assert error.issues[0].location.segment_tag == "UNB"


def test_bom_and_blank_lines_before_unb_are_tolerated() -> None:
    ic = parse_interchange(b"\xef\xbb\xbf\r\n  " + (UNB + MESSAGE + "UNZ+1+REF1'").encode())
    assert ic.control_ref == "REF1"
    assert ic.issues == ()


def test_unt_reference_must_equal_unh_reference() -> None:
    # given UNT 0062 "M2" for UNH 0062 "M1"
    ic = parse(UNB + MESSAGE.replace("UNT+3+M1", "UNT+3+M2") + "UNZ+1+REF1'")
    [issue] = ic.issues
    assert issue.code == "edifact.unt_reference"
    assert issue.message == "UNT 0062 'M2' does not match UNH 0062 'M1' (segment 2)"
    assert (issue.location.segment_position, issue.location.element) == (4, 2)


def test_unz_count_counts_messages() -> None:
    ic = parse(UNB + MESSAGE + MESSAGE.replace("M1", "M2") + "UNZ+1+REF1'")
    [issue] = ic.issues
    assert issue.code == "edifact.unz_count"
    assert issue.message == "UNZ 0036 says 1 messages but the interchange has 2"
    assert (issue.location.segment_position, issue.location.segment_tag) == (8, "UNZ")


def test_unz_count_counts_groups_when_groups_are_used() -> None:
    # given two messages in one group and UNZ 0036 = 1 (one group): correct
    ung = "UNG+ORDERS+SENDER+RECEIVER+240131:0915+G1+UN+D:96A'"
    text = UNB + ung + MESSAGE + MESSAGE.replace("M1", "M2") + "UNE+2+G1'UNZ+1+REF1'"
    ic = parse(text)
    assert ic.issues == ()
    assert [m.group_ref for m in ic.messages] == ["G1", "G1"]


def test_une_count_and_reference_are_checked_against_ung() -> None:
    ung = "UNG+ORDERS+SENDER+RECEIVER+240131:0915+G1+UN+D:96A'"
    ic = parse(UNB + ung + MESSAGE + "UNE+3+G9'UNZ+1+REF1'")
    assert [i.code for i in ic.issues] == ["edifact.une_count", "edifact.une_reference"]
    assert ic.issues[0].message == "UNE 0060 says 3 messages but the group has 1"
    assert ic.issues[1].location.segment_tag == "UNE"


def test_missing_une_and_mixed_groups_are_reported() -> None:
    ung = "UNG+ORDERS+SENDER+RECEIVER+240131:0915+G1+UN+D:96A'"
    codes = issue_codes(UNB + MESSAGE + ung + MESSAGE + "UNZ+1+REF1'")
    assert codes == ["edifact.une_missing", "edifact.groups_mixed"]


def test_unt_missing_before_unz_closes_the_message() -> None:
    # given a message that runs into UNZ without UNT
    ic = parse(UNB + "UNH+M1+ORDERS:D:96A:UN'BGM+220+PO1+9'UNZ+1+REF1'")
    assert [i.code for i in ic.issues] == ["edifact.unt_missing"]
    assert "ends at segment 3 (BGM) without UNT" in ic.issues[0].message
    assert [s.tag for s in ic.messages[0].segments] == ["UNH", "BGM"]


def test_non_numeric_count_is_an_invalid_value() -> None:
    codes = issue_codes(UNB + MESSAGE.replace("UNT+3", "UNT+X") + "UNZ+1+REF1'")
    assert codes == ["edifact.count_invalid"]


def test_bad_preparation_date_is_an_issue_not_an_error() -> None:
    ic = parse(UNB.replace("240131:0915", "241331:0915") + MESSAGE + "UNZ+1+REF1'")
    assert ic.prepared_at is None
    assert [i.code for i in ic.issues] == ["edifact.unb_date"]


@pytest.mark.parametrize(
    ("text", "code", "position", "words"),
    [
        ("UNH+1+ORDERS:D:96A:UN'UNT+2+1'", "edifact.no_unb", None, "no UNB"),
        (UNB + "UNH+1+ORDERS:D:96A:UN'BGM+220", "edifact.truncated", 3, "no segment terminator"),
        (UNB + "BGM+220'" + MESSAGE, "edifact.outside_message", 2, "outside a message"),
        (UNB + "UNH+1+ORDERS:D:96A:UN'" + MESSAGE, "edifact.unh_in_message", 3, "UNH inside"),
        (UNB + MESSAGE + "\x00\x01junk'", "edifact.junk", 5, "segment tag"),
        (UNB + MESSAGE + "UNZ+1+REF1'" + UNB, "edifact.after_unz", 6, "after UNZ"),
        (UNB + "UNH'UNT+2'UNZ+1+REF1'", "edifact.unh", 2, "no 0062 message reference"),
        ("UNB+UNOC:3++B+240131:0915+R'", "edifact.unb_missing", 1, "S002.0004"),
        ("UNA:+.'", "edifact.una", None, "UNA is truncated"),
    ],
)
def test_unrecoverable_syntax_problems_raise_with_location(
    text: str, code: str, position: int | None, words: str
) -> None:
    # given a broken interchange / when parsed / then ParseError says what and where
    error = parse_error(text.encode("latin-1"))
    issue = error.issues[0]
    assert issue.code == code
    assert issue.location.segment_position == position
    assert issue.location.file == "test.edi"
    assert words in error.message
