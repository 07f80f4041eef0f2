"""The policy model: a dataset's "open, unless" declaration, as the ``policy:`` block of its mapping states it.

Frozen dataclasses and no I/O. It imports nothing from ``service.mapping``: a mapping holds its
policy, the policy knows a source only by its key and file name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol


class NamedSource(Protocol):
    """What a policy entry needs of a source to tell whether it applies: its key and its file."""

    @property
    def name(self) -> str: ...

    @property
    def path(self) -> Path: ...


def source_matches(reference: str | None, source: NamedSource) -> bool:
    """A policy entry names a source by its key under ``sources:`` or by its file; None means every source."""
    if reference is None:
        return True
    ref = reference.removesuffix("~csv")
    return ref in (source.name, source.path.name) or source.path.as_posix().endswith("/" + ref.lstrip("./"))


@dataclass(frozen=True)
class PolicyEntry:
    """What every entry of the register shares: the Woo ground, a one-line Dutch motivation, and since when."""

    ground: str
    motivation: str
    #: ISO date from which the exception applies.
    since: str


@dataclass(frozen=True)
class WithheldColumn(PolicyEntry):
    column: str = ""
    #: The source (key under ``sources:`` or file name) the column belongs to; None: every source that has it.
    source: str | None = None

    def applies_to(self, source: NamedSource) -> bool:
        return source_matches(self.source, source)


ConditionOperator = Literal["equals", "in", "matches"]


@dataclass(frozen=True)
class RowCondition(PolicyEntry):
    """Rows whose ``column`` equals one of ``values`` (case and surrounding spaces ignored) or matches the regex."""

    column: str = ""
    operator: ConditionOperator = "in"
    values: tuple[str, ...] = ()
    source: str | None = None

    def applies_to(self, source: NamedSource) -> bool:
        return source_matches(self.source, source)


@dataclass(frozen=True)
class Aggregation(PolicyEntry):
    """A source published only as counts per cell of ``by``, small cells suppressed or randomly rounded."""

    source: str = ""
    by: tuple[str, ...] = ()
    #: The column of the aggregated table that holds the count (what the mapping references).
    count: str = "aantal"
    #: A column of the source holding counts to add up; None: every row counts as one (person-level rows).
    measure: str | None = None
    #: Cells (and totals) below this are suppressed; 0: nothing is suppressed.
    threshold: int = 0
    #: CBS-style random rounding to a multiple of this; 0: exact counts.
    rounding: int = 0
    #: Totals over a dimension published as rows: (dimension, the label its total row carries).
    totals: tuple[tuple[str, str], ...] = ()

    def applies_to(self, source: NamedSource) -> bool:
        return source_matches(self.source, source)


@dataclass(frozen=True)
class WithheldDataset(PolicyEntry):
    #: NON_PUBLIC, or RESTRICTED when it is available to some under conditions.
    access: str = "NON_PUBLIC"


@dataclass(frozen=True)
class UnpublishedColumn:
    """A column left out because it is empty or repeats published columns: no Woo exception, so no ground."""

    column: str
    reason: Literal["empty", "redundant"]
    motivation: str
    #: For "redundant": the published columns whose values it repeats.
    repeats: tuple[str, ...] = ()
    source: str | None = None

    def applies_to(self, source: NamedSource) -> bool:
        return source_matches(self.source, source)


ScanKind = Literal["bsn", "email", "phone", "iban", "address"]


@dataclass(frozen=True)
class Allowance:
    """An explicit, motivated exception to the output scanner: this kind of hit in this column is intended."""

    kind: ScanKind
    motivation: str
    #: None: the whole dataset.
    column: str | None = None


@dataclass(frozen=True)
class Policy:
    """A dataset's "open, unless" declaration: everything not named here is published."""

    columns: tuple[WithheldColumn, ...] = ()
    rows: tuple[RowCondition, ...] = ()
    aggregates: tuple[Aggregation, ...] = ()
    dataset: WithheldDataset | None = None
    allow: tuple[Allowance, ...] = ()
    unpublished: tuple[UnpublishedColumn, ...] = ()

    def withheld_columns(self, source: NamedSource) -> tuple[WithheldColumn, ...]:
        return tuple(w for w in self.columns if w.applies_to(source))

    def row_conditions(self, source: NamedSource) -> tuple[RowCondition, ...]:
        return tuple(r for r in self.rows if r.applies_to(source))

    def aggregation(self, source: NamedSource) -> Aggregation | None:
        return next((a for a in self.aggregates if a.applies_to(source)), None)

    @property
    def is_empty(self) -> bool:
        return not (self.columns or self.rows or self.aggregates or self.dataset)
