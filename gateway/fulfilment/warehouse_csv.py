"""The CSV form of warehouse confirmations: one row per line quantity, grouped in file order.

Comma separated (RFC 4180 quoting), a header row naming the columns in any order (only `event`
and `shipment` are required). Consecutive rows with the same event and shipment are one
confirmation; a packed confirmation's rows are gathered into cartons by the `carton` column.
An empty cell is a value not given. The header is row 1, as a spreadsheet counts.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import TypeVar

from gateway.config_values import suggest
from gateway.fulfilment.warehouse_confirmations import (
    CARRIER,
    CARTON,
    DATE,
    LINE,
    NOTE,
    PICKED_QUANTITY,
    QUANTITY,
    RECEIVED_BY,
    SERVICE,
    SHIPMENT,
    SSCC,
    TRACKING,
    WEIGHT,
    Confirmation,
    Delivered,
    FieldReader,
    FirstSeen,
    Packed,
    PackedCarton,
    Picked,
    PickedLine,
    Problems,
    Shipped,
    note_repeat,
    note_sscc_repeat,
    parse_event,
)
from gateway.orders.masterdata_values import CellError

COLUMNS = (
    "event",
    "shipment",
    "line",
    "quantity",
    "carton",
    "weight_kg",
    "sscc",
    "carrier",
    "service",
    "tracking",
    "date",
    "received_by",
    "note",
)
V = TypeVar("V")

REQUIRED_COLUMNS = ("event", "shipment")
# The columns each event reads besides event and shipment; a value elsewhere is refused.
EVENT_COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "picked": ("line", "quantity"),
        "packed": ("carton", "line", "quantity", "weight_kg", "sscc"),
        "shipped": ("carrier", "service", "tracking", "date", "weight_kg"),
        "delivered": ("date", "received_by", "note"),
    }
)


@dataclass(frozen=True)
class _Row:
    """A data row whose event and shipment could be read; `cells` holds its non-empty cells."""

    number: int
    event: str
    shipment: str
    cells: Mapping[str, str]


@dataclass
class _Carton:
    """A carton of a packed confirmation, gathered from its rows."""

    lines: list[PickedLine] = field(default_factory=list)
    seen_lines: FirstSeen = field(default_factory=FirstSeen)
    # (value, row) of the first row that gave it.
    weight: tuple[Decimal, int] | None = None
    sscc: tuple[str, int] | None = None


def read_csv(text: str, problems: Problems) -> list[Confirmation]:
    """The confirmations of a decoded CSV file, in file order; every problem is noted."""
    rows = _rows(text, problems)
    confirmations: list[Confirmation] = []
    seen = FirstSeen()
    for _, grouped in itertools.groupby(rows, key=lambda row: (row.event, row.shipment)):
        group = list(grouped)
        confirmation = _confirmation(group, problems, seen)
        if confirmation is not None:
            note_repeat(confirmation, problems.cell(group[0].number), seen, problems)
            confirmations.append(confirmation)
    # Rows are read in two passes (cells, then groups): list the problems as the rows come.
    problems.issues.sort(key=lambda issue: issue.location.row or 0)
    return confirmations


def _rows(text: str, problems: Problems) -> list[_Row]:
    """The data rows whose event and shipment read; the problems of the others are noted."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[_Row] = []
    try:
        names = _header(next(reader, []), problems)
        if names is None:
            return []
        for number, cells in enumerate(reader, start=2):
            stripped = [cell.strip() for cell in cells]
            if any(stripped):
                rows.extend(_row(names, number, stripped, problems))
    except csv.Error as exc:
        problems.add("csv", f"not readable as CSV: {exc}", problems.cell(reader.line_num))
    if not rows and not problems.issues:
        message = "no confirmations: the file has its header row but no rows below it"
        problems.add("empty", message, problems.cell(2))
    return rows


def _header(cells: Sequence[str], problems: Problems) -> list[str] | None:
    """The column names of row 1; None when a required column is missing."""
    names = [cell.strip() for cell in cells]
    if len(names) == 1 and ";" in names[0]:
        message = "the header is one column with semicolons: save the file comma separated"
        problems.add("header", message, problems.cell(1))
        return None
    for position, name in enumerate(names, start=1):
        if not name:
            message = f"column {position} of the header has no name"
            problems.add("header", message, problems.cell(1))
        elif names.index(name) < position - 1:
            message = "the column is named twice in the header"
            problems.add("header", message, problems.cell(1, name))
        elif name not in COLUMNS:
            message = f"unknown column {name!r}{suggest(name, COLUMNS)}; the columns are "
            problems.add("unknown_column", message + ", ".join(COLUMNS), problems.cell(1, name))
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    for name in missing:
        message = f"the required column {name} is missing from the header"
        problems.add("missing_column", message, problems.cell(1, name))
    return None if missing else names


def _row(names: Sequence[str], number: int, cells: list[str], problems: Problems) -> list[_Row]:
    """The row (none or one) when its cells fit the header and its event and shipment read."""
    if len(cells) > len(names) and not any(cells[len(names) :]):
        cells = cells[: len(names)]  # trailing empty cells a spreadsheet added
    if len(cells) != len(names):
        message = f"the row has {len(cells)} cells but the header names {len(names)}"
        problems.add("cells", message, problems.cell(number))
        return []
    given = {n: c for n, c in zip(names, cells, strict=True) if c and n in COLUMNS}
    reader = FieldReader(given, lambda column: problems.cell(number, column), problems, "a row")
    event = _event(given, number, problems)
    shipment = reader.required(SHIPMENT)
    if event is None or shipment is None:
        return []
    for column, cell in given.items():
        if column not in (*EVENT_COLUMNS[event], "event", "shipment"):
            message = f"a {event} row has no {column}: leave the cell empty"
            problems.add("unused", message, problems.cell(number, column), cell)
    return [_Row(number, event, shipment, given)]


def _event(given: Mapping[str, str], number: int, problems: Problems) -> str | None:
    if "event" not in given:
        message = "event is missing: a row needs it (picked, packed, shipped or delivered)"
        problems.add("required", message, problems.cell(number, "event"))
        return None
    try:
        return parse_event(given["event"])
    except CellError as exc:
        where = problems.cell(number, "event")
        problems.add("unknown_event", str(exc), where, given["event"])
        return None


def _confirmation(rows: list[_Row], problems: Problems, seen: FirstSeen) -> Confirmation | None:
    """The confirmation of one group of rows with the same event and shipment."""
    event, shipment, where = rows[0].event, rows[0].shipment, _where(problems.file, rows)
    if event == "picked":
        lines = _lines(rows, problems, FirstSeen(), f"for shipment {shipment}")
        return Picked(shipment, tuple(lines), where) if len(lines) == len(rows) else None
    if event == "packed":
        cartons = _cartons(rows, problems, seen)
        return None if cartons is None else Packed(shipment, cartons, where)
    read = _shipped if event == "shipped" else _delivered
    confirmation = read(rows[0], where, problems)
    _note_extra_rows(rows, problems)
    return confirmation


def _where(file: str, rows: Sequence[_Row]) -> str:
    first, last = rows[0].number, rows[-1].number
    return f"{file} row {first}" if first == last else f"{file} rows {first}-{last}"


def _reader(row: _Row, problems: Problems) -> FieldReader:
    return FieldReader(
        row.cells, lambda column: problems.cell(row.number, column), problems, f"a {row.event} row"
    )


def _lines(
    rows: Iterable[_Row], problems: Problems, seen: FirstSeen, within: str
) -> list[PickedLine]:
    """The line and quantity of each row that has them right; the others are noted."""
    lines: list[PickedLine] = []
    for row in rows:
        line = _line(row, problems)
        if line is not None and _new_line(line, row, seen, problems, within):
            lines.append(line)
    return lines


def _line(row: _Row, problems: Problems) -> PickedLine | None:
    reader = _reader(row, problems)
    quantity_field = PICKED_QUANTITY if row.event == "picked" else QUANTITY
    line, quantity = reader.required(LINE), reader.required(quantity_field)
    return None if line is None or quantity is None else PickedLine(line, quantity)


def _new_line(
    line: PickedLine, row: _Row, seen: FirstSeen, problems: Problems, within: str
) -> bool:
    """True for a line not listed before in its shipment or carton; a repeat is noted."""
    earlier = seen.earlier(line.line, f"row {row.number}")
    if earlier is None:
        return True
    message = f"line {line.line} is listed twice {within} (also in {earlier}); list it once"
    problems.add("repeated", message, problems.cell(row.number, "line"), line.line)
    return False


def _cartons(
    rows: Sequence[_Row], problems: Problems, seen: FirstSeen
) -> tuple[PackedCarton, ...] | None:
    """The cartons of a packed confirmation, in the order their first rows come."""
    before = len(problems.issues)
    cartons: dict[str, _Carton] = {}
    for row in rows:
        reader = _reader(row, problems)
        number = reader.required(CARTON)
        weight, sscc = reader.optional(WEIGHT), reader.optional(SSCC)
        line = _line(row, problems)
        if number is None or line is None:
            continue
        carton = cartons.setdefault(number, _Carton())
        if _new_line(line, row, carton.seen_lines, problems, f"in carton {number}"):
            carton.lines.append(line)
        carton.weight = _one_value(
            carton.weight, weight, row=row, column="weight_kg", carton=number, problems=problems
        )
        if sscc is not None and carton.sscc is None:
            where = problems.cell(row.number, "sscc")
            note_sscc_repeat(sscc, f"row {row.number}", where, seen, problems)
        carton.sscc = _one_value(
            carton.sscc, sscc, row=row, column="sscc", carton=number, problems=problems
        )
    if len(problems.issues) > before:
        return None
    return tuple(
        PackedCarton(
            tuple(c.lines), c.weight[0] if c.weight else None, c.sscc[0] if c.sscc else None
        )
        for c in cartons.values()
    )


def _one_value(
    kept: tuple[V, int] | None,
    value: V | None,
    *,
    row: _Row,
    column: str,
    carton: str,
    problems: Problems,
) -> tuple[V, int] | None:
    """A carton's weight or SSCC, given on any of its rows but the same on all of them."""
    if value is None:
        return kept
    if kept is None:
        return value, row.number
    if kept[0] != value:
        message = (
            f"carton {carton} has {column} {kept[0]} in row {kept[1]} but {value} here; "
            "give one value per carton"
        )
        problems.add("conflict", message, problems.cell(row.number, column), str(value))
    return kept


def _note_extra_rows(rows: Sequence[_Row], problems: Problems) -> None:
    """Note the rows after the first of a shipped or delivered confirmation: it is one row."""
    first = rows[0]
    for row in rows[1:]:
        message = (
            f"a {first.event} confirmation is one row: row {first.number} already confirms "
            f"shipment {first.shipment} {first.event}"
        )
        problems.add("rows", message, problems.cell(row.number))


def _shipped(row: _Row, where: str, problems: Problems) -> Shipped | None:
    reader = _reader(row, problems)
    carrier, tracking = reader.required(CARRIER), reader.required(TRACKING)
    service, ship_date = reader.optional(SERVICE), reader.optional(DATE)
    weight = reader.optional(WEIGHT)
    if carrier is None or tracking is None or reader.failed:
        return None
    return Shipped(row.shipment, carrier, tracking, where, service, ship_date, weight)


def _delivered(row: _Row, where: str, problems: Problems) -> Delivered | None:
    reader = _reader(row, problems)
    delivered_on = reader.required(DATE)
    received_by, note = reader.optional(RECEIVED_BY), reader.optional(NOTE)
    if delivered_on is None or reader.failed:
        return None
    return Delivered(row.shipment, delivered_on, where, received_by, note)
