"""``/doc/{concept}/{ref}``: the document about ``{base}/id/{concept}/{ref}`` in HTML or any RDF format.

Paging: ``?out=<property>&page=N`` or ``?in=<property>&page=N`` gives one page of one property's links.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote, unquote

from flask import Blueprint, request
from flask.typing import ResponseReturnValue

from ...describe import Description
from ...formats import HTML, split_extension
from .context import LiveRelease
from .dataset import dataset_context
from .respond import error, html_response, languages, negotiated, paging, rdf_document, start
from .views import resource_view, settings

bp = Blueprint("linked_document", __name__, template_folder="../templates")

#: The route of documents; the WSGI front (``front.py``) counts its answers under the same name.
DOC_RULE = "/doc/<path:rest>"
#: Characters never found in our IRIs; a path holding them is answered 404 without a lookup.
_HOSTILE = re.compile(r"[\x00-\x20<>\"{}|\\^`\x7f]")
DCAT_DATASET = "http://www.w3.org/ns/dcat#Dataset"


def iri_candidates(base: str, rest: str, raw_uri: str | None = None) -> Iterator[str]:
    """The IRIs a path may name: as sent (percent-encoding kept, as the mapper mints it), then as decoded.

    The mapper encodes every reserved character of a reference (``65+`` becomes ``65%2B``), so the path
    as the client sent it is tried first; the decoded form serves IRIs written by hand. Lazily: the
    first form nearly always names the resource.
    """
    if not rest:
        return
    seen: set[str] = set()
    raw = raw_path_tail(rest, request_raw_uri() if raw_uri is None else raw_uri)
    for form in (raw, rest, None):
        form = quote(rest, safe="/~") if form is None else form
        if form and form not in seen and not _HOSTILE.search(form):
            seen.add(form)
            yield base + form


def raw_uri_of(environ: dict[str, object]) -> str:
    """The request path as the client sent it (percent-encoding kept), from gunicorn's or a server's environ."""
    return str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or "").split("?", 1)[0]


def request_raw_uri() -> str:
    return raw_uri_of(request.environ)


def raw_path_tail(rest: str, raw: str) -> str | None:
    """The end of the undecoded request path that corresponds to the decoded ``rest`` (without extension)."""
    segments = rest.count("/") + 1
    tail = raw.rsplit("/", segments)
    if len(tail) <= segments:
        return None
    candidate = "/".join(tail[1:])
    stem, _ = split_extension(candidate)
    return stem if unquote(stem) == rest else None


def find(
    release: LiveRelease,
    id_base: str,
    stem: str,
    raw_uri: str,
    paged: tuple[str, str] | None = None,
    page: int = 1,
    langs: tuple[str, ...] = ("nl", "en"),
) -> tuple[Description | None, str]:
    """The description a document path names and the document's own path as minted (percent-encoded),
    whatever form the client sent; (None, the path as asked) when nothing is known about it."""
    for iri in iri_candidates(id_base, stem, raw_uri):
        found = release.describer.describe(iri, paged=paged, page=page, languages=langs)
        if found is not None and found.exists:
            return found, "/doc/" + iri[len(id_base) :]
    return None, "/doc/" + stem


@bp.get(DOC_RULE)
def doc(rest: str) -> ResponseReturnValue:
    stem, extension = split_extension(rest)
    fmt, release = start(extension)
    paged, page, query = paging(fmt)
    s = settings()
    description, path = find(release, s.id_base, stem, request_raw_uri(), paged, page, languages())
    if description is None:
        message = f"nothing is known about {s.id_base}{stem}; check the address, or search from the home page"
        response = error(404, "Not Found", message, fmt)
        response.vary.add("Accept")
        return response
    if fmt is HTML:
        page_model = resource_view(description)
        template = "linked/resource.html"
        extra = {}
        if DCAT_DATASET in description.types and paged is None:
            template = "linked/dataset.html"
            extra = dataset_context(release, description, stem)
        response = html_response(template, resource=page_model, doc_path=path, query=query, **extra)
    else:
        response = rdf_document(description, fmt, path)
    return negotiated(response, release, path, fmt, query)
