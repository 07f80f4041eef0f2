"""Three stateless replicas (separate homes, imported releases only) follow one shared live pointer under load."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from service.artefact import export_release, import_release, release_identity
from service.config import Settings
from service.releases import list_releases
from service.replica import Pointer, write_pointer

from .conftest import Served, serve, stop
from .support.tworeleases import COUNT, TREES, build_two

pytestmark = pytest.mark.slow

POLL = 0.5
#: What docs/deploy.md promises: every replica serves a new release within one poll interval of the pointer
#: changing, plus the time to read the pointer and answer requests already in flight (generous on a busy machine).
BOUND = POLL + 1.5
REPLICAS = 3


@dataclass
class Cluster:
    build: Settings
    pointer: Path
    first: str
    second: str
    replicas: list[Served]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    root = tmp_path_factory.mktemp("replicas")
    build, first, second = build_two(root)
    shared = root / "shared"
    shared.mkdir()
    pointer = shared / "live.json"
    for release_id in (first, second):
        export_release(build, release_id, shared / f"{release_id}.tar")
    homes = [Settings(project=build.project, home=root / f"replica-{i}") for i in range(REPLICAS)]
    for home in homes:
        import_release(home, str(shared / f"{first}.tar"))  # the second comes through the pointer's artefact
    identity = release_identity(next(r for r in list_releases(build) if r.id == first))
    write_pointer(build.replace(live_source=str(pointer)), Pointer(first, identity))
    env = {"OPENBAAR_LIVE_SOURCE": str(pointer), "OPENBAAR_LIVE_POLL_SECONDS": str(POLL)}
    served = []
    try:
        for home in homes:
            served.append(serve(home, workers=1, env=env))
        yield Cluster(build, pointer, first, second, served)
    finally:
        for one in served:
            stop(one)


@dataclass
class Answer:
    replica: int
    started: float
    finished: float
    status: int
    release: str
    #: The release the body shows: the tree count mapped back to its release, or /readyz's own field.
    shown: str


def ask(cluster: Cluster, replica: int, kind: str) -> Answer:
    url = cluster.replicas[replica].url
    started = time.monotonic()
    if kind == "sparql":
        r = requests.get(f"{url}/sparql", params={"query": COUNT}, headers={"Accept": "application/json"}, timeout=30)
        count = int(r.json()["results"]["bindings"][0]["n"]["value"]) if r.status_code == 200 else -1
        shown = {TREES[0]: cluster.first, TREES[1]: cluster.second}.get(count, f"count {count}")
    else:
        r = requests.get(f"{url}/readyz", timeout=30)
        shown = r.json().get("release", "") if r.status_code == 200 else ""
    return Answer(replica, started, time.monotonic(), r.status_code, r.headers.get("X-Openbaar-Release", ""), shown)


def test_all_replicas_switch_within_the_bound_under_load_without_errors(cluster: Cluster) -> None:
    answers: list[Answer] = []
    done = threading.Event()

    def load(worker: int) -> None:
        for n in range(600):  # bounded: at most 600 requests per client
            if done.is_set():
                return
            answers.append(ask(cluster, (worker + n) % REPLICAS, "sparql" if n % 4 else "readyz"))
            time.sleep(0.01)

    clients = [threading.Thread(target=load, args=(w,)) for w in range(3)]
    for client in clients:
        client.start()
    time.sleep(1.5)
    env = {**os.environ, "OPENBAAR_LIVE_SOURCE": str(cluster.pointer)}
    artefact = f"{cluster.second}.tar"  # relative to the pointer file: the shared folder
    where = ["--project", str(cluster.build.project), "--home", str(cluster.build.home)]
    asked = time.monotonic()  # the pointer changes between these two moments
    switch = subprocess.run(
        [sys.executable, "-m", "service.cli", *where, "release", "switch", cluster.second, "--artefact", artefact],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    switched = time.monotonic()
    assert switch.returncode == 0, switch.stderr
    time.sleep(BOUND + 1.5)
    done.set()
    for client in clients:
        client.join(60)

    assert answers and all(a.status == 200 for a in answers), {a.status for a in answers}
    assert all(a.release in (cluster.first, cluster.second) for a in answers)
    mixed = [a for a in answers if a.shown != a.release]
    assert not mixed, f"responses whose body and header name different releases: {mixed[:3]}"
    before = [a for a in answers if a.finished < asked]
    assert before and all(a.release == cluster.first for a in before)
    for replica in range(REPLICAS):
        late = [a for a in answers if a.replica == replica and a.started > switched + BOUND]
        assert late, f"replica {replica} got no requests after the bound"
        assert all(a.release == cluster.second for a in late), f"replica {replica} still served the old release"


def test_every_response_names_its_release(cluster: Cluster) -> None:
    url = cluster.replicas[0].url
    for path in ("/healthz", "/readyz", "/sparql?query=ASK%7B%7D", "/catalog", "/static/missing.css"):
        r = requests.get(url + path, timeout=30)
        assert r.status_code < 500
        assert r.headers.get("X-Openbaar-Release") in (cluster.first, cluster.second), path


def test_a_pointer_url_is_polled_with_its_etag(tmp_path: Path) -> None:
    """A pointer served over http (werkzeug's static file serving, as any web server would): an unchanged
    pointer costs a 304, a changed one is read again, and a relative artefact is resolved against the URL."""
    from werkzeug.exceptions import NotFound
    from werkzeug.middleware.shared_data import SharedDataMiddleware
    from werkzeug.serving import make_server

    from service.replica import PointerReader

    folder = tmp_path / "shared"
    folder.mkdir()
    settings = Settings(project=tmp_path, home=tmp_path / "home", live_source=str(folder / "live.json"))
    write_pointer(settings, Pointer("20260101-000000-000001", "sha256:" + "1" * 64, "a.tar"))
    app = SharedDataMiddleware(NotFound(), {"/": str(folder)})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        reader = PointerReader(f"http://127.0.0.1:{server.server_port}/live.json")
        first = reader.read()
        assert first.release == "20260101-000000-000001"
        assert first.artefact == f"http://127.0.0.1:{server.server_port}/a.tar"
        assert reader.read() is first  # 304: the document was not sent or parsed again
        time.sleep(1.1)  # a new modification time, so the file's validator changes
        write_pointer(settings, Pointer("20260101-000000-000002", "sha256:" + "2" * 64))
        assert reader.read().release == "20260101-000000-000002"
    finally:
        server.shutdown()
        thread.join(5)
