"""How an override (partner file or `extends`) is merged over a base mapping's data."""

from __future__ import annotations

from typing import Any

Table = dict[str, Any]


def merge_mapping(base: Table, override: Table) -> Table:
    """The base mapping with the override's differences applied (the override wins)."""
    merged = dict(base)
    merged["mapping"] = {**base.get("mapping", {}), **override.get("mapping", {})}
    merged["fields"] = merge_named(base.get("fields", {}), override.get("fields", {}))
    merged["segments"] = merge_named(base.get("segments", {}), override.get("segments", {}))
    merged["groups"] = _merge_groups(base.get("groups", {}), override.get("groups", {}))
    merged["codes"] = _merge_codes(base.get("codes", {}), override.get("codes", {}))
    for key, value in override.items():
        if key not in merged and key != "extends":
            merged[key] = value
    return {k: v for k, v in merged.items() if v or k == "mapping"}


def merge_named(base: Table, override: Table) -> Table:
    """Entries replaced by name in place, new ones after `after` or at the end, `omit` dropped."""
    merged = dict(base)
    for name, entry in override.items():
        if isinstance(entry, dict) and entry.get("omit") is True:
            merged.pop(name, None)
            continue
        if name in merged:
            merged[name] = entry
            continue
        after = entry.get("after") if isinstance(entry, dict) else None
        merged = _insert_after(merged, after, name, entry)
    return merged


def _insert_after(table: Table, after: object, name: str, entry: object) -> Table:
    if not isinstance(after, str) or after not in table:
        return {**table, name: entry}
    result: Table = {}
    for key, value in table.items():
        result[key] = value
        if key == after:
            result[name] = entry
    return result


def _merge_groups(base: Table, override: Table) -> Table:
    merged = dict(base)
    for name, group in override.items():
        if name in merged and isinstance(group, dict) and isinstance(merged[name], dict):
            fields = merge_named(merged[name].get("fields", {}), group.get("fields", {}))
            merged[name] = {**merged[name], **group, "fields": fields}
        else:
            merged[name] = group
    return merged


def _merge_codes(base: Table, override: Table) -> Table:
    merged = dict(base)
    for name, codes in override.items():
        existing = merged.get(name, {})
        both_tables = isinstance(existing, dict) and isinstance(codes, dict)
        merged[name] = {**existing, **codes} if both_tables else codes
    return merged
