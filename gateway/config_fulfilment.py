"""The gateway.toml sections of fulfilment: who we are as a shipper, the warehouse, accounting."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from gateway.config_values import Table

FULFILMENT_KEYS: dict[str, tuple[str, ...]] = {
    "company": (
        "name",
        "gln",
        "gs1_company_prefix",
        "sscc_extension",
        "tax_id",
        "street",
        "city",
        "postal_code",
        "country",
    ),
    "fulfilment": (
        "demo",
        "warehouse_inbox",
        "warehouse_outbox",
        "max_carton_weight_kg",
        "carton_tare_kg",
        "default_carrier",
    ),
    "accounting": ("receivable", "revenue", "freight", "tax"),
}
_DIGITS = re.compile(r"^\d+$")


@dataclass(frozen=True)
class Company:
    """We as seller and shipper: name, GLN, address, VAT number, and the GS1 prefix for SSCCs."""

    name: str = "Example Supplies NV"
    gln: str | None = "5412345000013"
    # The GS1 company prefix (7 to 10 digits) that SSCC-18s are built from (GS1 GenSpecs 2.2.1),
    # and the extension digit in front of it.
    gs1_company_prefix: str = "5412345"
    sscc_extension: int = 0
    tax_id: str | None = "BE0123456789"
    street: str | None = "Rue de l'Industrie 10"
    city: str | None = "Brussels"
    postal_code: str | None = "1000"
    country: str | None = "BE"


@dataclass(frozen=True)
class FulfilmentSettings:
    """The warehouse's folders, packing rules, carrier default and the demo mode."""

    warehouse_inbox: Path
    warehouse_outbox: Path
    demo: bool = False
    max_carton_weight_kg: Decimal = Decimal(20)
    carton_tare_kg: Decimal = Decimal("0.5")
    default_carrier: str | None = "DHL"

    @property
    def warehouse_failed(self) -> Path:
        """Where a warehouse file that cannot be applied is put, with its errors beside it."""
        return self.warehouse_inbox.parent / "failed"


@dataclass(frozen=True)
class Accounts:
    """Ledger accounts of the accounting export (the journal of invoices)."""

    receivable: str = "1200"
    revenue: str = "4000"
    freight: str = "4100"
    tax: str = "2200"


def default_fulfilment(workspace: Path) -> FulfilmentSettings:
    """Fulfilment settings when gateway.toml says nothing."""
    return FulfilmentSettings(workspace / "warehouse" / "in", workspace / "warehouse" / "out")


def read_company(table: Table) -> Company:
    """The [company] section; the GS1 prefix must be 7 to 10 digits."""
    defaults = Company()
    prefix = table.text("gs1_company_prefix", defaults.gs1_company_prefix).strip()
    if not _DIGITS.match(prefix) or not 7 <= len(prefix) <= 10:
        table.problem(
            "gs1_company_prefix", f"{prefix!r} is not a GS1 company prefix of 7-10 digits"
        )
    extension = table.integer("sscc_extension", 0, minimum=0)
    if extension > 9:
        table.problem("sscc_extension", f"{extension} is not one digit (0-9)")
    return Company(
        name=table.text("name", defaults.name).strip() or defaults.name,
        gln=_optional(table, "gln", defaults.gln),
        gs1_company_prefix=prefix,
        sscc_extension=min(extension, 9),
        tax_id=_optional(table, "tax_id", defaults.tax_id),
        street=_optional(table, "street", defaults.street),
        city=_optional(table, "city", defaults.city),
        postal_code=_optional(table, "postal_code", defaults.postal_code),
        country=_optional(table, "country", defaults.country),
    )


def read_fulfilment(table: Table, workspace: Path) -> FulfilmentSettings:
    """The [fulfilment] section."""
    defaults = default_fulfilment(workspace)
    return FulfilmentSettings(
        warehouse_inbox=_path(table, "warehouse_inbox", defaults.warehouse_inbox, workspace),
        warehouse_outbox=_path(table, "warehouse_outbox", defaults.warehouse_outbox, workspace),
        demo=table.boolean("demo", False),
        max_carton_weight_kg=_weight(table, "max_carton_weight_kg", defaults.max_carton_weight_kg),
        carton_tare_kg=_weight(table, "carton_tare_kg", defaults.carton_tare_kg, empty_ok=True),
        default_carrier=_optional(table, "default_carrier", defaults.default_carrier),
    )


def read_accounts(table: Table) -> Accounts:
    """The [accounting] section: the ledger accounts of the journal export."""
    defaults = Accounts()
    return Accounts(
        **{
            key: table.text(key, getattr(defaults, key)).strip()
            for key in FULFILMENT_KEYS["accounting"]
        }
    )


def _optional(table: Table, key: str, default: str | None) -> str | None:
    if not table.has(key):
        return default
    return table.text(key, "").strip() or None


def _path(table: Table, key: str, default: Path, workspace: Path) -> Path:
    if not table.has(key):
        return default
    path = Path(table.text(key, str(default))).expanduser()
    return path if path.is_absolute() else workspace / path


def _weight(table: Table, key: str, default: Decimal, *, empty_ok: bool = False) -> Decimal:
    if not table.has(key):
        return default
    raw = table.values[key]
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        value = Decimal(-1)
    if isinstance(raw, bool) or not value.is_finite() or value < 0 or (value == 0 and not empty_ok):
        least = "0 or more" if empty_ok else "above 0"
        table.problem(key, f"{raw!r} is not a weight in kg {least}")
        return default
    return value
