"""The internal form of a mapping: what the YARRRML parser produces and the planner consumes.

Frozen dataclasses, so that a parsed mapping can be shared and hashed; no I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
XSD_STRING = XSD + "string"

TermType = Literal["iri", "literal"]


@dataclass(frozen=True)
class Reference:
    """A column of the source, ``$(name)``."""

    column: str


@dataclass(frozen=True)
class Template:
    """Constant text and references, in order; a lone constant has no references."""

    parts: tuple[str | Reference, ...]

    @property
    def references(self) -> tuple[str, ...]:
        return tuple(p.column for p in self.parts if isinstance(p, Reference))

    @property
    def is_constant(self) -> bool:
        return not self.references

    @property
    def constant(self) -> str:
        return "".join(p for p in self.parts if isinstance(p, str))


@dataclass(frozen=True)
class FunctionCall:
    """One of our ``ofn:`` functions; parameters are templates (constants or references)."""

    function: str
    parameters: tuple[tuple[str, Template], ...]

    def parameter(self, name: str) -> Template | None:
        for key, value in self.parameters:
            if key == name:
                return value
        return None


@dataclass(frozen=True)
class TermMap:
    """How one RDF term is made from a row."""

    value: Template | FunctionCall
    term_type: TermType
    datatype: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class JoinCondition:
    child: str
    parent: str


@dataclass(frozen=True)
class ParentRef:
    """An object that is another triples map's subject (a join)."""

    mapping: str
    conditions: tuple[JoinCondition, ...] = ()


@dataclass(frozen=True)
class PredicateObjectMap:
    predicates: tuple[str, ...]
    objects: tuple[TermMap | ParentRef, ...]


@dataclass(frozen=True)
class Dialect:
    """How a table is written; None means "detect it"."""

    delimiter: str | None = None
    encoding: str | None = None
    decimal: str | None = None
    dates: str = "day-first"
    null_values: frozenset[str] = frozenset({"", "Onbekend", "onbekend", "ONBEKEND", "NULL", "n.v.t.", "-"})
    #: The name to give a leading unnamed (index) column, to keep it instead of dropping it.
    index: str | None = None


@dataclass(frozen=True)
class Source:
    name: str
    path: Path
    dialect: Dialect = field(default_factory=Dialect)
    #: The key path in the mapping file, for error messages.
    where: str = ""


@dataclass(frozen=True)
class TriplesMap:
    name: str
    source: Source
    subject: TermMap
    predicate_objects: tuple[PredicateObjectMap, ...]


def source_matches(reference: str | None, source: Source) -> bool:
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

    def applies_to(self, source: Source) -> bool:
        return source_matches(self.source, source)


ConditionOperator = Literal["equals", "in", "matches"]


@dataclass(frozen=True)
class RowCondition(PolicyEntry):
    """Rows whose ``column`` equals one of ``values`` (case and surrounding spaces ignored) or matches the regex."""

    column: str = ""
    operator: ConditionOperator = "in"
    values: tuple[str, ...] = ()
    source: str | None = None

    def applies_to(self, source: Source) -> bool:
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

    def applies_to(self, source: Source) -> bool:
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

    def applies_to(self, source: Source) -> bool:
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

    def withheld_columns(self, source: Source) -> tuple[WithheldColumn, ...]:
        return tuple(w for w in self.columns if w.applies_to(source))

    def row_conditions(self, source: Source) -> tuple[RowCondition, ...]:
        return tuple(r for r in self.rows if r.applies_to(source))

    def aggregation(self, source: Source) -> Aggregation | None:
        return next((a for a in self.aggregates if a.applies_to(source)), None)

    @property
    def is_empty(self) -> bool:
        return not (self.columns or self.rows or self.aggregates or self.dataset)


@dataclass(frozen=True)
class DatasetMapping:
    """One mapping file: a dataset with its triples maps, metadata and publication policy."""

    slug: str
    path: Path
    prefixes: dict[str, str]
    triples_maps: tuple[TriplesMap, ...]
    metadata: dict[str, Any]
    policy: Policy = field(default_factory=Policy)

    @property
    def withheld(self) -> tuple[WithheldColumn, ...]:
        """The withheld columns (kept for callers that know only columns)."""
        return self.policy.columns

    @property
    def sources(self) -> tuple[Source, ...]:
        seen: dict[Path, Source] = {}
        for tm in self.triples_maps:
            seen.setdefault(tm.source.path, tm.source)
        return tuple(seen.values())

    def triples_map(self, name: str) -> TriplesMap:
        for tm in self.triples_maps:
            if tm.name == name:
                return tm
        raise KeyError(name)
