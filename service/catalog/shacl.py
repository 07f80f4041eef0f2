"""Validation against the project's DCAT-AP-NL 3.0 shapes, with violations people can act on.

The build validates the whole catalogue; ``check_metadata`` validates one mapping's metadata early
and names the mapping file and the ``dataset:`` key of every violation.
"""

from __future__ import annotations

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


def readable_violations(data: Graph) -> list[str]:
    """One line per violation: the node, the property, what is wrong and the offending value."""
    from .namespaces import new_graph

    names = new_graph()  # our prefixes, whatever the data graph binds
    lines = []
    for focus, path, message, value in violations(data):
        where = _short(names, focus) + (f" {_short(names, path)}" if path is not None else "")
        shown = f" (value: {_short(names, value)})" if value is not None and value != focus else ""
        lines.append(f"{where}: {message}{shown}")
    return lines


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
