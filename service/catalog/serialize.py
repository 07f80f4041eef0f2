"""One page of the catalogue, with hydra paging links.

Kept apart from the profiles: they make the graph, this only chooses which triples to write.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef

from .namespaces import DCAT, DCT, FOAF, HYDRA, RDF, SPDX, VOID, XSD, new_graph

#: From a dataset, the nodes that belong to it alone (left out with it on another page).
OWNED = (
    DCAT.distribution,
    DCAT.contactPoint,
    DCAT.landingPage,
    FOAF.page,
    DCT.rights,
    DCT.temporal,
    VOID.classPartition,
    VOID.propertyPartition,
)


@dataclass(frozen=True)
class Page:
    number: int
    size: int
    total: int

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.size))


def datasets_in_order(catalog: Graph) -> list[URIRef]:
    return sorted({d for d in catalog.subjects(RDF.type, DCAT.Dataset) if isinstance(d, URIRef)}, key=str)


def _owned(catalog: Graph, dataset: URIRef) -> set[object]:
    nodes: set[object] = {dataset}
    for p in OWNED:
        for o in catalog.objects(dataset, p):
            if not isinstance(o, Literal) and not str(o).startswith("mailto:"):
                nodes.add(o)
                nodes.update(catalog.objects(o, SPDX.checksum))
    nodes.update(catalog.subjects(FOAF.primaryTopic, dataset))
    return nodes


def page_graph(catalog: Graph, number: int, size: int, page_url: str) -> tuple[Graph, Page]:
    """The catalogue with only the datasets of one page; hydra links when there is more than one page.

    ``page_url`` is the public URL of /catalog (from the configured public base, not the request host).
    """
    order = datasets_in_order(catalog)
    page = Page(number, size, len(order))
    if number < 1 or number > page.last:
        raise IndexError(number)
    shown = set(order[(number - 1) * size : number * size])
    if page.last == 1:
        return catalog, page
    left_out: set[object] = set()
    for dataset in order:
        if dataset not in shown:
            left_out |= _owned(catalog, dataset)
    g = new_graph()
    for s, p, o in catalog:
        if s in left_out or o in left_out:
            continue
        g.add((s, p, o))
    collection = next(iter(catalog.subjects(RDF.type, DCAT.Catalog)), BNode())
    view = URIRef(f"{page_url}?page={number}")
    g.add((collection, HYDRA.view, view))
    g.add((collection, HYDRA.totalItems, Literal(page.total, datatype=XSD.integer)))
    g.add((view, RDF.type, HYDRA.PartialCollectionView))
    g.add((view, HYDRA.first, URIRef(f"{page_url}?page=1")))
    g.add((view, HYDRA.last, URIRef(f"{page_url}?page={page.last}")))
    if number < page.last:
        g.add((view, HYDRA.next, URIRef(f"{page_url}?page={number + 1}")))
    if number > 1:
        g.add((view, HYDRA.previous, URIRef(f"{page_url}?page={number - 1}")))
    return g, page
