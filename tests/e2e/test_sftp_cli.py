"""The real `gateway` command against a partner's SFTP server (a real OpenSSH sshd)."""

from __future__ import annotations

import os
import signal
import subprocess
import time

from tests.e2e.conftest import GATEWAY, Workspace
from tests.sftp_partner import configure_sftp
from tests.sshd import SshServer


def _on_server(server: SshServer, folder: str) -> list[str]:
    path = server.home / folder
    return sorted(p.name for p in path.iterdir() if p.is_file()) if path.is_dir() else []


def _inbound(workspace: Workspace) -> list[dict[str, object]]:
    return [m for m in workspace.messages() if m["direction"] == "in"]


def test_killed_between_download_and_delete_the_file_is_not_processed_twice(
    workspace: Workspace, sshd: SshServer, good_order: bytes
) -> None:
    # given an order on the partner's server
    configure_sftp(workspace.root, sshd, complete="rename")
    order = sshd.home / "out" / "ORDERS_42.edi"
    order.parent.mkdir(parents=True, exist_ok=True)
    order.write_bytes(good_order)
    # when the gateway is killed (SIGKILL) right after committing the file, before deleting it
    killed = workspace.gateway("batch", env={"GATEWAY_FAILPOINTS": "remote.after_commit"})
    assert killed.code == -signal.SIGKILL, killed.stderr
    # then the bytes are stored once and the file is still on the server
    (stored,) = _inbound(workspace)
    assert stored["filename"] == "ORDERS_42.edi"
    assert _on_server(sshd, "out") == ["ORDERS_42.edi"]
    # when the gateway runs again
    again = workspace.gateway("batch")
    assert again.code == 0, again.stderr
    # then it downloads the file again, recognises it and only cleans up: still one inbound
    # message, processed once, answered once (CONTRL + ORDRSP uploaded to the partner)
    assert "already stored" in again.stderr
    (only,) = _inbound(workspace)
    assert only["id"] == stored["id"] and only["status"] == "done"
    assert _on_server(sshd, "out") == []
    answers = _on_server(sshd, "in")
    assert len(answers) == 2, answers
    # and a third run finds nothing to do
    third = workspace.gateway("batch")
    assert third.code == 0 and len(_inbound(workspace)) == 1
    assert _on_server(sshd, "in") == answers


def test_status_reports_an_unhealthy_transport_and_its_recovery(
    workspace: Workspace, sshd: SshServer
) -> None:
    # given a partner whose server is down, unhealthy after 2 failures
    configure_sftp(workspace.root, sshd, unhealthy_after=2, timeout="2s")
    sshd.stop()
    # when two batches cannot reach it
    for _ in range(2):
        result = workspace.gateway("batch")
        assert "Traceback" not in result.stderr
        # the pass fails, naming the partner and why
        assert result.code == 1 and "sftp poll failed, acme: sftp " in result.stdout
    # then status says so, with the error, in text and JSON; the log said it at ERROR
    assert "ERROR" in result.stderr and "UNHEALTHY" in result.stderr
    text = workspace.gateway("status")
    assert "sftp acme" in text.stdout and "unhealthy, 2 consecutive failure(s)" in text.stdout
    assert "last error:" in text.stdout
    (transport,) = workspace.gateway("status", "--json").json()["transports"]
    assert transport["health"] == "unhealthy" and transport["consecutive_failures"] == 2
    # when the server is back, the next batch recovers it
    sshd.start()
    assert workspace.gateway("batch").code == 0
    (transport,) = workspace.gateway("status", "--json").json()["transports"]
    assert transport["health"] == "healthy" and transport["consecutive_failures"] == 0


def test_run_fetches_from_the_partner_server_and_uploads_the_answers(
    workspace: Workspace, sshd: SshServer, good_order: bytes
) -> None:
    # given `gateway run` with acme on its own SFTP server, polled every second
    configure_sftp(workspace.root, sshd, complete="rename", poll_interval="1s")
    env = {**os.environ, "GATEWAY_WORKSPACE": str(workspace.root)}
    proc = subprocess.Popen(
        [str(GATEWAY), "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        time.sleep(1.5)
        # when the partner uploads an order under a temporary name and renames it
        temporary = sshd.home / "out" / "ORDERS_43.edi.part"
        temporary.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(good_order)
        temporary.rename(temporary.with_name("ORDERS_43.edi"))
        started = time.monotonic()
        while len(_on_server(sshd, "in")) < 2 and time.monotonic() - started < 15:
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=20)
    # then the answers are on the partner's server and the order is gone from it
    assert len(_on_server(sshd, "in")) == 2, stderr
    assert _on_server(sshd, "out") == []
    assert proc.returncode == 0 and "Traceback" not in stderr, stderr


def test_a_refused_host_key_never_shows_a_traceback_and_names_the_fingerprint(
    workspace: Workspace, sshd: SshServer, good_order: bytes
) -> None:
    configure_sftp(workspace.root, sshd, host_key="SHA256:" + "B" * 43)
    order = sshd.home / "out" / "ORDERS_44.edi"
    order.parent.mkdir(parents=True, exist_ok=True)
    order.write_bytes(good_order)
    result = workspace.gateway("batch")
    assert "Traceback" not in result.stderr
    assert sshd.host_fingerprint in result.stderr
    assert order.is_file() and _inbound(workspace) == []


def test_partners_check_reports_each_step_and_exits_1_on_a_refused_host_key(
    workspace: Workspace, sshd: SshServer, good_order: bytes
) -> None:
    # given a partner on the test server with two files waiting, one of them still temporary
    configure_sftp(workspace.root, sshd, complete="rename")
    (sshd.home / "out" / "ORDERS_45.edi").write_bytes(good_order)
    (sshd.home / "out" / "ORDERS_46.edi.part").write_bytes(good_order)
    # when ops check the connection
    result = workspace.gateway("partners", "check", "acme")
    # then every step is reported and nothing is taken
    assert result.code == 0, result.stderr
    assert f"host key matches {sshd.host_fingerprint}" in result.stdout
    assert "remote_inbox out: 2 file(s), 1 matching '*', 1 complete by rename" in result.stdout
    assert "remote_outbox in: reachable" in result.stdout
    assert sorted(p.name for p in (sshd.home / "out").iterdir()) == [
        "ORDERS_45.edi",
        "ORDERS_46.edi.part",
    ]
    # and with another key pinned the check fails naming the presented fingerprint
    configure_sftp(workspace.root, sshd, host_key="SHA256:" + "C" * 43)
    refused = workspace.gateway("partners", "check", "acme", "--json")
    assert refused.code == 1
    report = refused.json()
    assert report["ok"] is False and sshd.host_fingerprint in report["steps"][0]
    # and a local partner has no server to check
    local = workspace.gateway("partners", "check", "globex")
    assert local.code == 2 and "kind = 'local'" in local.stderr
