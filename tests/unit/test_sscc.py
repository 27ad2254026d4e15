"""SSCC-18 (GS1 AI 00) on GS1's published examples and on the limits of the serial reference."""

from __future__ import annotations

import pytest

from gateway.fulfilment.sscc import is_valid_sscc, sscc


def test_sscc_matches_the_gs1_general_specifications_example() -> None:
    # given GS1's sample logistic unit: extension 1, GS1's example Company Prefix 0614141,
    # serial reference 123456789 - the SSCC-18 sample (00)106141411234567897 used with GS1's
    # example prefix (GS1 General Specifications 3.3.1 structure, 7.9.1 check digit)
    # when its SSCC is built
    code = sscc(1, "0614141", 123456789)
    # then the check digit is 7
    assert code == "106141411234567897"


def test_sscc_matches_the_gs1_epc_tag_data_standard_example() -> None:
    # given the GS1 EPC Tag Data Standard's SSCC example urn:epc:id:sscc:0614141.1234567890,
    # i.e. extension 1, prefix 0614141, serial 234567890, written (00) 106141412345678908 (the
    # same key the GS1 Digital Link standard uses in https://id.gs1.org/00/106141412345678908)
    # when its SSCC is built
    code = sscc(1, "0614141", 234567890)
    # then the check digit is 8
    assert code == "106141412345678908"


def test_serial_is_zero_padded_to_the_digits_the_prefix_leaves() -> None:
    # given a 10-digit prefix, which leaves 16 - 10 = 6 serial digits
    # when serial 42 is encoded
    code = sscc(0, "4012345000", 42)
    # then the serial takes 6 digits and the whole is 18 digits with a valid check digit
    assert code[:17] == "0" + "4012345000" + "000042"
    assert len(code) == 18
    assert is_valid_sscc(code)


@pytest.mark.parametrize(
    ("prefix", "largest"),
    [("4012345", 999_999_999), ("40123450", 99_999_999), ("4012345000", 999_999)],
)
def test_largest_serial_that_fits_is_accepted(prefix: str, largest: int) -> None:
    # given the largest serial reference a prefix of this length leaves room for
    # when it is encoded
    code = sscc(9, prefix, largest)
    # then it fills the serial reference with nines
    assert code[1 + len(prefix) : 17] == "9" * (16 - len(prefix))


def test_serial_that_does_not_fit_is_refused_with_advice() -> None:
    # given a 7-digit prefix, leaving 9 serial digits, and a counter that reached 10 digits
    # when the SSCC is built
    with pytest.raises(ValueError, match="does not fit") as raised:
        sscc(0, "4012345", 1_000_000_000)
    # then the sentence names the serial, the digits left and what to do
    assert str(raised.value) == (
        "serial 1000000000 does not fit the 9 digits left by the 7-digit prefix 4012345; "
        "ask GS1 for a longer prefix range or restart the counter"
    )


@pytest.mark.parametrize("prefix", ["401234", "40123450001", "40123A5", "", " 4012345"])
def test_company_prefix_must_be_7_to_10_digits(prefix: str) -> None:
    # given a company prefix that is too short, too long or not all digits
    # when an SSCC is built, then it is refused naming the prefix
    with pytest.raises(ValueError, match="7 to 10 digits"):
        sscc(0, prefix, 1)


@pytest.mark.parametrize("extension", [-1, 10])
def test_extension_digit_must_be_one_digit(extension: int) -> None:
    # given an extension outside 0-9, when an SSCC is built, then it is refused
    with pytest.raises(ValueError, match="extension digit"):
        sscc(extension, "4012345", 1)


def test_negative_serial_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        sscc(0, "4012345", -1)


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("106141411234567897", True),
        ("106141412345678908", True),
        ("106141411234567890", False),  # wrong check digit
        ("106141411234567879", False),  # two digits swapped
        ("10614141123456789", False),  # 17 digits
        ("1061414112345678970", False),  # 19 digits
        ("10614141123456789X", False),
        ("１06141411234567897", False),  # a full-width digit is not an SSCC digit
        ("", False),
    ],
)
def test_is_valid_sscc_checks_length_digits_and_check_digit(text: str, valid: bool) -> None:
    # given a candidate SSCC, when it is checked, then only 18 digits with the right check pass
    assert is_valid_sscc(text) is valid
