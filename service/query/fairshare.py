"""A time budget per client, so that one client's heavy queries cannot starve the others (as WDQS does).

Each client has a bucket of evaluation seconds that refills at ``budget / window`` per second up to
``budget``. A query's evaluation time is taken from its client's bucket when it ends; a client whose
bucket is empty is refused (429) until it has refilled. Kept per server process.
"""

from __future__ import annotations

import math
import threading
import time


class ClientBudgets:
    """Thread-safe buckets of evaluation seconds, keyed by client."""

    #: Full buckets are forgotten once there are this many clients, so the table stays small.
    MAX_TRACKED = 10_000

    def __init__(self, budget: float, window: float) -> None:
        self.budget, self.window = budget, window
        self._rate = budget / window
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (seconds left, when)
        self._lock = threading.Lock()

    def _level(self, client: str, now: float) -> float:
        left, when = self._buckets.get(client, (self.budget, now))
        return min(self.budget, left + (now - when) * self._rate)

    def retry_after(self, client: str) -> int | None:
        """Whole seconds until ``client`` may query again, or None when it may now."""
        with self._lock:
            level = self._level(client, time.monotonic())
        if level > 0:
            return None
        return max(1, math.ceil(-level / self._rate))

    def charge(self, client: str, seconds: float) -> None:
        """Take ``seconds`` of evaluation from the client's bucket (it may go below zero: a debt)."""
        now = time.monotonic()
        with self._lock:
            self._buckets[client] = (self._level(client, now) - seconds, now)
            if len(self._buckets) > self.MAX_TRACKED:
                full = [c for c in self._buckets if self._level(c, now) >= self.budget]
                for name in full:
                    del self._buckets[name]


def client_of(remote_addr: str | None, header_value: str | None) -> str:
    """The client: the last address a trusted proxy put in its header, else the connecting address."""
    if header_value:
        return header_value.rsplit(",", 1)[-1].strip() or (remote_addr or "unknown")
    return remote_addr or "unknown"
