"""The policy's hold on the mapper, put together where the build meets both: the table guard and the scanner.

Mapping code imports no policy code and policy code no mapping code at run time; the build joins them.
"""

from __future__ import annotations

from pathlib import Path

from ..mapping.materialize import Guards
from ..mapping.model import DatasetMapping, Source
from ..mapping.sources import Table, read_header
from ..policy.decisions import undecided_columns
from ..policy.guard import AggregatedTable, FilteredTable, open_table
from ..policy.scanner import Scanner
from .links import withheld_iris

__all__ = ["GUARDS", "guarded_table", "undecided"]


def guarded_table(source: Source, mapping: DatasetMapping) -> FilteredTable | AggregatedTable:
    """A table as its dataset's policy lets it be read, from the export on disk."""
    return open_table(source, mapping, Table)


def undecided(mapping: DatasetMapping, used: dict[Path, set[str]], sources: dict[Path, Source]) -> list[str]:
    """The columns the mapping neither publishes nor withholds, read from the exports' headers."""
    return undecided_columns(mapping, used, sources, read_header)


GUARDS = Guards(open_table=guarded_table, scanner=Scanner, withheld_iris=withheld_iris)
