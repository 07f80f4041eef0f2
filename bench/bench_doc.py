"""Resource documents: `/doc/…` in Turtle against the same DESCRIBE sent to `oxigraph serve-read-only`.

    python bench/bench_doc.py [--rows 100000] [--requests 4000] [--workers 2] [--reuse]

In one run, on one release built from --rows generated trees (plus the bundled neighbourhoods):
  1. `openbaar serve` (gunicorn, --workers) and `oxigraph serve-read-only --union-default-graph` on the
     same store directory;
  2. the same random trees fetched from both at concurrency 4 (four client processes, keep-alive):
     ours as `/doc/boom/{ref}.ttl`, Oxigraph as `DESCRIBE <…/id/boom/{ref}>` with Accept text/turtle;
     ours twice: cold (each document rendered, then kept in the release's document cache) and warm (the
     same documents again, from the cache);
  3. /healthz from ours at the same concurrency: what Flask and gunicorn cost with no work at all;
  4. the same trees fetched one at a time as HTML and as Turtle from ours.
It prints requests/s, p50 and p99 of each, and the ratios.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from bench.bench_sparql import cpu_seconds  # noqa: E402
from bench.measure import ratio  # noqa: E402
from service.serve import default_workers  # noqa: E402

BASE = "https://data.groningen.nl"
CONCURRENCY = 4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    parts = urlsplit(url)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
            conn.request("GET", parts.path or "/")
            if conn.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {seconds} s")


def _client(args: tuple[int, list[tuple[str, dict[str, str]]]]) -> list[float]:
    """One keep-alive connection sending its share of requests; returns each request's seconds."""
    port, requests = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times = []
    for path, headers in requests:
        started = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        times.append(time.perf_counter() - started)
        if response.status != 200 or not body:
            raise RuntimeError(f"{path}: {response.status}")
    conn.close()
    return times


def load(port: int, requests: list[tuple[str, dict[str, str]]], concurrency: int) -> tuple[float, list[float]]:
    """(requests/s, latencies) of all requests spread over ``concurrency`` client processes."""
    shares = [(port, requests[i::concurrency]) for i in range(concurrency)]
    with multiprocessing.Pool(concurrency) as pool:
        pool.map(_client, [(port, share[:5]) for port, share in shares])  # warm the connections and caches
        started = time.perf_counter()
        results = pool.map(_client, shares)
        seconds = time.perf_counter() - started
    latencies = [t for r in results for t in r]
    return len(latencies) / seconds, latencies


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def report(name: str, rate: float, latencies: list[float], cpu: float | None = None) -> None:
    p50, p99 = percentile(latencies, 50) * 1e3, percentile(latencies, 99) * 1e3
    per_request = f"   server CPU {cpu / len(latencies) * 1e6:6,.0f} us/req" if cpu is not None else ""
    print(f"{name:<44} {rate:8,.0f} req/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms{per_request}")


def measured(pid: int, port: int, requests: list[tuple[str, dict[str, str]]]) -> tuple[float, list[float], float]:
    """(requests/s, latencies, server CPU seconds) of one load at the benchmark's concurrency."""
    before = cpu_seconds(pid)
    rate, latencies = load(port, requests, CONCURRENCY)
    return rate, latencies, cpu_seconds(pid) - before


def build(work: Path, rows: int) -> Path:
    project = work / "project"
    (project / "mappings").mkdir(parents=True)
    (project / "data").mkdir()
    for name in ("bomen.yml", "wijken-buurten.yml", "bevolking.yml"):
        shutil.copy(REPO / "mappings" / name, project / "mappings")
    for name in ("wijken.csv", "buurten.csv", "wijkindeling.csv", "buurtindeling.csv", "bevolking.csv"):
        shutil.copy(REPO / "data" / name, project / "data")
    shutil.copytree(REPO / "vocab", project / "vocab")
    subprocess.run(
        [
            sys.executable,
            str(REPO / "data" / "generate.py"),
            "bomen",
            "--rows",
            str(rows),
            "--out",
            str(project / "data" / "bomen.csv"),
        ],
        check=True,
    )
    home = work / "home"
    subprocess.run(
        [sys.executable, "-m", "service.cli", "--project", str(project), "--home", str(home), "build"],
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return home


def tree_refs(home: Path, count: int) -> list[str]:
    """Random trees of the release, read from its index (a third read-only opener would also do)."""
    import sqlite3

    db = sqlite3.connect(f"file:{home / 'live' / 'search.sqlite'}?mode=ro", uri=True)
    prefix = BASE + "/id/boom/"
    rows = [r[0] for r in db.execute("SELECT iri FROM resource WHERE iri LIKE ?", (prefix + "%",))]
    db.close()
    trees = [iri[len(prefix) :] for iri in rows if "/" not in iri[len(prefix) :]]
    random.Random(5).shuffle(trees)
    return trees[:count]


def release_home(work: Path, rows: int, reuse: bool) -> Path:
    """The benchmark's built home in ``work``: kept from the last run with ``reuse``, else built afresh."""
    if not (reuse and (work / "home" / "live").exists()):
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        build(work, rows)
    return work / "home"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: openbaar serve's)")
    parser.add_argument("--reuse", action="store_true", help="keep the built release in bench/out/doc between runs")
    args = parser.parse_args()
    work = HERE / "out" / "doc"
    reused = args.reuse and (work / "home" / "live").exists()
    if not reused:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        home = build(work, args.rows)
    home = work / "home"
    store = (home / "live").resolve() / "store"
    ours_port, oxigraph_port = free_port(), free_port()
    env = {**os.environ, "OPENBAAR_HOME": str(home), "OPENBAAR_PROJECT": str(work / "project")}
    ours = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "service.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(ours_port),
            *(["--workers", str(args.workers)] if args.workers else []),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    reference = subprocess.Popen(
        [
            "oxigraph",
            "serve-read-only",
            "--location",
            str(store),
            "--bind",
            f"127.0.0.1:{oxigraph_port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{ours_port}/readyz", ours)
        wait_for(f"http://127.0.0.1:{oxigraph_port}/", reference)
        refs = tree_refs(home, args.requests)
        ours_requests = [(f"/doc/boom/{ref}.ttl", {}) for ref in refs]
        describe = [
            (f"/query?query={quote(f'DESCRIBE <{BASE}/id/boom/{ref}>')}", {"Accept": "text/turtle"}) for ref in refs
        ]
        print(f"release: {args.rows:,} generated trees; {len(refs):,} random trees; concurrency {CONCURRENCY}")
        ox_rate, ox_lat, ox_cpu = measured(reference.pid, oxigraph_port, describe)
        cold_rate, cold_lat, cold_cpu = measured(ours.pid, ours_port, ours_requests)
        our_rate, our_lat, our_cpu = measured(ours.pid, ours_port, ours_requests)
        ceiling_rate, ceiling_lat, ceiling_cpu = measured(ours.pid, ours_port, [("/healthz", {})] * len(refs))
        report("oxigraph serve-read-only  DESCRIBE (turtle)", ox_rate, ox_lat, ox_cpu)
        workers = args.workers or default_workers()
        report(f"openbaar /doc/…ttl cold ({workers} gunicorn workers)", cold_rate, cold_lat, cold_cpu)
        report(f"openbaar /doc/…ttl warm ({workers} gunicorn workers)", our_rate, our_lat, our_cpu)
        report("openbaar /healthz (the Flask stack alone)", ceiling_rate, ceiling_lat, ceiling_cpu)
        sample = refs[: max(200, len(refs) // 10)]
        _, ttl_lat = load(ours_port, [(f"/doc/boom/{ref}.ttl", {}) for ref in sample], 1)
        _, html_lat = load(ours_port, [(f"/doc/boom/{ref}", {"Accept": "text/html"}) for ref in sample], 1)
        report("openbaar /doc/… Turtle, one at a time", len(ttl_lat) / sum(ttl_lat), ttl_lat)
        report("openbaar /doc/… HTML, one at a time", len(html_lat) / sum(html_lat), html_lat)
        print()
        print(f"/doc Turtle warm vs oxigraph DESCRIBE (req/s): {ratio(our_rate, ox_rate)}  (target >= 0.7x)")
        print(
            f"/doc Turtle cold vs oxigraph DESCRIBE (req/s): {ratio(cold_rate, ox_rate)}  (first request per document)"
        )
        print(f"/healthz vs oxigraph DESCRIBE (req/s):      {ratio(ceiling_rate, ox_rate)}  (what the stack allows)")
        print(
            f"HTML vs Turtle time per page (mean):       "
            f"{ratio(statistics.mean(html_lat), statistics.mean(ttl_lat))}  (target < 2x)"
        )
    finally:
        for proc in (ours, reference):
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    if not args.reuse:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
