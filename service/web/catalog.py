"""``/catalog`` (DCAT-AP-NL 3.0, paged with hydra), ``/catalog/<dataset>`` and ``/.well-known/void``.

The catalogue is read from the live release's catalogue graph; nothing is computed per request but
the page cut and the serialisation, both cached per release.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, current_app, request
from flask.typing import ResponseReturnValue
from rdflib import Graph, URIRef

from .. import formats
from ..catalog.namespaces import DCAT, DCT, RDF
from ..catalog.serialize import datasets_in_order, page_graph
from ..catalog.void import void_only
from ..config import Settings
from ..live import Live, LiveRelease, NoRelease
from .http import validate
from .layout import page_language, render_page
from .negotiate import choose

bp = Blueprint("catalog", __name__, template_folder="templates")


def _current() -> tuple[Settings, LiveRelease]:
    """The settings and the live release (its catalogue graph is parsed once per release); 503 before a build."""
    live: Live = current_app.extensions["openbaar.live"]
    try:
        return current_app.config["OPENBAAR"], live.current()
    except NoRelease as exc:
        abort(503, str(exc))


def _rdf(graph: Callable[[], Graph], key: tuple[Any, ...], fmt: formats.Format, release: LiveRelease) -> Response:
    """A graph of the release in one format, serialised once per release and process."""
    body = release.memo(("catalog", *key, fmt.media_type), lambda: formats.serialize(graph(), fmt))
    return validate(Response(body, mimetype=fmt.media_type), release.id, release.created, fmt.media_type)


def _page_number() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        abort(400, f"'page' must be a whole number from 1 up, not {raw!r}")
    return int(raw)


@bp.get("/catalog")
def catalog() -> ResponseReturnValue:
    settings, release = _current()
    graph, manifest, release_id = release.catalogue, release.manifest, release.id
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
        return validate(Response(html, mimetype="text/html"), release_id, release.created, "html", page_language())
    response = _rdf(lambda: page_g, ("page", number), fmt, release)
    if page.last > 1:
        links = [f'<{settings.public_base}/catalog?page={page.last}>; rel="last"']
        if number < page.last:
            links.insert(0, f'<{settings.public_base}/catalog?page={number + 1}>; rel="next"')
        response.headers["Link"] = ", ".join(links)
    return response


@bp.get("/catalog/<slug>")
def dataset(slug: str) -> ResponseReturnValue:
    settings, release = _current()
    graph, manifest, release_id = release.catalogue, release.manifest, release.id
    iri = URIRef(f"{settings.public_base}/id/dataset/{slug}")
    if (iri, RDF.type, DCAT.Dataset) not in graph:
        abort(404, f"no dataset '{slug}' in the catalogue; see /catalog")
    view = _dataset_view(graph, iri, manifest)
    html = render_page("catalog/dataset.html", d=view, manifest=manifest)
    return validate(Response(html, mimetype="text/html"), release_id, release.created, "html", page_language())


@bp.get("/.well-known/void")
def void() -> ResponseReturnValue:
    _, release = _current()
    # VoID has no page: HTML is offered last and answered with the Turtle, so a person following a link reads it.
    fmt = choose((*formats.TRIPLES, formats.HTML))
    if fmt is formats.HTML:
        fmt = formats.TURTLE
    return _rdf(lambda: void_only(release.catalogue), ("void",), fmt, release)


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
