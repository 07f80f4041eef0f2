"""Read a served instance's /metrics: tests wait for and count what the server says it did."""

from __future__ import annotations

import time

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
