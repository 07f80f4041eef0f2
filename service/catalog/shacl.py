"""Validation against the project's DCAT-AP-NL 3.0 shapes, with violations people can act on.

The build validates the whole catalogue with these and the official profiles (``official``);
``check_metadata`` validates one mapping's metadata early and names the mapping file and the
``dataset:`` key of every violation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from ..config import Settings
from ..errors import OpenbaarError
from ..mapping.model import DatasetMapping
from .fields import field_for

SHAPES_DIR = Path(__file__).resolve().parent / "shapes"
SH = Namespace("http://www.w3.org/ns/shacl#")


class MetadataError(OpenbaarError):
    """A mapping's metadata breaks the profile; ``problems`` has one line per violation."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path, self.problems = path, problems
        super().__init__(f"{path.name}: " + "; ".join(problems))


@lru_cache(maxsize=1)
def shapes() -> Graph:
    g = Graph()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def _short(g: Graph, term: object) -> str:
    if isinstance(term, URIRef):
        try:
            return g.namespace_manager.normalizeUri(term)
        except Exception:
            return f"<{term}>"
    return str(term)


def violations(data: Graph) -> list[tuple[URIRef, URIRef | None, str, object]]:
    """(focus node, path, message, value) of each violation, deduplicated, in a stable order."""
    from pyshacl import validate

    conforms, report, _ = validate(data, shacl_graph=shapes(), advanced=True, allow_warnings=True)
    if conforms:
        return []
    found: dict[tuple[str, str], tuple[URIRef, URIRef | None, str, object]] = {}
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        own = shapes().value(report.value(result, SH.sourceShape), SH.message)
        message = str(own or report.value(result, SH.resultMessage) or "")
        value = report.value(result, SH.value)
        key = (str(focus), str(path))
        if key not in found or (value is not None and found[key][3] is None):
            found[key] = (focus, path, message, value)
    return [found[k] for k in sorted(found)]


@dataclass(frozen=True)
class CatalogueCheck:
    """A catalogue's violations (one line each, our shapes first) and its count of official warnings."""

    problems: list[str]
    warnings: int


def check_catalogue(data: Graph, official: bool = True) -> CatalogueCheck:
    """Our shapes, then (unless ``official`` is false) DCAT-AP 3.0.1 and DCAT-AP-NL 3.0.0 and 3.0.1.

    A line names the node and property in our prefixes, and for an official rule the profiles that
    report it; warnings (recommended properties) count once per node and property.
    """
    from .namespaces import new_graph
    from .official import conformance

    names = new_graph()  # our prefixes, whatever the data graph binds

    def line(focus: object, path: object, message: str, value: object) -> str:
        where = _short(names, focus) + (f" {_short(names, path)}" if path is not None else "")
        shown = f" (value: {_short(names, value)})" if value is not None and value != focus else ""
        return f"{where}: {message}{shown}"

    lines = [line(*v) for v in violations(data)]
    if not official:
        return CatalogueCheck(lines, 0)
    found = conformance(data)
    for findings in found.violations.values():
        first = findings[0]
        profiles = ", ".join(dict.fromkeys(f.profile for f in findings))
        lines.append(f"{line(first.focus, first.path, first.message, first.value)} [{profiles}]")
    return CatalogueCheck(lines, len(found.warnings))


def readable_violations(data: Graph, official: bool = True) -> list[str]:
    """One line per violation: the node, the property, what is wrong and the offending value."""
    return check_catalogue(data, official).problems


def check_metadata(mapping: DatasetMapping, settings: Settings | None = None) -> None:
    """Fail early, before any row is mapped, naming the mapping file and the ``dataset:`` key."""
    from . import describe_catalog
    from .context import CatalogContext
    from .facts import ReleaseFacts

    if not mapping.metadata:
        raise MetadataError(
            mapping.path,
            ["the mapping has no 'dataset:' block (add title, description, theme, license, keywords, contact)"],
        )
    ctx = CatalogContext(settings or Settings(), [mapping], ReleaseFacts(created=datetime.now(UTC)))
    graph = describe_catalog(ctx)
    problems: dict[tuple[str, str], str] = {}
    dataset = ctx.dataset(mapping.slug)
    for _focus, path, message, value in sorted(violations(graph), key=lambda v: v[0] != dataset):
        f = field_for(path) if path is not None else None
        key = f"dataset.{f.key}" if f else "dataset"
        got = str(value) if isinstance(value, URIRef) and f and f.codes else ""
        shown = f" (got {got.rsplit('/', 1)[-1]!r})" if got else ""
        fix = f"; e.g. {f.key}: {f.example}" if f and f.example else ""
        problems.setdefault((key, got), f"at {key}: {message}{shown}{fix}")
    if problems:
        raise MetadataError(mapping.path, [problems[k] for k in sorted(problems)])
