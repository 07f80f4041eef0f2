"""What crawlers read first: robots.txt and a paged sitemap listing every /id/ resource of the release."""

from __future__ import annotations

from xml.sax.saxutils import escape

from flask import Blueprint, Response
from flask.typing import ResponseReturnValue

from ...live import NoRelease
from ..http import validate
from . import context
from .views import settings

bp = Blueprint("linked_crawl", __name__, template_folder="../templates")

#: The sitemap protocol allows 50,000 URLs per file.
PER_SITEMAP = 50_000


@bp.get("/robots.txt")
def robots() -> ResponseReturnValue:
    base = settings().public_base
    text = (
        "# Every resource is listed in the sitemap; query endpoints are for people and programs, not crawlers.\n"
        "User-agent: *\n"
        "Allow: /\n"
        "Disallow: /sparql\n"
        "Disallow: /search\n"
        f"Sitemap: {base}/sitemap.xml\n"
    )
    response = Response(text, mimetype="text/plain")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


def _xml(body: str) -> Response:
    return Response('<?xml version="1.0" encoding="UTF-8"?>\n' + body, mimetype="application/xml")


@bp.get("/sitemap.xml")
def sitemap_index() -> ResponseReturnValue:
    try:
        release = context.current()
    except NoRelease as exc:
        return Response(str(exc), 503, mimetype="text/plain")
    base = settings().public_base
    count = release.index.resource_count() if release.index else 0
    pages = max(1, -(-count // PER_SITEMAP))
    lastmod = escape(release.manifest.get("created", ""))
    items = "".join(
        f"<sitemap><loc>{escape(base)}/sitemap/{n}.xml</loc><lastmod>{lastmod}</lastmod></sitemap>"
        for n in range(1, pages + 1)
    )
    body = f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>\n'
    return validate(_xml(body), release.id, release.created)


@bp.get("/sitemap/<int:number>.xml")
def sitemap_page(number: int) -> ResponseReturnValue:
    try:
        release = context.current()
    except NoRelease as exc:
        return Response(str(exc), 503, mimetype="text/plain")
    count = release.index.resource_count() if release.index else 0
    if number < 1 or (number - 1) * PER_SITEMAP >= max(count, 1):
        return Response(f"there is no sitemap page {number}; see /sitemap.xml\n", 404, mimetype="text/plain")
    iris = release.index.resources((number - 1) * PER_SITEMAP, PER_SITEMAP) if release.index else []
    created = release.manifest.get("created", "")
    earlier = release.modified.dates(iris) if release.modified else {}  # resources unchanged by this release
    items = "".join(
        f"<url><loc>{escape(iri)}</loc><lastmod>{escape(earlier.get(iri, created))}</lastmod></url>" for iri in iris
    )
    body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>\n'
    return validate(_xml(body), release.id, release.created)
