"""The compiled row loop (``mapping/compile.py``) writes exactly what the builders' closures (``builders.py``) write.

The compiler inlines one-column terms as straight code; a term it does not inline is built by calling its
closure. Both implement the same term rules, so here every bundled table is mapped twice: as compiled,
and with every builder wrapped so that the compiler inlines nothing and calls every closure. The text,
the subject counts, the rejected values and the empty cells must be the same, on the real rows and on
rows whose cells are replaced by edge cases (quotes, backslashes, line breaks, IRI-reserved and
non-ASCII characters, empty and null-like values).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from service.mapping.builders import Cursor, inline_of
from service.mapping.compile import compile_plan
from service.mapping.functions import Context
from service.mapping.materialize import _derive
from service.mapping.plan import Entailment, MapPlan, SourcePlan, plan_dataset
from service.mapping.yarrrml import parse_mapping
from service.publishing.guards import guarded_table

REPO = Path(__file__).resolve().parents[2]
BASE = "https://data.groningen.nl/"
EDGE_CELLS = (
    "",
    "Onbekend",
    'a "quoted" value',
    "back\\slash",
    "two\nlines",
    "tab\there",
    " padded ",
    "Stationsrijwielshop / Kuis",
    "50%2F?#+&=",
    "<>{}|^`",
    "Zuiderdiep é ñ ß 😀",
    "12,5",
    "8.0",
)


def _closures_only(plan: SourcePlan) -> SourcePlan:
    """The same plan with every builder behind a plain function: the compiler then inlines nothing."""

    def hide(build: Callable[..., Any]) -> Callable[..., Any]:
        return lambda row: build(row)

    maps = [
        dataclasses.replace(mp, subject=hide(mp.subject), simple=[(p, hide(b)) for p, b in mp.simple])
        for mp in plan.maps
    ]
    return dataclasses.replace(plan, maps=maps)


#: The cursor each table was planned with, by its file.
CURSORS: dict[Path, Cursor] = {}


def _run(plan: SourcePlan, rows: list[tuple[str, ...]]) -> tuple[str, tuple[int, ...], list[Any], list[Any], list[Any]]:
    cursor = CURSORS[plan.source.path]  # closures report to the cursor they were planned with, as in materialize
    cursor.problems.clear()
    cursor.empties.clear()
    out: list[str] = []
    missing: list[tuple[int, int]] = []
    numbers = list(range(2, len(rows) + 2))
    dialect = plan.source.dialect
    rows = _derive(plan, rows, numbers, Context(dialect.decimal), dialect.null_values, [])  # the mapper's own step
    counts = compile_plan(plan)(rows, numbers, out.append, cursor, lambda k, n: missing.append((k, n)))
    return "".join(out), counts, sorted(cursor.problems), sorted(cursor.empties), missing


def _plans() -> list[tuple[str, SourcePlan]]:
    found = []
    for path in sorted((REPO / "mappings").glob("*.yml")):
        mapping = parse_mapping(path, project=REPO, id_base=BASE + "id/", def_base=BASE + "def/")
        if mapping.policy.dataset is not None:
            continue
        cursor = Cursor()
        for plan in plan_dataset(mapping, cursor=cursor, entailment=Entailment(), graph_base=BASE + "graph/"):
            if not plan.joins:  # a join's index is filled from another table by materialize
                found.append((f"{path.stem}:{plan.source.path.name}", plan))
                CURSORS[plan.source.path] = cursor
    return found


PLANS = _plans()


def _rows(plan: SourcePlan, mapping_path: str) -> list[tuple[str, ...]]:
    mapping = parse_mapping(
        REPO / "mappings" / f"{mapping_path}.yml", project=REPO, id_base=BASE + "id/", def_base=BASE + "def/"
    )
    rows: list[tuple[str, ...]] = []
    with guarded_table(plan.source, mapping) as table:
        for chunk, _numbers, _malformed in table.chunks(plan.columns, 2000):
            rows.extend(chunk)
            if len(rows) >= 2000:
                break
    return rows


def test_some_bundled_plans_inline_terms() -> None:
    """The comparison means something: the compiled side does inline terms of the bundled mappings."""
    assert PLANS
    assert any(inline_of(mp.subject) is not None for _, plan in PLANS for mp in plan.maps)


@pytest.mark.parametrize("plan", [p for _, p in PLANS], ids=[name for name, _ in PLANS])
def test_compiled_and_closures_write_the_same(plan: SourcePlan) -> None:
    name = next(n for n, p in PLANS if p is plan).split(":")[0]
    rows = _rows(plan, name)
    assert rows, "the bundled table has rows"
    width = len(plan.columns)
    edge = [tuple(EDGE_CELLS[(i + j) % len(EDGE_CELLS)] for j in range(width)) for i in range(len(EDGE_CELLS))]
    per_column = [
        tuple(cell if j == column else value for j, value in enumerate(rows[0]))
        for column in range(width)
        for cell in EDGE_CELLS
    ]
    for sample in (rows, edge, per_column):
        compiled = _run(plan, sample)
        closures = _run(_closures_only(plan), sample)
        assert compiled == closures


def test_hiding_builders_removes_every_inline() -> None:
    _, plan = PLANS[0]
    hidden: list[MapPlan] = _closures_only(plan).maps
    assert all(inline_of(mp.subject) is None and all(inline_of(b) is None for _, b in mp.simple) for mp in hidden)
