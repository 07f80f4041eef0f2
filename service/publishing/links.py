"""Withheld rows stay withheld through links: no IRI minted from a withheld row's key is published anywhere.

A row condition leaves a row out of its own table, but another table, of this dataset or another, may mint
the same IRI: as its subject, as a link to it, or inside a longer IRI (``id:melding/M2/foto/1``). The IRIs
of withheld rows, and every IRI under a concept of a wholly withheld dataset, are collected before anything
is mapped; every line that names one is left out, so they dereference to 404 like any unknown IRI.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ..mapping.model import DatasetMapping, TriplesMap
from ..mapping.plan import Cursor, JoinIndex, plan_join_index, subject_concepts
from ..mapping.sources import Table
from ..policy.guard import FilteredTable

#: An absolute IRI as it appears in an N-Quads line: inside <…>, or spelled out in a literal.
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"\\{}|^`]+")


class WithheldIris:
    """The IRIs no dataset may publish: those of withheld rows, and everything under them or a withheld concept."""

    def __init__(self, exact: set[str], prefixes: Iterable[str]) -> None:
        self.exact = exact
        self.prefixes = tuple(sorted(set(prefixes)))
        #: A chunk without any of these texts names no withheld IRI, and is passed on untouched.
        self.markers = tuple(sorted({iri[: iri.rfind("/") + 1] or iri for iri in exact} | set(self.prefixes)))

    def __bool__(self) -> bool:
        return bool(self.exact or self.prefixes)

    def withheld(self, iri: str) -> bool:
        """The IRI of a withheld row, under one (``…/M2/foto/1``, ``…/M2#x``), or under a withheld concept."""
        if iri.startswith(self.prefixes) or iri in self.exact:
            return True
        return any(ch in "/#?" and iri[:i] in self.exact for i, ch in enumerate(iri))

    def filter(self, text: str) -> tuple[str, int]:
        """The N-Quads text without the lines that name a withheld IRI, and how many lines were left out."""
        if not any(marker in text for marker in self.markers):
            return text, 0
        kept: list[str] = []
        dropped = 0
        for line in text.splitlines(keepends=True):
            if any(m in line for m in self.markers) and any(self.withheld(i) for i in _IRI.findall(line)):
                dropped += 1
            else:
                kept.append(line)
        return "".join(kept), dropped


def withheld_iris(mappings: list[DatasetMapping], *, id_base: str | None, graph_base: str | None) -> WithheldIris:
    """Every subject IRI a withheld row would have, over all mappings, and the concepts of withheld datasets."""
    exact: set[str] = set()
    prefixes: list[str] = []
    for mapping in mappings:
        if mapping.policy.dataset is not None:
            concepts = subject_concepts(mapping, id_base) if id_base else {}
            prefixes += [f"{id_base}{concept}/" for concept in concepts.values()]
            for tm in mapping.triples_maps:
                if tm.name not in concepts:
                    exact.update(_subjects(mapping, tm, graph_base, every_row=True))
            continue
        for tm in mapping.triples_maps:
            source = tm.source
            if mapping.policy.row_conditions(source) and mapping.policy.aggregation(source) is None:
                exact.update(_subjects(mapping, tm, graph_base, every_row=False))
    return WithheldIris(exact, prefixes)


def _subjects(mapping: DatasetMapping, tm: TriplesMap, graph_base: str | None, *, every_row: bool) -> Iterator[str]:
    """The subject IRIs the map mints for the rows its policy withholds (or for every row)."""
    columns, build, _ = plan_join_index(mapping, JoinIndex(tm, ()), cursor=Cursor(), graph_base=graph_base)
    conditions = () if every_row else mapping.policy.row_conditions(tm.source)
    with FilteredTable(tm.source, conditions, Table) as table:
        chunks = table.table.chunks(columns, 65536) if every_row else table.withheld_chunks(columns, 65536)
        for rows, _numbers, _malformed in chunks:
            for row in rows:
                subject = build(row)
                if subject is not None and subject.startswith("<"):
                    yield subject[1:-1]
