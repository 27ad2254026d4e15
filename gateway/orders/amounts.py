"""Quantities and amounts written for people: plain digits, no exponent, no padding zeros."""

from __future__ import annotations

from decimal import Decimal


def quantity_text(value: Decimal) -> str:
    """A quantity without trailing zeros ("12.5000" -> "12.5", "60.000" -> "60")."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def money_text(value: Decimal) -> str:
    """An amount or price with at least two decimals and no zeros beyond ("30.00", "0.4525")."""
    whole, _, fraction = quantity_text(value).partition(".")
    return f"{whole}.{fraction.ljust(2, '0')}"
