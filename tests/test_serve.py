"""The served release over real HTTP, by gunicorn as `openbaar serve` runs it."""

from __future__ import annotations

import contextlib
import csv
import io
import signal
import socket
import threading
import time
from pathlib import Path

import pytest
import requests

from service.config import Settings
from service.serve import gunicorn_options

from .conftest import Served, serve

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


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid``: gunicorn workers and their query processes."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split() if (task / "children").exists() else []
        for child in map(int, children):
            found |= {child} | _descendants(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _describe(pid: int) -> str:
    """Command line, state and parent of a process, to say which one outlived the server."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return "gone"
    return f"{cmdline.strip()} (state {fields[0]}, parent {fields[1]})"


def test_sigterm_to_the_serve_pid_stops_all_serving_within_the_graceful_timeout(built: Settings) -> None:
    served = serve(built, workers=2)
    port = int(served.url.rsplit(":", 1)[1])
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"

    def busy() -> None:  # a request in flight when the signal comes
        with contextlib.suppress(requests.RequestException):
            requests.get(served.url + "/sparql", params={"query": endless}, timeout=60)

    thread = threading.Thread(target=busy, daemon=True)
    thread.start()
    time.sleep(1.5)
    family = _descendants(served.process.pid)
    assert family, "gunicorn workers and query processes run below the serve process"
    served.process.send_signal(signal.SIGTERM)
    grace = gunicorn_options("127.0.0.1", port, 2, built)["graceful_timeout"]
    try:
        served.process.wait(grace + 5)
    finally:
        if served.process.poll() is None:
            served.process.kill()
        if served.process.stderr is not None:
            served.process.stderr.close()
    survivors = {pid: _describe(pid) for pid in family if _alive(pid)}
    assert not survivors, f"processes of the server outlived it: {survivors}"
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0, "something still listens on the port"
