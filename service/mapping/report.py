"""Every rejected row or value, with file, row, column and reason: streamed to a file, counted in memory."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

_MAX_VALUE = 80


@dataclass(frozen=True)
class Issue:
    """One rejected row or value. ``value`` is the cell text of a published column, never a withheld one."""

    dataset: str
    file: str
    row: int
    column: str
    reason: str
    level: str = "warning"  # "warning": a value was rejected; "error": the whole row was; "note": for information

    def line(self) -> str:
        return f"{self.file}, row {self.row}, column {self.column}: {self.reason}"


@dataclass
class TableStats:
    dataset: str
    file: str
    rows: int = 0
    triples: int = 0
    inferred: int = 0
    bad_rows: set[int] = field(default_factory=set)
    #: Rows left out whole (no subject, malformed), apart from rows that only lost a value (warnings).
    rejected_rows: set[int] = field(default_factory=set)
    warnings: int = 0
    empty: Counter[str] = field(default_factory=Counter)
    #: What the policy left out: column names and counts only, never a value.
    withheld_columns: list[str] = field(default_factory=list)
    withheld_rows: int = 0
    suppressed_cells: int = 0
    #: Lines left out because they name an IRI minted from a withheld row's key (or a withheld dataset's).
    withheld_links: int = 0
    #: SHA-256 of the N-Quads mapped from the table: a checksum of what is published, not of the file.
    digest: Any = field(default_factory=hashlib.sha256, repr=False, compare=False)

    @property
    def bad_row_share(self) -> float:
        return len(self.bad_rows) / self.rows if self.rows else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "file": self.file,
            "rows": self.rows,
            "triples": self.triples,
            "inferred": self.inferred,
            "bad_rows": len(self.bad_rows),
            "rejected_rows": len(self.rejected_rows),
            "warnings": self.warnings,
            "empty_cells": dict(sorted(self.empty.items())),
            "withheld_columns": self.withheld_columns,
            "withheld_rows": self.withheld_rows,
            "suppressed_cells": self.suppressed_cells,
            "withheld_links": self.withheld_links,
            "published_sha256": self.digest.hexdigest(),
        }


class Report:
    """Collects issues: the first few kept for the console, all written to ``sink`` as JSON lines."""

    def __init__(self, sink: IO[str] | None = None, keep: int = 200) -> None:
        self.sink = sink
        self.keep = keep
        self.first: list[Issue] = []
        self.counts: Counter[tuple[str, str, str]] = Counter()
        self.tables: dict[tuple[str, str], TableStats] = {}

    def table(self, dataset: str, file: str) -> TableStats:
        key = (dataset, file)
        if key not in self.tables:
            self.tables[key] = TableStats(dataset, file)
        return self.tables[key]

    def add(self, issue: Issue, stats: TableStats | None = None) -> None:
        self.counts[(issue.file, issue.column, issue.level)] += 1
        if stats is not None:
            stats.bad_rows.add(issue.row)
            if issue.level == "error":
                stats.rejected_rows.add(issue.row)
            elif issue.level == "warning":
                stats.warnings += 1
        if len(self.first) < self.keep:
            self.first.append(issue)
        if self.sink is not None:
            self.sink.write(json.dumps(issue.__dict__, ensure_ascii=False) + "\n")

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def clip(value: str) -> str:
    """A cell value short enough for one report line."""
    return value if len(value) <= _MAX_VALUE else value[: _MAX_VALUE - 1] + "…"


def read_issues(path: Path) -> list[Issue]:
    """Load an issues file written by ``Report``."""
    with path.open(encoding="utf-8") as f:
        return [Issue(**json.loads(line)) for line in f if line.strip()]
