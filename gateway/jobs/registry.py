"""The scheduled jobs the gateway knows, each with the schedule gateway.toml gives it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from gateway.app import Gateway
from gateway.config import Settings
from gateway.jobs.retention import run_retention
from gateway.jobs.schedule import Schedule
from gateway.pipeline.acks import flag_overdue
from gateway.pipeline.order_actions import review_backlog

JobFunction = Callable[[Gateway, datetime], Mapping[str, int | str]]


@dataclass(frozen=True)
class JobSpec:
    """A job: its name (as in gateway.toml [jobs] and `gateway jobs run`), what it is for, and
    the function that runs it and returns what it did, as counts."""

    name: str
    description: str
    run: JobFunction


def jobs_for(settings: Settings) -> list[tuple[JobSpec, Schedule]]:
    """Every job of this configuration with its schedule, in the order a pass runs them."""
    schedules = settings.jobs
    found = [(BACKLOG_REVIEW, schedules.backlog_review)]
    fulfilment = getattr(settings, "fulfilment", None)
    if getattr(fulfilment, "demo", False):
        # Before the invoice run, so that what the demo ships is invoiced in the same pass.
        found.append((DEMO_FULFILMENT, schedules.demo))
    found += [
        (INVOICE_RUN, schedules.invoice_run),
        (OVERDUE_ACKS, schedules.overdue_acks),
        (RETENTION, schedules.retention),
    ]
    return found


def job_names(settings: Settings) -> list[str]:
    """The names of this configuration's jobs, in registry order."""
    return [spec.name for spec, _ in jobs_for(settings)]


def _backlog_review(gateway: Gateway, now: datetime) -> Mapping[str, int]:
    decided = review_backlog(gateway, actor="scheduler")
    return {
        "orders_changed": len(decided),
        "responses_queued": sum(1 for one in decided if one.response is not None),
    }


def _invoice_run(gateway: Gateway, now: datetime) -> Mapping[str, int | str]:
    # Imported when run: fulfilment imports much of the application, the registry little.
    from gateway.pipeline.fulfilment_jobs import invoice_run

    return invoice_run(gateway, now)


def _overdue_acks(gateway: Gateway, now: datetime) -> Mapping[str, int]:
    return {"flagged": flag_overdue(gateway, now)}


def _demo_fulfilment(gateway: Gateway, now: datetime) -> Mapping[str, int | str]:
    from gateway.pipeline.fulfilment_jobs import demo_advance

    return demo_advance(gateway, now)


BACKLOG_REVIEW = JobSpec(
    "backlog_review",
    "serve waiting order lines from free stock; one changed order response per slipped order",
    _backlog_review,
)
INVOICE_RUN = JobSpec(
    "invoice_run",
    "invoice shipped, uninvoiced lines whose partner's invoicing period has ended",
    _invoice_run,
)
OVERDUE_ACKS = JobSpec(
    "overdue_acks",
    "flag sent interchanges whose acknowledgement (CONTRL, 997/999) is past due",
    _overdue_acks,
)
RETENTION = JobSpec(
    "retention",
    "delete finished messages, archived inbox files and job runs older than [jobs] "
    "retention_days (never invoices, failed messages or anything of an open order)",
    run_retention,
)
DEMO_FULFILMENT = JobSpec(
    "demo_fulfilment",
    "demo mode: release, pick, pack, ship and deliver what is ready, as a warehouse would",
    _demo_fulfilment,
)
