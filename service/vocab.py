"""Our vocabulary (vocab/*.ttl): loading, rebasing to the public base, and its entailment closure.

owlrl closes the vocabulary once (it is small); the instance-level consequences are then applied while
mapping, as single-premise rules, so inference costs the build almost nothing.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import owlrl
from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.term import Node

from .errors import MappingError
from .mapping.model import DatasetMapping, Template, TermMap
from .mapping.plan import Entailment

#: The base the files in vocab/ are written against; rebased to the configured public base on load.
WRITTEN_BASE = "https://data.groningen.nl/"
_TRIVIAL = {
    OWL.Thing,
    RDFS.Resource,
    OWL.topObjectProperty,
    OWL.topDataProperty,
    OWL.Nothing,
    OWL.bottomObjectProperty,
    OWL.bottomDataProperty,
}
_SCHEMA_PREDICATES = {
    RDF.type,
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    OWL.inverseOf,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    RDFS.domain,
    RDFS.range,
}


def load_vocabulary(vocab_dir: Path, public_base: str) -> Graph:
    """Every vocab/*.ttl in one graph, with IRIs under the written base moved to ``public_base``."""
    graph = Graph()
    files = sorted(vocab_dir.glob("*.ttl"))
    if not files:
        raise MappingError(vocab_dir, "", "no vocabulary files (*.ttl) found", "add vocab/openbaar.ttl")
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many parser exception types
            raise MappingError(path, "", f"invalid Turtle: {str(exc).splitlines()[0]}") from None
    new_base = public_base.rstrip("/") + "/"
    if new_base == WRITTEN_BASE:
        return graph
    rebased = Graph()
    for prefix, ns in graph.namespaces():
        rebased.bind(prefix, ns.replace(WRITTEN_BASE, new_base) if str(ns).startswith(WRITTEN_BASE) else ns)
    for s, p, o in graph:
        rebased.add((_rebase(s, new_base), _rebase(p, new_base), _rebase(o, new_base)))
    return rebased


def _rebase(term: Node, new_base: str) -> Node:
    if isinstance(term, URIRef) and str(term).startswith(WRITTEN_BASE):
        return URIRef(new_base + str(term)[len(WRITTEN_BASE) :])
    return term


def close_vocabulary(vocab: Graph) -> tuple[Entailment, Graph]:
    """The instance-level rules and the schema triples owlrl adds to the vocabulary (no axiomatic noise)."""
    closure = Graph()
    for triple in vocab:
        closure.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closure)
    supers: dict[str, set[str]] = defaultdict(set)
    superprops: dict[str, set[str]] = defaultdict(set)
    inverses: dict[str, set[str]] = defaultdict(set)
    for s, o in closure.subject_objects(RDFS.subClassOf):
        if isinstance(s, URIRef) and isinstance(o, URIRef) and s != o and o not in _TRIVIAL:
            supers[str(s)].add(str(o))
    for s, o in closure.subject_objects(RDFS.subPropertyOf):
        if isinstance(s, URIRef) and isinstance(o, URIRef) and s != o and o not in _TRIVIAL:
            superprops[str(s)].add(str(o))
    for s, o in closure.subject_objects(OWL.inverseOf):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            inverses[str(s)].add(str(o))
            inverses[str(o)].add(str(s))
    for p in closure.subjects(RDF.type, OWL.SymmetricProperty):
        if isinstance(p, URIRef):
            inverses[str(p)].add(str(p))
    entailment = Entailment(
        superproperties={k: tuple(sorted(v)) for k, v in superprops.items()},
        inverses={k: tuple(sorted(v)) for k, v in inverses.items()},
        superclasses={k: tuple(sorted(v)) for k, v in supers.items()},
    )
    added = Graph()
    for s, p, o in closure:
        if (s, p, o) in vocab or p not in _SCHEMA_PREDICATES:
            continue
        if not (isinstance(s, URIRef) and isinstance(o, URIRef)) or s == o or o in _TRIVIAL:
            continue
        if p == RDF.type and o in (RDFS.Class, RDF.Property, OWL.Class) and (s, RDF.type, None) in vocab:
            continue
        added.add((s, p, o))
    return entailment, added


def defined_terms(vocab: Graph) -> set[str]:
    """Every IRI the vocabulary says something about."""
    return {str(s) for s in vocab.subjects() if isinstance(s, URIRef)}


def undefined_terms(graph: Graph, def_base: str, defined: set[str]) -> list[str]:
    """The ``def:`` terms a graph the service makes itself (register, catalogue, history) uses but vocab/
    does not define, as readable problems; the mappings' terms are checked by ``check_terms``."""
    used: set[str] = set()
    for triple in graph:
        for term in (*triple, getattr(triple[2], "datatype", None)):
            if isinstance(term, URIRef) and str(term).startswith(def_base):
                used.add(str(term))
    return [
        f"def:{iri[len(def_base) :]} is used by the service but not defined in vocab/; add it, with labels in nl and en"
        for iri in sorted(used - defined)
    ]


def check_terms(mapping: DatasetMapping, def_base: str, defined: set[str]) -> list[str]:
    """Every ``def:`` term a mapping uses that vocab/ does not define (usually a typo), one problem each."""
    problems = []
    for tm in mapping.triples_maps:
        for i, pom in enumerate(tm.predicate_objects):
            used = list(pom.predicates)
            for obj in pom.objects:
                if not isinstance(obj, TermMap):
                    continue  # a join: its IRIs are the parent's subjects
                if obj.term_type == "iri" and isinstance(obj.value, Template) and obj.value.is_constant:
                    used.append(obj.value.constant)
                if obj.datatype:
                    used.append(obj.datatype)
            for iri in used:
                if iri.startswith(def_base) and iri not in defined:
                    local = iri[len(def_base) :]
                    error = MappingError(
                        mapping.path,
                        f"mappings.{tm.name}.po[{i}]",
                        f"def:{local} is not defined in vocab/",
                        "fix the spelling or add the term, with labels in nl and en, to vocab/",
                    )
                    problems.append(str(error))
    return problems
