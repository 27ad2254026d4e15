"""Reading only UNA/UNB, so that an unreadable interchange can still be answered."""

from __future__ import annotations

from gateway.formats.edifact import read_interchange_header


def test_header_of_a_truncated_interchange_names_sender_and_reference() -> None:
    # given an interchange whose body breaks off after UNH
    data = b"UNA:+.? '\nUNB+UNOC:3+SENDER:14+US:14+261120:0930+REF?'1'\nUNH+1+ORDERS:D:96A"
    # when only the header is read
    header = read_interchange_header(data, "cut.edi")
    # then sender, recipient and the released reference are there, and no body issues
    assert header is not None
    assert (header.sender_id, header.sender_qualifier) == ("SENDER", "14")
    assert header.recipient_id == "US" and header.control_ref == "REF'1"
    assert header.messages == () and header.issues == ()


def test_header_reads_past_bytes_the_declared_charset_cannot_decode() -> None:
    # given a UNOA interchange with a Latin-1 byte after UNB
    data = b"UNB+UNOA:3+S+R+261120:0930+7'UNH+1+ORDERS:D:96A:UN'BGM+220+\xe9'"
    # when only the header is read, then it is found
    header = read_interchange_header(data)
    assert header is not None and header.control_ref == "7"


def test_no_header_when_unb_is_missing_or_unterminated() -> None:
    # given inputs without a complete UNB, then there is nothing to answer
    for data in (b"", b"hello", b"UNB+UNOC:3+S+R", b"UNA:+.? 'UNB+UNOC"):
        assert read_interchange_header(data) is None


def test_header_is_read_whatever_the_syntax_identifier_says() -> None:
    # given an unknown syntax identifier, which makes the whole file unreadable
    data = b"UNB+UNOZ:3+SENDER+US+261120:0930+9'UNH+1+ORDERS:D:96A:UN'"
    # then the header is still read (as Latin-1), so the sender can be answered
    header = read_interchange_header(data)
    assert header is not None
    assert (header.syntax_identifier, header.sender_id, header.control_ref) == (
        "UNOZ",
        "SENDER",
        "9",
    )


def test_header_after_a_transport_line_and_hard_wrapped() -> None:
    # given a mailbox header line, then UNA and a UNB wrapped inside S002
    data = b"$$ADD ID=XYZ BID='ORDERS'\nUNA:+.? '\nUNB+UNOC:3+SEN\nDER:14+US:14+261120:0930+7'"
    header = read_interchange_header(data, "wrapped.edi")
    assert header is not None
    assert (header.sender_id, header.una_present, header.offset) == ("SENDER", True, 26)
