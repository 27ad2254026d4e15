"""The long-running loop and the one-pass batch, both over intake and the runner."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType

from gateway.app import Gateway
from gateway.errors import TransientError
from gateway.jobs.runner import run_due_jobs
from gateway.pipeline.intake import intake, recover_claimed
from gateway.pipeline.remote_intake import PollResult
from gateway.pipeline.remote_polling import PollerThreads, poll_all
from gateway.pipeline.runner import PassSummary, run_due
from gateway.pipeline.warehouse_inbox import take_warehouse_files
from gateway.transport.watch import InboxWatcher

log = logging.getLogger(__name__)


def batch_pass(
    gateway: Gateway,
    should_stop: Callable[[], bool] = lambda: False,
    on_message: Callable[[PassSummary], None] | None = None,
) -> PassSummary:
    """One pass: every complete inbox file, every due job, every due retry, every pending
    outbound (what the jobs queued among them: changed order responses, notices, invoices)."""
    recover_claimed(gateway)
    intake(gateway)
    polls = _remote(gateway)
    _warehouse(gateway)
    _jobs(gateway, "batch", should_stop)
    try:
        summary = run_due(gateway, should_stop=should_stop, on_message=on_message)
    finally:
        gateway.remote.end_round()
    summary.transport_failures = [f"{p.partner}: {p.error}" for p in polls if p.error]
    return summary


class StopFlag:
    """Set by SIGINT/SIGTERM: finish the message at hand, then stop."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def __call__(self) -> bool:
        return self.event.is_set()

    def install(self, wake: threading.Event) -> None:
        """Route SIGINT and SIGTERM here instead of raising KeyboardInterrupt mid-write."""

        def handler(signum: int, _frame: FrameType | None) -> None:
            log.info(
                "%s received: finishing the message at hand, then stopping",
                signal.Signals(signum).name,
            )
            self.event.set()
            wake.set()

        signal.signal(signal.SIGINT, handler)
        signal.signal(signal.SIGTERM, handler)


def serve(gateway: Gateway, stop: StopFlag) -> None:
    """Run until stopped: watchdog rings, the periodic sweep decides what is complete."""
    wake = threading.Event()
    stop.install(wake)
    watcher = InboxWatcher(gateway.inbox, wake)
    watcher.start()
    pollers = PollerThreads(gateway, stop.event, wake)
    pollers.start()
    poll = gateway.settings.poll_interval.total_seconds()
    log.info(
        "gateway running: inbox %s, outbox %s, sweep every %.1fs; Ctrl-C stops",
        gateway.settings.inbox,
        gateway.settings.outbox,
        poll,
    )
    for folder in gateway.inbox.unknown_folders():
        log.warning(
            "inbox/%s has no partner profile (config/partners/%s.toml); its files are not taken",
            folder,
            folder,
        )
    try:
        while not stop():
            wake.clear()
            _one_round(gateway, stop)
            wake.wait(_next_wait(gateway, poll))
    finally:
        watcher.stop()
        pollers.join(timeout=_longest_timeout(gateway))
        log.info("gateway stopped")


def _one_round(gateway: Gateway, stop: StopFlag) -> None:
    """Recover, take in, run the due jobs, run the messages; a failing round is logged and the
    next one tries again."""
    try:
        recover_claimed(gateway)
        intake(gateway)
        _warehouse(gateway)
        _jobs(gateway, "scheduler", stop)
        run_due(gateway, should_stop=stop)
    except TransientError as exc:
        log.warning("this round stopped early, the next one tries again: %s", exc.message)
    except Exception:  # a bug outside any message: keep serving, keep the traceback in the log
        log.exception("unexpected error in this round; the gateway keeps running")
    finally:
        gateway.remote.end_round()


def _jobs(gateway: Gateway, actor: str, should_stop: Callable[[], bool]) -> None:
    """The due scheduled jobs; each failure is recorded and logged by the job runner, and even
    a bug in the runner itself never keeps the messages from moving."""
    try:
        run_due_jobs(gateway, actor, should_stop=should_stop)
    except Exception:  # a bug: keep the traceback, keep the gateway going
        log.exception("unexpected error running the scheduled jobs; messages go on")


def _remote(gateway: Gateway) -> list[PollResult]:
    """Fetch from partners' SFTP servers; failures are counted and logged per partner, and even
    a bug there never keeps the messages from moving."""
    try:
        return poll_all(gateway)
    except Exception:  # a bug: keep the traceback, keep the gateway going
        log.exception("unexpected error polling the partners' SFTP servers; messages go on")
        return []


def _longest_timeout(gateway: Gateway) -> float:
    """How long a poller may still be in one network operation when asked to stop."""
    timeouts = [
        p.transport.sftp.timeout.total_seconds()
        for p in gateway.settings.partners.values()
        if p.transport.sftp is not None
    ]
    return max(timeouts, default=0.0) + 1.0


def _warehouse(gateway: Gateway) -> None:
    """The warehouse's confirmation files; a refused file is moved aside and logged by the
    inbox itself, and even a bug there never keeps the messages from moving."""
    try:
        take_warehouse_files(gateway)
    except Exception:  # a bug: keep the traceback, keep the gateway going
        log.exception("unexpected error taking the warehouse files; messages go on")


def _next_wait(gateway: Gateway, poll: float) -> float:
    """Sleep until the next sweep, or sooner while a dropped file is still settling."""
    if gateway.inbox.pending_count():
        settle = min(
            (p.settle_time.total_seconds() for p in gateway.settings.partners.values()),
            default=poll,
        )
        return max(0.05, min(poll, settle / 4))
    return poll
