"""The SSCC of a logistic unit as a GS1-128 barcode, for reportlab (PDF) and Zebra printers (ZPL).

GS1-128 is Code 128 whose first symbol character after the start character is FNC1 (GS1
General Specifications 5.4); a scanner then reports the symbology identifier "]C1" followed by
the element string, here AI "00" and the 18 digits of the SSCC (GS1 General Specifications 3.3.1).
"""

from __future__ import annotations

from typing import Any, Protocol, cast

from reportlab.graphics.barcode.code128 import Code128  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]

from gateway.fulfilment.sscc import check_sscc

# GS1 Application Identifier of the Serial Shipping Container Code.
SSCC_AI = "00"
# reportlab's Code128 takes the function characters FNC1..FNC4 as "\xf1".."\xf4" in its value.
REPORTLAB_FNC1 = "\xf1"
# ZPL II ^BC invocation codes: ">;" starts in subset C, ">8" is FNC1 (ZPL II Programming
# Guide, ^BC, Table "Code 128 Invocation Characters").
ZPL_START_C_FNC1 = ">;>8"
# GS1 General Specifications 5.9.3, Symbol Specification Table 3 (logistic units): minimum and
# target X-dimension 0.495 mm, minimum bar height 31.75 mm. Quiet zones are 10 X (5.4.4.2).
X_DIMENSION_MM = 0.495
BAR_HEIGHT_MM = 32.0


class Gs1128Barcode(Protocol):
    """What the label code uses of reportlab's Code128: its size, symbol values and drawing."""

    encoded: list[int]

    @property
    def width(self) -> float:
        """The width in points, quiet zones included."""

    @property
    def height(self) -> float:
        """The bar height in points."""

    def drawOn(self, canvas: Any, x: float, y: float) -> None:
        """Draw the bars with the lower left corner of the left quiet zone at (x, y)."""


def human_readable(sscc: str) -> str:
    """The human-readable interpretation printed under the barcode: "(00) " and the SSCC."""
    return f"({SSCC_AI}) {check_sscc(sscc)}"


def gs1_128_barcode(
    sscc: str, *, x_dimension_mm: float = X_DIMENSION_MM, height_mm: float = BAR_HEIGHT_MM
) -> Gs1128Barcode:
    """A reportlab Code 128 barcode of FNC1 + "00" + the SSCC, with 10 X quiet zones."""
    quiet = 10 * x_dimension_mm * mm
    barcode = Code128(
        REPORTLAB_FNC1 + SSCC_AI + check_sscc(sscc),
        barWidth=x_dimension_mm * mm,
        barHeight=height_mm * mm,
        lquiet=quiet,
        rquiet=quiet,
        humanReadable=0,
    )
    # Reading the width encodes the symbol, so `encoded` is there for whoever looks at it.
    _ = barcode.width
    return cast(Gs1128Barcode, barcode)


def zpl_gs1_128(sscc: str) -> str:
    """The ^FD field data of a ZPL ^BC barcode: start C, FNC1, "00" and the SSCC."""
    return ZPL_START_C_FNC1 + SSCC_AI + check_sscc(sscc)
