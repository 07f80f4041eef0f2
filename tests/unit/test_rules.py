"""The design's own rules, checked on the source: who imports pyoxigraph, who reads the environment, no cycles,
no module over the size at which it is split by concern.

The rules are read from the code's imports (the AST), so a new module that breaks one fails here, naming
the module and the line. Imports under ``if TYPE_CHECKING:`` are annotations only: they do not count.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SERVICE = Path(__file__).resolve().parents[2] / "service"

#: The store (``store.py``) and the store readers beside it (``remote_store`` reads a remote engine's): the
#: only modules that import pyoxigraph.
STORE_MODULES = {
    "service.store",
    "service.sparql_store",
    "service.describe",
    "service.documents",
    "service.search",
    "service.modified",
    "service.remote_store",
}
#: The only module that reads or sets the environment.
ENVIRONMENT_MODULES = {"service.config"}
ENVIRONMENT_CALLS = {"os.environ", "os.environb", "os.getenv", "os.putenv", "os.unsetenv"}
#: Over this many lines a module is split by concern.
MAX_MODULE_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(SERVICE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import that runs, in the module or in its functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: list[tuple[int, str]] = []
    skip: set[int] = set()
    for node in ast.walk(tree):
        if _type_checking_only(node):
            skip.update(id(child) for child in ast.walk(node))
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            found.append((node.lineno, target))
            # ``from . import x`` imports the module x
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return found


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(SERVICE.rglob("*.py"))}


def test_only_the_store_modules_import_pyoxigraph() -> None:
    offenders = [
        f"{name}:{line}"
        for name, path in modules().items()
        for line, target in imports(path)
        if target.split(".")[0] == "pyoxigraph" and name not in STORE_MODULES
    ]
    assert not offenders, f"pyoxigraph imported outside {sorted(STORE_MODULES)}: {offenders}"


def test_only_config_reads_the_environment() -> None:
    offenders = []
    for name, path in modules().items():
        if name in ENVIRONMENT_MODULES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and ast.unparse(node) in ENVIRONMENT_CALLS:
                offenders.append(f"{name}:{node.lineno} {ast.unparse(node)}")
            elif isinstance(node, ast.ImportFrom) and node.module == "os":
                offenders += [
                    f"{name}:{node.lineno} os.{a.name}" for a in node.names if f"os.{a.name}" in ENVIRONMENT_CALLS
                ]
    assert not offenders, f"the environment is read outside service/config.py: {offenders}"


def oversized(paths: dict[str, Path], limit: int = MAX_MODULE_LINES) -> list[str]:
    """``name (lines)`` of every module longer than the limit, longest first."""
    counts = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in paths.items()}
    return [f"{name} ({n} lines)" for name, n in sorted(counts.items(), key=lambda kv: -kv[1]) if n > limit]


def test_no_module_is_over_the_size_limit() -> None:
    too_long = oversized(modules())
    assert not too_long, f"modules over {MAX_MODULE_LINES} lines, to split by concern: {too_long}"


def _graph(level: int | None) -> dict[str, set[str]]:
    """Import edges between our modules (level None) or between packages (the first ``level`` name parts)."""
    known = modules()
    edges: dict[str, set[str]] = defaultdict(set)
    for name, path in known.items():
        for _, target in imports(path):
            while target and target not in known:
                target = target.rpartition(".")[0]  # ``from .x import name``: the module is x
            if not target or target == name or name.startswith(target + "."):
                continue  # a module's own packages are imported with it: not a dependency
            if level is None:
                edges[name].add(target)
            else:
                source_key, target_key = _package(name, known, level), _package(target, known, level)
                if source_key != target_key:
                    edges[source_key].add(target_key)
    return edges


def _package(name: str, known: dict[str, Path], level: int) -> str:
    """The package a module belongs to, at a depth: ``service.web.linked.front`` at 2 is ``service.web``."""
    parts = name.split(".")
    if known[name].name != "__init__.py":
        parts = parts[:-1] if len(parts) > level else parts
    return ".".join(parts[:level]) if len(parts) >= level else name


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_in_a_cycle() -> None:
    assert cycles(_graph(None)) == []


def test_packages_depend_one_way() -> None:
    for level in (2, 3):  # service.mapping ⇄ service.policy; service.web.sparql ⇄ service.web.linked, …
        assert cycles(_graph(level)) == [], f"packages import each other (depth {level})"


def test_the_rules_see_a_violation() -> None:
    """The checks above would notice: a known pyoxigraph import, a known cycle and a module one line too long."""
    store = modules()["service.store"]
    assert any(target == "pyoxigraph" for _, target in imports(store))
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    lines = len(store.read_text(encoding="utf-8").splitlines())
    assert oversized({"service.store": store}, lines - 1) == [f"service.store ({lines} lines)"]
    assert oversized({"service.store": store}, lines) == []
