"""A partner's cXML status answer about a document we sent (Response or Message with Status).

cXML 1.2 (Transport module): `Response = Status, ...` (a Response has only `@Id`);
`Message = Status?, ...` with `@inReplyTo` (the payloadID of the document answered) and
"when Status is not present, <Status code="200" text="OK"/> is implied"; `Status` carries
`@code` (an HTTP or cXML status code), `@text` and, as its content, the detail of a problem.
Codes 2xx mean success (200 OK, 201 Accepted: processing continues, 204 No Content), anything
else failure (4xx the document is wrong, 5xx the partner could not process it now).

Only `Message/@inReplyTo` names the answered payloadID in the standard; partners posting
status files back over SFTP often name it only in the file name. An `inReplyTo` attribute
on the cXML root or the Response, as some hubs write, is read too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from lxml import etree

from gateway.errors import Issue, Location, ParseError
from gateway.formats.cxml_header import parse_cxml_datetime

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# cXML status codes: 200 OK, 201 Accepted (processed later), 204 No Content.
_SUCCESS = range(200, 300)


@dataclass(frozen=True)
class CxmlStatusAnswer:
    """What a partner said about one of our documents: code, text, detail, and to what."""

    payload_id: str | None  # the answer's own payloadID
    timestamp: datetime | None
    code: int
    text: str
    detail: str | None  # the Status element's content: the partner's explanation
    in_reply_to: str | None  # the payloadID of our document, when the answer names it
    lang: str | None = None

    @property
    def success(self) -> bool:
        """Whether the partner accepted the document (a 2xx code)."""
        return self.code in _SUCCESS


def read_cxml_response(root: etree._Element, filename: str | None = None) -> CxmlStatusAnswer:
    """The status in a parsed cXML Response or Message; ParseError when it holds none."""
    holder, status = _status_element(root, filename)
    code, text = (200, "OK") if status is None else _code_and_text(status, filename)
    detail = "".join(status.itertext()).strip() if status is not None else ""
    return CxmlStatusAnswer(
        payload_id=_clean(root.get("payloadID")),
        timestamp=parse_cxml_datetime(root.get("timestamp")),
        code=code,
        text=text,
        detail=detail or None,
        in_reply_to=_in_reply_to(root, holder),
        lang=_clean(status.get(_XML_LANG)) if status is not None else None,
    )


def _status_element(
    root: etree._Element, filename: str | None
) -> tuple[etree._Element, etree._Element | None]:
    response = root.find("Response")
    if response is not None:
        status = response.find("Status")
        if status is None:
            _refuse(
                "cxml.status",
                "Response has no Status; cXML 1.2 requires Response = Status, ...",
                filename,
                "/cXML/Response",
                response,
            )
        return response, status
    message = root.find("Message")
    if message is not None:
        return message, message.find("Status")
    raise _refusal(
        "cxml.status",
        "holds neither a Response nor a Message; a status answer is "
        '<cXML><Response><Status code="200" text="OK"/></Response></cXML>',
        filename,
        "/cXML",
        root,
    )


def _code_and_text(status: etree._Element, filename: str | None) -> tuple[int, str]:
    raw = (status.get("code") or "").strip()
    if not raw.isdigit():
        got = "is missing" if not raw else f'is "{raw}"'
        _refuse(
            "cxml.status",
            f"Status/@code {got}; expected an HTTP or cXML status code such as 200 or 400",
            filename,
            "/cXML/*/Status/@code",
            status,
        )
    return int(raw), (status.get("text") or "").strip()


def _in_reply_to(root: etree._Element, holder: etree._Element) -> str | None:
    # Message/@inReplyTo is the standard place; the others are written by some hubs.
    for element in (holder, root):
        value = _clean(element.get("inReplyTo"))
        if value is not None:
            return value
    return None


def _refuse(
    code: str, what: str, filename: str | None, xpath: str, element: etree._Element
) -> NoReturn:
    raise _refusal(code, what, filename, xpath, element)


def _refusal(
    code: str, what: str, filename: str | None, xpath: str, element: etree._Element
) -> ParseError:
    text = f"{filename or 'the cXML document'}: {what}"
    where = Location(filename, xpath=xpath, line=element.sourceline)
    return ParseError(text, [Issue(code, text, where)])


def _clean(text: str | None) -> str | None:
    return text.strip() if text and text.strip() else None
