"""The store: load a new release store, open one read-only, query it, dump its graphs.

It owns the store. pyoxigraph is imported here and in the store readers beside it (``sparql_store``,
``describe``, ``documents``, ``search``), nowhere else: ``tests/unit/test_rules.py`` checks it.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

Store = ox.Store
RdfFormat = ox.RdfFormat
QueryResultsFormat = ox.QueryResultsFormat
NamedNode = ox.NamedNode
#: What a query variable can be bound to (``substitutions``), and what ``Store.query`` returns.
RdfTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

#: Quads per named graph, the first check of a fresh release.
GRAPH_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def create_store(path: Path) -> ox.Store:
    """A new, empty on-disk store; the directory must not exist yet (releases are never reused)."""
    if path.exists():
        raise FileExistsError(path)
    return ox.Store(str(path))


def bulk_load_path(store: ox.Store, path: Path) -> None:
    """Load an N-Quads file or FIFO by path: read in Rust, so the GIL stays free for other threads."""
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)


def bulk_load_graph(store: ox.Store, data: bytes | str, rdf_format: str, graph: str) -> None:
    """Load a small document (Turtle, N-Triples) into one named graph."""
    fmt = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}[rdf_format]
    store.bulk_load(data, fmt, to_graph=ox.NamedNode(graph))


def solutions(result: QueryResult) -> ox.QuerySolutions:
    """A SELECT's result as solutions: ``Store.query`` is typed to return any of the three result kinds."""
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"expected SELECT solutions, got {type(result).__name__}")
    return result


def written(data: bytes | None) -> bytes:
    """The bytes of a ``serialize``/``dump`` called without an output, which pyoxigraph types as optional."""
    if data is None:
        raise TypeError("pyoxigraph returned no bytes for a serialisation without an output")
    return data


def graph_counts(store: ox.Store) -> dict[str, int]:
    """Quads per named graph."""
    return {str(s["g"].value): int(s["n"].value) for s in solutions(store.query(GRAPH_COUNTS))}


def ask(store: ox.Store, query: str, **bindings: str) -> bool:
    """Run an ASK with IRIs bound through substitutions, never pasted into the text."""
    subs: dict[ox.Variable, RdfTerm] = {ox.Variable(k): ox.NamedNode(v) for k, v in bindings.items()}
    return bool(store.query(query, substitutions=subs))


_SHARED = "SELECT ?g ?h ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } GRAPH ?h { ?s ?p ?o } FILTER(?h != ?g) } LIMIT 10"


def shared_triples(store: ox.Store, counts: dict[str, int]) -> list[str]:
    """Triples stored in more than one named graph, each with both graphs, as readable lines (at most ten).

    The default graph is the union of the named graphs, read as an RDF merge: a triple in two graphs would
    be counted twice there. Any such triple lies in a graph other than the largest, so that one is skipped.
    """
    found: list[str] = []
    largest = max(counts, key=counts.__getitem__, default=None)
    done: set[str] = set()  # a pair is reported once, from the first of its graphs
    for graph in sorted(counts):
        if graph == largest or len(found) >= 10:
            continue
        done.add(graph)
        for row in solutions(store.query(_SHARED, substitutions={ox.Variable("g"): ox.NamedNode(graph)})):
            if row["h"].value in done:
                continue
            first, second = sorted((row["g"].value, row["h"].value))  # the same words whichever graph is larger
            found.append(f"{row['s']} {row['p']} {row['o']} is in {first} and in {second}")
    return found[:10]


def open_read_only(path: Path) -> ox.Store:
    """Open a finished release; many processes may do this at once."""
    return ox.Store.read_only(str(path))


def finish(store: ox.Store) -> None:
    """Flush and compact a freshly loaded store before it goes live."""
    store.flush()
    store.optimize()


def rdf_format(media_type: str) -> ox.RdfFormat:
    """pyoxigraph's enum for an RDF media type of ``service.formats`` (media types are our only names)."""
    found = ox.RdfFormat.from_media_type(media_type)
    if found is None:
        raise KeyError(media_type)
    return found


def results_format(media_type: str) -> ox.QueryResultsFormat:
    """pyoxigraph's enum for a SELECT/ASK result media type of ``service.formats``."""
    found = ox.QueryResultsFormat.from_media_type(media_type)
    if found is None:
        raise KeyError(media_type)
    return found


def run_query(store: ox.Store, text: str) -> QueryResult:
    """Evaluate a query over the union of the named graphs; raises SyntaxError for bad or update text."""
    return store.query(text, use_default_graph_as_union=True)


def result_kind(result: object) -> str:
    """'graph' for CONSTRUCT/DESCRIBE results, 'bindings' for SELECT and ASK."""
    return "graph" if isinstance(result, ox.QueryTriples) else "bindings"


def serialize_result(result: QueryResult, media_type: str) -> bytes:
    if isinstance(result, ox.QueryTriples):
        return written(result.serialize(format=rdf_format(media_type)))
    return written(result.serialize(format=results_format(media_type)))


def dump_graph(
    store: ox.Store, output: object, rdf_format: str, graph: str, prefixes: dict[str, str] | None = None
) -> None:
    """Serialise one named graph, in Rust, to a path or a binary file-like object."""
    fmt = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}[rdf_format]
    store.dump(output, fmt, from_graph=ox.NamedNode(graph), prefixes=prefixes)  # type: ignore[arg-type]  # pyoxigraph's stub wants typing.IO[bytes]; any object with write() does


def select_rows(store: ox.Store, query: str, **bindings: str) -> list[dict[str, str]]:
    """A SELECT as plain strings, with IRIs bound through substitutions, never pasted into the text."""
    subs: dict[ox.Variable, RdfTerm] = {ox.Variable(k): ox.NamedNode(v) for k, v in bindings.items()}
    result = solutions(store.query(query, substitutions=subs))
    names = [v.value for v in result.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]


def graph_ntriples(store: ox.Store, graph: str) -> bytes:
    """One named graph as N-Triples bytes (small graphs: the catalogue)."""
    return written(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)))
