"""The one prefix map: every document, dump, query result, mapping and the query editor abbreviate alike.

Well-known vocabularies are fixed; ``def:``, ``graph:`` (and, where local names may hold slashes,
``id:``) follow the configured public base.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .config import Settings

WELL_KNOWN: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcatap": "http://data.europa.eu/r5r/",
    "adms": "http://www.w3.org/ns/adms#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "schema": "http://schema.org/",
    "hydra": "http://www.w3.org/ns/hydra/core#",
    "void": "http://rdfs.org/ns/void#",
    "prov": "http://www.w3.org/ns/prov#",
    "qb": "http://purl.org/linked-data/cube#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "locn": "http://www.w3.org/ns/locn#",
    "spdx": "http://spdx.org/rdf/terms#",
}


def of(settings: Settings, *, ids: bool = False) -> dict[str, str]:
    """The well-known prefixes and ours; ``ids`` adds ``id:``, for text people write (queries), not serialisers."""
    ours = {"def": settings.def_base, "graph": settings.graph_base}
    if ids:
        ours["id"] = settings.id_base
    return {**WELL_KNOWN, **ours}
