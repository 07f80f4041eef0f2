"""Liveness and readiness: /healthz answers while the process runs, /readyz once a release is open."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from ..live import Live, NoRelease

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    live: Live = current_app.extensions["openbaar.live"]
    try:
        release_id = live.current().id
    except NoRelease as exc:
        return jsonify(status="unavailable", reason=str(exc)), 503
    queries = current_app.extensions.get("openbaar.queries")
    isolation = queries.isolation() if queries is not None else "unknown"
    # 'none': SPARQL query processes can reach the network; only the query parse check refuses SERVICE.
    # 'remote': a remote engine evaluates; the parse check refuses SERVICE before anything is forwarded.
    return jsonify(status="ready", release=release_id, query_isolation=isolation)
