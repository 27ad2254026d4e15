"""Cutting X12 into segments chunk by chunk (x12_framing): the chunk size changes nothing."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bench.x12_orders import make_orders
from gateway.errors import ParseError
from gateway.formats.segments import Segment
from gateway.formats.x12_framing import segment_of
from gateway.formats.x12_reader import chunks_of, read_x12

ORDERS = make_orders(4)
TEXT = ORDERS.decode()
# The same interchange as partners send it: other layout, hard-wrapped, a byte that is not
# UTF-8, letters outside ASCII, two interchanges with a stray terminator, cut short.
VARIANTS = {
    "plain": ORDERS,
    "crlf": TEXT.replace("~\n", "~\r\n").encode(),
    "one line": TEXT.replace("~\n", "~").encode(),
    "wrapped": "\r\n".join(
        TEXT.replace("\n", "")[i : i + 80] for i in range(0, len(TEXT) - 1, 80)
    ).encode(),
    "undecodable": ORDERS.replace(b"WIDGET", b"WID\xffGET", 1),
    "accents": TEXT.replace("ACME STORE", "ÄCMÉ STORE").encode(),
    "two": ORDERS + b"~\n" + ORDERS.replace(b"000000001", b"000000002"),
    "cut short": ORDERS[: len(ORDERS) * 2 // 3],
    "no final terminator": ORDERS.rstrip(b"~\n"),
}


def events(data: bytes, size: int) -> list[str]:
    """Every event (with its issues and their byte offsets) read in chunks of `size` bytes."""
    try:
        return [repr(event) for event in read_x12(chunks_of(data, size), "t.edi")]
    except ParseError as exc:
        return [repr(exc), repr(exc.issues)]


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_events_do_not_depend_on_the_chunk_size(name: str) -> None:
    # given an interchange as a partner may send it
    data = VARIANTS[name]
    # when it is read whole and in chunks of 1, 7 and 64 bytes
    whole = events(data, 1 << 20)
    # then every way gives the same events, issues and offsets
    for size in (1, 7, 64):
        assert events(data, size) == whole, f"chunks of {size} bytes"


def test_corpus_events_do_not_depend_on_the_chunk_size(corpus_dir: Path) -> None:
    # given every X12 file of the corpus
    for path in sorted((corpus_dir / "x12").glob("*.edi")):
        data = path.read_bytes()
        # when it is read whole and in chunks of 5 bytes
        # then both give the same events
        assert events(data, 5) == events(data, 1 << 20), path.name


def test_segment_built_by_the_reader_is_a_plain_segment() -> None:
    # given the fields of Segment (the reader sets its slots without its __init__)
    fields = [field.name for field in dataclasses.fields(Segment)]
    # when a segment is built both ways
    built = segment_of("N1", (("ST",), ("SHOP",)), 7)
    plain = Segment("N1", (("ST",), ("SHOP",)), 7)
    # then Segment has nothing more to set up, and both are equal, hash alike and stay frozen
    assert fields == ["tag", "elements", "position"]
    assert not hasattr(Segment, "__post_init__")
    assert built == plain
    assert hash(built) == hash(plain)
    assert built.value(2) == "SHOP"
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.tag = "N2"  # type: ignore[misc]
