"""The runner: claims due messages, advances them, and is the one place that classifies errors."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from gateway.app import Gateway
from gateway.config import Partner
from gateway.errors import GatewayError, Issue, Location, ParseError, PermanentError, TransientError
from gateway.formats.edifact import EdifactInterchange, read_interchange_header
from gateway.pipeline import status
from gateway.pipeline.acks import emit_acknowledgement, wants_acknowledgement
from gateway.pipeline.edifact_scan import scan, stored_events
from gateway.pipeline.inbound import DuplicateInterchange, advance_inbound, is_x12, is_xml
from gateway.pipeline.outbound import advance_outbound
from gateway.pipeline.x12_inbound import negative_acknowledgements
from gateway.store import MessageRecord, UnitOfWork

log = logging.getLogger(__name__)

CLAIM_BATCH = 50
LEASE = timedelta(minutes=5)
ACK_PENDING_STAGES = (status.RECEIVED, status.PARSED, status.VALIDATED)


@dataclass
class PassSummary:
    """What one pass did, by final status of each message it touched."""

    outcomes: dict[str, int] = field(default_factory=dict)
    claimed: int = 0
    # Partners' SFTP servers that could not be polled in this pass: "partner: error".
    transport_failures: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> None:
        """Record one message's final status in this pass."""
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    @property
    def failed(self) -> int:
        """Messages that ended this pass in the failed queue."""
        return sum(self.outcomes.get(s, 0) for s in status.FAILED_QUEUE)

    @property
    def total(self) -> int:
        """Messages touched."""
        return sum(self.outcomes.values())


def run_due(
    gateway: Gateway,
    should_stop: Callable[[], bool] = lambda: False,
    on_message: Callable[[PassSummary], None] | None = None,
) -> PassSummary:
    """Advance due messages, and the outbound ones they create, until none is due.

    (Overdue acknowledgements are flagged by the scheduled job `overdue_acks`.)
    """
    summary = PassSummary()
    while not should_stop():
        batch = gateway.store.claim_due(gateway.clock(), CLAIM_BATCH, LEASE)
        if not batch:
            break
        summary.claimed += len(batch)
        for record in batch:
            if should_stop():
                _release_claim(gateway, record)
                continue
            summary.count(run_message(gateway, record).status)
            if on_message:
                on_message(summary)
    return summary


def _release_claim(gateway: Gateway, record: MessageRecord) -> None:
    with gateway.store.unit_of_work() as uow:
        uow.update_message(record.id, actor="runner", locked_until=None)


def run_message(gateway: Gateway, record: MessageRecord) -> MessageRecord:
    """Advance one message; classify whatever goes wrong (permanent, transient, bug)."""
    try:
        if record.direction == "in":
            record = advance_inbound(gateway, record)
        else:
            record = advance_outbound(gateway, record)
    except DuplicateInterchange as exc:
        return _duplicate(gateway, record, exc)
    except PermanentError as exc:
        return _fail(gateway, record, exc)
    except TransientError as exc:
        return _retry_later(gateway, record, exc)
    except Exception as exc:  # a bug: park the message with its traceback, keep the worker going
        return _park(gateway, record, exc)
    return _finish(gateway, record)


def _finish(gateway: Gateway, record: MessageRecord) -> MessageRecord:
    if record.status in status.DUE:
        # No stage moved it on: park it rather than claim it again and again.
        return _park(
            gateway,
            record,
            RuntimeError(f"{record.direction} message at stage {record.stage!r} has no next stage"),
        )
    with gateway.store.unit_of_work() as uow:
        return uow.update_message(record.id, actor="runner", locked_until=None)


def _error_columns(exc: GatewayError) -> dict[str, object]:
    return {
        "error_code": exc.issues[0].code if exc.issues else exc.code,
        "error_text": exc.message,
        "error_location": str(exc.location) if exc.location else None,
        "error_issues": [
            {
                "code": i.code,
                "message": i.message,
                "location": str(i.location),
                "severity": i.severity,
            }
            for i in exc.issues
        ],
        "locked_until": None,
    }


def _fail(gateway: Gateway, record: MessageRecord, exc: PermanentError) -> MessageRecord:
    log.warning(
        "msg=%s partner=%s failed at %s: %s", record.id, record.partner, record.stage, exc.message
    )
    current = gateway.store.get(record.id) or record
    with gateway.store.unit_of_work() as uow:
        if current.direction == "in":
            _negative_ack(gateway, uow, current, exc)
        return uow.update_message(
            record.id,
            actor="runner",
            status=status.FAILED,
            reason=exc.message,
            **_error_columns(exc),
        )


def _negative_ack(
    gateway: Gateway, uow: UnitOfWork, record: MessageRecord, exc: PermanentError
) -> None:
    """A rejected interchange is answered (CONTRL, TA1, 997/999) saying why, where we can."""
    if record.stage not in ACK_PENDING_STAGES:
        return  # the interchange was acknowledged at the map stage already
    if is_xml(gateway, record):
        return  # UBL and cXML files carry no interchange to answer with CONTRL or 997
    if is_x12(gateway, record):
        negative_acknowledgements(gateway, uow, record, exc)
        return
    partner = gateway.settings.partners.get(record.partner or "")
    if partner is None or partner.acknowledge == "never":
        return
    ic = _acknowledged_interchange(gateway, record, partner)
    if ic is not None and wants_acknowledgement(partner, ic):
        emit_acknowledgement(gateway, uow, record, ic, exc.issues)


def _acknowledged_interchange(
    gateway: Gateway, record: MessageRecord, partner: Partner
) -> EdifactInterchange | None:
    """The interchange's outline, or only its UNB when the rest cannot be read."""
    try:
        scans = scan(stored_events(gateway, record, partner))
    except ParseError:
        scans = []
    if scans:
        return scans[0].outline()
    return read_interchange_header(gateway.store.raw(record.id) or b"", record.filename)


def _duplicate(gateway: Gateway, record: MessageRecord, exc: DuplicateInterchange) -> MessageRecord:
    partner = gateway.settings.partners.get(record.partner or "")
    policy = partner.duplicates if partner else "reject"
    log.warning(
        "msg=%s partner=%s duplicate (policy %s): %s",
        record.id,
        record.partner,
        policy,
        exc.message,
    )
    final = status.FAILED if policy == "hold" else status.DUPLICATE
    with gateway.store.unit_of_work() as uow:
        if policy == "reject":
            rejection = Issue(
                "edifact.duplicate",
                exc.message,
                Location(file=record.filename, segment_position=1, segment_tag="UNB", element=5),
            )
            _negative_ack(
                gateway,
                uow,
                record,
                DuplicateInterchange(exc.message, exc.original_id, [rejection]),
            )
        return uow.update_message(
            record.id,
            actor="runner",
            status=final,
            parent_id=exc.original_id,
            reason=f"duplicate of message {exc.original_id}, policy {policy}",
            **_error_columns(exc),
        )


def _retry_later(gateway: Gateway, record: MessageRecord, exc: TransientError) -> MessageRecord:
    attempts = record.attempts + 1
    policy = gateway.settings.retry
    if attempts >= policy.max_attempts:
        log.warning(
            "msg=%s partner=%s gave up after %d attempts: %s",
            record.id,
            record.partner,
            attempts,
            exc.message,
        )
        with gateway.store.unit_of_work() as uow:
            return uow.update_message(
                record.id,
                actor="runner",
                status=status.FAILED,
                attempts=attempts,
                reason=f"gave up after {attempts} attempts (retryable)",
                **_error_columns(exc),
            )
    delay = policy.delay(attempts, gateway.rand)
    log.warning(
        "msg=%s partner=%s attempt %d failed, retrying in %s: %s",
        record.id,
        record.partner,
        attempts,
        delay,
        exc.message,
    )
    with gateway.store.unit_of_work() as uow:
        return uow.update_message(
            record.id,
            actor="runner",
            status=status.RETRYING,
            attempts=attempts,
            next_attempt_at=gateway.clock() + delay,
            reason=f"retry in {delay}",
            **_error_columns(exc),
        )


def _park(gateway: Gateway, record: MessageRecord, exc: Exception) -> MessageRecord:
    log.error(
        "msg=%s partner=%s parked by an unexpected error at stage %s",
        record.id,
        record.partner,
        record.stage,
        exc_info=exc,
    )
    with gateway.store.unit_of_work() as uow:
        return uow.update_message(
            record.id,
            actor="runner",
            status=status.PARKED,
            error_code="bug",
            error_text=f"{type(exc).__name__}: {exc}",
            traceback="".join(traceback.format_exception(exc)),
            locked_until=None,
            reason="unexpected error; traceback kept for the developers",
        )
