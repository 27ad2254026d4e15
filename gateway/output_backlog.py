"""What `gateway backlog` prints: a table for people, JSON for scripts (always with the lines)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from gateway.orders.amounts import quantity_text
from gateway.orders.backlog_report import (
    BUCKETS,
    AgedLine,
    Amount,
    BacklogGroup,
    BacklogReport,
    CurrencyTotal,
    CustomerTotal,
    Totals,
)
from gateway.output import _table
from gateway.output_orders import NONE, _text

BACKLOG_HEADERS = (
    "CUSTOMER",
    "ITEM",
    "CURRENCY",
    "LINES",
    "QUANTITY",
    "VALUE",
    *(bucket.upper() for bucket in BUCKETS),
)
BACKLOG_LINE_HEADERS = (
    "CUSTOMER",
    "ITEM",
    "ORDER",
    "LINE",
    "BACKORDERED",
    "BASE QTY",
    "VALUE",
    "CURRENCY",
    "REQUESTED",
    "PROMISED",
    "DAYS LATE",
)


def render_backlog(report: BacklogReport, with_lines: bool = False) -> str:
    """The backlog table (each customer's items, then its totals, then the grand totals)."""
    if not report.groups:
        return "no open backorders"
    rows: list[list[str]] = []
    for customer in report.customers:
        groups = [g for g in report.groups if (g.customer, g.currency) == _key(customer)]
        rows += [_group_row(g) for g in groups]
        rows.append(_totals_row(customer.customer, "total", customer.currency, customer.totals))
    rows += [_totals_row("all customers", "total", c.currency, c.totals) for c in report.currencies]
    parts = [
        f"backlog as of {report.as_of.isoformat()} (quantities in base units, values at our "
        "price, else the buyer's)\naging by days past the requested date: each bucket shows "
        "quantity / value",
        _table(BACKLOG_HEADERS, rows),
    ]
    if with_lines:
        lines = [_backlog_line_row(aged) for aged in report.lines]
        parts.append("lines:\n" + _table(BACKLOG_LINE_HEADERS, lines))
    return "\n\n".join(parts)


def _key(customer: CustomerTotal) -> tuple[str, str | None]:
    return customer.customer, customer.currency


def _group_row(group: BacklogGroup) -> list[str]:
    return _totals_row(group.customer, group.item, group.currency, group.totals)


def _totals_row(customer: str, item: str, currency: str | None, totals: Totals) -> list[str]:
    total = totals.total
    return [
        customer,
        item,
        currency or NONE,
        str(total.lines),
        quantity_text(total.quantity),
        str(total.value),
        *(_bucket_cell(amount) for amount in totals.buckets),
    ]


def _bucket_cell(amount: Amount) -> str:
    if not amount.lines:
        return NONE
    return f"{quantity_text(amount.quantity)} / {amount.value}"


def _backlog_line_row(aged: AgedLine) -> list[str]:
    line = aged.line
    return [
        line.customer,
        line.item,
        line.order_number,
        line.line_number,
        f"{quantity_text(line.backordered_quantity)} {line.uom or ''}".rstrip(),
        quantity_text(line.base_quantity),
        str(line.value),
        line.currency or NONE,
        _text(line.requested_date),
        _text(line.promised_date),
        NONE if aged.days_late is None else str(aged.days_late),
    ]


def backlog_json(report: BacklogReport) -> dict[str, Any]:
    """{"as_of", "buckets", "groups", "customers", "totals", "lines"}; amounts as strings."""
    return {
        "as_of": report.as_of.isoformat(),
        "buckets": list(BUCKETS),
        "groups": [
            {"customer": g.customer, "item": g.item, **_totals_json(g.currency, g.totals)}
            for g in report.groups
        ],
        "customers": [
            {"customer": c.customer, **_totals_json(c.currency, c.totals)} for c in report.customers
        ],
        "totals": [_currency_json(c) for c in report.currencies],
        "lines": [_aged_json(a) for a in report.lines],
    }


def _currency_json(total: CurrencyTotal) -> dict[str, Any]:
    return _totals_json(total.currency, total.totals)


def _totals_json(currency: str | None, totals: Totals) -> dict[str, Any]:
    return {
        "currency": currency,
        **_amount_json(totals.total),
        "buckets": {
            bucket: _amount_json(amount)
            for bucket, amount in zip(BUCKETS, totals.buckets, strict=True)
        },
    }


def _amount_json(amount: Amount) -> dict[str, Any]:
    return {
        "lines": amount.lines,
        "quantity": quantity_text(amount.quantity),
        "value": str(amount.value),
    }


def _aged_json(aged: AgedLine) -> dict[str, Any]:
    line = aged.line
    return {
        "customer": line.customer,
        "item": line.item,
        "order_id": line.order_id,
        "order_number": line.order_number,
        "line_number": line.line_number,
        "sku": line.sku,
        "gtin": line.gtin,
        "backordered_quantity": quantity_text(line.backordered_quantity),
        "uom": line.uom,
        "base_quantity": quantity_text(line.base_quantity),
        "value": str(line.value),
        "currency": line.currency,
        "requested_date": _iso(line.requested_date),
        "promised_date": _iso(line.promised_date),
        "days_late": aged.days_late,
        "bucket": aged.bucket,
    }


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def print_backlog(report: BacklogReport, as_json: bool, with_lines: bool = False) -> None:
    """The backlog for a person, or JSON for a script (always with the lines)."""
    if as_json:
        print(json.dumps(backlog_json(report), indent=2))
    else:
        print(render_backlog(report, with_lines))
