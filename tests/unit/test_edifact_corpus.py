"""Reading the real EDIFACT samples of the shared corpus, where they are."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from gateway.errors import ParseError
from gateway.formats.edifact import Delimiters, EdifactInterchange, parse_interchange


def read(corpus_dir: Path, name: str) -> EdifactInterchange:
    """Parse one corpus file by name."""
    return parse_interchange((corpus_dir / "edifact" / name).read_bytes(), name)


def codes(interchange: EdifactInterchange) -> list[str]:
    """The envelope issue codes found, in order."""
    return [issue.code for issue in interchange.issues]


def test_orders_with_comma_decimal_una_and_no_unz(corpus_dir: Path) -> None:
    # given the pydifact ORDERS D96A EAN008 file: UNA ":+,? '", syntax 4, UNZ missing
    ic = read(corpus_dir, "pydifact__order_ORDERS_D96A_EAN008_noUNZ.edi")
    # then the UNA characters are taken, a space in UNA position 5 means no repetition
    assert ic.una_present
    assert ic.delimiters == Delimiters(":", "+", ",", "?", " ", "'")
    assert (ic.syntax_identifier, ic.syntax_version) == ("UNOA", "4")
    assert (ic.sender_id, ic.sender_qualifier) == ("12345678", "8")
    assert (ic.recipient_id, ic.recipient_qualifier) == ("WBDZDD", "ZZ")
    assert ic.prepared_at == datetime(2008, 10, 12, 2, 55)
    assert ic.control_ref == "807"
    [message] = ic.messages
    assert (message.reference, message.message_type, message.version) == ("1", "ORDERS", "D96A")
    assert (message.agency, message.association, message.group_ref) == ("UN", "EAN008", None)
    assert [s.position for s in message.segments] == list(range(2, 18))
    assert message.segments[2].composite(1) == ("137", "201508030000", "203")
    # and the only envelope problem is the missing UNZ, named as such
    assert codes(ic) == ["edifact.unz_missing"]
    assert ic.issues[0].location.segment_tag == "UNZ"
    assert "ends after segment 17 (UNT)" in ic.issues[0].message


def test_wikipedia_orders_unz_reference_differs_from_unb(corpus_dir: Path) -> None:
    # given UNB 0020 "1" with application reference 1234567 and UNZ repeating 1234567
    ic = read(corpus_dir, "pydifact__wikipedia_de_ORDERS_D96A.edi")
    assert (ic.syntax_identifier, ic.control_ref, ic.application_ref) == ("UNOC", "1", "1234567")
    assert ic.sender_qualifier is None
    nad = ic.messages[0].segments[3]
    assert (nad.tag, nad.position, nad.value(4), nad.value(8)) == (
        "NAD",
        5,
        "Bestellername",
        "23436",
    )
    # then exactly one issue: the UNZ reference, at UNZ (segment 11) element 2
    assert codes(ic) == ["edifact.unz_reference"]
    location = ic.issues[0].location
    assert (location.segment_position, location.segment_tag, location.element) == (11, "UNZ", 2)
    assert "UNZ 0020 '1234567' does not match UNB 0020 '1'" in ic.issues[0].message


def test_functional_group_and_unt_count_21_against_18(corpus_dir: Path) -> None:
    # given an ORDERS D96B inside UNG/UNE whose UNT claims 21 segments for 18
    ic = read(corpus_dir, "staedi__orders-with-group_ORDERS_D96B_UNG.edi")
    assert ic.test and not ic.ack_requested
    [message] = ic.messages
    assert (message.version, message.association, message.group_ref) == ("D96B", "EAN008B", "1")
    assert (message.segments[0].position, message.segments[-1].position) == (3, 20)
    assert ic.segments[-2].tag == "UNE"
    # then the UNT count is the only problem (UNE and UNZ counts agree with one group)
    assert codes(ic) == ["edifact.unt_count"]
    issue = ic.issues[0]
    assert issue.message == "UNT 0074 says 21 segments but the message has 18 (UNH..UNT)"
    assert (issue.location.segment_position, issue.location.segment_tag) == (20, "UNT")
    assert issue.location.element == 1


def test_syntax_4_repetition_separator_splits_repeats(corpus_dir: Path) -> None:
    # given syntax version 4 without UNA: '*' repeats COM C076 three times
    ic = read(corpus_dir, "smooks__ORDERS_D03B_syntax4_repetition.edi")
    assert not ic.una_present
    assert ic.delimiters.repetition == "*"
    assert ic.prepared_at == datetime(2005, 11, 7, 11, 59)  # CCYYMMDD under syntax 4
    com = ic.segments[7]
    # then the element keeps its first repeat and the others are kept beside it
    assert (com.tag, com.composite(1)) == ("COM", ("s11", "AA"))
    assert ic.repeats(com, 1) == (("s11", "AA"), ("s21", "AA"), ("s31", "AA"))
    assert ic.repeats(ic.segments[8], 3) == (("0764569104", "IB"),)
    assert ic.messages[0].version == "D03B"
    assert codes(ic) == []


def test_non_default_separators_and_released_digit(corpus_dir: Path) -> None:
    # given UNA "=*.? ~" and a release character before a plain digit in S003
    ic = read(corpus_dir, "staedi__invoic_d97b_una_nonstd_separators.edi")
    assert ic.delimiters == Delimiters("=", "*", ".", "?", " ", "~")
    # then "006?415160" is read as 006415160 and components split on '='
    assert (ic.recipient_id, ic.recipient_qualifier) == ("006415160", "1")
    nad = ic.messages[0].segments[4]
    assert (nad.tag, nad.position) == ("NAD", 6)
    assert nad.composite(2) == ("792820524", "", "16")
    assert nad.value(4) == "CUMMINS MID-RANGE ENGINE PLANT"
    assert codes(ic) == []


def test_released_apostrophe_stays_in_the_value(corpus_dir: Path) -> None:
    # given "Tolkien?'s" under UNA ":+.?*'"
    ic = read(corpus_dir, "smooks__INVOIC_D03B_with_UNA_syntax4.edi")
    imd = ic.segments[12]
    assert (imd.tag, imd.position) == ("IMD", 13)
    assert imd.value(3, 4) == (
        "Collectors edition of The Hobbit with Tolkien's original colours on sleeve"
    )
    assert (ic.application_ref, ic.test) == ("INVOIC", True)
    # the sample's UNT says 36 for 35 segments (PROVENANCE calls it valid; it is not)
    assert codes(ic) == ["edifact.unt_count"]


def test_single_line_interchange_with_released_plus(corpus_dir: Path) -> None:
    # given the whole interchange on one line with "COM+?+49 ..." (released '+')
    ic = read(corpus_dir, "edinet__ORDRSP_D10A_singleline.edi")
    com = next(s for s in ic.segments if s.tag == "COM")
    assert com.composite(1) == ("+49 123 45678 8652", "TE")
    assert codes(ic) == ["edifact.unt_count", "edifact.unt_reference", "edifact.unz_reference"]


def test_valid_invoice_without_una_has_no_issues(corpus_dir: Path) -> None:
    # given INVOIC D97A, UNOA:1, no UNA
    ic = read(corpus_dir, "pydifact__invoice1_INVOIC_D97A.edi")
    assert ic.delimiters == Delimiters()
    assert ic.messages[0].segments[-1].tag == "UNT"
    assert ic.segments[14].composite(1) == ("AAA", "3630.1724", "", "NTP", "100", "C62")
    assert codes(ic) == []


def test_unoa_file_carrying_utf8_bytes_is_rejected_with_offset(corpus_dir: Path) -> None:
    # given a UNOA (ASCII) interchange with UTF-8 "München" in NAD (segment 7)
    with pytest.raises(ParseError) as caught:
        read(corpus_dir, "staedi__invoic_d93a_una_INVOIC_D93A.edi")
    # then the error names the byte offset and the segment number
    location = caught.value.issues[0].location
    assert (location.offset, location.segment_position) == (216, 7)
    assert "0xC3" in caught.value.message
    assert "ascii" in caught.value.message


def test_hard_wrapped_file_fails_with_a_clear_parse_error(corpus_dir: Path) -> None:
    # given the same INVOIC hard-wrapped inside tags ("UNB*UN\nOA=3")
    # (not supported in this slice: line breaks inside a segment are data by ISO 9735)
    with pytest.raises(ParseError) as caught:
        read(corpus_dir, "staedi__wrapped_invoic_d97b_una_linewrapped.edi")
    assert "hard-wrapped" in caught.value.message
    assert caught.value.issues[0].code == "edifact.syntax_identifier"
