"""Reading EDIFACT character sets: UNB S001.0001, its repertoire, bad bytes, partner override."""

from __future__ import annotations

import pytest

from gateway.errors import ConfigError, Issue
from gateway.formats.edifact import EdifactInterchange, parse_interchange
from gateway.formats.edifact_characters import MAX_LISTED

HEAD = "UNB+{charset}:3+SENDER:14+RECEIVER:14+240131:0915+REF1'UNH+M1+ORDERS:D:96A:UN'"
TAIL = "UNT+3+M1'UNZ+1+REF1'"


def interchange(charset: str, nad_name: bytes) -> bytes:
    """An interchange whose one body segment is NAD+BY+++<name>."""
    head = HEAD.format(charset=charset).encode("ascii")
    return head + b"NAD+BY+++" + nad_name + b"'" + TAIL.encode("ascii")


def read(data: bytes, charset: str | None = None) -> EdifactInterchange:
    """Parse a test interchange, with a partner charset override if given."""
    return parse_interchange(data, "cs.edi", charset=charset)


def nad_name(ic: EdifactInterchange) -> str | None:
    """NAD C080.3036 (element 4) of the test interchange."""
    return ic.segments[2].value(4)


def where(issue: Issue) -> tuple[int | None, str | None, int | None, int | None, int | None]:
    """Segment position, tag, element, component and byte offset of an issue."""
    loc = issue.location
    return (loc.segment_position, loc.segment_tag, loc.element, loc.component, loc.offset)


NAD_OFFSET = len(HEAD.format(charset="UNOC")) + len("NAD+BY+++")


@pytest.mark.parametrize(
    ("charset", "codec", "name"),
    [
        ("UNOA", "ascii", "ACME (EUROPE) LTD."),
        ("UNOB", "ascii", "Acme (Europe) Ltd."),
        ("UNOC", "iso8859_1", "Café Müller"),
        ("UNOD", "iso8859_2", "Łódź Kraków"),
        ("UNOE", "iso8859_5", "Иванов"),
        ("UNOF", "iso8859_7", "Αθήνα"),
        ("UNOW", "utf_8", "東京 Ωmega €"),
        ("UNOY", "utf_8", "Zürich ✓"),
    ],
)
def test_each_syntax_identifier_decodes_its_character_set(
    charset: str, codec: str, name: str
) -> None:
    # given a name encoded in the character set UNB S001.0001 announces
    ic = read(interchange(charset, name.encode(codec)))
    # then it is decoded as such and nothing is reported
    assert (nad_name(ic), ic.codec, ic.issues) == (name, codec, ())


def test_unox_iso_2022_escapes_are_decoded() -> None:
    # given UNOX (ISO 2022 code extension) with a Japanese name
    ic = read(interchange("UNOX", "東京".encode("iso2022_jp_2")))
    assert nad_name(ic) == "東京"


def test_unoa_lower_case_is_one_warning_naming_the_first_place_and_the_count() -> None:
    # given UNOA (upper case only) with lower-case letters in two segments
    data = interchange("UNOA", b"Acme").replace(b"UNT", b"FTX+AAI+++note'UNT")
    ic = read(data.replace(b"UNT+3", b"UNT+4"))
    # then one warning, at the first lower-case letter, counting all 7
    [issue] = ic.issues
    assert (issue.code, issue.severity) == ("edifact.unoa_lower_case", "warning")
    assert where(issue) == (3, "NAD", 4, 1, NAD_OFFSET + 1)
    assert issue.message.startswith("7 lower-case letters although UNB S001.0001 is UNOA")
    assert nad_name(ic) == "Acme"


@pytest.mark.parametrize(("charset", "bad"), [("UNOA", "$"), ("UNOA", "@"), ("UNOB", "#")])
def test_characters_outside_iso_646_levels_a_and_b_are_errors(charset: str, bad: str) -> None:
    # given a national-variant character of ISO 646 in a UNOA or UNOB value
    ic = read(interchange(charset, f"PRICE {bad}1".encode()))
    # then it is an invalid character, located to the byte
    [issue] = ic.issues
    assert (issue.code, issue.severity) == ("edifact.invalid_character", "error")
    assert where(issue) == (3, "NAD", 4, 1, NAD_OFFSET + 6)
    assert f"{bad!r}" in issue.message and f"repertoire of {charset}" in issue.message


@pytest.mark.parametrize("control", ["\t", "\x00", "\x7f", "\x85"])
def test_control_characters_in_values_are_invalid(control: str) -> None:
    # given a C0, DEL or C1 control character inside a UNOC value
    ic = read(interchange("UNOC", f"A{control}B".encode("latin-1")))
    # then it is reported where it stands, and the value is kept as sent
    [issue] = ic.issues
    assert issue.code == "edifact.invalid_character"
    assert where(issue) == (3, "NAD", 4, 1, NAD_OFFSET + 1)
    assert f"U+{ord(control):04X}" in issue.message
    assert nad_name(ic) == f"A{control}B"


def test_undecodable_byte_is_reported_replaced_and_reading_goes_on() -> None:
    # given a Latin-1 byte in a UNOB (ASCII) interchange, then a second message
    data = HEAD.format(charset="UNOB").encode() + b"NAD+BY+++Caf\xe9'UNT+3+M1'"
    ic = read(data + b"UNH+M2+ORDERS:D:96A:UN'UNT+2+M2'UNZ+2+REF1'")
    # then one charset error at the byte, the value has U+FFFD, and both messages are read
    [issue] = ic.issues
    assert (issue.code, issue.severity) == ("edifact.charset", "error")
    assert where(issue) == (3, "NAD", 4, 1, NAD_OFFSET + 3)
    assert "byte 0xE9 cannot be decoded as ascii" in issue.message
    assert nad_name(ic) == "Caf\ufffd"
    assert [m.reference for m in ic.messages] == ["M1", "M2"]
    assert ic.messages[0].issues == (issue,) and ic.messages[1].issues == ()


def test_utf8_bytes_under_unoa_are_named_as_utf8() -> None:
    # given "München" in UTF-8 although UNB says UNOA
    ic = read(interchange("UNOA", "MÜNCHEN".encode()))
    [issue] = ic.issues
    # then the two bytes of Ü are one issue that suggests the partner sends UTF-8
    assert "bytes 0xC3 0x9C" in issue.message and "UTF-8 for 'Ü'" in issue.message
    assert where(issue) == (3, "NAD", 4, 1, NAD_OFFSET + 1)


def test_undefined_byte_of_iso_8859_7_is_a_charset_error() -> None:
    # given byte 0xAE, which ISO 8859-7 leaves undefined, under UNOF
    ic = read(interchange("UNOF", b"\xc1\xae"))
    assert [i.code for i in ic.issues] == ["edifact.charset"]
    assert ic.issues[0].location.offset == NAD_OFFSET + 1


def test_invalid_utf8_under_unow_is_located_by_byte_not_by_character() -> None:
    # given two-byte characters before an invalid byte 0xFF
    ic = read(interchange("UNOW", "ÄÖ".encode() + b"\xff"))
    [issue] = ic.issues
    assert where(issue) == (3, "NAD", 4, 1, NAD_OFFSET + 4)
    assert nad_name(ic) == "ÄÖ\ufffd"


def test_after_twenty_charset_errors_one_summary_gives_the_count() -> None:
    # given 25 undecodable bytes, each in its own component
    data = interchange("UNOB", b":".join([b"A\xe9"] * 25))
    ic = read(data)
    # then the first 20 are listed, then one issue counts the rest; the message has all
    codes = [i.code for i in ic.issues]
    assert codes == ["edifact.charset"] * (MAX_LISTED + 1)
    assert ic.issues[-1].message.startswith("5 more places with undecodable bytes")
    assert ic.issues[19].location.component == 20
    assert len(ic.messages[0].issues) == 25


def test_partner_charset_overrides_a_mislabelled_unb() -> None:
    # given UNOA announced but UTF-8 sent, and the partner configured with utf-8
    ic = read(interchange("UNOA", "München".encode()), charset="utf-8")
    # then the bytes are decoded as UTF-8 and the UNOA upper-case rule no longer applies
    assert (nad_name(ic), ic.codec, ic.issues) == ("München", "utf-8", ())


def test_partner_charset_cp1252_reads_the_euro_sign() -> None:
    ic = read(interchange("UNOC", b"5 \x80"), charset="cp1252")
    assert nad_name(ic) == "5 €"


def test_partner_charset_still_reports_control_characters_and_bad_bytes() -> None:
    # given utf-8 configured and a tab and an invalid byte in the data
    ic = read(interchange("UNOA", b"a\tb\xff"), charset="utf-8")
    # then both are reported, the bad byte naming the configured charset
    assert [i.code for i in ic.issues] == ["edifact.invalid_character", "edifact.charset"]
    assert "configured for the partner" in ic.issues[1].message


def test_unknown_partner_charset_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError) as caught:
        read(interchange("UNOC", b"X"), charset="no-such-codec")
    assert "'no-such-codec' is not a codec" in str(caught.value)


def test_service_characters_are_not_checked_against_the_repertoire() -> None:
    # given UNOA with UNA "=*.? ~": '~' is outside level A but is the terminator here
    text = "UNA=*.? ~UNB*UNOA=3*S*R*240131=0915*REF1~UNH*M1*ORDERS=D=96A=UN~"
    ic = read((text + "UNT*2*M1~UNZ*1*REF1~").encode())
    assert ic.issues == ()


def test_invalid_character_is_located_in_its_component_past_spaces_and_releases() -> None:
    # given '$' in the second component, after spaces and a released '+'
    ic = read(interchange("UNOA", b"A:B ?+ $"))
    # then element, component and byte offset point at it
    [issue] = ic.issues
    assert where(issue) == (3, "NAD", 4, 2, NAD_OFFSET + 7)
    assert ic.segments[2].composite(4) == ("A", "B + $")
