"""N-Triples text for terms: IRI-safe encoding of template values and literal escaping.

Terms are built as text, not as objects: a Python object per term costs more than the rest of the
mapping together (see the benchmarks).
"""

from __future__ import annotations

import re
from urllib.parse import quote

#: The characters a referenced value keeps unencoded in an IRI (RFC 3986 unreserved).
SAFE = re.compile(r"[A-Za-z0-9._~-]*").fullmatch
NEEDS_ESCAPE = re.compile(r'[\\"\n\r]').search
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*").fullmatch
_LANGUAGE = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*").fullmatch


def iri_safe(value: str) -> str:
    """Percent-encode a template value as RML and Morph-KGC do: all but A-Z a-z 0-9 - . _ ~, as UTF-8.

    Non-ASCII letters are encoded too, so that every IRI we mint is also a plain URI.
    """
    if SAFE(value):
        return value
    return quote(value, safe="~", encoding="utf-8", errors="surrogatepass")


def literal(value: str) -> str:
    """The quoted, escaped lexical form."""
    if NEEDS_ESCAPE(value):
        value = value.translate(_ESCAPES)
    return f'"{value}"'


def is_absolute_iri(value: str) -> bool:
    return _ABSOLUTE_IRI(value) is not None


def is_language_tag(value: str) -> bool:
    return _LANGUAGE(value) is not None
