"""An order all the way through the real command: in, acknowledged and confirmed, released
with a pick list, picked, packed into SSCC cartons with labels, shipped with a ship notice,
invoiced with taxes and freight, delivered and closed; for an X12 and an EDIFACT partner.
Every outbound file is read back by our own readers and checked field by field."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from gateway.app import PACKAGED_SCHEMAS
from gateway.formats.edifact_envelope import EdifactMessage
from gateway.formats.x12_envelope import X12Transaction
from gateway.fulfilment.sscc import is_valid_sscc
from gateway.validate.edifact_schema import EdifactSchemas
from gateway.validate.edifact_structure import validate_message
from gateway.validate.x12_schema import X12Schemas
from gateway.validate.x12_structure import validate_transaction
from tests.e2e.conftest import Workspace
from tests.e2e.test_order_engine_flow import PEN, TODAY, orders_file
from tests.e2e.test_x12_flow import CASE, SMALL, Order, interchange, order_set, outbound

CENT = Decimal("0.01")
PEN_SET = "4006381333948"


@dataclass
class Flow:
    """A workspace after the whole flow, with what the commands said on the way."""

    ws: Workspace
    release: dict[str, Any]
    pack: dict[str, Any]
    ship: dict[str, Any]
    deliver: dict[str, Any]
    order: dict[str, Any]


def run_json(ws: Workspace, *args: str) -> Any:
    """A command that must succeed, and its JSON output."""
    result = ws.gateway(*args, "--json")
    assert result.code == 0, f"{args}: {result.stderr}"
    return result.json()


def batch(ws: Workspace) -> None:
    """One pass of the real command, which must succeed."""
    result = ws.gateway("batch")
    assert result.code == 0, result.stderr


def pdf_text(path: Path) -> str:
    """All text of a PDF, as pypdf extracts it."""
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return "\n".join(page.extract_text() for page in reader.pages)


def fulfil(ws: Workspace, partner: str, carrier: str, tracking: str) -> Flow:
    """Release, pick, pack, ship (then one batch sends), deliver; the order afterwards."""
    release = run_json(ws, "orders", "release", "--all")
    (shipment,) = release["shipments"]
    picked = run_json(ws, "orders", "pick", shipment)
    assert picked["short_picks"] == []
    pack = run_json(ws, "orders", "pack", shipment)
    ship = run_json(ws, "orders", "ship", shipment, "--carrier", carrier, "--tracking", tracking)
    batch(ws)
    deliver = run_json(ws, "orders", "deliver", shipment, "--received-by", "J. Smith")
    (summary,) = run_json(ws, "orders", "list")
    order = run_json(ws, "orders", "show", str(summary["id"]))
    return Flow(ws, release, pack, ship, deliver, order)


# ---------------------------------------------------------------------------------------
# X12: 850 in -> 997 + 855 -> pick -> pack -> ship -> 856 -> 810 -> delivery -> closed


@pytest.fixture(scope="module")
def x12_flow(tmp_path_factory: pytest.TempPathFactory) -> Flow:
    """globex orders 12 small widgets (2.50 each) and 5 cases of large ones (30.00 a case)."""
    root = tmp_path_factory.mktemp("x12-flow")
    ws = Workspace(root / "ws")
    assert ws.gateway("init", str(ws.root)).code == 0
    order = Order("0201", "PO-2001", (SMALL, CASE))
    ws.drop("globex", "po2001.x12", interchange("000000201", "21", [order_set(order)]))
    batch(ws)
    return fulfil(ws, "globex", "UPS", "1Z999AA10123456784")


def x12_set(ws: Workspace, set_id: str) -> X12Transaction:
    """The one outbound set of this type, checked clean by our reader and the 004010 rules."""
    (sent,) = outbound(ws, set_id)
    assert [i for i in sent.issues if i.severity == "error"] == []
    (tx,) = sent.sets
    schemas = X12Schemas.load(PACKAGED_SCHEMAS)
    assert [i for i in validate_transaction(tx, schemas, file=None) if i.severity == "error"] == []
    return tx


def seg(tx: X12Transaction, tag: str) -> list[list[str]]:
    """Every segment of a tag as its simple elements (first component of each)."""
    return [[e[0] for e in s.elements] for s in tx.segments if s.tag == tag]


def test_x12_order_is_acknowledged_and_confirmed(x12_flow: Flow) -> None:
    # then a 997 and an 855 went out before anything shipped
    assert len(outbound(x12_flow.ws, "997")) == 1
    bak = seg(x12_set(x12_flow.ws, "855"), "BAK")
    assert bak[0][:3] == ["00", "AD", "PO-2001"]  # BAK02 AD: acknowledged, no change


def test_x12_pick_list_pdf_and_csv_list_the_bins(x12_flow: Flow) -> None:
    # when the pick list written at release is opened
    pdf, csv = (Path(p) for p in x12_flow.release["files"])
    assert pdf.suffix == ".pdf" and csv.suffix == ".csv"
    text = pdf_text(pdf)
    # then it names the pick list, the warehouse, both bins and SKUs, and the quantities
    assert x12_flow.release["pick_list"] in text
    for expected in ("WH1", "B-02-01", "B-02-02", "W-100", "W-200", "PO-2001"):
        assert expected in text, expected
    rows = csv.read_text().splitlines()
    assert rows[0].startswith("pick_list,warehouse,bin,sku")
    assert any(",B-02-01,W-100," in row and ",12," in row for row in rows[1:])
    assert any(",B-02-02,W-200," in row and ",5," in row for row in rows[1:])


def test_x12_cartons_get_valid_ssccs_split_by_weight(x12_flow: Flow) -> None:
    # then 12 x 0.2 kg + 5 cases x 12 x 0.35 kg (23.4 kg) do not fit one 20 kg carton
    cartons = x12_flow.pack["cartons"]
    assert len(cartons) == 2
    assert all(is_valid_sscc(c["sscc"]) for c in cartons)
    assert all(Decimal(c["weight_kg"]) <= 20 for c in cartons)
    assert sum(Decimal(q) for c in cartons for q in c["lines"].values()) == 12 + 5
    # and every SSCC is built from our GS1 prefix (gateway.toml [company], 5412345)
    assert all(c["sscc"][1:8] == "5412345" for c in cartons)


def test_x12_label_pdf_shows_each_sscc_with_both_addresses(x12_flow: Flow) -> None:
    # when the label PDF is opened
    labels = next(Path(p) for p in x12_flow.ship["files"] if p.endswith(".pdf"))
    reader = PdfReader(io.BytesIO(labels.read_bytes()))
    assert len(reader.pages) == 2
    for page, carton in zip(reader.pages, x12_flow.pack["cartons"], strict=True):
        text = page.extract_text()
        # then each page carries its SSCC in GS1 human-readable form, from and to, and carrier
        assert f"(00) {carton['sscc']}" in text
        assert "Rue de l'Industrie 10" in text  # WH1, ship-from
        assert "9 Depot Rd" in text and "Joliet" in text  # the 850's ship-to
        assert "United Parcel Service" in text and "1Z999AA10123456784" in text
    zpl = next(Path(p) for p in x12_flow.ship["files"] if p.endswith(".zpl")).read_text()
    assert zpl.count("^XA") == 2
    assert all(f">;>800{c['sscc']}" in zpl for c in x12_flow.pack["cartons"])


def test_x12_856_carries_the_cartons_sscc_and_the_carrier(x12_flow: Flow) -> None:
    tx = x12_set(x12_flow.ws, "856")
    shipment = x12_flow.release["shipments"][0]
    # BSN02 is the shipment number; TD5 the carrier by SCAC; REF CN the tracking number
    assert seg(tx, "BSN")[0][:2] == ["00", shipment]
    assert seg(tx, "TD5")[0][1:3] == ["2", "UPSN"]
    assert ["CN", "1Z999AA10123456784"] in [r[:2] for r in seg(tx, "REF")]
    # PRF01 is the order; MAN GM the SSCC of each carton (GS1 AI 00 + the 18 digits)
    assert seg(tx, "PRF")[0][0] == "PO-2001"
    marks = [m[1] for m in seg(tx, "MAN")]
    assert marks == ["00" + c["sscc"] for c in x12_flow.pack["cartons"]]
    # and the item lines shipped add up to what was ordered: 12 EA and 5 CA
    shipped: dict[str, Decimal] = {}
    for sn1 in seg(tx, "SN1"):
        shipped[sn1[2]] = shipped.get(sn1[2], Decimal(0)) + Decimal(sn1[1])
    assert shipped == {"EA": 12, "CA": 5}


def test_x12_810_totals_are_lines_plus_tax_plus_freight(x12_flow: Flow) -> None:
    tx = x12_set(x12_flow.ws, "810")
    (invoice,) = x12_flow.ship["invoices"]
    big = seg(tx, "BIG")[0]
    assert (big[1], big[3]) == (invoice["number"], "PO-2001")
    lines = sum((Decimal(it1[1]) * Decimal(it1[3]) for it1 in seg(tx, "IT1")), Decimal(0))
    assert lines == 12 * Decimal("2.5") + 5 * Decimal(30)
    # freight: SAC C D240, 15.00 (globex [invoices] freight), written N2 (cents)
    (sac,) = seg(tx, "SAC")
    assert sac[:2] == ["C", "D240"] and Decimal(sac[4]) * CENT == Decimal("15.00")
    # tax: Illinois 6.25 % on each line rounded (globex tax_rounding = "line") and the freight
    taxes = [Decimal(t[1]) for t in seg(tx, "TXI")]
    line_taxes = [Decimal("1.88"), Decimal("9.38")]  # 30.00 and 150.00 at 6.25 %
    freight_tax = Decimal("0.94")  # 15.00 x 6.25 % = 0.9375
    assert taxes[:2] == line_taxes
    total_tax = sum(line_taxes) + freight_tax
    # TDS01 (N2) = lines + freight + tax
    (tds,) = seg(tx, "TDS")
    assert Decimal(tds[0]) * CENT == lines + Decimal("15.00") + total_tax
    assert Decimal(invoice["gross_total"]) == lines + Decimal("15.00") + total_tax


def test_x12_order_closes_once_delivered_and_invoiced(x12_flow: Flow) -> None:
    assert x12_flow.deliver["order_status"] == "closed"
    assert x12_flow.order["order"]["status"] == "closed"


# ---------------------------------------------------------------------------------------
# EDIFACT: ORDERS in -> CONTRL + ORDRSP -> pick -> pack -> ship -> DESADV -> INVOIC -> closed


@pytest.fixture(scope="module")
def edifact_flow(tmp_path_factory: pytest.TempPathFactory) -> Flow:
    """acme orders 120 pens (0.45) and 24 pen sets (12.50)."""
    root = tmp_path_factory.mktemp("edifact-flow")
    ws = Workspace(root / "ws")
    assert ws.gateway("init", str(ws.root)).code == 0
    requested = TODAY.replace(year=TODAY.year + 1)
    ws.drop(
        "acme",
        "po88.edi",
        orders_file("PO-88", [(PEN, 120, "0.45"), (PEN_SET, 24, "12.50")], requested),
    )
    batch(ws)
    return fulfil(ws, "acme", "DHL", "JD014600006281234567")


def edifact_message(ws: Workspace, message_type: str) -> EdifactMessage:
    """The one outbound message of this type, read back clean and valid against D96A."""
    (ic,) = ws.sent("acme", message_type)
    assert [str(i) for i in ic.issues] == []
    (message,) = ic.messages
    schemas = EdifactSchemas.load(PACKAGED_SCHEMAS)
    errors = [i for i in validate_message(message, schemas, file=None) if i.severity == "error"]
    assert errors == []
    return message


def elements(message: EdifactMessage, tag: str) -> list[tuple[tuple[str, ...], ...]]:
    """The elements of every segment of a tag."""
    return [s.elements for s in message.segments if s.tag == tag]


def test_edifact_order_is_acknowledged_and_confirmed(edifact_flow: Flow) -> None:
    assert len(edifact_flow.ws.sent("acme", "CONTRL")) == 1
    bgm = elements(edifact_message(edifact_flow.ws, "ORDRSP"), "BGM")[0]
    assert bgm[0][0] == "231"


def test_desadv_carries_the_cartons_sscc_and_the_carrier(edifact_flow: Flow) -> None:
    message = edifact_message(edifact_flow.ws, "DESADV")
    shipment = edifact_flow.release["shipments"][0]
    assert elements(message, "BGM")[0][1][0] == shipment
    references = {e[0][0]: e[0][1] for e in elements(message, "RFF")}
    assert references["ON"] == "PO-88"
    assert references["AAS"] == "JD014600006281234567"
    # TDT C040: the carrier by GLN (3055 = 9), DHL Freight
    tdt = elements(message, "TDT")[0]
    assert tdt[4][0] == "4052481000006" and tdt[4][2] == "9"
    # GIN BJ: the SSCC of each carton, in packing order
    gins = [e[1][0] for e in elements(message, "GIN") if e[0][0] == "BJ"]
    assert gins == [c["sscc"] for c in edifact_flow.pack["cartons"]]
    # QTY 12 per line adds up to the order: 120 pens and 24 sets
    despatched = sum(Decimal(e[0][1]) for e in elements(message, "QTY") if e[0][0] == "12")
    assert despatched == 120 + 24


def test_invoic_totals_are_lines_plus_tax_plus_freight(edifact_flow: Flow) -> None:
    message = edifact_message(edifact_flow.ws, "INVOIC")
    (invoice,) = edifact_flow.ship["invoices"]
    assert elements(message, "BGM")[0][1][0] == invoice["number"]
    moa = {}
    for e in elements(message, "MOA"):
        moa.setdefault(e[0][0], []).append(Decimal(e[0][1]))
    # MOA 203 per line: 120 x 0.45 = 54.00 and 24 x 12.50 = 300.00
    assert moa["203"] == [Decimal("54.00"), Decimal("300.00")]
    # ALC C FC freight 9.50 (acme [invoices]; 354.00 is below the 500.00 free-freight limit)
    alc = elements(message, "ALC")
    assert alc[0][0][0] == "C"
    lines, freight = Decimal("354.00"), Decimal("9.50")
    # tax: Denmark 25 % (the ship-to 5790000000018 is in DK) on the rate's total, rounded once
    tax = ((lines + freight) * Decimal("0.25")).quantize(CENT)
    assert moa["124"][-1] == tax
    # MOA 86 the message total (EANCOM INVOIC: amount payable), MOA 125 the taxable amount
    assert moa["125"][-1] == lines + freight
    assert moa["86"] == [lines + freight + tax]
    assert Decimal(invoice["gross_total"]) == lines + freight + tax


def test_edifact_order_closes_once_delivered_and_invoiced(edifact_flow: Flow) -> None:
    assert edifact_flow.order["order"]["status"] == "closed"
    lines = edifact_flow.order["lines"]
    assert all(Decimal(line["shipped_quantity"]) == Decimal(line["quantity"]) for line in lines)


def test_labels_are_written_again_on_request(x12_flow: Flow) -> None:
    # given the labels of the shipped shipment are gone from the warehouse outbox
    shipment = x12_flow.release["shipments"][0]
    files = [Path(p) for p in x12_flow.ship["files"]]
    for path in files:
        path.unlink()
    # when ops ask for them again
    result = x12_flow.ws.gateway("shipments", "labels", shipment)
    # then both are back, the PDF with the tracking number of the shipment
    assert result.code == 0, result.stderr
    assert all(path.is_file() for path in files)
    assert "1Z999AA10123456784" in pdf_text(next(p for p in files if p.suffix == ".pdf"))
