"""The register of exceptions as linked data: what each dataset withholds, on which ground, why, since when.

One graph, ``{base}/graph/register``, with an entry per exception under ``{base}/id/uitzondering/…``,
linked from the dataset (``def:uitzondering``) and to the Woo ground in our concept scheme.
It is made from the policies alone: it names columns and conditions, never a withheld value.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import quote

from rdflib import DCTERMS, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef

from .grounds import GROUNDS
from .model import PolicyEntry
from .rights import condition_text, dataset_rights

if TYPE_CHECKING:  # annotations only: the policy imports nothing from mapping at run time
    from ..mapping.model import DatasetMapping

SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")


def ground_iri(public_base: str, code: str) -> URIRef:
    return URIRef(f"{public_base}/def/woo/{GROUNDS[code].slug}")


def register_graph(
    mappings: Iterable[DatasetMapping], *, public_base: str, withheld_rows: dict[str, tuple[int, ...]] | None = None
) -> Graph:
    """Every dataset's exceptions, and a link from each rights statement to the grounds it names.

    ``withheld_rows`` gives, per dataset, how many rows each of its row conditions withholds.
    """
    g = Graph()
    defs = Namespace(f"{public_base}/def/")
    g.bind("def", defs)
    g.bind("dct", DCTERMS)
    register = URIRef(f"{public_base}/id/register/uitzonderingen")
    g.add((register, RDF.type, defs.Register))
    g.add((register, RDFS.label, Literal("Register van uitzonderingen", lang="nl")))
    g.add((register, RDFS.label, Literal("Register of exceptions", lang="en")))
    for mapping in mappings:
        _dataset(g, defs, register, mapping, public_base, (withheld_rows or {}).get(mapping.slug))
    return g


def _unpublished(g: Graph, defs: Namespace, dataset: URIRef, base: str, mapping: DatasetMapping) -> None:
    """Columns left out as empty or redundant: listed apart, as no exception to openness (no ground)."""
    for u in mapping.policy.unpublished:
        iri = URIRef(f"{base}/weggelaten/{quote(u.column, safe='')}")
        g.add((dataset, defs.nietGepubliceerd, iri))
        g.add((iri, RDF.type, defs.NietGepubliceerdeKolom))
        g.add((iri, defs.kolomnaam, Literal(u.column)))
        g.add((iri, defs.reden, Literal(u.reason)))
        g.add((iri, defs.toelichting, Literal(u.motivation, lang="nl")))
        for column in u.repeats:
            g.add((iri, defs.herhaalt, Literal(column)))
        nl, en = (
            ("leeg", "empty")
            if u.reason == "empty"
            else ("herhaalt " + ", ".join(u.repeats), "repeats " + ", ".join(u.repeats))
        )
        g.add((iri, RDFS.label, Literal(f"Kolom '{u.column}' niet gepubliceerd: {nl}", lang="nl")))
        g.add((iri, RDFS.label, Literal(f"Column '{u.column}' not published: {en}", lang="en")))


def _entry(
    g: Graph, defs: Namespace, dataset: URIRef, iri: URIRef, kind: str, entry: PolicyEntry, public_base: str
) -> URIRef:
    g.add((dataset, defs.uitzondering, iri))
    g.add((iri, RDF.type, defs.Uitzondering))
    g.add((iri, RDF.type, defs[kind]))
    g.add((iri, DCTERMS.isPartOf, URIRef(f"{public_base}/id/register/uitzonderingen")))
    g.add((iri, defs.woogrond, ground_iri(public_base, entry.ground)))
    g.add((iri, defs.motivering, Literal(entry.motivation, lang="nl")))
    g.add((iri, defs.geldtVanaf, Literal(entry.since, datatype=XSD.date)))
    return iri


def _dataset(
    g: Graph,
    defs: Namespace,
    register: URIRef,
    mapping: DatasetMapping,
    public_base: str,
    counts: tuple[int, ...] | None,
) -> None:
    slug = mapping.slug
    dataset = URIRef(f"{public_base}/id/dataset/{slug}")
    base = f"{public_base}/id/uitzondering/{slug}"
    g.add((register, DCTERMS.hasPart, dataset))
    policy = mapping.policy
    _unpublished(g, defs, dataset, base, mapping)
    rights = dataset_rights(mapping)
    if rights.statement:
        statement = URIRef(f"{public_base}/id/rechten/{slug}")
        for code in rights.grounds:
            g.add((statement, defs.woogrond, ground_iri(public_base, code)))
    if policy.dataset is not None:
        iri = _entry(g, defs, dataset, URIRef(f"{base}/dataset"), "UitgezonderdeDataset", policy.dataset, public_base)
        g.add((iri, RDFS.label, Literal("De hele dataset is niet openbaar", lang="nl")))
        g.add((iri, RDFS.label, Literal("The whole dataset is withheld", lang="en")))
    for w in policy.columns:
        iri = URIRef(f"{base}/kolom/{quote(w.column, safe='')}")
        _entry(g, defs, dataset, iri, "UitgezonderdeKolom", w, public_base)
        g.add((iri, defs.kolom, Literal(w.column)))
        if w.source:
            g.add((iri, defs.bronbestand, Literal(w.source)))
        g.add((iri, RDFS.label, Literal(f"Kolom '{w.column}' niet gepubliceerd", lang="nl")))
        g.add((iri, RDFS.label, Literal(f"Column '{w.column}' not published", lang="en")))
    for i, r in enumerate(policy.rows, start=1):
        iri = _entry(g, defs, dataset, URIRef(f"{base}/rijen/{i}"), "UitgezonderdeRijen", r, public_base)
        g.add((iri, defs.kolom, Literal(r.column)))
        if r.source:
            g.add((iri, defs.bronbestand, Literal(r.source)))
        for lang in ("nl", "en"):
            g.add((iri, defs.voorwaarde, Literal(condition_text(r, lang), lang=lang)))
        nl, en = f"Rijen waarin {condition_text(r, 'nl')}, niet gepubliceerd", f"Rows where {condition_text(r, 'en')}"
        if counts is not None:
            g.add((iri, defs.aantalRijen, Literal(counts[i - 1], datatype=XSD.integer)))
            nl += f" ({counts[i - 1]} {'rij' if counts[i - 1] == 1 else 'rijen'})"
            en += f", not published ({counts[i - 1]} {'row' if counts[i - 1] == 1 else 'rows'})"
        else:
            en += ", not published"
        g.add((iri, RDFS.label, Literal(nl, lang="nl")))
        g.add((iri, RDFS.label, Literal(en, lang="en")))
    for a in policy.aggregates:
        iri = URIRef(f"{base}/aggregatie/{quote(a.source, safe='')}")
        _entry(g, defs, dataset, iri, "Aggregatie", a, public_base)
        g.add((iri, defs.bronbestand, Literal(a.source)))
        for column in a.by:
            g.add((iri, defs.dimensie, Literal(column)))
        if a.threshold:
            g.add((iri, defs.drempel, Literal(a.threshold, datatype=XSD.integer)))
        if a.rounding:
            g.add((iri, defs.afronding, Literal(a.rounding, datatype=XSD.integer)))
        by = ", ".join(a.by)
        g.add((iri, RDFS.label, Literal(f"Alleen aantallen per {by}", lang="nl")))
        g.add((iri, RDFS.label, Literal(f"Counts per {by} only", lang="en")))
