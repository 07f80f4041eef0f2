"""Pages for people: home, dataset, term, vocabulary and search; escaping of hostile data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import requests
from rdflib import Graph, URIRef

from service import create_app
from service.config import Settings
from service.publishing import build
from tests.conftest import copy_project, serve, stop

pytestmark = pytest.mark.slow

BASE = "https://data.groningen.nl"
HOSTILE_STREET = "<script>alert(1)</script>"
HOSTILE_TITLE = "Bomen </script><script>alert(2)</script>"


def page(server, path: str, **headers: str) -> requests.Response:  # type: ignore[no-untyped-def]
    response = requests.get(server.url + path, headers={"Accept": "text/html", **headers}, timeout=30)
    assert response.status_code == 200, path
    return response


def test_home_lists_datasets_sizes_exceptions_and_ways_in(server, built) -> None:  # type: ignore[no-untyped-def]
    text = page(server, "/?lang=nl").text
    manifest = json.loads((built.live_pointer / "release.json").read_text(encoding="utf-8"))
    for slug, entry in manifest["datasets"].items():
        assert f'href="/doc/dataset/{slug}"' in text
        assert f"{entry['triples']:,}".replace(",", ".") in text
    assert 'href="/register/horecavergunningen"' in text
    for link in ('href="/register"', 'href="/sparql"', 'href="/catalog"', 'href="/def/"', 'action="/search"'):
        assert link in text
    assert '<html lang="nl">' in text and "<title>" in text


def test_dataset_page_has_metadata_classes_examples_exceptions_and_schema_org(server) -> None:  # type: ignore[no-untyped-def]
    text = page(server, "/doc/dataset/horecavergunningen?lang=nl").text
    assert "<h1>Horecavergunningen</h1>" in text
    assert "5.1(2)e" in text and 'href="/register/horecavergunningen"' in text
    assert 'href="/def/Horecavergunning"' in text and 'href="/doc/horecavergunning/' in text
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    assert found is not None
    schema = json.loads(found.group(1))
    assert schema["@type"] == "Dataset" and schema["name"] == "Horecavergunningen"
    assert schema["identifier"] == f"{BASE}/id/dataset/horecavergunningen"


def test_every_vocabulary_term_dereferences_with_its_use(server) -> None:  # type: ignore[no-untyped-def]
    vocab = Graph()
    for path in Path(__file__).resolve().parents[1].joinpath("vocab").glob("*.ttl"):
        vocab.parse(path)
    terms = {str(s) for s in vocab.subjects() if isinstance(s, URIRef) and str(s).startswith(BASE + "/def/")}
    terms.discard(BASE + "/def/")
    assert len(terms) > 30
    for term in sorted(terms):
        response = requests.get(server.url + term[len(BASE) :] + ".ttl", timeout=30)
        assert response.status_code == 200, term
        assert (URIRef(term), None, None) in Graph().parse(data=response.content, format="turtle"), term
    boom = page(server, "/def/Boom?lang=nl").text
    assert '<h1 lang="nl">boom</h1>' in boom
    assert "Gebruik in datasets" in boom and "2.999" in boom  # rdf:type def:Boom in the bomen graph
    assert "geo" in boom.lower()  # its super-class, geo:Feature
    whole = page(server, "/def/").text
    assert 'id="Boom"' in whole and 'href="/def/vocabulary.ttl"' in whole


def test_search_page_finds_by_species_and_escapes_the_query(server) -> None:  # type: ignore[no-untyped-def]
    text = page(server, "/search?q=Plataan").text
    assert re.search(r'href="/doc/boom/\d+"', text)
    hostile = page(server, "/search?q=%3Cscript%3Ealert(1)%3C/script%3E").text
    assert "<script>alert(1)" not in hostile and "&lt;script&gt;" in hostile


def test_links_only_for_safe_schemes(built) -> None:  # type: ignore[no-untyped-def]
    from service.web.linked.views import href

    app = create_app(built)
    with app.test_request_context("/"):
        assert href("javascript:alert(1)") is None
        assert href("data:text/html,<script>") is None
        assert href("mailto:opendata@groningen.nl") == "mailto:opendata@groningen.nl"
        assert href("https://example.org/x") == "https://example.org/x"
        assert href(f"{BASE}/id/boom/1") == "/doc/boom/1"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The bundled data with a script in a street name and in a dataset title."""
    project = copy_project(tmp_path_factory.mktemp("hostile"))
    csv = project / "data" / "bomen.csv"
    lines = csv.read_bytes().decode("cp1252").split("\r\n")
    cells = lines[1].split(";")
    cells[1] = HOSTILE_STREET
    lines[1] = ";".join(cells)
    csv.write_bytes("\r\n".join(lines).encode("cp1252"))
    mapping = project / "mappings" / "bomen.yml"
    mapping.write_text(
        mapping.read_text(encoding="utf-8").replace('nl: "Bomen"', f'nl: "{HOSTILE_TITLE}"'), encoding="utf-8"
    )
    settings = Settings(project=project, home=project / "var")
    build(settings)
    served = serve(settings, workers=1)
    yield served, cells[0]
    stop(served)


def test_hostile_literals_are_shown_as_text(hostile) -> None:  # type: ignore[no-untyped-def]
    served, ref = hostile
    text = page(served, f"/doc/boom/{ref}?lang=nl").text
    assert HOSTILE_STREET not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    dataset = page(served, "/doc/dataset/bomen?lang=nl").text
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', dataset, re.S)
    assert script is not None and "<" not in script.group(1)
    assert json.loads(script.group(1))["name"] == HOSTILE_TITLE
    assert "<script>alert(2)" not in dataset


def test_sitemap_pages_cover_every_resource_once(built, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With a smaller page size, the index lists several pages that together hold every resource once."""
    from service.web.linked import crawl

    monkeypatch.setattr(crawl, "PER_SITEMAP", 5000)
    client = create_app(built).test_client()
    pages = re.findall(r"<loc>([^<]+)</loc>", client.get("/sitemap.xml").get_data(as_text=True))
    assert len(pages) >= 3
    listed: list[str] = []
    for url in pages:
        body = client.get(url[len(BASE) :]).get_data(as_text=True)
        urls = re.findall(r"<loc>([^<]+)</loc>", body)
        assert 0 < len(urls) <= 5000
        listed += urls
    assert len(listed) == len(set(listed)) and all(u.startswith(BASE + "/id/") for u in listed)
    assert client.get(f"/sitemap/{len(pages) + 1}.xml").status_code == 404
