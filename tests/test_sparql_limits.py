"""Limits of /sparql over real HTTP: deadline, row cap, concurrency, request size, killed query processes,
nesting, and a new release emptying the result cache.

One gunicorn worker with tight settings (2 s deadline, 50 rows, 2 queries at once) on a private home,
so that a test may build a second release.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import psutil
import pytest
import rdflib
import requests

from service.config import Settings
from service.publishing import build
from service.query.pool import DEMOTE_AFTER, LOW_PRIORITY
from tests.support.metrics import evaluating, metric, until, wait_for

from .conftest import REPO, Served, serve, stop

pytestmark = pytest.mark.slow

BASE = "https://data.groningen.nl"
DEADLINE = 2.0
ROWS = 50
JSON = "application/sparql-results+json"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
POINT = f"SELECT ?p ?o WHERE {{ <{BASE}/id/wijk/WK001400> ?p ?o }}"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(project=REPO, home=tmp_path_factory.mktemp("limits-home"), inference=False)
    build(settings)
    return settings


#: The tight settings of the limit tests' server.
TIGHT = {
    "OPENBAAR_QUERY_DEADLINE": str(DEADLINE),
    "OPENBAAR_RESULT_ROW_LIMIT": str(ROWS),
    "OPENBAAR_QUERY_CONCURRENCY": "2",
    # As many warm query processes as slots: a test of two queries at once waits for both to be ready.
    "OPENBAAR_QUERY_WORKERS": "2",
    "OPENBAAR_MAX_REQUEST_BYTES": "4096",
}


@pytest.fixture(scope="module")
def tight(home: Settings) -> Iterator[Served]:
    served = serve(home, workers=1, env=TIGHT)
    yield served
    stop(served)


def post(server: Served, query: str, accept: str = JSON, timeout: float = 60) -> requests.Response:
    return requests.post(server.url + "/sparql", data={"query": query}, headers={"Accept": accept}, timeout=timeout)


def query_processes(server: Served) -> list[psutil.Process]:
    return [
        p
        for p in psutil.Process(server.process.pid).children(recursive=True)
        if "service.query.worker" in " ".join(p.cmdline())
    ]


def test_deadline_stops_the_query_and_others_keep_being_answered(tight: Served) -> None:
    timeouts = metric(tight.url, "openbaar_sparql_timeouts")
    with ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        slow = pool.submit(post, tight, CARTESIAN)
        wait_for(tight.url, "openbaar_sparql_running", 1)
        during = post(tight, POINT)
        response = slow.result()
        elapsed = time.monotonic() - started
    assert during.status_code == 200 and during.json()["results"]["bindings"]
    assert response.status_code == 504 and response.headers["Content-Type"].startswith("text/plain")
    assert "2 s limit" in response.text
    assert elapsed < DEADLINE + 8  # the deadline plus process replacement slack, never the query's own time
    after = post(tight, POINT + " LIMIT 3")
    assert after.status_code == 200 and len(after.json()["results"]["bindings"]) == 3
    assert metric(tight.url, "openbaar_sparql_timeouts") == timeouts + 1


#: Shapes other than a join that run away, each far past the deadline on this data whatever the machine's load.
RUNAWAY = {
    # Every node's closure over any predicate: about a million pairs, a minute or more of evaluation.
    "path": "SELECT (COUNT(*) AS ?n) { ?s (<urn:p>|!<urn:p>)* ?o }",
    # A sort has no first row before it has them all: here the square of the store's 120,000 triples.
    # (Over the store alone it takes about a second, too close to the deadline to have one right outcome.)
    "random-order": "SELECT * { ?s ?p ?o . ?a ?b ?c } ORDER BY RAND()",
}


@pytest.mark.parametrize("query", RUNAWAY.values(), ids=RUNAWAY.keys())
def test_other_runaway_shapes_end_at_the_deadline(tight: Served, query: str) -> None:
    timeouts = metric(tight.url, "openbaar_sparql_timeouts")
    response = post(tight, query)
    assert response.status_code == 504 and "2 s limit" in response.text
    assert metric(tight.url, "openbaar_sparql_timeouts") == timeouts + 1


def test_the_same_shapes_over_one_resource_are_answered_in_full(tight: Served, home: Settings) -> None:
    """The deadline stops what runs long, not a shape: a path closure and a random order from one wijk."""
    import pyoxigraph as ox

    from service.releases import live_release

    wijk = ox.NamedNode(f"{BASE}/id/wijk/WK001400")
    release = live_release(home)
    assert release is not None
    store = ox.Store.read_only(str(release.store_path))
    direct = len(list(store.quads_for_pattern(wijk, None, None, None)))
    reachable, todo = {wijk}, [wijk]  # the path's answer, walked over the store's quads (all graphs)
    while todo:
        for quad in store.quads_for_pattern(todo.pop(), None, None, None):
            if quad.object not in reachable:
                reachable.add(quad.object)
                todo += [] if isinstance(quad.object, ox.Literal) else [quad.object]
    del store
    closure = post(tight, f"SELECT (COUNT(*) AS ?n) {{ <{wijk.value}> (<urn:p>|!<urn:p>)* ?o }}")
    assert closure.status_code == 200
    assert closure.json()["results"]["bindings"][0]["n"]["value"] == str(len(reachable))
    shuffled, plain = post(tight, POINT + " ORDER BY RAND()"), post(tight, POINT)
    assert shuffled.status_code == 200 and "truncated" not in shuffled.json()

    def rows(response: requests.Response) -> list[str]:
        return sorted(repr(sorted(b.items())) for b in response.json()["results"]["bindings"])

    assert rows(shuffled) == rows(plain) and len(rows(plain)) == direct < ROWS


def test_row_cap_json_is_valid_and_says_so(tight: Served) -> None:
    response = post(tight, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    body = response.json()
    assert response.status_code == 200
    assert len(body["results"]["bindings"]) == ROWS
    assert body["truncated"] is True and body["rowLimit"] == ROWS
    assert response.headers["X-Openbaar-Truncated"] == str(ROWS)


@pytest.mark.parametrize("accept", ["text/csv", "text/tab-separated-values", "application/sparql-results+xml"])
def test_row_cap_in_other_result_formats(tight: Served, accept: str) -> None:
    response = post(tight, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", accept)
    assert response.headers["X-Openbaar-Truncated"] == str(ROWS)
    if accept == "text/csv":
        assert len(list(csv.DictReader(io.StringIO(response.text)))) == ROWS
    elif accept == "text/tab-separated-values":
        assert len(response.text.splitlines()) == ROWS + 1
    else:
        import xml.etree.ElementTree as ET

        results = ET.fromstring(response.content).iter("{http://www.w3.org/2005/sparql-results#}result")
        assert len(list(results)) == ROWS


def test_row_cap_on_graph_results(tight: Served) -> None:
    response = post(tight, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "text/turtle")
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    assert len(graph) == ROWS and response.headers["X-Openbaar-Truncated"] == str(ROWS)


def test_no_signal_below_the_cap(tight: Served) -> None:
    response = post(tight, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 10")
    assert "X-Openbaar-Truncated" not in response.headers and "truncated" not in response.json()


def test_concurrency_limit_answers_the_excess_with_503(tight: Served) -> None:
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: post(tight, CARTESIAN), range(4)))
    statuses = sorted(a.status_code for a in answers)
    busy = [a for a in answers if a.status_code == 503]
    assert statuses == [503, 503, 504, 504]  # two slots: two runaways meet the deadline, two are turned away
    assert all(int(a.headers["Retry-After"]) > 0 and "busy" in a.text for a in busy)
    assert post(tight, POINT).status_code == 200


@pytest.mark.parametrize(
    "send",
    [
        lambda url, q: requests.post(url, data={"query": q}, timeout=30),
        lambda url, q: requests.post(
            url, data=q.encode(), headers={"Content-Type": "application/sparql-query"}, timeout=30
        ),
        lambda url, q: requests.get(url, params={"query": q}, timeout=30),
    ],
)
def test_request_size_limit_is_413(tight: Served, send) -> None:  # type: ignore[no-untyped-def]
    query = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 5000
    response = send(tight.url + "/sparql", query)
    assert response.status_code == 413 and "4096" in response.text


def test_a_url_beyond_what_the_server_reads_is_414(tight: Served) -> None:
    response = requests.get(tight.url + "/sparql", params={"query": "ASK {} #" + "x" * 9000}, timeout=30)
    assert response.status_code == 414


@pytest.mark.parametrize(
    "shape", ["{" * 1000 + "}" * 1000, "FILTER(" + "(" * 1000 + "1" + ")" * 1000 + ")"], ids=["braces", "parentheses"]
)
def test_deep_nesting_is_refused_before_it_can_crash_a_process(tight: Served, shape: str) -> None:
    response = requests.post(
        tight.url + "/sparql",
        data=f"SELECT * WHERE {{ {shape} }}",
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert response.status_code == 400 and "nests" in response.text
    assert post(tight, POINT).status_code == 200


def test_metrics_name_each_evaluating_query_process(tight: Served) -> None:
    """Operators (and these tests) see which query process evaluates, since when and at what priority;
    its series ends with the evaluation, so pids of ended processes never pile up."""
    until(lambda: metric(tight.url, "openbaar_sparql_query_processes", state="idle") >= 2, what="two idle")
    assert evaluating(tight.url) == {}
    with ThreadPoolExecutor(1) as pool:
        given = time.time()
        slow = pool.submit(post, tight, CARTESIAN + " # watched")
        seen = until(lambda: evaluating(tight.url), what="an evaluating query process")
        assert metric(tight.url, "openbaar_sparql_query_processes", state="evaluating") == 1
        ((pid, (since, nice)),) = seen.items()
        assert pid in {p.pid for p in query_processes(tight)} and given - 1 <= since <= time.time()
        assert nice == 0  # alone: nobody of ours to make way for
        assert slow.result().status_code == 504
    assert evaluating(tight.url) == {}
    assert pid not in {p.pid for p in query_processes(tight)}  # killed at the deadline
    text = requests.get(tight.url + "/metrics", timeout=10).text
    assert f'query_process="{pid}"' not in text


def test_killed_query_processes_and_server_workers_are_replaced(home: Settings) -> None:
    """A query process killed mid-query: that request gets 503, later ones succeed; a killed server worker
    takes its query processes with it, and gunicorn's replacement answers."""
    served = serve(home, workers=1, env={"OPENBAAR_QUERY_WORKERS": "2"})
    try:
        with ThreadPoolExecutor(1) as pool:
            slow = pool.submit(post, served, CARTESIAN)
            victims = until(lambda: evaluating(served.url), what="a query process evaluating the slow query")
            assert len(victims) == 1
            (victim,) = victims
            os.kill(victim, signal.SIGKILL)
            lost = slow.result()
        assert lost.status_code == 503 and int(lost.headers["Retry-After"]) > 0
        for _ in range(3):
            assert post(served, POINT).status_code == 200
        assert victim not in {p.pid for p in query_processes(served)}

        def replaced() -> list[psutil.Process]:
            """Every query process of the worker is up and posted (the victim's replacement included)."""
            children = query_processes(served)
            total = metric(served.url, "openbaar_sparql_query_processes")
            return children if len(children) >= 2 and total == len(children) else []

        children = until(replaced, what="the replaced query processes")
        worker = psutil.Process(served.process.pid).children()[0]
        worker.send_signal(signal.SIGKILL)
        _, alive = psutil.wait_procs(children, timeout=10)
        assert not alive
        deadline = time.monotonic() + 30  # gunicorn starts a new worker, with its own query processes
        while time.monotonic() < deadline:
            try:
                if post(served, POINT, timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        assert post(served, POINT).status_code == 200
        # The killed worker's query processes are no longer counted; the new worker's are.
        until(lambda: metric(served.url, "openbaar_sparql_query_processes") == len(query_processes(served)) >= 2)
    finally:
        stop(served)


def test_a_new_release_empties_the_cache(tight: Served, home: Settings) -> None:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s a <{BASE}/def/Boom> }}"
    first, second = post(tight, query), post(tight, query)
    assert (first.headers["X-Openbaar-Cache"], second.headers["X-Openbaar-Cache"]) == ("miss", "hit")
    build(home)
    third = post(tight, query)
    assert third.headers["X-Openbaar-Cache"] == "miss"
    assert third.headers["X-Openbaar-Release"] != first.headers["X-Openbaar-Release"]
    assert third.headers["ETag"] != first.headers["ETag"]
    assert third.json() == first.json()


def test_long_queries_make_way_only_for_other_queries(tight: Served) -> None:
    """A heavy query alone keeps normal CPU priority; with another in flight, both are lowered (nice 19)."""

    def ran_a_while() -> dict[int, tuple[float, int]]:
        """The evaluating query processes once one has run three times as long as the lowering waits."""
        seen = evaluating(tight.url)
        return seen if any(time.time() - since > 3 * DEMOTE_AFTER for since, _ in seen.values()) else {}

    until(lambda: metric(tight.url, "openbaar_sparql_query_processes", state="idle") >= 2, what="two idle")
    with ThreadPoolExecutor(2) as pool:
        alone = pool.submit(post, tight, CARTESIAN + " # alone")
        seen_alone = [nice for _, nice in until(ran_a_while, what="a long query alone").values()]
        assert alone.result().status_code == 504
    until(lambda: metric(tight.url, "openbaar_sparql_query_processes", state="idle") >= 2, what="two idle")
    with ThreadPoolExecutor(2) as pool:
        pair = [pool.submit(post, tight, CARTESIAN + f" # pair {i}") for i in range(2)]

        def both_lowered() -> list[list[int]]:
            """The two evaluations' nice values once both are lowered, or as they are when one ended."""
            nices = sorted(nice for _, nice in evaluating(tight.url).values())
            return [nices] if nices == [LOW_PRIORITY] * 2 or any(f.done() for f in pair) else []

        (seen_together,) = until(both_lowered, what="two queries at once")
        assert [f.result().status_code for f in pair] == [504, 504]
    assert seen_alone == [0], seen_alone
    assert seen_together == [19, 19], seen_together


def test_threads_stay_free_for_cheap_routes_while_queries_run(tight: Served) -> None:
    results: list[int] = []

    def cheap() -> None:
        results.append(requests.get(tight.url + "/healthz", timeout=10).status_code)

    with ThreadPoolExecutor(2) as pool:
        slow = [pool.submit(post, tight, CARTESIAN) for _ in range(2)]
        wait_for(tight.url, "openbaar_sparql_running", 2)
        threads = [threading.Thread(target=cheap) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert [s.result().status_code for s in slow] == [504, 504]
    assert results == [200, 200, 200]
