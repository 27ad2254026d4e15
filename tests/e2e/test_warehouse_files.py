"""Warehouse confirmation files through the real command: `gateway warehouse take` applies a
good CSV file and refuses a bad JSON one, each whole, and says which is which."""

from __future__ import annotations

import json
import os
import time
from datetime import date, timedelta
from decimal import Decimal

from gateway.fulfilment.sscc import sscc
from tests.e2e.conftest import Workspace
from tests.e2e.test_order_engine_flow import PEN, orders_file

REQUESTED = date.today() + timedelta(days=10)


def put(ws: Workspace, name: str, text: str) -> None:
    """A complete confirmation file in warehouse/in (an mtime past the settle time)."""
    inbox = ws.root / "warehouse" / "in"
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / name
    path.write_text(text, encoding="utf-8")
    stamp = time.time() - 60
    os.utime(path, (stamp, stamp))


def test_warehouse_take_applies_the_good_file_and_refuses_the_bad_one(
    workspace: Workspace,
) -> None:
    ws = workspace
    # given two orders for pens, processed and released as two shipments
    ws.drop("acme", "po1.edi", orders_file("PO-1", [(PEN, 100, "0.45")], REQUESTED))
    ws.drop("acme", "po2.edi", orders_file("PO-2", [(PEN, 50, "0.45")], REQUESTED))
    assert ws.gateway("batch").code == 0
    release = ws.gateway("orders", "release", "--all", "--json")
    assert release.code == 0, release.stderr
    first, second = release.json()["shipments"]
    # and a good CSV file confirming the first picked, packed with its SSCC, and shipped
    label = sscc(0, "0614141", 77)
    put(
        ws,
        "good.csv",
        "event,shipment,line,quantity,carton,sscc,carrier,tracking\n"
        f"picked,{first},1,100,,,,\n"
        f"packed,{first},1,100,C1,{label},,\n"
        f"shipped,{first},,,,,DHL,JD014600006281234567\n",
    )
    # and a bad JSON file confirming the second's pick of a line it does not have
    picked = {"event": "picked", "shipment": second, "lines": [{"line": "7", "quantity": 50}]}
    put(ws, "bad.json", json.dumps({"confirmations": [picked]}))
    # when the warehouse inbox is taken
    result = ws.gateway("warehouse", "take")
    # then the command fails, naming both files and the bad one's problem with its place
    assert result.code == 1, result.stderr
    assert "good.csv: 3 confirmation(s) applied" in result.stdout
    assert f"bad.json: refused, moved to {ws.root / 'warehouse' / 'failed' / 'bad.json'}" in (
        result.stdout
    )
    assert (
        f"bad.json $.confirmations[0]: pick of {second} refused: line 7 is not in shipment "
        f"{second} (its lines: 1)" in result.stdout
    )
    # and the good one is applied: its order shipped all 100 pens in the warehouse's carton
    shown = ws.gateway("orders", "show", "1", "--json")
    assert shown.code == 0, shown.stderr
    order = shown.json()
    assert (order["order"]["order_number"], order["order"]["status"]) == ("PO-1", "shipped")
    assert [Decimal(line["shipped_quantity"]) for line in order["lines"]] == [Decimal(100)]
    assert not (ws.root / "warehouse" / "in" / "good.csv").exists()
    assert (ws.root / "warehouse" / "failed" / "bad.json.errors.txt").is_file()
