"""Shared fixtures: a copy of the bundled project, a built release, and a real served instance."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from service.config import Settings
from service.publishing import build

REPO = Path(__file__).resolve().parents[1]


def copy_project(target: Path) -> Path:
    """A private copy of mappings/, vocab/ and data/, so a test may break it freely."""
    for name in ("mappings", "vocab", "data"):
        shutil.copytree(REPO / name, target / name, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


@pytest.fixture(scope="session", autouse=True)
def _removable_temp_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Finished releases are read-only on disk; give the owner write permission back so temp dirs can go."""
    yield
    for root, dirs, _ in os.walk(tmp_path_factory.getbasetemp()):
        for name in dirs:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                os.chmod(path, os.stat(path).st_mode | 0o700)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The bundled data, built once per session into its own home; tests only read it."""
    home = tmp_path_factory.mktemp("home")
    settings = Settings(project=REPO, home=home)
    build(settings)
    return settings


def built_copy(built: Settings, target: Path, **changes: object) -> Settings:
    """A private copy of the session's built release and of the project it came from: the state one build
    leaves, for a test that breaks, rebuilds or rolls back, without building the bundled data again."""
    shutil.copytree(built.home, target / "var", symlinks=True, ignore=shutil.ignore_patterns("cache", "build.lock"))
    return Settings(project=copy_project(target / "project"), home=target / "var", **changes)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]


def serve(
    settings: Settings, workers: int = 2, env: dict[str, str] | None = None, wrap: list[str] | None = None
) -> Served:
    """Start ``openbaar serve`` (gunicorn) on a free port and wait until it answers; ``env`` adds settings,
    ``wrap`` is a command that runs it (e.g. ``setpriv`` to drop capabilities)."""
    port = free_port()
    env = {**os.environ, "OPENBAAR_HOME": str(settings.home), "OPENBAAR_PROJECT": str(settings.project), **(env or {})}
    process = subprocess.Popen(
        [*(wrap or []), sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
        try:
            if requests.get(url + "/readyz", timeout=1).status_code == 200:
                return Served(url, process)
        except requests.RequestException:  # not listening yet, or too busy starting to answer
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not become ready in 30 s")


def stop(served: Served) -> None:
    served.process.terminate()
    try:
        served.process.wait(10)
    except subprocess.TimeoutExpired:
        served.process.kill()
        served.process.wait()
    if served.process.stderr is not None:
        served.process.stderr.close()


#: Fixtures that build a release or start a server: every test using one is marked slow (see pyproject.toml).
SLOW_FIXTURES = frozenset({"built", "server"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark by what a test uses: a built release or a server makes it slow, a browser makes it a browser test."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)
        if "browser" in names:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the session's browser tests (Debian's package, see tests/setup.sh).

    Without Chromium a local run skips these tests and says how to install it; in CI (``CI`` set, as every
    CI service does) they fail instead, because CI installs it and a missing browser is a broken setup.
    """
    from tests.support.browser import CHROMEDRIVER, CHROMIUM, chromium

    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not Path(path).is_file()]
    if missing:
        message = f"Chromium is not installed ({', '.join(missing)}): run sh tests/setup.sh"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must install it, browser tests are never skipped there")
        pytest.skip(message)
    with chromium() as driver:
        yield driver


@pytest.fixture(scope="session")
def server(built: Settings) -> Iterator[Served]:
    served = serve(built)
    yield served
    stop(served)


@contextmanager
def remote_served(
    settings: Settings,
    env: dict[str, str] | None = None,
    deadline: float = 60.0,
    workers: int = 2,
    store: Path | None = None,
) -> Iterator[Served]:
    """``openbaar serve`` answering /sparql and documents through ``oxigraph serve-read-only`` over the live
    release's store (or over ``store``)."""
    from service.releases import live_release
    from tests.support.remote import start_oxigraph, stop_oxigraph

    release = live_release(settings)
    assert release is not None
    port = free_port()
    engine = start_oxigraph(store or release.store_path, port, deadline)
    served = None
    try:
        settings_env = {"OPENBAAR_SPARQL_ENDPOINT": f"http://127.0.0.1:{port}/query", **(env or {})}
        served = serve(settings, workers=workers, env=settings_env)
        yield served
    finally:
        if served is not None:
            stop(served)
        stop_oxigraph(engine)


@pytest.fixture(scope="session")
def remote_server(built: Settings) -> Iterator[Served]:
    """The session's release served with a remote SPARQL engine instead of the embedded store."""
    with remote_served(built) as served:
        yield served
