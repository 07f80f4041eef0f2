"""``/id/…`` names things, not documents: answer 303 See Other to the document, keeping the format asked for.

``/graph/{name}`` (a named graph) is sent to the page of its dataset, or to the page of what it holds.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, redirect, request
from flask.typing import ResponseReturnValue

from ...formats import HTML, split_extension
from ...live import NoRelease
from . import context, history
from .document import iri_candidates
from .respond import error, start
from .views import settings

bp = Blueprint("linked_resolve", __name__, template_folder="../templates")


@bp.get("/id/<path:rest>", merge_slashes=False)
def resolve(rest: str) -> ResponseReturnValue:
    stem, extension = split_extension(rest)
    fmt, release = start(extension)
    s = settings()
    describers = [release.describer, *([history.describer()] if stem.startswith(history.PREFIX) else [])]
    known = next((iri for iri in iri_candidates(s.id_base, stem) for d in describers if d.known(iri)), None)
    if known is None:
        missing = error(404, "Not Found", f"nothing is known about {s.id_base}{stem}", fmt)
        missing.vary.add("Accept")
        return missing
    target = "/doc/" + known[len(s.id_base) :] + ("" if fmt is HTML else f".{fmt.extension}")
    kept = {k: v for k, v in request.args.items() if k not in ("format",)}
    if kept:
        target += "?" + urlencode(kept)
    moved = redirect(target, 303)
    moved.vary.add("Accept")
    return moved


@bp.get("/graph/<name>")
def graph(name: str) -> ResponseReturnValue:
    try:
        release = context.current()
    except NoRelease as exc:
        return error(503, "Service Unavailable", str(exc))
    if name in release.datasets:
        return redirect(f"/doc/dataset/{name}", 303)
    if name in context.GRAPH_PAGES:
        return redirect(context.GRAPH_PAGES[name], 303)
    if name in context.GRAPH_LABELS:
        return redirect(f"/#graph-{name}", 303)
    return error(404, "Not Found", f"there is no named graph '{name}' in this release")
