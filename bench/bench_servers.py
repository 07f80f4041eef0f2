"""WSGI servers for the app: gunicorn (as `openbaar serve` runs it) against granian, side by side, with
`oxigraph serve-read-only` as the reference, on /healthz, /doc/….ttl and SPARQL point queries.

    python bench/bench_servers.py [--rows 100000] [--requests 4000] [--workers N] [--reuse]

In one run, on one release (built as bench_doc.py builds it), each server in turn on the same home:
  1. /healthz at concurrency 4: what the server and Flask cost with no work at all;
  2. /doc/boom/{ref}.ttl for random trees, warm (every document fetched once before: the front answers
     from the release's document cache), against DESCRIBE on Oxigraph;
  3. point queries `SELECT ?p ?o { <tree> ?p ?o }`, a different tree each, against the same on Oxigraph.
It prints requests/s, p50/p99 and server CPU per request of each, and the ratios against Oxigraph.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlencode

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from bench.bench_doc import BASE, free_port, load, measured, release_home, report, tree_refs, wait_for  # noqa: E402
from bench.bench_sparql import finish  # noqa: E402
from bench.measure import ratio  # noqa: E402
from service.config import Settings  # noqa: E402
from service.serve import default_workers  # noqa: E402

JSON = {"Accept": "application/sparql-results+json"}
Requests = list[tuple[str, dict[str, str]]]


def servers(port: int, workers: int) -> dict[str, list[str]]:
    """The command of each server under test; granian runs the same app factory in its WSGI interface."""
    threads = str(Settings().query_concurrency + 4)  # as gunicorn's gthread workers get
    return {
        "gunicorn (openbaar serve)": [
            *(sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1", "--port", str(port)),
            *("--workers", str(workers)),
        ],
        "granian 2 (wsgi)": [
            *(sys.executable, "-m", "granian", "--interface", "wsgi", "--factory", "service:create_app"),
            *("--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)),
            *("--blocking-threads", threads, "--no-ws", "--log-level", "warning"),
        ],
    }


def point_query(iri: str) -> str:
    return "?" + urlencode({"query": f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=None, help="processes per server (default: openbaar serve's)")
    parser.add_argument("--reuse", action="store_true", help="keep the built release in bench/out/servers")
    args = parser.parse_args()
    work = HERE / "out" / "servers"
    home = release_home(work, args.rows, args.reuse)
    workers = args.workers or default_workers()
    refs = tree_refs(home, 3 * args.requests)
    docs: Requests = [(f"/doc/boom/{ref}.ttl", {}) for ref in refs[: args.requests]]
    env = {**os.environ, "OPENBAAR_HOME": str(home), "OPENBAAR_PROJECT": str(work / "project")}
    print(f"release: {args.rows:,} generated trees; {len(docs):,} requests per run; {workers} workers; concurrency 4")

    port = free_port()
    oxigraph = subprocess.Popen(
        [
            *("oxigraph", "serve-read-only", "--location", str((home / "live").resolve() / "store")),
            *("--bind", f"127.0.0.1:{port}", "--union-default-graph"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/", oxigraph)
        describe = [
            (f"/query?query={quote(f'DESCRIBE <{BASE}/id/boom/{r}>')}", {"Accept": "text/turtle"}) for r in refs
        ]
        ox_doc = measured(oxigraph.pid, port, describe[: args.requests])
        ox_points = measured(
            oxigraph.pid, port, [(f"/query{point_query(BASE + '/id/boom/' + r)}", JSON) for r in refs[: args.requests]]
        )
    finally:
        finish(oxigraph)
    report("oxigraph  DESCRIBE (turtle)", *ox_doc)
    report("oxigraph  point query", *ox_points)

    results = {}
    for run, (name, command) in enumerate(servers(free_port(), workers).items()):
        port = int(command[command.index("--port") + 1])
        proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(f"http://127.0.0.1:{port}/readyz", proc)
            load(port, docs, 4)  # the cold pass: every document rendered once and kept
            # A fresh third of the trees per server: neither server's result cache has seen them.
            fresh = refs[run * args.requests : (run + 1) * args.requests]
            points = [(f"/sparql{point_query(BASE + '/id/boom/' + r)}", JSON) for r in fresh]
            load(port, points[:40], 4)  # start every worker's query processes
            results[name] = (
                measured(proc.pid, port, [("/healthz", {})] * len(docs)),
                measured(proc.pid, port, docs),
                measured(proc.pid, port, points),
            )
        finally:
            finish(proc)
        for what, figures in zip(("/healthz", "/doc/…ttl warm", "point query"), results[name], strict=True):
            report(f"{name}  {what}", *figures)
    print()
    for name, (healthz, doc, points) in results.items():
        print(f"/healthz under {name} vs oxigraph DESCRIBE  {ratio(healthz[0], ox_doc[0])}  (what the stack allows)")
        print(f"/doc warm under {name} vs oxigraph DESCRIBE  {ratio(doc[0], ox_doc[0])}  (target >= 0.7x)")
        print(f"point queries under {name} vs oxigraph  {ratio(points[0], ox_points[0])}  (target >= 0.7x)")
    if not args.reuse:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
