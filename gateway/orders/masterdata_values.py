"""Cell parsers of the master data CSV files: each turns a cell's text into a value or says why not.

A parser raises `CellError` with a sentence that says what was expected; the reader adds the
file, row and column.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from gateway.model.documents import IdScheme
from gateway.orders.catalog import normalise_gtin

# A plain decimal: optional sign, digits, optional point and digits; no exponent, no separators.
_DECIMAL = re.compile(r"[+-]?\d+(\.\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# PostgreSQL INTEGER is 32-bit signed.
_INT_MAX = 2**31 - 1
_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})
# GS1 General Specifications 3.3.2: GTIN-8, GTIN-12 (UPC-A), GTIN-13 (EAN-13), GTIN-14.


class CellError(ValueError):
    """A cell's text is not a value of its column's type; the text says what was expected."""


Parser = Callable[[str], object]


@dataclass(frozen=True)
class Column:
    """One CSV column: its name (the dataclass field), its parser and whether it is required."""

    name: str
    parse: Parser
    required: bool = False


def text(max_length: int | None = None) -> Parser:
    """Any text up to `max_length` characters (the database column's length)."""

    def parse(cell: str) -> str:
        if max_length is not None and len(cell) > max_length:
            raise CellError(f"at most {max_length} characters fit, got {len(cell)}")
        return cell

    return parse


def decimal(
    precision: int,
    scale: int,
    minimum: Decimal | None = None,
    maximum: Decimal | None = None,
    positive: bool = False,
) -> Parser:
    """A plain decimal (`12.50`) that fits NUMERIC(precision, scale) and the given bounds."""
    quantum = Decimal(1).scaleb(-scale)
    limit = Decimal(10) ** (precision - scale)

    def parse(cell: str) -> Decimal:
        if not _DECIMAL.fullmatch(cell):
            raise CellError(
                f"expected a decimal number like 12.50 (a point before the decimals, "
                f"no thousands separators), got {cell!r}"
            )
        value = Decimal(cell)
        if value.quantize(quantum) != value:
            raise CellError(f"at most {scale} decimal places are kept, got {cell}")
        if abs(value) >= limit:
            raise CellError(f"expected a number below {limit}, got {cell}")
        _check_bounds(value, minimum, maximum, positive)
        return value

    return parse


def _check_bounds(
    value: Decimal | int, minimum: Decimal | None, maximum: Decimal | None, positive: bool
) -> None:
    if positive and value <= 0:
        raise CellError(f"expected a number greater than 0, got {value}")
    if minimum is not None and value < minimum:
        raise CellError(f"expected a number of at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise CellError(f"expected a number of at most {maximum}, got {value}")


def integer(minimum: int | None = None) -> Parser:
    """A whole number (`30`) that fits a 32-bit INTEGER column, at least `minimum`."""

    def parse(cell: str) -> int:
        if not _INTEGER.fullmatch(cell):
            raise CellError(f"expected a whole number like 30, got {cell!r}")
        value = int(cell)
        if abs(value) > _INT_MAX:
            raise CellError(f"expected a number up to {_INT_MAX}, got {cell}")
        _check_bounds(value, None if minimum is None else Decimal(minimum), None, False)
        return value

    return parse


def iso_date(cell: str) -> date:
    """An ISO 8601 calendar date in the extended format `YYYY-MM-DD`."""
    if not _ISO_DATE.fullmatch(cell):
        raise CellError(f"expected a date as YYYY-MM-DD like 2026-01-31, got {cell!r}")
    try:
        return date.fromisoformat(cell)
    except ValueError as exc:
        raise CellError(f"{cell} is not a calendar date ({exc})") from exc


def boolean(cell: str) -> bool:
    """true/false, yes/no or 1/0, in any letter case."""
    lowered = cell.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise CellError(f"expected true/false, yes/no or 1/0, got {cell!r}")


def choice(values: type[enum.StrEnum]) -> Parser:
    """One of an enumeration's values, in any letter case; stored as the enumeration spells it."""
    by_lower = {member.value.lower(): member for member in values}

    def parse(cell: str) -> enum.StrEnum:
        found = by_lower.get(cell.lower())
        if found is None:
            allowed = ", ".join(member.value for member in values)
            raise CellError(f"expected one of {allowed}, got {cell!r}")
        return found

    return parse


def id_scheme(cell: str) -> str:
    """An identifier scheme of the canonical model (GLN, DUNS, DUNS+4, buyer, ...)."""
    return str(choice(IdScheme)(cell))


def _pattern(regex: str, expected: str) -> Parser:
    compiled = re.compile(regex)

    def parse(cell: str) -> str:
        if not compiled.fullmatch(cell):
            raise CellError(f"expected {expected}, got {cell!r}")
        return cell

    return parse


# ISO 3166-1 alpha-2: two capital letters (DE, US).
country = _pattern(r"[A-Z]{2}", "an ISO 3166-1 alpha-2 country code of 2 capital letters (DE)")
# ISO 4217 alphabetic code: three capital letters (EUR, USD).
currency = _pattern(r"[A-Z]{3}", "an ISO 4217 currency code of 3 capital letters (EUR)")
# NMFTA Standard Carrier Alpha Code: 2 to 4 letters (X12 TD503).
scac = _pattern(r"[A-Z]{2,4}", "a SCAC of 2 to 4 capital letters (UPSN)")


def gs1_check_digit(body: str) -> str:
    """The GS1 mod-10 check digit of the digits before it (GS1 General Specifications 7.9)."""
    # Weights 3 and 1 alternate from the rightmost digit of the body.
    total = sum(int(digit) * (3 if i % 2 == 0 else 1) for i, digit in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def _check_digit_matches(cell: str, what: str) -> None:
    expected = gs1_check_digit(cell[:-1])
    if cell[-1] != expected:
        raise CellError(
            f"the {what} check digit is {cell[-1]} but the GS1 mod-10 check digit of "
            f"{cell[:-1]} is {expected}"
        )


def gtin(cell: str) -> str:
    """A GTIN-8/12/13/14 with a valid check digit, padded with leading zeros to 14 digits."""
    padded = normalise_gtin(cell) if cell.isascii() and cell == cell.strip() else None
    if padded is None:
        raise CellError(f"expected a GTIN of 8, 12, 13 or 14 digits, got {cell!r}")
    _check_digit_matches(cell, "GTIN")
    return padded


def gln(cell: str) -> str:
    """A GS1 Global Location Number: 13 digits with a valid check digit."""
    if not cell.isascii() or not cell.isdigit() or len(cell) != 13:
        raise CellError(f"expected a GLN of 13 digits, got {cell!r}")
    _check_digit_matches(cell, "GLN")
    return cell
