"""Segment selectors: the small path syntax a mapping file uses to pick EDIFACT or X12 values.

Syntax: ``TAG[e.c=V|W]...ELEMENT[.COMPONENT]``, all positions 1-based as in the
directories. ``DTM[1.1=137].1`` is the whole C507 of the DTM whose 2005 qualifier is 137;
``NAD[1=BY].2.1`` is C082.3039 of the buyer's NAD; ``BGM.2`` is BGM 1004. A selector
without a component picks the whole element: its text is the non-empty components joined
with a space (NAD C080.3036 name lines, FTX C108.4440 text lines).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from gateway.formats.segments import Segment

_SELECTOR = re.compile(
    r"^(?P<tag>[A-Z0-9]{2,3})(?P<tests>(?:\[[^\[\]]+\])*)\.(?P<element>\d+)(?:\.(?P<component>\d+))?$"
)
_TEST = re.compile(r"^(?P<element>\d+)(?:\.(?P<component>\d+))?=(?P<values>[^|]+(?:\|[^|]+)*)$")


class SelectorSyntaxError(ValueError):
    """A selector string does not follow the path syntax."""


@dataclass(frozen=True)
class QualifierTest:
    """Keep only segments whose element/component holds one of the given codes."""

    element: int
    component: int
    values: frozenset[str]

    def matches(self, seg: Segment) -> bool:
        """True when the segment carries one of the codes at this position."""
        return seg.value(self.element, self.component) in self.values


@dataclass(frozen=True)
class Picked:
    """A non-empty value picked from a segment, with where it was found."""

    segment: Segment
    element: int
    component: int | None
    text: str
    components: tuple[str, ...]


@dataclass(frozen=True)
class Selector:
    """A parsed selector: segment tag, qualifier tests, element and optional component."""

    source: str
    tag: str
    tests: tuple[QualifierTest, ...]
    element: int
    component: int | None

    def matches(self, seg: Segment) -> bool:
        """True when the segment has this tag and passes every qualifier test."""
        return seg.tag == self.tag and all(t.matches(seg) for t in self.tests)

    def pick(self, seg: Segment) -> Picked | None:
        """The value this selector points at in one matching segment, or None when empty."""
        if self.component is not None:
            text = seg.value(self.element, self.component)
            return Picked(seg, self.element, self.component, text, (text,)) if text else None
        components = seg.composite(self.element)
        text = " ".join(c.strip() for c in components if c.strip())
        return Picked(seg, self.element, None, text, components) if text else None

    def first(self, segments: Sequence[Segment]) -> Picked | None:
        """The first non-empty value in segment order."""
        return next(self.every(segments), None)

    def every(self, segments: Sequence[Segment]) -> Iterator[Picked]:
        """Every non-empty value in segment order."""
        for seg in segments:
            if self.matches(seg):
                picked = self.pick(seg)
                if picked is not None:
                    yield picked


def parse_selector(source: str) -> Selector:
    """Parse ``TAG[e.c=V|W].e.c``; raise SelectorSyntaxError naming what is wrong."""
    match = _SELECTOR.match(source)
    if match is None:
        raise SelectorSyntaxError(
            f"bad selector {source!r} (expected TAG[e.c=CODE].element[.component],"
            " e.g. 'DTM[1.1=137].1' or 'BGM.2')"
        )
    tests = tuple(_parse_test(source, t) for t in re.findall(r"\[([^\[\]]+)\]", match["tests"]))
    element = int(match["element"])
    component = int(match["component"]) if match["component"] else None
    if element < 1 or component == 0:
        raise SelectorSyntaxError(f"bad selector {source!r}: positions are 1-based")
    return Selector(source, match["tag"], tests, element, component)


def _parse_test(source: str, text: str) -> QualifierTest:
    match = _TEST.match(text)
    if match is None:
        raise SelectorSyntaxError(
            f"bad qualifier test [{text}] in selector {source!r} (expected [e.c=CODE|CODE])"
        )
    component = int(match["component"]) if match["component"] else 1
    values = frozenset(v.strip() for v in match["values"].split("|"))
    return QualifierTest(int(match["element"]), component, values)
