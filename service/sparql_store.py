"""Store-level SPARQL evaluation for the query processes: the dataset, the row cap and the result documents.

A store reader beside ``store.py`` (see there for which modules import pyoxigraph). Capped documents are written here
rather than by pyoxigraph's serializer because that one always writes every row, and a cut must be
announced inside the document (JSON) as well as in a header. ``small_document`` lets pyoxigraph's own
(faster) writer do the job when the document is too small to hold more rows than the cap.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from .prefixes import WELL_KNOWN
from .store import rdf_format, results_format

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
) -> Any:
    """Protocol graph parameters, when given, are the whole dataset; otherwise the default graph is the union."""
    options: dict[str, Any] = {}
    if default_graphs is not None or named_graphs is not None:
        options["default_graph"] = [_graph(g, "default-graph-uri") for g in default_graphs or ()]
        options["named_graphs"] = [_graph(g, "named-graph-uri") for g in named_graphs or ()]
    elif union_default:
        options["use_default_graph_as_union"] = True
    try:
        return store.query(query, **options)
    except SyntaxError as exc:
        raise QueryInputError(_readable_syntax_error(str(exc))) from None


def _readable_syntax_error(message: str) -> str:
    """pyoxigraph says 'error at 2:29: expected …'; users read 'line 2, column 29'."""
    head, _, rest = message.partition(": ")
    if head.startswith("error at ") and ":" in head:
        line, _, column = head[len("error at ") :].partition(":")
        return f"malformed query at line {line}, column {column}: {rest}"
    return f"malformed query: {message}"


def document(result: Any, bindings_media: str | None, graph_media: str | None, row_limit: int) -> Document:
    """Write the result in the chosen format, with at most ``row_limit`` rows (or triples)."""
    if isinstance(result, ox.QueryTriples):
        if graph_media is None:
            raise NotAcceptable("graph")
        return _graph_document(result, graph_media, row_limit)
    if bindings_media is None:
        raise NotAcceptable("bindings")
    if isinstance(result, ox.QueryBoolean):
        return Document(bindings_media, result.serialize(format=results_format(bindings_media)), False)
    variables = [v.value for v in result.variables]
    rows = list(islice(result, row_limit + 1))
    truncated = len(rows) > row_limit
    del rows[row_limit:]
    writer = _WRITERS[bindings_media]
    return Document(bindings_media, writer(variables, rows, row_limit if truncated else None), truncated)


#: Prefixes for readable Turtle and TriG (graph results carry no prefixes of their own).
PREFIXES = WELL_KNOWN


def _graph_document(result: ox.QueryTriples, media: str, row_limit: int) -> Document:
    triples = list(islice(result, row_limit + 1))
    truncated = len(triples) > row_limit
    del triples[row_limit:]
    items: list[Any] = triples
    if rdf_format(media).supports_datasets:
        items = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    prefixes = PREFIXES if media in ("text/turtle", "application/trig") else None
    body = ox.serialize(items, format=rdf_format(media), prefixes=prefixes)
    return Document(media, body, truncated)


class _Full(Exception):
    """The document has grown past its byte budget."""


class _Budget:
    """A binary sink that refuses to grow past ``limit`` bytes; pyoxigraph stops writing (and evaluating) then."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.data = bytearray()

    def write(self, chunk: bytes) -> int:
        self.data += chunk
        if len(self.data) > self.limit:
            raise _Full
        return len(chunk)

    def flush(self) -> None:
        pass


def small_document(
    run: Callable[[], Any], bindings_media: str | None, graph_media: str | None, row_limit: int
) -> Document:
    """pyoxigraph's writer when the whole document fits in ``row_limit`` bytes, else ``document`` on a new run.

    Every result row (or triple) takes at least one byte in every format, so a document of at most
    ``row_limit`` bytes cannot hold more rows than the cap. Only for queries that are cheap to run twice.
    """
    result = run()
    if isinstance(result, ox.QuerySolutions) and bindings_media is not None:
        native = results_format(bindings_media)
        media = bindings_media
    elif isinstance(result, ox.QueryTriples) and graph_media is not None:
        native, media = rdf_format(graph_media), graph_media
    else:
        return document(result, bindings_media, graph_media, row_limit)
    sink = _Budget(row_limit)
    try:
        if isinstance(result, ox.QuerySolutions):
            result.serialize(sink, format=native)
        else:
            prefixes = PREFIXES if media in ("text/turtle", "application/trig") else None
            ox.serialize(result, sink, format=native, prefixes=prefixes)
    except _Full:
        return document(run(), bindings_media, graph_media, row_limit)
    return Document(media, bytes(sink.data), False)


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
