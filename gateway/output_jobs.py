"""What `gateway jobs` prints: tables for people, JSON for scripts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gateway.jobs.schedule import Schedule
from gateway.output import _cell, _table
from gateway.store.job_runs import JobRunRecord

JOB_HEADERS = ("JOB", "SCHEDULE", "LAST RUN", "STATUS", "SUMMARY", "NEXT DUE")
RUN_HEADERS = ("ID", "JOB", "STARTED", "FINISHED", "STATUS", "ACTOR", "SUMMARY")


@dataclass(frozen=True)
class JobState:
    """One job as `jobs list` shows it: its schedule, its last run, when it is due next."""

    name: str
    description: str
    schedule: Schedule
    last: JobRunRecord | None
    # None: the schedule is off (the job runs only when asked).
    next_due: datetime | None


def render_jobs(states: Sequence[JobState]) -> str:
    """The `jobs list` table (times in UTC)."""
    rows = [
        [
            state.name,
            str(state.schedule),
            _time(state.last.started_at) if state.last else "never",
            state.last.status if state.last else "",
            _cell(outcome(state.last)) if state.last else "",
            _time(state.next_due) if state.next_due else "off (run by hand)",
        ]
        for state in states
    ]
    return _table(JOB_HEADERS, rows) + "\ntimes in UTC"


def jobs_json(states: Sequence[JobState]) -> list[dict[str, Any]]:
    """`jobs list --json`."""
    return [
        {
            "job": state.name,
            "description": state.description,
            "schedule": str(state.schedule),
            "last_run": run_json(state.last) if state.last else None,
            "next_due": state.next_due.isoformat() if state.next_due else None,
        }
        for state in states
    ]


def render_runs(runs: Sequence[JobRunRecord]) -> str:
    """The `jobs history` table, newest first."""
    if not runs:
        return "no job has run yet"
    rows = [
        [
            str(run.id),
            run.job,
            _time(run.started_at),
            _time(run.finished_at) if run.finished_at else "",
            run.status,
            run.actor,
            _cell(outcome(run)),
        ]
        for run in runs
    ]
    return _table(RUN_HEADERS, rows)


def run_lines(run: JobRunRecord) -> list[str]:
    """What one run did, for `jobs run`: a headline, then one count per line."""
    head = f"job {run.job} (run {run.id}) {run.status}"
    if run.error is not None:
        return [f"{head}: {run.error}"]
    if not run.summary:
        return [f"{head}: nothing to do"]
    return [f"{head}:", *(f"  {key}: {value}" for key, value in run.summary.items())]


def run_json(run: JobRunRecord) -> dict[str, Any]:
    """One run as JSON (times ISO 8601 UTC)."""
    return {
        "id": run.id,
        "job": run.job,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "status": run.status,
        "actor": run.actor,
        "owner": run.owner,
        "summary": dict(run.summary),
        "error": run.error,
    }


def outcome(run: JobRunRecord) -> str:
    """The error of a failed run, else its counts on one line."""
    if run.error is not None:
        return run.error
    return ", ".join(f"{key} {value}" for key, value in run.summary.items())


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")
