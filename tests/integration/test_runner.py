"""The runner classifies failures: transient -> backoff then failed queue, bug -> parked."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gateway.app import Gateway, build_gateway
from gateway.config import load_settings
from gateway.errors import TransientError
from gateway.jobs import registry
from gateway.pipeline import service, status
from gateway.pipeline.intake import intake, recover_claimed
from gateway.pipeline.runner import run_due
from gateway.store import MessageFilter
from gateway.store.job_runs import last_run
from gateway.transport.local import CLAIMED, DroppedFile
from gateway.workspace import init_workspace
from tests.integration.conftest import with_sample_masterdata

ORDER = Path(__file__).resolve().parents[1] / "e2e" / "data" / "orders_d96a_acme.edi"


class FakeClock:
    """A wall clock the test moves by hand."""

    def __init__(self) -> None:
        # Starts at the real time: file mtimes set by the tests are real too.
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture()
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture()
def gateway(tmp_path: Path, clock: FakeClock) -> Iterator[Gateway]:
    init_workspace(tmp_path)
    settings = load_settings(tmp_path, {"GATEWAY_RETRY_MAX_ATTEMPTS": "3"})
    gw = with_sample_masterdata(build_gateway(settings, clock=clock, rand=lambda: 0.5))
    yield gw
    gw.close()


def _drop(gw: Gateway, name: str = "order.edi") -> Path:
    path = gw.settings.inbox / "acme" / name
    path.write_bytes(ORDER.read_bytes())
    old = time.time() - 3600
    os.utime(path, (old, old))
    return path


OUT = MessageFilter(direction="out")
IN = MessageFilter(direction="in")


def test_transient_send_failure_is_retried_with_backoff_then_succeeds(
    gateway: Gateway, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given an outbox that fails once
    real_send = gateway.outbox.send
    failures = iter([TransientError("disk full")])

    def flaky(partner: str, filename: str, data: bytes) -> Path:
        failure = next(failures, None)
        if failure:
            raise failure
        return real_send(partner, filename, data)

    monkeypatch.setattr(gateway.outbox, "send", flaky)
    _drop(gateway)
    intake(gateway)
    # when the runner passes
    summary = run_due(gateway)
    # then one outbound message waits for its retry, due after the first backoff (2s, jitter 0)
    assert summary.outcomes.get(status.RETRYING) == 1
    (waiting,) = [m for m in gateway.store.list_messages(OUT) if m.status == "retrying"]
    assert waiting.attempts == 1 and waiting.error_text == "disk full"
    assert waiting.next_attempt_at == clock.now + timedelta(seconds=2)
    # when time passes the backoff and the runner passes again
    assert run_due(gateway).total == 0  # not due yet
    clock.now += timedelta(seconds=3)
    run_due(gateway)
    # then it was sent, and its history shows the retry
    sent = gateway.store.get(waiting.id)
    assert sent is not None and (sent.stage, sent.status) == ("sent", "done")
    moves = [(e.to_stage, e.to_status) for e in gateway.store.history(waiting.id)]
    assert moves == [
        ("created", "pending"),
        ("rendered", "pending"),
        ("rendered", "retrying"),
        ("sent", "done"),
    ]


def test_transient_failure_lands_in_failed_queue_after_the_last_attempt(
    gateway: Gateway, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given an outbox that always fails
    def broken(partner: str, filename: str, data: bytes) -> Path:
        raise TransientError("sftp down")

    monkeypatch.setattr(gateway.outbox, "send", broken)
    _drop(gateway)
    intake(gateway)
    # when the runner passes max_attempts (3) times, each after the backoff
    for _ in range(3):
        run_due(gateway)
        clock.now += timedelta(minutes=11)
    # then both outbound messages are failed, marked as transient (retryable), after 3 attempts
    out = gateway.store.list_messages(OUT)
    assert {(m.status, m.attempts, m.error_code) for m in out} == {("failed", 3, "transient")}


def test_a_bug_parks_the_message_with_its_traceback_and_the_worker_goes_on(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a mapping that crashes for the first order only
    inbound_mapping = gateway.mappings.inbound("EDIFACT", "ORDERS", "D96A", "acme")
    real_apply = type(inbound_mapping).apply
    calls = {"n": 0}

    def crashing(self: object, *args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ZeroDivisionError("boom")
        return real_apply(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(type(inbound_mapping), "apply", crashing)
    _drop(gateway, "first.edi")
    other = ORDER.read_bytes().replace(b"ACME00042", b"ACME00043")
    second = gateway.settings.inbox / "acme" / "second.edi"
    second.write_bytes(other)
    os.utime(second, (time.time() - 3600,) * 2)
    intake(gateway)
    # when the runner passes
    summary = run_due(gateway)
    # then the first is parked with its traceback, the second went through
    assert summary.outcomes.get(status.PARKED) == 1
    first, second_msg = sorted(gateway.store.list_messages(IN), key=lambda m: m.id)
    assert first.status == "parked" and first.traceback and "ZeroDivisionError" in first.traceback
    assert first.stage == "validated"  # checkpoint kept: a retry starts from the map stage
    assert second_msg.status == "done"


def test_file_claimed_before_a_crash_is_recovered_once(gateway: Gateway) -> None:
    # given a file claimed, stored, but not released (the process died in between)
    path = _drop(gateway)
    intake(gateway)
    claimed_dir = path.parent / CLAIMED
    stored = gateway.store.list_messages(IN)
    (record,) = stored
    leftover = claimed_dir / f"123~{path.name}"
    leftover.write_bytes(ORDER.read_bytes())
    # and another file claimed but never stored
    unstored = claimed_dir / "124~late.edi"
    unstored.write_bytes(ORDER.read_bytes().replace(b"ACME00042", b"ACME00044"))
    # when the gateway starts again
    new_ids = recover_claimed(gateway)
    # then the stored one is released without a second message; the other is stored once
    assert len(new_ids) == 1
    assert not leftover.exists() and not unstored.exists()
    names = sorted(m.filename or "" for m in gateway.store.list_messages(IN))
    assert names == ["late.edi", "order.edi"] and record.filename == "order.edi"


def test_resending_after_a_crash_between_write_and_checkpoint_is_idempotent(
    gateway: Gateway,
) -> None:
    # given a file already in the outbox with exactly the bytes about to be sent
    first = gateway.outbox.send("acme", "x.edi", b"UNA:+.? 'UNB'")
    # when it is sent again, then it counts as sent; other bytes under that name are refused
    assert gateway.outbox.send("acme", "x.edi", b"UNA:+.? 'UNB'") == first
    with pytest.raises(TransientError, match="other content"):
        gateway.outbox.send("acme", "x.edi", b"different")
    assert first.read_bytes() == b"UNA:+.? 'UNB'"


def test_a_fresh_claim_belongs_to_a_live_worker_and_is_left_alone(
    gateway: Gateway, clock: FakeClock
) -> None:
    # given a file another worker claimed a moment ago
    path = _drop(gateway)
    claimed = gateway.inbox.claim(DroppedFile("acme", path))
    assert claimed is not None
    # when this worker looks for abandoned claims, then it does not take it
    assert recover_claimed(gateway) == []
    assert claimed.exists()
    # when the claim outlives the lease (its worker died), then it is recovered once
    clock.now += timedelta(minutes=3)
    assert len(recover_claimed(gateway)) == 1
    assert not claimed.exists()
    assert recover_claimed(gateway) == []


@pytest.mark.parametrize(
    ("policy", "status_of_second", "contrl_files"),
    [("reject", "duplicate", 2), ("hold", "failed", 1), ("ignore", "duplicate", 1)],
)
def test_duplicate_policy_decides_what_a_duplicate_gets(
    tmp_path: Path, clock: FakeClock, policy: str, status_of_second: str, contrl_files: int
) -> None:
    # given acme's profile with this duplicate policy, and the same order dropped twice
    init_workspace(tmp_path)
    profile = tmp_path / "config" / "partners" / "acme.toml"
    profile.write_text(profile.read_text().replace('"reject"', f'"{policy}"'))
    gw = with_sample_masterdata(build_gateway(load_settings(tmp_path, {}), clock=clock))
    try:
        _drop(gw, "first.edi")
        intake(gw)
        run_due(gw)
        _drop(gw, "again.edi")
        intake(gw)
        # when the runner passes
        run_due(gw)
        # then the second is recorded (never processed) as the policy says, linked to the first
        first, second = sorted(gw.store.list_messages(IN), key=lambda m: m.id)
        assert (second.status, second.parent_id, second.stage) == (
            status_of_second,
            first.id,
            "received",
        )
        assert len(gw.store.orders_for(second.id)) == 0
        contrl = list((gw.settings.outbox / "acme").glob("*CONTRL*"))
        assert len(contrl) == contrl_files
    finally:
        gw.close()


def test_a_file_that_cannot_be_taken_stays_and_the_others_are_taken(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given two dropped files, the first of which cannot be claimed right now
    stuck = _drop(gateway, "a.edi")
    _drop(gateway, "b.edi")
    real_claim = gateway.inbox.claim

    def claim(dropped: DroppedFile) -> Path | None:
        if dropped.path == stuck:
            raise TransientError("permission denied")
        return real_claim(dropped)

    monkeypatch.setattr(gateway.inbox, "claim", claim)
    # when the intake runs
    received = intake(gateway)
    # then the other file is stored and the stuck one waits in the drop, untouched
    assert len(received) == 1
    assert [m.filename for m in gateway.store.list_messages(IN)] == ["b.edi"]
    assert stuck.exists()


def test_a_failing_backlog_review_does_not_stop_the_pass(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # given a backlog review that breaks, and an order waiting in the inbox
    def broken(gw: Gateway, actor: str) -> None:
        raise RuntimeError("review bug")

    monkeypatch.setattr(registry, "review_backlog", broken)
    _drop(gateway)
    # when a batch pass runs
    summary = service.batch_pass(gateway)
    # then the order is processed and answered all the same, and the bug is logged and recorded
    assert summary.failed == 0
    outbound = gateway.store.list_messages(MessageFilter(direction="out"))
    assert sorted(m.message_type or "" for m in outbound) == ["CONTRL", "ORDRSP"]
    assert "job=backlog_review run=1 failed: unexpected error" in caplog.text
    with gateway.store.read() as session:
        review = last_run(session, "backlog_review")
    assert review is not None and review.error == "RuntimeError: review bug"
