"""Packing shipped quantities into cartons: by weight rules, or as a person gave them."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from gateway.errors import BusinessRuleError, Issue, Location
from gateway.orders.amounts import quantity_text

_WEIGHT = Decimal("0.001")
# A quantity as people write it: digits, optionally a point and decimals; no sign, no exponent.
_QUANTITY = re.compile(r"\d+(\.\d+)?")
_CSV_HEADER = ("carton", "line", "quantity")


@dataclass(frozen=True)
class PackItem:
    """One order line's quantity to pack, in base units."""

    line_id: int  # the order line's database id (opaque here)
    line_number: str  # the buyer's line number, for messages
    sku: str
    quantity: Decimal  # whole base units (a fraction is refused)
    unit_weight_kg: Decimal | None  # None: unknown weight, counted as 0 with a warning
    ships_alone: bool = False  # every unit travels in a carton of its own


@dataclass(frozen=True)
class CartonLine:
    """A quantity of one order line inside one carton."""

    line_id: int
    line_number: str
    sku: str
    quantity: Decimal


@dataclass(frozen=True)
class PlannedCarton:
    """A carton to pack: its lines and its gross weight (contents plus tare)."""

    lines: tuple[CartonLine, ...]
    weight_kg: Decimal


@dataclass(frozen=True)
class PackingRules:
    """The weight limit of a carton and the weight of the empty carton."""

    max_weight_kg: Decimal = Decimal(20)
    tare_kg: Decimal = Decimal("0.5")  # the empty carton

    def __post_init__(self) -> None:
        if self.tare_kg < 0:
            raise ValueError(f"the carton tare cannot be negative, got {self.tare_kg} kg")
        if self.max_weight_kg <= self.tare_kg:
            raise ValueError(
                f"the carton weight limit {self.max_weight_kg} kg leaves no room above the "
                f"tare of {self.tare_kg} kg; raise the limit"
            )


@dataclass(frozen=True)
class PackingPlan:
    """The cartons of a shipment and what a person should look at."""

    cartons: tuple[PlannedCarton, ...]
    warnings: tuple[str, ...] = ()


def pack_by_rules(items: Sequence[PackItem], rules: PackingRules) -> PackingPlan:
    """Fill cartons in line order up to the weight limit; lone and too heavy units alone.

    Shared cartons come first, in the order they were filled, then the single-unit cartons
    in line order.
    """
    _refuse_fractions(items)
    warnings = _unknown_weight_warnings(items)
    shared: list[PackItem] = []
    alone: list[PlannedCarton] = []
    for item in (item for item in items if item.quantity > 0):
        too_heavy = _unit_weight(item) + rules.tare_kg > rules.max_weight_kg
        if too_heavy:
            warnings.append(_too_heavy_warning(item, rules))
        if item.ships_alone or too_heavy:
            single = _carton([(_line(item, Decimal(1)), _unit_weight(item))], rules)
            alone.extend(single for _ in range(int(item.quantity)))
        else:
            shared.append(item)
    return PackingPlan((*_fill(shared, rules), *alone), tuple(warnings))


def _fill(items: Sequence[PackItem], rules: PackingRules) -> list[PlannedCarton]:
    """Cartons filled in order, a line split at whole units where the next unit would not fit."""
    cartons: list[PlannedCarton] = []
    current: list[tuple[CartonLine, Decimal]] = []
    room = rules.max_weight_kg - rules.tare_kg
    for item in items:
        weight = _unit_weight(item)
        left = item.quantity
        while left > 0:
            fits = left if weight == 0 else min(left, room // weight)
            if fits == 0:
                cartons.append(_carton(current, rules))
                current, room = [], rules.max_weight_kg - rules.tare_kg
                continue
            current.append((_line(item, fits), weight))
            room -= fits * weight
            left -= fits
    if current:
        cartons.append(_carton(current, rules))
    return cartons


def _carton(contents: Sequence[tuple[CartonLine, Decimal]], rules: PackingRules) -> PlannedCarton:
    """A planned carton of (line, unit weight) pairs, weighed with its tare."""
    weight = rules.tare_kg + sum((line.quantity * unit for line, unit in contents), Decimal(0))
    lines = tuple(line for line, _ in contents)
    return PlannedCarton(lines, weight.quantize(_WEIGHT, ROUND_HALF_UP))


def _line(item: PackItem, quantity: Decimal) -> CartonLine:
    return CartonLine(item.line_id, item.line_number, item.sku, quantity)


def _unit_weight(item: PackItem) -> Decimal:
    return item.unit_weight_kg if item.unit_weight_kg is not None else Decimal(0)


def _describe(item: PackItem) -> str:
    return f"line {item.line_number} (SKU {item.sku})"


def _too_heavy_warning(item: PackItem, rules: PackingRules) -> str:
    gross = _unit_weight(item) + rules.tare_kg
    return (
        f"{_describe(item)}: one unit in its carton weighs {quantity_text(gross)} kg, over the "
        f"{quantity_text(rules.max_weight_kg)} kg carton limit; each of its "
        f"{quantity_text(item.quantity)} units goes alone in its own carton"
    )


def _unknown_weight_warnings(items: Iterable[PackItem]) -> list[str]:
    return [
        f"{_describe(item)} has no weight per unit in the item master; it was counted as 0 kg, "
        "so carton weights are too low: add weight_kg to the item"
        for item in items
        if item.unit_weight_kg is None and item.quantity > 0
    ]


def _refuse_fractions(items: Iterable[PackItem]) -> None:
    issues = [
        Issue(
            "packing.fraction",
            f"{_describe(item)} has {quantity_text(item.quantity)} base units to pack; "
            "expected a whole number of 0 or more",
        )
        for item in items
        if item.quantity < 0 or item.quantity != item.quantity.to_integral_value()
    ]
    if issues:
        raise BusinessRuleError("; ".join(issue.message for issue in issues), issues)


def pack_explicit(
    items: Sequence[PackItem], cartons: Sequence[Mapping[str, Decimal]], rules: PackingRules
) -> PackingPlan:
    """The cartons as a person gave them, checked to add up exactly to the lines to pack."""
    _refuse_fractions(items)
    by_number = _by_line_number(items)
    issues = _carton_problems(cartons, by_number)
    if not issues:
        issues = _total_problems(items, cartons)
    if issues:
        message = "the packing does not add up: " + "; ".join(issue.message for issue in issues)
        raise BusinessRuleError(message, issues)
    planned = tuple(
        _carton([(_line(by_number[n], q), _unit_weight(by_number[n])) for n, q in c.items()], rules)
        for c in cartons
    )
    warnings = _unknown_weight_warnings(items)
    warnings += [
        f"carton {position} weighs {quantity_text(carton.weight_kg)} kg, over the "
        f"{quantity_text(rules.max_weight_kg)} kg carton limit (packed as given)"
        for position, carton in enumerate(planned, start=1)
        if carton.weight_kg > rules.max_weight_kg
    ]
    return PackingPlan(planned, tuple(warnings))


def _by_line_number(items: Sequence[PackItem]) -> dict[str, PackItem]:
    by_number: dict[str, PackItem] = {}
    for item in items:
        if item.line_number in by_number:
            raise ValueError(f"line number {item.line_number} is given twice among the lines")
        by_number[item.line_number] = item
    return by_number


def _carton_problems(
    cartons: Sequence[Mapping[str, Decimal]], by_number: Mapping[str, PackItem]
) -> list[Issue]:
    known = ", ".join(by_number) or "none"
    issues: list[Issue] = []
    if not cartons:
        issues.append(Issue("packing.empty", "no cartons were given"))
    for position, carton in enumerate(cartons, start=1):
        if not carton:
            issues.append(Issue("packing.empty", f"carton {position} has no lines"))
        for number, quantity in carton.items():
            if number not in by_number:
                message = f"carton {position} names line {number}, which is not to be packed"
                issues.append(Issue("packing.unknown_line", f"{message} (lines: {known})"))
            elif quantity <= 0 or quantity != quantity.to_integral_value():
                issues.append(
                    Issue(
                        "packing.quantity",
                        f"carton {position} has {quantity_text(quantity)} of line {number}; "
                        "expected a whole number of base units above 0",
                    )
                )
    return issues


def _total_problems(
    items: Sequence[PackItem], cartons: Sequence[Mapping[str, Decimal]]
) -> list[Issue]:
    issues: list[Issue] = []
    for item in items:
        packed = sum((c.get(item.line_number, Decimal(0)) for c in cartons), Decimal(0))
        if packed == item.quantity:
            continue
        difference = packed - item.quantity
        code, how = ("packing.over", "over") if difference > 0 else ("packing.short", "short")
        message = (
            f"{_describe(item)} is packed {quantity_text(packed)} but "
            f"{quantity_text(item.quantity)} are to be packed ({quantity_text(abs(difference))} "
            f"{how})"
        )
        issues.append(Issue(code, message))
    return issues


def parse_packing(text: str) -> tuple[dict[str, Decimal], ...]:
    """Cartons from the command-line form "1:12,2:6;2:6" (cartons by ";", lines by ",")."""
    cartons: list[dict[str, Decimal]] = []
    for position, carton_text in enumerate(text.split(";"), start=1):
        carton: dict[str, Decimal] = {}
        for entry_position, entry in enumerate(carton_text.split(","), start=1):
            where = f"carton {position}, entry {entry_position}"
            line, colon, quantity = entry.partition(":")
            if not colon or not line.strip():
                raise _problem(
                    f"{where}: expected line:quantity like 1:12, got {entry.strip()!r} "
                    f"(cartons are separated by ';', lines within a carton by ',')",
                    Location(),
                )
            _add(carton, line.strip(), quantity.strip(), where, Location())
        cartons.append(carton)
    return tuple(cartons)


def parse_packing_file(path: Path) -> tuple[dict[str, Decimal], ...]:
    """Cartons from a JSON file ({"cartons": [{"lines": {"1": 12}}]}) or a CSV file."""
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise _problem(
            f"expected a packing file ending in .json or .csv, got {path.name}",
            Location(str(path)),
        )
    try:
        content = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise _problem(
            f"cannot read the packing file: {exc.strerror}", Location(str(path))
        ) from exc
    except UnicodeDecodeError as exc:
        raise _problem("not UTF-8; save the file as UTF-8", Location(str(path))) from exc
    if suffix == ".json":
        return _parse_json(content, str(path))
    return _parse_csv(content, str(path))


def _parse_json(content: str, file: str) -> tuple[dict[str, Decimal], ...]:
    where = Location(file)
    try:
        document = json.loads(content, parse_float=Decimal, parse_int=Decimal)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise _problem(message, where) from exc
    shape = 'expected {"cartons": [{"lines": {"1": 12, "2": 6}}, ...]}'
    cartons = document.get("cartons") if isinstance(document, dict) else None
    if not isinstance(cartons, list) or not cartons:
        raise _problem(f"no list of cartons at the top; {shape}", where)
    parsed: list[dict[str, Decimal]] = []
    for position, carton in enumerate(cartons, start=1):
        lines = carton.get("lines") if isinstance(carton, dict) else None
        if not isinstance(lines, dict) or not lines:
            raise _problem(f"carton {position} has no object of lines; {shape}", where)
        parsed_carton: dict[str, Decimal] = {}
        for line, quantity in lines.items():
            text = quantity if isinstance(quantity, str) else _json_number(quantity)
            _add(parsed_carton, line.strip(), text, f"carton {position}, line {line}", where)
        parsed.append(parsed_carton)
    return tuple(parsed)


def _json_number(value: object) -> str:
    # json.loads gave Decimal for numbers; anything else (true, null, lists) is not a quantity.
    return format(value, "f") if isinstance(value, Decimal) else json.dumps(value)


def _parse_csv(content: str, file: str) -> tuple[dict[str, Decimal], ...]:
    rows = list(csv.reader(io.StringIO(content, newline="")))
    header = tuple(cell.strip().lower() for cell in rows[0]) if rows else ()
    if header != _CSV_HEADER:
        raise _problem(
            f"expected the header {','.join(_CSV_HEADER)}, got {','.join(header) or 'nothing'}",
            Location(file, row=1),
        )
    cartons: dict[str, dict[str, Decimal]] = {}
    for row, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(_CSV_HEADER):
            message = f"expected 3 cells (carton, line, quantity), got {len(cells)}"
            raise _problem(message, Location(file, row=row))
        carton, line, quantity = (cell.strip() for cell in cells)
        for name, cell in (("carton", carton), ("line", line)):
            if not cell:
                raise _problem(f"the {name} is empty", Location(file, row=row, column=name))
        where = f"carton {carton}, line {line}"
        _add(cartons.setdefault(carton, {}), line, quantity, where, Location(file, row=row))
    if not cartons:
        raise _problem("no cartons below the header", Location(file, row=2))
    return tuple(cartons.values())


def _add(
    carton: dict[str, Decimal], line: str, quantity: str, where: str, location: Location
) -> None:
    """Put a line's quantity in a carton being read, refusing bad numbers and repeats."""
    if not line:
        raise _problem(f"{where}: the line number is empty", location)
    if line in carton:
        raise _problem(f"{where}: line {line} is named twice in one carton", location)
    if not _QUANTITY.fullmatch(quantity) or Decimal(quantity) == 0:
        raise _problem(
            f"{where}: expected a quantity of whole base units above 0 like 12, got {quantity!r}",
            location,
        )
    carton[line] = Decimal(quantity)


def _problem(message: str, location: Location) -> BusinessRuleError:
    where = str(location)
    text = f"{where}: {message}" if where else message
    return BusinessRuleError(text, [Issue("packing.syntax", message, location)])
