"""The SPARQL clients researchers use, pointed at /sparql as they ship: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper

from .conftest import Served

pytestmark = pytest.mark.slow

BASE = "https://data.groningen.nl"
COUNT_WIJKEN = f"PREFIX def: <{BASE}/def/>\nSELECT (COUNT(?w) AS ?n) WHERE {{ ?w a def:Wijk }}"
WIJKEN = f"CONSTRUCT {{ ?w a <{BASE}/def/Wijk> }} WHERE {{ ?w a <{BASE}/def/Wijk> }}"


def wrapper(server: Served) -> SPARQLWrapper:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setTimeout(60)
    return client


def wijken(server: Served) -> int:
    client = wrapper(server)
    client.setQuery(COUNT_WIJKEN)
    client.setReturnFormat(JSON)
    return int(client.queryAndConvert()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_select_in_json_and_xml(server: Served, method: str) -> None:
    expected = wijken(server)
    assert expected > 0
    client = wrapper(server)
    client.setMethod(method)
    client.setQuery(COUNT_WIJKEN)
    client.setReturnFormat(XML)
    document = client.queryAndConvert()  # a parsed DOM
    literal = document.getElementsByTagName("literal")[0]
    assert int(literal.firstChild.data) == expected


def test_sparqlwrapper_csv_ask_and_construct(server: Served) -> None:
    expected = wijken(server)
    client = wrapper(server)
    client.setQuery(COUNT_WIJKEN)
    client.setReturnFormat(CSV)
    assert client.queryAndConvert().decode().splitlines() == ["n", str(expected)]
    client.setQuery(f"ASK {{ ?w a <{BASE}/def/Wijk> }}")
    client.setReturnFormat(JSON)
    assert client.queryAndConvert()["boolean"] is True
    client.setQuery(WIJKEN)
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.queryAndConvert(), format="turtle")
    assert len(graph) == expected


def test_sparqlwrapper_sees_a_syntax_error_as_a_bad_request(server: Served) -> None:
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    client = wrapper(server)
    client.setQuery("SELECT ?x WHERE { ?x ")
    client.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed, match="line"):
        client.queryAndConvert()


def test_rdflib_sparqlstore_reads_the_union_default_graph(server: Served) -> None:
    expected = wijken(server)
    graph = rdflib.Graph(SPARQLStore(server.url + "/sparql", returnFormat="json"))
    rows = list(graph.query(COUNT_WIJKEN))
    assert int(rows[0][0]) == expected
    wijk_class = rdflib.URIRef(f"{BASE}/def/Wijk")
    assert len(set(graph.subjects(rdflib.RDF.type, wijk_class))) == expected
    assert (None, rdflib.RDF.type, wijk_class) in graph
