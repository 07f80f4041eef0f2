"""Compile a table's plan into one Python function that maps a chunk of rows, as a hand-written writer would.

Calling a small closure per term costs as much as the work it does. Writing the row loop out as code,
with one-column terms inlined, takes that cost away. The generated code holds no text from the mapping:
every constant is passed in by name (``K3``), so a mapping cannot inject code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .builders import NEEDS_ESCAPE, SAFE, Inline, inline_of, iri_safe, literal
from .plan import Emitter, MapPlan, SourcePlan

#: run(rows, numbers, append, cursor, missing) maps a chunk and returns how many subjects each map made;
#: ``missing(map, row)`` reports a row without subject.
ChunkMapper = Callable[..., tuple[int, ...]]


def _cat(*parts: str) -> str:
    """Generated code that appends the concatenation of ``parts`` (names or expressions) as one f-string."""
    fields = "".join("{" + part + "}" for part in parts)
    return f'append(f"{fields}")'


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, Any] = {}

    def const(self, value: Any) -> str:
        name = f"K{len(self.names)}"
        self.names[name] = value
        return name

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)


def compile_plan(plan: SourcePlan) -> ChunkMapper:
    """One function for all triples maps of the table, equivalent to running their builders in turn."""
    w = _Writer()
    g = plan.end
    w.emit(0, "def run(rows, numbers, append, cursor, missing):")
    w.emit(1, "empty = cursor.empties.append")
    w.emit(1, "problem = cursor.problems.append")
    counters = [f"n{k}" for k in range(len(plan.maps))]
    w.emit(1, " = ".join(counters) + " = 0")
    for i in sorted(_literal_columns(plan.maps)):
        # Most chunks have no quote, backslash or line break in a column: test the column once, not each cell.
        w.emit(1, f"x{i} = NEEDS_ESCAPE(SEP.join([r[{i}] for r in rows])) is not None")
    w.emit(1, "for row, number in zip(rows, numbers):")
    if any(_calls_closures(mp) for mp in plan.maps):
        w.emit(2, "cursor.row = number")  # closures report against the cursor's row
    _columns(w, plan.maps)
    for k, mp in enumerate(plan.maps):
        _map(w, k, mp, g, plan.inferred_end, plan.source.dialect.null_values)
    w.emit(1, f"return ({', '.join(counters)},)")
    namespace: dict[str, Any] = {
        "SAFE": SAFE,
        "NEEDS_ESCAPE": NEEDS_ESCAPE,
        "SEP": "\x00",
        "iri_safe": iri_safe,
        "literal": literal,
        **w.names,
    }
    source = "\n".join(w.lines) + "\n"
    exec(compile(source, f"<mapping plan for {plan.source.path.name}>", "exec"), namespace)
    run: ChunkMapper = namespace["run"]
    vars(run)["source"] = source  # a function attribute, which mypy does not type
    return run


def _calls_closures(mp: MapPlan) -> bool:
    """Whether some term of the map is built by calling its closure rather than by inlined code."""
    builders = [mp.subject, *(build for _, build in mp.simple)]
    return bool(mp.emitters) or any(inline_of(b) is None for b in builders)


def _literal_columns(maps: list[MapPlan]) -> set[int]:
    columns: set[int] = set()
    for mp in maps:
        for inline in _inlines(mp):
            if inline.kind == "literal":
                columns.add(inline.column)
            elif inline.kind == "template" and not inline.iri:
                columns.update(p[0] for p in inline.parts if isinstance(p, tuple))
    return columns


def _inlines(mp: MapPlan) -> list[Inline]:
    found = [inline_of(mp.subject)] + [inline_of(build) for _, build in mp.simple]
    return [i for i in found if i is not None]


def _columns(w: _Writer, maps: list[MapPlan]) -> None:
    """Read each column once per row into a local (c3), and IRI-encode it once where IRIs use it (e3)."""
    plain: set[int] = set()
    encoded: set[int] = set()
    for mp in maps:
        for inline in _inlines(mp):
            refs = (
                [p[0] for p in inline.parts if isinstance(p, tuple)] if inline.kind == "template" else [inline.column]
            )
            plain.update(refs)
            if inline.kind == "iri" or (inline.kind == "template" and inline.iri):
                encoded.update(refs)
    for i in sorted(plain):
        w.emit(2, f"c{i} = row[{i}]")
    for i in sorted(encoded):
        w.emit(2, f"e{i} = c{i} if SAFE(c{i}) else iri_safe(c{i})")


def _map(w: _Writer, k: int, mp: MapPlan, g: str, ginf: str, nulls: frozenset[str]) -> None:
    depth = 2
    nulls_name = w.const(nulls)
    subject = inline_of(mp.subject)
    if subject is not None and subject.kind == "iri":
        w.emit(depth, f"if c{subject.column} in {nulls_name}:")
        w.emit(depth + 1, f"empty({w.const(subject.name)})")
        w.emit(depth + 1, f"missing({k}, number)")
        w.emit(depth, "else:")
        w.emit(depth + 1, f"s = {w.const(subject.head)} + e{subject.column} + {w.const(subject.tail)}")
    else:
        w.emit(depth, f"s = {w.const(mp.subject)}(row)")
        w.emit(depth, "if s is None:")
        w.emit(depth + 1, f"missing({k}, number)")
        w.emit(depth, "else:")
    depth += 1
    w.emit(depth, f"n{k} += 1")
    if mp.constant_tail:
        w.emit(depth, f"append(s + s.join({w.const(tuple(mp.constant_tail))}))")
    for predicate, build in mp.simple:
        _term(w, depth, predicate, build, g, nulls_name)
    if mp.emitters:
        w.emit(depth, f"{w.const(_complex(mp.emitters, g, ginf))}(row, s, append)")
    if not mp.constant_tail and not mp.simple and not mp.emitters:
        w.emit(depth, "pass")


def _term(w: _Writer, depth: int, predicate: str, build: Callable[..., str | None], g: str, nulls: str) -> None:
    inline: Inline | None = inline_of(build)
    if inline is None:
        w.emit(depth, f"o = {w.const(build)}(row)")
        w.emit(depth, "if o is not None:")
        w.emit(depth + 1, _cat("s", w.const(predicate), "o", w.const(g)))
        return
    if inline.kind == "template":
        _template(w, depth, predicate, inline, g, nulls)
        return
    before, after = w.const(predicate + inline.head), w.const(inline.tail + g)
    v = f"c{inline.column}"
    w.emit(depth, f"if {v} in {nulls}:")
    if inline.kind == "typed":
        message = w.const(f"' means no value; expected xsd:{inline.datatype}")
        w.emit(depth + 1, f"if {v}:")
        w.emit(depth + 2, f'problem((number, {w.const(inline.name)}, "\'" + {v} + {message}))')
        w.emit(depth + 1, "else:")
        w.emit(depth + 2, f"empty({w.const(inline.name)})")
    else:
        w.emit(depth + 1, f"empty({w.const(inline.name)})")
    if inline.kind == "iri":
        w.emit(depth, "else:")
        w.emit(depth + 1, _cat("s", before, f"e{inline.column}", after))
    elif inline.kind == "literal":
        w.emit(depth, f"elif x{inline.column} and NEEDS_ESCAPE({v}):")
        w.emit(depth + 1, _cat("s", w.const(predicate), f"literal({v})", w.const(inline.tail[1:] + g)))
        w.emit(depth, "else:")
        w.emit(depth + 1, _cat("s", before, v, after))
    else:
        w.emit(depth, "else:")
        w.emit(depth + 1, f"n = {w.const(inline.normalize)}({v})")
        w.emit(depth + 1, "if n is None:")
        reason = f"{w.const(inline.explain)}({v}) + {w.const('; expected xsd:' + inline.datatype)}"
        w.emit(depth + 2, f"problem((number, {w.const(inline.name)}, {reason}))")
        w.emit(depth + 1, "else:")
        w.emit(depth + 2, _cat("s", before, "n", after))


def _template(w: _Writer, depth: int, predicate: str, inline: Inline, g: str, nulls: str) -> None:
    """A template of several columns: no term when any of them is empty, as RML says."""
    refs = [p for p in inline.parts if isinstance(p, tuple)]
    for position, (i, name) in enumerate(refs):
        w.emit(depth, f"{'if' if position == 0 else 'elif'} c{i} in {nulls}:")
        w.emit(depth + 1, f"empty({w.const(name)})")
    w.emit(depth, "else:")
    text = " + ".join(
        w.const(p) if isinstance(p, str) else (f"e{p[0]}" if inline.iri else f"c{p[0]}") for p in inline.parts
    )
    w.emit(depth + 1, f"v = {text}")
    if inline.iri:
        w.emit(depth + 1, _cat("s", w.const(predicate + inline.head), "v", w.const(inline.tail + g)))
        return
    flags = [f"x{p[0]}" for p in inline.parts if isinstance(p, tuple)]
    constants_escape = any(isinstance(p, str) and NEEDS_ESCAPE(p) for p in inline.parts)
    test = "NEEDS_ESCAPE(v)" if constants_escape else f"({' or '.join(flags)}) and NEEDS_ESCAPE(v)"
    w.emit(depth + 1, f"if {test}:")
    w.emit(depth + 2, _cat("s", w.const(predicate), "literal(v)", w.const(inline.tail[1:] + g)))
    w.emit(depth + 1, "else:")
    w.emit(depth + 2, _cat("s", w.const(predicate + inline.head), "v", w.const(inline.tail + g)))


def _complex(emitters: list[Emitter], g: str, ginf: str) -> Callable[..., None]:
    """Joins and terms with entailed triples: rarer, so a plain loop over the emitters."""

    def run(row: tuple[str, ...], s: str, append: Callable[[str], None]) -> None:
        for em in emitters:
            if em.build is not None:
                o = em.build(row)
                objects: tuple[str, ...] | list[str] = () if o is None else (o,)
            else:
                assert em.join is not None  # an emitter has a builder or a join
                objects = em.join(row)
            for o in objects:
                append(f"{s}{em.predicate}{o}{g}")
                for q in em.forward:
                    append(f"{s} <{q}> {o}{ginf}")
                for r in em.backward:
                    append(f"{o} <{r}> {s}{ginf}")
                if em.dynamic_types:
                    for c in em.dynamic_types.get(o[1:-1], ()):
                        append(f"{s}{em.predicate}<{c}>{ginf}")

    return run
