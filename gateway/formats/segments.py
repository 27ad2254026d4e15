"""Segments as the EDI formats hand them to validation and mapping."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Segment:
    """One EDIFACT or X12 segment: tag, elements of components, and where it stood.

    `elements[0]` is the first data element after the tag (EDIFACT `BGM+220` has
    `elements == (("220",),)`); a simple element is a one-component tuple. `position`
    is the 1-based ordinal of the segment in its interchange (UNB or ISA is 1; UNA is
    not counted), which is what an operator looks for in an editor.
    """

    tag: str
    elements: tuple[tuple[str, ...], ...] = ()
    position: int = 0

    def value(self, element: int, component: int = 1) -> str | None:
        """The value at 1-based element and component, or None when absent or empty."""
        if element < 1 or element > len(self.elements):
            return None
        components = self.elements[element - 1]
        if component < 1 or component > len(components):
            return None
        return components[component - 1] or None

    def composite(self, element: int) -> tuple[str, ...]:
        """All components of the 1-based element, empty when absent."""
        if element < 1 or element > len(self.elements):
            return ()
        return self.elements[element - 1]


def segment(tag: str, *elements: str | tuple[str, ...] | list[str], position: int = 0) -> Segment:
    """Build a segment from plain strings (simple elements) and sequences (composites)."""
    return Segment(
        tag,
        tuple((e,) if isinstance(e, str) else tuple(e) for e in elements),
        position,
    )
