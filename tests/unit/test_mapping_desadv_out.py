"""DESADV out: a ship notice renders its packing hierarchy as EANCOM D96A/D01B CPS levels."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from gateway.errors import MappingError
from gateway.formats.segments import Segment
from gateway.mapping import MappingSet
from gateway.model import Package, Party, ShipNotice, ShipNoticeLine
from tests.unit.edifact_out import (
    AWKWARD_NAME,
    MAPPINGS,
    as_pydifact,
    expected,
    pydifact_segments,
    render,
    reread,
    structure_errors,
)

PALLET = "354123450000000014"
CARTON_A = "354123450000000021"
CARTON_B = "354123450000000038"


@pytest.fixture(scope="module")
def mappings() -> MappingSet:
    return MappingSet.load(MAPPINGS)


def line(number: str, gtin: str, quantity: str, **more: str) -> ShipNoticeLine:
    return ShipNoticeLine(line_number=number, gtin=gtin, quantity=Decimal(quantity), **more)


def notice(packages: tuple[Package, ...]) -> ShipNotice:
    """A despatch against order PO-4711 with carrier, tracking number and parties."""
    return ShipNotice(
        notice_number="DES-2024-88",
        order_number="PO-4711",
        order_date=date(2024, 2, 28),
        issue_date=date(2024, 3, 4),
        ship_date=date(2024, 3, 4),
        estimated_delivery_date=date(2024, 3, 6),
        carrier="5412345678908",
        carrier_scheme="GLN",
        carrier_name="Fast Freight",
        transport_mode="30",
        tracking_number="FF-778899",
        buyer=Party(id="5790000000001", id_scheme="GLN"),
        seller=Party(id="5412345000013", id_scheme="GLN", name=AWKWARD_NAME, tax_id="BE0123456789"),
        ship_to=Party(id="5790000000018", id_scheme="GLN"),
        packages=packages,
    )


def two_cartons() -> ShipNotice:
    """Two cartons straight in the consignment, three lines between them."""
    return notice(
        (
            Package(
                sscc=CARTON_A,
                package_type="CT",
                gross_weight_kg=Decimal("12.5"),
                lines=(
                    line("1", "4006381333931", "24", buyer_part="B-1", batch="L2024-07"),
                    line("2", "4006381333948", "6", uom="PCE"),
                ),
            ),
            Package(
                sscc=CARTON_B,
                package_type="CT",
                lines=(line("3", "4006381333955", "12", seller_part="S-3"),),
            ),
        )
    )


def pallet_of_cartons() -> ShipNotice:
    """A pallet holding two cartons: the pallet level has no lines of its own."""
    cartons = two_cartons().packages
    return notice(
        (
            Package(sscc=PALLET, package_type="PX", gross_weight_kg=Decimal("310"), lines=()),
            *(replace(carton, parent_sscc=PALLET) for carton in cartons),
        )
    )


def test_two_cartons_render_the_expected_desadv_d96a_interchange(mappings: MappingSet) -> None:
    # given two cartons in one consignment
    # when the ship notice is rendered as DESADV D96A
    data = render(two_cartons(), mappings, "DESADV", "D96A")
    # then it is byte for byte the reviewed file
    assert data == expected("desadv_d96a_two_cartons.edi")


def test_pallet_of_cartons_renders_the_expected_desadv_d01b_interchange(
    mappings: MappingSet,
) -> None:
    # given a pallet with two cartons on it
    # when the ship notice is rendered as DESADV D01B
    data = render(pallet_of_cartons(), mappings, "DESADV", "D01B")
    # then it is byte for byte the reviewed file
    assert data == expected("desadv_d01b_pallet_cartons.edi")


def test_cps_levels_number_packages_after_the_consignment(mappings: MappingSet) -> None:
    # given a pallet (no parent) and two cartons whose parent is the pallet
    mapping = mappings.outbound("ship_notice", "EDIFACT", "DESADV", "D96A")
    # when rendered
    levels = [s.elements for s in mapping.apply(pallet_of_cartons()) if s.tag == "CPS"]
    # then CPS 7164 counts 1 (consignment), 2, 3, 4 and 7166 points at the parent level
    assert levels == [(("1",),), (("2",), ("1",)), (("3",), ("2",)), (("4",), ("2",))]


def test_line_items_sit_under_their_package_and_cnt_counts_them_all(
    mappings: MappingSet,
) -> None:
    # given two cartons with two and one lines
    mapping = mappings.outbound("ship_notice", "EDIFACT", "DESADV", "D96A")
    # when rendered
    tags = [s.tag for s in mapping.apply(two_cartons()) if s.tag in {"CPS", "GIN", "LIN", "CNT"}]
    segments = mapping.apply(two_cartons())
    # then each carton's LINs follow its GIN, and CNT 6066 is the number of LINs
    assert tags == ["CPS", "CPS", "GIN", "LIN", "LIN", "CPS", "GIN", "LIN", "CNT"]
    assert segments[-1] == Segment("CNT", (("2", "3"),))


def test_a_carton_listed_before_its_pallet_is_a_mapping_error(mappings: MappingSet) -> None:
    # given the cartons first and their pallet last
    packages = pallet_of_cartons().packages
    reordered = notice((*packages[1:], packages[0]))
    mapping = mappings.outbound("ship_notice", "EDIFACT", "DESADV", "D96A")
    # when / then rendering names the entry and what to do
    with pytest.raises(MappingError) as caught:
        mapping.apply(reordered)
    assert [i.code for i in caught.value.issues] == ["mapping.parent", "mapping.parent"]
    assert f"packages[0].parent_sscc '{PALLET}' is not the sscc of an earlier entry" in str(
        caught.value.issues[0]
    )


def test_package_without_a_type_still_writes_the_mandatory_pac(mappings: MappingSet) -> None:
    # given a carton whose package type is unknown
    bare = notice((Package(sscc=CARTON_A, lines=(line("1", "4006381333931", "1"),)),))
    mapping = mappings.outbound("ship_notice", "EDIFACT", "DESADV", "D96A")
    # when rendered
    segments = mapping.apply(bare)
    # then SG11 PAC is there with its count alone
    assert Segment("PAC", (("1",),)) in segments


@pytest.mark.parametrize(
    ("version", "build", "association"),
    [("D96A", two_cartons, "EAN005"), ("D01B", pallet_of_cartons, "EAN007")],
)
def test_rendered_desadv_is_read_back_by_our_reader_and_pydifact(
    mappings: MappingSet, version: str, build: Callable[[], ShipNotice], association: str
) -> None:
    # given the rendered interchange
    data = render(build(), mappings, "DESADV", version)
    # when both readers parse it
    (message,) = reread(data).messages
    theirs = pydifact_segments(data)
    # then they agree segment by segment, and the SSCCs and tracking number survive
    assert (message.version, message.association) == (version, association)
    assert theirs == as_pydifact(message)
    assert [e[1] for tag, e in theirs if tag == "GIN"][-2:] == [CARTON_A, CARTON_B]
    assert ("RFF", [["AAS", "FF-778899"]]) in theirs
    assert ("TDT", ["20", "", "30", "", ["5412345678908", "", "9", "Fast Freight"]]) in theirs


@pytest.mark.parametrize(("version", "build"), [("D96A", two_cartons), ("D01B", pallet_of_cartons)])
def test_rendered_desadv_follows_the_directory_structure(
    mappings: MappingSet, version: str, build: Callable[[], ShipNotice]
) -> None:
    # given the rendered interchange
    (message,) = reread(render(build(), mappings, "DESADV", version)).messages
    # when it is validated against the message structure / then nothing is wrong
    assert [str(i) for i in structure_errors(message)] == []
