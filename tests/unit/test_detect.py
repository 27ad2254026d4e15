"""Format detection: the standard is told by content, not by file name."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.errors import ParseError
from gateway.formats.detect import detect_standard


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"UNA:+.? 'UNB+UNOC:3+A+B+200101:1200+1'", "EDIFACT"),
        (b"UNB+UNOA:3+A+B+200101:1200+1'", "EDIFACT"),
        (b"ISA*00*          *00*", "X12"),
        (b"<?xml version='1.0'?><Order/>", "XML"),
        (b"<Order/>", "XML"),
    ],
)
def test_standard_is_told_by_the_first_characters(data: bytes, expected: str) -> None:
    # given the first bytes of a file / when detected / then the standard is named
    assert detect_standard(data) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xef\xbb\xbfUNB+UNOC:3+A+B+200101:1200+1'", "EDIFACT"),
        (b"\r\n\r\n  \tISA*00*", "X12"),
        (b"\xef\xbb\xbf\n<Order/>", "XML"),
        ("\ufeff<Order/>".encode("utf-16-le"), "XML"),
        ("\ufeffUNA:+.? '".encode("utf-16-be"), "EDIFACT"),
        ("<Order/>".encode("utf-16-le"), "XML"),
    ],
)
def test_byte_order_mark_and_leading_blanks_are_tolerated(data: bytes, expected: str) -> None:
    # given a BOM or blank lines before the content / when detected / then they are skipped
    assert detect_standard(data) == expected


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (b"", "is empty"),
        (b"  \r\n ", "holds only blanks"),
        (b"\x00\x01\x02\x03PK\x03\x04", "looks binary"),
        (b"Hello, this is an order", "starts with 'Hello, this is an or'"),
        (b"UNH+1+ORDERS:D:96A:UN'", "starts with 'UNH+1+ORDERS:D:96A:U'"),
    ],
)
def test_anything_else_is_a_parse_error_saying_what_was_found(data: bytes, found: str) -> None:
    # given content that is none of the three / when detected / then ParseError names it
    with pytest.raises(ParseError) as caught:
        detect_standard(data)
    assert found in caught.value.message
    assert "expected an EDIFACT interchange (UNA or UNB)" in caught.value.message
    issue = caught.value.issues[0]
    assert issue.code == "format.unknown"
    assert issue.location.offset == 0


def test_every_corpus_file_is_detected_as_its_folder(corpus_dir: Path) -> None:
    # given the sample corpus / when each file is detected / then it matches its folder
    folders = {"edifact": "EDIFACT", "x12": "X12", "xml": "XML"}
    checked = 0
    for folder, standard in folders.items():
        for path in sorted((corpus_dir / folder).iterdir()):
            assert detect_standard(path.read_bytes()) == standard, path.name
            checked += 1
    assert checked >= 13


def test_vendor_routing_line_before_unb_is_edifact() -> None:
    # given a VAN routing line in front of the interchange
    data = b"$$ADD ID=ACME BID='ORDERS'\r\nUNA:+.? '\r\nUNB+UNOC:3+A+B+240101:0000+1'"
    # then it is recognised as EDIFACT (the reader skips the line with a warning)
    assert detect_standard(data) == "EDIFACT"
