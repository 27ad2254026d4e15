"""Reading the confirmation files a warehouse drops into `warehouse/in/`: CSV or JSON.

A file is read whole before anything of it is applied: `read_confirmations` returns every
confirmation in file order, or raises `WarehouseFileError` listing every problem with its place
(row and column of a CSV file, JSON path of a JSON file, byte offset of bad bytes). The forms
are described for the warehouse in the workspace's `warehouse/README.md`.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from gateway.errors import PermanentError
from gateway.fulfilment.warehouse_confirmations import (
    EVENTS,
    Confirmation,
    Delivered,
    Packed,
    PackedCarton,
    Picked,
    PickedLine,
    Problems,
    Shipped,
)
from gateway.fulfilment.warehouse_csv import read_csv
from gateway.fulfilment.warehouse_json import read_json

__all__ = [
    "EVENTS",
    "SUPPORTED_SUFFIXES",
    "Confirmation",
    "Delivered",
    "Packed",
    "PackedCarton",
    "Picked",
    "PickedLine",
    "Shipped",
    "WarehouseFileError",
    "read_confirmations",
]

SUPPORTED_SUFFIXES = (".csv", ".json")


class WarehouseFileError(PermanentError):
    """A warehouse file that cannot be read; `issues` holds every problem found."""

    code = "warehouse_file"


def read_confirmations(path: Path, data: bytes) -> tuple[Confirmation, ...]:
    """Every confirmation of a warehouse file, in file order; WarehouseFileError lists problems."""
    suffix = path.suffix.lower()
    problems = Problems(path.name)
    if suffix not in SUPPORTED_SUFFIXES:
        shown = f"the file type {suffix!r}" if suffix else "a file without an extension"
        message = (
            f"{shown} is not supported: a warehouse file ends in {' or '.join(SUPPORTED_SUFFIXES)}"
        )
        problems.add("format", message, problems.whole())
        raise _failed(problems)
    text = _decode(data, problems)
    confirmations: list[Confirmation] = []
    if text is not None:
        read = read_csv if suffix == ".csv" else read_json
        confirmations = read(text, problems)
    if problems.issues:
        raise _failed(problems)
    return tuple(confirmations)


def _decode(data: bytes, problems: Problems) -> str | None:
    """The file's text (UTF-8, a byte order mark dropped), or None with the problem noted."""
    if data.startswith(codecs.BOM_UTF8):
        problems.bom_length = len(codecs.BOM_UTF8)
    try:
        text = data[problems.bom_length :].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = problems.bom_length + exc.start
        line = data[:offset].count(b"\n") + 1
        message = (
            f"not UTF-8: byte 0x{data[offset]:02x} at byte offset {offset} (line {line}) "
            "cannot be read; save the file as UTF-8"
        )
        problems.add("encoding", message, problems.offset(offset), f"0x{data[offset]:02x}")
        return None
    if not text.strip():
        problems.add("empty", "the file is empty: it holds no confirmations", problems.whole())
        return None
    return text


def _failed(problems: Problems) -> WarehouseFileError:
    count = len(problems.issues)
    noun = "problem" if count == 1 else "problems"
    message = f"the warehouse file {problems.file} cannot be read: {count} {noun}"
    return WarehouseFileError(message, problems.issues)
