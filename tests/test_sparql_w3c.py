"""A subset of the W3C SPARQL 1.1 evaluation suite through /sparql, compared with Oxigraph's own answers.

tests/w3c holds the approved evaluation tests without named graphs of eleven folders of the suite
(see tests/w3c/LICENSE.md). Each test's data goes into a release of its own (one named graph, so the
union default graph is exactly the data); its query is sent over HTTP to the served release and the
answer compared with pyoxigraph's answer on an in-memory store holding the data in its default graph,
with the endpoint's public URL as base IRI for both. A query Oxigraph refuses must be refused (400).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import requests
from rdflib import RDF, Namespace

from service import store as stores
from service.config import Settings
from service.integrity import FILES_KEY, file_digests
from service.releases import MANIFEST, STORE_DIR, new_release_id, seal, switch_live

from .conftest import REPO, Served, serve, stop

pytestmark = pytest.mark.slow

SUITE = Path(__file__).resolve().parent / "w3c"
#: Where the W3C publishes these files: the base IRI of the data, as in the suite.
W3C_BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/"
ENDPOINT = "https://data.groningen.nl/sparql"
GRAPH = ox.NamedNode("https://data.groningen.nl/graph/w3c")
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
DAWGT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#")
NOT_APPROVED = (DAWGT.Withdrawn, DAWGT.Rejected, DAWGT.NotClassified)


def suite() -> list[tuple[str, Path, tuple[Path, ...]]]:
    """(name, query file, data files) of every approved evaluation test without named graphs."""
    found = []
    for manifest in sorted(SUITE.glob("*/manifest.ttl")):
        folder = manifest.parent
        base = f"{W3C_BASE}{folder.name}/"
        graph = rdflib.Graph().parse(manifest, format="turtle", publicID=base + "manifest.ttl")
        for test in graph.subjects(RDF.type, MF.QueryEvaluationTest):
            action = graph.value(test, MF.action)
            if graph.value(test, DAWGT.approval) in NOT_APPROVED or action is None:
                continue
            query = graph.value(action, QT.query)
            if query is None or graph.value(action, QT.graphData) is not None:
                continue
            data = tuple(sorted(folder / str(d)[len(base) :] for d in graph.objects(action, QT.data)))
            name = f"{folder.name}/{str(test).rsplit('#', 1)[-1]}"
            found.append((name, folder / str(query)[len(base) :], data))
    return sorted(found, key=lambda t: (t[2], t[0]))  # tests on the same data together: fewer releases


TESTS = suite()


def load(target: ox.Store, data: tuple[Path, ...], graph: ox.NamedNode | ox.DefaultGraph) -> None:
    for path in data:
        base = f"{W3C_BASE}{path.parent.name}/{path.name}"
        fmt = ox.RdfFormat.from_extension(path.suffix[1:])
        target.bulk_load(path=str(path), format=fmt, base_iri=base, to_graph=graph)


class Releases:
    """One release per data set, made the way a build leaves one: store, manifest with its files' digests, sealed."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.made: dict[tuple[Path, ...], str] = {}

    def live(self, data: tuple[Path, ...]) -> None:
        if data not in self.made:
            release_id = new_release_id()
            folder = self.settings.releases_dir / release_id
            folder.mkdir()
            store = stores.create_store(folder / STORE_DIR)
            load(store, data, GRAPH)
            counts = stores.graph_counts(store)
            store.flush()
            del store
            created = datetime.now(UTC).replace(microsecond=0).isoformat()
            manifest = {"id": release_id, "created": created, "graphs": counts, "datasets": {}}
            manifest[FILES_KEY] = file_digests(folder, MANIFEST)
            (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
            seal(folder)
            self.made[data] = release_id
        switch_live(self.settings, self.made[data])


@pytest.fixture(scope="module")
def w3c(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Releases]]:
    settings = Settings(project=REPO, home=tmp_path_factory.mktemp("w3c-home"))
    settings.releases_dir.mkdir(parents=True)
    releases = Releases(settings)
    releases.live(TESTS[0][2])
    served = serve(settings, workers=1)
    yield served, releases
    stop(served)


def _term(term: object) -> str:
    return "_:" if isinstance(term, ox.BlankNode) else str(term)


def solutions(result: ox.QuerySolutions) -> list[tuple[str, ...]]:
    """Rows as sorted text, blank nodes alike (their labels differ from store to store)."""
    names = [v.value for v in result.variables]
    return sorted(tuple(f"{n}={_term(row[n])}" for n in names if row[n] is not None) for row in result)


def canonical(triples: object) -> set[ox.Quad]:
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)  # type: ignore[attr-defined]
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


@pytest.mark.parametrize(("name", "query_file", "data"), TESTS, ids=[t[0] for t in TESTS])
def test_w3c_evaluation_matches_oxigraph(
    w3c: tuple[Served, Releases], name: str, query_file: Path, data: tuple[Path, ...]
) -> None:
    served, releases = w3c
    query = query_file.read_text(encoding="utf-8")
    reference = ox.Store()
    load(reference, data, ox.DefaultGraph())
    try:
        expected = reference.query(query, base_iri=ENDPOINT)
    except (SyntaxError, RuntimeError, ValueError):
        expected = None
    releases.live(data)
    graph_form = isinstance(expected, ox.QueryTriples)
    accept = "application/n-triples" if graph_form else "application/sparql-results+json"
    response = requests.post(
        served.url + "/sparql",
        data=query.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": accept},
        timeout=120,
    )
    if expected is None:
        assert response.status_code == 400, response.text
        return
    assert response.status_code == 200, response.text
    if graph_form:
        got = ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)
        assert canonical(got) == canonical(expected)
    elif isinstance(expected, ox.QueryBoolean):
        assert response.json()["boolean"] is bool(expected)
    else:
        got = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        assert solutions(got) == solutions(expected)  # type: ignore[arg-type]
