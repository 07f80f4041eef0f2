"""/sparql: the protocol endpoint, its service description and, for browsers, the editor.

Every answer comes from the query service (cache or a killable query process); this module only turns
protocol requests and outcomes into HTTP.
"""

from __future__ import annotations

import time
from datetime import datetime
from functools import lru_cache

from flask import Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from ... import formats, prefixes
from ...config import Settings
from ...formats import FormatError
from ...live import LiveRelease, NoRelease
from ...query import fairshare, protocol
from ...query.engine import Busy, DeadlineExceeded, Outcome, QueryService, WorkerLost
from ...query.protocol import ProtocolError, QueryRequest
from .. import http
from ..metrics import CACHE, EVALUATIONS, QUERIES, RUNNING, TIMEOUTS, TRUNCATED
from ..negotiate import choose
from . import bp, description, examples

#: A query's answer: results or RDF; the editor only when a browser likes it better.
_QUERY_OFFERS = (*formats.RESULTS, *formats.RDF, formats.HTML)
#: ``/sparql`` without a query is the service description (Turtle unless asked otherwise) or, for browsers, the editor.
_DESCRIPTION_OFFERS = (*formats.RDF, formats.HTML)
#: A truncated result names the row limit here (the header is exposed to scripts by CORS).
TRUNCATED_HEADER = "X-Openbaar-Truncated"


def _settings() -> Settings:
    return current_app.config["OPENBAAR"]


def queries() -> QueryService:
    return current_app.extensions["openbaar.queries"]


def text_error(status: int, message: str, retry_after: int | None = None) -> Response:
    response = Response(message + "\n", status=status, mimetype="text/plain")
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    response.vary.add("Accept")
    return response


def live_or_error() -> LiveRelease | Response:
    try:
        return queries().live.current()
    except NoRelease as exc:
        return text_error(503, str(exc), retry_after=30)


@lru_cache(maxsize=512)
def _browser(accept_header: str) -> bool:
    """Whether Accept likes the editor better than any result format (ties go to the results).

    Clients send the same few headers, so each is worked out once.
    """
    try:
        return formats.from_accept(parse_accept_header(accept_header, MIMEAccept), _QUERY_OFFERS) is formats.HTML
    except FormatError:
        return False


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> ResponseReturnValue:
    if request.method == "GET" and "query" not in request.args and "update" not in request.args:
        return _describe()
    browser = _browser(request.headers.get("Accept", ""))
    if request.method == "GET" and "format" not in request.args and browser:
        return _editor()  # the editor reads ?query= from its URL and runs it
    try:
        parsed = protocol.parse(request, _settings().max_request_bytes)
    except ProtocolError as exc:
        QUERIES.labels("refused").inc()
        return text_error(exc.status, exc.message)
    return answer(parsed)


def answer(parsed: QueryRequest) -> Response:
    """Run a parsed query against the live release and turn the outcome into a response."""
    release = live_or_error()
    if isinstance(release, Response):
        return release
    variant = (parsed.bindings_media or "", parsed.graph_media or "", parsed.digest())
    created = release.created
    etag = http.release_etag(release.id, *variant)
    if request.method in ("GET", "HEAD"):
        for tag in (etag, etag + "-gz"):
            if tag in request.if_none_match:
                QUERIES.labels("not_modified").inc()
                return _not_modified(tag, release, created)
    settings = _settings()
    header = request.headers.get(settings.client_address_header) if settings.client_address_header else None
    client = fairshare.client_of(request.remote_addr, header)
    budgets = queries().budgets
    wait = budgets.retry_after(client)
    if wait is not None:
        QUERIES.labels("throttled").inc()
        return text_error(
            429,
            f"this client has used its SPARQL time budget ({budgets.budget:g} s of evaluation per "
            f"{budgets.window:g} s); retry after {wait} s, or ask for less (LIMIT, more specific patterns)",
            retry_after=wait,
        )
    started = time.monotonic()
    try:
        with RUNNING.track_inprogress():
            outcome = queries().execute(parsed, release)
    except ProtocolError as exc:
        QUERIES.labels("refused").inc()
        return text_error(exc.status, exc.message, retry_after=5 if exc.status == 503 else None)
    except Busy:
        QUERIES.labels("busy").inc()
        limit = _settings().query_concurrency
        return text_error(
            503, f"all {limit} query slots of this server process are busy; retry in a few seconds", retry_after=2
        )
    except DeadlineExceeded:
        QUERIES.labels("timeout").inc()
        TIMEOUTS.inc()
        deadline = _settings().query_deadline
        return text_error(
            504,
            f"the query ran past the {deadline:g} s limit (OPENBAAR_QUERY_DEADLINE) and was stopped; "
            "make it more selective (more specific patterns, LIMIT) or ask for less",
        )
    except WorkerLost:
        QUERIES.labels("worker_lost").inc()
        return text_error(
            503,
            "the query process stopped while evaluating this query and has been replaced; retry, "
            "and report the query if it happens again",
            retry_after=1,
        )
    finally:
        budgets.charge(client, time.monotonic() - started)
    return _result(outcome, release, created, variant)


def _not_modified(tag: str, release: LiveRelease, created: datetime | None) -> Response:
    """The client has this very document (plain or gzipped): answer before running anything."""
    response = Response(status=304)
    response.set_etag(tag)
    if created is not None:
        response.last_modified = created
    response.headers["X-Openbaar-Release"] = release.id
    response.vary.add("Accept")
    return response


def _result(outcome: Outcome, release: LiveRelease, created: datetime | None, variant: tuple[str, ...]) -> Response:
    QUERIES.labels("cached" if outcome.cached else "ok").inc()
    CACHE.labels("hit" if outcome.cached else "miss").inc()
    if not outcome.cached:
        EVALUATIONS.labels("process").inc()
    response = Response(outcome.body, mimetype=outcome.media)
    if outcome.truncated:
        TRUNCATED.inc()
        response.headers[TRUNCATED_HEADER] = str(_settings().result_row_limit)
    response.headers["X-Openbaar-Cache"] = "hit" if outcome.cached else "miss"
    response.vary.add("Accept")
    response.cache_control.no_cache = True  # keep it, but ask again: the ETag makes that a cheap 304
    return http.validate(response, release.id, created, *variant)


def _describe() -> ResponseReturnValue:
    fmt = choose(_DESCRIPTION_OFFERS)
    if fmt is formats.HTML:
        return _editor()
    release = live_or_error()
    if isinstance(release, Response):
        return release
    body = description.serialized(_settings(), release, _settings().public_base + "/sparql", fmt)
    response = Response(body, mimetype=fmt.media_type)
    return http.validate(response, release.id, release.created, fmt.media_type)


def _editor() -> ResponseReturnValue:
    settings = _settings()
    config = {
        "endpoint": request.base_url,
        "prefixes": prefixes.of(settings, ids=True),
        "example": examples.starter_query(settings),
    }
    html = render_template("sparql/editor.html", config=config, examples=examples.load(settings), settings=settings)
    response = Response(html, mimetype=formats.HTML.media_type)
    response.vary.add("Accept")
    response.headers["Content-Security-Policy"] = http.EDITOR_CONTENT_SECURITY_POLICY
    return response
