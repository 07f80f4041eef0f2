"""Descriptions turned into what templates show: words for IRIs, safe links, nested blank nodes.

Links only go to http, https and mailto IRIs (a ``javascript:`` IRI is valid RDF but never an href),
and IRIs under the public base become paths on this server, so pages work on any host.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from flask import current_app
from markupsafe import Markup, escape

from ...config import Settings
from ...describe import plain
from ...description import Description, Group, Label, Term
from ..layout import local_link

SAFE_SCHEMES = ("http://", "https://", "mailto:")
XSD = "http://www.w3.org/2001/XMLSchema#"
WKT = "http://www.opengis.net/ont/geosparql#wktLiteral"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: Characters of a literal shown on a page; a longer value is cut, and links to the document holding it whole.
SHOWN = 2000
#: Characters of a label shown as a page's title.
SHOWN_LABEL = 200


def settings() -> Settings:
    return current_app.config["OPENBAAR"]


def href(iri: str) -> str | None:
    """Where a link to this IRI goes, or None when it must be shown as text only."""
    if not iri.lower().startswith(SAFE_SCHEMES):
        return None
    base = settings().public_base
    if iri.startswith(base + "/id/"):
        return doc_path(iri)
    return local_link(iri)


def doc_path(iri: str) -> str:
    """``{base}/id/boom/1`` → ``/doc/boom/1`` (other IRIs under the base keep their path)."""
    base = settings().public_base
    if iri.startswith(base + "/id/"):
        return "/doc/" + iri[len(base) + 4 :]
    return local_link(iri)


def page_query(direction: str, predicate: str, page: int) -> str:
    """The query string of one page of one property: ``?in=<iri>&page=2``; page 0 is the whole collection."""
    query = f"?{direction}={_quoted(predicate)}"
    return query + (f"&page={page}" if page else "")


@lru_cache(maxsize=4096)
def _quoted(predicate: str) -> str:
    """Predicates are few per release and repeat on every document: quote each once."""
    return quote(predicate, safe="")


@dataclass
class TermView:
    kind: str
    text: str
    value: str
    href: str | None = None
    lang: str = ""
    datatype: str = ""
    found: bool = True
    nested: list[tuple[TermView, TermView]] = field(default_factory=list)
    #: Where the whole value is, when the text shown is cut.
    whole: str | None = None


def term_html(v: TermView) -> Markup:
    """A term as HTML: an IRI as its label linked (safe schemes only), a literal as text, a blank node as
    a table. Written in Python, not a Jinja macro: a page holds dozens of terms and a macro call costs more
    than the rest of the page's work on each."""
    if v.kind == "iri":
        lang = f' lang="{escape(v.lang)}"' if v.lang else ""
        if v.href:
            return Markup(f'<a href="{escape(v.href)}" title="{escape(v.value)}"{lang}>{escape(v.text)}</a>')
        return Markup(f'<span class="iri" title="{escape(v.value)}">{escape(v.text)}</span>')
    if v.kind == "literal":
        lang = f' lang="{escape(v.lang)}"' if v.lang else ""
        hint = f"@{escape(v.lang)}" if v.lang else escape(v.datatype)
        small = f' <small class="hint">{hint}</small>' if hint else ""
        if v.whole:
            size = f"{len(v.value):,}"
            small += f' <a class="cut" href="{escape(v.whole)}" title="{size}">[…]</a>'
        return Markup(f'<span class="literal"{lang}>{escape(v.text)}</span>{small}')
    if v.kind == "bnode":
        rows = "".join(f"<tr><th>{term_html(p)}</th><td>{term_html(o)}</td></tr>" for p, o in v.nested)
        return Markup(f'<table class="nested">{rows}</table>')
    return Markup("")


@dataclass
class GroupView:
    predicate: TermView
    direction: str
    total: int
    page: int
    pages: int
    rows: list[tuple[TermView, TermView]]  # (the other end, the graph it comes from)
    #: The one graph every row comes from, shown once; None when the rows come from several.
    graph: TermView | None = None

    def page_url(self, page: int) -> str:
        return page_query(self.direction, self.predicate.value, 0) + f"&page={page}"


def term_view(
    term: Term, labels: dict[str, Label], nested: dict[str, list[Any]] | None = None, whole: str = ""
) -> TermView:
    """How a term is shown; a literal longer than SHOWN is cut, linking to ``whole`` (its RDF document)."""
    if term.kind == "iri":
        label = labels.get(term.value)
        text = label.text if label else term.value
        return TermView(
            "iri",
            text,
            term.value,
            href(term.value),
            label.language if label else "",
            found=bool(label and label.found),
        )
    if term.kind == "literal":
        datatype = term.datatype
        short = (
            datatype.replace(XSD, "xsd:")
            if datatype.startswith(XSD)
            else (labels[datatype].text if datatype in labels else datatype)
        )
        if datatype == XSD + "string":
            short = ""
        if len(term.value) > SHOWN:
            text = term.value[:SHOWN] + "…"
            return TermView("literal", text, term.value, None, term.language, short, whole=whole or None)
        return TermView("literal", term.value, term.value, None, term.language, short)
    if term.kind == "bnode":
        rows = [
            (term_view(p, labels), term_view(o, labels, nested, whole)) for p, o in (nested or {}).pop(term.value, [])
        ]
        return TermView("bnode", "", term.value, None, nested=rows)
    return TermView("graph", "", "")


def groups_view(
    groups: list[Group], labels: dict[str, Label], nested: dict[str, list[Any]], whole: str = ""
) -> list[GroupView]:
    """Statements from the datasets first, inferred ones after; each group in order of its property's label."""
    inferred = settings().graph_base + "inferred"
    views = []
    for group in groups:
        rows = []
        for q in group.quads:
            other = q.object if group.direction == "out" else q.subject
            rows.append((term_view(plain(other), labels, nested, whole), term_view(plain(q.graph_name), labels)))
        predicate = term_view(Term("iri", group.predicate), labels)
        graphs = {graph.value for _, graph in rows}
        shared = rows[0][1] if len(graphs) == 1 and rows else None
        views.append(GroupView(predicate, group.direction, group.total, group.page, group.pages, rows, shared))
    return sorted(views, key=lambda v: (v.graph is not None and v.graph.value == inferred, v.predicate.text.lower()))


def resource_view(description: Description) -> dict[str, Any]:
    """Everything resource.html needs."""
    nested: dict[str, list[Any]] = {}
    for q in description.closure:
        nested.setdefault(plain(q.subject).value, []).append((plain(q.predicate), plain(q.object)))
    labels = description.labels
    whole = doc_path(description.iri) + ".ttl"
    outgoing = groups_view(description.outgoing, labels, nested, whole)
    incoming = groups_view(description.incoming, labels, nested, whole)
    label = labels.get(description.iri)
    types = [term_view(Term("iri", t), labels) for t in description.types]
    return {
        "iri": description.iri,
        "label": _cut(label.text if label else description.iri, SHOWN_LABEL),
        "label_lang": label.language if label else "",
        "types": types,
        "outgoing": [g for g in outgoing if g.predicate.value != RDF_TYPE or description.paged],
        "incoming": incoming,
        "wkt": description.wkt,
        "paged": description.paged,
    }


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def script_json(data: Any) -> str:
    """JSON for a <script> element: '<', '>' and '&' escaped, so no text can close the element."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
