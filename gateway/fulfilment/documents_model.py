"""What the printable warehouse documents show: pick lists and shipping labels, as plain values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class Address:
    """A ship-from (our warehouse) or ship-to (the customer's location) name and address."""

    name: str
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    country: str | None = None
    gln: str | None = None


@dataclass(frozen=True)
class PickLine:
    """One quantity of one item to take from one bin for one order line."""

    warehouse: str
    bin: str
    sku: str
    description: str
    quantity: Decimal
    uom: str
    order_number: str
    line_number: str
    shipment_number: str
    gtin: str | None = None


@dataclass(frozen=True)
class PickList:
    """A numbered list of pick lines released to the warehouse together."""

    number: str
    created_at: datetime
    lines: tuple[PickLine, ...]
    warehouse_names: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LabelContent:
    """One item packed in a carton, as listed on its label."""

    sku: str
    description: str
    quantity: Decimal
    uom: str
    gtin: str | None = None


@dataclass(frozen=True)
class ShippingLabel:
    """Everything printed on one carton's label, identified by its SSCC (GS1 AI 00)."""

    sscc: str
    ship_from: Address
    ship_to: Address
    order_number: str
    shipment_number: str
    carton_index: int
    carton_count: int
    ship_date: date | None = None
    carrier_name: str | None = None
    service: str | None = None
    tracking_number: str | None = None
    weight_kg: Decimal | None = None
    contents: tuple[LabelContent, ...] = ()
