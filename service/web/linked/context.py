"""The live release as the linked-data routes reach it: the app's one ``service.live.Live``."""

from __future__ import annotations

from flask import Flask, current_app

from ...live import GRAPH_LABELS, Live, LiveRelease

__all__ = ["GRAPH_LABELS", "GRAPH_PAGES", "LiveRelease", "current", "current_for"]

#: Graphs that have a page of their own elsewhere on the site.
GRAPH_PAGES = {"vocab": "/def/", "catalog": "/catalog", "register": "/register"}


def current() -> LiveRelease:
    """The live release, opened once per process; raises NoRelease before the first build."""
    return current_for(current_app)


def current_for(app: Flask) -> LiveRelease:
    """``current`` for callers outside a request context (the WSGI front in ``front.py``)."""
    live: Live = app.extensions["openbaar.live"]
    return live.current()
