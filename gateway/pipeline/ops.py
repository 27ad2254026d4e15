"""What ops people do with the failed queue: retry (optionally with a fixed file), discard."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.app import Gateway
from gateway.pipeline import status
from gateway.pipeline.intake import received_file
from gateway.store import MessageRecord

RETRYABLE = (*status.FAILED_QUEUE, status.DUPLICATE, status.RETRYING)


class OpsError(Exception):
    """An ops action that cannot be done, with a sentence saying why."""


@dataclass(frozen=True)
class RetryResult:
    """Which message will run again."""

    message_id: int
    replaced: int | None = None


def _failed(gateway: Gateway, message_id: int, allowed: tuple[str, ...]) -> MessageRecord:
    record = gateway.store.get(message_id)
    if record is None:
        raise OpsError(f"there is no message {message_id}")
    if record.status not in allowed:
        raise OpsError(
            f"message {message_id} is {record.status}; only messages that are "
            f"{', '.join(allowed)} can be changed this way"
        )
    return record


def retry(
    gateway: Gateway, message_id: int, actor: str, accept_duplicate: bool = False
) -> RetryResult:
    """Run a failed message again from its last good stage (after a config or mapping fix).

    `accept_duplicate` lets a reviewed duplicate through (the `hold` policy's release).
    """
    record = _failed(gateway, message_id, RETRYABLE)
    if accept_duplicate and record.direction != "in":
        raise OpsError(f"message {message_id} is outbound; only inbound files are duplicates")
    again: dict[str, object] = {}
    reason = "retry requested, duplicate accepted" if accept_duplicate else "retry requested"
    if record.direction == "out" and record.ack_status in ("rejected", "partially_accepted"):
        # The partner refused the interchange: send it again under new control references
        # (the old UNB 0020 would now be a duplicate on its side).
        again = {"stage": status.CREATED, "ack_status": None, "ack_due_at": None}
        reason = "retry requested after the partner's rejection: rendered again"
    with gateway.store.unit_of_work() as uow:
        uow.update_message(
            message_id,
            actor=actor,
            **again,
            status=status.PENDING,
            attempts=0,
            next_attempt_at=None,
            error_code=None,
            error_text=None,
            error_location=None,
            error_issues=[],
            traceback=None,
            locked_until=None,
            accept_duplicate=accept_duplicate or record.accept_duplicate,
            reason=reason,
        )
    return RetryResult(message_id)


def retry_with_file(gateway: Gateway, message_id: int, data: bytes, actor: str) -> RetryResult:
    """Replace a failed inbound file with a corrected one: the original is kept and discarded."""
    record = _failed(gateway, message_id, RETRYABLE)
    if record.direction != "in":
        raise OpsError(f"message {message_id} is outbound; only inbound files can be replaced")
    with gateway.store.unit_of_work() as uow:
        fixed = uow.add_message(
            received_file(record.partner, record.filename, data, parent_id=record.id),
            raw=data,
            actor=actor,
            reason=f"corrected copy of message {record.id}",
        )
        uow.update_message(
            record.id,
            actor=actor,
            status=status.DISCARDED,
            locked_until=None,
            reason=f"replaced by corrected message {fixed.id}",
        )
    return RetryResult(fixed.id, replaced=record.id)


def discard(gateway: Gateway, message_id: int, actor: str, reason: str) -> None:
    """Take a message out of the failed queue for good, saying why."""
    _failed(gateway, message_id, RETRYABLE)
    with gateway.store.unit_of_work() as uow:
        uow.update_message(
            message_id,
            actor=actor,
            status=status.DISCARDED,
            locked_until=None,
            reason=reason or "discarded",
        )
