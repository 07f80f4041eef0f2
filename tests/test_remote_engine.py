"""/sparql answered by a remote SPARQL engine (a real ``oxigraph serve-read-only`` on loopback).

The embedded store's own protocol, serving and limit tests run here again, unchanged, against a server
whose /sparql forwards to the remote engine: the same promises must hold.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
import requests

from service.config import Settings

from . import test_sparql_limits as limits
from .conftest import Served, remote_served
from .test_serve import *  # noqa: F403 - the serving tests, collected again here
from .test_sparql_protocol import *  # noqa: F403 - every protocol test, collected again here

pytestmark = pytest.mark.slow

# The limit tests that hold for any engine, collected again here in their own order (the deadline test
# counts the timeouts of its server, so it runs first).
home = limits.home
test_deadline_stops_the_query_and_others_keep_being_answered = (
    limits.test_deadline_stops_the_query_and_others_keep_being_answered
)
test_other_runaway_shapes_end_at_the_deadline = limits.test_other_runaway_shapes_end_at_the_deadline
test_the_same_shapes_over_one_resource_are_answered_in_full = (
    limits.test_the_same_shapes_over_one_resource_are_answered_in_full
)
test_row_cap_json_is_valid_and_says_so = limits.test_row_cap_json_is_valid_and_says_so
test_row_cap_in_other_result_formats = limits.test_row_cap_in_other_result_formats
test_row_cap_on_graph_results = limits.test_row_cap_on_graph_results
test_no_signal_below_the_cap = limits.test_no_signal_below_the_cap
test_concurrency_limit_answers_the_excess_with_503 = limits.test_concurrency_limit_answers_the_excess_with_503
test_request_size_limit_is_413 = limits.test_request_size_limit_is_413
test_a_url_beyond_what_the_server_reads_is_414 = limits.test_a_url_beyond_what_the_server_reads_is_414
test_deep_nesting_is_refused_before_it_can_crash_a_process = (
    limits.test_deep_nesting_is_refused_before_it_can_crash_a_process
)
test_threads_stay_free_for_cheap_routes_while_queries_run = (
    limits.test_threads_stay_free_for_cheap_routes_while_queries_run
)
test_a_new_release_empties_the_cache = limits.test_a_new_release_empties_the_cache
DEADLINE, JSON, POINT = limits.DEADLINE, limits.JSON, limits.POINT


@pytest.fixture(scope="module")
def server(remote_server: Served) -> Served:
    return remote_server


@pytest.fixture(scope="module")
def tight(home: Settings) -> Iterator[Served]:
    """The limit tests' server, with a remote engine."""
    with remote_served(home, limits.TIGHT, deadline=DEADLINE, workers=1) as served:
        yield served


# --- what only a remote engine can do wrong ------------------------------------------------------------


def test_a_cut_answer_from_the_engine_is_an_error_not_a_document() -> None:
    """What ``oxigraph serve --timeout-s`` sends when it stops a query: a 200 whose JSON ends half way."""
    from service import sparql_store

    cut = io.BytesIO(b'{"head":{"vars":["a"]},"results":{"bindings":[The SPARQL operation has been cancelled')
    with pytest.raises((SyntaxError, ValueError)):
        sparql_store.parsed_document(cut, "application/sparql-results+json", JSON, None, 10)
    whole = io.BytesIO(b'{"head":{"vars":["a"]},"results":{"bindings":[{"a":{"type":"uri","value":"urn:x"}}]}}')
    assert not sparql_store.parsed_document(whole, "application/sparql-results+json", JSON, None, 10).truncated


def test_an_engine_that_gives_up_or_goes_away_never_yields_a_broken_200(home: Settings) -> None:
    """The engine stops queries at 1 s (a cut 200 body) and our deadline is 8 s: never a 200; then it is gone."""
    from service.releases import live_release

    from .conftest import free_port, serve, stop
    from .support.remote import start_oxigraph, stop_oxigraph

    release = live_release(home)
    assert release is not None
    port = free_port()
    engine = start_oxigraph(release.store_path, port, 0)
    env = {"OPENBAAR_SPARQL_ENDPOINT": f"http://127.0.0.1:{port}/query", "OPENBAAR_QUERY_DEADLINE": "8"}
    served = serve(home, workers=1, env=env)
    try:
        # The square of the store: oxigraph 0.5.13 cancels it at its 1 s every time, whereas it sometimes
        # misses its timeout on the cube (no answer after 15 s), which our deadline then ends with a 504.
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
        r = requests.post(served.url + "/sparql", data={"query": count}, headers={"Accept": JSON}, timeout=60)
        # The engine cuts its 200 at its own 1 s, long before our 8 s: an incomplete answer, not our 504.
        assert r.status_code == 503 and "incomplete" in r.text, r.text[:300]
        assert int(r.headers["Retry-After"]) > 0
        stop_oxigraph(engine)
        down = requests.post(served.url + "/sparql", data={"query": POINT}, headers={"Accept": JSON}, timeout=60)
        assert down.status_code == 503 and "does not answer" in down.text and int(down.headers["Retry-After"]) > 0
        assert requests.get(served.url + "/readyz", timeout=30).status_code == 200
    finally:
        stop(served)
        stop_oxigraph(engine)


def test_service_bypasses_are_refused_before_forwarding(server: Served) -> None:
    """The remote engine would fetch a SERVICE endpoint itself: the parse check must refuse it first."""
    from .test_sparql_closed import Listener, bypasses

    listener = Listener()
    try:
        for query in bypasses(listener.port):
            response = requests.post(server.url + "/sparql", data={"query": query}, timeout=60)
            assert response.status_code == 400, (query, response.status_code, response.text)
            assert "SERVICE" in response.text or "malformed" in response.text
    finally:
        listener.close()
    assert listener.accepted == []
