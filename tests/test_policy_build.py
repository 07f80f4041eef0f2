"""The policy in a build: undecided columns and personal data stop it, and the live release stays as it was."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from service.config import Settings
from service.errors import BuildError
from service.publishing import build
from service.releases import live_release_id

from .conftest import built_copy
from .support.tinyproject import new_project, write_mapping, write_table

pytestmark = pytest.mark.slow

BODY = """
sources:
  rijen: [data/rijen.csv~csv]
mappings:
  rij:
    sources: rijen
    s: id:rij/$(id)
    po:
      - [a, def:Boom]
      - [def:identificatie, $(id)]
      - [def:opmerking, $(opmerking), nl~lang]
"""
ROWS = [["R1", "geen bijzonderheden"], ["R2", "bel 06-12345678 voor de sleutel"], ["R3", "rustig"]]


def tiny(tmp_path: Path, policy: str = "", rows: list[list[str]] = ROWS) -> Settings:
    project = new_project(tmp_path / "project")
    write_table(project, "rijen", ["id", "opmerking"], rows)
    write_mapping(project, "proef", BODY, policy)
    return Settings(project=project, home=tmp_path / "home")


def test_a_new_column_in_an_export_fails_the_build_and_the_live_release_stays(built: Settings, tmp_path: Path) -> None:
    settings = built_copy(built, tmp_path)
    before = live_release_id(settings)
    bomen = settings.project / "data" / "bomen.csv"
    lines = bomen.read_bytes().split(b"\r\n")
    lines = [
        line + (b";GEBOORTEDATUM_EIGENAAR" if i == 0 else b";1-2-1960") if line else line
        for i, line in enumerate(lines)
    ]
    bomen.write_bytes(b"\r\n".join(lines))
    with pytest.raises(BuildError) as failure:
        build(settings)
    problems = "\n".join(failure.value.problems)
    assert "column 'GEBOORTEDATUM_EIGENAAR' of data/bomen.csv is neither published nor withheld" in problems
    assert "1-2-1960" not in str(failure.value) + problems
    assert live_release_id(settings) == before


def test_personal_data_in_a_published_column_fails_naming_dataset_row_column_and_kind(tmp_path: Path) -> None:
    settings = tiny(tmp_path)
    with pytest.raises(BuildError) as failure:
        build(settings)
    message = str(failure.value)
    assert "dataset 'proef', data/rijen.csv, row 3, column 'opmerking': a Dutch phone number" in message
    assert "12345678" not in message
    assert live_release_id(settings) is None
    reports = "".join(p.read_text() for p in settings.reports_dir.glob("*"))
    assert "12345678" not in reports and "row 3, column 'opmerking'" in reports


def test_a_motivated_allow_entry_is_the_only_override(tmp_path: Path) -> None:
    policy = """
policy:
  allow:
    - {kind: phone, column: opmerking, motivation: "Het algemene nummer van de beheerder, geen persoonsgegeven."}
"""
    settings = tiny(tmp_path, policy)
    assert build(settings).release.id == live_release_id(settings)
    with pytest.raises(BuildError) as failure:
        build(tiny(tmp_path / "again", "policy:\n  allow:\n    - {kind: phone, column: opmerking}\n"))
    assert "an allow entry needs a motivation" in "\n".join(failure.value.problems)


def test_withheld_rows_and_columns_are_not_in_the_store_and_are_counted_in_the_report(tmp_path: Path) -> None:
    policy = """
policy:
  rows:
    - where: {column: opmerking, matches: "bel .*"}
      ground: "5.1(2)e"
      motivation: "Bevat een telefoonnummer van een bewoner."
      since: 2024-01-01
"""
    settings = tiny(tmp_path, policy)
    result = build(settings)
    store = ox.Store.read_only(str(result.release.store_path))
    ids = {
        str(s["i"].value)
        for s in store.query("SELECT ?i WHERE { GRAPH ?g { ?s <https://data.groningen.nl/def/identificatie> ?i } }")
    }
    assert ids == {"R1", "R3"}
    (table,) = [t for t in result.tables if t["dataset"] == "proef"]
    assert table["withheld_rows"] == 1


def test_a_dataset_withheld_as_a_whole_is_non_public_in_the_catalogue_and_absent_from_the_store(tmp_path: Path) -> None:
    policy = """
policy:
  dataset:
    ground: "5.1(2)h"
    motivation: "Locaties van beveiligde objecten; openbaarmaking brengt personen in gevaar."
    since: 2023-06-01
    access: NON_PUBLIC
"""
    settings = tiny(tmp_path, policy)
    result = build(settings)
    store = ox.Store.read_only(str(result.release.store_path))
    graph = ox.NamedNode("https://data.groningen.nl/graph/proef")
    assert not list(store.quads_for_pattern(None, None, None, graph))
    dataset = ox.NamedNode("https://data.groningen.nl/id/dataset/proef")
    dct = "http://purl.org/dc/terms/"
    access = [q.object for q in store.quads_for_pattern(dataset, ox.NamedNode(dct + "accessRights"), None)]
    assert access == [ox.NamedNode("http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC")]
    (rights,) = [q.object for q in store.quads_for_pattern(dataset, ox.NamedNode(dct + "rights"), None)]
    labels = [
        str(q.object.value) for q in store.quads_for_pattern(rights, None, None) if isinstance(q.object, ox.Literal)
    ]
    assert any("5.1(2)h" in label for label in labels)
    grounds = {
        q.object for q in store.quads_for_pattern(rights, ox.NamedNode("https://data.groningen.nl/def/woogrond"), None)
    }
    assert grounds == {ox.NamedNode("https://data.groningen.nl/def/woo/5-1-2-h")}


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        (
            "policy:\n  withheld:\n    - {column: x, ground: '5.1(3)z', motivation: m, since: 2024-01-01}\n",
            "is not a ground of the Woo",
        ),
        (
            "policy:\n  withheld:\n    - {column: x, ground: '5.1(2)e', motivation: m}\n",
            "since when the exception applies",
        ),
        (
            "policy:\n  rows:\n    - {where: {column: x}, ground: '5.1(2)e', motivation: m, since: 2024-01-01}\n",
            "a row condition is",
        ),
        (
            "policy:\n  aggregate:\n    - {source: rijen, by: [id], ground: '5.1(2)e', motivation: m,"
            " since: 2024-01-01}\n",
            "set a 'threshold'",
        ),
        ("policy:\n  hidden: []\n", "unknown key(s) hidden"),
    ],
)
def test_policy_mistakes_are_named_with_their_key(tmp_path: Path, policy: str, message: str) -> None:
    with pytest.raises(BuildError) as failure:
        build(tiny(tmp_path, policy))
    assert message in "\n".join(failure.value.problems)
