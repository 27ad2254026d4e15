"""What may stand in EDIFACT data: the repertoire of UNB S001.0001 and the issues outside it.

ISO 9735 ties each syntax identifier to a character repertoire: UNOA and UNOB are levels A
and B of ISO 646, UNOC..UNOK the parts of ISO 8859, UNOW and UNOY ISO 10646. Data outside
the repertoire, control characters and bytes the character set cannot decode are reported
with their place, down to the byte; the reading goes on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from gateway.errors import Issue, Location
from gateway.formats.edifact_syntax import LAYOUT, Delimiters, locate

# Character problems listed per interchange and code; beyond, one issue gives the count.
MAX_LISTED = 20
# ISO 9735 annex A, level A: the ISO 646 basic code table without lower-case letters and
# without the positions ISO 646 leaves to national variants (# $ @ [ \ ] ^ ` { | } ~).
LEVEL_A = "A-Z0-9 .,\\-()/='+:?!\"%&*;<>"
# Level B adds the lower-case letters, nothing else.
LEVEL_B = LEVEL_A + "a-z"
# C0 and C1 control characters (and DEL) are never data; CR and LF are layout.
_CONTROLS = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0)) if chr(c) not in LAYOUT]
# Bytes the codec could not decode arrive as lone surrogates U+DC80..U+DCFF (PEP 383).
_UNDECODED_RANGE = "\udc80-\udcff"
UNDECODED = re.compile(f"[{_UNDECODED_RANGE}]")


@dataclass(frozen=True)
class Repertoire:
    """The characters allowed in data under one interchange's character set."""

    name: str
    codec: str
    # One search finds the next character to report: outside the repertoire, a control
    # character or an undecodable byte. Service characters and line breaks are never flagged.
    flagged: re.Pattern[str]
    # UNOA only: lower-case letters are the usual mislabel of UNOB, a warning not an error.
    lower_case_is_mislabel: bool = False
    # The codec is the partner's override, not the one UNB S001.0001 announces.
    override: bool = False


def repertoire_for(
    syntax_identifier: str, codec: str, d: Delimiters, *, override: bool
) -> Repertoire:
    """The repertoire of a UNB S001.0001 syntax identifier, or of the codec a partner uses."""
    service = re.escape(d.specials()) + LAYOUT
    if not override and syntax_identifier in ("UNOA", "UNOB"):
        level = syntax_identifier[-1]
        name = f"{syntax_identifier} (ISO 646 level {level})"
        flagged = re.compile(f"[^{LEVEL_A if level == 'A' else LEVEL_B}{service}]")
        return Repertoire(name, codec, flagged, lower_case_is_mislabel=level == "A")
    controls = re.escape("".join(c for c in _CONTROLS if c not in d.specials()))
    name = codec if override else syntax_identifier
    flagged = re.compile(f"[{controls}{_UNDECODED_RANGE}]")
    return Repertoire(name, codec, flagged, override=override)


# Bytes in the first characters of a segment's text: (text, index) -> byte count.
ByteLength = Callable[[str, int], int]


class CharacterCheck:
    """Reports, for one interchange, the characters its segments may not carry."""

    def __init__(
        self,
        repertoire: Repertoire,
        d: Delimiters,
        layout: str,
        byte_length: ByteLength,
        *,
        file: str | None,
        issues: list[Issue],
    ) -> None:
        self.repertoire = repertoire
        self.file = file
        self.d = d
        self.layout = layout
        self.byte_length = byte_length
        # The interchange's issues, shared with the reader: up to MAX_LISTED per code.
        self.issues = issues
        self._counts: dict[str, int] = {}
        self._lower_case: Location | None = None
        self._lower_case_count = 0

    def check(self, raw: str, text: str, where: Location) -> list[Issue]:
        """Every flagged character of a segment: `raw` as cut, `text` without line breaks."""
        found: list[Issue] = []
        run: list[int] = []
        for match in self.repertoire.flagged.finditer(raw):
            index, char = match.start(), match.group()
            if UNDECODED.match(char):
                # Adjacent undecodable bytes (one character of another charset) are one issue.
                if run and index != run[-1] + 1:
                    found.append(self._undecoded(raw, text, run, where))
                    run = []
                run.append(index)
            elif self.repertoire.lower_case_is_mislabel and "a" <= char <= "z":
                self._lower_case_count += 1
                if self._lower_case is None:
                    self._lower_case = self._at(raw, text, index, where)
            else:
                found.append(self._invalid(char, self._at(raw, text, index, where)))
        if run:
            found.append(self._undecoded(raw, text, run, where))
        found.sort(key=lambda issue: issue.location.offset or 0)
        for issue in found:
            self._record(issue)
        return found

    def finish(self) -> None:
        """Add the counts beyond MAX_LISTED and the UNOA lower-case warning."""
        for code, count in self._counts.items():
            if count > MAX_LISTED:
                what = "undecodable bytes" if code == "edifact.charset" else "invalid characters"
                message = (
                    f"{count - MAX_LISTED} more places with {what} in this interchange "
                    f"({count} in all); only the first {MAX_LISTED} are listed"
                )
                self.issues.append(Issue(code, message, Location(self.file)))
        if self._lower_case is not None:
            self.issues.append(self._lower_case_warning(self._lower_case))

    def _at(self, raw: str, text: str, index: int, where: Location) -> Location:
        # `text` is `raw` without layout line breaks: elements are counted there.
        breaks = sum(raw.count(c, 0, index) for c in self.layout) if text != raw else 0
        element, component = locate(text, index - breaks, self.d)
        offset = (where.offset or 0) + self.byte_length(raw, index)
        return replace(where, element=element, component=component, offset=offset)

    def _undecoded(self, raw: str, text: str, run: list[int], where: Location) -> Issue:
        data = raw[run[0] : run[-1] + 1].encode(self.repertoire.codec, "surrogateescape")
        shown = " ".join(f"0x{b:02X}" for b in data)
        noun = "byte" if len(data) == 1 else "bytes"
        charset = (
            "the character set configured for the partner"
            if self.repertoire.override
            else f"the character set of {self.repertoire.name} that UNB S001.0001 announces"
        )
        message = (
            f"{noun} {shown} cannot be decoded as {self.repertoire.codec}, {charset}; "
            "read as U+FFFD"
        )
        try:
            message += (
                f". They are UTF-8 for {data.decode('utf-8')!r}: the partner sends UTF-8 "
                "(UNOW); set its charset to utf-8 or ask it to declare what it sends"
            )
        except UnicodeDecodeError:
            message += "; ask the partner to send the character set it declares"
        return Issue("edifact.charset", message, self._at(raw, text, run[0], where))

    def _invalid(self, char: str, where: Location) -> Issue:
        if char.isprintable():
            message = (
                f"character {char!r} (U+{ord(char):04X}) is outside the repertoire of "
                f"{self.repertoire.name}; remove it or agree on a wider character set (UNOC, UNOW)"
            )
        else:
            message = (
                f"control character U+{ord(char):04X} in data: ISO 9735 data is made of "
                "graphic characters (line breaks only as layout between segments)"
            )
        return Issue("edifact.invalid_character", message, where)

    def _record(self, issue: Issue) -> None:
        count = self._counts.get(issue.code, 0) + 1
        self._counts[issue.code] = count
        if count <= MAX_LISTED:
            self.issues.append(issue)

    def _lower_case_warning(self, first: Location) -> Issue:
        count = self._lower_case_count
        letters = "letter" if count == 1 else "letters"
        message = (
            f"{count} lower-case {letters} although UNB S001.0001 is UNOA (ISO 646 level A, "
            f"upper case only), the first in {replace(first, file=None)}: the file is probably "
            "UNOB; read as sent"
        )
        return Issue("edifact.unoa_lower_case", message, first, "warning")
