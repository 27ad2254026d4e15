"""The command-line grammar of `gateway jobs list|run|history`."""

from __future__ import annotations

from gateway.cli_orders import SubParsers, positive_int


def add_jobs_commands(sub: SubParsers) -> None:
    """Add `jobs list`, `jobs run NAME|--due` and `jobs history [NAME]`."""
    jobs = sub.add_parser(
        "jobs", help="scheduled jobs: their schedules, running one now, past runs"
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = jobs.add_parser(
        "list", help="every job: schedule, last run and what it did, when it is due next"
    )
    listing.add_argument("--json", action="store_true", help="print JSON")
    _add_run(jobs)
    history = jobs.add_parser("history", help="past runs, newest first")
    history.add_argument("name", nargs="?", metavar="NAME", help="only this job's runs")
    history.add_argument("--limit", type=positive_int, default=20, help="at most N runs (20)")
    history.add_argument("--json", action="store_true", help="print JSON")


def _add_run(jobs: SubParsers) -> None:
    run = jobs.add_parser(
        "run",
        help="run one job now (due or not), or every due job",
        description="Run a job now and print what it did; exit 1 when it failed.",
    )
    which = run.add_mutually_exclusive_group(required=True)
    which.add_argument("name", nargs="?", metavar="NAME", help="the job (see `gateway jobs list`)")
    which.add_argument("--due", action="store_true", help="every job that is due, in order")
    run.add_argument("--json", action="store_true", help="print JSON")
