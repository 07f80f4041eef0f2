"""Materialising small mappings over small tables, read back with a real N-Quads parser."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pyoxigraph
import pytest
from pyoxigraph import Literal, NamedNode, Quad

from service.errors import MappingError, SourceError
from service.mapping.materialize import Options, materialize
from service.mapping.model import RDF_TYPE, XSD, DatasetMapping
from service.mapping.plan import Entailment
from service.mapping.report import Issue, Report
from service.mapping.yarrrml import parse_mapping
from service.publishing.guards import GUARDS

ID = "https://data.groningen.nl/id/"
DEF = "https://data.groningen.nl/def/"
GRAPH_BASE = "https://data.groningen.nl/graph/"
DATASET_GRAPH = NamedNode(GRAPH_BASE + "bomen")
INFERRED_GRAPH = NamedNode(GRAPH_BASE + "inferred")
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
HEAD = """\
prefixes:
  id: "https://data.groningen.nl/id/"
  def: "https://data.groningen.nl/def/"
"""
BOMEN = "ID;NAAM;KIEMJAAR;BUURT\n1;Eik;1965;BU1\n2;Linde;1970.0;BU2\n"


def write_csv(tmp_path: Path, text: str, name: str = "bomen.csv") -> None:
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / name).write_text(text, encoding="utf-8")


def write_mapping(tmp_path: Path, yaml_text: str, name: str = "bomen") -> DatasetMapping:
    """Write mappings/<name>.yml (after the id:/def: prefixes) and parse it."""
    (tmp_path / "mappings").mkdir(exist_ok=True)
    path = tmp_path / "mappings" / f"{name}.yml"
    path.write_text(HEAD + dedent(yaml_text), encoding="utf-8")
    return parse_mapping(path, project=tmp_path, id_base=ID, def_base=DEF)


def boom_mapping(tmp_path: Path, csv_text: str, po: str) -> DatasetMapping:
    """One mapping 'boom' with subject id:boom/$(ID) over data/bomen.csv, with the given po lines."""
    write_csv(tmp_path, csv_text)
    lines = "".join(f"      {line}\n" for line in dedent(po).strip("\n").splitlines())
    return write_mapping(
        tmp_path,
        "sources:\n  bomen: [data/bomen.csv~csv]\nmappings:\n  boom:\n    sources: bomen\n"
        "    s: id:boom/$(ID)\n    po:\n" + lines,
    )


def run(mapping: DatasetMapping, entailment: Entailment | None = None, **options: float) -> tuple[str, Report]:
    report = Report()
    chunks = materialize(
        [mapping],
        options=Options(graph_base=GRAPH_BASE, **options),
        report=report,
        guards=GUARDS,
        entailment=entailment,
    )
    return b"".join(chunks).decode("utf-8"), report


def quads(text: str) -> set[Quad]:
    return set(pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.N_QUADS))


def graph(text: str, name: NamedNode = DATASET_GRAPH) -> set[tuple[str, str, str]]:
    """The triples of one graph, as N-Triples text of (subject, predicate, object)."""
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in quads(text) if q.graph_name == name}


def boom(local: str) -> NamedNode:
    return NamedNode(f"{ID}boom/{local}")


def d(local: str) -> NamedNode:
    return NamedNode(DEF + local)


def t(s: NamedNode, p: str | NamedNode, o: NamedNode | Literal) -> tuple[str, str, str]:
    return str(s), str(p if isinstance(p, NamedNode) else NamedNode(p)), str(o)


def issues(report: Report, level: str) -> list[Issue]:
    return [i for i in report.first if i.level == level]


# -- triples ---------------------------------------------------------------------------------------


def test_small_mapping_gives_the_expected_quads_in_the_dataset_graph(tmp_path: Path) -> None:
    mapping = boom_mapping(
        tmp_path,
        "ID;NAAM;KIEMJAAR\n1;Eik;1965.0\n",
        """
        - [a, def:Boom]
        - [def:naam, $(NAAM), nl~lang]
        - [def:kiemjaar, $(KIEMJAAR), xsd:gYear]
        """,
    )
    text, report = run(mapping)
    g = DATASET_GRAPH
    assert quads(text) == {
        Quad(boom("1"), NamedNode(RDF_TYPE), d("Boom"), g),
        Quad(boom("1"), d("naam"), Literal("Eik", language="nl"), g),
        Quad(boom("1"), d("kiemjaar"), Literal("1965", datatype=NamedNode(XSD + "gYear")), g),
    }
    assert report.total == 0


def test_empty_cell_gives_no_triple(tmp_path: Path) -> None:
    mapping = boom_mapping(tmp_path, "ID;NAAM\n1;\n2;Linde\n", "- [def:naam, $(NAAM)]")
    text, report = run(mapping)
    assert graph(text) == {t(boom("2"), d("naam"), Literal("Linde"))}
    assert report.total == 0


def test_null_word_in_a_text_column_gives_no_triple(tmp_path: Path) -> None:
    mapping = boom_mapping(tmp_path, "ID;NAAM\n1;Onbekend\n2;Linde\n", "- [def:naam, $(NAAM)]")
    text, _ = run(mapping)
    assert graph(text) == {t(boom("2"), d("naam"), Literal("Linde"))}


def test_empty_subject_is_an_error_issue_with_its_row_and_no_triples(tmp_path: Path) -> None:
    mapping = boom_mapping(tmp_path, "ID;NAAM\n1;Eik\n;Linde\n3;Beuk\n", "- [a, def:Boom]\n- [def:naam, $(NAAM)]")
    text, report = run(mapping)
    errors = issues(report, "error")
    assert [(i.file, i.row, i.column) for i in errors] == [("data/bomen.csv", 3, "ID")]
    assert {s for s, _, _ in graph(text)} == {str(boom("1")), str(boom("3"))}
    assert '"Linde"' not in text


def test_bad_typed_value_is_a_warning_with_file_row_and_column(tmp_path: Path) -> None:
    mapping = boom_mapping(tmp_path, "ID;KIEMJAAR\n1;1965\n2;oud\n", "- [def:kiemjaar, $(KIEMJAAR), xsd:gYear]")
    text, report = run(mapping)
    (warning,) = issues(report, "warning")
    assert (warning.dataset, warning.file, warning.row, warning.column) == ("bomen", "data/bomen.csv", 3, "KIEMJAAR")
    assert "'oud' is not a year" in warning.reason
    assert {s for s, _, _ in graph(text)} == {str(boom("1"))}


def test_null_word_in_a_typed_column_is_a_warning(tmp_path: Path) -> None:
    mapping = boom_mapping(tmp_path, "ID;AANTAL\n1;Onbekend\n", "- [def:aantal, $(AANTAL), xsd:integer]")
    text, report = run(mapping)
    assert graph(text) == set()
    assert [(i.row, i.column) for i in issues(report, "warning")] == [(2, "AANTAL")]


def test_typed_values_are_written_normalised(tmp_path: Path) -> None:
    mapping = boom_mapping(
        tmp_path,
        "ID;AANTAL;PLANTDATUM\n1;8.0;9-4-2023\n",
        "- [def:aantal, $(AANTAL), xsd:integer]\n- [def:plantdatum, $(PLANTDATUM), xsd:date]",
    )
    text, _ = run(mapping)
    assert graph(text) == {
        t(boom("1"), d("aantal"), Literal("8", datatype=NamedNode(XSD + "integer"))),
        t(boom("1"), d("plantdatum"), Literal("2023-04-09", datatype=NamedNode(XSD + "date"))),
    }


def test_malformed_row_is_an_error_issue_with_its_row_number(tmp_path: Path) -> None:
    mapping = boom_mapping(tmp_path, "ID;NAAM\n1;Eik\n2;Linde;extra\n3;Beuk\n", "- [def:naam, $(NAAM)]")
    text, report = run(mapping)
    assert [(i.row, i.column) for i in issues(report, "error")] == [(3, "*")]
    assert {s for s, _, _ in graph(text)} == {str(boom("1")), str(boom("3"))}


def test_iri_values_are_percent_encoded_in_subjects(tmp_path: Path) -> None:
    mapping = boom_mapping(tmp_path, "ID;NAAM\nA 1/é#2;Eik\n", "- [def:naam, $(NAAM)]")
    text, _ = run(mapping)
    assert graph(text) == {t(boom("A%201%2F%C3%A9%232"), d("naam"), Literal("Eik"))}


def test_literal_values_are_escaped(tmp_path: Path) -> None:
    mapping = boom_mapping(tmp_path, 'ID;NAAM\n1;"zei ""ja""\\\nnee"\n', "- [def:naam, $(NAAM)]")
    text, _ = run(mapping)
    assert graph(text) == {t(boom("1"), d("naam"), Literal('zei "ja"\\\nnee'))}


def test_reference_iri_object_keeps_an_absolute_iri_from_the_cell(tmp_path: Path) -> None:
    mapping = boom_mapping(
        tmp_path, "ID;WEBSITE\n1;https://www.groningen.nl/bomen\n", "- [def:website, $(WEBSITE)~iri]"
    )
    text, report = run(mapping)
    assert graph(text) == {t(boom("1"), d("website"), NamedNode("https://www.groningen.nl/bomen"))}
    assert report.total == 0


def test_wkt_point_function_gives_a_crs84_geometry_literal(tmp_path: Path) -> None:
    mapping = boom_mapping(
        tmp_path,
        "ID;X;Y\n1;233883;582065\n",
        """
        - p: geo:asWKT
          o:
            function: ofn:wktPoint
            parameters:
              - [ofn:x, $(X)]
              - [ofn:y, $(Y)]
              - [ofn:crs, "EPSG:28992"]
              - [ofn:target, source]
            datatype: geo:wktLiteral
        """,
    )
    text, _ = run(mapping)
    wkt = Literal(
        "<http://www.opengis.net/def/crs/EPSG/0/28992> POINT(233883 582065)",
        datatype=NamedNode("http://www.opengis.net/ont/geosparql#wktLiteral"),
    )
    assert graph(text) == {t(boom("1"), "http://www.opengis.net/ont/geosparql#asWKT", wkt)}


def test_out_of_range_coordinates_are_a_warning_on_both_coordinate_columns(tmp_path: Path) -> None:
    mapping = boom_mapping(
        tmp_path,
        "ID;X;Y\n1;6.5;53.2\n",
        """
        - p: geo:asWKT
          o:
            function: ofn:wktPoint
            parameters: [[ofn:x, $(X)], [ofn:y, $(Y)], [ofn:crs, "EPSG:28992"]]
            datatype: geo:wktLiteral
        """,
    )
    text, report = run(mapping)
    assert graph(text) == set()
    (warning,) = issues(report, "warning")
    assert (warning.row, warning.column) == (2, "X, Y")
    assert "EPSG:4326" in warning.reason


# -- joins -----------------------------------------------------------------------------------------


JOIN_TO_BUURT = """\
sources:
  bomen: [data/bomen.csv~csv]
  buurten: [data/buurten.csv~csv]
mappings:
  boom:
    sources: bomen
    s: id:boom/$(ID)
    po:
      - p: def:buurt
        o: {mapping: buurt, condition: {function: equal, parameters: [[str1, $(BUURT)], [str2, $(CODE)]]}}
  buurt:
    sources: buurten
    s: id:buurt/$(NR)
"""


def test_join_with_condition_links_child_to_parent_subjects(tmp_path: Path) -> None:
    write_csv(tmp_path, BOMEN)
    write_csv(tmp_path, "NR;CODE;NAAM\n7;BU1;Centrum\n8;BU2;Oost\n", "buurten.csv")
    text, _ = run(write_mapping(tmp_path, JOIN_TO_BUURT))
    assert graph(text) == {
        t(boom("1"), d("buurt"), NamedNode(ID + "buurt/7")),
        t(boom("2"), d("buurt"), NamedNode(ID + "buurt/8")),
    }


def test_join_condition_in_long_form_is_the_same_join(tmp_path: Path) -> None:
    write_csv(tmp_path, BOMEN)
    write_csv(tmp_path, "NR;CODE\n7;BU1\n8;BU2\n", "buurten.csv")
    long_form = JOIN_TO_BUURT.replace(
        "        o: {mapping: buurt, condition: {function: equal, parameters: [[str1, $(BUURT)], [str2, $(CODE)]]}}",
        "        o:\n          mapping: buurt\n          condition:\n            function: equal\n"
        "            parameters: [[str1, $(BUURT)], [str2, $(CODE)]]",
    )
    assert long_form != JOIN_TO_BUURT
    assert graph(run(write_mapping(tmp_path, long_form))[0]) == graph(run(write_mapping(tmp_path, JOIN_TO_BUURT))[0])


def test_join_with_condition_and_no_matching_parent_gives_no_triple(tmp_path: Path) -> None:
    write_csv(tmp_path, BOMEN)
    write_csv(tmp_path, "NR;CODE\n7;BU1\n", "buurten.csv")
    text, _ = run(write_mapping(tmp_path, JOIN_TO_BUURT))
    assert graph(text) == {t(boom("1"), d("buurt"), NamedNode(ID + "buurt/7"))}


def test_join_without_condition_on_the_same_source_links_the_same_row(tmp_path: Path) -> None:
    write_csv(tmp_path, BOMEN)
    mapping = write_mapping(
        tmp_path,
        """\
        sources:
          bomen: [data/bomen.csv~csv]
        mappings:
          boom:
            sources: bomen
            s: id:boom/$(ID)
            po:
              - p: geo:hasGeometry
                o: {mapping: geometrie}
          geometrie:
            sources: bomen
            s: id:boom/$(ID)/geometrie
            po:
              - [a, geo:Geometry]
        """,
    )
    text, _ = run(mapping)
    has_geometry = "http://www.opengis.net/ont/geosparql#hasGeometry"
    linked = {(s, o) for s, p, o in graph(text) if p == f"<{has_geometry}>"}
    assert linked == {(str(boom("1")), str(boom("1/geometrie"))), (str(boom("2")), str(boom("2/geometrie")))}


# -- entailment ------------------------------------------------------------------------------------

ENTAILMENT = Entailment(
    superproperties={DEF + "naam": (RDFS_LABEL,)},
    inverses={DEF + "buurt": (DEF + "heeftBoom",)},
    superclasses={DEF + "Boom": (DEF + "Plant",), DEF + "Eik": (DEF + "Boom", DEF + "Plant")},
)
ENTAILED_PO = """
- [a, def:Boom]
- [def:naam, $(NAAM), nl~lang]
- [def:buurt, id:buurt/$(BUURT)~iri]
"""


def test_superproperty_triple_goes_to_the_inferred_graph(tmp_path: Path) -> None:
    text, _ = run(boom_mapping(tmp_path, BOMEN, ENTAILED_PO), ENTAILMENT)
    assert t(boom("1"), RDFS_LABEL, Literal("Eik", language="nl")) in graph(text, INFERRED_GRAPH)


def test_inverse_triple_goes_to_the_inferred_graph(tmp_path: Path) -> None:
    text, _ = run(boom_mapping(tmp_path, BOMEN, ENTAILED_PO), ENTAILMENT)
    assert t(NamedNode(ID + "buurt/BU1"), d("heeftBoom"), boom("1")) in graph(text, INFERRED_GRAPH)


def test_superclass_triple_goes_to_the_inferred_graph(tmp_path: Path) -> None:
    text, _ = run(boom_mapping(tmp_path, BOMEN, ENTAILED_PO), ENTAILMENT)
    assert t(boom("1"), RDF_TYPE, d("Plant")) in graph(text, INFERRED_GRAPH)


def test_superclass_of_a_type_from_the_data_goes_to_the_inferred_graph(tmp_path: Path) -> None:
    mapping = boom_mapping(tmp_path, "ID;SOORT\n1;Eik\n", "- [a, def:$(SOORT)~iri]")
    text, _ = run(mapping, ENTAILMENT)
    assert graph(text) == {t(boom("1"), RDF_TYPE, d("Eik"))}
    assert graph(text, INFERRED_GRAPH) == {t(boom("1"), RDF_TYPE, d("Boom")), t(boom("1"), RDF_TYPE, d("Plant"))}


def test_inferred_triples_stay_out_of_the_dataset_graph(tmp_path: Path) -> None:
    mapping = boom_mapping(tmp_path, BOMEN, ENTAILED_PO)
    plain, _ = run(mapping)
    entailed, _ = run(mapping, ENTAILMENT)
    assert graph(entailed) == graph(plain)
    assert graph(entailed, INFERRED_GRAPH)
    assert {q.graph_name for q in quads(entailed)} == {DATASET_GRAPH, INFERRED_GRAPH}


def test_inferred_triples_are_counted_apart(tmp_path: Path) -> None:
    text, report = run(boom_mapping(tmp_path, BOMEN, ENTAILED_PO), ENTAILMENT)
    stats = report.tables[("bomen", "data/bomen.csv")]
    assert stats.rows == 2
    assert stats.triples == len(graph(text))
    assert stats.inferred == len(graph(text, INFERRED_GRAPH))


def test_same_input_gives_byte_identical_output(tmp_path: Path) -> None:
    rows = "".join(f"{i};Boom {i};19{i % 100:02d};BU{i % 3}\n" for i in range(50))
    mapping = boom_mapping(tmp_path, "ID;NAAM;KIEMJAAR;BUURT\n" + rows, ENTAILED_PO)
    first, _ = run(mapping, ENTAILMENT, chunk_rows=7)
    second, _ = run(mapping, ENTAILMENT, chunk_rows=7)
    assert first == second
    assert len(quads(first)) == first.count("\n")


# -- failing the build -----------------------------------------------------------------------------


def year_table(bad: int, rows: int = 20) -> str:
    return "ID;KIEMJAAR\n" + "".join(f"{i};{'oud' if i < bad else 1965}\n" for i in range(rows))


def test_too_many_bad_rows_fail_naming_the_file(tmp_path: Path) -> None:
    mapping = boom_mapping(tmp_path, year_table(bad=2), "- [def:kiemjaar, $(KIEMJAAR), xsd:gYear]")
    with pytest.raises(SourceError) as caught:
        run(mapping)
    message = str(caught.value)
    assert message.startswith("bomen.csv:")
    assert "2 of 20 rows" in message


def test_bad_rows_at_the_allowed_share_do_not_fail(tmp_path: Path) -> None:
    mapping = boom_mapping(tmp_path, year_table(bad=1), "- [def:kiemjaar, $(KIEMJAAR), xsd:gYear]")
    text, report = run(mapping)
    assert len(graph(text)) == 19
    assert report.total == 1


def test_small_tables_are_not_failed_for_their_share_of_bad_rows(tmp_path: Path) -> None:
    mapping = boom_mapping(tmp_path, year_table(bad=5, rows=19), "- [def:kiemjaar, $(KIEMJAAR), xsd:gYear]")
    text, report = run(mapping)
    assert len(graph(text)) == 14
    assert report.total == 5


def test_withheld_column_used_by_the_mapping_fails(tmp_path: Path) -> None:
    write_csv(tmp_path, "ID;AANVRAGER\n1;J. Jansen\n")
    mapping = write_mapping(
        tmp_path,
        """\
        sources:
          bomen: [data/bomen.csv~csv]
        mappings:
          boom:
            sources: bomen
            s: id:boom/$(ID)
            po:
              - [def:aanvrager, $(AANVRAGER)]
        policy:
          withheld:
            - column: AANVRAGER
              ground: "5.1(2)e"
              motivation: "Naam van een natuurlijk persoon."
              since: 2024-01-01
        """,
    )
    with pytest.raises(MappingError) as caught:
        run(mapping)
    message = str(caught.value)
    assert message.startswith("bomen.yml at mappings.boom.po[0]:")
    assert "'AANVRAGER' is withheld" in message


def test_missing_column_fails_naming_the_file_and_column(tmp_path: Path) -> None:
    mapping = boom_mapping(tmp_path, "ID;NAAM\n1;Eik\n", "- [def:soort, $(SOORT)]")
    with pytest.raises(SourceError) as caught:
        run(mapping)
    assert str(caught.value).startswith("bomen.csv: column(s) 'SOORT'")


def test_a_dropped_index_column_is_noted_but_not_counted_as_a_bad_row(tmp_path: Path) -> None:
    mapping = boom_mapping(tmp_path, ",ID;NAAM\n0,1;Linde\n".replace(",", ";"), "- [def:naam, $(NAAM)]")
    text, report = run(mapping)
    assert graph(text) == {t(boom("1"), d("naam"), Literal("Linde"))}
    (note,) = issues(report, "note")
    assert note.column == "(unnamed)" and "index" in note.reason
    assert not next(iter(report.tables.values())).bad_rows


def test_table_stats_count_exactly_the_lines_written_per_graph(tmp_path: Path) -> None:
    mapping = boom_mapping(
        tmp_path,
        "ID;NAAM;BUURT\n1;Linde;BU1\n2;Eik;\n;Beuk;BU2\n",
        """
        - [a, def:Boom]
        - [def:naam, $(NAAM), nl~lang]
        - [def:buurt, id:buurt/$(BUURT)~iri]
        """,
    )
    entailment = Entailment(
        superclasses={DEF + "Boom": (DEF + "Ding", DEF + "Object")}, inverses={DEF + "buurt": (DEF + "bevat",)}
    )
    text, report = run(mapping, entailment)
    (stats,) = report.tables.values()
    written = text.splitlines()
    inferred = [line for line in written if line.endswith(f"<{GRAPH_BASE}inferred> .")]
    assert stats.inferred == len(inferred) == 2 * 2 + 1
    assert stats.triples == len(written) - len(inferred) == 2 * 3 - 1


def test_quotes_backslashes_and_line_breaks_survive_in_plain_and_template_literals(tmp_path: Path) -> None:
    csv_text = 'ID;NAAM\n1;Linde\n2;"De ""oude"" eik\\\nbij de kerk"\n3;Beuk\n'
    mapping = boom_mapping(
        tmp_path,
        csv_text,
        """
        - [def:naam, $(NAAM)]
        - [def:label, "boom $(NAAM)", nl~lang]
        """,
    )
    text, report = run(mapping)
    values = {
        (q.subject.value, q.predicate.value): q.object.value
        for q in pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.N_QUADS)
    }
    tricky = 'De "oude" eik\\\nbij de kerk'
    assert values[(ID + "boom/2", DEF + "naam")] == tricky
    assert values[(ID + "boom/2", DEF + "label")] == "boom " + tricky
    assert values[(ID + "boom/1", DEF + "naam")] == "Linde"
    assert report.total == 0
