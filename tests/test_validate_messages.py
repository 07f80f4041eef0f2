"""What `openbaar validate` tells a data team about a real export: every problem at once, one line each."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .support.tinyproject import new_project, write_mapping, write_table

ROWS = [["1", "Eik", "12"], ["2", "Linde", "14"]]
PO = "      - [def:naam, $(NAAM), nl~lang]\n      - [def:boomhoogte, $(HOOGTE)]\n"


def validate(project: Path) -> subprocess.CompletedProcess[str]:
    """Run the command as a script in a pipe would: no terminal, no COLUMNS."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENBAAR_") and k not in ("COLUMNS", "LINES")}
    return subprocess.run(
        [sys.executable, "-m", "service.cli", "--project", str(project), "--home", str(project / "var"), "validate"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def mapping(po: str, source: str = "[data/bomen.csv~csv]", subject: str = "id:boom/$(ID)") -> str:
    return f"""
sources:
  bomen: {source}
mappings:
  boom:
    sources: bomen
    s: {subject}
    po:
      - [a, def:Boom]
{po}"""


def test_a_second_file_with_the_same_dataset_name_is_an_error_naming_both(tmp_path: Path) -> None:
    project = new_project(tmp_path / "p")
    write_table(project, "bomen", ["ID", "NAAM", "HOOGTE"], ROWS)
    body = mapping(PO)
    write_mapping(project, "bomen", body)
    (project / "mappings" / "bomen.yaml").write_text((project / "mappings" / "bomen.yml").read_text())
    result = validate(project)
    assert result.returncode == 1, result.stderr
    line = next(ln for ln in result.stderr.splitlines() if "dataset name" in ln)
    assert "bomen.yml" in line and "bomen.yaml" in line


def test_a_yaml_extension_is_read_like_yml(tmp_path: Path) -> None:
    project = new_project(tmp_path / "p")
    write_table(project, "bomen", ["ID", "NAAM", "HOOGTE"], ROWS)
    path = write_mapping(project, "bomen", mapping(PO))
    path.rename(path.with_suffix(".yaml"))
    result = validate(project)
    assert result.returncode == 0, result.stderr
    assert "bomen" in result.stderr and "valid" in result.stderr


def test_every_problem_of_a_mapping_is_reported_in_one_run_one_line_each(tmp_path: Path) -> None:
    project = new_project(tmp_path / "p")
    write_table(project, "bomen", ["ID", "NAAM", "HOOGTE"], ROWS)
    po = "      - [def:naaam, $(NAAM), nl~lang]\n      - [def:hoogtte, $(HOOGTE)]\n      - [def:Bom, $(ID)]\n"
    policy = """
policy:
  withheld:
    - column: HOOGTE
      ground: "5.1(9)z"
      motivation: "Proef met een lange motivering die de regel breed maakt, breder dan tachtig tekens op een scherm."
"""
    write_mapping(project, "bomen", mapping(po), policy)
    result = validate(project)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    for term in ("def:naaam", "def:hoogtte", "def:Bom"):
        assert sum(term in ln for ln in lines) == 1, result.stderr
    ground = [ln for ln in lines if "is not a ground of the Woo" in ln]
    since = [ln for ln in lines if "policy.withheld[0].since" in ln]
    assert len(ground) == 1 and len(since) == 1, result.stderr
    # One problem, one line, however long: each names its file and ends with its fix.
    for ln in ground + since:
        assert "bomen.yml" in ln and ln.rstrip().endswith(")"), ln
        assert len(ln) > 80 or ln is since[0]


def test_the_summary_shows_rejected_rows_and_warnings_apart(tmp_path: Path) -> None:
    project = new_project(tmp_path / "p")
    rows = [[str(i), f"Boom {i}", str(i)] for i in range(1, 100)]
    rows += [["", "Zonder nummer", "3"], ["141", "Hol", "veel"], ["142", "Hoog", "hoog"], ["143", "Laag", "laag"]]
    write_table(project, "bomen", ["ID", "NAAM", "STAMDIAMETER"], rows)
    po = "      - [def:naam, $(NAAM), nl~lang]\n      - [def:stamdiameter, $(STAMDIAMETER), xsd:integer]\n"
    write_mapping(project, "bomen", mapping(po))
    result = validate(project)
    assert result.returncode == 0, result.stderr
    header = next(ln for ln in result.stderr.splitlines() if "dataset" in ln and "rows" in ln)
    assert "rejected rows" in header and "warnings" in header and "bad rows" not in header
    row = next(ln for ln in result.stderr.splitlines() if "data/bomen.csv" in ln and "│" in ln)
    cells = [c.strip() for c in row.split("│") if c.strip()]
    names = [c.strip() for c in header.split("┃") if c.strip()]
    assert cells[names.index("rejected rows")] == "1"
    assert cells[names.index("warnings")] == "3"


def test_a_wrong_delimiter_says_which_one_the_header_uses(tmp_path: Path) -> None:
    project = new_project(tmp_path / "p")
    (project / "data" / "bomen.csv").write_text("ID;NAAM;HOOGTE\n1;Eik;12\n", encoding="utf-8")
    source = '{access: data/bomen.csv, referenceFormulation: csv, delimiter: ","}'
    write_mapping(project, "bomen", mapping(PO, source))
    result = validate(project)
    assert result.returncode == 1
    assert "the header looks ';'-separated: set delimiter: ';'" in result.stderr, result.stderr


def test_a_declared_encoding_that_does_not_fit_names_the_row_and_the_one_that_would(tmp_path: Path) -> None:
    project = new_project(tmp_path / "p")
    text = "ID;NAAM;HOOGTE\n" + "".join(f"{i};Boom {i};12\n" for i in range(1, 6000)) + "6000;Café;3\n"
    (project / "data" / "bomen.csv").write_bytes(text.encode("cp1252"))
    source = "{access: data/bomen.csv, referenceFormulation: csv, encoding: utf-8}"
    write_mapping(project, "bomen", mapping(PO, source))
    result = validate(project)
    assert result.returncode == 1
    line = next(ln for ln in result.stderr.splitlines() if "bomen.csv" in ln and "utf-8" in ln)
    assert "row 6001" in line and "encoding: cp1252" in line, line
    assert "declare 'encoding'" not in line


def test_a_term_differing_from_the_vocabulary_only_by_scheme_is_warned(tmp_path: Path) -> None:
    project = new_project(tmp_path / "p")
    write_table(project, "bomen", ["ID", "NAAM", "HOOGTE"], ROWS)
    po = PO + "      - [https://schema.org/name, $(NAAM)]\n"
    write_mapping(project, "bomen", mapping(po))
    result = validate(project)
    assert result.returncode == 0, result.stderr
    line = next(ln for ln in result.stderr.splitlines() if "https://schema.org/name" in ln)
    assert "warning" in line and "http://schema.org/name" in line and "bomen.yml" in line


def test_a_datatype_against_the_declared_range_is_flagged(tmp_path: Path) -> None:
    project = new_project(tmp_path / "p")
    write_table(project, "bomen", ["ID", "NAAM", "NR"], ROWS)
    po = "      - [def:naam, $(NAAM), nl~lang]\n      - [def:huisnummer, $(NR), xsd:integer]\n"
    write_mapping(project, "bomen", mapping(po))
    result = validate(project)
    assert result.returncode == 1
    line = next(ln for ln in result.stderr.splitlines() if "def:huisnummer" in ln)
    assert "xsd:integer" in line and "xsd:string" in line and "mappings.boom.po[2]" in line


def test_a_long_problem_is_one_line_when_piped(tmp_path: Path) -> None:
    """Rich wrapped at 80 columns without a terminal: one problem became 2-4 lines."""
    project = new_project(tmp_path / "p")
    write_table(project, "bomen", ["ID", "NAAM", "HOOGTE"], ROWS)
    po = PO + "      - [def:eenBijzonderLangeEigenschapDieNietBestaatInDeWoordenlijstVanHetProject, $(NAAM)]\n"
    write_mapping(project, "bomen", mapping(po))
    result = validate(project)
    assert result.returncode == 1
    (line,) = [ln for ln in result.stderr.splitlines() if "eenBijzonderLange" in ln]
    assert len(line) > 160
    assert line.startswith("  - bomen.yml at mappings.boom.po[3]: def:eenBijzonderLange")
    assert line.endswith("with labels in nl and en, to vocab/)")


def test_problems_in_several_policy_entries_come_in_one_run(tmp_path: Path) -> None:
    project = new_project(tmp_path / "p")
    write_table(project, "bomen", ["ID", "NAAM", "HOOGTE"], ROWS)
    policy = """
policy:
  withheld:
    - {column: NAAM, ground: "9.9", motivation: "Naam.", since: 2024-01-01}
    - {column: HOOGTE, ground: "5.1(2)e", motivation: "Hoogte."}
"""
    write_mapping(project, "bomen", mapping(""), policy)
    lines = validate(project).stderr.splitlines()
    assert any("policy.withheld[0].ground" in ln for ln in lines), lines
    assert any("policy.withheld[1].since" in ln for ln in lines), lines
