"""Checks across rows and files of a master data folder: duplicate keys and references.

Both are pure functions over what was read and the keys the database already holds
(`KnownKeys`): a reference is satisfied by the file of its kind in the same folder, or, when
that file is not in the folder, by the database.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gateway.errors import Issue, Location
from gateway.orders.masterdata_schema import KindSpec

# (kind, columns, kind referred to): the columns must name a key of that kind.
REFERENCES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("customers", ("warehouse",), "warehouses"),
    ("customer_identifiers", ("customer",), "customers"),
    ("ship_tos", ("customer",), "customers"),
    ("item_units", ("sku",), "items"),
    ("buyer_parts", ("customer",), "customers"),
    ("buyer_parts", ("sku",), "items"),
    ("prices", ("sku",), "items"),
    ("prices", ("customer",), "customers"),
    ("bins", ("warehouse",), "warehouses"),
    ("stock", ("sku",), "items"),
    ("stock", ("warehouse",), "warehouses"),
    # Checked only when the warehouse itself is known, so one mistake is one issue.
    ("stock", ("warehouse", "bin"), "bins"),
    ("replenishments", ("sku",), "items"),
    ("replenishments", ("warehouse",), "warehouses"),
)
_NOUNS = {"customers": "customer", "items": "item", "warehouses": "warehouse", "bins": "bin"}


@dataclass(frozen=True)
class KnownKeys:
    """What the database holds of the kinds other files refer to (the store fills it)."""

    customers: frozenset[str] = frozenset()
    # sku -> base unit of measure
    items: Mapping[str, str] = field(default_factory=dict)
    # (sku, uom) of every item unit
    item_units: frozenset[tuple[str, str]] = frozenset()
    warehouses: frozenset[str] = frozenset()
    # (warehouse, bin)
    bins: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class ReadFile:
    """One CSV file as read: its records with their row numbers, and what went wrong."""

    spec: KindSpec
    records: tuple[Any, ...] = ()
    rows: tuple[int, ...] = ()
    # (row, the first key's raw cells) of rows that could not be read: still known to other
    # files, and still a duplicate of a later row with the same key.
    loose_rows: tuple[tuple[int, tuple[str, ...]], ...] = ()
    # False when the header lacks a column of the first key: nothing can be said of references.
    keys_readable: bool = True
    issues: tuple[Issue, ...] = ()

    @property
    def loose_keys(self) -> frozenset[tuple[str, ...]]:
        """The first key of every row that could not be read."""
        return frozenset(key for _, key in self.loose_rows)

    def location(self, row: int, column: str | None) -> Location:
        """A row and column of this file."""
        return Location(file=self.spec.file_name, row=row, column=column)


def _key(record: Any, columns: Sequence[str]) -> tuple[Any, ...]:
    return tuple(getattr(record, column) for column in columns)


def _shown(key: tuple[Any, ...]) -> str:
    return ", ".join("(empty)" if part is None else str(part) for part in key)


def check_duplicates(read: ReadFile) -> list[Issue]:
    """Every row whose key (any of the file's unique keys) an earlier row already has."""
    issues: list[Issue] = []
    for number, columns in enumerate(read.spec.keys):
        pairs = zip(read.rows, read.records, strict=True)
        keyed = [(row, _key(record, columns)) for row, record in pairs]
        if number == 0:
            keyed = sorted([*keyed, *read.loose_rows])
        first_row: dict[tuple[Any, ...], int] = {}
        for row, key in keyed:
            if len(columns) == 1 and key[0] is None:
                continue  # an optional unique column (items.gtin) left empty
            if key in first_row:
                issues.append(_duplicate(read, row, columns, key, first_row[key]))
            else:
                first_row[key] = row
    return issues


def _duplicate(
    read: ReadFile, row: int, columns: Sequence[str], key: tuple[Any, ...], earlier: int
) -> Issue:
    named = columns[0] if len(columns) == 1 else f"({', '.join(columns)})"
    message = f"duplicate {named} {_shown(key)}: row {earlier} has it already"
    return Issue("masterdata.duplicate", message, read.location(row, columns[0]))


@dataclass(frozen=True)
class _Universe:
    """The keys references may name: from the folder's files, else from the database."""

    keys: Mapping[str, frozenset[tuple[str, ...]]]
    base_units: Mapping[str, str]
    units: frozenset[tuple[str, str]]
    present: frozenset[str]
    # Kinds whose file could not be read far enough to know its keys: not checked against.
    unreadable: frozenset[str]


def _universe(files: Mapping[str, ReadFile], known: KnownKeys) -> _Universe:
    keys: dict[str, frozenset[tuple[str, ...]]] = {
        "customers": frozenset((c,) for c in known.customers),
        "items": frozenset((s,) for s in known.items),
        "warehouses": frozenset((w,) for w in known.warehouses),
        "bins": frozenset(known.bins),
    }
    base_units = dict(known.items)
    units = set(known.item_units)
    for kind in keys:
        if kind in files:
            read = files[kind]
            keys[kind] = frozenset(_key(r, read.spec.keys[0]) for r in read.records)
            keys[kind] |= read.loose_keys
    if "items" in files:
        base_units = {r.sku: r.base_uom for r in files["items"].records}
    if "item_units" in files:
        units = {(r.sku, r.uom) for r in files["item_units"].records}
        units |= {(k[0], k[1]) for k in files["item_units"].loose_keys}
    unreadable = frozenset(kind for kind, read in files.items() if not read.keys_readable)
    return _Universe(keys, base_units, frozenset(units), frozenset(files), unreadable)


def check_references(files: Iterable[ReadFile], known: KnownKeys) -> list[Issue]:
    """Every cell naming a customer, item, warehouse or bin that neither folder nor database has."""
    by_kind = {read.spec.kind: read for read in files}
    universe = _universe(by_kind, known)
    issues: list[Issue] = []
    for read in by_kind.values():
        for record, row in zip(read.records, read.rows, strict=True):
            issues += _record_references(read, record, row, universe)
            issues += _unit_checks(read, record, row, universe)
    return issues


def _record_references(read: ReadFile, record: Any, row: int, universe: _Universe) -> list[Issue]:
    issues: list[Issue] = []
    failed: set[str] = set()
    for kind, columns, target in REFERENCES:
        if kind != read.spec.kind or target in universe.unreadable or failed & set(columns):
            continue
        key = _key(record, columns)
        if None in key or key in universe.keys[target]:
            continue
        failed.update(columns)
        message = _unknown_reference(target, key, universe)
        location = read.location(row, columns[-1])
        issues.append(Issue("masterdata.reference", message, location, value=key[-1]))
    return issues


def _unknown_reference(target: str, key: tuple[str, ...], universe: _Universe) -> str:
    file_name = f"{target}.csv"
    noun = _NOUNS[target]
    what = f"bin {key[1]} of warehouse {key[0]}" if target == "bins" else f"{noun} {key[0]}"
    if target in universe.present:
        where = f"not in {file_name}"
    else:
        where = f"not in the database ({file_name} is not in this folder)"
    candidates = [_shown(k) for k in universe.keys[target]]
    close = difflib.get_close_matches(_shown(key), candidates, n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    return f"unknown {what}: {where}{hint}"


def _unit_checks(read: ReadFile, record: Any, row: int, universe: _Universe) -> list[Issue]:
    kind = read.spec.kind
    if kind == "item_units":
        base = universe.base_units.get(record.sku)
        if base is not None and record.uom == base:
            message = (
                f"{record.uom} is the base unit of {record.sku}; item_units.csv lists the "
                f"other units it is ordered in"
            )
            return [Issue("masterdata.unit", message, read.location(row, "uom"), value=record.uom)]
    if kind == "prices" and record.uom is not None:
        return _price_unit(read, record, row, universe)
    return []


def _price_unit(read: ReadFile, record: Any, row: int, universe: _Universe) -> list[Issue]:
    base = universe.base_units.get(record.sku)
    if base is None or "item_units" in universe.unreadable or record.uom == base:
        return []  # an unknown item is reported once, as a reference
    if (record.sku, record.uom) in universe.units:
        return []
    others = sorted(uom for sku, uom in universe.units if sku == record.sku)
    allowed = ", ".join([base, *others])
    message = f"{record.sku} has no unit {record.uom}: expected one of {allowed}"
    return [Issue("masterdata.unit", message, read.location(row, "uom"), value=record.uom)]
