"""The README's "publishing a new table", walked as a data team would: from a raw export and an empty
mapping, through the messages of `openbaar validate`, to a dataset served by `openbaar serve`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from service.config import Settings

from .conftest import REPO, serve, stop

pytestmark = pytest.mark.slow

MAPPING = """\
prefixes:
  id: "https://data.groningen.nl/id/"
  def: "https://data.groningen.nl/def/"
  xsd: "http://www.w3.org/2001/XMLSchema#"
  geo: "http://www.opengis.net/ont/geosparql#"
  ofn: "urn:openbaar:fn:"

sources:
  straten: [data/cameratoezicht_lijn.csv~csv]

mappings:
  straat:
    sources: straten
    s: id:camerastraat/$(Handle)
    po:
      - [a, def:Camerastraat]
      - [def:straatnaam, $(Straat)]
      - [def:soort, $(Layer), nl~lang]
      - [geo:hasGeometry, id:camerastraat/$(Handle)/geometrie~iri]
  straat-geometrie:
    sources: straten
    s: id:camerastraat/$(Handle)/geometrie
    po:
      - [a, geo:Geometry]
      - p: geo:asWKT
        o:
          function: ofn:wkt
          parameters:
            - [ofn:value, $(geometry)]
            - [ofn:crs, "EPSG:4326"]
          datatype: geo:wktLiteral
"""
DATASET = """
dataset:
  title: {nl: "Camerastraten", en: "Camera streets"}
  description: {nl: "Straten met cameratoezicht.", en: "Streets with camera surveillance."}
  theme: [JUST]
  license: naamsvermelding_gelijkdelen30
  keywords: {nl: [cameratoezicht], en: [camera surveillance]}
  frequency: NEVER
  contact: {name: "Team Open Data", email: opendata@groningen.nl}
"""
POLICY = """
policy:
  unpublished:
    - {column: x, reason: redundant, repeats: [geometry], motivation: "Middelpunt van de gepubliceerde lijn."}
    - {column: "y", reason: redundant, repeats: [geometry], motivation: "Middelpunt van de gepubliceerde lijn."}
"""
TERM = """
def:Camerastraat
    a owl:Class ;
    rdfs:subClassOf geo:Feature ;
    rdfs:label "camerastraat"@nl , "camera street"@en ;
    skos:definition "Een straat met cameratoezicht."@nl , "A street with camera surveillance."@en ;
    rdfs:isDefinedBy def: .
"""


def openbaar(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENBAAR_") and k != "COLUMNS"}
    return subprocess.run(
        [sys.executable, "-m", "service.cli", "--project", str(project), "--home", str(project / "var"), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def problems(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line[4:] for line in result.stderr.splitlines() if line.startswith("  - ")]


def test_from_a_raw_export_and_an_empty_mapping_to_a_served_dataset(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(REPO / "vocab", project / "vocab")
    (project / "data").mkdir()
    (project / "mappings").mkdir()
    # 1. The export, as it comes out of the source system.
    shutil.copy(REPO / "data" / "cameratoezicht_lijn.csv", project / "data")
    # 2. An empty mapping file: validate says what it should be.
    path = project / "mappings" / "camerastraten.yml"
    path.write_text("", encoding="utf-8")
    result = openbaar(project, "validate")
    assert result.returncode == 1 and "camerastraten.yml" in result.stderr and "YARRRML" in result.stderr

    # The subject, some columns and the geometry, without metadata: every problem in one run, one line each.
    path.write_text(MAPPING, encoding="utf-8")
    found = problems(openbaar(project, "validate"))
    assert any("def:Camerastraat is not defined in vocab/" in p for p in found), found
    assert any("no 'dataset:' block" in p for p in found), found
    # The columns not yet decided are named (checked once the mapping reads correctly).
    # 3. The new term goes into vocab/openbaar.ttl with labels in nl and en; the metadata is added.
    vocab = project / "vocab" / "openbaar.ttl"
    vocab.write_text(vocab.read_text(encoding="utf-8") + TERM, encoding="utf-8")
    path.write_text(MAPPING + DATASET, encoding="utf-8")
    found = problems(openbaar(project, "validate"))
    for column in ("Entity", "Level", "x", "y"):
        assert any(f"column '{column}'" in p and "neither published nor withheld" in p for p in found), found

    # Publish the CAD columns, leave out the centroids as redundant.
    mapping = MAPPING.replace(
        "      - [def:soort, $(Layer), nl~lang]\n",
        "      - [def:soort, $(Layer), nl~lang]\n      - [def:cadObjecttype, $(Entity)]\n"
        "      - [def:cadNiveau, $(Level), xsd:integer]\n",
    )
    path.write_text(mapping + DATASET + POLICY, encoding="utf-8")
    # 4. Check without publishing, then publish.
    result = openbaar(project, "validate")
    assert result.returncode == 0, result.stderr
    assert "camerastraten" in result.stderr and "valid:" in result.stderr
    result = openbaar(project, "build")
    assert result.returncode == 0, result.stderr

    served = serve(Settings(project=project, home=project / "var"))
    try:
        page = requests.get(f"{served.url}/doc/camerastraat/73e", timeout=30)
        assert page.status_code == 200 and "Visserstraat" in page.text
        assert 'id="map"' in page.text and "LINESTRING" in page.text
        rows = requests.get(
            f"{served.url}/sparql",
            params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://data.groningen.nl/def/Camerastraat> }"},
            headers={"Accept": "text/csv"},
            timeout=30,
        )
        assert rows.text.splitlines()[1].strip() == "10"
        catalog = requests.get(f"{served.url}/catalog/camerastraten", headers={"Accept": "text/turtle"}, timeout=30)
        assert catalog.status_code == 200 and "naamsvermelding_gelijkdelen30" in catalog.text
    finally:
        stop(served)
