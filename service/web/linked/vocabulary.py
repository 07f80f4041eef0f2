"""``/def/``: the vocabulary as one document, and ``/def/{Term}``: each term's definition.

Terms use slash IRIs (``{base}/def/Boom``), so each term is fetched on its own and a crawler never
needs the fragment a hash IRI would hide from the server. A term answers 200 directly (as schema.org
does) rather than 303: its definition is what the IRI is for. ``/def/vocabulary.{ext}`` is the whole
vocabulary by extension; ``/def/`` negotiates.
"""

from __future__ import annotations

from typing import Any, TypedDict

from flask import Blueprint
from flask.typing import ResponseReturnValue

from ... import documents
from ...description import Term
from ...formats import BY_EXTENSION, HTML, Format, split_extension
from ...jsonld import CONTEXT_PATH
from ..http import validate
from . import context
from .respond import error, html_response, languages, negotiated, paging, prefixes, rdf_document, rdf_response, start
from .views import resource_view, settings, term_view

bp = Blueprint("linked_vocabulary", __name__, template_folder="../templates")

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CLASS_TYPES = {"http://www.w3.org/2002/07/owl#Class", "http://www.w3.org/2000/01/rdf-schema#Class"}
DEFINITION = ("http://www.w3.org/2004/02/skos/core#definition", "http://www.w3.org/2000/01/rdf-schema#comment")
WHOLE = "vocabulary"


class _Entry(TypedDict):
    """What the vocabulary page gathers about one term: its types and its definition per language."""

    types: set[str]
    definition: dict[str, str]


@bp.get("/def/")
def vocabulary_negotiated() -> ResponseReturnValue:
    return _vocabulary(None)


@bp.get("/def/<path:rest>")
def term(rest: str) -> ResponseReturnValue:
    stem, extension = split_extension(rest)
    if stem == WHOLE:
        return _vocabulary(extension)
    fmt, release = start(extension)
    s = settings()
    iri = s.def_base + stem
    paged, page, query = paging(fmt)
    description = release.describer.describe(iri, paged=paged, page=page, languages=languages())
    if description is None or not description.exists:
        return error(404, "Not Found", f"the vocabulary has no term {iri}; see /def/ for all terms", fmt)
    path = "/def/" + stem
    usage = release.describer.usage(iri)
    if fmt is HTML:
        counts: dict[str, int] = {}
        for per_graph in usage.values():
            for graph, n in per_graph.items():
                counts[graph] = counts.get(graph, 0) + n
        labels, _ = release.describer.labels(list(counts), languages())
        rows = [(term_view(Term("iri", g), labels), n) for g, n in sorted(counts.items(), key=lambda kv: -kv[1])]
        response = html_response(
            "linked/resource.html", resource=resource_view(description), doc_path=path, query=query, usage=rows
        )
    else:
        response = rdf_document(description, fmt, path, documents.usage_quads(iri, usage))
    return negotiated(response, release, path, fmt, query)


@bp.get(CONTEXT_PATH)
def jsonld_context() -> ResponseReturnValue:
    """The JSON-LD context every JSON-LD document names: our prefixes and vocab/'s terms, one per release."""
    _, release = start(BY_EXTENSION["jsonld"])
    response = rdf_response(release.jsonld.document(), BY_EXTENSION["jsonld"])
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return validate(response, release.id, release.created)


def _vocabulary(extension: Format | None) -> ResponseReturnValue:
    fmt, release = start(extension)
    s = settings()
    quads = release.describer.graph_quads(s.graph_base + "vocab")
    if fmt is HTML:
        response = html_response("linked/vocabulary.html", **_vocabulary_view(release, quads))
    else:
        response = rdf_response(documents.serialize(quads, fmt.extension, prefixes(), release.jsonld), fmt)
    response = negotiated(response, release, "/def/" + WHOLE, fmt, "")
    return response


def _vocabulary_view(release: context.LiveRelease, quads: list[Any]) -> dict[str, Any]:
    s = settings()
    terms: dict[str, _Entry] = {}
    for q in quads:
        subject = q.subject.value
        if not subject.startswith(s.def_base) or subject == s.def_base:
            continue
        entry = terms.setdefault(subject, {"types": set(), "definition": {}})
        if q.predicate.value == RDF_TYPE:
            entry["types"].add(q.object.value)
        elif q.predicate.value in DEFINITION and getattr(q.object, "language", None):
            entry["definition"][q.object.language] = q.object.value
    labels, _ = release.describer.labels(list(terms), languages())
    lang = languages()[0]
    classes: list[dict[str, Any]] = []
    properties: list[dict[str, Any]] = []
    for iri, entry in sorted(terms.items(), key=lambda kv: labels[kv[0]].text.lower()):
        definition = entry["definition"]
        row = {
            "term": term_view(Term("iri", iri), labels),
            "name": iri[len(s.def_base) :],
            "definition": definition.get(lang) or next(iter(definition.values()), ""),
        }
        (classes if entry["types"] & CLASS_TYPES else properties).append(row)
    return {"classes": classes, "properties": properties, "namespace": s.def_base}
