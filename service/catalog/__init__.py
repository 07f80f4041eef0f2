"""The DCAT-AP-NL 3.0 catalogue of the published datasets, with VoID statistics.

``describe_catalog`` owns the graph and asks each profile in turn; serialising and paging are in
``serialize``; the shapes and the metadata check are in ``shacl``.
"""

from __future__ import annotations

from rdflib import Graph

from .codelists import add_type_triples
from .context import CatalogContext
from .facts import DUMP_FORMATS, FULL_DUMP, DumpFile, GraphStats, ReleaseFacts
from .namespaces import new_graph
from .profiles import DcatApNl30Profile, Profile
from .shacl import CatalogueCheck, MetadataError, check_catalogue, check_metadata, readable_violations
from .void import VoidProfile

DEFAULT_PROFILES: tuple[type[Profile], ...] = (DcatApNl30Profile, VoidProfile)

__all__ = [
    "DEFAULT_PROFILES",
    "DUMP_FORMATS",
    "FULL_DUMP",
    "CatalogContext",
    "CatalogueCheck",
    "DumpFile",
    "GraphStats",
    "MetadataError",
    "ReleaseFacts",
    "check_catalogue",
    "check_metadata",
    "describe_catalog",
    "readable_violations",
]


def describe_catalog(ctx: CatalogContext, profiles: tuple[type[Profile], ...] = DEFAULT_PROFILES) -> Graph:
    """The catalogue graph: every profile's triples, then the type triples of the code lists used."""
    g = new_graph()
    active = [cls() for cls in profiles]
    for profile in active:
        profile.graph_from_catalog(g, ctx)
    for mapping in ctx.mappings:
        for profile in active:
            profile.graph_from_dataset(g, ctx, mapping)
    add_type_triples(g)
    return g
