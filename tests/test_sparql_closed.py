"""/sparql fails closed: SERVICE decided by a real parse, query processes without network (as root and without
capabilities), engine errors as 400, deep chains and huge regular expressions refused before evaluation,
and the protocol details (relative IRIs, GET update, sd:endpoint)."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator

import pytest
import rdflib
import requests

from service.config import Settings

from .conftest import Served, serve, stop

pytestmark = pytest.mark.slow

BASE = "https://data.groningen.nl"
JSON = "application/sparql-results+json"
POINT = f"SELECT ?p ?o WHERE {{ <{BASE}/id/wijk/WK001400> ?p ?o }}"
#: Drops every capability (CAP_SYS_ADMIN among them) for the server and everything it starts.
NO_CAPS = ["setpriv", "--bounding-set=-all", "--inh-caps=-all", "--"]


class Listener:
    """A local TCP listener that records every connection made to it."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.accepted.append(self.socket.accept()[0])
            except TimeoutError:
                continue

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        for conn in self.accepted:
            conn.close()
        self.socket.close()


def bypasses(port: int) -> list[str]:
    """Texts a token scan read as comments: SERVICE later on the line went unseen."""
    target = f"<http://127.0.0.1:{port}/sparql>"
    return [
        f"PREFIX ex: <http://example.org/> SELECT * WHERE {{ ?s ex:a\\#b ?o . SERVICE {target} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s <http://a\\u0061#> ?o . SERVICE {target} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s <http://a\\u0061#> ?o . SERVICE SILENT {target} {{ ?s ?p ?o }} }}",
        f"PREFIX ex: <http://example.org/> SELECT * WHERE {{ BIND(ex:a\\#b AS ?x) SERVICE {target} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE {target} {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE {target} {{ ?s ?p ?o }} }}",
    ]


def served_with(settings: Settings, wrap: list[str] | None) -> Iterator[Served]:
    served = serve(settings, workers=1, wrap=wrap)
    yield served
    stop(served)


@pytest.fixture(scope="module", params=["root", "no-capabilities"])
def either(request: pytest.FixtureRequest, built: Settings) -> Iterator[Served]:
    if request.param == "no-capabilities" and shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is needed to drop capabilities")
    yield from served_with(built, NO_CAPS if request.param == "no-capabilities" else None)


def test_service_bypasses_are_refused_and_nothing_connects(either: Served) -> None:
    listener = Listener()
    try:
        for query in bypasses(listener.port):
            for send in (
                lambda q: requests.post(either.url + "/sparql", data={"query": q}, timeout=60),
                lambda q: requests.post(
                    either.url + "/sparql",
                    data=q.encode(),
                    headers={"Content-Type": "application/sparql-query"},
                    timeout=60,
                ),
            ):
                response = send(query)
                assert response.status_code == 400, (query, response.status_code, response.text)
    finally:
        listener.close()
    assert listener.accepted == []


def test_query_processes_are_isolated_and_readyz_says_how(either: Served) -> None:
    assert ask(either, POINT).status_code == 200  # the isolated process still reads the release
    ready = requests.get(either.url + "/readyz", timeout=10).json()
    assert ready["query_isolation"] in ("network namespace", "user and network namespace")


#: A user namespace that may not make further user namespaces, with every capability dropped inside it:
#: no way left to isolate the query processes.
NO_ISOLATION = [
    "unshare",
    "--user",
    "--map-root-user",
    "sh",
    "-c",
    'echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"',
    "sh",
    *NO_CAPS,
]


def test_without_any_isolation_readyz_and_the_log_say_so_and_the_parse_still_guards(built: Settings) -> None:
    if shutil.which("setpriv") is None or shutil.which("unshare") is None:
        pytest.skip("setpriv and unshare (util-linux) are needed")
    served = serve(built, workers=1, wrap=NO_ISOLATION)
    listener = Listener()
    try:
        assert ask(served, POINT).status_code == 200
        assert requests.get(served.url + "/readyz", timeout=10).json()["query_isolation"] == "none"
        for query in bypasses(listener.port):
            response = ask(served, query)
            assert response.status_code == 400, (query, response.text)
        served.process.terminate()
        served.process.wait(30)
        log = served.process.stderr.read().decode()  # type: ignore[union-attr]
    finally:
        listener.close()
        stop(served)
    assert listener.accepted == []
    assert "query processes cannot be isolated from the network" in log


def test_without_capabilities_a_query_process_still_has_no_network(built: Settings) -> None:
    """leave_network itself, in a process without CAP_SYS_ADMIN: it must fall back to a user namespace."""
    import subprocess
    import sys

    code = (
        "import socket, sys\n"
        "from service.query.worker import leave_network\n"
        "print(leave_network())\n"
        "try:\n    socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=2)\n"
        "except OSError:\n    print('isolated')\n"
    )
    listener = Listener()
    try:
        out = subprocess.run(
            [*NO_CAPS, sys.executable, "-c", code, str(listener.port)], capture_output=True, text=True, timeout=60
        )
    finally:
        listener.close()
    assert out.stdout.split("\n")[:2] == ["user and network namespace", "isolated"], out.stderr
    assert listener.accepted == []


def ask(server: Served, query: str, accept: str = JSON) -> requests.Response:
    return requests.post(server.url + "/sparql", data={"query": query}, headers={"Accept": accept}, timeout=120)


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("SELECT * WHERE { BIND(<http://x/f>(1) AS ?x) }", "http://x/f"),
        ("SELECT * WHERE { ?s ?p ?o FILTER(<http://example.org/nothing>(?o)) } LIMIT 1", "nothing"),
    ],
)
def test_an_unknown_function_is_400_with_the_engines_message(server: Served, query: str, words: str) -> None:
    response = ask(server, query)
    assert response.status_code == 400, response.text
    assert words in response.text and "Retry-After" not in response.headers
    assert ask(server, POINT).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { FILTER(" + " || ".join(["true"] * 20000) + ") }",
        "SELECT * WHERE { " + " UNION ".join(["{?s ?p ?o}"] * 10000) + " }",
        "SELECT * WHERE { ?s ?p ?o " + " ".join(["OPTIONAL {?s ?p ?o}"] * 10000) + " }",
        "SELECT * WHERE { ?s " + "/".join(["<urn:p>"] * 20000) + " ?o }",
    ],
    ids=["or", "union", "optional", "path"],
)
def test_deep_chains_are_refused_before_evaluation(server: Served, query: str) -> None:
    response = requests.post(
        server.url + "/sparql",
        data=query.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": JSON},
        timeout=120,
    )
    assert response.status_code == 400 and "chains" in response.text, (response.status_code, response.text[:200])
    assert ask(server, POINT).status_code == 200


@pytest.mark.parametrize(
    "pattern", ["x" * 100_000, "(((a{100}){100}){100})"], ids=["long", "compiles-beyond-the-limit"]
)
def test_huge_regular_expressions_are_refused_before_evaluation(server: Served, pattern: str) -> None:
    query = f'SELECT ?s WHERE {{ ?s ?p ?o FILTER(REGEX(STR(?o), "{pattern}")) }}'
    response = requests.post(
        server.url + "/sparql",
        data=query.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": JSON},
        timeout=120,
    )
    assert response.status_code == 400 and "REGEX pattern" in response.text, response.text[:200]


def test_relative_iris_resolve_against_the_public_endpoint(server: Served) -> None:
    response = ask(server, "CONSTRUCT { <s> <p> 1 } WHERE {}", "application/n-triples")
    assert response.status_code == 200, response.text
    graph = rdflib.Graph().parse(data=response.text, format="nt")
    assert (rdflib.URIRef(f"{BASE}/s"), rdflib.URIRef(f"{BASE}/p"), rdflib.Literal(1)) in graph


def test_get_update_is_refused_with_403(server: Served) -> None:
    response = requests.get(server.url + "/sparql", params={"update": "CLEAR ALL"}, timeout=30)
    assert response.status_code == 403 and "read-only" in response.text


def test_service_description_names_the_public_endpoint(server: Served) -> None:
    response = requests.get(server.url + "/sparql", headers={"Accept": "text/turtle"}, timeout=30)
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert set(graph.objects(None, sd.endpoint)) == {rdflib.URIRef(f"{BASE}/sparql")}


def evaluations(server: Served) -> dict[str, float]:
    """Queries evaluated so far, by the ``where`` label of openbaar_sparql_evaluations."""
    from prometheus_client.parser import text_string_to_metric_families

    text = requests.get(server.url + "/metrics", timeout=30).text
    families = [f for f in text_string_to_metric_families(text) if f.name == "openbaar_sparql_evaluations"]
    samples = families[0].samples if families else []  # absent until the first evaluation
    return {s.labels["where"]: s.value for s in samples if s.name.endswith("_total")}


def test_a_point_query_is_evaluated_in_a_query_process_not_in_the_server(server: Served) -> None:
    """No in-process fast path: the smallest query, too, runs behind the deadline, the parse and isolation."""
    before = evaluations(server)
    assert ask(server, f"# fresh {id(before)}\n{POINT}").status_code == 200
    after = evaluations(server)
    assert after.get("inline", 0) == before.get("inline", 0)
    assert after["process"] == before.get("process", 0) + 1
