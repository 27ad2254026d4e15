"""Property tests: what the X12 writer writes, with any delimiters, the reader reads back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gateway.formats.segments import Segment
from gateway.formats.x12_envelope import (
    GroupClosed,
    InterchangeClosed,
    InterchangeOpened,
    TransactionRead,
    X12Delimiters,
    X12Transaction,
)
from gateway.formats.x12_reader import chunks_of, read_x12
from gateway.formats.x12_writer import (
    OutboundGroup,
    OutboundInterchange,
    OutboundTransaction,
    render_interchange,
)

SETTINGS = settings(max_examples=300, deadline=None)

# X12.6 basic character set (upper case, digits, space, punctuation) and the extended one.
BASIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !\"&'()*+,-./:;?="
EXTENDED = "abcdefghijklmnopqrstuvwxyz%@[]_{}\\|<>~^`#$"
ELEMENT_SEPARATORS = ["*", "|", "^", "!", "\x1d", "\x1c"]
COMPONENT_SEPARATORS = [">", ":", "^", "\\", "\x1f"]
REPETITION_SEPARATORS = ["^", "{", None]
TERMINATORS = ["~", "\n", "\r", "|", "$", "\x7f", "\x15"]
# Segment tags of the data; none of them is an envelope tag.
TAGS = ["BEG", "REF", "N1", "PO1", "PID", "CTX", "MSG", "TD5"]

Repeats = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Layout:
    """One choice of delimiters, the control version that goes with it, and the layout."""

    delimiters: X12Delimiters
    version: str


@st.composite
def layouts(draw: st.DrawFn) -> Layout:
    """Distinct delimiters: element, component, repetition (00501) or none (00401), terminator."""
    element = draw(st.sampled_from(ELEMENT_SEPARATORS))
    component = draw(st.sampled_from(COMPONENT_SEPARATORS))
    repetition = draw(st.sampled_from(REPETITION_SEPARATORS))
    terminator = draw(st.sampled_from(TERMINATORS))
    chosen = [element, component, terminator, *([repetition] if repetition else [])]
    assume(len(set(chosen)) == len(chosen))
    suffixes = [""] if terminator in "\r\n" else ["", "\n", "\r\n"]
    suffix = draw(st.sampled_from(suffixes))
    version = "00501" if repetition else "00401"
    return Layout(X12Delimiters(element, component, repetition, terminator, suffix), version)


def values(d: X12Delimiters) -> st.SearchStrategy[str]:
    """Values from the X12 extended character set without the delimiters."""
    used = {d.element, d.component, d.segment, d.repetition}
    alphabet = "".join(c for c in BASIC + EXTENDED if c not in used)
    return st.text(alphabet, max_size=8)


@st.composite
def bodies(draw: st.DrawFn, layout: Layout) -> tuple[list[Segment], list[tuple[int, int, Repeats]]]:
    """Segments of a set body and their repeats (position in the set, ST = 1; element)."""
    d = layout.delimiters
    composite = st.lists(values(d), min_size=1, max_size=3).map(tuple)
    body: list[Segment] = []
    repetitions: list[tuple[int, int, Repeats]] = []
    for position in range(2, 2 + draw(st.integers(1, 5))):
        elements = draw(st.lists(composite, max_size=6))
        for number, first in enumerate(elements, start=1):
            if d.repetition and draw(st.booleans()):
                more = draw(st.lists(composite, min_size=1, max_size=2))
                repetitions.append((position, number, (first, *more)))
        body.append(Segment(draw(st.sampled_from(TAGS)), tuple(elements)))
    return body, repetitions


def trimmed(components: tuple[str, ...]) -> tuple[str, ...]:
    """Components as the writer lays them out: trailing empty ones dropped."""
    kept = list(components)
    while kept and not kept[-1]:
        kept.pop()
    return tuple(kept)


def as_written(tag: str, elements: list[Repeats]) -> tuple[str, tuple[Repeats, ...]]:
    """Tag and every repeat of every element, trailing empty elements dropped."""
    each = [tuple(trimmed(r) for r in repeats) for repeats in elements]
    while each and not any(each[-1]):
        each.pop()
    return tag, tuple(each)


def written(body: list[Segment], repetitions: list[tuple[int, int, Repeats]]) -> list[object]:
    """What the body should read back as."""
    repeats = {(p, n): r for p, n, r in repetitions}
    return [
        as_written(s.tag, [repeats.get((p, n), (c,)) for n, c in enumerate(s.elements, 1)])
        for p, s in enumerate(body, start=2)
    ]


def read_back(transaction: X12Transaction) -> list[object]:
    """The body of a set read back, with every repeat of every element."""
    return [
        as_written(s.tag, [transaction.repeats(s, n) or (c,) for n, c in enumerate(s.elements, 1)])
        for s in transaction.segments[1:-1]
    ]


@SETTINGS
@given(data=st.data(), layout=layouts(), control=st.integers(0, 999_999_999))
def test_written_interchange_reads_back_unchanged(
    data: st.DataObject, layout: Layout, control: int
) -> None:
    # given two sets of random values under random delimiters
    d = layout.delimiters
    sender = data.draw(values(d).filter(lambda v: v.strip() != "" and len(v) <= 15))
    sets = [data.draw(bodies(layout)) for _ in range(2)]
    transactions = [
        OutboundTransaction("850", n, body, repetitions=repeats)
        for n, (body, repeats) in enumerate(sets, start=1)
    ]
    group = OutboundGroup("PO", "APP", "GW", 17, "004010", transactions)
    at = datetime(2026, 1, 20, 9, 30)
    header = OutboundInterchange("ZZ", sender, "01", "GATEWAY", control, layout.version, at, d)
    # when written and read back in small chunks
    raw = render_interchange(header, [group])
    found = list(read_x12(chunks_of(raw, 61), "roundtrip.x12"))
    # then the ISA, every segment, element, component and repeat come back, with no issue
    opened = found[0]
    assert isinstance(opened, InterchangeOpened)
    assert opened.header.delimiters == d
    assert (opened.header.sender_id, opened.header.control_ref) == (
        sender.rstrip(),
        f"{control:09d}",
    )
    read = [e.transaction for e in found if isinstance(e, TransactionRead)]
    assert [read_back(t) for t in read] == [written(b, r) for b, r in sets]
    assert [t.control_ref for t in read] == ["0001", "0002"]
    assert all(t.issues == () for t in read)
    ends = [e for e in found if isinstance(e, (GroupClosed, InterchangeClosed))]
    assert [e.issues for e in ends] == [(), ()]
