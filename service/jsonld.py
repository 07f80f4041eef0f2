"""JSON-LD a developer can read: statements compacted (by pyld) with one published ``@context``.

The context holds the prefixes we write Turtle with and a term per ``def:`` class and property of
vocab/, typed from its ``rdfs:range`` (``"naam": "Hoornse Plas"``, ``"ligtInBuurt": "https://…"``), so
the same JSON reads as plain JSON and parses to the same triples as Turtle. It is served at
``{base}/context.jsonld`` and documents name it by that URL. Graph provenance is left to TriG and N-Quads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pyld import jsonld

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
#: The path of the context on the public base.
CONTEXT_PATH = "/context.jsonld"
#: The language of a string without one in our documents: most words in the data are Dutch.
DEFAULT_LANGUAGE = "nl"
CLASSES = {OWL + "Class", RDFS + "Class"}
#: A local name usable as a JSON key that no one reads as an IRI or a keyword.
_TERM = re.compile(r"[A-Za-z][A-Za-z0-9_-]*").fullmatch

#: The characters an IRI ends in when JSON-LD may use its term as a prefix of compact IRIs.
_GEN_DELIMS = (":", "/", "?", "#", "[", "]", "@")
#: A statement in pyld's RDF dataset form (subject, predicate, object as dicts).
PyldTriple = dict[str, dict[str, str]]


@dataclass(frozen=True)
class Context:
    """The context of one release (its vocabulary), and the URL it is published at."""

    url: str
    body: dict[str, Any]
    #: Each term that names one IRI (not a prefix: its IRI ends in no ``/`` or ``#``), by name.
    _terms: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        prefixes = {name: iri for name, iri in self.body.items() if isinstance(iri, str) and iri.endswith(_GEN_DELIMS)}
        terms = {}
        for name, value in self.body.items():
            written = value if isinstance(value, str) else value.get("@id") if isinstance(value, dict) else None
            if name.startswith("@") or name in prefixes or not isinstance(written, str):
                continue
            prefix, _, local = written.partition(":")
            terms[name] = prefixes[prefix] + local if prefix in prefixes else written
        object.__setattr__(self, "_terms", terms)

    def terms_for(self, statements: list[PyldTriple]) -> dict[str, Any]:
        """The context less the terms no IRI of the statements names: compacting gives the same JSON, and
        pyld tries every term of the context on every IRI it compacts (half the time of a document)."""
        used = {
            t[part][key]
            for t in statements
            for part in ("predicate", "object")
            for key in ("value", "datatype")
            if t[part].get(key) and (key == "datatype" or t[part].get("type") == "IRI")
        }
        return {
            name: value for name, value in self.body.items() if name not in self._terms or self._terms[name] in used
        }

    def document(self) -> bytes:
        """The context as the file served at ``url``."""
        return json.dumps({"@context": self.body}, ensure_ascii=False, indent=2).encode()


def build_context(
    url: str, prefixes: dict[str, str], def_base: str, statements: Iterable[tuple[str, str, str]]
) -> Context:
    """The context for a vocabulary given as (subject, predicate, object) IRIs: prefixes, then one term per
    ``def:`` class (its name) and property (its name, typed by its range)."""
    types: dict[str, set[str]] = {}
    ranges: dict[str, str] = {}
    for s, p, o in statements:
        if not s.startswith(def_base):
            continue
        if p == RDF + "type":
            types.setdefault(s, set()).add(o)
        elif p == RDFS + "range":
            ranges[s] = o
    body: dict[str, Any] = {"@language": DEFAULT_LANGUAGE, **dict(sorted(prefixes.items()))}
    classes = {iri for iri, kinds in types.items() if kinds & CLASSES}
    for iri in sorted(types):
        name = iri[len(def_base) :]
        if not _TERM(name) or name in body:
            continue
        compact = "def:" + name
        if iri in classes:
            body[name] = compact
        else:
            body[name] = {"@id": compact, **_coercion(types[iri], ranges.get(iri), classes)}
            if body[name].get("@type", "@id") != "@id":
                body[name]["@type"] = _shortened(body[name]["@type"], prefixes)
    return Context(url, body)


def _shortened(iri: str, prefixes: dict[str, str]) -> str:
    """``xsd:integer`` for a datatype IRI under a prefix of the context."""
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and _TERM(iri[len(namespace) :]):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _coercion(kinds: set[str], range_: str | None, classes: set[str]) -> dict[str, Any]:
    """How a property's values are written: a plain string in Dutch, a plain string, a typed value or an IRI."""
    if range_ == RDF + "langString":
        return {}
    if range_ == XSD + "string":
        return {"@language": None}
    if range_ is not None and range_ not in classes and OWL + "ObjectProperty" not in kinds:
        return {"@type": range_}
    if OWL + "ObjectProperty" in kinds or range_ in classes:
        return {"@type": "@id"}
    return {}


def _no_remote(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    raise jsonld.JsonLdError(f"no remote documents are loaded while writing ({url})", "jsonld.LoadDocumentError")


def compact(statements: list[PyldTriple], context: Context, topic: str | None = None) -> bytes:
    """The statements as compacted JSON-LD naming the published context; the topic's node first."""
    expanded = jsonld.from_rdf({"@default": statements}, {"useNativeTypes": False})
    options = {"skipExpansion": True, "documentLoader": _no_remote}
    compacted = jsonld.compact(expanded, {"@context": context.terms_for(statements)}, options)
    compacted["@context"] = context.url
    nodes = compacted.get("@graph")
    if topic is not None and isinstance(nodes, list):
        nodes.sort(key=lambda node: node.get("@id") != topic)
    ordered = {"@context": context.url, **{k: v for k, v in compacted.items() if k != "@context"}}
    return json.dumps(ordered, ensure_ascii=False, indent=2).encode()
