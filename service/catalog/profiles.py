"""Profiles: each turns the mapping metadata and the release facts into the triples of one vocabulary.

The orchestrator (``describe_catalog``) owns the graph and asks each profile in turn; a profile only
knows its properties. DCAT-AP-NL 3.0 is the profile the national catalogue reads.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef

from ..mapping.model import DatasetMapping
from .codelists import (
    ACCESS_RIGHTS,
    FILE_TYPES,
    LANGUAGES,
    LICENCES,
    LOCAL_AUTHORITY,
    MEDIA_TYPES,
    SHA256,
    THEMES,
    TOOI_GEMEENTE,
    CodeList,
)
from .context import CatalogContext
from .facts import DUMP_FORMATS, DumpFile
from .fields import FIELDS, Field
from .namespaces import DCAT, DCT, FOAF, RDF, RDFS, SPDX, VCARD, XSD

#: The profile the catalogue records conform to.
DCAT_AP_NL_30 = URIRef("https://docs.geostandaarden.nl/dcat/dcat-ap-nl30/")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
#: Titles of the standards we state conformance to (dct:Standard needs nothing more; people need a name).
STANDARD_TITLES = {
    DCAT_AP_NL_30: ("DCAT-AP-NL 3.0", "DCAT-AP-NL 3.0"),
    SPARQL_PROTOCOL: ("SPARQL 1.1-protocol", "SPARQL 1.1 Protocol"),
}
#: The rights statement of a distribution whose dataset withholds nothing.
OPEN_STATEMENT = {
    "nl": "Volledig openbaar: niets achtergehouden op grond van de Woo; hergebruik onder de vermelde licentie.",
    "en": "Fully public: nothing withheld under the Woo; reuse under the stated licence.",
}


class Profile:
    """The hooks a profile implements; each adds to the shared graph."""

    name = "base"

    def graph_from_catalog(self, g: Graph, ctx: CatalogContext) -> None:
        """Triples about the catalogue (and the whole release)."""

    def graph_from_dataset(self, g: Graph, ctx: CatalogContext, mapping: DatasetMapping) -> None:
        """Triples about one dataset."""


def _date(value: datetime) -> Literal:
    return Literal(value.astimezone(UTC).replace(microsecond=0).isoformat(), datatype=XSD.dateTime)


def _code(codes: CodeList, value: Any) -> URIRef:
    """The code's IRI; an unknown code still becomes an IRI, so that the shapes name it."""
    return URIRef(codes.base + quote(str(value), safe=""))


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


class DcatApNl30Profile(Profile):
    """DCAT-AP-NL 3.0: catalogue, datasets, distributions, the SPARQL data service and catalogue records."""

    name = "dcat_ap_nl_30"

    def graph_from_catalog(self, g: Graph, ctx: CatalogContext) -> None:
        s = ctx.settings
        catalog, agent, service, contact = ctx.catalog, ctx.publisher, ctx.service, ctx.catalog_contact
        g.add((catalog, RDF.type, DCAT.Catalog))
        g.add((catalog, DCT.title, Literal(f"Open data van de {s.publisher_name}", lang="nl")))
        g.add((catalog, DCT.title, Literal(f"Open data of the {s.publisher_name}", lang="en")))
        g.add(
            (
                catalog,
                DCT.description,
                Literal("Alle gegevens zijn openbaar, tenzij een uitzondering uit de Woo geldt.", lang="nl"),
            )
        )
        g.add(
            (
                catalog,
                DCT.description,
                Literal("All data is public, unless an exception under the Woo applies.", lang="en"),
            )
        )
        g.add((catalog, DCT.publisher, agent))
        g.add((catalog, DCT.creator, agent))
        g.add((catalog, DCAT.contactPoint, contact))
        g.add((catalog, FOAF.homepage, URIRef(ctx.base + "/")))
        g.add((catalog, DCT.license, LICENCES.iri("cc0")))  # the metadata, as the data service's
        g.add((catalog, DCT.language, LANGUAGES.iri("NLD")))
        g.add((catalog, DCT.language, LANGUAGES.iri("ENG")))
        g.add((catalog, DCAT.themeTaxonomy, URIRef("http://publications.europa.eu/resource/authority/data-theme")))
        g.add((catalog, DCT.spatial, URIRef(TOOI_GEMEENTE + "gm0014")))
        if ctx.facts.modified:
            g.add((catalog, DCT.modified, _date(max(ctx.facts.modified.values()))))
        if ctx.facts.issued:
            g.add((catalog, DCT.issued, _date(min(ctx.facts.issued.values()))))
        g.add((catalog, DCAT.service, service))
        self._agent(g, agent, s.publisher_name)
        self._contact(g, contact, "Team Open Data", s.contact_email)
        self._service(g, ctx)

    def graph_from_dataset(self, g: Graph, ctx: CatalogContext, mapping: DatasetMapping) -> None:
        slug, meta = mapping.slug, mapping.metadata
        dataset = ctx.dataset(slug)
        g.add((ctx.catalog, DCAT.dataset, dataset))
        g.add((dataset, RDF.type, DCAT.Dataset))
        g.add((dataset, DCT.identifier, Literal(str(dataset))))
        g.add((dataset, DCT.publisher, ctx.publisher))
        g.add((dataset, DCT.creator, ctx.publisher))
        g.add((dataset, DCT.language, LANGUAGES.iri("NLD")))
        g.add((dataset, DCAT.landingPage, ctx.landing_page(slug)))
        g.add((dataset, FOAF.page, ctx.landing_page(slug)))  # its documentation: the same page
        for standard in self._standards(g, ctx, mapping):
            g.add((dataset, DCT.conformsTo, standard))
        rights = ctx.rights(mapping)
        g.add((dataset, DCT.accessRights, URIRef(rights.access_iri)))
        if rights.statement:
            g.add((dataset, DCT.rights, self._rights_statement(g, ctx, slug, rights.statement)))
        if slug in ctx.facts.modified:
            g.add((dataset, DCT.modified, _date(ctx.facts.modified[slug])))
        if slug in ctx.facts.issued:
            g.add((dataset, DCT.issued, _date(ctx.facts.issued[slug])))
        for f in FIELDS:
            if f.on == "dataset" and meta.get(f.key) is not None:
                self._field(g, ctx, dataset, f, meta[f.key], slug)
        if not ctx.is_withheld(mapping):
            g.add((ctx.service, DCAT.servesDataset, dataset))
            self._sparql_distribution(g, ctx, mapping)
            for dump in ctx.facts.dumps_of(slug):
                self._dump_distribution(g, ctx, mapping, dump)
        self._record(g, ctx, slug)

    # -- the parts ----------------------------------------------------------------------------------------

    def _field(self, g: Graph, ctx: CatalogContext, subject: URIRef, f: Field, value: Any, slug: str) -> None:
        p = f.predicate
        if f.kind == "text":
            items = value.items() if isinstance(value, dict) else [(None, value)]
            for lang, text in items:
                g.add((subject, p, Literal(str(text).strip(), lang=lang)))
        elif f.kind == "keywords":
            items = value.items() if isinstance(value, dict) else [(None, value)]
            for lang, words in items:
                for word in _listed(words):
                    g.add((subject, p, Literal(str(word), lang=lang)))
        elif f.kind == "code":
            assert f.codes is not None
            for code in _listed(value):
                g.add((subject, p, _code(f.codes, code)))
        elif f.kind == "contact":
            contact = ctx.contact(slug)
            g.add((subject, p, contact))
            data = value if isinstance(value, dict) else {}
            self._contact(g, contact, str(data.get("name") or ctx.settings.publisher_name), data.get("email"))
        elif f.kind == "spatial":
            for place in _listed(value):
                place = str(place)
                g.add((subject, p, URIRef(place if ":" in place else TOOI_GEMEENTE + place.lower())))
        elif f.kind == "temporal" and isinstance(value, dict):
            period = URIRef(f"{subject}/periode")
            g.add((subject, p, period))
            g.add((period, RDF.type, DCT.PeriodOfTime))
            for key, prop in (("start", DCAT.startDate), ("end", DCAT.endDate)):
                if value.get(key) is not None:
                    g.add((period, prop, _temporal(value[key])))

    def _agent(self, g: Graph, agent: URIRef, name: str) -> None:
        g.add((agent, RDF.type, FOAF.Agent))
        g.add((agent, FOAF.name, Literal(name, lang="nl")))
        g.add((agent, DCT.type, LOCAL_AUTHORITY))

    def _contact(self, g: Graph, contact: URIRef, name: str, email: Any) -> None:
        g.add((contact, RDF.type, VCARD.Organization))
        g.add((contact, RDF.type, VCARD.Kind))
        g.add((contact, VCARD.fn, Literal(name)))
        if email:
            g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{email}")))

    def _licence(self, mapping: DatasetMapping) -> URIRef | None:
        licence = mapping.metadata.get("license")
        return None if licence is None else _code(LICENCES, licence)

    def _sparql_distribution(self, g: Graph, ctx: CatalogContext, mapping: DatasetMapping) -> None:
        slug = mapping.slug
        dist = ctx.distribution(slug, "sparql")
        dataset = ctx.dataset(slug)
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCT.title, Literal(f"SPARQL-endpoint (graaf {ctx.graph(slug)})", lang="nl")))
        g.add((dist, DCT.title, Literal(f"SPARQL endpoint (graph {ctx.graph(slug)})", lang="en")))
        g.add((dist, DCT.description, Literal(f"Bevraag de graaf <{ctx.graph(slug)}> met SPARQL 1.1.", lang="nl")))
        g.add((dist, DCT.description, Literal(f"Query the graph <{ctx.graph(slug)}> with SPARQL 1.1.", lang="en")))
        g.add((dist, DCAT.accessURL, ctx.endpoint))
        g.add((dist, DCAT.accessService, ctx.service))
        g.add((dist, DCAT.mediaType, MEDIA_TYPES.iri("application/sparql-results+json")))
        g.add((dist, DCT.format, FILE_TYPES.iri("SPARQLQ")))
        g.add((dist, DCT.conformsTo, self._standard(g, SPARQL_PROTOCOL)))
        self._distribution_common(g, ctx, dist, mapping)

    def _dump_distribution(self, g: Graph, ctx: CatalogContext, mapping: DatasetMapping, dump: DumpFile) -> None:
        fmt = DUMP_FORMATS[dump.format]
        dist = ctx.distribution(mapping.slug, f"dump-{dump.format}")
        url = ctx.dump_url(dump.name)
        g.add((ctx.dataset(mapping.slug), DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCT.title, Literal(f"Volledige download ({fmt.label}, gzip)", lang="nl")))
        g.add((dist, DCT.title, Literal(f"Full download ({fmt.label}, gzip)", lang="en")))
        graph = ctx.graph(mapping.slug)
        g.add((dist, DCT.description, Literal(f"De hele graaf <{graph}> als {fmt.label}, gzip.", lang="nl")))
        g.add((dist, DCT.description, Literal(f"The whole graph <{graph}> as {fmt.label}, gzipped.", lang="en")))
        g.add((dist, DCAT.accessURL, url))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCAT.mediaType, MEDIA_TYPES.iri(fmt.media_type)))
        g.add((dist, DCAT.compressFormat, MEDIA_TYPES.iri("application/gzip")))
        g.add((dist, DCT.format, FILE_TYPES.iri(fmt.file_type)))
        g.add((dist, DCAT.byteSize, Literal(dump.bytes, datatype=XSD.nonNegativeInteger)))
        checksum = URIRef(f"{dist}/controlegetal")
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SHA256))
        g.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))
        if mapping.slug in ctx.facts.modified:
            g.add((dist, DCT.modified, _date(ctx.facts.modified[mapping.slug])))
        self._distribution_common(g, ctx, dist, mapping)

    def _distribution_common(self, g: Graph, ctx: CatalogContext, dist: URIRef, mapping: DatasetMapping) -> None:
        licence = self._licence(mapping)
        if licence is not None:
            g.add((dist, DCT.license, licence))
        g.add((dist, DCT.language, LANGUAGES.iri("NLD")))
        for standard in self._standards(g, ctx, mapping):
            g.add((dist, DCT.conformsTo, standard))
        # dct:rights is a statement in words (Data Governance Act), never an EU access-right code.
        statement = ctx.rights(mapping).statement
        g.add((dist, DCT.rights, self._rights_statement(g, ctx, mapping.slug if statement else "openbaar", statement)))

    def _standard(self, g: Graph, standard: URIRef, title: tuple[str, str] | None = None) -> URIRef:
        """A dct:Standard with its title in Dutch and English."""
        nl, en = title or STANDARD_TITLES[standard]
        g.add((standard, RDF.type, DCT.Standard))
        g.add((standard, DCT.title, Literal(nl, lang="nl")))
        g.add((standard, DCT.title, Literal(en, lang="en")))
        return standard

    def _standards(self, g: Graph, ctx: CatalogContext, mapping: DatasetMapping) -> list[URIRef]:
        """What a dataset's data conforms to: our vocabulary, when its mapping uses it."""
        if not ctx.uses_vocabulary(mapping):
            return []
        name = ctx.settings.publisher_name
        return [self._standard(g, ctx.vocabulary, (f"Vocabulaire van de {name}", f"Vocabulary of the {name}"))]

    def _rights_statement(self, g: Graph, ctx: CatalogContext, name: str, text: dict[str, str]) -> URIRef:
        """A dct:RightsStatement under /id/rechten/: what is withheld and why, or that nothing is."""
        statement = URIRef(f"{ctx.base}/id/rechten/{name}")
        g.add((statement, RDF.type, DCT.RightsStatement))
        for lang, words in (text or OPEN_STATEMENT).items():
            g.add((statement, RDFS.label, Literal(words, lang=lang)))
            g.add((statement, DCT.description, Literal(words, lang=lang)))
        return statement

    def _service(self, g: Graph, ctx: CatalogContext) -> None:
        service = ctx.service
        g.add((service, RDF.type, DCAT.DataService))
        g.add((service, DCT.title, Literal("SPARQL-endpoint van de open data", lang="nl")))
        g.add((service, DCT.title, Literal("SPARQL endpoint of the open data", lang="en")))
        g.add((service, DCT.description, Literal("SPARQL 1.1 over alle datasets, elk in een eigen graaf.", lang="nl")))
        g.add((service, DCT.description, Literal("SPARQL 1.1 over every dataset, each in its own graph.", lang="en")))
        g.add((service, DCT.identifier, Literal(str(service))))
        g.add((service, DCAT.endpointURL, ctx.endpoint))
        # GET /sparql without a query answers the SPARQL service description.
        g.add((service, DCAT.endpointDescription, ctx.endpoint))
        g.add((service, DCT.conformsTo, self._standard(g, SPARQL_PROTOCOL)))
        g.add((service, DCT.publisher, ctx.publisher))
        g.add((service, DCT.creator, ctx.publisher))
        g.add((service, DCAT.contactPoint, ctx.catalog_contact))
        g.add((service, DCT.accessRights, ACCESS_RIGHTS.iri("PUBLIC")))
        g.add((service, DCT.license, LICENCES.iri("cc0")))
        g.add((service, DCT.language, LANGUAGES.iri("NLD")))
        g.add((service, DCAT.landingPage, URIRef(ctx.base + "/sparql")))
        themes = {t for m in ctx.mappings for t in _listed(m.metadata.get("theme"))}
        for theme in sorted(themes, key=str):
            g.add((service, DCAT.theme, _code(THEMES, theme)))
        g.add((service, DCAT.keyword, Literal("SPARQL")))
        g.add((service, DCAT.keyword, Literal("linked data")))

    def _record(self, g: Graph, ctx: CatalogContext, slug: str) -> None:
        record = ctx.record(slug)
        g.add((ctx.catalog, DCAT.record, record))
        g.add((record, RDF.type, DCAT.CatalogRecord))
        g.add((record, FOAF.primaryTopic, ctx.dataset(slug)))
        g.add((record, DCT.conformsTo, self._standard(g, DCAT_AP_NL_30)))
        g.add((record, DCT.language, LANGUAGES.iri("NLD")))
        g.add((record, DCT.language, LANGUAGES.iri("ENG")))
        when = ctx.facts.modified.get(slug) or ctx.facts.created
        if when is not None:
            g.add((record, DCT.modified, _date(when)))
        if slug in ctx.facts.issued:
            g.add((record, DCT.issued, _date(ctx.facts.issued[slug])))


def _temporal(value: Any) -> Literal:
    """A date stays a date (xsd:date), a year a gYear, anything else as written."""
    if isinstance(value, datetime):
        return Literal(value.isoformat(), datatype=XSD.dateTime)
    if isinstance(value, date):
        return Literal(value.isoformat(), datatype=XSD.date)
    text = str(value)
    if text.isdigit() and len(text) == 4:
        return Literal(text, datatype=XSD.gYear)
    return Literal(text, datatype=XSD.date)
