"""Shared steps of the outbound EDIFACT mapping tests: plan, render, compare, re-read."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydifact.segmentcollection import Interchange

from gateway.config import Identity
from gateway.config_partners import Partner, parse_partner
from gateway.errors import Issue
from gateway.formats.edifact import parse_interchange
from gateway.formats.edifact_envelope import EdifactInterchange, EdifactMessage
from gateway.mapping import MappingSet
from gateway.model import Document
from gateway.pipeline.stages import OutboundPlan, render_edifact

REPO = Path(__file__).resolve().parents[2]
MAPPINGS = REPO / "mappings"
SCHEMAS = REPO / "schemas"
EXPECTED = Path(__file__).resolve().parent / "expected"
PREPARED_AT = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
# A party name with every service character (+ : ' ?) the writer must release with '?'.
AWKWARD_NAME = "O'Brien + Sons: 50%?"

PydifactSegment = tuple[str, list[object]]


def retailer(syntax_identifier: str = "UNOC", syntax_version: str = "3") -> Partner:
    """A retailer profile as the config loader builds it (UNB S003 5790000000001:14)."""
    problems: list[str] = []
    data = {
        "name": "Retailer",
        "edifact": {
            "id": "5790000000001",
            "qualifier": "14",
            "syntax_identifier": syntax_identifier,
            "syntax_version": syntax_version,
        },
    }
    partner = parse_partner(
        data, Path("retailer.toml"), "retailer.toml", settle_default=timedelta(0), problems=problems
    )
    assert problems == []
    return partner


def plan(syntax_identifier: str = "UNOC", syntax_version: str = "3") -> OutboundPlan:
    """Fixed control numbers and time, so that a rendering is the same bytes every run."""
    return OutboundPlan(
        partner=retailer(syntax_identifier, syntax_version),
        identity=Identity(),
        control_ref="1001",
        message_ref="1",
        prepared_at=PREPARED_AT,
    )


def render(
    document: Document,
    mappings: MappingSet,
    message_type: str,
    version: str,
    outbound: OutboundPlan | None = None,
) -> bytes:
    """The whole interchange (UNA .. UNZ) the gateway would send."""
    return render_edifact(document, outbound or plan(), mappings, message_type, version)


def expected(name: str) -> bytes:
    """An expected interchange kept beside the tests (reviewed line by line once)."""
    path = EXPECTED / name
    if not path.is_file():
        pytest.fail(f"{path} is missing: write the rendering there once and review it")
    return path.read_bytes()


def reread(data: bytes) -> EdifactInterchange:
    """Our own reader on the rendered bytes: it must find nothing wrong."""
    interchange = parse_interchange(data, "rendered.edi")
    assert [str(i) for i in interchange.issues] == []
    return interchange


def pydifact_segments(data: bytes, encoding: str = "latin-1") -> list[PydifactSegment]:
    """pydifact's reading of the message segments (UNH .. UNT), as (tag, elements)."""
    with warnings.catch_warnings():
        # pydifact ships no directory files for validation and says so once per segment.
        warnings.simplefilter("ignore")
        interchange = Interchange.from_str(data.decode(encoding))
    return [(s.tag, list(s.elements)) for s in interchange.segments]


def as_pydifact(message: EdifactMessage) -> list[PydifactSegment]:
    """Our segments in pydifact's shape: a one-component element is a plain string."""
    return [
        (seg.tag, [e[0] if len(e) == 1 else list(e) for e in seg.elements])
        for seg in message.segments
    ]


def structure_errors(message: EdifactMessage) -> list[Issue]:
    """Errors of the message against its directory structure; skip while none is written."""
    from gateway.validate.edifact_schema import EdifactSchemas
    from gateway.validate.edifact_structure import validate_message

    schemas = EdifactSchemas.load(SCHEMAS)
    if schemas.structure_for(message.version, message.message_type) is None:
        pytest.skip(f"no {message.message_type} {message.version} structure under schemas/ yet")
    issues = validate_message(message, schemas, file="rendered.edi")
    return [i for i in issues if i.severity == "error"]
