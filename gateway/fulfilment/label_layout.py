"""Where each line of a 4 x 6 inch shipping label goes, shared by the PDF and the ZPL renderings.

The layout follows the GS1 Logistic Label (GS1 General Specifications 6.6 and the GS1 Logistic
Label Guideline): free-format text segments on top (from, to, carrier, order, contents) and the
SSCC as a GS1-128 barcode in the lowest position, its human-readable line beneath. Positions are
in points from the top left corner of the label; text is cut to fit its width using Helvetica
metrics, which are wider than the condensed font 0 of Zebra printers, so the cut suits both.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from reportlab.lib.units import inch, mm  # type: ignore[import-untyped]
from reportlab.lib.utils import simpleSplit  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]

from gateway.fulfilment.documents_model import Address, ShippingLabel
from gateway.fulfilment.gs1_128 import BAR_HEIGHT_MM, human_readable
from gateway.fulfilment.sscc import check_sscc
from gateway.orders.amounts import quantity_text

PAGE_WIDTH: float = 4 * inch
PAGE_HEIGHT: float = 6 * inch
MARGIN: float = 3 * mm
INNER_WIDTH: float = PAGE_WIDTH - 2 * MARGIN
COLUMN_WIDTH: float = INNER_WIDTH / 2 - 2 * mm
LEADING = 1.2  # line height as a multiple of the font size
CONTENT_ROWS = 4
FONT = "Helvetica"
BOLD = "Helvetica-Bold"
_ELLIPSIS = "…"


@dataclass(frozen=True)
class Text:
    """One line of text whose character cell starts at (x, top)."""

    x: float
    top: float
    text: str
    size: float
    bold: bool = False

    @property
    def font(self) -> str:
        """The PDF standard font the text was measured with."""
        return BOLD if self.bold else FONT


@dataclass(frozen=True)
class Rule:
    """A horizontal line across the label separating two segments."""

    top: float


@dataclass(frozen=True)
class Bars:
    """The SSCC barcode, centred across the label, bars from `top` down `height` points."""

    sscc: str
    top: float
    height: float


Element = Text | Rule | Bars


def fit(text: str, size: float, width: float, *, bold: bool = False) -> str:
    """The text on one line, cut with an ellipsis where it would be wider than `width`."""
    font = BOLD if bold else FONT
    text = _one_line(text)
    if stringWidth(text, font, size) <= width:
        return text
    # No Helvetica glyph is narrower than 0.2 em: anything past this many characters is cut anyway.
    text = text[: int(width / (0.2 * size)) + 1]
    while text and stringWidth(text + _ELLIPSIS, font, size) > width:
        text = text[:-1]
    return text.rstrip() + _ELLIPSIS


def wrap(text: str, size: float, width: float, max_lines: int, *, bold: bool = False) -> list[str]:
    """The text wrapped at spaces into at most `max_lines` lines, the last one cut to fit."""
    font = BOLD if bold else FONT
    lines: list[str] = simpleSplit(_one_line(text), font, size, width)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return [fit(line, size, width, bold=bold) for line in lines]


def _one_line(text: str) -> str:
    # Line breaks, tabs and other control characters in master data become single spaces.
    printable = "".join(" " if char < " " or char == "\x7f" else char for char in text)
    return " ".join(printable.split())


def address_lines(address: Address) -> list[str]:
    """The address below its name: street, postal code and city, region and country."""
    place = " ".join(part for part in (address.postal_code, address.city) if part)
    land = " ".join(part for part in (address.region, address.country) if part)
    return [line for line in (address.street, place, land) if line]


def layout(label: ShippingLabel) -> list[Element]:
    """Every text line, rule and the barcode of one label, positioned top to bottom."""
    check_sscc(label.sscc)
    if not 1 <= label.carton_index <= label.carton_count:
        raise ValueError(
            f"the label of SSCC {label.sscc} says carton {label.carton_index} of "
            f"{label.carton_count}; expected a carton number from 1 to {label.carton_count}"
        )
    pen = _Pen(MARGIN)
    elements: list[Element] = []
    for segment in (_ship_from, _ship_to, _carrier, _order, _contents):
        texts = list(segment(label, pen))
        if texts:
            elements.extend([*texts, Rule(pen.top + 1.5)])
            pen.top += 4
    # Every segment has a bounded number of lines, so together they end above the barcode.
    elements.extend(_barcode(label))
    return elements


@dataclass
class _Pen:
    """The running position while laying out one label."""

    top: float

    def line(self, text: str, size: float, *, bold: bool = False, x: float = MARGIN) -> Text:
        placed = Text(x, self.top, text, size, bold)
        self.top += size * LEADING
        return placed


def _ship_from(label: ShippingLabel, pen: _Pen) -> Iterator[Text]:
    yield pen.line("FROM", 6, bold=True)
    address = label.ship_from
    yield pen.line(fit(address.name, 8, INNER_WIDTH, bold=True), 8, bold=True)
    for line in address_lines(address):
        yield pen.line(fit(line, 8, INNER_WIDTH), 8)


def _ship_to(label: ShippingLabel, pen: _Pen) -> Iterator[Text]:
    yield pen.line("TO", 6, bold=True)
    address = label.ship_to
    for line in wrap(address.name, 12, INNER_WIDTH, 2, bold=True):
        yield pen.line(line, 12, bold=True)
    for line in address_lines(address):
        yield pen.line(fit(line, 11, INNER_WIDTH), 11)
    if address.gln:
        # GS1 AI 410 "ship to - deliver to" GLN, as text for people reading the label.
        yield pen.line(fit(f"GLN {address.gln}", 8, INNER_WIDTH), 8)


def _carrier(label: ShippingLabel, pen: _Pen) -> Iterator[Text]:
    carrier = " - ".join(part for part in (label.carrier_name, label.service) if part)
    if not carrier and not label.tracking_number:
        return
    yield pen.line("CARRIER", 6, bold=True)
    if carrier:
        yield pen.line(fit(carrier, 10, INNER_WIDTH, bold=True), 10, bold=True)
    if label.tracking_number:
        yield pen.line(fit(f"Tracking: {label.tracking_number}", 10, INNER_WIDTH), 10)


def _order(label: ShippingLabel, pen: _Pen) -> Iterator[Text]:
    left = [f"Order: {label.order_number}", f"Shipment: {label.shipment_number}"]
    right = [f"Carton {label.carton_index} of {label.carton_count}"]
    if label.weight_kg is not None:
        right.append(f"Weight: {quantity_text(label.weight_kg)} kg")
    if label.ship_date is not None:
        right.append(f"Ship date: {label.ship_date.isoformat()}")
    for row in range(max(len(left), len(right))):
        top = pen.top
        if row < len(left):
            yield Text(MARGIN, top, fit(left[row], 10, COLUMN_WIDTH, bold=True), 10, bold=True)
        if row < len(right):
            x = MARGIN + INNER_WIDTH / 2
            yield Text(x, top, fit(right[row], 10, COLUMN_WIDTH, bold=True), 10, bold=True)
        pen.top += 10 * LEADING


def _contents(label: ShippingLabel, pen: _Pen) -> Iterator[Text]:
    if not label.contents:
        return
    yield pen.line("CONTENTS", 6, bold=True)
    for item in label.contents[:CONTENT_ROWS]:
        quantity = fit(f"{quantity_text(item.quantity)} {item.uom}", 8, 20 * mm)
        top = pen.top
        yield Text(MARGIN, top, quantity, 8)
        what = fit(f"{item.sku}  {item.description}", 8, INNER_WIDTH - 22 * mm)
        yield pen.line(what, 8, x=MARGIN + 22 * mm)
    if len(label.contents) > CONTENT_ROWS:
        yield pen.line(f"+ {len(label.contents) - CONTENT_ROWS} more", 8)


def _barcode(label: ShippingLabel) -> list[Element]:
    # The lowest segment: data title "SSCC", the bars, then the human-readable interpretation.
    hri_size, title_size = 12.0, 7.0
    hri_top = PAGE_HEIGHT - MARGIN - hri_size * LEADING
    bars_top = hri_top - 2 - BAR_HEIGHT_MM * mm
    title_top = bars_top - 2 - title_size * LEADING
    hri = human_readable(label.sscc)
    hri_x = (PAGE_WIDTH - stringWidth(hri, BOLD, hri_size)) / 2
    return [
        Text(MARGIN, title_top, "SSCC", title_size, bold=True),
        Bars(label.sscc, bars_top, BAR_HEIGHT_MM * mm),
        Text(hri_x, hri_top, hri, hri_size, bold=True),
    ]
