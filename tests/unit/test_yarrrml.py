"""Parsing YARRRML: the supported subset, and one-line errors that name the file and the problem."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent, indent

import pytest

from service.errors import MappingError
from service.mapping.model import (
    RDF_TYPE,
    XSD,
    DatasetMapping,
    FunctionCall,
    ParentRef,
    Reference,
    Template,
    TermMap,
)
from service.mapping.yarrrml import parse_mapping

ID = "https://data.groningen.nl/id/"
DEF = "https://data.groningen.nl/def/"
HEAD = """\
prefixes:
  id: "https://example.org/id/"
  def: "https://example.org/def/"
sources:
  bomen: [data/bomen.csv~csv]
"""


def write_mapping(tmp_path: Path, yaml_text: str, name: str = "bomen") -> Path:
    """The mapping in mappings/<name>.yml, with a small table in data/bomen.csv."""
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "bomen.csv").write_text("ID;NAAM;X;Y;BUURT\n1;Eik;233883;582065;BU1\n")
    (tmp_path / "mappings").mkdir(exist_ok=True)
    path = tmp_path / "mappings" / f"{name}.yml"
    path.write_text(dedent(yaml_text), encoding="utf-8")
    return path


def one_map(po: str, *, s: str = "id:boom/$(ID)", head: str = HEAD, tail: str = "") -> str:
    """A file with one mapping 'boom' over 'bomen', with the given po lines."""
    body = f"mappings:\n  boom:\n    sources: bomen\n    s: {s}\n    po:\n" + indent(dedent(po), "      ")
    return head + body + tail


def parse(tmp_path: Path, yaml_text: str) -> DatasetMapping:
    path = write_mapping(tmp_path, yaml_text)
    return parse_mapping(path, project=tmp_path, id_base=ID, def_base=DEF)


def parse_error(tmp_path: Path, yaml_text: str) -> str:
    """The message of the MappingError the file gives; checked to be one line naming the file."""
    with pytest.raises(MappingError) as caught:
        parse(tmp_path, yaml_text)
    message = str(caught.value)
    assert "\n" not in message, message
    assert message.startswith("bomen.yml"), message
    return message


def first_object(mapping: DatasetMapping, name: str = "boom", index: int = 0) -> TermMap | ParentRef:
    return mapping.triples_map(name).predicate_objects[index].objects[0]


# -- errors ----------------------------------------------------------------------------------------


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    message = parse_error(tmp_path, "prefixes:\n  def: x\nmappings: a: b\n")
    assert "invalid YAML" in message
    assert "line 3" in message


def test_unknown_prefix_is_named(tmp_path: Path) -> None:
    message = parse_error(tmp_path, one_map("- [foo:naam, $(NAAM)]\n"))
    assert "unknown prefix 'foo'" in message
    assert "mappings.boom.po[0]" in message


def test_unclosed_reference_in_template(tmp_path: Path) -> None:
    message = parse_error(tmp_path, one_map("- [a, def:Boom]\n", s="id:boom/$(ID"))
    assert "unclosed reference" in message
    assert "id:boom/$(ID" in message


def test_space_in_iri_template_constant(tmp_path: Path) -> None:
    message = parse_error(tmp_path, one_map("- [a, def:Boom]\n", s='"id:boom x/$(ID)"'))
    assert "malformed IRI template" in message
    assert "mappings.boom.s" in message


def test_line_break_in_iri_template_still_gives_a_one_line_error(tmp_path: Path) -> None:
    message = parse_error(tmp_path, one_map("- [a, def:Boom]\n", s='"id:boom\\nx/$(ID)"'))
    assert "malformed IRI template" in message


def test_unknown_top_level_key(tmp_path: Path) -> None:
    message = parse_error(tmp_path, one_map("- [a, def:Boom]\n", tail="grafiek: x\n"))
    assert "unknown top-level key(s) grafiek" in message


def test_unknown_function_is_refused(tmp_path: Path) -> None:
    head = HEAD.replace("prefixes:\n", 'prefixes:\n  grel: "http://users.ugent.be/~bjdmeest/function/grel.ttl#"\n')
    po = """\
    - p: def:naam
      o:
        function: grel:toUpperCase
        parameters:
          - [grel:valueParameter, $(NAAM)]
    """
    message = parse_error(tmp_path, one_map(po, head=head))
    assert "unknown function 'grel:toUpperCase'" in message


def test_missing_function_parameter_is_named(tmp_path: Path) -> None:
    po = """\
    - p: geo:asWKT
      o:
        function: ofn:wktPoint
        parameters:
          - [ofn:x, $(X)]
          - [ofn:crs, "EPSG:28992"]
        datatype: geo:wktLiteral
    """
    message = parse_error(tmp_path, one_map(po))
    assert "needs parameter(s) ofn:y" in message


def test_missing_source_file_is_named(tmp_path: Path) -> None:
    head = HEAD.replace("data/bomen.csv", "data/weg.csv")
    message = parse_error(tmp_path, one_map("- [a, def:Boom]\n", head=head))
    assert "source file 'data/weg.csv' does not exist" in message
    assert "sources.bomen" in message


def test_join_to_unknown_mapping(tmp_path: Path) -> None:
    message = parse_error(tmp_path, one_map("- p: def:buurt\n  o: {mapping: buurt}\n"))
    assert "join to unknown mapping 'buurt'" in message


def test_join_without_condition_across_sources_is_refused(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "buurten.csv").write_text("CODE;NAAM\nBU1;Centrum\n")
    text = one_map(
        "- p: def:buurt\n  o: {mapping: buurt}\n",
        tail="  buurt:\n    sources: [data/buurten.csv~csv]\n    s: id:buurt/$(CODE)\n",
    )
    message = parse_error(tmp_path, text)
    assert "same source" in message


def test_graph_key_is_refused(tmp_path: Path) -> None:
    text = one_map("- [a, def:Boom]\n").replace("    po:\n", "    g: id:graaf\n    po:\n")
    message = parse_error(tmp_path, text)
    assert "graphs are set per dataset" in message


def test_file_name_must_be_a_slug(tmp_path: Path) -> None:
    path = write_mapping(tmp_path, one_map("- [a, def:Boom]\n"), name="Bomen_2023")
    with pytest.raises(MappingError, match=r"^Bomen_2023\.yml: file name 'Bomen_2023' is not a slug"):
        parse_mapping(path, project=tmp_path, id_base=ID, def_base=DEF)


# -- the supported subset --------------------------------------------------------------------------


def test_language_tag_in_third_place(tmp_path: Path) -> None:
    mapping = parse(tmp_path, one_map("- [def:naam, $(NAAM), nl~lang]\n"))
    assert first_object(mapping) == TermMap(Template((Reference("NAAM"),)), "literal", None, "nl")


def test_datatype_in_third_place_is_expanded(tmp_path: Path) -> None:
    mapping = parse(tmp_path, one_map("- [def:x, $(X), xsd:integer]\n"))
    assert first_object(mapping) == TermMap(Template((Reference("X"),)), "literal", XSD + "integer")


def test_iri_object_template_expands_its_prefix(tmp_path: Path) -> None:
    mapping = parse(tmp_path, one_map("- [def:buurt, id:buurt/$(BUURT)~iri]\n"))
    assert first_object(mapping) == TermMap(Template((ID + "buurt/", Reference("BUURT"))), "iri")


def test_a_is_rdf_type_with_an_iri_constant_object(tmp_path: Path) -> None:
    mapping = parse(tmp_path, one_map("- [a, def:Boom]\n"))
    pom = mapping.triples_map("boom").predicate_objects[0]
    assert pom.predicates == (RDF_TYPE,)
    assert pom.objects == (TermMap(Template((DEF + "Boom",)), "iri"),)


def test_plain_constant_is_a_literal(tmp_path: Path) -> None:
    mapping = parse(tmp_path, one_map('- [def:gemeente, "Groningen"]\n'))
    assert first_object(mapping) == TermMap(Template(("Groningen",)), "literal")


def test_id_and_def_prefixes_are_rebound_to_the_bases(tmp_path: Path) -> None:
    mapping = parse(tmp_path, one_map("- [a, def:Boom]\n"))
    assert mapping.prefixes["id"] == ID
    assert mapping.prefixes["def"] == DEF
    assert mapping.triples_map("boom").subject.value == Template((ID + "boom/", Reference("ID")))


def test_function_object_with_datatype(tmp_path: Path) -> None:
    po = """\
    - p: geo:asWKT
      o:
        function: ofn:wktPoint
        parameters:
          - [ofn:x, $(X)]
          - [ofn:y, $(Y)]
          - [ofn:crs, "EPSG:28992"]
        datatype: geo:wktLiteral
    """
    obj = first_object(parse(tmp_path, one_map(po)))
    assert isinstance(obj, TermMap)
    assert isinstance(obj.value, FunctionCall)
    assert obj.value.function == "urn:openbaar:fn:wktPoint"
    assert obj.value.parameter("urn:openbaar:fn:crs") == Template(("EPSG:28992",))
    assert obj.datatype == "http://www.opengis.net/ont/geosparql#wktLiteral"


def test_join_condition_is_parsed(tmp_path: Path) -> None:
    po = """\
    - p: def:buurt
      o:
        mapping: boom
        condition:
          function: equal
          parameters:
            - [str1, $(BUURT)]
            - [str2, $(ID)]
    """
    obj = first_object(parse(tmp_path, one_map(po)))
    assert isinstance(obj, ParentRef)
    assert obj.mapping == "boom"
    assert [(c.child, c.parent) for c in obj.conditions] == [("BUURT", "ID")]


def test_source_dialect_keys_are_read(tmp_path: Path) -> None:
    head = HEAD.replace(
        "  bomen: [data/bomen.csv~csv]\n",
        '  bomen:\n    access: data/bomen.csv\n    delimiter: ";"\n    encoding: CP1252\n    decimal: ","\n',
    )
    mapping = parse(tmp_path, one_map("- [a, def:Boom]\n", head=head))
    dialect = mapping.triples_map("boom").source.dialect
    assert (dialect.delimiter, dialect.encoding, dialect.decimal) == (";", "cp1252", ",")


def test_slug_is_the_file_stem(tmp_path: Path) -> None:
    assert parse(tmp_path, one_map("- [a, def:Boom]\n")).slug == "bomen"


def test_withheld_columns_are_read(tmp_path: Path) -> None:
    tail = 'policy:\n  withheld:\n    - {column: NAAM, ground: "5.1(2)e", motivation: "privacy", since: 2024-01-01}\n'
    mapping = parse(tmp_path, one_map("- [a, def:Boom]\n", tail=tail))
    assert [w.column for w in mapping.withheld] == ["NAAM"]
