"""Master data in the database: a folder's kinds replace their tables whole; reading them back.

`masterdata import` writes in one transaction: each kind whose CSV file is in the folder replaces
that kind's rows (the file is a full export from the ERP), other kinds are left as they are.
Replacing stock levels records a stock movement per bin whose on-hand changed.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar, get_type_hints

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.orm import Session

from gateway.orders.masterdata import MasterData, StockLevel
from gateway.orders.masterdata_csv import (
    MASTERDATA_KINDS,
    KnownKeys,
    MasterDataFiles,
    read_masterdata,
)
from gateway.orders.masterdata_schema import spec_for
from gateway.store.store import Store
from gateway.store.tables import Base
from gateway.store.tables_orders import (
    BinRow,
    BuyerPartRow,
    CarrierRow,
    CustomerIdentifierRow,
    CustomerRow,
    ItemRow,
    ItemUnitRow,
    PriceRow,
    ReplenishmentRow,
    ShipToRow,
    StockLevelRow,
    StockMovementRow,
    TaxRateRow,
    WarehouseRow,
)
from gateway.store.unit_of_work import UnitOfWork

__all__ = [
    "MASTERDATA_KINDS",
    "ImportSummary",
    "import_masterdata",
    "known_keys",
    "load_kind",
    "load_masterdata",
    "write_masterdata",
]

ROW_CLASSES: Mapping[str, type[Base]] = MappingProxyType(
    {
        "customers": CustomerRow,
        "customer_identifiers": CustomerIdentifierRow,
        "ship_tos": ShipToRow,
        "items": ItemRow,
        "item_units": ItemUnitRow,
        "buyer_parts": BuyerPartRow,
        "prices": PriceRow,
        "tax_rates": TaxRateRow,
        "warehouses": WarehouseRow,
        "bins": BinRow,
        "stock": StockLevelRow,
        "replenishments": ReplenishmentRow,
        "carriers": CarrierRow,
    }
)
T = TypeVar("T")
# Rows per INSERT statement when a large export is written.
INSERT_BATCH = 1000
StockKey = tuple[str, str, str]


@dataclass(frozen=True)
class ImportSummary:
    """What an import wrote (or, in a dry run, would write)."""

    folder: Path
    # Rows per kind whose file was in the folder, in MASTERDATA_KINDS order.
    counts: Mapping[str, int]
    # Rows those kinds had before the import.
    previous: Mapping[str, int]
    stock_movements: int
    dry_run: bool = False


def _table(kind: str) -> Table:
    return _table_of(ROW_CLASSES[kind])


def _columns(kind: str) -> list[str]:
    return [f.name for f in dataclasses.fields(spec_for(kind).record)]


def load_kind(session: Session, kind: str) -> list[Any]:
    """Every record of one kind (a MASTERDATA_KINDS name), in key or file order."""
    table = _table(kind)
    names = _columns(kind)
    order = [table.c.id] if "id" in table.c and "id" not in names else list(table.primary_key)
    query = select(*(table.c[name] for name in names)).order_by(*order)
    record = spec_for(kind).record
    return [as_record(record, row) for row in session.execute(query)]


def as_record(cls: type[T], row: object) -> T:
    """A master-data dataclass from its table row (same field names; enums from their values)."""
    record_type: type = cls
    values = {field: getattr(row, field) for field in _field_names(record_type)}
    for field, kind in _enum_fields(record_type).items():
        if values[field] is not None:
            values[field] = kind(values[field])
    return cls(**values)


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(cls))


@functools.cache
def _enum_fields(cls: type) -> dict[str, type[enum.Enum]]:
    hints = get_type_hints(cls)
    return {
        name: kind
        for name, kind in hints.items()
        if isinstance(kind, type) and issubclass(kind, enum.Enum)
    }


def load_masterdata(session: Session) -> MasterData:
    """The whole master data set the database holds."""
    return MasterData(**{kind: tuple(load_kind(session, kind)) for kind in MASTERDATA_KINDS})


def known_keys(session: Session) -> KnownKeys:
    """The keys other files may refer to, as the database holds them."""
    items = session.execute(select(ItemRow.sku, ItemRow.base_uom))
    units = session.execute(select(ItemUnitRow.sku, ItemUnitRow.uom))
    bins = session.execute(select(BinRow.warehouse, BinRow.bin))
    return KnownKeys(
        customers=frozenset(session.scalars(select(CustomerRow.id))),
        items={str(sku): str(uom) for sku, uom in items},
        item_units=frozenset((sku, uom) for sku, uom in units),
        warehouses=frozenset(session.scalars(select(WarehouseRow.id))),
        bins=frozenset((warehouse, name) for warehouse, name in bins),
    )


def import_masterdata(
    store: Store, folder: Path, actor: str, dry_run: bool = False
) -> ImportSummary:
    """Check a folder's CSV files and replace the kinds present, all or nothing.

    Raises MasterDataError with every problem found; then nothing is written. A dry run checks
    and counts without writing.
    """
    with store.read() as session:
        known = known_keys(session)
    files = read_masterdata(folder, known)
    if dry_run:
        with store.read() as session:
            return _summary(session, files, len(stock_changes(session, files)), dry_run=True)
    with store.unit_of_work() as uow:
        return write_masterdata(uow, files, actor)


def write_masterdata(uow: UnitOfWork, files: MasterDataFiles, actor: str) -> ImportSummary:
    """Replace each kind present in `files` inside the unit of work's transaction."""
    session = uow.session
    changes = stock_changes(session, files)
    summary = _summary(session, files, len(changes), dry_run=False)
    for kind in files.present:
        _replace(session, kind, files.records(kind))
    reason = f"master data import {files.folder.name}"
    movements = [
        {"at": uow.now(), "actor": actor, "kind": "import", "sku": sku, "warehouse": warehouse,
         "bin": bin_, "quantity": delta, "reference": None, "reason": reason}
        for (sku, warehouse, bin_), delta in changes
    ]  # fmt: skip
    _insert(session, _table_of(StockMovementRow), movements)
    return summary


def _summary(
    session: Session, files: MasterDataFiles, movements: int, dry_run: bool
) -> ImportSummary:
    counts = {kind: len(files.records(kind)) for kind in files.present}
    previous = {kind: _count(session, kind) for kind in files.present}
    return ImportSummary(files.folder, counts, previous, movements, dry_run)


def _count(session: Session, kind: str) -> int:
    return int(session.scalar(select(func.count()).select_from(_table(kind))) or 0)


def stock_changes(session: Session, files: MasterDataFiles) -> list[tuple[StockKey, Decimal]]:
    """The signed on-hand change per bin that replacing stock levels makes (none without stock)."""
    if "stock" not in files.present:
        return []
    old = {
        (row.sku, row.warehouse, row.bin): row.on_hand
        for row in session.execute(select(_table_of(StockLevelRow)))
    }
    new: dict[StockKey, Decimal] = {}
    level: StockLevel
    for level in files.records("stock"):
        new[(level.sku, level.warehouse, level.bin)] = level.on_hand
    changes = []
    for key in sorted(old.keys() | new.keys()):
        delta = new.get(key, Decimal(0)) - old.get(key, Decimal(0))
        if delta:
            changes.append((key, delta))
    return changes


def _replace(session: Session, kind: str, records: Sequence[Any]) -> None:
    table = _table(kind)
    session.execute(delete(table))
    _insert(session, table, [_row_values(record) for record in records])


def _row_values(record: Any) -> dict[str, Any]:
    values = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
    return {k: v.value if isinstance(v, enum.Enum) else v for k, v in values.items()}


def _insert(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    for start in range(0, len(rows), INSERT_BATCH):
        session.execute(insert(table), list(rows[start : start + INSERT_BATCH]))


def _table_of(row_class: type[Base]) -> Table:
    table = row_class.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{row_class.__name__} is not mapped to a table")
    return table
