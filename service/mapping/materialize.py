"""Materialise: run the planned builders over each table, a chunk at a time, and stream N-Quads.

Pure: it reads the tables and yields bytes; where the bytes go (a store, a file, a pipe) is the caller's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import SourceError
from .builders import inline_of
from .compile import compile_plan
from .functions import BOTH, FUNCTIONS, Arguments, Context
from .keys import KeyScreen
from .model import DatasetMapping, Source
from .plan import Cursor, Entailment, JoinIndex, SourcePlan, plan_dataset, plan_join_index
from .report import Issue, Report, TableStats

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class Options:
    #: Named graphs are {graph_base}{dataset} and {graph_base}inferred; None writes the default graph.
    graph_base: str | None
    chunk_rows: int = 4096
    max_bad_row_share: float = 0.05
    #: Tables with fewer rows than this are never failed for their share of bad rows.
    min_rows_for_share: int = 20
    #: Where subjects are minted ({id_base}{concept}/…): a withheld dataset's concepts are never published.
    id_base: str | None = None


@dataclass(frozen=True)
class Guards:
    """How the policy holds the mapper, given by the caller (the build), so mapping code imports no policy code.

    ``open_table(source, mapping)`` reads a table as the policy lets it be read (``policy.guard``: withheld
    rows left out, aggregated sources as counts); ``scanner(dataset, file, allowances, normalisers=)`` makes a table's
    output scanner (``policy.scanner.Scanner``), whose ``check()`` raises when it found personal data.
    """

    open_table: Callable[[Source, DatasetMapping], Any]
    scanner: Callable[..., Any]
    #: ``withheld_iris(mappings, id_base=, graph_base=)``: what no line may name (``build.links.WithheldIris``).
    withheld_iris: Callable[..., Any]


def materialize(
    mappings: list[DatasetMapping],
    *,
    options: Options,
    report: Report,
    guards: Guards,
    entailment: Entailment | None = None,
    progress: Progress | None = None,
) -> Iterator[bytes]:
    """N-Quads for every dataset: its named graph, plus the inferred graph when ``entailment`` is given.

    Every table is read through ``guards``: the policy's table guard, output scanner and withheld IRIs.
    """
    withheld = guards.withheld_iris(mappings, id_base=options.id_base, graph_base=options.graph_base)
    for mapping in mappings:
        if mapping.policy.dataset is not None:
            continue  # withheld as a whole: not a row is read, only its register entry and catalogue record exist
        yield from _materialize_dataset(
            mapping, options, report, guards, entailment or Entailment(), progress, withheld
        )


def _materialize_dataset(
    mapping: DatasetMapping,
    options: Options,
    report: Report,
    guards: Guards,
    entailment: Entailment,
    progress: Progress | None,
    withheld: Any,
) -> Iterator[bytes]:
    cursor = Cursor()
    plans = plan_dataset(mapping, cursor=cursor, entailment=entailment, graph_base=options.graph_base)
    for plan in plans:
        for join in plan.joins:
            _fill_join_index(mapping, join, options, cursor, guards)
    for plan in plans:
        stats = report.table(mapping.slug, _rel(plan, mapping))
        yield from _materialize_table(mapping, plan, stats, options, report, cursor, guards, progress, withheld)
        if stats.rows >= options.min_rows_for_share and stats.bad_row_share > options.max_bad_row_share:
            raise SourceError(
                plan.source.path,
                f"{len(stats.bad_rows)} of {stats.rows} rows ({stats.bad_row_share:.1%}) have a rejected "
                f"row or value, more than the {options.max_bad_row_share:.0%} allowed",
                "see the build report for each row; fix the export or the mapping",
            )


def _rel(plan: SourcePlan, mapping: DatasetMapping) -> str:
    try:
        return str(plan.source.path.relative_to(mapping.path.parent.parent))
    except ValueError:
        return plan.source.path.name


def _fill_join_index(
    mapping: DatasetMapping, join: JoinIndex, options: Options, cursor: Cursor, guards: Guards
) -> None:
    columns, subject, keys = plan_join_index(mapping, join, cursor=cursor, graph_base=options.graph_base)
    nulls = join.parent.source.dialect.null_values
    index = join.index
    with guards.open_table(join.parent.source, mapping) as table:
        for rows, _numbers, _malformed in table.chunks(columns, options.chunk_rows):
            for row in rows:
                key = tuple(row[k] for k in keys)
                if any(v in nulls for v in key):
                    continue
                s = subject(row)
                if s is not None:
                    index.setdefault(key, []).append(s)
    cursor.problems.clear()
    cursor.empties.clear()


def _derive(
    plan: SourcePlan,
    rows: list[tuple[str, ...]],
    numbers: list[int],
    context: Context,
    nulls: frozenset[str],
    problems: list[tuple[int, str, str]],
) -> list[tuple[str, ...]]:
    """Evaluate the mapping functions for a chunk and append their values to each row (reversed)."""
    n = len(rows)
    results = []
    columns: dict[int, list[str | None]] = {}
    for derived in plan.derived:
        spec = FUNCTIONS[derived.call.function]
        args: Arguments = {}
        names: dict[str, str] = {}
        for param, arg in derived.arguments.items():
            if isinstance(arg, int):
                if arg not in columns:
                    columns[arg] = [None if r[arg] in nulls else r[arg] for r in rows]
                args[param] = columns[arg]
                names[param] = plan.columns[arg]
            else:
                args[param] = arg
        values, found = spec.apply(args, n, context)
        names[BOTH] = ", ".join(names.values())
        problems.extend((numbers[i], names.get(param, param), reason) for i, param, reason in found)
        results.append(values)
    if not results:
        return rows
    results.reverse()
    return [row + extra for row, extra in zip(rows, zip(*results, strict=True), strict=True)]


def _normalisers(plan: SourcePlan) -> dict[str, Callable[[str], str | None]]:
    """Per column published as a typed literal, how its value is written: the scanner checks that form too."""
    found: dict[str, Callable[[str], str | None]] = {}
    for mp in plan.maps:
        for build in [b for _, b in mp.simple] + [e.build for e in mp.emitters if e.build is not None]:
            inline = inline_of(build)
            if inline is not None and inline.kind == "typed" and inline.normalize is not None:
                found.setdefault(inline.name, inline.normalize)
    return found


def _materialize_table(
    mapping: DatasetMapping,
    plan: SourcePlan,
    stats: TableStats,
    options: Options,
    report: Report,
    cursor: Cursor,
    guards: Guards,
    progress: Progress | None,
    withheld: Any,
) -> Iterator[bytes]:
    dialect = plan.source.dialect
    ginf = plan.inferred_end
    maps = plan.maps
    problems = cursor.problems
    run = compile_plan(plan)
    may_infer = ginf != plan.end and any(mp.emitters or ginf in "".join(mp.constant_tail) for mp in maps)

    def missing(k: int, number: int) -> None:
        mp = maps[k]
        report.add(
            Issue(
                stats.dataset,
                stats.file,
                number,
                ", ".join(mp.subject_columns),
                f"no subject for mapping '{mp.name}': the cell is empty",
                "error",
            ),
            stats,
        )

    scanner = guards.scanner(stats.dataset, stats.file, mapping.policy.allow, normalisers=_normalisers(plan))
    keys = KeyScreen(plan, dialect.null_values)
    stats.withheld_columns = sorted(w.column for w in mapping.policy.withheld_columns(plan.source))
    with guards.open_table(plan.source, mapping) as table:
        if table.shape.dropped_index_column:
            report.add(
                Issue(
                    stats.dataset,
                    stats.file,
                    1,
                    "(unnamed)",
                    "a leading column without a name was taken for an index and left out",
                    "note",
                )
            )
        for rows, numbers, malformed in table.chunks(plan.columns, options.chunk_rows):
            stats.rows += len(rows) + len(malformed)
            scanner.scan(plan.columns, rows, numbers)
            for number in malformed:
                report.add(
                    Issue(
                        stats.dataset,
                        stats.file,
                        number,
                        "*",
                        f"the row has a different number of fields than the header ({table.width})",
                        "error",
                    ),
                    stats,
                )
            rows, numbers, rejected = keys.screen(rows, numbers)
            for number, column, reason in rejected:
                report.add(Issue(stats.dataset, stats.file, number, column, reason, "error"), stats)
            rows = _derive(plan, rows, numbers, Context(dialect.decimal), dialect.null_values, problems)
            out: list[str] = []
            subjects = run(rows, numbers, out.append, cursor, missing)
            for number, column, reason in problems:
                report.add(Issue(stats.dataset, stats.file, number, column, reason), stats)
            problems.clear()
            if cursor.empties:
                stats.empty.update(cursor.empties)
                cursor.empties.clear()
            text = "".join(out)
            dropped = 0
            if withheld:
                text, dropped = withheld.filter(text)
                stats.withheld_links += dropped
            # Each append is one line, but a constant tail holds several: count them without scanning the text.
            lines = len(out) + sum(
                n * (len(mp.constant_tail) - 1) for n, mp in zip(subjects, maps, strict=True) if mp.constant_tail
            )
            if dropped:
                lines = text.count("\n")
                inferred = text.count(ginf) if ginf != plan.end else 0
            elif not may_infer:
                inferred = 0
            elif any(mp.emitters for mp in maps):
                inferred = text.count(ginf)
            else:
                inferred = sum(
                    n * sum(ginf in line for line in mp.constant_tail) for n, mp in zip(subjects, maps, strict=True)
                )
            stats.triples += lines - inferred
            stats.inferred += inferred
            if progress is not None:
                progress(stats.dataset, len(rows))
            data = text.encode("utf-8")
            stats.digest.update(data)
            yield data
        stats.withheld_rows = table.withheld_rows
        stats.suppressed_cells = table.suppressed
    scanner.check()
