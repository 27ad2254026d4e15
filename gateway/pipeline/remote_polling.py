"""When partners' servers are polled: a thread per partner under `gateway run`, all at once for
`gateway batch`; a partner whose server hangs delays only its own polls."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from gateway.app import Gateway
from gateway.config import Partner
from gateway.pipeline.remote_intake import PollResult, RemotePoller, remote_partners

log = logging.getLogger(__name__)

# At most this many partners' servers are polled at the same time by `gateway batch`.
MAX_PARALLEL_POLLS = 8


def poll_all(gateway: Gateway) -> list[PollResult]:
    """Poll every partner's server once, in parallel, waiting out the settle time once."""
    partners = remote_partners(gateway)
    if not partners:
        return []
    workers = min(MAX_PARALLEL_POLLS, len(partners))
    with ThreadPoolExecutor(workers, thread_name_prefix="sftp-poll") as pool:
        found = pool.map(lambda p: _poll_once(gateway, p), partners)
        return [result for result in found if result is not None]


def _poll_once(gateway: Gateway, partner: Partner) -> PollResult | None:
    try:
        return RemotePoller(gateway, partner).poll(force=True, wait_to_settle=True)
    except Exception:  # a bug: keep the traceback, keep the other partners going
        log.exception("partner=%s unexpected error polling its SFTP server", partner.id)
        return None


class PollerThreads:
    """One thread per partner polling its server when due, until `stop` is set."""

    def __init__(self, gateway: Gateway, stop: threading.Event, wake: threading.Event) -> None:
        self.gateway = gateway
        self.stop = stop
        self.wake = wake
        self.partners = remote_partners(gateway)
        self.threads = [
            threading.Thread(target=self._loop, args=(p,), name=f"sftp-poll-{p.id}", daemon=True)
            for p in self.partners
        ]

    def start(self) -> None:
        """Start polling."""
        for partner in self.partners:
            sftp = partner.transport.sftp
            if sftp is not None:
                log.info(
                    "partner=%s polling sftp %s:%s every %s",
                    partner.id,
                    sftp.address,
                    sftp.remote_inbox,
                    sftp.poll_interval,
                )
        for thread in self.threads:
            thread.start()

    def join(self, timeout: float) -> None:
        """Wait for the pollers to finish their poll at hand (bounded by the timeouts)."""
        for thread in self.threads:
            thread.join(timeout)

    def _loop(self, partner: Partner) -> None:
        poller = RemotePoller(self.gateway, partner)
        while not self.stop.is_set():
            wait = 5.0
            try:
                result = poller.poll()
                if result.received:
                    self.wake.set()  # new messages for the runner
                wait = (result.next_poll_at - self.gateway.clock()).total_seconds()
            except Exception:  # a bug: keep the traceback, poll again later
                log.exception("partner=%s unexpected error polling its SFTP server", partner.id)
            self.stop.wait(max(0.05, wait))
