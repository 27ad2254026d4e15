"""The cXML envelope of a partner's document: who sent it, to whom, and with which secret.

cXML 1.2 (Transport module): `cXML = Header, (Message | Request)` with `@payloadID` and
`@timestamp` required; `Header = From, To, Sender`; From, To and Sender each hold one or more
`Credential (Identity, SharedSecret?)` with `@domain` (NetworkID, DUNS, ...); Sender also
holds the `UserAgent`. The sender proves who it is with the SharedSecret agreed beforehand
(cXML User's Guide, "Authentication"): we compare it with the partner's secret, in constant
time, and never write it anywhere (not in logs, issues or reprs).
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

from gateway.errors import Issue, Location, ParseError

# cXML names its version in the DOCTYPE's system id: .../schemas/cXML/1.2.050/cXML.dtd
# (also .../1.2.050/Fulfill.dtd or InvoiceDetail.dtd); `cXML/@version` is the older place.
_DTD_VERSION = re.compile(r"/cXML/(\d+\.\d+\.\d+)/")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CONTAINERS = ("Request", "Message")
_ROLES = ("From", "To", "Sender")


class Secret:
    """A shared secret that never shows itself: repr and str are `<secret>`."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def __repr__(self) -> str:
        return "<secret>"

    __str__ = __repr__

    def matches(self, expected: str) -> bool:
        """Whether it equals the expected secret (compared in constant time)."""
        return hmac.compare_digest(self._value.encode("utf-8"), expected.encode("utf-8"))


@dataclass(frozen=True)
class Credential:
    """One cXML Credential: its domain (NetworkID, DUNS, ...) and Identity."""

    domain: str
    identity: str
    # The line of the Credential element in the file it was read from.
    line: int | None = field(default=None, compare=False)

    def same_as(self, other: Credential) -> bool:
        """The same party: domains compared case-insensitively (Coupa: "duns" and "Duns")."""
        same_domain = self.domain.strip().casefold() == other.domain.strip().casefold()
        return same_domain and self.identity.strip() == other.identity.strip()

    def __str__(self) -> str:
        return f'domain "{self.domain}" identity "{self.identity}"'


@dataclass(frozen=True)
class CxmlHeader:
    """The envelope of a cXML document: payload, version, mode and credentials."""

    payload_id: str
    timestamp: datetime
    version: str | None
    lang: str | None
    deployment_mode: str  # "production" (the DTD default) or "test"
    from_credentials: tuple[Credential, ...]
    to_credentials: tuple[Credential, ...]
    sender_credentials: tuple[Credential, ...]
    shared_secret: Secret | None = None
    user_agent: str | None = None


@dataclass(frozen=True)
class CxmlIdentity:
    """What a partner's cXML header must say: its credentials, ours, and its secret."""

    # The partner's From credentials (any one of them is accepted).
    from_credentials: tuple[Credential, ...]
    # Our credentials the partner writes in To (any one of them is accepted).
    to_credentials: tuple[Credential, ...]
    # Who may send for the partner (a network hub); empty means the From credentials.
    sender_credentials: tuple[Credential, ...] = ()
    secret_required: bool = False
    # The environment variable holding the partner's SharedSecret (never the secret itself).
    secret_env: str | None = None

    def __post_init__(self) -> None:
        if self.secret_required and not self.secret_env:
            raise ValueError("a cXML identity that requires a SharedSecret must name secret_env")

    @property
    def senders(self) -> tuple[Credential, ...]:
        """The accepted Sender credentials (the From ones unless others are configured)."""
        return self.sender_credentials or self.from_credentials


def read_cxml_header(root: etree._Element, filename: str | None = None) -> CxmlHeader:
    """The header of a parsed cXML document; ParseError listing everything missing."""
    issues: list[Issue] = []
    payload_id = _required_attribute(root, "payloadID", filename, issues)
    timestamp = _timestamp(root, filename, issues)
    header = root.find("Header")
    credentials: dict[str, tuple[Credential, ...]] = dict.fromkeys(_ROLES, ())
    # cXML 1.2 DTD: cXML = ((Header, (Message | Request)) | Response): a Response, the
    # answer to a request, has no Header and so no credentials.
    if header is not None or root.find("Response") is None:
        for role in _ROLES:
            credentials[role] = _credentials(header, role, root, filename, issues)
    if issues or payload_id is None or timestamp is None:
        text = f"{filename or 'the cXML document'} has an incomplete cXML header: " + "; ".join(
            issue.message for issue in issues
        )
        raise ParseError(text, issues)
    return CxmlHeader(
        payload_id=payload_id,
        timestamp=timestamp,
        version=_version(root),
        lang=_clean(root.get(_XML_LANG)),
        deployment_mode=_deployment_mode(root),
        from_credentials=credentials["From"],
        to_credentials=credentials["To"],
        sender_credentials=credentials["Sender"],
        shared_secret=_shared_secret(header),
        user_agent=_clean(header.findtext("Sender/UserAgent")) if header is not None else None,
    )


def check_credentials(
    header: CxmlHeader, expected: CxmlIdentity, secret: str | None, filename: str | None = None
) -> list[Issue]:
    """Every way the header differs from the partner's identity; `secret` is its env value."""
    issues = [
        *_role_issue(
            "cxml.from", "From", header.from_credentials, expected.from_credentials, filename
        ),
        *_role_issue("cxml.to", "To", header.to_credentials, expected.to_credentials, filename),
        *_role_issue(
            "cxml.sender", "Sender", header.sender_credentials, expected.senders, filename
        ),
    ]
    issues.extend(_secret_issues(header, expected, secret, filename))
    return issues


def parse_cxml_datetime(text: str | None) -> datetime | None:
    """A cXML %datetime.tz value (ISO 8601 with its offset); None when absent or naive."""
    if not text or not text.strip():
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


def _required_attribute(
    root: etree._Element, name: str, filename: str | None, issues: list[Issue]
) -> str | None:
    value = _clean(root.get(name))
    if value is None:
        message = f"cXML/@{name} is missing; the cXML DTD requires it on the root element"
        issues.append(_issue("cxml.header", message, filename, f"/cXML/@{name}", root))
    return value


def _timestamp(root: etree._Element, filename: str | None, issues: list[Issue]) -> datetime | None:
    raw = root.get("timestamp")
    value = parse_cxml_datetime(raw)
    if value is None:
        got = "is missing" if raw is None else f'is "{raw}"'
        message = (
            f"cXML/@timestamp {got}; expected an ISO 8601 date and time with its offset "
            "(cXML %datetime.tz, e.g. 2026-11-22T10:00:00-08:00)"
        )
        issues.append(_issue("cxml.header", message, filename, "/cXML/@timestamp", root))
    return value


def _credentials(
    header: etree._Element | None,
    role: str,
    root: etree._Element,
    filename: str | None,
    issues: list[Issue],
) -> tuple[Credential, ...]:
    holder = header.find(role) if header is not None else None
    found = tuple(
        Credential(
            domain=(element.get("domain") or "").strip(),
            identity=(element.findtext("Identity") or "").strip(),
            line=element.sourceline,
        )
        for element in (holder.findall("Credential") if holder is not None else ())
    )
    usable = tuple(credential for credential in found if credential.identity)
    if not usable:
        what = "is missing" if holder is None else "has no Credential with an Identity"
        message = (
            f"Header/{role} {what}; cXML 1.2 requires {role} = Credential+ "
            '(Credential domain="..." with an Identity)'
        )
        place = holder if holder is not None else (header if header is not None else root)
        issues.append(_issue("cxml.header", message, filename, f"/cXML/Header/{role}", place))
    return usable


def _shared_secret(header: etree._Element | None) -> Secret | None:
    # Credential = Identity, (SharedSecret | DigitalSignature | CredentialMac)?; SharedSecret
    # is ANY in the DTD, so its text is taken whole.
    element = header.find("Sender/Credential/SharedSecret") if header is not None else None
    if element is None:
        return None
    return Secret("".join(element.itertext()).strip())


def _version(root: etree._Element) -> str | None:
    match = _DTD_VERSION.search(root.getroottree().docinfo.system_url or "")
    return match.group(1) if match else _clean(root.get("version"))


def _deployment_mode(root: etree._Element) -> str:
    # Request/@deploymentMode and Message/@deploymentMode: (production | test) "production".
    for container in _CONTAINERS:
        holder = root.find(container)
        if holder is not None:
            return (
                "test" if (holder.get("deploymentMode") or "").strip() == "test" else "production"
            )
    return "production"


def _role_issue(
    code: str,
    role: str,
    received: Sequence[Credential],
    accepted: Sequence[Credential],
    filename: str | None,
) -> list[Issue]:
    if any(got.same_as(want) for got in received for want in accepted):
        return []
    message = (
        f"Header/{role} names {_listed(received)}; expected "
        f"{_listed(accepted) if accepted else 'a configured credential (none configured)'}"
    )
    line = received[0].line if received else None
    return [Issue(code, message, Location(filename, xpath=f"/cXML/Header/{role}", line=line))]


def _secret_issues(
    header: CxmlHeader, expected: CxmlIdentity, secret: str | None, filename: str | None
) -> list[Issue]:
    where = Location(filename, xpath="/cXML/Header/Sender/Credential/SharedSecret")
    received = header.shared_secret
    issues: list[Issue] = []
    if expected.secret_env and not secret and (expected.secret_required or received):
        message = (
            f"the partner's SharedSecret cannot be checked: environment variable "
            f"{expected.secret_env} is not set; set it to the secret agreed with the partner"
        )
        issues.append(Issue("cxml.secret_unset", message, where))
    if received is None and expected.secret_required:
        message = (
            "Header/Sender/Credential has no SharedSecret; this partner must authenticate with "
            f"its shared secret (environment variable {expected.secret_env})"
        )
        issues.append(Issue("cxml.secret_missing", message, where))
    if received is not None and secret and not received.matches(secret):
        message = (
            "the SharedSecret in Header/Sender/Credential does not match the partner's secret "
            f"(environment variable {expected.secret_env})"
        )
        issues.append(Issue("cxml.secret", message, where))
    return issues


def _listed(credentials: Iterable[Credential]) -> str:
    return " or ".join(str(credential) for credential in credentials) or "no credential"


def _issue(
    code: str, message: str, filename: str | None, xpath: str, element: etree._Element
) -> Issue:
    return Issue(code, message, Location(filename, xpath=xpath, line=element.sourceline))


def _clean(text: str | None) -> str | None:
    return text.strip() if text and text.strip() else None
