"""Reading every RDF format the server writes, offline: our JSON-LD names its context by its public URL,
which a test fetches from the server under test, never from the network."""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox
import requests
from pyld import jsonld

BASE = "https://data.groningen.nl"
CONTEXT = BASE + "/context.jsonld"
OXIGRAPH = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "rdf": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
}


def loader(server_url: str) -> Any:
    """A pyld document loader that serves the published context from the server under test."""

    def load(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        assert url.startswith(BASE + "/"), f"a JSON-LD document names a context outside our base: {url}"
        response = requests.get(server_url + url[len(BASE) :], headers={"Accept": "application/ld+json"}, timeout=30)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        return {"contextUrl": None, "documentUrl": url, "document": response.json()}

    return load


def jsonld_nquads(body: bytes | str | Any, server_url: str) -> str:
    """N-Quads of a JSON-LD document (bytes, text or parsed), its remote context read from the server."""
    document = body if isinstance(body, dict | list) else json.loads(body)
    return jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": loader(server_url)})


def triples(body: bytes, ext: str, server_url: str) -> list[ox.Triple]:
    """The statements of a document in any of our RDF formats, graphs merged."""
    if ext == "jsonld":
        body = jsonld_nquads(body, server_url).encode()
        ext = "nq"
    return [q.triple if isinstance(q, ox.Quad) else q for q in ox.parse(body, format=OXIGRAPH[ext])]


def canonical(statements: list[ox.Triple]) -> set[ox.Quad]:
    """The statements with canonical blank-node labels: two graphs are isomorphic iff these sets are equal."""
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in statements)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)
