"""Run the app: gunicorn in production, Flask's server with --dev."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from . import create_app
from .config import Settings


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings, self.options = settings, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return create_app(self.settings)


def gunicorn_options(host: str, port: int, workers: int) -> dict[str, Any]:
    """Threads per worker, since pyoxigraph releases the GIL while it evaluates."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": 4,
        "timeout": 120,
        "graceful_timeout": 10,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "warning",
    }


def run(settings: Settings, *, host: str, port: int, workers: int, dev: bool = False) -> None:
    if dev:
        create_app(settings).run(host=host, port=port, debug=True, use_reloader=True)
        return
    _Gunicorn(settings, gunicorn_options(host, port, workers)).run()
