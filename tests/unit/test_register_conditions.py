"""A row condition is described without its values: column, kind of condition, ground and rows withheld."""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

from rdflib import Literal, Namespace, URIRef

from service.mapping.sources import Table
from service.mapping.yarrrml import parse_mapping
from service.policy.guard import condition_counts
from service.policy.register import register_graph
from service.policy.rights import dataset_rights
from service.policy.summary import policy_summary

ID = "https://data.groningen.nl/id/"
DEF = Namespace("https://data.groningen.nl/def/")
SECRETS = ("tkopvanghuis", "tkblijfhuis", "tkpatroon")


def test_listed_values_and_patterns_are_never_published(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "mappings").mkdir()
    (tmp_path / "data" / "plekken.csv").write_text(
        "id,soort,naam\nP1,school,A\nP2,TKOPVANGHUIS,B\nP3,tkblijfhuis ,C\nP4,tkpatroon-7,D\nP5,tkblijfhuis,E\n",
        encoding="utf-8",
    )
    entry = 'ground: "5.1(2)h", motivation: "Geheim adres.", since: 2024-01-01'
    path = tmp_path / "mappings" / "plekken.yml"
    path.write_text(
        dedent(f"""\
        prefixes:
          id: "{ID}"
          def: "{DEF}"
        sources:
          plekken: [data/plekken.csv~csv]
        mappings:
          plek:
            sources: plekken
            s: id:plek/$(id)
            po:
              - [def:naam, $(naam)]
        policy:
          rows:
            - {{where: {{column: soort, in: [tkopvanghuis, tkblijfhuis]}}, {entry}}}
            - {{where: {{column: soort, matches: "tkpatroon-[0-9]+"}}, {entry}}}
        """),
        encoding="utf-8",
    )
    mapping = parse_mapping(path, project=tmp_path, id_base=ID, def_base=str(DEF))
    counts = condition_counts(mapping, Table)
    assert counts == (3, 1)
    graph = register_graph([mapping], public_base="https://data.groningen.nl", withheld_rows={"plekken": counts})
    rights = dataset_rights(mapping)
    published = [
        graph.serialize(format="nt"),
        json.dumps(rights.statement),
        json.dumps(policy_summary(mapping)),
    ]
    for text in published:
        assert not any(secret in text.lower() for secret in SECRETS), text
    first = URIRef("https://data.groningen.nl/id/uitzondering/plekken/rijen/1")
    second = URIRef("https://data.groningen.nl/id/uitzondering/plekken/rijen/2")
    assert graph.value(first, DEF.kolom) == Literal("soort")
    assert graph.value(first, DEF.aantalRijen).toPython() == 3
    assert graph.value(second, DEF.aantalRijen).toPython() == 1
    conditions = {str(o) for o in graph.objects(None, DEF.voorwaarde) if o.language == "en"}
    assert conditions == {
        "column 'soort' has one of the withheld values",
        "column 'soort' matches a withheld pattern",
    }
    assert "column 'soort' has one of the withheld values" in rights.statement["en"]
    assert "5.1(2)h" in rights.statement["en"]
