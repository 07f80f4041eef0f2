"""Prometheus metrics at /metrics: requests, latencies, query timeouts, cache hits and the live release.

Under gunicorn every worker process counts for itself; ``openbaar serve`` points
``PROMETHEUS_MULTIPROC_DIR`` at a fresh folder so that /metrics adds up all of them (prometheus_client's
multiprocess mode). The release is read from the live pointer when scraped, not counted.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from flask import Blueprint, Flask, Response, current_app, g, request
from flask.typing import ResponseReturnValue
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from ..config import shared_metrics_dir
from ..live import Live, NoRelease

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
EVALUATIONS = Counter(
    "openbaar_sparql_evaluations",
    "SPARQL queries evaluated (not from the cache), all in query processes (where=process).",
    ["where"],
)


class _LiveReleaseCollector(Collector):
    def __init__(self, live: Live) -> None:
        self.live = live

    def collect(self) -> Iterator[Metric]:
        info = GaugeMetricFamily("openbaar_release_info", "The live release (value 1).", labels=["release"])
        created = GaugeMetricFamily("openbaar_release_triples", "Quads in the live release.")
        with contextlib.suppress(NoRelease):
            release = self.live.current()
            info.add_metric([release.id], 1)
            created.add_metric([], release.release.triples)
        yield info
        yield created
        budget = GaugeMetricFamily(
            "openbaar_sparql_client_budget_seconds",
            "Seconds of SPARQL evaluation each client may use per window, per server process (then 429).",
        )
        budget.add_metric([], self.live.settings.client_time_budget)
        window = GaugeMetricFamily("openbaar_sparql_client_budget_window_seconds", "The window of that budget.")
        window.add_metric([], self.live.settings.client_budget_window)
        yield budget
        yield window


def _registry(live: Live) -> CollectorRegistry:
    if shared_metrics_dir():
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        for collector in (REQUESTS, LATENCY, QUERIES, CACHE, TRUNCATED, TIMEOUTS, EVALUATIONS, DOC_FRONT, RUNNING):
            registry.register(collector)
    registry.register(_LiveReleaseCollector(live))
    return registry


@bp.get("/metrics")
def metrics() -> ResponseReturnValue:
    registry = current_app.extensions.get("openbaar.metrics")
    if registry is None:
        registry = current_app.extensions["openbaar.metrics"] = _registry(current_app.extensions["openbaar.live"])
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
