"""The live release as the linked-data pages see it: its store reader, search index and manifest.

One per process and release; a new release gets new caches, because labels and counts belong to one.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app

from ...config import Settings
from ...describe import Describer
from ...documents import COMMON_PREFIXES
from ...jsonld import CONTEXT_PATH, Context, build_context
from ...modified import MODIFIED_FILE, Modified
from ...releases import live_release
from ...search import INDEX_FILE, Index
from ..live import LiveStore, NoRelease

#: Labels of the graphs that are not datasets.
GRAPH_LABELS = {
    "vocab": {"nl": "Vocabulaire", "en": "Vocabulary"},
    "catalog": {"nl": "Catalogus", "en": "Catalogue"},
    "inferred": {"nl": "Afgeleide gegevens", "en": "Inferred statements"},
    "register": {"nl": "Register van uitzonderingen", "en": "Register of exceptions"},
}
#: Graphs that have a page of their own elsewhere on the site.
GRAPH_PAGES = {"vocab": "/def/", "catalog": "/catalog", "register": "/register"}


@dataclass
class LiveRelease:
    id: str
    created: datetime | None
    manifest: dict[str, Any]
    describer: Describer
    index: Index | None
    #: The JSON-LD context of this release's vocabulary, published at ``/context.jsonld``.
    jsonld: Context
    #: When each resource last changed (releases built before it was recorded have none).
    modified: Modified | None = None

    def last_modified(self, iri: str) -> datetime | None:
        """The date of the release that last changed the resource's statements: a crawler's Last-Modified."""
        since = self.modified.since(iri) if self.modified is not None else None
        return since or self.created

    def describer_graph(self, name: str) -> str:
        """The IRI of one of this release's named graphs."""
        base = str(self.manifest.get("public_base", "")).rstrip("/")
        return f"{base}/graph/{name}"

    @property
    def datasets(self) -> dict[str, dict[str, Any]]:
        return dict(self.manifest.get("datasets", {}))


_lock = threading.Lock()


def current() -> LiveRelease:
    """The live release, opened once per process; raises NoRelease before the first build."""
    return current_for(current_app._get_current_object())  # type: ignore[attr-defined]


def current_for(app: Flask) -> LiveRelease:
    """``current`` for callers outside a request context (the WSGI front in ``front.py``)."""
    live: LiveStore = app.extensions["openbaar.live"]
    release_id, store = live.current()
    cached: LiveRelease | None = app.extensions.get("openbaar.linked")
    if cached is not None and cached.id == release_id:
        return cached
    with _lock:
        cached = app.extensions.get("openbaar.linked")
        if cached is not None and cached.id == release_id:
            return cached
        settings: Settings = app.config["OPENBAAR"]
        release = live_release(settings)
        if release is None or release.id != release_id:
            raise NoRelease("the live release changed while it was being opened; try again")
        manifest = release.manifest
        labels = {settings.graph_base + name: text for name, text in GRAPH_LABELS.items()}
        for slug, dataset in manifest.get("datasets", {}).items():
            labels[dataset.get("graph", settings.graph_base + slug)] = dataset.get("title") or {"nl": slug}
        index_path = release.path / INDEX_FILE
        index = Index(index_path) if index_path.is_file() else None
        created = _parse_time(release.created)
        describer = Describer(store, labels)
        modified_path = release.path / MODIFIED_FILE
        modified = Modified(modified_path) if modified_path.is_file() else None
        fresh = LiveRelease(release_id, created, manifest, describer, index, _context(describer, settings), modified)
        app.extensions["openbaar.linked"] = fresh
        return fresh


def _context(describer: Describer, settings: Settings) -> Context:
    """The JSON-LD context made from the release's vocabulary graph."""
    statements = [
        (q.subject.value, q.predicate.value, q.object.value)
        for q in describer.graph_quads(settings.graph_base + "vocab")
        if not hasattr(q.object, "datatype")  # literals say nothing about terms' kinds and ranges
    ]
    prefixes = {**COMMON_PREFIXES, "def": settings.def_base}
    return build_context(settings.public_base + CONTEXT_PATH, prefixes, settings.def_base, statements)


def _parse_time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
