"""Recorded runs of the scheduled jobs, and the claim that keeps two processes from running the
same job at once.

Writes take the caller's UnitOfWork, reads a Session from `Store.read()`; records leave, rows
never do.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from gateway.jobs.schedule import Schedule
from gateway.store.tables import require_aware
from gateway.store.tables_jobs import JobLockRow, JobRunRow
from gateway.store.unit_of_work import UnitOfWork

RUNNING, OK, FAILED = "running", "ok", "failed"
# A run still marked running this long after it started is taken to have been cut short (its
# process killed on another host, say) and no longer keeps the job from being run again.
RUN_LEASE = timedelta(hours=2)

Summary = Mapping[str, int | str]


@dataclass(frozen=True)
class JobRunRecord:
    """One run of a job; `summary` counts what it did, `error` says why it failed."""

    id: int
    job: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    actor: str
    owner: str
    summary: Summary
    error: str | None


def this_process() -> str:
    """host:pid, recorded on the runs this process starts."""
    return f"{socket.gethostname()}:{os.getpid()}"


def start_run(
    uow: UnitOfWork,
    job: str,
    actor: str,
    *,
    schedule: Schedule | None = None,
    now: datetime | None = None,
    owner: str | None = None,
) -> JobRunRecord | None:
    """Claim a run of `job` now; None when another process runs it or `schedule` says not due.

    The decision and the new "running" row are one transaction holding the job's lock row, so
    of two processes deciding at once one runs the job and the other sees it running (or, once
    it finished, not due any more). A unique partial index on running rows would only stop two
    runs at the same moment, not a second run straight after the first on a stale decision.
    """
    at = require_aware(now, "now") if now is not None else uow.now()
    me = owner or this_process()
    session = uow.session
    _lock(session, job)
    live = [row for row in _running(session, job) if not _interrupted(row, at, me)]
    if live:
        return None
    if schedule is not None and not schedule.is_due(_last_started(session, job), at):
        return None
    row = JobRunRow(job=job, started_at=at, status=RUNNING, actor=actor, owner=me)
    session.add(row)
    session.flush()
    return job_run_record(row)


def finish_run(
    uow: UnitOfWork, run_id: int, summary: Summary | None = None, error: str | None = None
) -> JobRunRecord:
    """Record the end of a run: ok with what it did, or failed with the error sentence."""
    row = uow.session.get_one(JobRunRow, run_id)
    row.finished_at = uow.now()
    row.status = FAILED if error is not None else OK
    row.summary = _json_summary(summary or {})
    row.error = error
    uow.session.flush()
    return job_run_record(row)


def last_run(session: Session, job: str) -> JobRunRecord | None:
    """The newest run of `job`, or None when it never ran."""
    query = (
        select(JobRunRow)
        .where(JobRunRow.job == job)
        .order_by(JobRunRow.started_at.desc(), JobRunRow.id.desc())
        .limit(1)
    )
    row = session.scalars(query).first()
    return None if row is None else job_run_record(row)


def runs(session: Session, job: str | None = None, limit: int = 50) -> list[JobRunRecord]:
    """The newest runs first, of one job or of all."""
    query = select(JobRunRow).order_by(JobRunRow.started_at.desc(), JobRunRow.id.desc())
    if job is not None:
        query = query.where(JobRunRow.job == job)
    return [job_run_record(row) for row in session.scalars(query.limit(limit))]


def delete_runs(uow: UnitOfWork, started_before: datetime) -> int:
    """Forget finished runs that started before the cutoff; how many."""
    result = uow.session.execute(
        delete(JobRunRow).where(
            JobRunRow.started_at < require_aware(started_before, "cutoff"),
            JobRunRow.status != RUNNING,
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def job_run_record(row: JobRunRow) -> JobRunRecord:
    """The record of one row."""
    return JobRunRecord(
        id=row.id,
        job=row.job,
        started_at=row.started_at,
        finished_at=row.finished_at,
        status=row.status,
        actor=row.actor,
        owner=row.owner,
        summary=MappingProxyType(dict(row.summary or {})),
        error=row.error,
    )


def _lock(session: Session, job: str) -> None:
    """Hold the job's lock row until the transaction ends (created on first use).

    PostgreSQL: SELECT ... FOR UPDATE makes a second claimer wait here for the first to commit.
    SQLite ignores FOR UPDATE; the write transaction (BEGIN IMMEDIATE) already serialises.
    """
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(JobLockRow).values(job=job).on_conflict_do_nothing())
    session.execute(select(JobLockRow.job).where(JobLockRow.job == job).with_for_update())


def _running(session: Session, job: str) -> list[JobRunRow]:
    query = select(JobRunRow).where(JobRunRow.job == job, JobRunRow.status == RUNNING)
    return list(session.scalars(query))


def _interrupted(row: JobRunRow, at: datetime, me: str) -> bool:
    """Mark a run that cannot still be running as failed ("interrupted ..."); whether it was."""
    if row.owner == me:
        # This process is claiming the job now, so it is not in the middle of running it.
        why = "the process that ran it stopped before it finished"
    elif process_gone(row.owner):
        why = f"the process that ran it ({row.owner}) is gone"
    elif row.started_at + RUN_LEASE <= at:
        why = f"still marked running {RUN_LEASE} after it started ({row.owner})"
    else:
        return False
    row.status, row.finished_at, row.error = FAILED, at, f"interrupted: {why}"
    return True


def process_gone(owner: str) -> bool:
    """Whether `owner` (host:pid) is a process on this host that no longer exists."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except OSError:
        return False  # exists, owned by someone else
    return False


def _last_started(session: Session, job: str) -> datetime | None:
    query = select(JobRunRow.started_at).where(JobRunRow.job == job)
    return session.scalars(query.order_by(JobRunRow.started_at.desc()).limit(1)).first()


def _json_summary(summary: Summary) -> dict[str, int | str]:
    """Counts stay numbers; anything else is stored as its text."""
    return {
        str(key): value if isinstance(value, int) and not isinstance(value, bool) else str(value)
        for key, value in summary.items()
    }
