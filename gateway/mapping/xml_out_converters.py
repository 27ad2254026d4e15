"""Outbound converters for XML documents: XML Schema lexical forms of dates, amounts, booleans.

UBL and cXML write values in the XML Schema Part 2 lexical spaces: xs:date (2026-11-22),
xs:dateTime with an offset (2026-11-22T00:00:00+00:00), xs:decimal (no exponent, "."
as the decimal mark) and xs:boolean (true/false).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

from gateway.mapping.converters import ConversionError, OutContext, OutConverter

# UBL AmountType and cXML Money carry at least two decimals (cents) by convention: EN 16931
# BT-106..BT-115 allow at most two, so amounts are rounded by the invoicing code, not here.
_CENTS = Decimal("0.01")


def render_iso_date(value: object, context: OutContext) -> str:
    """A date as xs:date, CCYY-MM-DD (UBL cbc:IssueDate)."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if not isinstance(value, date):
        raise ConversionError("mapping.date", "is not a date")
    return value.isoformat()


def render_iso_datetime(value: object, context: OutContext) -> str:
    """A date (taken as midnight UTC) or an aware datetime as xs:dateTime with its offset."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ConversionError(
                "mapping.datetime", "has no time zone (xs:dateTime needs an offset)"
            )
        return value.isoformat(timespec="seconds")
    if not isinstance(value, date):
        raise ConversionError("mapping.datetime", "is not a date or a date and time")
    return datetime.combine(value, time(0, 0), UTC).isoformat(timespec="seconds")


def render_amount(value: object, context: OutContext) -> str:
    """An amount as xs:decimal with at least two decimals (12.8 -> 12.80, 0.125 stays)."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise ConversionError("mapping.amount", "is not an amount")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ConversionError("mapping.amount", "is not a finite amount")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        amount = amount.quantize(_CENTS)
    return format(amount, "f")


def render_bool(value: object, context: OutContext) -> str:
    """A truth value as xs:boolean (true/false)."""
    if not isinstance(value, bool):
        raise ConversionError("mapping.bool", "is not true or false")
    return "true" if value else "false"


def xml_outbound_converters() -> list[OutConverter]:
    """The XML converters, offered to every standard's mapping files."""
    return [
        OutConverter("iso_date", render_iso_date),
        OutConverter("iso_datetime", render_iso_datetime),
        OutConverter("amount", render_amount),
        OutConverter("bool", render_bool),
    ]
