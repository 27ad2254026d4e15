"""X12 data element checks: presence, types, lengths, code lists, syntax notes, repeats."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import pytest

from gateway.errors import Issue
from gateway.formats.segments import Segment
from gateway.validate.x12_elements import ElementChecker
from gateway.validate.x12_schema import X12Schemas

REPO = Path(__file__).resolve().parents[2]
POSITION = 5


@pytest.fixture(scope="module")
def schemas() -> X12Schemas:
    """The project's schemas/x12, loaded once."""
    return X12Schemas.load(REPO / "schemas")


class Check(Protocol):
    """Checks one segment written like `N1*ST*Shop` ('>' components, '^' repeats)."""

    def __call__(self, text: str, version: str = "004010") -> list[Issue]: ...


@pytest.fixture
def check(schemas: X12Schemas) -> Check:
    """Check one segment written like `N1*ST*Shop` ('>' components, '^' repeats)."""

    def run(text: str, version: str = "004010") -> list[Issue]:
        tag, *values = text.split("*")
        elements: list[tuple[str, ...]] = []
        repetitions: dict[tuple[int, int], tuple[tuple[str, ...], ...]] = {}
        for number, value in enumerate(values, start=1):
            repeats = tuple(tuple(repeat.split(">")) for repeat in value.split("^"))
            if len(repeats) > 1:
                repetitions[(POSITION, number)] = repeats
            elements.append(repeats[0])
        found = schemas.version_for(version)
        assert found is not None
        issues: list[Issue] = []
        checker = ElementChecker(issues, file="t.edi", repetitions=repetitions)
        checker.check(Segment(tag, tuple(elements), POSITION), found.segments[tag])
        return issues

    return run


def codes(issues: list[Issue]) -> list[tuple[str, int | None, int | None, str]]:
    """(code, element, component, severity) of every issue."""
    return [(i.code, i.location.element, i.location.component, i.severity) for i in issues]


def test_empty_mandatory_element_is_missing(check: Check) -> None:
    # given a BEG whose BEG03 purchase order number is empty
    issues = check("BEG*00*SA***20240131")
    # then BEG03 is reported missing (AK403 1)
    assert codes(issues) == [("x12.element.missing", 3, None, "error")]
    assert issues[0].message == (
        "BEG element 3 (324 Purchase Order Number) is missing; it is mandatory"
    )


def test_mandatory_elements_after_the_last_one_sent_are_missing(check: Check) -> None:
    # given a BEG that stops after BEG02
    issues = check("BEG*00*SA")
    # then BEG03 and BEG05 are missing
    assert codes(issues) == [
        ("x12.element.missing", 3, None, "error"),
        ("x12.element.missing", 5, None, "error"),
    ]


def test_identifier_shorter_than_its_minimum_is_too_short(check: Check) -> None:
    # given an N1 entity code of one character (98 is ID 2/3)
    issues = check("N1*S*Shop")
    # then it is too short, and not also an unknown code
    assert codes(issues) == [("x12.element.too_short", 1, None, "error")]
    assert issues[0].value == "S"


def test_numeric_length_counts_digits_not_the_minus_sign(check: Check) -> None:
    # given CTT01 (354, N0 1/6) with six digits and a sign, and with seven digits
    # then the first fits and the second is too long
    assert check("CTT*-123456") == []
    assert codes(check("CTT*1234567")) == [("x12.element.too_long", 1, None, "error")]


def test_implied_decimal_numeric_takes_no_decimal_point(check: Check) -> None:
    # given TDS01 (610, N2): 1050 means 10.50
    assert check("TDS*1050") == []
    assert check("TDS*-1050") == []
    # then a written decimal point is an invalid character (AK403 6)
    assert codes(check("TDS*10.50")) == [("x12.element.character", 1, None, "error")]


def test_decimal_number_accepts_sign_point_and_exponent(check: Check) -> None:
    # given PO1 quantities and prices (330, 212 are R)
    for good in ("PO1*1*2.5*EA*-9.95", "PO1*1*.5*EA*1.5E3", "PO1*1*1234567890.12345*EA"):
        assert check(good) == [], good
    # then two points, letters, or sixteen digits are not
    assert codes(check("PO1*1*2*EA*9.9.5")) == [("x12.element.character", 4, None, "error")]
    assert codes(check("PO1*1*A1*EA")) == [("x12.element.character", 2, None, "error")]
    assert codes(check("PO1*1*1234567890.123456*EA")) == [
        ("x12.element.too_long", 2, None, "error")
    ]


def test_date_must_be_a_real_ccyymmdd(check: Check) -> None:
    # given DTM02 (373, DT 8/8)
    assert check("DTM*002*20240229") == []
    # then 30 February, letters and a six-digit date are reported
    assert codes(check("DTM*002*20240230")) == [("x12.element.date", 2, None, "error")]
    assert codes(check("DTM*002*2024013X")) == [("x12.element.date", 2, None, "error")]
    assert codes(check("DTM*002*240131")) == [("x12.element.too_short", 2, None, "error")]


def test_time_must_be_hhmm_with_optional_seconds(check: Check) -> None:
    # given DTM03 (337, TM 4/8)
    for good in ("1230", "123045", "12304599"):
        assert check(f"DTM*002*20240131*{good}") == [], good
    # then 24:60 and three digits are reported
    assert codes(check("DTM*002*20240131*2460")) == [("x12.element.time", 3, None, "error")]
    assert codes(check("DTM*002*20240131*123")) == [("x12.element.too_short", 3, None, "error")]


def test_value_outside_a_complete_code_list_is_an_error(check: Check) -> None:
    # given BEG01 99 (353 is transcribed completely)
    issues = check("BEG*99*SA*PO1**20240131")
    # then it is an invalid code value (AK403 7) naming the list
    assert codes(issues) == [("x12.element.code", 1, None, "error")]
    assert "expected a code of list 353 (Transaction Set Purpose Code)" in issues[0].message


def test_value_outside_an_open_code_list_is_a_warning(check: Check) -> None:
    # given N101 XX (98 holds the common parties only)
    issues = check("N1*XX*Shop")
    # then it is only a warning
    assert codes(issues) == [("x12.element.code", 1, None, "warning")]


def test_code_list_inherited_from_the_base_version_is_open(check: Check) -> None:
    # given BEG01 99 in 005010, whose 353 comes from 004010
    issues = check("BEG*99*SA*PO1**20240131", "005010")
    # then it is a warning (later versions added codes)
    assert codes(issues) == [("x12.element.code", 1, None, "warning")]


def test_control_characters_are_errors_and_other_letters_warnings(check: Check) -> None:
    # given a bell character, and an accented letter (UTF-8 by agreement)
    assert codes(check("N1*ST*Shop\x07")) == [("x12.element.character", 2, None, "error")]
    assert codes(check("N1*ST*Café")) == [("x12.element.character", 2, None, "warning")]
    # then lower case and the extended set's punctuation pass (X12.6 extended set)
    assert check("N1*ST*Shop & Co. #12 (east) @home_1") == []


def test_required_note_needs_one_of_its_elements(check: Check) -> None:
    # given a REF with neither REF02 nor REF03
    issues = check("REF*DP")
    # then R0203 is reported at REF02
    assert codes(issues) == [("x12.element.conditional", 2, None, "error")]
    assert issues[0].message == (
        "REF needs at least one of REF element 2 (127 Reference Identification) or "
        "REF element 3 (352 Description) (syntax note R0203)"
    )


def test_conditional_note_needs_the_rest_when_the_first_is_there(check: Check) -> None:
    # given a DTM with a time code (DTM04) but no time (DTM03)
    issues = check("DTM*002*20240131**ES")
    # then C0403 is reported at DTM03
    assert codes(issues) == [("x12.element.conditional", 3, None, "error")]
    assert "(syntax note C0403)" in issues[0].message


def test_list_conditional_note_needs_one_of_the_others(check: Check) -> None:
    # given a PO4 with only PO413 (a unit for the dimensions, but no dimension)
    issues = check("PO4*1************IN")
    # then L13101112 is reported at PO410
    assert codes(issues) == [("x12.element.conditional", 10, None, "error")]
    assert "(syntax note L13101112)" in issues[0].message


def test_exclusion_note_allows_only_one(check: Check) -> None:
    # given a 005010 N4 with both a state (N402) and a country subdivision (N407)
    issues = check("N4*Montreal*QC*H2X1Y4*CA***QC", "005010")
    # then E0207 is reported at N407 with its value
    assert codes(issues) == [("x12.element.exclusion", 7, None, "error")]
    assert issues[0].value == "QC"


def test_lenient_note_is_reported_as_a_warning(check: Check) -> None:
    # given an IT1 with quantity and price but no unit (partners do send this)
    issues = check("IT1**4**70")
    # then P020304 is a warning only
    assert codes(issues) == [("x12.element.conditional", 3, None, "warning")]


def test_data_after_the_last_element_is_too_many_elements(check: Check) -> None:
    # given an AMT (three elements) with a fourth
    issues = check("AMT*TT*10*C*X")
    # then AK403 3 at element 4, with its value
    assert codes(issues) == [("x12.element.too_many", 4, None, "error")]
    assert issues[0].value == "X"


def test_component_separator_in_a_simple_element_is_too_many_components(check: Check) -> None:
    # given an N102 name containing the component separator
    issues = check("N1*ST*Shop>East")
    # then it is reported (AK403 13 in 005010)
    assert codes(issues) == [("x12.element.components", 2, None, "error")]


def test_composite_components_are_checked_with_their_notes(check: Check) -> None:
    # given REF04 (C040): a qualifier without its reference, and an unpaired third component
    assert codes(check("REF*DP*12**ZZ")) == [("x12.element.missing", 4, 2, "error")]
    issues = check("REF*DP*12**ZZ>1>AB")
    # then the missing component and the broken composite note P0304 name the component
    assert codes(issues) == [("x12.element.conditional", 4, 4, "error")]
    assert issues[0].message.startswith("REF element 4 component 4 (127 Reference")


def test_composite_with_more_components_than_defined_is_reported(check: Check) -> None:
    # given a C040 with seven components (it has six)
    issues = check("REF*DP*12**ZZ>1>AB>2>CD>3>EF")
    # then too many components
    assert codes(issues) == [("x12.element.components", 4, None, "error")]


def test_repeating_element_allows_its_repeats_and_no_more(check: Check) -> None:
    # given a 005010 CTX with two contexts, then with eleven (at most 10)
    assert check("CTX*SITUATIONAL TRIGGER^CLM01>123*CLM*43", "005010") == []
    issues = check("CTX*" + "^".join(f"C{n}" for n in range(11)) + "*CLM*43", "005010")
    # then AK403 12: too many repetitions, with the first excess repeat
    assert codes(issues) == [("x12.element.repetitions", 1, None, "error")]
    assert issues[0].value == "C10"


def test_element_that_may_not_repeat_is_reported_when_repeated(check: Check) -> None:
    # given an N102 with a repetition separator
    issues = check("N1*ST*A^B")
    # then it may not repeat
    assert codes(issues) == [("x12.element.repetitions", 2, None, "error")]
    assert "it may not repeat" in issues[0].message
