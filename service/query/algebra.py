"""What a query asks for, read from rdflib's SPARQL parser and algebra: refuses what must never be evaluated.

Runs in the query process, before the store sees the text, so that a parse that takes long still ends
at the deadline. A query the parser cannot read is refused too (fail closed): the store must never run
text whose meaning was not checked. The parse is skipped only when the text cannot hold anything to
decide: none of the words ``service``, ``regex``, ``replace`` or ``from`` in any spelling, and no
backslash (the only way to write a keyword without its letters). That is a substring test on the raw
text, so it holds whatever a tokeniser thinks is a comment, a string or an IRI.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

#: Substrings without which a query holds nothing this module decides (checked case-insensitively).
_TRIGGERS = re.compile(r"service|regex|replace|from|\\", re.IGNORECASE)
#: pyoxigraph's own limit on a compiled pattern makes a long one fail or run slowly on every row.
_PATTERN_FUNCTIONS = {"Builtin_REGEX": "REGEX", "Builtin_REPLACE": "REPLACE"}


#: Parser nodes that wrap a single operand (``"abc"`` is an OR of one AND of … of one literal).
_WRAPPERS = frozenset(
    (
        "ConditionalOrExpression",
        "ConditionalAndExpression",
        "RelationalExpression",
        "AdditiveExpression",
        "MultiplicativeExpression",
    )
)


class QueryRefused(ValueError):
    """The query is refused before evaluation; the message says why and how to fix it (a 400)."""


@dataclass(frozen=True)
class Inspection:
    """What the evaluation needs to know: whether the query names its own dataset (FROM / FROM NAMED)."""

    dataset_clause: bool


def inspect(query: str, max_regex_chars: int, compiles: Callable[[str, str | None], bool]) -> Inspection:
    """Refuse SERVICE, over-long or uncompilable regular expressions and unreadable text; else what to run.

    ``compiles(pattern, flags)`` asks the store's own regular-expression engine whether a pattern compiles.
    """
    if not _TRIGGERS.search(query):
        return Inspection(dataset_clause=False)
    root = _parse(query)
    dataset_clause = False
    for node in _walk(root):
        name = getattr(node, "name", None)
        if name == "ServiceGraphPattern":
            raise QueryRefused(
                "SERVICE (federated query) is not allowed on this endpoint: it never fetches other endpoints"
            )
        if name == "DatasetClause":
            dataset_clause = True
        elif name in _PATTERN_FUNCTIONS:
            _check_pattern(node, _PATTERN_FUNCTIONS[name], max_regex_chars, compiles)
    return Inspection(dataset_clause=dataset_clause)


def _parse(query: str) -> Any:
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        return parseQuery(query)
    except ParseException as exc:
        raise QueryRefused(f"malformed query at line {exc.lineno}, column {exc.col}: {exc.msg}") from None
    except RecursionError:
        raise QueryRefused("the query nests too deeply to be checked; flatten its groups or expressions") from None
    except Exception as exc:  # the parser raises plain exceptions for some malformed input (bad escapes, IRIs)
        raise QueryRefused(f"malformed query: {exc}") from None


def _walk(root: Any) -> Iterator[Any]:
    """Every node of a parse result, without recursion (a deep query must not exhaust the stack)."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
            stack.extend(node)


def _constant(value: Any) -> Any:
    """The constant under the parser's one-operand wrappers, or the node itself when it is computed."""
    while getattr(value, "name", None) in _WRAPPERS and "other" not in value:
        value = value.get("expr")
    if getattr(value, "name", None) == "literal":
        return value.get("string")
    return value


def _check_pattern(node: Any, function: str, limit: int, compiles: Callable[[str, str | None], bool]) -> None:
    from rdflib import Literal

    pattern, flags = _constant(node.get("pattern")), _constant(node.get("flags"))
    if not isinstance(pattern, Literal):
        return  # computed per row: the store's own size limit and the deadline apply
    text = str(pattern)
    if len(text) > limit:
        raise QueryRefused(
            f"the {function} pattern is {len(text)} characters long; the limit is {limit} "
            "(OPENBAAR_MAX_REGEX_CHARS): match with shorter patterns, or with STRSTARTS/CONTAINS"
        )
    flag_text = str(flags) if isinstance(flags, Literal) else None
    if not compiles(text, flag_text):
        raise QueryRefused(
            f"the {function} pattern {text[:60]!r} is not a valid regular expression, or compiles beyond "
            "the engine's size limit; fix or shorten it"
        )
