"""What a /doc/ document says about one IRI, read with quad patterns and bound terms only.

Store-level (it imports pyoxigraph), so the web layer gets plain data and never builds a query. A
request path never becomes query text: it becomes a ``NamedNode`` (which validates it) and is bound.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from itertools import islice
from typing import Any, Protocol

import pyoxigraph as ox

from .description import PAGE_SIZE, Description, Group, Label, Term
from .store import RdfTerm

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
GEO = "http://www.opengis.net/ont/geosparql#"
HAS_GEOMETRY = ox.NamedNode(GEO + "hasGeometry")
AS_WKT = ox.NamedNode(GEO + "asWKT")
CRS84 = "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"
#: Properties read as a label, best first; each is tried in nl, then en, then any language.
LABEL_PROPERTIES = tuple(
    ox.NamedNode(iri)
    for iri in (
        RDFS + "label",
        "http://www.w3.org/2004/02/skos/core#prefLabel",
        "http://purl.org/dc/terms/title",
        "http://schema.org/name",
        "http://xmlns.com/foaf/0.1/name",
        "http://www.w3.org/2006/vcard/ns#fn",
    )
)
PREFERRED_LANGUAGES = ("nl", "en")
#: Descriptions kept per process: a client (a crawler, a browser) asks for several formats of one
#: resource in a row, and each format would otherwise describe it again.
RECENT_DESCRIPTIONS = 128
#: Up to this many quads a resource is read in one pass; beyond it, counts come from the store.
SCAN_CAP = 1000
#: Labels kept per language order; past it the cache starts again (it holds per-release constants).
LABEL_CACHE = 50_000
#: A blank-node closure never grows beyond this (a guard against pathological data).
CLOSURE_CAP = 2000

# Fixed texts; the bound term arrives through ``substitutions`` (which must be projected, hence the GROUP BY).
PAGE_QUERY = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
COUNT_OUT = "SELECT ?s ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?s ?p"
COUNT_IN = "SELECT ?o ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?o ?p"
COUNT_CLASSES_IN_GRAPH = "SELECT ?g ?c (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?g ?c ORDER BY DESC(?n)"
COUNT_TYPE_PER_GRAPH = "SELECT ?c ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?c ?g"
COUNT_PROPERTY_PER_GRAPH = "SELECT ?p ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?p ?g"


def node(iri: str) -> ox.NamedNode | None:
    """A NamedNode for a request-made IRI, or None when it is not a valid IRI (the caller answers 404)."""
    try:
        return ox.NamedNode(iri)
    except ValueError:
        return None


def plain(term: Any) -> Term:
    if isinstance(term, ox.NamedNode):
        return Term("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if isinstance(term, ox.Literal):
        return Term("literal", term.value, term.language or "", "" if term.language else term.datatype.value)
    return Term("graph", "")


class Statements(Protocol):
    """What a describer reads: the release's store, or ``remote_store.RemoteStore`` (a remote engine), which
    also has ``prefetch``: the labels and types of many IRIs read at once instead of one request each."""

    def quads_for_pattern(self, subject: Any, predicate: Any, object: Any, graph_name: Any = None) -> Any: ...

    def query(self, query: str, *, substitutions: Any = None) -> Any: ...


class Describer:
    """Reads one release's store; caches labels and counts, which never change within a release."""

    def __init__(self, store: Statements, extra_labels: dict[str, dict[str, str]] | None = None) -> None:
        self.store = store
        #: Per language order, per IRI: the label and the quads stating it.
        self._labels: dict[tuple[str, ...], dict[str, tuple[Label, list[ox.Quad]]]] = {}
        self._counts: dict[tuple[str, ...], Any] = {}
        self._extra = extra_labels or {}
        self._recent: OrderedDict[tuple[Any, ...], Description | None] = OrderedDict()
        self._recent_lock = threading.Lock()

    def known(self, iri: str) -> bool:
        """Whether any statement mentions the IRI as subject or object (two index probes)."""
        term = node(iri)
        if term is None:
            return False
        for pattern in ((term, None, None, None), (None, None, term, None)):
            for _ in self.store.quads_for_pattern(*pattern):
                return True
        return False

    # -- the document ------------------------------------------------------------------------------

    def describe(
        self,
        iri: str,
        *,
        paged: tuple[str, str] | None = None,
        page: int = 1,
        languages: tuple[str, ...] = PREFERRED_LANGUAGES,
    ) -> Description | None:
        """None when the IRI is not valid; an empty description (``exists`` False) when nothing mentions it.

        The release never changes, so the last few descriptions are kept and shared (callers never change one).
        """
        key = (iri, paged, page, languages)
        with self._recent_lock:
            if key in self._recent:
                self._recent.move_to_end(key)
                return self._recent[key]
        found = self._describe(iri, paged, page, languages)
        with self._recent_lock:
            self._recent[key] = found
            if len(self._recent) > RECENT_DESCRIPTIONS:
                self._recent.popitem(last=False)
        return found

    def _describe(
        self, iri: str, paged: tuple[str, str] | None, page: int, languages: tuple[str, ...]
    ) -> Description | None:
        subject = node(iri)
        if subject is None:
            return None
        if paged is not None:
            direction, predicate_iri = paged
            predicate = node(predicate_iri)
            groups = [] if predicate is None else [self._page(subject, predicate, direction, page)]
            groups = [g for g in groups if g.total]
            outgoing = groups if direction == "out" else []
            incoming = groups if direction == "in" else []
        else:
            outgoing = self._groups(subject, "out")
            incoming = self._groups(subject, "in")
        closure = self._closure(outgoing)
        types = [
            str(q.object.value)
            for g in outgoing
            if g.predicate == RDF_TYPE.value
            for q in g.quads
            if not isinstance(q.object, ox.Triple)
        ]
        wkt_quads = [q for g in outgoing if g.predicate == AS_WKT.value for q in g.quads]
        wkt = _crs84(wkt_quads + [q for q in closure if q.predicate == AS_WKT])
        mentioned = _mentioned(subject, outgoing, incoming, closure)
        labels, label_quads = self.labels(mentioned, languages)
        if paged is None:  # the resource's own labels are among its statements already
            label_quads = [q for q in label_quads if q.subject != subject]
        return Description(iri, outgoing, incoming, closure, labels, label_quads, types, wkt, paged)

    def _groups(self, subject: ox.NamedNode, direction: str) -> list[Group]:
        pattern = (subject, None, None, None) if direction == "out" else (None, None, subject, None)
        quads = list(islice(self.store.quads_for_pattern(*pattern), SCAN_CAP + 1))
        if len(quads) <= SCAN_CAP:
            by_predicate: dict[str, list[ox.Quad]] = {}
            for q in quads:
                by_predicate.setdefault(q.predicate.value, []).append(q)
            return [Group(p, direction, len(qs), qs[:PAGE_SIZE]) for p, qs in sorted(by_predicate.items())]
        groups = []
        for predicate, total in sorted(self._property_counts(subject, direction).items()):
            groups.append(self._page(subject, ox.NamedNode(predicate), direction, 1, total))
        return groups

    def _property_counts(self, subject: ox.NamedNode, direction: str) -> dict[str, int]:
        key = ("props", direction, subject.value)
        if key not in self._counts:
            text, var = (COUNT_OUT, "s") if direction == "out" else (COUNT_IN, "o")
            rows = self.store.query(text, substitutions={ox.Variable(var): subject})
            self._counts[key] = {r["p"].value: int(r["n"].value) for r in rows}
        return dict(self._counts[key])

    def _page(
        self, subject: ox.NamedNode, predicate: ox.NamedNode, direction: str, page: int, total: int | None = None
    ) -> Group:
        pattern = (subject, predicate, None, None) if direction == "out" else (None, predicate, subject, None)
        if total is None:
            total = self._property_counts(subject, direction).get(predicate.value, 0)
        start = (max(page, 1) - 1) * PAGE_SIZE
        if start == 0:
            quads = list(islice(self.store.quads_for_pattern(*pattern), PAGE_SIZE))
        else:  # skipping in Rust: 250,000 links are passed in a tenth of a second, not seconds in Python
            # Only two integers join the fixed text; the terms are bound. Same order as the pattern scan.
            text = f"{PAGE_QUERY} OFFSET {int(start)} LIMIT {int(PAGE_SIZE)}"
            bound: dict[ox.Variable, RdfTerm] = {
                ox.Variable("p"): predicate,
                ox.Variable("s" if direction == "out" else "o"): subject,
            }
            rows = self.store.query(text, substitutions=bound)
            quads = [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows]
        return Group(predicate.value, direction, total, quads, page)

    def _closure(self, outgoing: list[Group]) -> list[ox.Quad]:
        """Blank nodes reached from the resource (CBD), and the statements of its geometries."""
        seen: set[str] = set()
        todo: list[ox.NamedNode | ox.BlankNode] = []
        for group in outgoing:
            for q in group.quads:
                if isinstance(q.object, ox.BlankNode) or (
                    q.predicate == HAS_GEOMETRY and isinstance(q.object, ox.NamedNode)
                ):
                    todo.append(q.object)
        closure: list[ox.Quad] = []
        while todo and len(closure) < CLOSURE_CAP:
            current = todo.pop()
            if str(current) in seen:
                continue
            seen.add(str(current))
            for q in islice(self.store.quads_for_pattern(current, None, None, None), CLOSURE_CAP):
                closure.append(q)
                if isinstance(q.object, ox.BlankNode):
                    todo.append(q.object)
        return closure

    # -- labels ------------------------------------------------------------------------------------

    def labels(
        self, iris: Iterable[str], languages: tuple[str, ...] = PREFERRED_LANGUAGES
    ) -> tuple[dict[str, Label], list[ox.Quad]]:
        """The best label of each IRI (nl, then en, then any, then a fallback) and the quads stating them."""
        iris = list(iris)
        cache = self._labels.get(languages) or {}
        prefetch = getattr(self.store, "prefetch", None)  # a remote engine reads what is missing at once
        if prefetch is not None:
            missing = [iri for iri in iris if iri not in cache and node(iri) is not None]
            if len(missing) > 1:
                prefetch(missing, (*LABEL_PROPERTIES, RDF_TYPE))
        labels: dict[str, Label] = {}
        quads: list[ox.Quad] = []
        for iri in iris:
            found = cache.get(iri) or self.label(iri, languages)
            labels[iri] = found[0]
            if found[1]:
                quads.extend(found[1])
        return labels, quads

    def label(self, iri: str, languages: tuple[str, ...] = PREFERRED_LANGUAGES) -> tuple[Label, list[ox.Quad]]:
        cache = self._labels.setdefault(languages, {})
        cached = cache.get(iri)
        if cached is None:
            if len(cache) >= LABEL_CACHE:  # a bound, not an LRU: the IRIs that repeat come back at once
                cache.clear()
            cached = cache[iri] = self._find_label(iri, languages)
        return cached

    def _find_label(self, iri: str, languages: tuple[str, ...]) -> tuple[Label, list[ox.Quad]]:
        subject = node(iri)
        if subject is not None:
            for prop in LABEL_PROPERTIES:
                quads = [
                    q
                    for q in self.store.quads_for_pattern(subject, prop, None, None)
                    if isinstance(q.object, ox.Literal)
                ]
                if quads:
                    best = _best_literal(quads, languages)
                    keep = [q for q in quads if (_literal(q).language or "") in (*languages, "")]
                    return Label(best.value, best.language or "", True), _unique(keep or quads)
        extra = self._extra.get(iri)
        if extra:
            lang = next((lang for lang in languages if lang in extra), next(iter(extra)))
            return Label(extra[lang], lang, True), []
        return Label(self._fallback(iri, subject, languages), "", False), []

    def _fallback(self, iri: str, subject: ox.NamedNode | None, languages: tuple[str, ...]) -> str:
        """A readable name made from the class label and the reference: "boom 100008"."""
        local = iri.rstrip("/#").replace("#", "/").rsplit("/", 1)[-1] or iri
        if subject is not None and "/id/" in iri:
            reference = iri.split("/id/", 1)[1].split("/", 1)[-1]
            for q in self.store.quads_for_pattern(subject, RDF_TYPE, None, None):
                if isinstance(q.object, ox.NamedNode) and q.object.value.startswith(iri.split("/id/", 1)[0]):
                    class_label, _ = self.label(q.object.value, languages)
                    return f"{class_label.text} {reference}"
            return reference
        return local

    # -- aggregates, cached per release -------------------------------------------------------------

    def classes_in_graph(self, graph: str) -> list[tuple[str, int]]:
        key = ("classes", graph)
        if key not in self._counts:
            g = node(graph)
            rows = [] if g is None else self.store.query(COUNT_CLASSES_IN_GRAPH, substitutions={ox.Variable("g"): g})
            self._counts[key] = [(r["c"].value, int(r["n"].value)) for r in rows]
        return list(self._counts[key])

    def examples(self, cls: str, graph: str, limit: int = 5) -> list[str]:
        c, g = node(cls), node(graph)
        if c is None or g is None:
            return []
        quads = islice(self.store.quads_for_pattern(None, RDF_TYPE, c, g), limit)
        return [q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)]

    def usage(self, term: str) -> dict[str, dict[str, int]]:
        """Per named graph: resources typed with the term ("class") and statements using it ("property")."""
        key = ("usage", term)
        if key not in self._counts:
            t = node(term)
            counts: dict[str, dict[str, int]] = {"class": {}, "property": {}}
            if t is not None:
                for use, text, var in (
                    ("class", COUNT_TYPE_PER_GRAPH, "c"),
                    ("property", COUNT_PROPERTY_PER_GRAPH, "p"),
                ):
                    for r in self.store.query(text, substitutions={ox.Variable(var): t}):
                        counts[use][r["g"].value] = int(r["n"].value)
            self._counts[key] = counts
        return {use: dict(n) for use, n in self._counts[key].items()}

    def graph_quads(self, graph: str) -> list[ox.Quad]:
        g = node(graph)
        return [] if g is None else list(self.store.quads_for_pattern(None, None, None, g))


def _mentioned(
    subject: ox.NamedNode, outgoing: list[Group], incoming: list[Group], closure: list[ox.Quad]
) -> list[str]:
    seen: dict[str, None] = {subject.value: None}
    for group in (*outgoing, *incoming):
        seen[group.predicate] = None
        for q in group.quads:  # one end is the resource itself: only the other end and the graph are new
            for term in (q.object if group.direction == "out" else q.subject, q.graph_name):
                if isinstance(term, ox.NamedNode):
                    seen[term.value] = None
    for q in closure:
        for term in (q.predicate, q.object, q.graph_name):
            if isinstance(term, ox.NamedNode):
                seen[term.value] = None
    return list(seen)


def _literal(quad: ox.Quad) -> ox.Literal:
    """The object of a quad already filtered to literal objects (a list does not carry the narrowing)."""
    if not isinstance(quad.object, ox.Literal):
        raise TypeError(f"expected a literal object in {quad}")
    return quad.object


def _best_literal(quads: list[ox.Quad], languages: tuple[str, ...]) -> ox.Literal:
    literals = [_literal(q) for q in quads]
    for lang in languages:
        for lit in literals:
            if (lit.language or "").lower().split("-")[0] == lang:
                return lit
    for lit in literals:
        if not lit.language:
            return lit
    return literals[0]


def _unique(quads: list[ox.Quad]) -> list[ox.Quad]:
    return list(dict.fromkeys(quads))


def _crs84(quads: list[ox.Quad]) -> list[str]:
    """WKT literals in CRS84: those without a CRS IRI, or with the CRS84 one (stripped)."""
    out = []
    for q in quads:
        if isinstance(q.object, ox.Triple):
            continue
        text = q.object.value.strip()
        if text.startswith(CRS84):
            out.append(text[len(CRS84) :].strip())
        elif not text.startswith("<"):
            out.append(text)
    return list(dict.fromkeys(out))


def memory_describer(ntriples: bytes, graph: str, extra_labels: dict[str, dict[str, str]] | None = None) -> Describer:
    """A Describer over a small graph made at request time (the release history), held in memory."""
    store = ox.Store()
    store.load(ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    return Describer(store, extra_labels)
