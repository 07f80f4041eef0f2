"""Hydra paging of /catalog with a small page size; links use the public base, not the request host."""

from __future__ import annotations

import pytest
import requests
from rdflib import Graph, URIRef

from service.catalog import check_catalogue
from service.catalog.namespaces import DCAT, FOAF, HYDRA, RDF
from service.catalog.official import conformance
from service.config import Settings

from .conftest import REPO, serve, stop

pytestmark = pytest.mark.slow

MAPPINGS = sorted(p.stem for p in (REPO / "mappings").glob("*.yml"))
#: Pages of two datasets each.
PAGES = -(-len(MAPPINGS) // 2)


@pytest.fixture(scope="module")
def paged(built: Settings, monkeypatch_module):  # type: ignore[no-untyped-def]
    monkeypatch_module.setenv("OPENBAAR_CATALOG_PAGE_SIZE", "2")
    served = serve(built, workers=1)
    yield served
    stop(served)


@pytest.fixture(scope="module")
def monkeypatch_module():  # type: ignore[no-untyped-def]
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def test_pages_link_next_and_last_and_cover_every_dataset(paged, built: Settings) -> None:  # type: ignore[no-untyped-def]
    base = built.public_base
    url: str | None = f"{base}/catalog"
    seen: list[URIRef] = []
    pages = 0
    while url:
        local = paged.url + url[len(base) :]
        response = requests.get(
            local, headers={"Accept": "text/turtle", "X-Forwarded-Host": "proxy.example"}, timeout=30
        )
        assert response.status_code == 200
        g = Graph().parse(data=response.content, format="turtle")
        views = list(g.subjects(RDF.type, HYDRA.PartialCollectionView))
        assert len(views) == 1
        view = views[0]
        assert g.value(view, HYDRA.last) == URIRef(f"{base}/catalog?page={PAGES}")
        assert g.value(view, HYDRA.first) == URIRef(f"{base}/catalog?page=1")
        page_datasets = list(g.subjects(RDF.type, DCAT.Dataset))
        assert 1 <= len(page_datasets) <= 2
        for dataset in page_datasets:
            assert g.value(dataset, DCAT.distribution) is not None
        for document in g.subjects(RDF.type, FOAF.Document):  # no other page's landing page
            assert (None, None, document) in g, document
        seen += page_datasets
        pages += 1
        following = g.value(view, HYDRA.next)
        url = str(following) if following is not None else None
        if url:
            assert url.startswith(base + "/catalog?page=") and "proxy.example" not in url
            assert f'<{url}>; rel="next"' in response.headers["Link"]
    assert pages == PAGES
    assert sorted(str(d).rsplit("/", 1)[-1] for d in seen) == MAPPINGS


def test_page_out_of_range_and_bad_page(paged) -> None:  # type: ignore[no-untyped-def]
    beyond = requests.get(f"{paged.url}/catalog?page={PAGES + 1}", headers={"Accept": "text/turtle"}, timeout=30)
    assert beyond.status_code == 404
    bad = requests.get(f"{paged.url}/catalog?page=two", headers={"Accept": "text/turtle"}, timeout=30)
    assert bad.status_code == 400 and "page" in bad.text


#: The official warnings docs/catalog.md lists as left, by property: each is explained there.
WARNINGS_LEFT = {
    "http://www.w3.org/ns/adms#status",
    "http://data.europa.eu/r5r/availability",
    "http://www.w3.org/ns/dcat#accessService",
    "http://www.w3.org/ns/dcat#downloadURL",
    "http://www.w3.org/ns/dcat#bbox",
    "http://www.w3.org/ns/dcat#centroid",
    "http://www.w3.org/ns/dcat#endDate",
    "http://purl.org/dc/terms/publisher",
    "http://purl.org/dc/terms/spatial",
    "http://purl.org/dc/terms/temporal",
}


def test_served_pages_merged_have_no_official_violation(paged, built: Settings) -> None:  # type: ignore[no-untyped-def]
    """All hydra pages of /catalog, merged, against DCAT-AP 3.0.1 and DCAT-AP-NL 3.0.0/3.0.1: 0 violations."""
    merged = Graph()
    url: str | None = f"{paged.url}/catalog"
    pages = 0
    while url:
        response = requests.get(url, headers={"Accept": "text/turtle"}, timeout=30)
        assert response.status_code == 200
        page = Graph().parse(data=response.content, format="turtle")
        merged += page
        pages += 1
        view = next(iter(page.subjects(RDF.type, HYDRA.PartialCollectionView)))
        following = page.value(view, HYDRA.next)
        url = paged.url + str(following)[len(built.public_base) :] if following is not None else None
    assert pages == PAGES
    assert len(set(merged.subjects(RDF.type, DCAT.Dataset))) == len(MAPPINGS)
    found = conformance(merged)
    assert found.violations == {}, list(found.violations)[:10]
    assert check_catalogue(merged).problems == []
    left = {path for _, path in found.warnings}
    assert left <= WARNINGS_LEFT, left - WARNINGS_LEFT
