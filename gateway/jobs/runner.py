"""Running scheduled jobs: each due job claimed, run and recorded on its own, so that a failing
job is recorded as failed and never keeps the others (or the messages) from running."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from gateway.app import Gateway
from gateway.errors import GatewayError, TransientError
from gateway.jobs.registry import JobSpec, jobs_for
from gateway.jobs.schedule import Schedule
from gateway.store.job_runs import JobRunRecord, Summary, finish_run, last_run, start_run

log = logging.getLogger(__name__)

Jobs = Sequence[tuple[JobSpec, Schedule]]


class JobError(GatewayError):
    """A job cannot be run as asked (unknown name, or running in another process)."""

    code = "job"


def run_due_jobs(
    gateway: Gateway,
    actor: str,
    now: datetime | None = None,
    jobs: Jobs | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> list[JobRunRecord]:
    """Run every due job in registry order (or of `jobs`); the runs, failed ones included."""
    done: list[JobRunRecord] = []
    for spec, schedule in jobs_for(gateway.settings) if jobs is None else jobs:
        if should_stop():
            break
        at = now or gateway.clock()
        try:
            if not _looks_due(gateway, spec.name, schedule, at):
                continue
            record = _claim_and_run(gateway, spec, actor, schedule, at)
        except TransientError as exc:
            log.warning("job=%s not started, the next pass tries again: %s", spec.name, exc.message)
            continue
        except Exception:  # a bug in claiming: keep the traceback, go on with the next job
            log.exception("job=%s not started: unexpected error", spec.name)
            continue
        if record is not None:
            done.append(record)
    return done


def run_job(gateway: Gateway, name: str, actor: str, jobs: Jobs | None = None) -> JobRunRecord:
    """Run one job now, due or not (even when its schedule is off); recorded like any run."""
    chosen = jobs_for(gateway.settings) if jobs is None else jobs
    spec = next((spec for spec, _ in chosen if spec.name == name), None)
    if spec is None:
        known = ", ".join(spec.name for spec, _ in chosen)
        raise JobError(f"there is no job {name!r}; the jobs are {known}")
    record = _claim_and_run(gateway, spec, actor, None, gateway.clock())
    if record is None:
        raise JobError(
            f"job {name} is running in another process; see `gateway jobs history {name}` "
            "and try again when it has finished"
        )
    return record


def _looks_due(gateway: Gateway, name: str, schedule: Schedule, at: datetime) -> bool:
    """A read first, so that a pass with nothing due writes nothing; the claim decides."""
    if schedule.off:
        return False
    with gateway.store.read() as session:
        last = last_run(session, name)
    return schedule.is_due(last.started_at if last else None, at)


def _claim_and_run(
    gateway: Gateway, spec: JobSpec, actor: str, schedule: Schedule | None, at: datetime
) -> JobRunRecord | None:
    """Claim a run (None: running elsewhere, or no longer due), run it, record how it ended."""
    with gateway.store.unit_of_work() as uow:
        run = start_run(uow, spec.name, actor, schedule=schedule, now=at)
    if run is None:
        log.info("job=%s not started: another process runs it or just ran it", spec.name)
        return None
    log.info("job=%s run=%s started by %s", spec.name, run.id, actor)
    try:
        summary = spec.run(gateway, at)
    except GatewayError as exc:
        log.error("job=%s run=%s failed: %s", spec.name, run.id, exc.message)
        return _finish(gateway, run, None, exc.message)
    except Exception as exc:  # a bug: the traceback goes to the log, the sentence to the run
        log.error("job=%s run=%s failed: unexpected error", spec.name, run.id, exc_info=exc)
        return _finish(gateway, run, None, f"{type(exc).__name__}: {exc}")
    record = _finish(gateway, run, summary, None)
    log.info("job=%s run=%s done: %s", spec.name, run.id, _summary_text(record))
    return record


def _finish(
    gateway: Gateway, run: JobRunRecord, summary: Summary | None, error: str | None
) -> JobRunRecord:
    with gateway.store.unit_of_work() as uow:
        return finish_run(uow, run.id, summary, error)


def _summary_text(record: JobRunRecord) -> str:
    return ", ".join(f"{key} {value}" for key, value in record.summary.items()) or "nothing to do"
