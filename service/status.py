"""The operator's view of a home directory: the live release, its age and checks, the kept releases, the last build.

One dictionary, shown by ``openbaar status`` (terminal or JSON) and exported by ``/metrics``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .config import Settings
from .integrity import Verification
from .releases import Release, list_releases, live_release_id


def _age_seconds(created: str, now: datetime) -> float | None:
    try:
        return max(0.0, (now - datetime.fromisoformat(created)).total_seconds())
    except ValueError:
        return None


def last_build(settings: Settings) -> dict[str, Any] | None:
    """The newest build summary under reports/: its outcome, error and rejected rows per table."""
    reports = settings.reports_dir
    summaries = sorted(reports.glob("*.json")) if reports.is_dir() else []
    if not summaries:
        return None
    path: Path = summaries[-1]
    summary = json.loads(path.read_text(encoding="utf-8"))
    tables = summary.get("tables", [])
    return {
        "release": summary.get("release"),
        "status": summary.get("status"),
        "finished": datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0).isoformat(),
        "error": summary.get("error"),
        "problems": summary.get("problems", []),
        "rejected_rows": sum(int(t.get("bad_rows", 0)) for t in tables),
        "tables": [
            {
                "dataset": t.get("dataset"),
                "file": t.get("file"),
                "rows": t.get("rows"),
                "rejected_rows": t.get("bad_rows"),
            }
            for t in tables
        ],
    }


def release_status(release: Release, verification: Verification | None, now: datetime) -> dict[str, Any]:
    return {
        "id": release.id,
        "created": release.created,
        "age_seconds": _age_seconds(release.created, now),
        "quads": release.triples,
        "datasets": len(release.manifest.get("datasets", {})),
        "verified": None if verification is None else verification.ok,
        "checks": [] if verification is None else verification.as_dict()["checks"],
    }


class RecentChecks:
    """A release's checks, reused for ``ttl`` seconds: hashing every kept release on each scrape would cost a core."""

    def __init__(self, ttl: float = 300.0) -> None:
        self.ttl = ttl
        self._done: dict[str, tuple[float, Verification]] = {}
        self._lock = threading.Lock()

    def __call__(self, release: Release) -> Verification:
        with self._lock:
            known = self._done.get(release.id)
            if known is None or time.monotonic() - known[0] > self.ttl:
                known = (time.monotonic(), release.verify())
                self._done = {k: v for k, v in self._done.items() if time.monotonic() - v[0] <= self.ttl}
                self._done[release.id] = known
            return known[1]


def status(settings: Settings, *, verify: Callable[[Release], Verification] | None = Release.verify) -> dict[str, Any]:
    """Everything an operator or a monitor asks first; ``verify`` runs a kept release's checks (None: skip them)."""
    now = datetime.now(UTC)
    live_id = live_release_id(settings)
    kept = []
    for release in list_releases(settings):
        kept.append(release_status(release, None if verify is None else verify(release), now))
    live = next((r for r in kept if r["id"] == live_id), None)
    return {
        "checked": now.replace(microsecond=0).isoformat(),
        "home": str(settings.home),
        "live": live,
        "live_pointer": live_id,
        "releases": kept,
        "last_build": last_build(settings),
    }


def healthy(report: dict[str, Any]) -> bool:
    """A live release that passes its checks, and every kept release verified."""
    live = report["live"]
    return (
        live is not None
        and live["verified"] is not False
        and all(r["verified"] is not False for r in report["releases"])
    )
