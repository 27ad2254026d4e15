"""X12 HL04, the hierarchical child code, filled in once a transaction set is written.

HL01 is the id of a level, HL02 the id of the level it is under, HL04 says whether
subordinate levels follow: 1 additional subordinate HL data segment in this hierarchical
structure, 0 none. The levels are written depth first, so a level has children exactly
when the next HL names it in HL02. A template writes ``{@hl_child}`` where HL04 goes; the
renderer leaves the marker below, and `fill_hl_children` replaces it.
"""

from __future__ import annotations

from gateway.formats.segments import Segment

# Stands for HL04 until the segment after it is known (never written: a control character).
HL_CHILD = "\x00hl_child"


def fill_hl_children(segments: list[Segment]) -> list[Segment]:
    """Each HL04 marker as 1 when the next HL's HL02 is this HL01, else 0."""
    levels = [i for i, seg in enumerate(segments) if seg.tag == "HL"]
    result = list(segments)
    for order, index in enumerate(levels):
        seg = segments[index]
        if not any(HL_CHILD in element for element in seg.elements):
            continue
        following = segments[levels[order + 1]] if order + 1 < len(levels) else None
        child = following is not None and following.value(2) == seg.value(1)
        code = "1" if child else "0"
        elements = tuple(tuple(code if c == HL_CHILD else c for c in e) for e in seg.elements)
        result[index] = Segment(seg.tag, elements, seg.position)
    return result
