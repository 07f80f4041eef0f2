"""Tables as the policy lets them be read: withheld rows left out, aggregated sources read as safe counts.

The mapper opens every table through ``open_table``; what a policy withholds is dropped here, before a
builder, a report or the scanner sees a row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from ..errors import SourceError
from .aggregate import protected_rows
from .model import Aggregation, RowCondition

if TYPE_CHECKING:  # annotations only: the reader of exports is given by the caller (the build)
    from ..mapping.model import DatasetMapping, Source
    from ..mapping.sources import Table

    Read = Callable[[Source], Table]

Chunk = tuple[list[tuple[str, ...]], list[int], list[int]]


def matcher(condition: RowCondition) -> Callable[[str], bool]:
    """Whether a cell meets the condition: values compared without case and surrounding spaces."""
    if condition.operator == "matches":
        pattern = re.compile(condition.values[0])
        return lambda cell: pattern.fullmatch(cell.strip()) is not None
    wanted = {v.strip().casefold() for v in condition.values}
    return lambda cell: cell.strip().casefold() in wanted


class FilteredTable:
    """A table without the rows a row condition withholds; the condition's columns are read, never handed on."""

    def __init__(self, source: Source, conditions: tuple[RowCondition, ...], read: Read) -> None:
        self.table = read(source)
        self.source = source
        self.conditions = conditions
        self.columns = self.table.columns
        self.shape = self.table.shape
        self.width = self.table.width
        self.withheld_rows = 0
        #: Cells left out as too small: only aggregated tables have them.
        self.suppressed = 0
        self.table.require([c.column for c in conditions])

    def __enter__(self) -> FilteredTable:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.table.close()

    def require(self, columns: list[str]) -> None:
        self.table.require(columns)

    def chunks(self, columns: list[str], size: int) -> Iterator[Chunk]:
        if not self.conditions:
            yield from self.table.chunks(columns, size)
            return
        read = list(columns) + [c.column for c in self.conditions if c.column not in columns]
        tests = [(read.index(c.column), matcher(c)) for c in self.conditions]
        width = len(columns)
        for rows, numbers, malformed in self.table.chunks(read, size):
            kept_rows, kept_numbers = [], []
            for row, number in zip(rows, numbers, strict=True):
                if any(test(row[i]) for i, test in tests):
                    self.withheld_rows += 1
                    continue
                kept_rows.append(row if len(read) == width else row[:width])
                kept_numbers.append(number)
            yield kept_rows, kept_numbers, malformed

    def withheld_chunks(self, columns: list[str], size: int) -> Iterator[Chunk]:
        """Only the rows a condition withholds: for the guards that keep links to them from being published."""
        read = list(columns) + [c.column for c in self.conditions if c.column not in columns]
        tests = [(read.index(c.column), matcher(c)) for c in self.conditions]
        width = len(columns)
        for rows, numbers, malformed in self.table.chunks(read, size):
            picked = [
                (row[:width], n) for row, n in zip(rows, numbers, strict=True) if any(t(row[i]) for i, t in tests)
            ]
            yield [r for r, _ in picked], [n for _, n in picked], malformed


class AggregatedTable:
    """A person-level (or count) source read as counts per cell of ``by``, protected before anything sees them."""

    def __init__(
        self, source: Source, aggregation: Aggregation, conditions: tuple[RowCondition, ...], seed: str, read: Read
    ) -> None:
        self.source = source
        self.aggregation = aggregation
        self.columns: tuple[str, ...] = (*aggregation.by, aggregation.count)
        self.width = len(self.columns)
        inner = FilteredTable(source, conditions, read)
        self.shape = replace(inner.shape, header=self.columns, dropped_index_column=False)
        with inner:
            self.rows, self.suppressed, self.left_out = self._protect(inner, seed)
        self.withheld_rows = inner.withheld_rows

    def _protect(self, table: FilteredTable, seed: str) -> tuple[list[tuple[str, ...]], int, int]:
        agg = self.aggregation
        read = list(agg.by) + ([agg.measure] if agg.measure else [])
        table.require(read)
        nulls = self.source.dialect.null_values
        cells: dict[tuple[str, ...], int] = {}
        left_out = 0
        dims = len(agg.by)
        for rows, numbers, malformed in table.chunks(read, 65536):
            left_out += len(malformed)
            for row, number in zip(rows, numbers, strict=True):
                key = tuple(v.strip() for v in row[:dims])
                if any(v in nulls for v in key):
                    left_out += 1
                    continue
                if agg.measure is None:
                    n = 1
                else:
                    try:
                        n = int(float(row[dims].replace(",", ".")))
                    except ValueError:
                        raise SourceError(
                            self.source.path,
                            f"row {number}, column '{agg.measure}': not a count",
                            "the measure of an aggregate must be a whole number",
                        ) from None
                cells[key] = cells.get(key, 0) + n
        rows, suppressed = protected_rows(
            agg.by,
            cells,
            threshold=agg.threshold,
            rounding=agg.rounding,
            totals=dict(agg.totals),
            seed=seed,
        )
        return rows, suppressed, left_out

    def __enter__(self) -> AggregatedTable:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        pass

    def require(self, columns: list[str]) -> None:
        missing = [c for c in columns if c not in self.columns]
        if missing:
            raise SourceError(
                self.source.path,
                f"column(s) {', '.join(repr(c) for c in missing)} named by the mapping are not in the aggregated "
                "table: the policy publishes this source only as counts",
                f"the aggregated table has {', '.join(self.columns)}",
            )

    def chunks(self, columns: list[str], size: int) -> Iterator[Chunk]:
        self.require(columns)
        indexes = [self.columns.index(c) for c in columns]
        for start in range(0, len(self.rows), size):
            block = self.rows[start : start + size]
            yield [tuple(r[i] for i in indexes) for r in block], list(range(start + 2, start + 2 + len(block))), []


def condition_counts(mapping: DatasetMapping, read: Read) -> tuple[int, ...]:
    """Per row condition of the policy, how many rows of the tables it applies to meet it: for the register."""
    counts = [0] * len(mapping.policy.rows)
    if mapping.policy.dataset is not None:
        return tuple(counts)
    for source in mapping.sources:
        with read(source) as table:
            tests = [
                (i, table.columns.index(r.column), matcher(r))
                for i, r in enumerate(mapping.policy.rows)
                if r.applies_to(source) and r.column in table.columns
            ]
            if not tests:
                continue
            columns = list(dict.fromkeys(table.columns[k] for _, k, _ in tests))
            where = [(i, columns.index(table.columns[k]), test) for i, k, test in tests]
            for rows, _numbers, _malformed in table.chunks(columns, 65536):
                for row in rows:
                    for i, k, test in where:
                        if test(row[k]):
                            counts[i] += 1
    return tuple(counts)


def open_table(source: Source, mapping: DatasetMapping, read: Read) -> FilteredTable | AggregatedTable:
    """The table as the dataset's policy lets it be read; ``read`` opens the export (``mapping.sources.Table``)."""
    policy = mapping.policy
    conditions = policy.row_conditions(source)
    aggregation = policy.aggregation(source)
    if aggregation is not None:
        return AggregatedTable(source, aggregation, conditions, f"{mapping.slug}\x00{source.path.name}", read)
    return FilteredTable(source, conditions, read)
