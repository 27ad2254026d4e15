"""Writing X12: segments joined with the partner's delimiters.

X12 has no release character (X12.6): a delimiter may not occur in data at all, so a value
that contains one cannot be written and is refused rather than corrupted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from gateway.errors import Issue, Location, MappingError
from gateway.formats.segments import Segment, segment
from gateway.formats.x12_envelope import ISA_LENGTH, X12Delimiters


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
    # Line breaks too: a reader takes them for layout (a wrapped file), never for data.
    used = {delimiters.element, delimiters.component, delimiters.segment, "\r", "\n"}
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


# ISA13, GS06 and ST02 are at most nine digits (X12.5/X12.6 data element types N0 9/9, 1/9,
# AN 4/9); callers wrap their counters before this.
MAX_CONTROL = 999_999_999
# ISA11 is the repetition separator from control version 00402 on (before: the code `U`).
REPETITION_FROM = "00402"


@dataclass(frozen=True)
class OutboundTransaction:
    """One transaction set to write: ST01, ST02 and the segments between ST and SE."""

    set_id: str  # ST01, e.g. 855
    control_ref: int  # ST02, written with at least four digits
    body: Sequence[Segment]
    implementation: str | None = None  # ST03 (005010 on)
    # Repeated elements (ISA11 repetition separator, 00402 on): (position of the segment in
    # the set as AK302 counts it, ST = 1; 1-based element; every repeat). The body segment
    # holds the first repeat.
    repetitions: Sequence[tuple[int, int, tuple[tuple[str, ...], ...]]] = ()


@dataclass(frozen=True)
class OutboundGroup:
    """One functional group to write (GS..GE) around its transaction sets."""

    functional_id: str  # GS01, e.g. PR
    sender: str  # GS02
    receiver: str  # GS03
    control_ref: int  # GS06
    version: str  # GS08, e.g. 004010
    transactions: Sequence[OutboundTransaction]


@dataclass(frozen=True)
class OutboundInterchange:
    """The ISA of an interchange to write, and the delimiters agreed with the partner."""

    sender_qualifier: str  # ISA05
    sender_id: str  # ISA06
    recipient_qualifier: str  # ISA07
    recipient_id: str  # ISA08
    control_ref: int  # ISA13
    version: str  # ISA12: 00401, 00501
    prepared_at: datetime  # ISA09/ISA10 and GS04/GS05
    delimiters: X12Delimiters
    ack_requested: bool = False  # ISA14
    test: bool = False  # ISA15 T, else P


def render_interchange(interchange: OutboundInterchange, groups: Sequence[OutboundGroup]) -> bytes:
    """ISA, each group (GS, its sets ST..SE, GE) and IEA, encoded as UTF-8."""
    d = _delimiters_for(interchange)
    parts = [_isa(interchange, d)]
    for group in groups:
        parts.append(_group(group, interchange.prepared_at, d))
    iea = segment("IEA", str(len(groups)), _control(interchange.control_ref, "ISA13", 9))
    parts.append(render_segment(iea, d))
    return "".join(parts).encode("utf-8")


def render_ta1_interchange(interchange: OutboundInterchange, ta1: Segment) -> bytes:
    """An interchange holding only a TA1 acknowledgement: ISA, TA1, IEA with no groups."""
    d = _delimiters_for(interchange)
    iea = segment("IEA", "0", _control(interchange.control_ref, "ISA13", 9))
    return (_isa(interchange, d) + render_segment(ta1, d) + render_segment(iea, d)).encode()


def _group(group: OutboundGroup, prepared_at: datetime, d: X12Delimiters) -> str:
    ref = str(_number(group.control_ref, "GS06"))
    gs = segment(
        "GS",
        group.functional_id,
        group.sender,
        group.receiver,
        prepared_at.strftime("%Y%m%d"),
        prepared_at.strftime("%H%M"),
        ref,
        "X",
        group.version,
    )
    sets = [_transaction(t, d) for t in group.transactions]
    ge = segment("GE", str(len(group.transactions)), ref)
    return render_segment(gs, d) + "".join(sets) + render_segment(ge, d)


def _transaction(transaction: OutboundTransaction, d: X12Delimiters) -> str:
    # X12.6: SE01 counts the segments from ST to SE inclusive; SE02 repeats ST02.
    ref = _control(transaction.control_ref, "ST02", 4)
    header = [transaction.set_id, ref]
    if transaction.implementation:
        header.append(transaction.implementation)
    st = segment("ST", *header)
    se = segment("SE", str(len(transaction.body) + 2), ref)
    body = (
        _body(transaction, d) if transaction.repetitions else render_segments(transaction.body, d)
    )
    return render_segment(st, d) + body + render_segment(se, d)


def _body(transaction: OutboundTransaction, d: X12Delimiters) -> str:
    repeats: dict[int, dict[int, tuple[tuple[str, ...], ...]]] = {}
    for position, element, each in transaction.repetitions:
        repeats.setdefault(position, {})[element] = each
    return "".join(
        _repeated(s, repeats[n], d) if n in repeats else render_segment(s, d)
        for n, s in enumerate(transaction.body, start=2)
    )


def _repeated(
    seg: Segment, repeats: dict[int, tuple[tuple[str, ...], ...]], d: X12Delimiters
) -> str:
    # X12.6: repeats of one element are joined by the repetition separator (ISA11).
    if d.repetition is None:
        raise _refused(f"{seg.tag}: repeated elements need control version 00402 or later")
    count = max(len(seg.elements), *repeats)
    elements = []
    for number in range(1, count + 1):
        each = repeats.get(number) or (seg.composite(number),)
        elements.append(d.repetition.join(_element(seg, c, d) for c in each))
    while elements and not elements[-1]:
        elements.pop()
    return d.element.join([seg.tag, *elements]) + d.segment + d.suffix


def _isa(interchange: OutboundInterchange, d: X12Delimiters) -> str:
    # X12.5: ISA is fixed width; ISA02/ISA04 are 10 blanks when ISA01/ISA03 are 00.
    at = interchange.prepared_at
    values = [
        "00",
        " " * 10,
        "00",
        " " * 10,
        _qualifier(interchange.sender_qualifier, "ISA05"),
        _padded(interchange.sender_id, "ISA06", d),
        _qualifier(interchange.recipient_qualifier, "ISA07"),
        _padded(interchange.recipient_id, "ISA08", d),
        at.strftime("%y%m%d"),
        at.strftime("%H%M"),
        d.repetition or "U",
        _version(interchange.version),
        _control(interchange.control_ref, "ISA13", 9),
        "1" if interchange.ack_requested else "0",
        "T" if interchange.test else "P",
        d.component,
    ]
    isa = d.element.join(["ISA", *values]) + d.segment
    if len(isa) != ISA_LENGTH:
        raise _refused(f"ISA came out {len(isa)} characters long, X12.5 fixes it at {ISA_LENGTH}")
    return isa + d.suffix


def _delimiters_for(interchange: OutboundInterchange) -> X12Delimiters:
    d = interchange.delimiters
    repeats = _version(interchange.version) >= REPETITION_FROM
    if repeats and d.repetition is None:
        raise _refused(
            f"control version {interchange.version} needs a repetition separator (ISA11); "
            "set one in the partner's delimiters, e.g. '^'"
        )
    if not repeats:
        d = replace(d, repetition=None)
    chars = [d.element, d.component, d.segment, *([d.repetition] if d.repetition else [])]
    bad = [c for c in chars if len(c) != 1 or c.isalnum() or c == " " or not c.isascii()]
    if bad or len(set(chars)) != len(chars):
        raise _refused(
            f"X12 delimiters {chars!r} must be four (three before 00402) distinct single ASCII "
            "characters that are no letter, digit or space"
        )
    if any(c not in "\r\n" or c in chars for c in d.suffix):
        raise _refused(f"the layout after each segment {d.suffix!r} may hold only CR and LF")
    return d


def _qualifier(value: str, name: str) -> str:
    if len(value) != 2 or not value.isalnum():
        raise _refused(f"{name} {value!r} must be a two-character qualifier such as ZZ or 01")
    return value


def _padded(value: str, name: str, d: X12Delimiters) -> str:
    if not 1 <= len(value) <= 15 or not value.isascii():
        raise _refused(f"{name} {value!r} must be 1 to 15 ASCII characters")
    _refuse_delimiters(segment("ISA"), value, d)
    return value.ljust(15)


def _version(value: str) -> str:
    if len(value) != 5 or not value.isdigit():
        raise _refused(f"ISA12 control version {value!r} must be five digits, e.g. 00401")
    return value


def _number(value: int, name: str) -> int:
    if not 0 <= value <= MAX_CONTROL:
        raise _refused(
            f"{name} control number {value} is outside 0..{MAX_CONTROL:,}; wrap the counter"
        )
    return value


def _control(value: int, name: str, width: int) -> str:
    return f"{_number(value, name):0{width}d}"


def _refused(message: str) -> MappingError:
    return MappingError(message, [Issue("x12.envelope", message)])
