"""Which representation a /doc/ request gets: extension, then ``?format=``, then Accept (with q-values).

The order is the one people and crawlers can predict: a URL with an extension always means that
format; ``?format=`` is for links that cannot carry an extension; Accept comes last. No Accept (or
``*/*``) means HTML. Anything else unsupported answers 406.
"""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.datastructures import MIMEAccept


@dataclass(frozen=True)
class Format:
    extension: str
    media_type: str
    name: str


FORMATS = (
    Format("html", "text/html", "HTML"),
    Format("ttl", "text/turtle", "Turtle"),
    Format("jsonld", "application/ld+json", "JSON-LD"),
    Format("nt", "application/n-triples", "N-Triples"),
    Format("rdf", "application/rdf+xml", "RDF/XML"),
    Format("trig", "application/trig", "TriG"),
    Format("nq", "application/n-quads", "N-Quads"),
)
BY_EXTENSION = {f.extension: f for f in FORMATS}
BY_MEDIA_TYPE = {f.media_type: f for f in FORMATS}
#: Media types that clients send for one of our formats.
ALIASES = {"application/xhtml+xml": "html", "application/json": "jsonld"}
HTML = BY_EXTENSION["html"]


class NotAcceptable(Exception):
    """What was asked for is not a format we serve; the message says what is."""


def split_extension(path: str) -> tuple[str, Format | None]:
    """``boom/1.ttl`` → (``boom/1``, Turtle); a path without a known extension is returned whole."""
    stem, dot, ext = path.rpartition(".")
    if dot and "/" not in ext and ext in BY_EXTENSION:
        return stem, BY_EXTENSION[ext]
    return path, None


def from_parameter(value: str) -> Format:
    value = value.strip().lower()
    found = BY_EXTENSION.get(value) or BY_MEDIA_TYPE.get(value) or BY_EXTENSION.get(ALIASES.get(value, ""))
    if found is None:
        raise NotAcceptable(f"format '{value}' is not served; use one of {offered()}")
    return found


def from_accept(accept: MIMEAccept) -> Format:
    if not accept:
        return HTML
    candidates = [f.media_type for f in FORMATS] + list(ALIASES)
    best = accept.best_match(candidates)
    if best is None:
        raise NotAcceptable(f"none of the media types in Accept is served; use one of {offered(media=True)}")
    return BY_MEDIA_TYPE.get(best) or BY_EXTENSION[ALIASES[best]]


def choose(extension: Format | None, parameter: str | None, accept: MIMEAccept) -> Format:
    """Extension, then ``?format=``, then Accept; raises NotAcceptable."""
    if extension is not None:
        return extension
    if parameter:
        return from_parameter(parameter)
    return from_accept(accept)


def offered(media: bool = False) -> str:
    return ", ".join(f.media_type if media else f.extension for f in FORMATS)
