"""X12 acknowledgements a partner sends about our interchanges: 997, 999 and TA1, read.

997/999: AK1 AK102 is the GS06 of OUR group; AK9 AK901 says what became of it (A accepted,
E accepted with errors noted, P partially accepted, R rejected; M/W/X are security
rejections); each AK2 loop names one of our sets (AK201 ST01, AK202 ST02) with AK3/IK3
segment notes, AK4/IK4 element notes below them, and AK5/IK5 its own outcome.
TA1: TA101 is the ISA13 of OUR interchange, TA104 A/E/R, TA105 an interchange note code.

A malformed acknowledgement never raises: what cannot be read is said in `errors`, and a
status that cannot be told is "received" (the partner answered, without saying how).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gateway.formats.edifact_acks import PartnerAck
from gateway.formats.segments import Segment
from gateway.formats.x12_envelope import X12Transaction

# AK304 / IK304 segment syntax error codes (720; 999 adds 620's implementation codes).
SEGMENT_ERROR_TEXT: dict[str, str] = {
    "1": "unrecognized segment ID",
    "2": "unexpected segment",
    "3": "required segment missing",
    "4": "loop occurs over maximum times",
    "5": "segment exceeds maximum use",
    "6": "segment not in defined transaction set",
    "7": "segment not in proper sequence",
    "8": "segment has data element errors",
    "I4": 'implementation "not used" segment present',
    "I6": "implementation dependent segment missing",
    "I7": "implementation loop occurs under minimum times",
    "I8": "implementation segment below minimum use",
    "I9": 'implementation dependent "not used" segment present',
}

# AK403 / IK403 data element syntax error codes (723; 999 adds 621's implementation codes).
ELEMENT_ERROR_TEXT: dict[str, str] = {
    "1": "mandatory data element missing",
    "2": "conditional required data element missing",
    "3": "too many data elements",
    "4": "data element too short",
    "5": "data element too long",
    "6": "invalid character in data element",
    "7": "invalid code value",
    "8": "invalid date",
    "9": "invalid time",
    "10": "exclusion condition violated",
    "12": "too many repetitions",
    "13": "too many components",
    "I6": "code value not used in implementation",
    "I9": "implementation dependent data element missing",
    "I10": 'implementation "not used" data element present',
    "I11": "implementation too few repetitions",
    "I12": "implementation pattern match failure",
    "I13": 'implementation dependent "not used" data element present',
}

# AK502..AK506 / IK502..IK506 transaction set syntax error codes (718).
SET_ERROR_TEXT: dict[str, str] = {
    "1": "transaction set not supported",
    "2": "transaction set trailer missing",
    "3": "transaction set control number in header and trailer do not match",
    "4": "number of included segments does not match actual count",
    "5": "one or more segments in error",
    "6": "missing or invalid transaction set identifier",
    "7": "missing or invalid transaction set control number",
    "18": "transaction set not in functional group",
    "19": "invalid transaction set implementation convention reference",
    "23": "transaction set control number not unique within the functional group",
    "I5": "implementation one or more segments in error",
    "I6": "implementation convention not supported",
}

# AK905..AK909 functional group syntax error codes (716).
GROUP_ERROR_TEXT: dict[str, str] = {
    "1": "functional group not supported",
    "2": "functional group version not supported",
    "3": "functional group trailer missing",
    "4": "group control number in the functional group header and trailer do not agree",
    "5": "number of included transaction sets does not match actual count",
    "6": "group control number violates syntax",
    "19": "functional group control number not unique within interchange",
}

# TA105 interchange note codes (X12.5 I18).
TA1_NOTE_TEXT: dict[str, str] = {
    "000": "no error",
    "001": "the interchange control number in the header and trailer do not match",
    "002": "the standard in the control standards identifier is not supported",
    "003": "this version of the controls is not supported",
    "004": "the segment terminator is invalid",
    "005": "invalid interchange ID qualifier for sender",
    "006": "invalid interchange sender ID",
    "007": "invalid interchange ID qualifier for receiver",
    "008": "invalid interchange receiver ID",
    "009": "unknown interchange receiver ID",
    "010": "invalid authorization information qualifier value",
    "011": "invalid authorization information value",
    "012": "invalid security information qualifier value",
    "013": "invalid security information value",
    "014": "invalid interchange date value",
    "015": "invalid interchange time value",
    "016": "invalid interchange standards identifier value",
    "017": "invalid interchange version ID value",
    "018": "invalid interchange control number value",
    "019": "invalid acknowledgment requested value",
    "020": "invalid test indicator value",
    "021": "invalid number of included groups value",
    "022": "invalid control structure",
    "023": "improper (premature) end-of-file (transmission)",
    "024": "invalid interchange content (e.g. invalid GS segment)",
    "025": "duplicate interchange control number",
    "026": "invalid data element separator",
    "027": "invalid component element separator",
    "028": "invalid delivery date in deferred delivery request",
    "029": "invalid delivery time in deferred delivery request",
    "030": "invalid delivery time code in deferred delivery request",
    "031": "invalid grade of service code",
}

# AK901 (715) and AK501/IK501 (717) acknowledgement codes.
_GROUP_STATUS = {
    "A": "accepted",
    "E": "accepted",
    "P": "partially_accepted",
    "R": "rejected",
    "M": "rejected",  # message authentication code failed
    "W": "rejected",  # assurance failed validity tests
    "X": "rejected",  # content after decryption could not be analyzed
}
_OUTCOME_WORDS = {
    "E": "accepted with errors noted",
    "P": "partially accepted",
    "R": "rejected",
    "M": "rejected (message authentication code failed)",
    "W": "rejected (assurance failed validity tests)",
    "X": "rejected (content after decryption could not be analyzed)",
}
_TA1_STATUS = {"A": "accepted", "E": "accepted", "R": "rejected"}
# Segments of an AK2 loop; found before any AK2 they open a loop of an unnamed set.
_LOOP_TAGS = ("AK3", "IK3", "AK4", "IK4", "AK5", "IK5", "CTX")


@dataclass
class _Note:
    """One AK3/IK3 loop as read: the segment note, its CTX context, its element notes."""

    segment: Segment
    contexts: list[Segment] = field(default_factory=list)
    elements: list[Segment] = field(default_factory=list)


@dataclass
class _SetLoop:
    """One AK2 loop as read."""

    ak2: Segment | None
    notes: list[_Note] = field(default_factory=list)
    trailer: Segment | None = None


def read_functional_ack(transaction: X12Transaction) -> PartnerAck:
    """The partner's 997 or 999: our group's control number, its outcome, each error named."""
    kind, ref = transaction.set_id, transaction.control_ref
    if kind not in ("997", "999"):
        text = f"{kind or '?'} {ref}: not a 997 or 999 acknowledgement"
        return PartnerAck(kind or "?", (), "received", (text,), ref)
    body = [s for s in transaction.segments if s.tag not in ("ST", "SE")]
    ak1 = next((s for s in body if s.tag == "AK1"), None)
    ak9 = next((s for s in body if s.tag == "AK9"), None)
    loops = _loops(body)
    group = ak1.value(2) if ak1 is not None else None
    errors: list[str] = []
    if group is None:
        errors.append(f"{kind} {ref}: no AK1 AK102, so the group it answers is unknown")
    for loop in loops:
        errors += _loop_sentences(loop)
    status, notes = _status(f"{kind} {ref}", group, ak9, loops, explained=bool(errors))
    return PartnerAck(kind, (group,) if group else (), status, (*errors, *notes), ref)


def read_ta1(segment: Segment) -> PartnerAck:
    """The partner's TA1: our ISA13, accepted (A, E) or rejected (R), and the note's text."""
    if segment.tag != "TA1":
        return PartnerAck("TA1", (), "received", (f"expected a TA1 segment, got {segment.tag}",))
    ref, code, note = segment.value(1), segment.value(4), segment.value(5)
    what = f"interchange {ref or '?'}"
    errors: list[str] = []
    if ref is None:
        errors.append("TA1 has no TA101, so the interchange it answers is unknown")
    status = _TA1_STATUS.get(code or "", "received")
    if code not in _TA1_STATUS:
        errors.append(f"{what}: TA104 {code or 'missing'} is not A, E or R")
    if note and note != "000":
        errors.append(f"{what}: {TA1_NOTE_TEXT.get(note, 'interchange note')} (TA105 {note})")
    return PartnerAck("TA1", (ref,) if ref else (), status, tuple(errors))


def _loops(body: list[Segment]) -> list[_SetLoop]:
    loops: list[_SetLoop] = []
    for seg in body:
        if seg.tag == "AK2" or (not loops and seg.tag in _LOOP_TAGS):
            loops.append(_SetLoop(seg if seg.tag == "AK2" else None))
        if not loops or seg.tag == "AK2":
            continue
        loop = loops[-1]
        if seg.tag in ("AK3", "IK3"):
            loop.notes.append(_Note(seg))
        elif seg.tag in ("AK4", "IK4") and loop.notes:
            loop.notes[-1].elements.append(seg)
        elif seg.tag == "CTX" and loop.notes and not loop.notes[-1].elements:
            loop.notes[-1].contexts.append(seg)  # IK3 context; IK4 context is not read
        elif seg.tag in ("AK5", "IK5"):
            loop.trailer = seg
    return loops


def _loop_sentences(loop: _SetLoop) -> list[str]:
    ak2 = loop.ak2
    label = f"set {_or_unknown(ak2, 1)} {_or_unknown(ak2, 2)}"
    sentences: list[str] = []
    for note in loop.notes:
        sentences += _note_sentences(label, note)
    trailer = loop.trailer
    if trailer is None:
        return [*sentences, f"{label}: no AK5/IK5 says whether the set was accepted"]
    code = trailer.value(1) or ""
    if code in _OUTCOME_WORDS:
        codes = [c for e in range(2, 7) if (c := trailer.value(e))]
        reasons = "; ".join(
            f"{SET_ERROR_TEXT.get(c, 'error')} ({trailer.tag}0{i + 2} {c})"
            for i, c in enumerate(codes)
        )
        outcome = _OUTCOME_WORDS[code]
        sentences.append(
            f"{label}: {outcome}: {reasons}"
            if reasons
            else f"{label}: {outcome} ({trailer.tag}01 {code})"
        )
    elif code != "A":
        sentences.append(f"{label}: {trailer.tag}01 {code or 'missing'} is not a known outcome")
    return sentences


def _note_sentences(label: str, note: _Note) -> list[str]:
    seg, prefix = note.segment, note.segment.tag
    where = f"{label}: segment {_or_unknown(seg, 1)} at {_or_unknown(seg, 2)}"
    where += "".join(_context_text(c) for c in note.contexts)
    code = seg.value(4)
    sentences: list[str] = []
    # AK304 8 only announces the AK4s below it; say it when there are none.
    if code not in (None, "8") or not note.elements:
        text = SEGMENT_ERROR_TEXT.get(code or "", "error")
        sentences.append(f"{where}: {text} ({prefix}04 {code or 'missing'})")
    for element in note.elements:
        sentences.append(f"{where}: {_element_text(element)}")
    return sentences


def _element_text(element: Segment) -> str:
    # AK401 C030: element position, component position, repeat position; AK402 data element
    # reference number; AK403 error code; AK404 copy of the bad data element.
    place = element.composite(1)
    words = [f"element {place[0] if place and place[0] else '?'}"]
    if len(place) > 1 and place[1]:
        words.append(f"component {place[1]}")
    if len(place) > 2 and place[2]:
        words.append(f"repeat {place[2]}")
    reference = element.value(2)
    position = ", ".join(words) + (f" (data element {reference})" if reference else "")
    code = element.value(3) or ""
    copy = element.value(4)
    text = ELEMENT_ERROR_TEXT.get(code, "error") + (f" {copy!r}" if copy else "")
    return f"{position}: {text} ({element.tag}03 {code or 'missing'})"


def _context_text(ctx: Segment) -> str:
    # CTX01 C998 (2000 context name, 2002 reference): a business unit such as CLM01 with its
    # value, or SITUATIONAL TRIGGER with the triggering segment in CTX02/CTX03.
    name, reference = ctx.value(1), ctx.value(1, 2)
    if name == "SITUATIONAL TRIGGER":
        return f" (triggered by {_or_unknown(ctx, 2)} at {_or_unknown(ctx, 3)})"
    return f" ({name} {reference})" if name and reference else ""


def _status(
    label: str, group: str | None, ak9: Segment | None, loops: list[_SetLoop], *, explained: bool
) -> tuple[str, list[str]]:
    outcomes = [(loop.trailer.value(1) or "") if loop.trailer else "" for loop in loops]
    rejected = sum(_GROUP_STATUS.get(o) == "rejected" for o in outcomes)
    accepted = sum(o in ("A", "E") for o in outcomes)
    code = (ak9.value(1) if ak9 is not None else None) or ""
    if code not in _GROUP_STATUS:
        said = f"AK901 {code} is not a known outcome" if code else "no AK9 AK901"
        return _from_sets(accepted, rejected), [f"{label}: {said}"]
    status = _GROUP_STATUS[code]
    if status == "accepted" and rejected:
        status = "rejected"  # AK901 says accepted, yet a set of ours was rejected
    return status, _group_sentences(group, ak9, code, explained)


def _from_sets(accepted: int, rejected: int) -> str:
    if rejected:
        return "partially_accepted" if accepted else "rejected"
    return "accepted" if accepted else "received"


def _group_sentences(
    group: str | None, ak9: Segment | None, code: str, explained: bool
) -> list[str]:
    codes = [c for e in range(5, 10) if ak9 is not None and (c := ak9.value(e))]
    label = f"group {group or '?'}"
    if codes:
        reasons = "; ".join(
            f"{GROUP_ERROR_TEXT.get(c, 'error')} (AK90{i + 5} {c})" for i, c in enumerate(codes)
        )
        return [f"{label}: {_OUTCOME_WORDS.get(code, 'accepted')}: {reasons}"]
    if _GROUP_STATUS[code] == "rejected" and not explained:
        return [f"{label}: {_OUTCOME_WORDS[code]} (AK901 {code})"]
    return []


def _or_unknown(seg: Segment | None, element: int) -> str:
    return (seg.value(element) if seg is not None else None) or "?"
