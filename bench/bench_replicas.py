"""Throughput of 1, 2 and 4 replicas of `openbaar serve` on this machine, and the CPU each request costs.

    python bench/bench_replicas.py [--requests 3000] [--workers 2] [--reuse]

One release of the bundled data is built, exported as an artefact and imported into one home per
replica (as on separate machines); each replica is `openbaar serve --workers W` following one shared
live pointer. Eight client processes (keep-alive) spread over the replicas as a load balancer would
send a mix of `/doc/boom/{ref}.ttl` (three in four) and SPARQL point queries (one in four, a different
IRI each, so the result cache does not help). Printed per replica count: requests/s, p50 and p99, the
ratio to one replica, and the server CPU per request (all replica processes, from /proc), which gives
the capacity of one replica per core. The replicas share this machine's cores, so more replicas cannot
add cores: the figures show what replication costs and how a request's CPU divides, not a scale-out.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import psutil

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from bench.bench_doc import BASE, _client, free_port, percentile, tree_refs, wait_for  # noqa: E402
from bench.measure import ratio  # noqa: E402

CLIENTS = 8
POINT = "SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"


def prepare(work: Path, replicas: int, reuse: bool) -> tuple[Path, list[Path]]:
    """A build home with one release; one home per replica holding only the imported artefact."""
    build_home = work / "build-home"
    if not (reuse and (build_home / "live").exists()):
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        openbaar("--project", str(REPO), "--home", str(build_home), "build")
    release_id = os.readlink(build_home / "live").rsplit("/", 1)[-1]
    artefact = work / f"{release_id}.tar"
    if not artefact.exists():
        openbaar("--home", str(build_home), "release", "export", release_id, "-o", str(artefact))
    pointer = work / "live.json"
    env = {"OPENBAAR_LIVE_SOURCE": str(pointer)}
    openbaar("--home", str(build_home), "release", "switch", release_id, "--artefact", artefact.name, env=env)
    homes = []
    for n in range(replicas):
        home = work / f"replica-{n}"
        openbaar("--home", str(home), "release", "import", str(artefact))
        homes.append(home)
    return pointer, homes


def openbaar(*args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(
        [sys.executable, "-m", "service.cli", *args],
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )


def start(home: Path, pointer: Path, workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {
        **os.environ,
        "OPENBAAR_HOME": str(home),
        "OPENBAAR_PROJECT": str(REPO),
        "OPENBAAR_LIVE_SOURCE": str(pointer),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--workers", str(workers)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/readyz", proc, seconds=180)  # a crowded machine starts slowly
    except RuntimeError:
        proc.terminate()
        proc.wait(30)
        raise
    return proc, port


def cpu_seconds(procs: list[subprocess.Popen[bytes]]) -> float:
    total = 0.0
    for proc in procs:
        root = psutil.Process(proc.pid)
        for p in [root, *root.children(recursive=True)]:
            times = p.cpu_times()
            total += times.user + times.system
    return total


def requests_for(trees: list[str]) -> list[tuple[str, dict[str, str]]]:
    out = []
    for n, ref in enumerate(trees):
        if n % 4:
            out.append((f"/doc/boom/{quote(ref)}.ttl", {"Accept": "text/turtle"}))
        else:
            query = urlencode({"query": POINT.format(iri=f"{BASE}/id/boom/{ref}")})
            out.append((f"/sparql?{query}", {"Accept": "application/sparql-results+json"}))
    return out


def run(ports: list[int], requests: list[tuple[str, dict[str, str]]]) -> tuple[float, list[float]]:
    """All requests over CLIENTS client processes; client i talks to replica i mod N."""
    shares = [(ports[i % len(ports)], requests[i::CLIENTS]) for i in range(CLIENTS)]
    with multiprocessing.Pool(CLIENTS) as pool:
        pool.map(_client, [(port, share[:5]) for port, share in shares])
        started = time.perf_counter()
        results = pool.map(_client, shares)
        seconds = time.perf_counter() - started
    latencies = [t for r in results for t in r]
    return len(latencies) / seconds, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per replica")
    parser.add_argument("--reuse", action="store_true", help="keep bench/out/replicas for the next run")
    args = parser.parse_args()
    work = HERE / "out" / "replicas"
    pointer, homes = prepare(work, 4, args.reuse)
    trees = tree_refs(work / "build-home", args.requests + 10 * CLIENTS)
    print(f"{os.cpu_count()} cores; {args.workers} workers per replica; {CLIENTS} clients; {args.requests} requests")
    first = None
    for count in (1, 2, 4):
        procs = []
        try:
            for home in homes[:count]:
                procs.append(start(home, pointer, args.workers))
            ports = [port for _, port in procs]
            cpu_before = cpu_seconds([p for p, _ in procs])
            rate, latencies = run(ports, requests_for(trees[: args.requests]))
            cpu = (cpu_seconds([p for p, _ in procs]) - cpu_before) / len(latencies)
        finally:
            for proc, _ in procs:
                proc.terminate()
                proc.wait(30)
        first = first or rate
        p50, p99 = percentile(latencies, 50) * 1e3, percentile(latencies, 99) * 1e3
        print(
            f"{count} replica(s): {rate:7,.0f} req/s  ({ratio(rate, first)} of one)  p50 {p50:6.2f} ms"
            f"  p99 {p99:7.2f} ms  server CPU {cpu * 1e6:6,.0f} µs/request  (= {1 / cpu:6,.0f} req/s per core)"
        )
    if not args.reuse:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
