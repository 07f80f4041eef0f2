"""The SPARQL endpoint for researchers: /sparql (protocol, service description, editor) and /queries (examples)."""

from __future__ import annotations

from flask import Blueprint, Flask

#: Templates live with the shared layout in service/web/templates.
bp = Blueprint("sparql", __name__, template_folder="../templates")

from . import endpoint, queries  # noqa: E402  (routes register on bp)

__all__ = ["bp", "endpoint", "init_app", "queries"]


def init_app(app: Flask) -> None:
    """One query service per server process: its cache and query processes live as long as the process."""
    from ...query.board import ProcessBoard
    from ...query.engine import QueryService
    from ...query.remote import RemoteQueryService

    settings = app.config["OPENBAAR"]
    live = app.extensions["openbaar.live"]
    if settings.sparql_endpoint:
        app.extensions["openbaar.queries"] = RemoteQueryService(settings, live)
    else:  # /metrics reads the board: which query processes are alive and which evaluate
        board = app.extensions["openbaar.query_processes"] = ProcessBoard.for_server()
        app.extensions["openbaar.queries"] = QueryService(settings, live, board)
    app.register_blueprint(bp)
