"""XML partners through the real command: a Peppol BIS 3 UBL Order and a cXML OrderRequest go
in, are checked (XSDs, credentials, shared secret), confirmed, shipped and invoiced, and every
UBL document we send is valid against the OASIS UBL 2.1 XSDs; every cXML one is read back
field by field. Hostile XML is refused fast and nothing it points at leaks out."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from tests.e2e.conftest import DATA, Workspace
from tests.e2e.test_fulfilment_flow import batch, run_json

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NS = {"cac": CAC, "cbc": CBC}
SECRET = "s3cret-Initech-42"
CXML_ENV = {"INITECH_CXML_SECRET": SECRET}
ORDER_PAYLOAD_ID = "20261120091500.4711.initech@procurement.example"


@dataclass
class Sent:
    """One XML file in a partner's outbox: its name and parsed root."""

    path: Path
    root: etree._Element

    def text(self, xpath: str) -> str:
        """The text (or attribute value) of the first node the XPath selects."""
        found = self.root.xpath(xpath, namespaces=NS)
        assert isinstance(found, list) and found, f"{self.path.name}: nothing at {xpath}"
        first = found[0]
        return str(first if isinstance(first, str) else first.text or "").strip()

    def texts(self, xpath: str) -> list[str]:
        """The texts of every node the XPath selects."""
        found = self.root.xpath(xpath, namespaces=NS)
        assert isinstance(found, list)
        return [str(n if isinstance(n, str) else n.text or "").strip() for n in found]


def sent_xml(ws: Workspace, partner: str) -> list[Sent]:
    """Every XML file in the partner's outbox, parsed without any DTD or network access."""
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    return [Sent(p, etree.parse(str(p), parser).getroot()) for p in ws.outbox(partner)]


def one(ws: Workspace, partner: str, local_name: str) -> Sent:
    """The one outbound document whose root (UBL) or request (cXML) has this name."""
    found = [s for s in sent_xml(ws, partner) if _name(s.root) == local_name]
    assert len(found) == 1, [s.path.name for s in sent_xml(ws, partner)]
    return found[0]


def _name(root: etree._Element) -> str:
    request = root.find("Request")
    if request is not None and len(request):
        return etree.QName(request[0]).localname
    return etree.QName(root).localname


@pytest.fixture(scope="session")
def oasis(corpus_dir: Path) -> dict[str, etree.XMLSchema]:
    """The OASIS UBL 2.1 maindoc XSDs of the documents we send, loaded once."""
    folder = corpus_dir / "schemas" / "ubl-2.1" / "xsd" / "maindoc"
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return {
        name: etree.XMLSchema(etree.parse(str(folder / f"UBL-{name}-2.1.xsd"), parser))
        for name in ("OrderResponse", "DespatchAdvice", "Invoice")
    }


def assert_oasis_valid(sent: Sent, oasis: dict[str, etree.XMLSchema]) -> None:
    """The document is valid against the OASIS UBL 2.1 XSD of its kind."""
    schema = oasis[etree.QName(sent.root).localname]
    valid = schema.validate(sent.root.getroottree())
    assert valid, f"{sent.path.name}: {schema.error_log}"


def fulfil_all(ws: Workspace, carrier: str, tracking: str, env: dict[str, str]) -> dict[str, Any]:
    """Release, pick, pack and ship everything allocated; one batch sends the documents."""
    release = run_json(ws, "orders", "release", "--all")
    (shipment,) = release["shipments"]
    run_json(ws, "orders", "pick", shipment)
    pack = run_json(ws, "orders", "pack", shipment)
    ship = run_json(ws, "orders", "ship", shipment, "--carrier", carrier, "--tracking", tracking)
    assert ws.gateway("batch", env=env).code == 0
    return {"shipment": shipment, "pack": pack, "ship": ship}


# ---------------------------------------------------------------------------------------
# UBL (Peppol BIS 3): Order in -> OrderResponse -> DespatchAdvice -> Invoice


@dataclass
class UblFlow:
    """The norrland workspace after the whole flow."""

    ws: Workspace
    fulfilled: dict[str, Any]


@pytest.fixture(scope="module")
def ubl_flow(tmp_path_factory: pytest.TempPathFactory, initialised: Path) -> UblFlow:
    """norrland orders 200 pens and 30 mugs (24 in stock) as a Peppol BIS 3 Order."""
    ws = Workspace(tmp_path_factory.mktemp("ubl-flow") / "ws")
    shutil.copytree(initialised, ws.root)
    ws.drop("norrland", "order-nr-7001.xml", (DATA / "ubl_order_norrland.xml").read_bytes())
    batch(ws)
    return UblFlow(ws, fulfil_all(ws, "DHL", "JD014600003828", {}))


def test_ubl_order_is_stored_validated_mapped_and_processed(ubl_flow: UblFlow) -> None:
    (inbound,) = [m for m in ubl_flow.ws.messages() if m["direction"] == "in"]
    assert inbound["status"] == "done"
    assert (inbound["standard"], inbound["message_type"], inbound["version"]) == (
        "UBL",
        "Order",
        "2.1",
    )
    assert inbound["interchange_ref"] == "NR-7001"
    # and the stored bytes are the file's, byte for byte
    raw = ubl_flow.ws.gateway_bytes("messages", "show", str(inbound["id"]), "--raw")
    assert raw == (DATA / "ubl_order_norrland.xml").read_bytes()


def test_ubl_order_response_confirms_and_backorders(
    ubl_flow: UblFlow, oasis: dict[str, etree.XMLSchema]
) -> None:
    response = one(ubl_flow.ws, "norrland", "OrderResponse")
    assert_oasis_valid(response, oasis)
    # Peppol BIS 3 order response ids, because norrland's [ubl] profile is "peppol"
    assert response.text("cbc:CustomizationID") == "urn:fdc:peppol.eu:poacc:trns:order_response:3"
    assert response.text("cac:OrderReference/cbc:ID") == "NR-7001"
    assert response.text("cbc:DocumentCurrencyCode") == "EUR"
    lines = response.root.findall(f"{{{CAC}}}OrderLine/{{{CAC}}}LineItem")
    assert [line.findtext(f"{{{CBC}}}ID") for line in lines] == ["1", "2"]
    # the pens are confirmed in full (UNCL 1229 5); 24 mugs now and 6 later (3, changed)
    statuses = response.texts("cac:OrderLine/cac:LineItem/cbc:LineStatusCode")
    quantities = response.texts("cac:OrderLine/cac:LineItem/cbc:Quantity")
    assert (statuses, quantities) == (["5", "3"], ["200", "24"])
    schedule = response.texts("cac:OrderLine[2]/cac:LineItem/cac:Delivery/cbc:Quantity")
    assert schedule == ["24", "6"]
    # the order as a whole is conditionally accepted (Peppol UNCL 4343 subset: CA)
    assert response.text("cbc:OrderResponseCode") == "CA"


def test_ubl_despatch_advice_and_invoice_are_oasis_valid(
    ubl_flow: UblFlow, oasis: dict[str, etree.XMLSchema]
) -> None:
    advice = one(ubl_flow.ws, "norrland", "DespatchAdvice")
    invoice = one(ubl_flow.ws, "norrland", "Invoice")
    assert_oasis_valid(advice, oasis)
    assert_oasis_valid(invoice, oasis)
    shipment = ubl_flow.fulfilled["shipment"]
    assert advice.text("cbc:ID") == shipment
    assert advice.text("cac:OrderReference/cbc:ID") == "NR-7001"
    ssccs = {c["sscc"] for c in ubl_flow.fulfilled["pack"]["cartons"]}
    found = set(advice.texts("//cac:TransportHandlingUnit//cbc:ID"))
    assert ssccs <= found, (ssccs, found)
    (billed,) = ubl_flow.fulfilled["ship"]["invoices"]
    assert invoice.text("cbc:ID") == billed["number"]
    assert invoice.text("cac:LegalMonetaryTotal/cbc:PayableAmount") == billed["gross_total"]
    assert invoice.text("cac:LegalMonetaryTotal/cbc:PayableAmount/@currencyID") == "EUR"
    # Swedish VAT 25 % on the goods (the ship-to is in Sweden)
    assert "25" in invoice.texts("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent")[0]


def test_ubl_resend_with_the_same_id_is_a_duplicate(ubl_flow: UblFlow) -> None:
    # given the same order again with other bytes (a comment added) under another name
    data = (DATA / "ubl_order_norrland.xml").read_bytes() + b"<!-- resent -->\n"
    ubl_flow.ws.drop("norrland", "order-nr-7001-again.xml", data)
    batch(ubl_flow.ws)
    inbound = [m for m in ubl_flow.ws.messages() if m["direction"] == "in"]
    assert [m["status"] for m in inbound] == ["done", "duplicate"]


# ---------------------------------------------------------------------------------------
# cXML: OrderRequest in -> ConfirmationRequest -> ShipNoticeRequest -> InvoiceDetailRequest


@dataclass
class CxmlFlow:
    """The initech workspace after the whole flow, with the batch's output."""

    ws: Workspace
    fulfilled: dict[str, Any]
    outputs: str


@pytest.fixture(scope="module")
def cxml_flow(tmp_path_factory: pytest.TempPathFactory, initialised: Path) -> CxmlFlow:
    """initech orders 500 pens and 4 pen sets with its shared secret in the Sender credential."""
    ws = Workspace(tmp_path_factory.mktemp("cxml-flow") / "ws")
    shutil.copytree(initialised, ws.root)
    ws.drop("initech", "po-it-4711.xml", (DATA / "cxml_order_initech.xml").read_bytes())
    first = ws.gateway("batch", env=CXML_ENV)
    assert first.code == 0, first.stderr
    fulfilled = fulfil_all(ws, "UPS", "1Z999AA10123456784", CXML_ENV)
    return CxmlFlow(ws, fulfilled, first.stdout + first.stderr)


def test_cxml_order_is_confirmed_with_a_reference_to_its_payload(cxml_flow: CxmlFlow) -> None:
    (inbound,) = [m for m in cxml_flow.ws.messages() if m["direction"] == "in"]
    assert inbound["status"] == "done"
    assert inbound["interchange_ref"] == ORDER_PAYLOAD_ID
    confirmation = one(cxml_flow.ws, "initech", "ConfirmationRequest")
    root = confirmation.root
    assert root.get("payloadID") and root.get("payloadID") != ORDER_PAYLOAD_ID
    reference = root.find(".//OrderReference")
    assert reference is not None and reference.get("orderID") == "IT-4711"
    document = reference.find("DocumentReference")
    assert document is not None and document.get("payloadID") == ORDER_PAYLOAD_ID
    # we are From and Sender, the buyer is To; no SharedSecret is ever written
    assert confirmation.text("Header/From/Credential/Identity") == "gateway@example.com"
    assert confirmation.text("Header/To/Credential/Identity") == "initech@procurement.example"
    assert b"SharedSecret" not in confirmation.path.read_bytes()
    items = root.findall(".//ConfirmationItem")
    assert [i.get("lineNumber") for i in items] == ["1", "2"]
    # and the Header/From credential identified the customer (masterdata identifier)
    (summary,) = run_json(cxml_flow.ws, "orders", "list")
    shown = run_json(cxml_flow.ws, "orders", "show", str(summary["id"]))
    order = shown["order"]
    assert (order["customer_id"], order["buyer_id"]) == ("INITECH", "initech@procurement.example")
    assert "customer.by_partner" not in {f["code"] for f in shown["findings"]}


def test_cxml_ship_notice_and_invoice_carry_tracking_and_totals(cxml_flow: CxmlFlow) -> None:
    notice = one(cxml_flow.ws, "initech", "ShipNoticeRequest")
    invoice = one(cxml_flow.ws, "initech", "InvoiceDetailRequest")
    assert "1Z999AA10123456784" in notice.path.read_text()
    header = notice.root.find(".//ShipNoticeHeader")
    assert header is not None and header.get("shipmentID") == cxml_flow.fulfilled["shipment"]
    (billed,) = cxml_flow.fulfilled["ship"]["invoices"]
    invoice_header = invoice.root.find(".//InvoiceDetailRequestHeader")
    assert invoice_header is not None and invoice_header.get("invoiceID") == billed["number"]
    due = invoice.root.find(".//InvoiceDetailSummary/DueAmount/Money")
    assert due is not None and due.text == billed["gross_total"]
    # three documents, three different payloadIDs
    ids = {s.root.get("payloadID") for s in sent_xml(cxml_flow.ws, "initech")}
    assert len(ids) == 3


def test_cxml_shared_secret_never_shows(cxml_flow: CxmlFlow) -> None:
    ws = cxml_flow.ws
    (inbound,) = [m for m in ws.messages() if m["direction"] == "in"]
    shown = [
        cxml_flow.outputs,
        ws.gateway("messages", "show", str(inbound["id"]), "--json").stdout,
        ws.gateway_bytes("messages", "show", str(inbound["id"]), "--raw").decode(),
        ws.gateway("partners", "show", "initech").stdout,
    ]
    for text in shown:
        assert SECRET not in text
    # the stored bytes keep it (raw first); what a person sees masks it
    assert "<SharedSecret>********</SharedSecret>" in shown[2]
    # and the profile names the secret's variable only
    assert "$INITECH_CXML_SECRET" in shown[3]


def test_cxml_wrong_secret_is_refused_naming_the_variable(
    workspace: Workspace,
) -> None:
    workspace.drop("initech", "po.xml", (DATA / "cxml_order_initech.xml").read_bytes())
    result = workspace.gateway("batch", env={"INITECH_CXML_SECRET": "another-secret"})
    (inbound,) = [m for m in workspace.messages() if m["direction"] == "in"]
    assert inbound["status"] == "failed"
    detail = workspace.gateway("messages", "show", str(inbound["id"])).stdout
    assert "INITECH_CXML_SECRET" in detail and "SharedSecret" in detail
    for text in (detail, result.stdout, result.stderr):
        assert SECRET not in text and "another-secret" not in text
        assert "Traceback" not in text
    outbox = workspace.root / "outbox" / "initech"
    assert not outbox.exists() or workspace.outbox("initech") == []


def test_cxml_test_order_is_answered_as_a_test(workspace: Workspace) -> None:
    # given initech's order sent with deploymentMode="test"
    data = (DATA / "cxml_order_initech.xml").read_bytes()
    data = data.replace(b'deploymentMode="production"', b'deploymentMode="test"')
    workspace.drop("initech", "po-test.xml", data)
    # when it is taken
    assert workspace.gateway("batch", env=CXML_ENV).code == 0
    # then the inbound message and its order are tests, and so is the confirmation
    (inbound,) = [m for m in workspace.messages() if m["direction"] == "in"]
    assert inbound["test"] is True and inbound["status"] == "done"
    confirmation = one(workspace, "initech", "ConfirmationRequest")
    assert confirmation.text("Request/@deploymentMode") == "test"


def test_cxml_status_answer_reconciles_what_we_sent(cxml_flow: CxmlFlow) -> None:
    ws = cxml_flow.ws
    confirmation = one(ws, "initech", "ConfirmationRequest")
    ours = confirmation.root.get("payloadID")
    answer = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<cXML payloadID="ans-1@procurement.example" timestamp="2026-11-21T10:00:00+00:00">'
        f'<Response inReplyTo="{ours}"><Status code="200" text="OK"/></Response></cXML>\n'
    )
    ws.drop("initech", "status-1.xml", answer.encode())
    assert ws.gateway("batch", env=CXML_ENV).code == 0
    sent = [m for m in ws.messages() if m.get("interchange_ref") == ours]
    assert sent and sent[0]["ack_status"] == "accepted"


# ---------------------------------------------------------------------------------------
# Hostile XML


HOSTILE = {
    "xxe.xml": b'<?xml version="1.0"?>\n<!DOCTYPE Order [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'\n<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2">&x;</Order>\n',
    "laughs.xml": b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>\n<lolz>&lol9;</lolz>\n",
    "deep.xml": b"<a>" * 20_000 + b"</a>" * 20_000,
    "not-xml.xml": b"<Order>this is not closed\n",
}


# What each hostile file is refused for (the issue code), and a word its message must hold.
REFUSED = {
    "xxe.xml": ("xml.entity", "entity"),
    "laughs.xml": ("xml.entity", "entity"),
    "deep.xml": ("xml.depth", "deep"),
    "not-xml.xml": ("xml.syntax", "not well-formed"),
}


def test_hostile_xml_is_refused_fast_with_a_clear_error(workspace: Workspace) -> None:
    # given an external entity, entity expansion, 20,000-deep nesting and a broken file
    for name, data in HOSTILE.items():
        workspace.drop("norrland", name, data)
    # when one batch takes them (the command's own start-up included)
    started = time.monotonic()
    result = workspace.gateway("batch")
    elapsed = time.monotonic() - started
    # then each is in the failed queue with its own error naming the file, none processed
    assert elapsed < 20, elapsed
    failed = {m["filename"]: m for m in run_json(workspace, "failed", "list")}
    assert set(failed) == set(HOSTILE)
    passwd = Path("/etc/passwd").read_text().splitlines()[0]
    for name, (code, word) in REFUSED.items():
        message = failed[name]
        assert message["error_code"] == code, (name, message["error_text"])
        assert name in message["error_location"] and word in message["error_text"].lower()
        assert message["traceback"] is None
    # and nothing the entity named leaks into any output
    everything = result.stdout + result.stderr + str(failed)
    assert passwd not in everything and "Traceback" not in everything
    assert not (workspace.root / "outbox" / "norrland").exists() or not workspace.outbox("norrland")
