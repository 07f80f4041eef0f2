"""``/releases``: every release kept on disk, what it changed, its dumps; HTML or PROV-O."""

from __future__ import annotations

from flask import Blueprint, Response, current_app
from flask.typing import ResponseReturnValue

from .. import formats
from ..catalog.provenance import changes, history_graph
from ..config import Settings
from ..releases import list_releases, live_release_id
from .http import validate
from .layout import page_language, render_page
from .negotiate import choose

bp = Blueprint("releases", __name__, template_folder="templates")


@bp.get("/releases")
def index() -> ResponseReturnValue:
    settings: Settings = current_app.config["OPENBAAR"]
    releases = list_releases(settings)
    live = live_release_id(settings)
    fmt = choose(formats.PAGE_AND_TRIPLES)
    variant = "\x00".join(r.id for r in releases) + f"\x00{live}"
    if fmt is not formats.HTML:
        body = formats.serialize(history_graph(settings.public_base, [r.manifest for r in releases]), fmt)
        return validate(Response(body, mimetype=fmt.media_type), live or "none", None, fmt.media_type, variant)
    rows = []
    previous = None
    for release in releases:
        rows.append({"release": release, "changes": changes(previous, release.manifest)})
        previous = release.manifest
    html = render_page("releases/index.html", rows=list(reversed(rows)), live=live)
    return validate(Response(html, mimetype="text/html"), live or "none", None, "html", page_language(), variant)
