"""Mappings checked against what vocab/ declares: datatypes against ranges, IRIs against known namespaces.

A house number typed xsd:integer where the vocabulary says xsd:string, or ``https://schema.org/`` where
the vocabulary uses ``http://schema.org/``, maps without error but publishes data nobody's query finds.
"""

from __future__ import annotations

from rdflib import RDF, RDFS, XSD, Graph, URIRef

from .errors import MappingError
from .mapping.model import DatasetMapping, ParentRef, Template, TermMap

_XSD = str(XSD)
_LANGSTRING = str(RDF.langString)
_LITERAL = {str(RDFS.Literal)}


def _short(iri: str) -> str:
    return "xsd:" + iri[len(_XSD) :] if iri.startswith(_XSD) else ("rdf:langString" if iri == _LANGSTRING else iri)


def _prefixed(mapping: DatasetMapping, iri: str) -> str:
    """The IRI as the mapping's own prefixes would write it."""
    matches = [(ns, name) for name, ns in mapping.prefixes.items() if iri.startswith(ns)]
    if not matches:
        return iri
    ns, name = max(matches, key=lambda m: len(m[0]))
    return f"{name}:{iri[len(ns) :]}"


def _mapped(obj: TermMap) -> str:
    """The kind of term a mapping makes, named as a range would be."""
    if obj.term_type == "iri":
        return "an IRI"
    if obj.language:
        return _LANGSTRING
    return obj.datatype or _XSD + "string"


def range_problems(mapping: DatasetMapping, vocab: Graph) -> list[str]:
    """One problem per object whose datatype (or language, or IRI) differs from its predicate's literal range."""
    problems = []
    for tm in mapping.triples_maps:
        for i, pom in enumerate(tm.predicate_objects):
            for p in pom.predicates:
                declared = {str(r) for r in vocab.objects(URIRef(p), RDFS.range) if isinstance(r, URIRef)}
                literal_ranges = {r for r in declared if r.startswith(_XSD) or r == _LANGSTRING}
                if not literal_ranges or declared & _LITERAL:
                    continue
                for obj in pom.objects:
                    mapped = "an IRI" if isinstance(obj, ParentRef) else _mapped(obj)
                    if mapped in literal_ranges:
                        continue
                    expected = " or ".join(sorted(_short(r) for r in literal_ranges))
                    name = _prefixed(mapping, p)
                    fix = "nl~lang" if expected == "rdf:langString" else expected
                    problems.append(
                        str(
                            MappingError(
                                mapping.path,
                                f"mappings.{tm.name}.po[{i}]",
                                f"{name} has range {expected} in vocab/, but the mapping makes {_short(mapped)}",
                                f"write [{name}, …, {fix}], or change the range in vocab/",
                            )
                        )
                    )
    return problems


def _known(vocab: Graph) -> tuple[set[str], tuple[str, ...]]:
    """Every IRI vocab/ mentions, and the namespaces it binds (its known vocabularies)."""
    iris = {str(t) for triple in vocab for t in triple if isinstance(t, URIRef)}
    # Only namespaces the files use: rdflib binds many of its own (https://schema.org/ among them).
    bound = {str(ns) for _, ns in vocab.namespaces() if str(ns).startswith(("http://", "https://"))}
    namespaces = tuple(ns for ns in bound if any(iri.startswith(ns) for iri in iris))
    return iris, namespaces


def _other_scheme(iri: str) -> str | None:
    if iri.startswith("https://"):
        return "http://" + iri[len("https://") :]
    if iri.startswith("http://"):
        return "https://" + iri[len("http://") :]
    return None


def scheme_warnings(mapping: DatasetMapping, vocab: Graph) -> list[str]:
    """Warnings for IRIs that differ from a term or namespace of vocab/ only by http versus https."""
    iris, namespaces = _known(vocab)
    warnings: list[str] = []
    for tm in mapping.triples_maps:
        for i, pom in enumerate(tm.predicate_objects):
            used = list(pom.predicates)
            for obj in pom.objects:
                if isinstance(obj, TermMap) and isinstance(obj.value, Template) and obj.value.is_constant:
                    used += [obj.value.constant] if obj.term_type == "iri" else []
                if isinstance(obj, TermMap) and obj.datatype:
                    used.append(obj.datatype)
            for iri in used:
                other = _other_scheme(iri)
                if iri in iris or any(iri.startswith(ns) for ns in namespaces) or other is None:
                    continue
                if other in iris or any(other.startswith(ns) for ns in namespaces):
                    warnings.append(
                        f"{mapping.path.name} at mappings.{tm.name}.po[{i}]: {iri} differs from the vocabulary's "
                        f"{other} only by its scheme (write {other}, as vocab/ does)"
                    )
    return warnings
