"""The error taxonomy: what happens next decides the class, not where it was raised."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where in a file something was found: segment, element, component or XPath."""

    file: str | None = None
    segment_position: int | None = None
    segment_tag: str | None = None
    element: int | None = None
    component: int | None = None
    xpath: str | None = None
    offset: int | None = None
    # A CSV file's row (1 is the header line) and column name.
    row: int | None = None
    column: str | None = None
    # An XML file's line (1 is the first); `column` then holds the column number.
    line: int | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.segment_position is not None or self.segment_tag:
            seg = f"segment {self.segment_position}" if self.segment_position else "segment"
            parts.append(f"{seg} ({self.segment_tag})" if self.segment_tag else seg)
        if self.element is not None:
            elem = f"element {self.element}"
            if self.component is not None:
                elem += f", component {self.component}"
            parts.append(elem)
        if self.xpath:
            parts.append(self.xpath)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        if self.offset is not None and self.segment_position is None:
            parts.append(f"byte {self.offset}")
        return ", ".join(parts)

    def with_file(self, file: str) -> Location:
        """The same place, named in the given file."""
        return Location(
            file,
            self.segment_position,
            self.segment_tag,
            self.element,
            self.component,
            self.xpath,
            self.offset,
            self.row,
            self.column,
            self.line,
        )


@dataclass(frozen=True)
class Issue:
    """One problem found in a file: a stable code, a sentence for a person, and where."""

    code: str
    message: str
    location: Location = Location()
    severity: str = "error"
    # The offending value as it stood in the file (X12 AK404/IK404 copy it back).
    value: str | None = None

    def __str__(self) -> str:
        where = str(self.location)
        return f"{where}: {self.message}" if where else self.message


class GatewayError(Exception):
    """Base of every error the gateway raises on purpose."""

    code = "gateway"

    def __init__(self, message: str, issues: Iterable[Issue] = ()) -> None:
        super().__init__(message)
        self.issues: tuple[Issue, ...] = tuple(issues)

    @property
    def message(self) -> str:
        """The sentence a person reads."""
        return str(self.args[0])

    @property
    def location(self) -> Location | None:
        """Where the first issue is, if any."""
        return self.issues[0].location if self.issues else None


class PermanentError(GatewayError):
    """Retrying cannot help: the message waits in the failed queue for a person."""

    code = "permanent"


class ParseError(PermanentError):
    """The bytes are not a well-formed interchange."""

    code = "parse"


class ValidationError(PermanentError):
    """The interchange parsed but breaks a rule of its standard or of the partner."""

    code = "validation"


class MappingError(PermanentError):
    """A document could not be mapped to or from the canonical model."""

    code = "mapping"


class UnknownPartnerError(PermanentError):
    """The sender is not a configured trading partner."""

    code = "unknown_partner"


class BusinessRuleError(PermanentError):
    """The order breaks a business rule (customer, item, credit)."""

    code = "business_rule"


class TransientError(GatewayError):
    """Something outside the message failed (disk, network, database busy): retry later."""

    code = "transient"


class ConfigError(GatewayError):
    """The configuration is invalid; every problem is listed, naming file and key."""

    code = "config"

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("invalid configuration:\n  " + "\n  ".join(self.problems))
