"""Store contract, shared work: claiming due messages and control numbers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from gateway.store import NewMessage, Store, coordination
from gateway.store.engine import writer

NOW = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def pending(**changes: object) -> NewMessage:
    """An inbound message waiting for the runner."""
    fields: dict[str, object] = {
        "direction": "in",
        "partner": "ACME",
        "standard": "X12",
        "message_type": "850",
        "version": "004010",
        "stage": "received",
        "status": "pending",
    }
    fields.update(changes)
    return NewMessage(**fields)  # type: ignore[arg-type]


def run_in_two_threads(store_url: str, work: Callable[[Store], list[int]]) -> list[list[int]]:
    """Run `work` at the same moment in two threads, each with its own store (own pool)."""
    stores = [Store.open(store_url) for _ in range(2)]
    barrier = threading.Barrier(2)
    results: list[list[int]] = [[], []]
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(stores[index])
        except BaseException as exc:  # a thread must hand its failure to the test
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for opened in stores:
        opened.close()
    if errors:
        raise errors[0]
    return results


def test_claim_due_leases_only_due_unleased_messages_oldest_first(store: Store) -> None:
    # given due, not-yet-due, finished and retrying messages
    with store.unit_of_work() as uow:
        first = uow.add_message(pending())
        uow.add_message(pending(status="retrying", next_attempt_at=NOW + timedelta(hours=1)))
        uow.add_message(pending(status="done"))
        retry = uow.add_message(pending(status="retrying", next_attempt_at=NOW))
    # when the runner claims
    claimed = store.claim_due(NOW, limit=10, lease=LEASE)
    # then the due ones are leased, oldest first, and a second claim gets none of them
    assert [m.id for m in claimed] == [first.id, retry.id]
    assert all(m.locked_until == NOW + LEASE for m in claimed)
    assert store.claim_due(NOW + timedelta(minutes=1), limit=10, lease=LEASE) == []
    # and once the lease has run out they can be claimed again
    again = store.claim_due(NOW + LEASE + timedelta(seconds=1), limit=1, lease=LEASE)
    assert [m.id for m in again] == [first.id]


def test_claim_due_respects_the_statuses_asked_for(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.add_message(pending())
        parked = uow.add_message(pending(status="sending"))
    claimed = store.claim_due(NOW, limit=10, lease=LEASE, statuses=("sending",))
    assert [m.id for m in claimed] == [parked.id]


def test_status_change_releases_the_lease_unless_running(store: Store) -> None:
    with store.unit_of_work() as uow:
        added = uow.add_message(pending())
    (claimed,) = store.claim_due(NOW, limit=1, lease=LEASE)
    with store.unit_of_work() as uow:
        running = uow.update_message(added.id, actor="runner", status="running")
        moved = uow.update_message(added.id, actor="runner", stage="parsed")
        retrying = uow.update_message(
            added.id, actor="runner", status="retrying", next_attempt_at=NOW
        )
    assert claimed.locked_until == running.locked_until == moved.locked_until == NOW + LEASE
    assert retrying.locked_until is None
    assert [m.id for m in store.claim_due(NOW, limit=1, lease=LEASE)] == [added.id]


def test_concurrent_claimers_never_get_the_same_message(store: Store, store_url: str) -> None:
    # given forty due messages
    with store.unit_of_work() as uow:
        ids = {uow.add_message(pending(message_ref=str(n))).id for n in range(40)}

    # when two workers claim in small batches at the same time until nothing is left
    def drain(worker_store: Store) -> list[int]:
        got: list[int] = []
        while batch := worker_store.claim_due(NOW, limit=3, lease=LEASE):
            got.extend(m.id for m in batch)
        return got

    first, second = run_in_two_threads(store_url, drain)
    # then every message went to exactly one worker
    assert not set(first) & set(second)
    assert sorted(first + second) == sorted(ids)


def test_control_numbers_are_gapless_under_concurrency(store: Store, store_url: str) -> None:
    # when two workers each take fifty interchange numbers at the same time
    def take(worker_store: Store) -> list[int]:
        return [worker_store.next_control_number("ACME", "interchange") for _ in range(50)]

    first, second = run_in_two_threads(store_url, take)
    # then together they got 1..100, each once, and each worker's numbers only grow
    assert sorted(first + second) == list(range(1, 101))
    assert first == sorted(first)
    assert second == sorted(second)
    assert store.next_control_number("ACME", "interchange") == 101


def test_control_number_wraps_to_start_after_wrap_at(store: Store) -> None:
    # X12 ISA13 is n9, so a real partner wraps after 999999999; three keeps the test short
    taken = [store.next_control_number("ACME", "isa13", wrap_at=3) for _ in range(5)]
    assert taken == [1, 2, 3, 1, 2]
    started = [store.next_control_number("ACME", "group", start=7, wrap_at=8) for _ in range(3)]
    assert started == [7, 8, 7]


def test_control_numbers_are_kept_per_partner_and_kind(store: Store) -> None:
    assert store.next_control_number("ACME", "interchange") == 1
    assert store.next_control_number("ACME", "interchange") == 2
    assert store.next_control_number("ACME", "message") == 1
    assert store.next_control_number("OTHER", "interchange") == 1


def test_wrap_below_start_is_rejected(store: Store) -> None:
    with pytest.raises(ValueError, match="below start"):
        store.next_control_number("ACME", "interchange", start=10, wrap_at=5)


def test_postgresql_claimer_skips_rows_another_claimer_holds(
    new_postgres_database: Callable[[], str],
) -> None:
    # Row locks with SKIP LOCKED are PostgreSQL's (SQLite serialises writers instead).
    store_url = new_postgres_database()
    store = Store.open(store_url)
    with store.unit_of_work() as uow:
        ids = [uow.add_message(pending(message_ref=str(n))).id for n in range(4)]
    # given a first worker whose claim transaction is still open (its rows locked)
    with Session(writer(store.engine)) as held, held.begin():
        first = coordination.claim_due(held, NOW, 2, LEASE, ("pending",))
        # when a second worker claims meanwhile, it neither waits nor takes the locked rows
        other = Store.open(store_url)
        try:
            second = other.claim_due(NOW, limit=10, lease=LEASE)
        finally:
            other.close()
    store.close()
    assert [m.id for m in first] == ids[:2]
    assert [m.id for m in second] == ids[2:]
