"""Which queries may skip the killable query processes: only those whose cost the row cap bounds.

Near-misses are the point: each differs from an accepted query by one thing that lets evaluation scan
without producing rows (or parse differently), and must go to a query process.
"""

from __future__ import annotations

import pytest

from service.query import protocol
from service.query.bounded import is_bounded

CAP = 10_000
TREE = "<https://data.groningen.nl/id/boom/1>"

BOUNDED = [
    f"SELECT ?p ?o WHERE {{ {TREE} ?p ?o }}",
    f"select ?p ?o {{ {TREE} ?p ?o . }}",
    "SELECT * { ?s ?p ?o }",
    "SELECT ?s $o WHERE { ?s a <https://data.groningen.nl/def/Boom> } LIMIT 20 OFFSET 40",
    "PREFIX def: <https://data.groningen.nl/def/>\nBASE <https://data.groningen.nl/>\nSELECT ?b { ?b a def:Boom }",
    "# a comment with { braces } and FILTER(\n SELECT ?s { ?s ?p ?o } # and SERVICE <x> { }",
    f"ASK {{ {TREE} ?p ?o }}",
    "ASK WHERE { ?s ?p ?o }",
    "CONSTRUCT WHERE { ?s ?p ?o }",
    f"CONSTRUCT {{ {TREE} ?p ?o }} WHERE {{ {TREE} ?p ?o }} LIMIT 5",
    f"DESCRIBE {TREE}",
    f"PREFIX id: <https://data.groningen.nl/id/> DESCRIBE id:wijk {TREE}",
    f"SELECT ?s ?o WHERE {{ ?s <urn:p> ?o }} OFFSET {CAP}",
]

NEAR_MISSES = [
    # Solutions are discarded or reordered, so scanning is not bounded by rows.
    f"SELECT ?p ?o WHERE {{ {TREE} ?p ?o FILTER(?o = 1) }}",
    "SELECT DISTINCT ?p { ?s ?p ?o }",
    "SELECT REDUCED ?p { ?s ?p ?o }",
    "SELECT ?s { ?s ?p ?o } ORDER BY ?o",
    "SELECT ?p { ?s ?p ?o } GROUP BY ?p",
    "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
    "SELECT * { ?s ?p ?o } OFFSET 10001",
    "SELECT * { ?s ?p ?o } LIMIT 5 LIMIT 6",
    # A repeated variable keeps few of the quads it scans.
    "SELECT * { ?x ?p ?x }",
    "SELECT * { ?x ?x ?o }",
    "ASK { ?s $s ?o }",
    # More than one pattern, or patterns that are not simple.
    "SELECT * { ?s ?p ?o . ?a ?b ?c }",
    "SELECT * { ?s ?p ?o ; ?q ?r }",
    "SELECT * { ?s ?p ?o , ?r }",
    "SELECT * { { ?s ?p ?o } }",
    "SELECT * { { ?s ?p ?o } UNION { ?a ?b ?c } }",
    "SELECT * { ?s ?p ?o OPTIONAL { ?o ?q ?r } }",
    "SELECT * { ?s ?p ?o MINUS { ?s ?p ?o } }",
    "SELECT * { GRAPH ?g { ?s ?p ?o } }",
    "SELECT * { VALUES ?s { <urn:a> } ?s ?p ?o }",
    "SELECT * { ?s ?p ?o } VALUES ?s { <urn:a> }",
    "SELECT * { ?s ?p ?o BIND(1 AS ?x) }",
    "SELECT * { ?s ?p ?o { SELECT * { ?a ?b ?c } } }",
    # Property paths.
    "SELECT * { ?s <urn:p>+ ?o }",
    "SELECT * { ?s <urn:p>* ?o }",
    "SELECT * { ?s (<urn:p>|!<urn:p>)* ?o }",
    "SELECT * { ?s ^<urn:p> ?o }",
    "SELECT * { ?s <urn:p>/<urn:q> ?o }",
    "SELECT * { ?s !<urn:p> ?o }",
    # Strings, blank nodes and collections are not in the grammar.
    'SELECT * { ?s ?p "}" }',
    "SELECT * { ?s ?p '''{ ?a ?b ?c } . ?d ?e ?f''' }",
    "SELECT * { _:b ?p ?o }",
    "SELECT * { [] ?p ?o }",
    "SELECT * { ?s ?p (1 2) }",
    # Comments hide text from the grammar, never keywords from it.
    "SELECT * { ?s ?p ?o # }\n . ?a ?b ?c }",
    "SELECT * { ?s ?p <urn:o#}> . ?a ?b ?c }",
    # Dataset clauses, another form, a template that folds many quads into one triple.
    "SELECT * FROM <urn:g> { ?s ?p ?o }",
    "CONSTRUCT { <urn:a> <urn:b> <urn:c> } WHERE { ?s ?p ?o }",
    "CONSTRUCT { ?s <urn:b> <urn:c> } WHERE { ?s ?p ?o }",
    "DESCRIBE ?s WHERE { ?s ?p ?o }",
    f"DESCRIBE {TREE} WHERE {{ }}",
    "DESCRIBE *",
    "SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }",
    f"SELECT * {{ SERVICE <http://127.0.0.1:9/> {{ {TREE} ?p ?o }} }}",
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "",
]


@pytest.mark.parametrize("query", BOUNDED)
def test_bounded_queries_are_recognised(query: str) -> None:
    assert is_bounded(query, CAP)


@pytest.mark.parametrize("query", NEAR_MISSES)
def test_near_misses_go_to_a_query_process(query: str) -> None:
    assert not is_bounded(query, CAP)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * { service SILENT <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * { SERVICE ?endpoint { ?s ?p ?o } }",
    ],
)
def test_service_is_still_refused_before_classification(query: str) -> None:
    with pytest.raises(protocol.ProtocolError) as refused:
        protocol.check_text(query)
    assert refused.value.status == 400 and "SERVICE" in refused.value.message
    assert not is_bounded(query, CAP)
