"""The SSCC as GS1-128: check digit, human-readable line, reportlab symbol values and ZPL data."""

from __future__ import annotations

import pytest
from reportlab.lib.units import mm

from gateway.fulfilment.gs1_128 import (
    check_sscc,
    gs1_128_barcode,
    human_readable,
    zpl_gs1_128,
)

# The SSCC example of the GS1 General Specifications (3.3.1): extension digit 1, GS1 Company
# Prefix 0614141, serial reference 123456789, check digit 7.
GS1_EXAMPLE = "106141411234567897"

# Code 128 symbol values (ISO/IEC 15417): Start C, FNC1 and Stop.
START_C, FNC1, STOP = 105, 102, 106


def test_gs1_published_sscc_example_is_accepted() -> None:
    # given the SSCC printed in the GS1 General Specifications
    # when it is checked
    # then it comes back unchanged
    assert check_sscc(GS1_EXAMPLE) == GS1_EXAMPLE


def test_human_readable_line_is_ai_00_in_parentheses_then_the_sscc() -> None:
    # given an SSCC
    # when its human-readable interpretation is made
    # then it is the AI in parentheses, a space and the 18 digits
    assert human_readable(GS1_EXAMPLE) == "(00) 106141411234567897"


def test_wrong_check_digit_is_refused_naming_the_expected_digit() -> None:
    # given the GS1 example with its last digit changed from 7 to 3
    wrong = GS1_EXAMPLE[:-1] + "3"

    # when it is checked
    # then the error names both the digit found and the digit expected
    with pytest.raises(
        ValueError, match=r"check digit is 3 .* check digit of 10614141123456789 is 7"
    ):
        check_sscc(wrong)


@pytest.mark.parametrize(
    "sscc",
    ["10614141123456789", "1061414112345678970", "10614141123456789A", " 106141411234567897", ""],
)
def test_sscc_that_is_not_18_digits_is_refused(sscc: str) -> None:
    # given an SSCC too short, too long, with a letter or a space
    # when it is checked
    # then it is refused with what was expected and what was given
    with pytest.raises(ValueError, match=r"expected an SSCC of 18 digits, got"):
        check_sscc(sscc)


def test_barcode_encodes_start_c_fnc1_then_ai_00_and_the_sscc_in_digit_pairs() -> None:
    # given the GS1 example
    # when its reportlab barcode is made
    barcode = gs1_128_barcode(GS1_EXAMPLE)

    # then the symbol is Start C, FNC1, "00" and the SSCC as subset C pairs, check, Stop:
    # a scanner reports "]C1" + "00" + the SSCC
    data = "00" + GS1_EXAMPLE
    pairs = [int(data[i : i + 2]) for i in range(0, len(data), 2)]
    values = [START_C, FNC1, *pairs]
    check = (values[0] + sum(position * value for position, value in enumerate(values))) % 103
    assert barcode.encoded == [*values, check, STOP]
    assert barcode.encoded[:3] == [105, 102, 0]


def test_barcode_is_156_modules_wide_plus_ten_module_quiet_zones() -> None:
    # given the GS1 minimum X-dimension of 0.495 mm for logistic units
    # when the barcode is made
    barcode = gs1_128_barcode(GS1_EXAMPLE)

    # then its width is 11 modules for each of 13 symbol characters, 13 for Stop, and 10 X on
    # each side, and its bars are at least the GS1 minimum height of 31.75 mm
    assert barcode.width == pytest.approx((156 + 20) * 0.495 * mm)
    assert barcode.height >= 31.75 * mm


def test_barcode_refuses_an_sscc_with_a_wrong_check_digit() -> None:
    # given an SSCC whose check digit is wrong
    # when a barcode is asked for
    # then no barcode is made
    with pytest.raises(ValueError, match="is 7"):
        gs1_128_barcode(GS1_EXAMPLE[:-1] + "0")


def test_zpl_data_starts_in_subset_c_with_fnc1() -> None:
    # given the GS1 example
    # when the ZPL ^BC field data is made
    data = zpl_gs1_128(GS1_EXAMPLE)

    # then ">;" (start C) and ">8" (FNC1) come first, then AI 00 and the SSCC
    assert data.startswith(">;>8")
    assert data == ">;>800106141411234567897"
