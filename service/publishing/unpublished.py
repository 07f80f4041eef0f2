"""Columns not published because they are empty or repeat published columns, checked against the table.

This is no exception to openness (the data is public through the column it repeats), so it carries no
Woo ground; but it is refused when the column holds something the published columns do not.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..mapping.geometry import parse as parse_wkt
from ..mapping.lexical import decimal_text
from ..mapping.model import DatasetMapping, Source
from ..mapping.sources import Table
from ..policy.model import UnpublishedColumn

_WORDS = re.compile(r"[^\W_]+")
#: Centroids and rounded coordinates may stray this far (in the geometry's unit) outside its extent.
_SLACK = 1e-6


def _words(text: str) -> set[str]:
    """The words of a cell, also as written together (a postcode '9712 GE' gives 9712, ge and 9712ge)."""
    return set(_WORDS.findall(text.casefold().replace(" ", "")) + _WORDS.findall(text.casefold()))


def _covered(value: str, repeated: list[str]) -> bool:
    """Whether every word of ``value`` is in the repeated cells, or a number lies within a repeated geometry."""
    number = decimal_text(value.strip(), None)
    if number is not None:
        n = float(number)
        for cell in repeated:
            shape = parse_wkt(cell)
            if shape is not None:
                xs, ys = [x for x, _ in shape[2]], [y for _, y in shape[2]]
                if min(xs) - _SLACK <= n <= max(xs) + _SLACK or min(ys) - _SLACK <= n <= max(ys) + _SLACK:
                    return True
            elif (other := decimal_text(cell.strip(), None)) is not None and float(other) == n:
                return True
    found = set().union(*(_words(c) for c in repeated)) if repeated else set()
    wanted = set(_WORDS.findall(value.casefold()))
    return bool(wanted) and wanted <= found


def _check(entry: UnpublishedColumn, source: Source, name: str) -> str | None:
    nulls = source.dialect.null_values
    columns = [entry.column, *entry.repeats]
    with Table(source) as table:
        for rows, numbers, _ in table.chunks(columns, 4096):
            for row, number in zip(rows, numbers, strict=True):
                value = row[0]
                if value in nulls:
                    continue
                if entry.reason == "empty":
                    return (
                        f"{name}: policy.unpublished says column '{entry.column}' of {source.path.name} is empty, "
                        f"but it is not empty: row {number} holds a value "
                        "(publish it, or withhold it with a Woo ground)"
                    )
                if not _covered(value, [c for c in row[1:] if c not in nulls]):
                    return (
                        f"{name}: policy.unpublished says column '{entry.column}' of {source.path.name} repeats "
                        f"{', '.join(entry.repeats)}, but row {number} holds more than they do "
                        "(publish it, or withhold it with a Woo ground)"
                    )
    return None


def unpublished_problems(mapping: DatasetMapping, used: dict[Path, set[str]], sources: dict[Path, Source]) -> list[str]:
    """One problem per unpublished column that is published anyway, repeats unpublished columns, or is neither."""
    name = mapping.path.name
    problems = []
    for entry in mapping.policy.unpublished:
        for path, source in sources.items():
            if not entry.applies_to(source) or entry.column not in (table_columns := _header(source)):
                continue
            published = used.get(path, set())
            if entry.column in published:
                problems.append(f"{name}: column '{entry.column}' is both published and in policy.unpublished")
                continue
            lacking = [c for c in entry.repeats if c not in published or c not in table_columns]
            if lacking:
                problems.append(
                    f"{name}: policy.unpublished column '{entry.column}' repeats {', '.join(map(repr, lacking))}, "
                    "which the mapping has not published (name published columns of the same table)"
                )
                continue
            problem = _check(entry, source, name)
            if problem:
                problems.append(problem)
    return problems


def _header(source: Source) -> tuple[str, ...]:
    with Table(source) as table:
        return table.columns
