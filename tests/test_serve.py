"""The served release over real HTTP, by gunicorn as `openbaar serve` runs it."""

from __future__ import annotations

import csv
import io

import pytest
import requests

from .conftest import Served

pytestmark = pytest.mark.slow  # builds releases or starts servers

COUNT_TREES = """PREFIX def: <https://data.groningen.nl/def/>
SELECT (COUNT(?b) AS ?n) WHERE { ?b a def:Boom }"""


def test_health_and_readiness(server: Served) -> None:
    assert requests.get(server.url + "/healthz", timeout=5).json() == {"status": "ok"}
    ready = requests.get(server.url + "/readyz", timeout=5).json()
    assert ready["status"] == "ready" and ready["release"]


@pytest.mark.parametrize("method", ["get", "form", "direct"])
def test_query_by_every_protocol_binding(server: Served, method: str) -> None:
    accept = {"Accept": "application/sparql-results+json"}
    if method == "get":
        r = requests.get(server.url + "/sparql", params={"query": COUNT_TREES}, headers=accept, timeout=30)
    elif method == "form":
        r = requests.post(server.url + "/sparql", data={"query": COUNT_TREES}, headers=accept, timeout=30)
    else:
        r = requests.post(
            server.url + "/sparql",
            data=COUNT_TREES.encode(),
            timeout=30,
            headers={**accept, "Content-Type": "application/sparql-query"},
        )
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/sparql-results+json")
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) > 1000


def test_csv_results_parse(server: Served) -> None:
    r = requests.get(server.url + "/sparql", params={"query": COUNT_TREES}, headers={"Accept": "text/csv"}, timeout=30)
    assert r.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert int(rows[0]["n"]) > 1000


def test_construct_gives_turtle(server: Served) -> None:
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <https://data.groningen.nl/def/Wijk> ; ?p ?o } LIMIT 20"
    r = requests.get(server.url + "/sparql", params={"query": query}, headers={"Accept": "text/turtle"}, timeout=30)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/turtle")
    assert "<https://data.groningen.nl/def/Wijk>" in r.text


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { service silent <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * WHERE { ?x ?y ?z . SERVICE ?x { ?s ?p ?o } }",
    ],
)
def test_federation_is_refused_before_evaluation(server: Served, query: str) -> None:
    r = requests.get(server.url + "/sparql", params={"query": query}, timeout=30)
    assert r.status_code == 400
    assert "SERVICE" in r.text


def test_the_word_service_inside_a_string_is_fine(server: Served) -> None:
    query = 'SELECT ("SERVICE" AS ?x) WHERE {}'
    r = requests.get(
        server.url + "/sparql",
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert r.status_code == 200


@pytest.mark.parametrize(
    "query", ["INSERT DATA { <urn:a> <urn:b> <urn:c> }", "SELECT * WHERE { ?s ?p }", "", "DROP ALL"]
)
def test_updates_and_malformed_queries_are_400(server: Served, query: str) -> None:
    r = requests.post(server.url + "/sparql", data={"query": query}, timeout=30)
    assert r.status_code == 400
    assert r.text.strip()
