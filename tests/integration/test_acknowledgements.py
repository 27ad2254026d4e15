"""Acknowledgements both ways: our CONTRL per policy, the partner's CONTRL and APERAK
reconciling what we sent, overdue ones, test interchanges, several interchanges per file."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from gateway.app import Gateway, build_gateway
from gateway.config import load_settings
from gateway.formats.edifact import parse_interchange
from gateway.jobs.runner import run_job
from gateway.pipeline import ops, status
from gateway.pipeline.intake import intake
from gateway.pipeline.runner import run_due
from gateway.store import MessageFilter, MessageRecord
from gateway.workspace import init_workspace
from tests.integration.conftest import with_sample_masterdata
from tests.integration.test_runner import ORDER, FakeClock

ACME = "5790000000001:14"
US = "5412345000013:14"


@pytest.fixture()
def clock() -> FakeClock:
    return FakeClock()


def _gateway(workspace: Path, clock: FakeClock) -> Gateway:
    return with_sample_masterdata(
        build_gateway(load_settings(workspace, {}), clock=clock, rand=lambda: 0.5)
    )


@pytest.fixture()
def gateway(tmp_path: Path, clock: FakeClock) -> Iterator[Gateway]:
    init_workspace(tmp_path)
    gw = _gateway(tmp_path, clock)
    yield gw
    gw.close()


def drop(gw: Gateway, name: str, data: bytes) -> None:
    """A settled file in acme's inbox."""
    path = gw.settings.inbox / "acme" / name
    path.write_bytes(data)
    os.utime(path, (time.time() - 3600,) * 2)


def interchange(ref: str, *body: str, unb_extra: str = "") -> bytes:
    """A UNOC interchange from acme to us around the given message segments."""
    segments = [f"UNB+UNOC:3+{ACME}+{US}+261121:1000+{ref}{unb_extra}", *body, f"UNZ+1+{ref}"]
    return ("UNA:+.? '\n" + "'\n".join(segments) + "'\n").encode("latin-1")


def contrl(ref: str, acknowledged: str, action: str, *detail: str) -> bytes:
    """The partner's CONTRL for our interchange `acknowledged`."""
    body = [
        "UNH+1+CONTRL:2:2:UN",
        f"UCI+{acknowledged}+{US}+{ACME}+{action}",
        *detail,
    ]
    return interchange(ref, *body, f"UNT+{len(body) + 1}+1")


def messages(gw: Gateway, **kind: str) -> list[MessageRecord]:
    """Messages oldest first, filtered like `messages list`."""
    return sorted(gw.store.list_messages(MessageFilter(**kind)), key=lambda m: m.id)  # type: ignore[arg-type]


def order_response(gw: Gateway) -> MessageRecord:
    """The one ORDRSP sent so far."""
    (ordrsp,) = [m for m in messages(gw, direction="out") if m.message_type == "ORDRSP"]
    return ordrsp


def process_order(gw: Gateway, data: bytes | None = None) -> MessageRecord:
    """Drop the sample order, run, and return the ORDRSP that answered it."""
    drop(gw, "order.edi", data or ORDER.read_bytes())
    intake(gw)
    run_due(gw)
    return order_response(gw)


def test_sent_order_response_asks_for_and_waits_for_a_contrl(
    gateway: Gateway, clock: FakeClock
) -> None:
    # when an order is processed (the sample acme profile expects acks within 24h)
    ordrsp = process_order(gateway)
    # then the ORDRSP was sent with UNB 0031 = 1 and waits for the partner's CONTRL
    assert (ordrsp.stage, ordrsp.status, ordrsp.ack_status) == ("sent", "done", "pending")
    assert ordrsp.ack_due_at == clock.now + timedelta(hours=24)
    assert ordrsp.document_ref == "PO-4711"
    sent = parse_interchange(gateway.store.raw(ordrsp.id) or b"")
    assert sent.ack_requested
    # and our own CONTRL asks for nothing and waits for nothing
    (our_contrl,) = [m for m in messages(gateway, direction="out") if m.message_type == "CONTRL"]
    assert our_contrl.ack_status is None
    assert not parse_interchange(gateway.store.raw(our_contrl.id) or b"").ack_requested


def test_partner_contrl_accepting_our_interchange_marks_it_acknowledged(
    gateway: Gateway,
) -> None:
    # given a sent ORDRSP
    ordrsp = process_order(gateway)
    # when the partner's CONTRL acknowledges its interchange (UCI 0083 = 7)
    drop(gateway, "contrl.edi", contrl("ACK0001", ordrsp.interchange_ref or "", "7"))
    intake(gateway)
    run_due(gateway)
    # then the ORDRSP is acknowledged and accepted, with a history entry naming the CONTRL
    after = gateway.store.get(ordrsp.id)
    assert after is not None
    assert (after.stage, after.status, after.ack_status) == ("acknowledged", "done", "accepted")
    assert gateway.store.history(ordrsp.id)[-1].reason.startswith("CONTRL accepted")
    # and the inbound CONTRL is done, and no CONTRL answers a CONTRL (ISO 9735-4)
    inbound = messages(gateway, direction="in")[-1]
    assert (inbound.message_type, inbound.status) == ("CONTRL", "done")
    assert [m.parent_id for m in messages(gateway, direction="out")].count(inbound.id) == 0


def test_partner_contrl_rejecting_our_interchange_puts_it_in_the_failed_queue(
    gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    # given a sent ORDRSP
    ordrsp = process_order(gateway)
    ref = ordrsp.interchange_ref or ""
    # when the partner rejects it: UCI 4, UCM 4 for our message, a segment error at QTY
    detail = [f"UCM+{ordrsp.message_ref}+ORDRSP:D:96A:UN:EAN008+4", "UCS+12+12", "UCD+12+2:2"]
    drop(gateway, "contrl.edi", contrl("ACK0002", ref, "4", *detail))
    intake(gateway)
    run_due(gateway)
    # then the ORDRSP is failed, rejected by the partner, with every error named, and ops
    # were alerted at error level
    after = gateway.store.get(ordrsp.id)
    assert after is not None
    assert (after.status, after.ack_status, after.error_code) == (
        "failed",
        "rejected",
        "partner.rejected",
    )
    texts = [i["message"] for i in after.error_issues]
    assert texts == [
        f"message {ordrsp.message_ref} (ORDRSP) rejected",
        "segment 12: error 12",
        "element 2:2: error 12",
    ]
    assert any(r.levelname == "ERROR" and "rejected" in r.getMessage() for r in caplog.records)
    # when ops retry it, then it is rendered again under a new interchange reference
    ops.retry(gateway, ordrsp.id, actor="ops")
    run_due(gateway)
    again = gateway.store.get(ordrsp.id)
    assert again is not None
    assert (again.stage, again.status, again.ack_status) == ("sent", "done", "pending")
    assert again.interchange_ref != ref


def test_partner_aperak_with_an_error_rejects_the_document_it_names(gateway: Gateway) -> None:
    # given a sent ORDRSP for order PO-4711
    ordrsp = process_order(gateway)
    # when the partner's APERAK refers to PO-4711 (RFF+ACW) with an application error
    body = [
        "UNH+1+APERAK:D:96A:UN",
        "BGM+23+APK1+9",
        "DTM+137:20261121:102",
        "RFF+ACW:PO-4711",
        "ERC+12",
        "FTX+AAO+++Unknown GTIN 4006381333931",
    ]
    drop(gateway, "aperak.edi", interchange("APK0001", *body, f"UNT+{len(body) + 1}+1"))
    intake(gateway)
    run_due(gateway)
    # then the ORDRSP is rejected with the partner's text
    after = gateway.store.get(ordrsp.id)
    assert after is not None
    assert (after.status, after.ack_status) == ("failed", "rejected")
    assert after.error_issues[0]["message"] == "error 12: Unknown GTIN 4006381333931"
    aperak = messages(gateway, direction="in")[-1]
    assert (aperak.message_type, aperak.status) == ("APERAK", "done")


def test_acknowledgement_not_received_in_time_is_flagged_overdue(
    gateway: Gateway, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    # given a sent ORDRSP waiting for its CONTRL
    ordrsp = process_order(gateway)
    # when a day passes, then it is not overdue yet; a moment later it is (the overdue_acks job)
    clock.now += timedelta(hours=24)
    run_job(gateway, "overdue_acks", "test")
    assert (gateway.store.get(ordrsp.id) or ordrsp).ack_status == "pending"
    clock.now += timedelta(minutes=1)
    run_job(gateway, "overdue_acks", "test")
    after = gateway.store.get(ordrsp.id)
    assert after is not None and after.ack_status == "overdue"
    assert after.status == "done"  # sent all the same; overdue is an alert, not a failure
    assert "no acknowledgement by" in gateway.store.history(ordrsp.id)[-1].reason
    assert any(
        r.levelname == "ERROR" and "no acknowledgement" in r.getMessage() for r in caplog.records
    )
    # and a late CONTRL still settles it
    drop(gateway, "late.edi", contrl("ACK0003", ordrsp.interchange_ref or "", "7"))
    intake(gateway)
    run_due(gateway)
    assert (gateway.store.get(ordrsp.id) or ordrsp).ack_status == "accepted"


def _with_profile(workspace: Path, old: str, new: str) -> None:
    profile = workspace / "config" / "partners" / "acme.toml"
    text = profile.read_text()
    assert old in text
    profile.write_text(text.replace(old, new))


def test_requested_policy_answers_only_when_unb_0031_asks(tmp_path: Path, clock: FakeClock) -> None:
    # given acme's policy "requested"
    init_workspace(tmp_path)
    _with_profile(tmp_path, 'acknowledge = "always"', 'acknowledge = "requested"')
    gw = _gateway(tmp_path, clock)
    try:
        # when an order without UNB 0031 and one with 0031 = 1 arrive
        plain = ORDER.read_bytes()
        asking = plain.replace(b"+ACME00042'", b"+ACME00043++++1'").replace(
            b"UNZ+1+ACME00042", b"UNZ+1+ACME00043"
        )
        drop(gw, "plain.edi", plain)
        drop(gw, "asking.edi", asking)
        intake(gw)
        run_due(gw)
        # then only the second one is answered with a CONTRL
        contrls = [m for m in messages(gw, direction="out") if m.message_type == "CONTRL"]
        inbound = {m.filename: m.id for m in messages(gw, direction="in")}
        assert [c.parent_id for c in contrls] == [inbound["asking.edi"]]
    finally:
        gw.close()


def test_receipt_level_sends_uci_action_8_only(tmp_path: Path, clock: FakeClock) -> None:
    # given acme's acknowledge_level "receipt"
    init_workspace(tmp_path)
    _with_profile(tmp_path, 'acknowledge_level = "syntax"', 'acknowledge_level = "receipt"')
    gw = _gateway(tmp_path, clock)
    try:
        process_order(gw)
        (ours,) = [m for m in messages(gw, direction="out") if m.message_type == "CONTRL"]
        sent = parse_interchange(gw.store.raw(ours.id) or b"")
        # then the CONTRL body is UCI with 0083 = 8 and no UCM
        tags = [s.tag for s in sent.messages[0].segments]
        assert tags == ["UNH", "UCI", "UNT"]
        assert sent.messages[0].segments[1].value(4) == "8"
    finally:
        gw.close()


def test_test_indicator_is_carried_to_every_record_and_answer(gateway: Gateway) -> None:
    # given an order interchange with UNB 0035 = 1 (test)
    test_order = ORDER.read_bytes().replace(b"+ACME00042'", b"+ACME00042++++++1'")
    process_order(gateway, test_order)
    # then the inbound record, the CONTRL and the ORDRSP are test messages, in UNB too
    (inbound,) = messages(gateway, direction="in")
    assert inbound.test
    outbound = messages(gateway, direction="out")
    assert {m.message_type for m in outbound} == {"CONTRL", "ORDRSP"}
    for message in outbound:
        assert message.test
        assert parse_interchange(gateway.store.raw(message.id) or b"").test


def test_two_interchanges_in_one_file_become_two_messages(gateway: Gateway) -> None:
    # given one file holding two order interchanges (the second with other separators)
    second = ORDER.read_bytes().replace(b"ACME00042", b"ACME00077").replace(b"PO-4711", b"PO-4712")
    drop(gateway, "two.edi", ORDER.read_bytes() + second)
    intake(gateway)
    run_due(gateway)
    # then the file is done as a parent of two messages, each processed and acknowledged
    parent, *children = messages(gateway, direction="in")
    assert (parent.stage, parent.status) == ("parsed", "done")
    assert [(c.interchange_ref, c.status, c.parent_id) for c in children] == [
        ("ACME00042", "done", parent.id),
        ("ACME00077", "done", parent.id),
    ]
    assert [c.filename for c in children] == ["two.edi#1", "two.edi#2"]
    assert b"".join(gateway.store.raw(c.id) or b"" for c in children) == gateway.store.raw(
        parent.id
    )
    out = messages(gateway, direction="out")
    assert sorted(m.document_ref or "" for m in out if m.message_type == "ORDRSP") == [
        "PO-4711",
        "PO-4712",
    ]


def test_structure_error_is_rejected_with_ucs_and_ucd_at_the_place(gateway: Gateway) -> None:
    # given an order whose QTY C186.6060 is not numeric (segment 14 of the interchange)
    broken = ORDER.read_bytes().replace(b"QTY+21:120:PCE", b"QTY+21:12O:PCE")
    drop(gateway, "broken.edi", broken)
    intake(gateway)
    run_due(gateway)
    # then the file is failed with the issue located, and the CONTRL points at it
    (inbound,) = messages(gateway, direction="in")
    assert inbound.status == status.FAILED
    assert inbound.error_issues[0]["code"] == "edifact.element_type"
    assert (
        inbound.error_issues[0]["location"]
        == "broken.edi, segment 14 (QTY), element 1, component 2"
    )
    (ours,) = messages(gateway, direction="out")
    body = parse_interchange(gateway.store.raw(ours.id) or b"").messages[0].segments
    tags = [(s.tag, s.elements) for s in body[1:-1]]
    # UCS 0096 counts from UNH = 1 (QTY is the 13th); S011 counts the tag as 1
    assert tags == [
        ("UCI", (("ACME00042",), ("5790000000001", "14"), ("5412345000013", "14"), ("4",))),
        ("UCM", (("1",), ("ORDERS", "D", "96A", "UN", "EAN008"), ("4",))),
        ("UCS", (("13",),)),
        ("UCD", (("37",), ("2", "2"))),
    ]


def test_past_the_outline_limit_contrl_answers_at_interchange_level(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given an interchange of two orders, and a limit of one message outline (10,000 in use)
    monkeypatch.setattr("gateway.pipeline.edifact_scan.OUTLINE_LIMIT", 1)
    text = ORDER.read_bytes().decode("latin-1")
    start, end = text.index("UNH+1"), text.index("UNZ")
    second = text[start:end].replace("UNH+1+", "UNH+2+").replace("UNT+21+1", "UNT+21+2")
    two = (text[:end] + second + text[end:]).replace("UNZ+1+", "UNZ+2+").encode("latin-1")
    drop(gateway, "two.edi", two)
    intake(gateway)
    run_due(gateway)
    # then both orders are answered, and the CONTRL is UCI 0083 = 7 without UCM (ISO 9735-4:
    # 7 acknowledges every lower level not explicitly rejected)
    (inbound,) = messages(gateway, direction="in")
    assert inbound.status == "done" and inbound.message_ref == "1,2"
    (ours,) = [m for m in messages(gateway, direction="out") if m.message_type == "CONTRL"]
    body = parse_interchange(gateway.store.raw(ours.id) or b"").messages[0].segments
    assert [s.tag for s in body] == ["UNH", "UCI", "UNT"]
    assert body[1].value(4) == "7"
    assert len([m for m in messages(gateway, direction="out") if m.message_type == "ORDRSP"]) == 2
