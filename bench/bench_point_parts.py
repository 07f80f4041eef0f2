"""Where a SPARQL point query's time goes, part by part, in one process, one request at a time.

    python bench/bench_point_parts.py [--rows 20000] [--queries 1000]

On one release (built as bench_doc.py builds it), each part timed over --queries different trees:
  1. the parse check alone (``algebra.inspect``), as the query process runs it first;
  2. the query process's whole work in this process (``worker.handle``: check, evaluation, result writer);
  3. the same through a real query process (``QueryPool.run``): adds the pipe round trip;
  4. ``GET /sparql`` through Flask (its test client, no HTTP): adds the route, protocol parse, validators,
     budgets, cache and metrics;
  5. ``GET /healthz`` through Flask: Flask's own share.
Each difference is what one layer costs; the HTTP server's share is bench_servers.py's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from bench.bench_doc import BASE, release_home, tree_refs  # noqa: E402


def per_call(name: str, calls: list[Callable[[], object]]) -> float:
    """Mean microseconds of the calls (each different), after a few to warm up."""
    for call in calls[:20]:
        call()
    started = time.perf_counter()
    for call in calls[20:]:
        call()
    micros = (time.perf_counter() - started) / max(1, len(calls) - 20) * 1e6
    print(f"{name:<62} {micros:8,.0f} us")
    return micros


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--reuse", action="store_true", help="keep the built release in bench/out/parts")
    args = parser.parse_args()
    work = HERE / "out" / "parts"
    home = release_home(work, args.rows, args.reuse)
    os.environ.update(OPENBAAR_HOME=str(home), OPENBAAR_PROJECT=str(work / "project"))

    from service import create_app, sparql_store
    from service.config import load_settings
    from service.query.algebra import inspect
    from service.query.pool import QueryPool
    from service.query.worker import Releases, handle

    settings = load_settings()
    store = str((home / "live").resolve() / "store")
    refs = tree_refs(home, 5 * args.queries)
    texts = [f"SELECT ?p ?o WHERE {{ <{BASE}/id/boom/{ref}> ?p ?o }}" for ref in refs]
    batches = iter(texts[i * args.queries : (i + 1) * args.queries] for i in range(5))

    def request(query: str) -> dict[str, object]:
        return {
            "store": store,
            "query": query,
            "default_graphs": None,
            "named_graphs": None,
            "bindings_media": "application/sparql-results+json",
            "graph_media": None,
            "row_limit": settings.result_row_limit,
            "max_regex_chars": settings.max_regex_chars,
            "base_iri": settings.public_base + "/sparql",
        }

    releases = Releases()
    pool = QueryPool(warm=1, limit=1)
    pool.warm(store)
    time.sleep(2)
    app = create_app(settings)
    client = app.test_client()
    accept = {"Accept": "application/sparql-results+json"}
    print(f"release: {args.rows:,} generated trees; {args.queries:,} point queries per part, one at a time")
    parts = [
        per_call(
            "1. parse check (algebra.inspect)",
            [lambda q=q: inspect(q, settings.max_regex_chars, sparql_store.regex_compiles) for q in next(batches)],
        ),
        per_call(
            "2. query process work in-process (worker.handle)",
            [lambda q=q: handle(releases, request(q)) for q in next(batches)],
        ),
        per_call(
            "3. through a query process (QueryPool.run: + pipe)",
            [lambda q=q: pool.run(request(q), store, settings.query_deadline) for q in next(batches)],
        ),
        per_call(
            "4. GET /sparql through Flask (+ route, protocol, cache, metrics)",
            [lambda q=q: client.get("/sparql?" + urlencode({"query": q}), headers=accept) for q in next(batches)],
        ),
        per_call("5. GET /healthz through Flask", [lambda: client.get("/healthz") for _ in range(args.queries)]),
    ]
    print()
    print(
        f"evaluation and writer (2 - 1): {parts[1] - parts[0]:,.0f} us; pipe and process switch (3 - 2): "
        f"{parts[2] - parts[1]:,.0f} us; the web layer above the pool (4 - 3): {parts[3] - parts[2]:,.0f} us, "
        f"of which Flask's own share (5): {parts[4]:,.0f} us"
    )
    pool.close()
    if not args.reuse:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
