"""Dereferencing over real HTTP: 303 from /id/, formats and their order, alternates, 404/406, paging, caching."""

from __future__ import annotations

import gzip
import re

import pytest
import requests
from rdflib import Dataset, Graph, Literal, Namespace, URIRef

from .support.rdf import jsonld_inline

pytestmark = pytest.mark.slow

BASE = "https://data.groningen.nl"
DEF = Namespace(BASE + "/def/")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
TREE = f"{BASE}/id/boom/100008"
#: The neighbourhood with the most trees in the bundled data (111), so its links are paged.
BUSY_BUURT = "buurt/BU00140106"
RDFLIB = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml", "trig": "trig", "nq": "nquads"}
MEDIA = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
    "trig": "application/trig",
    "nq": "application/n-quads",
}


def get(server, path: str, **headers: str) -> requests.Response:  # type: ignore[no-untyped-def]
    return requests.get(server.url + path, headers=headers, allow_redirects=False, timeout=30)


def parse(body: bytes, ext: str, server_url: str) -> Graph:
    if ext == "jsonld":  # compacted with our published context, read from the server under test
        body = jsonld_inline(body, server_url)
    if ext in ("trig", "nq"):
        ds = Dataset()
        ds.parse(data=body, format=RDFLIB[ext])
        return ds  # type: ignore[return-value]
    return Graph().parse(data=body, format=RDFLIB[ext])


def test_id_answers_303_to_doc_and_keeps_the_format(server) -> None:  # type: ignore[no-untyped-def]
    html = get(server, "/id/boom/100008", Accept="text/html")
    assert html.status_code == 303
    assert html.headers["Location"].endswith("/doc/boom/100008")
    assert "Accept" in html.headers["Vary"]
    turtle = get(server, "/id/boom/100008", Accept="text/turtle")
    assert turtle.status_code == 303 and turtle.headers["Location"].endswith("/doc/boom/100008.ttl")
    assert get(server, "/id/boom/100008?format=nt").headers["Location"].endswith("/doc/boom/100008.nt")
    assert get(server, "/id/boom/100008.jsonld").headers["Location"].endswith("/doc/boom/100008.jsonld")


@pytest.mark.parametrize("ext", list(RDFLIB))
def test_doc_parses_in_every_rdf_format_with_labels(server, ext: str) -> None:  # type: ignore[no-untyped-def]
    response = get(server, f"/doc/boom/100008.{ext}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(MEDIA[ext])
    graph = parse(response.content, ext, server.url)
    triples = set(graph.triples((None, None, None))) if ext not in ("trig", "nq") else set(graph.quads())
    flat = {t[:3] for t in triples}
    assert (URIRef(TREE), DEF.boomsoort, Literal("Plataan", lang="nl")) in flat
    # Labels of mentioned IRIs: the neighbourhood and the property read as words.
    assert (URIRef(f"{BASE}/id/buurt/BU00140306"), RDFS_LABEL, Literal("Hoornse Plas", lang="nl")) in flat
    assert (DEF.boomsoort, RDFS_LABEL, Literal("boomsoort", lang="nl")) in flat
    # The geometry is part of the document (both CRS), so the map needs no second request.
    assert any(p == URIRef("http://www.opengis.net/ont/geosparql#asWKT") for _, p, _ in flat)


def test_trig_keeps_the_dataset_of_each_statement(server) -> None:  # type: ignore[no-untyped-def]
    ds = Dataset()
    ds.parse(data=get(server, "/doc/boom/100008.trig").content, format="trig")
    graphs = {str(c) for s, p, o, c in ds.quads((URIRef(TREE), None, None, None))}
    assert f"{BASE}/graph/bomen" in graphs and f"{BASE}/graph/inferred" in graphs
    species = {str(c) for _, _, _, c in ds.quads((URIRef(TREE), DEF.boomsoort, None, None))}
    assert species == {f"{BASE}/graph/bomen"}


def test_format_order_is_extension_then_parameter_then_accept(server) -> None:  # type: ignore[no-untyped-def]
    assert (
        get(server, "/doc/boom/100008.ttl?format=nt", Accept="application/ld+json")
        .headers["Content-Type"]
        .startswith("text/turtle")
    )
    assert (
        get(server, "/doc/boom/100008?format=nt", Accept="application/ld+json")
        .headers["Content-Type"]
        .startswith("application/n-triples")
    )
    weighted = get(server, "/doc/boom/100008", Accept="text/turtle;q=0.5, application/ld+json;q=0.9")
    assert weighted.headers["Content-Type"].startswith("application/ld+json")
    assert "Accept" in weighted.headers["Vary"]
    browser = get(server, "/doc/boom/100008", Accept="text/html,application/xhtml+xml,*/*;q=0.8")
    assert browser.headers["Content-Type"].startswith("text/html")
    assert get(server, "/doc/boom/100008", Accept="*/*").headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/doc/boom/100008", "image/png"),
        ("/id/boom/100008", "text/html;q=0"),
        ("/doc/boom/100008", "*/*;q=0"),
        ("/doc/boom/100008", ";;;,,,q=abc"),
    ],
)
def test_unsupported_formats_get_406(server, path: str, accept: str) -> None:  # type: ignore[no-untyped-def]
    response = get(server, path, Accept=accept)
    assert response.status_code == 406
    assert "text/turtle" in response.text


def test_alternates_and_content_location(server) -> None:  # type: ignore[no-untyped-def]
    response = get(server, "/doc/boom/100008", Accept="text/turtle")
    assert response.headers["Content-Location"] == "/doc/boom/100008.ttl"
    links = dict(re.findall(r'<([^>]+)>; rel="alternate"; type="([^"]+)"', response.headers["Link"]))
    assert links == {
        "/doc/boom/100008.html": "text/html",
        "/doc/boom/100008.jsonld": "application/ld+json",
        "/doc/boom/100008.nt": "application/n-triples",
        "/doc/boom/100008.rdf": "application/rdf+xml",
        "/doc/boom/100008.trig": "application/trig",
        "/doc/boom/100008.nq": "application/n-quads",
    }


def test_unknown_iri_is_404_in_html_and_in_rdf(server) -> None:  # type: ignore[no-untyped-def]
    assert get(server, "/id/boom/does-not-exist").status_code == 404
    page = get(server, "/doc/boom/does-not-exist", Accept="text/html")
    assert page.status_code == 404 and "<html" in page.text and "/id/boom/does-not-exist" in page.text
    rdf = get(server, "/doc/boom/does-not-exist.ttl")
    assert rdf.status_code == 404 and rdf.headers["Content-Type"].startswith("text/turtle")
    status = Graph().parse(data=rdf.content, format="turtle")
    assert Literal(404) in set(status.objects(None, HYDRA.statusCode))


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/doc/a%3E%20%7D%3B%20DROP%20ALL%20%3B%20%3Cb", 404),
        ("/id/x%22%20.%20%3Cy%3E%20%3Cz%3E%20%3Cw", 404),
        ("/doc/boom/1%00", 404),
        ("/doc/..%2F..%2F..%2Fetc%2Fpasswd", 404),
        ("/doc/boom/%E2%80%AE%3Cscript%3E", 404),
        ("/doc/" + "a" * 10_000, 414),  # longer than the request line gunicorn takes
        ("/doc/boom/100008?in=javascript:alert(1)&page=99999999999", 400),
        ("/doc/boom/100008?in=x&page=-1", 400),
        ("/doc/boom/100008?out=%3E%20%7D&page=abc", 400),
        ("/def/%3E%20%7D%20UNION%20%7B", 404),
        ("/sitemap/0.xml", 404),  # sitemap pages count from 1
        ("/search?q=%22%20OR%20*%20NEAR(", 200),  # the words are searched as words: no hit, no error
    ],
)
def test_hostile_paths_never_reach_query_text_or_fail(server, path: str, status: int) -> None:  # type: ignore[no-untyped-def]
    response = get(server, path)
    assert response.status_code == status, response.text[:300]
    assert "Traceback" not in response.text


def test_big_resources_are_paged_with_counts_and_links(server) -> None:  # type: ignore[no-untyped-def]
    turtle = get(server, f"/doc/{BUSY_BUURT}.ttl")
    assert turtle.status_code == 200 and len(turtle.content) < 1_000_000
    graph = Graph().parse(data=turtle.content, format="turtle")
    totals = {int(o) for o in graph.objects(None, HYDRA.totalItems)}
    count = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s <{DEF.ligtInBuurt}> <{BASE}/id/{BUSY_BUURT}> }}"
    answer = requests.get(f"{server.url}/sparql", params={"query": count}, timeout=60).json()
    links = int(answer["results"]["bindings"][0]["n"]["value"])
    assert links > 100 and links in totals
    next_pages = [str(o) for o in graph.objects(None, HYDRA.next)]
    assert next_pages and all(p.startswith(BASE + "/doc/") for p in next_pages)
    # The next page (named, like the document, without extension: every format says the same), fetched
    # on this server as an RDF client does, holds the next 50 and links back.
    page2 = get(server, next_pages[0][len(BASE) :], Accept="text/turtle")
    assert page2.status_code == 200
    g2 = Graph().parse(data=page2.content, format="turtle")
    assert list(g2.objects(None, HYDRA.previous))
    html = get(server, f"/doc/{BUSY_BUURT}", Accept="text/html")
    assert 'rel="next"' in html.text and str(links) in html.text
    last = get(server, f"/doc/{BUSY_BUURT}?in={DEF.ligtInBuurt}&page={-(-links // 50)}", Accept="text/html")
    assert last.status_code == 200 and 'rel="prev"' in last.text and 'rel="next"' not in last.text


def test_pages_of_a_property_add_up_to_its_count(server) -> None:  # type: ignore[no-untyped-def]
    trees: list[str] = []
    for page in (1, 2, 3):
        response = get(server, f"/doc/{BUSY_BUURT}.nt?in={DEF.ligtInBuurt}&page={page}")
        graph = Graph().parse(data=response.content, format="nt")
        trees += [str(s) for s in graph.subjects(DEF.ligtInBuurt, URIRef(f"{BASE}/id/{BUSY_BUURT}"))]
    expected = Graph().parse(data=get(server, f"/doc/{BUSY_BUURT}.nt").content, format="nt")
    totals = {int(o) for o in expected.objects(None, HYDRA.totalItems)}
    assert len(trees) == len(set(trees)) > 100
    assert len(trees) in totals


def test_release_validators_head_gzip_and_cors(server) -> None:  # type: ignore[no-untyped-def]
    first = get(server, f"/doc/{BUSY_BUURT}", Accept="text/html", **{"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip"
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert first.headers["Last-Modified"]
    again = get(server, f"/doc/{BUSY_BUURT}", Accept="text/html", **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    head = requests.head(server.url + "/doc/boom/100008.ttl", timeout=10)
    assert head.status_code == 200 and head.content == b"" and head.headers["Content-Type"].startswith("text/turtle")
    raw = requests.get(
        server.url + "/doc/boom/100008.ttl", headers={"Accept-Encoding": "gzip"}, stream=True, timeout=10
    )
    assert gzip.decompress(raw.raw.read()).startswith(b"@prefix")


def test_iris_resolve_under_the_public_base_on_any_host(server) -> None:  # type: ignore[no-untyped-def]
    response = get(server, "/doc/boom/100008", Accept="text/html", Host="example.org")
    assert response.status_code == 200
    assert 'href="/doc/buurt/BU00140306"' in response.text  # a local link, not https://data.groningen.nl/…
    assert TREE in response.text


def test_robots_and_sitemap_list_every_id_resource(server, built) -> None:  # type: ignore[no-untyped-def]
    import pyoxigraph as ox

    robots = get(server, "/robots.txt").text
    assert f"Sitemap: {BASE}/sitemap.xml" in robots
    index = get(server, "/sitemap.xml")
    pages = re.findall(r"<loc>([^<]+)</loc>", index.text)
    assert pages == [f"{BASE}/sitemap/1.xml"]
    listed = re.findall(r"<loc>([^<]+)</loc>", get(server, "/sitemap/1.xml").text)
    store = ox.Store.read_only(str(built.live_pointer / "store"))
    subjects = {
        q.subject.value
        for q in store.quads_for_pattern(None, None, None, None)
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(BASE + "/id/")
    }
    assert set(listed) == subjects and len(listed) == len(subjects)
    assert get(server, "/sitemap/2.xml").status_code == 404


def test_graph_iris_lead_to_their_dataset(server) -> None:  # type: ignore[no-untyped-def]
    response = get(server, "/graph/bomen")
    assert response.status_code == 303 and response.headers["Location"].endswith("/doc/dataset/bomen")
    assert get(server, "/graph/vocab").headers["Location"].endswith("/def/")
    assert get(server, "/graph/register").headers["Location"].endswith("/register")
    assert get(server, "/graph/catalog").headers["Location"].endswith("/catalog")
    assert get(server, "/graph/nope").status_code == 404


@pytest.mark.parametrize("ext", list(RDFLIB))
def test_references_with_encoded_characters_resolve_in_every_format(server, ext: str) -> None:  # type: ignore[no-untyped-def]
    """The mapper encodes a space in a reference as %20; the document's own links must keep it encoded."""
    path = "/doc/wmo-telling/BU00140903/huishoudelijke%20hulp"
    assert get(server, path.replace("/doc/", "/id/")).status_code == 303
    response = get(server, f"{path}.{ext}")
    assert response.status_code == 200
    assert response.headers["Content-Location"] == f"{path}.{ext}"
    assert "huishoudelijke hulp" not in response.headers["Link"]
    document = parse(response.content, ext, server.url)
    quads = document.quads() if ext in ("trig", "nq") else document.triples((None, None, None))
    subjects = {str(q[0]) for q in quads}
    assert f"{BASE}/id/wmo-telling/BU00140903/huishoudelijke%20hulp" in subjects
