"""997, 999 and TA1: the acknowledgement built from a group's issues, and its segments."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gateway.errors import Issue, Location
from gateway.formats.segments import segment
from gateway.formats.x12_acks import (
    GroupOutcome,
    SetOutcome,
    ack_transaction_id,
    business_unit,
    functional_ack_for_group,
    interchange_ack,
    render_997,
    render_999,
    render_ta1,
)
from gateway.formats.x12_envelope import X12Delimiters
from gateway.formats.x12_writer import render_segments
from gateway.model.documents import AckError, AckStatus
from tests.unit.x12_acks_split import Split, isa, split

EXPECTED = Path(__file__).parent / "expected" / "x12"
RECEIVED = datetime(2024, 1, 31, 10, 0, tzinfo=UTC)
LINES = X12Delimiters(suffix="\n")

# Three 850s; the second has no BEG and a PO1 with PO106 (VP) but no PO107 (syntax note
# P0607: PO106 and PO107 are paired). Positions: ISA 1, GS 2, ST 3..SE 7, ST 8, PO1 9,
# CTT 10, SE 11, ST 12..SE 16, GE 17, IEA 18.
SET_1 = "ST*850*0001~BEG*00*SA*PO-1**20240131~PO1*1*10*EA*9.95**VP*A-1~CTT*1~SE*5*0001~"
SET_2 = "ST*850*0002~PO1*1*10*EA*9.95**VP~CTT*1~SE*4*0002~"
SET_3 = "ST*850*0003~BEG*00*SA*PO-3**20240131~PO1*1*5*EA*1.50**VP*C-1~CTT*1~SE*5*0003~"
MISSING_BEG = Issue(
    "x12.segment.missing",
    "BEG is mandatory in an 850 but set 0002 has none",
    Location("in.x12", 9, "BEG"),
)
P0607 = Issue(
    "x12.element.conditional",
    "PO1 syntax note P0607: PO106 is present, so PO107 is required",
    Location("in.x12", 9, "PO1", 7),
)


def interchange(*sets: str, version: str = "004010", count: int | None = None) -> Split:
    """One interchange holding one PO group with the given sets, split."""
    isa12, isa11 = ("00501", "^") if version >= "005010" else ("00401", "U")
    ge01 = len(sets) if count is None else count
    return split(
        isa("BUYER", "SELLER", "000000905", isa12, isa11)
        + f"GS*PO*BUYER*SELLER*20240131*0915*1001*X*{version}~"
        + "".join(sets)
        + f"GE*{ge01}*1001~IEA*1*000000905~"
    )


def outcome(ic: Split, per_set: dict[str, tuple[Issue, ...]], *group: Issue) -> GroupOutcome:
    """The group's outcome with the issues given per ST02 and for the group."""
    [(gs, sets, count)] = ic.groups
    return GroupOutcome(
        ic.header,
        gs,
        tuple(SetOutcome(t, per_set.get(t.control_ref, ())) for t in sets),
        tuple(group),
        count,
    )


def expected(name: str) -> str:
    """An expected acknowledgement body, written by hand against the standard."""
    return (EXPECTED / name).read_text()


def test_997_answers_every_set_and_rejects_only_the_bad_one() -> None:
    # given three 850s, the second missing BEG and breaking P0607 on PO1
    ic = interchange(SET_1, SET_2, SET_3)
    # when acknowledged
    ack = functional_ack_for_group(outcome(ic, {"0002": (MISSING_BEG, P0607)}), RECEIVED)
    # then the group is partially accepted and only set 0002 is rejected
    assert ack.status == AckStatus.PARTIALLY_ACCEPTED
    assert [m.status for m in ack.messages] == [
        AckStatus.ACCEPTED,
        AckStatus.REJECTED,
        AckStatus.ACCEPTED,
    ]
    # and the 997 has AK2/AK5 A for 1 and 3, AK3/AK4 at set positions (ST = 1), AK9 P 3 3 2
    assert render_segments(render_997(ack), LINES) == expected("997_850_partial.txt")


def test_ack_carries_the_group_and_interchange_it_answers() -> None:
    # given the three 850s
    ic = interchange(SET_1, SET_2, SET_3)
    # when acknowledged
    ack = functional_ack_for_group(outcome(ic, {"0002": (MISSING_BEG, P0607)}), RECEIVED)
    # then AK1/AK9 sources and the ISA to answer are kept
    assert (ack.functional_id, ack.group_ref, ack.syntax_version, ack.sets_included) == (
        "PO",
        "1001",
        "004010",
        3,
    )
    assert (ack.interchange_ref, ack.sender_id, ack.sender_qualifier) == (
        "000000905",
        "BUYER",
        "ZZ",
    )
    assert (ack.recipient_id, ack.interchange_date, ack.interchange_time) == (
        "SELLER",
        "240131",
        "0915",
    )
    # and the element error keeps its place in the set and its code
    assert ack.messages[1].errors == (
        AckError("3", MISSING_BEG.message, 2, "BEG"),
        AckError("2", P0607.message, 2, "PO1", 7),
    )


def test_999_reports_the_same_group_with_ik_segments_and_version() -> None:
    # given the same three 850s in 005010
    ic = interchange(SET_1, SET_2, SET_3, version="005010")
    group = outcome(ic, {"0002": (MISSING_BEG, P0607)})
    # when acknowledged by 999, with the business units of the sets
    ack = functional_ack_for_group(group, RECEIVED)
    body = render_999(ack)
    # then AK1 carries AK103; no CTX in set 0002, whose BEG (the business unit) is missing
    assert render_segments(body, LINES) == expected("999_850_partial.txt")


def test_999_names_the_business_unit_and_copies_the_bad_value() -> None:
    # given an 850 whose PO103 unit of measure XX is not a valid code
    set_4 = "ST*850*0004*005010~BEG*00*SA*PO-4**20240131~PO1*1*10*XX*9.95**VP*A-1~CTT*1~SE*5*0004~"
    ic = split(
        isa("BUYER", "SELLER", "000000906", "00501", "^")
        + "GS*PO*BUYER*SELLER*20240131*0915*1002*X*005010~"
        + set_4
        + "GE*1*1002~IEA*1*000000906~"
    )
    bad_unit = Issue(
        "x12.element.code",
        "PO103 'XX' is not a unit of measurement code (355)",
        Location("in.x12", 5, "PO1", 3),
        value="XX",
    )
    group = outcome(ic, {"0004": (bad_unit,)})
    # when acknowledged by 999
    ack = functional_ack_for_group(group, RECEIVED)
    body = render_999(ack)
    # then IK3 is followed by CTX BEG03 (X231A1 2100 CTX business unit) and IK4 copies XX
    assert render_segments(body, LINES) == expected("999_850_context.txt")
    assert ack.messages[0].implementation == "005010"


def test_999_leaves_out_the_business_unit_when_it_is_itself_in_error() -> None:
    # given an 850 whose BEG03 order number is too long
    ic = interchange(SET_1, version="005010")
    too_long = Issue(
        "x12.element.too_long", "BEG03 too long", Location("in.x12", 4, "BEG", 3), value="PO-1"
    )
    group = outcome(ic, {"0001": (too_long,)})
    # when acknowledged by 999
    body = render_999(functional_ack_for_group(group, RECEIVED))
    # then no CTX: the identifier is not "known" to us (X12 RFI 2293)
    assert [s.tag for s in body] == ["AK1", "AK2", "IK3", "IK4", "IK5", "AK9"]
    assert body[3] == segment("IK4", ["3", ""], "", "5", "PO-1")


def test_group_count_error_rejects_the_group_and_its_sets() -> None:
    # given two 850s in a group whose GE01 says 3
    ic = interchange(SET_1, SET_3, count=3)
    ge_count = Issue(
        "x12.ge.count",
        "GE01 says 3 transaction sets; the group has 2",
        Location("in.x12", 13, "GE", 1),
        value="3",
    )
    # when acknowledged
    ack = functional_ack_for_group(outcome(ic, {}, ge_count), RECEIVED)
    # then AK9 R with AK902 3 (as received), AK903 2, AK904 0 and AK905 5; both sets R
    assert ack.status == AckStatus.REJECTED
    assert ack.errors == (AckError("5", ge_count.message),)
    assert render_segments(render_997(ack), LINES) == expected("997_850_group_count.txt")


def test_accepting_with_errors_notes_them_with_e() -> None:
    # given set 0002 in error, and a policy that accepts sets with errors
    ic = interchange(SET_1, SET_2, SET_3)
    group = outcome(ic, {"0002": (MISSING_BEG, P0607)})
    # when acknowledged
    ack = functional_ack_for_group(group, RECEIVED, accept_with_errors=True)
    # then the set and the group are E, and every set counts as accepted
    body = render_997(ack)
    assert body[7] == segment("AK5", "E", "5")
    assert body[-1] == segment("AK9", "E", "3", "3", "3")


def test_warnings_do_not_appear_in_the_ack() -> None:
    # given a set with a warning only
    ic = interchange(SET_1)
    warning = Issue(
        "x12.element.code", "PO103 EA is deprecated", Location("in.x12", 5, "PO1", 3), "warning"
    )
    # when acknowledged
    ack = functional_ack_for_group(outcome(ic, {"0001": (warning,)}), RECEIVED)
    # then the set is accepted with no error
    assert ack.status == AckStatus.ACCEPTED
    assert render_997(ack)[1:] == [
        segment("AK2", "850", "0001"),
        segment("AK5", "A"),
        segment("AK9", "A", "1", "1", "1"),
    ]


def test_set_envelope_issues_are_read_from_the_transaction_once() -> None:
    # given the SE count issue both on the transaction and passed again by the caller
    ic = interchange(SET_1)
    [transaction] = ic.transactions
    se_count = Issue("x12.se.count", "SE01 says 9", Location("in.x12", 7, "SE", 1), value="9")
    with_issue = replace(transaction, issues=(se_count,))
    group = GroupOutcome(ic.header, transaction.group, (SetOutcome(with_issue, (se_count,)),))
    # when acknowledged
    ack = functional_ack_for_group(group, RECEIVED)
    # then AK5 R 4 (number of included segments does not match), once, with no AK3
    assert render_997(ack)[2] == segment("AK5", "R", "4")
    assert ack.messages[0].errors == (AckError("4", "SE01 says 9"),)


def test_group_issue_with_a_set_code_lands_in_that_sets_loop() -> None:
    # given a duplicate ST02 reported by the group at set 0003's ST (position 12)
    ic = interchange(SET_1, SET_2, SET_3)
    duplicate = Issue("x12.st.duplicate", "ST02 repeats", Location("in.x12", 12, "ST", 2))
    # when acknowledged
    ack = functional_ack_for_group(outcome(ic, {}, duplicate), RECEIVED)
    # then set 0003 is rejected with AK502 23 and the group is partially accepted
    assert ack.errors == ()
    assert ack.messages[2].errors == (AckError("23", "ST02 repeats"),)
    assert render_997(ack)[-2:] == [segment("AK5", "R", "23"), segment("AK9", "P", "3", "3", "2")]


def test_agreement_and_mapping_issues_reject_without_a_syntax_code() -> None:
    # given one set the partner may not send, one that fails mapping
    ic = interchange(SET_1, SET_3)
    not_agreed = Issue("partner.message_type", "850 is not accepted", Location("in.x12", 3))
    unmapped = Issue("mapping.failed", "no item for A-1", Location("in.x12", 5, "PO1", 7))
    # when acknowledged
    ack = functional_ack_for_group(
        outcome(ic, {"0001": (not_agreed,), "0003": (unmapped,)}), RECEIVED
    )
    # then both are rejected: 718 code 1 (not supported) for the first, no code for the second
    body = render_997(ack)
    assert body[2] == segment("AK5", "R", "1")
    assert body[4] == segment("AK5", "R")
    assert ack.messages[1].errors == (AckError("", "no item for A-1"),)
    assert body[-1] == segment("AK9", "R", "2", "2", "0")


def test_bad_value_copy_is_cut_to_99_and_never_sent_for_invalid_characters() -> None:
    # given a too-long value of 120 characters and an invalid character
    ic = interchange(SET_1)
    long_value = "X" * 120
    too_long = Issue(
        "x12.element.too_long", "too long", Location("in.x12", 4, "BEG", 3), value=long_value
    )
    bad_char = Issue(
        "x12.element.character", "bad char", Location("in.x12", 5, "PO1", 7), value="A\x07"
    )
    # when acknowledged
    ack = functional_ack_for_group(outcome(ic, {"0001": (too_long, bad_char)}), RECEIVED)
    body = render_997(ack)
    # then AK404 holds the first 99 characters, and nothing for the invalid character (AK403 6)
    assert body[3] == segment("AK4", ["3", ""], "", "5", "X" * 99)
    assert render_segments([body[5]], LINES) == "AK4*7**6~\n"


def test_copy_holding_a_delimiter_is_left_out() -> None:
    # given an invalid code value holding '*', to be written with '*' as element separator
    ic = interchange(SET_1)
    star = Issue("x12.element.code", "bad", Location("in.x12", 5, "PO1", 3, 2), value="E*A")
    ack = functional_ack_for_group(outcome(ic, {"0001": (star,)}), RECEIVED)
    # when rendered for those delimiters
    body = render_997(ack, delimiters=LINES)
    # then AK4 names element 3 component 2 with no copy, and can be written
    assert render_segments([body[3]], LINES) == "AK4*3>2**7~\n"


def test_segment_issue_without_position_is_reported_at_the_last_segment() -> None:
    # given a missing CTT the validator could not place
    ic = interchange(SET_1)
    missing = Issue("x12.segment.missing", "CTT missing", Location("in.x12", None, "CTT"))
    # when acknowledged
    ack = functional_ack_for_group(outcome(ic, {"0001": (missing,)}), RECEIVED)
    # then AK3 says CTT, at the set's last segment (SE, 5)
    assert render_997(ack)[2] == segment("AK3", "CTT", "5", "", "3")


def test_ta1_accepts_a_clean_interchange() -> None:
    # given a clean interchange
    ic = interchange(SET_1)
    # when acknowledged at the interchange level
    ack = interchange_ack(ic.header, [], RECEIVED)
    # then TA1 A 000 with ISA13, ISA09 and ISA10
    assert ack.status == AckStatus.ACCEPTED
    assert render_segments([render_ta1(ack)], LINES) == expected("ta1_accepted.txt")


def test_ta1_rejects_with_the_first_interchange_note() -> None:
    # given IEA02 that differs from ISA13, then a bad ISA15, plus a group issue
    ic = interchange(SET_1)
    issues = [
        Issue("x12.iea.control", "IEA02 000000999 is not ISA13", Location("in.x12", 9, "IEA", 2)),
        Issue("x12.isa.usage", "ISA15 Q", Location("in.x12", 1, "ISA", 15), value="Q"),
        Issue("x12.ge.count", "GE01", Location("in.x12", 8, "GE", 1)),
    ]
    # when acknowledged at the interchange level
    ack = interchange_ack(ic.header, issues, RECEIVED)
    # then TA1 R 001: the first interchange issue's note; the group issue is not the TA1's
    assert ack.status == AckStatus.REJECTED
    assert [e.code for e in ack.errors] == ["001", "020"]
    assert render_segments([render_ta1(ack)], LINES) == expected("ta1_rejected_001.txt")


def test_ta1_accepting_with_errors_says_e() -> None:
    ic = interchange(SET_1)
    late = Issue("x12.isa.date", "ISA09 991399", Location("in.x12", 1, "ISA", 9))
    ack = interchange_ack(ic.header, [late], RECEIVED, accept_with_errors=True)
    assert render_ta1(ack) == segment("TA1", "000000905", "240131", "0915", "E", "014")


@pytest.mark.parametrize(
    ("version", "answer"),
    [
        ("003040", "997"),
        ("004010", "997"),
        ("004010VICS", "997"),
        ("004060", "997"),
        ("005010", "999"),
        ("005010X231A1", "999"),
        ("006020", "999"),
        ("", "997"),
    ],
)
def test_ack_transaction_id_is_999_from_005010_on(version: str, answer: str) -> None:
    assert ack_transaction_id(version) == answer


def test_business_unit_is_the_order_number_of_an_850() -> None:
    ic = interchange(SET_1, SET_2)
    first, second = ic.transactions
    assert business_unit(first) == ("BEG03", "PO-1")
    assert business_unit(second) is None  # no BEG, so the unit is not known


def test_997_in_005010_repeats_version_and_implementation() -> None:
    # given a 005010 set with ST03
    ic = interchange(
        "ST*850*0009*005010~BEG*00*SA*PO-9**20240131~CTT*0~SE*4*0009~", version="005010"
    )
    # when answered with a 997 (a partner that wants 997 in 005010)
    body = render_997(functional_ack_for_group(outcome(ic, {}), RECEIVED))
    # then AK103 and AK203 are present
    assert body[:2] == [
        segment("AK1", "PO", "1001", "005010"),
        segment("AK2", "850", "0009", "005010"),
    ]
