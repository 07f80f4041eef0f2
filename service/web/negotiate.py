"""Choosing between a page for people and RDF for machines, the same way on every catalogue route."""

from __future__ import annotations

from flask import request

from ..catalog.serialize import BY_SHORT, FORMATS


def choose(default: str = "text/turtle", html: bool = True) -> str | None:
    """``?format=ttl|rdf|jsonld|nt|html`` first, then Accept; None when nothing offered is acceptable."""
    asked = request.args.get("format")
    if asked:
        if asked == "html" and html:
            return "text/html"
        return BY_SHORT.get(asked)
    offered = (["text/html"] if html else []) + [default] + [m for m in FORMATS if m != default]
    accept = request.accept_mimetypes
    if not accept or accept.best in ("*/*", None):
        return default
    return accept.best_match(offered)
