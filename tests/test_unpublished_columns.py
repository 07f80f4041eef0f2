"""A third choice for a column: not published because it is empty or repeats published columns."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, Literal, Namespace, URIRef

from service.config import Settings
from service.errors import BuildError
from service.policy.register import register_graph
from service.publishing.prepare import prepare

from .support.tinyproject import new_project, write_mapping, write_table

DEF = Namespace("https://data.groningen.nl/def/")
HEADER = ["ID", "NAAM", "postcode", "huisnummer", "toev", "Zoekadres", "geometry", "x", "y"]
ROWS = [
    ["1", "Eik", "9712 GE", "35", "", "9712GE 35", "POINT (6.5687 53.2181)", "6.5687", "53.2181"],
    ["2", "Linde", "9711 XM", "194", "", "9711XM 194", "POINT (6.5695 53.2235)", "6.5695", "53.2235"],
]
BODY = """
sources:
  bomen: [data/bomen.csv~csv]
mappings:
  boom:
    sources: bomen
    s: id:boom/$(ID)
    po:
      - [a, def:Boom]
      - [def:naam, $(NAAM), nl~lang]
      - [def:postcode, $(postcode)]
      - [def:huisnummer, $(huisnummer)]
      - [def:identificatie, $(geometry)]
"""
POLICY = """
policy:
  unpublished:
    - column: toev
      reason: empty
      motivation: "De kolom is in de hele export leeg."
    - column: Zoekadres
      reason: redundant
      repeats: [postcode, huisnummer]
      motivation: "Postcode en huisnummer samen; beide worden al gepubliceerd."
    - column: x
      reason: redundant
      repeats: [geometry]
      motivation: "Het middelpunt van de geometrie, die al gepubliceerd wordt."
    - column: "y"
      reason: redundant
      repeats: [geometry]
      motivation: "Het middelpunt van de geometrie, die al gepubliceerd wordt."
"""


def project_with(tmp_path: Path, rows: list[list[str]], policy: str = POLICY) -> Settings:
    project = new_project(tmp_path / "p")
    write_table(project, "bomen", HEADER, rows)
    write_mapping(project, "bomen", BODY, policy)
    return Settings(project=project, home=tmp_path / "home")


def test_empty_and_redundant_columns_are_decided_and_listed_apart_from_exceptions(tmp_path: Path) -> None:
    prepared = prepare(project_with(tmp_path, ROWS))
    (mapping,) = prepared.mappings
    g = register_graph([mapping], public_base="https://data.groningen.nl")
    dataset = URIRef("https://data.groningen.nl/id/dataset/bomen")
    entries = set(g.objects(dataset, DEF.nietGepubliceerd))
    assert len(entries) == 4
    assert not set(g.objects(dataset, DEF.uitzondering))  # not an exception to openness
    for entry in entries:
        assert (entry, RDF.type, DEF.NietGepubliceerdeKolom) in g
        assert (entry, RDF.type, DEF.Uitzondering) not in g
        assert not set(g.objects(entry, DEF.woogrond))
    zoek = next(e for e in entries if (e, DEF.kolomnaam, Literal("Zoekadres")) in g)
    assert {str(o) for o in g.objects(zoek, DEF.herhaalt)} == {"postcode", "huisnummer"}
    assert (zoek, DEF.reden, Literal("redundant")) in g


def test_a_column_that_is_not_empty_is_refused_as_empty_naming_the_row(tmp_path: Path) -> None:
    rows = [r.copy() for r in ROWS]
    rows[1][4] = "a"
    with pytest.raises(BuildError) as caught:
        prepare(project_with(tmp_path, rows))
    line = next(p for p in caught.value.problems if "'toev'" in p)
    assert "row 3" in line and "not empty" in line and "bomen.yml" in line


def test_a_column_that_repeats_nothing_is_refused_as_redundant(tmp_path: Path) -> None:
    rows = [r.copy() for r in ROWS]
    rows[0][5] = "Grote Markt 35"  # a street name is not in postcode and huisnummer
    rows[1][7] = "7.1"  # outside the geometry
    with pytest.raises(BuildError) as caught:
        prepare(project_with(tmp_path, rows))
    problems = caught.value.problems
    assert any("'Zoekadres'" in p and "row 2" in p and "postcode, huisnummer" in p for p in problems), problems
    assert any("'x'" in p and "row 3" in p for p in problems), problems


def test_a_redundant_column_must_repeat_published_columns(tmp_path: Path) -> None:
    policy = POLICY.replace("repeats: [postcode, huisnummer]", "repeats: [toev]")
    with pytest.raises(BuildError) as caught:
        prepare(project_with(tmp_path, ROWS, policy))
    assert any("'toev'" in p and "not published" in p for p in caught.value.problems), caught.value.problems
