"""The namespaces of DCAT-AP-NL 3.0, VoID, Hydra and PROV-O, bound once for every serialisation."""

from __future__ import annotations

from rdflib import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD, Graph, Namespace

ADMS = Namespace("http://www.w3.org/ns/adms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCT = DCTERMS

PREFIXES = {
    "adms": ADMS,
    "dcat": DCAT,
    "dcatap": DCATAP,
    "dct": DCTERMS,
    "foaf": FOAF,
    "hydra": HYDRA,
    "locn": LOCN,
    "owl": OWL,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "skos": SKOS,
    "spdx": SPDX,
    "vcard": VCARD,
    "void": VOID,
    "xsd": XSD,
}


def new_graph() -> Graph:
    """An empty graph with our prefixes, so every format reads the same way."""
    g = Graph(bind_namespaces="core")
    for prefix, namespace in PREFIXES.items():
        g.bind(prefix, namespace, override=True)
    return g
