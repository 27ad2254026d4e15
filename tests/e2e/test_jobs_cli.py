"""`gateway batch` runs the due scheduled jobs, and `gateway jobs list|run|history` (the real
command on a fresh workspace)."""

from __future__ import annotations

from tests.e2e.conftest import Workspace

JOBS = ["backlog_review", "invoice_run", "overdue_acks", "retention"]


def test_batch_runs_every_due_job_once_and_a_second_batch_runs_none(workspace: Workspace) -> None:
    # given a fresh workspace where no job ever ran
    # when batch runs twice in a row
    first = workspace.gateway("batch")
    after_first = workspace.gateway("jobs", "history", "--json")
    second = workspace.gateway("batch")
    after_second = workspace.gateway("jobs", "history", "--json")
    # then the first ran every job once (each recorded, started by batch), the second none
    assert first.code in (0, 1) and second.code in (0, 1), first.stderr
    assert sorted(run["job"] for run in after_first.json()) == JOBS
    assert {run["actor"] for run in after_first.json()} == {"batch"}
    assert after_second.json() == after_first.json()
    assert "Traceback" not in second.stderr


def test_jobs_list_json_shows_schedules_last_runs_and_next_due(workspace: Workspace) -> None:
    # given a workspace where only the retention job ran
    ran = workspace.gateway("jobs", "run", "retention")
    assert ran.code == 0, ran.stderr
    # when the jobs are listed as JSON
    listed = workspace.gateway("jobs", "list", "--json")
    # then every job is there with its schedule from gateway.toml, and its last run
    assert listed.code == 0, listed.stderr
    jobs = {job["job"]: job for job in listed.json()}
    assert list(jobs) == JOBS
    assert {name: job["schedule"] for name, job in jobs.items()} == {
        "backlog_review": "1h",
        "invoice_run": "daily 02:00",
        "overdue_acks": "15m",
        "retention": "daily 03:00",
    }
    assert jobs["invoice_run"]["last_run"] is None
    retention = jobs["retention"]["last_run"]
    assert (retention["status"], retention["actor"]) == ("ok", "cli")
    # and the retention job is next due at 03:00 UTC after that run
    assert jobs["retention"]["next_due"].endswith("T03:00:00+00:00")
    # and the table for people says the same
    table = workspace.gateway("jobs", "list")
    assert table.code == 0 and "retention       daily 03:00" in table.stdout


def test_jobs_run_retention_prints_what_it_deleted(workspace: Workspace) -> None:
    # when the retention job is run by hand
    result = workspace.gateway("jobs", "run", "retention")
    # then it says what it did, kind by kind
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "job retention (run 1) ok:"
    assert "  messages: 0" in lines and "  archived_files: 0" in lines
    # and the run is in the history
    history = workspace.gateway("jobs", "history", "retention", "--json").json()
    assert [(run["id"], run["status"], run["summary"]["messages"]) for run in history] == [
        (1, "ok", 0)
    ]


def test_jobs_run_due_runs_only_what_is_due(workspace: Workspace) -> None:
    first = workspace.gateway("jobs", "run", "--due", "--json")
    again = workspace.gateway("jobs", "run", "--due")
    assert sorted(run["job"] for run in first.json()) == JOBS
    assert (again.code, again.stdout.strip()) == (0, "no job is due")


def test_an_unknown_job_is_a_usage_error_naming_the_jobs(workspace: Workspace) -> None:
    result = workspace.gateway("jobs", "run", "retension")
    assert result.code == 2
    assert "there is no job 'retension'; the jobs are backlog_review, invoice_run" in result.stderr


def test_a_bad_schedule_in_gateway_toml_is_a_config_error_naming_the_key(
    workspace: Workspace,
) -> None:
    # given a misspelt schedule in [jobs]
    config = workspace.root / "config" / "gateway.toml"
    text = config.read_text(encoding="utf-8")
    assert 'invoice_run = "daily 02:00"' in text
    config.write_text(text.replace('invoice_run = "daily 02:00"', 'invoice_run = "dayly 2am"'))
    # when the gateway starts
    result = workspace.gateway("batch")
    # then it refuses, naming the file, [jobs] invoice_run and what to write
    assert result.code == 2
    assert "config/gateway.toml: jobs.invoice_run: 'dayly 2am' is not a schedule" in result.stderr
    assert '"daily HH:MM"' in result.stderr
