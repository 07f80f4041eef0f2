"""Two aggregates of one source must not be subtractable into a small count: the build names both and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.config import Settings
from service.errors import BuildError
from service.publishing import build
from service.releases import live_release_id

from .support.tinyproject import new_project, write_mapping, write_table

pytestmark = pytest.mark.slow

ENTRY = 'ground: "5.1(2)e", motivation: "Gegevens over personen.", since: 2024-01-01'


def telling(concept: str) -> str:
    return f"""
sources:
  personen: [data/personen.csv~csv]
mappings:
  telling:
    sources: personen
    s: id:{concept}/$(wijk)
    po:
      - [a, def:Bevolkingsaantal]
      - [def:cbsCode, $(wijk)]
      - [def:aantal, $(aantal), xsd:integer]
"""


def project(tmp_path: Path, category_x_in_w1: int) -> Settings:
    """Counts per wijk, and counts per wijk without category X, from the same person-level table."""
    root = new_project(tmp_path / "project")
    people = [[f"P{i}", "W1", "X" if i < category_x_in_w1 else "Y"] for i in range(13)]
    people += [[f"Q{i}", "W2", "Y"] for i in range(12)]
    write_table(root, "personen", ["persoon", "wijk", "categorie"], people)
    aggregate = f"    - {{source: personen, by: [wijk], threshold: 5, {ENTRY}}}\n"
    write_mapping(root, "per-wijk", telling("telling-wijk"), "policy:\n  aggregate:\n" + aggregate)
    write_mapping(
        root,
        "per-wijk-zonder-x",
        telling("telling-wijk-zonder-x"),
        "policy:\n  aggregate:\n"
        + aggregate
        + f"  rows:\n    - {{where: {{column: categorie, equals: X}}, {ENTRY}}}\n",
    )
    return Settings(project=root, home=tmp_path / "home")


def test_counts_per_wijk_and_per_wijk_without_one_category_fail_the_build_naming_both(tmp_path: Path) -> None:
    settings = project(tmp_path, category_x_in_w1=3)  # 13 and 10 in W1: subtracting reveals the 3
    with pytest.raises(BuildError) as failure:
        build(settings)
    problems = "\n".join(failure.value.problems)
    assert "'per-wijk'" in problems and "'per-wijk-zonder-x'" in problems and "data/personen.csv" in problems
    assert "under 5" in problems
    assert live_release_id(settings) is None


def test_the_same_pair_builds_when_no_difference_is_small(tmp_path: Path) -> None:
    settings = project(tmp_path, category_x_in_w1=6)  # 13 and 7: the difference, 6, is not small
    assert build(settings).release.id == live_release_id(settings)
