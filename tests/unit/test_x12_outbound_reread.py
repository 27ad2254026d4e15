"""Every X12 file we write, envelopes included, is read back by our reader and passes our own
structures: 855, 856 (both hierarchies), 810 in 004010 and 005010, and 997/999/TA1."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gateway.config import Identity, Partner
from gateway.config_partners import TransportSettings, X12Ids
from gateway.formats.x12_acks import functional_ack_for_group, interchange_ack
from gateway.formats.x12_envelope import (
    InterchangeClosed,
    InterchangeOpened,
    TransactionRead,
    X12Delimiters,
    X12Transaction,
)
from gateway.formats.x12_reader import read_x12
from gateway.mapping import MappingSet
from gateway.model import Document
from gateway.pipeline.x12_render import X12Numbers, X12Plan, render_x12
from gateway.validate.x12_schema import X12Schemas
from gateway.validate.x12_structure import validate_transaction
from tests.unit.test_x12_acks import MISSING_BEG, SET_1, SET_2, SET_3, interchange, outcome
from tests.unit.test_x12_mapping_out import invoice, order_response, ship_notice

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 21, 10, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def mappings() -> MappingSet:
    return MappingSet.load(ROOT / "mappings")


@pytest.fixture(scope="module")
def schemas() -> X12Schemas:
    return X12Schemas.load(ROOT / "schemas")


def partner(**x12: object) -> Partner:
    """The sample X12 partner with some of its [x12] settings changed."""
    ids = replace(X12Ids("ZZ", "GLOBEX", "GLOBEX"), **x12)  # type: ignore[arg-type]
    return Partner(
        id="globex",
        name="Globex",
        edifact=None,
        x12=ids,
        accept=(),
        settle_time=timedelta(0),
        duplicates="hold",
        acknowledge="always",
        outbound=(),
        transport=TransportSettings("local", "{partner}_{message_type}.x12", {}),
        source=Path("config/partners/globex.toml"),
    )


def render(
    document: Document, set_id: str, version: str, mappings: MappingSet, **x12: object
) -> bytes:
    plan = X12Plan(partner(**x12), Identity(), X12Numbers(999_999_999, 4711, 12), NOW, test=True)
    return render_x12(document, plan, mappings, set_id, version)


def reread(data: bytes, schemas: X12Schemas) -> list[X12Transaction]:
    """The sets read back; fails on any error issue of the reader or the structures."""
    found: list[X12Transaction] = []
    for event in read_x12([data], "ours.x12"):
        if isinstance(event, TransactionRead):
            tx = event.transaction
            issues = [*tx.issues, *validate_transaction(tx, schemas, file="ours.x12")]
            assert [str(i) for i in issues if i.severity == "error"] == []
            found.append(tx)
        elif isinstance(event, InterchangeClosed):
            assert [str(i) for i in event.issues if i.severity == "error"] == []
    return found


@pytest.mark.parametrize("version", ["004010", "005010"])
@pytest.mark.parametrize(
    ("set_id", "document", "variant"),
    [
        ("855", order_response, "SOPI"),
        ("856", ship_notice, "SOPI"),
        ("856", ship_notice, "SOI"),
        ("810", invoice, "SOPI"),
    ],
)
def test_documents_we_write_read_back_without_error(  # noqa: PLR0917 - the parameter grid
    set_id: str,
    document: object,
    variant: str,
    version: str,
    mappings: MappingSet,
    schemas: X12Schemas,
) -> None:
    # given a document rendered with its envelopes, in the version's ISA12
    control = "00501" if version == "005010" else "00401"
    data = render(
        document(),  # type: ignore[operator]
        set_id,
        version,
        mappings,
        control_version=control,
        ship_notice_hierarchy=variant,
    )
    # when our reader reads it and our structures check it, then nothing is wrong
    (tx,) = reread(data, schemas)
    # and the envelope carries the numbers drawn for it and the test indicator
    header = next(e.header for e in read_x12([data]) if isinstance(e, InterchangeOpened))
    assert (header.control_ref, header.usage, header.version) == ("999999999", "T", control)
    assert (tx.set_id, tx.control_ref, tx.group.control_ref, tx.version) == (
        set_id,
        "0012",
        "4711",
        version,
    )


def test_ship_notice_hierarchy_choice_changes_the_hl_levels(
    mappings: MappingSet, schemas: X12Schemas
) -> None:
    # when the same notice is written for a pick-and-pack partner and a carton-pack one
    levels = {}
    for variant in ("SOPI", "SOI"):
        (tx,) = reread(
            render(ship_notice(), "856", "004010", mappings, ship_notice_hierarchy=variant),
            schemas,
        )
        levels[variant] = {s.value(3) for s in tx.segments if s.tag == "HL"}
        bsn05 = next(s for s in tx.segments if s.tag == "BSN").value(5)
        levels[variant].add(f"BSN05={bsn05}")
    # then only the first has pack levels
    assert "P" in levels["SOPI"] and "P" not in levels["SOI"]
    assert {"S", "O", "I"} <= levels["SOI"]


@pytest.mark.parametrize(("set_id", "version"), [("997", "004010"), ("999", "005010X231A1")])
def test_acknowledgements_we_write_read_back_without_error(
    set_id: str, version: str, mappings: MappingSet, schemas: X12Schemas
) -> None:
    # given a partial 997/999 for a group of three 850s, the second without its BEG
    ic = interchange(SET_1, SET_2, SET_3)
    ack = functional_ack_for_group(outcome(ic, {"0002": (MISSING_BEG,)}), NOW)
    # when rendered with its envelopes and read back, then it is valid and says P
    control = "00501" if set_id == "999" else "00401"
    (tx,) = reread(render(ack, set_id, version, mappings, control_version=control), schemas)
    ak9 = next(s for s in tx.segments if s.tag == "AK9")
    assert (ak9.value(1), ak9.value(2), ak9.value(3), ak9.value(4)) == ("P", "3", "3", "2")


def test_ta1_interchange_reads_back_with_its_ta1(mappings: MappingSet) -> None:
    # given a TA1 accepting an interchange, written with CR LF after each segment
    ic = interchange(SET_1)
    ack = interchange_ack(ic.header, [], NOW)
    data = render(ack, "TA1", "00401", mappings, delimiters=X12Delimiters(suffix="\r\n"))
    # when read back, then the TA1 is there and nothing is wrong
    (closed,) = [e for e in read_x12([data]) if isinstance(e, InterchangeClosed)]
    assert closed.issues == ()
    assert [s.tag for s in closed.ta1] == ["TA1"]
    assert closed.ta1[0].value(4) == "A"
