"""Fair share per client over real HTTP: a client that floods heavy queries gets 429 with Retry-After once its
time budget is used; another client's point queries are still answered. Clients are told apart by address
(127.0.0.1 and 127.0.0.2 are both this machine) or by a header a trusted proxy sets."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from urllib.parse import urlencode, urlsplit

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from service.config import Settings

from .conftest import Served, serve, stop

pytestmark = pytest.mark.slow

BASE = "https://data.groningen.nl"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
POINT = f"SELECT ?p ?o WHERE {{ <{BASE}/id/wijk/WK001400> ?p ?o }}"
DEADLINE = 2.0
#: Less than one heavy query's charge (at least the deadline): the first heavy query always runs, the next never.
#: A budget of a few deadlines would let the count before the 429 depend on how long spawning and killing took.
BUDGET = 1.5


@pytest.fixture(scope="module")
def budgeted(built: Settings) -> Iterator[Served]:
    env = {
        "OPENBAAR_QUERY_DEADLINE": str(DEADLINE),
        "OPENBAAR_CLIENT_TIME_BUDGET": str(BUDGET),
        "OPENBAAR_CLIENT_BUDGET_WINDOW": "600",
        "OPENBAAR_CLIENT_ADDRESS_HEADER": "X-Forwarded-For",
    }
    served = serve(built, workers=1, env=env)
    yield served
    stop(served)


def post_from(server: Served, source: str, query: str, headers: dict[str, str] | None = None) -> tuple[int, dict, str]:
    """POST a query from a given local source address; (status, headers, body)."""
    parts = urlsplit(server.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60, source_address=(source, 0))
    try:
        body = urlencode({"query": query})
        conn.request(
            "POST",
            "/sparql",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
                **(headers or {}),
            },
        )
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        conn.close()


def test_a_flooding_client_gets_429_and_the_other_client_is_answered(budgeted: Served) -> None:
    status, _, text = post_from(budgeted, "127.0.0.2", f"# flood 0\n{HEAVY}")
    assert status == 504, text  # a full budget: the heavy query runs, to the deadline
    status, headers, text = post_from(budgeted, "127.0.0.2", f"# flood 1\n{HEAVY}")
    assert status == 429 and int(headers["Retry-After"]) > 0 and "budget" in text, (status, text)
    for i in range(5):
        status, _, text = post_from(budgeted, "127.0.0.3", f"# point {i}\n{POINT}")
        assert status == 200 and json.loads(text)["results"]["bindings"], text
    # Still refused: the budget refills at 1.5 s per 600 s.
    assert post_from(budgeted, "127.0.0.2", POINT)[0] == 429


def test_a_trusted_proxy_header_names_the_client(budgeted: Served) -> None:
    flood = {"X-Forwarded-For": "203.0.113.9, 10.0.0.1, 198.51.100.7"}
    statuses = [post_from(budgeted, "127.0.0.4", f"# proxied {i}\n{HEAVY}", flood)[0] for i in range(3)]
    assert statuses == [504, 429, 429], statuses
    other = {"X-Forwarded-For": "203.0.113.9, 10.0.0.1, 198.51.100.8"}
    assert post_from(budgeted, "127.0.0.4", POINT, other)[0] == 200


def test_the_budget_is_in_the_service_description_and_metrics(budgeted: Served) -> None:
    import rdflib

    text = requests.get(budgeted.url + "/sparql", headers={"Accept": "text/turtle"}, timeout=30).text
    graph = rdflib.Graph().parse(data=text, format="turtle")
    budget = next(graph.objects(None, rdflib.URIRef(f"{BASE}/def/clientTimeBudget")))
    window = next(graph.objects(None, rdflib.URIRef(f"{BASE}/def/clientBudgetWindow")))
    assert (float(budget), float(window)) == (BUDGET, 600)  # type: ignore[arg-type]
    metrics = requests.get(budgeted.url + "/metrics", timeout=30).text
    families = {f.name: f for f in text_string_to_metric_families(metrics)}
    assert families["openbaar_sparql_client_budget_seconds"].samples[0].value == BUDGET
    assert families["openbaar_sparql_client_budget_window_seconds"].samples[0].value == 600
