"""Each partner transport's health: consecutive failures, unhealthy after N, polled less often.

A transport is unhealthy from the partner's `unhealthy_after`th consecutive failure (logged at
error, shown by `gateway status`) until the next success (logged as a recovery). While
unhealthy its server is polled at a doubling interval, up to `MAX_BACKOFF`.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from gateway.app import Gateway
from gateway.config_sftp import SftpSettings
from gateway.store.transport_store import TransportState, record_failure, record_success

log = logging.getLogger(__name__)

# The longest wait between polls of an unhealthy server.
MAX_BACKOFF = timedelta(minutes=15)


def note_failure(
    gateway: Gateway, partner: str, sftp: SftpSettings, what: str, error: str
) -> TransportState:
    """Count one failure (a poll or a push); log it at error once the transport is unhealthy."""
    with gateway.store.unit_of_work() as uow:
        state = record_failure(uow, partner, error, sftp.unhealthy_after)
    failures = state.consecutive_failures
    if failures >= sftp.unhealthy_after:
        log.error(
            "partner=%s transport UNHEALTHY (%d consecutive failures, %s): %s; polled every %s "
            "until it recovers",
            partner,
            failures,
            what,
            error,
            poll_delay(sftp, failures),
        )
    else:
        log.warning("partner=%s %s failed (%d in a row): %s", partner, what, failures, error)
    return state


def note_success(gateway: Gateway, partner: str, sftp: SftpSettings) -> None:
    """Reset the failure count; log the recovery of an unhealthy transport."""
    with gateway.store.unit_of_work() as uow:
        before = record_success(uow, partner)
    if before.unhealthy_since is not None:
        log.info(
            "partner=%s transport %s recovered after %d consecutive failures",
            partner,
            sftp.address,
            before.consecutive_failures,
        )


def poll_delay(sftp: SftpSettings, failures: int) -> timedelta:
    """The wait before the next poll: the poll interval, doubled per failure past unhealthy."""
    over = failures - sftp.unhealthy_after + 1
    if over <= 0:
        return sftp.poll_interval
    longest = max(sftp.poll_interval, MAX_BACKOFF)
    return min(sftp.poll_interval * (1 << min(over, 20)), longest)
