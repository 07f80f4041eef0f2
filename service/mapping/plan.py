"""Plan: turn parsed mappings into per-source programs of small term builders.

All triples maps that read the same table are planned together, so the table is read once. Each
term becomes a closure over column positions and constant text, decided here once instead of per row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .builders import Builder, Cursor, DerivedColumn, Row, TermBuilders
from .functions import OFN
from .model import (
    RDF_TYPE,
    DatasetMapping,
    FunctionCall,
    ParentRef,
    Source,
    Template,
    TermMap,
    TriplesMap,
)
from .terms import is_absolute_iri

__all__ = ["Cursor", "Entailment", "plan_dataset", "plan_join_index", "subject_concepts"]


class Entailment:
    """Single-premise consequences of the vocabulary: super-properties, inverses, super-classes."""

    def __init__(
        self,
        superproperties: dict[str, tuple[str, ...]] | None = None,
        inverses: dict[str, tuple[str, ...]] | None = None,
        superclasses: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.superproperties = superproperties or {}
        self.inverses = inverses or {}
        self.superclasses = superclasses or {}

    def for_predicate(self, p: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(predicates q with s q o, predicates r with o r s) entailed by one triple s p o."""
        forward: set[str] = {p}
        backward: set[str] = set()
        frontier = [(p, True)]
        while frontier:
            q, fwd = frontier.pop()
            nxt = [(sp, fwd) for sp in self.superproperties.get(q, ())]
            nxt += [(ip, not fwd) for ip in self.inverses.get(q, ())]
            for r, direction in nxt:
                bucket = forward if direction else backward
                if r not in bucket:
                    bucket.add(r)
                    frontier.append((r, direction))
        forward.discard(p)
        return tuple(sorted(forward)), tuple(sorted(backward))


@dataclass
class Emitter:
    """One predicate-object pair of a triples map; ``objects`` yields zero or more object terms."""

    predicate: str  # N-Triples form of the predicate, with spaces around it
    build: Builder | None = None
    join: Callable[[Row], list[str]] | None = None
    forward: tuple[str, ...] = ()
    backward: tuple[str, ...] = ()
    #: For rdf:type with objects from the data: the super-classes of each class.
    dynamic_types: dict[str, tuple[str, ...]] | None = None


@dataclass
class MapPlan:
    name: str
    subject: Builder
    subject_columns: tuple[str, ...]
    constant_tail: list[str]  # texts that follow the subject for constant objects, graph included
    #: (predicate, builder) pairs with nothing entailed: the fast path.
    simple: list[tuple[str, Builder]]
    #: Joins and pairs with entailed triples.
    emitters: list[Emitter]


@dataclass
class SourcePlan:
    dataset: str
    source: Source
    columns: list[str]
    derived: list[DerivedColumn]
    maps: list[MapPlan]
    joins: list[JoinIndex]
    #: The end of each line: " <graph> .\n", or " .\n" for the default graph.
    end: str
    inferred_end: str


@dataclass
class JoinIndex:
    """Parent subjects by join key; filled by reading the parent's table before the child's."""

    parent: TriplesMap
    parent_columns: tuple[str, ...]
    index: dict[tuple[str, ...], list[str]] = field(default_factory=dict)


class _Planner(TermBuilders):
    def __init__(
        self,
        mapping: DatasetMapping,
        sources: list[TriplesMap],
        cursor: Cursor,
        entailment: Entailment,
        graph_base: str | None,
    ) -> None:
        source = sources[0].source
        withheld = {w.column for w in mapping.policy.withheld_columns(source)}
        super().__init__(mapping.path, source.dialect, cursor, withheld)
        self.mapping = mapping
        self.maps = sources
        self.entailment = entailment
        # What ends each line: the named graph, or nothing for the default graph (graph_base None).
        self.end = f" <{graph_base}{mapping.slug}> .\n" if graph_base is not None else " .\n"
        self.inferred_end = f" <{graph_base}inferred> .\n" if graph_base is not None else " .\n"
        self.joins: list[JoinIndex] = []

    # -- maps ----------------------------------------------------------------------------------
    def subject(self, tm: TriplesMap) -> tuple[Builder, tuple[str, ...]]:
        where = f"mappings.{tm.name}.s"
        value = tm.subject.value
        built = self.term(tm.subject, where)
        if isinstance(built, str):
            raise self.fail(
                where,
                "the subject has no reference, so every row would be the same resource",
                "use a template such as id:boom/$(ID)",
            )
        if isinstance(value, Template):
            return built, value.references
        return built, tuple(c for _, t in value.parameters for c in t.references)

    def plan_map(self, tm: TriplesMap) -> MapPlan:
        subject, subject_columns = self.subject(tm)
        g, ginf = self.end, self.inferred_end
        constant_tail: list[str] = []
        emitters: list[Emitter] = []
        asserted_types = {
            o.value.constant
            for pom in tm.predicate_objects
            if RDF_TYPE in pom.predicates
            for o in pom.objects
            if isinstance(o, TermMap) and isinstance(o.value, Template) and o.value.is_constant
        }
        for i, pom in enumerate(tm.predicate_objects):
            where = f"mappings.{tm.name}.po[{i}]"
            for p in pom.predicates:
                if not is_absolute_iri(p):
                    raise self.fail(where, f"predicate '{p}' is not an absolute IRI")
                forward, backward = self.entailment.for_predicate(p)
                for obj in pom.objects:
                    pred = f" <{p}> "
                    if isinstance(obj, ParentRef):
                        emitters.append(
                            Emitter(pred, join=self.join(tm, obj, where), forward=forward, backward=backward)
                        )
                        continue
                    built = self.term(obj, where)
                    if isinstance(built, str):
                        constant_tail.append(f"{pred}{built}{g}")
                        constant_tail += [f" <{q}> {built}{ginf}" for q in forward]
                        if p == RDF_TYPE:
                            supers = self.entailment.superclasses.get(built[1:-1], ())
                            constant_tail += [f"{pred}<{c}>{ginf}" for c in supers if c not in asserted_types]
                        if backward and built.startswith("<"):
                            raise self.fail(where, "an inverse of a constant object is not supported")
                        continue
                    emitters.append(
                        Emitter(
                            pred,
                            build=built,
                            forward=forward,
                            backward=backward if obj.term_type == "iri" else (),
                            dynamic_types=self.entailment.superclasses if p == RDF_TYPE else None,
                        )
                    )
        simple = [
            (e.predicate, e.build)
            for e in emitters
            if e.build is not None and not (e.forward or e.backward or e.dynamic_types)
        ]
        emitters = [e for e in emitters if e.build is None or e.forward or e.backward or e.dynamic_types]
        return MapPlan(tm.name, subject, subject_columns, constant_tail, simple, emitters)

    def join(self, child: TriplesMap, ref: ParentRef, where: str) -> Callable[[Row], list[str]]:
        parent = self.mapping.triples_map(ref.mapping)
        if not ref.conditions:
            build, _ = self.subject(parent)
            return lambda row: [] if (s := build(row)) is None else [s]
        keys = [self.column(c.child, where) for c in ref.conditions]
        nulls = child.source.dialect.null_values
        index = JoinIndex(parent, tuple(c.parent for c in ref.conditions))
        self.joins.append(index)
        lookup = index.index

        def joined(row: Row) -> list[str]:
            key = tuple(row[k] for k in keys)
            if any(v in nulls for v in key):
                return []
            return lookup.get(key, [])

        return joined


def plan_dataset(
    mapping: DatasetMapping, *, cursor: Cursor, entailment: Entailment, graph_base: str | None
) -> list[SourcePlan]:
    """One plan per table of the dataset, in the order the mapping names them."""
    by_source: dict[Path, list[TriplesMap]] = {}
    for tm in mapping.triples_maps:
        by_source.setdefault(tm.source.path, []).append(tm)
    plans = []
    for maps in by_source.values():
        planner = _Planner(mapping, maps, cursor, entailment, graph_base)
        map_plans = [planner.plan_map(tm) for tm in maps]
        plans.append(
            SourcePlan(
                mapping.slug,
                maps[0].source,
                planner.columns,
                planner.derived,
                map_plans,
                planner.joins,
                planner.end,
                planner.inferred_end,
            )
        )
    return plans


def subject_concepts(mapping: DatasetMapping, id_base: str) -> dict[str, str]:
    """The ``id:{concept}/`` each triples map mints subjects under, for the collision check."""
    concepts = {}
    for tm in mapping.triples_maps:
        template = tm.subject.value
        if isinstance(template, FunctionCall):
            # A subject made by a function starts with its ofn:prefix.
            template = template.parameter(OFN + "prefix") or Template(())
        if template.parts and isinstance(template.parts[0], str):
            head = template.parts[0]
            if head.startswith(id_base):
                concepts[tm.name] = head[len(id_base) :].split("/", 1)[0]
    return concepts


def plan_join_index(
    mapping: DatasetMapping, join: JoinIndex, *, cursor: Cursor, graph_base: str | None
) -> tuple[list[str], Builder, list[int]]:
    """Columns to read from the parent's table, its subject builder, and the key positions."""
    planner = _Planner(mapping, [join.parent], cursor, Entailment(), graph_base)
    build, _ = planner.subject(join.parent)
    where = f"mappings.{join.parent.name}"
    keys = [planner.column(c, where) for c in join.parent_columns]
    return planner.columns, build, keys
