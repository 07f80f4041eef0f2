"""Openbaar: municipal open data as linked data ("openbaar, tenzij")."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .config import Settings, load_settings

if TYPE_CHECKING:
    from flask import Flask


def create_app(settings: Settings | None = None, **overrides: Any) -> Flask:
    """The WSGI app over the live release; nothing is opened until the first request.

    Flask is imported here, not at package import, so the mapper process never loads it.
    """
    from flask import Flask

    from .live import Live
    from .web import assets, dumps, health, http, layout, linked, metrics, negotiate, releases, sparql
    from .web import catalog as catalog_pages
    from .web import register as register_pages

    settings = settings or load_settings(**overrides)
    app = Flask(__name__)
    app.config["OPENBAAR"] = settings
    app.extensions["openbaar.live"] = Live(settings, _statements_of(settings))  # the app's one live release
    http.init_app(app)
    negotiate.init_app(app)
    layout.init_app(app)
    app.register_blueprint(assets.bp)
    app.register_blueprint(health.bp)
    sparql.init_app(app)
    metrics.init_app(app)
    app.register_blueprint(metrics.bp)
    app.register_blueprint(register_pages.bp)
    app.register_blueprint(catalog_pages.bp)
    app.register_blueprint(dumps.bp)
    app.register_blueprint(releases.bp)
    linked.init_app(app)
    return app


def _statements_of(settings: Settings) -> Callable[[Any], Any] | None:
    """With a remote SPARQL engine, documents are read from it (a new reader per release); else from the store."""
    if not settings.sparql_endpoint:
        return None
    from .remote_store import RemoteStore

    return lambda store: RemoteStore(settings.sparql_endpoint, settings.query_deadline)
