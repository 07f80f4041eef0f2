"""Our mapping functions: ofn:wktPoint (RD New / WGS84 to WKT) and ofn:postcode."""

from __future__ import annotations

import re

from service.mapping.functions import CRS84_IRI, CRS_IRI, FUNCTIONS, OFN, Context, Problem, check_constants

RD_IRI = "http://www.opengis.net/def/crs/EPSG/0/28992"
WGS84_IRI = "http://www.opengis.net/def/crs/EPSG/0/4326"
_POINT = re.compile(r"<(?P<crs>[^>]+)> POINT\((?P<a>\S+) (?P<b>\S+)\)")


def wkt_point(
    xs: list[str | None], ys: list[str | None], crs: str, target: str, decimal: str | None = None
) -> tuple[list[str | None], list[Problem]]:
    args = {OFN + "x": xs, OFN + "y": ys, OFN + "crs": crs, OFN + "target": target}
    return FUNCTIONS[OFN + "wktPoint"].apply(args, len(xs), Context(decimal))  # type: ignore[arg-type]


def postcode(values: list[str | None]) -> tuple[list[str | None], list[Problem]]:
    return FUNCTIONS[OFN + "postcode"].apply({OFN + "value": values}, len(values), Context(None))


def point(wkt: str | None) -> tuple[str, float, float]:
    """(CRS IRI, first coordinate, second coordinate) of a WKT point literal."""
    assert wkt is not None
    m = _POINT.fullmatch(wkt)
    assert m, wkt
    return m["crs"], float(m["a"]), float(m["b"])


# -- ofn:wktPoint ----------------------------------------------------------------------------------


def test_rd_new_point_is_converted_to_crs84() -> None:
    values, problems = wkt_point(["233883"], ["582065"], "EPSG:28992", "CRS84")
    crs, lon, lat = point(values[0])
    assert problems == []
    assert crs == CRS84_IRI
    assert abs(lon - 6.5682) < 1e-3
    assert abs(lat - 53.2194) < 1e-3


def test_rd_new_source_form_keeps_the_text_with_the_rd_iri() -> None:
    values, _ = wkt_point(["233883"], ["582065"], "EPSG:28992", "source")
    assert values == [f"<{RD_IRI}> POINT(233883 582065)"]
    assert CRS_IRI["EPSG:28992"] == RD_IRI


def test_wgs84_source_form_is_latitude_first() -> None:
    values, _ = wkt_point(["6.5682"], ["53.2194"], "EPSG:4326", "source")
    assert values == [f"<{WGS84_IRI}> POINT(53.2194 6.5682)"]


def test_wgs84_crs84_form_is_longitude_first() -> None:
    values, _ = wkt_point(["6.5682"], ["53.2194"], "EPSG:4326", "CRS84")
    assert values == [f"<{CRS84_IRI}> POINT(6.5682 53.2194)"]


def test_decimal_comma_coordinates_are_read() -> None:
    values, problems = wkt_point(["234083,271"], ["582065,5"], "EPSG:28992", "source")
    assert problems == []
    assert values == [f"<{RD_IRI}> POINT(234083.271 582065.5)"]


def test_empty_coordinate_gives_no_value_and_no_problem() -> None:
    values, problems = wkt_point([None, "233883"], ["582065", "582065"], "EPSG:28992", "CRS84")
    assert values[0] is None
    assert values[1] is not None
    assert problems == []


def test_rd_coordinates_outside_the_netherlands_give_a_problem_and_no_value() -> None:
    values, problems = wkt_point(["233883", "900000"], ["582065", "582065"], "EPSG:28992", "CRS84")
    assert values[0] is not None
    assert values[1] is None
    assert len(problems) == 1
    row, _, reason = problems[0]
    assert row == 1
    assert "outside the Netherlands" in reason


def test_wgs84_values_declared_as_rd_new_hint_at_wgs84() -> None:
    values, problems = wkt_point(["6.5682"], ["53.2194"], "EPSG:28992", "CRS84")
    assert values == [None]
    assert "EPSG:4326" in problems[0][2]


def test_rd_values_declared_as_wgs84_hint_at_rd_new() -> None:
    values, problems = wkt_point(["233883"], ["582065"], "EPSG:4326", "source")
    assert values == [None]
    assert "EPSG:28992" in problems[0][2]


def test_swapped_latitude_and_longitude_are_named() -> None:
    values, problems = wkt_point(["53.2194"], ["6.5682"], "EPSG:4326", "CRS84")
    assert values == [None]
    assert "swapped" in problems[0][2]


def test_coordinate_that_is_not_a_number_is_a_problem() -> None:
    values, problems = wkt_point(["onbekend"], ["582065"], "EPSG:28992", "source")
    assert values == [None]
    assert problems == [(0, OFN + "x", "'onbekend' is not a coordinate")]


def test_unsupported_crs_constant_is_refused() -> None:
    problem = check_constants(OFN + "wktPoint", {OFN + "crs": "EPSG:3857"})
    assert problem is not None
    assert "EPSG:3857" in problem


# -- ofn:postcode ----------------------------------------------------------------------------------


def test_postcode_with_space_and_lowercase_is_normalised() -> None:
    assert postcode(["9712 ge"]) == (["9712GE"], [])


def test_postcode_already_normal_is_kept() -> None:
    assert postcode(["9712GE"]) == (["9712GE"], [])


def test_postcode_of_five_digits_is_rejected() -> None:
    values, problems = postcode(["12345"])
    assert values == [None]
    assert len(problems) == 1
    assert "'12345' is not a Dutch postcode" in problems[0][2]


def test_postcode_empty_cell_gives_no_value_and_no_problem() -> None:
    assert postcode([None]) == ([None], [])
