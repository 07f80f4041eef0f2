"""The describer over a remote engine reads what it reads over the store, blank nodes included.

The bundled data has no blank nodes, so a small store made here holds them: a resource with a blank-node
closure two levels deep in two graphs, a blank-node cycle, and siblings reached by the same property.
A real ``oxigraph serve-read-only`` serves that store; both describers must give the same quads.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from service.describe import Describer
from service.errors import EngineDeadline, EngineUnavailable
from service.remote_store import RemoteStore

from .conftest import free_port
from .support.remote import start_oxigraph, stop_oxigraph

pytestmark = pytest.mark.slow

EX = "https://data.groningen.nl/"
ADDRESS, STREET, PART, NEXT = (ox.NamedNode(EX + "def/" + n) for n in ("adres", "straat", "deel", "volgende"))
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def _store(path: Path) -> None:
    store = ox.Store(str(path))
    thing, other = ox.NamedNode(EX + "id/ding/1"), ox.NamedNode(EX + "id/ding/2")
    first, second = ox.NamedNode(EX + "graph/een"), ox.NamedNode(EX + "graph/twee")
    home, work, street, loop_a, loop_b = (ox.BlankNode() for _ in range(5))
    store.extend(
        [
            ox.Quad(thing, LABEL, ox.Literal("ding", language="nl"), first),
            ox.Quad(thing, ADDRESS, home, first),
            ox.Quad(thing, ADDRESS, work, second),  # a sibling reached by the same property
            ox.Quad(home, STREET, street, first),
            ox.Quad(street, LABEL, ox.Literal("Grote Markt"), first),
            ox.Quad(street, PART, ox.Literal("1"), second),  # the deeper node's statements in another graph
            ox.Quad(work, LABEL, ox.Literal("werk"), second),
            ox.Quad(thing, PART, loop_a, first),
            ox.Quad(loop_a, NEXT, loop_b, first),
            ox.Quad(loop_b, NEXT, loop_a, first),  # a cycle of blank nodes
            ox.Quad(other, ADDRESS, thing, first),
            ox.Quad(other, LABEL, ox.Literal("ander ding", language="nl")),  # in the default graph
        ]
    )
    store.flush()


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ox.Store, str, object]]:
    path = tmp_path_factory.mktemp("blank") / "store"
    _store(path)
    port = free_port()
    process = start_oxigraph(path, port, 10)
    yield ox.Store.read_only(str(path)), f"http://127.0.0.1:{port}/query", process
    stop_oxigraph(process)  # type: ignore[arg-type]


def test_blank_node_closures_and_labels_are_the_same(engine: tuple[ox.Store, str, object]) -> None:
    store, endpoint, _ = engine
    local, remote = Describer(store), Describer(RemoteStore(endpoint, 10))
    for iri in (EX + "id/ding/1", EX + "id/ding/2"):
        here, there = local.describe(iri), remote.describe(iri)
        assert here is not None and there is not None and here.exists
        assert list(there.quads()) == list(here.quads()), iri
        assert there.labels == here.labels
    closure = local.describe(EX + "id/ding/1").closure  # type: ignore[union-attr]
    assert {q.predicate for q in closure} == {STREET, LABEL, PART, NEXT}, "the test data reaches two levels deep"
    assert remote.known(EX + "id/ding/2") and not remote.known(EX + "id/ding/3")


def test_bound_terms_are_iris_only_and_never_text(engine: tuple[ox.Store, str, object]) -> None:
    """What would be pasted is a validated NamedNode, written in its N-Triples form; anything else is refused."""
    _, endpoint, _ = engine
    remote = RemoteStore(endpoint, 10)
    with pytest.raises(TypeError):
        list(remote.quads_for_pattern(None, None, ox.Literal('"} UNION { ?s ?p ?o'), None))
    with pytest.raises(TypeError):
        remote.query("SELECT ?s WHERE { ?s ?p ?o }", substitutions={ox.Variable("s"): "<x> } UNION {"})  # type: ignore[dict-item]
    for hostile in ("https://x/a> ?p ?o } #", "https://x/a }", "https://x/a b"):
        with pytest.raises(ValueError):
            ox.NamedNode(hostile)
    encoded = ox.NamedNode("https://x/a%3E%20%7D")
    assert list(remote.quads_for_pattern(encoded, None, None, None)) == []


def test_a_stopped_or_frozen_engine_raises_503_and_504(engine: tuple[ox.Store, str, object]) -> None:
    _, endpoint, process = engine
    closed = RemoteStore(f"http://127.0.0.1:{free_port()}/query", 10)
    with pytest.raises(EngineUnavailable) as down:
        list(closed.quads_for_pattern(ox.NamedNode(EX + "id/ding/1"), None, None, None))
    assert down.value.status == 503 and "does not answer" in str(down.value)
    process.send_signal(signal.SIGSTOP)  # type: ignore[attr-defined]
    try:
        with pytest.raises(EngineDeadline) as slow:
            list(RemoteStore(endpoint, 1).quads_for_pattern(ox.NamedNode(EX + "id/ding/1"), None, None, None))
        assert slow.value.status == 504 and "within 1 s" in str(slow.value)
    finally:
        process.send_signal(signal.SIGCONT)  # type: ignore[attr-defined]
