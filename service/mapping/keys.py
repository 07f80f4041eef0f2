"""Rows that would mint a wrong IRI are rejected before mapping: duplicate keys, and blank or dot references.

Two rows with the same key in one table would merge into one resource with the triples of both; a
reference that is blank, ``.`` or ``..`` makes an IRI that names the collection or its parent.
The first row with a key wins; each later one is a rejected row naming the row it duplicates.
"""

from __future__ import annotations

from .builders import inline_of
from .plan import SourcePlan

#: Values that, put into an IRI path, name no resource of their own.
DOT_SEGMENTS = frozenset({".", ".."})


class KeyScreen:
    """Per table: the key columns (the first map's subject), every IRI reference, and the keys seen so far."""

    def __init__(self, plan: SourcePlan, nulls: frozenset[str]) -> None:
        position = {name: i for i, name in enumerate(plan.columns)}
        self.nulls = nulls
        first = plan.maps[0].subject_columns if plan.maps else ()
        self.key = [(position[c], c) for c in first if c in position]
        references: dict[int, str] = {}
        for mp in plan.maps:
            references.update((position[c], c) for c in mp.subject_columns if c in position)
            for _, build in mp.simple:
                inline = inline_of(build)
                if inline is None:
                    continue
                if inline.kind == "iri":
                    references[inline.column] = inline.name
                elif inline.kind == "template" and inline.iri:
                    references.update(p for p in inline.parts if isinstance(p, tuple))
        self.references = sorted(references.items())
        self.seen: dict[tuple[str, ...], int] = {}

    def screen(
        self, rows: list[tuple[str, ...]], numbers: list[int]
    ) -> tuple[list[tuple[str, ...]], list[int], list[tuple[int, str, str]]]:
        """(kept rows, their numbers, (row, column, reason) of each rejected row)."""
        kept: list[tuple[str, ...]] = []
        kept_numbers: list[int] = []
        rejected: list[tuple[int, str, str]] = []
        for row, number in zip(rows, numbers, strict=True):
            problem = self._problem(row, number)
            if problem is None:
                kept.append(row)
                kept_numbers.append(number)
            else:
                rejected.append((number, *problem))
        return kept, kept_numbers, rejected

    def _problem(self, row: tuple[str, ...], number: int) -> tuple[str, str] | None:
        for i, name in self.references:
            value = row[i]
            if value in self.nulls:
                continue
            if not value.strip():
                return name, "the reference is only spaces, so the IRI would name no resource; fill in the cell"
            if value.strip() in DOT_SEGMENTS:
                return name, f"the reference '{value}' is a dot segment, so the IRI would name its parent; fix the cell"
        if not self.key:
            return None
        key = tuple(row[i] for i, _ in self.key)
        if any(v in self.nulls for v in key):
            return None  # reported as a row without a subject
        first = self.seen.setdefault(key, number)
        if first != number:
            columns = ", ".join(name for _, name in self.key)
            shown = ", ".join(key)
            return columns, f"duplicate key '{shown}': row {first} has the same {columns}; the first row is kept"
        return None
