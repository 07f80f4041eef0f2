"""The official DCAT-AP 3.0.1 and DCAT-AP-NL 3.0 shapes, run offline next to our own.

data.overheid.nl harvests against these, so they decide whether our records are accepted. The files
in ``shapes/official`` are unchanged copies (see its SOURCE.md); two upstream defects are repaired in
memory when they are loaded, never on disk (``REPAIRS``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

#: Beside our own shapes (``shacl.SHAPES_DIR``); this module imports nothing of ``shacl``, which calls it.
OFFICIAL_DIR = Path(__file__).resolve().parent / "shapes" / "official"
#: Profile name → folder of its shape files; the order in which findings are named.
PROFILES: dict[str, str] = {
    "DCAT-AP 3.0.1": "semic-dcat-ap-3.0.1",
    "DCAT-AP-NL 3.0.0": "geonovum-dcat-ap-nl-3.0.0",
    "DCAT-AP-NL 3.0.1": "geonovum-dcat-ap-nl-3.0.1",
}
R5R = Namespace("http://data.europa.eu/r5r#")
#: Upstream defects fixed in memory: (subject, predicate, object or None for any) triples removed.
#: - SEMIC's ChecksumAlgorithmRestriction asks the algorithm IRI to match "^https://spdx.org/rdf/terms",
#:   but SPDX terms are http://spdx.org/rdf/terms#… (DCAT-AP's own range.ttl and examples use them), so
#:   no SPDX algorithm can pass; its sh:class spdx:ChecksumAlgorithm check stays.
REPAIRS: tuple[tuple[URIRef, URIRef, Node | None], ...] = (
    (R5R.ChecksumAlgorithmRestriction, SH.pattern, Literal("^https://spdx.org/rdf/terms")),
)


@dataclass(frozen=True)
class Finding:
    """One result of an official shape: where, what, and in which profiles."""

    severity: str  # Violation, Warning or Info
    focus: Node
    path: Node | None
    message: str
    value: Node | None
    profile: str


def _repair(g: Graph) -> Graph:
    """Drop the known upstream defects: the pattern above, and sh:property links to shapes never defined.

    SEMIC's dcat-ap-SHACL.ttl lists two DataService property shapes it does not define; pyshacl refuses
    such a file, and an undefined shape constrains nothing.
    """
    for s, p, o in REPAIRS:
        g.remove((s, p, o))
    for shape, prop in list(g.subject_objects(SH.property)):
        if (prop, None, None) not in g:
            g.remove((shape, SH.property, prop))
    return g


@cache
def official_shapes(profile: str) -> Graph:
    """One profile's shapes, parsed and repaired once per process."""
    g = Graph()
    for path in sorted((OFFICIAL_DIR / PROFILES[profile]).glob("*.ttl")):
        g.parse(path, format="turtle")
    return _repair(g)


def shape_files() -> list[Path]:
    """Every shipped official shape file, for the check that they are unchanged."""
    return sorted(OFFICIAL_DIR.glob("*/*.ttl"))


def official_findings(data: Graph) -> list[Finding]:
    """Every top-level result of every official profile on ``data`` (violations and warnings)."""
    from pyshacl import validate

    found = []
    for profile in PROFILES:
        # The official shapes use SHACL Core only; without the advanced features pyshacl is about twice as fast.
        _, report, _ = validate(
            data, shacl_graph=official_shapes(profile), advanced=False, allow_warnings=True, do_owl_imports=False
        )
        for result in report.objects(None, SH.result):  # top level only: sh:detail results repeat them
            severity = report.value(result, SH.resultSeverity)
            found.append(
                Finding(
                    severity=str(severity).rsplit("#", 1)[-1],
                    focus=report.value(result, SH.focusNode),
                    path=report.value(result, SH.resultPath),
                    message=str(report.value(result, SH.resultMessage) or ""),
                    value=report.value(result, SH.value),
                    profile=profile,
                )
            )
    return found


@dataclass(frozen=True)
class Conformance:
    """What the official profiles say of a catalogue, merged over profiles: one entry per node and property."""

    violations: dict[tuple[str, str], list[Finding]]
    warnings: dict[tuple[str, str], list[Finding]]


def conformance(data: Graph) -> Conformance:
    """Findings grouped by (node, property): the same gap reported by three profiles counts once."""
    groups: dict[str, dict[tuple[str, str], list[Finding]]] = {"Violation": {}, "Warning": {}}
    for finding in official_findings(data):
        bucket = groups.get(finding.severity)
        if bucket is not None:  # Info results are neither
            bucket.setdefault((str(finding.focus), str(finding.path)), []).append(finding)
    return Conformance(groups["Violation"], groups["Warning"])
