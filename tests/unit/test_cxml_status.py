"""A partner's cXML status answers about our documents: success, failure, and what they answer."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from gateway.errors import ParseError
from gateway.formats.cxml_status import CxmlStatusAnswer, read_cxml_response
from gateway.formats.xml_safe import parse_xml

DATA = Path(__file__).parent / "data" / "cxml"


def answer(name: str) -> CxmlStatusAnswer:
    """The status answer in a sample file, read as the pipeline reads it."""
    return read_cxml_response(parse_xml((DATA / name).read_bytes(), name), name)


def answer_of(text: str) -> CxmlStatusAnswer:
    """The status answer in a hand-written document."""
    return read_cxml_response(parse_xml(text.encode(), "answer.xml"), "answer.xml")


def test_a_200_response_is_success() -> None:
    status = answer("response_200.xml")
    assert (status.code, status.text, status.success) == (200, "OK", True)
    assert status.payload_id == "1763805600.4711.answer@buyer.example"
    assert status.timestamp == datetime(2026, 11, 22, 9, 0, 5, tzinfo=UTC)
    assert (status.detail, status.in_reply_to) == (None, None)


def test_a_201_accepted_is_success_and_its_in_reply_to_is_read() -> None:
    # given a hub's 201 naming our payloadID in an inReplyTo attribute on Response
    status = answer("response_201_in_reply_to.xml")
    assert (status.code, status.text, status.success) == (201, "Accepted", True)
    assert status.detail == "queued for invoice processing"
    assert status.in_reply_to == "1763805599.INV-2026-0042.k3j4@gateway.example"


def test_a_400_is_failure_with_the_partners_explanation() -> None:
    status = answer("response_400_detail.xml")
    assert (status.code, status.text, status.success) == (400, "Bad Request", False)
    assert status.detail == "ShipNoticePortion/OrderReference: order 4500012345 line 3 is unknown"
    assert status.lang == "en"


def test_a_message_names_the_answered_payload_in_its_standard_in_reply_to() -> None:
    status = answer("message_status_reply.xml")
    assert (status.code, status.success) == (500, False)
    assert status.in_reply_to == "1763805599.ORDRSP-7.a1b2@gateway.example"
    assert status.detail == "order system unavailable, resend later"


def test_a_message_without_status_means_200_ok() -> None:
    # given a Message with no Status (cXML: <Status code="200" text="OK"/> is implied)
    status = answer_of(
        '<cXML payloadID="m1" timestamp="2026-11-22T10:00:00+00:00">'
        '<Message inReplyTo="ours-1"><SomeMessage/></Message></cXML>'
    )
    assert (status.code, status.text, status.success, status.in_reply_to) == (
        200,
        "OK",
        True,
        "ours-1",
    )


@pytest.mark.parametrize(
    ("code", "success"), [(199, False), (204, True), (299, True), (300, False)]
)
def test_only_2xx_codes_are_success(code: int, success: bool) -> None:
    status = answer_of(f'<cXML><Response><Status code="{code}" text="x"/></Response></cXML>')
    assert status.success is success


def test_a_response_without_status_is_refused_with_its_line() -> None:
    with pytest.raises(ParseError) as caught:
        answer_of('<cXML payloadID="a" timestamp="2026-11-22T10:00:00Z">\n<Response/>\n</cXML>')
    issue = caught.value.issues[0]
    assert (issue.code, issue.location.xpath, issue.location.line) == (
        "cxml.status",
        "/cXML/Response",
        2,
    )
    assert "requires Response = Status" in issue.message


def test_a_status_code_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(ParseError) as caught:
        answer_of('<cXML><Response><Status code="OK" text="OK"/></Response></cXML>')
    assert 'Status/@code is "OK"' in caught.value.message
    assert caught.value.issues[0].location.file == "answer.xml"


def test_a_document_that_is_no_answer_is_refused() -> None:
    with pytest.raises(ParseError, match="neither a Response nor a Message"):
        answer_of("<cXML><Request/></cXML>")
