"""The value lists (waardelijsten) of DCAT-AP-NL 3.0 that our metadata draws from, as data.

Each list knows its scheme, the class its members get (the SHACL range checks test ``sh:class``)
and its codes with Dutch and English labels. Only codes listed here can be used in a mapping.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import DCAT, DCTERMS, FOAF, RDF, SKOS, Graph, Literal, URIRef

EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class CodeList:
    """One value list: ``{base}{code}`` IRIs, each typed with ``kind`` and placed in ``scheme``."""

    name: str
    base: str
    scheme: str
    kind: URIRef
    codes: dict[str, tuple[str, str]]

    def iri(self, code: str) -> URIRef:
        if code not in self.codes:
            raise KeyError(code)
        return URIRef(self.base + code)

    def code_of(self, iri: str) -> str | None:
        code = iri[len(self.base) :] if iri.startswith(self.base) else None
        return code if code in self.codes else None

    def describe(self, g: Graph, iri: URIRef) -> None:
        """The type triple (and scheme and labels) that let range and membership checks pass."""
        code = self.code_of(str(iri))
        if code is None:
            return
        g.add((iri, RDF.type, self.kind))
        if self.kind != SKOS.Concept:
            g.add((iri, RDF.type, SKOS.Concept))
        g.add((iri, SKOS.inScheme, URIRef(self.scheme)))
        nl, en = self.codes[code]
        g.add((iri, SKOS.prefLabel, Literal(nl, lang="nl")))
        g.add((iri, SKOS.prefLabel, Literal(en, lang="en")))


THEMES = CodeList(
    "EU data-theme",
    EU + "data-theme/",
    EU + "data-theme",
    SKOS.Concept,
    {
        "AGRI": ("Landbouw, visserij, bosbouw en voeding", "Agriculture, fisheries, forestry and food"),
        "ECON": ("Economie en financiën", "Economy and finance"),
        "EDUC": ("Onderwijs, cultuur en sport", "Education, culture and sport"),
        "ENER": ("Energie", "Energy"),
        "ENVI": ("Milieu", "Environment"),
        "GOVE": ("Overheid en publieke sector", "Government and public sector"),
        "HEAL": ("Gezondheid", "Health"),
        "INTR": ("Internationale vraagstukken", "International issues"),
        "JUST": ("Justitie, rechtsstelsel en openbare veiligheid", "Justice, legal system and public safety"),
        "REGI": ("Regio's en steden", "Regions and cities"),
        "SOCI": ("Bevolking en samenleving", "Population and society"),
        "TECH": ("Wetenschap en technologie", "Science and technology"),
        "TRAN": ("Vervoer", "Transport"),
    },
)

ACCESS_RIGHTS = CodeList(
    "EU access-right",
    EU + "access-right/",
    EU + "access-right",
    DCTERMS.RightsStatement,
    {
        "PUBLIC": ("openbaar", "public"),
        "RESTRICTED": ("beperkt", "restricted"),
        "NON_PUBLIC": ("niet openbaar", "non-public"),
    },
)

FREQUENCIES = CodeList(
    "EU frequency",
    EU + "frequency/",
    EU + "frequency",
    DCTERMS.Frequency,
    {
        "UPDATE_CONT": ("continu", "continuously updated"),
        "CONT": ("doorlopend", "continuous"),
        "DAILY": ("dagelijks", "daily"),
        "WEEKLY": ("wekelijks", "weekly"),
        "BIWEEKLY": ("tweewekelijks", "biweekly"),
        "MONTHLY": ("maandelijks", "monthly"),
        "BIMONTHLY": ("tweemaandelijks", "bimonthly"),
        "QUARTERLY": ("driemaandelijks", "quarterly"),
        "ANNUAL": ("jaarlijks", "annual"),
        "BIENNIAL": ("tweejaarlijks", "biennial"),
        "TRIENNIAL": ("driejaarlijks", "triennial"),
        "QUINQUENNIAL": ("vijfjaarlijks", "quinquennial"),
        "DECENNIAL": ("tienjaarlijks", "decennial"),
        "IRREG": ("onregelmatig", "irregular"),
        "NEVER": ("nooit", "never"),
        "UNKNOWN": ("onbekend", "unknown"),
    },
)

LANGUAGES = CodeList(
    "EU language",
    EU + "language/",
    EU + "language",
    DCTERMS.LinguisticSystem,
    {"NLD": ("Nederlands", "Dutch"), "ENG": ("Engels", "English"), "FRY": ("Fries", "Western Frisian")},
)

FILE_TYPES = CodeList(
    "EU file-type",
    EU + "file-type/",
    EU + "file-type",
    DCTERMS.MediaTypeOrExtent,
    {
        "RDF_N_TRIPLES": ("N-Triples", "N-Triples"),
        "RDF_N_QUADS": ("N-Quads", "N-Quads"),
        "RDF_TURTLE": ("Turtle", "Turtle"),
        "RDF_XML": ("RDF/XML", "RDF/XML"),
        "JSON_LD": ("JSON-LD", "JSON-LD"),
        "SPARQLQ": ("SPARQL-query", "SPARQL query"),
    },
)

MEDIA_TYPES = CodeList(
    "IANA media types",
    IANA,
    IANA.rstrip("/"),
    DCTERMS.MediaType,
    {
        "application/n-triples": ("N-Triples", "N-Triples"),
        "application/n-quads": ("N-Quads", "N-Quads"),
        "text/turtle": ("Turtle", "Turtle"),
        "application/rdf+xml": ("RDF/XML", "RDF/XML"),
        "application/ld+json": ("JSON-LD", "JSON-LD"),
        "application/gzip": ("gzip", "gzip"),
        "application/sparql-results+json": ("SPARQL-resultaten (JSON)", "SPARQL results (JSON)"),
    },
)


def _licences() -> dict[str, tuple[str, str]]:
    kinds = {
        "": ("Naamsvermelding", "Attribution"),
        "_gelijkdelen": ("Naamsvermelding-GelijkDelen", "Attribution-ShareAlike"),
        "_geen_afgeleide_werken": ("Naamsvermelding-GeenAfgeleideWerken", "Attribution-NoDerivatives"),
        "_niet_commercieel": ("Naamsvermelding-NietCommercieel", "Attribution-NonCommercial"),
        "_niet_commercieel_gelijk_delen": (
            "Naamsvermelding-NietCommercieel-GelijkDelen",
            "Attribution-NonCommercial-ShareAlike",
        ),
        "_niet_commercieel_geen_afgeleide_werken": (
            "Naamsvermelding-NietCommercieel-GeenAfgeleideWerken",
            "Attribution-NonCommercial-NoDerivatives",
        ),
    }
    codes = {
        "cc0": ("CC0 1.0", "CC0 1.0"),
        "public_domain_mark": ("Public Domain Mark 1.0", "Public Domain Mark 1.0"),
        "niet_open": ("Niet open", "Not open"),
    }
    for suffix, (nl, en) in kinds.items():
        for version in ("10", "20", "30", "40"):
            label = f"{version[0]}.{version[1]}"
            codes[f"naamsvermelding{suffix}{version}"] = (f"CC {nl} {label}", f"CC {en} {label}")
    return codes


LICENCES = CodeList(
    "Geonovum licence list",
    "https://definities.geostandaarden.nl/dcat-ap-nl/id/waardelijst/licenties/",
    "https://definities.geostandaarden.nl/dcat-ap-nl/id/waardelijst/licenties",
    DCTERMS.LicenseDocument,
    _licences(),
)

PUBLISHER_TYPES = CodeList(
    "ADMS publisher type",
    "http://purl.org/adms/publishertype/",
    "http://purl.org/adms/publishertype/1.0",
    SKOS.Concept,
    {"LocalAuthority": ("Lokale overheid", "Local authority")},
)

LICENCE_TYPES = CodeList(
    "ADMS licence type",
    "http://purl.org/adms/licencetype/",
    "http://purl.org/adms/licencetype/1.0",
    SKOS.Concept,
    {
        "PublicDomain": ("Publiek domein", "Public domain"),
        "Attribution": ("Naamsvermelding", "Attribution"),
        "ViralEffect-ShareAlike": ("Gelijk delen", "Share-alike"),
        "NonCommercialUseOnly": ("Alleen niet-commercieel gebruik", "Non-commercial use only"),
        "NoDerivativeWork": ("Geen afgeleide werken", "No derivative work"),
    },
)

ALL = (THEMES, ACCESS_RIGHTS, FREQUENCIES, LANGUAGES, FILE_TYPES, MEDIA_TYPES, LICENCES, PUBLISHER_TYPES, LICENCE_TYPES)

#: Publisher type of a municipality (ADMS publisher type).
LOCAL_AUTHORITY = PUBLISHER_TYPES.iri("LocalAuthority")
#: The checksum algorithm of every dump (an individual of spdx:ChecksumAlgorithm).
SHA256 = URIRef("http://spdx.org/rdf/terms#checksumAlgorithm_sha256")
SPDX_ALGORITHM = URIRef("http://spdx.org/rdf/terms#algorithm")
SPDX_CHECKSUM_ALGORITHM = URIRef("http://spdx.org/rdf/terms#ChecksumAlgorithm")
#: Properties whose values DCAT-AP requires to be web pages (foaf:Document).
DOCUMENT_PROPERTIES = (DCAT.landingPage, FOAF.homepage, FOAF.page)


def licence_types(code: str) -> list[str]:
    """The ADMS licence types of a Geonovum licence code: what a reuser must do or may not do.

    ``niet_open`` has none: no ADMS type says "not an open licence".
    """
    if code in ("cc0", "public_domain_mark"):
        return ["PublicDomain"]
    if not code.startswith("naamsvermelding"):
        return []
    kinds = ["Attribution"]
    if "gelijk" in code:
        kinds.append("ViralEffect-ShareAlike")
    if "niet_commercieel" in code:
        kinds.append("NonCommercialUseOnly")
    if "geen_afgeleide" in code:
        kinds.append("NoDerivativeWork")
    return kinds


#: TOOI municipalities, referred to by their short code in a mapping's ``spatial:``.
TOOI_GEMEENTE = "https://identifier.overheid.nl/tooi/id/gemeente/"


def add_type_triples(g: Graph) -> None:
    """Type every code-list IRI, page, standard and agent the graph uses, so ``sh:class`` checks pass offline.

    Also titles each concept scheme named and gives each licence its ADMS licence types.
    """
    for licence in set(g.objects(None, DCTERMS.license)):
        for kind in licence_types(LICENCES.code_of(str(licence)) or ""):
            g.add((licence, DCTERMS.type, LICENCE_TYPES.iri(kind)))
    used = {o for o in g.objects() if isinstance(o, URIRef)}
    for iri in used:
        for codes in ALL:
            if str(iri).startswith(codes.base):
                codes.describe(g, iri)
    for codes in ALL:
        scheme = URIRef(codes.scheme)
        if (None, SKOS.inScheme, scheme) in g:
            g.add((scheme, RDF.type, SKOS.ConceptScheme))
            g.add((scheme, DCTERMS.title, Literal(codes.name, lang="en")))
    for page in {o for p in DOCUMENT_PROPERTIES for o in g.objects(None, p)}:
        g.add((page, RDF.type, FOAF.Document))
    for standard in set(g.objects(None, DCTERMS.conformsTo)):
        g.add((standard, RDF.type, DCTERMS.Standard))
    for algorithm in set(g.objects(None, SPDX_ALGORITHM)):
        if algorithm == SHA256:
            g.add((algorithm, RDF.type, SPDX_CHECKSUM_ALGORITHM))
    for agent in g.objects(None, DCTERMS.publisher):
        g.add((agent, RDF.type, FOAF.Agent))
    for location in g.objects(None, DCTERMS.spatial):
        g.add((location, RDF.type, DCTERMS.Location))
    for kind in (DCAT.Dataset, DCAT.DataService):
        for resource in list(g.subjects(RDF.type, kind)):
            g.add((resource, RDF.type, DCAT.Resource))
