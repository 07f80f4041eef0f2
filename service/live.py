"""The live release as one server process sees it: one object per app, with everything read from it.

``create_app`` makes one :class:`Live`; every route, the WSGI front and the query service ask it for the
:class:`LiveRelease`, which holds the process's only read-only store handle, the manifest, the document
describer, the search index, the catalogue graph, and whatever else a route derives from one release
(the register, serialised bodies). A new release gets a new object, so nothing outlives its release.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from rdflib import Graph

from . import store as stores
from .catalog.facts import CATALOG_FILE
from .catalog.namespaces import new_graph
from .config import Settings
from .describe import Describer
from .errors import OpenbaarError
from .jsonld import CONTEXT_PATH, Context, build_context
from .modified import MODIFIED_FILE, Modified
from .prefixes import WELL_KNOWN
from .releases import Release, live_release, live_release_id
from .search import INDEX_FILE, Index

T = TypeVar("T")

#: Labels of the graphs that are not datasets.
GRAPH_LABELS = {
    "vocab": {"nl": "Vocabulaire", "en": "Vocabulary"},
    "catalog": {"nl": "Catalogus", "en": "Catalogue"},
    "inferred": {"nl": "Afgeleide gegevens", "en": "Inferred statements"},
    "register": {"nl": "Register van uitzonderingen", "en": "Register of exceptions"},
}


class NoRelease(OpenbaarError):
    """Nothing has been built yet, or the live release cannot be opened: the server answers 503."""


class StoreUnavailable(NoRelease):
    """The live pointer names a release whose store cannot be opened (damaged, or no file descriptors left)."""


class LiveRelease:
    """One release, opened once: its store, manifest and what is derived from them, each made on first use."""

    def __init__(self, settings: Settings, release: Release, store: Any, statements: Any = None) -> None:
        self.settings = settings
        self.release = release
        self.store = store
        #: What documents are read from: the store, or a remote engine serving this release.
        self.statements = store if statements is None else statements
        self._lock = threading.Lock()
        self._memo: dict[Any, Any] = {}

    @property
    def id(self) -> str:
        return self.release.id

    @property
    def path(self) -> Path:
        return self.release.path

    @property
    def manifest(self) -> dict[str, Any]:
        return self.release.manifest

    @property
    def datasets(self) -> dict[str, dict[str, Any]]:
        return dict(self.manifest.get("datasets", {}))

    @cached_property
    def created(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.release.created)
        except ValueError:
            return None

    def describer_graph(self, name: str) -> str:
        """The IRI of one of this release's named graphs."""
        base = str(self.manifest.get("public_base", "")).rstrip("/")
        return f"{base}/graph/{name}"

    @cached_property
    def describer(self) -> Describer:
        """What a document says, with the datasets' titles as the labels of their graphs."""
        s = self.settings
        labels = {s.graph_base + name: text for name, text in GRAPH_LABELS.items()}
        for slug, dataset in self.datasets.items():
            labels[dataset.get("graph", s.graph_base + slug)] = dataset.get("title") or {"nl": slug}
        return Describer(self.statements, labels)

    @cached_property
    def modified(self) -> Modified | None:
        """When each resource last changed (releases built before it was recorded have none)."""
        path = self.path / MODIFIED_FILE
        return Modified(path) if path.is_file() else None

    def last_modified(self, iri: str) -> datetime | None:
        """The date of the release that last changed the resource's statements: a crawler's Last-Modified."""
        since = self.modified.since(iri) if self.modified is not None else None
        return since or self.created

    @cached_property
    def jsonld(self) -> Context:
        """The JSON-LD context of this release's vocabulary, published at ``/context.jsonld``."""
        s = self.settings
        statements = [
            (getattr(q.subject, "value", ""), q.predicate.value, getattr(q.object, "value", ""))
            for q in self.describer.graph_quads(s.graph_base + "vocab")
            if not hasattr(q.object, "datatype")  # literals say nothing about terms' kinds and ranges
        ]
        prefixes = {**WELL_KNOWN, "def": s.def_base}
        return build_context(s.public_base + CONTEXT_PATH, prefixes, s.def_base, statements)

    @cached_property
    def index(self) -> Index | None:
        path = self.path / INDEX_FILE
        return Index(path) if path.is_file() else None

    @cached_property
    def catalogue(self) -> Graph:
        """The DCAT catalogue graph, from the release's file (or its graph, for releases made before the file)."""
        graph = new_graph()
        if (self.path / CATALOG_FILE).is_file():
            graph.parse(self.path / CATALOG_FILE, format="nt")
        else:
            graph.parse(data=stores.graph_ntriples(self.store, self.settings.graph_base + "catalog"), format="nt")
        return graph

    def memo(self, key: Any, make: Callable[[], T]) -> T:
        """A value derived from this release (the register, a serialised body), made once per process."""
        try:
            return self._memo[key]
        except KeyError:
            pass
        with self._lock:
            if key not in self._memo:
                self._memo[key] = make()
            return self._memo[key]


#: Given a release's open store, what its documents are read from instead (a remote engine's statements).
StatementsOf = Callable[[Any], Any]


class Live:
    """The app's view of the live pointer: a readlink per request notices a new release."""

    def __init__(self, settings: Settings, statements_of: StatementsOf | None = None) -> None:
        self.settings = settings
        self._statements_of = statements_of
        self._lock = threading.Lock()
        self._current: LiveRelease | None = None

    def current_id(self) -> str | None:
        """The live release's id without opening it: named on every response, even an error's."""
        return live_release_id(self.settings)

    def current(self) -> LiveRelease:
        """The live release, opened once per process; raises NoRelease before the first build."""
        release_id = live_release_id(self.settings)
        if release_id is None:
            raise NoRelease("no release is live yet: run 'openbaar build'")
        current = self._current
        if current is not None and current.id == release_id:
            return current
        with self._lock:
            if self._current is None or self._current.id != release_id:
                release = live_release(self.settings)
                if release is None:
                    raise NoRelease("the live release is missing on disk; run 'openbaar build' or 'openbaar rollback'")
                self._current = None  # let go of the old store before opening the new one
                try:
                    store = stores.open_read_only(release.store_path)
                except (OSError, RuntimeError) as exc:
                    raise StoreUnavailable(
                        f"the store of the live release {release.id} cannot be opened ({exc}); "
                        "'openbaar releases --verify' checks it, 'openbaar rollback' goes back"
                    ) from None
                statements = self._statements_of(store) if self._statements_of is not None else None
                self._current = LiveRelease(self.settings, release, store, statements)
            return self._current
