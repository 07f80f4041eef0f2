"""The home page (datasets, sizes, exceptions, ways in) and the search by label."""

from __future__ import annotations

from flask import Blueprint, request
from flask.typing import ResponseReturnValue

from ...description import Term
from ...live import NoRelease
from ...search import COUNT_CAP, Hit
from ..http import validate
from . import context
from .dataset import exception_lines
from .respond import error, html_response, languages
from .views import term_view

bp = Blueprint("linked_pages", __name__, template_folder="../templates")

SEARCH_LIMIT = 20
MAX_QUERY = 200


@bp.get("/")
def home() -> ResponseReturnValue:
    try:
        release = context.current()
    except NoRelease as exc:
        return error(503, "Service Unavailable", str(exc))
    lang = languages()[0]
    datasets = []
    for slug, entry in sorted(release.datasets.items()):
        title = entry.get("title") or {}
        datasets.append(
            {
                "slug": slug,
                "title": title.get(lang) or title.get("nl") or slug,
                "triples": entry.get("triples", 0),
                "withheld": len(exception_lines(entry.get("policy") or {}, lang)),
            }
        )
    graphs = [
        {"name": name, "label": text.get(lang, name), "triples": release.manifest.get("graphs", {}).get(iri, 0)}
        for name, text in context.GRAPH_LABELS.items()
        for iri in [release.describer_graph(name)]
    ]
    response = html_response(
        "linked/home.html",
        datasets=datasets,
        graphs=graphs,
        release=release.id,
        created=release.manifest.get("created", ""),
        total=sum(release.manifest.get("graphs", {}).values()),
    )
    response.vary.add("Cookie")
    return validate(response, release.id, release.created, lang)


@bp.get("/search")
def search() -> ResponseReturnValue:
    query = request.args.get("q", "").strip()[:MAX_QUERY]
    try:
        release = context.current()
    except NoRelease as exc:
        return error(503, "Service Unavailable", str(exc))
    hits: list[Hit] = []
    total = 0
    if query and release.index is not None:
        hits, total = release.index.search(query, SEARCH_LIMIT)
    labels, _ = release.describer.labels([h.iri for h in hits], languages())
    results = [{"term": term_view(Term("iri", h.iri), labels), "text": h.text} for h in hits]
    response = html_response(
        "linked/search.html",
        q=query,
        results=results,
        total=total,
        indexed=release.index is not None,
        capped=total >= COUNT_CAP,
    )
    response.vary.add("Cookie")
    return validate(response, release.id, release.created, languages()[0])
