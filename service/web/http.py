"""HTTP behaviour every route shares: CORS, gzip, and validators tied to the live release.

A release never changes after it is built, so (release id, URL, variant) is a strong validator.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import sqlite3
from datetime import datetime
from functools import lru_cache

from flask import Flask, Request, Response, current_app, g, request
from werkzeug.datastructures import Accept
from werkzeug.http import parse_accept_header

from ..formats import FORMATS

log = logging.getLogger(__name__)

#: Headers a cross-origin script may read.
EXPOSED = "ETag, Last-Modified, Link, Content-Location, Retry-After, X-Openbaar-Release, X-Openbaar-Truncated"
ALLOWED_HEADERS = "Accept, Accept-Encoding, Content-Type, If-None-Match, If-Modified-Since, Range"
#: Seconds a client is asked to wait before retrying a 503.
RETRY_AFTER = 5
#: Pages run only our own scripts and styles, from this origin (the editor's and the map's); the map's optional
#: background tiles are the one outside image source. No page may be framed, and none sends its URL away.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https://tile.openstreetmap.org; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
#: The SPARQL editor's results table (YASR) sets inline styles; only its page allows them (scripts stay ours).
EDITOR_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
)
#: Below this size gzip saves too little to be worth the CPU.
GZIP_MIN_BYTES = 1024
GZIP_LEVEL = 5
#: Every format we serve is text; so are these (pages' assets, error bodies).
COMPRESSIBLE = (
    "text/",
    *(f.media_type for f in FORMATS if not f.media_type.startswith("text/")),
    "application/json",
    "application/xml",
    "application/javascript",
    "image/svg+xml",
)


def content_digest(body: bytes) -> str:
    """What an ETag made from the bytes themselves starts from (see ``validate``)."""
    return hashlib.sha256(body).hexdigest()


def etag_for(release_id: str, full_path: str, *variant: str) -> str:
    """Same release, same URL (path and query, as werkzeug's ``full_path``), same variant: same bytes."""
    digest = hashlib.sha256("\x00".join((release_id, full_path, *variant)).encode()).hexdigest()
    return digest[:32]


#: Request headers that can turn an answer into 304, 412 or 206; without any, there is nothing to check.
_CONDITIONAL = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_RANGE",
)


def release_etag(release_id: str, *variant: str) -> str:
    return etag_for(release_id, request.full_path, *variant)


@lru_cache(maxsize=256)
def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header value takes gzip (q-values honoured); few distinct values exist."""
    return "gzip" in parse_accept_header(accept_encoding, Accept)


def compressible(status: int, media: str, length: int) -> bool:
    """Whether a response of this status, media type and size is worth gzipping (the client asked)."""
    return status in (200, 404, 400, 406) and media.startswith(COMPRESSIBLE) and length >= GZIP_MIN_BYTES


def gzip_bytes(body: bytes) -> bytes:
    """Same input, same bytes (mtime 0), so the gzipped copy has a strong validator of its own."""
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def cors_headers(method: str) -> list[tuple[str, str]]:
    """CORS on every response; a preflight (OPTIONS) also says which methods and headers are allowed."""
    headers = [("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", EXPOSED)]
    if method == "OPTIONS":
        headers += [
            ("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS"),
            ("Access-Control-Allow-Headers", ALLOWED_HEADERS),
            ("Access-Control-Max-Age", "86400"),
        ]
    return headers


def validate(
    response: Response, release_id: str, created: datetime | None, *variant: str, content: str = ""
) -> Response:
    """Set ETag and Last-Modified from the release; answer 304 (or 412, or a Range) when the client has it.

    ``content`` (a digest of the body) names the bytes instead of the release, so a document that a new
    release left unchanged keeps its ETag."""
    etag = release_etag(content or release_id, *variant)
    # A gzipped copy carries "<etag>-gz" (see _gzip); a client revalidating it must get its 304 too.
    gzipped = etag + "-gz"
    response.set_etag(gzipped if request.if_none_match.contains(gzipped) else etag)
    if created is not None:
        response.last_modified = created
    response.headers.setdefault("X-Openbaar-Release", release_id)
    environ = request.environ
    if not any(name in environ for name in _CONDITIONAL):
        return response
    return response.make_conditional(request)


def _wants_gzip(req: Request, response: Response) -> bool:
    if req.method == "HEAD" or response.direct_passthrough or response.is_streamed:
        return False
    if "Content-Encoding" in response.headers or not accepts_gzip(req.headers.get("Accept-Encoding", "")):
        return False
    return compressible(response.status_code, response.mimetype or "", response.content_length or 0)


def _gzip(response: Response) -> None:
    body = gzip_bytes(response.get_data())
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(etag + "-gz", weak=weak)


def _pin_release() -> None:
    """The live release when the request arrived: named on every response, even those no release shaped."""
    g.openbaar_release = current_app.extensions["openbaar.live"].current_id()


def _finish(response: Response) -> Response:
    pinned = g.get("openbaar_release")
    if pinned:
        response.headers.setdefault("X-Openbaar-Release", pinned)
    for name, value in cors_headers(request.method):
        response.headers[name] = value
    if response.status_code == 503:
        response.headers.setdefault("Retry-After", str(RETRY_AFTER))
    for name, value in SECURITY_HEADERS:  # a page that needs a wider policy (the editor) has set its own
        response.headers.setdefault(name, value)
    response.vary.add("Accept-Encoding")
    if _wants_gzip(request, response):
        _gzip(response)
    return response


def _unavailable(exc: Exception) -> Response:
    """A file or store that cannot be opened now (too many open files, a damaged store): 503, never 500."""
    log.error("answering 503 to %s: %s: %s", request.path, type(exc).__name__, exc)
    text = f"the service cannot read the live release right now ({exc}); retry in a few seconds\n"
    return Response(text, status=503, mimetype="text/plain", headers={"Retry-After": str(RETRY_AFTER)})


def _store_error(exc: RuntimeError) -> Response:
    """RocksDB reports a damaged or unreadable store as RuntimeError ("Corruption: …", "IO error: …")."""
    if not str(exc).startswith(("Corruption", "IO error")):
        raise exc
    return _unavailable(exc)


def init_app(app: Flask) -> None:
    app.before_request(_pin_release)
    app.after_request(_finish)
    app.register_error_handler(OSError, _unavailable)
    app.register_error_handler(RuntimeError, _store_error)
    app.register_error_handler(sqlite3.OperationalError, _unavailable)
