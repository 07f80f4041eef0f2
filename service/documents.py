"""RDF bytes of a /doc/ document: the description's quads plus hydra paging metadata, in any format.

Store-level (it imports pyoxigraph); quad formats keep each statement's named graph (its dataset),
triple formats merge the graphs. Document metadata goes to the default graph.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

import pyoxigraph as ox

from .description import Description
from .formats import BY_EXTENSION
from .jsonld import Context, PyldTriple, compact
from .prefixes import WELL_KNOWN
from .store import rdf_format, written

HYDRA = "http://www.w3.org/ns/hydra/core#"
VOID = "http://rdfs.org/ns/void#"
FOAF = "http://xmlns.com/foaf/0.1/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")

#: (direction, predicate IRI, page) → absolute IRI of that page of the document.
PageIri = Callable[[str, str, int], str]


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _digest(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD_INTEGER)


def _hydra(name: str) -> ox.NamedNode:
    return ox.NamedNode(HYDRA + name)


# Made once: every document names them.
FOAF_DOCUMENT, FOAF_PRIMARY_TOPIC = _n(FOAF + "Document"), _n(FOAF + "primaryTopic")
H_COLLECTION, H_COLLECTION_CLASS, H_TOTAL, H_MANAGES = (
    _hydra(n) for n in ("collection", "Collection", "totalItems", "manages")
)
H_SUBJECT, H_OBJECT, H_PROPERTY, H_VIEW, H_VIEW_CLASS = (
    _hydra(n) for n in ("subject", "object", "property", "view", "PartialCollectionView")
)
H_FIRST, H_LAST, H_PREVIOUS, H_NEXT = (_hydra(n) for n in ("first", "last", "previous", "next"))


def paging_quads(description: Description, doc_iri: str, page_iri: PageIri) -> list[ox.Quad]:
    """The document's topic, and a hydra collection with its total and page links per incoming property and
    per outgoing property too large for one page."""
    doc = _n(doc_iri)
    topic = _n(description.iri)
    out = [ox.Quad(doc, RDF_TYPE, FOAF_DOCUMENT), ox.Quad(doc, FOAF_PRIMARY_TOPIC, topic)]
    for group in (*description.outgoing, *description.incoming):
        direction, predicate = group.direction, group.predicate
        if direction == "out" and group.pages == 1 and description.paged is None:
            continue  # every outgoing statement is in the document: its count says nothing new
        collection_iri = page_iri(direction, predicate, 0)
        collection = _n(collection_iri)
        # Named after its collection, so the same document is the same bytes (its ETag is a strong validator);
        # a letter first, as RDF/XML's rdf:nodeID must be an NCName.
        manages = ox.BlankNode("h" + _digest(collection_iri))
        out += [
            ox.Quad(doc, H_COLLECTION, collection),
            ox.Quad(collection, RDF_TYPE, H_COLLECTION_CLASS),
            ox.Quad(collection, H_TOTAL, _int(group.total)),
            ox.Quad(collection, H_MANAGES, manages),
            ox.Quad(manages, H_SUBJECT if direction == "out" else H_OBJECT, topic),
            ox.Quad(manages, H_PROPERTY, _n(predicate)),
        ]
        if group.pages > 1:
            view = _n(page_iri(direction, predicate, group.page))
            out += [
                ox.Quad(collection, H_VIEW, view),
                ox.Quad(view, RDF_TYPE, H_VIEW_CLASS),
                ox.Quad(view, H_FIRST, _n(page_iri(direction, predicate, 1))),
                ox.Quad(view, H_LAST, _n(page_iri(direction, predicate, group.pages))),
            ]
            if group.page > 1:
                out.append(ox.Quad(view, H_PREVIOUS, _n(page_iri(direction, predicate, group.page - 1))))
            if group.page < group.pages:
                out.append(ox.Quad(view, H_NEXT, _n(page_iri(direction, predicate, group.page + 1))))
    return out


def serialize(
    quads: Iterable[ox.Quad],
    extension: str,
    prefixes: dict[str, str],
    context: Context | None = None,
    topic: str | None = None,
) -> bytes:
    """Quads in the format named by ``extension``; triple formats drop the graph. JSON-LD with a ``context``
    is compacted with it (``service/jsonld.py``), the ``topic``'s node first."""
    if extension == "jsonld" and context is not None:
        return compact([_pyld_triple(q) for q in quads], context, topic)
    fmt = rdf_format(BY_EXTENSION[extension].media_type)
    # A triple stated in two graphs is written twice in triple formats: still the same graph to any parser,
    # and cheaper than removing the repeat in Python on every request.
    data: Iterable[ox.Quad] | Iterable[ox.Triple] = quads if fmt.supports_datasets else (q.triple for q in quads)
    names = {**WELL_KNOWN, **prefixes}
    if fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        return written(ox.serialize(data, format=fmt))
    return written(ox.serialize(data, format=fmt, prefixes=names))


def _pyld_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "IRI", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "blank node", "value": "_:" + term.value}
    out = {"type": "literal", "value": term.value, "datatype": term.datatype.value}
    if term.language:
        out["language"] = term.language
    return out


def _pyld_triple(quad: ox.Quad) -> PyldTriple:
    """A statement in pyld's RDF dataset form, so pyld need not parse N-Quads text again."""
    subject, value = quad.subject, quad.object
    assert not isinstance(subject, ox.Triple) and not isinstance(value, ox.Triple), "no RDF-star in documents"
    return {"subject": _pyld_term(subject), "predicate": _pyld_term(quad.predicate), "object": _pyld_term(value)}


def document(
    description: Description,
    extension: str,
    doc_iri: str,
    page_iri: PageIri,
    prefixes: dict[str, str],
    extra: list[ox.Quad] | None = None,
    context: Context | None = None,
) -> bytes:
    quads = [*description.quads(), *paging_quads(description, doc_iri, page_iri), *(extra or [])]
    return serialize(quads, extension, prefixes, context, description.iri)


def usage_quads(term: str, usage: dict[str, dict[str, int]]) -> list[ox.Quad]:
    """How each dataset (named graph) uses a vocabulary term, as VoID class and property partitions."""
    out = []
    for use, partition, counted in (
        ("class", "classPartition", "entities"),
        ("property", "propertyPartition", "triples"),
    ):
        for graph, count in sorted(usage.get(use, {}).items()):
            part = ox.BlankNode("p" + _digest(f"{graph}\x00{use}\x00{term}"))
            out += [
                ox.Quad(_n(graph), _n(VOID + partition), part),
                ox.Quad(part, _n(VOID + use), _n(term)),
                ox.Quad(part, _n(VOID + counted), _int(count)),
            ]
    return out


def status_document(status: int, title: str, message: str, extension: str, prefixes: dict[str, str]) -> bytes:
    """A hydra:Status in the asked RDF format, so an RDF client reads why it got an error."""
    # Named after what it says, so the same error is the same bytes.
    subject = ox.BlankNode("s" + _digest(f"{status}\x00{message}"))
    quads = [
        ox.Quad(subject, RDF_TYPE, _n(HYDRA + "Status")),
        ox.Quad(subject, _n(HYDRA + "statusCode"), _int(status)),
        ox.Quad(subject, _n(HYDRA + "title"), ox.Literal(title)),
        ox.Quad(subject, _n(HYDRA + "description"), ox.Literal(message)),
    ]
    return serialize(quads, extension, prefixes)
