"""A minimal SPARQL 1.1 query endpoint over the live release (the full protocol is its own piece of work)."""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, request
from flask.typing import ResponseReturnValue

from .. import store as stores
from .live import LiveStore, NoRelease

bp = Blueprint("sparql", __name__)

_BINDINGS_DEFAULT = "application/sparql-results+json"
_GRAPH_DEFAULT = "text/turtle"
#: Strings, IRIs and comments, skipped when looking for the SERVICE keyword.
_SKIP = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'|<[^<>\"{}|^`\\\s]*>|#[^\n]*"
)
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)


def uses_service(query: str) -> bool:
    """SERVICE would make the store fetch a URL; refuse it before evaluation."""
    return bool(_SERVICE.search(_SKIP.sub(" ", query)))


def _text(status: int, message: str) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


def _choose(kind: str) -> str | None:
    offered = list(stores.GRAPH_FORMATS if kind == "graph" else stores.RESULT_FORMATS)
    default = _GRAPH_DEFAULT if kind == "graph" else _BINDINGS_DEFAULT
    if not request.accept_mimetypes or request.accept_mimetypes.best in ("*/*", None):
        return default
    best = request.accept_mimetypes.best_match([default, *offered])
    return best


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> ResponseReturnValue:
    if request.method == "POST" and request.mimetype == "application/sparql-query":
        query = request.get_data(as_text=True)
    else:
        query = request.values.get("query", "")
    if not query.strip():
        return _text(400, "missing 'query' parameter: send ?query=SELECT … or POST application/sparql-query")
    if uses_service(query):
        return _text(400, "SERVICE (federated queries) is not allowed on this endpoint")
    live: LiveStore = current_app.extensions["openbaar.live"]
    try:
        release_id, store = live.current()
    except NoRelease as exc:
        return _text(503, str(exc))
    try:
        result = stores.run_query(store, query)
    except SyntaxError as exc:
        return _text(400, f"query error: {exc}")
    media = _choose(stores.result_kind(result))
    if media is None:
        return _text(406, "no acceptable result format; see the SPARQL 1.1 result formats")
    body = stores.serialize_result(result, media)
    response = Response(body, mimetype=media)
    response.headers["X-Openbaar-Release"] = release_id
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
