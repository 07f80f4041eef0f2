"""Withheld means never stored: random tables, policies and thresholds, and no withheld value on any surface."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.config import Settings

from .conftest import REPO, serve, stop
from .support.surfaces import every_surface, leaks
from .support.tinyproject import new_project, write_mapping, write_table

pytestmark = pytest.mark.slow

TOKEN = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=10, max_size=10).map(lambda t: "tk" + t)
ENTRY = 'ground: "5.1(2)e", motivation: "Proef.", since: 2024-01-01'


@st.composite
def cases(draw: st.DrawFn) -> dict:
    rows = draw(st.integers(3, 10))
    published = draw(st.integers(1, 3))
    withheld = draw(st.integers(0, 3))
    people = draw(st.integers(4, 30))
    need = rows * (1 + published + withheld) + people
    tokens = iter(draw(st.lists(TOKEN, min_size=need, max_size=need, unique=True)))
    secret_rows = draw(st.lists(st.booleans(), min_size=rows, max_size=rows))
    table = [
        [next(tokens) for _ in range(1 + published + withheld)] + ["geheim" if secret else "open"]
        for secret in secret_rows
    ]
    persons = [
        [next(tokens), draw(st.sampled_from(["BU01", "BU02", "BU03"])), draw(st.sampled_from(["x", "y", "z"]))]
        for _ in range(people)
    ]
    return {
        "published": published,
        "withheld": withheld,
        "table": table,
        "persons": persons,
        "threshold": draw(st.integers(2, 6)),
    }


def write_case(project: Path, case: dict) -> set[str]:
    """The tables and the mapping of one case; returns every value the policy withholds."""
    pub = [f"pub{i}" for i in range(case["published"])]
    wh = [f"wh{i}" for i in range(case["withheld"])]
    write_table(project, "rijen", ["id", *pub, *wh, "soort"], case["table"])
    write_table(project, "personen", ["persoon", "gebied", "soort"], case["persons"])
    po = "".join(f"      - [def:opmerking, $({c}), nl~lang]\n" for c in pub)
    body = f"""
sources:
  rijen: [data/rijen.csv~csv]
  personen: [data/personen.csv~csv]
mappings:
  rij:
    sources: rijen
    s: id:rij/$(id)
    po:
      - [a, def:Boom]
      - [def:identificatie, $(id)]
      - [def:soort, $(soort), nl~lang]
{po}
  telling:
    sources: personen
    s: id:telling/$(gebied)/$(soort)
    po:
      - [a, def:Bevolkingsaantal]
      - [def:cbsCode, $(gebied)]
      - [def:leeftijdsgroep, $(soort)]
      - [def:aantal, $(aantal), xsd:integer]
"""
    withheld = "".join(f"    - {{column: {c}, source: rijen, {ENTRY}}}\n" for c in wh)
    policy = f"""
policy:
  withheld:
{withheld or "    []"}
  rows:
    - {{where: {{column: soort, equals: geheim}}, source: rijen, {ENTRY}}}
  aggregate:
    - {{source: personen, by: [gebied, soort], threshold: {case["threshold"]}, totals: {{soort: totaal}}, {ENTRY}}}
"""
    if not wh:
        policy = policy.replace("  withheld:\n    []\n", "")
    write_mapping(project, "proef", body, policy)
    width = 1 + case["published"]
    secrets = {cell for row in case["table"] for cell in row[width:-1]}
    secrets |= {cell for row in case["table"] if row[-1] == "geheim" for cell in row[:-1]}
    secrets |= {person[0] for person in case["persons"]}
    return secrets


def counts(url: str) -> list[int]:
    query = "SELECT ?n WHERE { ?s <https://data.groningen.nl/def/aantal> ?n }"
    response = requests.get(url + "/sparql", params={"query": query}, headers={"Accept": "text/csv"}, timeout=30)
    return [int(line) for line in response.text.splitlines()[1:] if line.strip()]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases())
def test_no_withheld_value_reaches_any_surface(case: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project = new_project(Path(tmp) / "project")
        secrets = write_case(project, case)
        home = Path(tmp) / "home"
        built = subprocess.run(
            [sys.executable, "-m", "service.cli", "--project", str(project), "--home", str(home), "build"],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=300,
        )
        assert built.returncode == 0, built.stdout + built.stderr
        live = Settings(project=project, home=home)
        served = serve(live, workers=1)
        try:
            surfaces = every_surface(live, served.url, ["proef"], ("build output", built.stdout + built.stderr))
            published_counts = counts(served.url)
        finally:
            served.process.terminate()
            logs = served.process.stderr.read().decode("utf-8", "replace")  # type: ignore[union-attr]
            stop(served)
        surfaces.append(("server log", logs))
        assert leaks(surfaces, secrets) == []
        assert all(n >= case["threshold"] for n in published_counts), "a count below the threshold was published"
        kept = [row for row in case["table"] if row[-1] == "open"]
        assert all(any(row[0] in text for _, text in surfaces) for row in kept), "published rows must be found"
        pages_read = [where for where, _ in surfaces if where.startswith("GET /doc/")]
        assert len(pages_read) >= len(kept), "every published resource's document must be read"
