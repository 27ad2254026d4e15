"""Writing EDIFACT: UNH/UNT, UNA/UNB/UNZ, release characters and character sets."""

from __future__ import annotations

from datetime import datetime

import pytest

from gateway.errors import MappingError
from gateway.formats.edifact import (
    Delimiters,
    InterchangeHeader,
    message_segments,
    parse_interchange,
    serialize_interchange,
)
from gateway.formats.segments import segment

PREPARED = datetime(2024, 1, 31, 9, 15)


def header(**changes: object) -> InterchangeHeader:
    """An outbound UNB with test values, changed as asked."""
    values: dict[str, object] = {
        "syntax_identifier": "UNOC",
        "syntax_version": "3",
        "sender_id": "5412345000013",
        "sender_qualifier": "14",
        "recipient_id": "4012345000023",
        "recipient_qualifier": "14",
        "prepared_at": PREPARED,
        "control_ref": "CTRL1",
    }
    values.update(changes)
    return InterchangeHeader(**values)  # type: ignore[arg-type]


def test_message_segments_wrap_body_in_unh_and_unt_counting_both() -> None:
    body = [segment("BGM", "231", "R1", "29"), segment("DTM", ["137", "20240131", "102"])]
    segments = message_segments("M1", "ORDRSP", "D96A", "UN", "EAN005", body)
    assert segments[0] == segment("UNH", "M1", ["ORDRSP", "D", "96A", "UN", "EAN005"])
    assert segments[-1] == segment("UNT", "4", "M1")
    assert segments[1:3] == body


def test_serialized_interchange_has_una_unb_messages_and_unz() -> None:
    message = message_segments("M1", "ORDRSP", "D96A", "UN", None, [segment("BGM", "231", "R1")])
    data = serialize_interchange(header(test=True, ack_requested=True), [message])
    assert data.decode() == (
        "UNA:+.? '\n"
        "UNB+UNOC:3+5412345000013:14+4012345000023:14+240131:0915+CTRL1++++1++1'\n"
        "UNH+M1+ORDRSP:D:96A:UN'\n"
        "BGM+231+R1'\n"
        "UNT+3+M1'\n"
        "UNZ+1+CTRL1'\n"
    )


def test_syntax_4_writes_century_and_repetition_separator_on_one_line() -> None:
    data = serialize_interchange(
        header(syntax_version="4", delimiters=Delimiters(repetition="*"), segment_suffix=""), []
    )
    assert data.decode() == (
        "UNA:+.?*'UNB+UNOC:4+5412345000013:14+4012345000023:14+20240131:0915+CTRL1'UNZ+0+CTRL1'"
    )


def test_release_character_round_trip_through_serialize_and_parse() -> None:
    # given values holding every service character, written with non-default delimiters
    tricky = "A+B:C'D?E*F=G~H"
    body = [segment("FTX", "AAI", "", "", [tricky, "x:y"])]
    for delimiters in (Delimiters(), Delimiters("=", "*", ".", "?", " ", "~")):
        message = message_segments("M1", "ORDERS", "D96A", "UN", None, body)
        data = serialize_interchange(header(delimiters=delimiters), [message])
        # when read back / then the values are unchanged and the envelope is good
        ic = parse_interchange(data)
        assert ic.segments[2].composite(4) == (tricky, "x:y")
        assert ic.issues == ()


def test_released_repetition_separator_round_trips_under_syntax_4() -> None:
    body = [segment("FTX", "AAI", "", "", "5*3")]
    message = message_segments("M1", "ORDERS", "D96A", "UN", None, body)
    data = serialize_interchange(
        header(syntax_version="4", write_una=False, delimiters=Delimiters(repetition="*")),
        [message],
    )
    assert b"5?*3" in data
    assert parse_interchange(data).segments[2].value(4) == "5*3"


def test_unoc_writes_latin1_bytes() -> None:
    message = message_segments(
        "M1", "ORDERS", "D96A", "UN", None, [segment("NAD", "BY", "", "", "Café")]
    )
    data = serialize_interchange(header(), [message])
    assert b"Caf\xe9'" in data
    assert parse_interchange(data).segments[2].value(4) == "Café"


def test_unoa_rejects_a_character_outside_its_set_on_write() -> None:
    # given UNOA (upper-case ISO 646 subset) and a lower-case, accented name
    message = message_segments(
        "M1", "ORDERS", "D96A", "UN", None, [segment("NAD", "BY", "", "", "Café")]
    )
    with pytest.raises(MappingError) as caught:
        serialize_interchange(header(syntax_identifier="UNOA"), [message])
    # then the error names the value and the syntax identifier
    assert "'Café'" in caught.value.message
    assert "UNOA" in caught.value.message
    assert caught.value.issues[0].location.segment_tag == "NAD"


def test_unoc_rejects_a_character_latin1_cannot_carry() -> None:
    message = message_segments(
        "M1", "ORDERS", "D96A", "UN", None, [segment("NAD", "BY", "", "", "Иван")]
    )
    with pytest.raises(MappingError, match="'И'"):
        serialize_interchange(header(), [message])


def test_non_default_delimiters_without_una_are_refused() -> None:
    with pytest.raises(MappingError, match="UNA must be written"):
        serialize_interchange(header(write_una=False, delimiters=Delimiters(segment="~")), [])


def test_trailing_empty_elements_and_components_are_not_written() -> None:
    message = message_segments(
        "M1", "ORDERS", "D96A", "UN", None, [segment("NAD", "BY", ["123", "", "9", ""], "", "", "")]
    )
    data = serialize_interchange(header(write_una=False), [message])
    assert b"NAD+BY+123::9'" in data
