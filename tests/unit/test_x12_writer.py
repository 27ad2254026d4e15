"""The X12 interchange writer: fixed-width ISA, control numbers, counts, TA1, refusals."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from gateway.errors import MappingError
from gateway.formats.segments import segment
from gateway.formats.x12_envelope import X12Delimiters
from gateway.formats.x12_writer import (
    OutboundGroup,
    OutboundInterchange,
    OutboundTransaction,
    render_interchange,
    render_segment,
    render_ta1_interchange,
)

AT = datetime(2026, 1, 20, 9, 5)
HEADER = OutboundInterchange(
    "ZZ", "GATEWAY", "01", "123456789", 42, "00401", AT, X12Delimiters(suffix="\n")
)
ACK = OutboundTransaction(
    "855", 7, [segment("BAK", "00", "AC", "PO-1", "20260120"), segment("PO1", "1", "5", "EA")]
)
GROUP = OutboundGroup("PR", "GW", "ACME", 12, "004010", [ACK, replace(ACK, control_ref=8)])


def lines(data: bytes) -> list[str]:
    """The segments written, one per line (the suffix is a newline)."""
    return data.decode().splitlines()


def test_isa_is_exactly_106_characters_whatever_the_delimiters() -> None:
    for d in (X12Delimiters(), X12Delimiters("|", ":", "{", "\n"), X12Delimiters("\x1d", ":")):
        # given an interchange with these delimiters
        data = render_interchange(replace(HEADER, delimiters=d, version="00501"), [GROUP])
        # then ISA ends with ISA16 and the terminator at character 106
        isa = data.decode()[:106]
        assert isa.startswith(f"ISA{d.element}00{d.element}")
        assert isa[103:106] == d.element + d.component + d.segment
        assert len(isa.split(d.element)) == 17


def test_isa_pads_ids_and_writes_dates_numbers_and_codes() -> None:
    # given the header of a test interchange asking for a TA1
    header = replace(HEADER, ack_requested=True, test=True)
    isa = lines(render_interchange(header, [GROUP]))[0]
    # then the fixed-width values are padded and formatted as X12.5 says
    assert isa.split("*") == [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        "GATEWAY        ",
        "01",
        "123456789      ",
        "260120",
        "0905",
        "U",
        "00401",
        "000000042",
        "1",
        "T",
        ">~",
    ]


def test_isa11_is_the_repetition_separator_from_00402_on() -> None:
    d = X12Delimiters(repetition="^")
    isa_501 = render_interchange(replace(HEADER, delimiters=d, version="00501"), [])
    isa_401 = render_interchange(replace(HEADER, delimiters=d, version="00401"), [])
    assert isa_501.decode().split("*")[11] == "^"
    assert isa_401.decode().split("*")[11] == "U"


def test_group_and_sets_carry_their_counts_and_control_numbers() -> None:
    written = lines(render_interchange(HEADER, [GROUP]))
    # then GS06 is not padded, ST02 has four digits, SE01 counts ST..SE, GE01 and IEA01 count
    assert written[1:] == [
        "GS*PR*GW*ACME*20260120*0905*12*X*004010~",
        "ST*855*0007~",
        "BAK*00*AC*PO-1*20260120~",
        "PO1*1*5*EA~",
        "SE*4*0007~",
        "ST*855*0008~",
        "BAK*00*AC*PO-1*20260120~",
        "PO1*1*5*EA~",
        "SE*4*0008~",
        "GE*2*12~",
        "IEA*1*000000042~",
    ]


def test_st03_is_written_when_given() -> None:
    ack = OutboundTransaction("999", 1, [segment("AK1", "PO", "12")], "005010X231A1")
    group = OutboundGroup("FA", "GW", "ACME", 3, "005010X231A1", [ack])
    header = replace(HEADER, version="00501", delimiters=X12Delimiters(suffix="\n"))
    assert lines(render_interchange(header, [group]))[2] == "ST*999*0001*005010X231A1~"


def test_repeats_are_joined_by_the_repetition_separator() -> None:
    ctx = segment("CTX", "TRIGGER", "CLM")
    ack = OutboundTransaction("999", 1, [ctx], repetitions=[(2, 1, (("TRIGGER",), ("OTHER", "2")))])
    header = replace(HEADER, version="00501", delimiters=X12Delimiters(suffix="\n"))
    written = lines(render_interchange(header, [replace(GROUP, transactions=[ack])]))
    assert written[3] == "CTX*TRIGGER^OTHER>2*CLM~"


def test_ta1_interchange_holds_isa_ta1_and_iea_without_groups() -> None:
    ta1 = segment("TA1", "000000123", "260120", "0900", "R", "022")
    written = lines(render_ta1_interchange(HEADER, ta1))
    assert len(written[0]) == 106
    assert written[1:] == ["TA1*000000123*260120*0900*R*022~", "IEA*0*000000042~"]


@pytest.mark.parametrize(
    "delimiters",
    [
        X12Delimiters("*", "*", None, "~"),
        X12Delimiters("*", ">", None, "*"),
        X12Delimiters("A", ">", None, "~"),
        X12Delimiters("*", ">", None, "1"),
        X12Delimiters("*", " ", None, "~"),
        X12Delimiters("*", ">", None, "~", suffix="x"),
    ],
)
def test_invalid_delimiter_sets_are_refused(delimiters: X12Delimiters) -> None:
    with pytest.raises(MappingError, match=r"delimiters|layout"):
        render_interchange(replace(HEADER, delimiters=delimiters), [GROUP])


def test_00501_without_repetition_separator_is_refused() -> None:
    header = replace(HEADER, version="00501", delimiters=X12Delimiters(repetition=None))
    with pytest.raises(MappingError, match="repetition separator"):
        render_interchange(header, [GROUP])


@pytest.mark.parametrize(
    "header_or_group",
    [
        replace(HEADER, control_ref=1_000_000_000),
        replace(HEADER, control_ref=-1),
        replace(GROUP, control_ref=1_000_000_000),
        replace(GROUP, transactions=[replace(ACK, control_ref=1_000_000_000)]),
    ],
)
def test_control_number_over_nine_digits_is_refused(
    header_or_group: OutboundInterchange | OutboundGroup,
) -> None:
    header = header_or_group if isinstance(header_or_group, OutboundInterchange) else HEADER
    group = header_or_group if isinstance(header_or_group, OutboundGroup) else GROUP
    with pytest.raises(MappingError, match="wrap the counter"):
        render_interchange(header, [group])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sender_id": "X" * 16}, "1 to 15"),
        ({"sender_id": ""}, "1 to 15"),
        ({"sender_id": "A*B"}, "delimiter"),
        ({"recipient_qualifier": "1"}, "two-character qualifier"),
        ({"version": "4010"}, "five digits"),
    ],
)
def test_invalid_isa_values_are_refused(change: dict[str, str], message: str) -> None:
    with pytest.raises(MappingError, match=message):
        render_interchange(replace(HEADER, **change), [GROUP])  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["A~B", "A*B", "A>B", "LINE\nBREAK"])
def test_value_holding_a_delimiter_or_line_break_is_refused(value: str) -> None:
    with pytest.raises(MappingError, match="cannot escape"):
        render_segment(segment("MSG", value), X12Delimiters())
