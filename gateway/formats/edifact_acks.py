"""Acknowledgements a partner sends about our interchanges: CONTRL and APERAK, read.

CONTRL (ISO 9735-4) answers an interchange at the syntax level:
  UCI 0020 = the UNB 0020 of OUR interchange, S002/S003 as we sent them, 0083 action:
  7 acknowledged, 4 rejected, 8 received (no syntax check reported); then per message
  UCM 0062 (our UNH reference), S009, 0083, 0085 error, with UCS/UCD detail below it.
APERAK (application error and acknowledgement, D96A) answers a business document:
  BGM 1004 its own number, 1225 function; SG2 RFF C506 (1153 qualifier, 1154 the reference
  of our document, e.g. ACW previous message, ON order, DQ despatch advice, IV invoice);
  SG3 ERC C901.9321 application error code, each with FTX 4440 text. An APERAK without ERC
  confirms the document; with ERC it reports errors (EANCOM: the document is not accepted).
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.formats.edifact_envelope import EdifactMessage
from gateway.formats.segments import Segment

# UCI/UCM 0083 action, coded.
_ACTIONS = {"7": "accepted", "4": "rejected", "8": "received"}


@dataclass(frozen=True)
class PartnerAck:
    """What a partner's CONTRL or APERAK says about one of our interchanges or documents."""

    kind: str  # CONTRL or APERAK
    references: tuple[str, ...]  # CONTRL: our UNB 0020; APERAK: the RFF references
    status: str  # accepted, rejected, received
    errors: tuple[str, ...] = ()
    message_ref: str | None = None  # the partner's own UNH 0062 of the acknowledgement

    def summary(self) -> str:
        """One line for history and logs."""
        detail = "; ".join(self.errors[:3]) + (" ..." if len(self.errors) > 3 else "")
        return f"{self.kind} {self.status}" + (f": {detail}" if detail else "")


def read_contrl(message: EdifactMessage) -> PartnerAck:
    """The partner's CONTRL: UCI action, with each rejected message and segment error named."""
    uci = _first(message, "UCI")
    reference = uci.value(1) if uci else None
    status = _ACTIONS.get((uci.value(4) if uci else None) or "", "rejected")
    errors: list[str] = []
    if uci is not None and uci.value(5):
        errors.append(_error_text("interchange", uci.value(5), uci.value(6), uci.composite(7)))
    for seg in message.segments:
        if seg.tag == "UCM":
            action = _ACTIONS.get(seg.value(3) or "", "rejected")
            if action == "rejected":
                status = "rejected"
                what = f"message {seg.value(1) or '?'} ({seg.value(2) or '?'})"
                errors.append(_error_text(what, seg.value(4), seg.value(5), seg.composite(6)))
        elif seg.tag == "UCS" and seg.value(2):
            errors.append(f"segment {seg.value(1)}: error {seg.value(2)}")
        elif seg.tag == "UCD":
            place = ":".join(seg.composite(2))
            errors.append(f"element {place}: error {seg.value(1)}")
    return PartnerAck(
        "CONTRL", (reference,) if reference else (), status, tuple(errors), message.reference
    )


def read_aperak(message: EdifactMessage) -> PartnerAck:
    """The partner's APERAK: the documents it refers to and its application errors."""
    references = tuple(
        dict.fromkeys(
            value for seg in message.segments if seg.tag == "RFF" and (value := seg.value(1, 2))
        )
    )
    errors: list[str] = []
    for index, seg in enumerate(message.segments):
        if seg.tag == "ERC":
            text = _following_text(message.segments[index + 1 :])
            errors.append(f"error {seg.value(1) or '?'}" + (f": {text}" if text else ""))
    status = "rejected" if errors else "accepted"
    return PartnerAck("APERAK", references, status, tuple(errors), message.reference)


def _first(message: EdifactMessage, tag: str) -> Segment | None:
    return next((s for s in message.segments if s.tag == tag), None)


def _following_text(segments: tuple[Segment, ...]) -> str:
    # SG3 ERC may be followed by FTX (4440 text lines in C108, element 4) until the next ERC.
    texts: list[str] = []
    for seg in segments:
        if seg.tag != "FTX":
            break
        texts.append(" ".join(v for v in seg.composite(4) if v))
    return " ".join(texts)


def _error_text(what: str, code: str | None, tag: str | None, place: tuple[str, ...]) -> str:
    text = f"{what} rejected" + (f" with syntax error {code}" if code else "")
    text += f" in {tag}" if tag else ""
    return text + (f" element {':'.join(place)}" if place else "")
