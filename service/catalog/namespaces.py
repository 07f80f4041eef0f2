"""The namespaces of DCAT-AP-NL 3.0, VoID, Hydra and PROV-O, bound once for every serialisation."""

from __future__ import annotations

from rdflib import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD, Graph, Namespace

from ..prefixes import WELL_KNOWN

__all__ = [
    "ADMS",
    "DCAT",
    "DCATAP",
    "DCT",
    "FOAF",
    "HYDRA",
    "LOCN",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SKOS",
    "SPDX",
    "VCARD",
    "VOID",
    "XSD",
    "new_graph",
]

ADMS = Namespace(WELL_KNOWN["adms"])
DCATAP = Namespace(WELL_KNOWN["dcatap"])
HYDRA = Namespace(WELL_KNOWN["hydra"])
LOCN = Namespace(WELL_KNOWN["locn"])
SPDX = Namespace(WELL_KNOWN["spdx"])
VCARD = Namespace(WELL_KNOWN["vcard"])
DCT = DCTERMS


def new_graph() -> Graph:
    """An empty graph with the project's prefixes (``service.prefixes``), so every format reads the same way."""
    g = Graph(bind_namespaces="core")
    for prefix, namespace in WELL_KNOWN.items():
        g.bind(prefix, Namespace(namespace), override=True)
    return g
