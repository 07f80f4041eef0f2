"""Which queries may run inside the server process: those whose cost is bounded by the row cap.

A query runs in a killable query process because nothing else stops it at the deadline. A query that
is one triple pattern over distinct variables and constant IRIs, without anything that can discard
or reorder solutions (FILTER, DISTINCT, ORDER BY, GROUP BY, paths, OFFSET beyond the cap), turns
every quad it scans into a result row (CONSTRUCT's de-duplication drops at most one copy per named
graph). Streaming stops at the cap, so its cost is bounded by the cap times the number of graphs, and
it can run in-process without a deadline to enforce. ``DESCRIBE`` of constant IRIs is bounded the
same way. Everything this module does not recognise goes to the query processes.

The text is read with one tokenising regex, no parser: a query is bounded only when every character
belongs to a token this grammar knows (strings, paths, brackets, ``[]`` or anything else: not bounded).
"""

from __future__ import annotations

import re

_TOKEN = re.compile(
    r"""
    (?P<space>(?:\s+|\#[^\n\r]*)+)
    |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    |(?P<var>[?$][A-Za-z0-9_]+)
    |(?P<pname>(?:[A-Za-z][A-Za-z0-9_-]*)?:[A-Za-z0-9_]*(?:-+[A-Za-z0-9_]+)*)
    |(?P<word>[A-Za-z]+)
    |(?P<int>[0-9]+)
    |(?P<punct>[{}.*])
    """,
    re.VERBOSE,
)

_PROLOGUE = ("PREFIX", "BASE")


def _tokens(query: str) -> list[tuple[str, str]] | None:
    """(kind, text) per token, comments and white space dropped; None when some text is not a known token."""
    out: list[tuple[str, str]] = []
    covered = 0
    for match in _TOKEN.finditer(query):
        if match.start() != covered:  # finditer skipped something no token matches
            return None
        covered = match.end()
        kind = match.lastgroup
        if kind == "word":
            out.append(("kw", match.group().upper()))
        elif kind != "space":
            out.append((kind, match.group()))  # type: ignore[arg-type]
    return out if covered == len(query) else None


class _Reader:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.at = tokens, 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("end", "")

    def take(self, kind: str, text: str | None = None) -> str | None:
        found_kind, found_text = self.peek()
        if found_kind != kind or (text is not None and found_text != text):
            return None
        self.at += 1
        return found_text

    def done(self) -> bool:
        return self.at == len(self.tokens)


def _prologue(read: _Reader) -> bool:
    while read.peek() in (("kw", "PREFIX"), ("kw", "BASE")):
        keyword = read.take("kw")
        if keyword == "PREFIX" and read.take("pname") is None:
            return False
        if read.take("iri") is None:
            return False
    return True


def _term(read: _Reader, *, predicate: bool = False) -> tuple[str, str] | None:
    kind, text = read.peek()
    if kind in ("iri", "pname", "var") or (predicate and kind == "kw" and text == "A"):
        read.at += 1
        return kind, text[1:] if kind == "var" else text
    return None


def _group(read: _Reader) -> tuple[tuple[str, str], ...] | None:
    """``{ s p o }`` or ``{ s p o . }``: one triple pattern whose variables are all different."""
    if read.take("punct", "{") is None:
        return None
    subject, predicate, obj = _term(read), _term(read, predicate=True), _term(read)
    if subject is None or predicate is None or obj is None:
        return None
    read.take("punct", ".")
    if read.take("punct", "}") is None:
        return None
    names = [text for kind, text in (subject, predicate, obj) if kind == "var"]
    if len(names) != len(set(names)):  # ?x ?p ?x scans everything and keeps few quads
        return None
    return subject, predicate, obj


def _modifiers(read: _Reader, row_limit: int) -> bool:
    """LIMIT n and OFFSET n (any order); an OFFSET skips rows it has scanned, so it may not pass the cap."""
    seen: set[str] = set()
    while read.peek() in (("kw", "LIMIT"), ("kw", "OFFSET")):
        keyword = read.take("kw") or ""
        number = read.take("int")
        if keyword in seen or number is None:
            return False
        if keyword == "OFFSET" and int(number) > row_limit:
            return False
        seen.add(keyword)
    return True


def _select(read: _Reader) -> bool:
    if read.take("punct", "*") is None:
        if read.take("var") is None:
            return False
        while read.take("var") is not None:
            pass
    read.take("kw", "WHERE")
    return _group(read) is not None


def _construct(read: _Reader) -> bool:
    if read.take("kw", "WHERE") is not None:
        return _group(read) is not None
    template = _group(read)
    read.take("kw", "WHERE")
    # A different template can map many scanned quads to one triple, which CONSTRUCT then drops.
    return template is not None and _group(read) == template


def _describe(read: _Reader) -> bool:
    count = 0
    while read.take("iri") is not None or read.take("pname") is not None:
        count += 1
    return count > 0


def is_bounded(query: str, row_limit: int) -> bool:
    """True when evaluating ``query`` costs at most a small multiple of ``row_limit`` quads scanned."""
    tokens = _tokens(query)
    if not tokens:
        return False
    read = _Reader(tokens)
    if not _prologue(read):
        return False
    form = read.take("kw")
    if form == "SELECT":
        ok = _select(read) and _modifiers(read, row_limit)
    elif form == "ASK":
        read.take("kw", "WHERE")
        ok = _group(read) is not None
    elif form == "CONSTRUCT":
        ok = _construct(read) and _modifiers(read, row_limit)
    elif form == "DESCRIBE":
        ok = _describe(read)
    else:
        ok = False
    return ok and read.done()
