"""Bounded queries answered in the server process say exactly what a query process says, in every format.

Each pair asks the same thing twice: once in a shape the fast path takes (one triple pattern, DESCRIBE of
an IRI), once wrapped so that it goes to a query process; /metrics shows which path answered.
"""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest
import requests

from service import formats

from .conftest import Served
from .test_sparql_limits import evaluations

pytestmark = pytest.mark.slow

WIJK = "<https://data.groningen.nl/id/wijk/WK001400>"
SELECTS = (f"SELECT ?p ?o WHERE {{ {WIJK} ?p ?o }}", f"SELECT ?p ?o WHERE {{ {{ {WIJK} ?p ?o }} }}")
GRAPHS = {
    "construct": (
        f"CONSTRUCT WHERE {{ {WIJK} ?p ?o }}",
        f"CONSTRUCT {{ {WIJK} ?p ?o }} WHERE {{ {{ {WIJK} ?p ?o }} }}",
    ),
    "describe": (f"DESCRIBE {WIJK}", f"DESCRIBE {WIJK} WHERE {{ }}"),
}
RESULT_PARSERS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


def ask(server: Served, query: str, media: str) -> requests.Response:
    # The comment makes each request new to the result cache without changing what it asks.
    response = requests.post(
        server.url + "/sparql", data={"query": f"# {media}\n{query}"}, headers={"Accept": media}, timeout=60
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith(media)
    return response


def both(server: Served, pair: tuple[str, str], media: str) -> tuple[bytes, bytes]:
    """The inline answer and the query process's answer, checking that each came from where it should."""
    start = evaluations(server)
    inline = ask(server, pair[0], media)
    middle = evaluations(server)
    pooled = ask(server, pair[1], media)
    end = evaluations(server)
    assert (middle["inline"] - start["inline"], middle["process"] - start["process"]) == (1, 0)
    assert (end["inline"] - middle["inline"], end["process"] - middle["process"]) == (0, 1)
    assert "X-Openbaar-Truncated" not in inline.headers and "X-Openbaar-Truncated" not in pooled.headers
    return inline.content, pooled.content


@pytest.mark.parametrize("media", [f.media_type for f in formats.RESULTS])
def test_select_answers_are_the_same_in_every_format(server: Served, media: str) -> None:
    inline, pooled = both(server, SELECTS, media)
    if media == "text/csv":
        rows = [sorted(csv.reader(io.StringIO(body.decode()))) for body in (inline, pooled)]
    else:
        parsed = [ox.parse_query_results(body, format=RESULT_PARSERS[media]) for body in (inline, pooled)]
        rows = [sorted(tuple(str(row[v]) for v in result.variables) for row in result) for result in parsed]
    assert rows[0] == rows[1] and len(rows[0]) >= 5


@pytest.mark.parametrize("form", list(GRAPHS))
@pytest.mark.parametrize("media", [f.media_type for f in formats.RDF])
def test_graph_answers_are_the_same_in_every_format(server: Served, form: str, media: str) -> None:
    inline, pooled = both(server, GRAPHS[form], media)
    graphs = [ox.Dataset(ox.parse(body, format=ox.RdfFormat.from_media_type(media))) for body in (inline, pooled)]
    for graph in graphs:
        graph.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    assert set(graphs[0]) == set(graphs[1]) and len(graphs[0]) >= 5


def test_protocol_graph_parameters_take_the_query_to_a_process(server: Served) -> None:
    """The fast path only knows the union default graph; named datasets stay with the query processes."""
    before = evaluations(server)
    response = requests.get(
        server.url + "/sparql",
        params={"query": SELECTS[0] + " # graphs", "default-graph-uri": "https://data.groningen.nl/graph/wijken"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    after = evaluations(server)
    assert response.status_code == 200
    assert (after["inline"] - before["inline"], after["process"] - before["process"]) == (0, 1)
