"""Checks on the query text made before it reaches a store: what pyoxigraph must never see.

pyoxigraph offers no parser API, so these work on the text with strings, IRIs and comments blanked out;
the keywords they look for cannot occur anywhere else in a query.
"""

from __future__ import annotations

import re

#: String literals (all four quotings), IRI references and comments: the places a keyword is not a keyword.
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'|<[^<>\"{}|^`\\\s]*>|#[^\n\r]*",
    re.DOTALL,
)
_SERVICE = re.compile(r"(?<![\w:?$-])SERVICE(?![\w:-])", re.IGNORECASE)
_FROM = re.compile(r"(?<![\w:?$-])FROM(?![\w:-])", re.IGNORECASE)
_PROLOGUE = re.compile(r"\s*(?:(?:PREFIX\s+[^\s:]*:|BASE)\s*)*", re.IGNORECASE)
_FIRST_WORD = re.compile(r"[A-Za-z]+")
UPDATE_KEYWORDS = frozenset(("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"))
#: pyoxigraph's recursive parser overflows the stack (and the process dies) at a few thousand levels.
MAX_NESTING = 256


def blank_opaque(query: str) -> str:
    """The query with every string, IRI and comment replaced by one space."""
    return _OPAQUE.sub(" ", query)


def uses_service(query: str, *, blanked: bool = False) -> bool:
    """SERVICE would make the store fetch a URL, in any spelling of the keyword."""
    return bool(_SERVICE.search(query if blanked else blank_opaque(query)))


def has_dataset_clause(query: str) -> bool:
    """FROM / FROM NAMED in the query: it chooses its own dataset, so no union default graph."""
    return bool(_FROM.search(blank_opaque(query)))


def update_keyword(query: str, *, blanked: bool = False) -> str | None:
    """The update operation the text starts with (after its prologue), if it is one."""
    text = query if blanked else blank_opaque(query)
    match = _FIRST_WORD.match(text, _PROLOGUE.match(text).end())  # type: ignore[union-attr]
    word = match.group(0).upper() if match else ""
    return word if word in UPDATE_KEYWORDS else None


_BRACKETS = re.compile(r"[(){}\[\]]+")


def nesting_depth(query: str, *, blanked: bool = False) -> int:
    """Deepest nesting of brackets, braces and parentheses."""
    depth = deepest = 0
    for run in _BRACKETS.findall(query if blanked else blank_opaque(query)):
        for char in run:
            if char in "({[":
                depth += 1
                deepest = max(deepest, depth)
            else:
                depth -= 1
    return deepest
