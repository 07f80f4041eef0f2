"""A query engine that forwards /sparql to an existing SPARQL server over the SPARQL 1.1 Protocol.

Used when ``OPENBAAR_SPARQL_ENDPOINT`` is set (for example ``oxigraph serve-read-only`` over the live
release's store). It has the embedded engine's interface (``live``, ``cache``, ``warm``, ``execute``) and
keeps its promises: the text checks (updates, nesting) have refused a request before it gets here and the
same parse check as the query processes refuses SERVICE before anything is forwarded; the
deadline closes the connection, which cancels the remote request; the answer is read as a stream and
rewritten with the row cap and its signal, so a cut or broken answer from the engine never reaches a
client as a 200; the concurrency limit, the result cache and the ETags are the same. The default graph
is the union of the named graphs unless the query or the request names a dataset, as with the embedded
store (Oxigraph's ``union-default-graph`` parameter; other engines must be configured so).
"""

from __future__ import annotations

import http.client
import io
import socket
import threading
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

from .. import sparql_store
from ..config import Settings
from ..live import Live
from .algebra import QueryRefused, inspect
from .cache import ResultCache
from .engine import Outcome, _refusal
from .fairshare import ClientBudgets
from .pool import Busy, DeadlineExceeded
from .protocol import ProtocolError, QueryRequest

#: What the engine is asked for: SPARQL JSON for SELECT/ASK, N-Triples for CONSTRUCT/DESCRIBE (both stream).
ASKED = "application/sparql-results+json, application/n-triples;q=0.9"
RECEIVED = ("application/sparql-results+json", "application/n-triples")


class EngineUnavailable(ProtocolError):
    """The SPARQL engine cannot be reached or gave no usable answer: a 503, retry later."""

    def __init__(self, message: str) -> None:
        super().__init__(503, message)


class _UntilDeadline(io.RawIOBase):
    """The response body as a file that stops (and says so) once the deadline has passed."""

    def __init__(self, response: http.client.HTTPResponse, sock: socket.socket | None, until: float) -> None:
        self.response, self.sock, self.until = response, sock, until
        self.expired = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        remaining = self.until - time.monotonic()
        if remaining <= 0:
            self.expired = True
            raise TimeoutError("deadline")
        if self.sock is not None:
            self.sock.settimeout(remaining)
        try:
            return self.response.readinto(buffer)
        except TimeoutError:
            self.expired = True
            raise


class RemoteQueryService:
    """Runs protocol requests on a remote SPARQL endpoint; same interface as ``engine.QueryService``."""

    def __init__(self, settings: Settings, live: Live) -> None:
        self.settings = settings
        self.endpoint = urlsplit(settings.sparql_endpoint)
        if self.endpoint.scheme not in ("http", "https") or not self.endpoint.hostname:
            raise ValueError(f"OPENBAAR_SPARQL_ENDPOINT '{settings.sparql_endpoint}' is not an http(s) URL")
        self.host: str = self.endpoint.hostname
        self.live = live
        self.cache: ResultCache[Outcome] = ResultCache(settings.query_cache_bytes)
        self._slots = threading.BoundedSemaphore(settings.query_concurrency)
        self.budgets = ClientBudgets(settings.client_time_budget, settings.client_budget_window)

    def warm(self) -> None:
        """Nothing to start: the engine runs on its own."""

    def isolation(self) -> str:
        """No query process here: the remote engine evaluates, after the parse check refused SERVICE."""
        return "remote"

    def execute(self, request: QueryRequest, release: Any) -> Outcome:
        key = (request.digest(), request.bindings_media, request.graph_media)
        hit = self.cache.get(release.id, key)
        if hit is not None:
            return Outcome(hit.media, hit.body, hit.truncated, True)
        try:  # the same parse check as the query processes: SERVICE never reaches the engine
            checked = inspect(request.query, self.settings.max_regex_chars, sparql_store.regex_compiles)
        except QueryRefused as exc:
            raise ProtocolError(400, str(exc)) from None
        if not self._slots.acquire(blocking=False):
            raise Busy
        try:
            doc = self._forward(request, union_default=not checked.dataset_clause)
        finally:
            self._slots.release()
        outcome = Outcome(doc.media, doc.body, doc.truncated, False)
        self.cache.put(release.id, key, outcome, len(outcome.body))
        return outcome

    def _form(self, request: QueryRequest, union_default: bool) -> bytes:
        """The protocol request: the query and, when given, the client's graphs; else the union default graph."""
        fields: list[tuple[str, str]] = [("query", request.query)]
        fields += [("default-graph-uri", g) for g in request.default_graphs or ()]
        fields += [("named-graph-uri", g) for g in request.named_graphs or ()]
        try:
            for name, iri in fields[1:]:
                sparql_store.check_graph(iri, name)
        except sparql_store.QueryInputError as exc:
            raise ProtocolError(400, str(exc)) from None
        if request.default_graphs is None and request.named_graphs is None and union_default:
            fields.append(("union-default-graph", ""))
        return urlencode(fields).encode()

    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        kind = http.client.HTTPSConnection if self.endpoint.scheme == "https" else http.client.HTTPConnection
        return kind(self.host, self.endpoint.port, timeout=timeout)

    def _forward(self, request: QueryRequest, union_default: bool) -> sparql_store.Document:
        until = time.monotonic() + self.settings.query_deadline
        connection = self._connection(self.settings.query_deadline)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": ASKED}
        try:
            try:
                connection.request(
                    "POST", self.endpoint.path or "/", body=self._form(request, union_default), headers=headers
                )
                response = connection.getresponse()
            except TimeoutError:
                raise DeadlineExceeded from None
            except OSError as exc:
                raise EngineUnavailable(f"the SPARQL engine does not answer ({exc}); retry in a few seconds") from None
            return self._read(request, response, connection.sock, until)
        finally:
            connection.close()  # before the answer is complete, this is what cancels the remote query

    def _read(
        self, request: QueryRequest, response: http.client.HTTPResponse, sock: Any, until: float
    ) -> sparql_store.Document:
        received = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
        if response.status == 400:
            text = response.read(4096).decode("utf-8", "replace").strip()
            raise ProtocolError(400, sparql_store.readable_syntax_error(text))
        if response.status != 200 or received not in RECEIVED:
            raise EngineUnavailable(f"the SPARQL engine answered {response.status} {received}; retry in a few seconds")
        body = _UntilDeadline(response, sock, until)
        limits = (request.bindings_media, request.graph_media, self.settings.result_row_limit)
        try:
            return sparql_store.parsed_document(io.BufferedReader(body, 65536), received, *limits)
        except sparql_store.NotAcceptable as exc:
            raise _refusal({"status": 406, "kind": exc.kind, "message": ""}, request) from None
        except (SyntaxError, ValueError, OSError):
            if body.expired or time.monotonic() >= until:
                raise DeadlineExceeded from None
            raise EngineUnavailable("the SPARQL engine sent an incomplete answer; retry in a few seconds") from None
