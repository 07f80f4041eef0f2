"""VoID statistics of each dataset graph, computed from the new store at build time.

"Entities" are the typed subjects of the graph (every subject the mapper mints gets a type).
"""

from __future__ import annotations

from typing import Any

from .. import store as stores
from ..catalog.facts import GraphStats

# Substituted variables must be projected, so ?g (and ?c) appear in each SELECT.
CLASSES = "SELECT ?g ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?g ?c"
PROPERTIES = "SELECT ?g ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ?p"
DISTINCT = (
    "SELECT ?g (COUNT(DISTINCT ?s) AS ?s_) (COUNT(DISTINCT ?o) AS ?o_) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
)
ENTITIES = "SELECT ?g (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?g"
EXAMPLE = "SELECT ?g ?c ?s WHERE { GRAPH ?g { ?s a ?c } } LIMIT 1"


def graph_stats(store: Any, graph: str, triples: int) -> GraphStats:
    """Partitions, distinct subjects and objects, and an example resource of one graph."""
    classes = {r["c"]: int(r["n"]) for r in stores.select_rows(store, CLASSES, g=graph)}
    properties = {r["p"]: int(r["n"]) for r in stores.select_rows(store, PROPERTIES, g=graph)}
    distinct = (stores.select_rows(store, DISTINCT, g=graph) or [{}])[0]
    entities = (stores.select_rows(store, ENTITIES, g=graph) or [{}])[0]
    main_class = max(classes, key=lambda c: classes[c]) if classes else None
    example = stores.select_rows(store, EXAMPLE, g=graph, c=main_class) if main_class else []
    return GraphStats(
        graph=graph,
        triples=triples,
        entities=int(entities.get("n", 0)),
        distinct_subjects=int(distinct.get("s_", 0)),
        distinct_objects=int(distinct.get("o_", 0)),
        classes=dict(sorted(classes.items())),
        properties=dict(sorted(properties.items())),
        example=example[0]["s"] if example else None,
    )


def dataset_stats(store: Any, graphs: dict[str, str], counts: dict[str, int]) -> dict[str, GraphStats]:
    """Statistics per dataset slug, for the graphs named in ``graphs`` (slug → graph IRI)."""
    return {slug: graph_stats(store, graph, counts.get(graph, 0)) for slug, graph in graphs.items()}
