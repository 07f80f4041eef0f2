"""Run the app: gunicorn in production, Flask's server with --dev."""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import tempfile
from typing import Any

from gunicorn.app.base import BaseApplication

from . import create_app
from .config import Settings, share_metrics_in


class _Gunicorn(BaseApplication):
    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings, self.options = settings, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return create_app(self.settings)


def _warm_queries(worker: Any) -> None:
    """Start each worker's query processes as soon as it is up, not on its first query."""
    app = worker.wsgi
    service = getattr(app, "extensions", {}).get("openbaar.queries")
    if service is not None:
        service.warm()


def _forget_worker(server: Any, worker: Any) -> None:
    """A dead worker's metric files would be summed forever; prometheus_client folds them away."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


#: prctl(2) option: orphaned descendants are re-parented to this process instead of to init.
_PR_SET_CHILD_SUBREAPER = 36


def _adopt_orphans(server: Any) -> None:
    """A query process whose worker was killed must not outlive the server, so the master adopts it."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _children() -> list[int]:
    found: list[int] = []
    for task in os.scandir(f"/proc/{os.getpid()}/task"):
        with contextlib.suppress(OSError), open(os.path.join(task.path, "children")) as listing:
            found += [int(pid) for pid in listing.read().split()]
    return found


def _stop_orphans(server: Any) -> None:
    """Last act of the master: kill and reap whatever still runs below it.

    A worker killed here hands its query processes to the master as it dies, so repeat until none is left.
    A new master started by a USR2 upgrade is a child too, and is left to serve.
    """
    upgraded = getattr(server, "reexec_pid", 0)
    while pids := [pid for pid in _children() if pid != upgraded]:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def default_workers() -> int:
    """Two processes per core: one waits on the store or the network while the other runs Python.

    Measured with bench/bench_doc.py on two cores at concurrency 4: four workers answer /doc/ about a
    third faster than two, whose threads take turns on one GIL.
    """
    return max(2, min(8, 2 * (os.cpu_count() or 1)))


def gunicorn_options(host: str, port: int, workers: int, settings: Settings | None = None) -> dict[str, Any]:
    """Threads per worker, so requests waiting on query processes never starve the excess of its 503.

    gthread workers: pyoxigraph and the query processes release the GIL. gunicorn's own timeout is
    not what stops queries (the query deadline is); it only catches a stuck worker.
    """
    settings = settings or Settings()
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": settings.query_concurrency + 4,
        "timeout": int(max(120, settings.query_deadline + 30)),
        "graceful_timeout": 10,
        # The longest request line gunicorn allows; a longer GET gets its 414 (POST takes any query size).
        "limit_request_line": 8190,
        # Each worker touches its heartbeat file on every loop; on tmpfs that is a memory write, not a disk one.
        "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "warning",
        "post_worker_init": _warm_queries,
        "child_exit": _forget_worker,
        "on_starting": _adopt_orphans,
        "on_exit": _stop_orphans,
    }


def run(settings: Settings, *, host: str, port: int, workers: int, dev: bool = False) -> None:
    if settings.live_source:  # a replica: this process follows the shared pointer for all its workers
        from .replica import Follower

        Follower(settings).start()
    if dev:
        create_app(settings).run(host=host, port=port, debug=True, use_reloader=True)
        return
    # Metric files and the query-process board are written on every query: on tmpfs that is a memory write.
    metrics_dir = tempfile.mkdtemp(prefix="openbaar-metrics-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    share_metrics_in(metrics_dir)
    try:
        _Gunicorn(settings, gunicorn_options(host, port, workers, settings)).run()
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)
