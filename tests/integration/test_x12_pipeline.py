"""X12 through the pipeline: partial acceptance, 997/999/TA1 both ways, envelopes we write,
control numbers, duplicates, several interchanges per file, test interchanges."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from gateway.app import Gateway, build_gateway
from gateway.config import load_settings
from gateway.formats.segments import Segment
from gateway.formats.x12_envelope import InterchangeOpened, TransactionRead, X12Header
from gateway.formats.x12_reader import read_x12
from gateway.jobs.runner import run_job
from gateway.pipeline import ops
from gateway.pipeline.intake import intake
from gateway.pipeline.runner import run_due
from gateway.store import MessageFilter, MessageRecord
from gateway.store.tables import ControlNumberRow
from gateway.validate.x12_structure import validate_transaction
from gateway.workspace import init_workspace
from tests.integration.conftest import with_sample_masterdata
from tests.integration.test_runner import FakeClock


@pytest.fixture()
def clock() -> FakeClock:
    return FakeClock()


def _gateway(workspace: Path, clock: FakeClock) -> Gateway:
    return with_sample_masterdata(
        build_gateway(load_settings(workspace, {}), clock=clock, rand=lambda: 0.5)
    )


@pytest.fixture()
def gateway(tmp_path: Path, clock: FakeClock) -> Iterator[Gateway]:
    init_workspace(tmp_path)
    gw = _gateway(tmp_path, clock)
    yield gw
    gw.close()


def isa(
    control: str,
    *,
    version: str = "00401",
    ack: str = "0",
    usage: str = "P",
    sep: str = "*",
    rep: str = "U",
    comp: str = ">",
    term: str = "~",
) -> str:
    """A fixed-width ISA (106 characters) from globex to us."""
    fields = [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        "GLOBEX".ljust(15),
        "ZZ",
        "GATEWAY".ljust(15),
        "261121",
        "1000",
        rep,
        version,
        control,
        ack,
        usage,
        comp,
    ]
    text = sep.join(fields) + term
    assert len(text) == 106
    return text


def order_set(control: str, number: str, *, bad: bool = False) -> list[str]:
    """An 850 transaction set; `bad` leaves PO107 out while PO106 is given (syntax note P0607)."""
    po1 = "PO1*1*10*EA*2.5*PE*UP" + ("" if bad else "*012345678905")
    body = [
        f"ST*850*{control}",
        f"BEG*00*SA*{number}**20261121",
        "N1*BY*Buyer Inc*92*1234",
        po1,
        "PID*F****Widget",
        "CTT*1",
    ]
    return [*body, f"SE*{len(body) + 1}*{control}"]


def x12(
    control: str, sets: list[list[str]], *, version: str = "004010", **isa_options: str
) -> bytes:
    """An interchange with one PO group around the given sets."""
    segments = [
        f"GS*PO*GLOBEX*GATEWAY*20261121*1000*17*X*{version}",
        *(s for one in sets for s in one),
        f"GE*{len(sets)}*17",
        f"IEA*1*{control}",
    ]
    head = isa(control, version="00501" if version >= "005010" else "00401", **isa_options)
    return (head + "\n" + "~\n".join(segments) + "~\n").encode("ascii")


def drop(gw: Gateway, name: str, data: bytes) -> None:
    """A settled file in globex's inbox."""
    path = gw.settings.inbox / "globex" / name
    path.write_bytes(data)
    os.utime(path, (time.time() - 3600,) * 2)


def messages(gw: Gateway, **kind: str) -> list[MessageRecord]:
    """Messages oldest first."""
    return sorted(gw.store.list_messages(MessageFilter(**kind)), key=lambda m: m.id)  # type: ignore[arg-type]


def sent(gw: Gateway, message_type: str) -> list[MessageRecord]:
    """Our outbound messages of a type."""
    return [m for m in messages(gw, direction="out") if m.message_type == message_type]


def run(gw: Gateway, name: str, data: bytes) -> None:
    """Drop a file and run everything due."""
    drop(gw, name, data)
    intake(gw)
    run_due(gw)


def segments_of(data: bytes) -> tuple[X12Header, list[Segment]]:
    """The first interchange's ISA and the segments of its sets, read by our reader."""
    header, found = None, []
    for event in read_x12([data], "sent.x12"):
        if isinstance(event, InterchangeOpened) and header is None:
            header = event.header
        if isinstance(event, TransactionRead):
            found += event.transaction.segments
    assert header is not None
    return header, found


def tags(segments: list[Segment], tag: str) -> list[Segment]:
    return [s for s in segments if s.tag == tag]


def test_partial_acceptance_processes_valid_sets_and_rejects_the_invalid_one(
    gateway: Gateway,
) -> None:
    # given a group of three 850s, the second breaking syntax note P0607
    data = x12(
        "000000101",
        [order_set("0001", "PO-1"), order_set("0002", "PO-2", bad=True), order_set("0003", "PO-3")],
    )
    # when it is processed
    run(gateway, "orders.x12", data)
    # then the interchange is done and two orders are confirmed with an 855 each
    (inbound,) = messages(gateway, direction="in")
    assert (inbound.standard, inbound.status, inbound.stage) == ("X12", "done", "processed")
    responses = sent(gateway, "855")
    assert sorted(r.document_ref or "" for r in responses) == ["PO-1", "PO-3"]
    # and the 997 accepts sets 1 and 3, rejects set 2 with its PO1 element 7 error, AK9 = P
    (ack,) = sent(gateway, "997")
    _, body = segments_of(gateway.store.raw(ack.id) or b"")
    assert [(s.value(1), s.value(2)) for s in tags(body, "AK2")] == [
        ("850", "0001"),
        ("850", "0002"),
        ("850", "0003"),
    ]
    assert [s.value(1) for s in tags(body, "AK5")] == ["A", "R", "A"]
    (ak3,) = tags(body, "AK3")
    assert (ak3.value(1), ak3.value(2)) == ("PO1", "4")
    ak4 = tags(body, "AK4")[0]
    assert ak4.value(1) == "7" and ak4.value(3) == "2"  # PO107: conditional required missing
    (ak9,) = tags(body, "AK9")
    assert [ak9.value(i) for i in (1, 2, 3, 4)] == ["P", "3", "3", "2"]
    # and ops can see which set was rejected and why
    assert "0002" not in (inbound.error_text or "")
    rejected = inbound.document["x12"]["sets"]["17/2"]
    assert (rejected["set_id"], rejected["control_ref"]) == ("850", "0002")
    assert rejected["issues"][0]["code"] == "x12.element.conditional"


def test_all_sets_invalid_fails_the_interchange_and_sends_a_rejecting_997(
    gateway: Gateway,
) -> None:
    # given an interchange whose only set is invalid
    run(gateway, "bad.x12", x12("000000102", [order_set("0001", "PO-9", bad=True)]))
    # then it is in the failed queue, nothing is confirmed, and the 997 rejects the group
    (inbound,) = messages(gateway, direction="in")
    assert inbound.status == "failed"
    assert "P0607" in (inbound.error_text or "") or "PO1" in (inbound.error_text or "")
    assert not sent(gateway, "855")
    (ack,) = sent(gateway, "997")
    _, body = segments_of(gateway.store.raw(ack.id) or b"")
    assert tags(body, "AK9")[0].value(1) == "R"


def test_005010_group_is_answered_with_a_999(gateway: Gateway) -> None:
    # given an 850 in 005010
    run(gateway, "o.x12", x12("000000103", [order_set("0001", "PO-5")], version="005010"))
    # then a 999 (not a 997) accepts it, written in 005010X231A1 with ST03
    assert not sent(gateway, "997")
    (ack,) = sent(gateway, "999")
    header, body = segments_of(gateway.store.raw(ack.id) or b"")
    assert header.version == "00401"  # globex's ISA12; the 999 is versioned in GS08 and ST03
    assert body[0].tag == "ST" and body[0].value(3) == "005010X231A1"
    assert tags(body, "AK9")[0].value(1) == "A"


def test_ta1_when_isa14_asks_and_a_rejecting_ta1_for_a_broken_envelope(
    gateway: Gateway,
) -> None:
    # given an interchange asking for a TA1 (ISA14 = 1)
    run(gateway, "a.x12", x12("000000104", [order_set("0001", "PO-6")], ack="1"))
    (ta1,) = sent(gateway, "TA1")
    text = (gateway.store.raw(ta1.id) or b"").decode()
    assert "TA1*000000104*261121*1000*A*000" in text
    # when an interchange's IEA02 does not match its ISA13
    broken = x12("000000105", [order_set("0001", "PO-7")]).replace(
        b"IEA*1*000000105", b"IEA*1*000000999"
    )
    run(gateway, "b.x12", broken)
    # then it fails whole and the TA1 rejects it with note 001
    failed = messages(gateway, direction="in")[-1]
    assert failed.status == "failed"
    rejecting = sent(gateway, "TA1")[-1]
    assert "TA1*000000105*261121*1000*R*001" in (gateway.store.raw(rejecting.id) or b"").decode()


def test_our_855_envelope_counters_and_structure(gateway: Gateway) -> None:
    # when an order is answered
    run(gateway, "o.x12", x12("000000106", [order_set("0001", "PO-8")]))
    (response,) = sent(gateway, "855")
    data = gateway.store.raw(response.id) or b""
    # then the file is an interchange from us to globex, ISA13/GS06/ST02 from their counters
    header, body = segments_of(data)
    assert (header.sender_id, header.recipient_id, header.version) == ("GATEWAY", "GLOBEX", "00401")
    assert header.control_ref == response.interchange_ref
    assert len(data.split(b"~")[0]) == 105
    assert body[0].value(2) == response.message_ref
    # and our own reader and structure find nothing wrong with it
    for event in read_x12([data], "855.x12"):
        if isinstance(event, TransactionRead):
            issues = [
                i
                for i in (
                    *event.transaction.issues,
                    *validate_transaction(event.transaction, gateway.x12_schemas, file=None),
                )
                if i.severity == "error"
            ]
            assert issues == []
    # and it waits for the partner's 997
    assert response.ack_status == "pending"


def test_control_numbers_roll_over_at_999999999_and_survive_a_restart(
    tmp_path: Path, gateway: Gateway, clock: FakeClock
) -> None:
    # given the interchange counter at its last value
    gateway.store.next_control_number("globex", "x12.interchange", wrap_at=999_999_999)
    with gateway.store._writer.begin() as connection:
        connection.execute(
            update(ControlNumberRow)
            .where(ControlNumberRow.partner == "globex", ControlNumberRow.kind == "x12.interchange")
            .values(value=999_999_998)
        )
    run(
        gateway, "o.x12", x12("000000107", [order_set("0001", "PO-10"), order_set("0002", "PO-11")])
    )
    refs = [m.interchange_ref for m in messages(gateway, direction="out")]
    # then 999999999 is used once, and the next is 000000001, never 000000000
    assert "999999999" in refs and "000000001" in refs and "000000000" not in refs
    # and after a restart the counters go on where they were
    before = max(int(m.group_ref or 0) for m in messages(gateway, direction="out"))
    gateway.close()
    again = _gateway(tmp_path, clock)
    try:
        run(again, "p.x12", x12("000000108", [order_set("0001", "PO-12")]))
        after = [int(m.group_ref or 0) for m in messages(again, direction="out")]
        assert max(after) > before
        assert len(after) == len(set(after))  # GS06 never reused
    finally:
        again.close()


def test_partner_997_accepts_rejects_and_overdue(gateway: Gateway, clock: FakeClock) -> None:
    # given two 855s sent
    run(
        gateway, "o.x12", x12("000000109", [order_set("0001", "PO-20"), order_set("0002", "PO-21")])
    )
    first, second = sent(gateway, "855")
    # when the partner's 997 accepts the first group and rejects the second
    accept = [
        "ST*997*0001",
        f"AK1*PR*{first.group_ref}",
        f"AK2*855*{first.message_ref}",
        "AK5*A",
        "AK9*A*1*1*1",
        "SE*6*0001",
    ]
    reject = [
        "ST*997*0002",
        f"AK1*PR*{second.group_ref}",
        f"AK2*855*{second.message_ref}",
        "AK3*BAK*2**8",
        "AK4*3**7*XX",
        "AK5*R*5",
        "AK9*R*1*1*0",
        "SE*8*0002",
    ]
    segments = [
        "GS*FA*GLOBEX*GATEWAY*20261121*1000*90*X*004010",
        *accept,
        *reject,
        "GE*2*90",
        "IEA*1*000000110",
    ]
    run(gateway, "997.x12", (isa("000000110") + "\n" + "~\n".join(segments) + "~\n").encode())
    # then the first is acknowledged and accepted, the second is rejected into the failed queue
    one, two = gateway.store.get(first.id), gateway.store.get(second.id)
    assert one is not None and two is not None
    assert (one.stage, one.ack_status) == ("acknowledged", "accepted")
    assert (two.status, two.ack_status) == ("failed", "rejected")
    assert "BAK" in " ".join(i["message"] for i in two.error_issues)
    # and no 997 answers the partner's 997
    assert len(sent(gateway, "997")) == 1
    # and a rejected 855 can be rendered again under new numbers
    ops.retry(gateway, two.id, "ops")
    run_due(gateway)
    again = gateway.store.get(second.id)
    assert again is not None and again.status == "done"
    assert again.group_ref != second.group_ref
    # when no answer comes for a new 855 within the window
    run(gateway, "o2.x12", x12("000000111", [order_set("0001", "PO-22")]))
    clock.now += timedelta(hours=25)
    run_job(gateway, "overdue_acks", "test")
    last = sent(gateway, "855")[-1]
    assert last.ack_status == "overdue"


def test_partner_ta1_rejecting_our_interchange_puts_it_in_the_failed_queue(
    gateway: Gateway,
) -> None:
    # given a sent 855
    run(gateway, "o.x12", x12("000000112", [order_set("0001", "PO-30")]))
    (response,) = sent(gateway, "855")
    # when the partner's TA1 rejects its interchange (TA105 = 006 invalid sender id)
    ta1 = (
        isa("000000113")
        + f"\nTA1*{response.interchange_ref}*261121*1000*R*006~\nIEA*0*000000113~\n"
    )
    run(gateway, "ta1.x12", ta1.encode())
    # then it is rejected with the note in words
    after = gateway.store.get(response.id)
    assert after is not None and (after.status, after.ack_status) == ("failed", "rejected")
    assert "sender" in " ".join(i["message"] for i in after.error_issues).lower()


def test_duplicate_isa13_is_held_and_a_test_interchange_answers_as_a_test(
    gateway: Gateway,
) -> None:
    # given a test interchange (ISA15 = T)
    data = x12("000000114", [order_set("0001", "PO-40")], usage="T")
    run(gateway, "t.x12", data)
    (first,) = messages(gateway, direction="in")
    assert first.test
    (response,) = sent(gateway, "855")
    header, _ = segments_of(gateway.store.raw(response.id) or b"")
    assert header.usage == "T"
    # when the same ISA13 comes again from globex (other bytes)
    run(gateway, "t2.x12", data.replace(b"PO-40", b"PO-41"))
    # then it is held for review (globex: duplicates = "hold") and nothing is confirmed again
    second = messages(gateway, direction="in")[-1]
    assert second.status == "failed"
    assert "interchange 000000114 from globex was received before" in (second.error_text or "")
    assert len(sent(gateway, "855")) == 1


def test_two_interchanges_with_different_delimiters_in_one_file(gateway: Gateway) -> None:
    # given one file with a `*`/`~` interchange and a `|`/`\n`-terminated one
    first = x12("000000115", [order_set("0001", "PO-50")])
    second_sets = "\n".join(s.replace("*", "|") for s in order_set("0001", "PO-51"))
    second = (
        isa("000000116", sep="|", term="\n")
        + "GS|PO|GLOBEX|GATEWAY|20261121|1000|18|X|004010\n"
        + second_sets
        + "\nGE|1|18\nIEA|1|000000116\n"
    ).encode()
    run(gateway, "two.x12", first + second)
    # then each interchange goes on as a message of its own and both orders are answered
    inbound = messages(gateway, direction="in")
    assert [m.filename for m in inbound] == ["two.x12", "two.x12#1", "two.x12#2"]
    assert all(m.status == "done" for m in inbound)
    assert sorted(r.document_ref or "" for r in sent(gateway, "855")) == ["PO-50", "PO-51"]
