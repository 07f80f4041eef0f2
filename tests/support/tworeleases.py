"""Two real releases of a small project that differ in one row: the second has one tree more."""

from __future__ import annotations

from pathlib import Path

from service.config import Settings
from service.publishing import build

from .tinyproject import new_project, write_mapping, write_table

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
"""
#: Trees in the first and in the second release: a SPARQL count tells which release answered.
TREES = (3, 4)
COUNT = "PREFIX def: <https://data.groningen.nl/def/> SELECT (COUNT(?b) AS ?n) WHERE { ?b a def:Boom }"


def build_two(root: Path) -> tuple[Settings, str, str]:
    """Build the two releases in one home; (settings, first id, second id), the second live."""
    project = new_project(root / "project")
    write_mapping(project, "proef", BODY)
    settings = Settings(project=project, home=root / "build-home")
    ids = []
    for count in TREES:
        write_table(project, "rijen", ["id"], [[f"R{i}"] for i in range(1, count + 1)])
        ids.append(build(settings).release.id)
    return settings, ids[0], ids[1]
