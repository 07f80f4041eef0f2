"""The policy on every route out of the mapper: links to withheld rows, and values as they are published."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from service.mapping.materialize import Options, materialize
from service.mapping.model import DatasetMapping
from service.mapping.report import Report
from service.mapping.yarrrml import parse_mapping
from service.policy.scanner import PersonalDataFound
from service.publishing.guards import GUARDS

ID = "https://data.groningen.nl/id/"
DEF = "https://data.groningen.nl/def/"
GRAPH_BASE = "https://data.groningen.nl/graph/"
HEAD = """\
prefixes:
  id: "https://data.groningen.nl/id/"
  def: "https://data.groningen.nl/def/"
  xsd: "http://www.w3.org/2001/XMLSchema#"
"""
ENTRY = 'ground: "5.1(2)h", motivation: "Geheim adres.", since: 2024-01-01'


def write(tmp_path: Path, tables: dict[str, str], body: str, slug: str = "meldingen") -> DatasetMapping:
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "mappings").mkdir(exist_ok=True)
    for name, text in tables.items():
        (tmp_path / "data" / f"{name}.csv").write_text(dedent(text).lstrip(), encoding="utf-8")
    path = tmp_path / "mappings" / f"{slug}.yml"
    path.write_text(HEAD + dedent(body), encoding="utf-8")
    return parse_mapping(path, project=tmp_path, id_base=ID, def_base=DEF)


def run(mappings: list[DatasetMapping]) -> tuple[str, Report]:
    report = Report()
    options = Options(graph_base=GRAPH_BASE, id_base=ID)
    return b"".join(materialize(mappings, options=options, report=report, guards=GUARDS)).decode(), report


MELDINGEN = """
    melding,soort
    M1,open
    M2,geheim
    M3,open
"""
FOTOS = """
    foto,melding
    F1,M1
    F2,M2
    F3,M3
"""


JOIN = "{mapping: melding, condition: {function: equal, parameters: [[str1, $(melding)], [str2, $(melding)]]}}"


@pytest.mark.parametrize(
    ("subject", "link"),
    [
        ("id:foto/$(foto)", "[def:melding, id:melding/$(melding)~iri]"),
        ("id:foto/$(foto)", f"[def:melding, {JOIN}]"),
        ("id:melding/$(melding)/foto/$(foto)", "[def:opmerking, foto]"),
    ],
    ids=["template", "join", "inside another template"],
)
def test_no_iri_minted_from_a_withheld_rows_key_is_published(tmp_path: Path, subject: str, link: str) -> None:
    body = f"""
    sources:
      meldingen: [data/meldingen.csv~csv]
      fotos: [data/fotos.csv~csv]
    mappings:
      melding:
        sources: meldingen
        s: id:melding/$(melding)
        po:
          - [a, def:Melding]
      foto:
        sources: fotos
        s: {subject}
        po:
          - {link}
    policy:
      rows:
        - {{where: {{column: soort, equals: geheim}}, source: meldingen, {ENTRY}}}
    """
    mapping = write(tmp_path, {"meldingen": MELDINGEN, "fotos": FOTOS}, body)
    text, _ = run([mapping])
    assert f"<{ID}melding/M1>" in text and f"<{ID}melding/M3>" in text
    assert "M2" not in text, [line for line in text.splitlines() if "M2" in line]


def test_links_from_another_dataset_to_a_withheld_row_or_dataset_are_left_out(tmp_path: Path) -> None:
    meldingen = write(
        tmp_path,
        {"meldingen": MELDINGEN},
        f"""
        sources:
          meldingen: [data/meldingen.csv~csv]
        mappings:
          melding:
            sources: meldingen
            s: id:melding/$(melding)
            po:
              - [a, def:Melding]
        policy:
          rows:
            - {{where: {{column: soort, in: [geheim]}}, {ENTRY}}}
        """,
    )
    opvang = write(
        tmp_path,
        {"opvang": "huis,adres\nH1,A1\n"},
        f"""
        sources:
          opvang: [data/opvang.csv~csv]
        mappings:
          huis:
            sources: opvang
            s: id:opvanghuis/$(huis)
            po:
              - [def:adres, $(adres)]
        policy:
          dataset: {{{ENTRY}}}
        """,
        slug="opvang",
    )
    fotos = write(
        tmp_path,
        {"fotos": FOTOS + "    F4,H1\n"},
        """
        sources:
          fotos: [data/fotos.csv~csv]
        mappings:
          foto:
            sources: fotos
            s: id:foto/$(foto)
            po:
              - [def:melding, id:melding/$(melding)~iri]
              - [def:opvanghuis, id:opvanghuis/$(melding)~iri]
        """,
        slug="fotos",
    )
    text, report = run([meldingen, opvang, fotos])
    assert f"<{ID}melding/M1>" in text
    assert f"{ID}melding/M2" not in text and f"{ID}opvanghuis/" not in text
    table = report.tables[("fotos", "data/fotos.csv")]
    assert table.withheld_links == 5  # M2, and each of the four links into the withheld dataset


def test_a_bsn_typed_as_a_number_is_scanned_as_it_is_published(tmp_path: Path) -> None:
    mapping = write(
        tmp_path,
        {"tellingen": "id,aantal\nT1,12\nT2,111222333.0\n"},
        """
        sources:
          tellingen: [data/tellingen.csv~csv]
        mappings:
          telling:
            sources: tellingen
            s: id:telling/$(id)
            po:
              - [def:aantal, $(aantal), xsd:integer]
        """,
        slug="tellingen",
    )
    with pytest.raises(PersonalDataFound) as found:
        run([mapping])
    assert "row 3, column 'aantal': a BSN" in str(found.value)
    assert "111222333" not in str(found.value)
