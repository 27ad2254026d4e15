"""CONTRL: the acknowledgement built from an interchange and its issues, and its segments."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from gateway.errors import Issue, Location
from gateway.formats.contrl import syntax_error_code
from gateway.formats.edifact import (
    EdifactInterchange,
    acknowledgement_for,
    parse_interchange,
    render_contrl,
)
from gateway.formats.segments import segment
from gateway.model.documents import AckError, AckStatus

RECEIVED = datetime(2024, 1, 31, 10, 0, tzinfo=UTC)
UNB = "UNB+UNOC:3+SENDER:14+RECEIVER:ZZ+240131:0915+REF1'"
MESSAGE = "UNH+M1+ORDERS:D:96A:UN:EAN008'BGM+220+PO1+9'QTY+21:x'UNT+4+M1'"


def parse(text: str) -> EdifactInterchange:
    """Parse a test interchange given as text."""
    return parse_interchange(text.encode("latin-1"), "in.edi")


def test_good_interchange_is_acknowledged_segment_by_segment() -> None:
    # given a clean interchange with two messages
    ic = parse(UNB + MESSAGE + MESSAGE.replace("M1", "M2") + "UNZ+2+REF1'")
    # when acknowledged
    ack = acknowledgement_for(ic, [], RECEIVED)
    assert ack.status == AckStatus.ACCEPTED
    assert (ack.interchange_ref, ack.sender_id, ack.recipient_qualifier) == ("REF1", "SENDER", "ZZ")
    # then UCI repeats the sender and recipient as received, action 7, one UCM per message
    assert render_contrl(ack, "C1") == [
        segment("UNH", "C1", ["CONTRL", "2", "2", "UN"]),
        segment("UCI", "REF1", ["SENDER", "14"], ["RECEIVER", "ZZ"], "7"),
        segment("UCM", "M1", ["ORDERS", "D", "96A", "UN", "EAN008"], "7"),
        segment("UCM", "M2", ["ORDERS", "D", "96A", "UN", "EAN008"], "7"),
        segment("UNT", "5", "C1"),
    ]


def test_bad_message_is_rejected_with_its_errors_relative_to_unh() -> None:
    # given UNT count 9 for 4 segments, and a validation issue on QTY C186.6060
    ic = parse(UNB + MESSAGE.replace("UNT+4", "UNT+9") + "UNZ+1+REF1'")
    qty = Issue(
        "orders.quantity_invalid",
        "QTY 6060 'x' is not a number",
        Location("in.edi", 4, "QTY", 1, 2),
    )
    # when acknowledged with the envelope issues and the validation issue
    ack = acknowledgement_for(ic, [*ic.issues, qty], RECEIVED)
    # then the envelope issue is not counted twice and both land in the message
    assert ack.status == AckStatus.REJECTED
    assert ack.errors == ()
    [message] = ack.messages
    assert message.status == AckStatus.REJECTED
    assert message.errors == (
        AckError("29", "UNT 0074 says 9 segments but the message has 4 (UNH..UNT)", 4, "UNT", 1),
        AckError("12", "QTY 6060 'x' is not a number", 3, "QTY", 1, 2),
    )
    # and CONTRL rejects the interchange: UCM names UNT, UCS/UCD point at QTY C186.6060
    # (S011 0098 counts the tag as 1, so the first element is 2; component 2)
    assert render_contrl(ack, "C1")[1:] == [
        segment("UCI", "REF1", ["SENDER", "14"], ["RECEIVER", "ZZ"], "4"),
        segment("UCM", "M1", ["ORDERS", "D", "96A", "UN", "EAN008"], "4", "29", "UNT", "2"),
        segment("UCS", "3", ""),
        segment("UCD", "12", ["2", "2"]),
        segment("UNT", "6", "C1"),
    ]


def test_one_bad_message_of_two_rejects_only_that_message_in_contrl() -> None:
    ic = parse(
        UNB + MESSAGE + MESSAGE.replace("M1", "M2").replace("UNT+4+M2", "UNT+4+MX") + "UNZ+2+REF1'"
    )
    ack = acknowledgement_for(ic, [], RECEIVED)
    assert ack.status == AckStatus.REJECTED
    assert [m.status for m in ack.messages] == [AckStatus.ACCEPTED, AckStatus.REJECTED]
    contrl = render_contrl(ack, "C1")
    # UCI 7: the interchange is acknowledged, lower levels unless explicitly rejected
    assert contrl[1].value(4) == "7"
    assert contrl[3] == segment(
        "UCM", "M2", ["ORDERS", "D", "96A", "UN", "EAN008"], "4", "28", "UNT", "3"
    )


def test_interchange_error_goes_to_uci_and_rejects_every_message() -> None:
    # given a UNZ reference that does not match UNB
    ic = parse(UNB + MESSAGE + "UNZ+1+REF2'")
    ack = acknowledgement_for(ic, ic.issues, RECEIVED)
    assert [e.code for e in ack.errors] == ["28"]
    assert ack.errors[0].segment_position == 6
    assert [m.status for m in ack.messages] == [AckStatus.REJECTED]
    contrl = render_contrl(ack, "C1")
    assert contrl[1] == segment(
        "UCI", "REF1", ["SENDER", "14"], ["RECEIVER", "ZZ"], "4", "28", "UNZ", "3"
    )
    assert contrl[2] == segment("UCM", "M1", ["ORDERS", "D", "96A", "UN", "EAN008"], "4")


def test_warnings_do_not_reject() -> None:
    ic = parse(UNB + MESSAGE + "UNZ+1+REF1'")
    warning = Issue("orders.note", "free text ignored", Location("in.edi", 3, "BGM"), "warning")
    ack = acknowledgement_for(ic, [warning], RECEIVED)
    assert ack.status == AckStatus.ACCEPTED
    assert ack.messages[0].errors == ()


def test_missing_unz_and_syntax_4_use_contrl_4_1(corpus_dir: Path) -> None:
    # given the pydifact ORDERS (syntax version 4, no UNZ)
    name = "pydifact__order_ORDERS_D96A_EAN008_noUNZ.edi"
    ic = parse_interchange((corpus_dir / "edifact" / name).read_bytes(), name)
    contrl = render_contrl(acknowledgement_for(ic, [], RECEIVED), "C9")
    assert contrl == [
        segment("UNH", "C9", ["CONTRL", "4", "1", "UN"]),
        segment("UCI", "807", ["12345678", "8"], ["WBDZDD", "ZZ"], "4", "13", "UNZ"),
        segment("UCM", "1", ["ORDERS", "D", "96A", "UN", "EAN008"], "4"),
        segment("UNT", "4", "C9"),
    ]


def test_functional_group_is_answered_with_ucf(corpus_dir: Path) -> None:
    # given the staedi ORDERS in group 1 with UNT count 21 for 18
    name = "staedi__orders-with-group_ORDERS_D96B_UNG.edi"
    ic = parse_interchange((corpus_dir / "edifact" / name).read_bytes(), name)
    ack = acknowledgement_for(ic, [], RECEIVED)
    assert ack.group_ref == "1"
    assert render_contrl(ack, "C2")[2:4] == [
        segment("UCF", "1", "", "", "4"),
        segment("UCM", "1", ["ORDERS", "D", "96B", "UN", "EAN008B"], "4", "29", "UNT", "2"),
    ]


def test_issue_codes_map_to_0085_syntax_error_codes() -> None:
    def code(name: str, element: int | None = None) -> str:
        return syntax_error_code(Issue(name, "", Location(element=element)))

    assert [
        code("edifact.unt_count"),
        code("edifact.unz_reference"),
        code("edifact.unt_missing"),
    ] == [
        "29",
        "28",
        "13",
    ]
    assert [
        code("edifact.charset"),
        code("orders.buyer_missing"),
        code("orders.name_too_long"),
    ] == [
        "21",
        "13",
        "39",
    ]
    assert [code("orders.qty", 1), code("orders.unknown")] == ["12", "18"]
