"""The JSON codec keeps every canonical field, nested records and new types included."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from gateway.model import DOCUMENT_TYPES, Document, Invoice, document_type
from gateway.model.codec import document_from_json, to_json
from tests.unit.test_mapping_desadv_out import pallet_of_cartons
from tests.unit.test_mapping_invoic_out import two_rates
from tests.unit.test_mapping_ordrsp_out import backorder_response


@pytest.mark.parametrize("build", [backorder_response, pallet_of_cartons, two_rates])
def test_document_survives_a_json_round_trip(build: Callable[[], Document]) -> None:
    # given a document using the optional fields (backorders, package tree, allowances)
    document = build()
    # when it is stored as JSON text and read back
    text = json.dumps(to_json(document))
    back = document_from_json(document_type(document), json.loads(text))
    # then it is equal field for field, with the same types
    assert back == document
    assert type(back) is DOCUMENT_TYPES[document_type(document)]


def test_invoice_json_keeps_decimals_as_text_and_the_allowance_indicator_as_its_value() -> None:
    # given the two-rate invoice
    data = to_json(two_rates())
    # when / then amounts are exact strings and enums are their values
    assert data["gross_total"] == "186.65"
    assert data["payment_terms_days"] == 30
    assert [a["indicator"] for a in data["allowances_charges"]] == ["allowance", "charge"]
    assert data["allowances_charges"][0]["tax"]["rate"] == "19"


def test_documents_stored_before_the_new_fields_still_load() -> None:
    # given an invoice stored without any of the optional fields added later
    data = to_json(two_rates())
    for name in ("allowances_charges", "lines_total", "payment_terms_days", "ship_to"):
        del data[name]
    # when read back / then the fields take their defaults
    back = document_from_json("invoice", data)
    assert isinstance(back, Invoice)
    assert (back.allowances_charges, back.lines_total) == ((), None)
