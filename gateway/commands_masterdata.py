"""What the `gateway masterdata` sub-commands do, returning their exit code."""

from __future__ import annotations

import dataclasses
import enum
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from gateway.commands import EXIT_FAILED, EXIT_OK, Context, _gateway, guarded
from gateway.errors import Issue
from gateway.orders.amounts import quantity_text
from gateway.orders.masterdata_csv import MasterDataError
from gateway.orders.masterdata_schema import spec_for
from gateway.output import _cell, _table
from gateway.store.masterdata_store import ImportSummary, import_masterdata, load_kind

# More issues than this are counted, not printed: a wrong column in a large export is one
# mistake repeated on every row.
MAX_ISSUES_SHOWN = 200


@guarded
def cmd_masterdata_import(ctx: Context) -> int:
    """Check a folder of master data CSV files and replace the kinds present."""
    folder = Path(ctx.args.dir)
    with _gateway(ctx) as gateway:
        try:
            summary = import_masterdata(gateway.store, folder, "cli", dry_run=ctx.args.dry_run)
        except MasterDataError as exc:
            print_issues(exc.issues, f"{exc.message}; nothing was imported")
            return EXIT_FAILED
    for line in summary_lines(summary, ctx.args.dir):
        print(line)
    return EXIT_OK


def print_issues(issues: Sequence[Issue], headline: str) -> None:
    """The headline, then one issue per line (`file, row N, column C: message`), capped."""
    print(f"gateway: {headline}", file=sys.stderr)
    for issue in issues[:MAX_ISSUES_SHOWN]:
        print(str(issue), file=sys.stderr)
    if len(issues) > MAX_ISSUES_SHOWN:
        print(f"... and {len(issues) - MAX_ISSUES_SHOWN} more", file=sys.stderr)


def summary_lines(summary: ImportSummary, shown_folder: str) -> list[str]:
    """What an import wrote, one line per kind, then the stock movements and a last word."""
    if summary.dry_run:
        lines = [
            f"{kind}: {count} {_rows(count)} (replacing {summary.previous[kind]})"
            for kind, count in summary.counts.items()
        ]
        lines.append(f"stock movements: {summary.stock_movements} would be written")
        lines.append(f"dry run: master data in {shown_folder} is valid; nothing was written")
        return lines
    lines = [f"{kind}: {count} {_rows(count)}" for kind, count in summary.counts.items()]
    lines.append(f"stock movements: {summary.stock_movements}")
    lines.append(f"master data imported from {shown_folder}")
    return lines


def _rows(count: int) -> str:
    return "row" if count == 1 else "rows"


@guarded
def cmd_masterdata_show(ctx: Context) -> int:
    """Every row of one kind of master data, as a table or JSON."""
    kind = ctx.args.kind
    with _gateway(ctx) as gateway, gateway.store.read() as session:
        records = load_kind(session, kind)
    if ctx.args.json:
        print(json.dumps([record_json(r) for r in records], indent=2, ensure_ascii=False))
        return EXIT_OK
    names = spec_for(kind).column_names
    rows = [[_cell(_text(getattr(r, name))) for name in names] for r in records]
    print(_table(names, rows) if rows else f"no {kind}")
    return EXIT_OK


def record_json(record: Any) -> dict[str, Any]:
    """A master data record as JSON: Decimal as a string, dates ISO, enums by value."""
    return {f.name: _json_value(getattr(record, f.name)) for f in dataclasses.fields(record)}


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        # Without the trailing zeros of the column's scale (0.450000 -> 0.45), never an exponent.
        return quantity_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _text(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _json_value(value)


HANDLERS: dict[tuple[str, str | None], Callable[[Context], int]] = {
    ("masterdata", "import"): cmd_masterdata_import,
    ("masterdata", "show"): cmd_masterdata_show,
}
