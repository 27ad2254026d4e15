"""Named converter functions that mapping files refer to by name.

Python holds only what a mapping file cannot declare: how an EDIFACT number, date or
code becomes a canonical value and back (the X12 ones are in `x12_converters`). The
registries are plain dicts built by `inbound_converters()` and `outbound_converters()`
when a MappingSet is loaded; code tables are reached with the name ``code:<table>`` and
resolved by the loader.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sized
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from gateway.mapping.selectors import Picked


class ConversionError(ValueError):
    """A value could not be converted; `reason` completes "<label> '<value>' ..."."""

    def __init__(self, code: str, reason: str, value: str | None = None) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.value = value


@dataclass(frozen=True)
class InContext:
    """What an inbound converter may know besides the value: the interchange's decimal mark."""

    decimal_mark: str = "."


@dataclass(frozen=True)
class OutContext:
    """What an outbound converter may know besides the value: the decimal mark to write."""

    decimal_mark: str = "."


@dataclass(frozen=True)
class InConverter:
    """An inbound converter: picked EDIFACT value -> canonical value of type `produces`."""

    name: str
    func: Callable[[Picked, InContext], object]
    produces: type
    # Offered only to mapping files of this standard (e.g. "X12"); None: to every file.
    standard: str | None = None


@dataclass(frozen=True)
class OutConverter:
    """An outbound converter: canonical value -> EDIFACT text."""

    name: str
    func: Callable[[object, OutContext], str]
    # Offered only to mapping files of this standard (e.g. "X12"); None: to every file.
    standard: str | None = None


# Characters allowed in an EDIFACT numeric (ISO 9735 clause 12: optional minus sign, digits,
# one decimal mark; no thousands separators, no exponent).
_NUMBER = re.compile(r"^-?(?:\d+(?:\.\d*)?|\.\d+)$")

# UN/EDIFACT 2379 date/time/period format codes this gateway reads (all D96A..D03B).
_DATE_FORMATS: dict[str, tuple[str, int]] = {
    "101": ("%y%m%d", 6),  # YYMMDD
    "102": ("%Y%m%d", 8),  # CCYYMMDD
    "201": ("%y%m%d%H%M", 10),  # YYMMDDHHMM
    "203": ("%Y%m%d%H%M", 12),  # CCYYMMDDHHMM
    "204": ("%Y%m%d%H%M%S", 14),  # CCYYMMDDHHMMSS
    "718": ("%Y%m%d", 17),  # CCYYMMDD-CCYYMMDD: a period, the first day is taken
}
_FORMAT_BY_LENGTH = {length: code for code, (_, length) in _DATE_FORMATS.items()}


def convert_text(picked: Picked, context: InContext) -> str:
    """The value as sent."""
    return picked.text


def convert_strip(picked: Picked, context: InContext) -> str:
    """The value without leading and trailing blanks (fixed-width senders pad with spaces)."""
    return picked.text.strip()


def convert_decimal(picked: Picked, context: InContext) -> Decimal:
    """An EDIFACT numeric written with the interchange decimal mark (UNA 3, default '.')."""
    text = picked.text.strip()
    if context.decimal_mark != ".":
        if "." in text and context.decimal_mark in text:
            raise ConversionError("mapping.decimal", "is not a number")
        text = text.replace(context.decimal_mark, ".")
    if not _NUMBER.match(text):
        raise ConversionError("mapping.decimal", "is not a number")
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ConversionError("mapping.decimal", "is not a number") from exc


def convert_edifact_date(picked: Picked, context: InContext) -> date:
    """A C507 composite (2005 qualifier, 2380 value, 2379 format) or a bare 2380 value."""
    if picked.component is None and len(picked.components) >= 2:
        value = picked.components[1].strip()
        fmt = picked.components[2].strip() if len(picked.components) > 2 else ""
    else:
        value, fmt = picked.text.strip(), ""
    # 2379 is conditional: without it the length tells the usual formats apart.
    fmt = fmt or _FORMAT_BY_LENGTH.get(len(value), "")
    if fmt not in _DATE_FORMATS:
        known = ", ".join(_DATE_FORMATS)
        reason = f"has 2379 date format {fmt or '(none)'!r}, not one of {known}"
        raise ConversionError("mapping.date", reason, value)
    pattern, length = _DATE_FORMATS[fmt]
    # 718 is a period CCYYMMDD-CCYYMMDD: the first day is the date that counts.
    text = value[:8] if fmt == "718" else value
    reason = f"is not a date in 2379 format {fmt}"
    if len(value) != length:
        raise ConversionError("mapping.date", reason, value)
    try:
        return datetime.strptime(text, pattern).date()
    except ValueError as exc:
        raise ConversionError("mapping.date", reason, value) from exc


def render_text(value: object, context: OutContext) -> str:
    """The value as text."""
    return str(value)


def render_decimal(value: object, context: OutContext) -> str:
    """A number with the given decimal mark, no exponent, no thousands separator."""
    if not isinstance(value, (Decimal, int)):
        raise ConversionError("mapping.decimal", "is not a number")
    text = format(Decimal(value), "f")
    return text.replace(".", context.decimal_mark)


def render_edifact_date(value: object, context: OutContext) -> str:
    """A date as 2380 in 2379 format 102 (CCYYMMDD)."""
    if not isinstance(value, date):
        raise ConversionError("mapping.date", "is not a date")
    return value.strftime("%Y%m%d")


def render_count(value: object, context: OutContext) -> str:
    """How many entries a list has (CNT 6066 with 6069 = 2, number of line items)."""
    if not isinstance(value, Sized):
        raise ConversionError("mapping.count", "is not a list")
    return str(len(value))


def inbound_converters() -> dict[str, InConverter]:
    """The inbound converters a mapping file may name, as a fresh dict."""
    items = [
        InConverter("text", convert_text, str),
        InConverter("strip", convert_strip, str),
        InConverter("decimal", convert_decimal, Decimal),
        InConverter("edifact_date", convert_edifact_date, date),
    ]
    from gateway.mapping.x12_converters import x12_inbound_converters

    return {c.name: c for c in [*items, *x12_inbound_converters()]}


def outbound_converters() -> dict[str, OutConverter]:
    """The outbound converters a mapping file may name, as a fresh dict."""
    items = [
        OutConverter("text", render_text),
        OutConverter("decimal", render_decimal),
        OutConverter("edifact_date", render_edifact_date),
        OutConverter("count", render_count),
    ]
    from gateway.mapping.x12_converters import x12_outbound_converters
    from gateway.mapping.xml_out_converters import xml_outbound_converters

    return {c.name: c for c in [*items, *x12_outbound_converters(), *xml_outbound_converters()]}
