"""The VoID profile: per dataset graph its size, partitions, endpoint, dumps and URI space.

The same dataset IRI is a dcat:Dataset and a void:Dataset, so the catalogue carries its statistics;
``/.well-known/void`` serves the VoID part alone.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from ..mapping.model import DatasetMapping
from ..mapping.plan import subject_concepts
from .context import CatalogContext
from .facts import GraphStats
from .namespaces import DCT, RDF, VOID, XSD
from .profiles import Profile


def _count(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


class VoidProfile(Profile):
    name = "void"

    def graph_from_catalog(self, g: Graph, ctx: CatalogContext) -> None:
        root = ctx.release_void
        g.add((root, RDF.type, VOID.Dataset))
        g.add((root, DCT.title, Literal(f"Alle open data van de {ctx.settings.publisher_name}", lang="nl")))
        g.add((root, DCT.title, Literal(f"All open data of the {ctx.settings.publisher_name}", lang="en")))
        g.add((root, VOID.sparqlEndpoint, ctx.endpoint))
        g.add((root, VOID.uriSpace, Literal(ctx.settings.id_base)))
        if ctx.facts.total_triples:
            g.add((root, VOID.triples, _count(ctx.facts.total_triples)))
        for dump in ctx.facts.dumps_of(None):
            g.add((root, VOID.dataDump, ctx.dump_url(dump.name)))
        for mapping in ctx.mappings:
            if not ctx.is_withheld(mapping):
                g.add((root, VOID.subset, ctx.dataset(mapping.slug)))

    def graph_from_dataset(self, g: Graph, ctx: CatalogContext, mapping: DatasetMapping) -> None:
        if ctx.is_withheld(mapping):
            return
        slug = mapping.slug
        dataset = ctx.dataset(slug)
        g.add((dataset, RDF.type, VOID.Dataset))
        g.add((dataset, VOID.sparqlEndpoint, ctx.endpoint))
        g.add((dataset, VOID.inDataset, ctx.release_void))
        for concept in sorted(set(subject_concepts(mapping, ctx.settings.id_base).values())):
            g.add((dataset, VOID.uriSpace, Literal(f"{ctx.settings.id_base}{concept}/")))
        for dump in ctx.facts.dumps_of(slug):
            g.add((dataset, VOID.dataDump, ctx.dump_url(dump.name)))
        stats = ctx.facts.stats.get(slug)
        if stats is not None:
            self._statistics(g, dataset, stats)

    def _statistics(self, g: Graph, dataset: URIRef, stats: GraphStats) -> None:
        g.add((dataset, VOID.triples, _count(stats.triples)))
        g.add((dataset, VOID.entities, _count(stats.entities)))
        g.add((dataset, VOID.distinctSubjects, _count(stats.distinct_subjects)))
        g.add((dataset, VOID.distinctObjects, _count(stats.distinct_objects)))
        g.add((dataset, VOID.classes, _count(len(stats.classes))))
        g.add((dataset, VOID.properties, _count(len(stats.properties))))
        if stats.example:
            g.add((dataset, VOID.exampleResource, URIRef(stats.example)))
        for i, (cls, n) in enumerate(sorted(stats.classes.items())):
            part = URIRef(f"{dataset}/klasse/{i + 1}")
            g.add((dataset, VOID.classPartition, part))
            g.add((part, RDF.type, VOID.Dataset))  # a partition is itself a dataset; typed, so the sitemap lists it
            g.add((part, VOID["class"], URIRef(cls)))
            g.add((part, VOID.entities, _count(n)))
        for i, (prop, n) in enumerate(sorted(stats.properties.items())):
            part = URIRef(f"{dataset}/eigenschap/{i + 1}")
            g.add((dataset, VOID.propertyPartition, part))
            g.add((part, RDF.type, VOID.Dataset))
            g.add((part, VOID.property, URIRef(prop)))
            g.add((part, VOID.triples, _count(n)))


def void_only(catalog: Graph) -> Graph:
    """The VoID part of a catalogue graph: void:Dataset resources and their partitions."""
    from .namespaces import new_graph

    out = new_graph()
    for subject in set(catalog.subjects(RDF.type, VOID.Dataset)):
        for p, o in catalog.predicate_objects(subject):
            if p == RDF.type or str(p).startswith(str(VOID)) or p == DCT.title:
                out.add((subject, p, o))
            if p in (VOID.classPartition, VOID.propertyPartition):
                for pp, oo in catalog.predicate_objects(o):
                    out.add((o, pp, oo))
    return out
