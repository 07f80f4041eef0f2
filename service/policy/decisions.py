"""Open, unless: every column of every table is either published (used by the mapping) or withheld.

A column that is neither fails the build, naming it: that is how a column added to an export is caught
before it is silently published or silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .scanner import KIND_LABELS, kinds_in

if TYPE_CHECKING:  # annotations only: the header reader is given by the caller (the build)
    from ..mapping.model import DatasetMapping, Source


def _relative(source: Source, mapping: DatasetMapping) -> str:
    try:
        return str(source.path.relative_to(mapping.path.parent.parent))
    except ValueError:
        return source.path.name


def undecided_columns(
    mapping: DatasetMapping,
    used: dict[Path, set[str]],
    sources: dict[Path, Source],
    read_header: Callable[[Source], tuple[str, ...]],
) -> list[str]:
    """Problems, one per column that the mapping neither publishes nor withholds (and per stale policy entry).

    ``read_header`` gives a source's column names (``mapping.sources.read_header``).
    """
    policy = mapping.policy
    if policy.dataset is not None:
        return []
    problems = []
    for path, source in sources.items():
        file = _relative(source, mapping)
        header = read_header(source)
        withheld = {w.column for w in policy.withheld_columns(source)}
        conditions = {r.column for r in policy.row_conditions(source)}
        for column in sorted(withheld - set(header)):
            problems.append(
                f"{mapping.path.name}: policy.withheld names column '{column}', which {file} does not have "
                "(remove the entry, or give it the 'source' it belongs to)"
            )
        if policy.aggregation(source) is not None:
            continue  # published only as counts: every other column is left out by the aggregate
        unpublished = {u.column for u in policy.unpublished if u.applies_to(source)}
        decided = used.get(path, set()) | withheld | conditions | unpublished
        for column in header:
            if column not in decided:
                problems.append(
                    f"{mapping.path.name}: column '{column}' of {file} is neither published nor withheld "
                    f"(use it in a mapping, or add it to policy.withheld with a Woo ground, a motivation and 'since')"
                )
    for i, entry in enumerate(policy.rows):
        if not any(entry.applies_to(s) and entry.column in read_header(s) for s in sources.values()):
            problems.append(f"{mapping.path.name}: policy.rows[{i}] tests column '{entry.column}', which no source has")
    for i, agg in enumerate(policy.aggregates):
        if not any(agg.applies_to(s) for s in sources.values()):
            problems.append(
                f"{mapping.path.name}: policy.aggregate[{i}] names source '{agg.source}', which no mapping reads"
            )
    return problems


def constant_hits(mapping: DatasetMapping) -> list[str]:
    """Constant literals written in the mapping are published too: scan them like cells."""
    allowed = {(a.kind, a.column) for a in mapping.policy.allow}
    problems = []
    for tm in mapping.triples_maps:
        for i, pom in enumerate(tm.predicate_objects):
            for obj in pom.objects:
                value: Any = getattr(obj, "value", None)  # a Template, duck-typed: no run-time import of mapping
                if getattr(obj, "term_type", None) != "literal" or not hasattr(value, "is_constant"):
                    continue
                if not value.is_constant:
                    continue
                for kind in kinds_in(value.constant):
                    if (kind, None) not in allowed:
                        where = f"{mapping.path.name} at mappings.{tm.name}.po[{i}]"
                        problems.append(f"{where}: a constant holds {KIND_LABELS[kind][1]}")
    return problems
