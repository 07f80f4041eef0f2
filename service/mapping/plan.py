"""Plan: turn parsed mappings into per-source programs of small term builders.

All triples maps that read the same table are planned together, so the table is read once. Each
term becomes a closure over column positions and constant text, decided here once instead of per row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import MappingError
from .functions import FUNCTIONS, check_constants
from .lexical import checker_for
from .model import (
    RDF_LANGSTRING,
    RDF_TYPE,
    XSD_STRING,
    DatasetMapping,
    FunctionCall,
    ParentRef,
    Reference,
    Source,
    Template,
    TermMap,
    TriplesMap,
)
from .terms import NEEDS_ESCAPE, SAFE, iri_safe, is_absolute_iri, is_language_tag, literal

Row = tuple[str, ...]
Builder = Callable[[Row], "str | None"]


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
        forward, backward = {p}, set()
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
class Cursor:
    """The row being mapped; builders report problems against it."""

    row: int = 0
    problems: list[tuple[int, str, str]] = field(default_factory=list)
    empties: list[str] = field(default_factory=list)

    def reject(self, column: str, reason: str) -> None:
        self.problems.append((self.row, column, reason))


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
class DerivedColumn:
    call: FunctionCall
    arguments: dict[str, int | str]  # parameter → column position, or a constant


@dataclass
class SourcePlan:
    dataset: str
    source: Source
    columns: list[str]
    derived: list[DerivedColumn]
    maps: list[MapPlan]
    joins: list[JoinIndex]
    graph: str
    inferred_graph: str


@dataclass
class JoinIndex:
    """Parent subjects by join key; filled by reading the parent's table before the child's."""

    parent: TriplesMap
    parent_columns: tuple[str, ...]
    index: dict[tuple[str, ...], list[str]] = field(default_factory=dict)


class _Planner:
    def __init__(
        self,
        mapping: DatasetMapping,
        sources: list[TriplesMap],
        cursor: Cursor,
        entailment: Entailment,
        graph_base: str,
    ) -> None:
        self.mapping = mapping
        self.maps = sources
        self.cursor = cursor
        self.entailment = entailment
        self.graph = f"<{graph_base}{mapping.slug}>"
        self.inferred_graph = f"<{graph_base}inferred>"
        self.columns: list[str] = []
        self.derived: list[DerivedColumn] = []
        self.joins: list[JoinIndex] = []
        withheld = {w.column for w in mapping.withheld}
        self.withheld = withheld

    def fail(self, where: str, problem: str, fix: str = "") -> MappingError:
        return MappingError(self.mapping.path, where, problem, fix)

    def column(self, name: str, where: str) -> int:
        if name in self.withheld:
            raise self.fail(
                where,
                f"column '{name}' is withheld by the policy but the mapping publishes it",
                "remove it from the mapping or from policy.withheld",
            )
        if name not in self.columns:
            self.columns.append(name)
        return self.columns.index(name)

    # -- builders ------------------------------------------------------------------------------
    def value(self, template: Template, where: str, *, iri: bool) -> Builder:
        """Builder of a template's raw text (references IRI-encoded when ``iri``); None on an empty cell."""
        nulls = self.maps[0].source.dialect.null_values
        cursor = self.cursor
        parts = [
            (p if isinstance(p, str) else (self.column(p.column, where), p.column)) for p in template.parts
        ]
        if len(parts) == 1 and isinstance(parts[0], tuple):
            ((i, name),) = parts

            def single(row: Row) -> str | None:
                v = row[i]
                if v in nulls:
                    cursor.empties.append(name)
                    return None
                return iri_safe(v) if iri else v

            return single
        if len(parts) == 2 and isinstance(parts[0], str) and isinstance(parts[1], tuple):
            pre, (i, name) = parts[0], parts[1]

            def prefixed(row: Row) -> str | None:
                v = row[i]
                if v in nulls:
                    cursor.empties.append(name)
                    return None
                return pre + (iri_safe(v) if iri else v)

            return prefixed

        def general(row: Row) -> str | None:
            out = []
            for part in parts:
                if isinstance(part, str):
                    out.append(part)
                    continue
                v = row[part[0]]
                if v in nulls:
                    cursor.empties.append(part[1])
                    return None
                out.append(iri_safe(v) if iri else v)
            return "".join(out)

        return general

    def derived_column(self, call: FunctionCall, where: str) -> int:
        spec = FUNCTIONS[call.function]
        arguments: dict[str, int | str] = {}
        constants: dict[str, str] = {}
        for name, template in call.parameters:
            if template.is_constant:
                arguments[name] = constants[name] = template.constant
            elif len(template.parts) == 1 and isinstance(template.parts[0], Reference):
                arguments[name] = self.column(template.parts[0].column, where)
            else:
                raise self.fail(where, "function parameters are one reference $(col) or a constant")
        for name in spec.constants:
            if name in arguments and not isinstance(arguments[name], str):
                raise self.fail(where, f"parameter {name.rsplit(':', 1)[-1]} must be a constant")
        problem = check_constants(call.function, constants)
        if problem:
            raise self.fail(where, problem)
        for k, d in enumerate(self.derived):
            if d.call == call:
                return k
        self.derived.append(DerivedColumn(call, arguments))
        return len(self.derived) - 1

    def term(self, tm: TermMap, where: str) -> Builder | str:
        """A builder of the N-Triples term, or the term itself when it is constant."""
        if isinstance(tm.value, Template) and tm.value.is_constant:
            text = tm.value.constant
            if tm.term_type == "iri":
                if not is_absolute_iri(text):
                    raise self.fail(where, f"'{text}' is not an absolute IRI")
                return f"<{text}>"
            return self._literal_constant(text, tm, where)
        if tm.term_type == "iri":
            return self._iri_builder(tm, where)
        return self._literal_builder(tm, where)

    def _raw(self, tm: TermMap, where: str, *, iri: bool) -> Builder:
        if isinstance(tm.value, FunctionCall):
            # Derived values follow the columns in reverse order, so their position from the end is fixed.
            k = -1 - self.derived_column(tm.value, where)
            return lambda row: row[k]
        return self.value(tm.value, where, iri=iri)

    def _single(self, tm: TermMap, where: str) -> tuple[str, int, str, str] | None:
        """(text before, column position, column name, text after) for a one-reference template."""
        if not isinstance(tm.value, Template):
            return None
        parts = tm.value.parts
        refs = [k for k, p in enumerate(parts) if isinstance(p, Reference)]
        if len(refs) != 1:
            return None
        k = refs[0]
        ref = parts[k]
        assert isinstance(ref, Reference)
        before, after = "".join(parts[:k]), "".join(parts[k + 1 :])  # type: ignore[arg-type]
        return before, self.column(ref.column, where), ref.column, after

    def _literal_constant(self, text: str, tm: TermMap, where: str) -> str:
        if tm.language:
            if not is_language_tag(tm.language):
                raise self.fail(where, f"'{tm.language}' is not a language tag", "use nl or en")
            return f"{literal(text)}@{tm.language}"
        if tm.datatype and tm.datatype not in (XSD_STRING,):
            return f"{literal(text)}^^<{tm.datatype}>"
        return literal(text)

    def _iri_builder(self, tm: TermMap, where: str) -> Builder:
        cursor = self.cursor
        column = _columns_of(tm)
        single = self._single(tm, where)
        if single is not None and single[0]:
            before, i, name, after = single
            nulls = self.maps[0].source.dialect.null_values
            empties = cursor.empties
            head, tail = f"<{before}", f"{after}>"

            def fused(row: Row) -> str | None:
                v = row[i]
                if v in nulls:
                    empties.append(name)
                    return None
                return head + (v if SAFE(v) else iri_safe(v)) + tail

            return fused
        raw = self._raw(tm, where, iri=True)
        whole_reference = isinstance(tm.value, Template) and isinstance(tm.value.parts[0], Reference)
        if not whole_reference:
            return lambda row: None if (v := raw(row)) is None else f"<{v}>"

        def checked(row: Row) -> str | None:
            v = raw(row)
            if v is None:
                return None
            if not is_absolute_iri(v):
                cursor.reject(column, f"'{v}' is not an absolute IRI")
                return None
            return f"<{v}>"

        return checked

    def _literal_builder(self, tm: TermMap, where: str) -> Builder:
        cursor = self.cursor
        if tm.language and not is_language_tag(tm.language):
            raise self.fail(where, f"'{tm.language}' is not a language tag", "use nl or en")
        plain = not tm.datatype or tm.datatype in (XSD_STRING, RDF_LANGSTRING)
        suffix = f"@{tm.language}" if tm.language else ("" if plain else f"^^<{tm.datatype}>")
        dialect = self.maps[0].source.dialect
        check = None if plain else checker_for(tm.datatype, decimal=dialect.decimal, dates=dialect.dates)
        single = self._single(tm, where)
        nulls, empties = dialect.null_values, cursor.empties
        if check is None:
            if single is not None and not single[0] and not single[3]:
                _, i, name, _ = single

                def fused(row: Row) -> str | None:
                    v = row[i]
                    if v in nulls:
                        empties.append(name)
                        return None
                    return literal(v) + suffix if NEEDS_ESCAPE(v) else f'"{v}"{suffix}'

                return fused
            if isinstance(tm.value, FunctionCall):
                k = -1 - self.derived_column(tm.value, where)
                return lambda row: None if (v := row[k]) is None else literal(v) + suffix
            raw = self._raw(tm, where, iri=False)
            return lambda row: None if (v := raw(row)) is None else literal(v) + suffix
        normalize, explain = check.normalize, check.explain
        column = _columns_of(tm)
        short = (tm.datatype or "").rsplit("#", 1)[-1]
        raw = self._raw(tm, where, iri=False)
        words = nulls - {""}

        def typed(row: Row) -> str | None:
            v = raw(row)
            if v is None:
                return None
            n = normalize(v)
            if n is None:
                cursor.reject(column, f"{explain(v)}; expected xsd:{short}")
                return None
            return f'"{n}"{suffix}'

        if single is None or single[0] or single[3]:
            return typed
        _, i, name, _ = single

        def typed_fused(row: Row) -> str | None:
            v = row[i]
            if v in nulls:
                if v in words:
                    cursor.reject(name, f"'{v}' means no value; expected xsd:{short}")
                else:
                    empties.append(name)
                return None
            n = normalize(v)
            if n is None:
                cursor.reject(column, f"{explain(v)}; expected xsd:{short}")
                return None
            return f'"{n}"{suffix}'

        return typed_fused

    # -- maps ----------------------------------------------------------------------------------
    def subject(self, tm: TriplesMap) -> tuple[Builder, tuple[str, ...]]:
        where = f"mappings.{tm.name}.s"
        template = tm.subject.value
        assert isinstance(template, Template)
        built = self.term(tm.subject, where)
        if isinstance(built, str):
            raise self.fail(
                where,
                "the subject has no reference, so every row would be the same resource",
                "use a template such as id:boom/$(ID)",
            )
        return built, template.references

    def plan_map(self, tm: TriplesMap) -> MapPlan:
        subject, subject_columns = self.subject(tm)
        g, ginf = self.graph, self.inferred_graph
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
                        constant_tail.append(f"{pred}{built} {g} .\n")
                        constant_tail += [f" <{q}> {built} {ginf} .\n" for q in forward]
                        if p == RDF_TYPE:
                            supers = self.entailment.superclasses.get(built[1:-1], ())
                            constant_tail += [
                                f"{pred}<{c}> {ginf} .\n" for c in supers if c not in asserted_types
                            ]
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


def _columns_of(tm: TermMap) -> str:
    """The source columns a term is made from, for report lines."""
    if isinstance(tm.value, Template):
        return ", ".join(tm.value.references)
    return ", ".join(c for _, t in tm.value.parameters for c in t.references)


def plan_dataset(
    mapping: DatasetMapping, *, cursor: Cursor, entailment: Entailment, graph_base: str
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
                planner.graph,
                planner.inferred_graph,
            )
        )
    return plans


def subject_concepts(mapping: DatasetMapping, id_base: str) -> dict[str, str]:
    """The ``id:{concept}/`` each triples map mints subjects under, for the collision check."""
    concepts = {}
    for tm in mapping.triples_maps:
        template = tm.subject.value
        if isinstance(template, Template) and template.parts and isinstance(template.parts[0], str):
            head = template.parts[0]
            if head.startswith(id_base):
                concepts[tm.name] = head[len(id_base) :].split("/", 1)[0]
    return concepts


def plan_join_index(
    mapping: DatasetMapping, join: JoinIndex, *, cursor: Cursor, graph_base: str
) -> tuple[list[str], Builder, list[int]]:
    """Columns to read from the parent's table, its subject builder, and the key positions."""
    planner = _Planner(mapping, [join.parent], cursor, Entailment(), graph_base)
    build, _ = planner.subject(join.parent)
    where = f"mappings.{join.parent.name}"
    keys = [planner.column(c, where) for c in join.parent_columns]
    return planner.columns, build, keys
