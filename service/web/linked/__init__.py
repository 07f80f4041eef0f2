"""Dereferenceable IRIs and the pages around them: /id/ → 303 → /doc/, /def/, home, search, sitemap.

Each module is one small handler; the store is read only through ``service.describe`` and
``service.search``, never with query text made from a request.
"""

from __future__ import annotations

from flask import Flask

from ...errors import EngineUnavailable
from . import crawl, document, front, pages, resolve, respond, views, vocabulary


def init_app(app: Flask) -> None:
    for module in (resolve, document, vocabulary, pages, crawl):
        app.register_blueprint(module.bp)
    app.register_error_handler(EngineUnavailable, respond.engine_failed)  # documents read from a remote engine
    app.jinja_env.globals["term_html"] = views.term_html
    front.init_app(app)
