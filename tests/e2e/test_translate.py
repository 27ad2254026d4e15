"""`gateway translate` is a stable contract: one JSON object, exit 0/1/2, never a traceback."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.e2e.conftest import DATA, Workspace


def _translate(workspace: Workspace, path: Path, *extra: str) -> tuple[int, dict[str, object]]:
    result = workspace.gateway("translate", str(path), *extra)
    assert "Traceback" not in result.stderr, result.stderr
    return result.code, result.json()


def test_translate_prints_the_order_contract(workspace: Workspace) -> None:
    # when the sample partner's order is translated
    code, out = _translate(workspace, DATA / "orders_d96a_acme.edi")
    # then it is one purchase order with envelope, parties and lines as decimal strings
    assert code == 0 and out["errors"] == []
    (doc,) = out["documents"]  # type: ignore[misc]
    assert doc["type"] == "purchase_order" and doc["standard"] == "EDIFACT"
    assert doc["message_type"] == "ORDERS"
    assert doc["envelope"] == {
        "sender": "5790000000001",
        "receiver": "5412345000013",
        "control_ref": "ACME00042",
        "message_ref": "1",
        "test": False,
    }
    order = doc["order"]
    assert order["order_number"] == "PO-4711"
    assert order["order_date"] == "2026-11-20"
    assert order["requested_delivery_date"] == "2026-11-27"
    assert order["currency"] == "EUR"
    assert order["buyer"] == {"id": "5790000000001", "id_scheme": "GLN"}
    assert order["ship_to"]["city"] == "Århus" and order["ship_to"]["postal_code"] == "8000"
    assert order["notes"] == ["Deliver to gate 3: ring twice"]
    first, second = order["lines"]
    assert first["gtin"] == "4006381333931" and first["quantity"] == "120"
    assert first["buyer_part"] == "ACME-778" and first["unit_price"] == "0.45"
    assert first["description"] == "Ballpoint pen, blue" and first["uom"] == "PCE"
    assert second["requested_delivery_date"] == "2026-12-01" and second["unit_price"] == "12.5"


def test_corpus_order_with_comma_decimal_and_no_unz(workspace: Workspace, corpus_dir: Path) -> None:
    # when the pydifact EAN008 order (UNA with ',' decimal mark, UNZ missing) is translated
    path = corpus_dir / "edifact" / "pydifact__order_ORDERS_D96A_EAN008_noUNZ.edi"
    code, out = _translate(workspace, path)
    # then the order is mapped, and the missing UNZ is reported as an error
    assert code == 1
    assert [e["code"] for e in out["errors"]] == ["edifact.unz_missing"]  # type: ignore[index]
    order = out["documents"][0]["order"]  # type: ignore[index]
    assert order["order_number"] == "801715918011"
    assert order["order_date"] == "2015-08-03"
    assert order["requested_delivery_date"] == "2015-08-06"
    assert order["seller"]["id"] == "5020436000004"
    assert order["buyer"] == {"id": "8711576000012", "id_scheme": "GLN"}
    assert order["ship_to"]["id"] == "8711576100019"
    assert [(line["gtin"], line["quantity"]) for line in order["lines"]] == [
        ("5020436373085", "8"),
        ("5020436373108", "8"),
    ]


def test_corpus_wikipedia_order_reports_the_unz_reference_mismatch(
    workspace: Workspace, corpus_dir: Path
) -> None:
    # when the German Wikipedia sample (UNZ 0020 1234567 vs UNB 0020 1) is translated
    code, out = _translate(
        workspace, corpus_dir / "edifact" / "pydifact__wikipedia_de_ORDERS_D96A.edi"
    )
    # then the mismatch is named and the order still shows what it says
    assert code == 1
    (error,) = out["errors"]  # type: ignore[misc]
    assert error["code"] == "edifact.unz_reference" and "UNZ" in error["location"]
    order = out["documents"][0]["order"]  # type: ignore[index]
    assert order["order_number"] == "B10001"
    assert order["buyer"]["name"] == "Bestellername"
    assert order["buyer"]["city"] == "Stadt" and order["buyer"]["postal_code"] == "23436"
    assert order["lines"][0]["quantity"] == "1000"


def test_corpus_grouped_order_reports_the_unt_count(workspace: Workspace, corpus_dir: Path) -> None:
    # when the staedi ORDERS D96B inside UNG/UNE (UNT says 21, 18 segments) is translated
    path = corpus_dir / "edifact" / "staedi__orders-with-group_ORDERS_D96B_UNG.edi"
    code, out = _translate(workspace, path)
    # then the count error names UNT (segment 20 counting UNB as 1) and the order is mapped
    assert code == 1
    (error,) = out["errors"]  # type: ignore[misc]
    assert error["code"] == "edifact.unt_count"
    assert "segment 20 (UNT)" in error["location"]
    (doc,) = out["documents"]  # type: ignore[misc]
    assert doc["version"] == "D96B"
    assert doc["envelope"]["test"] is True  # UNB 0035 = 1
    order = doc["order"]
    assert (order["order_number"], order["order_date"]) == ("C1441747", "2001-05-02")
    assert order["seller"] == {"id": "5013546107732", "id_scheme": "GLN", "name": "COMPANY ABC"}
    assert order["notes"] == ["THIS IS AN EXAMPLE OF EDIFACT FILE."]
    (line,) = order["lines"]
    assert (line["gtin"], line["buyer_part"], line["quantity"]) == (
        "5400111864181",
        "8641800",
        "288",
    )
    assert (line["description"], line["unit_price"]) == ("WIDGETS", "12.80")


def test_corpus_syntax4_order_without_una_maps_isbn_items(
    workspace: Workspace, corpus_dir: Path
) -> None:
    # when the smooks ORDERS D03B (syntax 4, no UNA, '*' repetition in COM) is translated
    path = corpus_dir / "edifact" / "smooks__ORDERS_D03B_syntax4_repetition.edi"
    code, out = _translate(workspace, path)
    # then it is valid and its four ISBN lines keep their numbers and titles
    assert code == 0 and out["errors"] == []
    (doc,) = out["documents"]  # type: ignore[misc]
    assert doc["envelope"]["message_ref"] == "SSDD1" and doc["version"] == "D03B"
    order = doc["order"]
    assert (order["order_number"], order["order_date"]) == ("BKOD99", "2005-11-07")
    assert order["buyer"] == {"id": "5412345000176", "id_scheme": "GLN"}
    lines = [(ln["seller_part"], ln["quantity"], ln["description"]) for ln in order["lines"]]
    assert lines == [
        ("0764569104", "25", "Lord of the Rings"),
        ("0764569090", "25", "The Hobbit"),
        ("1861004656", "16", "The Silmarillion"),
        ("0596006756", "10", "The Children of Hurin"),
    ]


def test_corpus_bad_order_reports_the_unt_count_it_left_wrong(
    workspace: Workspace, corpus_dir: Path
) -> None:
    # when the smooks BAD ORDERS (DTM x36, UNT still says 22 for 57 segments) is translated
    code, out = _translate(
        workspace, corpus_dir / "edifact" / "INVALID__smooks__BAD_ORDERS_D03B.edi"
    )
    # then both errors are named with their place (UNB counts as segment 1): the UNT count
    # and the 36th DTM where ORDERS D03B allows 35 after BGM
    assert code == 1
    count, repeats = out["errors"]  # type: ignore[misc]
    assert count["code"] == "edifact.unt_count" and "segment 58 (UNT)" in count["location"]
    assert "22" in count["message"] and "57" in count["message"]
    assert repeats["code"] == "edifact.segment_too_many"
    assert repeats["location"].endswith("segment 39 (DTM)")
    assert repeats["message"] == (
        "DTM occurs 36 times here (segment 4 to 39); at most 35 times allowed after BGM"
    )


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\xff\xfe" * 50,
        b"UNB+UNOC:3+A+B+200101:0000+1'UNH+1+ORD",
        b"hello world\n",
        b"UNA:+.? 'UNB+UNOC:3",
        b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>",
    ],
    ids=["empty", "binary", "truncated", "text", "header-only", "xml"],
)
def test_bad_input_gives_json_errors_and_exit_1(
    workspace: Workspace, tmp_path: Path, content: bytes
) -> None:
    # given a hostile file
    path = tmp_path / "bad.edi"
    path.write_bytes(content)
    # when translated
    code, out = _translate(workspace, path)
    # then exit 1 with at least one error that has a code, a message and a location
    assert code == 1
    assert out["documents"] == [] and out["errors"]
    assert all(e["code"] and e["message"] for e in out["errors"])  # type: ignore[union-attr]


def test_random_mutations_of_an_order_never_crash(workspace: Workspace, tmp_path: Path) -> None:
    # given 8 randomly damaged copies of a good order (the many-mutation fuzzing runs in
    # process, tests/unit/test_edifact_fuzz.py; here: the real command never crashes on them)
    rng = random.Random(20261122)
    good = (DATA / "orders_d96a_acme.edi").read_bytes()
    for i in range(8):
        data = bytearray(good)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        path = tmp_path / f"m{i}.edi"
        path.write_bytes(bytes(data))
        # when translated, then the answer is JSON with exit 0 or 1, never a crash
        code, out = _translate(workspace, path)
        assert code in (0, 1) and "documents" in out


def test_translate_usage_errors_exit_2(workspace: Workspace) -> None:
    # when the file is missing or the partner unknown
    missing = workspace.gateway("translate", "/nonexistent/file.edi")
    unknown = workspace.gateway(
        "translate", str(DATA / "orders_d96a_acme.edi"), "--partner", "nobody"
    )
    # then exit 2 with a sentence, not a traceback
    assert missing.code == 2 and "cannot read" in missing.stderr
    assert unknown.code == 2 and "nobody" in unknown.stderr
