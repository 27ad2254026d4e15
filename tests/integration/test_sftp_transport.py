"""Fetching from and uploading to a partner's SFTP server, against a real OpenSSH sshd."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from gateway.app import Gateway, build_gateway
from gateway.config import load_settings
from gateway.config_sftp import SftpSettings
from gateway.pipeline import ops, status
from gateway.pipeline.remote_intake import PollResult, RemotePoller
from gateway.pipeline.remote_polling import poll_all
from gateway.pipeline.runner import run_due
from gateway.store import MessageFilter, Store
from gateway.store.transport_store import claim_poll, finish_poll, transport_state
from gateway.transport.remote import RemoteConnections
from gateway.transport.sftp import Downloaded, SftpConnection, TransportError, connect
from gateway.workspace import init_workspace
from tests.integration.conftest import with_sample_masterdata
from tests.sftp_partner import configure_sftp
from tests.sshd import SshServer

ORDER = (Path(__file__).resolve().parents[1] / "e2e" / "data" / "orders_d96a_acme.edi").read_bytes()

GatewayFactory = Callable[..., Gateway]


@pytest.fixture
def make_gateway(tmp_path: Path, sshd: SshServer) -> Iterator[GatewayFactory]:
    """A workspace whose partner acme is on the test server, with the given [transport] options."""
    opened: list[Gateway] = []

    def make(env: dict[str, str] | None = None, **options: str | int | list[str]) -> Gateway:
        workspace = tmp_path / f"ws{len(opened)}"
        init_workspace(workspace)
        configure_sftp(workspace, sshd, **options)
        environ = {"GATEWAY_RETRY_MAX_ATTEMPTS": "3", "GATEWAY_RETRY_BASE_DELAY": "10ms"}
        environ |= env or {}
        gateway = build_gateway(load_settings(workspace, environ), environ=environ)
        opened.append(with_sample_masterdata(gateway))
        return gateway

    yield make
    for gateway in opened:
        gateway.close()


def put(server: SshServer, name: str, data: bytes = ORDER, folder: str = "out") -> Path:
    """The partner leaves a file on its server (written straight into the served folder)."""
    path = server.home / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def poll(gateway: Gateway) -> PollResult:
    return RemotePoller(gateway, gateway.settings.partners["acme"]).poll(force=True)


def inbound(gateway: Gateway) -> list[tuple[str | None, str | None]]:
    found = gateway.store.list_messages(MessageFilter(direction="in"))
    return [(m.filename, m.sha256) for m in found]


def files(folder: Path) -> list[str]:
    """The regular files in a folder on the server (not its sub-folders)."""
    return sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def test_a_settled_file_is_fetched_by_key_login_stored_byte_for_byte_then_deleted(
    make_gateway: GatewayFactory, sshd: SshServer
) -> None:
    # given an order on the partner's server and a gateway that logs in with a key
    gateway = make_gateway()
    put(sshd, "ORDERS_1.edi")
    # when the servers are polled (batch waits out the settle time once)
    (result,) = poll_all(gateway)
    # then the file is stored with its sha256, and only then gone from the server
    assert result.error is None and len(result.received) == 1
    assert inbound(gateway) == [("ORDERS_1.edi", hashlib.sha256(ORDER).hexdigest())]
    assert gateway.store.raw(result.received[0]) == ORDER
    assert files(sshd.home / "out") == []


def test_password_login_fetches_too(make_gateway: GatewayFactory, sshd: SshServer) -> None:
    if sshd.password is None:
        pytest.skip("password login cannot be set up for the test sshd here (see tests/sshd.py)")
    # given a partner profile that logs in with a password from an environment variable
    gateway = make_gateway(
        {"ACME_SFTP_PASSWORD": sshd.password}, key_file="", password_env="ACME_SFTP_PASSWORD"
    )
    configured = gateway.settings.partners["acme"].transport.sftp
    assert configured is not None and configured.key_file is None
    put(sshd, "ORDERS_2.edi")
    # when polled, then the file is taken
    assert len(poll_all(gateway)[0].received) == 1


def test_a_changed_host_key_is_refused_with_the_presented_fingerprint_and_nothing_moves(
    make_gateway: GatewayFactory, sshd: SshServer
) -> None:
    # given a profile pinning another key than the server's
    other = "SHA256:" + "A" * 43
    gateway = make_gateway(host_key=other)
    put(sshd, "ORDERS_3.edi")
    # when polled
    result = poll(gateway)
    # then the connection is refused naming what the server presented; the file stays
    assert result.error is not None
    assert sshd.host_fingerprint in result.error and other in result.error
    assert files(sshd.home / "out") == ["ORDERS_3.edi"]
    assert inbound(gateway) == []
    with gateway.store.read() as session:
        state = transport_state(session, "acme")
    assert state is not None and state.consecutive_failures == 1


def test_a_file_uploaded_slowly_is_not_taken_until_it_stops_changing(
    make_gateway: GatewayFactory, sshd: SshServer
) -> None:
    # given a partner writing an order in pieces, a little faster than the settle time
    gateway = make_gateway(settle_time="0.8s")
    poller = RemotePoller(gateway, gateway.settings.partners["acme"])
    target = sshd.home / "out" / "SLOW.edi"
    target.parent.mkdir(parents=True, exist_ok=True)
    pieces = [ORDER[i : i + len(ORDER) // 8 + 1] for i in range(0, len(ORDER), len(ORDER) // 8 + 1)]

    def upload_slowly() -> None:
        with target.open("wb") as out:
            for piece in pieces:
                out.write(piece)
                out.flush()
                time.sleep(0.3)

    writer = threading.Thread(target=upload_slowly)
    writer.start()
    # when the server is polled again and again while the upload goes on
    polls_while_writing = 0
    while writer.is_alive():
        assert poller.poll(force=True).received == []
        polls_while_writing += 1
        time.sleep(0.2)
    writer.join()
    # then nothing was taken during the upload; once still for the settle time it is, whole
    assert polls_while_writing >= 5
    received: list[int] = []
    deadline = time.monotonic() + 10
    while not received and time.monotonic() < deadline:
        received = poller.poll(force=True).received
        time.sleep(0.2)
    assert len(received) == 1
    assert gateway.store.raw(received[0]) == ORDER


def test_marker_convention_takes_a_file_only_with_its_marker_and_removes_both(
    make_gateway: GatewayFactory, sshd: SshServer
) -> None:
    # given a partner that announces finished files with a .ok marker
    gateway = make_gateway(complete="marker")
    put(sshd, "ORDERS_4.edi")
    # when polled before the marker is there, nothing is taken
    assert poll(gateway).received == []
    # when the marker arrives, the file is taken and both are removed
    put(sshd, "ORDERS_4.edi.ok", b"")
    assert len(poll(gateway).received) == 1
    assert files(sshd.home / "out") == []


def test_rename_convention_skips_the_temporary_name_and_takes_the_final_one_at_once(
    make_gateway: GatewayFactory, sshd: SshServer
) -> None:
    gateway = make_gateway(complete="rename", settle_time="1h")
    temporary = put(sshd, "ORDERS_5.edi.part")
    assert poll(gateway).received == []
    temporary.rename(temporary.with_name("ORDERS_5.edi"))
    assert len(poll(gateway).received) == 1


def test_claimed_into_processing_then_archived_after_the_commit(
    make_gateway: GatewayFactory, sshd: SshServer
) -> None:
    # given a partner that lets us claim files by renaming and wants them archived
    gateway = make_gateway(
        complete="rename",
        processing_folder="processing",
        after_download="archive",
        archive_folder="archive",
    )
    put(sshd, "ORDERS_6.edi")
    # when polled
    assert len(poll(gateway).received) == 1
    # then the file went through processing/ into archive/ with its bytes
    out = sshd.home / "out"
    assert files(out / "processing") == []
    assert (out / "archive" / "ORDERS_6.edi").read_bytes() == ORDER
    assert [p.name for p in out.iterdir() if p.is_file()] == []
    # and a second file of the same name is archived beside the first, not over it
    put(sshd, "ORDERS_6.edi", ORDER + b"\n")
    (second,) = poll(gateway).received
    assert files(out / "archive") == ["ORDERS_6.edi", f"ORDERS_6.edi.{second}"]


def test_a_file_claimed_before_a_crash_is_taken_from_the_processing_folder(
    make_gateway: GatewayFactory, sshd: SshServer
) -> None:
    # given a file an earlier poll renamed into processing/ before it died
    gateway = make_gateway(complete="rename", processing_folder="processing")
    put(sshd, "ORDERS_7.edi", folder="out/processing")
    # when polled, then it is taken and removed from processing/
    assert len(poll(gateway).received) == 1
    assert files(sshd.home / "out" / "processing") == []


def test_an_order_fetched_is_answered_by_upload_with_rename(
    make_gateway: GatewayFactory, sshd: SshServer
) -> None:
    # given an order fetched from the partner's server
    gateway = make_gateway(complete="rename")
    put(sshd, "ORDERS_8.edi")
    assert len(poll(gateway).received) == 1
    # when the runner processes it
    run_due(gateway)
    # then the CONTRL and the ORDRSP are on the partner's server under their final names
    uploaded = files(sshd.home / "in")
    assert len(uploaded) == 2 and not [n for n in uploaded if n.startswith(".")]
    sent = gateway.store.list_messages(MessageFilter(direction="out"))
    assert {m.message_type for m in sent} == {"CONTRL", "ORDRSP"}
    assert {m.status for m in sent} == {status.DONE}
    for message in sent:
        assert message.filename in uploaded
        assert (sshd.home / "in" / (message.filename or "")).read_bytes() == gateway.store.raw(
            message.id
        )


def test_server_down_retries_then_failed_retryable_then_a_retry_succeeds_once_it_is_back(
    make_gateway: GatewayFactory, sshd: SshServer, caplog: pytest.LogCaptureFixture
) -> None:
    # given an order fetched, then the partner's server goes down
    gateway = make_gateway(complete="rename", unhealthy_after=2)
    put(sshd, "ORDERS_9.edi")
    assert len(poll(gateway).received) == 1
    sshd.stop()
    # when the runner tries to send the answers (3 attempts, no delay between them)
    with caplog.at_level(logging.ERROR):
        for _ in range(3):
            run_due(gateway)
            gateway.remote.end_round()
            time.sleep(0.2)
    # then they end in the failed queue, marked retryable, and the transport is unhealthy
    sent = gateway.store.list_messages(MessageFilter(direction="out"))
    assert {(m.status, m.attempts) for m in sent} == {(status.FAILED, 3)}
    assert all("(retryable)" in gateway.store.history(m.id)[-1].reason for m in sent)
    assert "UNHEALTHY" in caplog.text
    with gateway.store.read() as session:
        state = transport_state(session, "acme")
    assert state is not None and state.unhealthy_since is not None
    # when the server is back and ops retry them
    sshd.start()
    for message in sent:
        ops.retry(gateway, message.id, actor="test")
    run_due(gateway)
    # then both are uploaded and the transport is healthy again
    again = gateway.store.list_messages(MessageFilter(direction="out"))
    assert {m.status for m in again} == {status.DONE}
    assert len(files(sshd.home / "in")) == 2
    with gateway.store.read() as session:
        state = transport_state(session, "acme")
    assert state is not None and state.unhealthy_since is None
    assert state.consecutive_failures == 0


def test_a_server_that_never_answers_does_not_stall_the_other_partners(
    make_gateway: GatewayFactory, sshd: SshServer, tmp_path: Path
) -> None:
    # given a second SFTP partner whose "server" accepts TCP and then says nothing
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        gateway = make_gateway(complete="rename", timeout="2s")
        workspace = gateway.settings.workspace
        globex = workspace / "config" / "partners" / "globex.toml"
        configure_sftp(
            workspace,
            sshd,
            partner="globex",
            port=silent.getsockname()[1],
            timeout="2s",
            filename_pattern="{partner}_{message_type}_{control_ref}.x12",
        )
        assert globex.is_file()
        gateway.close()
        gateway = build_gateway(load_settings(workspace, {}), environ={})
        put(sshd, "ORDERS_10.edi")
        # when both are polled at once
        started = time.monotonic()
        results = {r.partner: r for r in poll_all(gateway)}
        took = time.monotonic() - started
        # then acme's file is taken and globex fails on its timeout, both within the bound
        assert len(results["acme"].received) == 1
        assert results["globex"].error is not None
        assert took < 10
    finally:
        silent.close()
        gateway.close()


def test_listing_a_missing_remote_folder_is_a_clear_transport_failure(
    make_gateway: GatewayFactory, sshd: SshServer
) -> None:
    gateway = make_gateway(remote_inbox="no/such/folder")
    result = poll(gateway)
    assert result.error is not None and "no/such/folder" in result.error
    assert "Traceback" not in result.error


def test_one_process_polls_a_partner_at_a_time_and_a_dead_ones_lease_is_taken_over(
    store_url: str,
) -> None:
    store = Store.open(store_url)
    try:
        lease = timedelta(minutes=15)
        # given process A polling acme
        with store.unit_of_work() as uow:
            assert claim_poll(uow, "acme", "otherhost:1", lease)
        # then process B may not, even when forced, while A's lease runs
        with store.unit_of_work() as uow:
            assert not claim_poll(uow, "acme", "otherhost:2", lease, force=True)
        # when A finishes and sets the next poll a minute ahead
        with store.unit_of_work() as uow:
            finish_poll(uow, "acme", "otherhost:1", uow.now() + timedelta(minutes=1))
        # then B waits for it unless forced
        with store.unit_of_work() as uow:
            assert not claim_poll(uow, "acme", "otherhost:2", lease)
        with store.unit_of_work() as uow:
            assert claim_poll(uow, "acme", "otherhost:2", lease, force=True)
        # and a lease held by a process of this host that no longer exists is taken over
        gone = f"{socket.gethostname()}:{2**22 + 12345}"
        with store.unit_of_work() as uow:
            finish_poll(uow, "acme", "otherhost:2", uow.now())
            assert claim_poll(uow, "acme", gone, lease)
        with store.unit_of_work() as uow:
            assert claim_poll(uow, "acme", "otherhost:3", lease)
    finally:
        store.close()


def test_a_file_that_cannot_be_downloaded_does_not_keep_the_others_waiting(
    make_gateway: GatewayFactory, sshd: SshServer
) -> None:
    # given two files, the first of which fails to download (the real server, one download
    # made to fail as a broken transfer would)
    gateway = make_gateway(complete="rename")
    environ: dict[str, str] = {}  # key login: no secrets needed

    def connector(settings: SftpSettings) -> SftpConnection:
        connection = connect(settings, environ)
        real_download = connection.download

        def download(path: str, target: Path, expected_size: int | None = None) -> Downloaded:
            if path.endswith("A_BROKEN.edi"):
                raise TransportError(f"sftp {settings.address}: download {path} failed: reset")
            return real_download(path, target, expected_size)

        connection.download = download  # type: ignore[method-assign]
        return connection

    gateway = dataclasses.replace(gateway, remote=RemoteConnections(environ, connector))
    put(sshd, "A_BROKEN.edi")
    put(sshd, "B_FINE.edi", ORDER + b"\n")
    # when polled
    result = poll(gateway)
    # then the good file is taken, the broken one stays and the poll counts as a failure
    assert len(result.received) == 1
    assert files(sshd.home / "out") == ["A_BROKEN.edi"]
    assert result.error is not None and "A_BROKEN.edi" in result.error
    assert [name for name, _ in inbound(gateway)] == ["B_FINE.edi"]


def test_while_a_partner_rotates_its_key_either_pinned_key_is_accepted(
    make_gateway: GatewayFactory, sshd: SshServer
) -> None:
    # given the old key (not the server's any more) and the new one both pinned
    gateway = make_gateway(host_key=["SHA256:" + "D" * 43, sshd.host_key_line])
    configured = gateway.settings.partners["acme"].transport.sftp
    assert configured is not None and len(configured.host_keys) == 2
    put(sshd, "ORDERS_11.edi")
    # when polled, then the server's (new) key is accepted
    result = poll_all(gateway)[0]
    assert result.error is None and len(result.received) == 1


def test_an_upload_cut_short_after_the_rename_counts_as_sent_and_is_not_sent_twice(
    make_gateway: GatewayFactory, sshd: SshServer
) -> None:
    # given answers uploaded to the partner
    gateway = make_gateway(complete="rename")
    put(sshd, "ORDERS_12.edi")
    assert len(poll(gateway).received) == 1
    run_due(gateway)
    uploaded = files(sshd.home / "in")
    sent = gateway.store.list_messages(MessageFilter(direction="out"))
    # when one is found at its last checkpoint before "sent", as after a crash between the
    # rename on the server and the commit
    with gateway.store.unit_of_work() as uow:
        uow.update_message(
            sent[0].id, actor="test", stage=status.RENDERED, status=status.PENDING, reason="crash"
        )
    run_due(gateway)
    # then sending it again finds the same bytes under its name: sent, and nothing new there
    again = gateway.store.get(sent[0].id)
    assert again is not None and (again.stage, again.status) == (status.SENT, status.DONE)
    assert files(sshd.home / "in") == uploaded


def test_two_workers_on_one_postgresql_take_each_remote_file_exactly_once(
    tmp_path: Path, sshd: SshServer, new_postgres_database: Callable[[], str]
) -> None:
    # given two gateway workers sharing one PostgreSQL database and one partner server
    init_workspace(tmp_path / "ws")
    configure_sftp(tmp_path / "ws", sshd, complete="rename", processing_folder="processing")
    environ = {"GATEWAY_DATABASE_URL": new_postgres_database()}
    workers = [build_gateway(load_settings(tmp_path / "ws", environ), environ={}) for _ in "ab"]
    try:
        for number in range(40):
            put(sshd, f"ORDERS_{number:03d}.edi", ORDER + str(number).encode())
        pollers = [
            RemotePoller(w, w.settings.partners["acme"], owner=f"host-{i}:1")
            for i, w in enumerate(workers)
        ]
        received: list[int] = []
        polled: list[bool] = []

        def keep_polling(poller: RemotePoller) -> None:
            for _ in range(6):
                result = poller.poll(force=True)
                received.extend(result.received)
                polled.append(result.polled)

        # when both poll again and again at the same time
        threads = [threading.Thread(target=keep_polling, args=(p,)) for p in pollers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # then every file was stored once, the server is empty, and a poll was refused while
        # the other worker held the lease
        assert sorted(received) == sorted(set(received)) and len(received) == 40
        stored = workers[0].store.list_messages(MessageFilter(direction="in", limit=500))
        assert sorted(m.filename or "" for m in stored) == [
            f"ORDERS_{n:03d}.edi" for n in range(40)
        ]
        assert files(sshd.home / "out") == [] and files(sshd.home / "out" / "processing") == []
        assert False in polled
    finally:
        for worker in workers:
            worker.close()
