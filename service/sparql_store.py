"""Store-level SPARQL evaluation for the query processes: the dataset, the row cap and the result documents.

A store reader beside ``store.py`` (see there for which modules import pyoxigraph). Capped documents are written here
rather than by pyoxigraph's serializer because that one always writes every row, and a cut must be
announced inside the document (JSON) as well as in a header.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from .prefixes import WELL_KNOWN
from .store import RdfTerm, rdf_format, results_format, solutions, written

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class QueryInputError(ValueError):
    """The request names something the store cannot take (a malformed query or graph IRI): a 400."""


class NotAcceptable(ValueError):
    """The query's form has no format the client accepts: a 406."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


@dataclass(frozen=True)
class Document:
    """A finished result document, ready to send and to cache."""

    media: str
    body: bytes
    truncated: bool


def open_release(path: Path) -> ox.Store:
    return ox.Store.read_only(str(path))


def _graph(iri: str, parameter: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError:
        raise QueryInputError(
            f"{parameter} '{iri}' is not an absolute IRI; give the full graph name, e.g. https://…/graph/bomen"
        ) from None


def evaluate(
    store: ox.Store,
    query: str,
    *,
    default_graphs: Iterable[str] | None,
    named_graphs: Iterable[str] | None,
    union_default: bool,
    base_iri: str | None = None,
) -> Any:
    """Protocol graph parameters, when given, are the whole dataset; otherwise the default graph is the union.

    Relative IRIs in the query resolve against ``base_iri`` (the endpoint's public URL).
    """
    options: dict[str, Any] = {"base_iri": base_iri} if base_iri else {}
    if default_graphs is not None or named_graphs is not None:
        options["default_graph"] = [_graph(g, "default-graph-uri") for g in default_graphs or ()]
        options["named_graphs"] = [_graph(g, "named-graph-uri") for g in named_graphs or ()]
    elif union_default:
        options["use_default_graph_as_union"] = True
    try:
        return store.query(query, **options)
    except SyntaxError as exc:
        raise QueryInputError(_readable_syntax_error(str(exc))) from None
    except (RuntimeError, ValueError) as exc:  # e.g. an unknown function: the engine's own words
        raise QueryInputError(f"the query engine refused the query: {exc}") from None


_REGEX_PROBE = 'SELECT ?pattern ?flags ?ok WHERE { BIND(REGEX("", ?pattern, ?flags) AS ?ok) }'
_EMPTY = ox.Store()


def regex_compiles(pattern: str, flags: str | None) -> bool:
    """Whether the engine's regular-expression compiler accepts ``pattern`` (within its size limit)."""
    subs: dict[ox.Variable, RdfTerm] = {
        ox.Variable("pattern"): ox.Literal(pattern),
        ox.Variable("flags"): ox.Literal(flags or ""),
    }
    rows = list(solutions(_EMPTY.query(_REGEX_PROBE, substitutions=subs)))
    return bool(rows) and rows[0]["ok"] is not None


def _readable_syntax_error(message: str) -> str:
    """pyoxigraph says 'error at 2:29: expected …'; users read 'line 2, column 29'."""
    head, _, rest = message.partition(": ")
    if head.startswith("error at ") and ":" in head:
        line, _, column = head[len("error at ") :].partition(":")
        return f"malformed query at line {line}, column {column}: {rest}"
    return f"malformed query: {message}"


#: For a remote engine: its syntax errors read the same way, and graph IRIs are checked before forwarding.
readable_syntax_error = _readable_syntax_error
check_graph = _graph


def document(result: Any, bindings_media: str | None, graph_media: str | None, row_limit: int) -> Document:
    """Write the result in the chosen format, with at most ``row_limit`` rows (or triples)."""
    if isinstance(result, ox.QueryTriples):
        if graph_media is None:
            raise NotAcceptable("graph")
        return _graph_document(result, graph_media, row_limit)
    if bindings_media is None:
        raise NotAcceptable("bindings")
    if isinstance(result, ox.QueryBoolean):
        return Document(bindings_media, written(result.serialize(format=results_format(bindings_media))), False)
    variables = [v.value for v in result.variables]
    rows = list(islice(result, row_limit + 1))
    truncated = len(rows) > row_limit
    del rows[row_limit:]
    writer = _WRITERS[bindings_media]
    return Document(bindings_media, writer(variables, rows, row_limit if truncated else None), truncated)


#: Prefixes for readable Turtle and TriG (graph results carry no prefixes of their own).
PREFIXES = WELL_KNOWN


def _graph_document(result: Iterable[ox.Triple], media: str, row_limit: int) -> Document:
    triples = list(islice(result, row_limit + 1))
    truncated = len(triples) > row_limit
    del triples[row_limit:]
    items: list[Any] = triples
    if rdf_format(media).supports_datasets:
        items = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    prefixes = PREFIXES if media in ("text/turtle", "application/trig") else None
    body = written(ox.serialize(items, format=rdf_format(media), prefixes=prefixes))
    return Document(media, body, truncated)


def parsed_document(
    stream: Any, received: str, bindings_media: str | None, graph_media: str | None, row_limit: int
) -> Document:
    """A remote engine's answer (SPARQL JSON, or N-Triples for graphs) read as a stream and rewritten like a
    local result: in the chosen format, cut at the row cap. Reading stops at the cap. Raises SyntaxError
    when the answer is not a complete document (an engine that gave up half way)."""
    if received == "application/n-triples":
        if graph_media is None:
            raise NotAcceptable("graph")
        triples = (ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(stream, ox.RdfFormat.N_TRIPLES))
        return _graph_document(triples, graph_media, row_limit)
    result = ox.parse_query_results(stream, ox.QueryResultsFormat.JSON)
    return document(result, bindings_media, graph_media, row_limit)


# --- SELECT documents -------------------------------------------------------------------------------


def _json_term(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def _json(variables: list[str], rows: list[Any], cut_at: int | None) -> bytes:
    bindings = [
        {name: _json_term(term) for name, term in zip(variables, row, strict=True) if term is not None} for row in rows
    ]
    doc: dict[str, Any] = {"head": {"vars": variables}}
    if cut_at is not None:
        # Not part of SPARQL JSON; people and scripts can check it. Before "results", because streaming
        # parsers (pyoxigraph's among them) refuse anything after the bindings.
        doc["truncated"] = True
        doc["rowLimit"] = cut_at
    doc["results"] = {"bindings": bindings}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    parts = (("subject", term.subject), ("predicate", term.predicate), ("object", term.object))
    return "<triple>" + "".join(f"<{n}>{_xml_term(t)}</{n}>" for n, t in parts) + "</triple>"


def _xml(variables: list[str], rows: list[Any], cut_at: int | None) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    out.extend(f"<variable name={quoteattr(v)}/>" for v in variables)
    out.append("</head>\n")
    if cut_at is not None:
        out.append(f"<!-- truncated: only the first {cut_at} rows (see the X-Openbaar-Truncated header) -->\n")
    out.append("<results>\n")
    for row in rows:
        out.append("<result>")
        for name, term in zip(variables, row, strict=True):
            if term is not None:
                out.append(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>")
        out.append("</result>\n")
    out.append("</results>\n</sparql>\n")
    return "".join(out).encode()


def _csv_value(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return str(term.value)
    return _tsv_value(term)


def _csv(variables: list[str], rows: list[Any], cut_at: int | None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    writer.writerows([_csv_value(t) for t in row] for row in rows)
    return buffer.getvalue().encode()


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _tsv_value(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        text = '"' + term.value.translate(_TSV_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype.value != XSD_STRING:
            return f"{text}^^<{term.datatype.value}>"
        return text
    return f"<<( {_tsv_value(term.subject)} {_tsv_value(term.predicate)} {_tsv_value(term.object)} )>>"


def _tsv(variables: list[str], rows: list[Any], cut_at: int | None) -> bytes:
    lines: Iterator[str] = ("\t".join(_tsv_value(t) for t in row) for row in rows)
    return ("\t".join(f"?{v}" for v in variables) + "\n" + "".join(line + "\n" for line in lines)).encode()


_WRITERS = {
    "application/sparql-results+json": _json,
    "application/sparql-results+xml": _xml,
    "text/csv": _csv,
    "text/tab-separated-values": _tsv,
}
