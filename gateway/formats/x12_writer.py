"""Writing X12: segments joined with the partner's delimiters.

X12 has no release character (X12.6): a delimiter may not occur in data at all, so a value
that contains one cannot be written and is refused rather than corrupted.
"""

from __future__ import annotations

from collections.abc import Iterable

from gateway.errors import Issue, Location, MappingError
from gateway.formats.segments import Segment
from gateway.formats.x12_envelope import X12Delimiters


def render_segment(segment: Segment, delimiters: X12Delimiters) -> str:
    """One segment with its terminator; trailing empty elements and components are dropped."""
    elements = [_element(segment, components, delimiters) for components in segment.elements]
    while elements and not elements[-1]:
        elements.pop()
    body = delimiters.element.join([segment.tag, *elements])
    return body + delimiters.segment + delimiters.suffix


def render_segments(segments: Iterable[Segment], delimiters: X12Delimiters) -> str:
    """Every segment in turn."""
    return "".join(render_segment(s, delimiters) for s in segments)


def _element(segment: Segment, components: tuple[str, ...], delimiters: X12Delimiters) -> str:
    values = list(components)
    while values and not values[-1]:
        values.pop()
    for value in values:
        _refuse_delimiters(segment, value, delimiters)
    return delimiters.component.join(values)


def _refuse_delimiters(segment: Segment, value: str, delimiters: X12Delimiters) -> None:
    used = {delimiters.element, delimiters.component, delimiters.segment}
    if delimiters.repetition:
        used.add(delimiters.repetition)
    clash = sorted(c for c in used if c and c in value)
    if clash:
        message = (
            f"{segment.tag}: value {value!r} contains the delimiter {clash[0]!r}, "
            "which X12 cannot escape; choose other delimiters for this partner"
        )
        where = Location(segment_position=segment.position or None, segment_tag=segment.tag)
        raise MappingError(message, [Issue("x12.delimiter_in_data", message, where, value=value)])
