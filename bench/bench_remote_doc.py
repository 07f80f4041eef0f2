"""Documents read from a remote SPARQL engine against documents read from the embedded store.

    python bench/bench_remote_doc.py [--rows 100000] [--requests 1000] [--workers 2] [--reuse]

On one release (the one ``bench_doc.py`` builds, kept in bench/out/doc with --reuse), side by side:
  1. ``openbaar serve`` reading the release's store (the default);
  2. ``openbaar serve`` with ``OPENBAAR_SPARQL_ENDPOINT`` naming ``oxigraph serve-read-only`` over the
     same store, so every document is read from the engine over the protocol.
Both run without the document cache (``OPENBAAR_DOC_CACHE_BYTES=0``), so every request is rendered: the
figure is what a document costs the first time (afterwards the cache answers it the same either way).
It fetches the same random trees as Turtle at concurrency 4, then the busiest neighbourhood's document
(111 trees link to it: a page of labels) one at a time, and prints requests/s, p50, p99 and the ratios.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from bench.bench_doc import free_port, load, measured, release_home, report, tree_refs, wait_for  # noqa: E402
from bench.measure import ratio  # noqa: E402

BUSY = "/doc/buurt/BU00140106.ttl"


def start(home: Path, project: Path, workers: int, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    settings = {"OPENBAAR_HOME": str(home), "OPENBAAR_PROJECT": str(project), "OPENBAAR_DOC_CACHE_BYTES": "0"}
    command = [sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(
        command, cwd=REPO, env={**os.environ, **settings, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_for(f"http://127.0.0.1:{port}/readyz", process)
    return process, port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="keep the built release in bench/out/doc between runs")
    args = parser.parse_args()
    work = HERE / "out" / "doc"
    home = release_home(work, args.rows, args.reuse)
    store = (home / "live").resolve() / "store"
    engine_port = free_port()
    engine = subprocess.Popen(
        ["oxigraph", "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{engine_port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    servers: list[subprocess.Popen[bytes]] = [engine]
    try:
        wait_for(f"http://127.0.0.1:{engine_port}/", engine)
        embedded, embedded_port = start(home, work / "project", args.workers, {})
        servers.append(embedded)
        endpoint = {"OPENBAAR_SPARQL_ENDPOINT": f"http://127.0.0.1:{engine_port}/query"}
        remote, remote_port = start(home, work / "project", args.workers, endpoint)
        servers.append(remote)
        refs = tree_refs(home, args.requests)
        trees = [(f"/doc/boom/{ref}.ttl", {}) for ref in refs]
        print(f"release: {args.rows:,} generated trees; {len(refs):,} random trees; {args.workers} workers each")
        local_rate, local_lat, local_cpu = measured(embedded.pid, embedded_port, trees)
        remote_rate, remote_lat, remote_cpu = measured(remote.pid, remote_port, trees)
        report("embedded store  /doc/boom/….ttl", local_rate, local_lat, local_cpu)
        report("remote engine   /doc/boom/….ttl", remote_rate, remote_lat, remote_cpu)
        busy = [(BUSY, {})] * 20
        _, busy_local = load(embedded_port, busy, 1)
        _, busy_remote = load(remote_port, busy, 1)
        report("embedded store  busy neighbourhood, one at a time", len(busy_local) / sum(busy_local), busy_local)
        report("remote engine   busy neighbourhood, one at a time", len(busy_remote) / sum(busy_remote), busy_remote)
        print()
        print(f"trees: remote vs embedded (req/s):             {ratio(remote_rate, local_rate)}")
        print(
            f"busy neighbourhood: remote vs embedded (time): "
            f"{ratio(statistics.mean(busy_remote), statistics.mean(busy_local))}"
        )
    finally:
        for process in reversed(servers):
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    main()
