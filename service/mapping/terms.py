"""N-Triples text for terms: IRI-safe encoding of template values and literal escaping.

Terms are built as text, not as objects: a Python object per term costs more than the rest of the
mapping together (see the benchmarks).
"""

from __future__ import annotations

import re
from urllib.parse import quote

#: RML/R2RML IRI-safe: a referenced value keeps only iunreserved characters.
SAFE = re.compile(r"[A-Za-z0-9._~-]*").fullmatch
NEEDS_ESCAPE = re.compile(r'[\\"\n\r]').search
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*").fullmatch
_LANGUAGE = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*").fullmatch


def iri_safe(value: str) -> str:
    """Percent-encode a template value as RML requires, keeping non-ASCII letters (ucschar) as they are."""
    if SAFE(value):
        return value
    return (
        quote(value, safe="", encoding="utf-8", errors="strict")
        if value.isascii()
        else _iri_safe_unicode(value)
    )


def _iri_safe_unicode(value: str) -> str:
    out = []
    for ch in value:
        if ch.isascii():
            out.append(ch if SAFE(ch) else quote(ch, safe=""))
        elif _is_ucschar(ord(ch)):
            out.append(ch)
        else:
            out.append(quote(ch, safe=""))
    return "".join(out)


def _is_ucschar(cp: int) -> bool:
    """RFC 3987 ucschar: the non-ASCII characters an IRI may hold unencoded."""
    return (
        0xA0 <= cp <= 0xD7FF
        or 0xF900 <= cp <= 0xFDCF
        or 0xFDF0 <= cp <= 0xFFEF
        or (0x10000 <= cp <= 0xEFFFD and (cp & 0xFFFF) <= 0xFFFD)
    )


def literal(value: str) -> str:
    """The quoted, escaped lexical form."""
    if NEEDS_ESCAPE(value):
        value = value.translate(_ESCAPES)
    return f'"{value}"'


def is_absolute_iri(value: str) -> bool:
    return _ABSOLUTE_IRI(value) is not None


def is_language_tag(value: str) -> bool:
    return _LANGUAGE(value) is not None
