"""Store contract, messages: raw bytes, history, look-ups, transactions."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from gateway.errors import Issue, Location
from gateway.model.codec import document_from_json, to_json
from gateway.model.documents import OrderLine, PurchaseOrder, document_type
from gateway.store import DISCARDED_STATUS, DUPLICATE_STATUS, MessageFilter, NewMessage, Store

# Every byte value, plus the CR LF and NUL/0xFF that text-mode handling would mangle.
AWKWARD_BYTES = bytes(range(256)) + b"UNA:+.? 'UNB+UNOC:3\r\n\x00\xff\r'"


def inbound(**changes: object) -> NewMessage:
    """An inbound EDIFACT ORDERS message as the receive stage first records it."""
    base = NewMessage("in", "ACME", "EDIFACT", "ORDERS", "D:96A:UN", "received", "pending")
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_raw_bytes_round_trip_byte_for_byte(store: Store) -> None:
    # given bytes containing NUL, 0xFF, CR and LF
    # when they are stored with a new message
    with store.unit_of_work() as uow:
        added = uow.add_message(inbound(filename="orders 1.edi"), raw=AWKWARD_BYTES)
    # then the exact bytes come back, with their digest and size on the message
    assert store.raw(added.id) == AWKWARD_BYTES
    got = store.get(added.id)
    assert got == added
    assert got is not None
    assert got.sha256 == hashlib.sha256(AWKWARD_BYTES).hexdigest()
    assert got.size == len(AWKWARD_BYTES)
    assert got.filename == "orders 1.edi"
    assert got.attempts == 0
    assert got.error_issues == []


def test_a_given_sha256_must_match_the_bytes(store: Store) -> None:
    with store.unit_of_work() as uow, pytest.raises(ValueError, match="does not match"):
        uow.add_message(inbound(sha256="0" * 64), raw=b"UNB+UNOC:3'")


def test_timestamps_come_back_timezone_aware_in_utc(store: Store) -> None:
    # given a retry time written with a +02:00 offset
    local = datetime(2024, 3, 1, 14, 30, 15, 250000, tzinfo=timezone(timedelta(hours=2)))
    with store.unit_of_work() as uow:
        added = uow.add_message(inbound(next_attempt_at=local))
    # when it is read back
    got = store.get(added.id)
    # then it is the same instant, expressed in UTC
    assert got is not None
    assert got.next_attempt_at == datetime(2024, 3, 1, 12, 30, 15, 250000, tzinfo=UTC)
    assert got.next_attempt_at.tzinfo == UTC
    assert got.created_at.tzinfo == UTC


def test_naive_datetimes_are_rejected(store: Store) -> None:
    naive = datetime(2024, 3, 1, 12, 0)
    with store.unit_of_work() as uow:
        with pytest.raises(ValueError, match="timezone-aware"):
            uow.add_message(inbound(next_attempt_at=naive))
        added = uow.add_message(inbound())
        with pytest.raises(ValueError, match="timezone-aware"):
            uow.update_message(added.id, actor="runner", next_attempt_at=naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        store.claim_due(naive, 10, timedelta(minutes=1))


def test_history_is_appended_on_stage_or_status_change_only(store: Store) -> None:
    # given a new message (its creation is the first event)
    with store.unit_of_work() as uow:
        added = uow.add_message(inbound(), actor="receiver", reason="picked up")
    # when other columns change, then the stage, then the status
    with store.unit_of_work() as uow:
        uow.update_message(added.id, actor="runner", attempts=1, error_text="x", reason="noise")
        uow.update_message(added.id, actor="runner", stage="parsed", reason="parsed")
        uow.update_message(added.id, actor="ops:alice", status="failed", reason="bad")
        uow.update_message(added.id, actor="runner", stage="parsed", status="failed")
    # then exactly one event per real stage/status change, in order
    events = store.history(added.id)
    moves = [(e.actor, e.from_stage, e.to_stage, e.from_status, e.to_status) for e in events]
    assert moves == [
        ("receiver", None, "received", None, "pending"),
        ("runner", "received", "parsed", "pending", "pending"),
        ("ops:alice", "parsed", "parsed", "pending", "failed"),
    ]
    assert [e.reason for e in events] == ["picked up", "parsed", "bad"]
    assert all(e.message_id == added.id and e.at.tzinfo == UTC for e in events)


def test_update_sets_columns_and_bumps_updated_at(store: Store) -> None:
    times = iter([datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 2, tzinfo=UTC)])
    clocked = Store(store.engine, clock=lambda: next(times))
    issue = Issue(
        "segment.missing", "BGM is missing", Location(segment_position=3, segment_tag="UNH")
    )
    with clocked.unit_of_work() as uow:
        added = uow.add_message(inbound())
    with clocked.unit_of_work() as uow:
        updated = uow.update_message(
            added.id, actor="runner", error_code="validation", error_issues=[issue], attempts=2
        )
    assert updated.created_at == datetime(2024, 1, 1, tzinfo=UTC)
    assert updated.updated_at == datetime(2024, 1, 2, tzinfo=UTC)
    assert updated.attempts == 2
    assert updated.error_issues == [
        {
            "code": "segment.missing",
            "message": "BGM is missing",
            "location": "segment 3 (UNH)",
            "severity": "error",
        }
    ]
    assert store.get(added.id) == updated


def test_unknown_column_in_update_is_a_type_error(store: Store) -> None:
    with store.unit_of_work() as uow:
        added = uow.add_message(inbound())
        with pytest.raises(TypeError, match="colour"):
            uow.update_message(added.id, actor="runner", colour="red")
        with pytest.raises(TypeError, match="created_at"):
            uow.update_message(added.id, actor="runner", created_at=datetime.now(UTC))


def test_updating_a_missing_message_is_a_lookup_error(store: Store) -> None:
    with store.unit_of_work() as uow, pytest.raises(LookupError, match="12345"):
        uow.update_message(12345, actor="runner", status="done")


def test_canonical_document_round_trips_as_json(store: Store) -> None:
    order = PurchaseOrder("PO-1", (OrderLine("1", Decimal("2.5")),))
    with store.unit_of_work() as uow:
        kind = document_type(order)
        added = uow.add_message(inbound(document_type=kind, document=to_json(order)))
    got = store.get(added.id)
    assert got is not None
    assert isinstance(got.document, dict)
    assert got.document_type == "purchase_order"
    assert document_from_json("purchase_order", got.document) == order


def test_set_raw_replaces_payload_digest_and_size(store: Store) -> None:
    with store.unit_of_work() as uow:
        out = uow.add_message(dataclasses.replace(inbound(), direction="out", stage="rendering"))
    assert store.raw(out.id) is None
    with store.unit_of_work() as uow:
        uow.set_raw(out.id, b"first")
        uow.set_raw(out.id, b"UNB+UNOC:3+SELLER+BUYER'\r\n")
    got = store.get(out.id)
    assert store.raw(out.id) == b"UNB+UNOC:3+SELLER+BUYER'\r\n"
    assert got is not None
    assert got.sha256 == hashlib.sha256(b"UNB+UNOC:3+SELLER+BUYER'\r\n").hexdigest()
    assert got.size == 26


def test_find_by_sha256_returns_oldest_non_duplicate(store: Store) -> None:
    # given the same bytes received three times, the second marked as a duplicate
    with store.unit_of_work() as uow:
        first = uow.add_message(inbound(), raw=b"same")
        second = uow.add_message(inbound(status=DUPLICATE_STATUS), raw=b"same")
        third = uow.add_message(inbound(), raw=b"same")
        uow.add_message(inbound(direction="out"), raw=b"other")
    digest = hashlib.sha256(b"same").hexdigest()
    # then the original is found, except from itself, and duplicates are never the answer
    assert store.find_by_sha256(digest) == store.get(first.id)
    found = store.find_by_sha256(digest, exclude_id=first.id)
    assert found is not None
    assert found.id == third.id != second.id
    assert store.find_by_sha256(digest, direction="out") is None
    assert store.find_by_sha256(hashlib.sha256(b"none").hexdigest()) is None


def test_find_by_interchange_is_per_partner(store: Store) -> None:
    with store.unit_of_work() as uow:
        first = uow.add_message(inbound(interchange_ref="000123"))
        uow.add_message(inbound(partner="OTHER", interchange_ref="000124"))
        again = uow.add_message(inbound(interchange_ref="000123"))
    found = store.find_by_interchange("ACME", "000123")
    assert found is not None
    assert found.id == first.id
    excluded = store.find_by_interchange("ACME", "000123", exclude_id=first.id)
    assert excluded is not None
    assert excluded.id == again.id
    assert store.find_by_interchange("OTHER", "000123") is None
    assert store.find_by_interchange("ACME", "000123", direction="out") is None


def test_list_children_and_counts(store: Store) -> None:
    with store.unit_of_work() as uow:
        parent = uow.add_message(inbound(stage="split", status="done"))
        kids = [uow.add_message(inbound(parent_id=parent.id, message_ref=str(n))) for n in (1, 2)]
        uow.add_message(inbound(direction="out", partner="OTHER", status="sent"))
    assert [m.message_ref for m in store.children(parent.id)] == ["1", "2"]
    newest_first = store.list_messages(MessageFilter(direction="in"))
    assert [m.id for m in newest_first] == [kids[1].id, kids[0].id, parent.id]
    assert len(store.list_messages(MessageFilter(limit=2))) == 2
    assert store.list_messages(MessageFilter(status="done", partner="ACME"))[0].id == parent.id
    assert store.list_messages(MessageFilter(stage="nowhere")) == []
    assert store.status_counts() == {("in", "done"): 1, ("in", "pending"): 2, ("out", "sent"): 1}


def test_unit_of_work_rolls_everything_back_on_error(store: Store) -> None:
    # given a unit of work that stores a message, bytes, an order and a status change, then fails
    order = PurchaseOrder("PO-9", (OrderLine("1", Decimal("1")),))
    with pytest.raises(RuntimeError, match="boom"), store.unit_of_work() as uow:
        added = uow.add_message(inbound(), raw=b"UNB")
        uow.add_order(added.id, "ACME", order)
        uow.update_message(added.id, actor="runner", status="done")
        raise RuntimeError("boom")
    # then nothing of it is left
    assert store.get(added.id) is None
    assert store.raw(added.id) is None
    assert store.history(added.id) == []
    assert store.orders_for(added.id) == []
    assert store.status_counts() == {}


def test_a_file_is_stored_before_its_standard_is_known(store: Store) -> None:
    # given a dropped file whose standard, type and version are only known after parsing
    unparsed = NewMessage("in", None, None, None, None, "received", "pending", filename="x.edi")
    with store.unit_of_work() as uow:
        added = uow.add_message(unparsed, raw=b"ISA*00*")
    # when parsing fills them in
    with store.unit_of_work() as uow:
        uow.update_message(added.id, actor="runner", standard="X12", message_type="850")
    # then the record carries them, and the unknown partner stayed None until then
    got = store.get(added.id)
    assert got is not None
    assert (got.partner, got.standard, got.message_type, got.version) == (None, "X12", "850", None)


def test_a_discarded_message_is_not_the_original_of_its_corrected_copy(store: Store) -> None:
    # given a failed interchange that ops replaced by a corrected copy (the original discarded)
    with store.unit_of_work() as uow:
        replaced = uow.add_message(inbound(interchange_ref="77", status=DISCARDED_STATUS))
        corrected = uow.add_message(inbound(interchange_ref="77", parent_id=replaced.id))
    # when the corrected copy looks for an earlier original
    found = store.find_by_interchange("ACME", "77", exclude_id=corrected.id)
    # then there is none, unless the caller asks to see discarded messages too
    assert found is None
    wider = store.find_by_interchange("ACME", "77", exclude_id=corrected.id, skip_statuses=())
    assert wider is not None
    assert wider.id == replaced.id


def test_large_payload_is_stored_and_read_back_in_pieces(store: Store) -> None:
    # given 2.5 MiB of bytes handed over as an iterator of uneven pieces, as intake reads a file
    data = bytes(range(256)) * (10 * 1024) + b"tail"
    pieces = iter([data[:300_000], data[300_000:2_000_000], data[2_000_000:]])
    with store.unit_of_work() as uow:
        added = uow.add_message(inbound(filename="big.edi"), raw=pieces)
    # then digest and size are derived, and the bytes come back whole or in 1 MiB pieces
    assert (added.sha256, added.size) == (hashlib.sha256(data).hexdigest(), len(data))
    read = list(store.raw_chunks(added.id))
    assert [len(p) for p in read] == [300_000, 1 << 20, 651_424, 621_444]
    assert b"".join(read) == data == store.raw(added.id)
