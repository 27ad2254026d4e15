"""Job schedules: every form, when each is due next across day, week and month boundaries,
clear sentences for bad strings, and the [jobs] section of gateway.toml."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone
from pathlib import Path

import pytest

from gateway.config import load_settings
from gateway.errors import ConfigError
from gateway.jobs.schedule import NEVER, Schedule, duration_text, parse_schedule


def at(text: str) -> datetime:
    """A UTC moment from "YYYY-MM-DD HH:MM[:SS]"."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


NOW = at("2026-03-04 10:00")  # a Wednesday


@pytest.mark.parametrize(
    ("text", "kind", "shown"),
    [
        ("off", "off", "off"),
        ("15m", "every", "15m"),
        (" 1h ", "every", "1h"),
        ("1d", "every", "1d"),
        ("daily 02:00", "daily", "daily 02:00"),
        ("Daily 7:05", "daily", "daily 07:05"),
        ("weekly mon 06:30", "weekly", "weekly mon 06:30"),
        ("weekly Sunday 23:59", "weekly", "weekly sun 23:59"),
        ("monthly 1 02:00", "monthly", "monthly 1 02:00"),
        ("monthly 28 00:00", "monthly", "monthly 28 00:00"),
    ],
)
def test_every_schedule_form_is_read_and_shown_in_its_normal_spelling(
    text: str, kind: str, shown: str
) -> None:
    schedule = parse_schedule(text)
    assert (schedule.kind, str(schedule)) == (kind, shown)


def test_a_job_that_never_ran_is_due_at_once_whatever_its_schedule() -> None:
    for text in ("15m", "daily 02:00", "weekly fri 18:00", "monthly 15 12:00"):
        schedule = parse_schedule(text)
        assert schedule.next_due(None, NOW) == NOW
        assert schedule.is_due(None, NOW)


def test_an_off_schedule_is_never_due() -> None:
    schedule = parse_schedule("off")
    assert schedule.off
    assert schedule.next_due(None, NOW) == NEVER
    assert not schedule.is_due(at("2000-01-01 00:00"), NOW)


def test_an_interval_is_due_when_the_last_run_started_that_long_ago_or_more() -> None:
    # given a job every 15 minutes whose last run started at 09:50
    schedule = parse_schedule("15m")
    last = at("2026-03-04 09:50")
    # then it is due at 10:05 exactly, not a second before
    assert schedule.next_due(last, NOW) == at("2026-03-04 10:05")
    assert not schedule.is_due(last, at("2026-03-04 10:04:59"))
    assert schedule.is_due(last, at("2026-03-04 10:05"))


def test_daily_is_due_once_per_day_at_or_after_its_time() -> None:
    schedule = parse_schedule("daily 02:00")
    # ran today at 02:00: next tomorrow at 02:00
    assert schedule.next_due(at("2026-03-04 02:00"), NOW) == at("2026-03-05 02:00")
    # ran yesterday at 02:00 and the gateway was down at 02:00 today: due now, once
    assert schedule.is_due(at("2026-03-03 02:00"), NOW)
    assert not schedule.is_due(NOW, NOW + timedelta(hours=1))
    # ran by hand at 01:00 today: today's 02:00 still comes
    assert schedule.next_due(at("2026-03-04 01:00"), NOW) == at("2026-03-04 02:00")


def test_daily_next_due_crosses_midnight_and_the_year_end() -> None:
    schedule = parse_schedule("daily 00:30")
    assert schedule.next_due(at("2026-03-04 23:59"), NOW) == at("2026-03-05 00:30")
    assert schedule.next_due(at("2026-12-31 01:00"), NOW) == at("2027-01-01 00:30")


def test_weekly_next_due_is_the_next_named_weekday_after_the_last_run() -> None:
    schedule = parse_schedule("weekly mon 06:00")
    # Wednesday -> the next Monday
    assert schedule.next_due(at("2026-03-04 10:00"), NOW) == at("2026-03-09 06:00")
    # Monday before six -> the same Monday; Monday after six -> a week later
    assert schedule.next_due(at("2026-03-09 05:00"), NOW) == at("2026-03-09 06:00")
    assert schedule.next_due(at("2026-03-09 06:00"), NOW) == at("2026-03-16 06:00")
    # Sunday night -> Monday morning, across the month end
    assert schedule.next_due(at("2026-05-31 23:00"), NOW) == at("2026-06-01 06:00")


def test_monthly_next_due_crosses_month_and_year_ends_and_february() -> None:
    schedule = parse_schedule("monthly 28 02:00")
    assert schedule.next_due(at("2026-01-28 02:00"), NOW) == at("2026-02-28 02:00")
    assert schedule.next_due(at("2026-02-28 03:00"), NOW) == at("2026-03-28 02:00")
    assert schedule.next_due(at("2026-12-28 02:00"), NOW) == at("2027-01-28 02:00")
    first = parse_schedule("monthly 1 00:00")
    assert first.next_due(at("2026-12-31 23:59"), NOW) == at("2027-01-01 00:00")
    assert first.next_due(at("2026-03-01 00:00"), NOW) == at("2026-04-01 00:00")


def test_times_in_other_zones_are_compared_in_utc() -> None:
    # given a last run recorded as 03:30 at UTC+02:00, which is 01:30 UTC
    east = datetime(2026, 3, 4, 3, 30, tzinfo=timezone(timedelta(hours=2)))
    # then a daily 02:00 (UTC) job still has its slot of that day to come
    assert parse_schedule("daily 02:00").next_due(east, NOW) == at("2026-03-04 02:00")


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_schedule("1h").next_due(datetime(2026, 3, 4, 10, 0), NOW)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "an empty schedule; write"),
        ("hourly", "'hourly' is not a schedule; write \"off\", an interval"),
        ("0s", "'0s' is no interval; an interval must be more than zero"),
        ("daily", "'daily' is not a schedule; write daily HH:MM"),
        ("daily 25:00", "'25:00' in 'daily 25:00' is not a time of day; write HH:MM"),
        ("daily 2pm", "'2pm' in 'daily 2pm' is not a time of day"),
        ("daily 02:60", "is not a time of day"),
        ("weekly 06:00", "'weekly 06:00' is not a schedule; write weekly DAY HH:MM"),
        ("weekly funday 06:00", "'funday' in 'weekly funday 06:00' is not a day of the week"),
        ("weekly mo 06:00", "'mo' in 'weekly mo 06:00' is not a day of the week"),
        ("monthly 31 02:00", "'31' in 'monthly 31 02:00' is not a day of the month"),
        ("monthly 0 02:00", "write a day from 1 to 28"),
        ("monthly first 02:00", "is not a day of the month"),
        ("every 5m", "'every 5m' is not a schedule"),
    ],
)
def test_a_bad_schedule_is_refused_with_a_sentence_saying_what_to_write(
    text: str, says: str
) -> None:
    with pytest.raises(ValueError) as caught:
        parse_schedule(text)
    assert says in str(caught.value)


def test_an_interval_schedule_from_a_duration_is_shown_in_its_shortest_unit() -> None:
    assert str(Schedule.every(timedelta(hours=1))) == "1h"
    assert str(Schedule.every(timedelta(seconds=90))) == "90s"
    assert duration_text(timedelta(days=2)) == "2d"
    assert duration_text(timedelta(milliseconds=1500)) == "1500ms"
    with pytest.raises(ValueError, match="more than zero"):
        Schedule.every(timedelta(0))


def write_toml(workspace: Path, text: str) -> None:
    (workspace / "config").mkdir(parents=True, exist_ok=True)
    (workspace / "config" / "gateway.toml").write_text(text, encoding="utf-8")


def test_jobs_section_defaults_when_absent(tmp_path: Path) -> None:
    # given no [jobs] section, when loaded
    jobs = load_settings(tmp_path, {}).jobs
    # then the documented defaults apply
    assert [str(s) for s in (jobs.backlog_review, jobs.invoice_run, jobs.overdue_acks)] == [
        "1h",
        "daily 02:00",
        "15m",
    ]
    assert (str(jobs.retention), jobs.retention_days, str(jobs.demo)) == ("daily 03:00", 90, "10s")


def test_backlog_review_falls_back_to_the_older_orders_key(tmp_path: Path) -> None:
    # given only the older [orders] backlog_review_interval
    write_toml(tmp_path, '[orders]\nbacklog_review_interval = "30m"\n')
    # then it is the backlog review's schedule
    assert load_settings(tmp_path, {}).jobs.backlog_review.interval == timedelta(minutes=30)
    # and [jobs] backlog_review wins over it when both are set
    write_toml(
        tmp_path, '[orders]\nbacklog_review_interval = "30m"\n[jobs]\nbacklog_review = "off"\n'
    )
    assert load_settings(tmp_path, {}).jobs.backlog_review.off


def test_jobs_keys_are_read_from_the_file_and_the_environment(tmp_path: Path) -> None:
    # given schedules in the file and overrides in the environment
    write_toml(tmp_path, '[jobs]\ninvoice_run = "weekly fri 18:00"\nretention_days = 30\n')
    environ = {"GATEWAY_JOBS_RETENTION": "off", "GATEWAY_JOBS_RETENTION_DAYS": "400"}
    jobs = load_settings(tmp_path, environ).jobs
    # then both are applied, the environment last
    assert jobs.invoice_run.weekday == 4 and jobs.invoice_run.at == time(18, 0)
    assert jobs.retention.off and jobs.retention_days == 400


def test_bad_jobs_values_are_config_problems_naming_their_key(tmp_path: Path) -> None:
    # given a misspelt schedule, a number where a string belongs, too few days, an unknown key
    write_toml(
        tmp_path,
        '[jobs]\ninvoice_run = "dayly 02:00"\noverdue_acks = 15\nretention_days = 0\n'
        'retension = "off"\n',
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path, {"GATEWAY_JOBS_DEMO": "sometimes"})
    problems = caught.value.problems
    # then each is reported with its file and key (or variable), and what to write
    assert any(
        p.startswith("config/gateway.toml: jobs.invoice_run: 'dayly 02:00' is not a schedule")
        for p in problems
    )
    assert any(
        p.startswith("config/gateway.toml: jobs.overdue_acks: expected a string") for p in problems
    )
    assert (
        "config/gateway.toml: jobs.retention_days: 0 is too small; it must be at least 1"
        in problems
    )
    assert any("jobs.retension: unknown key (did you mean 'retention'?)" in p for p in problems)
    assert any(
        p.startswith("environment variable GATEWAY_JOBS_DEMO: 'sometimes'") for p in problems
    )
