"""Releases as immutable artefacts: corrupt stores are refused on switch, finished releases are read-only,
killed builds are cleaned up, and a server facing a damaged live store answers 503, never 500.

Every corruption here is done to real store files (a copy of a real release), not to a mock.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from service.config import Settings
from service.errors import ReleaseError
from service.publishing import build
from service.releases import (
    list_releases,
    live_release,
    live_release_id,
    remove_release_dir,
    rollback,
    switch_live,
)

from .conftest import built_copy, copy_project, serve, stop

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def home(built: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The bundled data built twice: a live release and one to roll back to."""
    settings = built_copy(built, tmp_path_factory.mktemp("integrity"), keep_releases=5)
    build(settings)
    return settings


def copy_release(settings: Settings, name: str) -> Path:
    """A byte-for-byte copy of the live release under a new (older) id: real store files to damage."""
    source = live_release(settings)
    assert source is not None
    target = settings.releases_dir / name
    shutil.copytree(source.path, target, symlinks=True)
    return target


def writable(path: Path) -> Path:
    """Sealed files are read-only; the tests damage them on purpose."""
    for folder in (path.parent, path):
        folder.chmod(0o755 if folder.is_dir() else 0o644)
    return path


def cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPENBAAR_HOME": str(settings.home), "OPENBAAR_PROJECT": str(settings.project)}
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


def largest_sst(store: Path) -> Path:
    return max(store.glob("*.sst"), key=lambda p: p.stat().st_size)


def test_rollback_to_a_store_with_a_bad_current_file_exits_non_zero(home: Settings) -> None:
    before = live_release_id(home)
    bad = copy_release(home, "20000101-000000-000001")
    writable(bad / "store" / "CURRENT").write_text("MANIFEST-999999\n")
    result = cli(home, "rollback", "--to", bad.name)
    assert result.returncode != 0
    assert "failed its checks" in result.stderr and "store/CURRENT" in result.stderr
    assert live_release_id(home) == before


def test_rollback_to_a_store_with_a_truncated_sst_file_exits_non_zero(home: Settings) -> None:
    before = live_release_id(home)
    bad = copy_release(home, "20000101-000000-000002")
    sst = writable(largest_sst(bad / "store"))
    os.truncate(sst, sst.stat().st_size // 2)
    result = cli(home, "rollback", "--to", bad.name)
    assert result.returncode != 0
    assert f"store/{sst.name}" in result.stderr
    assert live_release_id(home) == before


def test_a_switch_opens_the_store_even_when_its_files_were_re_recorded(home: Settings) -> None:
    """A manifest rewritten to match a damaged store still fails: the store itself is opened and counted."""
    bad = copy_release(home, "20000101-000000-000003")
    writable(bad / "store" / "CURRENT").write_text("garbage\n")
    manifest_path = writable(bad / "release.json")
    manifest = json.loads(manifest_path.read_text())
    manifest["files"]["store/CURRENT"] = {"bytes": 8, "sha256": hashlib.sha256(b"garbage\n").hexdigest()}
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(ReleaseError) as refused:
        switch_live(home, bad.name)
    assert any(p.startswith("store opens:") and "CURRENT" in p for p in refused.value.problems)


def test_a_release_written_after_it_was_finished_is_refused(home: Settings) -> None:
    bad = copy_release(home, "20000101-000000-000004")
    for path in [bad / "store", *(bad / "store").iterdir()]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    writer = ox.Store(str(bad / "store"))  # what the issue did: a writer on a finished store
    writer.add(ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"), ox.Literal("x")))
    writer.flush()
    del writer
    with pytest.raises(ReleaseError, match="failed its checks") as refused:
        rollback(home, bad.name)
    assert any(p.startswith("files:") for p in refused.value.problems)
    result = cli(home, "releases", "--verify")
    assert result.returncode == 1
    assert "failed their checks: " in result.stderr and bad.name in result.stderr


def test_every_finished_release_is_read_only_on_disk(home: Settings) -> None:
    for release in list_releases(home):
        if release.id.startswith("2000"):
            continue  # the damaged copies above
        for root, dirs, files in os.walk(release.path):
            for name in dirs:
                assert not (Path(root) / name).stat().st_mode & 0o222, f"{root}/{name} is writable"
            for name in files:
                assert not (Path(root) / name).stat().st_mode & 0o222, f"{root}/{name} is writable"


def test_the_owner_of_a_release_cannot_open_a_writer_on_it(home: Settings) -> None:
    """As the user a service runs as (not root, who ignores file modes): the store opens to read, never to write."""
    release = live_release(home)
    assert release is not None
    reachable = Path(tempfile.mkdtemp(prefix="openbaar-owner-"))  # every user may reach it, unlike pytest's
    try:
        reachable.chmod(0o755)
        copy = reachable / "release"
        shutil.copytree(release.path, copy, symlinks=True)
        owner = 65534 if os.geteuid() == 0 else os.geteuid()
        if os.geteuid() == 0:
            for root, dirs, files in os.walk(copy):
                for name in [*dirs, *files]:
                    os.chown(Path(root) / name, owner, owner, follow_symlinks=False)
            os.chown(copy, owner, owner)
        child = os.fork()
        if child == 0:  # the owner, in a child process: 1 = reads but may not write, 0 = opened a writer
            code = 2
            try:
                if os.geteuid() == 0:
                    os.setgid(owner)
                    os.setuid(owner)
                ox.Store.read_only(str(copy / "store"))
                code = 1
                ox.Store(str(copy / "store"))
                code = 0
            finally:
                os._exit(code)
        _, status = os.waitpid(child, 0)
        assert os.waitstatus_to_exitcode(status) == 1, "the owner could open a writer (0) or not even read (2)"
    finally:
        remove_release_dir(copy)
        shutil.rmtree(reachable, ignore_errors=True)


def test_releases_verify_checks_every_kept_release(home: Settings) -> None:
    result = cli(home, "releases", "--verify")
    for release in list_releases(home):
        assert release.id in result.stdout + result.stderr
    good = [r for r in list_releases(home) if not r.id.startswith("2000")]
    assert all(r.verify().ok for r in good)


def test_status_reports_the_live_release_its_checks_and_the_last_build(home: Settings) -> None:
    result = cli(home, "status", "--json")
    report = json.loads(result.stdout)
    assert report["live"]["id"] == live_release_id(home)
    assert report["live"]["verified"] is True
    assert {c["name"] for c in report["live"]["checks"]} >= {"files", "store opens", "quads per graph", "dumps"}
    assert report["last_build"]["status"] == "ok"
    assert report["last_build"]["rejected_rows"] == sum(t["bad_rows"] for t in live_release(home).manifest["tables"])  # type: ignore[union-attr]
    damaged = {r["id"] for r in report["releases"] if r["verified"] is False}
    assert result.returncode == (1 if damaged else 0)
    text = cli(home, "status")
    assert live_release_id(home) in text.stdout and "rejected rows" in text.stdout


def test_a_build_removes_the_staging_folders_of_killed_builds(tmp_path: Path) -> None:
    settings = Settings(project=copy_project(tmp_path / "project"), home=tmp_path / "var")
    env = {**os.environ, "OPENBAAR_HOME": str(settings.home), "OPENBAAR_PROJECT": str(settings.project)}
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "build"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    staging: list[Path] = []
    while time.monotonic() < deadline and not staging:
        time.sleep(0.05)
        if settings.releases_dir.is_dir():
            staging = [p for p in settings.releases_dir.iterdir() if (p / "store").is_dir()]
    time.sleep(0.3)
    os.killpg(process.pid, signal.SIGKILL)  # the build and its mapper, as kill -9 would
    process.wait()
    assert staging and staging[0].exists() and staging[0].name.startswith(".staging-")
    build(settings)
    assert not [p for p in settings.releases_dir.iterdir() if p.name.startswith(".staging-")]
    assert live_release(settings) is not None


def a_document_path(settings: Settings) -> str:
    release = live_release(settings)
    assert release is not None
    store = ox.Store.read_only(str(release.store_path))
    graph = ox.NamedNode(settings.graph_base + "bomen")
    subject = next(iter(store.quads_for_pattern(None, None, None, graph))).subject.value
    return "/doc/" + subject.removeprefix(settings.id_base)


def point_live_at(settings: Settings, release_id: str) -> None:
    """Move the pointer without the checks, as a damaged disk or an older tool would leave it."""
    temporary = settings.live_pointer.with_name(".live-test")
    os.symlink(os.path.join("releases", release_id), temporary)
    os.replace(temporary, settings.live_pointer)


def test_a_server_facing_a_live_store_it_cannot_open_answers_503_and_recovers(home: Settings) -> None:
    good = live_release_id(home)
    assert good is not None
    bad = copy_release(home, "20000101-000000-000005")
    writable(bad / "store" / "CURRENT").write_text("garbage\n")
    doc = a_document_path(home)
    served = serve(home, workers=1)
    paths = ["/readyz", doc, "/search?q=boom", "/sparql?query=ASK%7B%7D", "/", "/catalog"]
    try:
        point_live_at(home, bad.name)
        for path in paths:
            response = requests.get(served.url + path, timeout=30)
            assert response.status_code == 503, (path, response.status_code, response.text[:300])
            assert int(response.headers["Retry-After"]) > 0, path
        ready = requests.get(served.url + "/readyz", timeout=10).json()
        assert ready["status"] == "unavailable" and "cannot be opened" in ready["reason"]
        point_live_at(home, good)
        for path in paths:
            assert requests.get(served.url + path, timeout=30).status_code == 200, path
    finally:
        point_live_at(home, good)
        stop(served)


def test_dumps_are_served_only_as_regular_files_matching_the_manifest(home: Settings) -> None:
    copy = copy_release(home, "20000101-000000-000006")
    dumps = json.loads((copy / "release.json").read_text())["dumps"]
    first, second, third = dumps[0]["name"], dumps[1]["name"], dumps[2]["name"]
    folder = copy / "dumps"
    folder.chmod(0o755)
    served = serve(home, workers=1)
    try:
        url = f"{served.url}/dumps/{copy.name}/"
        assert requests.get(url + third, timeout=30).status_code == 200
        (folder / first).unlink()
        (folder / first).symlink_to(folder / third)  # a listed dump replaced by a link to another file
        linked = requests.get(url + first, timeout=30)
        assert linked.status_code == 404 and "symbolic link" in linked.text
        data = bytearray((folder / second).read_bytes())
        data[len(data) // 2] ^= 0xFF  # same size, other bytes
        writable(folder / second).write_bytes(bytes(data))
        tampered = requests.get(url + second, timeout=30)
        assert tampered.status_code == 404 and "SHA-256" in tampered.text
    finally:
        stop(served)


def test_under_a_low_file_limit_the_server_answers_503_and_recovers(home: Settings) -> None:
    """A worker left with too few descriptors to open the new live store: 503 with Retry-After, then 200 again."""
    good = live_release_id(home)
    other = next(r.id for r in list_releases(home) if r.id != good and not r.id.startswith("2000"))
    doc = a_document_path(home)
    served = serve(home, workers=1)
    paths = ["/readyz", "/", doc, "/search?q=boom", "/catalog"]
    try:
        (worker,) = [
            int(pid)
            for pid in Path(f"/proc/{served.process.pid}/task/{served.process.pid}/children").read_text().split()
        ]
        for path in paths:
            assert requests.get(served.url + path, timeout=30).status_code == 200, path
        soft, hard = resource.prlimit(worker, resource.RLIMIT_NOFILE)
        in_use = len(os.listdir(f"/proc/{worker}/fd"))
        resource.prlimit(worker, resource.RLIMIT_NOFILE, (in_use + 4, hard))
        point_live_at(home, other)  # the worker must open the other store, which needs far more descriptors
        for path in paths:
            response = requests.get(served.url + path, timeout=30)
            assert response.status_code == 503, (path, response.status_code, response.text[:300])
            assert int(response.headers["Retry-After"]) > 0, path
        resource.prlimit(worker, resource.RLIMIT_NOFILE, (soft, hard))
        for path in paths:
            response = requests.get(served.url + path, timeout=30)
            assert response.status_code == 200, path
        assert requests.get(served.url + "/readyz", timeout=30).json()["release"] == other
    finally:
        point_live_at(home, good)  # type: ignore[arg-type]
        stop(served)


def test_metrics_carry_the_status_facts(home: Settings) -> None:
    damaged = copy_release(home, "20000101-000000-000007")
    writable(damaged / "store" / "CURRENT").write_text("garbage\n")
    live = live_release_id(home)
    served = serve(home, workers=1)
    try:
        text = requests.get(served.url + "/metrics", timeout=60).text
    finally:
        stop(served)
    assert f'openbaar_release_info{{release="{live}"}} 1.0' in text
    assert f'openbaar_release_verified{{release="{live}"}} 1.0' in text
    assert f'openbaar_release_verified{{release="{damaged.name}"}} 0.0' in text
    assert 'openbaar_release_check_ok{check="files"} 1.0' in text
    assert "openbaar_release_age_seconds " in text
    assert "openbaar_last_build_ok 1.0" in text
    rejected = sum(t["bad_rows"] for t in live_release(home).manifest["tables"])  # type: ignore[union-attr]
    lines = [line for line in text.splitlines() if line.startswith("openbaar_last_build_rejected_rows{")]
    assert sum(float(line.rsplit(" ", 1)[1]) for line in lines) == rejected
