"""One server process's query service: the live release, the result cache and the pool of query processes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import formats
from ..config import Settings
from ..live import Live, LiveRelease, NoRelease
from . import bounded, worker
from .cache import ResultCache
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
    #: Evaluated in the server process (a bounded query, see ``bounded``) rather than in a query process.
    inline: bool = False


class _Held:
    """Bounded queries read the app's one read-only store handle, not a second one of their own."""

    def __init__(self, release: LiveRelease) -> None:
        self.release = release

    def get(self, path: str) -> Any:
        return self.release.store


class QueryService:
    """Runs protocol requests against the live release: from the cache when it can, in this process when the
    query's cost is bounded by the row cap, else in a killable query process."""

    def __init__(self, settings: Settings, live: Live) -> None:
        self.settings = settings
        self.live = live
        self.cache: ResultCache[Outcome] = ResultCache(settings.query_cache_bytes)
        self.pool = QueryPool(warm=settings.query_workers, limit=settings.query_concurrency)

    def warm(self) -> None:
        try:
            path: str | None = str(self.live.current().release.store_path)
        except NoRelease:
            path = None
        self.pool.warm(path)

    def runs_inline(self, request: QueryRequest) -> bool:
        """Protocol graph parameters take the query off the fast path: it only knows the union default graph."""
        if request.default_graphs is not None or request.named_graphs is not None:
            return False
        return bounded.is_bounded(request.query, self.settings.result_row_limit)

    def execute(self, request: QueryRequest, release: LiveRelease) -> Outcome:
        key = (request.digest(), request.bindings_media, request.graph_media)
        hit = self.cache.get(release.id, key)
        if hit is not None:
            return Outcome(hit.media, hit.body, hit.truncated, True, hit.inline)
        message: dict[str, Any] = {
            "store": str(release.release.store_path),
            "query": request.query,
            "default_graphs": list(request.default_graphs) if request.default_graphs is not None else None,
            "named_graphs": list(request.named_graphs) if request.named_graphs is not None else None,
            "union_default": request.union_default,
            "bindings_media": request.bindings_media,
            "graph_media": request.graph_media,
            "row_limit": self.settings.result_row_limit,
        }
        inline = self.runs_inline(request)
        if inline:
            # The query processes' own evaluation, called here: same documents, no pipe, no deadline needed.
            with self.pool.slot():
                reply = worker.handle(_Held(release), {**message, "bounded": True})
        else:
            reply = self.pool.run(message, message["store"], self.settings.query_deadline)
        if not reply["ok"]:
            raise _refusal(reply, request)
        outcome = Outcome(reply["media"], reply["body"], reply["truncated"], False, inline)
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
