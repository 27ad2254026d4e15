"""Converters and selectors: EDIFACT numbers, dates and paths read as the standard says."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gateway.formats.segments import segment
from gateway.mapping.converters import (
    ConversionError,
    InContext,
    OutContext,
    convert_decimal,
    convert_edifact_date,
    render_decimal,
)
from gateway.mapping.selectors import Picked, SelectorSyntaxError, parse_selector


def dtm(value: str, fmt: str) -> Picked:
    picked = parse_selector("DTM.1").pick(segment("DTM", ("137", value, fmt)))
    assert picked is not None
    return picked


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        ("20150803", "102", date(2015, 8, 3)),
        ("150803", "101", date(2015, 8, 3)),
        ("201508030000", "203", date(2015, 8, 3)),
        ("20150803235959", "204", date(2015, 8, 3)),
        ("20150803-20150810", "718", date(2015, 8, 3)),
        ("20150803", "", date(2015, 8, 3)),
    ],
)
def test_c507_date_is_read_by_its_2379_format(value: str, fmt: str, expected: date) -> None:
    assert convert_edifact_date(dtm(value, fmt), InContext()) == expected


@pytest.mark.parametrize(("value", "fmt"), [("2015083", "102"), ("20150803", "999")])
def test_c507_date_with_wrong_length_or_unknown_format_is_refused(value: str, fmt: str) -> None:
    with pytest.raises(ConversionError) as caught:
        convert_edifact_date(dtm(value, fmt), InContext())
    assert caught.value.code == "mapping.date"
    assert caught.value.value == value


def qty(text: str) -> Picked:
    picked = parse_selector("QTY[1.1=21].1.2").pick(segment("QTY", ("21", text)))
    assert picked is not None
    return picked


def test_decimal_accepts_the_una_mark_and_refuses_thousands_separators() -> None:
    assert convert_decimal(qty("1234,50"), InContext(",")) == Decimal("1234.50")
    assert convert_decimal(qty("-0.5"), InContext(".")) == Decimal("-0.5")
    for bad in ("1.234,50", "1E3", "12 5", "1020A"):
        with pytest.raises(ConversionError):
            convert_decimal(qty(bad), InContext(","))


def test_decimal_is_written_with_the_mark_and_without_exponent() -> None:
    assert render_decimal(Decimal("12.80"), OutContext(",")) == "12,80"
    assert render_decimal(Decimal("1E+2"), OutContext(".")) == "100"
    assert render_decimal(Decimal("8"), OutContext(".")) == "8"


def test_selector_qualifier_test_picks_the_matching_segment_only() -> None:
    segments = [segment("NAD", "SU", ("111", "", "9")), segment("NAD", "BY", ("222", "", "9"))]
    picked = parse_selector("NAD[1=BY|OB].2.1").first(segments)
    assert picked is not None
    assert (picked.text, picked.element, picked.component) == ("222", 2, 1)


def test_selector_without_component_joins_the_composite_lines() -> None:
    picked = parse_selector("FTX.4").first([segment("FTX", "AAI", "", "", ("Ring", "", "at gate"))])
    assert picked is not None and picked.text == "Ring at gate"


@pytest.mark.parametrize("text", ["DTM", "dtm.1", "DTM[1.1=].1", "DTM.0", "DTM[x=1].1"])
def test_malformed_selector_is_refused(text: str) -> None:
    with pytest.raises(SelectorSyntaxError):
        parse_selector(text)
