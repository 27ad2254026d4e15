"""An X12 partner end to end through the real `gateway` command.

globex (the X12 sample partner of `gateway init`) sends one 850 004010 interchange with three
sets, the second breaking PO1 syntax note P0607; the gateway answers the group with a 997
(AK9 = P), each accepted order with an 855, and ops see the rejected set. Then globex's 997s
about our 855s are reconciled, and an interchange with ISA14 = 1 gets a TA1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest

from gateway.app import PACKAGED_SCHEMAS
from gateway.errors import Issue
from gateway.formats.segments import Segment
from gateway.formats.x12_envelope import (
    GroupClosed,
    GroupOpened,
    InterchangeClosed,
    InterchangeOpened,
    TransactionRead,
    X12Group,
    X12Header,
    X12Transaction,
)
from gateway.formats.x12_reader import read_x12
from gateway.validate.x12_schema import X12Schemas
from gateway.validate.x12_structure import validate_transaction
from tests.e2e.conftest import GATEWAY, Workspace

ORDER_DATE = "20261121"
# Ten days ahead of the real clock: the order engine moves a requested date that falls inside
# an item's lead time (and answers IC), so a fixed date would break this test once it passed.
DELIVERY_DATE = f"{date.today() + timedelta(days=10):%Y%m%d}"


@dataclass(frozen=True)
class Line:
    """One PO1: quantity, unit (355), unit price, UPC (PO106 UP) and vendor part (VN)."""

    quantity: str
    unit: str
    price: str
    upc: str
    vendor_part: str
    description: str


@dataclass(frozen=True)
class Order:
    """One 850 transaction set: ST02, BEG03 and its lines; `bad` drops the first PO107."""

    control: str
    number: str
    lines: tuple[Line, ...]
    bad: bool = False


SMALL = Line("12", "EA", "2.5", "012345678905", "W-100", "Widget small")
CASE = Line("5", "CA", "30", "012345678912", "W-200", "Widget case")
ORDERS = (
    Order("0101", "PO-1001", (SMALL, CASE)),
    Order("0102", "PO-1002", (SMALL,), bad=True),
    Order("0103", "PO-1003", (CASE,)),
)
ACCEPTED = [o for o in ORDERS if not o.bad]
# The set's heading before the first PO1: ST BEG CUR DTM, then N1 N3 N4 twice (AK302 counts
# from ST = 1, so the first PO1 is segment 11 of the set).
FIRST_PO1 = 11
BUYER = ("Globex Store 12", "92", "STORE12", "1 Main St", "Springfield", "IL", "62701")
SHIP_TO = ("Globex DC", "92", "DC7", "9 Depot Rd", "Joliet", "IL", "60431")


def isa(control: str, *, ack_requested: bool = False) -> str:
    """A fixed-width ISA (X12.5: 106 characters) from globex (ZZ/GLOBEX) to us (ZZ/GATEWAY)."""
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
        "U",
        "00401",
        control,
        "1" if ack_requested else "0",
        "P",
        ">",
    ]
    return "*".join(fields) + "~"


def order_set(order: Order) -> list[str]:
    """The 850: BEG, CUR, DTM 002, N1 loops for BY and ST, a PO1/PID pair per line, CTT."""
    body = [
        f"ST*850*{order.control}",
        f"BEG*00*SA*{order.number}**{ORDER_DATE}",
        "CUR*BY*USD",
        f"DTM*002*{DELIVERY_DATE}",
    ]
    for role, (name, qualifier, code, street, city, state, postal) in (
        ("BY", BUYER),
        ("ST", SHIP_TO),
    ):
        body += [
            f"N1*{role}*{name}*{qualifier}*{code}",
            f"N3*{street}",
            f"N4*{city}*{state}*{postal}",
        ]
    for number, line in enumerate(order.lines, 1):
        po1 = f"PO1*{number}*{line.quantity}*{line.unit}*{line.price}*PE*UP"
        # PO106 UP without PO107 breaks P0607 (if either is present, the other is required).
        po1 += "" if order.bad and number == 1 else f"*{line.upc}*VN*{line.vendor_part}"
        body += [po1, f"PID*F****{line.description}"]
    body.append(f"CTT*{len(order.lines)}")
    return [*body, f"SE*{len(body) + 1}*{order.control}"]


def interchange(
    control: str,
    group: str,
    sets: list[list[str]],
    *,
    functional_id: str = "PO",
    ack_requested: bool = False,
) -> bytes:
    """One interchange with one group around the sets, a line break after each terminator."""
    segments = [
        f"GS*{functional_id}*GLOBEX*GATEWAY*{ORDER_DATE}*1000*{group}*X*004010",
        *(s for one in sets for s in one),
        f"GE*{len(sets)}*{group}",
        f"IEA*1*{control}",
    ]
    text = isa(control, ack_requested=ack_requested) + "\n" + "~\n".join(segments) + "~\n"
    return text.encode("ascii")


ORDERS_FILE = interchange("000000101", "17", [order_set(o) for o in ORDERS])


@dataclass
class Sent:
    """An interchange we wrote, as our own reader sees it."""

    header: X12Header
    groups: list[X12Group] = field(default_factory=list)
    sets: list[X12Transaction] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def read_sent(path: Path) -> Sent:
    """The first interchange of an outbound file, with every issue the reader reported."""
    sent: Sent | None = None
    for event in read_x12([path.read_bytes()], path.name):
        if isinstance(event, InterchangeOpened) and sent is None:
            sent = Sent(event.header)
        elif sent is None:
            continue
        elif isinstance(event, GroupOpened):
            sent.groups.append(event.group)
        elif isinstance(event, TransactionRead):
            sent.sets.append(event.transaction)
            sent.issues += event.transaction.issues
        elif isinstance(event, (GroupClosed, InterchangeClosed)):
            sent.issues += event.issues
    assert sent is not None, f"{path.name} holds no interchange"
    return sent


def outbound(workspace: Workspace, set_id: str) -> list[Sent]:
    """globex's outbox files whose (first) set is `set_id`, oldest name first."""
    found = [read_sent(p) for p in workspace.outbox("globex")]
    return [s for s in found if s.sets and s.sets[0].set_id == set_id]


def tagged(tx: X12Transaction, tag: str) -> list[Segment]:
    """The segments of a set with this tag."""
    return [s for s in tx.segments if s.tag == tag]


def elements(segment: Segment) -> list[str]:
    """The simple elements of a segment (first component of each), trailing ones as written."""
    return [e[0] for e in segment.elements]


def batch(workspace: Workspace) -> None:
    """One pass of the real command, which must succeed."""
    result = workspace.gateway("batch")
    assert result.code == 0, result.stderr


@pytest.fixture(scope="module")
def answered(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A workspace after one batch over globex's three-set 850 interchange (read-only use)."""
    if not GATEWAY.exists():
        pytest.fail(f"the gateway console script is not installed at {GATEWAY}")
    ws = Workspace(tmp_path_factory.mktemp("x12") / "ws")
    assert ws.gateway("init", str(ws.root)).code == 0
    ws.drop("globex", "orders.x12", ORDERS_FILE)
    batch(ws)
    return ws


def test_997_accepts_the_group_partly_and_names_the_rejected_set(answered: Workspace) -> None:
    # when the three-set interchange has been processed
    (ack,) = outbound(answered, "997")
    (tx,) = ack.sets
    # then the 997 goes from us to globex about GS06 17 (AK1 PO)
    assert (ack.header.sender_id, ack.header.recipient_id) == ("GATEWAY", "GLOBEX")
    assert elements(tagged(tx, "AK1")[0]) == ["PO", "17"]
    # and lists every set (AK2) with its outcome (AK5): 0102 rejected, segments in error (5)
    assert [elements(s) for s in tagged(tx, "AK2")] == [["850", o.control] for o in ORDERS]
    assert [elements(s) for s in tagged(tx, "AK5")] == [["A"], ["R", "5"], ["A"]]
    # and the rejected set's first PO1 has element errors (AK304 8); AK401 7 (PO107) is a
    # conditional required element missing (AK403 2)
    (ak3,) = tagged(tx, "AK3")
    assert elements(ak3) == ["PO1", str(FIRST_PO1), "", "8"]
    (ak4,) = tagged(tx, "AK4")
    assert (ak4.value(1), ak4.value(3)) == ("7", "2")
    # and AK9: partially accepted, 3 included, 3 received, 2 accepted
    assert elements(tagged(tx, "AK9")[0]) == ["P", "3", "3", "2"]
    assert ack.issues == []


def test_997_names_the_data_element_in_error(answered: Workspace) -> None:
    # when the 997 reports PO107 missing
    (ack,) = outbound(answered, "997")
    (ak4,) = tagged(ack.sets[0], "AK4")
    # then AK402 gives its data element reference number: PO107 is 234 Product/Service ID
    assert ak4.value(2) == "234"


def test_each_accepted_order_gets_an_855_that_reads_and_validates_clean(
    answered: Workspace,
) -> None:
    # when the two accepted orders have been answered
    responses = outbound(answered, "855")
    assert len(responses) == len(ACCEPTED) == 2
    schemas = X12Schemas.load(PACKAGED_SCHEMAS)
    for response in responses:
        # then our reader finds no error in envelope or set, and the 855 structure none either
        assert [i for i in response.issues if i.severity == "error"] == []
        (tx,) = response.sets
        assert [
            i for i in validate_transaction(tx, schemas, file=None) if i.severity == "error"
        ] == []
        # and it is an interchange from us to globex with one PR group in 004010
        assert (response.header.sender_id, response.header.recipient_id) == ("GATEWAY", "GLOBEX")
        assert [(g.functional_id, g.version) for g in response.groups] == [("PR", "004010")]


def test_855_echoes_its_order_field_by_field(answered: Workspace) -> None:
    # when each 855 is read back
    sets = [r.sets[0] for r in outbound(answered, "855")]
    by_number = {tagged(tx, "BAK")[0].value(3) or "": tx for tx in sets}
    # then there is one per accepted order, BAK03 being the PO number
    assert sorted(by_number) == sorted(o.number for o in ACCEPTED)
    for order in ACCEPTED:
        tx = by_number[order.number]
        # BAK01 00 original, BAK02 AD acknowledge with detail, no change; BAK04 the PO date
        (bak,) = tagged(tx, "BAK")
        assert elements(bak)[:4] == ["00", "AD", order.number, ORDER_DATE]
        # the parties as ordered: N1 with N103/N104, N3, N4
        n1 = {s.value(1): elements(s) for s in tagged(tx, "N1")}
        assert n1["BY"] == ["BY", BUYER[0], BUYER[1], BUYER[2]]
        assert n1["ST"] == ["ST", SHIP_TO[0], SHIP_TO[1], SHIP_TO[2]]
        # one PO1 per line: PO101 line number, PO102 quantity, PO103 unit, PO104 price, then
        # the 235/234 pairs UP (UPC) and VN (vendor's item number)
        for number, (po1, line) in enumerate(zip(tagged(tx, "PO1"), order.lines, strict=True), 1):
            values = elements(po1)
            assert values[:4] == [str(number), line.quantity, line.unit, line.price]
            assert values[5:] == ["UP", line.upc, "VN", line.vendor_part]
        assert [s.value(5) for s in tagged(tx, "PID")] == [line.description for line in order.lines]
        # each line accepted (ACK01 IA) in full, in its unit, for the requested date (067)
        assert [elements(s) for s in tagged(tx, "ACK")] == [
            ["IA", line.quantity, line.unit, "067", DELIVERY_DATE] for line in order.lines
        ]
        # CTT01 counts the PO1 segments
        assert elements(tagged(tx, "CTT")[0]) == [str(len(order.lines))]


def _inbound_id(workspace: Workspace) -> int:
    (inbound,) = [m for m in workspace.messages() if m["direction"] == "in"]
    return int(inbound["id"])


def test_messages_show_of_the_interchange_names_the_rejected_set(answered: Workspace) -> None:
    # when ops look at the inbound interchange
    shown = answered.gateway("messages", "show", str(_inbound_id(answered)))
    # then it is done, and the rejected set is named with its error and place
    assert shown.code == 0, shown.stderr
    assert "rejected, answered in the 997/999 (the partner must resend them):" in shown.stdout
    # (positions count from ISA = 1: ISA, GS, the first set, then the second set's PO1)
    po1 = 2 + len(order_set(ORDERS[0])) + FIRST_PO1
    assert f"orders.x12, segment {po1} (PO1), element 7" in shown.stdout
    assert "(syntax note P0607)" in shown.stdout
    # and the history says which set (ST01 ST02) of how many was rejected
    assert "2 of 3 transaction set(s) valid; rejected 1: 850 0102" in shown.stdout


def test_rejected_set_is_titled_by_its_st02(answered: Workspace) -> None:
    # when ops look at the inbound interchange
    shown = answered.gateway("messages", "show", str(_inbound_id(answered))).stdout
    # then the rejected set's title carries the control number the partner will look for
    section = shown.split("rejected, answered in the 997/999")[1].split("\n")[1]
    assert "0102" in section


def test_translate_prints_the_corpus_850_as_a_purchase_order(
    answered: Workspace, corpus_dir: Path
) -> None:
    # when the node-x12 850 (GS08 004010VICS) is translated
    result = answered.gateway("translate", str(corpus_dir / "x12" / "nodex12__850_004010VICS.edi"))
    # then it exits 0 with one purchase order and no error
    assert result.code == 0, result.stderr
    out = result.json()
    assert out["errors"] == []
    (doc,) = out["documents"]
    assert (doc["type"], doc["standard"], doc["message_type"], doc["version"]) == (
        "purchase_order",
        "X12",
        "850",
        "004010VICS",
    )
    assert doc["envelope"] == {
        "sender": "4405197800",
        "receiver": "999999999",
        "control_ref": "000003438",
        "message_ref": "000000010",
        "test": False,
    }
    order = doc["order"]
    assert (order["order_number"], order["order_date"]) == ("08292233294", "2010-11-27")
    assert order["requested_delivery_date"] == "2010-12-14"
    ship_to = order["ship_to"]
    assert (ship_to["id"], ship_to["id_scheme"], ship_to["name"]) == (
        "0003947268292",
        "DUNS+4",
        "XYZ RETAIL",
    )
    assert (ship_to["street"], ship_to["city"], ship_to["postal_code"]) == (
        "31875 SOLON RD",
        "SOLON",
        "44139",
    )
    # and every line with decimal strings as sent
    assert [
        (line["line_number"], line["quantity"], line["uom"], line["unit_price"])
        for line in order["lines"]
    ] == [
        ("1", "120", "EA", "9.25"),
        ("2", "220", "EA", "13.79"),
        ("3", "126", "EA", "10.99"),
        ("4", "76", "EA", "4.35"),
        ("5", "72", "EA", "7.5"),
        ("6", "696", "EA", "9.55"),
    ]
    first = order["lines"][0]
    assert (first["buyer_part"], first["seller_part"], first["description"]) == (
        "065322-117",
        "AB3542",
        "SMALL WIDGET",
    )


def test_translate_of_the_invalid_850_exits_1_with_the_p0607_error(
    answered: Workspace, corpus_dir: Path
) -> None:
    # when the EdiEngine syntax-note 850 is translated
    path = corpus_dir / "x12" / "INVALID__ediengine__850_SyntaxNotes_ERR_4010.edi"
    result = answered.gateway("translate", str(path))
    # then it exits 1, maps nothing, and the first error is PO107 missing beside PO106 (P0607)
    assert result.code == 1, result.stderr
    assert "Traceback" not in result.stderr
    out = result.json()
    assert out["documents"] == []
    first = out["errors"][0]
    assert first["code"] == "x12.element.conditional"
    assert first["location"] == f"{path.name}, segment 15 (PO1), element 7"
    assert "(syntax note P0607)" in first["message"]
    assert [e["location"] for e in out["errors"][1:]] == [
        f"{path.name}, segment 32 (PO4), element 6"
    ] * 2


def partner_997(control: str, group: str, response: Sent, *, accept: bool) -> bytes:
    """globex's 997 about one of our 855s, built from its GS06 and ST02."""
    (tx,) = response.sets
    body = [f"AK1*PR*{tx.group.control_ref}", f"AK2*855*{tx.control_ref}"]
    if accept:
        body += ["AK5*A", "AK9*A*1*1*1"]
    else:
        # BAK03 (324) called invalid (AK403 7), copied in AK404; set rejected (AK502 5)
        bak03 = tagged(tx, "BAK")[0].value(3)
        body += ["AK3*BAK*2**8", f"AK4*3*324*7*{bak03}", "AK5*R*5", "AK9*R*1*1*0"]
    st = ["ST*997*0001", *body, f"SE*{len(body) + 2}*0001"]
    return interchange(control, group, [st], functional_id="FA")


def test_partner_997s_reject_one_855_and_accept_the_other(workspace: Workspace) -> None:
    # given the three-set interchange answered with two 855s
    workspace.drop("globex", "orders.x12", ORDERS_FILE)
    batch(workspace)
    rejected, accepted = outbound(workspace, "855")
    # when globex's 997s reject the first and accept the second
    workspace.drop("globex", "997-r.x12", partner_997("000000201", "201", rejected, accept=False))
    workspace.drop("globex", "997-a.x12", partner_997("000000202", "202", accepted, accept=True))
    batch(workspace)
    records = {m["interchange_ref"]: m for m in workspace.messages() if m["message_type"] == "855"}
    bad, good = records[rejected.header.control_ref], records[accepted.header.control_ref]
    # then `messages show` of the rejected 855 says so and gives the partner's error
    shown = workspace.gateway("messages", "show", str(bad["id"])).stdout
    assert "acknowledgement: REJECTED by the partner" in shown
    assert "invalid code value" in shown and "AK403 7" in shown
    # and it is the only failed message
    failed = workspace.gateway("messages", "list", "--status", "failed", "--json")
    assert failed.code == 0, failed.stderr
    assert [(m["id"], m["ack_status"]) for m in failed.json()] == [(bad["id"], "rejected")]
    # and the accepted one is acknowledged
    assert (good["stage"], good["status"], good["ack_status"]) == (
        "acknowledged",
        "done",
        "accepted",
    )
    assert (
        "acknowledgement: accepted by the partner"
        in workspace.gateway("messages", "show", str(good["id"])).stdout
    )
    # and no 997 answers globex's 997s (X12 never acknowledges an acknowledgement)
    assert len(outbound(workspace, "997")) == 1


def test_850_asking_for_a_ta1_gets_one(workspace: Workspace) -> None:
    # given an interchange with ISA14 = 1 (acknowledgment requested) and one valid 850
    data = interchange("000000301", "18", [order_set(ORDERS[0])], ack_requested=True)
    workspace.drop("globex", "ta1.x12", data)
    # when it is processed
    batch(workspace)
    # then the outbox holds a TA1 from us to globex accepting ISA13 of ISA09/ISA10 (A, 000)
    (ta1_file,) = [p for p in workspace.outbox("globex") if b"TA1*" in p.read_bytes()]
    sent = read_sent(ta1_file)
    assert (sent.header.sender_id, sent.header.recipient_id) == ("GATEWAY", "GLOBEX")
    assert sent.sets == [] and sent.issues == []
    text = ta1_file.read_text("ascii")
    assert "\nTA1*000000301*261121*1000*A*000~" in text
    # and the order is still answered with a 997 and an 855
    assert len(outbound(workspace, "997")) == 1 and len(outbound(workspace, "855")) == 1
