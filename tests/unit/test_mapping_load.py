"""Loading mappings: partner overrides, lookups, and every file problem reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.errors import ConfigError, MappingError
from gateway.formats.segments import Segment, segment
from gateway.mapping import MappingSet
from gateway.model import Party, PurchaseOrder

MAPPINGS = Path(__file__).resolve().parents[2] / "mappings"

PARTNER_OVERRIDE = """
# ACME sends its order number in RFF+ON and names the buyer with NAD+OB (ordered by).
[fields]
order_number = { from = "RFF[1.1=ON].1.2", label = "RFF C506.1154 (order number)" }

[codes.party_role_3035]
OB = "buyer"
"""


def copy_mappings(target: Path) -> Path:
    """The project's mapping files in a scratch folder that a test may add to."""
    for path in MAPPINGS.rglob("*.*"):
        destination = target / path.relative_to(MAPPINGS)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(path.read_bytes())
    return target


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def acme_message() -> list[Segment]:
    body = [
        segment("UNH", "1", ("ORDERS", "D", "96A", "UN")),
        segment("BGM", "220", "BGM-NUMBER", "9"),
        segment("RFF", ("ON", "RFF-NUMBER")),
        segment("NAD", "OB", ("4012345000009", "", "9")),
        segment("LIN", "1", "", ("4000862141404", "EN")),
        segment("QTY", ("21", "2")),
        segment("UNS", "S"),
        segment("UNT", "8", "1"),
    ]
    return [Segment(s.tag, s.elements, n) for n, s in enumerate(body, start=2)]


def test_partner_override_replaces_one_field_and_adds_one_code(tmp_path: Path) -> None:
    # given a partner override that changes the order number source and adds NAD 3035 OB
    root = copy_mappings(tmp_path / "mappings")
    write(root / "partners" / "acme" / "ORDERS_D96A.in.toml", PARTNER_OVERRIDE)
    mappings = MappingSet.load(root, partner_ids=["acme", "other"])
    # when the same message is mapped for the partner and for anyone else
    acme = mappings.inbound("EDIFACT", "ORDERS", "D96A", partner="acme").apply(acme_message())
    default = mappings.inbound("EDIFACT", "ORDERS", "D96A", partner="other").apply(acme_message())
    # then only the partner's mapping reads RFF+ON and knows OB; the rest is the default's
    assert isinstance(acme, PurchaseOrder) and isinstance(default, PurchaseOrder)
    assert (acme.order_number, default.order_number) == ("RFF-NUMBER", "BGM-NUMBER")
    assert acme.buyer == Party(id="4012345000009", id_scheme="GLN")
    assert default.buyer is None
    assert acme.lines[0].gtin == default.lines[0].gtin == "4000862141404"


def test_every_problem_in_every_file_is_reported_at_once(tmp_path: Path) -> None:
    # given one file with an unknown converter and a bad selector, and one with a bad document
    root = copy_mappings(tmp_path / "mappings")
    write(
        root / "edifact" / "ORDERS_D97A.in.toml",
        'extends = "ORDERS_D96A.in.toml"\n[mapping]\nversion = "D97A"\n[fields]\n'
        'order_date = { from = "DTM[1.1=137].1", convert = "datee" }\n'
        'currency = { from = "CUX[1.1=2.1.2" }\n',
    )
    write(
        root / "edifact" / "INVOIC_D96A.in.toml",
        '[mapping]\nstandard = "EDIFACT"\nmessage_type = "INVOIC"\nversion = "D96A"\n'
        'direction = "in"\ndocument = "purchase_ordr"\n',
    )
    write(
        root / "partners" / "acme" / "ORDRSP_D96A.out.toml",
        '[segments.bgm]\nsegment = ["BGM", "{buyer.nmae}"]\n',
    )
    # when / then
    with pytest.raises(ConfigError) as caught:
        MappingSet.load(root)
    problems = caught.value.problems
    assert len(problems) == 4, problems
    assert problems[0] == (
        "mappings/edifact/INVOIC_D96A.in.toml: mapping.document: unknown document type"
        " 'purchase_ordr' (known: purchase_order, order_response, ship_notice, invoice,"
        " functional_ack)"
    )
    assert problems[1].startswith(
        "mappings/edifact/ORDERS_D97A.in.toml: fields.order_date.convert: unknown converter"
        " 'datee' (known: decimal, edifact_date, strip, text, code:<table>)"
    )
    assert problems[2].startswith(
        "mappings/edifact/ORDERS_D97A.in.toml: fields.currency.from: bad selector 'CUX[1.1=2.1.2'"
    )
    assert problems[3] == (
        "mappings/partners/acme/ORDRSP_D96A.out.toml: segments.bgm.segment[1]:"
        " bad path 'buyer.nmae': Party has no field 'nmae'"
    )


def test_converter_giving_the_wrong_type_for_a_field_is_a_problem(tmp_path: Path) -> None:
    # given a mapping that would put a date converter's result into the order number
    root = copy_mappings(tmp_path / "mappings")
    write(
        root / "partners" / "acme" / "ORDERS_D96A.in.toml",
        '[fields]\norder_number = { from = "BGM.2", convert = "edifact_date" }\n'
        '[groups.lines.fields]\nquantiti = "QTY.1.2"\n',
    )
    # when / then
    with pytest.raises(ConfigError) as caught:
        MappingSet.load(root)
    assert caught.value.problems == (
        "mappings/partners/acme/ORDERS_D96A.in.toml: fields.order_number.convert:"
        " 'edifact_date' gives date but PurchaseOrder.order_number is str",
        "mappings/partners/acme/ORDERS_D96A.in.toml: groups.lines.fields.quantiti: OrderLine has"
        " no field 'quantiti' (fields: line_number, quantity, gtin, buyer_part, seller_part,"
        " description, uom, unit_price, requested_delivery_date)",
    )


def test_override_folder_for_an_unknown_partner_is_a_problem(tmp_path: Path) -> None:
    # given an override folder whose name is not a configured partner
    root = copy_mappings(tmp_path / "mappings")
    write(root / "partners" / "acme" / "ORDERS_D96A.in.toml", PARTNER_OVERRIDE)
    # when / then
    with pytest.raises(ConfigError) as caught:
        MappingSet.load(root, partner_ids=["globex"])
    assert caught.value.problems == ("partners/acme: no such partner (known: globex)",)


def test_asking_for_a_missing_mapping_names_what_exists() -> None:
    # given the project's mappings
    mappings = MappingSet.load(MAPPINGS)
    # when / then
    with pytest.raises(MappingError) as caught:
        mappings.inbound("EDIFACT", "ORDERS", "D97A", partner="acme")
    assert caught.value.issues[0].code == "mapping.none"
    assert caught.value.message.startswith(
        "no inbound mapping for EDIFACT ORDERS D97A (partner acme); available:"
        " EDIFACT ORDERS D03B; EDIFACT ORDERS D96A; EDIFACT ORDERS D96B."
    )


def test_unh_version_spellings_find_the_same_mapping() -> None:
    # given UNH S009 0052 'D' and 0054 '96A' passed apart or together
    mappings = MappingSet.load(MAPPINGS)
    # when / then
    assert mappings.inbound("EDIFACT", "ORDERS", "D:96A") is mappings.inbound(
        "edifact", "ORDERS", "D96A"
    )
