"""What a warehouse confirms about a shipment, and the values both file forms (CSV, JSON) share.

A warehouse (or 3PL) confirms a shipment in four steps: picked, packed, shipped, delivered.
`warehouse_csv` and `warehouse_json` read the two file forms into the records below, noting
every problem in a `Problems` with its place; lengths and scales match the `shipments`,
`shipment_lines` and `cartons` tables (gateway/store/tables_fulfilment.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import ClassVar, Generic, TypeAlias, TypeVar, cast

from gateway.config_values import suggest
from gateway.errors import Issue, Location
from gateway.fulfilment.sscc import check_sscc
from gateway.orders.masterdata_values import CellError, decimal, iso_date

T = TypeVar("T")

# The steps a warehouse confirms, in the order they happen to a shipment.
EVENTS = ("picked", "packed", "shipped", "delivered")
CODE = "warehouse_file"
# GS1 General Specifications 2.2.1: an SSCC is 18 digits (extension digit, GS1 company
# prefix, serial reference), the last one a mod-10 check digit.


@dataclass(frozen=True)
class PickedLine:
    """A quantity of one order line (the buyer's line number), in the ordered unit."""

    line: str
    quantity: Decimal


@dataclass(frozen=True)
class Picked:
    """The warehouse picked these quantities of a shipment's lines (a short pick is allowed)."""

    event: ClassVar[str] = "picked"
    shipment: str
    lines: tuple[PickedLine, ...]
    where: str


@dataclass(frozen=True)
class PackedCarton:
    """One carton a warehouse packed: its lines, and its weight and SSCC when it gave them."""

    lines: tuple[PickedLine, ...]
    weight_kg: Decimal | None = None
    sscc: str | None = None


@dataclass(frozen=True)
class Packed:
    """The warehouse packed a shipment into these cartons."""

    event: ClassVar[str] = "packed"
    shipment: str
    cartons: tuple[PackedCarton, ...]
    where: str


@dataclass(frozen=True)
class Shipped:
    """A carrier took the shipment; without a ship date it shipped the day the file is applied."""

    event: ClassVar[str] = "shipped"
    shipment: str
    carrier: str
    tracking_number: str | None
    where: str
    service: str | None = None
    ship_date: date | None = None
    weight_kg: Decimal | None = None


@dataclass(frozen=True)
class Delivered:
    """The shipment reached the ship-to party."""

    event: ClassVar[str] = "delivered"
    shipment: str
    delivered_on: date
    where: str
    received_by: str | None = None
    note: str | None = None


Confirmation: TypeAlias = Picked | Packed | Shipped | Delivered


class Problems:
    """Every problem found in one warehouse file, each with its place in the file."""

    def __init__(self, file: str, bom_length: int = 0) -> None:
        self.file = file
        # Bytes of a UTF-8 byte order mark before the text, counted in byte offsets.
        self.bom_length = bom_length
        self.issues: list[Issue] = []

    def add(self, kind: str, message: str, where: Location, value: str | None = None) -> None:
        """Note one problem; `kind` completes the issue code (warehouse_file.<kind>)."""
        self.issues.append(Issue(f"{CODE}.{kind}", message, where, value=value))

    def whole(self) -> Location:
        """The file as a whole."""
        return Location(file=self.file)

    def cell(self, row: int, column: str | None = None) -> Location:
        """A row (the header is row 1) and column of this CSV file."""
        return Location(file=self.file, row=row, column=column)

    def path(self, path: str) -> Location:
        """A JSON path (`$.confirmations[0].lines[1]`) in this file."""
        return Location(file=self.file, xpath=path)

    def offset(self, offset: int) -> Location:
        """A byte offset from the start of the file."""
        return Location(file=self.file, offset=offset)


@dataclass(frozen=True)
class Field(Generic[T]):
    """One value of a confirmation: its CSV column and JSON key, and how its text is read."""

    name: str
    parse: Callable[[str], T]
    # JSON numbers are taken as well as strings (quantities, weights).
    number: bool = False

    def read(self, raw: object) -> T | None:
        """The value of a CSV cell or JSON value; None when not given, CellError when wrong."""
        if raw is None:
            return None
        if isinstance(raw, str):
            stripped = raw.strip()
            return self.parse(stripped) if stripped else None
        if self.number and isinstance(raw, Decimal):
            # Positional digits only for a sane exponent: 1e999999999 stays short and is refused.
            sane = raw.is_finite() and abs(raw.adjusted()) < 40
            return self.parse(format(raw, "f") if sane else str(raw))
        expected = "a number" if self.number else "text in double quotes"
        raise CellError(f"expected {expected}, got {shown(raw)}")


def shown(raw: object) -> str:
    """A value as it stood in a file: JSON literals spelled as JSON."""
    if raw is None:
        return "null"
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, dict):
        return "an object"
    if isinstance(raw, list):
        return "a list"
    if isinstance(raw, float):  # NaN and Infinity: JavaScript literals, not JSON numbers
        return "NaN" if math.isnan(raw) else ("Infinity" if raw > 0 else "-Infinity")
    return str(raw)


def _text(max_length: int) -> Callable[[str], str]:
    def parse(cell: str) -> str:
        if len(cell) > max_length:
            raise CellError(f"at most {max_length} characters fit, got {len(cell)}")
        return cell

    return parse


def parse_sscc(cell: str) -> str:
    """An SSCC-18 (GS1 AI 00) with a valid GS1 mod-10 check digit."""
    try:
        return check_sscc(cell)
    except ValueError as exc:
        raise CellError(str(exc)) from exc


def parse_event(raw: object) -> str:
    """One of the four events, in any letter case."""
    if not isinstance(raw, str):
        raise CellError(f"expected the event as text in double quotes, got {shown(raw)}")
    event = raw.strip().lower()
    if event not in EVENTS:
        raise CellError(
            f"unknown event {raw.strip()!r}{suggest(event, EVENTS)}; "
            f"the events are {', '.join(EVENTS)}"
        )
    return event


# Quantities and weights are NUMERIC(18, 4) (tables_orders.QUANTITY); lengths are the columns'.
_QUANTITY = cast(Callable[[str], Decimal], decimal(18, 4, positive=True))
SHIPMENT = Field("shipment", _text(20))
LINE = Field("line", _text(20))
QUANTITY = Field("quantity", _QUANTITY, number=True)
# A picked quantity may be 0: every released line is listed, and 0 says none was found.
PICKED_QUANTITY = Field(
    "quantity", cast(Callable[[str], Decimal], decimal(18, 4, minimum=Decimal(0))), number=True
)
CARTON = Field("carton", _text(35))
WEIGHT = Field("weight_kg", _QUANTITY, number=True)
SSCC = Field("sscc", parse_sscc)
CARRIER = Field("carrier", _text(60))
SERVICE = Field("service", _text(60))
TRACKING = Field("tracking", _text(60))
DATE = Field("date", iso_date)
RECEIVED_BY = Field("received_by", _text(100))
NOTE = Field("note", _text(1000))


class FieldReader:
    """Reads the values of one CSV row or JSON object, noting every problem."""

    def __init__(
        self,
        raw: Mapping[str, object],
        locate: Callable[[str], Location],
        problems: Problems,
        needed_by: str,
    ) -> None:
        self.raw = raw
        self.locate = locate
        self.problems = problems
        # Who needs a required value, for the message ("a shipped confirmation").
        self.needed_by = needed_by
        self.failed = False

    def optional(self, field: Field[T]) -> T | None:
        """The field's value, or None when it is not given or wrong (noted)."""
        raw = self.raw.get(field.name)
        try:
            return field.read(raw)
        except CellError as exc:
            self.failed = True
            value = raw if isinstance(raw, str) else shown(raw)
            self.problems.add("value", str(exc), self.locate(field.name), value)
            return None

    def required(self, field: Field[T]) -> T | None:
        """The field's value, or None when it is missing or wrong (both noted)."""
        given = self.raw.get(field.name)
        if given is None or (isinstance(given, str) and not given.strip()):
            self.failed = True
            message = f"{field.name} is missing: {self.needed_by} needs it"
            self.problems.add("required", message, self.locate(field.name))
            return None
        return self.optional(field)


class FirstSeen:
    """Where each key was first seen in a file, to report a key given again."""

    def __init__(self) -> None:
        self.places: dict[object, str] = {}

    def earlier(self, key: object, place: str) -> str | None:
        """Where the key was seen before, or None (and this place remembered) when it is new."""
        if key in self.places:
            return self.places[key]
        self.places[key] = place
        return None


def note_repeat(
    confirmation: Confirmation, where: Location, seen: FirstSeen, problems: Problems
) -> None:
    """Note a shipment confirmed twice for the same event in one file."""
    key = (confirmation.event, confirmation.shipment)
    earlier = seen.earlier(key, confirmation.where)
    if earlier is not None:
        message = (
            f"shipment {confirmation.shipment} is confirmed {confirmation.event} twice in "
            f"this file (also at {earlier}); confirm each event of a shipment once"
        )
        problems.add("repeated", message, where, confirmation.shipment)


def note_sscc_repeat(
    sscc: str, place: str, where: Location, seen: FirstSeen, problems: Problems
) -> None:
    """Note an SSCC given to two cartons in one file: an SSCC names one carton for ever."""
    earlier = seen.earlier(("sscc", sscc), place)
    if earlier is not None:
        message = f"SSCC {sscc} is given to another carton too (at {earlier})"
        problems.add("repeated", message, where, sscc)
