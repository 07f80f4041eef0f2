"""One server process's query service: the live release, the result cache and the pool of query processes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import formats
from ..config import Settings
from ..live import Live, LiveRelease, NoRelease
from .board import ProcessBoard
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


class QueryService:
    """Runs protocol requests against the live release: from the cache when it can, else in a killable,
    network-less query process (every evaluation, however small: no second path to keep equivalent)."""

    def __init__(self, settings: Settings, live: Live, board: ProcessBoard | None = None) -> None:
        self.settings = settings
        self.live = live
        self.cache: ResultCache[Outcome] = ResultCache(settings.query_cache_bytes)
        self.pool = QueryPool(warm=settings.query_workers, limit=settings.query_concurrency, board=board)
        self.budgets = ClientBudgets(settings.client_time_budget, settings.client_budget_window)

    def warm(self) -> None:
        try:
            path: str | None = str(self.live.current().release.store_path)
        except NoRelease:
            path = None
        self.pool.warm(path)

    def isolation(self) -> str:
        """How the query processes are cut off from the network (``none`` when they could not be)."""
        return self.pool.isolation()

    @property
    def endpoint(self) -> str:
        """The endpoint's public URL: relative IRIs in queries resolve against it."""
        return self.settings.public_base + "/sparql"

    def execute(self, request: QueryRequest, release: LiveRelease) -> Outcome:
        key = (request.digest(), request.bindings_media, request.graph_media)
        hit = self.cache.get(release.id, key)
        if hit is not None:
            return Outcome(hit.media, hit.body, hit.truncated, True)
        message: dict[str, Any] = {
            "store": str(release.release.store_path),
            "query": request.query,
            "default_graphs": list(request.default_graphs) if request.default_graphs is not None else None,
            "named_graphs": list(request.named_graphs) if request.named_graphs is not None else None,
            "bindings_media": request.bindings_media,
            "graph_media": request.graph_media,
            "row_limit": self.settings.result_row_limit,
            "max_regex_chars": self.settings.max_regex_chars,
            "base_iri": self.endpoint,
        }
        reply = self.pool.run(message, message["store"], self.settings.query_deadline)
        if not reply["ok"]:
            raise _refusal(reply, request)
        outcome = Outcome(reply["media"], reply["body"], reply["truncated"], False)
        self.cache.put(release.id, key, outcome, len(outcome.body))
        return outcome


def _refusal(reply: dict[str, Any], request: QueryRequest) -> ProtocolError:
    if reply["status"] != 406:
        return ProtocolError(reply["status"], reply["message"])
    if reply["kind"] == "graph":
        form, offered = "CONSTRUCT or DESCRIBE", formats.words(formats.RDF)
    else:
        form, offered = "SELECT or ASK", formats.words(formats.RESULTS)
    asked = "the format parameter" if request.chosen_by == "format" else "Accept"
    return ProtocolError(406, f"a {form} query has no result format that {asked} allows: use format={offered}")
