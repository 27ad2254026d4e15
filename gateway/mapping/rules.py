"""Building blocks shared by the inbound and outbound builders: names, types, converters."""

from __future__ import annotations

import dataclasses
import functools
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Union, get_args, get_origin, get_type_hints

from gateway.mapping.codes import CodeTable
from gateway.mapping.converters import InContext, InConverter, OutContext, OutConverter
from gateway.mapping.selectors import Picked

InFunc = Callable[[Picked, InContext], object]
OutFunc = Callable[[object, OutContext], str | None]


@dataclass(frozen=True)
class BuildContext:
    """What building a mapping from its file may look up: converters and code tables."""

    inbound: Mapping[str, InConverter]
    outbound: Mapping[str, OutConverter]
    tables: Mapping[str, CodeTable]


def known_converters(names: Mapping[str, object]) -> str:
    """The converter names a file may use, for a problem message."""
    return ", ".join([*sorted(names), "code:<table>"])


def table_for(
    name: str, context: BuildContext, where: str, problems: list[str]
) -> CodeTable | None:
    """The code table named by ``code:<table>``, or None with a problem."""
    table = context.tables.get(name)
    if table is None:
        known = ", ".join(sorted(context.tables)) or "none"
        problems.append(f"{where}: unknown code table {name!r} (known: {known})")
    return table


def in_converter(
    name: str, context: BuildContext, where: str, problems: list[str]
) -> tuple[InFunc, type] | None:
    """Resolve an inbound converter name to its function and the type it produces."""
    if name.startswith("code:"):
        table = table_for(name[5:], context, where, problems)
        return None if table is None else (_lookup_in(table), str)
    converter = context.inbound.get(name)
    if converter is None:
        problems.append(
            f"{where}: unknown converter {name!r} (known: {known_converters(context.inbound)})"
        )
        return None
    return converter.func, converter.produces


def out_converter(
    name: str, context: BuildContext, where: str, problems: list[str]
) -> OutFunc | None:
    """Resolve an outbound converter name to its function."""
    if name.startswith("code:"):
        table = table_for(name[5:], context, where, problems)
        return None if table is None else _lookup_out(table)
    converter = context.outbound.get(name)
    if converter is None:
        problems.append(
            f"{where}: unknown converter {name!r} (known: {known_converters(context.outbound)})"
        )
        return None
    return converter.func


def _lookup_in(table: CodeTable) -> InFunc:
    def lookup(picked: Picked, context: InContext) -> object:
        return table.lookup(picked.text.strip())

    return lookup


def _lookup_out(table: CodeTable) -> OutFunc:
    def lookup(value: object, context: OutContext) -> str | None:
        return table.lookup(str(value))

    return lookup


@functools.cache
def field_types(cls: type) -> dict[str, Any]:
    """The resolved annotations of a canonical dataclass (resolved once: loading every mapping
    asks about a dozen classes over a thousand times)."""
    return get_type_hints(cls)


def required_fields(cls: type) -> set[str]:
    """Fields of a dataclass that have no default: a mapping must fill them."""
    return {
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }


def plain_types(annotation: Any) -> tuple[Any, ...]:
    """The types a field accepts, without None (``str | None`` -> ``(str,)``)."""
    if get_origin(annotation) in (Union, types.UnionType):
        return tuple(a for a in get_args(annotation) if a is not type(None))
    return (annotation,)


def item_type(annotation: Any) -> Any:
    """The element type of ``tuple[X, ...]``, or None when the field is not a list."""
    for candidate in plain_types(annotation):
        if get_origin(candidate) is tuple:
            return get_args(candidate)[0]
    return None


def accepts(annotation: Any, produced: type, many: bool) -> bool:
    """True when a field of this annotation can hold what a converter produces."""
    if many:
        element = item_type(annotation)
        return element is not None and _fits(element, produced)
    return any(_fits(t, produced) for t in plain_types(annotation))


def _fits(target: Any, produced: type) -> bool:
    return isinstance(target, type) and issubclass(produced, target)


def dataclass_of(annotation: Any) -> type | None:
    """The dataclass a field holds (``Party | None`` -> Party), or None."""
    for candidate in plain_types(annotation):
        if isinstance(candidate, type) and dataclasses.is_dataclass(candidate):
            return candidate
    return None


def check_keys(data: Mapping[str, Any], allowed: set[str], where: str, problems: list[str]) -> None:
    """Report keys a table may not have (a typo is a problem, not silently ignored)."""
    for key in data:
        if key not in allowed:
            problems.append(f"{where}.{key}: unknown key (allowed: {', '.join(sorted(allowed))})")


def as_list(value: object) -> list[Any]:
    """A TOML value that may be one item or a list of items, as a list."""
    return list(value) if isinstance(value, list) else [value]


def type_name(annotation: Any) -> str:
    """A field type as a person reads it: ``str``, ``date | None``, ``tuple[str, ...]``."""
    if isinstance(annotation, type) and not get_args(annotation):
        return annotation.__name__
    return str(annotation).replace("typing.", "").replace("datetime.", "").replace("decimal.", "")
