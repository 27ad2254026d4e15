"""Reading a folder of master data CSV files into a `MasterData`, with every problem reported.

One file per kind (`customers.csv`, `items.csv`, ...; see `masterdata_schema`), each optional:
UTF-8 with or without a byte order mark, comma separated (RFC 4180 quoting), a header row naming
the columns in any order. An empty cell is a value not given. Rows are numbered as a spreadsheet
shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway.errors import Issue, Location, PermanentError
from gateway.orders.masterdata import MasterData
from gateway.orders.masterdata_checks import (
    KnownKeys,
    ReadFile,
    check_duplicates,
    check_references,
)
from gateway.orders.masterdata_schema import MASTERDATA_KINDS, SPECS, KindSpec, spec_for
from gateway.orders.masterdata_values import CellError

__all__ = [
    "MASTERDATA_KINDS",
    "KnownKeys",
    "MasterDataError",
    "MasterDataFiles",
    "read_kind_file",
    "read_masterdata",
]


class MasterDataError(PermanentError):
    """A master data folder that cannot be imported; `issues` holds every problem found."""

    code = "masterdata"


@dataclass(frozen=True)
class MasterDataFiles:
    """What a master data folder holds: which kinds had a file, and their records."""

    folder: Path
    # Kinds whose file is in the folder, in MASTERDATA_KINDS order: only these are replaced.
    present: tuple[str, ...]
    data: MasterData

    def records(self, kind: str) -> tuple[Any, ...]:
        """The records of one kind (empty when its file is not in the folder)."""
        return tuple(getattr(self.data, kind))


def read_masterdata(folder: Path, known: KnownKeys | None = None) -> MasterDataFiles:
    """Read and check every master data file of a folder; MasterDataError lists all problems."""
    paths, issues = _kind_files(folder)
    reads = [read_kind_file(spec_for(kind), path) for kind, path in paths.items()]
    for read in reads:
        issues += [*read.issues, *check_duplicates(read)]
    issues += check_references(reads, known or KnownKeys())
    if issues:
        count = f"{len(issues)} problem{'s' if len(issues) != 1 else ''}"
        raise MasterDataError(f"{count} in the master data files in {folder}", issues)
    present = tuple(kind for kind in MASTERDATA_KINDS if kind in paths)
    data = MasterData(**{read.spec.kind: read.records for read in reads})
    return MasterDataFiles(folder, present, data)


def _kind_files(folder: Path) -> tuple[dict[str, Path], list[Issue]]:
    """The CSV file of each kind in the folder, and an issue per file that is not one."""
    if not folder.is_dir():
        issue = Issue("masterdata.folder", "not a folder", Location(file=str(folder)))
        raise MasterDataError(f"{folder} is not a folder", [issue])
    expected = {spec.file_name: spec.kind for spec in SPECS}
    found: dict[str, Path] = {}
    issues: list[Issue] = []
    for path in _entries(folder):
        if path.name.startswith(".") or path.suffix.lower() != ".csv" or not path.is_file():
            continue
        if path.name in expected:
            found[expected[path.name]] = path
        else:
            issues.append(_unknown_file(path.name, list(expected)))
    if not found:
        names = ", ".join(expected)
        message = f"no master data file in this folder; expected one or more of {names}"
        issues.append(Issue("masterdata.no_files", message, Location(file=str(folder))))
    return found, issues


def _entries(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except OSError as exc:
        message = f"cannot list the folder: {exc.strerror}"
        issue = Issue("masterdata.folder", message, Location(file=str(folder)))
        raise MasterDataError(f"cannot list {folder}", [issue]) from exc


def _unknown_file(name: str, expected: Sequence[str]) -> Issue:
    close = difflib.get_close_matches(name.lower(), expected, n=1)
    hint = f"did you mean {close[0]}?" if close else f"expected one of {', '.join(expected)}"
    message = f"not a master data file: {hint}"
    return Issue("masterdata.unknown_file", message, Location(file=name))


def read_kind_file(spec: KindSpec, path: Path) -> ReadFile:
    """Read one kind's CSV file: its records, and an issue per cell, row or header problem."""
    name = spec.file_name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        issue = Issue("masterdata.read", f"cannot read the file: {exc.strerror}", Location(name))
        return ReadFile(spec, keys_readable=False, issues=(issue,))
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = raw[: exc.start].count(b"\n") + 1
        message = f"not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        issue = Issue("masterdata.encoding", message, Location(name, row=row, offset=exc.start))
        return ReadFile(spec, keys_readable=False, issues=(issue,))
    return _FileReader(spec).read(content)


class _FileReader:
    """Reads the rows of one decoded CSV file against its kind's columns."""

    def __init__(self, spec: KindSpec) -> None:
        self.spec = spec
        self.issues: list[Issue] = []
        self.records: list[Any] = []
        self.rows: list[int] = []
        self.loose: list[tuple[int, tuple[str, ...]]] = []

    def issue(self, code: str, message: str, row: int, column: str | None = None) -> None:
        """Note a problem at a row (and column) of this file."""
        location = Location(file=self.spec.file_name, row=row, column=column)
        self.issues.append(Issue(code, message, location))

    def read(self, content: str) -> ReadFile:
        """Every record of the file, or the problems that kept rows out."""
        reader = csv.reader(io.StringIO(content, newline=""))
        names: list[str] | None = None
        try:
            header = next(reader, None)
            if header is None:
                self.issue("masterdata.empty", "the file is empty: row 1 must name the columns", 1)
                return self.result(keys_readable=False)
            names = self.header(header)
            if names is not None:
                for row, cells in enumerate(reader, start=2):
                    self.row(names, row, cells)
        except csv.Error as exc:
            self.issue("masterdata.csv", f"not readable as CSV: {exc}", reader.line_num)
        key = self.spec.keys[0] if self.spec.keys else ()
        return self.result(keys_readable=names is not None and set(key) <= set(names))

    def result(self, keys_readable: bool) -> ReadFile:
        """What was read, as a ReadFile."""
        return ReadFile(
            self.spec,
            tuple(self.records),
            tuple(self.rows),
            tuple(self.loose),
            keys_readable,
            tuple(self.issues),
        )

    def header(self, cells: Sequence[str]) -> list[str] | None:
        """The column names of the header; None when a required column is missing."""
        names = [cell.strip() for cell in cells]
        known = self.spec.column_names
        if len(names) == 1 and ";" in names[0]:
            self.issue(
                "masterdata.separator",
                "the header is one column with semicolons: save the file comma separated",
                1,
            )
            return None
        for position, name in enumerate(names, start=1):
            if not name:
                self.issue("masterdata.header", f"column {position} of the header has no name", 1)
            elif names.index(name) < position - 1:
                self.issue("masterdata.header", "the column is named twice in the header", 1, name)
            elif name not in known:
                self.issue("masterdata.unknown_column", _unknown_column(name, known), 1, name)
        missing = [c.name for c in self.spec.columns if c.required and c.name not in names]
        for column in missing:
            message = f"the required column {column} is missing from the header"
            self.issue("masterdata.missing_column", message, 1, column)
        return None if missing else names

    def row(self, names: Sequence[str], row: int, cells: Sequence[str]) -> None:
        """Convert one data row to a record, or note why it cannot be."""
        stripped = [cell.strip() for cell in cells]
        if not any(stripped):
            return  # a blank line
        if len(stripped) > len(names) and not any(stripped[len(names) :]):
            stripped = stripped[: len(names)]  # trailing empty cells a spreadsheet added
        if len(stripped) != len(names):
            message = f"the row has {len(stripped)} cells but the header names {len(names)}"
            self.issue("masterdata.cells", message, row)
            self.keep_loose_key(row, dict(zip(names, stripped, strict=False)))
            return
        given = {n: c for n, c in zip(names, stripped, strict=True) if n and c}
        record = self.record(given, row)
        if record is None:
            self.keep_loose_key(row, given)
        else:
            self.records.append(record)
            self.rows.append(row)

    def record(self, given: Mapping[str, str], row: int) -> Any | None:
        """The record of a row's cells (column -> text), or None with its problems noted."""
        values: dict[str, Any] = {}
        before = len(self.issues)
        for column in self.spec.columns:
            cell = given.get(column.name)
            if cell is None:
                if column.required:
                    self.issue("masterdata.required", "a value is required", row, column.name)
                continue
            try:
                values[column.name] = column.parse(cell)
            except CellError as exc:
                self.issues.append(
                    Issue(
                        "masterdata.value",
                        str(exc),
                        Location(file=self.spec.file_name, row=row, column=column.name),
                        value=cell,
                    )
                )
        if len(self.issues) == before and self.spec.row_check is not None:
            for column_name, message in self.spec.row_check(values):
                self.issue("masterdata.value", message, row, column_name)
        return self.spec.record(**values) if len(self.issues) == before else None

    def keep_loose_key(self, row: int, given: Mapping[str, str]) -> None:
        """Remember the key of a row that could not be read, so references to it still hold."""
        if not self.spec.keys:
            return
        key = tuple(given.get(column, "") for column in self.spec.keys[0])
        if all(key):
            self.loose.append((row, key))


def _unknown_column(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name.lower(), known, n=1)
    hint = f"did you mean {close[0]}?" if close else f"the columns are {', '.join(known)}"
    return f"unknown column {name}: {hint}"
