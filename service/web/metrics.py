"""Prometheus metrics at /metrics: requests, latencies, query timeouts, cache hits and the live release.

Under gunicorn every worker process counts for itself; ``openbaar serve`` points
``PROMETHEUS_MULTIPROC_DIR`` at a fresh folder so that /metrics adds up all of them (prometheus_client's
multiprocess mode). The release is read from the live pointer when scraped, not counted.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request
from flask.typing import ResponseReturnValue
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from ..config import shared_metrics_dir
from ..live import Live
from ..query.board import ProcessBoard
from ..status import RecentChecks, status

bp = Blueprint("metrics", __name__)

REQUESTS = Counter("openbaar_http_requests", "HTTP requests answered, by route and status.", ["route", "status"])
LATENCY = Histogram(
    "openbaar_http_request_seconds",
    "Time to answer an HTTP request, by route.",
    ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
QUERIES = Counter(
    "openbaar_sparql_queries",
    "SPARQL queries by outcome: ok, cached, not_modified, refused (4xx), throttled (429), busy, timeout, worker_lost.",
    ["outcome"],
)
CACHE = Counter("openbaar_sparql_cache", "SPARQL result cache lookups, by result (hit or miss).", ["result"])
TRUNCATED = Counter("openbaar_sparql_truncated", "SPARQL results cut at the row limit.")
TIMEOUTS = Counter("openbaar_sparql_timeouts", "SPARQL queries stopped at the deadline.")
RUNNING = Gauge(
    "openbaar_sparql_running",
    "SPARQL queries being evaluated now, in the server processes or their query processes.",
    multiprocess_mode="livesum",
)
DOC_FRONT = Counter(
    "openbaar_doc_front",
    "Requests for /doc/ seen by the WSGI document front, by outcome: answered (by the front), "
    "handed_on (to Flask: HTML, ?format=, paging, 404, …) or failed (an error in the front; Flask answered).",
    ["outcome"],
)
DOC_CACHE = Counter(
    "openbaar_doc_cache",
    "Documents the WSGI front looked up in its release's document cache, by outcome: hit or miss (rendered).",
    ["outcome"],
)
EVALUATIONS = Counter(
    "openbaar_sparql_evaluations",
    "SPARQL queries evaluated (not from the cache), all in query processes (where=process).",
    ["where"],
)


class _LiveReleaseCollector(Collector):
    """The facts of ``openbaar status``: live release, its age and checks, kept releases, the last build."""

    def __init__(self, live: Live) -> None:
        self.live = live
        self.settings = live.settings
        self.checks = RecentChecks()

    def collect(self) -> Iterator[Metric]:
        report = status(self.settings, verify=self.checks)
        live = report["live"]
        info = GaugeMetricFamily("openbaar_release_info", "The live release (value 1).", labels=["release"])
        created = GaugeMetricFamily("openbaar_release_triples", "Quads in the live release.")
        age = GaugeMetricFamily("openbaar_release_age_seconds", "Seconds since the live release was built.")
        checks = GaugeMetricFamily(
            "openbaar_release_check_ok", "The live release's checks (1 passed, 0 failed).", labels=["check"]
        )
        verified = GaugeMetricFamily(
            "openbaar_release_verified", "Each kept release passes its checks (1) or not (0).", labels=["release"]
        )
        kept = GaugeMetricFamily("openbaar_releases_kept", "Releases kept on disk.")
        kept.add_metric([], len(report["releases"]))
        if live is not None:
            info.add_metric([live["id"]], 1)
            created.add_metric([], live["quads"])
            if live["age_seconds"] is not None:
                age.add_metric([], live["age_seconds"])
            for check in live["checks"]:
                checks.add_metric([check["name"]], 1 if check["ok"] else 0)
        for release in report["releases"]:
            verified.add_metric([release["id"]], 1 if release["verified"] else 0)
        yield from (info, created, age, checks, verified, kept)
        yield from _last_build(report["last_build"])
        budget = GaugeMetricFamily(
            "openbaar_sparql_client_budget_seconds",
            "Seconds of SPARQL evaluation each client may use per window, per server process (then 429).",
        )
        budget.add_metric([], self.settings.client_time_budget)
        window = GaugeMetricFamily("openbaar_sparql_client_budget_window_seconds", "The window of that budget.")
        window.add_metric([], self.settings.client_budget_window)
        yield budget
        yield window


class _QueryProcessCollector(Collector):
    """Every server process's query processes, read from the board when scraped: how many are idle and
    which are evaluating, since when and at what CPU priority (one series per evaluating process)."""

    def __init__(self, board: ProcessBoard) -> None:
        self.board = board

    def collect(self) -> Iterator[Metric]:
        states = self.board.states()
        count = GaugeMetricFamily(
            "openbaar_sparql_query_processes",
            "Query processes started and alive, by state: idle (ready for a query) or evaluating.",
            labels=["state"],
        )
        evaluating = [s for s in states if s.evaluating_since is not None]
        count.add_metric(["idle"], len(states) - len(evaluating))
        count.add_metric(["evaluating"], len(evaluating))
        labels = ["query_process", "server_process"]
        since = GaugeMetricFamily(
            "openbaar_sparql_evaluation_start_time_seconds",
            "When each query process that is evaluating now was given its query (Unix time), by its pid "
            "and its server process's pid; the series ends with the evaluation.",
            labels=labels,
        )
        nice = GaugeMetricFamily(
            "openbaar_sparql_evaluation_nice",
            "CPU priority (nice) of each query process that is evaluating now: 0, or 19 once lowered to "
            "make way for other queries of its server process.",
            labels=labels,
        )
        for state in states:
            if state.evaluating_since is None:
                continue
            pids = [str(state.pid), str(state.server_pid)]
            since.add_metric(pids, state.evaluating_since)
            nice.add_metric(pids, state.nice)
        yield from (count, since, nice)


def _last_build(build: dict[str, Any] | None) -> Iterator[Metric]:
    ok = GaugeMetricFamily("openbaar_last_build_ok", "The last build succeeded (1) or failed (0).")
    finished = GaugeMetricFamily("openbaar_last_build_timestamp_seconds", "When the last build ended (Unix time).")
    rejected = GaugeMetricFamily(
        "openbaar_last_build_rejected_rows", "Rows the last build rejected, per table.", labels=["dataset", "file"]
    )
    if build is not None:
        ok.add_metric([], 1 if build["status"] == "ok" else 0)
        finished.add_metric([], datetime.fromisoformat(build["finished"]).timestamp())
        for table in build["tables"]:
            rejected.add_metric([str(table["dataset"]), str(table["file"])], table["rejected_rows"] or 0)
    yield from (ok, finished, rejected)


def _registry(live: Live, board: ProcessBoard | None) -> CollectorRegistry:
    if shared_metrics_dir():
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        for collector in (
            REQUESTS,
            LATENCY,
            QUERIES,
            CACHE,
            TRUNCATED,
            TIMEOUTS,
            EVALUATIONS,
            DOC_FRONT,
            DOC_CACHE,
            RUNNING,
        ):
            registry.register(collector)
    registry.register(_LiveReleaseCollector(live))
    if board is not None:  # none with a remote SPARQL engine
        registry.register(_QueryProcessCollector(board))
    return registry


@bp.get("/metrics")
def metrics() -> ResponseReturnValue:
    registry = current_app.extensions.get("openbaar.metrics")
    if registry is None:
        extensions = current_app.extensions
        registry = extensions["openbaar.metrics"] = _registry(
            extensions["openbaar.live"], extensions.get("openbaar.query_processes")
        )
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST.split(";")[0])


def _start() -> None:
    g.metrics_started = time.perf_counter()


def _record(response: Response) -> Response:
    started = g.pop("metrics_started", None)
    route = request.url_rule.rule if request.url_rule is not None else "unmatched"
    REQUESTS.labels(route, str(response.status_code)).inc()
    if started is not None:
        LATENCY.labels(route).observe(time.perf_counter() - started)
    return response


def init_app(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_record)
