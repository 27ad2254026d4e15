"""Message stages and statuses, as stored (DESIGN.md: messages are state machines)."""

from __future__ import annotations

# Inbound stages: received -> parsed -> validated -> mapped -> processed.
RECEIVED = "received"
PARSED = "parsed"
VALIDATED = "validated"
MAPPED = "mapped"
PROCESSED = "processed"
INBOUND_STAGES = (RECEIVED, PARSED, VALIDATED, MAPPED, PROCESSED)

# Outbound stages: created -> rendered -> sent -> acknowledged.
CREATED = "created"
RENDERED = "rendered"
SENT = "sent"
ACKNOWLEDGED = "acknowledged"
OUTBOUND_STAGES = (CREATED, RENDERED, SENT, ACKNOWLEDGED)

# Statuses: where the message stands in the work queue.
PENDING = "pending"  # work to do now
RETRYING = "retrying"  # a transient failure; due again at next_attempt_at
DONE = "done"  # went all the way
FAILED = "failed"  # waits for a person (permanent error, or retries exhausted)
PARKED = "parked"  # a bug: traceback kept, waits for a person
DUPLICATE = "duplicate"  # recorded, never processed twice
DISCARDED = "discarded"  # a person decided it needs nothing more
FAILED_QUEUE = (FAILED, PARKED)
DUE = (PENDING, RETRYING)
