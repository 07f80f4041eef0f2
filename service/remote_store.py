"""The release's statements read from a remote SPARQL engine over the SPARQL 1.1 Protocol, for documents.

Store-level (it imports pyoxigraph). :class:`RemoteStore` has the two reads of ``pyoxigraph.Store`` that
``describe.Describer`` makes (``quads_for_pattern`` and ``query`` with ``substitutions``), so a document
read from the engine is made by the same code, from the same statements, as one read from the release.

Query text has to be sent, so it is made only of fixed text and of terms in their N-Triples form:
``str(NamedNode(...))`` is ``<`` + an IRI that pyoxigraph has validated + ``>``, and a valid IRI holds
none of the characters that could end it or start anything else in SPARQL (``<>"{}|^`\\``, spaces,
controls), so the term is one IRIREF token whatever the request held. Only NamedNode terms are written.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

from .errors import EngineDeadline, EngineUnavailable

ACCEPT = "application/sparql-results+json"
#: Blank nodes remembered with the statement that reached them (a blank node cannot be named in a query).
REMEMBERED = 100_000
#: Connections to the engine kept open between reads.
KEPT_OPEN = 16
#: (subject, predicate) pairs read in one prefetch request.
PREFETCH_PAIRS = 1000
#: The longest chain of blank nodes followed from a named resource.
MAX_CHAIN = 32

Subject = ox.NamedNode | ox.BlankNode


def _iri(term: Any) -> str:
    """A bound term of a pattern as query text: only a validated IRI, in its N-Triples form (see above)."""
    if not isinstance(term, ox.NamedNode):
        raise TypeError(f"only IRIs are written into remote query text, not {type(term).__name__}")
    return str(term)


def _anywhere(pattern: str, graph: str) -> str:
    """A triple pattern in the default graph or in any named graph (bound to ``graph``), like a quad scan."""
    return f"{{ {{ {pattern} }} UNION {{ GRAPH {graph} {{ {pattern} }} }} }}"


class RemoteStore:
    """Reads one release's statements from the engine that serves it; one per release (its blank nodes)."""

    def __init__(self, endpoint: str, deadline: float) -> None:
        self.endpoint = urlsplit(endpoint)
        if self.endpoint.scheme not in ("http", "https") or not self.endpoint.hostname:
            raise ValueError(f"OPENBAAR_SPARQL_ENDPOINT '{endpoint}' is not an http(s) URL")
        self.host: str = self.endpoint.hostname
        self.deadline = deadline
        #: Blank node label → (subject, predicate) of the statement that reached it.
        self._reached: dict[str, tuple[Subject, ox.NamedNode]] = {}
        #: Per thread: the statements its last ``prefetch`` read.
        self._local = threading.local()
        #: Connections whose last answer was read to its end, kept open for the next read.
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the kept-open connections (the release is no longer live)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    def __del__(self) -> None:
        self.close()

    # -- the reads of pyoxigraph.Store that the describer makes ------------------------------------------

    def quads_for_pattern(
        self, subject: Any = None, predicate: Any = None, object: Any = None, graph_name: Any = None
    ) -> Iterator[ox.Quad]:
        """The statements matching the pattern, streamed (stop reading and the engine stops too)."""
        fetched = getattr(self._local, "fetched", None)
        if fetched and object is None and graph_name is None and isinstance(subject, ox.NamedNode):
            found = fetched.get((subject, predicate))
            if found is not None:
                yield from found
                return
        bound = {"s": subject, "p": predicate, "o": object}
        chain = ""
        if isinstance(subject, ox.BlankNode):
            chain, bound["s"] = self._chain(subject), None
        terms = {name: (_iri(term) if term is not None else f"?{name}") for name, term in bound.items()}
        pattern = f"{terms['s']} {terms['p']} {terms['o']}"
        if graph_name is None:
            where = _anywhere(pattern, "?g")
        elif isinstance(graph_name, ox.DefaultGraph):
            where = f"{{ {pattern} }}"
        else:
            where = f"GRAPH {_iri(graph_name)} {{ {pattern} }}"
        distinct = "DISTINCT " if chain else ""  # a blank node reached by two routes is listed once
        text = f"SELECT {distinct}?s ?p ?o ?g WHERE {{ {chain} {where} }}"
        for row in self._solutions(text):
            s, p, o = (bound[v] if bound[v] is not None else row[v] for v in ("s", "p", "o"))
            if chain:
                s = row["s"]
                if s != subject:  # the chain reaches its siblings too: only the one asked for
                    continue
            g = graph_name if graph_name is not None else (row["g"] or ox.DefaultGraph())
            if isinstance(o, ox.BlankNode):
                self._remember(o, s, p)
            yield ox.Quad(s, p, o, g)

    def query(self, query: str, *, substitutions: dict[ox.Variable, ox.NamedNode] | None = None) -> list[Any]:
        """A fixed SELECT of ``describe.py`` with its variables bound by a VALUES block, not by pasting."""
        text = query
        if substitutions:
            names = " ".join(str(variable) for variable in substitutions)
            values = " ".join(_iri(term) for term in substitutions.values())
            if "WHERE {" not in text:
                raise ValueError("a query with bound variables must have a 'WHERE {' group")
            text = text.replace("WHERE {", f"WHERE {{ VALUES ({names}) {{ ({values}) }}", 1)
        return list(self._solutions(text))

    def prefetch(self, subjects: list[str], predicates: tuple[ox.NamedNode, ...]) -> None:
        """Read the statements of many (subject, predicate) pairs in one request (a page's labels and types);
        ``quads_for_pattern`` then answers those pairs from them, in the engine's order, on this thread."""
        pairs = [(ox.NamedNode(s), p) for s in subjects for p in predicates]  # valid IRIs: the describer's own
        fetched: dict[tuple[ox.NamedNode, ox.NamedNode], list[ox.Quad]] = {pair: [] for pair in pairs}
        for start in range(0, len(pairs), PREFETCH_PAIRS):
            values = " ".join(f"({_iri(s)} {_iri(p)})" for s, p in pairs[start : start + PREFETCH_PAIRS])
            text = f"SELECT ?s ?p ?o ?g WHERE {{ VALUES (?s ?p) {{ {values} }} {_anywhere('?s ?p ?o', '?g')} }}"
            for row in self._solutions(text):
                quad = ox.Quad(row["s"], row["p"], row["o"], row["g"] or ox.DefaultGraph())
                fetched.setdefault((row["s"], row["p"]), []).append(quad)
        self._local.fetched = fetched

    # -- blank nodes -------------------------------------------------------------------------------

    def _remember(self, node: ox.BlankNode, subject: Subject, predicate: ox.NamedNode) -> None:
        with self._lock:
            if node.value in self._reached:
                return
            if len(self._reached) >= REMEMBERED:  # the oldest go first; a document's own were just added
                self._reached.pop(next(iter(self._reached)), None)
            self._reached[node.value] = (subject, predicate)

    def _chain(self, node: ox.BlankNode) -> str:
        """The statements from a named resource to a blank node, as patterns ending in ``?s``."""
        steps: list[tuple[Subject, ox.NamedNode]] = []
        current: Subject = node
        while isinstance(current, ox.BlankNode):
            reached = self._reached.get(current.value)
            if reached is None or len(steps) >= MAX_CHAIN:
                raise EngineUnavailable("a blank node of this document is no longer known; retry the request")
            steps.append(reached)
            current = reached[0]
        patterns = []
        for number, (_, predicate) in enumerate(reversed(steps)):
            start = _iri(current) if number == 0 else f"?chain{number}"
            end = "?s" if number == len(steps) - 1 else f"?chain{number + 1}"
            patterns.append(_anywhere(f"{start} {_iri(predicate)} {end}", f"?chaingraph{number}"))
            patterns.append(f"FILTER(isBlank({end}))")
        return " ".join(patterns)

    # -- the protocol ------------------------------------------------------------------------------

    def _connection(self) -> http.client.HTTPConnection:
        kind = http.client.HTTPSConnection if self.endpoint.scheme == "https" else http.client.HTTPConnection
        return kind(self.host, self.endpoint.port, timeout=self.deadline)

    def _send(self, text: str) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        """Post the query on a kept-open connection (or a new one, if there is none or the engine closed it)."""
        body = urlencode({"query": text}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT}
        with self._lock:  # taken: given back only once its answer has been read to the end
            kept = self._idle.pop() if self._idle else None
        for connection in (kept, None) if kept is not None else (None,):
            connection = connection or self._connection()
            try:
                connection.request("POST", self.endpoint.path or "/", body=body, headers=headers)
                return connection, connection.getresponse()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                connection.close()
                if connection is not kept:
                    raise
            except BaseException:
                connection.close()
                raise
        raise AssertionError("unreachable")

    def _give_back(self, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            if len(self._idle) < KEPT_OPEN:
                self._idle.append(connection)
                return
        connection.close()

    def _solutions(self, text: str) -> Iterator[Any]:
        """The rows of a SELECT, read as they arrive; closing the connection early cancels the query."""
        started = time.monotonic()
        connection: http.client.HTTPConnection | None = None
        finished = False
        try:
            try:
                connection, response = self._send(text)
                received = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
                if response.status != 200 or received != ACCEPT:
                    raise EngineUnavailable(
                        f"the SPARQL engine answered {response.status} {received} to a document read; "
                        "retry in a few seconds"
                    )
                rows = ox.parse_query_results(response, ox.QueryResultsFormat.JSON)
                if not isinstance(rows, ox.QuerySolutions):
                    raise EngineUnavailable("the SPARQL engine answered a SELECT with a boolean; check the endpoint")
                yield from rows
                finished = not response.read() and not response.will_close
            except (OSError, SyntaxError, ValueError) as exc:
                if isinstance(exc, TimeoutError) or time.monotonic() - started >= self.deadline:
                    raise EngineDeadline(
                        f"the SPARQL engine did not answer within {self.deadline:g} s; retry later"
                    ) from None
                raise EngineUnavailable(f"the SPARQL engine does not answer ({exc}); retry in a few seconds") from None
        finally:
            if finished and connection is not None:
                self._give_back(connection)
            elif connection is not None:
                connection.close()  # before the answer is complete, this is what cancels the remote query
