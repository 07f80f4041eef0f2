"""Functions that real exports need for references and values: ofn:integer, ofn:pad, ofn:collapse, ofn:slug, ofn:wkt."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import Literal, NamedNode

from service.mapping.functions import FUNCTIONS, OFN, Context, Problem
from tests.unit.test_materialize import ID, boom, graph, run, t, write_csv, write_mapping

GEO_WKT = "http://www.opengis.net/ont/geosparql#asWKT"
WKT = NamedNode("http://www.opengis.net/ont/geosparql#wktLiteral")


def call(name: str, values: list[str | None], **constants: str) -> tuple[list[str | None], list[Problem]]:
    args: dict[str, object] = {OFN + "value": values}
    args.update({OFN + k: v for k, v in constants.items()})
    return FUNCTIONS[OFN + name].apply(args, len(values), Context(None))  # type: ignore[arg-type]


def test_integer_writes_integer_looking_numbers_without_their_fraction() -> None:
    values, problems = call("integer", ["8.0", "8", " 12 ", "0008", "-3.00", "8,0", None])
    assert values == ["8", "8", "12", "8", "-3", "8", None]
    assert problems == []


def test_integer_rejects_a_number_with_a_fraction_naming_the_value() -> None:
    values, problems = call("integer", ["8.5", "acht"])
    assert values == [None, None]
    assert [p[0] for p in problems] == [0, 1]
    assert "'8.5'" in problems[0][2] and "whole number" in problems[0][2]


def test_pad_zero_fills_to_the_width_after_normalising_the_number() -> None:
    values, problems = call("pad", ["7", "14.0", "12345", "x"], width="4")
    assert values == ["0007", "0014", "12345", None]
    assert len(problems) == 1 and "'x'" in problems[0][2]


def test_collapse_joins_runs_of_whitespace_into_one_space() -> None:
    values, _ = call("collapse", ["  Grote  Markt\n35\t ", "a\u00a0 b", "   "])
    assert values == ["Grote Markt 35", "a b", None]


def test_slug_is_lowercase_ascii_words_joined_by_hyphens() -> None:
    values, _ = call("slug", ["Medische heroïnepost", "  Café 't Zwarte Schaap! ", "---"])
    assert values == ["medische-heroinepost", "cafe-t-zwarte-schaap", None]


def test_wkt_reads_wgs84_polygons_and_writes_crs84_and_the_source_form() -> None:
    polygon = "POLYGON ((6.56 53.21, 6.57 53.21, 6.57 53.22, 6.56 53.21))"
    crs84, problems = call("wkt", [polygon], crs="EPSG:4326", target="CRS84")
    assert problems == []
    assert crs84 == ["<http://www.opengis.net/def/crs/OGC/1.3/CRS84> " + polygon]
    source, _ = call("wkt", [polygon], crs="EPSG:4326", target="source")
    # EPSG:4326 is latitude first: the source form swaps every pair.
    assert source == [
        "<http://www.opengis.net/def/crs/EPSG/0/4326> POLYGON ((53.21 6.56, 53.21 6.57, 53.22 6.57, 53.21 6.56))"
    ]


def test_wkt_converts_rd_new_lines_and_rejects_what_is_not_wkt() -> None:
    values, problems = call(
        "wkt", ["LINESTRING (234083.271 582012.741, 234466.513 582165.722)", "CIRCLE (1 2)"], crs="EPSG:28992"
    )
    assert values[0] is not None and values[0].startswith("<http://www.opengis.net/def/crs/OGC/1.3/CRS84> LINESTRING (")
    assert "6.5711806 53.2188805" in values[0]
    assert values[1] is None and "not WKT" in problems[0][2]


def test_a_subject_made_by_a_function_has_no_fraction_in_its_iri(tmp_path: Path) -> None:
    """The reported failure: `8.0` stayed in /id/coffeeshop/8.0."""
    write_csv(tmp_path, "NR;NAAM\n8.0;De Vlieger\n12;Het Paleis\n")
    mapping = write_mapping(
        tmp_path,
        """\
        prefixes:
          ofn: "urn:openbaar:fn:"
        sources:
          bomen: [data/bomen.csv~csv]
        mappings:
          boom:
            sources: bomen
            s:
              function: ofn:integer
              parameters:
                - [ofn:value, $(NR)]
                - [ofn:prefix, id:boom/]
            po:
              - [def:naam, $(NAAM)]
              - p: def:buurt
                o:
                  function: ofn:slug
                  type: iri
                  parameters:
                    - [ofn:value, $(NAAM)]
                    - [ofn:prefix, id:buurt/]
        """,
    )
    text, report = run(mapping)
    triples = graph(text)
    assert t(boom("8"), "https://data.groningen.nl/def/naam", Literal("De Vlieger")) in triples
    assert t(boom("12"), "https://data.groningen.nl/def/buurt", NamedNode(ID + "buurt/het-paleis")) in triples
    assert not any("8.0" in s for s, _, _ in triples)
    assert report.total == 0
