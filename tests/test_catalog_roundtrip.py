"""/catalog over real HTTP: every format parses, every bundled dataset and distribution is complete."""

from __future__ import annotations

import pytest
import requests
from rdflib import Graph, URIRef

from service.catalog import readable_violations
from service.catalog.namespaces import DCAT, DCT, FOAF, RDF, RDFS, SKOS, SPDX, VCARD, VOID
from service.config import Settings
from service.releases import live_release

from .conftest import REPO

pytestmark = pytest.mark.slow

MAPPINGS = sorted(p.stem for p in (REPO / "mappings").glob("*.yml"))
FORMATS = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld"}
DATASET_MANDATORY = (
    DCT.title,
    DCT.description,
    DCT.identifier,
    DCT.publisher,
    DCT.creator,
    DCAT.contactPoint,
    DCAT.theme,
    DCT.accessRights,
)


def fetch(url: str, media: str) -> Graph:
    response = requests.get(url, headers={"Accept": media}, timeout=30)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Type"].startswith(media)
    g = Graph()
    g.parse(data=response.content, format=FORMATS.get(media, "turtle"))
    return g


@pytest.mark.parametrize("media", list(FORMATS))
def test_every_dataset_and_distribution_is_in_each_format(server, built: Settings, media: str) -> None:  # type: ignore[no-untyped-def]
    g = fetch(f"{server.url}/catalog", media)
    release = live_release(built)
    assert release is not None
    catalog = URIRef(f"{built.public_base}/id/catalogus/openbaar")
    assert (catalog, RDF.type, DCAT.Catalog) in g
    assert g.value(catalog, DCT.publisher) == URIRef(built.publisher)
    for slug in MAPPINGS:
        dataset = URIRef(f"{built.public_base}/id/dataset/{slug}")
        assert (catalog, DCAT.dataset, dataset) in g
        for prop in DATASET_MANDATORY:
            assert g.value(dataset, prop) is not None, (slug, prop)
        assert {t.language for t in g.objects(dataset, DCT.title)} == {"nl", "en"}
        assert g.value(dataset, DCAT.landingPage) is not None
        assert g.value(dataset, DCT.modified) is not None
        record = g.value(None, FOAF.primaryTopic, dataset)
        assert (record, RDF.type, DCAT.CatalogRecord) in g
        distributions = set(g.objects(dataset, DCAT.distribution))
        dumps = {d["name"]: d for d in release.manifest["dumps"] if d["dataset"] == slug}
        assert len(distributions) == 1 + len(dumps) == 4
        for dist in distributions:
            assert g.value(dist, DCAT.accessURL) is not None
            licence = g.value(dist, DCT.license)
            assert str(licence).startswith("https://definities.geostandaarden.nl/dcat-ap-nl/id/waardelijst/licenties/")
            assert (licence, RDF.type, DCT.LicenseDocument) in g
            assert g.value(dist, DCAT.mediaType) is not None and g.value(dist, DCT.format) is not None
            rights = g.value(dist, DCT.rights)  # in words (Data Governance Act), never an access-right code
            assert (rights, RDF.type, DCT.RightsStatement) in g and "access-right" not in str(rights)
            assert {label.language for label in g.objects(rights, RDFS.label)} == {"nl", "en"}
            url = g.value(dist, DCAT.downloadURL)
            if url is None:
                assert g.value(dist, DCAT.accessService) == URIRef(f"{built.public_base}/id/dataservice/sparql")
                continue
            dump = dumps[str(url).rsplit("/", 1)[-1]]
            assert int(g.value(dist, DCAT.byteSize)) == dump["bytes"]
            checksum = g.value(dist, SPDX.checksum)
            assert str(g.value(checksum, SPDX.checksumValue)) == dump["sha256"]


def test_data_service_points_to_the_service_description(server, built: Settings) -> None:  # type: ignore[no-untyped-def]
    g = fetch(f"{server.url}/catalog", "text/turtle")
    service = URIRef(f"{built.public_base}/id/dataservice/sparql")
    assert (service, RDF.type, DCAT.DataService) in g
    assert g.value(service, DCAT.endpointURL) == URIRef(f"{built.public_base}/sparql")
    assert g.value(service, DCAT.endpointDescription) == URIRef(f"{built.public_base}/sparql")
    assert len(set(g.objects(service, DCAT.servesDataset))) == len(MAPPINGS)


def test_code_list_iris_carry_their_type_and_the_catalogue_conforms(server) -> None:  # type: ignore[no-untyped-def]
    g = fetch(f"{server.url}/catalog", "text/turtle")
    for theme in g.objects(None, DCAT.theme):
        assert (theme, RDF.type, SKOS.Concept) in g
    for rights in g.objects(None, DCT.accessRights):
        assert (rights, RDF.type, DCT.RightsStatement) in g
    for contact in g.objects(None, DCAT.contactPoint):
        assert (contact, RDF.type, VCARD.Kind) in g
    assert readable_violations(g) == []


def test_void_states_each_dataset_graph(server, built: Settings) -> None:  # type: ignore[no-untyped-def]
    g = fetch(f"{server.url}/.well-known/void", "text/turtle")
    release = live_release(built)
    assert release is not None
    for slug in MAPPINGS:
        dataset = URIRef(f"{built.public_base}/id/dataset/{slug}")
        assert int(g.value(dataset, VOID.triples)) == release.manifest["graphs"][built.graph_base + slug]
        for prop in (VOID.entities, VOID.distinctSubjects, VOID.distinctObjects, VOID.exampleResource):
            assert g.value(dataset, prop) is not None, (slug, prop)
        assert g.value(dataset, VOID.sparqlEndpoint) == URIRef(f"{built.public_base}/sparql")
        assert str(g.value(dataset, VOID.uriSpace)).startswith(built.id_base)
        assert any(str(d).endswith(f"/dumps/{slug}.nt.gz") for d in g.objects(dataset, VOID.dataDump))
        partitions = list(g.objects(dataset, VOID.classPartition))
        assert partitions and all(g.value(p, VOID["class"]) is not None for p in partitions)
        properties = list(g.objects(dataset, VOID.propertyPartition))
        assert sum(int(g.value(p, VOID.triples)) for p in properties) == int(g.value(dataset, VOID.triples))


def test_browsers_get_a_readable_catalogue(server) -> None:  # type: ignore[no-untyped-def]
    page = requests.get(f"{server.url}/catalog", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "Bomen" in page.text and 'href="/catalog/bomen"' in page.text
    detail = requests.get(f"{server.url}/catalog/bomen?lang=en", timeout=30)
    assert detail.status_code == 200 and "Trees" in detail.text and "/dumps/bomen.nt.gz" in detail.text
    assert requests.get(f"{server.url}/catalog/nothing", timeout=30).status_code == 404


def test_void_link_followed_from_a_page_reads_as_turtle(server) -> None:  # type: ignore[no-untyped-def]
    """VoID has no HTML page; a person following the catalogue page's link gets Turtle, not 406."""
    response = requests.get(f"{server.url}/.well-known/void", headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/turtle")
    assert "void:Dataset" in response.text or "rdfs.org/ns/void#Dataset" in response.text
    refused = requests.get(f"{server.url}/.well-known/void", headers={"Accept": "application/pdf"}, timeout=30)
    assert refused.status_code == 406
