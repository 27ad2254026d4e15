"""What ops see of a partner's acknowledgements through the real command."""

from __future__ import annotations

from tests.e2e.conftest import Workspace


def _partner_contrl(acknowledged: str, action: str) -> bytes:
    segments = [
        "UNB+UNOC:3+5790000000001:14+5412345000013:14+261121:1000+ACK9",
        "UNH+1+CONTRL:2:2:UN",
        f"UCI+{acknowledged}+5412345000013:14+5790000000001:14+{action}",
        "UNT+3+1",
        "UNZ+1+ACK9",
    ]
    return ("UNA:+.? '\n" + "'\n".join(segments) + "'\n").encode("latin-1")


def test_rejection_by_the_partner_shows_in_messages_show_status_and_failed_list(
    workspace: Workspace, good_order: bytes
) -> None:
    # given an order answered with an ORDRSP that waits for acme's CONTRL
    workspace.drop("acme", "order.edi", good_order)
    assert workspace.gateway("batch").code == 0
    (ordrsp,) = [m for m in workspace.messages() if m["message_type"] == "ORDRSP"]
    assert ordrsp["ack_status"] == "pending"
    pending = workspace.gateway("messages", "show", str(ordrsp["id"])).stdout
    assert "waiting for the partner's acknowledgement (CONTRL, 997/999) until" in pending
    # when acme's CONTRL rejects that interchange (UCI 0083 = 4)
    workspace.drop("acme", "contrl.edi", _partner_contrl(ordrsp["interchange_ref"], "4"))
    assert workspace.gateway("batch").code == 0
    # then `messages show` says so in words, `status` counts it, and it is in the failed queue
    shown = workspace.gateway("messages", "show", str(ordrsp["id"])).stdout
    assert "acknowledgement: REJECTED by the partner" in shown
    assert "CONTRL rejected" in shown  # the history line naming the partner's message
    status = workspace.gateway("status", "--json").json()
    assert status["acknowledgements"] == {"rejected": 1}
    failed = workspace.gateway("failed", "list", "--json").json()
    assert [(m["id"], m["error_code"]) for m in failed] == [(ordrsp["id"], "partner.rejected")]
