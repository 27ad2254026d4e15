"""The JSON form of warehouse confirmations: `{"confirmations": [{"event": ...}, ...]}`.

Quantities and weights may be JSON numbers or strings (numbers are read exactly, as decimals);
every other value is a string. An unknown key is refused, and so is a key written twice in one
object. Problems are placed by JSON path (`$.confirmations[2].lines[0].quantity`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType

from gateway.config_values import suggest
from gateway.errors import Location
from gateway.fulfilment.warehouse_confirmations import (
    CARRIER,
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
    Field,
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
    shown,
)
from gateway.orders.masterdata_values import CellError

TOP_KEYS = ("confirmations",)
# The keys each event has besides event and shipment.
EVENT_KEYS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "picked": ("lines",),
        "packed": ("cartons",),
        "shipped": ("carrier", "service", "tracking", "date", "weight_kg"),
        "delivered": ("date", "received_by", "note"),
    }
)
LINE_KEYS = ("line", "quantity")
CARTON_KEYS = ("weight_kg", "sscc", "lines")


class _JsonObject(dict[str, object]):
    """A JSON object that remembers the keys written more than once in it."""

    repeated: tuple[str, ...] = ()


def _object_pairs(pairs: list[tuple[str, object]]) -> _JsonObject:
    found = _JsonObject(pairs)
    counts = Counter(key for key, _ in pairs)
    found.repeated = tuple(key for key, count in counts.items() if count > 1)
    return found


def read_json(text: str, problems: Problems) -> list[Confirmation]:
    """The confirmations of a decoded JSON file, in file order; every problem is noted."""
    before = len(problems.issues)
    document = _parse(text, problems)
    top = _object(document, "$", problems) if len(problems.issues) == before else None
    if top is None:
        return []
    _unknown_keys(top, "$", TOP_KEYS, "the file", problems)
    items = _list(top.get("confirmations"), "$.confirmations", problems, "the file")
    confirmations: list[Confirmation] = []
    seen = FirstSeen()
    for index, item in enumerate(items or ()):
        path = f"$.confirmations[{index}]"
        confirmation = _confirmation(item, path, problems, seen)
        if confirmation is not None:
            note_repeat(confirmation, problems.path(path), seen, problems)
            confirmations.append(confirmation)
    return confirmations


def _parse(text: str, problems: Problems) -> object:
    """The parsed document, or None with the problem noted."""
    try:
        return json.loads(
            text, parse_float=Decimal, parse_int=Decimal, object_pairs_hook=_object_pairs
        )
    except json.JSONDecodeError as exc:
        offset = problems.bom_length + len(text[: exc.pos].encode("utf-8"))
        message = f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        problems.add("json", message, problems.offset(offset))
    except RecursionError:
        problems.add("json", "not readable as JSON: nested too deeply", problems.path("$"))
    return None


def _key_path(path: str, key: str) -> str:
    return f"{path}.{key}" if key.isidentifier() else f"{path}[{json.dumps(key)}]"


def _locator(path: str, problems: Problems) -> Callable[[str], Location]:
    return lambda key: problems.path(_key_path(path, key))


def _object(value: object, path: str, problems: Problems) -> Mapping[str, object] | None:
    """The value as a JSON object, or None when it is not one; a key written twice is noted."""
    if not isinstance(value, dict):
        message = f"expected an object {{...}}, got {shown(value)}"
        problems.add("structure", message, problems.path(path), shown(value))
        return None
    for key in getattr(value, "repeated", ()):
        message = f"the key {key} is written twice in this object; write it once"
        problems.add("repeated", message, problems.path(_key_path(path, key)))
    return value


def _unknown_keys(
    found: Mapping[str, object], path: str, keys: Sequence[str], what: str, problems: Problems
) -> None:
    for key in found:
        if key not in keys:
            message = f"unknown key {key!r}{suggest(key, keys)}; {what} has the keys "
            problems.add(
                "unknown_key", message + ", ".join(keys), problems.path(_key_path(path, key))
            )


def _list(value: object, path: str, problems: Problems, needed_by: str) -> list[object] | None:
    """A list that must hold at least one entry, or None with the problem noted."""
    name = path.rsplit(".", 1)[-1]
    if value is None:
        message = f"{name} is missing: {needed_by} needs it"
        problems.add("required", message, problems.path(path))
        return None
    if not isinstance(value, list):
        message = f"expected a list [...], got {shown(value)}"
        problems.add("structure", message, problems.path(path), shown(value))
        return None
    if not value:
        message = f"{name} is empty: {needed_by} needs at least one entry"
        problems.add("empty", message, problems.path(path))
        return None
    return value


def _confirmation(
    value: object, path: str, problems: Problems, seen: FirstSeen
) -> Confirmation | None:
    """One confirmation object, or None when something in it is wrong (noted)."""
    found = _object(value, path, problems)
    if found is None:
        return None
    event = _event(found, path, problems)
    shipment = FieldReader(found, _locator(path, problems), problems, "a confirmation").required(
        SHIPMENT
    )
    keys = ("event", "shipment", *(EVENT_KEYS[event] if event else _all_keys()))
    _unknown_keys(
        found, path, keys, f"a {event} confirmation" if event else "a confirmation", problems
    )
    if event is None or shipment is None:
        return None
    where = f"{problems.file} {path}"
    if event == "picked":
        lines = _lines(
            found.get("lines"), f"{path}.lines", problems, "a picked confirmation", PICKED_QUANTITY
        )
        return None if lines is None else Picked(shipment, lines, where)
    if event == "packed":
        cartons = _cartons(found.get("cartons"), f"{path}.cartons", problems, seen)
        return None if cartons is None else Packed(shipment, cartons, where)
    reader = FieldReader(found, _locator(path, problems), problems, f"a {event} confirmation")
    if event == "shipped":
        return _shipped(reader, shipment, where)
    return _delivered(reader, shipment, where)


def _all_keys() -> tuple[str, ...]:
    return tuple(dict.fromkeys(key for keys in EVENT_KEYS.values() for key in keys))


def _event(found: Mapping[str, object], path: str, problems: Problems) -> str | None:
    raw = found.get("event")
    where = problems.path(f"{path}.event")
    if raw is None:
        message = "event is missing: a confirmation needs it (picked, packed, shipped or delivered)"
        problems.add("required", message, where)
        return None
    try:
        return parse_event(raw)
    except CellError as exc:
        problems.add("unknown_event", str(exc), where, shown(raw))
        return None


def _lines(
    value: object, path: str, problems: Problems, needed_by: str, quantity_field: Field[Decimal]
) -> tuple[PickedLine, ...] | None:
    """The lines of a picked confirmation or carton; None when any is wrong (noted)."""
    items = _list(value, path, problems, needed_by)
    if items is None:
        return None
    before = len(problems.issues)
    seen = FirstSeen()
    lines: list[PickedLine] = []
    for index, item in enumerate(items):
        entry = f"{path}[{index}]"
        found = _object(item, entry, problems)
        if found is None:
            continue
        _unknown_keys(found, entry, LINE_KEYS, "a line", problems)
        reader = FieldReader(found, _locator(entry, problems), problems, "a line")
        line, quantity = reader.required(LINE), reader.required(quantity_field)
        if line is None or quantity is None:
            continue
        earlier = seen.earlier(line, entry)
        if earlier is not None:
            message = f"line {line} is listed twice (also at {earlier}); list it once"
            problems.add("repeated", message, problems.path(f"{entry}.line"), line)
        lines.append(PickedLine(line, quantity))
    return tuple(lines) if len(problems.issues) == before else None


def _cartons(
    value: object, path: str, problems: Problems, seen: FirstSeen
) -> tuple[PackedCarton, ...] | None:
    """The cartons of a packed confirmation; None when any is wrong (noted)."""
    items = _list(value, path, problems, "a packed confirmation")
    if items is None:
        return None
    before = len(problems.issues)
    cartons: list[PackedCarton] = []
    for index, item in enumerate(items):
        entry = f"{path}[{index}]"
        found = _object(item, entry, problems)
        if found is None:
            continue
        _unknown_keys(found, entry, CARTON_KEYS, "a carton", problems)
        reader = FieldReader(found, _locator(entry, problems), problems, "a carton")
        weight, sscc = reader.optional(WEIGHT), reader.optional(SSCC)
        if sscc is not None:
            where = problems.path(f"{entry}.sscc")
            note_sscc_repeat(sscc, f"{entry}.sscc", where, seen, problems)
        lines = _lines(found.get("lines"), f"{entry}.lines", problems, "a carton", QUANTITY)
        if lines is not None:
            cartons.append(PackedCarton(lines, weight, sscc))
    return tuple(cartons) if len(problems.issues) == before else None


def _shipped(reader: FieldReader, shipment: str, where: str) -> Shipped | None:
    carrier, tracking = reader.required(CARRIER), reader.required(TRACKING)
    service, ship_date = reader.optional(SERVICE), reader.optional(DATE)
    weight = reader.optional(WEIGHT)
    if carrier is None or tracking is None or reader.failed:
        return None
    return Shipped(shipment, carrier, tracking, where, service, ship_date, weight)


def _delivered(reader: FieldReader, shipment: str, where: str) -> Delivered | None:
    delivered_on = reader.required(DATE)
    received_by, note = reader.optional(RECEIVED_BY), reader.optional(NOTE)
    if delivered_on is None or reader.failed:
        return None
    return Delivered(shipment, delivered_on, where, received_by, note)
