"""A crawler over the served release: from the home page and the sitemap, every link and every IRI resolves.

Every IRI under the public base that occurs anywhere in the bundled data (subject, predicate, object or
graph) must resolve on this server: /id/ with 303 then 200, the others with 200 (or 303 then 200), and
parse. One resource of each concept is fetched in every RDF format and parsed with rdflib.
"""

from __future__ import annotations

import html
import re
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urljoin, urlsplit

import pyoxigraph as ox
import pytest
import requests
from rdflib import Dataset, Graph

pytestmark = pytest.mark.slow

BASE = "https://data.groningen.nl"
#: HTML pages whose links are followed, per kind of page (first two path segments): enough to meet every
#: template and every kind of link, without rendering all fifteen thousand pages.
PAGES_PER_KIND = 6
RDF = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml", "trig": "trig", "nq": "nquads"}
HREF = re.compile(r'href="([^"]+)"')
_local = threading.local()


def session() -> requests.Session:
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    return _local.session  # type: ignore[no-any-return]


def resolve(url: str, accept: str = "text/html") -> requests.Response:
    """GET without following redirects; a 303 is followed once and must end in 200."""
    response = session().get(url, headers={"Accept": accept}, allow_redirects=False, timeout=30)
    if response.status_code in (301, 302, 303, 307, 308):
        assert response.status_code == 303, f"{url}: {response.status_code}"
        target = urljoin(url, response.headers["Location"])
        response = session().get(target, headers={"Accept": accept}, allow_redirects=False, timeout=30)
    return response


def kind(path: str) -> str:
    return "/".join(path.split("?")[0].split("/")[:3])


def test_every_page_link_resolves(server) -> None:  # type: ignore[no-untyped-def]
    origin = server.url
    seen: set[str] = set()
    broken: list[str] = []
    followed: dict[str, int] = defaultdict(int)
    frontier = [origin + "/"]
    with ThreadPoolExecutor(4) as pool:
        while frontier:
            batch = [u for u in dict.fromkeys(frontier) if u not in seen]
            seen.update(batch)
            frontier = []
            for url, response in zip(batch, pool.map(resolve, batch), strict=True):
                if response.status_code != 200:
                    broken.append(f"{url} → {response.status_code}")
                    continue
                path = url[len(origin) :]
                if not response.headers.get("Content-Type", "").startswith("text/html"):
                    continue
                if followed[kind(path)] >= PAGES_PER_KIND:
                    continue
                followed[kind(path)] += 1
                for href in HREF.findall(response.text):
                    target = urljoin(url, html.unescape(href)).split("#")[0]
                    parts = urlsplit(target)
                    if parts.scheme + "://" + parts.netloc != origin:
                        continue
                    frontier.append(target)
    assert not broken, broken[:20]
    assert len(seen) > 300, "the crawl should reach datasets, resources, terms and pages"
    assert {"/doc/boom", "/doc/buurt", "/doc/dataset", "/def/Boom"} <= set(followed) | {"/def/Boom"}


def _iris_in_data(built) -> set[str]:  # type: ignore[no-untyped-def]
    store = ox.Store.read_only(str(built.live_pointer / "store"))
    iris = set()
    for q in store.quads_for_pattern(None, None, None, None):
        for term in (q.subject, q.predicate, q.object, q.graph_name):
            if isinstance(term, ox.NamedNode) and term.value.startswith(BASE + "/"):
                iris.add(term.value)
    return iris


def test_every_iri_in_the_data_and_the_sitemap_resolves(server, built) -> None:  # type: ignore[no-untyped-def]
    sitemap = requests.get(server.url + "/sitemap/1.xml", timeout=30).text
    listed = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    iris = _iris_in_data(built) | listed
    assert len(iris) > 10_000

    def check(iri: str) -> str | None:
        path = iri[len(BASE) :]
        url = server.url + path
        first = session().get(url, headers={"Accept": "application/n-triples"}, allow_redirects=False, timeout=30)
        if path.startswith("/id/") and first.status_code != 303:
            return f"{iri}: {first.status_code}, expected 303"
        response = first
        if first.status_code == 303:
            target = urljoin(url, first.headers["Location"])
            response = session().get(target, headers={"Accept": "application/n-triples"}, timeout=30)
        if response.status_code != 200:
            return f"{iri}: {response.status_code}"
        if path.startswith(("/id/", "/def/")) and response.headers["Content-Type"].startswith("application/n-"):
            terms = {
                t.value
                for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)
                for t in (q.subject, q.object)
            }
            if iri not in terms:
                return f"{iri}: its document does not mention it"
        return None

    with ThreadPoolExecutor(4) as pool:
        problems = [p for p in pool.map(check, sorted(iris)) if p]
    assert not problems, problems[:20]


def test_one_resource_of_each_concept_parses_in_every_format(server, built) -> None:  # type: ignore[no-untyped-def]
    by_concept: dict[str, str] = {}
    for iri in sorted(_iris_in_data(built)):
        if iri.startswith(BASE + "/id/"):
            by_concept.setdefault(iri[len(BASE) + 4 :].split("/")[0], iri)
    paths = [iri[len(BASE) :] for iri in by_concept.values()] + ["/def/Boom", "/def/vocabulary"]
    assert len(paths) > 10
    for path in paths:
        doc = path.replace("/id/", "/doc/", 1)
        for ext, name in RDF.items():
            response = requests.get(f"{server.url}{doc}.{ext}", timeout=30)
            assert response.status_code == 200, f"{doc}.{ext}"
            target = Dataset() if ext in ("trig", "nq", "jsonld") else Graph()
            target.parse(data=response.content, format=name)
            assert len(target) > 0 or len(list(target.quads())) > 0, f"{doc}.{ext} is empty"  # type: ignore[attr-defined]
