"""Scheduled batch jobs: when they are due (schedule), which exist (registry), running and
recording them (runner), and the retention clean-up (retention).

Only the schedule is re-exported here: the settings import it, and the registry and runner
import the application, which imports the settings.
"""

from gateway.jobs.schedule import Schedule, parse_schedule

__all__ = ["Schedule", "parse_schedule"]
