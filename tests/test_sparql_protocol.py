"""SPARQL 1.1 Protocol conformance of /sparql over real HTTP (gunicorn, query processes, the built release)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import xml.etree.ElementTree as ET

import pytest
import rdflib
import requests

from .conftest import Served
from .support.metrics import metric

pytestmark = pytest.mark.slow

BASE = "https://data.groningen.nl"
COUNT_TREES = f"PREFIX def: <{BASE}/def/>\nSELECT (COUNT(?b) AS ?n) WHERE {{ ?b a def:Boom }}"
WIJKEN = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s a <{BASE}/def/Wijk> ; ?p ?o }}"
JSON = "application/sparql-results+json"
SRX = "{http://www.w3.org/2005/sparql-results#}"


def get(server: Served, query: str | None = None, accept: str | None = None, **params: object) -> requests.Response:
    if query is not None:
        params["query"] = query
    headers = {"Accept": accept} if accept else {}
    return requests.get(server.url + "/sparql", params=params, headers=headers, timeout=60)


def count(response: requests.Response) -> int:
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize(
    "content_type",
    ["application/sparql-query", "application/sparql-query; charset=utf-8", "application/sparql-query;charset=UTF-8"],
)
def test_post_direct_with_and_without_charset(server: Served, content_type: str) -> None:
    r = requests.post(
        server.url + "/sparql",
        data=COUNT_TREES.encode(),
        headers={"Content-Type": content_type, "Accept": JSON},
        timeout=60,
    )
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(JSON)
    assert count(r) > 1000


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8"]
)
def test_post_form_with_and_without_charset(server: Served, content_type: str) -> None:
    body = requests.models.RequestEncodingMixin._encode_params({"query": COUNT_TREES})
    r = requests.post(
        server.url + "/sparql", data=body, headers={"Content-Type": content_type, "Accept": JSON}, timeout=60
    )
    assert r.status_code == 200 and count(r) > 1000


def test_get_and_post_give_the_same_answer(server: Served) -> None:
    by_get = get(server, COUNT_TREES, JSON)
    by_post = requests.post(server.url + "/sparql", data={"query": COUNT_TREES}, headers={"Accept": JSON}, timeout=60)
    assert count(by_get) == count(by_post)


def test_default_graph_is_the_union_of_the_named_graphs(server: Served) -> None:
    union = count(get(server, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", JSON))
    per_graph = count(get(server, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }", JSON))
    assert union == per_graph > 0


def test_default_graph_uri_selects_exactly_that_graph(server: Served) -> None:
    query = f"SELECT (COUNT(*) AS ?n) {{ ?s a <{BASE}/def/Boom> }}"
    bomen = count(get(server, query, JSON, **{"default-graph-uri": f"{BASE}/graph/bomen"}))
    elsewhere = count(get(server, query, JSON, **{"default-graph-uri": f"{BASE}/graph/fietsenstallingen"}))
    assert bomen > 1000 and elsewhere == 0


def test_named_graph_uri_limits_the_named_graphs_and_empties_the_default(server: Served) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = get(server, query, JSON, **{"named-graph-uri": [f"{BASE}/graph/bomen", f"{BASE}/graph/vocab"]})
    graphs = {b["g"]["value"] for b in r.json()["results"]["bindings"]}
    assert graphs == {f"{BASE}/graph/bomen", f"{BASE}/graph/vocab"}
    assert (
        count(get(server, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", JSON, **{"named-graph-uri": f"{BASE}/graph/bomen"}))
        == 0
    )


def test_from_in_the_query_is_honoured(server: Served) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{BASE}/graph/fietsenstallingen> {{ ?s a <{BASE}/def/Boom> }}"
    assert count(get(server, query, JSON)) == 0


def test_protocol_graphs_override_from(server: Served) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{BASE}/graph/fietsenstallingen> {{ ?s a <{BASE}/def/Boom> }}"
    assert count(get(server, query, JSON, **{"default-graph-uri": f"{BASE}/graph/bomen"})) > 1000


def test_bad_graph_iri_is_400(server: Served) -> None:
    r = get(server, COUNT_TREES, JSON, **{"default-graph-uri": "not an iri"})
    assert r.status_code == 400 and "default-graph-uri" in r.text


@pytest.mark.parametrize("accept", [JSON, "application/sparql-results+xml", "text/csv", "text/tab-separated-values"])
def test_select_in_every_result_format(server: Served, accept: str) -> None:
    query = f"SELECT ?w ?naam WHERE {{ ?w a <{BASE}/def/Wijk> ; <{BASE}/def/naam> ?naam }} ORDER BY ?w"
    r = get(server, query, accept)
    assert r.status_code == 200 and r.headers["Content-Type"].split(";")[0] == accept
    if accept == JSON:
        rows = [(b["w"]["value"], b["naam"]["value"]) for b in r.json()["results"]["bindings"]]
        assert r.json()["results"]["bindings"][0]["naam"]["xml:lang"] == "nl"
    elif accept.endswith("xml"):
        root = ET.fromstring(r.content)
        rows = [
            tuple(b.find(f"{SRX}uri") if b.get("name") == "w" else b.find(f"{SRX}literal") for b in res)  # type: ignore[misc]
            for res in root.iter(f"{SRX}result")
        ]
        rows = [(w.text, n.text) for w, n in rows]  # type: ignore[union-attr]
    elif accept == "text/csv":
        rows = [(row["w"], row["naam"]) for row in csv.DictReader(io.StringIO(r.text))]
    else:
        lines = r.text.splitlines()
        assert lines[0] == "?w\t?naam"
        rows = [tuple(line.split("\t")) for line in lines[1:]]
        assert rows[0][0].startswith("<") and rows[0][1].endswith("@nl")
        rows = [(w.strip("<>"), n.rsplit("@", 1)[0].strip('"')) for w, n in rows]
    assert len(rows) >= 5 and all(w.startswith(f"{BASE}/id/wijk/") for w, _ in rows)


@pytest.mark.parametrize("accept", [JSON, "application/sparql-results+xml", "text/csv", "text/tab-separated-values"])
def test_ask_in_every_result_format(server: Served, accept: str) -> None:
    r = get(server, f"ASK {{ ?s a <{BASE}/def/Boom> }}", accept)
    assert r.status_code == 200 and r.headers["Content-Type"].split(";")[0] == accept
    if accept == JSON:
        assert r.json()["boolean"] is True
    elif accept.endswith("xml"):
        assert ET.fromstring(r.content).find(f"{SRX}boolean").text == "true"  # type: ignore[union-attr]
    else:
        assert r.text.strip() == "true"


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/trig", "trig"),
        ("application/n-quads", "nquads"),
    ],
)
def test_construct_in_every_graph_format(server: Served, accept: str, rdflib_format: str) -> None:
    r = get(server, WIJKEN, accept)
    assert r.status_code == 200 and r.headers["Content-Type"].split(";")[0] == accept
    graph = rdflib.Dataset() if rdflib_format in ("trig", "nquads") else rdflib.Graph()
    graph.parse(data=r.content, format=rdflib_format)
    wijk = rdflib.URIRef(f"{BASE}/def/Wijk")
    assert len(list(graph.triples((None, rdflib.RDF.type, wijk)))) >= 5


def test_describe_gives_the_resource(server: Served) -> None:
    iri = get(server, f"SELECT ?w {{ ?w a <{BASE}/def/Wijk> }} LIMIT 1", JSON).json()["results"]["bindings"][0]["w"][
        "value"
    ]
    r = get(server, f"DESCRIBE <{iri}>", "application/n-triples")
    graph = rdflib.Graph().parse(data=r.text, format="nt")
    assert (rdflib.URIRef(iri), rdflib.RDF.type, rdflib.URIRef(f"{BASE}/def/Wijk")) in graph


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("text/tab-separated-values, application/sparql-results+json;q=0.1", "text/tab-separated-values"),
        ("application/json", JSON),
        ("*/*", JSON),
        ("text/*", "text/csv"),
        ("application/sparql-results+json;q=0, */*;q=0.5", "application/sparql-results+xml"),
    ],
)
def test_content_negotiation_honours_q_values(server: Served, accept: str, expected: str) -> None:
    r = get(server, COUNT_TREES, accept)
    assert r.status_code == 200 and r.headers["Content-Type"].split(";")[0] == expected
    assert "Accept" in r.headers["Vary"]


def test_graph_negotiation_with_q_values(server: Served) -> None:
    r = get(server, WIJKEN, "text/turtle;q=0.5, application/ld+json;q=0.9")
    assert r.headers["Content-Type"].startswith("application/ld+json")
    assert json.loads(r.text)


@pytest.mark.parametrize(
    ("name", "media"),
    [("csv", "text/csv"), ("tsv", "text/tab-separated-values"), ("xml", "application/sparql-results+xml")],
)
def test_format_parameter_wins_over_accept(server: Served, name: str, media: str) -> None:
    r = get(server, COUNT_TREES, "application/sparql-results+json", format=name)
    assert r.status_code == 200 and r.headers["Content-Type"].split(";")[0] == media


def test_format_parameter_for_graphs(server: Served) -> None:
    r = get(server, WIJKEN, format="nt")
    assert r.headers["Content-Type"].startswith("application/n-triples")
    assert len(rdflib.Graph().parse(data=r.text, format="nt")) > 10


@pytest.mark.parametrize(
    ("query", "accept", "params"),
    [
        (COUNT_TREES, "text/turtle", {}),
        (WIJKEN, "text/csv", {}),
        (COUNT_TREES, "application/unknown", {}),
        (COUNT_TREES, "*/*;q=0", {}),
        (WIJKEN, None, {"format": "csv"}),
    ],
)
def test_406_when_no_format_fits(server: Served, query: str, accept: str | None, params: dict[str, str]) -> None:
    r = get(server, query, accept, **params)
    assert r.status_code == 406 and r.headers["Content-Type"].startswith("text/plain")
    assert "format" in r.text


def test_unknown_format_parameter_is_400(server: Served) -> None:
    r = get(server, COUNT_TREES, format="excel")
    assert r.status_code == 400 and "csv" in r.text


def test_garbage_accept_header_never_500(server: Served) -> None:
    """Nothing we offer in a garbled header: 406; an unreadable q-value counts as 1 (werkzeug): the editor."""
    for accept, status in (("garbage,,;;q=x", 406), ("a" * 8000, 406), ("text/html;q=abc", 200)):
        r = get(server, COUNT_TREES, accept)
        assert r.status_code == status, (accept[:20], r.status_code)


def test_malformed_query_gives_line_and_column(server: Served) -> None:
    r = get(server, "SELECT ?s\nWHERE { ?s ?p }", JSON)
    assert r.status_code == 400 and r.headers["Content-Type"].startswith("text/plain")
    assert "line 2, column" in r.text


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"data": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}, 400),
        ({"data": {"query": "PREFIX x: <urn:x#> DELETE WHERE { ?s ?p ?o }"}}, 400),
        ({"data": {"query": "LOAD <http://127.0.0.1:9/x>"}}, 400),
        ({"data": {"query": "DROP ALL"}}, 400),
        ({"data": {"update": "CLEAR ALL"}}, 403),
        ({"data": "DROP ALL", "headers": {"Content-Type": "application/sparql-update"}}, 403),
        ({"data": {"query": ""}}, 400),
        ({"data": {"query": "   \n"}}, 400),
        ({"data": {}}, 415),
        ({"data": "SELECT * {}", "headers": {"Content-Type": "text/plain"}}, 415),
        ({"data": b"{}", "headers": {"Content-Type": "application/json"}}, 415),
        ({"data": b"SELECT * {}", "headers": {"Content-Type": "application/sparql-query; charset=latin-1"}}, 415),
        ({"data": b"SELECT * { ?s ?p \xff }", "headers": {"Content-Type": "application/sparql-query"}}, 400),
        ({"data": b"SELECT * {\x00}", "headers": {"Content-Type": "application/sparql-query"}}, 400),
        ({"data": bytes(range(256)), "headers": {"Content-Type": "application/sparql-query"}}, 400),
    ],
)
def test_refusals_are_4xx_with_a_message(server: Served, kwargs: dict[str, object], status: int) -> None:
    r = requests.post(server.url + "/sparql", timeout=30, **kwargs)  # type: ignore[arg-type]
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith("text/plain") and len(r.text.strip()) > 10


def test_a_second_query_is_400(server: Served) -> None:
    r = requests.get(server.url + "/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")], timeout=30)
    assert r.status_code == 400 and "exactly one" in r.text
    both = requests.post(
        server.url + "/sparql?query=ASK%20%7B%7D",
        data="ASK {}",
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert both.status_code == 400


def test_store_unchanged_after_update_attempts(server: Served) -> None:
    before = count(get(server, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }", JSON))
    for text in ("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }", "CLEAR ALL", "DROP ALL"):
        requests.post(server.url + "/sparql", data={"update": text}, timeout=30)
        requests.post(server.url + "/sparql", data={"query": text}, timeout=30)
        requests.get(server.url + "/sparql", params={"update": text}, timeout=30)
    assert count(get(server, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }", JSON)) == before


def test_other_methods_are_405(server: Served) -> None:
    assert requests.put(server.url + "/sparql", data="x", timeout=10).status_code == 405
    assert requests.delete(server.url + "/sparql", timeout=10).status_code == 405


# --- service description ------------------------------------------------------------------------------

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml"), (None, "turtle")],
)
def test_service_description(server: Served, built, accept: str | None, fmt: str) -> None:  # type: ignore[no-untyped-def]
    from service.releases import live_release

    r = get(server, accept=accept)
    assert r.status_code == 200 and r.headers["Content-Type"].split(";")[0] == (accept or "text/turtle")
    graph = rdflib.Graph().parse(data=r.content, format=fmt)
    service = next(graph.subjects(rdflib.RDF.type, SD.Service))
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    formats = {str(o).rsplit("/", 1)[1] for o in graph.objects(service, SD.resultFormat)}
    assert {
        "SPARQL_Results_JSON",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "JSON-LD",
        "N-Quads",
    } <= formats
    assert float(graph.value(service, rdflib.URIRef(f"{BASE}/def/queryDeadline"))) == 60  # type: ignore[arg-type]
    assert int(graph.value(service, rdflib.URIRef(f"{BASE}/def/resultRowLimit"))) == 10000  # type: ignore[arg-type]
    counts = {
        str(graph.value(named, SD.name)): int(graph.value(graph.value(named, SD.graph), VOID.triples))  # type: ignore[arg-type]
        for named in graph.objects(None, SD.namedGraph)
    }
    assert counts == live_release(built).manifest["graphs"]  # type: ignore[union-attr]


def test_service_description_format_parameter(server: Served) -> None:
    r = get(server, format="nt")
    assert r.headers["Content-Type"].startswith("application/n-triples")
    assert (None, rdflib.RDF.type, SD.Service) in rdflib.Graph().parse(data=r.text, format="nt")


def test_browser_gets_the_editor_not_the_description(server: Served) -> None:
    r = get(server, accept="text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "/assets/yasgui.min.js" in r.text and '<script src="http' not in r.text


# --- federation ---------------------------------------------------------------------------------------


def test_service_is_refused_and_nothing_connects(server: Served) -> None:
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    accepted: list[object] = []
    stop = threading.Event()

    def accept_all() -> None:
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept_all, daemon=True)
    thread.start()
    target = f"http://127.0.0.1:{port}/sparql"
    queries = [
        f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ service <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SeRvIcE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
        f'SELECT * WHERE {{ BIND(IRI("{target}") AS ?v) SERVICE ?v {{ ?s ?p ?o }} }}',
        f"SELECT * WHERE {{ SERVICE#comment\n<{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE\t\n <{target}>{{?s ?p ?o}} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"PREFIX s: <{target}> SELECT * WHERE {{ SERVICE s: {{ ?s ?p ?o }} }}",
    ]
    try:
        for query in queries:
            for send in (
                lambda q: requests.get(server.url + "/sparql", params={"query": q}, timeout=30),
                lambda q: requests.post(server.url + "/sparql", data={"query": q}, timeout=30),
                lambda q: requests.post(
                    server.url + "/sparql",
                    data=q.encode(),
                    headers={"Content-Type": "application/sparql-query"},
                    timeout=30,
                ),
            ):
                r = send(query)
                assert r.status_code == 400, (query, r.status_code)
        thread.join(0.5)
    finally:
        stop.set()
        thread.join(2)
        listener.close()
    assert accepted == []


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ?x WHERE { BIND("SERVICE" AS ?x) }',
        "SELECT ?x WHERE { BIND(<urn:SERVICE> AS ?x) } # SERVICE in a comment",
        "SELECT ?x WHERE { BIND('''a SERVICE\nb''' AS ?x) }",
    ],
)
def test_the_word_service_outside_the_keyword_is_fine(server: Served, query: str) -> None:
    assert get(server, query, JSON).status_code == 200


def test_query_processes_have_no_network() -> None:
    """The second line behind the SERVICE check: a query process cannot open any connection."""
    import subprocess
    import sys

    code = (
        "import socket, sys\n"
        "from service.query.worker import leave_network\n"
        "assert leave_network()\n"
        "try:\n    socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=2)\n"
        "except OSError:\n    print('isolated')\n"
    )
    listener = __import__("socket").socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    try:
        out = subprocess.run(
            [sys.executable, "-c", code, str(listener.getsockname()[1])], capture_output=True, text=True, timeout=30
        )
    finally:
        listener.close()
    assert out.stdout.strip() == "isolated", out.stderr


# --- caching and HTTP ----------------------------------------------------------------------------------


def test_etag_and_304_without_running_again(server: Served) -> None:
    query = f"SELECT ?s WHERE {{ ?s a <{BASE}/def/Fietsenstalling> }} LIMIT 5"
    first = get(server, query, "text/csv")
    etag = first.headers["ETag"]
    assert first.headers["X-Openbaar-Release"] and first.headers["Last-Modified"]
    again = requests.get(
        server.url + "/sparql",
        params={"query": query},
        headers={"Accept": "text/csv", "If-None-Match": etag},
        timeout=30,
    )
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag
    other = get(server, query, JSON)
    assert other.headers["ETag"] != etag


def test_identical_queries_are_served_from_the_cache(server: Served) -> None:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s a <{BASE}/def/Afvalcontainer> }}"
    evaluated = metric(server.url, "openbaar_sparql_evaluations")
    answers = [
        requests.post(server.url + "/sparql", data={"query": query}, headers={"Accept": JSON}, timeout=30)
        for _ in range(6)
    ]
    assert {a.text for a in answers} == {answers[0].text}
    misses = [a.headers["X-Openbaar-Cache"] for a in answers].count("miss")
    assert answers[0].headers["X-Openbaar-Cache"] == "miss"
    # Each of the two server processes keeps its own cache: at most one evaluation each, the rest are hits.
    assert misses <= 2 and metric(server.url, "openbaar_sparql_evaluations") == evaluated + misses


def test_gzip_on_request(server: Served) -> None:
    raw = requests.get(
        server.url + "/sparql",
        params={"query": WIJKEN},
        headers={"Accept": "text/turtle", "Accept-Encoding": "gzip"},
        timeout=30,
        stream=True,
    )
    body = raw.raw.read(decode_content=False)
    assert raw.headers["Content-Encoding"] == "gzip"
    rdflib.Graph().parse(data=gzip.decompress(body), format="turtle")
    etag = raw.headers["ETag"]
    again = requests.get(
        server.url + "/sparql",
        params={"query": WIJKEN},
        headers={"Accept": "text/turtle", "Accept-Encoding": "gzip", "If-None-Match": etag},
        timeout=30,
    )
    assert again.status_code == 304


def test_cors_on_results_errors_and_preflight(server: Served) -> None:
    origin = {"Origin": "https://example.org"}
    ok = requests.post(server.url + "/sparql", data={"query": COUNT_TREES}, headers=origin, timeout=30)
    bad = requests.post(server.url + "/sparql", data={"query": "SELECT"}, headers=origin, timeout=30)
    assert ok.headers["Access-Control-Allow-Origin"] == "*" and bad.headers["Access-Control-Allow-Origin"] == "*"
    assert bad.status_code == 400
    pre = requests.options(
        server.url + "/sparql",
        headers={**origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"},
        timeout=30,
    )
    assert pre.status_code == 200 and "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "X-Openbaar-Truncated" in ok.headers["Access-Control-Expose-Headers"]


def test_metrics_in_prometheus_text_format(server: Served) -> None:
    from prometheus_client.parser import text_string_to_metric_families

    get(server, COUNT_TREES, JSON)
    get(server, COUNT_TREES, JSON)
    r = requests.get(server.url + "/metrics", timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(r.text)}
    release = requests.get(server.url + "/readyz", timeout=10).json()["release"]
    assert [s.labels["release"] for s in families["openbaar_release_info"].samples] == [release]
    queries = {s.labels["outcome"]: s.value for s in families["openbaar_sparql_queries"].samples}
    assert queries.get("ok", 0) + queries.get("cached", 0) >= 2
    assert "openbaar_sparql_timeouts" in families and "openbaar_sparql_cache" in families
    assert any(s.name.endswith("_bucket") for s in families["openbaar_http_request_seconds"].samples)
