"""The internal form of a mapping: what the YARRRML parser produces and the planner consumes.

Frozen dataclasses, so that a parsed mapping can be shared and hashed; no I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

# The policy model is the policy package's; a mapping holds its dataset's policy.
from ..policy.model import Policy, WithheldColumn

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
