"""Every corpus XML file through the pipeline: intake, XSDs (the project's and OASIS's), cXML
credentials and shared secret, mapping and processing, each partner configured as the file's
sender would be. Plus duplicates, test documents and `translate` on XML."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.app import Gateway, build_gateway, load_mappings, load_schemas, load_xml_schemas
from gateway.config import load_settings
from gateway.pipeline.intake import intake
from gateway.pipeline.runner import run_due
from gateway.pipeline.translate import TranslateContext
from gateway.pipeline.x12_translate import translate_file
from gateway.store import MessageFilter, MessageRecord
from gateway.workspace import init_workspace
from tests.integration.conftest import with_sample_masterdata
from tests.integration.test_runner import FakeClock

UBL_PARTNER = """
name = "OASIS examples"
[inbound]
accept = ["UBL Order 2.1", "UBL OrderResponse 2.1", "UBL OrderResponseSimple 2.1",
          "UBL Invoice 2.1"]
[[outbound]]
document = "order_response"
standard = "UBL"
message_type = "OrderResponse"
version = "2.1"
"""
# The cXML corpus senders, each as its profile would say who it is (cXML Header From, To,
# Sender) and where its SharedSecret is.
CXML_PARTNERS = {
    "prominate": """
[cxml]
domain = "NetworkId"
identity = "inbound@prominate-platform.com"
our_domain = "NetworkId"
our_identity = "supplier@supplier.com"
shared_secret_env = "PROMINATE_SECRET"
""",
    "coupa_dev": """
[cxml]
domain = "NetworkID"
identity = "kasdflkjasdf"
sender_domain = "NetworkID"
sender_identity = "DAN_Coupa"
our_domain = "alksjflkasjdfasdf"
our_identity = "development@officeluv.com"
shared_secret_env = "COUPA_DEV_SECRET"
""",
    "coupa": """
[cxml]
domain = "DUNS"
identity = "dell"
our_domain = "duns"
our_identity = "128293714"
""",
}
CXML_COMMON = """
[inbound]
accept = ["CXML OrderRequest 1.2"]
[[outbound]]
document = "order_response"
standard = "CXML"
message_type = "ConfirmationRequest"
version = "1.2"
"""
CORPUS_FILES = {
    "oasis": [
        "oasis__UBL-Order-2.1-Example.xml",
        "oasis__UBL-OrderResponse-2.1-Example.xml",
        "oasis__UBL-OrderResponseSimple-2.1-Example.xml",
        "oasis__UBL-Invoice-2.1-Example.xml",
        "oasis__UBL-Invoice-2.1-Example-Trivial.xml",
    ],
    "prominate": ["cxmlphp__OrderRequest_cXML-1.2.050.xml"],
    "coupa_dev": ["officeluv__order_request_Coupa_cXML-1.2.014.xml"],
    "coupa": ["officeluv__purchase_order_request_200_Coupa_cXML-1.2.014.xml"],
}
SECRETS = {"PROMINATE_SECRET": "coyote", "COUPA_DEV_SECRET": "alsdkfjalksdjflaksjdfklj"}


@pytest.fixture()
def gateway(tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Gateway]:
    """A workspace with the corpus senders as partners and the OASIS XSDs configured."""
    init_workspace(tmp_path)
    partners = tmp_path / "config" / "partners"
    (partners / "oasis.toml").write_text(UBL_PARTNER)
    for name, ids in CXML_PARTNERS.items():
        (partners / f"{name}.toml").write_text(f'name = "{name}"\n{ids}{CXML_COMMON}')
    for variable, secret in SECRETS.items():
        monkeypatch.setenv(variable, secret)
    oasis = str(corpus_dir / "schemas" / "ubl-2.1" / "xsd")
    settings = load_settings(tmp_path, {"GATEWAY_XML_UBL_XSD": oasis})
    gw = with_sample_masterdata(build_gateway(settings, clock=FakeClock(), rand=lambda: 0.5))
    yield gw
    gw.close()


def drop(gw: Gateway, partner: str, name: str, data: bytes) -> None:
    """A settled file in the partner's inbox."""
    folder = gw.settings.inbox / partner
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    os.utime(folder / name, (time.time() - 3600,) * 2)


def inbound(gw: Gateway) -> dict[str, MessageRecord]:
    """Inbound messages by file name."""
    found = gw.store.list_messages(MessageFilter(direction="in", limit=1000))
    return {m.filename or "": m for m in found}


def test_every_corpus_xml_file_is_processed_with_its_values(
    gateway: Gateway, corpus_dir: Path
) -> None:
    # given every corpus XML file in the inbox of the partner that sent it
    for partner, names in CORPUS_FILES.items():
        for name in names:
            drop(gateway, partner, name, (corpus_dir / "xml" / name).read_bytes())
    # when the gateway takes them
    intake(gateway)
    run_due(gateway)
    # then every one is done: stored, valid, mapped and acted on
    messages = inbound(gateway)
    assert {n: m.status for n, m in messages.items()} == {
        n: "done" for names in CORPUS_FILES.values() for n in names
    }, {n: m.error_text for n, m in messages.items()}
    kinds = {n: (m.standard, m.message_type, m.document_type) for n, m in messages.items()}
    assert kinds == {
        "oasis__UBL-Order-2.1-Example.xml": ("UBL", "Order", "purchase_order"),
        "oasis__UBL-OrderResponse-2.1-Example.xml": ("UBL", "OrderResponse", "order_response"),
        "oasis__UBL-OrderResponseSimple-2.1-Example.xml": (
            "UBL",
            "OrderResponseSimple",
            "order_response",
        ),
        "oasis__UBL-Invoice-2.1-Example.xml": ("UBL", "Invoice", "invoice"),
        "oasis__UBL-Invoice-2.1-Example-Trivial.xml": ("UBL", "Invoice", "invoice"),
        "cxmlphp__OrderRequest_cXML-1.2.050.xml": ("CXML", "OrderRequest", "purchase_order"),
        "officeluv__order_request_Coupa_cXML-1.2.014.xml": (
            "CXML",
            "OrderRequest",
            "purchase_order",
        ),
        "officeluv__purchase_order_request_200_Coupa_cXML-1.2.014.xml": (
            "CXML",
            "OrderRequest",
            "purchase_order",
        ),
    }
    # and the references that catch a resend are the UBL ID and the cXML payloadID
    refs = {n: m.interchange_ref for n, m in messages.items()}
    assert refs["oasis__UBL-Order-2.1-Example.xml"] == "34"
    assert refs["cxmlphp__OrderRequest_cXML-1.2.050.xml"] == "1625586002.193314.7293@dev"
    assert refs["officeluv__purchase_order_request_200_Coupa_cXML-1.2.014.xml"] == (
        "1452186890.009162@ip-10-7-14-126"
    )
    # and deploymentMode="test" made the cxml-php order a test, the others not
    tests = {n for n, m in messages.items() if m.test}
    assert tests == {"cxmlphp__OrderRequest_cXML-1.2.050.xml"}
    # and each order became an order row with its number, currency and lines
    orders = {
        record.order_number: (record.currency, len(lines), record.test)
        for m in messages.values()
        for record, lines in gateway.store.orders_for(m.id)
    }
    assert orders == {
        "34": ("SEK", 2, False),
        "DO1234": ("EUR", 2, True),
        "3309": ("USD", 2, False),
        "6112": ("USD", 2, False),
    }


def test_a_resent_cxml_payload_is_a_duplicate_and_another_document_type_is_not(
    gateway: Gateway, corpus_dir: Path
) -> None:
    # given the cxml-php order twice (same payloadID, other bytes) ...
    data = (corpus_dir / "xml" / "cxmlphp__OrderRequest_cXML-1.2.050.xml").read_bytes()
    drop(gateway, "prominate", "a.xml", data)
    drop(gateway, "prominate", "b.xml", data + b"\n<!-- again -->\n")
    # ... and a UBL OrderResponse and OrderResponseSimple that share cbc:ID 7
    for name in CORPUS_FILES["oasis"][1:3]:
        drop(gateway, "oasis", name, (corpus_dir / "xml" / name).read_bytes())
    intake(gateway)
    run_due(gateway)
    # then the resend is a duplicate, the two responses are two documents
    statuses = {n: m.status for n, m in inbound(gateway).items()}
    assert statuses == {
        "a.xml": "done",
        "b.xml": "duplicate",
        CORPUS_FILES["oasis"][1]: "done",
        CORPUS_FILES["oasis"][2]: "done",
    }


def test_a_cxml_order_from_another_buyer_is_refused_naming_both_credentials(
    gateway: Gateway, corpus_dir: Path
) -> None:
    # given the Coupa order dropped in the cxml-php buyer's inbox
    name = "officeluv__purchase_order_request_200_Coupa_cXML-1.2.014.xml"
    drop(gateway, "prominate", "wrong.xml", (corpus_dir / "xml" / name).read_bytes())
    intake(gateway)
    run_due(gateway)
    # then it fails validation, naming what was received and what was expected
    (message,) = inbound(gateway).values()
    assert message.status == "failed"
    codes = {i["code"] for i in message.error_issues}
    assert "cxml.from" in codes and "cxml.secret_missing" in codes
    text = " ".join(i["message"] for i in message.error_issues)
    assert "dell" in text and "inbound@prominate-platform.com" in text
    assert "coyote" not in text


def test_oasis_schema_refuses_what_the_project_schema_lets_through(
    gateway: Gateway, corpus_dir: Path
) -> None:
    # given the OASIS order with an element UBL does not have inside a party
    data = (corpus_dir / "xml" / "oasis__UBL-Order-2.1-Example.xml").read_bytes()
    bad = data.replace(b"<cac:PartyName>", b"<cbc:Nickname>Bob</cbc:Nickname><cac:PartyName>", 1)
    assert bad != data
    drop(gateway, "oasis", "odd.xml", bad)
    intake(gateway)
    run_due(gateway)
    # then the OASIS XSD refuses it with the element and the line
    (message,) = inbound(gateway).values()
    assert message.status == "failed" and message.error_code == "xml.schema"
    assert "Nickname" in (message.error_text or "")
    assert "line" in message.error_issues[0]["location"]


def test_translate_reads_xml_and_finds_the_cxml_partner_by_its_credential(
    gateway: Gateway, corpus_dir: Path
) -> None:
    settings = gateway.settings
    context = TranslateContext(
        load_mappings(settings),
        load_schemas(settings),
        settings.identity,
        list(settings.partners.values()),
        None,
        load_xml_schemas(settings),
    )
    name = "officeluv__order_request_Coupa_cXML-1.2.014.xml"
    result = translate_file((corpus_dir / "xml" / name).read_bytes(), name, context, None)
    assert result.ok, result.issues
    (mapped,) = result.documents
    assert mapped.envelope.sender == "kasdflkjasdf"
    assert getattr(mapped.document, "order_number", None) == "3309"
