"""Read a served instance's /metrics: tests wait for and count what the server says it did."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import requests
from prometheus_client.parser import text_string_to_metric_families


def metric(url: str, name: str, **labels: str) -> float:
    """The summed value of one sample (``<name>`` or ``<name>_total``) whose labels include ``labels``."""
    text = requests.get(url + "/metrics", timeout=10).text
    total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name in (name, name + "_total") and labels.items() <= sample.labels.items():
                total += sample.value
    return total


def wait_for(url: str, name: str, at_least: float, timeout: float = 30, **labels: str) -> float:
    """Poll /metrics until the sample reaches ``at_least``; the value, or AssertionError at the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = metric(url, name, **labels)
        if value >= at_least or time.monotonic() > deadline:
            assert value >= at_least, f"{name}{labels} is {value}, not {at_least} after {timeout} s"
            return value
        time.sleep(0.05)


T = TypeVar("T")


def until(check: Callable[[], T], timeout: float = 30, what: str = "the condition") -> T:
    """Poll ``check`` (a reading of /metrics) until it returns something true: that, or AssertionError."""
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, f"{what} did not hold within {timeout} s"
        time.sleep(0.05)
    return found


def samples(url: str, *names: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    """Every sample of the named metrics from one scrape: their labels and values, by metric."""
    text = requests.get(url + "/metrics", timeout=10).text
    found: dict[str, list[tuple[dict[str, str], float]]] = {name: [] for name in names}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name in found:
                found[sample.name].append((dict(sample.labels), sample.value))
    return found


def evaluating(url: str) -> dict[int, tuple[float, int]]:
    """The query processes evaluating now, by pid: (Unix time it was given its query, its nice value)."""
    found = samples(url, "openbaar_sparql_evaluation_start_time_seconds", "openbaar_sparql_evaluation_nice")
    nice = {labels["query_process"]: value for labels, value in found["openbaar_sparql_evaluation_nice"]}
    return {
        int(labels["query_process"]): (since, int(nice[labels["query_process"]]))
        for labels, since in found["openbaar_sparql_evaluation_start_time_seconds"]
    }
