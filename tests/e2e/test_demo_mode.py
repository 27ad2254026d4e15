"""The demo mode through the real command: with GATEWAY_FULFILMENT_DEMO=true, repeated
`gateway batch` passes play the warehouse and take an order from the inbox to a ship notice
(DESADV) and an invoice (INVOIC) in the partner's outbox."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from tests.e2e.conftest import Workspace, values
from tests.e2e.test_order_engine_flow import PEN, orders_file

# The demo job every second instead of every 10 s, so that each pass finds it due.
DEMO = {"GATEWAY_FULFILMENT_DEMO": "true", "GATEWAY_JOBS_DEMO": "1s"}


def test_demo_mode_takes_an_order_from_the_inbox_to_desadv_and_invoic(
    workspace: Workspace,
) -> None:
    ws = workspace
    # given an order for 120 pens at 0.45 in acme's inbox
    requested = date.today() + timedelta(days=10)
    ws.drop("acme", "po9.edi", orders_file("PO-9", [(PEN, 120, "0.45")], requested))
    # when batch passes run in demo mode: the order is confirmed, then released, picked,
    # packed and shipped, one step per pass
    for _ in range(5):
        result = ws.gateway("batch", env=DEMO)
        assert result.code == 0, result.stderr
    # then acme was sent a DESADV for the order with the demo's carrier and tracking number
    (desadv,) = ws.sent("acme", "DESADV")
    references = {e[0][0]: e[0][1] for e in values(desadv, "RFF")}
    assert references["ON"] == "PO-9"
    assert references["AAS"] == "DEMO000001"  # tracking "DEMO" + the shipment's serial
    shipped = sum(Decimal(e[0][1]) for e in values(desadv, "QTY") if e[0][0] == "12")
    assert shipped == 120
    # and an INVOIC for it: 120 x 0.45 = 54.00 + 9.50 freight, 25 % VAT = 79.38
    (invoic,) = ws.sent("acme", "INVOIC")
    assert values(invoic, "BGM")[0][1][0] == "INV-000001"
    totals = [Decimal(e[0][1]) for e in values(invoic, "MOA") if e[0][0] == "86"]
    assert totals == [Decimal("79.38")]
    assert len(ws.sent("acme", "ORDRSP")) == 1
