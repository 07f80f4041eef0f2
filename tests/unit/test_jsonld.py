"""JSON-LD compaction: the context handed to pyld is cut to the terms a document uses, with the same result."""

from __future__ import annotations

import json

from pyld import jsonld

from service.jsonld import Context, PyldTriple, build_context, compact

DEF = "https://data.groningen.nl/def/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PREFIXES = {
    "def": DEF,
    "xsd": XSD,
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "id": "https://data.groningen.nl/id/",
}
VOCAB = [
    (DEF + "Boom", RDF_TYPE, "http://www.w3.org/2002/07/owl#Class"),
    (DEF + "Buurt", RDF_TYPE, "http://www.w3.org/2002/07/owl#Class"),
    (DEF + "naam", RDF_TYPE, "http://www.w3.org/2002/07/owl#DatatypeProperty"),
    (DEF + "naam", "http://www.w3.org/2000/01/rdf-schema#range", "http://www.w3.org/2001/XMLSchema#string"),
    (DEF + "hoogte", RDF_TYPE, "http://www.w3.org/2002/07/owl#DatatypeProperty"),
    (DEF + "hoogte", "http://www.w3.org/2000/01/rdf-schema#range", XSD + "decimal"),
    (DEF + "ligtIn", RDF_TYPE, "http://www.w3.org/2002/07/owl#ObjectProperty"),
    (DEF + "soort", RDF_TYPE, "http://www.w3.org/2002/07/owl#DatatypeProperty"),
]


def _iri(value: str) -> dict[str, str]:
    return {"type": "IRI", "value": value}


def _literal(value: str, datatype: str = XSD + "string", language: str | None = None) -> dict[str, str]:
    found = {"type": "literal", "value": value, "datatype": datatype}
    return {**found, "language": language} if language else found


def _statements() -> list[PyldTriple]:
    tree = "https://data.groningen.nl/id/boom/1"
    return [
        {"subject": _iri(tree), "predicate": _iri(RDF_TYPE), "object": _iri(DEF + "Boom")},
        {"subject": _iri(tree), "predicate": _iri(DEF + "naam"), "object": _literal("Linde")},
        {"subject": _iri(tree), "predicate": _iri(DEF + "hoogte"), "object": _literal("8.5", XSD + "decimal")},
        {
            "subject": _iri(tree),
            "predicate": _iri(DEF + "ligtIn"),
            "object": _iri("https://data.groningen.nl/id/buurt/a"),
        },
        {"subject": _iri(tree), "predicate": _iri(DEF + "soort"), "object": _literal("lime", language="en")},
        # An IRI under def: that is no term is written as a compact IRI with the def: prefix.
        {"subject": _iri(tree), "predicate": _iri(DEF + "onbekend"), "object": _iri(DEF + "Buurt")},
    ]


def _with_full_context(statements: list[PyldTriple], context: Context) -> dict[str, object]:
    expanded = jsonld.from_rdf({"@default": statements}, {"useNativeTypes": False})
    compacted = jsonld.compact(expanded, {"@context": context.body}, {"skipExpansion": True})
    compacted["@context"] = context.url
    return compacted  # type: ignore[no-any-return]


def test_terms_for_keeps_prefixes_and_only_the_terms_named() -> None:
    context = build_context("https://data.groningen.nl/context.jsonld", PREFIXES, DEF, VOCAB)
    kept = context.terms_for(_statements()[:2])
    assert {"def", "xsd", "rdfs", "id", "@language"} <= set(kept)
    assert {"Boom", "naam"} <= set(kept)
    assert not {"Buurt", "hoogte", "ligtIn", "soort"} & set(kept)


def test_compacting_with_the_cut_context_gives_the_same_document() -> None:
    context = build_context("https://data.groningen.nl/context.jsonld", PREFIXES, DEF, VOCAB)
    statements = _statements()
    ours = json.loads(compact(statements, context))
    assert ours == _with_full_context(statements, context)
    assert ours["naam"] == "Linde" and ours["@type"] == "Boom"
