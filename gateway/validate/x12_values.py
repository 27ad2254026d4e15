"""Values of X12 data elements against their dictionary entry (X12.6 section 3.3).

The data element types: AN string, ID identifier with its code list, Nn numeric with n implied
decimals, R decimal, DT date, TM time, B binary. A minus sign or decimal point does not count
towards the length of a numeric (X12.6 3.3.2); a date is CCYYMMDD (or YYMMDD where the element
allows 6), a time HHMM, HHMMSS or HHMMSSd..d.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gateway.validate.x12_schema import SimpleElement

# What is wrong with a value: the end of the issue code (x12.element.<kind>), the rest of the
# sentence after the element's name, and the severity.
Problem = tuple[str, str, str]


def value_problems(simple: SimpleElement, text: str) -> tuple[Problem, ...]:
    """Everything wrong with a non-empty value of `simple` (none: an empty tuple)."""
    kind = simple.type
    if kind in _STRINGS:
        return _string_problems(simple, text)
    if kind[0] == "N":
        digits = text[1:] if text[0] == "-" else text
        if not (digits.isascii() and digits.isdigit()):
            return (("character", f"is {text!r}; expected a whole number ({kind})", "error"),)
        return _length_problems(simple, text, len(digits))
    if kind == "R":
        length = _decimal_digits(text)
        if length is None:
            return (("character", f"is {text!r}; expected a decimal number", "error"),)
        return _length_problems(simple, text, length)
    if kind == "DT":
        return _date_problems(simple, text)
    if kind == "TM":
        return _time_problems(simple, text)
    return ()


_STRINGS = frozenset({"AN", "ID"})


def _string_problems(simple: SimpleElement, text: str) -> tuple[Problem, ...]:
    found: tuple[Problem, ...] = ()
    if not (text.isascii() and text.isprintable()):
        # X12.6 3.3: the basic and extended character sets; control characters never belong
        # in data. Letters outside ASCII (UTF-8 by agreement) are passed on with a warning.
        if any(c.isascii() and not c.isprintable() for c in text):
            found = (("character", f"is {text!r}; expected no control characters", "error"),)
        else:
            sentence = f"is {text!r}; expected characters of the X12 character sets (ASCII)"
            found = (("character", sentence, "warning"),)
    codes = simple.codes
    if codes is not None and codes.complete:
        if text not in codes.codes:
            sentence = f"is {text!r}; expected a code of list {codes.element} ({codes.name})"
            found += (("code", sentence, "error"),)
        return found
    length = _length_problems(simple, text, len(text))
    if length or codes is None or text in codes.codes:
        return found + length
    sentence = f"is {text!r}; expected one of the codes we know for {codes.element} ({codes.name})"
    return (*found, ("code", sentence, "warning"))


def _length_problems(simple: SimpleElement, text: str, length: int) -> tuple[Problem, ...]:
    low, high = simple.min_length, simple.max_length
    if low <= length <= high:
        return ()
    kind, bound = (
        ("too_short", f"at least {low}") if length < low else ("too_long", f"at most {high}")
    )
    unit = "character" if length == 1 else "characters"
    sentence = f"is {length} {unit} long ({text!r}); {simple.type} {low}/{high} allows {bound}"
    return ((kind, sentence, "error"),)


def _date_problems(simple: SimpleElement, text: str) -> tuple[Problem, ...]:
    if text.isascii() and text.isdigit():
        length = _length_problems(simple, text, len(text))
        if length or _valid_date(text):
            return length
    return (("date", f"is {text!r}; expected a date CCYYMMDD", "error"),)


def _time_problems(simple: SimpleElement, text: str) -> tuple[Problem, ...]:
    if text.isascii() and text.isdigit():
        length = _length_problems(simple, text, len(text))
        if length or _valid_time(text):
            return length
    return (("time", f"is {text!r}; expected a time HHMM, HHMMSS or HHMMSSd..", "error"),)


def _decimal_digits(text: str) -> int | None:
    """Digits of an R (decimal) value, or None when it is not one (X12.6 3.3.2.3)."""
    body = text[1:] if text[:1] == "-" else text
    mantissa, _, exponent = body.partition("E")
    if exponent:
        power = exponent[1:] if exponent[0] == "-" else exponent
        if not (power.isascii() and power.isdigit()):
            return None
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    if not digits or not (digits.isascii() and digits.isdigit()):
        return None
    return len(digits)


def _valid_date(text: str) -> bool:
    if len(text) == 6:
        # YYMMDD (elements of 6): X12 windows the century; any century gives a valid date here.
        text = "20" + text
    if len(text) != 8:
        return False
    try:
        date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return False
    return True


def _valid_time(text: str) -> bool:
    if len(text) < 4 or len(text) == 5:
        return False
    hours, minutes = int(text[:2]), int(text[2:4])
    seconds = int(text[4:6]) if len(text) >= 6 else 0
    return hours < 24 and minutes < 60 and seconds < 60
