"""Counts from one source, published by two datasets, must not be subtractable into a small count.

Each aggregate is protected on its own (service/policy/aggregate.py). Two aggregates of the same person-level
table (counts per wijk, and counts per wijk without one category) can still be subtracted: a published cell
of one minus the published cells of the other that lie inside it is a count of people too. When such a
difference is above zero and under the threshold, the build fails, naming both tables and why.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .guard import AggregatedTable, FilteredTable
from .model import Aggregation

if TYPE_CHECKING:  # annotations only: the reader of exports is given by the caller (the build)
    from ..mapping.model import DatasetMapping, Source
    from .guard import Read

#: A cell of a published table: one value per dimension, None where the cell is the total over it.
Cell = tuple[str | None, ...]


@dataclass
class _Table:
    """One aggregate as published: its cells' counts, which are secret, and the cells each source row lies in."""

    mapping: DatasetMapping
    source: Source
    aggregation: Aggregation
    counts: dict[Cell, int]
    secret: set[Cell]
    #: Per source row (by row number): the published cells it is counted in.
    cells_of: dict[int, list[Cell]]

    @property
    def name(self) -> str:
        by = ", ".join(self.aggregation.by)
        conditions = self.mapping.policy.row_conditions(self.source)
        left_out = f", {len(conditions)} row condition(s)" if conditions else ""
        return f"dataset '{self.mapping.slug}' ({self.mapping.path.name}: counts per {by}{left_out})"


def _published(mapping: DatasetMapping, source: Source, aggregation: Aggregation, read: Read) -> _Table:
    """Read the table as its dataset publishes it, and which published cells every row is counted in."""
    table = AggregatedTable(source, aggregation, mapping.policy.row_conditions(source), seed=mapping.slug, read=read)
    dims = len(aggregation.by)
    labels = dict(aggregation.totals)
    counts: dict[Cell, int] = {}
    secret: set[Cell] = set()
    for row in table.rows:
        cell = tuple(None if labels.get(d) == v else v for d, v in zip(aggregation.by, row[:dims], strict=True))
        if row[dims] == "":
            secret.add(cell)
        counts[cell] = 0
    totals = [d for d, dim in enumerate(aggregation.by) if dim in labels]
    cells_of: dict[int, list[Cell]] = {}
    nulls = source.dialect.null_values
    columns = list(aggregation.by) + ([aggregation.measure] if aggregation.measure else [])
    with FilteredTable(source, mapping.policy.row_conditions(source), read) as rows:
        for chunk, numbers, _malformed in rows.chunks(columns, 65536):
            for row, number in zip(chunk, numbers, strict=True):
                key = tuple(v.strip() for v in row[:dims])
                if any(v in nulls for v in key):
                    continue
                weight = 1 if aggregation.measure is None else int(float(row[dims].replace(",", ".")))
                cells = list(_cells(key, totals))
                for cell in cells:
                    if cell in counts:
                        counts[cell] += weight
                cells_of[number] = [c for c in cells if c in counts and c not in secret]
    return _Table(mapping, source, aggregation, counts, secret, cells_of)


def _cells(key: tuple[str, ...], totals: list[int]) -> Iterator[Cell]:
    """The cell of the key, and every published total it is counted in."""
    for mask in itertools.product((False, True), repeat=len(totals)):
        cell: list[str | None] = list(key)
        for d, total in zip(totals, mask, strict=True):
            if total:
                cell[d] = None
        yield tuple(cell)


def _revealed(outer: _Table, inner: _Table, threshold: int) -> int:
    """How many published cells of ``outer``, less published cells of ``inner`` inside them, leave a small count."""
    pairs: Counter[tuple[Cell, Cell]] = Counter()
    sizes: Counter[Cell] = Counter()
    for number, cells in inner.cells_of.items():
        for b in cells:
            sizes[b] += 1
        for a in outer.cells_of.get(number, ()):
            for b in cells:
                pairs[a, b] += 1
    inside: dict[Cell, list[Cell]] = {}
    for (a, b), n in pairs.items():
        if n == sizes[b]:  # every row of b is in a: b can be subtracted from a
            inside.setdefault(a, []).append(b)
    dims = len(inner.aggregation.by)
    found = 0
    for a, cells in inside.items():
        value = outer.counts[a]
        singles = [value - inner.counts[b] for b in cells]
        base = [b for b in cells if all(v is not None for v in b[:dims])]
        remainders = singles + ([value - sum(inner.counts[b] for b in base)] if base else [])
        if any(0 < r < threshold for r in remainders):
            found += 1
    return found


def differencing_problems(mappings: list[DatasetMapping], read: Read) -> list[str]:
    """One problem per pair of published aggregates of one source that together reveal a count under the threshold."""
    by_source: dict[Path, list[tuple[DatasetMapping, Source, Aggregation]]] = {}
    for mapping in mappings:
        if mapping.policy.dataset is not None:
            continue
        for source in mapping.sources:
            aggregation = mapping.policy.aggregation(source)
            if aggregation is not None:
                by_source.setdefault(source.path.resolve(), []).append((mapping, source, aggregation))
    problems = []
    for path, entries in by_source.items():
        if len(entries) < 2:
            continue
        tables = [_published(*entry, read) for entry in entries]
        for one, other in itertools.combinations(tables, 2):
            threshold = max(one.aggregation.threshold, other.aggregation.threshold)
            if not threshold:
                continue  # rounded only: a difference of two rounded counts is not a count
            found = _revealed(one, other, threshold) + _revealed(other, one, threshold)
            if found:
                problems.append(
                    f"{one.name} and {other.name} both publish counts of {path.parent.name}/{path.name}: "
                    f"subtracting the cells of one from a cell of the other that holds them leaves a count under "
                    f"{threshold} ({found} time(s)), so together they reveal what each suppresses (publish one "
                    "aggregate with 'totals' instead, give both the same row conditions, or withhold one)"
                )
    return problems
