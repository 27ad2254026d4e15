"""The master data CSV formats: one file per kind, its columns, types and unique keys.

Column names are the field names of the dataclasses in `gateway.orders.masterdata`; a column is
required when its field has no default. Lengths, scales and bounds match the `md_*` tables
(`gateway.store.tables_orders`); the workspace template's `masterdata/README.md` documents them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gateway.orders import masterdata as md
from gateway.orders.masterdata_values import (
    Column,
    Parser,
    boolean,
    choice,
    country,
    currency,
    decimal,
    gln,
    gtin,
    id_scheme,
    integer,
    iso_date,
    scac,
    text,
)

ZERO = Decimal(0)
# Table column sizes (gateway/store/tables_orders.py): ids, names, unit codes.
ID, NAME, CITY, POSTAL, REGION, UOM, CATEGORY = 60, 200, 100, 20, 60, 10, 10

# A check across the cells of one row: the parsed values -> (column, message) problems.
RowCheck = Callable[[Mapping[str, Any]], list[tuple[str, str]]]


@dataclass(frozen=True)
class KindSpec:
    """One kind of master data: its CSV file, columns, record class and unique keys."""

    kind: str
    record: type[Any]
    columns: tuple[Column, ...]
    # Column tuples unique within the file; the first is the key other files refer to.
    keys: tuple[tuple[str, ...], ...] = ()
    row_check: RowCheck | None = None

    @property
    def file_name(self) -> str:
        """The CSV file's name in a master data folder."""
        return f"{self.kind}.csv"

    @property
    def column_names(self) -> tuple[str, ...]:
        """Every column, in the record's field order."""
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> Column | None:
        """The column with this name, or None."""
        return next((c for c in self.columns if c.name == name), None)


def _spec(
    kind: str,
    record: type[Any],
    parsers: Mapping[str, Parser],
    keys: tuple[tuple[str, ...], ...] = (),
    row_check: RowCheck | None = None,
) -> KindSpec:
    columns = tuple(
        Column(f.name, parsers[f.name], required=_has_no_default(f))
        for f in dataclasses.fields(record)
    )
    return KindSpec(kind, record, columns, keys, row_check)


def _has_no_default(f: dataclasses.Field[Any]) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def _valid_dates_in_order(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    start, end = values.get("valid_from"), values.get("valid_to")
    if start is not None and end is not None and start > end:
        return [("valid_to", f"valid_to {end} is before valid_from {start}")]
    return []


_ADDRESS: dict[str, Parser] = {
    "street": text(NAME),
    "city": text(CITY),
    "postal_code": text(POSTAL),
    "region": text(REGION),
    "country": country,
}
_MONEY = decimal(18, 2)
_QUANTITY = decimal(18, 4, minimum=ZERO)

SPECS: tuple[KindSpec, ...] = (
    _spec(
        "customers",
        md.Customer,
        {
            "id": text(ID),
            "name": text(NAME),
            "partner": text(100),
            "status": choice(md.CustomerStatus),
            "currency": currency,
            "credit_limit": decimal(18, 2, minimum=ZERO),
            # May be negative: a credit balance in the customer's favour.
            "open_balance": _MONEY,
            "payment_terms_days": integer(minimum=0),
            "payment_terms_text": text(NAME),
            "tax_exempt": boolean,
            "warehouse": text(ID),
            **_ADDRESS,
        },
        keys=(("id",),),
    ),
    _spec(
        "customer_identifiers",
        md.CustomerIdentifier,
        {"customer": text(ID), "value": text(ID), "scheme": id_scheme},
        keys=(("value", "scheme"),),
    ),
    _spec(
        "ship_tos",
        md.ShipTo,
        {"customer": text(ID), "location": text(ID), "name": text(NAME), **_ADDRESS},
        keys=(("customer", "location"),),
    ),
    _spec(
        "items",
        md.Item,
        {
            "sku": text(ID),
            "description": text(),
            "base_uom": text(UOM),
            "gtin": gtin,
            "weight_kg": decimal(18, 4, minimum=ZERO),
            "tax_category": text(CATEGORY),
            "lead_time_days": integer(minimum=0),
            "active": boolean,
            "ships_alone": boolean,
        },
        keys=(("sku",), ("gtin",)),
    ),
    _spec(
        "item_units",
        md.ItemUnit,
        {"sku": text(ID), "uom": text(UOM), "factor": decimal(18, 6, positive=True)},
        keys=(("sku", "uom"),),
    ),
    _spec(
        "buyer_parts",
        md.BuyerPart,
        {"customer": text(ID), "buyer_part": text(ID), "sku": text(ID)},
        keys=(("customer", "buyer_part"),),
    ),
    _spec(
        "prices",
        md.Price,
        {
            "sku": text(ID),
            "unit_price": decimal(18, 6, minimum=ZERO),
            "currency": currency,
            "customer": text(ID),
            "min_quantity": _QUANTITY,
            "uom": text(UOM),
            "valid_from": iso_date,
            "valid_to": iso_date,
        },
        keys=(("sku", "customer", "currency", "min_quantity", "uom", "valid_from"),),
        row_check=_valid_dates_in_order,
    ),
    _spec(
        "tax_rates",
        md.TaxRate,
        {
            "category": text(CATEGORY),
            "country": country,
            "rate": decimal(7, 4, minimum=ZERO, maximum=Decimal(100)),
            "region": text(REGION),
        },
        keys=(("category", "country", "region"),),
    ),
    _spec(
        "warehouses",
        md.Warehouse,
        {
            "id": text(ID),
            "name": text(NAME),
            "country": country,
            "street": text(NAME),
            "city": text(CITY),
            "postal_code": text(POSTAL),
        },
        keys=(("id",),),
    ),
    _spec("bins", md.Bin, {"warehouse": text(ID), "bin": text(ID)}, keys=(("warehouse", "bin"),)),
    _spec(
        "stock",
        md.StockLevel,
        {"sku": text(ID), "warehouse": text(ID), "bin": text(ID), "on_hand": _QUANTITY},
        keys=(("sku", "warehouse", "bin"),),
    ),
    _spec(
        "replenishments",
        md.Replenishment,
        {
            "sku": text(ID),
            "warehouse": text(ID),
            "quantity": decimal(18, 4, positive=True),
            "expected_date": iso_date,
            "reference": text(ID),
        },
    ),
    _spec(
        "carriers",
        md.Carrier,
        {"id": text(ID), "name": text(NAME), "scac": scac, "gln": gln, "service": text(ID)},
        keys=(("id",),),
    ),
)

# The kinds (CSV file stems) in the order of `MasterData`'s fields and of the README.
MASTERDATA_KINDS: tuple[str, ...] = tuple(spec.kind for spec in SPECS)


def spec_for(kind: str) -> KindSpec:
    """The spec of a kind (a CSV file stem); KeyError for an unknown kind."""
    for spec in SPECS:
        if spec.kind == kind:
            return spec
    raise KeyError(kind)
