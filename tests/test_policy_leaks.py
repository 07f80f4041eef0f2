"""Withheld means never published: random tables, policies and thresholds, and no withheld value on any route.

Over generated projects built and served for real: withheld columns and rows (by ``equals``, ``in`` or
``matches``), links to withheld rows by template, by join and inside another IRI, typed values, the values
a row condition lists, and the checksums of sources with withheld content never reach any surface.
The scanner's and the aggregates' properties are in test_policy_properties.py.
"""

from __future__ import annotations

import hashlib
import re
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
ID = "https://data.groningen.nl/id/"
SETTINGS = settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


def run_build(project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service.cli", "--project", str(project), "--home", str(home), "build"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )


# -- no withheld value on any route ------------------------------------------------------------------


@st.composite
def cases(draw: st.DrawFn) -> dict:
    rows = draw(st.integers(3, 10))
    published = draw(st.integers(1, 3))
    withheld = draw(st.integers(0, 3))
    people = draw(st.integers(4, 30))
    children = draw(st.integers(2, 8))
    need = rows * (1 + published + withheld) + people + children + 3
    tokens = iter(draw(st.lists(TOKEN, min_size=need, max_size=need, unique=True)))
    secret_rows = draw(st.lists(st.booleans(), min_size=rows, max_size=rows))
    secret_rows[0], secret_rows[-1] = True, False  # at least one withheld and one published row
    operator = draw(st.sampled_from(["equals", "in", "matches"]))
    kinds = [next(tokens), next(tokens)]  # the values a condition lists: secret too
    table = [
        [next(tokens) for _ in range(1 + published + withheld)]
        + [draw(st.sampled_from(kinds)) if secret else "open", draw(st.sampled_from(["12", "7.0", "1.0", "30"]))]
        for secret in secret_rows
    ]
    ids = [row[0] for row in table]
    child_rows = [[next(tokens), draw(st.sampled_from(ids))] for _ in range(children)]
    child_rows[0][1] = ids[0]  # at least one link to a withheld row
    persons = [
        [next(tokens), draw(st.sampled_from(["BU01", "BU02", "BU03"])), draw(st.sampled_from(["x", "y", "z"]))]
        for _ in range(people)
    ]
    return {
        "published": published,
        "withheld": withheld,
        "table": table,
        "children": child_rows,
        "persons": persons,
        "threshold": draw(st.integers(2, 6)),
        "operator": operator,
        "kinds": kinds,
        "pattern": next(tokens),
    }


def _condition(case: dict) -> tuple[str, list[str]]:
    """The row condition of the case in YAML, and the texts it holds that must never be published."""
    first, second = case["kinds"]
    if case["operator"] == "equals":
        # Only rows of the first kind match: make every withheld row that kind.
        for row in case["table"]:
            if row[-2] == second:
                row[-2] = first
        return f"{{column: soort, equals: {first}}}", [first]
    if case["operator"] == "in":
        return f"{{column: soort, in: [{first}, {second}]}}", [first, second]
    # A pattern matching both kinds: the texts of the pattern are secret as much as the values.
    return f'{{column: soort, matches: "(?:{first}|{second})"}}', [first, second]


def write_case(project: Path, case: dict) -> dict[str, str]:
    """The tables and the mapping of one case; returns every value the policy withholds, and what it is."""
    condition, listed = _condition(case)
    pub = [f"pub{i}" for i in range(case["published"])]
    wh = [f"wh{i}" for i in range(case["withheld"])]
    write_table(project, "rijen", ["id", *pub, *wh, "soort", "getal"], case["table"])
    write_table(project, "kinderen", ["id", "ouder"], case["children"])
    write_table(project, "personen", ["persoon", "gebied", "soort"], case["persons"])
    po = "".join(f"      - [def:opmerking, $({c}), nl~lang]\n" for c in pub)
    join = "{mapping: rij, condition: {function: equal, parameters: [[str1, $(ouder)], [str2, $(id)]]}}"
    body = f"""
sources:
  rijen: [data/rijen.csv~csv]
  kinderen: [data/kinderen.csv~csv]
  personen: [data/personen.csv~csv]
mappings:
  rij:
    sources: rijen
    s: id:rij/$(id)
    po:
      - [a, def:Boom]
      - [def:identificatie, $(id)]
      - [def:soort, $(soort), nl~lang]
      - [def:aantal, $(getal), xsd:integer]
{po}
  kind:
    sources: kinderen
    s: id:kind/$(id)
    po:
      - [a, def:Afvalcontainer]
      - [def:identificatie, $(id)]
      - [def:ligtInBuurt, id:rij/$(ouder)~iri]
      - [def:omvat, {join}]
  bijlage:
    sources: kinderen
    s: id:rij/$(ouder)/bijlage/$(id)
    po:
      - [a, def:Afvalcontainer]
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
    - {{where: {condition}, source: rijen, {ENTRY}}}
  aggregate:
    - {{source: personen, by: [gebied, soort], threshold: {case["threshold"]}, totals: {{soort: totaal}}, {ENTRY}}}
"""
    if not wh:
        policy = policy.replace("  withheld:\n    []\n", "")
    write_mapping(project, "proef", body, policy)
    width = 1 + case["published"]
    secrets = {cell: "a withheld column's cell" for row in case["table"] for cell in row[width:-2]}
    secrets |= {cell: "a withheld row's cell" for row in case["table"] if row[-2] != "open" for cell in row[1:-2]}
    secrets |= {row[0]: "a withheld row's key" for row in case["table"] if row[-2] != "open"}
    secrets |= {person[0]: "a person in an aggregated table" for person in case["persons"]}
    secrets |= dict.fromkeys(listed, "a value a row condition lists")
    # Checksums of files with withheld content (kinderen holds keys of withheld rows), and of the mapping.
    files = [project / "data" / f"{name}.csv" for name in ("rijen", "kinderen", "personen")]
    files.append(project / "mappings" / "proef.yml")
    secrets |= {hashlib.sha256(path.read_bytes()).hexdigest(): f"the checksum of {path.name}" for path in files}
    return secrets


def explain(found: list[str], secrets: dict[str, str]) -> str:
    """What kind of withheld value leaked to which surface (release files named from the release folder)."""
    kinds = set()
    for line in found:
        secret, where = line.split(" in ", 1)
        where = re.sub(r"^.*/home/(releases/[^/]+/)?", "", re.sub(r" from \d+$", "", where))
        kinds.add(f"{secrets[secret.strip(chr(39))]} in {where}")
    return "withheld values published:\n" + "\n".join(sorted(kinds))


def counts(url: str) -> list[int]:
    query = (
        "SELECT ?n WHERE { ?s <https://data.groningen.nl/def/aantal> ?n . "
        "?s a <https://data.groningen.nl/def/Bevolkingsaantal> }"
    )
    response = requests.get(url + "/sparql", params={"query": query}, headers={"Accept": "text/csv"}, timeout=30)
    return [int(line) for line in response.text.splitlines()[1:] if line.strip()]


def releases(url: str) -> list[tuple[str, str]]:
    """The release history in every form: it names source files and their checksums."""
    found = []
    for form in ("ttl", "jsonld", "nt"):
        response = requests.get(url + "/releases", params={"format": form}, timeout=30)
        found.append((f"GET /releases?format={form}", response.text))
    html = requests.get(url + "/releases", headers={"Accept": "text/html"}, timeout=30)
    return [*found, ("GET /releases (html)", html.text)]


def searches(url: str, words: list[str]) -> list[tuple[str, str]]:
    """The search page asked for withheld words (less the echo of the question itself), and the metrics page."""
    probe = "tkzzzzzzzzzz"
    echoes = requests.get(url + "/search", params={"q": probe}, timeout=30).text.count(probe)
    found = []
    for word in words:
        page = requests.get(url + "/search", params={"q": word}, timeout=30).text
        found.append((f"GET /search?q={word} (less {echoes} echo)", page.replace(word, "", echoes)))
    return [*found, ("GET /metrics", requests.get(url + "/metrics", timeout=30).text)]


@SETTINGS
@given(cases())
def test_no_withheld_value_reaches_any_surface(case: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project = new_project(Path(tmp) / "project")
        secrets = write_case(project, case)
        home = Path(tmp) / "home"
        built = run_build(project, home)
        assert built.returncode == 0, built.stdout + built.stderr
        live = Settings(project=project, home=home)
        served = serve(live, workers=1)
        try:
            surfaces = every_surface(live, served.url, ["proef"], ("build output", built.stdout + built.stderr))
            surfaces += releases(served.url)
            surfaces += searches(served.url, [w for w in sorted(secrets) if w.startswith("tk")][:5] + case["kinds"])
            published_counts = counts(served.url)
            withheld_ids = [row[0] for row in case["table"] if row[-2] != "open"]
            statuses = {
                requests.get(f"{served.url}/doc/rij/{i}{form}", timeout=30).status_code
                for i in withheld_ids
                for form in ("", ".ttl")
            }
        finally:
            served.process.terminate()
            logs = served.process.stderr.read().decode("utf-8", "replace")  # type: ignore[union-attr]
            stop(served)
        surfaces.append(("server log", logs))
        found = leaks(surfaces, set(secrets))
        assert found == [], explain(found, secrets)
        assert statuses <= {404, 410}, "a withheld row's IRI must not dereference"
        assert all(n >= case["threshold"] for n in published_counts), "a count below the threshold was published"
        kept = [row for row in case["table"] if row[-2] == "open"]
        assert all(any(row[0] in text for _, text in surfaces) for row in kept), "published rows must be found"
        assert all(any(child[0] in text for _, text in surfaces) for child in case["children"])
        pages_read = [where for where, _ in surfaces if where.startswith("GET /doc/")]
        assert len(pages_read) >= len(kept), "every published resource's document must be read"
