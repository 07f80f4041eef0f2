"""/id/ and /doc/ answered by a remote SPARQL engine (a real ``oxigraph serve-read-only`` on loopback).

The engine serves a copy of the live release's store with one resource more than the release: that
resource is found only by asking the engine, so the documents are known to come from it. Every other
document must be what the embedded store serves: the same graph in every format, the same status, the
same validators. The linked-data HTTP tests of the embedded store run here again, unchanged.
"""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from service.config import Settings

from .conftest import Served, free_port, remote_served, serve, stop
from .support.rdf import OXIGRAPH, jsonld_inline
from .support.remote import start_oxigraph, stop_oxigraph
from .test_linked_http import *  # noqa: F403 - every linked-data HTTP test, collected again here

pytestmark = pytest.mark.slow

BASE = "https://data.groningen.nl"
#: Known only to the engine's copy of the store, never to the release the server has open.
ENGINE_ONLY = "boom/alleen-in-de-engine"
ENGINE_ONLY_LABEL = "alleen bekend bij de SPARQL-engine"
RESOURCES = (
    "/doc/boom/100008",
    "/doc/buurt/BU00140106",  # paged: its incoming links have hydra page links
    "/doc/bevolking/BU00140304/2021/65%2B",  # a reference the mapper percent-encodes
    "/doc/dataset/bomen",
    "/doc/distributie/cameratoezicht-dump-nt",
    "/def/Boom",
)
EXTENSIONS = ("ttl", "nt", "rdf", "jsonld", "trig", "nq")
#: The media type an error is said in, by the end of the path (an extension, or a page).
SAID_IN = {
    "ttl": "text/turtle",
    **dict.fromkeys(("/doc/boom/100008", "/id/boom/100008", "/doc/dataset/bomen"), "text/html"),
}
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
#: Turns the engine's copy of the store and the live release apart, if they were ever taken for each other.
NO_DOC_CACHE = {"OPENBAAR_DOC_CACHE_BYTES": "0"}


@pytest.fixture(scope="module")
def engine_store(built: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the live store with one more tree, which only the engine can know about."""
    from service.releases import live_release

    release = live_release(built)
    assert release is not None
    copy = tmp_path_factory.mktemp("engine") / "store"
    shutil.copytree(release.store_path, copy)
    for root, dirs, files in os.walk(copy):  # the release's files are read-only
        for name in dirs + files:
            os.chmod(os.path.join(root, name), 0o700)
    store = ox.Store(str(copy))
    tree = ox.NamedNode(f"{BASE}/id/{ENGINE_ONLY}")
    graph = ox.NamedNode(f"{BASE}/graph/bomen")
    store.add(
        ox.Quad(
            tree,
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
            ox.Literal(ENGINE_ONLY_LABEL, language="nl"),
            graph,
        )
    )
    store.flush()
    del store
    return copy


@pytest.fixture(scope="module")
def server(built: Settings, engine_store: Path) -> Iterator[Served]:
    """Documents and /sparql from the engine; no document cache, so every request asks the engine."""
    with remote_served(built, env=NO_DOC_CACHE, store=engine_store) as served:
        yield served


@pytest.fixture(scope="module")
def embedded(built: Settings) -> Iterator[Served]:
    served = serve(built, env=NO_DOC_CACHE)
    yield served
    stop(served)


def fetch(served: Served, path: str, **headers: str) -> requests.Response:
    sent = {"Host": "openbaar.test", **headers}
    return requests.get(served.url + path, headers=sent, allow_redirects=False, timeout=60)


def dataset(body: bytes, ext: str, server_url: str) -> set[ox.Quad]:
    """The document's statements with canonical blank-node labels (graphs kept in quad formats)."""
    if ext == "jsonld":
        body = jsonld_inline(body, server_url)
    quads = ox.Dataset(ox.parse(body, format=OXIGRAPH[ext]))
    quads.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(quads)


def test_documents_come_from_the_engine(server: Served, embedded: Served) -> None:
    """The tree only the engine knows: found, labelled and redirected to on the remote server only."""
    for ext in EXTENSIONS:
        remote = fetch(server, f"/doc/{ENGINE_ONLY}.{ext}")
        assert remote.status_code == 200, (ext, remote.text[:300])
        assert ENGINE_ONLY_LABEL in remote.text
        assert fetch(embedded, f"/doc/{ENGINE_ONLY}.{ext}").status_code == 404
    page = fetch(server, f"/doc/{ENGINE_ONLY}", Accept="text/html")
    assert page.status_code == 200 and ENGINE_ONLY_LABEL in page.text
    moved = fetch(server, f"/id/{ENGINE_ONLY}", Accept="text/turtle")
    assert moved.status_code == 303 and moved.headers["Location"].endswith(f"/doc/{ENGINE_ONLY}.ttl")
    assert fetch(embedded, f"/id/{ENGINE_ONLY}").status_code == 404


@pytest.mark.parametrize("path", RESOURCES)
def test_every_format_is_the_embedded_stores_document(server: Served, embedded: Served, path: str) -> None:
    for ext in EXTENSIONS:
        remote, local = fetch(server, f"{path}.{ext}"), fetch(embedded, f"{path}.{ext}")
        assert remote.status_code == local.status_code == 200, (path, ext, remote.status_code, remote.text[:300])
        assert dataset(remote.content, ext, server.url) == dataset(local.content, ext, embedded.url), (path, ext)
        # Oxigraph's server reads the statements in the store's order: the very same bytes, so the same ETag.
        assert remote.content == local.content and remote.headers["ETag"] == local.headers["ETag"], (path, ext)
        for name in ("Content-Type", "Link", "Content-Location", "Last-Modified", "Vary", "Content-Security-Policy"):
            assert remote.headers.get(name) == local.headers.get(name), (path, ext, name)
        again = fetch(server, f"{path}.{ext}", **{"If-None-Match": remote.headers["ETag"]})
        assert again.status_code == 304 and again.headers["ETag"] == remote.headers["ETag"], (path, ext)
        assert fetch(server, f"{path}.{ext}").headers["ETag"] == remote.headers["ETag"], (
            "the same document, the same ETag"
        )
    page, local_page = fetch(server, path, Accept="text/html"), fetch(embedded, path, Accept="text/html")
    assert page.status_code == local_page.status_code == 200
    assert page.text == local_page.text.replace(embedded.url, server.url)


def test_pages_of_links_are_the_embedded_stores(server: Served, embedded: Served) -> None:
    link = "?in=https%3A%2F%2Fdata.groningen.nl%2Fdef%2FligtInBuurt&page=2"
    for ext in ("nt", "trig"):
        remote, local = (
            fetch(server, f"/doc/buurt/BU00140106.{ext}{link}"),
            fetch(embedded, f"/doc/buurt/BU00140106.{ext}{link}"),
        )
        assert remote.status_code == local.status_code == 200
        assert dataset(remote.content, ext, server.url) == dataset(local.content, ext, embedded.url)


@pytest.mark.parametrize(
    "path",
    [
        "/doc/boom/100008%3E%20%3Fp%20%3Fo%20%7D%20%23.ttl",
        "/doc/boom/100008> ?p ?o } #.ttl",
        "/doc/boom/x%7D%20UNION%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D.nt",
        "/doc/boom/1 } UNION { ?s ?p ?o.nt",
        "/id/boom/100008%3E%20%3Fp%20%3Fo",
        "/id/boom/%22%20%3E%20%7D",
        "/def/Boom%3E%20%7D%20UNION%20%7B.ttl",
        "/doc/boom/100008.ttl?in=%3E%20%7D%20UNION%20%7B&page=1",
        "/doc/boom/100008.ttl?out=http%3A%2F%2Fx%2F%3E%20%7D&page=2",
        "/doc/boom/%253E%257D.ttl",
    ],
)
def test_hostile_iris_are_not_found_and_never_reach_the_engine_as_query_text(
    server: Served, embedded: Served, path: str
) -> None:
    """A path that would end an IRI and open a pattern if it were pasted into query text: 404 (or 400)."""
    remote, local = fetch(server, path), fetch(embedded, path)
    assert remote.status_code == local.status_code, (path, remote.status_code, remote.text[:300])
    paging = "?in=" in path or "?out=" in path
    assert remote.status_code in (400, 404) or (remote.status_code == 200 and paging), remote.status_code
    if remote.status_code == 200:  # a page of a property that does not exist: the document, without that page
        assert dataset(remote.content, "ttl", server.url) == dataset(local.content, "ttl", embedded.url)


def test_unknown_resources_are_404_in_every_format(server: Served) -> None:
    for ext in EXTENSIONS:
        assert fetch(server, f"/doc/boom/bestaat-niet.{ext}").status_code == 404
    assert fetch(server, "/doc/boom/bestaat-niet", Accept="text/html").status_code == 404
    assert fetch(server, "/id/boom/bestaat-niet").status_code == 404
    assert fetch(server, "/def/BestaatNiet.ttl").status_code == 404


def test_a_slow_or_stopped_engine_is_504_or_503_never_500(built: Settings) -> None:
    """A frozen engine (SIGSTOP: it accepts, never answers) runs into the deadline; a stopped one is 503."""
    from service.releases import live_release

    release = live_release(built)
    assert release is not None
    port = free_port()
    engine = start_oxigraph(release.store_path, port, 0)
    env = {"OPENBAAR_SPARQL_ENDPOINT": f"http://127.0.0.1:{port}/query", "OPENBAAR_QUERY_DEADLINE": "2", **NO_DOC_CACHE}
    served = serve(built, workers=1, env=env)
    paths = ("/doc/boom/100008.ttl", "/doc/boom/100008", "/id/boom/100008", "/def/Boom.ttl", "/doc/dataset/bomen")
    try:
        # The engine answers (another tree: a server process keeps its last descriptions of a release, so a
        # resource read now would be answered from memory below instead of by the engine).
        assert fetch(served, "/doc/boom/100013.ttl").status_code == 200
        os.kill(engine.pid, signal.SIGSTOP)
        try:
            for path in paths[:2]:
                slow = fetch(served, path)
                assert slow.status_code == 504, (path, slow.status_code, slow.text[:300])
                assert "SPARQL engine" in slow.text and "Traceback" not in slow.text
                assert slow.headers["Content-Type"].startswith(SAID_IN[path.rsplit(".", 1)[-1]])
        finally:
            os.kill(engine.pid, signal.SIGCONT)
        stop_oxigraph(engine)
        for path in paths:
            down = fetch(served, path)
            assert down.status_code == 503, (path, down.status_code, down.text[:300])
            assert "SPARQL engine" in down.text and int(down.headers["Retry-After"]) > 0
            assert down.headers["X-Content-Type-Options"] == "nosniff"
            # Said in the format asked for, as every other error of these routes (an RDF client reads a status).
            assert down.headers["Content-Type"].startswith(SAID_IN[path.rsplit(".", 1)[-1]]), path
        status = ox.Dataset(ox.parse(fetch(served, paths[0]).content, format=ox.RdfFormat.TURTLE))
        assert ox.Literal("503", datatype=ox.NamedNode(XSD_INTEGER)) in {q.object for q in status}
        assert requests.get(served.url + "/readyz", timeout=30).status_code == 200
    finally:
        stop(served)
        stop_oxigraph(engine)
