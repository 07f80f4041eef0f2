"""N-Triples text for terms: percent-encoding of template values and literal escaping."""

from __future__ import annotations

import pyoxigraph
import pytest

from service.mapping.terms import iri_safe, is_absolute_iri, is_language_tag, literal


def parse_literal(text: str) -> str:
    """The value of a literal written as N-Triples object text, as a real parser reads it."""
    quad = next(iter(pyoxigraph.parse(f"<http://a> <http://b> {text} .\n", format=pyoxigraph.RdfFormat.N_TRIPLES)))
    assert isinstance(quad.object, pyoxigraph.Literal)
    return quad.object.value


# -- iri_safe --------------------------------------------------------------------------------------


def test_iri_safe_keeps_unreserved_characters() -> None:
    value = "AZaz09-._~"
    assert iri_safe(value) == value


@pytest.mark.parametrize(("value", "expected"), [(" ", "%20"), ("/", "%2F"), ("#", "%23"), ("?", "%3F")])
def test_iri_safe_encodes_reserved_characters(value: str, expected: str) -> None:
    assert iri_safe(f"a{value}b") == f"a{expected}b"


def test_iri_safe_encodes_non_ascii_as_utf8_bytes() -> None:
    # docs/mapping.md: "so é becomes %C3%A9, as in Morph-KGC"
    assert iri_safe("Café") == "Caf%C3%A9"


def test_iri_safe_encodes_percent_itself() -> None:
    assert iri_safe("50%") == "50%25"


def test_iri_safe_result_is_a_valid_iri_tail() -> None:
    iri = "https://data.groningen.nl/id/boom/" + iri_safe('A 1/#?<>"{}|\\^`é')
    assert is_absolute_iri(iri)
    assert pyoxigraph.NamedNode(iri).value == iri


# -- literal ---------------------------------------------------------------------------------------


def test_plain_literal_is_quoted() -> None:
    assert literal("Eik") == '"Eik"'


@pytest.mark.parametrize(
    ("value", "written"),
    [('zei "ja"', '"zei \\"ja\\""'), ("a\\b", '"a\\\\b"'), ("a\nb", '"a\\nb"'), ("a\rb", '"a\\rb"')],
)
def test_literal_escapes_quotes_backslash_and_line_breaks(value: str, written: str) -> None:
    assert literal(value) == written


def test_escaped_literal_round_trips_through_a_parser() -> None:
    value = 'een "boom"\\tak\r\nop twee regels'
    assert parse_literal(literal(value)) == value


# -- checks ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("https://a.nl/x", True), ("urn:x:y", True), ("boom/1", False), ("https://a.nl/a b", False)],
)
def test_is_absolute_iri(text: str, expected: bool) -> None:
    assert is_absolute_iri(text) is expected


@pytest.mark.parametrize(("text", "expected"), [("nl", True), ("nl-NL", True), ("n l", False), ("", False)])
def test_is_language_tag(text: str, expected: bool) -> None:
    assert is_language_tag(text) is expected
