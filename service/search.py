"""Find resources by their words, and list every /id/ resource, from an index written once per release.

A regex scan over a million trees takes seconds per query; an SQLite FTS5 index written at build time
answers in milliseconds. Store-level: it reads the new store with fixed queries and bound terms.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

INDEX_FILE = "search.sqlite"
#: Literals longer than this are descriptions, not names; they are not indexed.
MAX_TEXT = 200
SUBJECTS = "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s)) }"
TEXTS = (
    "SELECT ?s ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s) && isLiteral(?o) "
    f"&& (lang(?o) != '' || datatype(?o) = <http://www.w3.org/2001/XMLSchema#string>) && STRLEN(?o) <= {MAX_TEXT}) }}"
)
SCHEMA = """
CREATE TABLE resource (id INTEGER PRIMARY KEY, iri TEXT NOT NULL);
CREATE TABLE searchable (id INTEGER PRIMARY KEY, iri TEXT NOT NULL);
CREATE TABLE text (id INTEGER PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE mention (text_id INTEGER NOT NULL, resource_id INTEGER NOT NULL,
                      PRIMARY KEY (text_id, resource_id)) WITHOUT ROWID;
CREATE VIRTUAL TABLE text_fts USING fts5(value, content='text', content_rowid='id',
                                         tokenize='unicode61 remove_diacritics 2');
"""
BATCH = 50_000


def write_index(store: ox.Store, path: Path, id_base: str) -> dict[str, int]:
    """Every resource under ``id_base`` (for the sitemap) and its short texts (for search)."""
    db = sqlite3.connect(path)
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        resources = 0
        batch: list[tuple[str]] = []
        for row in store.query(SUBJECTS):  # type: ignore[union-attr]
            iri = row[0].value
            if not iri.startswith(id_base):
                continue
            batch.append((iri,))
            if len(batch) >= BATCH:
                db.executemany("INSERT INTO resource (iri) VALUES (?)", batch)
                resources += len(batch)
                batch.clear()
        db.executemany("INSERT INTO resource (iri) VALUES (?)", batch)
        resources += len(batch)
        subjects: dict[str, int] = {}
        texts: dict[str, int] = {}
        mentions: list[tuple[int, int]] = []
        for row in store.query(TEXTS):  # type: ignore[union-attr]
            iri = row[0].value
            if not iri.startswith(id_base):
                continue
            subject = subjects.setdefault(iri, len(subjects) + 1)
            text = texts.setdefault(row[1].value, len(texts) + 1)
            mentions.append((text, subject))
            if len(mentions) >= BATCH:
                db.executemany("INSERT OR IGNORE INTO mention VALUES (?, ?)", mentions)
                mentions.clear()
        db.executemany("INSERT OR IGNORE INTO mention VALUES (?, ?)", mentions)
        db.executemany("INSERT INTO searchable VALUES (?, ?)", ((i, iri) for iri, i in subjects.items()))
        db.executemany("INSERT INTO text VALUES (?, ?)", ((i, value) for value, i in texts.items()))
        db.execute("INSERT INTO text_fts (text_fts) VALUES ('rebuild')")
        db.commit()
        return {"resources": resources, "searchable": len(subjects), "texts": len(texts)}
    finally:
        db.close()


_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    iri: str
    text: str


def _match(word: str, prefix: bool) -> str:
    """One FTS5 phrase per word, quoted, so that no user input is read as FTS5 syntax."""
    return '"' + word.replace('"', "") + '"' + ("*" if prefix else "")


class Index:
    """Read side, opened read-only by each server process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    def close(self) -> None:
        self._db.close()

    def search(self, query: str, limit: int = 20) -> tuple[list[Hit], int]:
        """Resources that have a text matching every word (the last word as a prefix), and how many there are."""
        words = _WORD.findall(query)[:8]
        if not words:
            return [], 0
        parts = []
        params: list[str] = []
        for i, word in enumerate(words):
            parts.append(
                "SELECT resource_id FROM mention WHERE text_id IN (SELECT rowid FROM text_fts WHERE text_fts MATCH ?)"
            )
            params.append(_match(word, i == len(words) - 1))
        matching = " INTERSECT ".join(parts)
        total = self._db.execute(f"SELECT COUNT(*) FROM ({matching})", params).fetchone()[0]
        last = _match(words[-1], True)
        rows = self._db.execute(
            f"""SELECT s.iri, (SELECT t.value FROM mention m JOIN text t ON t.id = m.text_id
                               WHERE m.resource_id = s.id AND m.text_id IN
                                     (SELECT rowid FROM text_fts WHERE text_fts MATCH ?) LIMIT 1)
                FROM searchable s WHERE s.id IN ({matching}) ORDER BY s.id LIMIT ?""",
            [last, *params, limit],
        ).fetchall()
        return [Hit(iri, text or "") for iri, text in rows], int(total)

    def resource_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM resource").fetchone()[0])

    def resources(self, offset: int, limit: int) -> list[str]:
        """Resources in a stable order (the index's), for paged sitemaps."""
        rows = self._db.execute("SELECT iri FROM resource WHERE id > ? ORDER BY id LIMIT ?", (offset, limit))
        return [r[0] for r in rows]
