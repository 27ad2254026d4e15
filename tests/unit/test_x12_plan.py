"""The compiled element checks (x12_plan): never accept what the element checks report."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.x12_orders import make_orders
from gateway.errors import Issue
from gateway.formats.segments import Segment
from gateway.validate.x12_elements import ElementChecker
from gateway.validate.x12_schema import (
    CodeList,
    ComponentDef,
    CompositeDef,
    ElementDef,
    SegmentDef,
    SimpleElement,
    X12Schemas,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def schemas() -> X12Schemas:
    """The project's schemas/x12, loaded once."""
    return X12Schemas.load(REPO / "schemas")


def closer_look(segment: Segment, layout: SegmentDef) -> list[Issue]:
    """What the element checks report about a segment, looked at element by element."""
    issues: list[Issue] = []
    ElementChecker(issues, file="t.edi", repetitions={}).report(segment, layout)
    return issues


def layout_of(schemas: X12Schemas, tag: str, version: str = "004010") -> SegmentDef:
    """The layout of a segment tag in a version."""
    found = schemas.version_for(version)
    assert found is not None
    return found.segments[tag]


# Values that sit on the edges of the X12.6 rules: lengths, signs, decimal points, exponents,
# dates and times (valid, invalid, February 29th), control and non-ASCII characters, and the
# two joints the plans use between values.
EDGES = [
    "", "A", "AB", "ABC", " ", "-", "-5", "5", "05", "1.5", "-1.25", "1.", ".5", ".", "1.2.3",
    "1E5", "1E-5", "12345678901234567890", "20240229", "20230229", "20261231", "20261331",
    "00000101", "261120", "240229", "0930", "2360", "093015", "09301", "2400", "093059999",
    "EA", "ZZ", "BT", "ST", "92", "00", "SA", "VN", "UP", "002", "\x01", "A\x1fB", "A\x1eB",
    "Ä", "caf\u00e9", "\udcff", "A" * 90, "1" * 20,
]  # fmt: skip


PRINTABLE = "".join(chr(c) for c in range(0x20, 0x7F))


def valid_values(simple: SimpleElement) -> st.SearchStrategy[str]:
    """Values of a simple element that its rules accept (most of the time)."""
    low, high = simple.min_length, min(simple.max_length, simple.min_length + 4)
    if simple.codes is not None and simple.codes.codes:
        return st.sampled_from(sorted(simple.codes.codes))
    if simple.type[0] == "N" or simple.type == "R":
        return st.text("0123456789", min_size=low, max_size=high)
    if simple.type == "DT":
        return st.sampled_from(["20260120", "20261231", "260120"])
    if simple.type == "TM":
        return st.sampled_from(["0930", "093015", "09301599"])
    return st.text(PRINTABLE, min_size=low, max_size=high)


def element_values(position: ElementDef) -> st.SearchStrategy[tuple[str, ...]]:
    """One element: mostly valid, sometimes empty, sometimes near an edge of the rules."""
    edge = st.sampled_from(EDGES) | st.text(max_size=6)
    if position.composite is not None:
        component = st.one_of(
            *(valid_values(c.element) | st.just("") for c in position.composite.components)
        )
        valid = st.lists(component | edge, min_size=1, max_size=4).map(tuple)
    else:
        assert position.simple is not None
        valid = valid_values(position.simple).map(lambda v: (v,))
    return st.one_of(
        valid, valid, valid, st.just(("",)), edge.map(lambda v: (v,)), st.lists(edge).map(tuple)
    )


@st.composite
def segments(draw: st.DrawFn, schemas: X12Schemas) -> tuple[Segment, SegmentDef]:
    """A segment of a random 004010/005010 tag, its values mostly valid, some at the edges."""
    version = schemas.version_for(draw(st.sampled_from(["004010", "005010"])))
    assert version is not None
    tag = draw(st.sampled_from(sorted(version.segments)))
    layout = version.segments[tag]
    count = draw(st.integers(0, len(layout.elements) + 1))
    positions = [*layout.elements, layout.elements[-1]] if layout.elements else []
    elements = tuple(draw(element_values(position)) for position in positions[:count])
    return Segment(tag, elements, 5), layout


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_plan_never_accepts_a_segment_the_element_checks_report(
    schemas: X12Schemas, data: st.DataObject
) -> None:
    # given any segment of any tag, its values near the edges of the rules
    segment, layout = data.draw(segments(schemas))
    # when the compiled plan finds it clean
    if layout.plan.clean(segment.elements):
        # then the element checks, looking element by element, report nothing either
        assert closer_look(segment, layout) == []


def test_plan_accepts_every_segment_of_a_correct_order(schemas: X12Schemas) -> None:
    # given the segments of correct 850s (the benchmark's orders)
    text = make_orders(12).decode()
    raws = [raw.strip() for raw in text.split("~")[1:] if raw.strip()]
    body = [raw for raw in raws if raw.split("*")[0] not in ("GS", "GE", "IEA")]
    # when each is checked by its plan
    refused = [
        raw
        for raw in body
        if not layout_of(schemas, raw.split("*")[0]).plan.clean(
            tuple((value,) for value in raw.split("*")[1:])
        )
    ]
    # then none needs a closer look: the one-pass check settles them all
    assert refused == []


def test_february_29th_is_left_to_the_element_checks(schemas: X12Schemas) -> None:
    # given DTM02 (373 Date) on February 29th of a leap year and of a common year
    layout = layout_of(schemas, "DTM")
    leap = Segment("DTM", (("002",), ("20240229",)), 5)
    common = Segment("DTM", (("002",), ("20230229",)), 5)
    # when the plan checks them
    # then it settles neither, and the element checks accept only the leap year's
    assert not layout.plan.clean(leap.elements)
    assert closer_look(leap, layout) == []
    assert not layout.plan.clean(common.elements)
    assert [issue.code for issue in closer_look(common, layout)] == ["x12.element.date"]


def test_joint_character_inside_a_value_is_looked_at_closer(schemas: X12Schemas) -> None:
    # given N3 whose address holds the unit separator the plans join values with
    layout = layout_of(schemas, "N3")
    segment = Segment("N3", (("1 MAIN\x1fSTREET",),), 5)
    # when the plan checks it
    clean = layout.plan.clean(segment.elements)
    # then it is not settled, and the element checks report the control character
    assert not clean
    assert [issue.code for issue in closer_look(segment, layout)] == ["x12.element.character"]


def test_syntax_note_is_kept_by_the_plan(schemas: X12Schemas) -> None:
    # given N1 with N103 and N104 (P0304: paired), with only N103, and with only N104
    layout = layout_of(schemas, "N1")
    paired = Segment("N1", (("ST",), ("SHOP",), ("92",), ("0001",)), 5)
    first = Segment("N1", (("ST",), ("SHOP",), ("92",)), 5)
    second = Segment("N1", (("ST",), ("SHOP",), ("",), ("0001",)), 5)
    # when the plan checks them
    # then only the pair is settled; the element checks report the others
    assert layout.plan.clean(paired.elements)
    for broken in (first, second):
        assert not layout.plan.clean(broken.elements)
        assert [issue.code for issue in closer_look(broken, layout)] == ["x12.element.conditional"]


def test_code_outside_a_complete_list_is_looked_at_closer(schemas: X12Schemas) -> None:
    # given BEG01 (353, a complete list) with a code the list does not have
    layout = layout_of(schemas, "BEG")
    segment = Segment("BEG", (("Q9",), ("SA",), ("PO1",), ("",), ("20260120",)), 5)
    # when the plan checks it
    clean = layout.plan.clean(segment.elements)
    # then it is not settled, and the element checks report the code
    assert not clean
    assert [issue.code for issue in closer_look(segment, layout)] == ["x12.element.code"]


def synthetic() -> SegmentDef:
    """A made-up segment that has what the project's schemas seldom have."""
    quantity = SimpleElement("1", "Quantity", "N2", 2, 4)
    unit = SimpleElement(
        "2",
        "Unit",
        "ID",
        2,
        2,
        CodeList("2", "Units", complete=False, codes=frozenset({"EA", "KGS"})),
    )
    note = SimpleElement("3", "Note", "AN", 1, 5)
    measure = CompositeDef("C9", "Measure", (ComponentDef(note, "O"), ComponentDef(unit, "O")))
    return SegmentDef(
        "ZZZ",
        "Synthetic",
        (
            ElementDef("M", simple=quantity),
            ElementDef("M", composite=measure),
            ElementDef("O", simple=unit),
        ),
    )


@pytest.mark.parametrize(
    "values",
    [
        (("12",), ("A", "EA"), ("EA",)),  # every rule kept
        (("1",), ("A",)),  # N2 01..04: one digit is too short
        (("12",), ("",)),  # the mandatory composite is empty
        (("12",), ("", "")),  # ... only empty components
        (("12",), ("A\x1eB",)),  # a component holding the component joint
        (("12",), ("A",), ("KGS",)),  # a code of the open list too long for the element
        (("12",), ("A", "KGS")),  # ... in a composite
        (("-12",), ("A",)),  # a minus sign is not counted
    ],
)
def test_plan_and_element_checks_agree_on_unusual_layouts(
    values: tuple[tuple[str, ...], ...],
) -> None:
    # given a segment of a layout with a two-digit minimum, an open code list, and a mandatory
    # composite of optional components
    layout = synthetic()
    segment = Segment("ZZZ", values, 5)
    # when the plan and the element checks judge it
    clean, issues = layout.plan.clean(values), closer_look(segment, layout)
    # then the plan settles it exactly when the element checks find nothing
    assert clean == (issues == [])


@pytest.mark.parametrize(
    "date",
    ["20260131", "20260132", "20260228", "20260230", "20260331", "20260430", "20260431",
     "20260631", "20260931", "20261131", "20261231", "20261301", "00000101", "2026010"],
)  # fmt: skip
@pytest.mark.parametrize("time", ["", "0930", "2400", "0960", "093060", "09301", "093015999"])
def test_plan_and_element_checks_agree_on_dates_and_times(
    schemas: X12Schemas, date: str, time: str
) -> None:
    # given DTM with a date (373, CCYYMMDD) and perhaps a time (337, HHMM[SS[d..]])
    layout = layout_of(schemas, "DTM")
    values = (("002",), (date,), (time,)) if time else (("002",), (date,))
    # when the plan and the element checks judge it
    clean, issues = layout.plan.clean(values), closer_look(Segment("DTM", values, 5), layout)
    # then the plan settles it exactly when the element checks find nothing
    assert clean == (issues == [])


@pytest.mark.parametrize(
    "quantity",
    ["1", "1.5", ".5", "1.", ".", "-2", "-", "1.2.3", "9" * 15, "9" * 16,
     "9" * 14 + ".9", "9" * 15 + ".9", "." + "9" * 15, "." + "9" * 16, "-" + "9" * 15],
)  # fmt: skip
def test_plan_and_element_checks_agree_on_decimal_numbers(
    schemas: X12Schemas, quantity: str
) -> None:
    # given PO1 whose PO102 (330 Quantity Ordered, R 1/15) is near the edges of the rules
    layout = layout_of(schemas, "PO1")
    values = (("1",), (quantity,), ("EA",))
    # when the plan and the element checks judge it
    clean, issues = layout.plan.clean(values), closer_look(Segment("PO1", values, 5), layout)
    # then the plan settles it exactly when the element checks find nothing
    assert clean == (issues == [])


def test_exponent_is_left_to_the_element_checks(schemas: X12Schemas) -> None:
    # given PO1 whose PO102 (R) is written with an exponent, which X12.6 allows
    layout = layout_of(schemas, "PO1")
    values = (("1",), ("1E3",), ("EA",))
    # when the plan and the element checks judge it
    # then the plan does not settle it, and the element checks accept it
    assert not layout.plan.clean(values)
    assert closer_look(Segment("PO1", values, 5), layout) == []
