"""The register of exceptions as pages: an overview and one page per dataset, HTML or RDF by negotiation.

It reads the release's register and catalogue graphs; what it shows comes from the policies, so a
withheld value cannot be on these pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, abort, current_app
from flask.typing import ResponseReturnValue
from rdflib import DCAT, DCTERMS, RDF, RDFS, Graph, Literal, Namespace, URIRef

from .. import formats
from .. import store as stores
from ..config import Settings
from ..formats import Format
from ..live import Live, NoRelease
from .http import validate
from .layout import page_language, render_page
from .negotiate import choose

bp = Blueprint("register", __name__, template_folder="templates")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
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


def _texts(g: Graph, subject: Any, predicate: Any) -> dict[str, str]:
    return {(o.language or "nl"): str(o) for o in g.objects(subject, predicate) if isinstance(o, Literal)}


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


def _register() -> tuple[str, Register]:
    """The live release's register, read once per release and process."""
    live: Live = current_app.extensions["openbaar.live"]
    release = live.current()
    return release.id, release.memo("register", lambda: _read(release.settings, release.store))


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


def _respond(body: str | bytes, fmt: Format, release_id: str, store_created: Any) -> Response:
    response = Response(body, mimetype=fmt.media_type)
    response.headers["Link"] = '</register?format=ttl>; rel="alternate"; type="text/turtle"'
    language = page_language() if fmt is formats.HTML else ""
    return validate(response, release_id, store_created, fmt.media_type, language)


def _unavailable(exc: NoRelease) -> Response:
    return Response(f"{exc}\n", status=503, mimetype="text/plain")


def _start() -> tuple[Format, str, Register]:
    """The format asked for and the live register; answers 400/406 or 503 at once when there is neither."""
    fmt = choose(formats.PAGE_AND_TRIPLES)
    try:
        release_id, register = _register()
    except NoRelease as exc:
        abort(_unavailable(exc))
    return fmt, release_id, register


@bp.get("/register")
def overview() -> ResponseReturnValue:
    fmt, release_id, register = _start()
    if fmt is not formats.HTML:
        return _respond(formats.serialize(register.graph, fmt), fmt, release_id, None)
    page = render_page("register/overview.html", datasets=list(register.datasets.values()), release=release_id)
    return _respond(page, fmt, release_id, None)


@bp.get("/register/<slug>")
def dataset(slug: str) -> ResponseReturnValue:
    fmt, release_id, register = _start()
    entry = register.datasets.get(slug)
    if entry is None:
        abort(404, f"no dataset named '{slug}' in the register; see /register for the list")
    if fmt is not formats.HTML:
        return _respond(formats.serialize(_dataset_graph(register, entry), fmt), fmt, release_id, None)
    page = render_page("register/dataset.html", dataset=entry, release=release_id)
    return _respond(page, fmt, release_id, None)
