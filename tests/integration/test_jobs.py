"""Scheduled jobs on SQLite and PostgreSQL: due jobs run once and are recorded, a failing job
does not stop the others, two processes never run one job at once, and the retention clean-up
deletes only old finished work."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select, text

from gateway.app import Gateway, build_gateway
from gateway.config import load_settings
from gateway.errors import BusinessRuleError
from gateway.jobs.registry import JobSpec, jobs_for
from gateway.jobs.runner import JobError, run_due_jobs, run_job
from gateway.jobs.schedule import Schedule, parse_schedule
from gateway.store import MessageRecord, NewDocument, NewMessage, Store
from gateway.store.job_runs import (
    RUN_LEASE,
    JobRunRecord,
    last_run,
    runs,
    start_run,
    this_process,
)
from gateway.store.tables import EventRow, MessageRow, OrderRow, PayloadChunkRow, PayloadRow
from gateway.workspace import init_workspace
from tests.integration.test_runner import FakeClock

OTHER_PROCESS = "another-host:4242"


@pytest.fixture()
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture()
def gateway(store_url: str, tmp_path: Path, clock: FakeClock) -> Iterator[Gateway]:
    """A gateway on the test's database (SQLite or PostgreSQL) with a clock moved by hand."""
    init_workspace(tmp_path)
    settings = load_settings(tmp_path, {"GATEWAY_DATABASE_URL": store_url})
    gw = build_gateway(settings, clock=clock, rand=lambda: 0.5)
    yield gw
    gw.close()


class Calls:
    """Fake jobs that record each call; `fail` makes one raise."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def job(self, name: str, fail: Exception | None = None) -> JobSpec:
        def run(gateway: Gateway, now: datetime) -> Mapping[str, int | str]:
            self.seen.append(name)
            if fail is not None:
                raise fail
            return {"done": len(self.seen), "note": f"{name} at {now:%H:%M}"}

        return JobSpec(name, f"the fake job {name}", run)


def every(text: str) -> Schedule:
    return parse_schedule(text)


def history(gateway: Gateway, job: str | None = None) -> list[JobRunRecord]:
    with gateway.store.read() as session:
        return runs(session, job)


def test_due_jobs_run_in_registry_order_once_and_are_recorded(
    gateway: Gateway, clock: FakeClock
) -> None:
    # given an interval job, a daily job and a job that is off
    calls = Calls()
    jobs = [
        (calls.job("often"), every("15m")),
        (calls.job("nightly"), every("daily 02:00")),
        (calls.job("never"), every("off")),
    ]
    # when the due jobs run
    done = run_due_jobs(gateway, "batch", jobs=jobs)
    # then the two that never ran ran, in order, recorded ok with what they did
    assert calls.seen == ["often", "nightly"]
    assert [(r.job, r.status, r.actor) for r in done] == [
        ("often", "ok", "batch"),
        ("nightly", "ok", "batch"),
    ]
    assert done[0].summary == {"done": 1, "note": f"often at {clock.now:%H:%M}"}
    assert done[0].started_at == clock.now and done[0].finished_at == clock.now
    assert done[0].owner == this_process()
    # and right after, nothing is due
    assert run_due_jobs(gateway, "batch", jobs=jobs) == []
    # and 15 minutes later only the interval job is
    clock.now += timedelta(minutes=15)
    assert [r.job for r in run_due_jobs(gateway, "scheduler", jobs=jobs)] == ["often"]
    assert [r.job for r in history(gateway)] == ["often", "nightly", "often"]


def test_a_failing_job_is_recorded_failed_and_the_others_still_run(
    gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    # given a job with a bug, one that breaks a business rule, and a good one
    calls = Calls()
    jobs = [
        (calls.job("buggy", RuntimeError("division by zero")), every("1h")),
        (calls.job("refused", BusinessRuleError("no tax rate for category S")), every("1h")),
        (calls.job("fine"), every("1h")),
    ]
    # when the due jobs run
    with caplog.at_level(logging.INFO):
        done = run_due_jobs(gateway, "batch", jobs=jobs)
    # then all three ran; the failures are recorded with their sentence, the good one ok
    assert calls.seen == ["buggy", "refused", "fine"]
    assert [(r.job, r.status, r.error) for r in done] == [
        ("buggy", "failed", "RuntimeError: division by zero"),
        ("refused", "failed", "no tax rate for category S"),
        ("fine", "ok", None),
    ]
    # and both failures are logged at error, the bug with its traceback
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert [r.getMessage() for r in errors] == [
        f"job=buggy run={done[0].id} failed: unexpected error",
        f"job=refused run={done[1].id} failed: no tax rate for category S",
    ]
    assert errors[0].exc_info is not None and errors[1].exc_info is None


def test_a_second_runner_does_not_run_a_job_another_process_is_running(
    gateway: Gateway, clock: FakeClock
) -> None:
    # given a job another process started a minute ago and is still running
    calls = Calls()
    jobs = [(calls.job("slow"), every("1m"))]
    clock.now -= timedelta(minutes=1)
    with gateway.store.unit_of_work() as uow:
        theirs = start_run(uow, "slow", "scheduler", owner=OTHER_PROCESS)
    assert theirs is not None
    clock.now += timedelta(minutes=1)
    # when this process runs the due jobs, or asks for that job by hand
    done = run_due_jobs(gateway, "scheduler", jobs=jobs)
    with pytest.raises(JobError, match="job slow is running in another process"):
        run_job(gateway, "slow", "cli", jobs=jobs)
    # then it is not run twice
    assert done == [] and calls.seen == []
    # when that run outlives its lease (the other host died), the next pass takes over
    clock.now += RUN_LEASE
    assert [r.status for r in run_due_jobs(gateway, "scheduler", jobs=jobs)] == ["ok"]
    old = next(r for r in history(gateway, "slow") if r.id == theirs.id)
    assert old.status == "failed" and old.error is not None
    assert old.error.startswith("interrupted: still marked running 2:00:00 after it started")


def test_a_run_left_running_by_a_crash_of_this_host_is_marked_interrupted_at_the_next_start(
    gateway: Gateway,
) -> None:
    # given runs left "running" by a process of this host that has exited, and by this process
    exited = [sys.executable, "-c", "import os; print(os.getpid())"]
    gone = subprocess.run(exited, text=True, capture_output=True, check=True)
    host = this_process().rpartition(":")[0]
    calls = Calls()
    jobs = [(calls.job("one"), every("1m")), (calls.job("two"), every("1m"))]
    with gateway.store.unit_of_work() as uow:
        crashed = start_run(uow, "one", "scheduler", owner=f"{host}:{gone.stdout.strip()}")
        ours = start_run(uow, "two", "scheduler")
    assert crashed is not None and ours is not None
    # when the jobs are next due
    done = run_due_jobs(gateway, "scheduler", jobs=jobs, now=gateway.clock() + timedelta(minutes=5))
    # then both run again, and the cut-short runs are failed as interrupted
    assert [r.job for r in done] == ["one", "two"]
    errors = {r.id: r.error for r in history(gateway)}
    assert errors[crashed.id] == f"interrupted: the process that ran it ({crashed.owner}) is gone"
    assert errors[ours.id] == "interrupted: the process that ran it stopped before it finished"


def test_of_two_processes_claiming_at_once_exactly_one_runs_the_job(store_url: str) -> None:
    # given two processes (own store, own connections) deciding at the same moment, 8 times
    stores = [Store.open(store_url) for _ in range(2)]
    barrier = threading.Barrier(2)
    won: list[list[str]] = [[], []]
    errors: list[BaseException] = []
    now = datetime.now(UTC)

    def worker(index: int) -> None:
        try:
            for round_ in range(8):
                barrier.wait(timeout=30)
                with stores[index].unit_of_work() as uow:
                    claimed = start_run(
                        uow,
                        f"job{round_}",
                        "scheduler",
                        schedule=every("1h"),
                        now=now,
                        owner=f"host{index}:{index + 1}",
                    )
                if claimed is not None:
                    won[index].append(claimed.job)
        except BaseException as exc:  # a thread must hand its failure to the test
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    try:
        if errors:
            raise errors[0]
        # then every job was claimed by exactly one of them
        assert sorted(won[0] + won[1]) == [f"job{n}" for n in range(8)]
        with stores[0].read() as session:
            assert len(runs(session, limit=100)) == 8
    finally:
        for opened in stores:
            opened.close()


def test_run_job_runs_a_job_now_whether_due_or_off(gateway: Gateway) -> None:
    calls = Calls()
    jobs = [(calls.job("manual"), every("off"))]
    record = run_job(gateway, "manual", "ops-anna", jobs=jobs)
    assert (record.job, record.status, record.actor) == ("manual", "ok", "ops-anna")
    with gateway.store.read() as session:
        assert last_run(session, "manual") == record
    with pytest.raises(JobError, match="there is no job 'nope'; the jobs are manual"):
        run_job(gateway, "nope", "cli", jobs=jobs)


def test_the_registry_lists_every_job_with_its_configured_schedule(gateway: Gateway) -> None:
    # given the default configuration
    listed = [(spec.name, str(schedule)) for spec, schedule in jobs_for(gateway.settings)]
    # then the jobs come in the order a pass runs them, without the demo job
    assert listed == [
        ("backlog_review", "1h"),
        ("invoice_run", "daily 02:00"),
        ("overdue_acks", "15m"),
        ("retention", "daily 03:00"),
    ]
    # and with [fulfilment] demo = true the demo job runs before the invoice run
    demo: Any = SimpleNamespace(jobs=gateway.settings.jobs, fulfilment=SimpleNamespace(demo=True))
    assert [spec.name for spec, _ in jobs_for(demo)][:3] == [
        "backlog_review",
        "demo_fulfilment",
        "invoice_run",
    ]


def test_the_overdue_acks_job_flags_sent_messages_past_their_acknowledgement_time(
    gateway: Gateway, clock: FakeClock
) -> None:
    # given a sent ORDRSP whose CONTRL was due an hour ago
    sent = add(gateway, direction="out", status="done", stage="sent")
    with gateway.store.unit_of_work() as uow:
        uow.update_message(
            sent.id, actor="test", ack_status="pending", ack_due_at=clock.now - timedelta(hours=1)
        )
    # when the job runs
    record = run_job(gateway, "overdue_acks", "cli")
    # then it is flagged and counted
    assert record.summary == {"flagged": 1}
    assert (gateway.store.get(sent.id) or sent).ack_status == "overdue"


def test_the_backlog_review_job_counts_what_it_changed(gateway: Gateway) -> None:
    record = run_job(gateway, "backlog_review", "cli")
    assert (record.status, dict(record.summary)) == (
        "ok",
        {"orders_changed": 0, "responses_queued": 0},
    )


# --- retention ---------------------------------------------------------------------------

OLD = timedelta(days=100)  # past the default 90 days


def add(gateway: Gateway, raw: bytes | None = b"UNB+UNOC:3'", **fields: Any) -> MessageRecord:
    """A message created now (the clock's now), then moved to the given status."""
    final_status = fields.pop("status", "done")
    new: dict[str, Any] = {
        "direction": "in",
        "partner": "acme",
        "standard": "EDIFACT",
        "message_type": "ORDERS",
        "version": "D96A",
        "stage": "processed",
        "status": "pending",
    }
    new.update(fields)
    with gateway.store.unit_of_work() as uow:
        record = uow.add_message(NewMessage(**new), raw=raw, actor="test")
        return uow.update_message(record.id, actor="test", status=final_status)


def add_order(gateway: Gateway, message_id: int, status: str) -> int:
    with gateway.store.unit_of_work() as uow:
        row = OrderRow(
            message_id=message_id,
            partner="acme",
            order_number=f"PO-{message_id}",
            status=status,
            created_at=uow.now(),
        )
        uow.session.add(row)
        uow.session.flush()
        return row.id


def exists(gateway: Gateway, *messages: MessageRecord) -> list[bool]:
    return [gateway.store.get(m.id) is not None for m in messages]


def retention(gateway: Gateway) -> Mapping[str, int | str]:
    record = run_job(gateway, "retention", "cli")
    assert record.status == "ok", record.error
    return record.summary


def test_retention_deletes_old_finished_messages_with_their_history_documents_and_bytes(
    gateway: Gateway, clock: FakeClock
) -> None:
    # given finished messages from 100 days ago (one with a mapped document) and a recent one
    clock.now -= OLD
    done = add(gateway, raw=b"x" * (1 << 21))  # stored in three pieces
    duplicate = add(gateway, status="duplicate", parent_id=done.id)
    discarded = add(gateway, status="discarded", raw=None)
    with gateway.store.unit_of_work() as uow:
        uow.replace_documents(done.id, [NewDocument("purchase_order", {"n": 1}, {"e": 1})])
    clock.now += OLD
    recent = add(gateway)
    # when the retention job runs
    summary = retention(gateway)
    # then the old ones are gone with everything pointing at them; the recent one stays
    assert exists(gateway, done, duplicate, discarded, recent) == [False, False, False, True]
    assert summary == {
        "messages": 3,
        "message_events": 6,
        "documents": 1,
        "raw_payloads": 2,
        "archived_files": 0,
        "job_runs": 0,
        "remote_receipts": 0,
    }
    with gateway.store.read() as session:
        for table in (EventRow, PayloadRow, PayloadChunkRow):
            left = session.scalar(select(func.count()).select_from(table))
            assert left == (2 if table is EventRow else 1), table


def test_retention_keeps_failed_waiting_and_retrying_messages_whatever_their_age(
    gateway: Gateway, clock: FakeClock
) -> None:
    clock.now -= OLD * 10
    kept = [add(gateway, status=s) for s in ("failed", "parked", "pending", "retrying")]
    clock.now += OLD * 10
    assert retention(gateway)["messages"] == 0
    assert exists(gateway, *kept) == [True] * 4


def test_retention_keeps_invoices_and_everything_of_an_open_order(
    gateway: Gateway, clock: FakeClock
) -> None:
    # given, 100 days ago: an order still open and one closed, each received and answered,
    # and an invoice of the closed order
    clock.now -= OLD
    open_in, closed_in = add(gateway), add(gateway)
    open_order = add_order(gateway, open_in.id, "partially_shipped")
    closed_order = add_order(gateway, closed_in.id, "closed")
    answer = {"direction": "out", "message_type": "ORDRSP", "stage": "acknowledged"}
    open_answer = add(gateway, order_id=open_order, parent_id=open_in.id, **answer)
    closed_answer = add(gateway, order_id=closed_order, parent_id=closed_in.id, **answer)
    invoice = add(
        gateway,
        direction="out",
        message_type="INVOIC",
        document_type="invoice",
        order_id=closed_order,
    )
    clock.now += OLD
    # when the retention job runs
    summary = retention(gateway)
    # then only the closed order's answer goes: the open order's messages, the invoice, and the
    # message an order was received in (the order row points at it) stay
    assert summary["messages"] == 1
    assert exists(gateway, open_in, closed_in, open_answer, closed_answer, invoice) == [
        True,
        True,
        True,
        False,
        True,
    ]


def test_retention_keeps_a_parent_whose_child_is_kept_and_deletes_children_first(
    gateway: Gateway, clock: FakeClock
) -> None:
    # given old finished parents: one with a failed child, one with an old finished child
    # that has a child of its own
    clock.now -= OLD
    kept_parent = add(gateway)
    failed_child = add(gateway, status="failed", parent_id=kept_parent.id)
    parent = add(gateway)
    child = add(gateway, parent_id=parent.id, direction="out", message_type="CONTRL")
    grandchild = add(gateway, parent_id=child.id, message_type="CONTRL")
    clock.now += OLD
    # when the retention job runs
    summary = retention(gateway)
    # then the chain of finished messages went, the parent of the kept child stayed
    assert summary["messages"] == 3
    assert exists(gateway, kept_parent, failed_child, parent, child, grandchild) == [
        True,
        True,
        False,
        False,
        False,
    ]


def test_retention_deletes_old_archive_day_folders_and_old_job_runs(
    gateway: Gateway, clock: FakeClock
) -> None:
    # given archived inbound files of an old day and of today, a file of no day, and job runs
    # from 100 days ago and now
    archive = gateway.settings.archive
    assert archive is not None
    old_day = (clock.now - OLD).strftime("%Y-%m-%d")
    today = clock.now.strftime("%Y-%m-%d")
    for day, message in ((old_day, "1"), (old_day, "2"), (today, "3")):
        folder = archive / "acme" / day / message
        folder.mkdir(parents=True)
        (folder / "order.edi").write_bytes(b"UNB")
    stray = archive / "acme" / "notes.txt"
    stray.write_text("kept")
    calls = Calls()
    clock.now -= OLD
    run_job(gateway, "old", "cli", jobs=[(calls.job("old"), every("off"))])
    clock.now += OLD
    # when the retention job runs
    summary = retention(gateway)
    # then the old day's files and the old run are gone; today's, the stray file, the new run stay
    assert (summary["archived_files"], summary["job_runs"]) == (2, 1)
    assert not (archive / "acme" / old_day).exists()
    assert (archive / "acme" / today / "3" / "order.edi").is_file() and stray.is_file()
    assert [r.job for r in history(gateway)] == ["retention"]


def test_retention_days_come_from_the_jobs_section(tmp_path: Path, clock: FakeClock) -> None:
    # given retention_days = 7 and a message finished 8 days ago
    init_workspace(tmp_path)
    settings = load_settings(tmp_path, {"GATEWAY_JOBS_RETENTION_DAYS": "7"})
    gateway = build_gateway(settings, clock=clock)
    try:
        clock.now -= timedelta(days=8)
        message = add(gateway)
        clock.now += timedelta(days=8)
        # then it is deleted
        assert retention(gateway)["messages"] == 1
        assert exists(gateway, message) == [False]
        with gateway.store.read() as session:
            assert session.scalar(select(func.count()).select_from(MessageRow)) == 0
    finally:
        gateway.close()


LATER_TABLE = (
    "CREATE TABLE later_rows (id INTEGER PRIMARY KEY, message_id INTEGER REFERENCES messages)"
)


def test_retention_keeps_a_message_any_other_table_points_at(
    gateway: Gateway, clock: FakeClock
) -> None:
    # given a table added later whose row points at an old finished message (as a shipment
    # points at its despatch advice)
    with gateway.store.engine.begin() as connection:
        connection.execute(text(LATER_TABLE))
    clock.now -= OLD
    pointed_at, free = add(gateway, direction="out"), add(gateway, direction="out")
    with gateway.store.engine.begin() as connection:
        connection.execute(text(f"INSERT INTO later_rows VALUES (1, {pointed_at.id})"))
    clock.now += OLD
    # when the retention job runs
    summary = retention(gateway)
    # then the message that row needs stays
    assert summary["messages"] == 1
    assert exists(gateway, pointed_at, free) == [True, False]
