"""Term builders: for each term of a mapping, a closure that makes its N-Triples text from a row.

Decisions (which column, which datatype check, which escaping) are taken once, when the closure is
made; the closure itself does only what each row needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import MappingError
from .functions import FUNCTIONS, check_constants
from .lexical import checker_for
from .model import (
    RDF_LANGSTRING,
    XSD_STRING,
    Dialect,
    FunctionCall,
    Reference,
    Template,
    TermMap,
)
from .terms import NEEDS_ESCAPE, SAFE, iri_safe, is_absolute_iri, is_language_tag, literal

Row = tuple[str, ...]
Builder = Callable[[Row], "str | None"]


@dataclass(frozen=True)
class Inline:
    """How the compiler may write a one-column builder as straight code instead of calling it.

    The term is ``head + value + tail``; an IRI value is percent-encoded, a literal escaped, and a
    typed value first normalised (``normalize``), with ``explain`` saying why it was rejected.
    """

    kind: str  # "iri", "literal" or "typed"
    column: int
    name: str
    head: str
    tail: str
    normalize: Callable[[str], str | None] | None = None
    explain: Callable[[str], str] | None = None
    datatype: str = ""
    #: For "template" terms: constant text and (column position, column name) pairs, in order.
    parts: tuple[str | tuple[int, str], ...] = ()
    iri: bool = False


def inline_of(builder: Builder) -> Inline | None:
    return getattr(builder, "inline", None)


def _inlined(builder: Builder, inline: Inline) -> Builder:
    vars(builder)["inline"] = inline  # a function attribute, which mypy does not type
    return builder


@dataclass
class Cursor:
    """The row being mapped; builders report problems against it."""

    row: int = 0
    problems: list[tuple[int, str, str]] = field(default_factory=list)
    empties: list[str] = field(default_factory=list)

    def reject(self, column: str, reason: str) -> None:
        self.problems.append((self.row, column, reason))


@dataclass
class DerivedColumn:
    call: FunctionCall
    arguments: dict[str, int | str]  # parameter → column position, or a constant


class TermBuilders:
    """Builders over the columns of one table; records which columns and derived values they read."""

    def __init__(self, path: Path, dialect: Dialect, cursor: Cursor, withheld: set[str]) -> None:
        self.path = path
        self.dialect = dialect
        self.cursor = cursor
        self.withheld = withheld
        self.columns: list[str] = []
        self.derived: list[DerivedColumn] = []

    def fail(self, where: str, problem: str, fix: str = "") -> MappingError:
        return MappingError(self.path, where, problem, fix)

    def column(self, name: str, where: str) -> int:
        if name in self.withheld:
            raise self.fail(
                where,
                f"column '{name}' is withheld by the policy but the mapping publishes it",
                "remove it from the mapping or from policy.withheld",
            )
        if name not in self.columns:
            self.columns.append(name)
        return self.columns.index(name)

    # -- builders ------------------------------------------------------------------------------
    def value(self, template: Template, where: str, *, iri: bool) -> Builder:
        """Builder of a template's raw text (references IRI-encoded when ``iri``); None on an empty cell."""
        nulls = self.dialect.null_values
        cursor = self.cursor
        parts = [(p if isinstance(p, str) else (self.column(p.column, where), p.column)) for p in template.parts]
        if len(parts) == 1 and isinstance(parts[0], tuple):
            i, name = parts[0]

            def single(row: Row) -> str | None:
                v = row[i]
                if v in nulls:
                    cursor.empties.append(name)
                    return None
                return iri_safe(v) if iri else v

            return single
        if len(parts) == 2 and isinstance(parts[0], str) and isinstance(parts[1], tuple):
            pre, (i, name) = parts[0], parts[1]

            def prefixed(row: Row) -> str | None:
                v = row[i]
                if v in nulls:
                    cursor.empties.append(name)
                    return None
                return pre + (iri_safe(v) if iri else v)

            return prefixed

        def general(row: Row) -> str | None:
            out = []
            for part in parts:
                if isinstance(part, str):
                    out.append(part)
                    continue
                v = row[part[0]]
                if v in nulls:
                    cursor.empties.append(part[1])
                    return None
                out.append(iri_safe(v) if iri else v)
            return "".join(out)

        return general

    def derived_column(self, call: FunctionCall, where: str) -> int:
        spec = FUNCTIONS[call.function]
        arguments: dict[str, int | str] = {}
        constants: dict[str, str] = {}
        for name, template in call.parameters:
            if template.is_constant:
                arguments[name] = constants[name] = template.constant
            elif len(template.parts) == 1 and isinstance(template.parts[0], Reference):
                arguments[name] = self.column(template.parts[0].column, where)
            else:
                raise self.fail(where, "function parameters are one reference $(col) or a constant")
        for name in spec.constants:
            if name in arguments and not isinstance(arguments[name], str):
                raise self.fail(where, f"parameter {name.rsplit(':', 1)[-1]} must be a constant")
        problem = check_constants(call.function, constants)
        if problem:
            raise self.fail(where, problem)
        for k, d in enumerate(self.derived):
            if d.call == call:
                return k
        self.derived.append(DerivedColumn(call, arguments))
        return len(self.derived) - 1

    def term(self, tm: TermMap, where: str) -> Builder | str:
        """A builder of the N-Triples term, or the term itself when it is constant."""
        if isinstance(tm.value, Template) and tm.value.is_constant:
            text = tm.value.constant
            if tm.term_type == "iri":
                if not is_absolute_iri(text):
                    raise self.fail(where, f"'{text}' is not an absolute IRI")
                return f"<{text}>"
            return self._literal_constant(text, tm, where)
        if tm.term_type == "iri":
            return self._iri_builder(tm, where)
        return self._literal_builder(tm, where)

    def _raw(self, tm: TermMap, where: str, *, iri: bool) -> Builder:
        if isinstance(tm.value, FunctionCall):
            # Derived values follow the columns in reverse order, so their position from the end is fixed.
            k = -1 - self.derived_column(tm.value, where)
            return lambda row: row[k]
        return self.value(tm.value, where, iri=iri)

    def _single(self, tm: TermMap, where: str) -> tuple[str, int, str, str] | None:
        """(text before, column position, column name, text after) for a one-reference template."""
        if not isinstance(tm.value, Template):
            return None
        parts = tm.value.parts
        refs = [k for k, p in enumerate(parts) if isinstance(p, Reference)]
        if len(refs) != 1:
            return None
        k = refs[0]
        ref = parts[k]
        assert isinstance(ref, Reference)
        before = "".join(p for p in parts[:k] if isinstance(p, str))  # the one reference is at k
        after = "".join(p for p in parts[k + 1 :] if isinstance(p, str))
        return before, self.column(ref.column, where), ref.column, after

    def _template_inline(self, tm: TermMap, where: str, head: str, tail: str, *, iri: bool) -> Inline:
        assert isinstance(tm.value, Template)
        parts = tuple(p if isinstance(p, str) else (self.column(p.column, where), p.column) for p in tm.value.parts)
        return Inline("template", -1, columns_of(tm), head, tail, parts=parts, iri=iri)

    def _literal_constant(self, text: str, tm: TermMap, where: str) -> str:
        if tm.language:
            if not is_language_tag(tm.language):
                raise self.fail(where, f"'{tm.language}' is not a language tag", "use nl or en")
            return f"{literal(text)}@{tm.language}"
        if tm.datatype and tm.datatype not in (XSD_STRING,):
            return f"{literal(text)}^^<{tm.datatype}>"
        return literal(text)

    def _iri_builder(self, tm: TermMap, where: str) -> Builder:
        cursor = self.cursor
        column = columns_of(tm)
        single = self._single(tm, where)
        if single is not None and single[0]:
            before, i, name, after = single
            nulls = self.dialect.null_values
            empties = cursor.empties
            head, tail = f"<{before}", f"{after}>"

            def fused(row: Row) -> str | None:
                v = row[i]
                if v in nulls:
                    empties.append(name)
                    return None
                return head + (v if SAFE(v) else iri_safe(v)) + tail

            return _inlined(fused, Inline("iri", i, name, head, tail))
        if isinstance(tm.value, FunctionCall):
            # The function wrote the whole IRI (its ofn:prefix and the encoded value).
            k = -1 - self.derived_column(tm.value, where)
            return lambda row: None if (v := row[k]) is None else f"<{v}>"
        whole_reference = (
            isinstance(tm.value, Template) and len(tm.value.parts) == 1 and isinstance(tm.value.parts[0], Reference)
        )
        # RML encodes the values inside a template; a cell that is the whole IRI is taken as it is.
        raw = self._raw(tm, where, iri=not whole_reference)
        if not whole_reference:
            iri_builder: Builder = lambda row: None if (v := raw(row)) is None else f"<{v}>"  # noqa: E731
            return _inlined(iri_builder, self._template_inline(tm, where, "<", ">", iri=True))

        def checked(row: Row) -> str | None:
            v = raw(row)
            if v is None:
                return None
            if not is_absolute_iri(v):
                cursor.reject(column, f"'{v}' is not an absolute IRI")
                return None
            return f"<{v}>"

        return checked

    def _literal_builder(self, tm: TermMap, where: str) -> Builder:
        cursor = self.cursor
        if tm.language and not is_language_tag(tm.language):
            raise self.fail(where, f"'{tm.language}' is not a language tag", "use nl or en")
        plain = not tm.datatype or tm.datatype in (XSD_STRING, RDF_LANGSTRING)
        suffix = f"@{tm.language}" if tm.language else ("" if plain else f"^^<{tm.datatype}>")
        dialect = self.dialect
        check = None if plain else checker_for(tm.datatype, decimal=dialect.decimal, dates=dialect.dates)
        single = self._single(tm, where)
        nulls, empties = dialect.null_values, cursor.empties
        if check is None:
            if single is not None and not single[0] and not single[3]:
                _, i, name, _ = single

                def fused(row: Row) -> str | None:
                    v = row[i]
                    if v in nulls:
                        empties.append(name)
                        return None
                    return literal(v) + suffix if NEEDS_ESCAPE(v) else f'"{v}"{suffix}'

                return _inlined(fused, Inline("literal", i, name, '"', f'"{suffix}'))
            if isinstance(tm.value, FunctionCall):
                k = -1 - self.derived_column(tm.value, where)
                return lambda row: None if (v := row[k]) is None else literal(v) + suffix
            raw = self._raw(tm, where, iri=False)
            plain_builder: Builder = lambda row: None if (v := raw(row)) is None else literal(v) + suffix  # noqa: E731
            return _inlined(plain_builder, self._template_inline(tm, where, '"', f'"{suffix}', iri=False))
        normalize, explain = check.normalize, check.explain
        column = columns_of(tm)
        short = (tm.datatype or "").rsplit("#", 1)[-1]
        raw = self._raw(tm, where, iri=False)
        words = nulls - {""}

        def checked(v: str) -> str | None:
            n = normalize(v)
            if n is None:
                cursor.reject(column, f"{explain(v)}; expected xsd:{short}")
                return None
            return f'"{n}"{suffix}'

        if single is None or single[0] or single[3]:
            return lambda row: None if (v := raw(row)) is None else checked(v)
        _, i, name, _ = single

        def typed_fused(row: Row) -> str | None:
            v = row[i]
            if v in nulls:
                if v in words:
                    cursor.reject(name, f"'{v}' means no value; expected xsd:{short}")
                else:
                    empties.append(name)
                return None
            return checked(v)

        return _inlined(typed_fused, Inline("typed", i, name, '"', f'"{suffix}', normalize, explain, short))


def columns_of(tm: TermMap) -> str:
    """The source columns a term is made from, for report lines."""
    if isinstance(tm.value, Template):
        return ", ".join(tm.value.references)
    return ", ".join(c for _, t in tm.value.parameters for c in t.references)
