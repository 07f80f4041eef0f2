"""/releases: two builds of a changed table, what changed, links to each release's dumps, PROV-O."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from rdflib import Graph, URIRef

from service.catalog.namespaces import PROV, RDFS, SPDX, VOID
from service.config import Settings
from service.publishing import build
from service.releases import list_releases

from .conftest import Served, built_copy, serve, stop

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def history(built: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Served]]:
    settings = built_copy(built, tmp_path_factory.mktemp("history"))
    project = settings.project
    table = project / "data" / "fietsenstallingen.csv"
    lines = table.read_bytes().splitlines(keepends=True)
    table.write_bytes(b"".join(lines[:-10]))  # ten fewer bicycle parkings
    build(settings)
    served = serve(settings, workers=1)
    yield settings, served
    stop(served)


def test_history_page_lists_each_release_and_what_changed(history) -> None:  # type: ignore[no-untyped-def]
    settings, served = history
    first, second = list_releases(settings)
    page = requests.get(f"{served.url}/releases?lang=en", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200
    assert first.id in page.text and second.id in page.text
    assert page.text.index(second.id) < page.text.index(first.id)  # newest first
    delta = (
        second.manifest["datasets"]["fietsenstallingen"]["triples"]
        - first.manifest["datasets"]["fietsenstallingen"]["triples"]
    )
    assert delta < 0
    assert f"{delta:+,}" in page.text and "data/fietsenstallingen.csv" in page.text
    link = f"/dumps/{first.id}/openbaar.nq.gz"
    assert link in page.text
    old = requests.get(served.url + link, timeout=30)
    assert old.status_code == 200
    listed = next(d for d in first.manifest["dumps"] if d["name"] == "openbaar.nq.gz")
    assert hashlib.sha256(old.content).hexdigest() == listed["sha256"]


def test_history_in_prov_names_mapping_and_source_with_checksums(history) -> None:  # type: ignore[no-untyped-def]
    settings, served = history
    _, second = list_releases(settings)
    response = requests.get(f"{served.url}/releases", headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200
    g = Graph().parse(data=response.content, format="turtle")
    graph = URIRef(f"{settings.public_base}/id/release/{second.id}/graph/fietsenstallingen")
    assert g.value(graph, PROV.specializationOf) == URIRef(settings.graph_base + "fietsenstallingen")
    sources = {str(g.value(s, RDFS.label)): s for s in g.objects(graph, PROV.wasDerivedFrom)}
    assert set(sources) == {"mappings/fietsenstallingen.yml", "data/fietsenstallingen.csv"}
    table = settings.project / "data" / "fietsenstallingen.csv"
    checksum = g.value(sources["data/fietsenstallingen.csv"], SPDX.checksum)
    assert str(g.value(checksum, SPDX.checksumValue)) == hashlib.sha256(Path(table).read_bytes()).hexdigest()
    assert int(g.value(graph, VOID.triples)) == second.manifest["datasets"]["fietsenstallingen"]["triples"]
    release = URIRef(f"{settings.public_base}/id/release/{second.id}")
    assert g.value(release, PROV.wasRevisionOf) is not None
