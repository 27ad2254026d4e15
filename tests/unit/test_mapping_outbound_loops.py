"""Outbound engine: nested loops, loop numbers, segment counts, `when` and `always`."""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal

import pytest

from gateway.errors import MappingError
from gateway.formats.segments import Segment, segment
from gateway.mapping.build_outbound import OutboundBuilder
from gateway.mapping.converters import inbound_converters, outbound_converters
from gateway.mapping.outbound import OutboundMapping
from gateway.mapping.rules import BuildContext
from gateway.model import Package, ShipNotice, ShipNoticeLine

HEADER = """
[mapping]
standard = "EDIFACT"
message_type = "DESADV"
version = "D96A"
direction = "out"
document = "ship_notice"
"""

HIERARCHY = (
    HEADER
    + """
[segments.top]
segment = ["CPS", "1"]

[segments.level]
for_each = "package in packages"
number = { from = 2, key = "sscc", parent = "parent_sscc", root = "1" }
segment = ["CPS", "{package@number}", "{package@parent}"]

[segments.id]
for_each = "package in packages"
segment = ["GIN", "BJ", "{package.sscc}"]

[segments.item]
for_each = "item in package.lines"
segment = ["LIN", "{item@number}", "", ["{item.gtin}", "EN"]]

[segments.uom]
for_each = "item in package.lines"
when = "item.uom"
segment = ["QTY", ["12", "{item.quantity|decimal}", "{item.uom}"]]

[segments.weight]
for_each = "package in packages"
always = true
segment = ["MEA", "PD", "AAB", ["KGM", "{package.gross_weight_kg|decimal}"]]

[segments.count]
segment = ["CNT", ["2", "{@count:LIN}"]]
"""
)


def build(text: str) -> tuple[OutboundMapping | None, list[str]]:
    context = BuildContext(inbound_converters(), outbound_converters(), {})
    builder = OutboundBuilder(context)
    return builder.build(tomllib.loads(text), "test.toml"), builder.problems


def item(gtin: str, uom: str | None = None) -> ShipNoticeLine:
    return ShipNoticeLine(line_number="9", quantity=Decimal("2"), gtin=gtin, uom=uom)


def notice(*packages: Package) -> ShipNotice:
    day = date(2024, 3, 4)
    return ShipNotice("D1", "PO1", day, day, packages)


def test_nested_loop_repeats_inner_segments_per_entry_of_each_outer_entry() -> None:
    # given a pallet with no lines and a carton on it holding two lines
    mapping, problems = build(HIERARCHY)
    assert problems == [] and mapping is not None
    pallet = Package("P", (), Decimal("300"))
    carton = Package("C", (item("1"), item("2", "PCE")), parent_sscc="P")
    # when rendered
    out = mapping.apply(notice(pallet, carton))
    # then the carton's lines follow the carton, numbered within it, and CNT counts them;
    # MEA is kept (always) though the carton has no weight: its empty composite is left out
    assert out == [
        segment("CPS", "1"),
        segment("CPS", "2", "1"),
        segment("GIN", "BJ", "P"),
        segment("MEA", "PD", "AAB", ["KGM", "300"]),
        segment("CPS", "3", "2"),
        segment("GIN", "BJ", "C"),
        segment("LIN", "1", "", ["1", "EN"]),
        segment("LIN", "2", "", ["2", "EN"]),
        segment("QTY", ["12", "2", "PCE"]),
        segment("MEA", "PD", "AAB"),
        segment("CNT", ["2", "2"]),
    ]


def test_when_leaves_out_a_segment_whose_field_is_empty() -> None:
    # given a line without a unit
    mapping, _ = build(HIERARCHY)
    assert mapping is not None
    # when rendered
    out = mapping.apply(notice(Package("C", (item("1"),))))
    # then no QTY is written (its unit alone would not make one)
    assert [s.tag for s in out] == ["CPS", "CPS", "GIN", "LIN", "MEA", "CNT"]


def test_a_parent_that_is_not_listed_is_reported_with_its_place() -> None:
    # given a carton naming a pallet that is not in the notice
    mapping, _ = build(HIERARCHY)
    assert mapping is not None
    # when / then
    with pytest.raises(MappingError) as caught:
        mapping.apply(notice(Package("C", (), parent_sscc="NOPE")))
    (issue,) = caught.value.issues
    assert issue.code == "mapping.parent"
    assert (issue.location.segment_tag, issue.location.xpath) == ("CPS", "packages")
    assert "packages[0].parent_sscc 'NOPE' is not the sscc of an earlier entry" in issue.message


def test_inner_loop_without_its_outer_variable_is_typed_against_the_document() -> None:
    # given an item loop that does not follow a package loop
    text = HEADER + '[segments.x]\nfor_each = "item in package.lines"\nsegment = ["LIN", "1"]\n'
    # when built / then the unknown path is a start-up problem
    mapping, problems = build(text)
    assert mapping is None
    assert problems == [
        "test.toml: segments.x.for_each: bad path 'package.lines': ShipNotice has no field"
        " 'package'"
    ]


@pytest.mark.parametrize(
    ("segment_text", "problem"),
    [
        (
            '["CPS", "{box@number}"]',
            "'{box@number}': 'box' is not a loop variable (loop variables: package)",
        ),
        ('["CPS", "{package@rank}"]', "'{package@rank}': a loop entry has @number, @parent"),
        (
            '["CPS", "{package@parent}"]',
            "'{package@parent}': the loop 'package' has no tree numbering"
            ' (number = { key = "...", parent = "..." })',
        ),
        ('["CNT", "{@count:lin}"]', "'{@count:lin}': expected {@count:TAG}, e.g. {@count:LIN}"),
    ],
)
def test_bad_loop_placeholders_are_start_up_problems(segment_text: str, problem: str) -> None:
    # given a package loop and a placeholder that cannot work
    text = HEADER + f'[segments.x]\nfor_each = "package in packages"\nsegment = {segment_text}\n'
    # when built
    mapping, problems = build(text)
    # then the file does not load and the problem says why
    assert mapping is None
    assert problems == [f"test.toml: segments.x.segment[1]: {problem}"]


def test_numbering_problems_are_reported_together() -> None:
    # given a tree numbering with a typo in a key, a missing parent and a bad start
    text = HEADER + (
        '[segments.x]\nfor_each = "package in packages"\n'
        'number = { from = "two", key = "ssc", rooot = "1" }\nsegment = ["CPS", "1"]\n'
    )
    # when built
    _, problems = build(text)
    # then each is named
    assert problems == [
        "test.toml: segments.x.number.rooot: unknown key (allowed: from, key, parent, root)",
        "test.toml: segments.x.number.from: 'two' is not a whole number",
        "test.toml: segments.x.number.key: bad path 'package.ssc': Package has no field 'ssc'",
        "test.toml: segments.x.number: key and parent go together (a tree needs both)",
    ]


def test_two_different_numberings_of_one_loop_are_a_problem() -> None:
    # given the same loop numbered from 2 on one segment and from 1 on the next
    text = HEADER + (
        '[segments.a]\nfor_each = "package in packages"\nnumber = { from = 2 }\n'
        'segment = ["CPS", "{package@number}"]\n'
        '[segments.b]\nfor_each = "package in packages"\nnumber = { from = 1 }\n'
        'segment = ["PAC", "1"]\n'
    )
    # when built / then the second declaration is reported
    _, problems = build(text)
    assert problems == ["test.toml: segments.b.number: the loop 'package' is already numbered"]


def test_when_must_name_a_canonical_field() -> None:
    # given `when` with a typo
    spec = '[segments.x]\nwhen = "tracking"\nsegment = ["RFF", ["AAS", "{tracking_number}"]]\n'
    text = HEADER + spec
    # when built / then the path is checked like a placeholder
    _, problems = build(text)
    assert problems == [
        "test.toml: segments.x.when: bad path 'tracking': ShipNotice has no field 'tracking'"
    ]


def test_segments_after_a_nested_loop_continue_the_outer_loop() -> None:
    # given a package segment after the item segments of the same package loop
    text = HEADER + (
        '[segments.a]\nfor_each = "package in packages"\nsegment = ["CPS", "{package@number}"]\n'
        '[segments.b]\nfor_each = "item in package.lines"\nsegment = ["LIN", "{item.gtin}"]\n'
        '[segments.c]\nfor_each = "package in packages"\nsegment = ["FTX", "ZZZ"]\n'
    )
    mapping, problems = build(text)
    assert problems == [] and mapping is not None
    # when two packages are rendered
    out = mapping.apply(notice(Package("A", (item("1"),)), Package("B", (item("2"),))))
    # then each package closes with its own FTX
    assert [s.tag for s in out] == ["CPS", "LIN", "FTX", "CPS", "LIN", "FTX"]
    assert out[3] == Segment("CPS", (("2",),))


def test_numbering_a_segment_outside_any_loop_is_a_problem() -> None:
    # given `number` on a segment written once
    text = HEADER + '[segments.x]\nnumber = { from = 2 }\nsegment = ["CPS", "1"]\n'
    # when built / then it is reported rather than ignored
    _, problems = build(text)
    assert problems == ["test.toml: segments.x.number: only a segment with for_each is numbered"]
