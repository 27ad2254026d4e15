"""Converters for X12 values: dates (DT), decimals (R), implied-decimal numbers (N2), codes.

X12.6 data element types: DT is CCYYMMDD (YYMMDD in 003010 and earlier); R is a decimal
number whose decimal point is written only when the value has a fraction, with a leading
minus for negative values and no plus sign, leading zeros and trailing fractional zeros
suppressed, and an optional base-10 exponent; Nn is a number with n implied decimal places
(N2 "123450" is 1234.50). X12 has no decimal-mark choice: the point is always '.'.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from gateway.mapping.converters import (
    ConversionError,
    InContext,
    InConverter,
    OutContext,
    OutConverter,
)
from gateway.mapping.selectors import Picked

# X12.6 R: optional minus, digits with an optional point, optional exponent (E, signed).
_DECIMAL = re.compile(r"^-?(?:\d+\.?\d*|\.\d+)(?:E-?\d+)?$")
# X12.6 Nn: optional minus and digits only; the decimal point is implied.
_IMPLIED = re.compile(r"^-?\d+$")
# Two-digit years of 003010-style dates (BEG05 YYMMDD): 00-49 are 20YY, 50-99 are 19YY.
_CENTURY_PIVOT = 50
# GS1 General Specifications: GTIN-12 (UPC-A), GTIN-13 (EAN-13), GTIN-14; SSCC is 18 digits.
_GTIN_QUALIFIERS = {12: "UP", 13: "EN", 14: "UK"}
_SSCC = re.compile(r"^\d{18}$")


def convert_x12_date(picked: Picked, context: InContext) -> date:
    """DT: CCYYMMDD (004010 on), or YYMMDD as 003010 and GS04 before 004010 write it."""
    text = picked.text.strip()
    try:
        if len(text) == 8 and text.isdigit():
            return datetime.strptime(text, "%Y%m%d").date()
        if len(text) == 6 and text.isdigit():
            year = int(text[:2])
            century = 2000 if year < _CENTURY_PIVOT else 1900
            return date(century + year, int(text[2:4]), int(text[4:6]))
    except ValueError as exc:
        raise ConversionError("mapping.date", "is not a calendar date", text) from exc
    raise ConversionError("mapping.date", "is not a date CCYYMMDD (or YYMMDD before 004010)", text)


def convert_x12_decimal(picked: Picked, context: InContext) -> Decimal:
    """R (and N0): '12.50', '0008', '-3', '1.5E2'; no plus sign, no thousands separators."""
    text = picked.text.strip()
    if not _DECIMAL.match(text):
        raise ConversionError("mapping.decimal", "is not an X12 decimal number (R)", text)
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ConversionError("mapping.decimal", "is not an X12 decimal number (R)", text) from exc


def convert_x12_n2(picked: Picked, context: InContext) -> Decimal:
    """N2: digits with two implied decimal places ('123450' is 1234.50)."""
    text = picked.text.strip()
    if not _IMPLIED.match(text):
        raise ConversionError("mapping.decimal", "is not an X12 N2 number (digits only)", text)
    return Decimal(text).scaleb(-2)


def render_x12_date(value: object, context: OutContext) -> str:
    """DT as CCYYMMDD (004010 and 005010)."""
    if not isinstance(value, date):
        raise ConversionError("mapping.date", "is not a date")
    return value.strftime("%Y%m%d")


def render_x12_decimal(value: object, context: OutContext) -> str:
    """R: no exponent, point only before a fraction, leading and trailing zeros suppressed."""
    if not isinstance(value, (Decimal, int)) or isinstance(value, bool):
        raise ConversionError("mapping.decimal", "is not a number")
    number = Decimal(value)
    if not number.is_finite():
        raise ConversionError("mapping.decimal", "is not a finite number")
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    sign = "-" if text.startswith("-") else ""
    digits = text.lstrip("-")
    if digits.startswith("0."):
        digits = digits[1:]  # X12.6: leading zeros suppressed (0.19 -> .19)
    if digits in ("", "0"):
        return "0"
    return sign + digits


def render_x12_n2(value: object, context: OutContext) -> str:
    """N2: the amount in hundredths (TDS01, SAC05: 1234.50 -> 123450); never rounded."""
    if not isinstance(value, (Decimal, int)) or isinstance(value, bool):
        raise ConversionError("mapping.decimal", "is not a number")
    cents = Decimal(value).scaleb(2)
    if cents != cents.to_integral_value():
        raise ConversionError(
            "mapping.decimal", "has more than two decimal places, which N2 cannot carry"
        )
    return str(int(cents))


def render_x12_percent(value: object, context: OutContext) -> str:
    """Element 954 percent as a decimal fraction (X12 RFI 11: 12 percent is written .12)."""
    if not isinstance(value, (Decimal, int)) or isinstance(value, bool):
        raise ConversionError("mapping.decimal", "is not a number")
    return render_x12_decimal(Decimal(value).scaleb(-2), context)


def render_gtin_qualifier(value: object, context: OutContext) -> str:
    """The 235 qualifier of a GTIN by its length: UP (UCC-12), EN (EAN-13), UK (EAN/UCC-14)."""
    text = str(value)
    qualifier = _GTIN_QUALIFIERS.get(len(text)) if text.isdigit() else None
    if qualifier is None:
        raise ConversionError(
            "mapping.gtin", "is not a GTIN of 12, 13 or 14 digits (X12 235 UP, EN or UK)"
        )
    return qualifier


def render_sscc_with_ai(value: object, context: OutContext) -> str:
    """MAN02 for MAN01 = GM (SSCC-18 and application identifier): '00' then the 18 digits."""
    text = str(value)
    if not _SSCC.match(text):
        raise ConversionError("mapping.sscc", "is not an SSCC of 18 digits")
    return "00" + text


def x12_inbound_converters() -> list[InConverter]:
    """The X12 inbound converters, for the registry built by `inbound_converters()`."""
    return [
        InConverter("x12_date", convert_x12_date, date, "X12"),
        InConverter("x12_decimal", convert_x12_decimal, Decimal, "X12"),
        InConverter("x12_n2", convert_x12_n2, Decimal, "X12"),
    ]


def x12_outbound_converters() -> list[OutConverter]:
    """The X12 outbound converters, for the registry built by `outbound_converters()`."""
    return [
        OutConverter("x12_date", render_x12_date, "X12"),
        OutConverter("x12_decimal", render_x12_decimal, "X12"),
        OutConverter("x12_n2", render_x12_n2, "X12"),
        OutConverter("x12_percent", render_x12_percent, "X12"),
        OutConverter("gtin_qualifier", render_gtin_qualifier, "X12"),
        OutConverter("sscc_with_ai", render_sscc_with_ai, "X12"),
    ]
