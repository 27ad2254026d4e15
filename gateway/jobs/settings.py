"""The [jobs] section of gateway.toml: each job's schedule and how long finished work is kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta

from gateway.config_values import Table
from gateway.jobs.schedule import Schedule, parse_schedule

JOB_KEYS = (
    "backlog_review",
    "invoice_run",
    "overdue_acks",
    "retention",
    "retention_days",
    "demo",
)

# The defaults (frozen, so shared safely).
HOURLY = Schedule("1h", "every", interval=timedelta(hours=1))
QUARTER_HOURLY = Schedule("15m", "every", interval=timedelta(minutes=15))
EVERY_10S = Schedule("10s", "every", interval=timedelta(seconds=10))
DAILY_0200 = Schedule("daily 02:00", "daily", at=time(2, 0))
DAILY_0300 = Schedule("daily 03:00", "daily", at=time(3, 0))


@dataclass(frozen=True)
class JobSettings:
    """When each scheduled job runs, and how many days finished messages and runs are kept."""

    backlog_review: Schedule = HOURLY
    invoice_run: Schedule = DAILY_0200
    overdue_acks: Schedule = QUARTER_HOURLY
    retention: Schedule = DAILY_0300
    retention_days: int = 90
    # The demo fulfilment job's schedule; the job exists only with [fulfilment] demo = true.
    demo: Schedule = EVERY_10S


def read_job_settings(table: Table, backlog_interval: timedelta) -> JobSettings:
    """The [jobs] section; `backlog_interval` ([orders] backlog_review_interval, kept for
    compatibility) is the backlog review's schedule when [jobs] does not set one."""
    defaults = JobSettings()
    return JobSettings(
        backlog_review=_schedule(table, "backlog_review", Schedule.every(backlog_interval)),
        invoice_run=_schedule(table, "invoice_run", defaults.invoice_run),
        overdue_acks=_schedule(table, "overdue_acks", defaults.overdue_acks),
        retention=_schedule(table, "retention", defaults.retention),
        retention_days=table.integer("retention_days", defaults.retention_days, 1),
        demo=_schedule(table, "demo", defaults.demo),
    )


def _schedule(table: Table, key: str, default: Schedule) -> Schedule:
    """One schedule key; a wrong one is a problem naming the key, and the default is kept."""
    if not table.has(key):
        return default
    if not isinstance(table.values[key], str):
        table.text(key, "")  # records "expected a string ..." with the key
        return default
    try:
        return parse_schedule(table.text(key, ""))
    except ValueError as exc:
        table.problem(key, str(exc))
        return default
