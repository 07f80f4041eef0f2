"""Cheap checks on the query text in the server process, before any parser sees it.

They work on the text with strings, IRIs and comments blanked out, and only ever refuse: a miscounted
comment can make them refuse too much, never let anything through. What a query means (SERVICE, FROM,
regular expressions) is decided from a real parse in the query process (``algebra``).
"""

from __future__ import annotations

import re

#: String literals (all four quotings), IRI references and comments: the places a keyword is not a keyword.
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'|<[^<>\"{}|^`\\\s]*>|#[^\n\r]*",
    re.DOTALL,
)
_CHAIN = re.compile(r"\|\||&&|[|/^]|(?<![\w:?$-])(?:UNION|OPTIONAL|MINUS)(?![\w:-])", re.IGNORECASE)
_PROLOGUE = re.compile(r"\s*(?:(?:PREFIX\s+[^\s:]*:|BASE)\s*)*", re.IGNORECASE)
_FIRST_WORD = re.compile(r"[A-Za-z]+")
UPDATE_KEYWORDS = frozenset(("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"))
#: pyoxigraph's recursive parser overflows the stack (and the process dies) at a few thousand levels.
MAX_NESTING = 256
#: pyoxigraph nests each chained binary operator one level deeper; at a few thousand its stack overflows.
MAX_CHAINED = 1000


def blank_opaque(query: str) -> str:
    """The query with every string, IRI and comment replaced by one space."""
    return _OPAQUE.sub(" ", query)


def update_keyword(query: str, *, blanked: bool = False) -> str | None:
    """The update operation the text starts with (after its prologue), if it is one."""
    text = query if blanked else blank_opaque(query)
    prologue = _PROLOGUE.match(text)
    assert prologue is not None  # the pattern matches the empty string
    match = _FIRST_WORD.match(text, prologue.end())
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


def chained_operators(query: str, *, blanked: bool = False) -> int:
    """Binary operators the engine nests (an upper bound: siblings are counted as if chained)."""
    text = query if blanked else blank_opaque(query)
    return len(_CHAIN.findall(text.replace("^^", " ")))  # ^^ types a literal; a lone ^ inverts a path
