"""X12 transaction set structure: segment order, loops, maximum use, HL hierarchy, corpus files.

The transactions are built by a small splitter below (not the gateway's reader): ISA gives the
element separator (byte 4), the component separator (ISA16) and the segment terminator (the
byte after ISA16); ISA11 is the repetition separator from ISA12 00402 on.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from gateway.errors import Issue
from gateway.formats.segments import Segment
from gateway.formats.x12_envelope import X12Group, X12Transaction
from gateway.validate.x12_schema import X12Schemas
from gateway.validate.x12_structure import validate_transaction

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def schemas() -> X12Schemas:
    """The project's schemas/x12, loaded once."""
    return X12Schemas.load(REPO / "schemas")


def split_interchange(text: str) -> list[X12Transaction]:
    """Every transaction set of an interchange (ISA..IEA); positions count from ISA = 1."""
    text = text.removeprefix("\ufeff")
    element, component, terminator = text[3], text[104], text[105]
    isa = text[:105].split(element)
    repetition = isa[11] if isa[12] >= "00402" and isa[11] != "U" else None
    raws = (raw.strip("\r\n\t ") for raw in text.split(terminator))
    segments = [
        _segment(raw, element, component, repetition, position)
        for position, raw in enumerate((raw for raw in raws if raw), start=1)
    ]
    return _transactions(segments)


def transaction(body: str, version: str = "004010") -> X12Transaction:
    """One set from `ST*850*0001~...~SE*n*0001~` ('*', '>' components, '^' repeats)."""
    gs = f"GS*PO*SENDER*RECEIVER*20240131*0915*1*X*{version}"
    raws = [gs, *(raw.strip() for raw in body.split("~") if raw.strip())]
    segments = [
        _segment(raw, "*", ">", "^", position) for position, raw in enumerate(raws, start=2)
    ]
    return _transactions(segments)[0]


Parsed = tuple[Segment, list[tuple[int, int, tuple[tuple[str, ...], ...]]]]


def _segment(
    raw: str, element: str, component: str, repetition: str | None, position: int
) -> Parsed:
    tag, *values = raw.split(element)
    elements: list[tuple[str, ...]] = []
    repeated = []
    for number, value in enumerate(values, start=1):
        repeats = value.split(repetition) if repetition and tag != "ISA" else [value]
        split = tuple(tuple(repeat.split(component)) for repeat in repeats)
        if len(split) > 1:
            repeated.append((position, number, split))
        elements.append(split[0])
    return Segment(tag, tuple(elements), position), repeated


def _transactions(parsed: list[Parsed]) -> list[X12Transaction]:
    found: list[X12Transaction] = []
    group: X12Group | None = None
    current: list[Parsed] = []
    for segment, repeated in parsed:
        if segment.tag == "GS":
            values = [value[0] for value in segment.elements]
            functional_id, sender, receiver, day, hour, control, agency, version = values[:8]
            group = X12Group(
                functional_id, sender, receiver, day, hour, control, agency, version, segment
            )
        elif segment.tag == "ST":
            current = [(segment, repeated)]
        elif current:
            current.append((segment, repeated))
            if segment.tag == "SE":
                found.append(_transaction(current, group))
                current = []
    if current:
        found.append(_transaction(current, group))  # a set cut short without SE
    return found


def _transaction(parsed: list[Parsed], group: X12Group | None) -> X12Transaction:
    if group is None:
        raise ValueError("ST before GS")
    st = parsed[0][0]
    repetitions = tuple(repeat for _, repeats in parsed for repeat in repeats)
    segments = tuple(segment for segment, _ in parsed)
    return X12Transaction(
        st.value(1) or "", st.value(2) or "", st.value(3), segments, group,
        repetitions=repetitions,
    )  # fmt: skip


def errors(issues: list[Issue]) -> list[tuple[str, int | None, str | None, int | None]]:
    """(code, segment position, tag, element) of every error, in order."""
    return [
        (i.code, i.location.segment_position, i.location.segment_tag, i.location.element)
        for i in issues
        if i.severity == "error"
    ]


def corpus_transactions(corpus_dir: Path, name: str) -> list[X12Transaction]:
    """The sets of a corpus file, read in place."""
    return split_interchange((corpus_dir / "x12" / name).read_bytes().decode("utf-8"))


VALID_FILES = [
    "nodex12__850_004010VICS.edi",
    "nodex12__855_004010.edi",
    "ediengine__856_Crossdock_4010_NLterminator.edi",
    "stupidedi__IN810_4010_pipe_separator.edi",
    "stedi__850_005010_GS01-OW.edi",
    "stedi__855_005010.edi",
    "staedi__multi-tx_855x2_4010.edi",
    "staedi__simple997_5010.edi",
    "staedi__simple999_5010.edi",
    "stupidedi__999_X231A1_BOM_singleline.edi",
    "imsweb__999_rejected_5010_ISA16-pipe.edi",
    "staedi__invoice810_po850_dual_4010_3010.edi",
]


@pytest.mark.parametrize("name", VALID_FILES)
def test_valid_corpus_files_validate_without_errors(
    corpus_dir: Path, schemas: X12Schemas, name: str
) -> None:
    # given a file real partners send
    transactions = corpus_transactions(corpus_dir, name)
    assert transactions
    for one in transactions:
        # when its sets are validated
        issues = validate_transaction(one, schemas, file=name)
        # then nothing is an error (warnings may remain)
        assert errors(issues) == [], [str(issue) for issue in issues]


def test_set_of_a_version_without_structure_gives_one_warning(
    corpus_dir: Path, schemas: X12Schemas
) -> None:
    # given the 810/850 file whose 850 is written in 003010
    sets = corpus_transactions(corpus_dir, "staedi__invoice810_po850_dual_4010_3010.edi")
    po = next(one for one in sets if one.set_id == "850")
    # when it is validated
    issues = validate_transaction(po, schemas, file="dual.edi")
    # then one warning at ST says the structure is unknown
    assert [(i.code, i.severity, i.location.segment_tag) for i in issues] == [
        ("x12.structure_unknown", "warning", "ST")
    ]
    assert "003010" in issues[0].message


def test_syntax_notes_corpus_file_reports_po1_pair_and_po4_conditions(
    corpus_dir: Path, schemas: X12Schemas
) -> None:
    # given EdiEngine's syntax-note fixture: PO106 CB without PO107, PO405 with PO406 empty
    (po,) = corpus_transactions(corpus_dir, "INVALID__ediengine__850_SyntaxNotes_ERR_4010.edi")
    # when it is validated
    issues = validate_transaction(po, schemas, file="notes.edi")
    # then PO1 P0607 and PO4 C0506 (and P0607: PO407 without PO406) are reported
    assert errors(issues) == [
        ("x12.element.conditional", 15, "PO1", 7),
        ("x12.element.conditional", 32, "PO4", 6),
        ("x12.element.conditional", 32, "PO4", 6),
    ]
    assert issues[0].message == (
        "PO1 element 7 (234 Product/Service ID) is required when PO1 element 6 "
        "(235 Product/Service ID Qualifier) is present (syntax note P0607)"
    )
    assert "syntax note C0506" in issues[1].message


def test_invalid_997_reports_bad_ak101_and_non_numeric_ak402(
    corpus_dir: Path, schemas: X12Schemas
) -> None:
    # given a 997 whose AK101 is not a functional identifier and AK402 is not a number
    (ack,) = corpus_transactions(corpus_dir, "INVALID__staedi__invalid997_5010.edi")
    # when it is validated
    issues = validate_transaction(ack, schemas, file="997.edi")
    # then both are element errors carrying the offending value
    assert errors(issues) == [
        ("x12.element.too_long", 4, "AK1", 1),
        ("x12.element.character", 7, "AK4", 2),
    ]
    assert [issue.value for issue in issues] == ["HC NOT IN CODESET", "66 NON NUMERIC"]


def test_invalid_999_reports_every_error_not_only_the_first(
    corpus_dir: Path, schemas: X12Schemas
) -> None:
    # given a 999 with an IK5 before AK1, a padded AK101, an AK2 with extra elements,
    # IK5*Q, a second IK5 in the same AK2 loop and a CTX06 that is no element number
    (ack,) = corpus_transactions(corpus_dir, "INVALID__staedi__invalid999_5010.edi")
    # when it is validated
    issues = validate_transaction(ack, schemas, file="999.edi")
    # then each is reported at its segment, in order
    assert errors(issues) == [
        ("x12.segment.unexpected", 4, "IK5", None),
        ("x12.element.too_long", 5, "AK1", 1),
        ("x12.element.too_many", 6, "AK2", 4),
        ("x12.element.code", 7, "IK5", 1),
        ("x12.segment.too_many", 8, "IK5", None),
        ("x12.element.character", 16, "CTX", 6),
    ]
    assert issues[-1].location.component == 1
    assert issues[-1].value == "C023"


def test_mixed_terminators_corpus_file_is_reported_not_crashed(
    corpus_dir: Path, schemas: X12Schemas
) -> None:
    # given stupidedi's 856 whose N1/N3/N4 end with "~" although ISA names "$"
    (ship,) = corpus_transactions(
        corpus_dir, "INVALID__stupidedi__SH856_fail2_mixed_terminators.edi"
    )
    # when it is validated
    issues = validate_transaction(ship, schemas, file="856.edi")
    # then the run-together N1 shows as element errors, and the HL numbering as broken
    codes = {code for code, *_ in errors(issues)}
    assert {"x12.element.too_many", "x12.element.character", "x12.element.code"} <= codes


PO = "ST*850*0001~BEG*00*SA*PO1**20240131~{}PO1*1*2*EA*9.5**VN*X1~CTT*1~SE*{}*0001~"


def purchase_order(heading: str = "", detail: str = "") -> X12Transaction:
    """An 850 with extra heading segments before PO1 and detail segments after it."""
    body = PO.format(heading, "{}").replace("CTT*1~", detail + "CTT*1~")
    count = body.count("~")
    return transaction(body.format(count))


def test_well_formed_purchase_order_has_no_issues(schemas: X12Schemas) -> None:
    # given a minimal 850
    po = purchase_order("REF*DP*12~N1*ST*Shop*92*12~N3*Main St~N1*BT*HQ~", "PID*F****Widget~")
    # when it is validated
    issues = validate_transaction(po, schemas, file=None)
    # then there is nothing to say
    assert issues == []


def test_segment_the_cursor_has_passed_is_out_of_sequence(schemas: X12Schemas) -> None:
    # given a BEG after the PO1 loop has begun
    po = purchase_order(detail="BEG*00*SA*PO2**20240131~")
    # when it is validated
    issues = validate_transaction(po, schemas, file=None)
    # then it is AK304 7: not in proper sequence
    assert errors(issues) == [("x12.segment.order", 6, "BEG", None)]


def test_tag_no_dictionary_knows_is_unrecognized(schemas: X12Schemas) -> None:
    # given a segment ZZZ
    po = purchase_order("ZZZ*1~")
    # when it is validated
    issues = validate_transaction(po, schemas, file=None)
    # then it is AK304 1: unrecognized segment ID
    assert errors(issues) == [("x12.segment.unknown", 5, "ZZZ", None)]


def test_segment_of_another_set_is_not_in_this_set(schemas: X12Schemas) -> None:
    # given an 856's BSN inside an 850
    po = purchase_order("BSN*00*1*20240131*1200~")
    # when it is validated
    issues = validate_transaction(po, schemas, file=None)
    # then it is AK304 6: segment not in defined transaction set
    assert errors(issues) == [("x12.segment.not_in_set", 5, "BSN", None)]


def test_missing_mandatory_segment_is_reported_where_it_was_expected(
    schemas: X12Schemas,
) -> None:
    # given an 850 without BEG
    po = transaction("ST*850*0001~PO1*1*2*EA~CTT*1~SE*4*0001~")
    # when it is validated
    issues = validate_transaction(po, schemas, file=None)
    # then BEG is missing, found PO1 instead
    assert errors(issues) == [("x12.segment.missing", 4, "BEG", None)]
    assert "found PO1 at segment 4 instead" in issues[0].message


def test_missing_mandatory_loop_is_reported(schemas: X12Schemas) -> None:
    # given an 850 without any PO1
    po = transaction("ST*850*0001~BEG*00*SA*PO1**20240131~CTT*1~SE*4*0001~")
    # when it is validated
    issues = validate_transaction(po, schemas, file=None)
    # then the PO1 loop is missing
    assert errors(issues) == [("x12.segment.missing", 5, "PO1", None)]
    assert issues[0].message.startswith("loop PO1 (beginning with PO1) is missing")


def test_segment_over_its_maximum_use_is_reported_at_the_first_excess(
    schemas: X12Schemas,
) -> None:
    # given four PER in the 850 heading (at most 3)
    po = purchase_order("PER*BD*A~PER*BD*B~PER*BD*C~PER*BD*D~")
    # when it is validated
    issues = validate_transaction(po, schemas, file=None)
    # then the fourth is AK304 5
    assert errors(issues) == [("x12.segment.too_many", 8, "PER", None)]
    assert "at most 3 times" in issues[0].message


def test_loop_over_its_maximum_is_reported(schemas: X12Schemas) -> None:
    # given an 810 with two N9 loops (at most 1)
    invoice = transaction(
        "ST*810*0001~BIG*20240131*INV1~N9*ZZ*A~MSG*x~N9*ZZ*B~MSG*y~IT1**1*EA*2~TDS*200~SE*9*0001~"
    )
    # when it is validated
    issues = validate_transaction(invoice, schemas, file=None)
    # then the second N9 is AK304 4: loop occurs over maximum times
    assert errors(issues) == [("x12.loop.too_many", 7, "N9", None)]


def test_loops_repeat_and_nest(schemas: X12Schemas) -> None:
    # given N1 loops in the heading and SAC/N1 loops inside two PO1 loops
    po = purchase_order(
        "N1*ST*A~N3*x~N4*Town~N1*BT*B~N3*y~",
        "SAC*A*D240~N1*ST*C~PO1*2*1*EA~SAC*C*D240~CUR*BY*USD~",
    )
    # when it is validated
    issues = validate_transaction(po, schemas, file=None)
    # then every segment found its place
    assert issues == []


def test_set_cut_short_without_se_reports_no_missing_trailer(schemas: X12Schemas) -> None:
    # given an 850 whose SE never came (the reader reports that as x12.se.missing)
    po = transaction("ST*850*0001~BEG*00*SA*PO1**20240131~PO1*1*2*EA~")
    # when it is validated
    issues = validate_transaction(po, schemas, file=None)
    # then the structure does not report SE again
    assert issues == []


SHIP = "ST*856*0001~BSN*00*S1*20240131*1200~{}CTT*{}~SE*{}*0001~"


def ship_notice(levels: str) -> X12Transaction:
    """An 856 with the given HL loops."""
    count = levels.count("HL*")
    body = SHIP.format(levels, count, "{}")
    return transaction(body.format(body.count("~")))


def test_hl_levels_in_order_with_earlier_parents_are_valid(schemas: X12Schemas) -> None:
    # given shipment, order, pack and item levels numbered 1..4, each naming its parent
    notice = ship_notice("HL*1**S~TD1*CTN*1~HL*2*1*O~PRF*PO1~HL*3*2*P~HL*4*3*I~LIN**VN*X~")
    # when it is validated
    issues = validate_transaction(notice, schemas, file=None)
    # then the hierarchy is accepted
    assert issues == []


def test_hl01_must_count_up_from_one(schemas: X12Schemas) -> None:
    # given a second level numbered 3
    notice = ship_notice("HL*1**S~HL*3*1*O~")
    # when it is validated
    issues = validate_transaction(notice, schemas, file=None)
    # then HL01 is reported with the number expected
    assert errors(issues) == [("x12.element.code", 6, "HL", 1)]
    assert "expected '2'" in issues[0].message


def test_hl02_must_name_an_earlier_level(schemas: X12Schemas) -> None:
    # given an order level whose parent 7 does not exist
    notice = ship_notice("HL*1**S~HL*2*7*O~")
    # when it is validated
    issues = validate_transaction(notice, schemas, file=None)
    # then HL02 is reported with its value
    assert errors(issues) == [("x12.element.code", 6, "HL", 2)]
    assert issues[0].value == "7"


def test_hl03_must_be_a_level_code_of_list_735(schemas: X12Schemas) -> None:
    # given a level coded QQ
    notice = ship_notice("HL*1**QQ~")
    # when it is validated
    issues = validate_transaction(notice, schemas, file=None)
    # then HL03 is an invalid code (AK403 7)
    assert errors(issues) == [("x12.element.code", 5, "HL", 3)]


def test_unknown_set_of_a_known_version_still_checks_st_and_se(schemas: X12Schemas) -> None:
    # given a 940 (no structure written) whose SE lacks its control number
    order = transaction("ST*940*0001~W05*N*1~SE*3~")
    # when it is validated
    issues = validate_transaction(order, schemas, file="940.edi")
    # then one warning, and the SE02 error
    assert [(i.code, i.severity) for i in issues] == [
        ("x12.structure_unknown", "warning"),
        ("x12.element.missing", "error"),
    ]
    assert issues[1].location.segment_tag == "SE"


def test_issues_name_file_segment_and_element(schemas: X12Schemas) -> None:
    # given a BEG with a purpose code that does not exist
    po = transaction("ST*850*0001~BEG*99*SA*PO1**20240131~PO1*1*2*EA~SE*4*0001~")
    # when it is validated
    (issue,) = validate_transaction(po, schemas, file="in/po.edi")
    # then the issue says where and what was expected
    assert str(issue.location) == "in/po.edi, segment 4 (BEG), element 1"
    assert issue.value == "99"
    assert "expected a code of list 353" in issue.message


def test_validation_keeps_pace_with_a_busy_day(schemas: X12Schemas) -> None:
    # given 2,000 purchase orders of 40 segments each
    lines = "".join(f"PO1*{n}*2*EA*9.5**VN*X{n}*UP*012345678905~PID*F****Item~" for n in range(18))
    po = purchase_order("REF*DP*12~N1*ST*Shop*92*12~", lines)
    # when they are validated (CPU time, so that a busy machine does not fail the test)
    start = time.process_time()
    for _ in range(2000):
        validate_transaction(po, schemas, file=None)
    elapsed = time.process_time() - start
    # then well over 20,000 segments a second go through (the target is 100,000)
    assert len(po.segments) * 2000 / elapsed > 20_000
