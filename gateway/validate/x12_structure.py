"""X12 transaction set validation: segment order, loops, maximum use, elements, HL hierarchy.

Segment order, loops and maximum use are matched against the set table (`x12_matcher`). Most
sets are in order: in one pass their tags are walked along the paths learnt through the table
(`x12_paths`) and each segment's elements checked by its compiled plan (`x12_plan`). A set
whose walk meets a problem is matched in full instead, which says what is wrong.
"""

from __future__ import annotations

from gateway.errors import Issue, Location
from gateway.formats.segments import Segment
from gateway.formats.x12_envelope import X12Transaction
from gateway.validate.x12_elements import ElementChecker
from gateway.validate.x12_matcher import Matcher, Repetitions
from gateway.validate.x12_paths import learn, may_end, moves_of
from gateway.validate.x12_schema import Structure, X12Schemas


def validate_transaction(
    transaction: X12Transaction, schemas: X12Schemas, *, file: str | None
) -> list[Issue]:
    """Every structure and element issue of one transaction set (ST..SE), in segment order."""
    if not transaction.segments:
        return []
    structure = schemas.structure_for(transaction.set_id, transaction.version)
    if structure is None:
        return _unknown_structure(transaction, schemas, file)
    repeats = transaction.repetitions
    repetitions = {(p, n): r for p, n, r in repeats} if repeats else {}
    issues = _in_order(structure, transaction.segments, repetitions, file)
    if issues is None:
        issues = Matcher(structure, file, repetitions).run(transaction.segments)
    if "HL" in structure.used:
        issues.extend(check_hierarchy(transaction.segments, file))
        issues.sort(key=lambda issue: issue.location.segment_position or 0)
    return issues


def _unknown_structure(
    transaction: X12Transaction, schemas: X12Schemas, file: str | None
) -> list[Issue]:
    st = transaction.segments[0]
    text = (
        f"transaction set {transaction.set_id} in version {transaction.version}: no structure "
        f"in schemas/x12; envelope checked, structure not validated"
    )
    issues = [Issue("x12.structure_unknown", text, Location(file, st.position, st.tag), "warning")]
    version = schemas.version_for(transaction.version)
    if version is not None:
        # The set is unknown but its version is not: ST and SE can still be checked.
        checker = ElementChecker(issues, file=file, repetitions={})
        for segment in (transaction.segments[0], transaction.segments[-1]):
            layout = version.segments.get(segment.tag)
            if layout is not None and segment.tag in ("ST", "SE"):
                checker.check(segment, layout)
    return issues


def _in_order(
    structure: Structure, segments: tuple[Segment, ...], repetitions: Repetitions, file: str | None
) -> list[Issue] | None:
    # Most sets are in order: their tags walked along the learnt paths (x12_paths), only the
    # elements can be wrong. None as soon as the walk meets a problem: the matcher says which.
    layouts, cleans = structure.layouts, structure.cleans
    if layouts is None:
        return None
    moves = moves_of(structure)
    repeated = {position for position, _ in repetitions} if repetitions else set()
    issues: list[Issue] = []
    checker: ElementChecker | None = None
    state = 0
    for segment in segments:
        tag = segment.tag
        after = moves[state].get(tag)
        if after is None:
            after = learn(structure, state, tag)
        if after < 0:
            return None
        state = after
        if not cleans[tag](segment.elements) or (repeated and segment.position in repeated):
            checker = checker or ElementChecker(issues, file=file, repetitions=repetitions)
            checker.report(segment, layouts[tag])
    return issues if may_end(structure, state) else None


def check_hierarchy(segments: tuple[Segment, ...], file: str | None) -> list[Issue]:
    """The HL rule: HL01 counts 1, 2, 3 ... and HL02 names an earlier HL01 (X12.6 HL notes)."""
    issues: list[Issue] = []
    seen: set[str] = set()
    expected = 1
    for segment in segments:
        if segment.tag != "HL":
            continue
        number, parent = segment.value(1), segment.value(2)
        if number != str(expected):
            text = (
                f"HL element 1 (628 Hierarchical ID Number) is {number!r}; expected "
                f"'{expected}': HL01 numbers the levels 1, 2, 3 ... in the order they occur"
            )
            where = Location(file, segment.position, "HL", 1)
            issues.append(Issue("x12.element.code", text, where, value=number))
        if parent is not None and parent not in seen:
            text = (
                f"HL element 2 (734 Hierarchical Parent ID Number) is {parent!r}, which is no "
                "earlier HL01; a level's parent must come before it"
            )
            where = Location(file, segment.position, "HL", 2)
            issues.append(Issue("x12.element.code", text, where, value=parent))
        if number:
            seen.add(number)
        expected += 1
    return issues
