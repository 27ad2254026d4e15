"""Reading the real EDIFACT samples of the shared corpus, where they are."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from gateway.formats.edifact import (
    Delimiters,
    EdifactInterchange,
    parse_interchange,
    parse_interchanges,
)
from gateway.formats.edifact_reader import MessageRead, chunks_of, read_edifact


def read(corpus_dir: Path, name: str, charset: str | None = None) -> EdifactInterchange:
    """Parse one corpus file by name."""
    data = (corpus_dir / "edifact" / name).read_bytes()
    return parse_interchange(data, name, charset=charset)


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
    # then exactly one issue: the UNZ reference, at UNZ (segment 11) element 2 (lower case
    # is fine: UNOC)
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
    # and the lower-case ids ("s11") under UNOA give the one mislabel warning
    assert codes(ic) == ["edifact.unoa_lower_case"]
    assert ic.issues[0].location.segment_position == 8


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


def test_unoa_file_carrying_utf8_bytes_reports_each_and_reads_on(corpus_dir: Path) -> None:
    # given a UNOA (ASCII) interchange with UTF-8 "München" in NAD (segments 7 and 8)
    ic = read(corpus_dir, "staedi__invoic_d93a_una_INVOIC_D93A.edi")
    # then each undecodable pair of bytes is an error naming segment, element and byte offset
    charset = [i for i in ic.issues if i.code == "edifact.charset"]
    assert [
        (i.location.segment_position, i.location.element, i.location.offset) for i in charset
    ] == [
        (7, 6, 216),
        (8, 6, 265),
    ]
    assert "0xC3 0xBC" in charset[0].message and "ascii" in charset[0].message
    # and the rest of the file is still read, with the lower-case mislabel as a warning
    assert [m.reference for m in ic.messages] == ["INVOIC0001"]
    assert ic.messages[0].segments[5].value(6) == "M\ufffd\ufffdnchen"  # one per byte
    assert codes(ic) == ["edifact.charset", "edifact.charset", "edifact.unoa_lower_case"]
    assert ic.messages[0].issues == tuple(charset)


def test_unoa_file_carrying_utf8_reads_with_the_partner_charset(corpus_dir: Path) -> None:
    # given the same file with the partner's charset set to utf-8
    ic = read(corpus_dir, "staedi__invoic_d93a_una_INVOIC_D93A.edi", charset="utf-8")
    # then "München" is read and no charset error remains
    nads = [s for s in ic.segments if s.tag == "NAD"]
    assert [n.value(6) for n in nads] == ["München", "München"]
    assert ic.delimiters.decimal == ","
    assert codes(ic) == []


def test_hard_wrapped_file_reads_exactly_like_the_unwrapped_one(corpus_dir: Path) -> None:
    # given the same INVOIC hard-wrapped every 15 characters, inside tags ("UNB*UN\nOA=3")
    wrapped = read(corpus_dir, "staedi__wrapped_invoic_d97b_una_linewrapped.edi")
    flat = read(corpus_dir, "staedi__invoic_d97b_una_nonstd_separators.edi")
    # then the segments are the same, and one warning says the file is wrapped
    assert wrapped.segments == flat.segments
    assert (wrapped.recipient_id, wrapped.control_ref) == (flat.recipient_id, flat.control_ref)
    [issue] = wrapped.issues
    assert (issue.code, issue.severity) == ("edifact.wrapped", "warning")
    assert "hard-wrapped at 15 characters" in issue.message
    assert (issue.location.segment_position, issue.location.offset) == (1, 9)


def test_dollar_sign_outside_unoa_is_an_invalid_character(corpus_dir: Path) -> None:
    # given the staedi fixture with PRI "INV:$1.179" under UNOA
    ic = read(corpus_dir, "INVALID__staedi__invoic_d97b_bad.edi")
    [issue] = ic.issues
    # then '$' (ISO 646 national variant position) is reported at PRI C509.5118
    assert issue.code == "edifact.invalid_character"
    location = issue.location
    assert (location.segment_position, location.segment_tag) == (14, "PRI")
    assert (location.element, location.component, location.offset) == (1, 2, 351)
    # and the structure-level errors of the fixture (BYZZ, 1020A, UNS twice) are not ours
    assert ic.messages[0].segments[4].value(1) == "BYZZ"


def test_smooks_bad_orders_has_a_wrong_unt_count(corpus_dir: Path) -> None:
    # given DTM repeated 36 times and UNT left at 22 for 57 segments
    ic = read(corpus_dir, "INVALID__smooks__BAD_ORDERS_D03B.edi")
    assert codes(ic) == ["edifact.unt_count", "edifact.unoa_lower_case"]
    assert ic.issues[0].message == "UNT 0074 says 22 segments but the message has 57 (UNH..UNT)"
    assert sum(s.tag == "DTM" for s in ic.messages[0].segments) == 36


def test_aperak_under_unoa_with_free_text(corpus_dir: Path) -> None:
    # given the pydifact APERAK, UNOA:4 with UNA ":+.? '" and a lower-case FTX
    ic = read(corpus_dir, "pydifact__aperak_rejected_APERAK_D96A_syntax4.edi")
    assert (ic.syntax_version, ic.delimiters.repetition) == ("4", " ")
    [message] = ic.messages
    assert (message.message_type, message.reference) == ("APERAK", "1")
    # (its unreleased ':' splits the text into two components)
    assert message.segments[5].composite(4) == ("Order rejected", " invalid product code")
    # then its UNT says 8 for 7 segments (UNH..UNT), and lower case under UNOA is a warning
    assert codes(ic) == ["edifact.unt_count", "edifact.unoa_lower_case"]
    assert [i.severity for i in ic.issues] == ["error", "warning"]


# Every corpus file: (interchanges, messages, segments, [(issue code, segment position)]).
OUTCOMES: dict[str, tuple[int, int, int, list[tuple[str, int | None]]]] = {
    "INVALID__smooks__BAD_ORDERS_D03B.edi": (
        1,
        1,
        59,
        [("edifact.unt_count", 58), ("edifact.unoa_lower_case", 43)],
    ),
    "INVALID__staedi__invoic_d97b_bad.edi": (1, 1, 27, [("edifact.invalid_character", 14)]),
    "edinet__ORDRSP_D10A_singleline.edi": (
        1,
        1,
        33,
        [("edifact.unt_count", 32), ("edifact.unt_reference", 32), ("edifact.unz_reference", 33)],
    ),
    "pydifact__aperak_rejected_APERAK_D96A_syntax4.edi": (
        1,
        1,
        9,
        [("edifact.unt_count", 8), ("edifact.unoa_lower_case", 7)],
    ),
    "pydifact__invoice1_INVOIC_D97A.edi": (1, 1, 26, []),
    "pydifact__order_ORDERS_D96A_EAN008_noUNZ.edi": (1, 1, 17, [("edifact.unz_missing", None)]),
    "pydifact__wikipedia_de_ORDERS_D96A.edi": (1, 1, 11, [("edifact.unz_reference", 11)]),
    "smooks__INVOIC_D03B_with_UNA_syntax4.edi": (1, 1, 37, [("edifact.unt_count", 36)]),
    "smooks__ORDERS_D03B_syntax4_repetition.edi": (1, 1, 24, [("edifact.unoa_lower_case", 8)]),
    "staedi__invoic_d93a_una_INVOIC_D93A.edi": (
        1,
        1,
        30,
        [("edifact.charset", 7), ("edifact.charset", 8), ("edifact.unoa_lower_case", 7)],
    ),
    "staedi__invoic_d97b_una_nonstd_separators.edi": (1, 1, 26, []),
    "staedi__orders-with-group_ORDERS_D96B_UNG.edi": (1, 1, 22, [("edifact.unt_count", 20)]),
    "staedi__wrapped_invoic_d97b_una_linewrapped.edi": (1, 1, 26, [("edifact.wrapped", 1)]),
}


def test_every_corpus_file_has_an_expected_outcome(corpus_dir: Path) -> None:
    # given the EDIFACT corpus / then each of its files is listed in OUTCOMES
    assert sorted(p.name for p in (corpus_dir / "edifact").iterdir()) == sorted(OUTCOMES)


@pytest.mark.parametrize("name", sorted(OUTCOMES))
def test_corpus_file_reads_with_its_expected_envelope_outcome(corpus_dir: Path, name: str) -> None:
    # given a corpus file / when read as a stream in 64-byte chunks and whole
    path = corpus_dir / "edifact" / name
    streamed = list(read_edifact(chunks_of(path, 64), name))
    interchanges, messages, segments, issues = OUTCOMES[name]
    # then interchanges, messages, segments and issues are the expected ones
    ics = parse_interchanges(path.read_bytes(), name)
    assert len(ics) == interchanges
    assert sum(isinstance(e, MessageRead) for e in streamed) == messages
    assert len(ics[0].segments) == segments
    found = [(i.code, i.location.segment_position) for i in ics[0].issues]
    assert found == issues
    assert streamed[-1] == list(read_edifact([path.read_bytes()], name))[-1]
