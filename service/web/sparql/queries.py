"""``/queries`` and ``/queries/<name>``: the example queries at stable URLs.

``/queries/<name>`` gives the page in a browser, the query text as ``application/sparql-query`` (or
``?format=rq``), and the results in every format of its form (``?format=csv``, or Accept), through the
same path as /sparql.
"""

from __future__ import annotations

from flask import Response, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue

from ... import formats
from ...config import Settings
from ...query.protocol import QueryRequest
from ..negotiate import choose
from . import bp
from .endpoint import answer
from .examples import find, load


def settings() -> Settings:
    return current_app.config["OPENBAAR"]


@bp.get("/queries")
def example_list() -> ResponseReturnValue:
    choose((formats.HTML,))
    return render_template("sparql/queries.html", examples=load(settings()))


@bp.get("/queries/<name>")
def example(name: str) -> ResponseReturnValue:
    found = find(settings(), name)
    if found is None:
        abort(404, f"there is no example query named '{name}'; see /queries")
    fmt = choose(found.offers)
    if fmt is formats.HTML:
        return render_template("sparql/query.html", example=found)
    if fmt is formats.SPARQL_QUERY:
        return Response(found.query, mimetype=fmt.media_type)
    chosen_by = "format" if request.args.get("format") else "accept"
    bindings, graph = (None, fmt.media_type) if fmt.is_rdf else (fmt.media_type, None)
    return answer(QueryRequest(found.query, None, None, bindings, graph, chosen_by))
