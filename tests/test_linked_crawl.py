"""A crawler over the served release: from the home page and the sitemap, every link and every IRI resolves.

Every IRI under the public base that occurs anywhere in the bundled data (subject, predicate, object or
graph), or on any page or document the crawler reads, must resolve on this server: /id/ with 303 then 200,
the others with 200 (or 303 then 200), and parse. Every resource is fetched in every RDF format, and all
formats must say the same: their graphs are isomorphic. Every response carries the security headers.
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

from .support.rdf import canonical, triples

pytestmark = pytest.mark.slow

BASE = "https://data.groningen.nl"
#: HTML pages whose links are followed, per kind of page (first two path segments): enough to meet every
#: template and every kind of link, without rendering all fifteen thousand pages.
PAGES_PER_KIND = 6
#: The format comparison of all documents runs as this many tests, each one a share of the documents.
PARTS = 8
RDF = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml", "trig": "trig", "nq": "nquads"}
HREF = re.compile(r'href="([^"]+)"')
#: An IRI under the public base in a page or a document (HTML attributes, Turtle <…>, JSON strings, XML).
UNDER_BASE = re.compile(re.escape(BASE) + r"/[^\s\"'<>\\{}|^`]*")
#: Documents beside the linked-data pages whose IRIs must resolve too: the catalogue, the register,
#: the release history (PROV-O), VoID and the SPARQL service description.
SIDE_DOCUMENTS = ("/catalog", "/register", "/releases", "/.well-known/void", "/sparql")
SECURITY = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
_local = threading.local()


def security_problems(url: str, response: requests.Response) -> list[str]:
    """What a response lacks of the headers every response carries (pages, documents, errors alike)."""
    problems = [
        f"{url}: {name} is {response.headers.get(name)!r}"
        for name, value in SECURITY.items()
        if response.headers.get(name) != value
    ]
    policy = response.headers.get("Content-Security-Policy", "")
    for directive in ("default-src 'self'", "script-src 'self';", "frame-ancestors 'none'", "object-src 'none'"):
        if directive not in policy:
            problems.append(f"{url}: Content-Security-Policy lacks {directive}: {policy!r}")
    return problems


def iris_in(text: str) -> set[str]:
    """IRIs under the public base named in a page or a document (HTML entities decoded); namespaces (prefix
    declarations, VoID's uriSpace: ending in ``/``) name no resource and are left out, the base itself kept."""
    found = {iri.rstrip(".,;)") for iri in UNDER_BASE.findall(html.unescape(text))}
    return {iri for iri in found if not iri.endswith("/") or iri in (BASE + "/", BASE + "/def/")}


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


#: IRIs found on the pages the link crawl read, checked by the IRI crawl.
FOUND: set[str] = set()
#: Per server: every document the format comparison fetches, by the IRI it is about.
_DOCUMENTS: dict[str, dict[str, str]] = {}


def test_every_page_link_resolves(server) -> None:  # type: ignore[no-untyped-def]
    origin = server.url
    seen: set[str] = set()
    broken: list[str] = []
    insecure: list[str] = []
    followed: dict[str, int] = defaultdict(int)
    frontier = [origin + "/"]
    with ThreadPoolExecutor(4) as pool:
        while frontier:
            batch = [u for u in dict.fromkeys(frontier) if u not in seen]
            seen.update(batch)
            frontier = []
            for url, response in zip(batch, pool.map(resolve, batch), strict=True):
                insecure += security_problems(url, response)
                if response.status_code != 200:
                    broken.append(f"{url} → {response.status_code}")
                    continue
                path = url[len(origin) :]
                if not response.headers.get("Content-Type", "").startswith("text/html"):
                    continue
                if followed[kind(path)] >= PAGES_PER_KIND:
                    continue
                followed[kind(path)] += 1
                FOUND.update(iris_in(response.text))
                for href in HREF.findall(response.text):
                    target = urljoin(url, html.unescape(href)).split("#")[0]
                    parts = urlsplit(target)
                    if parts.scheme + "://" + parts.netloc != origin:
                        continue
                    frontier.append(target)
    assert not broken, broken[:20]
    assert not insecure, insecure[:20]
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


def _sitemap(server) -> set[str]:  # type: ignore[no-untyped-def]
    index = requests.get(server.url + "/sitemap.xml", timeout=30).text
    listed: set[str] = set()
    for page in re.findall(r"<loc>([^<]+)</loc>", index):
        listed |= set(re.findall(r"<loc>([^<]+)</loc>", requests.get(server.url + page[len(BASE) :], timeout=30).text))
    return listed


def _iris_in_side_documents(server) -> set[str]:  # type: ignore[no-untyped-def]
    found: set[str] = set()
    for path in SIDE_DOCUMENTS:
        for accept in ("text/html", "text/turtle"):
            response = requests.get(server.url + path, headers={"Accept": accept}, timeout=30)
            assert response.status_code == 200, f"{path} ({accept}): {response.status_code}"
            found |= iris_in(response.text)
    return found


def _every_iri(server, built) -> set[str]:  # type: ignore[no-untyped-def]
    """Every IRI under the base in the data, the sitemap, the pages the link crawl read and the side documents."""
    side = _iris_in_side_documents(server)
    assert any("/id/release/" in iri and "/bron/" in iri for iri in side), "the release history names its sources"
    iris = _iris_in_data(built) | _sitemap(server) | FOUND | side
    assert len(iris) > 10_000
    return iris


def _document_of(iri: str) -> str:
    """The document path an /id/ IRI answers 303 to."""
    return "/doc/" + iri[len(BASE + "/id/") :]


def _compared(server) -> set[str]:  # type: ignore[no-untyped-def]
    """The resources whose documents the format comparison fetches in every format: every one in the sitemap."""
    return {iri for iri in _sitemap(server) if iri.startswith(BASE + "/id/")}


def test_every_iri_in_the_data_the_pages_and_the_documents_resolves(server, built) -> None:  # type: ignore[no-untyped-def]
    """Every IRI answers 200, or 303 then 200 (/id/ always 303 to its /doc/ document), with the security headers,
    and the document of an /id/ or /def/ IRI names it. A resource whose document the format comparison below
    fetches in every format is checked here for its 303 only."""
    compared = _compared(server)

    def check(iri: str) -> str | None:
        path = iri[len(BASE) :]
        url = server.url + path
        first = session().get(url, headers={"Accept": "application/n-triples"}, allow_redirects=False, timeout=30)
        if path.startswith("/id/"):
            if first.status_code != 303:
                return f"{iri}: {first.status_code}, expected 303"
            expected = urlsplit(server.url + _document_of(iri)).path + ".nt"
            if urlsplit(urljoin(url, first.headers["Location"])).path != expected:
                return f"{iri}: 303 to {first.headers['Location']}, expected {expected}"
            if iri in compared:
                return (security_problems(url, first) or [None])[0]
        response = first
        if first.status_code == 303:
            target = urljoin(url, first.headers["Location"])
            response = session().get(target, headers={"Accept": "application/n-triples"}, timeout=30)
        if response.status_code != 200:
            return f"{iri}: {response.status_code}"
        insecure = security_problems(url, response)
        if insecure:
            return insecure[0]
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
        problems = [p for p in pool.map(check, sorted(_every_iri(server, built))) if p]
    assert not problems, problems[:20]


def _documents(server, built) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Every bundled resource and vocabulary term, with the path of its document (found once per server)."""
    if server.url in _DOCUMENTS:
        return _DOCUMENTS[server.url]
    resources = _compared(server)
    terms = {iri for iri in _iris_in_data(built) if iri.startswith(BASE + "/def/") and "#" not in iri}
    assert len(resources) > 10_000 and len(terms) > 50
    documents = {iri: _document_of(iri) for iri in resources}
    _DOCUMENTS[server.url] = documents | {iri: iri[len(BASE) :] for iri in terms | {BASE + "/def/vocabulary"}}
    return _DOCUMENTS[server.url]


@pytest.mark.parametrize("part", range(PARTS))
def test_every_resource_says_the_same_in_every_format(server, built, part: int) -> None:  # type: ignore[no-untyped-def]
    """For every bundled resource and vocabulary term, all RDF formats of its document are isomorphic graphs,
    answered 200 with the security headers, and naming the resource. In parts, each under the test timeout."""
    everything = _documents(server, built)
    documents = {iri: everything[iri] for iri in sorted(everything)[part::PARTS]}

    def compare(iri: str) -> str | None:
        doc = documents[iri]
        graphs = {}
        for ext in RDF:
            url = f"{server.url}{doc}.{ext}"
            response = session().get(url, timeout=120)  # a busy machine is slow
            if response.status_code != 200:
                return f"{doc}.{ext}: {response.status_code}"
            insecure = security_problems(url, response)
            if insecure:
                return insecure[0]
            graphs[ext] = canonical(triples(response.content, ext, server.url))
        if not graphs["nt"]:
            return f"{doc}.nt is empty"
        if iri != BASE + "/def/vocabulary" and not any(iri in (q.subject.value, q.object.value) for q in graphs["nt"]):
            return f"{iri}: its document does not mention it"
        differ = [ext for ext, graph in graphs.items() if graph != graphs["nt"]]
        if differ:
            ext = differ[0]
            extra, missing = graphs[ext] - graphs["nt"], graphs["nt"] - graphs[ext]
            return f"{doc}: {differ} differ from N-Triples; .{ext} adds {list(extra)[:2]}, lacks {list(missing)[:2]}"
        return None

    with ThreadPoolExecutor(4) as pool:
        problems = [p for p in pool.map(compare, sorted(documents)) if p]
    assert not problems, f"{len(problems)} of {len(documents)} documents: {problems[:5]}"
