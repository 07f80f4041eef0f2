"""Reading every RDF format the server writes, offline: our JSON-LD names its context by its public URL,
which a test fetches from the server under test (never from the network) and puts in its place."""

from __future__ import annotations

import json
import threading
from typing import Any

import pyoxigraph as ox
import requests

BASE = "https://data.groningen.nl"
CONTEXT = BASE + "/context.jsonld"
OXIGRAPH = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "rdf": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}


_contexts: dict[str, Any] = {}
_lock = threading.Lock()


def context(url: str, server_url: str) -> Any:
    """A published context, fetched once from the server under test (never from the network)."""
    assert url.startswith(BASE + "/"), f"a JSON-LD document names a context outside our base: {url}"
    with _lock:
        if url not in _contexts:
            response = requests.get(server_url + url[len(BASE) :], timeout=30)
            assert response.status_code == 200, f"{url}: {response.status_code}"
            assert response.headers["Content-Type"].startswith("application/ld+json")
            _contexts[url] = response.json()["@context"]
        return _contexts[url]


def jsonld_inline(body: bytes, server_url: str) -> bytes:
    """A JSON-LD document with its remote context put in its place, for a parser that loads nothing."""
    document = json.loads(body)
    if isinstance(document, dict) and isinstance(document.get("@context"), str):
        document["@context"] = context(document["@context"], server_url)
    return json.dumps(document).encode()


def triples(body: bytes, ext: str, server_url: str) -> list[ox.Triple]:
    """The statements of a document in any of our RDF formats, graphs merged."""
    if ext == "jsonld":
        body = jsonld_inline(body, server_url)
    return [q.triple if isinstance(q, ox.Quad) else q for q in ox.parse(body, format=OXIGRAPH[ext])]


def canonical(statements: list[ox.Triple]) -> set[ox.Quad]:
    """The statements with canonical blank-node labels: two graphs are isomorphic iff these sets are equal."""
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in statements)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)
