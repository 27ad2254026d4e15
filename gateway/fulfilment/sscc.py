"""Serial Shipping Container Codes: the 18-digit key of a logistic unit (GS1 AI 00)."""

from __future__ import annotations

import re

from gateway.orders.masterdata_values import gs1_check_digit

# GS1 General Specifications 3.3.1: extension digit (1) + GS1 Company Prefix + serial
# reference together fill 17 digits, then the mod-10 check digit (7.9.1) makes 18.
_BODY_DIGITS = 17
_COMPANY_PREFIX = re.compile(r"[0-9]{7,10}")
_SSCC = re.compile(r"[0-9]{18}")


def sscc(extension_digit: int, company_prefix: str, serial: int) -> str:
    """The SSCC of a carton: extension digit, company prefix, padded serial, check digit."""
    if not 0 <= extension_digit <= 9:
        raise ValueError(
            f"the SSCC extension digit must be one digit 0 to 9, got {extension_digit}"
        )
    if not _COMPANY_PREFIX.fullmatch(company_prefix):
        raise ValueError(
            f"a GS1 Company Prefix has 7 to 10 digits, got {company_prefix!r}; "
            "use the prefix GS1 allocated to the company"
        )
    # The serial reference takes the digits the prefix leaves: 16 - prefix length (6 to 9).
    width = _BODY_DIGITS - 1 - len(company_prefix)
    if serial < 0:
        raise ValueError(f"an SSCC serial reference cannot be negative, got {serial}")
    if serial >= 10**width:
        raise ValueError(
            f"serial {serial} does not fit the {width} digits left by the "
            f"{len(company_prefix)}-digit prefix {company_prefix}; ask GS1 for a longer "
            "prefix range or restart the counter"
        )
    body = f"{extension_digit}{company_prefix}{serial:0{width}d}"
    return body + gs1_check_digit(body)


def check_sscc(text: str) -> str:
    """The SSCC unchanged when it is 18 digits whose last is the GS1 mod-10 check digit of the
    rest; otherwise ValueError saying which digit was expected."""
    if not text.isascii() or not _SSCC.fullmatch(text):
        raise ValueError(f"expected an SSCC of 18 digits, got {text!r}")
    expected = gs1_check_digit(text[:-1])
    if text[-1] != expected:
        raise ValueError(
            f"the SSCC check digit is {text[-1]} but the GS1 mod-10 check digit of "
            f"{text[:-1]} is {expected}"
        )
    return text


def is_valid_sscc(text: str) -> bool:
    """Whether the text is 18 digits whose last is the GS1 mod-10 check digit of the rest."""
    try:
        check_sscc(text)
    except ValueError:
        return False
    return True
