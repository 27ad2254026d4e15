"""Walking a set's tags along learnt paths (x12_paths) agrees with the matcher it learns from."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.errors import Issue
from gateway.formats.segments import Segment
from gateway.validate.x12_matcher import Matcher
from gateway.validate.x12_paths import walk
from gateway.validate.x12_schema import LoopEntry, Structure, X12Schemas
from gateway.validate.x12_tables import Entry

REPO = Path(__file__).resolve().parents[2]
SETS = [
    ("004010", "850"),
    ("004010", "855"),
    ("004010", "856"),
    ("004010", "810"),
    ("004010", "860"),
    ("004010", "997"),
    ("005010", "999"),
]


@pytest.fixture(scope="module")
def schemas() -> X12Schemas:
    """The project's schemas/x12, loaded once (their learnt paths shared by the tests)."""
    return X12Schemas.load(REPO / "schemas")


def structure_of(schemas: X12Schemas, version: str, set_id: str) -> Structure:
    """A set table of the project's schemas."""
    structure = schemas.structure_for(set_id, version)
    assert structure is not None
    return structure


def matched(structure: Structure, tags: list[str]) -> list[Issue]:
    """The segment, loop and maximum use issues the matcher reports (no element checks)."""
    segments = [Segment(tag, (), position) for position, tag in enumerate(tags, start=3)]
    matcher = Matcher(structure, "t.edi", {})
    for segment in segments:
        matcher.advance(segment)
    matcher.finish(segments[-1])
    return matcher.issues


def in_order(entries: tuple[Entry, ...], draw: st.DrawFn, depth: int = 0) -> list[str]:
    """Tags that follow a table: each entry a few times (mandatory ones at least once)."""
    tags: list[str] = []
    for entry in entries:
        low = 1 if entry.mandatory else 0
        for _ in range(draw(st.integers(low, min(entry.max + 1, 3)))):
            if isinstance(entry, LoopEntry):
                tags += in_order(entry.entries, draw, depth + 1) if depth < 3 else [entry.tag]
            else:
                tags.append(entry.tag)
    return tags


@st.composite
def sets(draw: st.DrawFn, schemas: X12Schemas) -> tuple[Structure, list[str]]:
    """A set table and tags near it: in order, then perhaps shuffled, cut or added to."""
    structure = structure_of(schemas, *draw(st.sampled_from(SETS)))
    tags = in_order(structure.entries, draw)
    others = [*sorted(structure.used), "ZZZ", "N1", "HL", "LIN", "REF"]
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(tags)))
        change = draw(st.sampled_from(["drop", "add", "repeat", "swap"]))
        if change == "add" or not tags:
            tags.insert(at, draw(st.sampled_from(others)))
        elif change == "drop":
            del tags[min(at, len(tags) - 1)]
        elif change == "repeat":
            tags.insert(at, tags[min(at, len(tags) - 1)])
        else:
            other = draw(st.integers(0, len(tags) - 1))
            at = min(at, len(tags) - 1)
            tags[at], tags[other] = tags[other], tags[at]
    return structure, tags or ["ST"]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_walk_accepts_exactly_the_sets_the_matcher_finds_in_order(
    schemas: X12Schemas, data: st.DataObject
) -> None:
    # given a set table and tags in its order, or nearly
    structure, tags = data.draw(sets(schemas))
    segments = [Segment(tag, (), position) for position, tag in enumerate(tags, start=3)]
    # when the tags are walked along the learnt paths and matched in full
    walked, issues = walk(structure, segments), matched(structure, tags)
    # then the walk finds them in order exactly when the matcher reports nothing
    assert walked == (issues == [])


def test_entry_repeated_any_number_of_times_adds_no_state() -> None:
    # given an 850 (nothing learnt yet) whose heading repeats REF (maximum use >1) 1000 times
    structure = structure_of(X12Schemas.load(REPO / "schemas"), "004010", "850")
    tags = ["ST", "BEG", *["REF"] * 1000, "PO1", "CTT", "SE"]
    segments = [Segment(tag, (), position) for position, tag in enumerate(tags, start=3)]
    # when it is walked twice, the second time along what the first learnt
    first = walk(structure, segments)
    states = len(structure.paths.states)
    second = walk(structure, segments)
    # then it is in order both times, and the thousand REFs made no new state
    assert first and second
    assert len(structure.paths.states) == states < 20


def test_entry_beyond_its_maximum_use_is_not_in_order(schemas: X12Schemas) -> None:
    # given an 850 with PER three times (maximum 3) and four times
    structure = structure_of(schemas, "004010", "850")
    three = ["ST", "BEG", "PER", "PER", "PER", "PO1", "CTT", "SE"]
    four = ["ST", "BEG", "PER", "PER", "PER", "PER", "PO1", "CTT", "SE"]
    # when both are walked
    # then only the first is in order; the matcher reports the fourth PER
    assert walk(structure, [Segment(tag, (), 3 + i) for i, tag in enumerate(three)])
    assert not walk(structure, [Segment(tag, (), 3 + i) for i, tag in enumerate(four)])
    assert [issue.code for issue in matched(structure, four)] == ["x12.segment.too_many"]
