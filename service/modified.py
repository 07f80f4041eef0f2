"""When each resource last changed, carried from release to release, so crawlers re-fetch only what changed.

At build time every resource under the id base gets a digest of its own statements (those it is the
subject or object of, in any graph, plus those of its blank nodes and geometries: what its document
shows). A resource whose digest equals the previous release's keeps that release's date; any other is
dated by the new release. Store-level: it reads the new store with a quad pattern, and writes SQLite.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import pyoxigraph as ox

MODIFIED_FILE = "modified.sqlite"
HAS_GEOMETRY = ox.NamedNode("http://www.opengis.net/ont/geosparql#hasGeometry")
_MASK = (1 << 64) - 1


def _hash(quad: ox.Quad) -> int:
    return int.from_bytes(hashlib.blake2b(str(quad).encode(), digest_size=8).digest(), "big")


def _key(term: object) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else str(getattr(term, "value", ""))


def digests(store: ox.Store, id_base: str) -> dict[str, int]:
    """Per resource under ``id_base``: an order-free digest of the statements its document is made of."""
    mine: dict[str, int] = defaultdict(int)
    own: dict[str, int] = defaultdict(int)
    children: dict[str, list[str]] = defaultdict(list)
    for quad in store.quads_for_pattern(None, None, None, None):
        h = _hash(quad)
        subject, obj = quad.subject, quad.object
        key = _key(subject)
        own[key] += h
        if isinstance(subject, ox.NamedNode) and subject.value.startswith(id_base):
            mine[key] += h
        if isinstance(obj, ox.NamedNode) and obj.value.startswith(id_base) and obj != subject:
            mine[obj.value] += h
        if isinstance(obj, ox.BlankNode) or quad.predicate == HAS_GEOMETRY:
            children[key].append(_key(obj))
    out = {}
    for iri, total in mine.items():
        seen = {iri}
        todo = list(children.get(iri, ()))
        while todo:  # the blank nodes (and geometries) a document shows with its resource
            child = todo.pop()
            if child in seen:
                continue
            seen.add(child)
            total += own.get(child, 0)
            if child.startswith("_:"):
                todo += children.get(child, ())
        out[iri] = _signed(total & _MASK)
    return out


def _signed(value: int) -> int:
    """SQLite integers are signed 64-bit."""
    return value - (1 << 64) if value >= 1 << 63 else value


def write_modified(store: ox.Store, path: Path, id_base: str, previous: Path | None, previous_created: str) -> int:
    """Write this release's digests; a resource unchanged since the previous release keeps its date
    (an empty date means "the release's own"). Returns how many resources kept their date."""
    earlier: dict[str, tuple[int, str]] = {}
    if previous is not None and previous.is_file():
        db = sqlite3.connect(f"file:{previous}?mode=ro", uri=True)
        try:
            for iri, digest, since in db.execute("SELECT iri, digest, since FROM modified"):
                earlier[iri] = (digest, since or previous_created)
        finally:
            db.close()
    rows = []
    kept = 0
    for iri, digest in digests(store, id_base).items():
        before = earlier.get(iri)
        since = before[1] if before is not None and before[0] == digest else ""
        kept += bool(since)
        rows.append((iri, digest, since))
    db = sqlite3.connect(path)
    try:
        db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
            "CREATE TABLE modified (iri TEXT PRIMARY KEY, digest INTEGER NOT NULL, since TEXT NOT NULL) WITHOUT ROWID;"
        )
        db.executemany("INSERT INTO modified VALUES (?, ?, ?)", rows)
        db.commit()
    finally:
        db.close()
    return kept


class Modified:
    """Read side: when a resource last changed, opened read-only by each server process."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    def dates(self, iris: list[str]) -> dict[str, str]:
        """The recorded dates (ISO text) of those resources that an earlier release last changed."""
        found: dict[str, str] = {}
        for start in range(0, len(iris), 500):
            chunk = iris[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT iri, since FROM modified WHERE since != '' AND iri IN ({marks})", chunk)
            found.update(rows)
        return found

    def since(self, iri: str) -> datetime | None:
        """The date of the release that last changed the resource; None for "this release" or unknown."""
        row = self._db.execute("SELECT since FROM modified WHERE iri = ?", (iri,)).fetchone()
        if row is None or not row[0]:
            return None
        try:
            return datetime.fromisoformat(row[0])
        except ValueError:
            return None
