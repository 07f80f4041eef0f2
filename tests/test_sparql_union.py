"""The union default graph counts a triple once: a build that would store a triple in two graphs fails and
names both graphs, and the live release stays as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.config import Settings
from service.errors import BuildError
from service.publishing import build
from service.releases import live_release_id

from .support.tinyproject import new_project, write_mapping, write_table

pytestmark = pytest.mark.slow

BODY = """
sources:
  rijen: [data/rijen.csv~csv]
mappings:
  rij:
    sources: rijen
    s: id:{concept}/$(id)
    po:
      - [a, def:Boom]
      - [def:identificatie, $(id)]
      - [def:ligtInBuurt, https://data.example.org/buurt/$(buurt)~iri]
"""
#: The same triple from two datasets: each describes its own rows and says they lie in the same buurt,
#: and both state that buurt's type (as the vocabulary's inferencing would).
SHARED = """
  buurt:
    sources: rijen
    s: https://data.example.org/buurt/$(buurt)
    po:
      - [a, def:Buurt]
"""
GRAPH = "https://data.groningen.nl/graph/"


def project(tmp_path: Path, both: bool) -> Settings:
    root = new_project(tmp_path / "project")
    write_table(root, "rijen", ["id", "buurt"], [["R1", "BU00140000"], ["R2", "BU00140000"]])
    write_mapping(root, "proef", BODY.format(concept="rij") + SHARED)
    if both:  # a second dataset stating the same buurt triple
        write_mapping(root, "proef-kopie", BODY.format(concept="kopie") + SHARED)
    return Settings(project=root, home=tmp_path / "home", inference=False)


def test_a_triple_in_two_graphs_fails_the_build_naming_both(tmp_path: Path) -> None:
    single = project(tmp_path, both=False)
    before = build(single).release.id
    double = project(tmp_path / "second", both=True)
    double = double.replace(home=single.home)
    with pytest.raises(BuildError) as failure:
        build(double)
    problems = "\n".join(failure.value.problems)
    assert "more than one graph" in str(failure.value)
    assert f"is in {GRAPH}proef and in {GRAPH}proef-kopie" in problems
    assert "https://data.example.org/buurt/BU00140000" in problems
    assert live_release_id(single) == before
