"""Shipping labels: 4 x 6 inch PDF pages read back with pypdf, and ZPL formats for 203 dpi."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from gateway.fulfilment.documents_model import Address, LabelContent, ShippingLabel
from gateway.fulfilment.label_layout import MARGIN, PAGE_HEIGHT, PAGE_WIDTH, Bars, Text, layout
from gateway.fulfilment.labels import label_pdf, label_zpl

EXPECTED = Path(__file__).resolve().parent / "expected" / "labels"
# The GS1 General Specifications SSCC example and a second SSCC with a valid check digit.
SSCC_1 = "106141411234567897"
SSCC_2 = "340123451234567895"

FROM = Address(
    "Acme Distribution GmbH",
    street="Industriestr. 5",
    city="Berlin",
    postal_code="10115",
    country="DE",
    gln="4012345000009",
)
TO = Address(
    "Big Retail Store 42",
    street="Dock ^7 ~ East_Gate",
    city="Hamburg",
    postal_code="20095",
    region="HH",
    country="DE",
    gln="4098765000003",
)


def carton(index: int, sscc: str, **changes: object) -> ShippingLabel:
    """Carton `index` of 2 of shipment SH-000001, sent with DHL Express."""
    label = ShippingLabel(
        sscc=sscc,
        ship_from=FROM,
        ship_to=TO,
        order_number="PO-4711",
        shipment_number="SH-000001",
        carton_index=index,
        carton_count=2,
        ship_date=date(2024, 5, 2),
        carrier_name="DHL",
        service="Express",
        tracking_number="JD014600006281230",
        weight_kg=Decimal("12.500"),
        contents=(
            LabelContent("SKU-1", "Widget blue", Decimal("10"), "PCE", "04012345000016"),
            LabelContent("SKU-2", "Widget red", Decimal("2.5"), "KGM"),
        ),
    )
    return replace(label, **changes)  # type: ignore[arg-type]


def two_cartons() -> list[ShippingLabel]:
    """The two cartons of shipment SH-000001."""
    return [carton(1, SSCC_1), carton(2, SSCC_2)]


def pdf_pages(data: bytes) -> list[str]:
    """The extracted text of every page."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def zpl_formats(zpl: str) -> list[str]:
    """Each ^XA ... ^XZ label format."""
    return re.findall(r"\^XA.*?\^XZ", zpl, flags=re.DOTALL)


def test_pdf_has_one_4_by_6_inch_page_per_label() -> None:
    # given two cartons
    # when their labels are printed
    reader = PdfReader(io.BytesIO(label_pdf(two_cartons())))

    # then there are two pages of 288 x 432 points (4 x 6 inches)
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert [float(v) for v in page.mediabox] == [0, 0, 288, 432]


def test_each_pdf_page_shows_sscc_addresses_carrier_tracking_and_carton_n_of_m() -> None:
    # given two cartons
    # when their labels are printed
    pages = pdf_pages(label_pdf(two_cartons()))

    # then each page is real text with its own SSCC line, both addresses and the carrier block
    for number, (text, sscc) in enumerate(zip(pages, (SSCC_1, SSCC_2), strict=True), start=1):
        assert f"(00) {sscc}" in text
        assert f"Carton {number} of 2" in text
        for expected in (
            "Acme Distribution GmbH",
            "Industriestr. 5",
            "10115 Berlin",
            "Big Retail Store 42",
            "Dock ^7 ~ East_Gate",
            "20095 Hamburg",
            "HH DE",
            "GLN 4098765000003",
            "DHL - Express",
            "Tracking: JD014600006281230",
            "Order: PO-4711",
            "Shipment: SH-000001",
            "Weight: 12.5 kg",
            "Ship date: 2024-05-02",
        ):
            assert expected in text


def test_label_without_carrier_omits_the_carrier_block() -> None:
    # given a carton with no carrier, service or tracking number yet
    label = carton(1, SSCC_1, carrier_name=None, service=None, tracking_number=None)

    # when its label is printed
    (text,) = pdf_pages(label_pdf([label]))

    # then the carrier block is left out and the rest is there
    assert "CARRIER" not in text
    assert "Tracking" not in text
    assert "Order: PO-4711" in text


def test_missing_optional_fields_leave_their_lines_out() -> None:
    # given a carton with no weight, ship date, contents, street or GLN
    bare_to = Address("Big Retail Store 42", city="Hamburg")
    label = carton(
        1, SSCC_1, weight_kg=None, ship_date=None, contents=(), ship_to=bare_to, service=None
    )

    # when its label is printed
    (text,) = pdf_pages(label_pdf([label]))

    # then those lines are absent, with no empty labels left behind
    for absent in ("Weight", "Ship date", "CONTENTS", "GLN 4098765000003", "Dock", " - "):
        assert absent not in text
    assert "Hamburg" in text
    assert "\nDHL\n" in text


def test_contents_list_shows_four_rows_then_how_many_more() -> None:
    # given a carton of six different items
    items = tuple(LabelContent(f"SKU-{i}", f"Item {i}", Decimal(i), "PCE") for i in range(1, 7))
    label = carton(1, SSCC_1, contents=items)

    # when its label is printed
    (text,) = pdf_pages(label_pdf([label]))

    # then the first four are listed and the other two counted
    for i in range(1, 5):
        assert f"SKU-{i} Item {i}" in text
    assert "SKU-5" not in text
    assert "+ 2 more" in text


def test_long_names_and_addresses_are_cut_and_stay_on_the_label() -> None:
    # given a ship-to name, street and contents far too long for a 4 inch label
    long_to = replace(TO, name="Wholesale " * 30, street="Long Street Name " * 20)
    items = (LabelContent("SKU-" + "X" * 80, "Description " * 20, Decimal("1"), "PCE"),)
    label = carton(1, SSCC_1, ship_to=long_to, contents=items, tracking_number="9" * 90)

    # when it is laid out and printed
    elements = layout(label)
    (text,) = pdf_pages(label_pdf([label]))

    # then every text line ends inside the right margin, the name takes at most two lines,
    # cut lines end in an ellipsis, and nothing reaches down into the barcode segment
    texts = [e for e in elements if isinstance(e, Text)]
    for element in texts:
        assert element.x + stringWidth(element.text, element.font, element.size) <= (
            PAGE_WIDTH - MARGIN + 0.01
        )
    assert sum(1 for e in texts if e.text.startswith("Wholesale")) == 2
    assert "…" in text
    (bars,) = [e for e in elements if isinstance(e, Bars)]
    above = [e for e in texts if e.text not in ("SSCC", f"(00) {SSCC_1}")]
    assert max(e.top + e.size * 1.2 for e in above) < bars.top - 10
    assert bars.top + bars.height < PAGE_HEIGHT


def test_carton_number_outside_the_count_is_refused() -> None:
    # given carton 3 of 2
    label = carton(3, SSCC_1)

    # when its label is printed
    # then it is refused with the SSCC and the expected range
    with pytest.raises(ValueError, match=rf"SSCC {SSCC_1} says carton 3 of 2.*1 to 2"):
        label_pdf([label])


def test_label_with_a_wrong_sscc_check_digit_is_refused() -> None:
    # given a carton whose SSCC has a wrong check digit
    # when its ZPL is made
    # then it is refused naming the expected check digit
    with pytest.raises(ValueError, match="is 7"):
        label_zpl([carton(1, SSCC_1[:-1] + "1")])


def test_zpl_has_one_format_per_label_each_starting_with_utf8() -> None:
    # given two cartons
    # when their ZPL is made
    formats = zpl_formats(label_zpl(two_cartons()))

    # then there are two ^XA ... ^XZ formats, each switching to UTF-8 (^CI28) first
    assert len(formats) == 2
    for fmt in formats:
        assert fmt.startswith("^XA\n^CI28\n")
        assert fmt.count("^XA") == fmt.count("^XZ") == 1
        assert "^PW812" in fmt
        assert "^LL1218" in fmt


def test_zpl_barcode_is_code_128_with_fnc1_and_the_sscc() -> None:
    # given two cartons
    # when their ZPL is made
    first, second = zpl_formats(label_zpl(two_cartons()))

    # then each has one ^BC barcode of 0.5 mm modules, 32 mm high, without the printer's
    # interpretation line, whose data is start C, FNC1, AI 00 and the SSCC; and its own
    # human-readable line
    assert re.search(rf"\^BY4\^BCN,256,N,N,N\^FD>;>800{SSCC_1}\^FS", first)
    assert re.search(rf"\^BY4\^BCN,256,N,N,N\^FD>;>800{SSCC_2}\^FS", second)
    assert f"^FD(00) {SSCC_1}^FS" in first
    assert first.count("^BC") == 1


def test_zpl_escapes_caret_tilde_and_underscore_in_field_data() -> None:
    # given a ship-to street with "^", "~" and "_"
    # when the ZPL is made
    zpl = label_zpl([carton(1, SSCC_1)])

    # then they are hexadecimal escapes after ^FH, and no field data holds a raw "^" or "~"
    assert "^FH^FDDock _5E7 _7E East_5FGate^FS" in zpl
    for data in re.findall(r"\^FD(.*?)\^FS", zpl):
        assert "^" not in data
        assert "~" not in data


def test_zpl_fields_are_placed_on_the_label() -> None:
    # given two cartons
    # when their ZPL is made
    zpl = label_zpl(two_cartons())

    # then every field origin lies within 812 x 1218 dots
    origins = [(int(x), int(y)) for x, y in re.findall(r"\^FO(\d+),(\d+)", zpl)]
    assert origins
    assert all(0 <= x < 812 and 0 <= y < 1218 for x, y in origins)


def test_zpl_without_carrier_leaves_the_carrier_lines_out() -> None:
    # given a carton with no carrier yet
    label = carton(1, SSCC_1, carrier_name=None, service=None, tracking_number=None)

    # when its ZPL is made
    zpl = label_zpl([label])

    # then there is no carrier block
    assert "CARRIER" not in zpl
    assert "Tracking" not in zpl


def test_zpl_of_two_cartons_is_the_expected_file() -> None:
    # given two cartons
    # when their ZPL is made
    zpl = label_zpl(two_cartons())

    # then it is the reviewed file kept beside the tests (a layout change shows as a diff)
    assert zpl == (EXPECTED / "two_cartons.zpl").read_text(encoding="utf-8")


def test_no_labels_give_no_pdf_and_empty_zpl() -> None:
    # given no labels
    # when they are printed
    # then the PDF is refused (a PDF needs a page) and the ZPL is empty
    with pytest.raises(ValueError, match="no shipping labels"):
        label_pdf([])
    assert label_zpl([]) == ""
