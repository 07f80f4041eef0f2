"""The output scanner: true positives of each kind, and the near misses it must let through."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from service.policy.model import Allowance
from service.policy.scanner import _SEARCHES, Scanner, elfproef, iban_valid, kinds_in, possible_kinds


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("123456782", "bsn"),
        ("klant met BSN 111222333 belde", "bsn"),
        ("j.devries@example.nl", "email"),
        ("mail naar info+groningen@wijkteam.example.org graag", "email"),
        ("06-12345678", "phone"),
        ("bel 06 12 34 56 78 na vijven", "phone"),
        ("+31 6 12345678", "phone"),
        ("+31 (0)50 367 8901", "phone"),
        ("0031 50 3678901", "phone"),
        ("050-3678901", "phone"),
        ("NL91ABNA0417164300", "iban"),
        ("over te maken op NL91 ABNA 0417 1643 00 o.v.v. zaak", "iban"),
        ("Bezoekadres: Hoofdstraat 12, 9712 AB Groningen", "address"),
        ("woont op 9712AB 12", "address"),
        # Formats the scanner missed (issue 10, item 5): each must be caught in a free-text column.
        ("111.222.333", "bsn"),
        ("BSN 111 22 2333 van de aanvrager", "bsn"),
        ("1112.22.333", "bsn"),
        ("111222333.0", "bsn"),  # as a decimal column publishes it
        ("12345672", "bsn"),  # 012345672 after a spreadsheet dropped the leading zero
        ("06 - 12 34 56 78", "phone"),
        ("bel (050) 367 89 11 op werkdagen", "phone"),
        ("06.12.34.56.78", "phone"),
        ("NL91-ABNA-0417-1643-00", "iban"),
        ("mail j.jansen [at] example.nl", "email"),
        ("j.jansen(at)example(dot)nl", "email"),
    ],
)
def test_true_positives(value: str, kind: str) -> None:
    assert kind in kinds_in(value)


@pytest.mark.parametrize(
    "value",
    [
        "123456789",  # nine digits that fail the elfproef
        "000000000",
        "1234567890",  # ten digits: not a BSN, and not a Dutch phone number (no leading 0)
        "PRD-0612345678",  # a product code that looks like a mobile number
        "artikel 0612345678X",
        "code 06123456789",  # eleven digits
        "NL91ABNA0417164301",  # an IBAN with a wrong check number
        "9712AB",  # a postcode on its own (a postcode column)
        "9712 AB",
        "HV-2022-00311",
        "233002.06",
        "53,2120742",
        "Eerste 24 uur gratis; daarna € 1,35 per dag.",
        "open 09:00-17:00, 1-7-2022",
        "user at example dot nl",
        # Near misses of the wider formats: dates, times, postcodes, numbers that fail the checks.
        "12345678",  # eight digits whose zero-padded form fails the elfproef
        "20220701",  # a date written as eight digits
        "01.07.2022",
        "111.222.334",  # grouped nine digits that fail the elfproef
        "123 456 789",
        "0.123456789",  # a decimal, not a phone number with dots
        "09.00 - 17.00 uur",
        "9712 AB Groningen",
        "kenmerk 2022-123456-7",
        "BU00141101",
        "NL91-ABNA-0417-1643-01",
    ],
)
def test_near_misses(value: str) -> None:
    assert kinds_in(value) == []


def test_elfproef_and_mod97() -> None:
    assert elfproef("123456782") and not elfproef("123456789") and not elfproef("12345678")
    assert iban_valid("NL91ABNA0417164300") and iban_valid("nl91 abna 0417 1643 00")
    assert not iban_valid("NL91ABNA041716430")  # one short for a Dutch IBAN


def test_a_hit_names_row_column_and_kind_never_the_value() -> None:
    scanner = Scanner("proef", "data/proef.csv", [])
    scanner.scan(["id", "opmerking"], [("A1", "geen"), ("A2", "bel 06-12345678")], [2, 3])
    (hit,) = scanner.hits
    assert (hit.dataset, hit.row, hit.column, hit.kind) == ("proef", 3, "opmerking", "phone")
    assert "12345678" not in hit.line()


def test_only_an_allow_entry_for_that_kind_and_column_overrides() -> None:
    rows, numbers = [("050-3678901", "06-12345678")], [2]
    allowed = Scanner("proef", "f.csv", [Allowance("phone", "Algemeen nummer.", "telefoon")])
    allowed.scan(["telefoon", "opmerking"], rows, numbers)
    assert [h.column for h in allowed.hits] == ["opmerking"]
    other_kind = Scanner("proef", "f.csv", [Allowance("email", "Algemeen adres.", "telefoon")])
    other_kind.scan(["telefoon", "opmerking"], rows, numbers)
    assert len(other_kind.hits) == 2


def test_a_typed_column_is_scanned_as_it_is_published() -> None:
    """111222333.0 in an integer column is published as 111222333: the normalised value is scanned too."""
    from service.mapping.lexical import checker_for

    normalize = checker_for("http://www.w3.org/2001/XMLSchema#integer", decimal=None, dates="day-first").normalize
    scanner = Scanner("proef", "f.csv", [], normalisers={"aantal": normalize})
    scanner.scan(["aantal"], [("12",), ("111222333.0",), ("12345672.0",)], [2, 3, 4])
    assert [(h.row, h.kind) for h in scanner.hits] == [(3, "bsn"), (4, "bsn")]


_NOISE = st.text(alphabet=st.sampled_from(list("0123456789 +()-@.,aZ\t\u00a0\u0663\u00e9\u00d7\x00")), max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_the_prefilter_never_rules_out_a_kind_whose_search_matches(data: st.DataObject) -> None:
    """The cheap prefilter may let through too much, never too little: a search match implies the kind is possible."""
    kind, pattern = data.draw(st.sampled_from(_SEARCHES))
    match = data.draw(st.from_regex(pattern, fullmatch=True))
    text = data.draw(_NOISE) + match + data.draw(_NOISE)
    assume(pattern.search(text) is not None)
    assert kind in possible_kinds(text), (kind, text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("123456789", "bsn"),
        ("012345678", "phone"),
        ("+ 1 2 3 4 5 6 7 8", "phone"),
        ("0(1)2-3 4 5 6 7 8", "phone"),
        ("12ABCD5678", "iban"),
        ("12 ABCD 5678", "iban"),
        ("1234AB", "address"),
        ("1234\u00a0AB", "address"),
        ("\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669", "bsn"),
        ("a@b", "email"),
    ],
)
def test_the_prefilter_keeps_the_shortest_matches(text: str, kind: str) -> None:
    assert kind in possible_kinds(text)


def test_the_prefilter_rules_out_plain_columns() -> None:
    assert possible_kinds("243908,454\x00587847,078\x00Tilia × europaea\x009-12 m\x00BU00141101") == frozenset()


def test_a_value_repeated_down_a_column_is_a_hit_on_every_row_holding_it_in_row_order() -> None:
    """Each distinct value is checked once per chunk: every row holding a hit is still counted and named."""
    scanner = Scanner("proef", "f.csv", [], keep=4)
    rows = [("111222333",), ("Plataan",), ("123456782",), ("111222333",), ("Plataan",), ("123456782",)]
    scanner.scan(["code"], rows, [10, 11, 12, 13, 14, 15])
    assert [(h.row, h.kind) for h in scanner.hits] == [(10, "bsn"), (12, "bsn"), (13, "bsn"), (15, "bsn")]
    assert scanner.total == 4


_POOL = ["111222333", "123456782", "Plataan", "06-12345678", "NL91ABNA0417164300", "jan@example.org", "9711 AB", "12"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_POOL), st.sampled_from(_POOL)), min_size=1, max_size=30))
def test_scanning_a_chunk_finds_what_scanning_each_row_alone_finds(rows: list[tuple[str, str]]) -> None:
    """Checking each distinct value once gives the same hits (and count) as checking every cell."""
    chunk = Scanner("proef", "f.csv", [], keep=1000)
    chunk.scan(["a", "b"], rows, list(range(len(rows))))
    alone = Scanner("proef", "f.csv", [], keep=1000)
    for number, row in enumerate(rows):
        alone.scan(["a", "b"], [row], [number])
    assert sorted(chunk.hits, key=repr) == sorted(alone.hits, key=repr) and chunk.total == alone.total
