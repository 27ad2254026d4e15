"""What the order checks look up: customers, ship-tos, items, units and prices.

`Catalog` is the read port; `MemoryCatalog` serves it from a `MasterData` value (unit tests, and
anyone who holds master data in memory); the embedded engine serves it from the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

from gateway.orders.masterdata import Customer, Item, MasterData, Price, ShipTo

# Units that all mean "one piece": UN/ECE Recommendation 20 H87 (piece) and C62 (one), the
# X12 355 code EA (each) and the EANCOM code PCE. An item kept in any of them accepts the others.
PIECE_UNITS = frozenset({"EA", "PCE", "H87", "C62", "PC", "EACH"})


def normalise_gtin(value: str | None) -> str | None:
    """A GTIN-8/12/13/14 as 14 digits (GS1: leading zeros pad to GTIN-14); None if not digits."""
    if value is None:
        return None
    digits = value.strip()
    if not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
        return None
    return digits.zfill(14)


def same_unit(a: str, b: str) -> bool:
    """Whether two unit codes name the same unit (identical, or both a piece)."""
    a, b = a.strip().upper(), b.strip().upper()
    return a == b or (a in PIECE_UNITS and b in PIECE_UNITS)


class Catalog(Protocol):
    """Read access to the master data one order needs."""

    def customer_by_identifier(self, value: str, scheme: str | None) -> Customer | None:
        """The customer known by this identifier (an identifier without scheme matches any)."""
        ...

    def customers_of_partner(self, partner: str) -> Sequence[Customer]:
        """The customers whose orders come through this trading partner."""
        ...

    def customer(self, customer_id: str) -> Customer | None:
        """The customer with this id."""
        ...

    def ship_to(self, customer_id: str, location: str) -> ShipTo | None:
        """The customer's delivery location with this identifier."""
        ...

    def item_by_gtin(self, gtin14: str) -> Item | None:
        """The item with this GTIN (14 digits)."""
        ...

    def item_by_buyer_part(self, customer_id: str, buyer_part: str) -> Item | None:
        """The item the customer calls by this article number."""
        ...

    def item(self, sku: str) -> Item | None:
        """The item with this SKU."""
        ...

    def unit_factor(self, sku: str, uom: str) -> Decimal | None:
        """Base units in one `uom` of the item (1 for its base unit); None if not sold so."""
        ...

    def prices(self, sku: str, customer_id: str | None) -> Sequence[Price]:
        """The price rows that may apply: the customer's list and the default list."""
        ...


class MemoryCatalog:
    """A Catalog over a MasterData value."""

    def __init__(self, data: MasterData) -> None:
        self._data = data
        self._customers = {c.id: c for c in data.customers}
        self._items = {i.sku: i for i in data.items}
        self._by_gtin = {i.gtin: i for i in data.items if i.gtin}

    def customer_by_identifier(self, value: str, scheme: str | None) -> Customer | None:
        """The customer known by this identifier."""
        for ident in self._data.customer_identifiers:
            if ident.value == value and (ident.scheme is None or scheme in (None, ident.scheme)):
                return self._customers.get(ident.customer)
        return None

    def customers_of_partner(self, partner: str) -> Sequence[Customer]:
        """The customers of a trading partner."""
        return [c for c in self._data.customers if c.partner == partner]

    def customer(self, customer_id: str) -> Customer | None:
        """The customer with this id."""
        return self._customers.get(customer_id)

    def ship_to(self, customer_id: str, location: str) -> ShipTo | None:
        """The customer's delivery location."""
        for ship_to in self._data.ship_tos:
            if (ship_to.customer, ship_to.location) == (customer_id, location):
                return ship_to
        return None

    def item_by_gtin(self, gtin14: str) -> Item | None:
        """The item with this GTIN."""
        return self._by_gtin.get(gtin14)

    def item_by_buyer_part(self, customer_id: str, buyer_part: str) -> Item | None:
        """The item the customer calls by this article number."""
        for part in self._data.buyer_parts:
            if (part.customer, part.buyer_part) == (customer_id, buyer_part):
                return self._items.get(part.sku)
        return None

    def item(self, sku: str) -> Item | None:
        """The item with this SKU."""
        return self._items.get(sku)

    def unit_factor(self, sku: str, uom: str) -> Decimal | None:
        """Base units in one `uom` of the item."""
        item = self._items.get(sku)
        if item is None:
            return None
        if same_unit(uom, item.base_uom):
            return Decimal(1)
        for unit in self._data.item_units:
            if unit.sku == sku and same_unit(unit.uom, uom):
                return unit.factor
        return None

    def prices(self, sku: str, customer_id: str | None) -> Sequence[Price]:
        """The customer's and the default price rows of an item."""
        return [p for p in self._data.prices if p.sku == sku and p.customer in (None, customer_id)]
