"""Code-conversion tables: a standard's code list on one side, a canonical value on the other.

Tables live in ``mappings/codes/<name>.toml`` and are named in mapping files as
``code:<name>``. A mapping file and a partner override may add or replace entries with a
``[codes.<name>]`` table; the partner's entries win.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gateway.mapping.converters import ConversionError

UNKNOWN_POLICIES = ("keep", "drop", "error")


@dataclass(frozen=True)
class CodeTable:
    """One code list conversion with the policy for codes it does not list."""

    name: str
    codes: Mapping[str, str] = field(default_factory=dict)
    unknown: str = "error"
    default: str | None = None

    def lookup(self, code: str) -> str | None:
        """The converted code; None when the table drops unknown codes."""
        if code in self.codes:
            return self.codes[code]
        if self.default is not None:
            return self.default
        if self.unknown == "keep":
            return code
        if self.unknown == "drop":
            return None
        known = ", ".join(sorted(self.codes)) or "none"
        raise ConversionError("mapping.code", f"is not in code table {self.name} (known: {known})")

    def merged(self, codes: Mapping[str, str]) -> CodeTable:
        """This table with the given entries added or replaced."""
        return CodeTable(self.name, {**self.codes, **codes}, self.unknown, self.default)


def parse_code_table(
    name: str, data: Mapping[str, Any], where: str, problems: list[str]
) -> CodeTable:
    """Build a table from a codes file's TOML data, appending every problem found."""
    unknown = data.get("unknown", "error")
    if unknown not in UNKNOWN_POLICIES:
        policies = ", ".join(UNKNOWN_POLICIES)
        problems.append(f"{where}: unknown: {unknown!r} is not one of {policies}")
    default = data.get("default")
    if default is not None and not isinstance(default, str):
        problems.append(f"{where}: default: must be a string")
        default = None
    return CodeTable(
        name, parse_codes(data.get("codes", {}), f"{where}: codes", problems), str(unknown), default
    )


def parse_codes(data: object, where: str, problems: list[str]) -> dict[str, str]:
    """Check a ``code = "value"`` table; both sides must be strings."""
    if not isinstance(data, dict):
        problems.append(f'{where}: must be a table of code = "value"')
        return {}
    codes: dict[str, str] = {}
    for code, value in data.items():
        if isinstance(value, str):
            codes[str(code)] = value
        else:
            problems.append(f"{where}.{code}: must be a string, not {type(value).__name__}")
    return codes
