"""The pick list a warehouse works from: a CSV file to fill in and return, and a printable PDF."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from itertools import groupby
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_RIGHT  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    CondPageBreak,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from gateway.fulfilment.documents_model import PickLine, PickList
from gateway.orders.amounts import quantity_text

# The CSV header; "picked_quantity" stays empty for the picker (or the warehouse system) to fill.
PICK_LIST_COLUMNS = (
    "pick_list",
    "warehouse",
    "bin",
    "sku",
    "gtin",
    "description",
    "quantity",
    "uom",
    "order_number",
    "line_number",
    "shipment",
    "picked_quantity",
)
_TABLE_HEADER = ("Bin", "SKU", "GTIN", "Description", "Quantity", "Order / line", "Picked")
_COLUMN_WIDTHS_MM = (22, 30, 27, 41, 24, 24, 12)  # 180 mm: A4 less 15 mm margins
_DIGITS = re.compile(r"([0-9]+)")

NaturalKey = tuple[tuple[int, int, str], ...]


def _natural(text: str) -> NaturalKey:
    # Runs of digits compare as numbers, so bin A-2 comes before A-10 and line 9 before line 10.
    parts = (part for part in _DIGITS.split(text) if part)
    return tuple((0, int(part), "") if part[0].isdigit() else (1, 0, part) for part in parts)


def walk_order(line: PickLine) -> tuple[NaturalKey, ...]:
    """The sort key of a pick line: warehouse, bin (the walk), SKU, order number, line number."""
    fields = (line.warehouse, line.bin, line.sku, line.order_number, line.line_number)
    return (*(_natural(value) for value in fields), tuple((1, 0, value) for value in fields))


def pick_list_csv(pick_list: PickList) -> str:
    """The pick list as RFC 4180 CSV: a header row, then one row per line in walk order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(PICK_LIST_COLUMNS)
    for line in sorted(pick_list.lines, key=walk_order):
        writer.writerow(_csv_row(pick_list.number, line))
    return buffer.getvalue()


def _csv_row(number: str, line: PickLine) -> tuple[str, ...]:
    return (
        number,
        line.warehouse,
        line.bin,
        line.sku,
        line.gtin or "",
        line.description,
        quantity_text(line.quantity),
        line.uom,
        line.order_number,
        line.line_number,
        line.shipment_number,
        "",
    )


def pick_list_pdf(pick_list: PickList) -> bytes:
    """The pick list as an A4 PDF: one section per warehouse, a table per section in walk order."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=f"Pick list {pick_list.number}",
        invariant=1,
    )
    document.build(_story(pick_list), canvasmaker=_numbered(pick_list.number))
    return buffer.getvalue()


def _numbered(number: str) -> Callable[..., Any]:
    """A canvas that keeps each page until the last, then writes "page N of M" on every one:
    one layout pass instead of two."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont("Helvetica", 8)
                self.drawCentredString(
                    A4[0] / 2, 10 * mm, f"Pick list {number} - page {self._pageNumber} of {total}"
                )
                super().showPage()
            super().save()

    return NumberedCanvas


def _story(pick_list: PickList) -> list[Any]:
    styles = _styles()
    story: list[Any] = [
        Paragraph(escape(f"Pick list {pick_list.number}"), styles["title"]),
        Paragraph(escape(f"Created {_timestamp(pick_list.created_at)}"), styles["body"]),
        Spacer(1, 4 * mm),
    ]
    if not pick_list.lines:
        story.append(Paragraph("No lines to pick.", styles["body"]))
    lines = sorted(pick_list.lines, key=walk_order)
    for warehouse, section in groupby(lines, key=lambda line: line.warehouse):
        name = pick_list.warehouse_names.get(warehouse)
        heading = f"Warehouse {warehouse}" + (f" - {name}" if name else "")
        story.extend(_section(heading, list(section), styles))
    return story


def _section(heading: str, lines: Sequence[PickLine], styles: dict[str, Any]) -> list[Any]:
    return [
        # A heading alone at the foot of a page goes to the next one with its table.
        CondPageBreak(30 * mm),
        Paragraph(escape(heading), styles["heading"]),
        _table(lines, styles),
        Paragraph(escape(_totals(lines)), styles["total"]),
        Spacer(1, 6 * mm),
    ]


def _table(lines: Sequence[PickLine], styles: dict[str, Any]) -> Any:
    rows: list[list[Any]] = [list(_TABLE_HEADER)]
    rows.extend(_table_row(line, styles["cell"], styles["quantity"]) for line in lines)
    table = LongTable(rows, colWidths=[width * mm for width in _COLUMN_WIDTHS_MM], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
                ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _table_row(line: PickLine, cell: Any, quantity: Any) -> list[Any]:
    # Paragraphs wrap long values inside their column instead of running into the next one.
    # Only the description wraps; short codes stay plain strings, which lay out far faster.
    return [
        line.bin,
        line.sku,
        line.gtin or "",
        Paragraph(escape(line.description), cell),
        Paragraph(escape(f"{quantity_text(line.quantity)} {line.uom}"), quantity),
        Paragraph(escape(f"{line.order_number} / {line.line_number}"), cell),
        "",
    ]


def _totals(lines: Iterable[PickLine]) -> str:
    """The line count and the units summed per unit of measure ("3 lines, 12 PCE, 2.5 KGM")."""
    units: dict[str, Decimal] = {}
    count = 0
    for line in lines:
        count += 1
        units[line.uom] = units.get(line.uom, Decimal(0)) + line.quantity
    sums = ", ".join(f"{quantity_text(total)} {uom}" for uom, total in sorted(units.items()))
    return f"Total: {count} {'line' if count == 1 else 'lines'}, {sums}"


def _timestamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _styles() -> dict[str, Any]:
    return {
        "title": ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=16, leading=20),
        "body": ParagraphStyle("body", fontName="Helvetica", fontSize=9, leading=12),
        "heading": ParagraphStyle(
            "heading",
            fontName="Helvetica-Bold",
            fontSize=11,
            leading=14,
            spaceAfter=2 * mm,
        ),
        "cell": ParagraphStyle("cell", fontName="Helvetica", fontSize=8, leading=9.5),
        "quantity": ParagraphStyle(
            "quantity", fontName="Helvetica", fontSize=8, leading=9.5, alignment=TA_RIGHT
        ),
        "total": ParagraphStyle(
            "total", fontName="Helvetica-Bold", fontSize=9, leading=12, spaceBefore=2 * mm
        ),
    }
