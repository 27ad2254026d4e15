"""Broken files land in the failed queue with what and where; ops retry after a fix."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from tests.e2e.conftest import GATEWAY, Workspace, values


def _failed(workspace: Workspace) -> list[dict[str, object]]:
    result = workspace.gateway("failed", "list", "--json")
    assert result.code == 0, result.stderr
    return list(result.json())


def test_wrong_unt_count_fails_with_an_error_naming_the_segment(
    workspace: Workspace, good_order: bytes
) -> None:
    # given an order whose UNT says 99 segments
    workspace.drop("acme", "bad.edi", good_order.replace(b"UNT+21+1'", b"UNT+99+1'"))
    # when the batch runs
    result = workspace.gateway("batch")
    # then the pass reports a failure and the failed queue says what and where
    assert result.code == 1
    (failed,) = _failed(workspace)
    assert failed["error_code"] == "edifact.unt_count"
    # UNB is segment 1 (UNA is not counted), so UNT is segment 22
    assert "segment 22 (UNT)" in str(failed["error_location"])
    assert "99" in str(failed["error_text"]) and "21" in str(failed["error_text"])
    # and acme got a negative CONTRL instead of an ORDRSP
    assert workspace.sent("acme", "ORDRSP") == []
    (contrl,) = workspace.sent("acme", "CONTRL")
    assert values(contrl, "UCI")[0][3] == ("4",)


def test_failed_show_gives_every_issue_without_a_traceback(
    workspace: Workspace, good_order: bytes
) -> None:
    # given a failed message
    workspace.drop("acme", "bad.edi", good_order.replace(b"UNT+21+1'", b"UNT+99+1'"))
    workspace.gateway("batch")
    (failed,) = _failed(workspace)
    # when ops look at it
    shown = workspace.gateway("failed", "show", str(failed["id"]))
    # then the issue is spelled out, and no Python traceback appears
    assert shown.code == 0
    assert "edifact.unt_count" in shown.stdout
    assert "Traceback" not in shown.stdout + shown.stderr


def test_retry_with_a_corrected_file_processes_it_and_keeps_the_original(
    workspace: Workspace, good_order: bytes, tmp_path: Path
) -> None:
    # given a failed message and a corrected copy of the file
    workspace.drop("acme", "bad.edi", good_order.replace(b"UNT+21+1'", b"UNT+99+1'"))
    workspace.gateway("batch")
    (failed,) = _failed(workspace)
    fixed = tmp_path / "fixed.edi"
    fixed.write_bytes(good_order)
    # when ops retry it with the fix
    result = workspace.gateway("failed", "retry", str(failed["id"]), "--file", str(fixed))
    # then the corrected copy is processed and answered, the original discarded and kept
    assert result.code == 0, result.stdout + result.stderr
    assert _failed(workspace) == []
    inbound = [m for m in workspace.messages() if m["direction"] == "in"]
    assert [(m["status"], m["parent_id"]) for m in inbound] == [
        ("discarded", None),
        ("done", failed["id"]),
    ]
    assert len(workspace.sent("acme", "ORDRSP")) == 1


def test_retry_after_a_partner_profile_fix_runs_the_stored_file_again(
    workspace: Workspace, good_order: bytes
) -> None:
    # given acme's profile with a wrong EDIFACT id, so the order fails the sender check
    profile = workspace.root / "config" / "partners" / "acme.toml"
    original = profile.read_text()
    profile.write_text(original.replace('"5790000000001"', '"5790000000999"', 1))
    workspace.drop("acme", "order.edi", good_order)
    assert workspace.gateway("batch").code == 1
    (failed,) = _failed(workspace)
    assert failed["error_code"] == "partner.sender"
    # when the profile is fixed and ops retry
    profile.write_text(original)
    result = workspace.gateway("failed", "retry", str(failed["id"]))
    # then the same stored message goes through
    assert result.code == 0, result.stdout + result.stderr
    assert (
        workspace.gateway("messages", "show", str(failed["id"]), "--json").json()["status"]
        == "done"
    )
    assert len(workspace.sent("acme", "ORDRSP")) == 1


def test_discard_takes_a_message_out_of_the_failed_queue(
    workspace: Workspace, good_order: bytes
) -> None:
    # given a failed message
    workspace.drop("acme", "bad.edi", good_order.replace(b"UNT+21+1'", b"UNT+99+1'"))
    workspace.gateway("batch")
    (failed,) = _failed(workspace)
    # when ops discard it with a reason
    result = workspace.gateway("failed", "discard", str(failed["id"]), "--reason", "resent")
    # then it leaves the queue and the reason is in its history
    assert result.code == 0
    assert _failed(workspace) == []
    shown = workspace.gateway("messages", "show", str(failed["id"]), "--json").json()
    assert shown["history"][-1]["reason"] == "resent"


def test_half_written_file_is_not_picked_up_before_it_is_complete(
    workspace: Workspace, good_order: bytes
) -> None:
    # given the first half of a file, just written
    half = len(good_order) // 2
    path = workspace.drop("acme", "slow.edi", good_order[:half], settled=False)
    # when a batch runs at once
    assert workspace.gateway("batch").code == 0
    # then nothing was taken
    assert path.exists() and workspace.messages() == []
    # when the writer finishes and the file settles
    with path.open("ab") as out:
        out.write(good_order[half:])
    old = time.time() - 60
    os.utime(path, (old, old))
    assert workspace.gateway("batch").code == 0
    # then the whole file is processed
    inbound = workspace.messages()[0]
    assert inbound["size"] == len(good_order) and inbound["status"] == "done"


def test_temporary_and_hidden_files_are_ignored(workspace: Workspace, good_order: bytes) -> None:
    # given files named as still being written
    for name in ("upload.tmp", "upload.part", ".hidden.edi"):
        workspace.drop("acme", name, good_order)
    # when a batch runs
    assert workspace.gateway("batch").code == 0
    # then none is taken
    assert workspace.messages() == []


def test_bad_configuration_exits_2_naming_file_and_key(workspace: Workspace) -> None:
    # given a typo in a partner profile
    profile = workspace.root / "config" / "partners" / "acme.toml"
    profile.write_text(profile.read_text().replace("duplicates", "duplicatez"))
    # when the batch starts
    result = workspace.gateway("batch")
    # then it refuses with exit 2 and names the file and key
    assert result.code == 2
    assert "acme.toml" in result.stderr and "duplicatez" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_answers_a_dropped_file_within_seconds_and_stops_on_sigint(
    workspace: Workspace, good_order: bytes
) -> None:
    # given the gateway running in the foreground
    env = {**os.environ, "GATEWAY_WORKSPACE": str(workspace.root)}
    proc = subprocess.Popen(
        [str(GATEWAY), "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        time.sleep(1.5)
        # when a file is copied in the usual way: written under a temporary name, then renamed
        tmp = workspace.root / "inbox" / "acme" / "order.edi.part"
        tmp.write_bytes(good_order)
        started = time.monotonic()
        tmp.rename(tmp.with_name("order.edi"))
        while len(workspace.outbox("acme")) < 2 and time.monotonic() - started < 10:
            time.sleep(0.05)
        elapsed = time.monotonic() - started
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=15)
    # then CONTRL and ORDRSP were written promptly and Ctrl-C stopped it cleanly
    assert len(workspace.outbox("acme")) == 2, stderr
    assert elapsed < 5, f"took {elapsed:.2f}s"
    assert proc.returncode == 0, stderr
    assert "gateway stopped" in stderr and "Traceback" not in stderr


def test_unreadable_interchange_is_still_rejected_to_the_sender_named_in_unb(
    workspace: Workspace, good_order: bytes
) -> None:
    # given an order cut off in the middle of a segment (the transfer broke)
    workspace.drop("acme", "cut.edi", good_order[: good_order.index(b"QTY+21:24") + 5])
    # when the batch runs
    assert workspace.gateway("batch").code == 1
    # then the message fails with a parse error and acme still gets a rejecting CONTRL
    (failed,) = _failed(workspace)
    assert failed["stage"] == "received"
    assert "terminator" in str(failed["error_text"]).lower()
    (contrl,) = workspace.sent("acme", "CONTRL")
    uci = values(contrl, "UCI")[0]
    assert uci[0] == ("ACME00042",) and uci[3] == ("4",)
    assert [s.tag for s in contrl.messages[0].segments] == ["UNH", "UCI", "UNT"]


def test_file_without_unb_fails_without_an_acknowledgement(workspace: Workspace) -> None:
    # given a file that is not EDIFACT at all
    workspace.drop("acme", "junk.edi", b"this is not an interchange\n")
    # when the batch runs
    assert workspace.gateway("batch").code == 1
    # then it is in the failed queue, saying what was expected, and nothing is sent
    (failed,) = _failed(workspace)
    assert failed["error_code"] == "format.unknown"
    assert workspace.outbox("acme") == []


def test_held_duplicate_is_processed_once_a_person_accepts_it(
    workspace: Workspace, good_order: bytes
) -> None:
    # given acme's duplicates held for review, and the same order received twice
    profile = workspace.root / "config" / "partners" / "acme.toml"
    profile.write_text(profile.read_text().replace('duplicates = "reject"', 'duplicates = "hold"'))
    workspace.drop("acme", "order.edi", good_order)
    assert workspace.gateway("batch").code == 0
    workspace.drop("acme", "order-again.edi", good_order)
    assert workspace.gateway("batch").code == 1
    (held,) = _failed(workspace)
    assert held["error_code"] == "duplicate" and held["filename"] == "order-again.edi"
    # when a plain retry runs, then it is held again
    assert workspace.gateway("failed", "retry", str(held["id"])).code == 1
    # when the reviewer accepts it
    result = workspace.gateway("failed", "retry", str(held["id"]), "--accept-duplicate")
    # then it is processed and answered like any order
    assert result.code == 0, result.stdout + result.stderr
    assert _failed(workspace) == []
    assert len(workspace.sent("acme", "ORDRSP")) == 2


def test_partner_resend_of_a_rejected_interchange_is_processed_and_supersedes_it(
    workspace: Workspace, good_order: bytes
) -> None:
    # given a rejected interchange (wrong UNT count)
    workspace.drop("acme", "bad.edi", good_order.replace(b"UNT+21+1'", b"UNT+99+1'"))
    assert workspace.gateway("batch").code == 1
    (failed,) = _failed(workspace)
    # when the partner resends it, fixed, under the same UNB 0020 reference
    workspace.drop("acme", "resent.edi", good_order)
    assert workspace.gateway("batch").code == 0
    # then the resend is processed, and the rejected copy is discarded as superseded
    inbound = [m for m in workspace.messages() if m["direction"] == "in"]
    assert [(m["filename"], m["status"]) for m in inbound] == [
        ("bad.edi", "discarded"),
        ("resent.edi", "done"),
    ]
    assert len(workspace.sent("acme", "ORDRSP")) == 1
    # and the superseded copy can no longer be retried into a second order
    retry = workspace.gateway("failed", "retry", str(failed["id"]))
    assert retry.code == 1 and "discarded" in retry.stderr


def test_status_names_inbox_folders_that_no_partner_profile_reads(
    workspace: Workspace, good_order: bytes
) -> None:
    # given a file dropped in a folder no partner profile claims
    (workspace.root / "inbox" / "umbrella").mkdir()
    (workspace.root / "inbox" / "umbrella" / "order.edi").write_bytes(good_order)
    # when ops ask for the status
    result = workspace.gateway("status", "--json")
    # then the folder is named, and the file was not taken by a batch either
    assert result.code == 0
    assert result.json()["unknown_folders"] == ["umbrella"]
    assert workspace.gateway("batch").code == 0
    assert (workspace.root / "inbox" / "umbrella" / "order.edi").exists()
