"""Responses every linked-data route shares: RDF with alternates, HTML pages, errors in the asked format."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, NoReturn

from flask import Response, abort, g, render_template, request

from ... import documents
from ... import prefixes as prefix_map
from ...config import Settings
from ...description import Description
from ...errors import EngineUnavailable
from ...formats import HTML, PAGE_AND_RDF, Format, split_extension
from ...jsonld import Context
from ...live import NoRelease
from ..http import content_digest, validate
from ..layout import page_language
from ..negotiate import choose
from . import context
from .context import LiveRelease
from .views import page_query, settings

MAX_PAGE = 1_000_000
log = logging.getLogger(__name__)


def prefixes() -> dict[str, str]:
    return prefixes_of(settings())


def prefixes_of(s: Settings) -> dict[str, str]:
    return prefix_map.of(s)


def languages() -> tuple[str, ...]:
    return ("en", "nl") if page_language() == "en" else ("nl", "en")


def variant_url(path: str, fmt: Format, query: str = "") -> str:
    """The URL that names one format whatever Accept says: the path with its extension."""
    return f"{path}.{fmt.extension}{query}"


def alternates(path: str, fmt: Format, query: str = "") -> str:
    """The Link header naming every other format of the document."""
    return ", ".join(
        f'<{variant_url(path, f, query)}>; rel="alternate"; type="{f.media_type}"' for f in PAGE_AND_RDF if f is not fmt
    )


def negotiated(
    response: Response,
    release: LiveRelease,
    path: str,
    fmt: Format,
    query: str,
    *,
    modified: datetime | None = None,
) -> Response:
    """Alternates, Content-Location, Vary and release validators (304 when the client has it); ``modified``
    is when the resource itself last changed (the release date when not given)."""
    response.headers["Link"] = alternates(path, fmt, query)
    response.headers["Content-Location"] = variant_url(path, fmt, query)
    if fmt is HTML:
        response.vary.add("Cookie")
    when = modified or release.created
    if fmt is HTML:  # a page names its release
        return validate(response, release.id, when, fmt.extension, page_language())
    return validate(response, release.id, when, fmt.extension, "", content=content_digest(response.get_data()))


def rdf_response(body: bytes, fmt: Format, status: int = 200) -> Response:
    mimetype = fmt.media_type
    return Response(body, status=status, mimetype=mimetype, content_type=f"{mimetype}; charset=utf-8")


def html_response(template: str, code: int = 200, **context: Any) -> Response:
    return Response(render_template(template, **context), status=code, mimetype="text/html")


def error(status: int, title: str, message: str, fmt: Format = HTML) -> Response:
    """An error page for people, or a small hydra:Status document for machines."""
    if fmt is HTML:
        response = html_response("linked/error.html", status, status=status, title=title, message=message)
    else:
        body = documents.status_document(status, title, message, fmt.extension, prefixes())
        response = rdf_response(body, fmt, status)
    return response


def stop(response: Response) -> NoReturn:
    abort(response)


def start(extension: Format | None) -> tuple[Format, LiveRelease]:
    """The format asked for and the live release; answers 400/406, or 503 in that format, when there is none."""
    fmt = g.openbaar_format = choose(PAGE_AND_RDF, extension)
    try:
        return fmt, context.current()
    except NoRelease as exc:
        stop(error(503, "Service Unavailable", str(exc), fmt))


def engine_failed(exc: EngineUnavailable) -> Response:
    """The remote SPARQL engine is down (503) or too slow (504): said in the asked format, like a 404."""
    log.warning("answering %d to %s: %s", exc.status, request.path, exc)
    fmt = g.get("openbaar_format") or split_extension(request.path)[1] or HTML  # the front's: an extension
    return error(exc.status, "Gateway Timeout" if exc.status == 504 else "Service Unavailable", str(exc), fmt)


def paging(fmt: Format) -> tuple[tuple[str, str] | None, int, str]:
    """(direction, property), page and the query string that keeps them: ``?in=<iri>&page=2``; 400 on bad input."""
    for direction in ("out", "in"):
        predicate = request.args.get(direction)
        if predicate:
            raw = request.args.get("page", "1")
            if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
                stop(error(400, "Bad Request", f"page '{raw}' is not a page number; use page=1, 2, …", fmt))
            page = int(raw)
            return (direction, predicate), page, page_query(direction, predicate, page)
    return None, 1, ""


def rdf_document(description: Description, fmt: Format, path: str, extra: list[Any] | None = None) -> Response:
    """The description in an RDF format, its page links pointing at the document on the public base."""
    body = rdf_body(description, fmt, path, settings(), context.current().jsonld, extra)
    return rdf_response(body, fmt)


def rdf_body(
    description: Description,
    fmt: Format,
    path: str,
    s: Settings,
    jsonld: Context | None,
    extra: list[Any] | None = None,
) -> bytes:
    """The bytes of a document; the Flask route and the WSGI front (``front.py``) both write these.

    The document is named without an extension (the negotiated document), so every format says the same.
    """
    doc_iri = f"{s.public_base}{path}"
    return documents.document(
        description,
        fmt.extension,
        doc_iri,
        lambda direction, predicate, n: doc_iri + page_query(direction, predicate, n),
        prefixes_of(s),
        extra,
        jsonld,
    )
