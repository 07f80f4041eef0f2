"""``/dumps``: the gzipped dumps of the live release and of every release kept on disk.

Only files listed in a release's manifest are served: the request names an entry of that list, and
the path on disk is built from the manifest's entry, never from the request. A file is served only when
it is a regular file inside the release (no symbolic link) whose size and SHA-256 match the manifest.
Range and conditional requests are answered with the file's SHA-256 as a strong ETag.
"""

from __future__ import annotations

import errno
import hashlib
import io
import logging
import os
import stat
import threading
from typing import IO, Any

from flask import Blueprint, Response, abort, current_app, request, send_file
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

log = logging.getLogger(__name__)
#: (device, inode, size, mtime) of files already hashed in this process → their SHA-256.
_hashed: dict[tuple[int, int, int, int], str] = {}
_hashed_lock = threading.Lock()


def _settings() -> Settings:
    return current_app.config["OPENBAAR"]


def _entry(release: Release, name: str) -> dict[str, Any] | None:
    return next((d for d in release.manifest.get("dumps", []) if d.get("name") == name), None)


def _sha256(file: io.BufferedReader, key: tuple[int, int, int, int]) -> str:
    """Hash a dump once per process: a release's files never change, and a changed file has a new key."""
    known = _hashed.get(key)
    if known is None:
        known = hashlib.file_digest(file, "sha256").hexdigest()
        file.seek(0)
        with _hashed_lock:
            _hashed[key] = known
    return known


def _open_checked(release: Release, entry: dict[str, Any]) -> tuple[IO[bytes], os.stat_result]:
    """The listed file, opened without following links, if it is what the manifest says it is; else 404."""
    folder = release.path / DUMPS_DIR
    name = entry["name"]
    if release.path.is_symlink() or folder.is_symlink():
        _refuse(release, name, "its folder is a symbolic link")
    try:
        fd = os.open(folder / name, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        abort(404, f"the dump {name!r} of release {release.id} is no longer on disk")
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):  # a symbolic link where the file should be
            _refuse(release, name, "it is a symbolic link")
        raise
    file = os.fdopen(fd, "rb")
    info = os.fstat(fd)
    key = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
    if not stat.S_ISREG(info.st_mode):
        file.close()
        _refuse(release, name, "it is not a regular file")
    if info.st_size != entry.get("bytes") or _sha256(file, key) != entry.get("sha256"):
        file.close()
        _refuse(release, name, "its size or SHA-256 does not match the release manifest")
    return file, info


def _refuse(release: Release, name: str, why: str) -> None:
    log.error("not serving dump %s of release %s: %s", name, release.id, why)
    abort(404, f"the dump {name!r} of release {release.id} is not served: {why} ('openbaar releases --verify')")


def _send(release: Release, name: str, max_age: int) -> ResponseReturnValue:
    entry = _entry(release, name)
    if entry is None:
        abort(404, f"release {release.id} has no dump named {name!r}; see /dumps")
    file, info = _open_checked(release, entry)
    response = send_file(
        file,
        mimetype="application/gzip",
        as_attachment=True,
        download_name=entry["name"],
        etag=entry["sha256"],
        last_modified=info.st_mtime,
        conditional=False,
        max_age=max_age,
    )
    response.content_length = info.st_size
    conditional = response.make_conditional(request, accept_ranges=True, complete_length=info.st_size)
    conditional.headers["Digest"] = f"sha-256={entry['sha256']}"
    conditional.headers["X-Openbaar-Release"] = release.id
    return conditional


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
