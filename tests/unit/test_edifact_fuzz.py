"""Whatever bytes arrive, reading EDIFACT raises nothing but ParseError."""

from __future__ import annotations

import random

from gateway.errors import ParseError
from gateway.formats.detect import detect_standard
from gateway.formats.edifact import parse_interchange

SAMPLE = (
    b"UNA:+.? '\nUNB+UNOC:3+SENDER:14+RECEIVER:14+240131:0915+REF1'\n"
    b"UNG+ORDERS+S+R+240131:0915+G1+UN+D:96A'\n"
    b"UNH+M1+ORDERS:D:96A:UN:EAN008'\nBGM+220+PO?+1+9'\nNAD+BY+123::9++Caf\xe9'\n"
    b"UNT+4+M1'\nUNE+1+G1'\nUNZ+1+REF1'\n"
)
ALPHABET = b"UNABHGTEZ+:'?* \r\n\x00\xe9\xff0123456789"


def only_parse_errors(data: bytes) -> None:
    """Parse and detect; anything but ParseError fails the test with the input shown."""
    for reader in (parse_interchange, detect_standard):
        try:
            reader(data)
        except ParseError:
            pass
        except Exception as exc:  # the point of the test: report any other exception
            raise AssertionError(f"{reader.__name__}({data!r}) raised {exc!r}") from exc


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


def test_every_truncation_of_a_good_interchange_raises_only_parse_error() -> None:
    for end in range(len(SAMPLE)):
        only_parse_errors(SAMPLE[:end])


def test_random_bytes_raise_only_parse_error() -> None:
    rng = random.Random(9735)
    for _ in range(500):
        only_parse_errors(bytes(rng.randrange(256) for _ in range(rng.randrange(80))))
        only_parse_errors(b"UNB+" + bytes(rng.choice(ALPHABET) for _ in range(rng.randrange(80))))


def test_mutated_interchanges_raise_only_parse_error() -> None:
    rng = random.Random(4)
    for _ in range(3000):
        only_parse_errors(mutate(rng, SAMPLE))
