"""Responses every linked-data route shares: RDF with alternates, HTML pages, errors in the asked format."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, render_template

from ... import documents
from ..http import validate
from ..layout import page_language
from .context import LiveRelease
from .negotiate import FORMATS, HTML, Format, offered
from .views import settings


def prefixes() -> dict[str, str]:
    s = settings()
    return {"def": s.def_base, "graph": s.graph_base}


def languages() -> tuple[str, ...]:
    return ("en", "nl") if page_language() == "en" else ("nl", "en")


def variant_url(path: str, fmt: Format, query: str = "") -> str:
    """The URL that names one format whatever Accept says: the path with its extension."""
    return f"{path}.{fmt.extension}{query}"


def negotiated(
    response: Response,
    release: LiveRelease,
    path: str,
    fmt: Format,
    query: str,
    *,
    by_extension: bool,
) -> Response:
    """Alternates, Content-Location, Vary and release validators (304 when the client has it)."""
    links = [
        f'<{variant_url(path, f, query)}>; rel="alternate"; type="{f.media_type}"' for f in FORMATS if f is not fmt
    ]
    response.headers["Link"] = ", ".join(links)
    response.headers["Content-Location"] = variant_url(path, fmt, query)
    if not by_extension:
        response.vary.add("Accept")
    if fmt is HTML:
        response.vary.add("Cookie")
    return validate(response, release.id, release.created, fmt.extension, page_language() if fmt is HTML else "")


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


def not_acceptable(message: str) -> Response:
    response = Response(f"406 Not Acceptable: {message}\nformats: {offered(media=True)}\n", 406, mimetype="text/plain")
    response.vary.add("Accept")
    return response


Handler = Callable[..., Response]
