"""One server process's query service: the live release, the result cache and the pool of query processes."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..config import Settings
from ..releases import Release, live_release, live_release_id
from .cache import ResultCache
from .fairshare import ClientBudgets
from .pool import Busy, DeadlineExceeded, QueryPool, WorkerLost
from .protocol import ProtocolError, QueryRequest

__all__ = ["Busy", "DeadlineExceeded", "Outcome", "QueryService", "WorkerLost"]


@dataclass(frozen=True)
class Outcome:
    """A finished result document and how it was obtained."""

    media: str
    body: bytes
    truncated: bool
    cached: bool


class LiveRelease:
    """The live release's id, store path and manifest, re-read only when the live pointer moves."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._release: Release | None = None
        self._lock = threading.Lock()

    def current(self) -> Release | None:
        release_id = live_release_id(self.settings)
        cached = self._release
        if cached is not None and cached.id == release_id:
            return cached
        with self._lock:
            self._release = live_release(self.settings)
            return self._release

    @staticmethod
    def created(release: Release) -> datetime | None:
        try:
            return datetime.fromisoformat(release.created)
        except ValueError:
            return None


class QueryService:
    """Runs protocol requests against the live release: from the cache when it can, else in a killable,
    network-less query process (every evaluation, however small: no second path to keep equivalent)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.live = LiveRelease(settings)
        self.cache: ResultCache[Outcome] = ResultCache(settings.query_cache_bytes)
        self.pool = QueryPool(warm=settings.query_workers, limit=settings.query_concurrency)
        self.budgets = ClientBudgets(settings.client_time_budget, settings.client_budget_window)

    def warm(self) -> None:
        release = self.live.current()
        self.pool.warm(str(release.store_path) if release else None)

    @property
    def endpoint(self) -> str:
        """The endpoint's public URL: relative IRIs in queries resolve against it."""
        return self.settings.public_base + "/sparql"

    def execute(self, request: QueryRequest, release: Release) -> Outcome:
        key = (request.digest(), request.bindings_media, request.graph_media)
        hit = self.cache.get(release.id, key)
        if hit is not None:
            return Outcome(hit.media, hit.body, hit.truncated, True)
        message: dict[str, Any] = {
            "store": str(release.store_path),
            "query": request.query,
            "default_graphs": list(request.default_graphs) if request.default_graphs is not None else None,
            "named_graphs": list(request.named_graphs) if request.named_graphs is not None else None,
            "bindings_media": request.bindings_media,
            "graph_media": request.graph_media,
            "row_limit": self.settings.result_row_limit,
            "max_regex_chars": self.settings.max_regex_chars,
            "base_iri": self.endpoint,
        }
        reply = self.pool.run(message, str(release.store_path), self.settings.query_deadline)
        if not reply["ok"]:
            raise _refusal(reply, request)
        outcome = Outcome(reply["media"], reply["body"], reply["truncated"], False)
        self.cache.put(release.id, key, outcome, len(outcome.body))
        return outcome


def _refusal(reply: dict[str, Any], request: QueryRequest) -> ProtocolError:
    if reply["status"] != 406:
        return ProtocolError(reply["status"], reply["message"])
    if reply["kind"] == "graph":
        form, offered = "CONSTRUCT or DESCRIBE", "turtle, ntriples, jsonld, rdfxml, trig, nquads"
    else:
        form, offered = "SELECT or ASK", "json, xml, csv, tsv"
    asked = "the format parameter" if request.chosen_by == "format" else "Accept"
    return ProtocolError(406, f"a {form} query has no result format that {asked} allows: use format={offered}")
