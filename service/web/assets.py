"""Front-end libraries and our own CSS/JS, served from this server: pages work offline and never call a CDN.

Only the files named in ``ASSETS`` can be served; a request path is never joined onto the disk.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, abort, request, send_file
from flask.typing import ResponseReturnValue

STATIC = Path(__file__).resolve().parent / "static"
VENDOR = STATIC / "node_modules"

#: Public name → file. Vendor files come from ``npm ci --prefix service/web/static`` (see the README).
ASSETS: dict[str, Path] = {
    "openbaar.css": STATIC / "openbaar.css",
    "favicon.svg": STATIC / "favicon.svg",
    "map.js": STATIC / "map.js",
    "editor.js": STATIC / "editor.js",
    "yasgui.min.js": VENDOR / "@zazuko/yasgui/build/yasgui.min.js",
    "yasgui.min.css": VENDOR / "@zazuko/yasgui/build/yasgui.min.css",
    "leaflet.js": VENDOR / "leaflet/dist/leaflet.js",
    "leaflet.css": VENDOR / "leaflet/dist/leaflet.css",
    "images/marker-icon.png": VENDOR / "leaflet/dist/images/marker-icon.png",
    "images/marker-icon-2x.png": VENDOR / "leaflet/dist/images/marker-icon-2x.png",
    "images/marker-shadow.png": VENDOR / "leaflet/dist/images/marker-shadow.png",
    "images/layers.png": VENDOR / "leaflet/dist/images/layers.png",
}

bp = Blueprint("assets", __name__)

#: Assets change only with a new install, so browsers may keep them for a day.
MAX_AGE = 86400


def missing_assets() -> list[str]:
    """Names whose file is absent: the npm install step was skipped."""
    return [name for name, path in ASSETS.items() if not path.is_file()]


@bp.get("/assets/<path:name>")
def asset(name: str) -> ResponseReturnValue:
    path = ASSETS.get(name)
    if path is None or not path.is_file():
        abort(404, f"no asset named '{name}'")
    if "gzip" in request.accept_encodings and path.suffix in (".js", ".css"):
        response = Response(_gzipped(path), mimetype="text/css" if path.suffix == ".css" else "text/javascript")
        response.headers["Content-Encoding"] = "gzip"
        response.cache_control.public = True
        response.cache_control.max_age = MAX_AGE
        response.set_etag(f"{path.stat().st_mtime_ns:x}-{path.stat().st_size:x}-gz")
        return response.make_conditional(request)
    return send_file(path, max_age=MAX_AGE, conditional=True)


@bp.get("/favicon.ico")
def favicon() -> ResponseReturnValue:
    """Browsers ask for it on every site; an SVG answers for all sizes."""
    return send_file(ASSETS["favicon.svg"], mimetype="image/svg+xml", max_age=MAX_AGE, conditional=True)


@lru_cache(maxsize=len(ASSETS))
def _gzipped(path: Path) -> bytes:
    """Compressed once per process: the editor's script is a megabyte that compresses to a quarter."""
    return gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)
