"""Small projects written by a test: our vocabulary, one mapping and its tables, built in seconds."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

METADATA = """
dataset:
  title: {nl: "Proef", en: "Trial"}
  description: {nl: "Een proefdataset.", en: "A trial dataset."}
  theme: [GOVE]
  license: cc0
  keywords: {nl: [proef], en: [trial]}
  frequency: ANNUAL
  contact: {name: "Team Open Data", email: opendata@groningen.nl}
"""
PREFIXES = """
prefixes:
  id: "https://data.groningen.nl/id/"
  def: "https://data.groningen.nl/def/"
  xsd: "http://www.w3.org/2001/XMLSchema#"
"""


def new_project(root: Path) -> Path:
    shutil.copytree(REPO / "vocab", root / "vocab")
    (root / "data").mkdir()
    (root / "mappings").mkdir()
    return root


def write_table(project: Path, name: str, header: list[str], rows: list[list[str]]) -> None:
    with (project / "data" / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_mapping(project: Path, slug: str, body: str, policy: str = "") -> Path:
    path = project / "mappings" / f"{slug}.yml"
    path.write_text(PREFIXES + body + METADATA + policy, encoding="utf-8")
    return path
