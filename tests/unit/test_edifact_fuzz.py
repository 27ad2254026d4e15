"""Whatever bytes arrive, reading EDIFACT raises nothing but ParseError, however it is chunked."""

from __future__ import annotations

import random
from collections.abc import Callable

from gateway.errors import Issue, ParseError
from gateway.formats.detect import detect_standard
from gateway.formats.edifact import (
    parse_interchange,
    parse_interchanges,
    read_interchange_header,
)
from gateway.formats.edifact_reader import ReadEvent, read_edifact

SAMPLE = (
    b"UNA:+.? '\nUNB+UNOC:3+SENDER:14+RECEIVER:14+240131:0915+REF1'\n"
    b"UNG+ORDERS+S+R+240131:0915+G1+UN+D:96A'\n"
    b"UNH+M1+ORDERS:D:96A:UN:EAN008'\nBGM+220+PO?+1+9'\nNAD+BY+123::9++Caf\xe9'\n"
    b"UNT+4+M1'\nUNE+1+G1'\nUNZ+1+REF1'\n"
    b"UNA=*.?^~UNB*UNOW=4*S*R*20240131=0915*REF2~UNH*1*ORDERS=D=96A=UN~"
    b"NAD*BY***Z\xc3\xbcrich^X?~~UNT*3*1~UNZ*1*REF2~"
)
ALPHABET = b"UNABHGTEZ+:'?*=~^ \r\n\x00\xc3\xe9\xff0123456789"

Outcome = tuple[list[ReadEvent], tuple[Issue, ...] | None]


def only_parse_errors(data: bytes) -> None:
    """Parse and detect; anything but ParseError fails the test with the input shown."""
    readers: list[Callable[[bytes], object]] = [
        parse_interchange,
        parse_interchanges,
        detect_standard,
        read_interchange_header,
    ]
    for reader in readers:
        try:
            reader(data)
        except ParseError:
            pass
        except Exception as exc:  # the point of the test: report any other exception
            raise AssertionError(f"{reader}({data!r}) raised {exc!r}") from exc


def outcome(data: bytes, size: int | None) -> Outcome:
    """The events read, in chunks of `size` (whole when None), and the error's issues."""
    chunks = [data] if size is None else [data[i : i + size] for i in range(0, len(data), size)]
    found: list[ReadEvent] = []
    try:
        for event in read_edifact(chunks):
            found.append(event)
    except ParseError as exc:
        return found, exc.issues
    return found, None


def same_however_chunked(data: bytes) -> None:
    """Chunks of 3 bytes give the very events and error of the whole input."""
    assert outcome(data, 3) == outcome(data, None), data


def mutate(rng: random.Random, data: bytes) -> bytes:
    """Flip, insert or delete a few bytes."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        index = rng.randrange(len(out) + 1)
        action = rng.randrange(3)
        if action == 0 and index < len(out):
            out[index] = rng.choice(ALPHABET)
        elif action == 1:
            out.insert(index, rng.choice(ALPHABET))
        elif index < len(out):
            del out[index]
    return bytes(out)


def test_empty_and_tiny_inputs_raise_parse_error() -> None:
    for data in (b"", b"U", b"UN", b"UNA", b"UNB", b"UNA:+.? '", b"\xef\xbb\xbf", b"UNB+", b"UNB'"):
        only_parse_errors(data)
        same_however_chunked(data)


def test_every_truncation_of_a_good_file_raises_only_parse_error() -> None:
    for end in range(len(SAMPLE)):
        only_parse_errors(SAMPLE[:end])
        same_however_chunked(SAMPLE[:end])


def test_random_bytes_raise_only_parse_error() -> None:
    rng = random.Random(9735)
    for _ in range(500):
        only_parse_errors(bytes(rng.randrange(256) for _ in range(rng.randrange(80))))
        data = b"UNB+" + bytes(rng.choice(ALPHABET) for _ in range(rng.randrange(80)))
        only_parse_errors(data)
        same_however_chunked(data)


def test_mutated_interchanges_raise_only_parse_error_however_chunked() -> None:
    rng = random.Random(4)
    for _ in range(2000):
        data = mutate(rng, SAMPLE)
        only_parse_errors(data)
        same_however_chunked(data)
