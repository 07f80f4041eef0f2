"""Read the ``policy:`` block of a mapping file into the model, with key-precise errors for data teams.

The block is our extension of YARRRML; other tools ignore it. See docs/policy.md for its form.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, Literal, TypeGuard, TypeVar

from ..errors import MappingError, MappingProblems
from .grounds import GROUNDS, normalise
from .model import (
    Aggregation,
    Allowance,
    Policy,
    RowCondition,
    ScanKind,
    UnpublishedColumn,
    WithheldColumn,
    WithheldDataset,
)

Fail = Callable[..., MappingError]
POLICY_KEYS = {"withheld", "rows", "aggregate", "dataset", "allow", "unpublished"}
UNPUBLISHED_REASONS: tuple[Literal["empty", "redundant"], ...] = ("empty", "redundant")
SCAN_KINDS: tuple[ScanKind, ...] = ("bsn", "email", "phone", "iban", "address")
ACCESS = ("NON_PUBLIC", "RESTRICTED")
_Word = TypeVar("_Word", bound=str)


def _among(text: str, options: tuple[_Word, ...]) -> TypeGuard[_Word]:
    """Whether ``text`` is one of ``options``; then it has their literal type."""
    return text in options


def _str_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


class _Reader:
    def __init__(self, fail: Fail) -> None:
        self.fail = fail

    def mapping(self, node: Any, where: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(node, dict):
            raise self.fail(where, "expected a map")
        unknown = set(node) - allowed
        if unknown:
            raise self.fail(
                where,
                f"unknown key(s) {', '.join(sorted(map(str, unknown)))}",
                f"allowed: {', '.join(sorted(allowed))}",
            )
        return node

    def entry(self, node: dict[str, Any], where: str) -> dict[str, str]:
        """The ground, motivation and since every register entry carries; all their problems at once."""
        errors: list[MappingError] = []
        code = node.get("ground")
        ground = GROUNDS.get(normalise(str(code))) if code else None
        if not code:
            errors.append(self.fail(f"{where}.ground", "a Woo ground is required", 'e.g. ground: "5.1(2)e"'))
        elif ground is None:
            errors.append(
                self.fail(
                    f"{where}.ground",
                    f"'{code}' is not a ground of the Woo",
                    f"use one of {', '.join(GROUNDS)} (art. 5.1(1) a-e, 5.1(2) a-i, 5.2)",
                )
            )
        motivation = str(node.get("motivation") or "").strip()
        if not motivation or "\n" in motivation:
            errors.append(self.fail(f"{where}.motivation", "a one-line motivation in Dutch is required"))
        since = node.get("since")
        if isinstance(since, dt.datetime):
            since = since.date()
        if isinstance(since, str):
            try:
                since = dt.date.fromisoformat(since)
            except ValueError:
                since = None
        if not isinstance(since, dt.date):
            errors.append(
                self.fail(f"{where}.since", "since when the exception applies is required", "since: 2024-01-01")
            )
        if len(errors) > 1:
            raise MappingProblems(errors)
        if errors:
            raise errors[0]
        assert ground is not None and isinstance(since, dt.date)
        return {"ground": ground.code, "motivation": motivation, "since": since.isoformat()}

    def column(self, node: Any, where: str) -> WithheldColumn:
        node = self.mapping(node, where, {"column", "ground", "motivation", "since", "source"})
        if not node.get("column"):
            raise self.fail(where, "a withheld column needs 'column', 'ground', 'motivation' and 'since'")
        source = str(node["source"]) if node.get("source") else None
        return WithheldColumn(column=str(node["column"]), source=source, **self.entry(node, where))

    def row(self, node: Any, where: str) -> RowCondition:
        node = self.mapping(node, where, {"where", "ground", "motivation", "since", "source"})
        cond = self.mapping(node.get("where"), f"{where}.where", {"column", "equals", "in", "matches"})
        operators = [k for k in ("equals", "in", "matches") if k in cond]
        if not cond.get("column") or len(operators) != 1:
            raise self.fail(
                f"{where}.where",
                "a row condition is {column: C, equals: V}, {column: C, in: [V, …]} or {column: C, matches: REGEX}",
            )
        op = operators[0]
        values = tuple(str(v) for v in _str_list(cond[op]))
        if not values or any(v == "" for v in values):
            raise self.fail(f"{where}.where.{op}", "give at least one non-empty value")
        if op == "matches":
            try:
                re.compile(values[0])
            except re.error as exc:
                raise self.fail(f"{where}.where.matches", f"invalid regular expression: {exc}") from None
        return RowCondition(
            column=str(cond["column"]),
            operator="in" if op == "equals" else op,
            values=values,
            source=str(node["source"]) if node.get("source") else None,
            **self.entry(node, where),
        )

    def aggregate(self, node: Any, where: str) -> Aggregation:
        keys = {"source", "by", "count", "measure", "threshold", "rounding", "totals", "ground", "motivation", "since"}
        node = self.mapping(node, where, keys)
        if not node.get("source") or not node.get("by"):
            raise self.fail(where, "an aggregate needs 'source' and 'by' (the columns of a cell, e.g. [buurtcode])")
        by = tuple(str(c) for c in _str_list(node["by"]))
        threshold, rounding = node.get("threshold", 0), node.get("rounding", 0)
        if not isinstance(threshold, int) or threshold < 0:
            raise self.fail(f"{where}.threshold", "the threshold is a whole number of at least 0")
        if not isinstance(rounding, int) or rounding < 0 or rounding == 1:
            raise self.fail(f"{where}.rounding", "rounding is 0 (none) or the base to round to, e.g. 5")
        if not threshold and not rounding:
            raise self.fail(where, "small counts identify people: set a 'threshold' or 'rounding: 5'")
        totals = node.get("totals") or {}
        if not isinstance(totals, dict) or any(str(k) not in by for k in totals):
            raise self.fail(f"{where}.totals", "totals map a column of 'by' to the label of its total row")
        return Aggregation(
            source=str(node["source"]),
            by=by,
            count=str(node.get("count") or "aantal"),
            measure=str(node["measure"]) if node.get("measure") else None,
            threshold=threshold,
            rounding=rounding,
            totals=tuple((str(k), str(v)) for k, v in totals.items()),
            **self.entry(node, where),
        )

    def dataset(self, node: Any, where: str) -> WithheldDataset:
        node = self.mapping(node, where, {"ground", "motivation", "since", "access"})
        access = str(node.get("access") or "NON_PUBLIC").upper()
        if access not in ACCESS:
            raise self.fail(f"{where}.access", f"access is one of {', '.join(ACCESS)}, not '{node.get('access')}'")
        return WithheldDataset(access=access, **self.entry(node, where))

    def unpublished(self, node: Any, where: str) -> UnpublishedColumn:
        node = self.mapping(node, where, {"column", "reason", "repeats", "motivation", "source"})
        reason = str(node.get("reason") or "")
        if not node.get("column") or not _among(reason, UNPUBLISHED_REASONS):
            raise self.fail(where, "an unpublished column needs 'column' and 'reason' (empty or redundant)")
        repeats = tuple(str(c) for c in _str_list(node.get("repeats") or []))
        if (reason == "redundant") != bool(repeats):
            raise self.fail(
                f"{where}.repeats",
                "a redundant column names the published columns it repeats, an empty one none",
                "repeats: [postcode, huisnummer]",
            )
        motivation = str(node.get("motivation") or "").strip()
        if not motivation or "\n" in motivation:
            raise self.fail(f"{where}.motivation", "a one-line motivation in Dutch is required")
        source = str(node["source"]) if node.get("source") else None
        return UnpublishedColumn(str(node["column"]), reason, motivation, repeats, source)

    def allow(self, node: Any, where: str) -> Allowance:
        node = self.mapping(node, where, {"kind", "column", "motivation"})
        kind = str(node.get("kind") or "")
        if not _among(kind, SCAN_KINDS):
            raise self.fail(f"{where}.kind", f"kind is one of {', '.join(SCAN_KINDS)}, not '{kind}'")
        motivation = str(node.get("motivation") or "").strip()
        if not motivation:
            raise self.fail(f"{where}.motivation", "an allow entry needs a motivation: why this is not personal data")
        column = str(node["column"]) if node.get("column") else None
        return Allowance(kind=kind, motivation=motivation, column=column)


def read_policy(raw: Any, fail: Fail) -> Policy:
    """The policy block as the model; ``fail(where, problem, fix)`` makes the error for the mapping file."""
    if raw is None:
        return Policy()
    reader = _Reader(lambda where, *a: fail(f"policy.{where}", *a))
    node = reader.mapping(raw, "", POLICY_KEYS) if raw else {}

    def each(key: str, read: Callable[[Any, str], Any]) -> tuple[Any, ...]:
        items = node.get(key) or []
        if key == "aggregate" and isinstance(items, dict):
            items = [items]
        if not isinstance(items, list):
            raise fail(f"policy.{key}", f"'{key}' must be a list")
        read_items, errors = [], []
        for i, item in enumerate(items):  # every entry is read, so all their problems show in one run
            try:
                read_items.append(read(item, f"{key}[{i}]"))
            except MappingProblems as exc:
                errors += exc.errors
            except MappingError as exc:
                errors.append(exc)
        if errors:
            raise errors[0] if len(errors) == 1 else MappingProblems(errors)
        return tuple(read_items)

    policy = Policy(
        columns=each("withheld", reader.column),
        rows=each("rows", reader.row),
        aggregates=each("aggregate", reader.aggregate),
        dataset=reader.dataset(node["dataset"], "dataset") if node.get("dataset") else None,
        allow=each("allow", reader.allow),
        unpublished=each("unpublished", reader.unpublished),
    )
    names = [w.column for w in policy.columns]
    twice = sorted({n for n in names if names.count(n) > 1 and all(w.source is None for w in policy.columns)})
    if twice:
        raise fail("policy.withheld", f"column(s) {twice} are listed twice")
    return policy
