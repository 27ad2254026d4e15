"""An EDIFACT order in, stored, acknowledged and answered, through the real command."""

from __future__ import annotations

import hashlib

from tests.e2e.conftest import Workspace, values

OUR_ID = ("5412345000013", "14")
ACME_ID = ("5790000000001", "14")


def test_good_order_is_acknowledged_and_answered_with_ordrsp(
    workspace: Workspace, good_order: bytes
) -> None:
    # given a complete ORDERS D96A in acme's inbox
    workspace.drop("acme", "order1.edi", good_order)
    # when one batch pass runs
    result = workspace.gateway("batch")
    # then it succeeds and acme's outbox holds a positive CONTRL and an ORDRSP
    assert result.code == 0, result.stderr
    assert len(workspace.outbox("acme")) == 2
    (contrl,) = workspace.sent("acme", "CONTRL")
    assert (contrl.sender_id, contrl.sender_qualifier) == OUR_ID
    assert (contrl.recipient_id, contrl.recipient_qualifier) == ACME_ID
    (uci,) = values(contrl, "UCI")
    assert uci[0] == ("ACME00042",)
    assert uci[1][0] == ACME_ID[0] and uci[2][0] == OUR_ID[0]
    assert uci[3] == ("7",)  # 0083: acknowledged


def test_ordrsp_confirms_every_line_as_ordered(workspace: Workspace, good_order: bytes) -> None:
    # given the good order processed
    workspace.drop("acme", "order1.edi", good_order)
    assert workspace.gateway("batch").code == 0
    # when we read the ORDRSP field by field
    (ordrsp,) = workspace.sent("acme", "ORDRSP")
    message = ordrsp.messages[0]
    # then header, order reference, parties and both lines are answered
    assert (message.version, message.association) == ("D96A", "EAN005")
    assert ordrsp.syntax_identifier == "UNOC"
    (bgm,) = values(ordrsp, "BGM")
    assert bgm[0] == ("231",)
    assert ("ON", "PO-4711") in [e[0] for e in values(ordrsp, "RFF")]
    nads = {e[0][0]: e[1][0] for e in values(ordrsp, "NAD")}
    assert nads["BY"] == "5790000000001"
    assert nads["DP"] == "5790000000018"
    lins = values(ordrsp, "LIN")
    assert [lin[0][0] for lin in lins] == ["1", "2"]
    assert [lin[2][0] for lin in lins] == ["4006381333931", "4006381333948"]
    # QTY 6063: 21 ordered, 113 to be delivered (confirmed); the unit is echoed as sent
    quantities = [q[0] for q in values(ordrsp, "QTY")]
    assert quantities == [("21", "120", "PCE"), ("113", "120", "PCE"), ("21", "24"), ("113", "24")]
    (cnt,) = values(ordrsp, "CNT")
    assert cnt[0] == ("2", "2")


def test_messages_list_links_both_outbound_to_the_inbound(
    workspace: Workspace, good_order: bytes
) -> None:
    # given the good order processed
    workspace.drop("acme", "order1.edi", good_order)
    assert workspace.gateway("batch").code == 0
    # when we list messages
    inbound, *outbound = workspace.messages()
    # then the inbound is done and both outbound ones point at it
    assert (inbound["direction"], inbound["stage"], inbound["status"]) == (
        "in",
        "processed",
        "done",
    )
    assert inbound["sha256"] == hashlib.sha256(good_order).hexdigest()
    assert inbound["interchange_ref"] == "ACME00042"
    assert sorted(m["message_type"] for m in outbound) == ["CONTRL", "ORDRSP"]
    assert all(m["parent_id"] == inbound["id"] for m in outbound)
    assert all((m["stage"], m["status"]) == ("sent", "done") for m in outbound)


def test_inbound_bytes_are_stored_exactly_and_the_drop_is_emptied(
    workspace: Workspace, good_order: bytes
) -> None:
    # given the good order processed
    workspace.drop("acme", "order1.edi", good_order)
    assert workspace.gateway("batch").code == 0
    # when we ask for the stored raw bytes
    inbound = workspace.messages()[0]
    raw = workspace.gateway_bytes("messages", "show", str(inbound["id"]), "--raw")
    # then they are the Latin-1 bytes as dropped, and the file left the inbox for the archive
    assert raw == good_order
    assert not (workspace.root / "inbox" / "acme" / "order1.edi").exists()
    archived = list((workspace.root / "var" / "archive" / "acme").rglob("order1.edi"))
    assert len(archived) == 1 and archived[0].read_bytes() == good_order


def test_same_file_twice_is_recorded_as_duplicate_and_not_processed(
    workspace: Workspace, good_order: bytes
) -> None:
    # given the order processed once
    workspace.drop("acme", "order1.edi", good_order)
    assert workspace.gateway("batch").code == 0
    # when the same bytes arrive again under another name
    workspace.drop("acme", "order1-again.edi", good_order)
    result = workspace.gateway("batch")
    # then the second is a duplicate of the first, no second ORDRSP, a negative CONTRL
    assert result.code == 0, result.stderr
    messages = workspace.messages()
    first, second = (m for m in messages if m["direction"] == "in")
    assert second["status"] == "duplicate"
    assert second["parent_id"] == first["id"]
    assert len(workspace.sent("acme", "ORDRSP")) == 1
    rejections = [
        ic for ic in workspace.sent("acme", "CONTRL") if values(ic, "UCI")[0][3] == ("4",)
    ]
    (rejection,) = rejections
    # UCI 0083 = 4 rejected, 0085 = 26 duplicate detected
    assert values(rejection, "UCI")[0][3:5] == (("4",), ("26",))


def test_same_interchange_reference_is_a_duplicate_even_with_other_bytes(
    workspace: Workspace, good_order: bytes
) -> None:
    # given the order processed once
    workspace.drop("acme", "order1.edi", good_order)
    assert workspace.gateway("batch").code == 0
    # when a file with other bytes but the same UNB 0020 arrives
    changed = good_order.replace(b"PO-4711", b"PO-4712")
    workspace.drop("acme", "order2.edi", changed)
    assert workspace.gateway("batch").code == 0
    # then it is recorded as a duplicate and not processed
    second = [m for m in workspace.messages() if m["direction"] == "in"][1]
    assert second["status"] == "duplicate"
    assert "ACME00042" in second["error_text"]
    assert len(workspace.sent("acme", "ORDRSP")) == 1


def test_answers_to_a_test_interchange_are_marked_test(
    workspace: Workspace, good_order: bytes
) -> None:
    # given an order whose UNB 0035 test indicator is 1
    test_order = good_order.replace(b"+ACME00042'", b"+ACME00042++++++1'", 1)
    workspace.drop("acme", "test.edi", test_order)
    # when it is processed
    assert workspace.gateway("batch").code == 0
    # then both answers carry the test indicator in their UNB
    sent = workspace.sent("acme", "CONTRL") + workspace.sent("acme", "ORDRSP")
    assert len(sent) == 2 and all(ic.test for ic in sent)
