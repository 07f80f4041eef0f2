"""/sparql: the protocol endpoint, its service description and, for browsers, the editor.

Every answer comes from the query service (cache or a killable query process); this module only turns
protocol requests and outcomes into HTTP.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from ...config import Settings
from ...query import protocol
from ...query.engine import Busy, DeadlineExceeded, Outcome, QueryService, WorkerLost
from ...query.protocol import ProtocolError, QueryRequest
from ...releases import Release
from .. import http
from ..metrics import CACHE, EVALUATIONS, QUERIES, TIMEOUTS, TRUNCATED
from . import bp, description, examples

HTML = "text/html"
#: A truncated result names the row limit here (the header is exposed to scripts by CORS).
TRUNCATED_HEADER = "X-Openbaar-Truncated"


def _settings() -> Settings:
    return current_app.config["OPENBAAR"]  # type: ignore[no-any-return]


def queries() -> QueryService:
    return current_app.extensions["openbaar.queries"]  # type: ignore[no-any-return]


def text_error(status: int, message: str, retry_after: int | None = None) -> Response:
    response = Response(message + "\n", status=status, mimetype="text/plain")
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    response.vary.add("Accept")
    return response


def wants_html(accept: MIMEAccept, offered: tuple[str, ...]) -> bool:
    """A browser: text/html named explicitly, and liked at least as much as any format we offer."""
    html = max((q for value, q in accept if value == HTML), default=0)
    return html > 0 and html >= max((accept.quality(media) for media in offered), default=0)


def live_or_error() -> Release | Response:
    release = queries().live.current()
    if release is None:
        return text_error(503, "no release is live yet: run 'openbaar build'", retry_after=30)
    return release


@lru_cache(maxsize=512)
def _browser(accept_header: str) -> bool:
    """Whether an Accept header asks for the editor; clients send the same few headers, each worked out once."""
    return wants_html(parse_accept_header(accept_header, MIMEAccept), protocol.BINDINGS + protocol.GRAPHS)


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> ResponseReturnValue:
    if request.method == "GET" and "query" not in request.args:
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
    created = queries().live.created(release)
    etag = http.release_etag(release.id, *variant)
    if request.method in ("GET", "HEAD"):
        for tag in (etag, etag + "-gz"):
            if tag in request.if_none_match:
                QUERIES.labels("not_modified").inc()
                return _not_modified(tag, release, created)
    try:
        outcome = queries().execute(parsed, release)
    except ProtocolError as exc:
        QUERIES.labels("refused").inc()
        return text_error(exc.status, exc.message)
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
    return _result(outcome, release, created, variant)


def _not_modified(tag: str, release: Release, created: object) -> Response:
    """The client has this very document (plain or gzipped): answer before running anything."""
    response = Response(status=304)
    response.set_etag(tag)
    if created is not None:
        response.last_modified = created  # type: ignore[assignment]
    response.headers["X-Openbaar-Release"] = release.id
    response.vary.add("Accept")
    return response


def _result(outcome: Outcome, release: Release, created: object, variant: tuple[str, ...]) -> Response:
    QUERIES.labels("cached" if outcome.cached else "ok").inc()
    CACHE.labels("hit" if outcome.cached else "miss").inc()
    if not outcome.cached:
        EVALUATIONS.labels("inline" if outcome.inline else "process").inc()
    response = Response(outcome.body, mimetype=outcome.media)
    if outcome.truncated:
        TRUNCATED.inc()
        response.headers[TRUNCATED_HEADER] = str(_settings().result_row_limit)
    response.headers["X-Openbaar-Cache"] = "hit" if outcome.cached else "miss"
    response.vary.add("Accept")
    response.cache_control.no_cache = True  # keep it, but ask again: the ETag makes that a cheap 304
    return http.validate(response, release.id, created, *variant)  # type: ignore[arg-type]


def _describe() -> ResponseReturnValue:
    offered = tuple(description.DESCRIPTION_FORMATS)
    format_param = request.args.get("format")
    if format_param:
        media = protocol.FORMAT_NAMES.get(format_param.lower(), format_param.lower())
        if media not in offered:
            return text_error(400, f"the service description comes as {', '.join(offered)}; not '{format_param}'")
    elif wants_html(request.accept_mimetypes, offered):
        return _editor()
    elif not request.accept_mimetypes or not list(request.accept_mimetypes.values()):
        media = offered[0]
    else:
        media = request.accept_mimetypes.best_match(offered)  # type: ignore[assignment]
        if media is None:
            return text_error(406, f"the service description comes as {', '.join(offered)}")
    release = live_or_error()
    if isinstance(release, Response):
        return release
    body = description.serialized(_settings(), release, request.base_url, media)
    response = Response(body, mimetype=media)
    response.vary.add("Accept")
    return http.validate(response, release.id, queries().live.created(release), media)


def _editor() -> ResponseReturnValue:
    settings = _settings()
    config = {
        "endpoint": request.base_url,
        "prefixes": {"def": settings.def_base, "id": settings.id_base, "graph": settings.graph_base},
        "example": examples.starter_query(settings),
    }
    html = render_template("sparql/editor.html", config=config, examples=examples.load(settings), settings=settings)
    response = Response(html, mimetype=HTML)
    response.vary.add("Accept")
    response.headers["Content-Security-Policy"] = http.EDITOR_CONTENT_SECURITY_POLICY
    return response
