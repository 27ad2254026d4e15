"""A tiny X12 splitter for the acknowledgement tests, independent of the real reader.

It reads ISA by its fixed width (element separator at byte 4, ISA16 component separator at
byte 105, the terminator at byte 106), then splits segments, keeping the first repeat of a
repeated element as the reader does, and builds the envelope objects the tests need.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.formats.segments import Segment
from gateway.formats.x12_envelope import (
    ISA_LENGTH,
    X12Delimiters,
    X12Group,
    X12Header,
    X12Transaction,
)

BOM = "\ufeff"


@dataclass(frozen=True)
class Split:
    """One interchange, split: its header, its groups with their sets and GE01 each."""

    header: X12Header
    groups: tuple[tuple[X12Group, tuple[X12Transaction, ...], int | None], ...]

    @property
    def transactions(self) -> tuple[X12Transaction, ...]:
        """Every set of every group, in order."""
        return tuple(t for _, sets, _ in self.groups for t in sets)


def isa(sender: str, recipient: str, control: str, version: str = "00401", rep: str = "U") -> str:
    """A fixed-width ISA (106 characters with its terminator) with '>' as ISA16."""
    return (
        f"ISA*00*{'':10}*00*{'':10}*ZZ*{sender:<15}*ZZ*{recipient:<15}"
        f"*240131*0915*{rep}*{version}*{control}*1*P*>~"
    )


def split(text: str) -> Split:
    """The interchange in `text`, split into its header, groups and sets."""
    text = text.removeprefix(BOM)
    head = text[:ISA_LENGTH]
    element, component, terminator = head[3], head[104], head[105]
    fields = head[:-1].split(element)
    repetition = fields[11] if fields[12] >= "00402" else None
    delimiters = X12Delimiters(element, component, repetition, terminator)
    header = _header(fields, delimiters)
    segments = [
        _segment(raw.strip(), delimiters, position)
        for position, raw in enumerate(
            (r for r in text[ISA_LENGTH:].split(terminator) if r.strip()), start=2
        )
    ]
    return Split(header, _groups(segments))


def _header(fields: list[str], delimiters: X12Delimiters) -> X12Header:
    isa_segment = Segment("ISA", tuple((f,) for f in fields[1:]), 1)
    return X12Header(
        *fields[1:5],
        fields[5],
        fields[6].rstrip(),
        fields[7],
        fields[8].rstrip(),
        fields[9],
        fields[10],
        fields[11],
        fields[12],
        fields[13],
        fields[14] == "1",
        fields[15],
        delimiters,
        isa_segment,
    )


def _segment(raw: str, delimiters: X12Delimiters, position: int) -> Segment:
    tag, *elements = raw.split(delimiters.element)
    if delimiters.repetition:
        elements = [e.split(delimiters.repetition)[0] for e in elements]
    return Segment(tag, tuple(tuple(e.split(delimiters.component)) for e in elements), position)


def _groups(
    segments: list[Segment],
) -> tuple[tuple[X12Group, tuple[X12Transaction, ...], int | None], ...]:
    groups: list[tuple[X12Group, tuple[X12Transaction, ...], int | None]] = []
    group: X12Group | None = None
    sets: list[X12Transaction] = []
    current: list[Segment] = []
    for seg in segments:
        if seg.tag == "GS":
            values = [seg.value(i) or "" for i in range(1, 9)]
            group, sets = X12Group(*values, segment=seg), []
        elif seg.tag == "ST":
            current = [seg]
        elif seg.tag == "SE" and group is not None and current:
            st = current[0]
            segs = (*current, seg)
            sets.append(
                X12Transaction(
                    st.value(1) or "", st.value(2) or "", st.value(3), segs, group, len(sets) + 1
                )
            )
            current = []
        elif seg.tag == "GE" and group is not None:
            count = seg.value(1)
            groups.append((group, tuple(sets), int(count) if count and count.isdigit() else None))
        elif current:
            current.append(seg)
    return tuple(groups)
