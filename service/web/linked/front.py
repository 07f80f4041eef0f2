"""A thin WSGI front for the hottest request: GET or HEAD of ``/doc/….<rdf extension>`` without a query.

Flask's request and response objects, routing and hooks cost more than describing a tree does, so
this case is answered here with the same pieces the Flask route uses (``document.find``,
``respond.rdf_body`` and ``alternates``, the validators and CORS/gzip rules of ``web/http.py``).
Everything else goes to the Flask app unchanged: HTML, ``?out=``/``?in=`` paging, ``?format=``,
Range and If-Match requests, paths Flask would redirect, unknown resources (404), a missing release
(503) and any error. ``tests/test_doc_front.py`` checks that both paths give the same bytes and headers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from flask import Flask, request
from werkzeug.http import http_date, is_resource_modified, parse_etags

from ...config import Settings
from ...errors import EngineUnavailable
from ...formats import HTML, split_extension
from ...live import NoRelease
from .. import http
from ..metrics import DOC_CACHE, DOC_FRONT, LATENCY, REQUESTS
from . import context
from .doccache import Cached, DocumentCache, cache_dir
from .document import DOC_RULE, find, raw_uri_of
from .respond import alternates, rdf_body, variant_url

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
#: Preconditions the front leaves to werkzeug (Flask): ranges and the rarely sent If-Match family.
_LEFT_TO_FLASK = ("HTTP_RANGE", "HTTP_IF_RANGE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")
#: What a 304 keeps of a 200's headers (werkzeug drops the entity headers but Content-Location and Expires).
_DROPPED_ON_304 = frozenset({"content-type", "content-length", "last-modified", "content-encoding"})


#: Where the front leaves a remote engine's failure for Flask to answer.
ENGINE_FAILURE = "openbaar.engine_failure"


class DocumentFront:
    """Wraps ``app.wsgi_app``; answers hot document requests itself and passes on the rest."""

    def __init__(self, app: Flask, wsgi_app: WSGIApp) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.settings: Settings = app.config["OPENBAAR"]
        self._counted: dict[str, Any] = {}
        self._latency = LATENCY.labels(DOC_RULE)
        self._dates: dict[datetime, str] = {}
        self._answered = DOC_FRONT.labels("answered")
        self._handed_on = DOC_FRONT.labels("handed_on")
        self._failed = DOC_FRONT.labels("failed")
        self._hit, self._miss = DOC_CACHE.labels("hit"), DOC_CACHE.labels("miss")
        self._lock = threading.Lock()
        self._documents: tuple[str, DocumentCache] | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        outcome = self._handed_on
        try:
            answer = self._answer(environ)
        except NoRelease:
            answer = None  # Flask answers 503 in the asked format
        except EngineUnavailable as exc:  # Flask answers it (503/504) without asking the engine again
            environ[ENGINE_FAILURE] = exc
            answer = None
        except Exception:  # a bug here must not cost the client its answer: Flask handles the request
            log.exception("document front failed on %s; handing it to Flask", environ.get("PATH_INFO"))
            answer, outcome = None, self._failed
        if answer is None:
            if str(environ.get("PATH_INFO", "")).startswith("/doc/"):
                outcome.inc()
            return self.wsgi_app(environ, start_response)
        self._answered.inc()
        status, headers, body = answer
        start_response(status, headers)
        self._count(status[:3], started)
        return [body]

    def _answer(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes] | None:
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD") or environ.get("QUERY_STRING"):
            return None
        # As werkzeug decodes it (PATH_INFO is latin-1 text of the request's bytes).
        path_info = str(environ.get("PATH_INFO") or "").encode("latin-1").decode("utf-8", "replace")
        if not path_info.startswith("/doc/") or "//" in path_info or any(k in environ for k in _LEFT_TO_FLASK):
            return None
        stem, fmt = split_extension(path_info[5:])
        if fmt is None or fmt is HTML or not stem:
            return None
        release = context.current_for(self.app)
        s = self.settings
        cache = self._cache(release.id)
        # What the bytes depend on: the release (the cache's file), the public base, both forms of the path
        # (neither the base nor the raw request path holds a space, so the key names one triple).
        key = f"{s.public_base} {path_info} {raw_uri_of(environ)}"
        cached = cache.get(key) if cache is not None else None
        if cached is None:
            description, path = find(release.describer, s.id_base, stem, raw_uri_of(environ))
            if description is None or not path.isascii():
                return None  # 404 pages, and addresses werkzeug would re-encode, are Flask's
            body = rdf_body(description, fmt, path, s, release.jsonld)
            etag = http.etag_for(http.content_digest(body), path_info + "?", fmt.extension, "")
            cached = Cached(body, etag, path, self._last_modified(release.last_modified(description.iri)))
            if cache is not None:
                cache.put(key, cached)
                self._miss.inc()
        else:
            self._hit.inc()
        body, etag, path, last_modified = cached.body, cached.etag, cached.path, cached.last_modified
        headers = [
            ("Content-Type", f"{fmt.media_type}; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Link", alternates(path, fmt)),
            ("Content-Location", variant_url(path, fmt)),
            ("ETag", ""),
        ]
        if last_modified is not None:
            headers.append(("Last-Modified", last_modified))
        headers += [("X-Openbaar-Release", release.id), *http.cors_headers(method), *http.SECURITY_HEADERS]
        headers += [("Vary", "Accept-Encoding")]
        gzipped = etag + "-gz"
        if_none_match = environ.get("HTTP_IF_NONE_MATCH", "")
        # A gzipped copy carries "<etag>-gz"; a client revalidating it gets its 304 too (as in http.validate).
        chosen = gzipped if if_none_match and parse_etags(if_none_match).contains(gzipped) else etag
        headers[4] = ("ETag", f'"{chosen}"')
        conditional = if_none_match or environ.get("HTTP_IF_MODIFIED_SINCE")
        if conditional and not is_resource_modified(environ, f'"{chosen}"', None, last_modified):
            return "304 NOT MODIFIED", [h for h in headers if h[0].lower() not in _DROPPED_ON_304], b""
        if method == "HEAD":
            return "200 OK", headers, b""
        if http.accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")) and http.compressible(
            200, fmt.media_type, len(body)
        ):
            body = cache.gzipped(key, cached) if cache is not None else http.gzip_bytes(body)
            headers[1] = ("Content-Length", str(len(body)))
            headers[4] = ("ETag", f'"{chosen}-gz"')
            headers.append(("Content-Encoding", "gzip"))
        return "200 OK", headers, body

    def _cache(self, release_id: str) -> DocumentCache | None:
        """The live release's document cache, opened once per release (None when turned off)."""
        cache = self._documents
        if cache is None or cache[0] != release_id:
            if self.settings.doc_cache_bytes <= 0 or self.settings.home is None:
                return None
            with self._lock:
                cache = self._documents
                if cache is None or cache[0] != release_id:
                    kept = {r.name for r in self.settings.releases_dir.glob("[!.]*")}
                    folder = cache_dir(self.settings.home)
                    cache = self._documents = (
                        release_id,
                        DocumentCache(folder, release_id, self.settings.doc_cache_bytes, kept),
                    )
        return cache[1]

    def _last_modified(self, when: datetime | None) -> str | None:
        """A Last-Modified header value; the few dates in use (a release's and its predecessors') formatted once."""
        if when is None:
            return None
        text = self._dates.get(when)
        if text is None:
            if len(self._dates) >= 256:
                self._dates.clear()
            text = self._dates[when] = http_date(when)
        return text

    def _count(self, status: str, started: float) -> None:
        counter = self._counted.get(status)
        if counter is None:
            counter = self._counted[status] = REQUESTS.labels(DOC_RULE, status)
        counter.inc()
        self._latency.observe(time.perf_counter() - started)


def init_app(app: Flask) -> None:
    """Put the front before Flask; ``OPENBAAR_DOC_FRONT=0`` leaves every request to Flask."""
    if app.config["OPENBAAR"].doc_front:
        app.wsgi_app = DocumentFront(app, app.wsgi_app)  # type: ignore[method-assign]  # Flask types wsgi_app as a method; its docs replace it
        app.before_request(_engine_failed_in_front)


def _engine_failed_in_front() -> None:
    """The front met a failing remote engine on this request: answer that, rather than wait for it again."""
    failure = request.environ.get(ENGINE_FAILURE)
    if failure is not None:
        raise failure
