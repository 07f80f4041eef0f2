"""What a delivery would change: our payload against what the national catalogue holds.

Only the fields we send are compared, so fields the API adds on its own never count as a change.
"""

from __future__ import annotations

from typing import Any

DATES = ("dctModified", "dctIssued")


def _normal(key: str, value: Any) -> Any:
    if key in DATES and isinstance(value, str):
        return value.replace("+00:00", "Z").replace(".000Z", "Z")
    if isinstance(value, list):
        return sorted(repr(_normal(key, v)) for v in value)
    if isinstance(value, dict):
        return {k: _normal(k, v) for k, v in sorted(value.items())}
    return value


def changed_fields(stored: dict[str, Any] | None, ours: dict[str, Any]) -> list[str]:
    """Names of the fields whose value differs (every field when nothing is stored yet)."""
    stored = stored or {}
    keys = set(ours) | {k for k in stored if k == "dcatDistribution"}
    return sorted(k for k in keys if _normal(k, stored.get(k)) != _normal(k, ours.get(k)))
