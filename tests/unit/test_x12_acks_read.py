"""Reading a partner's 997, 999 and TA1 about our interchanges."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from gateway.errors import Issue, Location
from gateway.formats.segments import Segment, segment
from gateway.formats.x12_acks import (
    GroupOutcome,
    SetOutcome,
    functional_ack_for_group,
    interchange_ack,
    render_997,
    render_999,
    render_ta1,
)
from gateway.formats.x12_acks_read import read_functional_ack, read_ta1
from gateway.formats.x12_envelope import X12Transaction
from tests.unit.x12_acks_split import isa, split

RECEIVED = datetime(2024, 1, 31, 10, 0, tzinfo=UTC)


def corpus_ack(corpus_dir: Path, name: str) -> X12Transaction:
    """The one acknowledgement set in a corpus file."""
    [transaction] = split((corpus_dir / "x12" / name).read_bytes().decode("utf-8")).transactions
    return transaction


def ack_set(body: list[Segment], set_id: str = "997") -> X12Transaction:
    """An acknowledgement set wrapped around a body, as a partner would send it."""
    text = (
        isa("SELLER", "BUYER", "000000077")
        + "GS*FA*SELLER*BUYER*20240131*1000*77*X*004010~"
        + f"ST*{set_id}*0077~"
        + "".join(_line(s) for s in body)
        + f"SE*{len(body) + 2}*0077~GE*1*77~IEA*1*000000077~"
    )
    [transaction] = split(text).transactions
    return transaction


def _line(seg: Segment) -> str:
    elements = [":".join(e).rstrip(":") for e in seg.elements]
    return "*".join([seg.tag, *elements]).rstrip("*") + "~"


def test_staedi_997_rejects_our_group_and_names_the_bad_element(corpus_dir: Path) -> None:
    # given the staedi 997 rejecting 837 0021 for NM108
    ack = read_functional_ack(corpus_ack(corpus_dir, "staedi__simple997_5010.edi"))
    # then it refers to our GS06 000001 and says why, element by element
    assert (ack.kind, ack.references, ack.status, ack.message_ref) == (
        "997",
        ("000001",),
        "rejected",
        "0001",
    )
    assert ack.errors == (
        "set 837 0021: segment NM1 at 8: element 8 (data element 66): "
        "invalid code value 'MI' (AK403 7)",
        "set 837 0021: rejected: one or more segments in error (AK502 5)",
    )


def test_staedi_999_is_partially_accepted_with_context(corpus_dir: Path) -> None:
    # given the staedi 999: set 0001 accepted, 0002 and 0003 rejected, AK9 P
    ack = read_functional_ack(corpus_ack(corpus_dir, "staedi__simple999_5010.edi"))
    # then the group 17456 is partially accepted and only the rejected sets are told
    assert (ack.kind, ack.references, ack.status) == ("999", ("17456",), "partially_accepted")
    assert ack.errors == (
        "set 837 0002: segment CLM at 22 (CLM01 123456789): element 2 (data element 782): "
        "mandatory data element missing (IK403 1)",
        "set 837 0002: rejected: one or more segments in error (IK502 5)",
        "set 837 0003: segment REF at 57 (triggered by CLM at 43) (CLM01 987654321): "
        "required segment missing (IK304 3)",
        "set 837 0003: rejected: one or more segments in error (IK502 5)",
    )


def test_stupidedi_single_line_999_with_bom_reads_the_same(corpus_dir: Path) -> None:
    # given the X231A1 TR3 example, on one line after a UTF-8 BOM
    ack = read_functional_ack(corpus_ack(corpus_dir, "stupidedi__999_X231A1_BOM_singleline.edi"))
    # then it says what the staedi copy says
    assert (ack.references, ack.status, ack.message_ref) == (
        ("17456",),
        "partially_accepted",
        "2870001",
    )
    assert ack.errors[2] == (
        "set 837 0003: segment REF at 57 (triggered by CLM at 43) (CLM01 987654321): "
        "required segment missing (IK304 3)"
    )
    assert len(ack.errors) == 4


def test_imsweb_999_rejects_an_unrecognized_segment(corpus_dir: Path) -> None:
    # given a 999 with ISA16 '|' rejecting 837 0028
    ack = read_functional_ack(corpus_ack(corpus_dir, "imsweb__999_rejected_5010_ISA16-pipe.edi"))
    # then group 28 is rejected for segment NM at 17
    assert (ack.kind, ack.references, ack.status) == ("999", ("28",), "rejected")
    assert ack.errors == (
        "set 837 0028: segment NM at 17: unrecognized segment ID (IK304 1)",
        "set 837 0028: rejected: one or more segments in error (IK502 5)",
    )


@pytest.mark.parametrize(
    "name", ["INVALID__staedi__invalid997_5010.edi", "INVALID__staedi__invalid999_5010.edi"]
)
def test_malformed_corpus_acks_are_read_without_raising(corpus_dir: Path, name: str) -> None:
    # given staedi's deliberately invalid 997/999 (odd codes, IK5 before AK1, IK5*Q)
    ack = read_functional_ack(corpus_ack(corpus_dir, name))
    # then they still name our group and an outcome
    assert ack.references in (("000001",), ("17456",))
    assert ack.status in ("rejected", "partially_accepted")


def test_ack_without_ak1_names_no_group_and_says_so() -> None:
    # given a 997 that starts with AK2 and rejects the set
    ack = read_functional_ack(
        ack_set(
            [
                segment("AK2", "850", "0001"),
                segment("AK5", "R", "5"),
                segment("AK9", "R", "1", "1", "0"),
            ]
        )
    )
    # then no reference, the rejection, and a sentence for the missing AK1
    assert ack.references == ()
    assert ack.status == "rejected"
    assert ack.errors[0] == "997 0077: no AK1 AK102, so the group it answers is unknown"


def test_ack_without_ak9_takes_its_status_from_the_sets() -> None:
    # given a 997 whose AK9 is missing, with one set accepted and one rejected
    ack = read_functional_ack(
        ack_set(
            [
                segment("AK1", "PO", "5"),
                segment("AK2", "850", "0001"),
                segment("AK5", "A"),
                segment("AK2", "850", "0002"),
                segment("AK5", "R", "4"),
            ]
        )
    )
    # then the group is partially accepted, and the missing AK9 is said
    assert (ack.references, ack.status) == (("5",), "partially_accepted")
    assert ack.errors == (
        "set 850 0002: rejected: number of included segments does not match actual count (AK502 4)",
        "997 0077: no AK9 AK901",
    )


def test_accepted_group_with_a_rejected_set_is_rejected() -> None:
    # given AK9 A that contradicts an AK5 R
    ack = read_functional_ack(
        ack_set(
            [
                segment("AK1", "PO", "5"),
                segment("AK2", "850", "0001"),
                segment("AK5", "R"),
                segment("AK9", "A", "1", "1", "1"),
            ]
        )
    )
    # then the rejection wins
    assert ack.status == "rejected"
    assert ack.errors == ("set 850 0001: rejected (AK501 R)",)


def test_group_error_codes_are_told() -> None:
    ack = read_functional_ack(
        ack_set([segment("AK1", "PO", "5"), segment("AK9", "R", "3", "2", "0", "5")])
    )
    assert ack.errors == (
        "group 5: rejected: number of included transaction sets does not match actual count "
        "(AK905 5)",
    )


def test_a_set_that_is_no_acknowledgement_is_not_read_as_one() -> None:
    ack = read_functional_ack(ack_set([segment("BEG", "00", "SA", "PO-1")], "850"))
    assert (ack.kind, ack.references, ack.status) == ("850", (), "received")
    assert ack.errors == ("850 0077: not a 997 or 999 acknowledgement",)


def test_ta1_accepted_refers_to_our_isa13() -> None:
    ack = read_ta1(segment("TA1", "000000905", "240131", "0915", "A", "000"))
    assert (ack.kind, ack.references, ack.status, ack.errors) == (
        "TA1",
        ("000000905",),
        "accepted",
        (),
    )


def test_ta1_rejected_says_the_note() -> None:
    ack = read_ta1(segment("TA1", "000000905", "240131", "0915", "R", "001"))
    assert ack.status == "rejected"
    assert ack.errors == (
        "interchange 000000905: the interchange control number in the header and trailer "
        "do not match (TA105 001)",
    )


def test_ta1_with_errors_noted_is_accepted_with_the_note() -> None:
    ack = read_ta1(segment("TA1", "000000905", "240131", "0915", "E", "014"))
    assert ack.status == "accepted"
    assert ack.errors == ("interchange 000000905: invalid interchange date value (TA105 014)",)


def test_malformed_ta1_is_read_without_raising() -> None:
    ack = read_ta1(segment("TA1", "", "", "", "Q"))
    assert (ack.references, ack.status) == ((), "received")
    assert ack.errors == (
        "TA1 has no TA101, so the interchange it answers is unknown",
        "interchange ?: TA104 Q is not A, E or R",
    )


# Our own acknowledgements, read back: the same outcome and the same group.

SETS = (
    "ST*850*0001~BEG*00*SA*PO-1**20240131~PO1*1*10*EA*9.95**VP*A-1~CTT*1~SE*5*0001~"
    "ST*850*0002~PO1*1*10*EA*9.95**VP~CTT*1~SE*4*0002~"
    "ST*850*0003~BEG*00*SA*PO-3**20240131~PO1*1*5*EA*1.50**VP*C-1~CTT*1~SE*5*0003~"
)
BAD_PO1 = Issue(
    "x12.element.conditional", "PO107 required (P0607)", Location("in.x12", 9, "PO1", 7)
)


def group_outcome(count: int, *group_issues: Issue, bad: tuple[Issue, ...] = ()) -> GroupOutcome:
    """Our received group of three 850s with the given issues."""
    ic = split(
        isa("BUYER", "SELLER", "000000905", "00501", "^")
        + "GS*PO*BUYER*SELLER*20240131*0915*1001*X*005010~"
        + SETS
        + f"GE*{count}*1001~IEA*1*000000905~"
    )
    [(gs, sets, ge01)] = ic.groups
    outcomes = tuple(SetOutcome(t, bad if t.control_ref == "0002" else ()) for t in sets)
    return GroupOutcome(ic.header, gs, outcomes, group_issues, ge01)


GE_COUNT = Issue("x12.ge.count", "GE01 says 4", Location("in.x12", 17, "GE", 1))


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        (group_outcome(3), "accepted"),
        (group_outcome(3, bad=(BAD_PO1,)), "partially_accepted"),
        (group_outcome(4, GE_COUNT), "rejected"),
    ],
)
@pytest.mark.parametrize("kind", ["997", "999"])
def test_our_own_acks_read_back_to_their_status(
    outcome: GroupOutcome, status: str, kind: str
) -> None:
    # given our 997 or 999 for the group
    ack = functional_ack_for_group(outcome, RECEIVED)
    body = render_997(ack) if kind == "997" else render_999(ack)
    # when a partner's reader reads it
    read = read_functional_ack(ack_set(body, kind))
    # then it refers to the group and says the same outcome
    assert (read.kind, read.references, read.status) == (kind, ("1001",), status)


def test_our_rejected_set_reads_back_with_its_element_error() -> None:
    ack = functional_ack_for_group(group_outcome(3, bad=(BAD_PO1,)), RECEIVED)
    read = read_functional_ack(ack_set(render_999(ack), "999"))
    assert read.errors == (
        "set 850 0002: segment PO1 at 2: element 7: conditional required data element missing "
        "(IK403 2)",
        "set 850 0002: rejected: one or more segments in error (IK502 5)",
    )


@pytest.mark.parametrize(
    ("issues", "status", "errors"),
    [
        ((), "accepted", 0),
        ((Issue("x12.iea.control", "IEA02", Location("in.x12", 18, "IEA", 2)),), "rejected", 1),
    ],
)
def test_our_own_ta1_reads_back(issues: tuple[Issue, ...], status: str, errors: int) -> None:
    header = group_outcome(3).header
    read = read_ta1(render_ta1(interchange_ack(header, issues, RECEIVED)))
    assert (read.references, read.status, len(read.errors)) == (("000000905",), status, errors)
