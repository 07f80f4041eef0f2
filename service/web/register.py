"""The register of exceptions as pages: an overview and one page per dataset, HTML or RDF by negotiation.

It reads the release's register and catalogue graphs; what it shows comes from the policies, so a
withheld value cannot be on these pages.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, abort, current_app, request
from flask.typing import ResponseReturnValue
from rdflib import DCAT, DCTERMS, RDF, RDFS, Graph, Namespace, URIRef

from .. import store as stores
from ..config import Settings
from .http import validate
from .layout import page_language, render_page
from .live import LiveStore, NoRelease

bp = Blueprint("register", __name__, template_folder="templates")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
#: ?format= value → media type; HTML is the default for browsers.
FORMATS = {
    "html": "text/html",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
}
RDFLIB_FORMAT = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt"}
KINDS = ("UitgezonderdeDataset", "UitgezonderdeKolom", "UitgezonderdeRijen", "Aggregatie")


@dataclass
class Entry:
    iri: str
    kind: str
    label: dict[str, str]
    ground: str
    ground_code: str
    ground_label: dict[str, str]
    motivation: str
    since: str
    columns: list[str]
    condition: dict[str, str]
    dimensions: list[str]
    threshold: str
    rounding: str


@dataclass
class DatasetEntry:
    slug: str
    iri: str
    title: dict[str, str]
    access: str
    statement: dict[str, str]
    entries: list[Entry] = field(default_factory=list)
    #: Columns left out as empty or redundant: no exception, listed apart (iri, label, explanation).
    unpublished: list[tuple[str, dict[str, str], str]] = field(default_factory=list)


@dataclass
class Register:
    graph: Graph
    datasets: dict[str, DatasetEntry]


_cache: dict[str, Register] = {}
_lock = threading.Lock()


def _texts(g: Graph, subject: Any, predicate: Any) -> dict[str, str]:
    return {(o.language or "nl"): str(o) for o in g.objects(subject, predicate)}


def _read(settings: Settings, store: Any) -> Register:
    graph = Graph()
    graph.parse(data=stores.graph_ntriples(store, settings.graph_base + "register"), format="nt")
    catalog = Graph()
    catalog.parse(data=stores.graph_ntriples(store, settings.graph_base + "catalog"), format="nt")
    vocab = Graph()
    vocab.parse(data=stores.graph_ntriples(store, settings.graph_base + "vocab"), format="nt")
    defs = Namespace(settings.def_base)
    graph.bind("def", defs)
    graph.bind("woo", Namespace(f"{settings.def_base}woo/"))
    graph.bind("dct", DCTERMS)
    prefix = f"{settings.id_base}dataset/"
    datasets: dict[str, DatasetEntry] = {}
    for dataset in sorted(set(catalog.subjects(RDF.type, DCAT.Dataset)), key=str):
        slug = str(dataset)[len(prefix) :]
        access = next(catalog.objects(dataset, DCTERMS.accessRights), None)
        rights = next(catalog.objects(dataset, DCTERMS.rights), None)
        entry = DatasetEntry(
            slug,
            str(dataset),
            _texts(catalog, dataset, DCTERMS.title),
            str(access).rsplit("/", 1)[-1] if access else "PUBLIC",
            _texts(catalog, rights, RDFS.label) if rights is not None else {},
        )
        for exc in sorted(graph.objects(dataset, defs.uitzondering), key=str):
            types = {str(t)[len(settings.def_base) :] for t in graph.objects(exc, RDF.type)}
            ground = next(graph.objects(exc, defs.woogrond))
            entry.entries.append(
                Entry(
                    iri=str(exc),
                    kind=next((k for k in KINDS if k in types), "Uitzondering"),
                    label=_texts(graph, exc, RDFS.label),
                    ground=str(ground),
                    ground_code=str(next(vocab.objects(ground, SKOS.notation), "")),
                    ground_label=_texts(vocab, ground, SKOS.prefLabel),
                    motivation=str(next(graph.objects(exc, defs.motivering), "")),
                    since=str(next(graph.objects(exc, defs.geldtVanaf), "")),
                    columns=sorted(str(c) for c in graph.objects(exc, defs.kolom)),
                    condition=_texts(graph, exc, defs.voorwaarde),
                    dimensions=sorted(str(c) for c in graph.objects(exc, defs.dimensie)),
                    threshold=str(next(graph.objects(exc, defs.drempel), "")),
                    rounding=str(next(graph.objects(exc, defs.afronding), "")),
                )
            )
        entry.entries.sort(key=lambda e: (KINDS.index(e.kind) if e.kind in KINDS else 9, e.iri))
        entry.unpublished = [
            (str(u), _texts(graph, u, RDFS.label), str(next(graph.objects(u, defs.toelichting), "")))
            for u in sorted(graph.objects(dataset, defs.nietGepubliceerd), key=str)
        ]
        datasets[slug] = entry
    return Register(graph, datasets)


def _register() -> tuple[str, Any, Register]:
    live: LiveStore = current_app.extensions["openbaar.live"]
    release_id, store = live.current()
    register = _cache.get(release_id)
    if register is None:
        with _lock:
            register = _read(current_app.config["OPENBAAR"], store)
            _cache.clear()
            _cache[release_id] = register
    return release_id, store, register


def _media() -> str | None:
    """``?format=`` first, then Accept; HTML when the client takes anything."""
    asked = request.args.get("format")
    if asked is not None:
        return FORMATS.get(asked)
    offered = ["text/html", *RDFLIB_FORMAT]
    if not request.accept_mimetypes or request.accept_mimetypes.best in ("*/*", None):
        return "text/html"
    return request.accept_mimetypes.best_match(offered)


def _dataset_graph(register: Register, entry: DatasetEntry) -> Graph:
    g = Graph()
    for prefix, ns in register.graph.namespaces():
        g.bind(prefix, ns)
    dataset = URIRef(entry.iri)
    for triple in register.graph.triples((dataset, None, None)):
        g.add(triple)
    for iri in [e.iri for e in entry.entries] + [u[0] for u in entry.unpublished]:
        for triple in register.graph.triples((URIRef(iri), None, None)):
            g.add(triple)
    return g


def _respond(body: str | bytes, media: str, release_id: str, store_created: Any) -> Response:
    response = Response(body, mimetype=media)
    response.vary.add("Accept")
    response.headers["Link"] = '</register?format=ttl>; rel="alternate"; type="text/turtle"'
    return validate(response, release_id, store_created, media, page_language() if media == "text/html" else "")


def _unavailable(exc: NoRelease) -> Response:
    return Response(f"{exc}\n", status=503, mimetype="text/plain")


def _not_acceptable() -> Response:
    return Response(
        "no acceptable format: ask for text/html, text/turtle, application/ld+json or application/n-triples, "
        "or use ?format=html|ttl|jsonld|nt\n",
        status=406,
        mimetype="text/plain",
    )


def _start() -> tuple[str, str, Register]:
    """The format asked for and the live register; answers 406 or 503 at once when there is neither."""
    media = _media()
    if media is None:
        abort(_not_acceptable())
    try:
        release_id, _store, register = _register()
    except NoRelease as exc:
        abort(_unavailable(exc))
    return media, release_id, register


@bp.get("/register")
def overview() -> ResponseReturnValue:
    media, release_id, register = _start()
    if media != "text/html":
        return _respond(register.graph.serialize(format=RDFLIB_FORMAT[media]), media, release_id, None)
    page = render_page("register/overview.html", datasets=list(register.datasets.values()), release=release_id)
    return _respond(page, "text/html", release_id, None)


@bp.get("/register/<slug>")
def dataset(slug: str) -> ResponseReturnValue:
    media, release_id, register = _start()
    entry = register.datasets.get(slug)
    if entry is None:
        abort(404, f"no dataset named '{slug}' in the register; see /register for the list")
    if media != "text/html":
        body = _dataset_graph(register, entry).serialize(format=RDFLIB_FORMAT[media])
        return _respond(body, media, release_id, None)
    page = render_page("register/dataset.html", dataset=entry, release=release_id)
    return _respond(page, "text/html", release_id, None)
