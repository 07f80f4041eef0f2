"""DCAT-AP-NL description of each published dataset, made from the mapping's ``dataset:`` block.

The field table below is the mapping from metadata keys to DCAT; serialising is left to the caller.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from rdflib import DCAT, DCTERMS, FOAF, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef

from .errors import MappingError
from .mapping.model import DatasetMapping
from .policy.rights import dataset_rights

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
LICENCES = "https://definities.geostandaarden.nl/dcat-ap-nl/id/waardelijst/licenties/"
THEMES = {
    "AGRI",
    "ECON",
    "EDUC",
    "ENER",
    "ENVI",
    "GOVE",
    "HEAL",
    "INTR",
    "JUST",
    "REGI",
    "SOCI",
    "TECH",
    "TRAN",
}
FREQUENCIES = {
    "DAILY",
    "WEEKLY",
    "MONTHLY",
    "QUARTERLY",
    "ANNUAL",
    "IRREG",
    "UPDATE_CONT",
    "NEVER",
    "UNKNOWN",
    "BIENNIAL",
    "BIMONTHLY",
    "BIWEEKLY",
    "CONT",
    "TRIENNIAL",
    "QUINQUENNIAL",
    "DECENNIAL",
}
LICENCE_CODES = {"cc0", "public_domain_mark", "niet_open"} | {
    f"naamsvermelding{kind}{v}"
    for kind in (
        "",
        "_gelijkdelen",
        "_geen_afgeleide_werken",
        "_niet_commercieel",
        "_niet_commercieel_gelijk_delen",
        "_niet_commercieel_geen_afgeleide_werken",
    )
    for v in ("10", "20", "30", "40")
}


def check_metadata(mapping: DatasetMapping) -> None:
    """Fail early, naming the mapping file, on metadata the catalogue cannot be built from."""
    meta = mapping.metadata

    def fail(key: str, problem: str, fix: str = "") -> MappingError:
        return MappingError(mapping.path, f"dataset.{key}", problem, fix)

    if not meta:
        raise MappingError(
            mapping.path,
            "dataset",
            "the mapping has no 'dataset:' metadata block",
            "add title, description, theme, license, keywords, frequency and contact",
        )
    for key in ("title", "description"):
        value = meta.get(key)
        if not isinstance(value, dict) or not value.get("nl") or not value.get("en"):
            raise fail(key, f"'{key}' needs text in nl and en", f"write {key}: {{nl: …, en: …}}")
    themes = meta.get("theme")
    if not themes or not all(str(t) in THEMES for t in _list(themes)):
        raise fail("theme", f"theme {themes!r} is not in the EU data-theme list", f"use {sorted(THEMES)}")
    licence = meta.get("license")
    if str(licence) not in LICENCE_CODES:
        raise fail("license", f"license {licence!r} is not on the Geonovum licence list", "e.g. cc0")
    frequency = meta.get("frequency")
    if frequency is not None and str(frequency) not in FREQUENCIES:
        raise fail("frequency", f"frequency {frequency!r} is not an EU frequency code", "e.g. MONTHLY")
    contact = meta.get("contact")
    if not isinstance(contact, dict) or not contact.get("email"):
        raise fail("contact", "'contact' needs at least an email", "write contact: {name: …, email: …}")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def describe_datasets(
    mappings: Iterable[DatasetMapping], *, public_base: str, publisher: str, modified: datetime | None = None
) -> Graph:
    """The catalogue graph: one dcat:Catalog, a dcat:Dataset per mapping and the SPARQL DataService."""
    g = Graph()
    g.bind("dcat", DCAT)
    g.bind("dct", DCTERMS)
    g.bind("vcard", VCARD)
    when = Literal((modified or datetime.now(UTC)).replace(microsecond=0).isoformat(), datatype=XSD.dateTime)
    catalog = URIRef(f"{public_base}/id/catalogus/openbaar")
    service = URIRef(f"{public_base}/id/dataservice/sparql")
    agent = URIRef(publisher)
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal("Open data van de gemeente Groningen", lang="nl")))
    g.add((catalog, DCTERMS.title, Literal("Open data of the municipality of Groningen", lang="en")))
    g.add(
        (
            catalog,
            DCTERMS.description,
            Literal("Alle gegevens zijn openbaar, tenzij een uitzondering geldt.", lang="nl"),
        )
    )
    g.add((catalog, DCTERMS.description, Literal("All data is public, unless an exception applies.", lang="en")))
    g.add((catalog, DCTERMS.publisher, agent))
    g.add((catalog, DCTERMS.modified, when))
    g.add((catalog, DCAT.service, service))
    g.add((agent, RDF.type, FOAF.Agent))
    g.add((agent, FOAF.name, Literal("gemeente Groningen", lang="nl")))
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal("SPARQL-endpoint", lang="nl")))
    g.add((service, DCAT.endpointURL, URIRef(f"{public_base}/sparql")))
    g.add((service, DCAT.endpointDescription, URIRef(f"{public_base}/sparql")))
    g.add((service, DCTERMS.publisher, agent))
    for mapping in mappings:
        _describe(g, mapping, catalog, service, agent, public_base, when)
    return g


def _describe(
    g: Graph,
    mapping: DatasetMapping,
    catalog: URIRef,
    service: URIRef,
    agent: URIRef,
    public_base: str,
    when: Literal,
) -> None:
    meta = mapping.metadata
    dataset = URIRef(f"{public_base}/id/dataset/{mapping.slug}")
    g.add((catalog, DCAT.dataset, dataset))
    g.add((service, DCAT.servesDataset, dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    for lang in ("nl", "en"):
        g.add((dataset, DCTERMS.title, Literal(meta["title"][lang], lang=lang)))
        g.add((dataset, DCTERMS.description, Literal(meta["description"][lang], lang=lang)))
        for word in (meta.get("keywords") or {}).get(lang, []):
            g.add((dataset, DCAT.keyword, Literal(str(word), lang=lang)))
    g.add((dataset, DCTERMS.publisher, agent))
    g.add((dataset, DCTERMS.creator, agent))
    for theme in _list(meta["theme"]):
        g.add((dataset, DCAT.theme, URIRef(f"{EU}data-theme/{theme}")))
    rights = dataset_rights(mapping)
    g.add((dataset, DCTERMS.accessRights, URIRef(rights.access_iri)))
    if rights.statement:
        statement = URIRef(f"{public_base}/id/rechten/{mapping.slug}")
        g.add((dataset, DCTERMS.rights, statement))
        g.add((statement, RDF.type, DCTERMS.RightsStatement))
        for lang, text in rights.statement.items():
            g.add((statement, RDFS.label, Literal(text, lang=lang)))
    g.add((dataset, DCTERMS.language, URIRef(f"{EU}language/NLD")))
    g.add((dataset, DCTERMS.modified, when))
    if meta.get("frequency"):
        g.add((dataset, DCTERMS.accrualPeriodicity, URIRef(f"{EU}frequency/{meta['frequency']}")))
    contact = URIRef(f"{public_base}/id/contactpunt/{mapping.slug}")
    g.add((dataset, DCAT.contactPoint, contact))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(meta["contact"].get("name", "gemeente Groningen"))))
    g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{meta['contact']['email']}")))
    distribution = URIRef(f"{public_base}/id/distributie/{mapping.slug}-sparql")
    g.add((dataset, DCAT.distribution, distribution))
    g.add((distribution, RDF.type, DCAT.Distribution))
    g.add((distribution, DCAT.accessURL, URIRef(f"{public_base}/sparql")))
    g.add((distribution, DCAT.accessService, service))
    g.add((distribution, DCTERMS.license, URIRef(LICENCES + str(meta["license"]))))
