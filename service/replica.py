"""Replicas follow one shared live pointer: a file on shared storage, or a URL polled with ETag.

The pointer is a small JSON document naming the live release, its identity and, optionally, where its
artefact can be fetched. A replica's home holds only imported releases; a follower thread in the
``openbaar serve`` main process reads the pointer every ``live_poll_seconds``, imports the release when
it is not here yet, and moves this home's own ``live`` link, which every server process already reads
on each request. So all replicas serve the new release within one poll interval (plus the import, when
the release was not imported ahead).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

from .artefact import RELEASE_ID, identity_of, import_release
from .config import Settings
from .errors import ReleaseError
from .releases import MANIFEST, live_release_id, prune, switch_live

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pointer:
    """What the shared pointer says: the live release, its identity, and where its artefact is (if anywhere)."""

    release: str
    identity: str
    artefact: str | None = None

    def to_json(self) -> bytes:
        body: dict[str, Any] = {"release": self.release, "identity": self.identity}
        if self.artefact:
            body["artefact"] = self.artefact
        return json.dumps(body, indent=1).encode() + b"\n"


def _is_url(source: str) -> bool:
    return urlparse(source).scheme in ("http", "https")


def parse_pointer(body: bytes, source: str) -> Pointer:
    """The pointer document, checked; a relative artefact location is taken from the pointer's own place."""
    try:
        data = json.loads(body)
        release, identity, artefact = data["release"], data["identity"], data.get("artefact")
    except (ValueError, KeyError, TypeError) as exc:
        raise ReleaseError(f"the live pointer at {source} is not a pointer document ({exc})") from None
    if not isinstance(release, str) or not RELEASE_ID.fullmatch(release) or not str(identity).startswith("sha256:"):
        raise ReleaseError(f"the live pointer at {source} names no valid release and identity")
    if artefact and not _is_url(artefact) and not Path(artefact).is_absolute():
        artefact = urljoin(source, artefact) if _is_url(source) else str(Path(source).parent / artefact)
    return Pointer(release, str(identity), artefact or None)


def write_pointer(settings: Settings, pointer: Pointer) -> Path:
    """Replace the shared pointer file in one rename, so a replica reads the old one or the new one."""
    if not settings.live_source or _is_url(settings.live_source):
        raise ReleaseError(
            "OPENBAAR_LIVE_SOURCE is not a file path: set it to the pointer file on shared storage "
            "(a URL pointer is changed on the server that serves it)"
        )
    path = Path(settings.live_source)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_bytes(pointer.to_json())
    os.replace(temporary, path)
    return path


class PointerReader:
    """Reads the pointer; for a URL it sends the last ETag, so an unchanged pointer costs a 304."""

    def __init__(self, source: str, timeout: float = 10.0) -> None:
        self.source, self.timeout = source, timeout
        self._etag: str | None = None
        self._last: Pointer | None = None

    def read(self) -> Pointer:
        if not _is_url(self.source):
            try:
                body = Path(self.source).read_bytes()
            except OSError as exc:
                raise ReleaseError(f"the live pointer {self.source} cannot be read: {exc.strerror}") from None
            return parse_pointer(body, self.source)
        request = urllib.request.Request(self.source, headers={"Accept": "application/json"})
        if self._etag and self._last is not None:
            request.add_header("If-None-Match", self._etag)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body, etag = response.read(65536), response.headers.get("ETag")
        except urllib.error.HTTPError as exc:
            if exc.code == 304 and self._last is not None:
                return self._last
            raise ReleaseError(f"the live pointer {self.source} answered {exc.code}") from None
        except OSError as exc:
            raise ReleaseError(f"the live pointer {self.source} cannot be fetched: {exc}") from None
        self._last, self._etag = parse_pointer(body, self.source), etag
        return self._last


def follow_once(settings: Settings, reader: PointerReader) -> str | None:
    """Make this home's live release the one the pointer names (importing it first if needed); its id."""
    pointer = reader.read()
    here = settings.releases_dir / pointer.release / MANIFEST
    if here.is_file():
        identity = identity_of(here.read_bytes())
        if identity != pointer.identity:
            raise ReleaseError(
                f"release {pointer.release} here has identity {identity}, the pointer says {pointer.identity}"
            )
    elif pointer.artefact:
        import_release(settings, pointer.artefact, pointer.identity)
    else:
        raise ReleaseError(f"release {pointer.release} is live but not imported here: run 'openbaar release import'")
    if live_release_id(settings) != pointer.release:
        switch_live(settings, pointer.release)
        prune(settings)
        log.warning("live release is now %s (%s)", pointer.release, pointer.identity)
    return pointer.release


class Follower:
    """A daemon thread that follows the pointer every ``live_poll_seconds`` until stopped; errors are logged."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.reader = PointerReader(settings.live_source)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="live-pointer")
        self._last_error = ""

    def start(self) -> Follower:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.settings.live_poll_seconds):
            try:
                follow_once(self.settings, self.reader)
                self._last_error = ""
            except ReleaseError as exc:
                if str(exc) != self._last_error:  # once per new problem, not every poll
                    log.error("%s; still serving %s", exc, live_release_id(self.settings))
                self._last_error = str(exc)
