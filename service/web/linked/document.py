"""``/doc/{concept}/{ref}``: the document about ``{base}/id/{concept}/{ref}`` in HTML or any RDF format.

Paging: ``?out=<property>&page=N`` or ``?in=<property>&page=N`` gives one page of one property's links.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote, unquote

from flask import Blueprint, request
from flask.typing import ResponseReturnValue

from ...describe import Describer
from ...description import Description
from ...formats import HTML, split_extension
from ...mapping.terms import iri_safe
from . import history
from .dataset import dataset_context
from .respond import error, html_response, languages, negotiated, paging, rdf_document, start
from .views import resource_view, settings

bp = Blueprint("linked_document", __name__, template_folder="../templates")

#: The route of documents; the WSGI front (``front.py``) counts its answers under the same name.
DOC_RULE = "/doc/<path:rest>"
#: Characters never found in our IRIs; a path holding them is answered 404 without a lookup.
_HOSTILE = re.compile(r"[\x00-\x20<>\"{}|\\^`\x7f]")
DCAT_DATASET = "http://www.w3.org/ns/dcat#Dataset"
#: The routes whose rest of the path is a reference (as the client sent it, in the raw request path).
ROUTE_PREFIXES = ("/doc/", "/id/")


def iri_candidates(base: str, rest: str, raw_uri: str | None = None) -> Iterator[str]:
    """The IRIs a path may name: as sent (percent-encoding kept, as the mapper mints it), the same segments
    encoded as the mapper encodes them, then the decoded path (IRIs written by hand).

    Routing decodes ``%2F`` into ``/``, so a reference holding a slash is only found from the raw request
    path (gunicorn's ``RAW_URI``). Lazily: the first form nearly always names the resource.
    """
    if not rest:
        return
    seen: set[str] = set()
    raw = raw_path_tail(rest, request_raw_uri() if raw_uri is None else raw_uri)
    minted = "/".join(iri_safe(unquote(segment)) for segment in raw.split("/")) if raw else None
    for form in (raw, minted, rest, quote(rest, safe="/~")):
        if form and form not in seen and not _HOSTILE.search(form):
            seen.add(form)
            yield base + form


def raw_uri_of(environ: dict[str, object]) -> str:
    """The request path as the client sent it (percent-encoding kept), from gunicorn's or a server's environ."""
    raw = str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or "").split("?", 1)[0]
    try:  # the server hands the request line's bytes over as latin-1 text; a client may send UTF-8 unencoded
        return raw.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return raw


def request_raw_uri() -> str:
    return raw_uri_of(request.environ)


def raw_path_tail(rest: str, raw: str) -> str | None:
    """The part of the undecoded request path that the decoded ``rest`` (without extension) came from."""
    for prefix in ROUTE_PREFIXES:
        if raw.startswith(prefix):
            stem, _ = split_extension(raw[len(prefix) :])
            return stem if unquote(stem) == rest else None
    return None


def find(
    describer: Describer,
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
        found = describer.describe(iri, paged=paged, page=page, languages=langs)
        if found is not None and found.exists:
            return found, "/doc/" + iri[len(id_base) :]
    return None, "/doc/" + stem


@bp.get(DOC_RULE, merge_slashes=False)  # a reference of "/" makes "//" once decoded
def doc(rest: str) -> ResponseReturnValue:
    stem, extension = split_extension(rest)
    fmt, release = start(extension)
    paged, page, query = paging(fmt)
    s = settings()
    description, path = find(release.describer, s.id_base, stem, request_raw_uri(), paged, page, languages())
    if description is None and stem.startswith(history.PREFIX):
        description, path = find(history.describer(), s.id_base, stem, request_raw_uri(), paged, page, languages())
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
    modified = release.last_modified(description.iri)
    return negotiated(response, release, path, fmt, query, modified=modified)
