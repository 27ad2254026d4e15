"""What the `gateway jobs` sub-commands do, returning their exit code."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from gateway.app import Gateway
from gateway.commands import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    CommandFailed,
    Context,
    _gateway,
    guarded,
)
from gateway.jobs.registry import job_names, jobs_for
from gateway.jobs.runner import run_due_jobs, run_job
from gateway.output_jobs import (
    JobState,
    jobs_json,
    render_jobs,
    render_runs,
    run_json,
    run_lines,
)
from gateway.store.job_runs import FAILED, JobRunRecord, last_run, runs

# The actor recorded on runs started from the command line.
CLI_ACTOR = "cli"


@guarded
def cmd_jobs_list(ctx: Context) -> int:
    """Every job with its schedule, last run and next due time."""
    with _gateway(ctx) as gateway:
        states = job_states(gateway)
    if ctx.args.json:
        _print_json(jobs_json(states))
    else:
        print(render_jobs(states))
    return EXIT_OK


def job_states(gateway: Gateway) -> list[JobState]:
    """Each job of the configuration as `jobs list` shows it."""
    now = gateway.clock()
    states: list[JobState] = []
    with gateway.store.read() as session:
        for spec, schedule in jobs_for(gateway.settings):
            last = last_run(session, spec.name)
            started = last.started_at if last else None
            due = None if schedule.off else schedule.next_due(started, now)
            states.append(JobState(spec.name, spec.description, schedule, last, due))
    return states


@guarded
def cmd_jobs_run(ctx: Context) -> int:
    """Run one job now, or every due one; print what each did; exit 1 when one failed."""
    with _gateway(ctx) as gateway:
        if ctx.args.due:
            done = run_due_jobs(gateway, CLI_ACTOR)
        else:
            _check_name(gateway, ctx.args.name)
            done = [run_job(gateway, ctx.args.name, CLI_ACTOR)]
    _print_runs(done, ctx.args.json)
    return EXIT_FAILED if any(run.status == FAILED for run in done) else EXIT_OK


def _check_name(gateway: Gateway, name: str) -> None:
    names = job_names(gateway.settings)
    if name not in names:
        known = ", ".join(names)
        raise CommandFailed(f"there is no job {name!r}; the jobs are {known}", EXIT_USAGE)


def _print_runs(done: Sequence[JobRunRecord], as_json: bool) -> None:
    if as_json:
        _print_json([run_json(run) for run in done])
        return
    if not done:
        print("no job is due")
    for run in done:
        print("\n".join(run_lines(run)))


@guarded
def cmd_jobs_history(ctx: Context) -> int:
    """Past runs, newest first, of one job or of all."""
    with _gateway(ctx) as gateway:
        if ctx.args.name is not None:
            _check_name(gateway, ctx.args.name)
        with gateway.store.read() as session:
            found = runs(session, ctx.args.name, ctx.args.limit)
    if ctx.args.json:
        _print_json([run_json(run) for run in found])
    else:
        print(render_runs(found))
    return EXIT_OK


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


HANDLERS: dict[tuple[str, str | None], Callable[[Context], int]] = {
    ("jobs", "list"): cmd_jobs_list,
    ("jobs", "run"): cmd_jobs_run,
    ("jobs", "history"): cmd_jobs_history,
}
