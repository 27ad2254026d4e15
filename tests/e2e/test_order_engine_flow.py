"""The order engine through the real command: one line in stock and one backordered, the
ORDRSP saying so with the date, stock received making the line ready, the backlog before and
after, and a held order released by ops."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.e2e.conftest import Workspace, values

TODAY = date.today()
# The sample master data: 24 mugs on hand (5 days lead time), pens plenty; ACME pays 3.00 a mug.
MUG = "5412345000020"
PEN = "4006381333931"


def orders_file(number: str, lines: list[tuple[str, int, str]], requested: date) -> bytes:
    """An ORDERS D96A from acme (GLN 5790000000001) with (GTIN, quantity, price) lines."""
    body = [
        "UNH+1+ORDERS:D:96A:UN:EAN008",
        f"BGM+220+{number}+9",
        f"DTM+137:{TODAY:%Y%m%d}:102",
        f"DTM+2:{requested:%Y%m%d}:102",
        "NAD+BY+5790000000001::9",
        "NAD+SU+5412345000013::9",
        "NAD+DP+5790000000018::9",
        "CUX+2:EUR:9",
    ]
    for n, (gtin, quantity, price) in enumerate(lines, 1):
        body += [f"LIN+{n}++{gtin}:EN", f"QTY+21:{quantity}:PCE", f"PRI+AAA:{price}"]
    body += ["UNS+S", f"CNT+2:{len(lines)}"]
    body.append(f"UNT+{len(body) + 1}+1")
    segments = [
        f"UNB+UNOC:3+5790000000001:14+5412345000013:14+{TODAY:%y%m%d}:0930+{number}",
        *body,
        f"UNZ+1+{number}",
    ]
    return ("UNA:+.? '\n" + "'\n".join(segments) + "'\n").encode("latin-1")


def import_replenishment(ws: Workspace, tmp: Path, arrives: date) -> None:
    """Replace the sample replenishments: 120 mugs arriving on `arrives` (PO-7001)."""
    folder = tmp / "update"
    folder.mkdir()
    (folder / "replenishments.csv").write_text(
        f"sku,warehouse,quantity,expected_date,reference\nMUG-01,WH1,120,{arrives},PO-7001\n"
    )
    result = ws.gateway("masterdata", "import", str(folder))
    assert result.code == 0, result.stderr


def only_order(ws: Workspace) -> dict[str, Any]:
    """`orders show` of the one order in the workspace."""
    listed = ws.gateway("orders", "list", "--json")
    assert listed.code == 0, listed.stderr
    (summary,) = listed.json()
    shown = ws.gateway("orders", "show", str(summary["id"]), "--json")
    assert shown.code == 0, shown.stderr
    detail: dict[str, Any] = shown.json()
    return detail


def test_backordered_line_is_answered_with_its_date_and_made_ready_by_stock(
    workspace: Workspace, tmp_path: Path
) -> None:
    # given mugs expected in 20 days, and an order for 120 pens and 30 mugs (24 on hand)
    arrives = TODAY + timedelta(days=20)
    import_replenishment(workspace, tmp_path, arrives)
    order = orders_file(
        "PO-77", [(PEN, 120, "0.45"), (MUG, 30, "3.00")], TODAY + timedelta(days=10)
    )
    workspace.drop("acme", "po77.edi", order)
    # when one batch pass runs
    result = workspace.gateway("batch")
    assert result.code == 0, result.stderr
    # then the ORDRSP accepts the pens and backorders 6 mugs for arrival + 5 days lead time
    (ordrsp,) = workspace.sent("acme", "ORDRSP")
    (bgm,) = values(ordrsp, "BGM")
    assert bgm[2] == ("4",)  # 1225 = 4: change (accepted with amendment)
    lins = values(ordrsp, "LIN")
    assert [lin[1] for lin in lins] == [("5",), ("3",)]  # 1229: 5 accepted, 3 changed
    quantities = [q[0] for q in values(ordrsp, "QTY")]
    assert ("113", "24", "PCE") in quantities and ("83", "6", "PCE") in quantities
    backorder_date = arrives + timedelta(days=5)
    assert ("44", f"{backorder_date:%Y%m%d}", "102") in [d[0] for d in values(ordrsp, "DTM")]
    # and the order shows the backordered line
    detail = only_order(workspace)
    assert detail["order"]["status"] == "backordered"
    pens, mugs = detail["lines"]
    assert (pens["status"], mugs["status"]) == ("ready", "backordered")
    assert Decimal(mugs["allocated_quantity"]) == 24 and Decimal(mugs["backordered_quantity"]) == 6
    assert mugs["promised_date"] == backorder_date.isoformat()
    # and the backlog reports 6 mugs for ACME
    before = workspace.gateway("backlog", "--json")
    assert before.code == 0, before.stderr
    (group,) = before.json()["groups"]
    assert (group["customer"], group["item"], Decimal(group["quantity"])) == ("ACME", "MUG-01", 6)

    # when 10 mugs arrive against PO-7001
    received = workspace.gateway("stock", "receive", "MUG-01", "10", "--reference", "PO-7001")
    # then the backordered line gets its 6 and is ready, the order confirmed
    assert received.code == 0, received.stderr
    assert "line 2: 6 allocated, ready to ship" in received.stdout
    detail = only_order(workspace)
    assert detail["order"]["status"] == "confirmed"
    assert detail["lines"][1]["status"] == "ready"
    # and the backlog is empty
    after = workspace.gateway("backlog", "--json")
    assert after.code == 0 and after.json()["groups"] == []


def test_a_held_order_sends_nothing_until_ops_release_it(workspace: Workspace) -> None:
    # given an order over ACME's credit (50,000 limit, 1,250 open): 20,000 mugs at 3.00
    order = orders_file("PO-88", [(MUG, 20000, "3.00")], TODAY + timedelta(days=10))
    workspace.drop("acme", "po88.edi", order)
    assert workspace.gateway("batch").code == 0
    # then only the CONTRL went out, and the order is on hold for credit
    assert workspace.sent("acme", "ORDRSP") == []
    detail = only_order(workspace)
    assert detail["order"]["status"] == "on_hold"
    assert [f["code"] for f in detail["findings"]] == ["credit.limit"]
    # and ops see it waiting in the status
    status = workspace.gateway("status")
    assert "1 order(s) on hold: gateway orders list --status on_hold" in status.stdout
    # when ops release it and the next pass runs
    released = workspace.gateway(
        "orders", "release", str(detail["order"]["id"]), "--reason", "prepaid"
    )
    assert released.code == 0, released.stderr
    assert "order response PO-88 queued" in released.stdout
    assert workspace.gateway("batch").code == 0
    # then the ORDRSP goes out: 24 mugs now, the rest backordered
    (ordrsp,) = workspace.sent("acme", "ORDRSP")
    quantities = [q[0] for q in values(ordrsp, "QTY")]
    assert ("113", "24", "PCE") in quantities and ("83", "19976", "PCE") in quantities
    # and releasing it again, no longer held, sends its allocated 24 mugs to the warehouse
    again = workspace.gateway("orders", "release", str(detail["order"]["id"]), "--json")
    assert again.code == 0, again.stderr
    assert again.json()["shipments"] == ["SH-000001"] and again.json()["pick_list"]


def test_a_held_order_rejected_by_ops_is_answered_not_accepted(workspace: Workspace) -> None:
    # given an order held for credit
    order = orders_file("PO-99", [(MUG, 20000, "3.00")], TODAY + timedelta(days=10))
    workspace.drop("acme", "po99.edi", order)
    assert workspace.gateway("batch").code == 0
    order_id = str(only_order(workspace)["order"]["id"])
    # when ops reject it with a reason code and the next pass runs
    rejected = workspace.gateway("orders", "reject", order_id, "--reason", "CREDIT")
    assert rejected.code == 0, rejected.stderr
    assert workspace.gateway("batch").code == 0
    # then the ORDRSP says "not accepted" (BGM 1225 = 27), the line 7 with the reason
    (ordrsp,) = workspace.sent("acme", "ORDRSP")
    (bgm,) = values(ordrsp, "BGM")
    assert bgm[2] == ("27",)
    (lin,) = values(ordrsp, "LIN")
    assert lin[1] == ("7",)
    assert ("ACD", ("",), ("CREDIT",)) in [(f[0][0], f[1], f[2]) for f in values(ordrsp, "FTX")]
    assert only_order(workspace)["order"]["status"] == "rejected"


def test_stock_commands_say_what_is_wrong(workspace: Workspace) -> None:
    # given the sample stock: 24 mugs in bin C-01-01
    # when more is taken than there is, an unknown item is received, or no bin is named
    too_much = workspace.gateway("stock", "adjust", "MUG-01", "-30", "--reason", "count")
    unknown = workspace.gateway("stock", "receive", "NOPE", "5")
    no_bin = workspace.gateway("stock", "receive", "MUG-01", "5", "--bin", "Z-99")
    # then each is refused with a sentence and exit 1, nothing changed
    assert (too_much.code, unknown.code, no_bin.code) == (1, 1, 1)
    assert "MUG-01 in WH1/C-01-01 has 24 on hand; cannot take 30" in too_much.stderr
    assert "no item 'NOPE'" in unknown.stderr
    assert "no bin 'Z-99' in WH1" in no_bin.stderr
    # and a correct adjustment is booked
    fixed = workspace.gateway("stock", "adjust", "MUG-01", "-4", "--reason", "broken", "--json")
    assert fixed.code == 0, fixed.stderr
    assert fixed.json()["on_hand"] == "20"
