"""Two properties of the privacy guard, over generated projects built for real.

- Personal data in a published column, in any written form the scanner knows, in a column of its own or in
  free text, typed or not, stops the build naming row, column and kind, never the value.
- Two aggregates of one source either fail the build, naming both, or cannot be subtracted into a small count.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from hypothesis import example, given
from hypothesis import strategies as st

from service.config import Settings

from .conftest import serve, stop
from .support.tinyproject import new_project, write_mapping, write_table
from .test_policy_differencing import telling
from .test_policy_leaks import ENTRY, ID, SETTINGS, TOKEN, run_build

pytestmark = pytest.mark.slow


# -- personal data in a published column, in every written form -----------------------------------


@st.composite
def bsns(draw: st.DrawFn) -> str:
    """A valid BSN: eight digits and the check digit the elfproef needs (none when it would be 10)."""
    head = draw(st.lists(st.integers(0, 9), min_size=8, max_size=8))
    check = sum(d * w for d, w in zip(head, range(9, 1, -1), strict=True)) % 11
    if check == 10 or not any(head):
        head, check = [1, 1, 1, 2, 2, 2, 3, 3], 3
    return "".join(map(str, head)) + str(check)


@st.composite
def ibans(draw: st.DrawFn) -> str:
    bank = draw(st.sampled_from(["ABNA", "RABO", "INGB", "TRIO"]))
    account = "".join(map(str, draw(st.lists(st.integers(0, 9), min_size=10, max_size=10))))
    number = int("".join(str(int(c, 36)) for c in bank + account + "NL00"))
    return f"NL{98 - number % 97:02d}{bank}{account}"


@st.composite
def eight_digit_bsns(draw: st.DrawFn) -> str:
    """A BSN with a leading zero as a spreadsheet writes it: eight digits, not a date."""
    head = draw(st.lists(st.integers(0, 9), min_size=7, max_size=7).filter(lambda h: h[0] != 0))
    check = sum(d * w for d, w in zip(head, range(8, 1, -1), strict=True)) % 11
    value = "".join(map(str, head)) + str(check)
    if check == 10 or _reads_as_date(value):
        return "12345672"
    return value


def _reads_as_date(digits: str) -> bool:
    for year, month, day in ((digits[:4], digits[4:6], digits[6:]), (digits[4:], digits[2:4], digits[:2])):
        if 1800 <= int(year) <= 2200 and 1 <= int(month) <= 12 and 1 <= int(day) <= 31:
            return True
    return False


def _phone_digits(draw: st.DrawFn) -> list[str]:
    return [str(d) for d in draw(st.lists(st.integers(0, 9), min_size=8, max_size=8))]


@st.composite
def personal_data(draw: st.DrawFn) -> tuple[str, str, str]:
    """(kind, the value as written, "integer" when it sits in a column typed as a number)."""
    form = draw(
        st.sampled_from(
            [
                *("bsn", "bsn dots", "bsn 3-2-4", "bsn eight", "bsn float"),
                *("mobile", "landline", "mobile dots", "iban", "at"),
            ]
        )
    )
    if form.startswith("bsn"):
        bsn = draw(bsns())
        if form == "bsn eight":
            return "bsn", draw(eight_digit_bsns()), "integer"
        written = {
            "bsn": bsn,
            "bsn dots": f"{bsn[:3]}.{bsn[3:6]}.{bsn[6:]}",
            "bsn 3-2-4": f"{bsn[:3]} {bsn[3:5]} {bsn[5:]}",
            "bsn float": f"{bsn}.0",
        }[form]
        return "bsn", written, "integer" if form == "bsn float" else "text"
    d = _phone_digits(draw)
    if form == "mobile":
        return "phone", f"06 - {''.join(d[:2])} {''.join(d[2:4])} {''.join(d[4:6])} {''.join(d[6:])}", "text"
    if form == "landline":
        return "phone", f"(050) {''.join(d[:3])} {''.join(d[3:5])} {''.join(d[5:7])}", "text"
    if form == "mobile dots":
        return "phone", f"06.{''.join(d[:2])}.{''.join(d[2:4])}.{''.join(d[4:6])}.{''.join(d[6:])}", "text"
    if form == "iban":
        iban = draw(ibans())
        return "iban", "-".join(iban[i : i + 4] for i in range(0, len(iban), 4)), "text"
    name = draw(TOKEN)
    return "email", f"j.{name} [at] example.nl", "text"


#: Each written form the issue reported, always tried besides the generated ones.
REPORTED_FORMS = [
    ("bsn", "111222333.0", "integer"),  # normalised to 111222333 when published
    ("bsn", "111.222.333", "text"),
    ("bsn", "111 22 2333", "text"),
    ("bsn", "12345672", "integer"),  # 012345672 without its leading zero
    ("phone", "06 - 12 34 56 78", "text"),
    ("phone", "(050) 367 89 11", "text"),
    ("phone", "06.12.34.56.78", "text"),
    ("iban", "NL91-ABNA-0417-1643-00", "text"),
    ("email", "j.jansen [at] example.nl", "text"),
]


def _with_reported_forms(test: Callable[..., None]) -> Callable[..., None]:
    for i, form in enumerate(REPORTED_FORMS):
        test = example(found=form, free=i % 2 == 1, row=2 + i % 5)(test)
    return test


@SETTINGS
@_with_reported_forms
@given(personal_data(), st.booleans(), st.integers(2, 6))
def test_personal_data_in_any_written_form_stops_the_build(found: tuple[str, str, str], free: bool, row: int) -> None:
    kind, value, typed = found
    label = {"bsn": "a BSN", "phone": "a Dutch phone number", "iban": "an IBAN", "email": "an e-mail address"}[kind]
    text = f"graag contact: {value}, dank" if free and typed == "text" else value
    cells = [[f"R{i}", "12" if typed == "integer" else "geen bijzonderheden"] for i in range(1, 8)]
    cells[row - 2][1] = text
    datatype = ", xsd:integer" if typed == "integer" else ", nl~lang"
    with tempfile.TemporaryDirectory() as tmp:
        project = new_project(Path(tmp) / "project")
        write_table(project, "rijen", ["id", "veld"], cells)
        body = f"""
sources:
  rijen: [data/rijen.csv~csv]
mappings:
  rij:
    sources: rijen
    s: id:rij/$(id)
    po:
      - [a, def:Boom]
      - [def:{"aantal" if typed == "integer" else "opmerking"}, $(veld){datatype}]
"""
        write_mapping(project, "proef", body)
        built = run_build(project, Path(tmp) / "home")
        output = built.stdout + built.stderr
        reports = "".join(p.read_text() for p in (Path(tmp) / "home").rglob("*.json*"))
        assert built.returncode != 0, f"{value!r} ({kind}) was published"
        assert f"row {row}, column 'veld': {label}" in " ".join(output.split()), output
        assert value not in output + reports


# -- two aggregates of one source -----------------------------------------------------------------


@st.composite
def populations(draw: st.DrawFn) -> dict:
    wijken = []
    for w in range(draw(st.integers(1, 3))):
        wijken.append((f"W{w}", draw(st.integers(0, 8)), draw(st.integers(0, 20))))
    return {"wijken": wijken, "threshold": draw(st.integers(3, 6))}


def _pair(project: Path, case: dict) -> None:
    people = [[f"P{w}-{i}", wijk, "X"] for w, (wijk, x, _) in enumerate(case["wijken"]) for i in range(x)]
    people += [[f"Q{w}-{i}", wijk, "Y"] for w, (wijk, _, y) in enumerate(case["wijken"]) for i in range(y)]
    write_table(project, "personen", ["persoon", "wijk", "categorie"], people or [["P", "W0", "Y"]])
    aggregate = f"    - {{source: personen, by: [wijk], threshold: {case['threshold']}, {ENTRY}}}\n"
    without_x = f"  rows:\n    - {{where: {{column: categorie, equals: X}}, {ENTRY}}}\n"
    for slug, extra in (("per-wijk", ""), ("zonder-x", without_x)):
        write_mapping(project, slug, telling(slug), "policy:\n  aggregate:\n" + aggregate + extra)


@SETTINGS
@example({"wijken": [("W1", 3, 10), ("W2", 0, 12)], "threshold": 5})  # the reported pair: 13 and 10, a 3
@given(populations())
def test_two_aggregates_of_one_source_never_subtract_into_a_small_count(case: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project = new_project(Path(tmp) / "project")
        _pair(project, case)
        home = Path(tmp) / "home"
        built = run_build(project, home)
        output = built.stdout + built.stderr
        if built.returncode != 0:
            assert "'per-wijk'" in output and "'zonder-x'" in output and "under" in output, output
            return
        served = serve(Settings(project=project, home=home), workers=1)
        try:
            query = "SELECT ?s ?n WHERE { ?s <https://data.groningen.nl/def/aantal> ?n }"
            response = requests.get(
                served.url + "/sparql", params={"query": query}, headers={"Accept": "text/csv"}, timeout=30
            )
        finally:
            stop(served)
        published = dict(line.rsplit(",", 1) for line in response.text.splitlines()[1:] if line.strip())
        for wijk, _, _ in case["wijken"]:
            a, b = published.get(f"{ID}per-wijk/{wijk}"), published.get(f"{ID}zonder-x/{wijk}")
            if a and b:
                assert not 0 < int(a) - int(b) < case["threshold"], f"{wijk}: {a} - {b} is a small count"
