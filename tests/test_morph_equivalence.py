"""A bundled mapping that uses no extension of ours gives the same graph in Morph-KGC as in Openbaar."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from service.mapping.materialize import Options, materialize
from service.mapping.model import DatasetMapping, Dialect, FunctionCall, TermMap
from service.mapping.report import Report
from service.mapping.yarrrml import parse_mapping
from service.publishing.guards import GUARDS

from .conftest import REPO
from .support.morphkgc import ensure_venv, run_morph_kgc

ID, DEF = "https://data.groningen.nl/id/", "https://data.groningen.nl/def/"


def parse(path: Path) -> DatasetMapping:
    return parse_mapping(path, project=REPO, id_base=ID, def_base=DEF)


def uses_extension(mapping: DatasetMapping) -> bool:
    """Our functions, a declared dialect, or a policy that changes the rows: things another engine does not do."""
    if mapping.policy.rows or mapping.policy.aggregates or mapping.policy.dataset:
        return True
    for tm in mapping.triples_maps:
        if tm.source.dialect != Dialect():
            return True
        for pom in tm.predicate_objects:
            if any(isinstance(o, TermMap) and isinstance(o.value, FunctionCall) for o in pom.objects):
                return True
    return False


PORTABLE = [p for p in sorted((REPO / "mappings").glob("*.yml")) if not uses_extension(parse(p))]


def triples(data: bytes, rdf_format: ox.RdfFormat) -> set[str]:
    """Each statement as canonical N-Triples text, graph names dropped."""
    return {str(ox.Triple(q.subject, q.predicate, q.object)) for q in ox.parse(data, format=rdf_format)}


def test_at_least_one_bundled_mapping_is_portable() -> None:
    assert PORTABLE, "keep one bundled mapping free of extensions, so it can be checked against Morph-KGC"


@pytest.mark.morph
@pytest.mark.parametrize("path", PORTABLE, ids=[p.stem for p in PORTABLE])
def test_same_graph_as_morph_kgc(path: Path, tmp_path: Path) -> None:
    python = ensure_venv(REPO)
    out = tmp_path / "morph.nq"
    run_morph_kgc(path, workdir=REPO, out=out, python=python)
    theirs = triples(out.read_bytes(), ox.RdfFormat.N_QUADS)
    report = Report()
    ours_bytes = b"".join(
        materialize(
            [parse(path)], options=Options(graph_base="https://data.groningen.nl/graph/"), report=report, guards=GUARDS
        )
    )
    ours = triples(ours_bytes, ox.RdfFormat.N_QUADS)
    assert report.total == 0
    assert len(ours) > 1000
    assert ours == theirs, (sorted(ours - theirs)[:5], sorted(theirs - ours)[:5])
