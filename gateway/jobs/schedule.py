"""When a scheduled job is due: never ("off"), every so long, or at a UTC time of day each day,
week or month.

A job is due when the first moment its schedule names after the start of its last run has come
(cron's rule, so a gateway that was down at 02:00 catches up once when it comes back); a job
that never ran is due at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from gateway.config_values import parse_duration

# The "next due" of a schedule that is off.
NEVER = datetime.max.replace(tzinfo=UTC)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Day 28 is the last day every month has, so a monthly job is never skipped in February.
LAST_MONTH_DAY = 28
FORMS = (
    '"off", an interval such as "15m", "1h" or "1d", "daily HH:MM", "weekly mon HH:MM" or '
    '"monthly 1 HH:MM" (times in UTC)'
)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


@dataclass(frozen=True)
class Schedule:
    """When a job runs: every `interval`, or at `at` (UTC) each day, each week on `weekday`
    (Monday = 0) or each month on `day`; kind "off" never."""

    text: str
    kind: str
    interval: timedelta | None = None
    at: time | None = None
    weekday: int | None = None
    day: int | None = None

    def __str__(self) -> str:
        return self.text

    @classmethod
    def every(cls, interval: timedelta) -> Schedule:
        """An interval schedule (must be more than zero)."""
        if interval <= timedelta(0):
            raise ValueError(f"{interval} is no interval; an interval must be more than zero")
        return cls(duration_text(interval), "every", interval=interval)

    @property
    def off(self) -> bool:
        """True when the job never runs on its own (it can still be run by hand)."""
        return self.kind == "off"

    def next_due(self, last_started: datetime | None, now: datetime) -> datetime:
        """When the job is due next: now when it never ran, NEVER when the schedule is off."""
        if self.off:
            return NEVER
        if last_started is None:
            return now
        last = _utc(last_started)
        if self.interval is not None:
            return last + self.interval
        return self._next_slot(last)

    def is_due(self, last_started: datetime | None, now: datetime) -> bool:
        """Whether the job should run at `now`, its last run having started at `last_started`."""
        return self.next_due(last_started, now) <= _utc(now)

    def _next_slot(self, last: datetime) -> datetime:
        """The first time of day, week or month named by the schedule after `last`."""
        if self.at is None:
            raise ValueError(f"schedule {self.text!r} has no time of day")
        if self.kind == "weekly" and self.weekday is not None:
            first = last.date() + timedelta(days=(self.weekday - last.weekday()) % 7)
            return _after(last, first, self.at, lambda d: d + timedelta(days=7))
        if self.kind == "monthly" and self.day is not None:
            return _after(last, last.date().replace(day=self.day), self.at, _next_month)
        return _after(last, last.date(), self.at, lambda d: d + timedelta(days=1))


def _after(last: datetime, first: date, at: time, step: Callable[[date], date]) -> datetime:
    """`first` at `at`, or the following slot (`step`) when that is not after `last`."""
    slot = datetime.combine(first, at, tzinfo=UTC)
    return slot if slot > last else datetime.combine(step(first), at, tzinfo=UTC)


def _next_month(day: date) -> date:
    """The same day of the next month (days 1 to 28 exist in every month)."""
    if day.month == 12:
        return day.replace(year=day.year + 1, month=1)
    return day.replace(month=day.month + 1)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a schedule needs timezone-aware times, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)


def parse_schedule(raw: str) -> Schedule:
    """A schedule from its text; ValueError with a sentence saying what to write instead."""
    words = raw.strip().lower().split()
    if not words:
        raise ValueError(f"an empty schedule; write {FORMS}")
    head = words[0]
    if words == ["off"]:
        return Schedule("off", "off")
    if head == "daily":
        _expect(raw, words, 'daily HH:MM, such as "daily 02:00"')
        at = _time_of_day(raw, words[1])
        return Schedule(f"daily {at:%H:%M}", "daily", at=at)
    if head == "weekly":
        _expect(raw, words, 'weekly DAY HH:MM, such as "weekly mon 06:00"')
        weekday, at = _weekday(raw, words[1]), _time_of_day(raw, words[2])
        return Schedule(f"weekly {WEEKDAYS[weekday]} {at:%H:%M}", "weekly", at=at, weekday=weekday)
    if head == "monthly":
        _expect(raw, words, 'monthly DAY HH:MM, such as "monthly 1 02:00"')
        day, at = _month_day(raw, words[1]), _time_of_day(raw, words[2])
        return Schedule(f"monthly {day} {at:%H:%M}", "monthly", at=at, day=day)
    if len(words) == 1:
        return _interval(raw)
    raise ValueError(f"{raw!r} is not a schedule; write {FORMS}")


def _expect(raw: str, words: list[str], form: str) -> None:
    """A daily schedule has two words, weekly and monthly ones three."""
    wanted = 2 if words[0] == "daily" else 3
    if len(words) != wanted:
        raise ValueError(f"{raw!r} is not a schedule; write {form}")


def _interval(raw: str) -> Schedule:
    try:
        interval = parse_duration(raw.strip())
    except ValueError as exc:
        raise ValueError(f"{raw!r} is not a schedule; write {FORMS}") from exc
    if interval <= timedelta(0):
        raise ValueError(f"{raw!r} is no interval; an interval must be more than zero")
    return Schedule(raw.strip(), "every", interval=interval)


def _time_of_day(raw: str, word: str) -> time:
    match = _TIME.match(word)
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(
            f"{word!r} in {raw!r} is not a time of day; write HH:MM from 00:00 to 23:59 (UTC)"
        )
    return time(int(match.group(1)), int(match.group(2)))


def _weekday(raw: str, word: str) -> int:
    for number, name in enumerate(_FULL_WEEKDAYS):
        if len(word) >= 3 and name.startswith(word):
            return number
    raise ValueError(
        f"{word!r} in {raw!r} is not a day of the week; write one of {', '.join(WEEKDAYS)}"
    )


def _month_day(raw: str, word: str) -> int:
    if not word.isdigit() or not 1 <= int(word) <= LAST_MONTH_DAY:
        raise ValueError(
            f"{word!r} in {raw!r} is not a day of the month a job can run on; write a day "
            f"from 1 to {LAST_MONTH_DAY} (every month has those)"
        )
    return int(word)


def duration_text(interval: timedelta) -> str:
    """An interval as the shortest schedule text (1:00:00 -> "1h", 0:01:30 -> "90s")."""
    seconds = interval.total_seconds()
    for unit, size in _UNITS:
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{round(seconds * 1000)}ms"
