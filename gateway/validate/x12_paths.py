"""Walking a transaction set's tags along the paths learnt through its table.

Matching a set against its table (`x12_matcher`) keeps, per open level, a cursor and the
occurrences of the entry at it; everything else it keeps only serves to word an issue. That
state, with occurrences capped where more change nothing, is what decides whether a tag fits
without an issue and where matching then stands. Each (state, tag) is learnt once, by the
matcher itself, and kept in the set's `Paths`: a set in order is then walked with one
dictionary lookup per segment, and a walk that meets a problem hands the set to the matcher,
which says what is wrong.
"""

from __future__ import annotations

from collections.abc import Sequence

from gateway.formats.segments import Segment
from gateway.validate.x12_matcher import Matcher
from gateway.validate.x12_tables import Paths, State, Structure

# A step that needs an issue (or a state no longer learnt): the matcher takes over.
_ISSUE = -1
# States learnt per set at most: counts of entries with a high maximum use make new states,
# and a set met with thousands of them is matched rather than remembered.
MAX_STATES = 4096


def walk(structure: Structure, segments: Sequence[Segment]) -> bool:
    """Whether the set's segments are in order: no segment, loop or maximum use issue."""
    moves = moves_of(structure)
    state = 0
    for segment in segments:
        after = moves[state].get(segment.tag)
        if after is None:
            after = learn(structure, state, segment.tag)
        if after < 0:
            return False
        state = after
    return may_end(structure, state)


def moves_of(structure: Structure) -> list[dict[str, int]]:
    """By state (0: the start of the set): tag -> the state after it, as learnt so far."""
    paths = structure.paths
    if not paths.moves:
        _state_id(paths, Matcher(structure, None, {}).state())
    return paths.moves


def learn(structure: Structure, state: int, tag: str) -> int:
    """Where `tag` leads from `state`: the state after it, or a negative number (an issue)."""
    paths = structure.paths
    matcher = Matcher.resumed(structure, paths.states[state])
    matcher.advance(Segment(tag, (), 0))
    after = _ISSUE if matcher.issues else _state_id(paths, matcher.state())
    paths.moves[state][tag] = after
    return after


def may_end(structure: Structure, state: int) -> bool:
    """Whether the set may end in `state`: nothing missing, nothing too often."""
    paths = structure.paths
    ends = paths.ends[state]
    if ends is None:
        matcher = Matcher.resumed(structure, paths.states[state])
        matcher.finish(Segment("", (), 0))
        paths.ends[state] = ends = not matcher.issues
    return ends


def _state_id(paths: Paths, state: State) -> int:
    key = tuple((id(loop), index, count) for loop, index, count in state)
    with paths.lock:
        known = paths.ids.get(key)
        if known is not None:
            return known
        if len(paths.states) >= MAX_STATES:
            return _ISSUE
        paths.ids[key] = number = len(paths.states)
        paths.states.append(state)
        paths.moves.append({})
        paths.ends.append(None)
        return number
