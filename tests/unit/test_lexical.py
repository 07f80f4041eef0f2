"""Typed literals: municipal spellings are normalised to the canonical XSD form, or rejected with a reason."""

from __future__ import annotations

import pytest

from service.mapping.lexical import Checker, checker_for, decimal_text
from service.mapping.model import XSD


def checker(name: str, *, decimal: str | None = None, dates: str = "day-first") -> Checker:
    found = checker_for(XSD + name, decimal=decimal, dates=dates)
    assert found is not None, f"no checker for xsd:{name}"
    return found


# -- integers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [("8", "8"), ("-3", "-3"), ("8.0", "8"), ("+5", "5")])
def test_integer_is_normalised(text: str, expected: str) -> None:
    assert checker("integer").normalize(text) == expected


def test_integer_with_a_fraction_is_rejected_with_a_reason() -> None:
    check = checker("integer")
    assert check.normalize("8.5") is None
    assert "whole number" in check.explain("8.5")


def test_integer_that_is_not_a_number_is_rejected_with_a_reason() -> None:
    check = checker("integer")
    assert check.normalize("acht") is None
    assert "'acht' is not a number" in check.explain("acht")


def test_non_negative_integer_rejects_a_negative_value() -> None:
    assert checker("nonNegativeInteger").normalize("-3") is None


# -- decimals --------------------------------------------------------------------------------------


def test_decimal_comma_is_read_when_decimal_is_not_declared() -> None:
    assert checker("decimal").normalize("53,2071730") == "53.2071730"


def test_decimal_point_is_kept() -> None:
    assert checker("decimal").normalize("53.2") == "53.2"


def test_ambiguous_comma_is_rejected_with_a_reason_about_decimal() -> None:
    check = checker("decimal")
    assert check.normalize("1,234") is None
    reason = check.explain("1,234")
    assert "ambiguous" in reason
    assert "decimal" in reason


def test_declared_decimal_comma_reads_thousands_dots() -> None:
    assert checker("decimal", decimal=",").normalize("1.234,5") == "1234.5"


def test_declared_decimal_point_reads_thousands_commas() -> None:
    assert checker("decimal", decimal=".").normalize("1,234.5") == "1234.5"


def test_double_accepts_an_exponent() -> None:
    assert checker("double").normalize("1.5e3") == "1.5e3"


def test_decimal_text_reads_a_decimal_comma_coordinate() -> None:
    assert decimal_text("234083,271", None) == "234083.271"


# -- dates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["9-4-2023", "09-04-2023", "9/4/2023"])
def test_day_first_date_becomes_iso(text: str) -> None:
    assert checker("date").normalize(text) == "2023-04-09"


def test_iso_date_is_kept() -> None:
    assert checker("date").normalize("2023-04-09") == "2023-04-09"


def test_date_not_in_the_calendar_is_rejected_with_a_reason() -> None:
    check = checker("date")
    assert check.normalize("31-02-2023") is None
    assert "calendar" in check.explain("31-02-2023")


def test_iso_date_not_in_the_calendar_is_rejected() -> None:
    assert checker("date").normalize("2023-02-31") is None


def test_day_first_date_is_rejected_when_dates_are_declared_iso() -> None:
    assert checker("date", dates="iso").normalize("9-4-2023") is None


def test_day_first_date_under_dates_iso_is_explained_as_day_first() -> None:
    reason = checker("date", dates="iso").explain("9-4-2023")
    assert "day-first" in reason
    assert "calendar" not in reason


def test_datetime_with_space_becomes_iso() -> None:
    assert checker("dateTime").normalize("2023-04-09 12:30") == "2023-04-09T12:30:00"


# -- years and booleans ----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [("1965", "1965"), ("1965.0", "1965")])
def test_gyear_is_normalised(text: str, expected: str) -> None:
    assert checker("gYear").normalize(text) == expected


def test_gyear_that_is_not_a_year_is_rejected() -> None:
    check = checker("gYear")
    assert check.normalize("1965.5") is None
    assert "not a year" in check.explain("1965.5")


@pytest.mark.parametrize(("text", "expected"), [("ja", "true"), ("nee", "false"), ("Ja", "true"), ("0", "false")])
def test_boolean_dutch_words_are_read(text: str, expected: str) -> None:
    assert checker("boolean").normalize(text) == expected


def test_boolean_other_word_is_rejected_with_a_reason() -> None:
    check = checker("boolean")
    assert check.normalize("misschien") is None
    assert "yes/no" in check.explain("misschien")


# -- no checker ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "datatype",
    ["http://www.opengis.net/ont/geosparql#wktLiteral", XSD + "anyURI", XSD + "string", None],
)
def test_unchecked_datatype_has_no_checker(datatype: str | None) -> None:
    assert checker_for(datatype, decimal=None, dates="day-first") is None
