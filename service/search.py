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

from .describe import LABEL_PROPERTIES
from .store import solutions, written

INDEX_FILE = "search.sqlite"
#: Literals longer than this are descriptions, not names; they are not indexed.
MAX_TEXT = 200
#: Every typed resource, for the sitemap; DISTINCT and TSV both run in Rust (no Python object per row).
TYPED = "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s a ?c } }"
#: The same for one graph, bound by substitution.
TYPED_IN = "SELECT DISTINCT ?s ?g WHERE { GRAPH ?g { ?s a ?c } }"
#: Properties whose values are words in a language: what people search for.
WORDED = "SELECT DISTINCT ?p WHERE { GRAPH ?g { ?p rdfs:range rdf:langString } }"
SCHEMA = """
CREATE TABLE resource (id INTEGER PRIMARY KEY, iri TEXT NOT NULL);
CREATE TABLE searchable (id INTEGER PRIMARY KEY, iri TEXT NOT NULL);
CREATE TABLE text (id INTEGER PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE mention (text_id INTEGER NOT NULL, resource_id INTEGER NOT NULL,
                      PRIMARY KEY (text_id, resource_id)) WITHOUT ROWID;
CREATE VIRTUAL TABLE text_fts USING fts5(value, content='text', content_rowid='id',
                                         tokenize='unicode61 remove_diacritics 2');
"""
#: Matches are counted up to this many ("10,000 or more"): counting every tree of a common word costs time.
COUNT_CAP = 10_000


def write_index(store: ox.Store, path: Path, id_base: str) -> dict[str, int]:
    """Every typed resource under ``id_base`` (for the sitemap) and its labels and worded texts (for search).

    Indexed: the label properties (rdfs:label, skos:prefLabel, dct:title…) and every property whose range
    is rdf:langString (a tree's species, a neighbourhood's name); codes and numbers are left out, which
    keeps the build step to a few seconds per million resources.
    """
    db = sqlite3.connect(path)
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        tsv = written(solutions(store.query(TYPED)).serialize(format=ox.QueryResultsFormat.TSV))
        prefix = "<" + id_base
        iris = (line[1:-1] for line in tsv.decode("utf-8").split("\n")[1:] if line.startswith(prefix))
        db.executemany("INSERT INTO resource (iri) VALUES (?)", ((iri,) for iri in iris))
        resources = db.execute("SELECT COUNT(*) FROM resource").fetchone()[0]
        predicates = dict.fromkeys(p.value for p in LABEL_PROPERTIES)
        rdfs = {"rdfs": "http://www.w3.org/2000/01/rdf-schema#", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}
        for row in solutions(store.query(WORDED, prefixes=rdfs)):
            predicates[row[0].value] = None
        subjects: dict[str, int] = {}
        texts: dict[str, int] = {}
        mentions: list[tuple[int, int]] = []
        for predicate in predicates:
            for q in store.quads_for_pattern(None, ox.NamedNode(predicate), None, None):
                subject, text = q.subject, q.object
                if not isinstance(text, ox.Literal) or not isinstance(subject, ox.NamedNode):
                    continue
                value = text.value
                if len(value) > MAX_TEXT or not subject.value.startswith(id_base):
                    continue
                mentions.append(
                    (texts.setdefault(value, len(texts) + 1), subjects.setdefault(subject.value, len(subjects) + 1))
                )
        db.executemany("INSERT OR IGNORE INTO mention VALUES (?, ?)", mentions)
        db.executemany("INSERT INTO searchable VALUES (?, ?)", ((i, iri) for iri, i in subjects.items()))
        db.executemany("INSERT INTO text VALUES (?, ?)", ((i, value) for value, i in texts.items()))
        db.execute("INSERT INTO text_fts (text_fts) VALUES ('rebuild')")
        db.commit()
        return {"resources": int(resources), "searchable": len(subjects), "texts": len(texts)}
    finally:
        db.close()


_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    iri: str
    text: str


def add_resources(store: ox.Store, path: Path, id_base: str, graph: str) -> int:
    """Add the typed resources of one graph loaded after the index was written (the catalogue's).

    A resource already listed (typed in another graph too) is not listed twice.
    """
    rows = solutions(store.query(TYPED_IN, substitutions={ox.Variable("g"): ox.NamedNode(graph)}))
    iris = [row[0].value for row in rows if row[0].value.startswith(id_base)]
    db = sqlite3.connect(path)
    try:
        db.execute("CREATE TEMP TABLE added (iri TEXT NOT NULL)")
        db.executemany("INSERT INTO added VALUES (?)", ((iri,) for iri in iris))
        cursor = db.execute(
            "INSERT INTO resource (iri) SELECT iri FROM added WHERE iri NOT IN (SELECT iri FROM resource)"
        )
        db.commit()
        return cursor.rowcount
    finally:
        db.close()


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
        """Resources with texts matching every word (the last as a prefix), and how many (counted to COUNT_CAP)."""
        words = _WORD.findall(query)[:8]
        if not words:
            return [], 0
        phrases = [_match(word, i == len(words) - 1) for i, word in enumerate(words)]
        matching = " INTERSECT ".join(
            "SELECT resource_id FROM mention WHERE text_id IN (SELECT rowid FROM text_fts WHERE text_fts MATCH ?)"
            for _ in phrases
        )
        total = self._db.execute(f"SELECT COUNT(*) FROM ({matching} LIMIT {COUNT_CAP})", phrases).fetchone()[0]
        ids = [r[0] for r in self._db.execute(f"{matching} LIMIT ?", [*phrases, limit])]
        hits = []
        for resource_id in ids:
            row = self._db.execute(
                """SELECT s.iri, (SELECT t.value FROM mention m JOIN text t ON t.id = m.text_id
                                  WHERE m.resource_id = s.id AND m.text_id IN
                                        (SELECT rowid FROM text_fts WHERE text_fts MATCH ?) LIMIT 1)
                   FROM searchable s WHERE s.id = ?""",
                (phrases[-1], resource_id),
            ).fetchone()
            hits.append(Hit(row[0], row[1] or ""))
        return hits, int(total)

    def resource_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM resource").fetchone()[0])

    def resources(self, offset: int, limit: int) -> list[str]:
        """Resources in a stable order (the index's), for paged sitemaps."""
        rows = self._db.execute("SELECT iri FROM resource WHERE id > ? ORDER BY id LIMIT ?", (offset, limit))
        return [r[0] for r in rows]
