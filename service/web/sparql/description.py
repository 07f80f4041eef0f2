"""The SPARQL 1.1 Service Description of /sparql: formats, the union default graph, limits (the per-client
time budget among them), graphs with counts; its ``sd:endpoint`` is the public URL, not the request host.

Built from the release manifest (quads per graph) and the settings, so it is never out of date.
"""

from __future__ import annotations

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef

from ... import formats
from ...config import Settings
from ...live import LiveRelease
from ...releases import Release

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
UNION_NOTE = (
    "The default graph is the union of all named graphs of the live release (one per dataset, plus vocab, "
    "catalog and inferred); GRAPH, FROM / FROM NAMED and the default-graph-uri / named-graph-uri parameters "
    "select single graphs."
)


def description(settings: Settings, release: Release, endpoint: str) -> Graph:
    graph = Graph()
    definitions = Namespace(settings.def_base)
    for prefix, namespace in (("sd", SD), ("void", VOID), ("formats", FORMATS), ("def", definitions)):
        graph.bind(prefix, namespace)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add((service, RDFS.comment, Literal(UNION_NOTE, lang="en")))
    for fmt in (*formats.RESULTS, *formats.RDF):
        graph.add((service, SD.resultFormat, FORMATS[str(fmt.w3c)]))
    graph.add((service, definitions.queryDeadline, Literal(str(settings.query_deadline), datatype=XSD.decimal)))
    graph.add((service, definitions.resultRowLimit, Literal(settings.result_row_limit)))
    graph.add((service, definitions.queryConcurrency, Literal(settings.query_concurrency)))
    graph.add((service, definitions.maxRequestBytes, Literal(settings.max_request_bytes)))
    graph.add((service, definitions.maxRegexChars, Literal(settings.max_regex_chars)))
    budget = Literal(str(settings.client_time_budget), datatype=XSD.decimal)
    graph.add((service, definitions.clientTimeBudget, budget))
    window = Literal(str(settings.client_budget_window), datatype=XSD.decimal)
    graph.add((service, definitions.clientBudgetWindow, window))
    dataset = BNode("dataset")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    default = BNode("default")
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, VOID.triples, Literal(release.triples)))
    for name, count in sorted(release.manifest.get("graphs", {}).items()):
        named, inner = BNode(), BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, inner))
        graph.add((inner, RDF.type, SD.Graph))
        graph.add((inner, VOID.triples, Literal(int(count))))
    return graph


def serialized(settings: Settings, live: LiveRelease, endpoint: str, fmt: formats.Format) -> bytes:
    """One release, one endpoint URL, one format: the same bytes, so it is computed once per release.

    The endpoint URL comes from the request's Host, so at most a few dozen are kept.
    """
    kept: dict[tuple[str, str], bytes] = live.memo("descriptions", dict)
    key = (endpoint, fmt.media_type)
    body = kept.get(key)
    if body is None:
        if len(kept) > 64:
            kept.clear()
        body = kept[key] = formats.serialize(description(settings, live.release, endpoint), fmt)
    return body
