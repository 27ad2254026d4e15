"""Reading EDIFACT: syntax versions, service characters, layout quirks and envelope checks."""

from __future__ import annotations

from datetime import datetime

import pytest

from gateway.errors import ParseError
from gateway.formats.edifact import (
    Delimiters,
    EdifactInterchange,
    parse_interchange,
    parse_interchanges,
)
from gateway.formats.segments import Segment

UNB = "UNB+UNOC:3+SENDER:14+RECEIVER:14+240131:0915+REF1'"
MESSAGE = "UNH+M1+ORDERS:D:96A:UN:EAN008'BGM+220+PO1+9'UNT+3+M1'"
UNZ = "UNZ+1+REF1'"


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


def tags_and_positions(ic: EdifactInterchange) -> list[tuple[str, int]]:
    """(tag, position) of every segment."""
    return [(s.tag, s.position) for s in ic.segments]


def ftx_text(text: str, delimiters: str = "UNA:+.? '") -> str | None:
    """FTX C108.4440 (element 4) of a message whose body is one FTX segment."""
    ic = parse(delimiters + UNB + "UNH+M1+ORDERS:D:96A:UN'" + text + "UNT+3+M1'" + UNZ)
    assert ic.issues == ()
    return ic.segments[2].value(4)


def test_good_envelope_has_no_issues_and_positions_start_at_unb() -> None:
    # given UNA, UNB, one message and UNZ, with CRLF after each terminator
    ic = parse("\r\n".join(["UNA:+.? '", UNB, *MESSAGE.replace("'", "'\n").split("\n"), UNZ]))
    # then there are no issues, UNA is not counted and line breaks are not data
    assert ic.issues == ()
    assert tags_and_positions(ic) == [("UNB", 1), ("UNH", 2), ("BGM", 3), ("UNT", 4), ("UNZ", 5)]
    assert ic.messages[0].segments[1].elements == (("220",), ("PO1",), ("9",))


@pytest.mark.parametrize("version", ["1", "2", "3", "4"])
def test_syntax_versions_1_to_4_are_read_without_issues(version: str) -> None:
    # given UNB S001.0002 = 1..4 without UNA (syntax 4 writes the date as CCYYMMDD)
    date = "20240131" if version == "4" else "240131"
    ic = parse(UNB.replace("UNOC:3", f"UNOC:{version}").replace("240131", date) + MESSAGE + UNZ)
    # then the version is kept, the date read and the ISO 9735 defaults apply
    assert (ic.syntax_version, ic.issues) == (version, ())
    assert ic.prepared_at == datetime(2024, 1, 31, 9, 15)
    assert ic.delimiters == Delimiters(repetition="*" if version == "4" else " ")


def test_unknown_syntax_version_is_an_error_issue_and_reading_goes_on() -> None:
    # given UNB S001.0002 = 5, which ISO 9735 does not define
    ic = parse(UNB.replace("UNOC:3", "UNOC:5") + MESSAGE + UNZ)
    # then one error at UNB element 1 component 2, and the message is still read
    [issue] = ic.issues
    assert (issue.code, issue.severity) == ("edifact.syntax_version", "error")
    location = issue.location
    assert (location.segment_position, location.element, location.component) == (1, 1, 2)
    assert "'5' is not one of 1, 2, 3 or 4" in issue.message
    assert [m.reference for m in ic.messages] == ["M1"]


def test_without_una_syntax_4_uses_the_asterisk_as_repetition_separator() -> None:
    # given syntax 4 without UNA and a repeated COM C076
    body = "UNH+M1+ORDERS:D:96A:UN'COM+1:TE*2:FX'UNT+3+M1'"
    ic = parse(UNB.replace("UNOC:3", "UNOC:4").replace("240131", "20240131") + body + UNZ)
    # then '*' separates repeats; the element keeps the first, the message has them all
    com = ic.segments[2]
    assert com.composite(1) == ("1", "TE")
    assert ic.messages[0].repeats(com, 1) == (("1", "TE"), ("2", "FX"))


@pytest.mark.parametrize(
    "prefix",
    [b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n  ", b"\n\n", b"\xef\xbb\xbfUNA:+.? '\n"],
)
def test_bom_and_blank_lines_before_una_or_unb_are_tolerated(prefix: bytes) -> None:
    # given a UTF-8 byte order mark and/or blank lines in front
    ic = parse_interchange(prefix + (UNB + MESSAGE + UNZ).encode())
    # then they are silently skipped
    assert (ic.control_ref, ic.issues) == ("REF1", ())
    assert ic.una_present == prefix.endswith(b"'\n")


@pytest.mark.parametrize("header", ["$$ADD ID=XYZ BID='ORDERS'", "HDR0001ACME    ORDERS  20240131"])
def test_vendor_header_line_before_una_is_skipped_with_a_warning(header: str) -> None:
    # given a first line that is not EDIFACT, then UNA/UNB on the next line
    ic = parse(header + "\r\nUNA:+.? '\n" + UNB + MESSAGE + UNZ)
    # then the interchange is read and one warning names what was skipped
    [issue] = ic.issues
    assert (issue.code, issue.severity) == ("edifact.preamble", "warning")
    assert repr(header) in issue.message
    assert f"starts at byte {len(header) + 2}" in issue.message
    assert (ic.una_present, ic.offset, [m.reference for m in ic.messages]) == (
        True,
        len(header) + 2,
        ["M1"],
    )


def test_more_than_a_few_lines_before_unb_is_not_an_interchange() -> None:
    # given six lines of text before UNB
    error = parse_error(("note\n" * 6 + UNB + MESSAGE + UNZ).encode())
    # then nothing is guessed: no UNB
    assert error.issues[0].code == "edifact.no_unb"


def test_non_default_separators_and_decimal_comma_from_una() -> None:
    # given UNA "=*,? ~": component '=', element '*', decimal ',', segment '~'
    text = "UNA=*,? ~UNB*UNOC=3*S=14*R=14*240131=0915*REF1~UNH*M1*ORDERS=D=96A=UN~"
    ic = parse(text + "QTY*21=1,5~UNT*3*M1~UNZ*1*REF1~")
    # then the characters are taken from UNA and the comma is the decimal mark
    assert ic.delimiters == Delimiters("=", "*", ",", "?", " ", "~")
    assert ic.segments[2] == Segment("QTY", (("21", "1,5"),), 3)
    assert ic.issues == ()


@pytest.mark.parametrize(
    ("ftx", "value"),
    [
        ("FTX+AAI+++A??B'", "A?B"),  # released release character
        ("FTX+AAI+++IT?'S'", "IT'S"),  # released segment terminator
        ("FTX+AAI+++A???'B'", "A?'B"),  # ?? then ?' then more data
        ("FTX+AAI+++END??'", "END?"),  # ?? just before the real terminator
        ("FTX+AAI+++1?+2?:3'", "1+2:3"),  # released element and component separators
        ("FTX+AAI+++?A'", "A"),  # a released plain character is itself
    ],
)
def test_release_character_before_every_service_character(ftx: str, value: str) -> None:
    # given a value with released characters (ISO 9735 clause 8)
    # then the released character is data and the segment ends where expected
    assert ftx_text(ftx) == value


def test_released_repetition_separator_is_data_under_syntax_4() -> None:
    # given UNA ":+.?*'" and "5?*3" in a value
    assert ftx_text("FTX+AAI+++5?*3'", "UNA:+.?*'") == "5*3"


@pytest.mark.parametrize("suffix", ["", "\r", "\n", "\r\n"])
def test_segment_terminator_may_be_followed_by_cr_lf_or_crlf(suffix: str) -> None:
    # given the same interchange with each kind of line ending after the terminators
    text = (UNB + MESSAGE + UNZ).replace("'", "'" + suffix)
    ic = parse("UNA:+.? '" + suffix + text)
    # then the segments are the same and nothing is reported
    assert ic.issues == ()
    assert tags_and_positions(ic) == [("UNB", 1), ("UNH", 2), ("BGM", 3), ("UNT", 4), ("UNZ", 5)]


def test_line_feed_as_segment_terminator_with_crlf_line_ends() -> None:
    # given UNA announcing LF as segment terminator, in a file with CRLF line ends
    text = "UNA:+.? \n" + (UNB + MESSAGE + UNZ).replace("'", "\r\n")
    ic = parse(text)
    # then the CR before each LF is part of the line end, not data and not wrapping
    assert ic.delimiters.segment == "\n"
    assert (ic.segments[2], ic.issues) == (Segment("BGM", (("220",), ("PO1",), ("9",)), 3), ())


def test_hard_wrapped_file_reads_like_the_unwrapped_one_with_one_warning() -> None:
    # given an interchange wrapped every 20 characters, even inside "?'" and tags
    flat = "UNA:+.? '" + UNB + "UNH+M1+ORDERS:D:96A:UN'FTX+AAI+++IT?'S'UNT+3+M1'" + UNZ
    wrapped = "\r\n".join(flat[i : i + 20] for i in range(0, len(flat), 20))
    ic, expected = parse(wrapped), parse(flat)
    # then the segments are those of the flat file and one warning says so
    assert ic.segments == expected.segments
    [issue] = ic.issues
    assert (issue.code, issue.severity) == ("edifact.wrapped", "warning")
    assert issue.message == (
        "the file is hard-wrapped at 20 characters; line breaks inside segments were ignored"
    )
    assert (issue.location.segment_position, issue.location.segment_tag) == (1, "UNB")


def test_line_break_between_release_character_and_terminator_is_layout() -> None:
    # given "?\n'" inside FTX: the line break is layout, the apostrophe is released
    ic = parse(UNB + "UNH+M1+ORDERS:D:96A:UN'FTX+AAI+++IT?\n'S'UNT+3+M1'" + UNZ)
    # then the value keeps the apostrophe and the line break is reported as wrapping
    assert ic.segments[2].value(4) == "IT'S"
    assert [i.code for i in ic.issues] == ["edifact.wrapped"]
    assert ic.issues[0].location.segment_position == 3


def test_several_interchanges_each_with_its_own_delimiters_and_charset() -> None:
    # given a UNOC interchange, then one with UNA "=*.? ~" in UTF-8 (UNOW)
    first = (UNB + MESSAGE + UNZ).encode("latin-1")
    second = (
        "UNA=*.? ~UNB*UNOW=3*S*R*240131=0915*REF2~UNH*1*ORDERS=D=96A=UN~"
        "NAD*BY***Müller?~~UNT*3*1~UNZ*1*REF2~"
    ).encode()
    data = first + b"\r\n" + second
    # when every interchange is read
    one, two = parse_interchanges(data, "two.edi")
    # then each keeps its delimiters, codec, place in the file and positions from UNB = 1
    assert (one.control_ref, one.codec, one.index, one.offset) == ("REF1", "iso8859_1", 0, 0)
    assert (two.control_ref, two.codec, two.index) == ("REF2", "utf_8", 1)
    assert two.offset == len(first) + 2
    assert two.delimiters == Delimiters("=", "*", ".", "?", " ", "~")
    assert two.segments[2] == Segment("NAD", (("BY",), ("",), ("",), ("Müller~",)), 3)
    assert (one.issues, two.issues) == ((), ())


def test_parse_interchange_refuses_a_file_with_several_interchanges() -> None:
    # given two interchanges in one file
    error = parse_error((UNB + MESSAGE + UNZ + UNB + MESSAGE + UNZ).encode())
    # then the error says how many there are and where the second starts
    issue = error.issues[0]
    assert issue.code == "edifact.several_interchanges"
    assert "holds 2 interchanges" in error.message
    assert issue.location.offset == len(UNB + MESSAGE + UNZ)


def test_unt_reference_must_equal_unh_reference() -> None:
    # given UNT 0062 "M2" for UNH 0062 "M1"
    ic = parse(UNB + MESSAGE.replace("UNT+3+M1", "UNT+3+M2") + UNZ)
    [issue] = ic.issues
    assert issue.code == "edifact.unt_reference"
    assert issue.message == "UNT 0062 'M2' does not match UNH 0062 'M1' (segment 2)"
    assert (issue.location.segment_position, issue.location.element) == (4, 2)
    # and the message carries the issue too
    assert ic.messages[0].issues == (issue,)


def test_message_issues_are_its_own_and_interchange_issues_are_all() -> None:
    # given two messages, the second with a wrong UNT count, and a wrong UNZ count
    second = MESSAGE.replace("M1", "M2").replace("UNT+3", "UNT+9")
    ic = parse(UNB + MESSAGE + second + UNZ)
    # then the first message is clean, the second has its UNT issue, the interchange both
    assert ic.messages[0].issues == ()
    assert [i.code for i in ic.messages[1].issues] == ["edifact.unt_count"]
    assert [i.code for i in ic.issues] == ["edifact.unt_count", "edifact.unz_count"]


def test_unz_count_counts_messages() -> None:
    ic = parse(UNB + MESSAGE + MESSAGE.replace("M1", "M2") + UNZ)
    [issue] = ic.issues
    assert issue.code == "edifact.unz_count"
    assert issue.message == "UNZ 0036 says 1 messages but the interchange has 2"
    assert (issue.location.segment_position, issue.location.segment_tag) == (8, "UNZ")


def test_unz_count_counts_groups_when_groups_are_used() -> None:
    # given two messages in one group and UNZ 0036 = 1 (one group): correct
    ung = "UNG+ORDERS+SENDER+RECEIVER+240131:0915+G1+UN+D:96A'"
    ic = parse(UNB + ung + MESSAGE + MESSAGE.replace("M1", "M2") + "UNE+2+G1'" + UNZ)
    assert ic.issues == ()
    assert [m.group_ref for m in ic.messages] == ["G1", "G1"]
    assert [s.tag for s in ic.segments] == ["UNB", "UNG", *["UNH", "BGM", "UNT"] * 2, "UNE", "UNZ"]


def test_une_count_and_reference_are_checked_against_ung() -> None:
    ung = "UNG+ORDERS+SENDER+RECEIVER+240131:0915+G1+UN+D:96A'"
    ic = parse(UNB + ung + MESSAGE + "UNE+3+G9'" + UNZ)
    assert [i.code for i in ic.issues] == ["edifact.une_count", "edifact.une_reference"]
    assert ic.issues[0].message == "UNE 0060 says 3 messages but the group has 1"
    assert ic.issues[1].location.segment_tag == "UNE"


def test_missing_une_and_mixed_groups_are_reported() -> None:
    ung = "UNG+ORDERS+SENDER+RECEIVER+240131:0915+G1+UN+D:96A'"
    codes = issue_codes(UNB + MESSAGE + ung + MESSAGE + UNZ)
    assert codes == ["edifact.une_missing", "edifact.groups_mixed"]


def test_unt_missing_before_unz_closes_the_message() -> None:
    # given a message that runs into UNZ without UNT
    ic = parse(UNB + "UNH+M1+ORDERS:D:96A:UN'BGM+220+PO1+9'" + UNZ)
    assert [i.code for i in ic.issues] == ["edifact.unt_missing"]
    assert "ends at segment 3 (BGM) without UNT" in ic.issues[0].message
    assert [s.tag for s in ic.messages[0].segments] == ["UNH", "BGM"]
    assert ic.messages[0].issues == ic.issues


def test_non_numeric_count_is_an_invalid_value() -> None:
    codes = issue_codes(UNB + MESSAGE.replace("UNT+3", "UNT+X") + UNZ)
    assert codes == ["edifact.count_invalid"]


def test_bad_preparation_date_is_an_issue_not_an_error() -> None:
    ic = parse(UNB.replace("240131:0915", "241331:0915") + MESSAGE + UNZ)
    assert ic.prepared_at is None
    assert [i.code for i in ic.issues] == ["edifact.unb_date"]


def test_test_indicator_and_acknowledgement_request_from_unb() -> None:
    # given UNB 0031 = 1 (acknowledgement requested) and 0035 = 1 (test)
    ic = parse(UNB.replace("REF1'", "REF1++APP++1++1'") + MESSAGE + UNZ)
    assert (ic.application_ref, ic.ack_requested, ic.test) == ("APP", True, True)


@pytest.mark.parametrize(
    ("text", "code", "position", "words"),
    [
        ("UNH+1+ORDERS:D:96A:UN'UNT+2+1'", "edifact.no_unb", None, "no UNB"),
        (UNB + "UNH+1+ORDERS:D:96A:UN'BGM+220", "edifact.truncated", 3, "no segment terminator"),
        (UNB + "BGM+220'" + MESSAGE, "edifact.outside_message", 2, "outside a message"),
        (UNB + "UNH+1+ORDERS:D:96A:UN'" + MESSAGE, "edifact.unh_in_message", 3, "UNH inside"),
        (UNB + MESSAGE + "\x00\x01junk'", "edifact.junk", 5, "segment tag"),
        (UNB + MESSAGE + UNZ + "BGM+220'", "edifact.after_unz", 6, "'BGM' after UNZ"),
        (UNB + "UNH'UNT+2'" + UNZ, "edifact.unh", 2, "no 0062 message reference"),
        ("UNB+UNOC:3++B+240131:0915+R'", "edifact.unb_missing", 1, "S002.0004"),
        ("UNA:+.'", "edifact.una", None, "UNA is truncated"),
        ("UNB+UNOC:3+S+R+240131:0915+REF", "edifact.truncated", 1, "no segment terminator"),
        (UNB.replace("UNOC", "UNOZ"), "edifact.syntax_identifier", 1, "'UNOZ'"),
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


def test_error_after_unz_names_the_byte_offset() -> None:
    # given junk after the UNZ of a complete interchange
    text = UNB + MESSAGE + UNZ + "\r\nBGM+220'"
    error = parse_error(text.encode())
    # then the offset points at the junk, past the line break
    assert error.issues[0].location.offset == len(UNB + MESSAGE + UNZ) + 2
