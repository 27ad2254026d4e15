"""Warehouse confirmation files: taken once complete, applied all or nothing, then archived.

A file that cannot be applied (it does not read, or a confirmation does not fit the
shipment) is moved to the failed folder beside the inbox with `<name>.errors.txt` listing every
problem, and logged at error: nothing of it is applied, and it can be fixed and dropped again.
Steps refuse a shipment that is past them, so a file dropped twice does nothing twice.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from pathlib import Path

from gateway.app import Gateway
from gateway.errors import GatewayError
from gateway.fulfilment.shipping import GivenCarton, ShipDetails, Step, deliver, pick
from gateway.fulfilment.warehouse_confirmations import (
    Confirmation,
    Delivered,
    Packed,
    Picked,
    Shipped,
)
from gateway.fulfilment.warehouse_files import read_confirmations
from gateway.pipeline.fulfilment_actions import pack_in, ship_in, write_labels
from gateway.store import UnitOfWork
from gateway.store.fulfilment_store import shipment_by_number

log = logging.getLogger(__name__)
ACTOR = "warehouse"
_SUFFIXES = (".csv", ".json")


@dataclass(frozen=True)
class WarehouseFile:
    """What became of one confirmation file."""

    path: Path
    applied: int
    errors: tuple[str, ...] = ()
    moved_to: Path | None = None


def take_warehouse_files(gateway: Gateway) -> list[WarehouseFile]:
    """Apply every complete file in the warehouse inbox, oldest first."""
    inbox = gateway.settings.fulfilment.warehouse_inbox
    if not inbox.is_dir():
        return []
    settle = gateway.settings.settle_time.total_seconds()
    return [apply_file(gateway, path) for path in _complete_files(inbox, settle)]


def apply_file(gateway: Gateway, path: Path) -> WarehouseFile:
    """Apply one file in one transaction; archive it, or move it aside with its errors."""
    try:
        confirmations = read_confirmations(path, path.read_bytes())
        with gateway.store.unit_of_work() as uow:
            touched = [_apply(gateway, uow, one) for one in confirmations]
    except GatewayError as exc:
        return _failed(gateway, path, _sentences(exc))
    for number in sorted({number for number in touched if number}):
        write_labels(gateway, number)
    moved = _archive(gateway, path)
    log.info("warehouse file %s: %d confirmation(s) applied", path.name, len(confirmations))
    return WarehouseFile(path, len(confirmations), moved_to=moved)


def _apply(gateway: Gateway, uow: UnitOfWork, confirmation: Confirmation) -> str | None:
    """One confirmation; the shipment number whose labels changed (packed or shipped)."""
    try:
        return _dispatch(gateway, uow, confirmation)
    except GatewayError as exc:
        # A step's issues name no place in the file: each is told where its confirmation is.
        where = confirmation.where
        issues = [replace(issue, message=f"{where}: {issue.message}") for issue in exc.issues]
        raise type(exc)(f"{where}: {exc.message}", issues) from exc


def _dispatch(gateway: Gateway, uow: UnitOfWork, confirmation: Confirmation) -> str | None:
    step = Step(uow.session, uow.now(), ACTOR)
    if isinstance(confirmation, Picked):
        shipment = shipment_by_number(uow.session, confirmation.shipment)
        pick(step, shipment, {line.line: line.quantity for line in confirmation.lines})
        return None
    if isinstance(confirmation, Packed):
        given = [
            GivenCarton(
                {line.line: line.quantity for line in carton.lines}, carton.weight_kg, carton.sscc
            )
            for carton in confirmation.cartons
        ]
        pack_in(gateway, uow, confirmation.shipment, given, ACTOR)
        return confirmation.shipment
    if isinstance(confirmation, Shipped):
        details = ShipDetails(
            carrier=confirmation.carrier,
            tracking_number=confirmation.tracking_number,
            service=confirmation.service,
            ship_date=confirmation.ship_date,
            weight_kg=confirmation.weight_kg,
        )
        ship_in(gateway, uow, confirmation.shipment, details, ACTOR)
        return confirmation.shipment
    if isinstance(confirmation, Delivered):
        shipment = shipment_by_number(uow.session, confirmation.shipment)
        deliver(
            step, shipment, confirmation.delivered_on, confirmation.received_by, confirmation.note
        )
    return None


def _complete_files(inbox: Path, settle: float) -> list[Path]:
    """Files of a known kind, not hidden or temporary, unchanged for the settle time."""
    now = time.time()
    found = []
    for path in inbox.iterdir():
        if not path.is_file() or path.name.startswith(".") or path.suffix.lower() not in _SUFFIXES:
            continue
        if now - path.stat().st_mtime >= settle:
            found.append(path)
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


def _sentences(exc: GatewayError) -> tuple[str, ...]:
    details = tuple(
        f"{where}: {issue.message}" if (where := str(issue.location)) else issue.message
        for issue in exc.issues
    )
    return details or (exc.message,)


def _failed(gateway: Gateway, path: Path, errors: tuple[str, ...]) -> WarehouseFile:
    failed = gateway.settings.fulfilment.warehouse_failed
    failed.mkdir(parents=True, exist_ok=True)
    target = _free_name(failed / path.name)
    path.replace(target)
    target.with_name(f"{target.name}.errors.txt").write_text(
        "".join(f"{error}\n" for error in errors), encoding="utf-8"
    )
    log.error(
        "warehouse file %s was not applied (moved to %s): %s", path.name, target, "; ".join(errors)
    )
    return WarehouseFile(path, 0, errors, target)


def _archive(gateway: Gateway, path: Path) -> Path | None:
    archive = gateway.settings.archive
    if archive is None:
        path.unlink()
        return None
    folder = archive / "warehouse"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = gateway.clock().strftime("%Y%m%dT%H%M%S")
    target = _free_name(folder / f"{stamp}-{path.name}")
    path.replace(target)
    return target


def _free_name(path: Path) -> Path:
    """The path, or the path with -2, -3 ... when a file of that name is there already."""
    candidate, count = path, 1
    while candidate.exists():
        count += 1
        candidate = path.with_name(f"{path.stem}-{count}{path.suffix}")
    return candidate
