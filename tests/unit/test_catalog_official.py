"""The catalogue against the official DCAT-AP 3.0.1 and DCAT-AP-NL 3.0 shapes, shipped unchanged."""

from __future__ import annotations

import dataclasses
import hashlib
import re

import pytest
from rdflib import Graph, URIRef

from service.catalog import check_catalogue
from service.catalog.namespaces import DCT, FOAF, RDF, SKOS, SPDX
from service.catalog.official import OFFICIAL_DIR, conformance, official_shapes, shape_files
from service.config import Settings
from tests.support.catalogues import REPO, bundled_mappings, described


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(project=REPO)


@pytest.fixture(scope="module")
def graph(settings: Settings) -> Graph:
    return described(settings, bundled_mappings(settings))


def test_shipped_shapes_are_the_upstream_files_unchanged() -> None:
    """Every file SOURCE.md lists is shipped, byte for byte (its SHA-256), and nothing else."""
    source = (OFFICIAL_DIR / "SOURCE.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| ([\w.-]+/[\w.-]+\.ttl) \|.*\| ([0-9a-f]{64}) \|$", source, flags=re.M))
    shipped = {f"{p.parent.name}/{p.name}": p for p in shape_files()}
    assert len(listed) == 13 and set(shipped) == set(listed)
    for name, path in shipped.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == listed[name], name


def test_bundled_catalogue_has_no_official_violation(graph: Graph) -> None:
    found = conformance(graph)
    assert found.violations == {}, list(found.violations)
    assert check_catalogue(graph).problems == []


def test_values_carry_the_classes_the_shapes_ask_for(graph: Graph, settings: Settings) -> None:
    bomen = URIRef(f"{settings.public_base}/id/dataset/bomen")
    page = graph.value(bomen, FOAF.page)
    assert page == graph.value(bomen, URIRef("http://www.w3.org/ns/dcat#landingPage"))
    assert (page, RDF.type, FOAF.Document) in graph
    standards = set(graph.objects(bomen, DCT.conformsTo))
    assert URIRef(settings.def_base) in standards
    for standard in graph.objects(None, DCT.conformsTo):
        assert (standard, RDF.type, DCT.Standard) in graph and graph.value(standard, DCT.title) is not None
    for scheme in graph.subjects(RDF.type, SKOS.ConceptScheme):
        assert graph.value(scheme, DCT.title) is not None, scheme
    local = URIRef("http://purl.org/adms/publishertype/LocalAuthority")
    assert (local, SKOS.inScheme, URIRef("http://purl.org/adms/publishertype/1.0")) in graph
    assert (SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm) in graph


def test_acted_on_warnings_are_gone(graph: Graph) -> None:
    """conformsTo, foaf:page, a dump's description, the catalogue licence and licence type are stated."""
    paths = {path for _, path in conformance(graph).warnings}
    for done in (DCT.conformsTo, FOAF.page, DCT.description, DCT.license, DCT.type):
        assert str(done) not in paths, done


def test_a_share_alike_licence_of_any_version_validates(settings: Settings) -> None:
    """CC BY-SA 3.0 NL (naamsvermelding_gelijkdelen30) is typed Attribution and ShareAlike; no violation."""
    mappings = [
        dataclasses.replace(m, metadata={**m.metadata, "license": "naamsvermelding_gelijkdelen30"})
        for m in bundled_mappings(settings)[:1]
    ]
    g = described(settings, mappings)
    licence = URIRef(
        "https://definities.geostandaarden.nl/dcat-ap-nl/id/waardelijst/licenties/naamsvermelding_gelijkdelen30"
    )
    assert set(g.objects(licence, DCT.type)) == {
        URIRef("http://purl.org/adms/licencetype/Attribution"),
        URIRef("http://purl.org/adms/licencetype/ViralEffect-ShareAlike"),
    }
    assert check_catalogue(g).problems == []


def test_an_official_violation_names_node_property_and_profiles(graph: Graph, settings: Settings) -> None:
    broken = Graph()
    for triple in graph:
        broken.add(triple)
    page = URIRef(f"{settings.public_base}/catalog/bomen")
    broken.remove((page, RDF.type, FOAF.Document))
    problems = check_catalogue(broken).problems
    mine = [p for p in problems if str(page) in p]
    assert mine, problems
    assert any(
        p.startswith(f"<{settings.public_base}/id/dataset/bomen> dcat:landingPage:")
        and "foaf:Document" in p
        and "[DCAT-AP 3.0.1" in p
        for p in mine
    ), mine


def test_the_spdx_https_pattern_is_the_only_rule_repaired() -> None:
    """SEMIC's SPDX pattern can match no SPDX term; the class check on the algorithm still holds."""
    shapes = official_shapes("DCAT-AP 3.0.1")
    restriction = URIRef("http://data.europa.eu/r5r#ChecksumAlgorithmRestriction")
    assert shapes.value(restriction, URIRef("http://www.w3.org/ns/shacl#pattern")) is None
    assert shapes.value(restriction, URIRef("http://www.w3.org/ns/shacl#class")) == SPDX.ChecksumAlgorithm
    on_disk = Graph().parse(OFFICIAL_DIR / "semic-dcat-ap-3.0.1" / "mdr-vocabularies.shape.ttl")
    assert on_disk.value(restriction, URIRef("http://www.w3.org/ns/shacl#pattern")) is not None


def test_a_publisher_that_is_not_a_tooi_organisation_is_refused() -> None:
    """The national catalogue knows Dutch government organisations by their TOOI IRI."""
    settings = Settings(project=REPO, publisher="https://example.org/organisaties/groningen")
    problems = check_catalogue(described(settings, bundled_mappings(settings)[:1])).problems
    assert any(p.startswith("<https://example.org/organisaties/groningen>: ") and "TOOI" in p for p in problems), (
        problems
    )
