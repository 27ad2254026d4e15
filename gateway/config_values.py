"""Reading typed values out of parsed TOML tables, collecting every problem instead of stopping."""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
# Key names that hold a secret when given a literal value; `<key>_env` names the variable instead.
_SECRET_WORDS = ("password", "passphrase", "secret", "token", "private_key")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def suggest(word: str, choices: Iterable[str]) -> str:
    """A ` (did you mean 'x'?)` hint for a near miss, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def parse_duration(raw: object) -> timedelta:
    """A duration from `"500ms"`, `"2s"`, `"10m"`, `"1h"`, `"1d"` or a plain number of seconds."""
    if isinstance(raw, bool):
        raise ValueError(f"{raw!r} is not a duration")
    if isinstance(raw, int | float):
        if raw < 0:
            raise ValueError(f"{raw!r} is negative; a duration must be 0 or more")
        return timedelta(seconds=raw)
    if not isinstance(raw, str):
        raise ValueError(f"{raw!r} is not a duration")
    match = _DURATION.match(raw)
    if match is None:
        raise ValueError(
            f'{raw!r} is not a duration; write a number with a unit, such as "500ms", '
            '"2s", "10m" or "1h" (a plain number means seconds)'
        )
    amount, unit = float(match.group(1)), match.group(2) or "s"
    return timedelta(seconds=amount * _UNIT_SECONDS[unit])


def is_secret_key(key: str) -> bool:
    """True for key names that would hold a secret (password, key_passphrase...)."""
    lowered = key.lower()
    return not lowered.endswith("_env") and any(word in lowered for word in _SECRET_WORDS)


def secret_problems(table: Mapping[str, object], file: str, prefix: str = "") -> list[str]:
    """One problem for every literal secret anywhere in a parsed TOML document."""
    problems: list[str] = []
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            problems += secret_problems(value, file, f"{dotted}.")
        elif isinstance(value, list) and all(isinstance(item, dict) for item in value) and value:
            for index, item in enumerate(value):
                problems += secret_problems(item, file, f"{dotted}[{index}].")
        elif is_secret_key(key):
            problems.append(
                f"{file}: {dotted}: secrets must not be written in configuration files; "
                f"remove it, put the secret in an environment variable and write {key}_env = "
                '"ENV_VAR_NAME" instead'
            )
    return problems


def read_toml(path: Path, label: str, problems: list[str]) -> dict[str, object] | None:
    """The parsed TOML file, or None with a problem added when it cannot be read or parsed."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        position = _TOML_POSITION.search(message)
        if position:
            where = f"line {position.group(1)}, column {position.group(2)}"
            message = f"TOML syntax error at {where}: {message[: position.start()]}"
        else:
            message = f"TOML syntax error: {message}"
        problems.append(f"{label}: {message}")
    except UnicodeDecodeError as exc:
        problems.append(f"{label}: the file is not valid UTF-8 ({exc.reason} at byte {exc.start})")
    except OSError as exc:
        problems.append(f"{label}: cannot read the file: {exc.strerror or exc}")
    return None


def _type_name(value: object) -> str:
    """The TOML name of a parsed value's type, for messages."""
    names = {bool: "boolean", int: "integer", float: "number", str: "string"}
    names |= {list: "array", dict: "table"}
    return names.get(type(value), type(value).__name__)


class Table:
    """One TOML table being read, with where each value came from (a file key or a variable)."""

    def __init__(
        self,
        values: Mapping[str, object],
        file: str,
        problems: list[str],
        prefix: str = "",
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.values = values
        self.file = file
        self.problems = problems
        self.prefix = prefix
        # key -> environment variable name, for values that came from the environment as text
        self.env: Mapping[str, str] = env or {}

    def where(self, key: str) -> str:
        """`file: dotted.key`, or `environment variable NAME` for an overridden value."""
        if key in self.env:
            return f"environment variable {self.env[key]}"
        return f"{self.file}: {self.prefix}{key}"

    def problem(self, key: str, message: str) -> None:
        """Record one problem about one key."""
        self.problems.append(f"{self.where(key)}: {message}")

    def check_keys(self, allowed: Iterable[str]) -> None:
        """Record every key that is not one of `allowed`, suggesting the close match."""
        known = list(allowed)
        for key in self.values:
            if key not in known and not is_secret_key(key):
                hint = suggest(key, known)
                self.problem(key, f"unknown key{hint}; known keys are {', '.join(known)}")

    def has(self, key: str) -> bool:
        """True when the key is present."""
        return key in self.values

    def _typed(self, key: str, kind: type[T], default: T, what: str) -> T:
        """The value when it has the expected TOML type; else a problem and the default."""
        if key not in self.values:
            return default
        value = self.values[key]
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return value
        self.problem(key, f"expected {what}, got {_type_name(value)} {value!r}")
        return default

    def text(self, key: str, default: str) -> str:
        """A string value."""
        return self._typed(key, str, default, 'a string in quotes, such as "value"')

    def optional_text(self, key: str) -> str | None:
        """A string value, or None when absent."""
        return self.text(key, "") if key in self.values else None

    def required_text(self, key: str) -> str:
        """A non-empty string value that must be present."""
        if key not in self.values:
            self.problem(key, "is required")
            return ""
        value = self.text(key, "")
        if isinstance(self.values[key], str) and not value.strip():
            self.problem(key, "must not be empty")
        return value.strip()

    def integer(self, key: str, default: int, minimum: int) -> int:
        """A whole number of at least `minimum`."""
        if key in self.env:
            number = self._from_env(key, int, "a whole number")
            value = default if number is None else int(number)
        else:
            value = self._typed(key, int, default, "a whole number")
        if value < minimum:
            self.problem(key, f"{value} is too small; it must be at least {minimum}")
            return default
        return value

    def fraction(self, key: str, default: float) -> float:
        """A number from 0 to 1."""
        raw = self.values.get(key, default)
        if key in self.env:
            number = self._from_env(key, float, "a number")
            if number is None:
                return default
            raw = number
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            self.problem(key, f"expected a number from 0 to 1, got {_type_name(raw)} {raw!r}")
            return default
        if not 0 <= raw <= 1:
            self.problem(key, f"{raw} is out of range; it must be from 0 to 1")
            return default
        return float(raw)

    def boolean(self, key: str, default: bool) -> bool:
        """A true/false value (environment: true/false, yes/no, on/off, 1/0)."""
        if key in self.env:
            text = str(self.values[key]).strip().lower()
            if text in _TRUE | _FALSE:
                return text in _TRUE
            self.problem(key, f"{self.values[key]!r} is not true or false")
            return default
        return self._typed(key, bool, default, "true or false")

    def duration(self, key: str, default: timedelta) -> timedelta:
        """A duration such as `"2s"` or a plain number of seconds."""
        if key not in self.values:
            return default
        try:
            return parse_duration(self.values[key])
        except ValueError as exc:
            self.problem(key, str(exc))
            return default

    def positive_duration(self, key: str, default: timedelta) -> timedelta:
        """A duration that must be more than zero."""
        value = self.duration(key, default)
        if value <= timedelta(0):
            self.problem(key, "must be more than zero")
            return default
        return value

    def choice(self, key: str, default: str, choices: tuple[str, ...], upper: bool = False) -> str:
        """A string that must be one of `choices` (compared upper-cased when `upper`)."""
        value = self.text(key, default)
        normal = value.upper() if upper else value
        if normal in choices:
            return normal
        hint = suggest(normal, choices)
        self.problem(key, f"{value!r} is not one of {', '.join(choices)}{hint}")
        return default

    def text_list(self, key: str) -> list[str]:
        """An array of strings (problems for any element that is not a string)."""
        raw = self.values.get(key, [])
        if not isinstance(raw, list):
            self.problem(key, f"expected an array of strings, got {_type_name(raw)} {raw!r}")
            return []
        for index, item in enumerate(raw):
            if not isinstance(item, str):
                self.problem(key, f"element {index + 1}: expected a string, got {item!r}")
        return [item for item in raw if isinstance(item, str)]

    def table(self, key: str) -> Table | None:
        """The sub-table under `key`, or None when absent or not a table."""
        if key not in self.values:
            return None
        raw = self.values[key]
        if not isinstance(raw, dict):
            self.problem(key, f"expected a table [{self.prefix}{key}], got {_type_name(raw)}")
            return None
        return Table(raw, self.file, self.problems, f"{self.prefix}{key}.")

    def tables(self, key: str) -> list[Table]:
        """The array of tables `[[key]]` (empty when absent)."""
        raw = self.values.get(key, [])
        if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
            self.problem(key, f"expected an array of tables [[{self.prefix}{key}]]")
            return []
        return [
            Table(item, self.file, self.problems, f"{self.prefix}{key}[{index}].")
            for index, item in enumerate(raw)
        ]

    def _from_env(self, key: str, kind: type[int] | type[float], what: str) -> int | float | None:
        """Convert a value that came from the environment as text; None (and a problem) if bad."""
        text = str(self.values[key]).strip()
        try:
            return kind(text)
        except ValueError:
            self.problem(key, f"{self.values[key]!r} is not {what}")
            return None
