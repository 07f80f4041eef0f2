"""Broken dataset metadata fails the build early, naming the mapping file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.config import Settings
from service.errors import BuildError
from service.publishing import build
from service.releases import live_release

from .conftest import copy_project

pytestmark = pytest.mark.slow  # builds releases or starts servers


def test_missing_licence_and_unknown_theme_fail_the_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    mapping = project / "mappings" / "bomen.yml"
    text = mapping.read_text(encoding="utf-8")
    text = text.replace("  license: cc0\n", "").replace("theme: [ENVI]", "theme: [ENVI, GROEN]")
    mapping.write_text(text, encoding="utf-8")
    settings = Settings(project=project, home=tmp_path / "home")
    with pytest.raises(BuildError) as failure:
        build(settings)
    problems = failure.value.problems
    assert any(p.startswith("bomen.yml at dataset.license") for p in problems), problems
    assert any(p.startswith("bomen.yml at dataset.theme") and "GROEN" in p for p in problems), problems
    assert not any("afvalcontainers.yml" in p for p in problems)
    assert live_release(settings) is None


def test_missing_english_title_is_named(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    mapping = project / "mappings" / "fietsenstallingen.yml"
    text = mapping.read_text(encoding="utf-8").replace('    en: "Bicycle parkings"\n', "")
    mapping.write_text(text, encoding="utf-8")
    with pytest.raises(BuildError) as failure:
        build(Settings(project=project, home=tmp_path / "home"))
    assert any(
        p.startswith("fietsenstallingen.yml at dataset.title") and "(en)" in p for p in failure.value.problems
    ), failure.value.problems


def test_catalogue_violations_are_listed_readably(built: Settings) -> None:
    from rdflib import Graph, URIRef

    from service.catalog import readable_violations
    from service.catalog.facts import CATALOG_FILE
    from service.catalog.namespaces import DCAT, DCT, VOID

    release = live_release(built)
    assert release is not None
    g = Graph().parse(release.path / CATALOG_FILE, format="nt")
    assert readable_violations(g) == []
    dist = URIRef(f"{built.public_base}/id/distributie/bomen-dump-nt")
    g.remove((dist, DCT.license, None))
    g.add((URIRef(f"{built.public_base}/id/dataset/bomen"), DCAT.theme, URIRef("http://example.org/thema/groen")))
    dataset = URIRef(f"{built.public_base}/id/dataset/bomen")
    g.remove((dataset, VOID.sparqlEndpoint, None))  # a partition may lack it; the dataset itself may not
    problems = readable_violations(g)
    assert any(p.startswith("<" + str(dist) + "> dct:license:") and "licentie" in p for p in problems), problems
    assert any("dcat:theme" in p and "example.org/thema/groen" in p for p in problems), problems
    assert any(p.startswith(f"<{dataset}>") and "sparqlEndpoint" in p for p in problems), problems
    assert not any("/klasse/" in p or "/eigenschap/" in p for p in problems), problems
