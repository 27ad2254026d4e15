"""The streaming reader: events, chunk boundaries, several interchanges and flat memory."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.errors import ParseError
from gateway.formats.edifact_reader import (
    InterchangeClosed,
    InterchangeOpened,
    MessageRead,
    ReadEvent,
    chunks_of,
    read_edifact,
)

UNB = "UNB+UNOC:3+SENDER:14+RECEIVER:14+240131:0915+REF1'"
MESSAGE = "UNH+{ref}+ORDERS:D:96A:UN:EAN008'BGM+220+PO{ref}+9'QTY+21:5'UNT+4+{ref}'"

# Everything a chunk boundary could cut: BOM, UNA, CRLF, wrapped lines, released characters,
# multi-byte UTF-8, undecodable bytes, a control character, and a second interchange.
TRICKY = (
    b"\xef\xbb\xbfUNA:+.? '\r\n"
    + UNB.encode()
    + b"\r\nUNH+1+ORDERS:D:96A:UN'\r\nFTX+AAI+++IT?'S ??+ A?:B'\r\nNAD+BY+++Caf\xe9\tX'\r\n"
    + b"FTX+AAI+++WRAPPED LI\r\nNE?\r\n'S END'\r\nUNT+5+1'\r\nUNZ+1+REF1'\r\n"
    + b"UNA=*.?^~UNB*UNOW=4*S*R*20240131=0915*REF2~UNH*2*ORDERS=D=96A=UN~"
    + "NAD*BY***Zürich ✓=東京^A?^B~FTX*AAI***\udcff?~~UNT*4*2~UNZ*1*REF2~\x1a".encode(
        "utf-8", "surrogateescape"
    )
)


def interchange(count: int, ref: str = "REF1") -> str:
    """A UNOC interchange of `count` small ORDERS messages."""
    body = "".join(MESSAGE.format(ref=n) for n in range(1, count + 1))
    return UNB.replace("REF1", ref) + body + f"UNZ+{count}+{ref}'"


def pieces(data: bytes, size: int) -> Iterator[bytes]:
    """The bytes in chunks of `size`."""
    return (data[i : i + size] for i in range(0, len(data), size))


def events(data: bytes, size: int | None = None) -> list[ReadEvent]:
    """All events of the bytes, read in chunks of `size` (whole when None)."""
    chunks = [data] if size is None else pieces(data, size)
    return list(read_edifact(chunks, "s.edi"))


def test_events_come_opened_messages_closed_for_each_interchange() -> None:
    # given two interchanges of two and one messages
    data = (interchange(2) + "\n" + interchange(1, "REF2")).encode()
    # when read as a stream
    kinds = [type(e).__name__ for e in events(data)]
    # then each interchange is opened, its messages follow, then it is closed
    assert kinds == [
        "InterchangeOpened",
        "MessageRead",
        "MessageRead",
        "InterchangeClosed",
        "InterchangeOpened",
        "MessageRead",
        "InterchangeClosed",
    ]


def test_interchange_opened_carries_unb_una_offsets_and_index() -> None:
    # given a second interchange after a first one and a line break
    first = interchange(1)
    data = (first + "\nUNA:+,? '" + interchange(1, "REF2")).encode()
    opened = [e.header for e in events(data) if isinstance(e, InterchangeOpened)]
    # then each header has its UNB values, delimiters, place and rank in the file
    assert [(h.control_ref, h.index, h.offset) for h in opened] == [
        ("REF1", 0, 0),
        ("REF2", 1, len(first) + 1),
    ]
    second = opened[1]
    assert (second.una_present, second.delimiters.decimal) == (True, ",")
    assert (second.unb_offset, second.unb.position, second.codec) == (
        len(first) + 10,
        1,
        "iso8859_1",
    )
    assert (second.sender_id, second.sender_qualifier, second.test) == ("SENDER", "14", False)


def test_interchange_closed_carries_unz_count_and_every_issue() -> None:
    # given a UNT count error in message 2 and UNZ saying 3 messages for 2
    text = interchange(2).replace("UNT+4+2", "UNT+9+2").replace("UNZ+2", "UNZ+3")
    closed = events(text.encode())[-1]
    assert isinstance(closed, InterchangeClosed)
    assert (closed.message_count, closed.unz is not None) == (2, True)
    assert closed.unz is not None and closed.unz.position == 10
    assert [i.code for i in closed.issues] == ["edifact.unt_count", "edifact.unz_count"]


def test_missing_unz_closes_the_interchange_at_the_end_of_the_input() -> None:
    closed = events(interchange(1).rsplit("UNZ", 1)[0].encode())[-1]
    assert isinstance(closed, InterchangeClosed)
    assert (closed.unz, [i.code for i in closed.issues]) == (None, ["edifact.unz_missing"])


@pytest.mark.parametrize("size", [1, 2, 7, 64, 4096])
def test_chunk_size_does_not_change_a_single_event(size: int) -> None:
    # given a file with every quirk a chunk boundary could cut
    whole = events(TRICKY)
    # when read in chunks of 1, 2, 7, 64 and 4096 bytes
    # then the events (segments, positions, byte offsets, issues) are identical
    assert events(TRICKY, size) == whole


@pytest.mark.parametrize("size", [1, None])
def test_files_joined_with_their_byte_order_marks_are_several_interchanges(
    size: int | None,
) -> None:
    # given two files, each with a BOM and a final line break, joined into one
    one = b"\xef\xbb\xbf" + interchange(1).encode() + b"\r\n"
    data = one + one.replace(b"REF1", b"REF2") + b"\x1a"
    # when read whole or byte by byte
    opened = [e.header for e in events(data, size) if isinstance(e, InterchangeOpened)]
    # then both interchanges are there, the second starting past its BOM
    assert [(h.control_ref, h.offset) for h in opened] == [("REF1", 3), ("REF2", len(one) + 3)]


def test_tricky_file_reads_as_intended() -> None:
    # given the tricky file read whole
    _, m1, closed1, _, m2, closed2 = events(TRICKY)
    assert isinstance(m1, MessageRead) and isinstance(m2, MessageRead)
    assert isinstance(closed1, InterchangeClosed) and isinstance(closed2, InterchangeClosed)
    # then released characters, wrapped lines and the second interchange's charset hold
    ftx, nad, wrapped = m1.message.segments[1:4]
    assert (ftx.value(4), ftx.composite(5)) == ("IT'S ?", (" A:B",))
    assert nad.value(4) == "Caf\xe9\tX"
    assert wrapped.value(4) == "WRAPPED LINE'S END"
    assert [i.code for i in closed1.issues] == ["edifact.invalid_character", "edifact.wrapped"]
    nad2, ftx2 = m2.message.segments[1:3]
    assert nad2.composite(4) == ("Zürich ✓", "東京")
    assert m2.message.repeats(nad2, 4) == (("Zürich ✓", "東京"), ("A^B",))
    assert ftx2.value(4) == "\ufffd~"
    [charset] = closed2.issues
    assert charset.code == "edifact.charset"
    assert charset.location.offset == TRICKY.index(b"\xff")


def test_segment_offsets_are_exact_bytes_across_chunks() -> None:
    # given the tricky file read one byte at a time
    opened2 = [e for e in events(TRICKY, 1) if isinstance(e, InterchangeOpened)][1]
    # then the offsets of the second interchange count bytes of the first, BOM included
    assert opened2.header.offset == TRICKY.index(b"UNA=")
    assert opened2.header.unb_offset == TRICKY.index(b"UNB*")


def test_parse_error_comes_after_the_events_already_read() -> None:
    # given a good interchange, then a second one cut inside a segment
    data = (interchange(1) + interchange(1, "REF2")[:-20]).encode()
    stream = read_edifact(pieces(data, 5), "cut.edi")
    kinds = []
    with pytest.raises(ParseError) as caught:
        for event in stream:
            kinds.append(type(event).__name__)
    # then the first interchange was complete and the error locates the cut
    assert kinds[:3] == ["InterchangeOpened", "MessageRead", "InterchangeClosed"]
    issue = caught.value.issues[0]
    assert (issue.code, issue.location.segment_position) == ("edifact.truncated", 4)
    assert issue.location.offset == data.rindex(b"QTY")


def test_chunks_of_reads_a_path_or_an_open_file(tmp_path: Path) -> None:
    # given a file on disk
    data = interchange(3).encode()
    path = tmp_path / "in.edi"
    path.write_bytes(data)
    # then by path or open file, in chunks of the given size, the bytes come back
    assert b"".join(chunks_of(path, 10)) == data
    assert [len(c) for c in chunks_of(str(path), 50)][:2] == [50, 50]
    assert b"".join(chunks_of(io.BytesIO(data), 7)) == data


def _peak_memory(count: int) -> int:
    # Messages are generated lazily and dropped after reading: only the reader holds memory.
    def chunks() -> Iterator[bytes]:
        yield UNB.encode()
        for n in range(1, count + 1):
            yield MESSAGE.format(ref=n).encode()
        yield f"UNZ+{count}+REF1'".encode()

    tracemalloc.start()
    try:
        read = sum(isinstance(e, MessageRead) for e in read_edifact(chunks()))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert read == count
    return peak


def test_memory_stays_flat_in_the_number_of_messages() -> None:
    # given interchanges of 500 and of 10,000 messages, streamed
    small, large = _peak_memory(500), _peak_memory(10_000)
    # then the peak memory while reading does not grow with the file
    assert large < small * 2 + 64 * 1024, (small, large)
