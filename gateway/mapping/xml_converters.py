"""Named converters for XML text: what an inbound UBL or cXML mapping file may say in `convert`.

An XML value is text (an element's string value, an attribute, a text node); the converter
turns it into the canonical value or raises ConversionError with a reason that completes
"<label> '<value>' ...". Lexical rules are those of XML Schema Part 2 (xs:decimal, xs:date,
xs:dateTime), which UBL 2.1 uses for its amounts, quantities and dates; cXML's DTD types
(%r8; numbers, %datetime.tz; ISO 8601 date-times) are read by the same rules.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from gateway.mapping.converters import ConversionError

XmlFunc = Callable[[str], object]

# xs:decimal lexical space: optional sign, digits with at most one '.', no exponent, no
# thousands separator and no decimal comma (XML Schema Part 2, 3.2.3.1).
_DECIMAL = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
# xs:date CCYY-MM-DD and xs:dateTime CCYY-MM-DDThh:mm:ss(.s+), each with an optional zone
# (Z or +hh:mm / -hh:mm); years of more than four digits are not expected in orders.
_DATE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})(?:\.\d+)?)?"
    r"(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)?$"
)
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class XmlConverter:
    """An inbound XML converter: text -> canonical value of type `produces`."""

    name: str
    func: XmlFunc
    produces: type


def convert_text(text: str) -> str:
    """The value without leading and trailing white space (pretty-printed files indent it)."""
    return text.strip()


def convert_token(text: str) -> str:
    """The value with white space collapsed, as xs:token does (names and descriptions that a
    partner wrapped over several lines read as one line)."""
    return _WHITESPACE.sub(" ", text).strip()


def convert_decimal(text: str) -> Decimal:
    """An xs:decimal such as '120', '-3.96' or '.5'; '1,5' and '1E3' are refused."""
    value = text.strip()
    if not _DECIMAL.match(value):
        raise ConversionError(
            "mapping.decimal",
            "is not an xs:decimal (digits with an optional sign and '.' decimal point;"
            " no ',' and no exponent)",
        )
    try:
        return Decimal(value)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only valid text
        raise ConversionError("mapping.decimal", "is not an xs:decimal") from exc


def convert_date(text: str) -> date:
    """An xs:date, or the date part of an xs:dateTime as written (its own time zone kept)."""
    value = text.strip()
    match = _DATE.match(value)
    reason = "is not an xs:date (CCYY-MM-DD) or xs:dateTime (CCYY-MM-DDThh:mm:ss[zone])"
    if match is None:
        raise ConversionError("mapping.date", reason)
    hour, minute, second = match["hour"], match["minute"], match["second"]
    if hour is not None and not _valid_time(hour, minute, second):
        raise ConversionError("mapping.date", reason)
    try:
        return date.fromisoformat(match["date"])
    except ValueError as exc:
        raise ConversionError("mapping.date", f"is not a calendar date ({exc})") from exc


def _valid_time(hour: str, minute: str, second: str) -> bool:
    # xs:dateTime allows 24:00:00 for the end of a day.
    if (hour, minute, second) == ("24", "00", "00"):
        return True
    return int(hour) < 24 and int(minute) < 60 and int(second) < 60


def xml_converters() -> dict[str, XmlConverter]:
    """The converters an inbound XML mapping file may name, as a fresh dict."""
    items = [
        XmlConverter("text", convert_text, str),
        XmlConverter("token", convert_token, str),
        XmlConverter("decimal", convert_decimal, Decimal),
        XmlConverter("date", convert_date, date),
    ]
    return {c.name: c for c in items}


def to_enum(func: XmlFunc, enum_class: type[enum.Enum]) -> XmlFunc:
    """A converter whose text result becomes a member of `enum_class` (ResponseStatus, ...)."""
    names = ", ".join(str(m.value) for m in enum_class)

    def convert(text: str) -> object:
        value = func(text)
        try:
            return enum_class(value)
        except ValueError as exc:
            reason = f"gives {value!r}, which is not a {enum_class.__name__} ({names})"
            raise ConversionError("mapping.code", reason) from exc

    return convert
