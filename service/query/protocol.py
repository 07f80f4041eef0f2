"""The SPARQL 1.1 Protocol, query operation: what a request asks for, or the 4xx that explains what is wrong.

Knows HTTP (werkzeug's request) but neither Flask nor the store.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from werkzeug.datastructures import MIMEAccept, MultiDict
from werkzeug.http import parse_accept_header
from werkzeug.wrappers import Request

from .. import formats
from ..formats import FormatError
from . import lexical

QUERY_MEDIA = "application/sparql-query"
UPDATE_MEDIA = "application/sparql-update"
FORM_MEDIA = "application/x-www-form-urlencoded"
_CHARSETS = ("utf-8", "utf8", "us-ascii")


class ProtocolError(Exception):
    """A request the endpoint refuses, with the HTTP status and a message that says how to fix it."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class QueryRequest:
    query: str
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    #: The format for a SELECT/ASK result and for a CONSTRUCT/DESCRIBE result (None: nothing acceptable).
    bindings_media: str | None
    graph_media: str | None
    #: Where the choice came from: 'format' (the parameter) or 'accept'.
    chosen_by: str

    def digest(self) -> str:
        """Identifies the query and its dataset: the cache key and a part of the ETag."""
        parts = (self.query, repr(self.default_graphs), repr(self.named_graphs))
        return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]


def negotiate(accept: MIMEAccept, format_param: str | None) -> tuple[str | None, str | None, str]:
    """The result format for each query form, from ``format`` when given, else from Accept with q-values.

    ``service.formats`` chooses; the form is not known before evaluation, so each form gets its own choice.
    """
    if format_param:
        try:
            fmt = formats.from_word(format_param, (*formats.RESULTS, *formats.RDF))
        except FormatError as exc:
            raise ProtocolError(exc.status, exc.message) from None
        return (fmt.media_type, None, "format") if fmt.kind == "results" else (None, fmt.media_type, "format")
    return _best(accept, formats.RESULTS), _best(accept, formats.RDF), "accept"


def _best(accept: MIMEAccept, offers: tuple[formats.Format, ...]) -> str | None:
    try:
        return formats.from_accept(accept, offers).media_type
    except FormatError:
        return None


@lru_cache(maxsize=512)
def negotiate_header(accept_header: str, format_param: str | None) -> tuple[str | None, str | None, str]:
    """``negotiate`` for a raw Accept header: clients send the same few headers, so each is worked out once."""
    return negotiate(parse_accept_header(accept_header, MIMEAccept), format_param)


def _single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise ProtocolError(400, f"the request has {len(values)} '{name}' parameters; send exactly one")
    return values[0] if values else None


def _graphs(params: MultiDict[str, str], any_given: bool, name: str) -> tuple[str, ...] | None:
    return tuple(params.getlist(name)) if any_given else None


def read_body(request: Request, max_bytes: int) -> bytes:
    """The body, refused with 413 beyond the limit (announced or streamed)."""
    if request.content_length is not None and request.content_length > max_bytes:
        raise ProtocolError(413, f"the request body is {request.content_length} bytes; the limit is {max_bytes}")
    body = request.stream.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise ProtocolError(413, f"the request body is larger than the limit of {max_bytes} bytes")
    return body


def _decode(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the {what} is not valid UTF-8 (byte {exc.start}); send the query as UTF-8") from None


def parse(request: Request, max_bytes: int) -> QueryRequest:
    """Read a query operation from GET, POST form or POST ``application/sparql-query``."""
    params: MultiDict[str, str] = MultiDict(request.args)
    if len(request.query_string) > max_bytes:
        raise ProtocolError(413, f"the query string is {len(request.query_string)} bytes; the limit is {max_bytes}")
    body_query: str | None = None
    if request.method == "POST":
        media = request.mimetype
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if media == UPDATE_MEDIA:
            raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not accepted")
        if media == FORM_MEDIA:
            body = _decode(read_body(request, max_bytes), "request body")
            from urllib.parse import parse_qsl

            try:
                params.update(MultiDict(parse_qsl(body, keep_blank_values=True, errors="strict")))
            except UnicodeDecodeError:
                raise ProtocolError(400, "a form parameter is not valid UTF-8 once percent-decoded") from None
        elif media == QUERY_MEDIA:
            if charset not in _CHARSETS:
                raise ProtocolError(415, f"charset '{charset}' is not supported: send the query as UTF-8")
            body_query = _decode(read_body(request, max_bytes), "query")
        else:
            shown = media or "none"
            raise ProtocolError(
                415, f"Content-Type {shown} is not accepted: POST {QUERY_MEDIA} or {FORM_MEDIA} (with a query= field)"
            )
    if "update" in params:
        raise ProtocolError(403, "this endpoint is read-only: the 'update' operation is not accepted")
    queries = params.getlist("query")
    if body_query is not None:
        if queries:
            raise ProtocolError(400, "the query is in the body; do not also send a 'query' parameter")
        queries = [body_query]
    query = _single(queries, "query")
    if query is None or not query.strip():
        raise ProtocolError(400, "the query is empty: send ?query=SELECT … or POST application/sparql-query")
    check_text(query)
    given = "default-graph-uri" in params or "named-graph-uri" in params
    accept = request.headers.get("Accept", "")
    bindings, graph, chosen_by = negotiate_header(accept, _single(params.getlist("format"), "format"))
    return QueryRequest(
        query=query,
        default_graphs=_graphs(params, given, "default-graph-uri"),
        named_graphs=_graphs(params, given, "named-graph-uri"),
        bindings_media=bindings,
        graph_media=graph,
        chosen_by=chosen_by,
    )


def check_text(query: str) -> None:
    """Refuse, before any evaluation, text too deep for the parsers; SERVICE is decided by the parse (``algebra``)."""
    if "\x00" in query:
        raise ProtocolError(400, "the query contains a NUL character; remove it")
    text = lexical.blank_opaque(query)  # one pass for all checks
    keyword = lexical.update_keyword(text, blanked=True)
    if keyword:
        raise ProtocolError(
            400, f"{keyword} is a SPARQL Update operation; this endpoint is read-only and answers queries only"
        )
    depth = lexical.nesting_depth(text, blanked=True)
    if depth > lexical.MAX_NESTING:
        raise ProtocolError(400, f"the query nests {depth} levels deep; the limit is {lexical.MAX_NESTING}")
    chained = lexical.chained_operators(text, blanked=True)
    if chained > lexical.MAX_CHAINED:
        raise ProtocolError(
            400,
            f"the query chains {chained} operators (||, &&, UNION, OPTIONAL, MINUS, path / and |); the limit is "
            f"{lexical.MAX_CHAINED}, as the engine nests each one: split it, or use VALUES or IN for alternatives",
        )
