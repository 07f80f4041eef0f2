"""The release history as dereferenceable resources: ``/id/release/{id}/…`` (PROV-O, as ``/releases`` mints it).

The history is made from the manifests of the releases on disk, not stored in a release, so it is
described from a small in-memory graph, made again only when the set of releases changes.
"""

from __future__ import annotations

import threading

from flask import current_app

from ...catalog.provenance import history_graph
from ...config import Settings
from ...describe import Describer, memory_describer
from ...releases import list_releases

#: The path under /id/ of everything the release history names.
PREFIX = "release/"
_lock = threading.Lock()


def describer() -> Describer:
    """A describer of the release history of the releases now on disk (cached per set of releases)."""
    app = current_app
    settings: Settings = app.config["OPENBAAR"]
    releases = list_releases(settings)
    key = tuple(r.id for r in releases)
    with _lock:
        cached = app.extensions.get("openbaar.history")
        if cached is not None and cached[0] == key:
            return cached[1]
        graph = history_graph(settings.public_base, [r.manifest for r in releases])
        fresh = memory_describer(graph.serialize(format="nt", encoding="utf-8"), settings.public_base + "/releases")
        app.extensions["openbaar.history"] = (key, fresh)
        return fresh
