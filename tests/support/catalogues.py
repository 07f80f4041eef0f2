"""Catalogues described as a build describes them, without a build: the bundled mappings and three dumps each."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph

from service.catalog import CatalogContext, ReleaseFacts, describe_catalog
from service.catalog.facts import DumpFile
from service.config import Settings
from service.mapping.model import DatasetMapping
from service.mapping.yarrrml import parse_mapping

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def bundled_mappings(settings: Settings) -> list[DatasetMapping]:
    """The project's own mappings, parsed with the settings' IRI bases."""
    return [
        parse_mapping(path, project=REPO, id_base=settings.id_base, def_base=settings.def_base)
        for path in sorted((REPO / "mappings").glob("*.yml"))
    ]


def described(settings: Settings, mappings: list[DatasetMapping]) -> Graph:
    """The catalogue of ``mappings`` with one dump per format for every dataset, as a release has."""
    dumps = tuple(
        DumpFile(f"{m.slug}.{fmt}.gz", m.slug, fmt, "", 1000, "ab" * 32)
        for m in mappings
        for fmt in ("nt", "nq", "ttl")
    )
    facts = ReleaseFacts(
        release_id="r1",
        created=NOW,
        modified={m.slug: NOW for m in mappings},
        issued={m.slug: NOW for m in mappings},
        dumps=dumps,
    )
    return describe_catalog(CatalogContext(settings, mappings, facts))
