"""Master data the order engine decides with: customers, items, prices, taxes, stock, carriers.

Quantities are in the item's base unit unless a field says otherwise; money is Decimal in the
customer's or price list's currency.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


class CustomerStatus(enum.StrEnum):
    """Whether a customer may order: a blocked customer's orders are held for review."""

    ACTIVE = "active"
    BLOCKED = "blocked"


@dataclass(frozen=True)
class Customer:
    """A buying company: who it is, where it is billed, its terms and credit."""

    id: str
    name: str
    # The trading partner (config/partners/<id>.toml) whose files carry this customer's orders.
    partner: str | None = None
    status: CustomerStatus = CustomerStatus.ACTIVE
    currency: str | None = None
    # None: no credit check. Zero: every order on credit is held.
    credit_limit: Decimal | None = None
    # Invoices open in accounting that the gateway did not issue (counted against the limit).
    open_balance: Decimal = Decimal(0)
    payment_terms_days: int | None = None
    payment_terms_text: str | None = None
    tax_exempt: bool = False
    # The warehouse that serves this customer; None: the first warehouse.
    warehouse: str | None = None
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class CustomerIdentifier:
    """An identifier a partner uses for the customer (a GLN, DUNS or the buyer's own code)."""

    customer: str
    value: str
    # An IdScheme value (GLN, DUNS, buyer, ...); None matches an identifier of any scheme.
    scheme: str | None = None


@dataclass(frozen=True)
class ShipTo:
    """A delivery location of a customer, by the identifier the buyer gives it."""

    customer: str
    location: str
    name: str | None = None
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Item:
    """A sellable item (SKU), its GTIN, base unit and what pricing, tax and dates need."""

    sku: str
    description: str
    # UN/ECE Recommendation 20 code of the unit stock is kept in (EA, KGM, ...).
    base_uom: str = "EA"
    gtin: str | None = None  # stored as 14 digits (GTIN-8/12/13 padded with leading zeros)
    weight_kg: Decimal | None = None  # per base unit
    tax_category: str = "S"  # UNCL 5305: S standard, AA reduced, Z zero, E exempt
    # Days from order to delivery when the item is in stock.
    lead_time_days: int = 0
    active: bool = True
    # Packed one unit per carton, never with anything else (bulky or fragile goods).
    ships_alone: bool = False


@dataclass(frozen=True)
class ItemUnit:
    """Another unit an item is ordered in, as a number of base units (a case of 12: CS, 12)."""

    sku: str
    uom: str
    factor: Decimal


@dataclass(frozen=True)
class BuyerPart:
    """The customer's own article number for one of our items (X12 PO1 BP, EDIFACT PIA IN)."""

    customer: str
    buyer_part: str
    sku: str


@dataclass(frozen=True)
class Price:
    """A unit price of an item in one price list, from a minimum quantity, within dates.

    `customer` None is the default price list. The price is per `uom` (the base unit when None);
    the best applicable row is the customer's over the default, then the highest
    `min_quantity` not above the ordered quantity.
    """

    sku: str
    unit_price: Decimal
    currency: str
    customer: str | None = None
    min_quantity: Decimal = Decimal(0)
    uom: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True)
class TaxRate:
    """A tax rate by category and ship-to country (and region, e.g. a US state, or any)."""

    category: str
    country: str
    rate: Decimal  # percent, e.g. 19.00
    region: str | None = None


@dataclass(frozen=True)
class Warehouse:
    """A place stock is kept and shipped from."""

    id: str
    name: str
    country: str | None = None
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None


@dataclass(frozen=True)
class Bin:
    """A storage location inside a warehouse."""

    warehouse: str
    bin: str


@dataclass(frozen=True)
class StockLevel:
    """What is on hand of an item in one bin, in base units."""

    sku: str
    warehouse: str
    bin: str
    on_hand: Decimal


@dataclass(frozen=True)
class Replenishment:
    """Stock expected to arrive in a warehouse on a date (a purchase or production order)."""

    sku: str
    warehouse: str
    quantity: Decimal
    expected_date: date
    reference: str | None = None


@dataclass(frozen=True)
class Carrier:
    """A carrier we ship with, by our id, its SCAC (X12 TD503) and GLN where it has them."""

    id: str
    name: str
    scac: str | None = None
    gln: str | None = None
    service: str | None = None


@dataclass(frozen=True)
class MasterData:
    """One complete set of master data, as read from the CSV files of a folder."""

    customers: tuple[Customer, ...] = ()
    customer_identifiers: tuple[CustomerIdentifier, ...] = ()
    ship_tos: tuple[ShipTo, ...] = ()
    items: tuple[Item, ...] = ()
    item_units: tuple[ItemUnit, ...] = ()
    buyer_parts: tuple[BuyerPart, ...] = ()
    prices: tuple[Price, ...] = ()
    tax_rates: tuple[TaxRate, ...] = ()
    warehouses: tuple[Warehouse, ...] = ()
    bins: tuple[Bin, ...] = ()
    stock: tuple[StockLevel, ...] = ()
    replenishments: tuple[Replenishment, ...] = ()
    carriers: tuple[Carrier, ...] = ()
