"""``/catalog`` (DCAT-AP-NL 3.0, paged with hydra), ``/catalog/<dataset>`` and ``/.well-known/void``.

The catalogue is read from the live release's catalogue graph; nothing is computed per request but
the page cut and the serialisation, both cached per release.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, abort, current_app, request
from flask.typing import ResponseReturnValue
from rdflib import Graph, URIRef

from .. import formats
from .. import store as stores
from ..catalog.facts import CATALOG_FILE
from ..catalog.namespaces import DCAT, DCT, RDF, new_graph
from ..catalog.serialize import datasets_in_order, page_graph
from ..catalog.void import void_only
from ..config import Settings
from ..releases import live_release
from .http import validate
from .layout import page_language, render_page
from .live import LiveStore, NoRelease
from .negotiate import choose

bp = Blueprint("catalog", __name__, template_folder="templates")


class _Cache:
    """The live release's catalogue graph and manifest, parsed once per release per process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.release_id: str | None = None
        self.graph = Graph()
        self.manifest: dict[str, Any] = {}
        self.bodies: dict[tuple[Any, ...], bytes] = {}

    def load(self, settings: Settings, live: LiveStore) -> tuple[str, Graph, dict[str, Any]]:
        release_id, store = live.current()
        with self.lock:
            if release_id != self.release_id:
                graph = new_graph()
                release = live_release(settings)
                if release is not None and (release.path / CATALOG_FILE).is_file():
                    graph.parse(release.path / CATALOG_FILE, format="nt")
                else:  # a release built before the catalogue file existed
                    graph.parse(data=stores.graph_ntriples(store, settings.graph_base + "catalog"), format="nt")
                self.graph, self.manifest = graph, (release.manifest if release else {})
                self.release_id, self.bodies = release_id, {}
            return release_id, self.graph, self.manifest


CACHE = _Cache()


def _current() -> tuple[Settings, str, Graph, dict[str, Any]]:
    settings: Settings = current_app.config["OPENBAAR"]
    try:
        release_id, graph, manifest = CACHE.load(settings, current_app.extensions["openbaar.live"])
    except NoRelease as exc:
        abort(503, str(exc))
    return settings, release_id, graph, manifest


def _created(manifest: dict[str, Any]) -> datetime | None:
    return datetime.fromisoformat(manifest["created"]) if manifest.get("created") else None


def _rdf(body: bytes, fmt: formats.Format, release_id: str, manifest: dict[str, Any]) -> Response:
    response = Response(body, mimetype=fmt.media_type)
    return validate(response, release_id, _created(manifest), fmt.media_type)


def _page_number() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        abort(400, f"'page' must be a whole number from 1 up, not {raw!r}")
    return int(raw)


@bp.get("/catalog")
def catalog() -> ResponseReturnValue:
    settings, release_id, graph, manifest = _current()
    number = _page_number()
    fmt = choose(formats.PAGE_AND_TRIPLES)
    try:
        page_g, page = page_graph(graph, number, settings.catalog_page_size, settings.public_base + "/catalog")
    except IndexError:
        abort(404, f"the catalogue has no page {number}")
    if fmt is formats.HTML:
        datasets = [
            _dataset_view(graph, d, manifest)
            for d in datasets_in_order(page_g)
            if (d, RDF.type, DCAT.Dataset) in page_g
        ]
        html = render_page("catalog/index.html", datasets=datasets, page=page, manifest=manifest)
        return validate(Response(html, mimetype="text/html"), release_id, _created(manifest), "html", page_language())
    key = ("catalog", number, fmt.media_type)
    if key not in CACHE.bodies:
        CACHE.bodies[key] = formats.serialize(page_g, fmt)
    response = _rdf(CACHE.bodies[key], fmt, release_id, manifest)
    if page.last > 1:
        links = [f'<{settings.public_base}/catalog?page={page.last}>; rel="last"']
        if number < page.last:
            links.insert(0, f'<{settings.public_base}/catalog?page={number + 1}>; rel="next"')
        response.headers["Link"] = ", ".join(links)
    return response


@bp.get("/catalog/<slug>")
def dataset(slug: str) -> ResponseReturnValue:
    settings, release_id, graph, manifest = _current()
    iri = URIRef(f"{settings.public_base}/id/dataset/{slug}")
    if (iri, RDF.type, DCAT.Dataset) not in graph:
        abort(404, f"no dataset '{slug}' in the catalogue; see /catalog")
    view = _dataset_view(graph, iri, manifest)
    html = render_page("catalog/dataset.html", d=view, manifest=manifest)
    return validate(Response(html, mimetype="text/html"), release_id, _created(manifest), "html", page_language())


@bp.get("/.well-known/void")
def void() -> ResponseReturnValue:
    _, release_id, graph, manifest = _current()
    fmt = choose(formats.TRIPLES)  # no page: a browser (which also takes */*) gets the Turtle
    key = ("void", fmt.media_type)
    if key not in CACHE.bodies:
        CACHE.bodies[key] = formats.serialize(void_only(graph), fmt)
    return _rdf(CACHE.bodies[key], fmt, release_id, manifest)


def _text(graph: Graph, subject: Any, predicate: Any, lang: str) -> str:
    values = list(graph.objects(subject, predicate))
    for value in values:
        if getattr(value, "language", None) == lang:
            return str(value)
    return str(values[0]) if values else ""


def _dataset_view(graph: Graph, iri: URIRef, manifest: dict[str, Any]) -> dict[str, Any]:
    """What the HTML pages show of a dataset, in both languages."""
    slug = str(iri).rsplit("/", 1)[-1]
    distributions = []
    for dist in sorted(graph.objects(iri, DCAT.distribution), key=str):
        distributions.append(
            {
                "title_nl": _text(graph, dist, DCT.title, "nl"),
                "title_en": _text(graph, dist, DCT.title, "en"),
                "url": str(graph.value(dist, DCAT.downloadURL) or graph.value(dist, DCAT.accessURL) or ""),
                "bytes": graph.value(dist, DCAT.byteSize),
                "licence": str(graph.value(dist, DCT.license) or ""),
            }
        )
    return {
        "slug": slug,
        "iri": str(iri),
        "title_nl": _text(graph, iri, DCT.title, "nl"),
        "title_en": _text(graph, iri, DCT.title, "en"),
        "description_nl": _text(graph, iri, DCT.description, "nl"),
        "description_en": _text(graph, iri, DCT.description, "en"),
        "access": str(graph.value(iri, DCT.accessRights) or "").rsplit("/", 1)[-1],
        "themes": sorted(str(t).rsplit("/", 1)[-1] for t in graph.objects(iri, DCAT.theme)),
        "keywords": sorted(str(k) for k in graph.objects(iri, DCAT.keyword)),
        "modified": str(graph.value(iri, DCT.modified) or ""),
        "distributions": distributions,
        "void": manifest.get("void", {}).get(slug, {}),
        "graph": manifest.get("datasets", {}).get(slug, {}).get("graph", ""),
    }
