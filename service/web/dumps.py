"""``/dumps``: the gzipped dumps of the live release and of every release kept on disk.

Only files listed in a release's manifest are served: the request names an entry of that list, and
the path on disk is built from the manifest's entry, never from the request. Range and conditional
requests are answered by ``send_file`` with the file's SHA-256 as a strong ETag.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, send_file
from flask.typing import ResponseReturnValue

from ..catalog.facts import DUMPS_DIR
from ..config import Settings
from ..formats import HTML
from ..live import Live, NoRelease
from ..releases import Release, list_releases
from .layout import render_page
from .negotiate import choose

bp = Blueprint("dumps", __name__, template_folder="templates")

#: A release's files never change, so they may be cached for a long time once named by release.
MAX_AGE_RELEASE = 7 * 86400
MAX_AGE_LIVE = 300


def _settings() -> Settings:
    return current_app.config["OPENBAAR"]


def _entry(release: Release, name: str) -> dict[str, Any] | None:
    return next((d for d in release.manifest.get("dumps", []) if d.get("name") == name), None)


def _send(release: Release, name: str, max_age: int) -> ResponseReturnValue:
    entry = _entry(release, name)
    if entry is None:
        abort(404, f"release {release.id} has no dump named {name!r}; see /dumps")
    path = release.path / DUMPS_DIR / entry["name"]
    if not path.is_file():
        abort(404, f"the dump {entry['name']!r} of release {release.id} is no longer on disk")
    response = send_file(
        path,
        mimetype="application/gzip",
        as_attachment=True,
        download_name=entry["name"],
        etag=entry["sha256"],
        conditional=True,
        max_age=max_age,
    )
    response.headers["Digest"] = f"sha-256={entry['sha256']}"
    response.headers["X-Openbaar-Release"] = release.id
    return response


def _live() -> Release:
    live: Live = current_app.extensions["openbaar.live"]
    try:
        return live.current().release
    except NoRelease as exc:
        abort(503, str(exc))


@bp.get("/dumps")
def index() -> ResponseReturnValue:
    choose((HTML,))
    release = _live()
    html = render_page("dumps/index.html", release=release, dumps=release.manifest.get("dumps", []))
    return Response(html, mimetype="text/html")


@bp.get("/dumps/<name>")
def live_dump(name: str) -> ResponseReturnValue:
    return _send(_live(), name, MAX_AGE_LIVE)


@bp.get("/dumps/<release_id>/<name>")
def release_dump(release_id: str, name: str) -> ResponseReturnValue:
    release = next((r for r in list_releases(_settings()) if r.id == release_id), None)
    if release is None:
        abort(404, f"release {release_id!r} is not kept on disk; see /releases")
    return _send(release, name, MAX_AGE_RELEASE)
