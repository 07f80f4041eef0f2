"""Every format the service speaks, in one table, and the one negotiator every route uses.

A format has one media type, one file extension, the words ``?format=`` takes for it and the name of
its serialiser. Routes only say which formats they offer, default first; :func:`choose` does the rest:
``?format=`` (a word, the extension or a media type) wins over ``Accept``; no ``Accept`` or ``*/*``
gives the default; q-values are honoured and ``q=0`` refuses. Store modules turn a format's media type
into pyoxigraph's own enum (``RdfFormat.from_media_type``), so no other table of formats exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from werkzeug.datastructures import MIMEAccept

if TYPE_CHECKING:
    from rdflib import Graph

Kind = Literal["page", "graph", "quads", "results", "query"]


@dataclass(frozen=True)
class Format:
    """One representation: ``word`` is the ``?format=`` name written in links and errors."""

    word: str
    media_type: str
    label: str
    kind: Kind
    extension: str
    #: Other ``?format=`` words clients use for it.
    words: tuple[str, ...] = ()
    #: Other media types clients send for it (only within the route's offers, see :func:`choose`).
    aliases: tuple[str, ...] = ()
    #: rdflib's serialiser name, for graphs made in Python (the catalogue, the register, descriptions).
    rdflib: str | None = None
    #: Its name in the W3C formats namespace (``http://www.w3.org/ns/formats/``), for service descriptions.
    w3c: str | None = None
    #: Its code in the EU file-type list (``http://publications.europa.eu/resource/authority/file-type/``).
    eu: str | None = None

    @property
    def is_rdf(self) -> bool:
        return self.kind in ("graph", "quads")

    def names(self) -> tuple[str, ...]:
        """Everything ``?format=`` may say to mean this format."""
        return (self.word, self.extension, *self.words, self.media_type, *self.aliases)


HTML = Format("html", "text/html", "HTML", "page", "html", aliases=("application/xhtml+xml",))
TURTLE = Format(
    "ttl", "text/turtle", "Turtle", "graph", "ttl",
    words=("turtle",), aliases=("application/x-turtle",), rdflib="turtle", w3c="Turtle", eu="RDF_TURTLE",
)  # fmt: skip
JSON_LD = Format(
    "jsonld", "application/ld+json", "JSON-LD", "graph", "jsonld",
    aliases=("application/json",), rdflib="json-ld", w3c="JSON-LD", eu="JSON_LD",
)  # fmt: skip
N_TRIPLES = Format(
    "nt", "application/n-triples", "N-Triples", "graph", "nt",
    words=("ntriples",), aliases=("text/plain",), rdflib="nt", w3c="N-Triples", eu="RDF_N_TRIPLES",
)  # fmt: skip
RDF_XML = Format(
    "rdf", "application/rdf+xml", "RDF/XML", "graph", "rdf",
    words=("rdfxml",), aliases=("application/xml", "text/xml"), rdflib="xml", w3c="RDF_XML", eu="RDF_XML",
)  # fmt: skip
TRIG = Format(
    "trig", "application/trig", "TriG", "quads", "trig",
    aliases=("application/x-trig",), rdflib="trig", w3c="TriG", eu="RDF_TRIG",
)  # fmt: skip
N_QUADS = Format(
    "nq", "application/n-quads", "N-Quads", "quads", "nq",
    words=("nquads",), rdflib="nquads", w3c="N-Quads", eu="RDF_N_QUADS",
)  # fmt: skip
SPARQL_JSON = Format(
    "json", "application/sparql-results+json", "SPARQL JSON", "results", "srj",
    words=("srj",), aliases=("application/json",), w3c="SPARQL_Results_JSON",
)  # fmt: skip
SPARQL_XML = Format(
    "xml", "application/sparql-results+xml", "SPARQL XML", "results", "srx",
    words=("srx",), aliases=("application/xml", "text/xml"), w3c="SPARQL_Results_XML",
)  # fmt: skip
CSV = Format("csv", "text/csv", "CSV", "results", "csv", w3c="SPARQL_Results_CSV")
TSV = Format("tsv", "text/tab-separated-values", "TSV", "results", "tsv", w3c="SPARQL_Results_TSV")
SPARQL_QUERY = Format("rq", "application/sparql-query", "SPARQL query", "query", "rq", words=("sparql",))

FORMATS: tuple[Format, ...] = (
    HTML,
    TURTLE,
    JSON_LD,
    N_TRIPLES,
    RDF_XML,
    TRIG,
    N_QUADS,
    SPARQL_JSON,
    SPARQL_XML,
    CSV,
    TSV,
    SPARQL_QUERY,
)
#: What each kind of route offers, default first.
RDF: tuple[Format, ...] = (TURTLE, JSON_LD, N_TRIPLES, RDF_XML, TRIG, N_QUADS)
#: Triple formats only: for graphs made with rdflib (the catalogue, the register, release history).
TRIPLES: tuple[Format, ...] = (TURTLE, JSON_LD, N_TRIPLES, RDF_XML)
RESULTS: tuple[Format, ...] = (SPARQL_JSON, SPARQL_XML, CSV, TSV)
PAGE_AND_RDF: tuple[Format, ...] = (HTML, *RDF)
PAGE_AND_TRIPLES: tuple[Format, ...] = (HTML, *TRIPLES)
BY_EXTENSION = {f.extension: f for f in FORMATS}
BY_MEDIA_TYPE = {f.media_type: f for f in FORMATS}


class FormatError(Exception):
    """A format request the route cannot meet: 400 for a word nobody knows, 406 for one not offered here."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def words(offers: Sequence[Format]) -> str:
    return ", ".join(f.word for f in offers)


def by_media_type(media_type: str) -> Format:
    """The format of a media type we serve; KeyError for any other."""
    return BY_MEDIA_TYPE[media_type.split(";")[0].strip().lower()]


def split_extension(path: str, offers: Sequence[Format] = PAGE_AND_RDF) -> tuple[str, Format | None]:
    """``boom/1.ttl`` → (``boom/1``, Turtle); a path without an offered extension is returned whole."""
    stem, dot, ext = path.rpartition(".")
    found = BY_EXTENSION.get(ext) if dot and "/" not in ext else None
    if found is not None and found in offers:
        return stem, found
    return path, None


def from_word(value: str, offers: Sequence[Format]) -> Format:
    """What ``?format=`` names among the offers; FormatError 406 when it is ours but not offered, else 400."""
    value = value.strip().lower()
    for fmt in offers:
        if value in fmt.names():
            return fmt
    if any(value in fmt.names() for fmt in FORMATS):
        raise FormatError(406, f"format '{value}' is not offered here; use format={words(offers)}")
    raise FormatError(400, f"unknown format '{value}': use format={words(offers)} (or one of their media types)")


def from_accept(accept: MIMEAccept, offers: Sequence[Format]) -> Format:
    """The offer Accept likes best (q-values, then the route's order); the default when Accept is absent."""
    if not accept:
        return offers[0]
    candidates = [f.media_type for f in offers] + [a for f in offers for a in f.aliases]
    best = accept.best_match(candidates)
    if best is None:
        offered = ", ".join(f.media_type for f in offers)
        raise FormatError(406, f"none of the media types in Accept is offered here: {offered} (or use ?format=)")
    return next(f for f in offers if best == f.media_type or best in f.aliases)


def choose(offers: Sequence[Format], accept: MIMEAccept, word: str | None, extension: Format | None = None) -> Format:
    """Extension, then ``?format=``, then Accept; raises FormatError (400 or 406) when nothing offered fits."""
    if extension is not None:
        return extension
    if word:
        return from_word(word, offers)
    return from_accept(accept, offers)


def serialize(graph: Graph, fmt: Format) -> bytes:
    """An rdflib graph in one of our RDF formats, as UTF-8 bytes."""
    if fmt.rdflib is None:
        raise ValueError(f"{fmt.label} is not an RDF format")
    if fmt.kind == "quads":  # rdflib writes quads only from a dataset: the graph becomes its default graph
        from rdflib import Dataset

        dataset = Dataset()
        dataset.namespace_manager = graph.namespace_manager
        for triple in graph:
            dataset.add(triple)
        graph = dataset
    data = graph.serialize(format=fmt.rdflib, encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode("utf-8")
