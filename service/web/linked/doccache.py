"""Rendered /doc/ documents of one release, kept in one SQLite file that every server process shares.

A release never changes, so neither does a document of it: the WSGI front (``front.py``) renders a
document once and afterwards answers it from here as bytes with its ETag and Last-Modified, without
reading the store. The file lives under the home's ``cache/documents/`` folder, named after the release
(the web layer never writes into a release); files of releases no longer kept are removed. Losing the
file loses nothing but time, so it is written without syncing and any SQLite error is a miss.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from ..http import gzip_bytes

log = logging.getLogger(__name__)

SCHEMA = """CREATE TABLE IF NOT EXISTS document (
    key TEXT PRIMARY KEY, body BLOB NOT NULL, gzipped BLOB, etag TEXT NOT NULL, path TEXT NOT NULL,
    last_modified TEXT
)"""
#: Puts between two looks at the file's size.
_SIZE_EVERY = 256


@dataclass(frozen=True)
class Cached:
    """What the front needs to answer a document: its bytes, validators and minted path."""

    body: bytes
    etag: str
    path: str
    last_modified: str | None
    gzipped: bytes | None = None


def cache_dir(home: Path) -> Path:
    return home / "cache" / "documents"


class DocumentCache:
    """One release's documents; a connection per thread (gunicorn's gthread workers), bounded in bytes."""

    def __init__(self, folder: Path, release_id: str, max_bytes: int, kept: set[str] | None = None) -> None:
        self.path = folder / f"{release_id}.sqlite"
        self.max_bytes = max_bytes
        self._local = threading.local()
        self._puts = 0
        self._full = False
        self._broken = False
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if kept is not None:
                _remove_others(folder, kept | {release_id})
            self._connection().execute(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            log.warning("no document cache at %s (%s); documents are rendered on every request", self.path, exc)
            self._broken = True

    def _connection(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=0.05, isolation_level=None, check_same_thread=True)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")  # a cache: a crash may lose it, and nothing else
            self._local.db = db
        return db

    def get(self, key: str) -> Cached | None:
        if self._broken:
            return None
        try:
            row = (
                self._connection()
                .execute("SELECT body, etag, path, last_modified, gzipped FROM document WHERE key = ?", (key,))
                .fetchone()
            )
        except sqlite3.Error:
            return None
        return None if row is None else Cached(*row)

    def put(self, key: str, cached: Cached) -> None:
        """Keep a document; another process may have kept it meanwhile (the same bytes), or the file be full."""
        if self._broken or self._full:
            return
        try:
            db = self._connection()
            db.execute(
                "INSERT OR IGNORE INTO document VALUES (?, ?, ?, ?, ?, ?)",
                (key, cached.body, cached.gzipped, cached.etag, cached.path, cached.last_modified),
            )
            self._puts += 1
            if self._puts % _SIZE_EVERY == 0:
                pages = db.execute("PRAGMA page_count").fetchone()[0] * db.execute("PRAGMA page_size").fetchone()[0]
                self._full = pages >= self.max_bytes
        except sqlite3.Error:
            pass  # busy (another process writing) or out of space: the next request tries again

    def gzipped(self, key: str, cached: Cached) -> bytes:
        """The document gzipped (as ``http.gzip_bytes`` does for Flask), made once and kept beside it."""
        if cached.gzipped is not None:
            return cached.gzipped
        body = gzip_bytes(cached.body)
        if not self._broken:
            with contextlib.suppress(sqlite3.Error):
                self._connection().execute("UPDATE document SET gzipped = ? WHERE key = ?", (body, key))
        return body


def _remove_others(folder: Path, kept: set[str]) -> None:
    """Files of releases that are gone (pruned) would otherwise stay forever."""
    for file in folder.glob("*.sqlite*"):
        if file.name.split(".sqlite", 1)[0] not in kept:
            file.unlink(missing_ok=True)
