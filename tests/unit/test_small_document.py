"""pyoxigraph's writer for documents that cannot reach the row cap says the same as the capped writer.

Run on a real pyoxigraph store in memory, with the terms that writers get wrong: language tags,
datatypes, quotes, tabs, new lines, non-ASCII text and blank nodes.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pyoxigraph as ox
import pytest

from service import formats, sparql_store
from service.sparql_store import document, small_document

EX = "https://data.groningen.nl/id/"
SELECT = f"SELECT ?p ?o WHERE {{ <{EX}s> ?p ?o }}"
CONSTRUCT = f"CONSTRUCT WHERE {{ <{EX}s> ?p ?o }}"
BINDINGS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    subject, graph = ox.NamedNode(EX + "s"), ox.NamedNode(EX + "graph/a")
    objects = [
        ox.NamedNode(EX + "o"),
        ox.BlankNode("b1"),
        ox.Literal("Zuiderdiep"),
        ox.Literal("boom", language="nl"),
        ox.Literal("12.5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
        ox.Literal("aanhalings\"tekens, komma's\ten\nregels"),
        ox.Literal("Groningen — Stad ĳ 🌳"),
    ]
    for i, obj in enumerate(objects):
        store.add(ox.Quad(subject, ox.NamedNode(f"{EX}p{i}"), obj, graph))
    return store


def run_on(store: ox.Store, query: str) -> Any:
    def run() -> Any:
        return sparql_store.evaluate(store, query, default_graphs=None, named_graphs=None, union_default=True)

    return run


def solutions(body: bytes, media: str) -> list[tuple[str, ...]]:
    if media == "text/csv":
        return sorted(tuple(row) for row in csv.reader(io.StringIO(body.decode()), lineterminator="\r\n"))
    parsed = ox.parse_query_results(body, format=BINDINGS[media])
    return sorted(tuple(str(row[v]) for v in parsed.variables) for row in parsed)


@pytest.mark.parametrize("media", [*BINDINGS, "text/csv"])
def test_select_documents_say_the_same(store: ox.Store, media: str) -> None:
    run = run_on(store, SELECT)
    small = small_document(run, media, None, 10_000)
    capped = document(run(), media, None, 10_000)
    assert not small.truncated and small.media == media
    assert solutions(small.body, media) == solutions(capped.body, media)
    assert len(solutions(small.body, media)) == 7 + (media == "text/csv")  # CSV keeps its header row


@pytest.mark.parametrize("media", [f.media_type for f in formats.RDF])
def test_graph_documents_say_the_same(store: ox.Store, media: str) -> None:
    run = run_on(store, CONSTRUCT)
    small = small_document(run, None, media, 10_000)
    capped = document(run(), None, media, 10_000)
    parse = ox.RdfFormat.from_media_type(media)

    def triples(body: bytes) -> set[tuple[str, str, str]]:
        return {(str(q.subject), str(q.predicate), str(q.object)) for q in ox.parse(body, format=parse)}

    assert not small.truncated
    assert triples(small.body) == triples(capped.body) and len(triples(small.body)) == 7


@pytest.mark.parametrize("media", [*BINDINGS, "text/csv"])
def test_a_document_that_could_pass_the_cap_is_cut_by_the_capped_writer(store: ox.Store, media: str) -> None:
    small = small_document(run_on(store, SELECT), media, None, 3)
    assert small.truncated
    assert len(solutions(small.body, media)) == 3 + (media == "text/csv")
    if media == "application/sparql-results+json":
        assert b'"truncated":true' in small.body and b'"rowLimit":3' in small.body


def test_a_graph_document_that_could_pass_the_cap_is_cut(store: ox.Store) -> None:
    small = small_document(run_on(store, CONSTRUCT), None, "application/n-triples", 3)
    assert small.truncated and len(small.body.decode().strip().splitlines()) == 3


def test_ask_answers_in_the_chosen_format(store: ox.Store) -> None:
    small = small_document(run_on(store, f"ASK {{ <{EX}s> ?p ?o }}"), "application/sparql-results+json", None, 1)
    assert small.body.replace(b" ", b"") == b'{"head":{},"boolean":true}' and not small.truncated
