"""Property tests: what the writer writes the reader reads back, and back again, unchanged."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.formats.edifact import (
    Delimiters,
    EdifactInterchange,
    InterchangeHeader,
    message_segments,
    parse_interchange,
    serialize_interchange,
)
from gateway.formats.edifact_reader import read_edifact
from gateway.formats.segments import Segment

SETTINGS = settings(max_examples=200, deadline=None)

# (syntax version, delimiters, whether UNA may be left out): ISO 9735 defaults for syntax 3
# and 4, and two non-default sets that need UNA.
LAYOUTS = [
    ("3", Delimiters(), True),
    ("4", Delimiters(repetition="*"), True),
    ("3", Delimiters("=", "*", ".", "?", " ", "~"), False),
    ("4", Delimiters("=", "*", ",", "!", "^", "~"), False),
]
# Every service character of every layout, so that each is data somewhere and released there.
SERVICE = ":+'?*=~^!"
LATIN1_LETTERS = st.characters(min_codepoint=0x41, max_codepoint=0xFF, categories=("Lu", "Ll"))
ANY_LETTER = st.characters(categories=("Lu", "Ll", "Lo"))


def values(letters: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Element values mixing service characters, spaces and letters."""
    return st.text(st.one_of(st.sampled_from(SERVICE + " "), letters), max_size=12)


def bodies(letters: st.SearchStrategy[str]) -> st.SearchStrategy[list[Segment]]:
    """A message body: a few segments of a few elements of a few components."""
    element = st.lists(values(letters), min_size=1, max_size=3).map(tuple)
    body_segment = st.builds(
        lambda tag, elements: Segment(tag, tuple(elements)),
        st.sampled_from(["BGM", "NAD", "FTX", "QTY", "LIN"]),
        st.lists(element, max_size=4),
    )
    return st.lists(body_segment, min_size=1, max_size=5)


def as_written(seg: Segment) -> tuple[str, tuple[tuple[str, ...], ...]]:
    """Tag and elements as the writer lays them out: trailing empty parts are dropped."""
    elements = []
    for components in seg.elements:
        kept = list(components)
        while kept and not kept[-1]:
            kept.pop()
        elements.append(tuple(kept) or ("",))
    while elements and elements[-1] == ("",):
        elements.pop()
    return seg.tag, tuple(elements)


def header_for(
    charset: str, syntax: str, d: Delimiters, write_una: bool, suffix: str
) -> InterchangeHeader:
    """An outbound UNB for the test interchange."""
    return InterchangeHeader(
        syntax_identifier=charset,
        syntax_version=syntax,
        sender_id="SENDER",
        sender_qualifier="14",
        recipient_id="RECEIVER",
        recipient_qualifier="14",
        prepared_at=datetime(2024, 1, 31, 9, 15),
        control_ref="REF1",
        delimiters=d,
        write_una=write_una,
        segment_suffix=suffix,
    )


def round_trip(charset: str, layout: int, una: bool, suffix: str, body: list[Segment]) -> None:
    """Write, read, write again, read again: the same segments and the same bytes."""
    syntax, d, una_optional = LAYOUTS[layout]
    header = header_for(charset, syntax, d, una or not una_optional, suffix)
    data = serialize_interchange(
        header, [message_segments("M1", "ORDERS", "D96A", "UN", None, body)]
    )
    # when read back
    first = parse_interchange(data)
    # then nothing is reported and the body is what was written
    assert first.issues == ()
    assert [as_written(s) for s in first.messages[0].segments[1:-1]] == [
        as_written(s) for s in body
    ]
    # and writing what was read, then reading that, changes nothing
    again = serialize_interchange(header, [m.segments for m in first.messages])
    second = parse_interchange(again)
    assert (again, second.segments) == (data, first.segments)
    assert_same_interchange(first, second)


def assert_same_interchange(first: EdifactInterchange, second: EdifactInterchange) -> None:
    """The envelope values of two reads agree."""
    assert (first.delimiters, first.una_present) == (second.delimiters, second.una_present)
    assert (first.syntax_version, first.control_ref) == (second.syntax_version, second.control_ref)


@SETTINGS
@given(
    layout=st.integers(0, len(LAYOUTS) - 1),
    una=st.booleans(),
    suffix=st.sampled_from(["", "\n", "\r\n"]),
    body=bodies(LATIN1_LETTERS),
)
def test_unoc_latin1_values_with_service_characters_round_trip(
    layout: int, una: bool, suffix: str, body: list[Segment]
) -> None:
    # given Latin-1 letters, spaces and every service character under UNOC
    round_trip("UNOC", layout, una, suffix, body)


@SETTINGS
@given(
    layout=st.integers(0, len(LAYOUTS) - 1),
    una=st.booleans(),
    suffix=st.sampled_from(["", "\n"]),
    body=bodies(ANY_LETTER),
)
def test_unow_any_letter_round_trips(
    layout: int, una: bool, suffix: str, body: list[Segment]
) -> None:
    # given letters of any script, spaces and every service character under UNOW (UTF-8)
    round_trip("UNOW", layout, una, suffix, body)


@SETTINGS
@given(
    layout=st.integers(0, len(LAYOUTS) - 1),
    size=st.integers(1, 40),
    body=bodies(ANY_LETTER),
)
def test_streamed_in_any_chunk_size_reads_the_same_events(
    layout: int, size: int, body: list[Segment]
) -> None:
    # given a written UTF-8 interchange
    syntax, d, _ = LAYOUTS[layout]
    header = header_for("UNOW", syntax, d, True, "\n")
    data = serialize_interchange(
        header, [message_segments("M1", "ORDERS", "D96A", "UN", None, body)]
    )
    # when streamed in chunks of any size / then the events are those of the whole file
    chunks = [data[i : i + size] for i in range(0, len(data), size)]
    assert list(read_edifact(chunks)) == list(read_edifact([data]))
