"""Shipping labels for cartons: a 4 x 6 inch PDF page or a ZPL II format per label."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from gateway.fulfilment.documents_model import ShippingLabel
from gateway.fulfilment.gs1_128 import gs1_128_barcode, zpl_gs1_128
from gateway.fulfilment.label_layout import (
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    Bars,
    Element,
    Rule,
    Text,
    layout,
)

# A 203 dpi printer has 8 dots per millimetre: 812 x 1218 dots on a 4 x 6 inch label.
ZPL_DPI = 203
_DOTS_PER_POINT = ZPL_DPI / 72
# ^BY module width in dots: 4 dots = 0.5 mm, just over the GS1 minimum X-dimension of 0.495 mm.
ZPL_MODULE_DOTS = 4
# Start C, FNC1, ten digit pairs ("00" and the SSCC) and the check character have 11 modules
# each, the stop character 13 (ISO/IEC 15417).
_SSCC_SYMBOL_MODULES = 11 * 13 + 13
# ^FH makes "_" introduce a hexadecimal byte in ^FD; "^" and "~" would start a command.
_ZPL_ESCAPES = {"_": "_5F", "^": "_5E", "~": "_7E"}


def label_pdf(labels: Sequence[ShippingLabel]) -> bytes:
    """One 4 x 6 inch PDF page per label, in the order given."""
    if not labels:
        raise ValueError("no shipping labels to print; give at least one label")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1)
    canvas.setTitle(f"Shipping labels {labels[0].shipment_number}")
    for label in labels:
        for element in layout(label):
            _draw(canvas, element)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw(canvas: Any, element: Element) -> None:
    if isinstance(element, Text):
        # The baseline sits 0.9 of the font size below the top of the character cell.
        canvas.setFont(element.font, element.size)
        canvas.drawString(element.x, PAGE_HEIGHT - element.top - 0.9 * element.size, element.text)
    elif isinstance(element, Rule):
        canvas.setLineWidth(0.75)
        y = PAGE_HEIGHT - element.top
        canvas.line(MARGIN, y, PAGE_WIDTH - MARGIN, y)
    else:
        barcode = gs1_128_barcode(element.sscc, height_mm=element.height / mm)
        x = (PAGE_WIDTH - barcode.width) / 2
        barcode.drawOn(canvas, x, PAGE_HEIGHT - element.top - element.height)


def label_zpl(labels: Sequence[ShippingLabel]) -> str:
    """One ^XA ... ^XZ format per label for a 203 dpi 4 x 6 inch thermal printer."""
    return "".join(_zpl_label(label) for label in labels)


def _zpl_label(label: ShippingLabel) -> str:
    commands = [
        "^XA",
        "^CI28",  # field data is UTF-8
        f"^PW{_dots(PAGE_WIDTH)}",
        f"^LL{_dots(PAGE_HEIGHT)}",
        "^LH0,0",
        *(_zpl(element) for element in layout(label)),
        "^XZ",
    ]
    return "\n".join(commands) + "\n"


def _zpl(element: Element) -> str:
    if isinstance(element, Text):
        size = _dots(element.size)
        return (
            f"^FO{_dots(element.x)},{_dots(element.top)}^A0N,{size},{size}"
            f"^FH^FD{zpl_escape(element.text)}^FS"
        )
    if isinstance(element, Rule):
        width = _dots(PAGE_WIDTH - 2 * MARGIN)
        return f"^FO{_dots(MARGIN)},{_dots(element.top)}^GB{width},2,2^FS"
    return _zpl_bars(element)


def _zpl_bars(bars: Bars) -> str:
    # ^BCN,h,N,N,N: normal orientation, no printer interpretation line (the label prints its own
    # "(00) ..." line), no UCC check digit; the data starts in subset C with FNC1.
    height = _dots(bars.height)
    x = (_dots(PAGE_WIDTH) - _SSCC_SYMBOL_MODULES * ZPL_MODULE_DOTS) // 2
    return (
        f"^FO{x},{_dots(bars.top)}^BY{ZPL_MODULE_DOTS}"
        f"^BCN,{height},N,N,N^FD{zpl_gs1_128(bars.sscc)}^FS"
    )


def zpl_escape(text: str) -> str:
    """Field data safe after ^FH: "_", "^" and "~" as hexadecimal bytes, controls as spaces."""
    return "".join(_ZPL_ESCAPES.get(char, " " if _is_control(char) else char) for char in text)


def _is_control(char: str) -> bool:
    return char < " " or char == "\x7f"


def _dots(points: float) -> int:
    return round(points * _DOTS_PER_POINT)
