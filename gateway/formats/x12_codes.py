"""The issue codes X12 reading and validation report, and the acknowledgement codes they become.

Every X12 issue the reader or the validator raises carries one of the codes below, so that a
997/999 or TA1 can answer with the standard code without parsing sentences:
- interchange level: TA1 TA105 interchange note code (X12.5);
- group level: AK905 / 999 AK905 functional group error code (element 716);
- transaction set level: AK502 / IK502 transaction set syntax error code (element 718);
- segment level: AK304 / IK304 segment syntax error code (element 720);
- element level: AK403 / IK403 element syntax error code (element 723).
"""

from __future__ import annotations

from typing import Final

# TA105 interchange note codes (X12.5, element I18).
TA1_NOTES: Final[dict[str, str]] = {
    "x12.iea.control": "001",  # interchange control number in header and trailer do not match
    "x12.isa.standard": "002",  # standard in the control standards identifier not supported
    "x12.isa.version": "003",  # this version of the controls is not supported
    "x12.isa.terminator": "004",  # the segment terminator is invalid
    "x12.isa.sender_qualifier": "005",  # invalid interchange id qualifier for sender
    "x12.isa.sender": "006",  # invalid interchange sender id
    "x12.isa.recipient_qualifier": "007",  # invalid interchange id qualifier for receiver
    "x12.isa.recipient": "008",  # invalid interchange receiver id
    "x12.isa.recipient_unknown": "009",  # unknown interchange receiver id
    "x12.isa.authorization_qualifier": "010",
    "x12.isa.authorization": "011",
    "x12.isa.security_qualifier": "012",
    "x12.isa.security": "013",
    "x12.isa.date": "014",  # invalid interchange date value
    "x12.isa.time": "015",  # invalid interchange time value
    "x12.isa.standards_id": "016",  # invalid interchange standards identifier value
    "x12.isa.version_id": "017",  # invalid interchange version id value
    "x12.isa.control": "018",  # invalid interchange control number value
    "x12.isa.ack_requested": "019",  # invalid acknowledgment requested value
    "x12.isa.usage": "020",  # invalid test indicator value
    "x12.iea.count": "021",  # invalid number of included groups value
    "x12.structure": "022",  # invalid control structure
    "x12.iea.missing": "023",  # improper (premature) end-of-file
    "x12.interchange.content": "024",  # invalid interchange content (e.g. invalid GS)
    "x12.isa.duplicate": "025",  # duplicate interchange control number
    "x12.isa.element_separator": "026",  # invalid data element separator
    "x12.isa.component_separator": "027",  # invalid component element separator
}

# AK905 functional group syntax error codes (element 716).
GROUP_ERRORS: Final[dict[str, str]] = {
    "x12.gs.unsupported": "1",  # functional group not supported
    "x12.gs.version": "2",  # functional group version not supported
    "x12.ge.missing": "3",  # functional group trailer missing
    "x12.ge.control": "4",  # group control number in header and trailer do not agree
    "x12.ge.count": "5",  # number of included transaction sets does not match actual count
    "x12.gs.control": "6",  # group control number violates syntax
    "x12.gs.duplicate": "19",  # functional group control number not unique within interchange
}

# AK502 / IK502 transaction set syntax error codes (element 718).
SET_ERRORS: Final[dict[str, str]] = {
    "x12.st.unsupported": "1",  # transaction set not supported
    "x12.se.missing": "2",  # transaction set trailer missing
    "x12.se.control": "3",  # control number in header and trailer do not match
    "x12.se.count": "4",  # number of included segments does not match actual count
    # 5: one or more segments in error (any segment or element issue below)
    "x12.st.id": "6",  # missing or invalid transaction set identifier
    "x12.st.control": "7",  # missing or invalid transaction set control number
    "x12.st.duplicate": "23",  # control number not unique within the functional group
}
SEGMENTS_IN_ERROR: Final = "5"

# AK304 / IK304 segment syntax error codes (element 720).
SEGMENT_ERRORS: Final[dict[str, str]] = {
    "x12.segment.unknown": "1",  # unrecognized segment id
    "x12.segment.unexpected": "2",  # unexpected segment
    "x12.segment.missing": "3",  # required segment missing
    "x12.loop.too_many": "4",  # loop occurs over maximum times
    "x12.segment.too_many": "5",  # segment exceeds maximum use
    "x12.segment.not_in_set": "6",  # segment not in defined transaction set
    "x12.segment.order": "7",  # segment not in proper sequence
    # 8: segment has data element errors (any element issue of the segment)
}
ELEMENTS_IN_ERROR: Final = "8"

# AK403 / IK403 data element syntax error codes (element 723).
ELEMENT_ERRORS: Final[dict[str, str]] = {
    "x12.element.missing": "1",  # mandatory data element missing
    "x12.element.conditional": "2",  # conditional required data element missing
    "x12.element.too_many": "3",  # too many data elements
    "x12.element.too_short": "4",  # data element too short
    "x12.element.too_long": "5",  # data element too long
    "x12.element.character": "6",  # invalid character in data element
    "x12.element.code": "7",  # invalid code value
    "x12.element.date": "8",  # invalid date
    "x12.element.time": "9",  # invalid time
    "x12.element.exclusion": "10",  # exclusion condition violated
    "x12.element.repetitions": "12",  # too many repetitions
    "x12.element.components": "13",  # too many components
}


def level_of(code: str) -> str | None:
    """Which acknowledgement level an issue code belongs to, or None for ours alone."""
    for level, table in (
        ("interchange", TA1_NOTES),
        ("group", GROUP_ERRORS),
        ("transaction", SET_ERRORS),
        ("segment", SEGMENT_ERRORS),
        ("element", ELEMENT_ERRORS),
    ):
        if code in table:
            return level
    return None
